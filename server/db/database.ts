import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import type { DB } from './schema';
import { startEmbeddedServer, type EmbeddedServer } from './embedded';
import { migrations } from './migrations/index';
import { analyzeStaleTables } from './upkeep';

// Dates stay 'YYYY-MM-DD' (a calendar date has no time zone), instants become ISO strings in UTC, and counts
// and money come back as numbers instead of strings.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);
type TypeId = Parameters<typeof pg.types.getTypeParser>[0];
pg.types.setTypeParser(1182 as TypeId, pg.types.getTypeParser(1009 as TypeId)); // date[] as string[]
pg.types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, (value) => new Date(value).toISOString());
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));

export type Database = {
  db: Kysely<DB>;
  kind: 'embedded' | 'postgres';
  /** Writes a snapshot of an embedded database that `openDatabase({ templateFile })` can start from. */
  dump(file: string): Promise<void>;
  close(): Promise<void>;
};

export type DatabaseOptions =
  { databaseUrl: string } | { dataDir: string } | { memory: true; templateFile?: string };

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  let embedded: EmbeddedServer | undefined;
  let connectionString: string;
  if ('databaseUrl' in options) {
    connectionString = options.databaseUrl;
  } else {
    embedded = await startEmbeddedServer(
      'dataDir' in options ? { dataDir: options.dataDir } : { templateFile: options.templateFile },
    );
    connectionString = embedded.connectionString;
  }
  // PGlite is a single session: one connection, so the app's transactions are serialised by the pool.
  const pool = new pg.Pool({
    connectionString,
    max: embedded ? 1 : 10,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: embedded ? 0 : 30000,
    // Dates are kept as the text PostgreSQL sends (above), which follows the session's DateStyle: a server, a
    // database or a role may default to another than ISO, so every session asks for ISO before its first query.
    onConnect: async (client) => {
      await client.query('set DateStyle = ISO');
    },
  });
  // An idle client losing its server (a PostgreSQL restart) must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  // Nor may a client that loses it while checked out, between two queries of a request: it reports that on
  // itself, and without a listener the process would end. Its next query fails instead (answered 503), and the
  // pool discards it when it comes back.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrate(pool);
    // A database filled before it had statistics (or by a version that kept none) gets them before it serves.
    await analyzeStaleTables(db);
  } catch (error) {
    await db.destroy();
    await embedded?.stop();
    throw error;
  }
  return {
    db,
    kind: embedded ? 'embedded' : 'postgres',
    async dump(file) {
      if (!embedded) throw new Error('Only an embedded database can be dumped.');
      await embedded.dump(file);
    },
    async close() {
      await db.destroy();
      await embedded?.stop();
    },
  };
}

async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query(
      'create table if not exists schema_migrations (version text primary key, applied_at timestamptz not null default now())',
    );
    for (const migration of migrations) {
      await client.query('begin');
      try {
        // Two servers starting against one PostgreSQL database take turns here.
        await client.query('select pg_advisory_xact_lock(7283401)');
        const applied = await client.query('select 1 from schema_migrations where version = $1', [
          migration.version,
        ]);
        if (applied.rowCount === 0) {
          await client.query(migration.sql);
          await client.query('insert into schema_migrations (version) values ($1)', [migration.version]);
        }
        await client.query('commit');
      } catch (error) {
        await client.query('rollback');
        throw error;
      }
    }
  } finally {
    client.release();
  }
}
