import { sql, type Kysely } from 'kysely';
import type { DB } from './schema';

// The query planner needs statistics (row counts, value distributions) to choose plans; without them it assumes
// tiny tables and, at 10 000 customers, picks plans several times slower (the analytics overview: 320 ms instead
// of 75 on the embedded database). PostgreSQL's autovacuum keeps them current when it is on; the embedded
// database has no autovacuum at all. So the app does what autoanalyze would: a table with rows and no statistics,
// or with more rows changed since its last ANALYZE than 50 + 10 % of its rows (autoanalyze's default rule), is
// analyzed. Where autovacuum runs, it has usually done this already and nothing is left to do.

/** Analyzes the tables whose statistics are missing or stale; answers their names. */
export async function analyzeStaleTables(db: Kysely<DB>): Promise<string[]> {
  // Changes counted by this session are reported before it reads the counts (on PostgreSQL they are otherwise
  // reported up to a second later).
  await sql`select pg_stat_force_next_flush()`.execute(db);
  const { rows } = await sql<{ name: string }>`
    select c.relname as name
    from pg_class c
    left join pg_stat_user_tables s on s.relid = c.oid
    where c.relnamespace = 'public'::regnamespace and c.relkind = 'r'
      and ((c.reltuples < 0 and pg_relation_size(c.oid) > 0)
           or coalesce(s.n_mod_since_analyze, 0) > 50 + 0.1 * greatest(c.reltuples, 0))
    order by c.relname`.execute(db);
  const names = rows.map((row) => row.name);
  if (names.length) await sql`analyze ${sql.join(names.map((name) => sql.id(name)))}`.execute(db);
  return names;
}

export type StatisticsKeeper = { close: () => Promise<void> };

/** Checks every `everyMs` (as autovacuum does every minute) and analyzes what has gone stale. */
export function keepStatistics({
  db,
  everyMs = 60_000,
  onError,
}: {
  db: Kysely<DB>;
  everyMs?: number;
  onError: (error: unknown) => void;
}): StatisticsKeeper {
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = analyzeStaleTables(db)
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
