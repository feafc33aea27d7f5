import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../server/db/database';
import { sharedBuffersFor, startEmbeddedServer } from '../server/db/embedded';
import { migrations } from '../server/db/migrations/index';
import { databaseTargets, freshDatabase, type DatabaseTarget } from './support/databases';
import { createPostgresDatabase } from './support/postgres';

describe('the embedded database directory', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'partner-hub-db-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('keeps its data across a restart and lets only one opener in at a time', async () => {
    const dataDir = join(root, 'data');
    const first = await openDatabase({ dataDir });
    await sql`create table kept (value text)`.execute(first.db);
    await sql`insert into kept values ('still here')`.execute(first.db);
    await expect(openDatabase({ dataDir })).rejects.toThrow(
      /in use by another Partner Hub process \(pid \d+\)/,
    );
    await first.close();
    const second = await openDatabase({ dataDir });
    expect((await sql<{ value: string }>`select value from kept`.execute(second.db)).rows).toEqual([
      { value: 'still here' },
    ]);
    await second.close();
  });

  it('starts over cleanly after a first start that was interrupted half-way', async () => {
    const dataDir = join(root, 'interrupted');
    mkdirSync(join(dataDir, 'pgdata.partial-99999'), { recursive: true });
    writeFileSync(join(dataDir, 'pgdata.partial-99999', 'PG_VERSION'), 'half');
    const database = await openDatabase({ dataDir });
    expect((await sql<{ one: number }>`select 1 as one`.execute(database.db)).rows).toEqual([{ one: 1 }]);
    await database.close();
    expect(existsSync(join(dataDir, 'pgdata.partial-99999'))).toBe(false);
  });

  it('takes over a lock left by a process that no longer exists', async () => {
    const dataDir = join(root, 'stale');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'partner-hub.lock'), '999999999');
    const database = await openDatabase({ dataDir });
    await database.close();
  });
});

describe('the embedded database’s connection', () => {
  it('answers a query of several megabytes, sent in many pieces, in full', async () => {
    const server = await startEmbeddedServer({});
    const client = new pg.Client({ connectionString: server.connectionString });
    await client.connect();
    try {
      const text = 'usage,'.repeat(1_000_000);
      const { rows } = await client.query<{ length: number; md5: string }>(
        'select length($1::text) as length, md5($1::text) as md5',
        [text],
      );
      expect(rows[0]).toEqual({ length: 6_000_000, md5: createHash('md5').update(text).digest('hex') });
    } finally {
      await client.end();
      await server.stop();
    }
  });

  it('rolls back what a client that went away left half done, and serves the client waiting next', async () => {
    const server = await startEmbeddedServer({});
    try {
      const first = new pg.Client({ connectionString: server.connectionString });
      await first.connect();
      await first.query('create table kept (value text)');
      await first.query('begin');
      await first.query(`insert into kept values ('half done')`);
      // The next client connects while the first is still there (it waits its turn), then the first one's
      // connection ends under it (pg reports that as an error on the client).
      const next = new pg.Client({ connectionString: server.connectionString });
      const connected = next.connect();
      await new Promise((resolve) => setTimeout(resolve, 200));
      first.on('error', () => undefined);
      (first as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
      await connected;
      try {
        await next.query(`insert into kept values ('committed')`);
        const { rows } = await next.query<{ value: string }>('select value from kept');
        expect(rows).toEqual([{ value: 'committed' }]);
      } finally {
        await next.end();
      }
    } finally {
      await server.stop();
    }
  });
  it('closes a connection whose message has a length no message has, and serves the next', async () => {
    const server = await startEmbeddedServer({});
    try {
      const { hostname, port } = new URL(server.connectionString);
      const socket = connect(Number(port), hostname);
      const received: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => received.push(chunk));
      await new Promise((resolve) => socket.once('connect', resolve));
      // A proper startup, answered up to ReadyForQuery ('Z')...
      const parameters = Buffer.from('user\0postgres\0database\0postgres\0\0');
      const startup = Buffer.alloc(8);
      startup.writeInt32BE(8 + parameters.length, 0);
      startup.writeInt32BE(196608, 4);
      socket.write(Buffer.concat([startup, parameters]));
      while (!Buffer.concat(received).includes('Z')) await new Promise((resolve) => setTimeout(resolve, 10));
      // ...then a query whose length field says -1: shorter than the length field itself.
      const closed = new Promise((resolve) => socket.once('close', resolve));
      socket.write(Buffer.from([0x51, 0xff, 0xff, 0xff, 0xff]));
      await closed;

      const next = new pg.Client({ connectionString: server.connectionString });
      await next.connect();
      try {
        expect((await next.query<{ one: number }>('select 1 as one')).rows).toEqual([{ one: 1 }]);
      } finally {
        await next.end();
      }
    } finally {
      await server.stop();
    }
  });
});

describe('the embedded database’s page cache', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'partner-hub-buffers-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.each([
    [0, 128],
    [100, 128],
    [200, 224],
    [1024, 256],
  ])('is sized for %i MB of tables and indexes at %i MB', (megabytes, expected) => {
    const pgdata = join(root, `pgdata-${megabytes}`);
    mkdirSync(join(pgdata, 'base', '5'), { recursive: true });
    // Sparse: the size is what counts, not the disk it takes.
    writeFileSync(join(pgdata, 'base', '5', '16384'), '');
    truncateSync(join(pgdata, 'base', '5', '16384'), megabytes * 2 ** 20);
    expect(sharedBuffersFor(pgdata)).toBe(expected);
  });
});

describe.each(databaseTargets)('the date rules in SQL (%s database)', (target) => {
  let database: Database;
  beforeAll(async () => {
    database = await freshDatabase(target);
  });
  afterAll(() => database?.close());

  const effectiveEnd = async (
    kind: string,
    autoRenew: boolean,
    endDate: string,
    termMonths: number,
    at: string,
  ) =>
    (
      await sql<{
        end: string;
      }>`select ph_effective_end(${kind}, ${autoRenew}, ${endDate}::date, ${termMonths}::int, ${at}::date) as end`.execute(
        database.db,
      )
    ).rows[0]?.end;

  it.each([
    ['an end not yet reached stays', 'paid', true, '2026-01-31', 1, '2026-01-31', '2026-01-31'],
    ['Jan 31 + 1 month is Feb 28', 'paid', true, '2026-01-31', 1, '2026-02-01', '2026-02-28'],
    [
      'Jan 31 + 2 months is Mar 31, counted from the original end',
      'paid',
      true,
      '2026-01-31',
      1,
      '2026-03-01',
      '2026-03-31',
    ],
    ['a leap day rolls to Feb 28 a year on', 'paid', true, '2024-02-29', 12, '2024-03-01', '2025-02-28'],
    ['a quarterly term steps three months', 'paid', true, '2025-11-30', 3, '2026-03-15', '2026-05-30'],
    [
      'the day of a renewal is still the old term',
      'paid',
      true,
      '2025-01-15',
      12,
      '2026-01-15',
      '2026-01-15',
    ],
    ['without auto-renewal the end stays', 'paid', false, '2025-01-31', 1, '2026-03-01', '2025-01-31'],
    ['a trial never renews', 'trial', true, '2025-01-31', 1, '2026-03-01', '2025-01-31'],
  ])('effective end: %s', async (_name, kind, autoRenew, endDate, termMonths, at, expected) => {
    expect(
      await effectiveEnd(
        kind as string,
        autoRenew as boolean,
        endDate as string,
        termMonths as number,
        at as string,
      ),
    ).toBe(expected);
  });

  it.each([
    ['2025-01-31', '2025-02-28', 0],
    ['2025-01-15', '2025-02-15', 1],
    ['2025-01-15', '2025-02-14', 0],
    ['2024-11-20', '2026-03-19', 15],
    ['2026-03-15', '2026-01-15', -2],
  ])('whole months from %s to %s are %i', async (from, to, months) => {
    const { rows } = await sql<{
      months: number;
    }>`select ph_whole_months(${from}::date, ${to}::date) as months`.execute(database.db);
    expect(rows[0]?.months).toBe(months);
  });
});

// PGlite answers in ISO whatever is asked of it; a PostgreSQL server answers in the DateStyle its configuration,
// the database or the role set, and the app keeps dates as the text it gets.
describe.skipIf(!process.env.TEST_DATABASE_URL)('a PostgreSQL database whose DateStyle is not ISO', () => {
  it('still answers dates as YYYY-MM-DD and instants in ISO form', async () => {
    const created = await createPostgresDatabase(
      process.env.TEST_DATABASE_URL as string,
      'partner_hub_datestyle',
    );
    try {
      const settings = new pg.Client({ connectionString: created.url });
      await settings.connect();
      await settings.query(
        `alter database ${new URL(created.url).pathname.slice(1)} set DateStyle = 'SQL, DMY'`,
      );
      await settings.end();
      const plain = new pg.Client({ connectionString: created.url });
      await plain.connect();
      const { rows: plainRows } = await plain.query<{ day: string }>(`select date '2026-11-25' as day`);
      await plain.end();
      expect(plainRows[0]?.day).toBe('25/11/2026');

      const database = await openDatabase({ databaseUrl: created.url });
      try {
        const { rows } = await sql<{ day: string; days: string[]; at: string }>`
          select date '2026-11-25' as day, array[date '2026-02-28', date '2026-12-31'] as days,
                 timestamptz '2026-11-25 10:30:00+00' as at`.execute(database.db);
        expect(rows[0]).toEqual({
          day: '2026-11-25',
          days: ['2026-02-28', '2026-12-31'],
          at: '2026-11-25T10:30:00.000Z',
        });
      } finally {
        await database.close();
      }
    } finally {
      await created.drop();
    }
  });
});

/** A blank database of the target kind (no migrations applied), reached with a plain client. */
async function blankDatabase(target: DatabaseTarget): Promise<{ client: pg.Client; drop(): Promise<void> }> {
  if (target === 'embedded') {
    const server = await startEmbeddedServer({});
    const client = new pg.Client({ connectionString: server.connectionString });
    await client.connect();
    return { client, drop: async () => (await client.end(), await server.stop()) };
  }
  const serverUrl = process.env.TEST_DATABASE_URL as string;
  const name = `partner_hub_migration_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  return {
    client,
    async drop() {
      await client.end();
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

describe.each(databaseTargets)('migration 007, usage by month (%s database)', (target) => {
  it('moves every stored daily usage row into its month row, in date order, figures at the same place', async () => {
    const { client, drop } = await blankDatabase(target);
    try {
      const at = migrations.findIndex((migration) => migration.version === '007_usage_months');
      for (const migration of migrations.slice(0, at)) await client.query(migration.sql);
      const partner = '00000000-0000-4000-8000-000000000001';
      await client.query(
        `insert into license_usage (partner_id, subscription_id, product, date, assigned, used, used90d)
         values ($1, 'Sub1', 'meetings', '2026-02-01', 7, 6, 6), ($1, 'Sub1', 'meetings', '2026-01-31', 5, 4, 5),
                ($1, 'Sub1', 'meetings', '2026-01-02', 3, 2, 3), ($1, 'Sub1', 'calling', '2026-01-15', 9, 1, 2)`,
        [partner],
      );
      await client.query(migrations[at]?.sql as string);
      const { rows } = await client.query(
        `select subscription_id, product, month::text, dates::text[], assigned, used, used90d from license_usage_months order by 1, 2, 3`,
      );
      expect(rows).toEqual([
        {
          subscription_id: 'Sub1',
          product: 'calling',
          month: '2026-01-01',
          dates: ['2026-01-15'],
          assigned: [9],
          used: [1],
          used90d: [2],
        },
        {
          subscription_id: 'Sub1',
          product: 'meetings',
          month: '2026-01-01',
          dates: ['2026-01-02', '2026-01-31'],
          assigned: [3, 5],
          used: [2, 4],
          used90d: [3, 5],
        },
        {
          subscription_id: 'Sub1',
          product: 'meetings',
          month: '2026-02-01',
          dates: ['2026-02-01'],
          assigned: [7],
          used: [6],
          used90d: [6],
        },
      ]);
      expect((await client.query(`select to_regclass('license_usage') as old`)).rows).toEqual([
        { old: null },
      ]);
    } finally {
      await drop();
    }
  });
});

describe.each(databaseTargets)('migration 011, the usage log as text (%s database)', (target) => {
  it('keeps every logged batch, its rows grouped by pair as they were, with its row count', async () => {
    const { client, drop } = await blankDatabase(target);
    try {
      const at = migrations.findIndex((migration) => migration.version === '011_usage_log_text');
      for (const migration of migrations.slice(0, at)) await client.query(migration.sql);
      const partner = '00000000-0000-4000-8000-000000000001';
      await client.query(
        `insert into usage_batches (partner_id, subscriptions, products, pairs, dates, assigned, used, used90d)
         values ($1, '{Sub1,"Sub \\"2\\", {x}"}', '{meetings,calling}', '{1,1,2}', '{2026-01-31,2026-02-01,2026-02-01}',
                 '{5,7,9}', '{4,6,1}', '{5,6,2}')`,
        [partner],
      );
      await client.query(migrations[at]?.sql as string);
      const { rows } = await client.query<{ rows: number; body: string }>(
        `select rows, body from usage_batches where partner_id = $1`,
        [partner],
      );
      expect(rows.map((row) => ({ rows: row.rows, body: JSON.parse(row.body) as unknown }))).toEqual([
        {
          rows: 3,
          body: {
            subscriptions: ['Sub1', 'Sub "2", {x}'],
            products: ['meetings', 'calling'],
            pairs: [1, 1, 2],
            dates: ['2026-01-31', '2026-02-01', '2026-02-01'],
            assigned: [5, 7, 9],
            used: [4, 6, 1],
            used90d: [5, 6, 2],
          },
        },
      ]);
    } finally {
      await drop();
    }
  });
});
