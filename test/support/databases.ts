import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, type Database } from '../../server/db/database';

export type DatabaseTarget = 'embedded' | 'postgres';

/** Every target the suite runs on: always the embedded database, and PostgreSQL when TEST_DATABASE_URL is set. */
export const databaseTargets: DatabaseTarget[] = process.env.TEST_DATABASE_URL
  ? ['embedded', 'postgres']
  : ['embedded'];

/** A new, empty, migrated database of the target kind, dropped again by `close`. */
export async function freshDatabase(target: DatabaseTarget): Promise<Database> {
  if (target === 'embedded') return openDatabase({ memory: true, templateFile: inject('pgliteTemplate') });
  const serverUrl = process.env.TEST_DATABASE_URL as string;
  const name = `partner_hub_test_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString() });
  return {
    ...database,
    async close() {
      await database.close();
      const cleanup = new pg.Client({ connectionString: serverUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}
