import { sql, type Kysely } from 'kysely';
import type { DB } from '../../server/db/schema';
import { foldUsage } from '../../server/ingest/usage-log';

/** Every stored row of one partner, table by table, each row as sorted JSON: equal snapshots hold equal data. */
export type PartnerRows = Record<string, string[]>;

// Sessions and tokens note when they were last used; that is bookkeeping, not the partner's data.
const bookkeeping = new Set(['sessions', 'api_tokens']);

/**
 * The partner's rows in every table that has a partner_id (so tables added later are covered too), its usage log
 * folded first: the server folds it in the background, which would otherwise change rows between two snapshots.
 */
export async function partnerRows(db: Kysely<DB>, partnerId: string): Promise<PartnerRows> {
  await foldUsage(db, partnerId);
  const { rows: tables } = await sql<{ table_name: string }>`
    select table_name from information_schema.columns
    where table_schema = current_schema() and column_name = 'partner_id'
    order by table_name`.execute(db);
  const snapshot: PartnerRows = {};
  for (const { table_name: table } of tables) {
    if (bookkeeping.has(table)) continue;
    const { rows } = await sql<
      Record<string, unknown>
    >`select * from ${sql.table(table)} where partner_id = ${partnerId}`.execute(db);
    snapshot[table] = rows.map((row) => JSON.stringify(row)).sort();
  }
  return snapshot;
}

/** How many rows each table holds in a snapshot: a short diff when a large batch was stored after all. */
export function rowCounts(rows: PartnerRows): Record<string, number> {
  return Object.fromEntries(Object.entries(rows).map(([table, list]) => [table, list.length]));
}
