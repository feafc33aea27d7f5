import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportDocument } from '../contract/import';
import { importDocument } from '../contract/import';
import { openDatabase, type Database } from '../server/db/database';
import { ingestBatch } from '../server/ingest/service';
import { createPartner } from '../server/partners/service';
import { createToken } from '../server/tokens/service';
import { databaseTargets } from './support/databases';
import { createPostgresDatabase } from './support/postgres';
import { combine, customerWith } from './support/documents';
import { postgresBinaries, startPrivatePostgres, type PrivatePostgres } from './support/private-postgres';
import { startServerProcess as startProcess, type ServerProcess } from './support/processes';
import { partnerRows, rowCounts, type PartnerRows } from './support/rows';

const operator = { type: 'operator' as const, id: null, label: 'faults test' };

// Every server process this file starts, so none outlives a failed test.
const started: ServerProcess[] = [];
async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const server = await startProcess(env);
  started.push(server);
  return server;
}
afterAll(async () => {
  await Promise.all(started.map((server) => server.kill('SIGKILL')));
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A partner with a token and one stored customer, made in-process before any server runs. */
async function seedPartner(database: Database) {
  const { partnerId } = await createPartner(database.db, {
    name: 'Fault Partner',
    adminEmail: `admin-${Date.now()}@faults.test`,
    password: 'correct horse battery',
    actor: operator,
  });
  const { token } = await createToken(database.db, {
    partnerId,
    name: 'faults',
    scopes: ['read', 'ingest'],
    actor: operator,
  });
  const batch = importDocument.parse(
    combine(customerWith({ name: 'Before The Crash AB', usage: [{ date: '2026-03-01', assigned: 3 }] })),
  );
  await ingestBatch({ db: database.db }, { partnerId, batch, actor: operator, source: 'test' });
  return { partnerId, token };
}

/** A few-MB import document: 200 customers with a subscription each and `usageRows` days of usage among them. */
function largeDocument(usageRows: number): ImportDocument {
  const subscriptions = 2000;
  const day = (n: number) => new Date(Date.UTC(2020, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
  return {
    customers: Array.from({ length: subscriptions }, (_, i) => ({
      id: `crash-${i}`,
      name: `Crash Customer ${i}`,
      country: 'SE',
      createdAt: '2025-01-01',
    })),
    subscriptions: Array.from({ length: subscriptions }, (_, i) => ({
      id: `SubCrash${i}`,
      customerId: `crash-${i}`,
      kind: 'paid' as const,
      status: 'active' as const,
      startDate: '2020-01-01',
      endDate: '2030-12-31',
      lines: [{ product: 'meetings' as const, sku: 'A-MTG', quantity: 10 }],
    })),
    usage: Array.from({ length: usageRows }, (_, i) => ({
      subscriptionId: `SubCrash${i % subscriptions}`,
      product: 'meetings' as const,
      date: day(Math.floor(i / subscriptions)),
      assigned: 5,
      used: 4,
      used90d: 4,
    })),
  };
}

type Target = {
  env: Record<string, string>;
  open(): Promise<Database>;
  /** Resolves once the server's import transaction has started writing. */
  writing(since: number): Promise<boolean>;
  close(): Promise<void>;
};

async function embeddedTarget(): Promise<Target> {
  const directory = mkdtempSync(join(tmpdir(), 'ph-faults-'));
  const dataDir = join(directory, 'data');
  // PGlite writes its write-ahead log straight to the data directory; a newer segment means a transaction wrote.
  const walChanged = () => {
    const wal = join(dataDir, 'pgdata', 'pg_wal');
    return Math.max(
      ...readdirSync(wal)
        .filter((file) => /^[0-9A-F]{24}$/.test(file))
        .map((file) => statSync(join(wal, file)).mtimeMs),
    );
  };
  return {
    env: { DATA_DIR: dataDir },
    open: () => openDatabase({ dataDir }),
    writing: async (since) => walChanged() > since,
    close: async () => rmSync(directory, { recursive: true, force: true }),
  };
}

async function postgresTarget(): Promise<Target> {
  const serverUrl = process.env.TEST_DATABASE_URL as string;
  const database = await createPostgresDatabase(serverUrl, 'partner_hub_faults');
  const name = new URL(database.url).pathname.slice(1);
  const observer = new pg.Client({ connectionString: serverUrl });
  await observer.connect();
  return {
    env: { DATABASE_URL: database.url },
    open: () => openDatabase({ databaseUrl: database.url }),
    // A transaction gets an id when it first writes.
    writing: async () => {
      const { rows } = await observer.query<{ n: number }>(
        'select count(*)::int as n from pg_stat_activity where datname = $1 and backend_xid is not null',
        [name],
      );
      return (rows[0]?.n ?? 0) > 0;
    },
    close: async () => {
      await observer.end();
      await database.drop();
    },
  };
}

describe.each(databaseTargets)(
  'a server killed with SIGKILL in the middle of a large import (%s database)',
  (kind) => {
    let target: Target;
    let partner: { partnerId: string; token: string };
    let before: PartnerRows;
    const document = largeDocument(200_000);

    beforeAll(async () => {
      target = kind === 'embedded' ? await embeddedTarget() : await postgresTarget();
      const database = await target.open();
      partner = await seedPartner(database);
      before = await partnerRows(database.db, partner.partnerId);
      await database.close();
    });
    afterAll(() => target?.close());

    it('keeps no part of that batch, and the next start is clean', { timeout: 180_000 }, async () => {
      const body = JSON.stringify(document);
      expect(body.length).toBeGreaterThan(5_000_000);
      const server = await startServerProcess(target.env);
      const headers = { authorization: `Bearer ${partner.token}` };
      // A first read stamps the token's last use, so the only writes from now on are the import's.
      expect((await fetch(`${server.url}/api/v1/kpis`, { headers })).status).toBe(200);
      const since = Date.now();
      await sleep(20);

      let answered = false;
      const importing = fetch(`${server.url}/api/v1/import`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body,
      }).then(
        (response) => {
          answered = true;
          return `answered ${response.status}`;
        },
        () => 'connection lost',
      );
      const deadline = Date.now() + 60_000;
      while (!(await target.writing(since))) {
        if (answered)
          throw new Error('The import finished before it could be interrupted: make the document larger.');
        if (Date.now() > deadline) throw new Error(`The import never started writing:\n${server.output()}`);
        await sleep(10);
      }
      await sleep(150);
      expect(answered, 'the import was still being written when the server was killed').toBe(false);
      expect(await server.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
      expect(await importing).toBe('connection lost');

      const restarted = await startServerProcess(target.env);
      expect((await fetch(`${restarted.url}/healthz`)).status).toBe(200);
      const list = await fetch(`${restarted.url}/api/v1/customers?pageSize=1000`, { headers });
      expect(list.status).toBe(200);
      expect(((await list.json()) as { items: { name: string }[] }).items.map((item) => item.name)).toEqual([
        'Before The Crash AB',
      ]);
      expect(await restarted.kill('SIGTERM')).toEqual({ code: 0, signal: null });

      const database = await target.open();
      try {
        // customer_day and its build record are written by reads (the reads above), never by an import.
        const {
          customer_day: readDay,
          customer_day_builds: readBuild,
          ...after
        } = await partnerRows(database.db, partner.partnerId);
        const { customer_day: beforeDay, customer_day_builds: beforeBuild, ...stored } = before;
        expect([beforeDay, beforeBuild]).toEqual([[], []]);
        expect([readDay?.length, readBuild?.length]).toEqual([1, 1]);
        expect(rowCounts(after)).toEqual(rowCounts(stored));
        expect(after).toEqual(stored);
        // Nothing of the killed transaction lingers (no lock, no half-written row): the same batch goes in whole.
        const counts = await ingestBatch(
          { db: database.db },
          {
            partnerId: partner.partnerId,
            batch: importDocument.parse(document),
            actor: operator,
            source: 'test',
          },
        );
        expect(counts.usage).toBe(document.usage?.length);
      } finally {
        await database.close();
      }
    });
  },
);

describe('the embedded data directory after an abrupt stop', () => {
  let directory: string;
  let env: Record<string, string>;
  let partner: { partnerId: string; token: string };
  let server: ServerProcess | undefined;
  let stored: unknown;
  const headers = () => ({ authorization: `Bearer ${partner.token}` });
  const customers = async (url: string) => {
    const answer = await fetch(`${url}/api/v1/customers?pageSize=1000&asOf=2026-03-15`, {
      headers: headers(),
    });
    expect(answer.status).toBe(200);
    return answer.json();
  };

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'ph-abrupt-'));
    env = { DATA_DIR: join(directory, 'data') };
    const database = await openDatabase({ dataDir: env.DATA_DIR as string });
    partner = await seedPartner(database);
    await database.close();
  });
  afterAll(async () => {
    await server?.kill('SIGKILL');
    rmSync(directory, { recursive: true, force: true });
  });

  it('keeps what was written just before a SIGKILL, and starts again over the stale lock', async () => {
    server = await startServerProcess(env);
    const imported = await fetch(`${server.url}/api/v1/import`, {
      method: 'POST',
      headers: { ...headers(), 'content-type': 'application/json' },
      body: JSON.stringify(combine(customerWith({ name: 'Written Last AB', tags: ['kept'] }))),
    });
    expect(imported.status).toBe(200);
    stored = await customers(server.url);
    expect(JSON.stringify(stored)).toContain('Written Last AB');
    await server.kill('SIGKILL');
    expect(
      existsSync(join(env.DATA_DIR as string, 'partner-hub.lock')),
      'the killed process could not remove its lock',
    ).toBe(true);

    server = await startServerProcess(env);
    expect(await customers(server.url)).toEqual(stored);
  });

  it('keeps its data through a SIGKILL while idle, takes new writes, and stops cleanly afterwards', async () => {
    if (!server) throw new Error('needs the server of the previous test');
    await sleep(1000);
    await server.kill('SIGKILL');

    server = await startServerProcess(env);
    expect(await customers(server.url)).toEqual(stored);
    const more = await fetch(`${server.url}/api/v1/import`, {
      method: 'POST',
      headers: { ...headers(), 'content-type': 'application/json' },
      body: JSON.stringify(combine(customerWith({ name: 'After Recovery Oy' }))),
    });
    expect(more.status).toBe(200);
    expect(await server.kill('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(existsSync(join(env.DATA_DIR as string, 'partner-hub.lock'))).toBe(false);

    const database = await openDatabase({ dataDir: env.DATA_DIR as string });
    try {
      const names = await database.db
        .selectFrom('organizations')
        .select('name')
        .where('partner_id', '=', partner.partnerId)
        .where('kind', '=', 'customer')
        .orderBy('name')
        .execute();
      expect(names.map((row) => row.name)).toEqual([
        'After Recovery Oy',
        'Before The Crash AB',
        'Written Last AB',
      ]);
    } finally {
      await database.close();
    }
  });
});

const postgresBin = postgresBinaries();
if (!postgresBin)
  console.warn(
    'Skipping "a PostgreSQL restart while the server runs": no initdb/pg_ctl under /usr/lib/postgresql (apt-get install postgresql).',
  );

describe('a PostgreSQL restart while the server runs', () => {
  let cluster: PrivatePostgres | undefined;
  let server: ServerProcess | undefined;
  let partner: { partnerId: string; token: string };

  beforeAll(async () => {
    if (!postgresBin) return;
    cluster = await startPrivatePostgres(postgresBin);
    const admin = new pg.Client({ connectionString: cluster.url('postgres') });
    await admin.connect();
    await admin.query('create database partner_hub');
    await admin.end();
    const database = await openDatabase({ databaseUrl: cluster.url('partner_hub') });
    partner = await seedPartner(database);
    await database.close();
    server = await startServerProcess({ DATABASE_URL: cluster.url('partner_hub') });
  });
  afterAll(async () => {
    await server?.kill('SIGKILL');
    await cluster?.close();
  });

  it.skipIf(!postgresBin)(
    'answers 503 while it is down, reports it on /healthz, and recovers by itself',
    { timeout: 180_000 },
    async () => {
      if (!cluster || !server) throw new Error('setup failed');
      const url = server.url;
      const read = () =>
        fetch(`${url}/api/v1/customers`, { headers: { authorization: `Bearer ${partner.token}` } });
      let n = 0;
      const write = () =>
        fetch(`${url}/api/v1/import`, {
          method: 'POST',
          headers: { authorization: `Bearer ${partner.token}`, 'content-type': 'application/json' },
          body: JSON.stringify(combine(customerWith({ name: `During The Outage ${++n}` }))),
        });
      expect((await read()).status).toBe(200);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);

      // Traffic keeps flowing through the restart, so connections are lost in the middle of requests and transactions.
      const seen = new Map<number, number>();
      let flowing = true;
      const traffic = Array.from({ length: 4 }, async (_, i) => {
        while (flowing) {
          const answer = await (i % 2 ? write() : read()).catch(() => undefined);
          const status = answer?.status ?? 0; // 0: no answer at all
          seen.set(status, (seen.get(status) ?? 0) + 1);
          if (!answer) return;
          const body = (await answer.json()) as { error?: { code?: string } };
          if (status === 503) expect(body.error?.code).toBe('database_unavailable');
          if (status !== 200) await sleep(50);
        }
      });
      await sleep(500);
      await cluster.stop();
      await sleep(200);
      expect(server.running(), `the server process ended:\n${server.output()}`).toBe(true);

      const started = Date.now();
      const down = await read();
      expect(Date.now() - started, 'a request waits at most for the connection timeout').toBeLessThan(7000);
      expect(down.status).toBe(503);
      expect(down.headers.get('retry-after')).toBeTruthy();
      expect(await down.json()).toEqual({
        error: { code: 'database_unavailable', message: expect.any(String) },
      });
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ status: 'unavailable' });
      const rejected = await write();
      expect(rejected.status).toBe(503);
      const rejectedName = `During The Outage ${n}`;
      await sleep(1000);

      await cluster.start();
      const deadline = Date.now() + 30_000;
      while ((await fetch(`${url}/healthz`)).status !== 200) {
        if (Date.now() > deadline) throw new Error(`The service did not recover:\n${server.output()}`);
        await sleep(200);
      }
      await sleep(1000);
      flowing = false;
      await Promise.all(traffic);

      for (let i = 0; i < 5; i++) expect((await read()).status).toBe(200);
      expect((await write()).status).toBe(200);
      expect(server.running(), `the server process ended:\n${server.output()}`).toBe(true);
      expect(
        [...seen.keys()].filter((status) => status !== 200 && status !== 503),
        `answers seen: ${JSON.stringify([...seen])}`,
      ).toEqual([]);
      expect(seen.get(503)).toBeGreaterThan(0);
      console.log(`answers through the restart: ${JSON.stringify([...seen])}`);

      const all = await fetch(`${url}/api/v1/customers?pageSize=1000`, {
        headers: { authorization: `Bearer ${partner.token}` },
      });
      const names = ((await all.json()) as { items: { name: string }[] }).items.map((item) => item.name);
      expect(names).toContain('Before The Crash AB');
      expect(names).not.toContain(rejectedName);
      expect(await server.kill('SIGTERM')).toEqual({ code: 0, signal: null });
    },
  );
});
