import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { openDatabase, type Database } from '../db/database';
import { importDocument } from '../../contract/import';
import { tokenScopes, type TokenScope } from '../../contract/common';
import { createPartner, partnerExists } from '../partners/service';
import { createToken } from '../tokens/service';
import { importBatch } from '../ingest/service';
import { createInvitation } from '../onboarding/service';
import { formatPath } from '../http/errors';
import { loadDemoPortfolio } from './demo-load';
import { progressBar } from './progress';

// The operator CLI of SPEC §11: non-interactive, each command's result is the last line of stdout.
const usage = `Usage: npm run cli -- <command> [options]

  create-partner --name "N" --admin-email E --password P [--country SE]   → partner id
  create-token   --partner ID --scopes read,ingest [--name N]              → the token (shown once)
  import FILE.json --partner ID                                             → counts
  demo           --customers N --partner ID [--seed S]                      → counts
  invite         --email E                                                  → the invitation link

With DATABASE_URL set it uses that PostgreSQL server, otherwise the embedded database in DATA_DIR (./data).`;

const operator = { type: 'operator' as const, id: null, label: 'cli' };

/** A mistake in how the CLI was called: exit code 2, like other Unix tools. */
const usageError = (message: string) => Object.assign(new Error(message), { exitCode: 2 });

function required(values: Record<string, string | undefined>, name: string): string {
  const value = values[name];
  if (!value) throw usageError(`Missing --${name}.\n\n${usage}`);
  return value;
}

async function requirePartner(database: Database, partnerId: string) {
  if (!(await partnerExists(database.db, partnerId)))
    throw usageError(`There is no partner with the id ${partnerId}.`);
}

async function run(argv: string[]): Promise<string> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      'admin-email': { type: 'string' },
      password: { type: 'string' },
      country: { type: 'string' },
      partner: { type: 'string' },
      scopes: { type: 'string' },
      customers: { type: 'string' },
      seed: { type: 'string' },
      email: { type: 'string' },
    },
  });
  if (!command || command === 'help' || command === '--help') {
    console.log(usage);
    return '';
  }
  if (!['create-partner', 'create-token', 'import', 'demo', 'invite'].includes(command))
    throw usageError(`Unknown command "${command}".\n\n${usage}`);

  const config = loadConfig();
  const database = await openDatabase(
    config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : { dataDir: config.DATA_DIR },
  );
  try {
    switch (command) {
      case 'create-partner': {
        const { partnerId } = await createPartner(database.db, {
          name: required(values, 'name'),
          adminEmail: required(values, 'admin-email'),
          password: required(values, 'password'),
          country: values.country?.toUpperCase(),
          actor: operator,
        });
        return partnerId;
      }
      case 'create-token': {
        const partnerId = required(values, 'partner');
        await requirePartner(database, partnerId);
        const scopes = required(values, 'scopes')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        const unknown = scopes.filter((s) => !(tokenScopes as readonly string[]).includes(s));
        if (!scopes.length || unknown.length)
          throw usageError(`Scopes must be from ${tokenScopes.join(', ')}; got "${values.scopes}".`);
        const created = await createToken(database.db, {
          partnerId,
          name: values.name ?? 'cli',
          scopes: scopes as TokenScope[],
          actor: operator,
        });
        return created.token;
      }
      case 'import': {
        const file = positionals[0];
        if (!file) throw usageError(`Name the file to import.\n\n${usage}`);
        const partnerId = required(values, 'partner');
        await requirePartner(database, partnerId);
        const parsed = importDocument.safeParse(JSON.parse(await readFile(file, 'utf8')));
        if (!parsed.success) {
          const first = parsed.error.issues
            .slice(0, 10)
            .map((issue) => `  ${formatPath(issue.path)}: ${issue.message}`);
          throw new Error(`${file} was rejected and nothing was stored:\n${first.join('\n')}`);
        }
        const bar = progressBar('import');
        const counts = await importBatch(
          { db: database.db },
          {
            partnerId,
            batch: parsed.data,
            actor: operator,
            source: `cli:${file}`,
            onProgress: (done, total) => bar.update(done, total, `${done}/${total} usage rows`),
          },
        );
        bar.update(1, 1);
        bar.done();
        return JSON.stringify(counts);
      }
      case 'demo': {
        const partnerId = required(values, 'partner');
        await requirePartner(database, partnerId);
        const customers = Number(required(values, 'customers'));
        if (!Number.isInteger(customers) || customers < 1 || customers > 100_000)
          throw usageError(`--customers must be a whole number from 1 to 100000; got "${values.customers}".`);
        const bar = progressBar('demo');
        const counts = await loadDemoPortfolio(database.db, {
          partnerId,
          customers,
          seed: values.seed,
          actor: operator,
          onProgress: (done, total) => bar.update(done, total, `${done}/${total} customers`),
        });
        bar.done();
        return JSON.stringify(counts);
      }
      case 'invite': {
        const invitation = await createInvitation(database.db, { email: required(values, 'email') });
        return `http://localhost:${config.PORT}/invite/${invitation.token}`;
      }
    }
    return '';
  } finally {
    await database.close();
  }
}

try {
  const result = await run(process.argv.slice(2));
  if (result) console.log(result);
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  const details = (error as { details?: unknown }).details;
  console.error(`Error: ${message}`);
  if (Array.isArray(details))
    for (const detail of details.slice(0, 10)) console.error(`  ${JSON.stringify(detail)}`);
  process.exit((error as { exitCode?: number }).exitCode ?? 1);
}
