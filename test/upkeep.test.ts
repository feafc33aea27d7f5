import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DB } from '../server/db/schema';
import { openDatabase, type Database } from '../server/db/database';
import { analyzeStaleTables, keepTables, vacuumDeadRows } from '../server/db/upkeep';
import { createPartner } from '../server/partners/service';
import { ingestBatch, importBatch } from '../server/ingest/service';
import { importDocument } from '../contract/import';
import { databaseTargets, freshDatabase, type DatabaseTarget } from './support/databases';
import { combine, customerWith } from './support/documents';

// The app does autovacuum's upkeep itself (server/db/upkeep.ts): the embedded database has no autovacuum; without
// statistics the analytics overview plans several times slower at 10 000 customers, and without VACUUM the
// projections swell with dead rows as usage streams in.

const operator = { type: 'operator' as const, id: null, label: 'test' };
const customers = (count: number) =>
  importDocument.parse(combine(...Array.from({ length: count }, () => customerWith({}))));

/** Renames `count` customers, the first by id or the last: each a changed row, and a dead one until VACUUM. */
async function renameCustomers(db: Kysely<DB>, count: number, from: 'first' | 'last' = 'first') {
  const order = sql.raw(from === 'first' ? 'asc' : 'desc');
  await sql`update organizations set name = name || ' AB'
            where id in (select id from organizations where kind = 'customer' order by id ${order} limit ${count})`.execute(
    db,
  );
}

/** Dead rows in a table, counting this session's own changes. */
async function deadRows(db: Kysely<DB>, table: string): Promise<number> {
  await sql`select pg_stat_force_next_flush()`.execute(db);
  const { rows } = await sql<{
    dead: number;
  }>`select n_dead_tup as dead from pg_stat_user_tables where relid = ${table}::regclass`.execute(db);
  return Number(rows[0]?.dead);
}

/** The planner's row count for a table: -1 before it was ever analyzed. */
async function plannedRows(db: Kysely<DB>, table: string): Promise<number> {
  const { rows } = await sql<{
    reltuples: number;
  }>`select reltuples from pg_class where oid = ${table}::regclass`.execute(db);
  return Number(rows[0]?.reltuples);
}

describe.each(databaseTargets)('table upkeep (%s database)', (target: DatabaseTarget) => {
  let database: Database;
  let partnerId: string;
  const db = () => database.db;

  beforeEach(async () => {
    database = await freshDatabase(target);
    // Only the app analyzes here: a server's autovacuum must not do it first and make the outcome a race.
    for (const table of ['organizations', 'subscriptions'])
      await sql`alter table ${sql.id(table)} set (autovacuum_enabled = false)`.execute(db());
    ({ partnerId } = await createPartner(db(), {
      name: 'Statistik AB',
      adminEmail: 'admin@statistik.example',
      password: 'statistics 2026 ok',
      actor: operator,
    }));
  });
  afterEach(() => database?.close());

  it('analyzes a table filled without statistics, then leaves it alone until it changes', async () => {
    await ingestBatch({ db: db() }, { partnerId, batch: customers(60), actor: operator, source: 'test' });
    expect(await plannedRows(db(), 'organizations')).toBe(-1);

    expect(await analyzeStaleTables(db())).toEqual(
      expect.arrayContaining(['organizations', 'subscriptions']),
    );
    // The partner's own organization and its 60 customers.
    expect(await plannedRows(db(), 'organizations')).toBe(61);
    expect(await analyzeStaleTables(db())).toEqual([]);
  });

  it('analyzes a table again once more than 50 rows and a tenth of it changed since', async () => {
    await ingestBatch({ db: db() }, { partnerId, batch: customers(100), actor: operator, source: 'test' });
    await analyzeStaleTables(db());
    await db()
      .connection()
      .execute(async (session) => {
        // 50 + 10 % of 101 rows is 60.1: 60 changed rows are not enough, the 61st is.
        await renameCustomers(session, 60);
        expect(await analyzeStaleTables(session)).not.toContain('organizations');
        await renameCustomers(session, 1);
        expect(await analyzeStaleTables(session)).toContain('organizations');
      });
  });

  it('vacuums a table once more than 50 rows and a fifth of it are dead, and then leaves it alone', async () => {
    await ingestBatch({ db: db() }, { partnerId, batch: customers(100), actor: operator, source: 'test' });
    await analyzeStaleTables(db());
    await db()
      .connection()
      .execute(async (session) => {
        // 50 + 20 % of 101 rows is 70.2: 70 dead rows are not enough, 71 are.
        await renameCustomers(session, 70);
        expect(await vacuumDeadRows(session)).not.toContain('organizations');
        await renameCustomers(session, 1, 'last');
        expect(await deadRows(session, 'organizations')).toBe(71);
        expect(await vacuumDeadRows(session)).toContain('organizations');
        expect(await deadRows(session, 'organizations')).toBe(0);
        expect(await vacuumDeadRows(session)).not.toContain('organizations');
      });
  });

  it('answers an import after giving the tables it filled statistics that count its rows', async () => {
    await importBatch({ db: db() }, { partnerId, batch: customers(30), actor: operator, source: 'test' });
    expect(await plannedRows(db(), 'organizations')).toBe(31);
    expect(await plannedRows(db(), 'subscriptions')).toBe(30);
  });

  it('vacuums and analyzes what needs it on its schedule while the server runs', async () => {
    await ingestBatch({ db: db() }, { partnerId, batch: customers(100), actor: operator, source: 'test' });
    await analyzeStaleTables(db());
    const keeper = keepTables({ db: db(), everyMs: 20, onError: (error) => expect.fail(String(error)) });
    try {
      await ingestBatch({ db: db() }, { partnerId, batch: customers(20), actor: operator, source: 'test' });
      await renameCustomers(db(), 120);
      await vi.waitFor(
        async () => {
          expect(await plannedRows(db(), 'organizations')).toBe(121);
          expect(await deadRows(db(), 'organizations')).toBe(0);
        },
        { timeout: 30_000, interval: 50 },
      );
    } finally {
      await keeper.close();
    }
  });
});

describe('a database opened again', () => {
  it('gets statistics for the tables that were filled without them before it serves', async () => {
    const first = await freshDatabase('embedded');
    const { partnerId } = await createPartner(first.db, {
      name: 'Omstart AB',
      adminEmail: 'admin@omstart.example',
      password: 'statistics 2026 ok',
      actor: operator,
    });
    await ingestBatch({ db: first.db }, { partnerId, batch: customers(40), actor: operator, source: 'test' });
    expect(await plannedRows(first.db, 'organizations')).toBe(-1);
    const directory = mkdtempSync(join(tmpdir(), 'partner-hub-upkeep-'));
    const snapshot = join(directory, 'snapshot.tar');
    await first.dump(snapshot);
    await first.close();

    const second = await openDatabase({ memory: true, templateFile: snapshot });
    try {
      expect(await plannedRows(second.db, 'organizations')).toBe(41);
    } finally {
      await second.close();
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
