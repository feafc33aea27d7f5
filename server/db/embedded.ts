import { Worker } from 'node:worker_threads';
import {
  existsSync,
  mkdirSync,
  openSync,
  closeSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
  readdirSync,
  statSync,
} from 'node:fs';
import { join, resolve } from 'node:path';

export type EmbeddedServer = {
  connectionString: string;
  dump(file: string): Promise<void>;
  stop(): Promise<void>;
};

type WorkerMessage =
  | { type: 'ready'; address: string }
  | { type: 'dumped' }
  | { type: 'stopped' }
  | { type: 'error'; message: string };

const dataDirectoryInUse = (message: string) =>
  Object.assign(new Error(message), { code: 'DATA_DIR_IN_USE' });

const workerUrl = new URL('./pglite-worker.mjs', import.meta.url);

/**
 * Starts PGlite in a worker thread. With `dataDir` it persists there, guarded by a lock file; without it the
 * database lives in memory (tests), optionally loaded from a template made by `dump`.
 */
export async function startEmbeddedServer(options: {
  dataDir?: string;
  templateFile?: string;
}): Promise<EmbeddedServer> {
  if (!options.dataDir) return spawnWorker({ templateFile: options.templateFile });

  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const releaseLock = acquireLock(dataDir);
  try {
    const pgdata = join(dataDir, 'pgdata');
    if (!existsSync(join(pgdata, 'PG_VERSION'))) await initialiseDataDirectory(dataDir, pgdata);
    const server = await spawnWorker({ dataDir: pgdata, sharedBuffersMb: sharedBuffersFor(pgdata) });
    return {
      ...server,
      async stop() {
        await server.stop();
        releaseLock();
      },
    };
  } catch (error) {
    releaseLock();
    throw error;
  }
}

// initdb runs into a scratch directory that is renamed only when complete, so a first start that is
// interrupted half-way never leaves a broken data directory behind.
async function initialiseDataDirectory(dataDir: string, pgdata: string): Promise<void> {
  for (const entry of readdirSync(dataDir)) {
    if (entry.startsWith('pgdata.partial-')) rmSync(join(dataDir, entry), { recursive: true, force: true });
  }
  rmSync(pgdata, { recursive: true, force: true });
  const scratch = join(dataDir, `pgdata.partial-${process.pid}`);
  mkdirSync(scratch);
  const server = await spawnWorker({ dataDir: scratch });
  await server.stop();
  renameSync(scratch, pgdata);
}

/**
 * PostgreSQL's page cache (shared_buffers, fixed when it starts) for a data directory: PGlite's 128 MB, or up to
 * 256 MB as the tables and indexes outgrow it. At 10 000 customers (310 MB) a usage fold read and evicted 5 500
 * and 8 100 pages with 128 MB and about none with 256 MB, 100 ms less in 1.2 s; 512 MB and more made every request
 * slower, and each megabyte is memory the server holds from its start.
 */
export function sharedBuffersFor(pgdata: string): number {
  const bytes = (directory: string): number =>
    readdirSync(directory, { withFileTypes: true }).reduce(
      (sum, entry) =>
        sum +
        (entry.isDirectory()
          ? bytes(join(directory, entry.name))
          : entry.isFile()
            ? statSync(join(directory, entry.name)).size
            : 0),
      0,
    );
  const megabytes = Math.ceil(bytes(join(pgdata, 'base')) / 2 ** 20 / 32) * 32;
  return Math.min(256, Math.max(128, megabytes));
}

function acquireLock(dataDir: string): () => void {
  const lockFile = join(dataDir, 'partner-hub.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(lockFile, 'utf8').trim());
      if (holder && isAlive(holder)) {
        throw dataDirectoryInUse(
          `The data directory ${dataDir} is in use by another Partner Hub process (pid ${holder}). ` +
            'Stop that process first, or set DATABASE_URL to use a PostgreSQL server.',
        );
      }
      // The process that held the lock is gone: the lock is stale.
      rmSync(lockFile, { force: true });
    }
  }
  throw dataDirectoryInUse(`Could not lock the data directory ${dataDir}.`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function spawnWorker(workerData: {
  dataDir?: string;
  templateFile?: string;
  sharedBuffersMb?: number;
}): Promise<EmbeddedServer> {
  const worker = new Worker(workerUrl, { workerData });
  let pending: { resolve: (m: WorkerMessage) => void; reject: (e: Error) => void } | undefined;
  const next = () =>
    new Promise<WorkerMessage>((resolve, reject) => {
      pending = { resolve, reject };
    });
  worker.on('message', (message: WorkerMessage) => {
    const waiter = pending;
    pending = undefined;
    if (message.type === 'error') waiter?.reject(new Error(message.message));
    else waiter?.resolve(message);
  });
  worker.on('error', (error) => pending?.reject(error));
  worker.on('exit', (code) =>
    pending?.reject(new Error(`The embedded database stopped (exit code ${code}).`)),
  );

  const ready = await next();
  if (ready.type !== 'ready') throw new Error('The embedded database did not start.');
  const [host, port] = ready.address.split(':');
  return {
    connectionString: `postgres://postgres@${host}:${port}/postgres?sslmode=disable`,
    async dump(file) {
      const done = next();
      worker.postMessage({ type: 'dump', file });
      await done;
    },
    async stop() {
      const done = next();
      worker.postMessage({ type: 'stop' });
      await done.catch(() => undefined);
      worker.removeAllListeners('exit');
      await worker.terminate();
    },
  };
}
