import { spawn } from 'node:child_process';
import { open, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const webDistDir = path.join(repoRoot, 'web', 'dist');
const viteConfig = path.join(repoRoot, 'web', 'vite.config.ts');
const lockFile = path.join(repoRoot, 'web', '.build.lock');
/** Inputs of the bundle: a change to any of them makes web/dist stale. */
const buildInputs = ['web/src', 'web/index.html', 'web/vite.config.ts', 'contract'].map((entry) =>
  path.join(repoRoot, entry),
);

type Log = Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>;
const silentLog: Log = { info: () => undefined, warn: () => undefined, error: () => undefined };

async function mtimeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).mtimeMs;
  } catch {
    return 0;
  }
}

async function newestMtime(entry: string): Promise<number> {
  let info;
  try {
    info = await stat(entry);
  } catch {
    return 0;
  }
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const child of await readdir(entry)) {
    if (child === 'node_modules' || child.startsWith('.')) continue;
    newest = Math.max(newest, await newestMtime(path.join(entry, child)));
  }
  return newest;
}

/** True when web/dist is missing or older than any source it is built from. */
export async function webIsStale(distDir: string = webDistDir): Promise<boolean> {
  const built = await mtimeOf(path.join(distDir, 'index.html'));
  if (built === 0) {
    // A deployment may ship web/dist without sources; then there is nothing to build from.
    return (await newestMtime(path.join(repoRoot, 'web', 'src'))) > 0;
  }
  let newest = 0;
  for (const input of buildInputs) newest = Math.max(newest, await newestMtime(input));
  return newest > built;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Cross-process lock: two servers or test workers starting at once must not build into the same place. */
async function acquireLock(log: Log): Promise<'acquired' | 'waited'> {
  const deadline = Date.now() + 10 * 60_000;
  let waited = false;
  for (;;) {
    try {
      const handle = await open(lockFile, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return waited ? 'waited' : 'acquired';
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number((await readFile(lockFile, 'utf8').catch(() => '')).trim());
    if (!Number.isInteger(owner) || owner <= 0 || !processAlive(owner)) {
      await rm(lockFile, { force: true });
      continue;
    }
    if (!waited) log.info(`web app: waiting for the build of process ${owner}`);
    waited = true;
    if (Date.now() > deadline)
      throw new Error(`web app: build lock ${lockFile} held by ${owner} for too long`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Removes the scratch and retired bundles of builds whose process is gone (killed mid-build): their names carry
 * its pid. Called by the lock's holder, so no build of a live process is touched either way.
 */
export async function removeLeftoverBundles(webDir: string = path.join(repoRoot, 'web')): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(webDir)) {
    const owner = /^(?:\.dist|dist\.old)-(\d+)-\d+$/.exec(name)?.[1];
    if (owner === undefined || processAlive(Number(owner))) continue;
    await rm(path.join(webDir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

function runViteBuild(outDir: string, log: Log): Promise<void> {
  const viteBin = path.join(
    path.dirname(createRequire(import.meta.url).resolve('vite/package.json')),
    'bin',
    'vite.js',
  );
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [viteBin, 'build', '--config', viteConfig, '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'],
      { cwd: repoRoot, env: { ...process.env, NODE_ENV: 'production' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) {
        if (output.trim()) log.warn(`web app build: ${output.trim()}`);
        resolve();
      } else {
        reject(new Error(`vite build exited with code ${code}:\n${output}`));
      }
    });
  });
}

let inFlight: Promise<{ built: boolean; durationMs: number }> | null = null;

/**
 * Builds web/dist with Vite when it is missing or stale. Builds into a scratch directory and swaps it in,
 * so a running server never serves a half-written bundle. Safe to call concurrently (in- and cross-process).
 */
export function buildWebIfStale(
  options: { log?: Log; force?: boolean } = {},
): Promise<{ built: boolean; durationMs: number }> {
  inFlight ??= build(options).finally(() => {
    inFlight = null;
  });
  return inFlight;
}

async function build({ log = silentLog, force = false }: { log?: Log; force?: boolean }) {
  const started = Date.now();
  if (!force && !(await webIsStale())) return { built: false, durationMs: 0 };
  const lock = await acquireLock(log);
  try {
    // Another process may have produced a fresh bundle while we waited for the lock.
    if (lock === 'waited' && !force && !(await webIsStale()))
      return { built: false, durationMs: Date.now() - started };
    const leftovers = await removeLeftoverBundles();
    if (leftovers.length)
      log.info(`web app: removed ${leftovers.join(', ')}, left by a build that did not finish`);
    log.info('web app: building web/dist');
    const scratch = path.join(repoRoot, 'web', `.dist-${process.pid}-${Date.now()}`);
    try {
      await runViteBuild(scratch, log);
      const retired = `${webDistDir}.old-${process.pid}-${Date.now()}`;
      const hadDist = (await mtimeOf(webDistDir)) > 0;
      if (hadDist) await rename(webDistDir, retired);
      await rename(scratch, webDistDir);
      if (hadDist) await rm(retired, { recursive: true, force: true });
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
    const durationMs = Date.now() - started;
    log.info(`web app: built in ${durationMs} ms`);
    return { built: true, durationMs };
  } finally {
    await rm(lockFile, { force: true });
  }
}

const startingPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="2">
<title>Partner Hub is starting…</title>
<style>body{font-family:system-ui,sans-serif;display:grid;place-items:center;min-height:90vh;margin:0;color:#222}p{color:#666}</style>
</head>
<body><main><h1>Partner Hub is starting…</h1><p>The web app is being built. This page reloads by itself.</p></main></body>
</html>
`;

const failedPage = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Partner Hub</title></head>
<body style="font-family:system-ui,sans-serif;padding:2rem"><h1>Partner Hub could not build its web app</h1>
<p>The API is running. See the server log for the build error, or run <code>npm run build:web</code>.</p></body>
</html>
`;

export type WebAppOptions = {
  /** Build web/dist at startup when it is missing or stale (default: true; the server passes WEB_AUTOBUILD). */
  autoBuild?: boolean;
  /** Serve a bundle from elsewhere (tests). */
  distDir?: string;
  log?: Log;
};

function isApiPath(pathname: string): boolean {
  return pathname === '/api' || pathname.startsWith('/api/') || pathname === '/healthz';
}

/** Serves the single-page app from web/dist: real files as they are, every other page path as index.html. */
export async function webApp(app: FastifyInstance, options: WebAppOptions = {}): Promise<void> {
  const distDir = options.distDir ?? webDistDir;
  const log = options.log ?? app.log;
  const autoBuild = options.autoBuild ?? true;
  const state: { building: boolean; failed: boolean } = { building: false, failed: false };

  if (autoBuild && distDir === webDistDir && (await webIsStale(distDir))) {
    state.building = true;
    buildWebIfStale({ log })
      .catch((error: unknown) => {
        state.failed = true;
        log.error({ err: error }, 'web app: build failed');
      })
      .finally(() => {
        state.building = false;
      });
  }

  await app.register(fastifyStatic, { root: distDir, serve: false, suppressWarning: true });

  async function serve(request: FastifyRequest, reply: FastifyReply) {
    const pathname = request.url.split('?')[0] ?? '/';
    if (isApiPath(pathname)) {
      return reply
        .code(404)
        .send({ error: { code: 'not_found', message: `Route ${request.method} ${pathname} not found` } });
    }
    const isAsset = pathname.startsWith('/assets/');
    if (state.building) {
      if (isAsset) return reply.code(503).header('retry-after', '2').send('Starting');
      return reply
        .code(200)
        .header('cache-control', 'no-store')
        .type('text/html; charset=utf-8')
        .send(startingPage);
    }
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return reply.code(400).send({ error: { code: 'invalid_request', message: 'Malformed URL' } });
    }
    const relative = path.posix.normalize(decoded).replace(/^\/+/, '');
    const insideDist = relative !== '' && !relative.startsWith('..') && !relative.includes('\0');
    if (insideDist && !relative.split('/').some((part) => part.startsWith('.'))) {
      const info = await stat(path.join(distDir, relative)).catch(() => null);
      if (info?.isFile()) {
        // Hashed file names change with their content, so browsers may keep them forever.
        return isAsset
          ? reply.sendFile(relative, distDir, { maxAge: '365d', immutable: true })
          : reply.sendFile(relative, distDir, { maxAge: 0 });
      }
    }
    // A missing hashed asset must not turn into HTML: the browser would report a MIME error instead of a 404.
    if (isAsset) return reply.code(404).type('text/plain').send('Not found');
    if ((await mtimeOf(path.join(distDir, 'index.html'))) === 0) {
      return reply
        .code(state.failed ? 500 : 503)
        .header('cache-control', 'no-store')
        .type('text/html; charset=utf-8')
        .send(state.failed ? failedPage : startingPage);
    }
    return reply.header('cache-control', 'no-cache').sendFile('index.html', distDir, { cacheControl: false });
  }

  app.get('/*', serve);
}

export default webApp;
