import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { combine, customerWith } from './support/documents';

type Run = { code: number | null; stdout: string; stderr: string; lastLine: string };

const root = join(import.meta.dirname, '..');

function run(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli/main.ts', ...args], {
      cwd: root,
      env: { ...process.env, ...env, DATABASE_URL: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) =>
      resolve({ code, stdout, stderr, lastLine: stdout.trim().split('\n').at(-1) ?? '' }),
    );
  });
}

describe('the operator CLI on the embedded database', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let partnerId: string;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'partner-hub-cli-'));
    env = { DATA_DIR: join(dataDir, 'data') };
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('creates a partner and prints its id as the last line', async () => {
    const result = await run(
      [
        'create-partner',
        '--name',
        'Cli Partner AB',
        '--admin-email',
        'Ops@Cli.Example',
        '--password',
        'a long enough password',
      ],
      env,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.lastLine).toMatch(/^[0-9a-f-]{36}$/);
    partnerId = result.lastLine;
  });

  it('creates a token with the scopes asked for and prints it', async () => {
    const result = await run(['create-token', '--partner', partnerId, '--scopes', 'read,ingest'], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.lastLine).toMatch(/^ph_[A-Za-z0-9_-]{40,}$/);
  });

  it('imports a document and prints the counts', async () => {
    const file = join(dataDir, 'portfolio.json');
    writeFileSync(
      file,
      JSON.stringify(
        combine(customerWith({ name: 'Imported AB', usage: [{ date: '2026-03-01', assigned: 3 }] })),
      ),
    );
    const result = await run(['import', file, '--partner', partnerId], env);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.lastLine)).toEqual({
      customers: 1,
      subscriptions: 1,
      usage: 1,
      signIns: 1,
      invoices: 0,
      orders: 0,
    });
    expect(result.stderr).toContain('100%');
  });

  it('explains what is wrong instead of storing a bad document', async () => {
    const file = join(dataDir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({ customers: [{ id: 'x', name: 'Bad', country: 'Sweden', createdAt: '2026-01-01' }] }),
    );
    const result = await run(['import', file, '--partner', partnerId], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('customers[0].country');
  });

  it('refuses wrong arguments with a usage message', async () => {
    const result = await run(['create-token', '--partner', partnerId, '--scopes', 'write'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Scopes must be from read, ingest');
    expect(
      (
        await run(
          ['create-token', '--partner', '00000000-0000-4000-8000-000000000000', '--scopes', 'read'],
          env,
        )
      ).stderr,
    ).toContain('There is no partner');
  });

  it('fails clearly while a server holds the data directory, and leaves it intact', async () => {
    const server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: root,
      env: { ...process.env, ...env, DATABASE_URL: '', DEMO: '0', PORT: '0', LOG_LEVEL: 'warn' },
    });
    let output = '';
    server.stdout.on('data', (chunk) => (output += chunk));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 60_000);
      server.stdout.on('data', () => {
        if (output.includes('ready')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const blocked = await run(['create-token', '--partner', partnerId, '--scopes', 'read'], env);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toMatch(/in use by another Partner Hub process \(pid \d+\)/);

    server.kill('SIGTERM');
    const exitCode = await new Promise((resolve) => server.on('close', resolve));
    expect(exitCode).toBe(0);
    expect(existsSync(join(env.DATA_DIR as string, 'partner-hub.lock'))).toBe(false);
    const after = await run(['create-token', '--partner', partnerId, '--scopes', 'read'], env);
    expect(after.code, after.stderr).toBe(0);
  });
});
