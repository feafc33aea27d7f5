import { sql, type Kysely } from 'kysely';
import type { DB } from './schema';

// What autovacuum does on a PostgreSQL server, the app does for itself, because the embedded database has no
// autovacuum at all:
// - Statistics. The planner chooses plans from table statistics; without them it takes every table for a few
//   rows, and at 10 000 customers a small change to the analytics overview's query made it 3× slower. A table with
//   rows and no statistics, or with more rows changed since its last ANALYZE than 50 + 10 % of its rows
//   (autoanalyze's default rule), is analyzed.
// - Dead rows. Every update leaves the old row version behind until VACUUM makes its space reusable; with usage
//   streaming in, the projections grew to 4× their size and every scan of them slowed. A table with more dead rows
//   than 50 + 20 % of its rows (autovacuum's default rule) is vacuumed.
// Where autovacuum runs and keeps up, nothing is left to do.

type Upkeep = 'analyze' | 'vacuum';

/** The tables that need `upkeep` by autovacuum's default rules, counting this session's own changes. */
async function tablesNeeding(db: Kysely<DB>, upkeep: Upkeep): Promise<string[]> {
  // A session's changes are otherwise reported up to seconds later (on PostgreSQL).
  await sql`select pg_stat_force_next_flush()`.execute(db);
  const needed =
    upkeep === 'analyze'
      ? sql`(c.reltuples < 0 and pg_relation_size(c.oid) > 0) or coalesce(s.n_mod_since_analyze, 0) > 50 + 0.1 * greatest(c.reltuples, 0)`
      : sql`coalesce(s.n_dead_tup, 0) > 50 + 0.2 * greatest(c.reltuples, 0)`;
  const { rows } = await sql<{ name: string }>`
    select c.relname as name
    from pg_class c
    left join pg_stat_user_tables s on s.relid = c.oid
    where c.relnamespace = 'public'::regnamespace and c.relkind = 'r' and (${needed})
    order by c.relname`.execute(db);
  return rows.map((row) => row.name);
}

async function run(db: Kysely<DB>, upkeep: Upkeep): Promise<string[]> {
  const names = await tablesNeeding(db, upkeep);
  if (names.length) await sql`${sql.raw(upkeep)} ${sql.join(names.map((name) => sql.id(name)))}`.execute(db);
  return names;
}

/** Analyzes the tables whose statistics are missing or stale; answers their names. */
export const analyzeStaleTables = (db: Kysely<DB>) => run(db, 'analyze');

/** Vacuums the tables with many dead rows; answers their names. Not inside a transaction (VACUUM can't be). */
export const vacuumDeadRows = (db: Kysely<DB>) => run(db, 'vacuum');

export type TableKeeper = { close: () => Promise<void> };

/** Every `everyMs` (autovacuum looks every minute), vacuums and analyzes what needs it. */
export function keepTables({
  db,
  everyMs = 60_000,
  onError,
}: {
  db: Kysely<DB>;
  everyMs?: number;
  onError: (error: unknown) => void;
}): TableKeeper {
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = vacuumDeadRows(db)
      .then(() => analyzeStaleTables(db))
      .catch(onError)
      .finally(() => (running = undefined));
  }, everyMs).unref();
  return {
    async close() {
      clearInterval(timer);
      await running;
    },
  };
}
