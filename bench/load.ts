import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase, type Database } from '../server/db/database';
import { createPartner } from '../server/partners/service';
import { createToken } from '../server/tokens/service';
import { loadDemoPortfolio } from '../server/cli/demo-load';
import { createPostgresDatabase } from '../test/support/postgres';
import { startServerProcess, type ServerProcess } from '../test/support/processes';

// `npm run bench:load`: the real server (its own process, as `npm start` runs it) under 100 concurrent
// connections of reads against a 10 000-customer demo portfolio, on PostgreSQL when DATABASE_URL or
// TEST_DATABASE_URL is set (in a fresh database there), else on the embedded database. Prints the figures next
// to the budgets and exits 1 when one is missed. Options: --customers N --duration SECONDS --connections N;
// --keep keeps the prepared database and --reuse URL|DIR measures one kept before (loading 10 000 takes a while).

// autocannon ships no type declarations: these are the parts used here.
type Request = { method: 'GET'; path: string; setupRequest?: (request: Request) => Request };
type Result = {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  duration: number;
};
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  headers: Record<string, string>;
  requests: Request[];
}) => Promise<Result>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const budgets = { errors: 0, non2xx: 0, customerListPerSecond: 1000, p99Ms: 250 };

const { values: args } = parseArgs({
  options: {
    customers: { type: 'string', default: '10000' },
    duration: { type: 'string', default: '30' },
    connections: { type: 'string', default: '100' },
    keep: { type: 'boolean', default: false },
    reuse: { type: 'string' },
  },
});
const customers = Number(args.customers);
const duration = Number(args.duration);
const connections = Number(args.connections);
const serverUrl = process.env.DATABASE_URL || process.env.TEST_DATABASE_URL;
const log = (message: string) => process.stderr.write(`${message}\n`);
const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)] as T;

type Target = {
  kind: 'postgres' | 'embedded';
  where: string;
  env: Record<string, string>;
  open(): Promise<Database>;
  remove(): Promise<void>;
};

async function target(): Promise<Target> {
  const reuse = args.reuse;
  if (reuse) {
    const kept = async () => void log(`Kept for another run: --reuse ${reuse}`);
    return reuse.startsWith('postgres')
      ? {
          kind: 'postgres',
          where: reuse,
          env: { DATABASE_URL: reuse },
          open: () => openDatabase({ databaseUrl: reuse }),
          remove: kept,
        }
      : {
          kind: 'embedded',
          where: reuse,
          env: { DATA_DIR: reuse },
          open: () => openDatabase({ dataDir: reuse }),
          remove: kept,
        };
  }
  if (serverUrl) {
    const database = await createPostgresDatabase(serverUrl, 'partner_hub_bench');
    return {
      kind: 'postgres',
      where: database.url,
      env: { DATABASE_URL: database.url },
      open: () => openDatabase({ databaseUrl: database.url }),
      remove: () => database.drop(),
    };
  }
  const directory = mkdtempSync(join(tmpdir(), 'partner-hub-bench-'));
  const dataDir = join(directory, 'data');
  return {
    kind: 'embedded',
    where: dataDir,
    env: { DATA_DIR: dataDir },
    open: () => openDatabase({ dataDir }),
    remove: async () => rmSync(directory, { recursive: true, force: true }),
  };
}

const operator = { type: 'operator' as const, id: null, label: 'bench:load' };
const partnerName = 'Load Partner AB';

/** A partner with the demo portfolio, loaded through the same path as any import, and a read token. */
async function preparePortfolio(where: Target): Promise<string> {
  const database = await where.open();
  try {
    if (args.reuse) {
      const partner = await database.db
        .selectFrom('organizations')
        .select('id')
        .where('kind', '=', 'partner')
        .where('name', '=', partnerName)
        .executeTakeFirstOrThrow();
      return (
        await createToken(database.db, {
          partnerId: partner.id,
          name: 'bench:load',
          scopes: ['read'],
          actor: operator,
        })
      ).token;
    }
    const { partnerId } = await createPartner(database.db, {
      name: partnerName,
      adminEmail: 'admin@load.bench.example',
      password: 'load bench password',
      actor: operator,
    });
    const started = Date.now();
    let shown = 0;
    await loadDemoPortfolio(database.db, {
      partnerId,
      customers,
      seed: 42,
      actor: operator,
      onProgress: (done, total) => {
        if (done - shown >= total / 10 || done === total)
          log(
            `  demo portfolio: ${(shown = done)} / ${total} customers (${((Date.now() - started) / 1000).toFixed(0)} s)`,
          );
      },
    });
    return (
      await createToken(database.db, { partnerId, name: 'bench:load', scopes: ['read'], actor: operator })
    ).token;
  } finally {
    await database.close();
  }
}

type Phase = { name: string; result: Result; throughputBudget?: number };

function missed(phase: Phase): string[] {
  const { result } = phase;
  const misses: string[] = [];
  if (result.errors + result.timeouts > budgets.errors)
    misses.push(`${phase.name}: ${result.errors + result.timeouts} errors (budget ${budgets.errors})`);
  if (result.non2xx > budgets.non2xx)
    misses.push(`${phase.name}: ${result.non2xx} non-2xx answers (budget ${budgets.non2xx})`);
  if (result.latency.p99 > budgets.p99Ms)
    misses.push(`${phase.name}: p99 ${result.latency.p99} ms (budget ≤ ${budgets.p99Ms} ms)`);
  if (phase.throughputBudget !== undefined && result.requests.average < phase.throughputBudget) {
    misses.push(
      `${phase.name}: ${result.requests.average.toFixed(0)} req/s (budget ≥ ${phase.throughputBudget} req/s)`,
    );
  }
  return misses;
}

function report(kind: Target['kind'], phases: Phase[]) {
  const row = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(34) : cell.padStart(22))).join('');
  console.log(
    `\nbench:load — ${customers} customers, ${connections} connections, ${duration} s a phase, ${kind} database, Node ${process.version}, ${cpus().length} cores`,
  );
  console.log(row(['phase', 'req/s', 'p50 / p99 ms', 'errors', 'non-2xx']));
  for (const phase of phases) {
    const { result } = phase;
    console.log(
      row([
        phase.name,
        `${result.requests.average.toFixed(0)} (≥ ${phase.throughputBudget ?? '—'})`,
        `${result.latency.p50} / ${result.latency.p99} (≤ ${budgets.p99Ms})`,
        `${result.errors + result.timeouts} (= 0)`,
        `${result.non2xx} (= 0)`,
      ]),
    );
  }
}

async function main(): Promise<number> {
  const where = await target();
  let server: ServerProcess | undefined;
  try {
    if (!args.reuse) log(`Preparing a ${customers}-customer demo portfolio on the ${where.kind} database…`);
    const token = await preparePortfolio(where);
    server = await startServerProcess(
      { ...where.env, LOG_LEVEL: 'warn', WEB_AUTOBUILD: '0' },
      { timeoutMs: 300_000 },
    );
    const headers = { authorization: `Bearer ${token}` };
    const get = async (path: string) => fetch(server?.url + path, { headers });
    const read = async <T>(path: string): Promise<T> => {
      const answer = await get(path);
      if (answer.status !== 200)
        throw new Error(`GET ${path} answered ${answer.status}: ${(await answer.text()).slice(0, 500)}`);
      return (await answer.json()) as T;
    };

    // What the requests vary over: customer ids, tags in use, and whether the analytics overview is served yet.
    const ids = (
      await read<{ items: { id: string | null }[] }>('/api/v1/customers?pageSize=500')
    ).items.flatMap((item) => (item.id ? [item.id] : []));
    const tags = (await read<{ items: string[] }>('/api/v1/tags')).items;
    const analytics = (await get('/api/v1/analytics?product=meetings')).status === 200;
    if (!analytics) log('GET /api/v1/analytics?product=meetings is not served (yet): left out of the mix.');
    const pages = Math.max(1, Math.floor(customers / 50));
    const listPath = () =>
      pick([
        () => `/api/v1/customers?page=${1 + Math.floor(Math.random() * pages)}&pageSize=50`,
        () =>
          `/api/v1/customers?status=${pick(['expiring_soon', 'license_overage', 'trial', 'no_recent_activity', 'subscription'])}&pageSize=50`,
        () =>
          `/api/v1/customers?product=${pick(['meetings', 'calling'])}&type=paid&sort=-licenses&pageSize=50`,
        () =>
          `/api/v1/customers?tag=${encodeURIComponent(pick(tags.length ? tags : ['none']))}&sort=nextEndDate&pageSize=50`,
        () => `/api/v1/customers?q=${pick(['ab', 'oy', 'nord', 'tech', 'bygg', 'data'])}&pageSize=50`,
      ])();
    const list: Request = {
      method: 'GET',
      path: '/api/v1/customers',
      setupRequest: (request) => ({ ...request, path: listPath() }),
    };
    const mixed: Request[] = [
      list,
      list,
      {
        method: 'GET',
        path: '/api/v1/customers',
        setupRequest: (request) => ({ ...request, path: `/api/v1/customers/${pick(ids)}` }),
      },
      { method: 'GET', path: '/api/v1/kpis' },
      ...(analytics ? [{ method: 'GET' as const, path: '/api/v1/analytics?product=meetings' }] : []),
    ];
    for (const path of ['/api/v1/customers', '/api/v1/kpis', `/api/v1/customers/${ids[0]}`]) await get(path); // warm up

    const run = (requests: Request[]) =>
      autocannon({ url: server?.url as string, connections, duration, headers, requests });
    log(`Customer list: ${connections} connections for ${duration} s…`);
    const phases: Phase[] = [
      {
        name: 'customer list (filters, pages)',
        result: await run([list]),
        throughputBudget: where.kind === 'postgres' ? budgets.customerListPerSecond : undefined,
      },
    ];
    log(`Mixed reads: ${connections} connections for ${duration} s…`);
    phases.push({ name: `mixed reads${analytics ? ' (with analytics)' : ''}`, result: await run(mixed) });

    report(where.kind, phases);
    // What the server logged at warn level and above (e.g. "database unavailable" when requests waited too long
    // for a database connection), so a non-2xx count comes with its reason.
    const logged = new Map<string, number>();
    for (const line of server.output().split('\n')) {
      let message: string;
      try {
        message = (JSON.parse(line) as { msg?: string }).msg ?? line.slice(0, 120);
      } catch {
        continue; // not a log line
      }
      logged.set(message, (logged.get(message) ?? 0) + 1);
    }
    for (const [message, count] of logged) console.log(`server log: ${count} × ${message}`);
    const misses = phases.flatMap(missed);
    if (where.kind === 'embedded')
      console.log(
        'The throughput budget applies on PostgreSQL; the embedded database serves one query at a time.',
      );
    console.log(misses.length ? `\nBudgets missed:\n  ${misses.join('\n  ')}` : '\nAll budgets met.');
    return misses.length ? 1 : 0;
  } finally {
    await server?.kill('SIGTERM');
    if (args.keep && !args.reuse) log(`Kept for another run: --reuse ${where.where}`);
    else await where.remove();
  }
}

process.exitCode = await main();
