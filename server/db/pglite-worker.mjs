// Runs PGlite in its own thread behind a loopback PostgreSQL socket, so a long query never blocks the
// HTTP event loop. Plain JavaScript: a worker thread is started without the TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import { Blob, Buffer } from 'node:buffer';
import { readFile, writeFile } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

const { dataDir, templateFile } = workerData;

const options = {};
if (dataDir) options.dataDir = dataDir;
if (templateFile) options.loadDataDir = new Blob([await readFile(templateFile)]);
const db = await PGlite.create(options);
const server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1' });
await server.start();
parentPort.postMessage({ type: 'ready', address: server.getServerConn() });

parentPort.on('message', async (message) => {
  try {
    if (message.type === 'dump') {
      const blob = await db.dumpDataDir('none');
      await writeFile(message.file, Buffer.from(await blob.arrayBuffer()));
      parentPort.postMessage({ type: 'dumped' });
    } else if (message.type === 'stop') {
      await server.stop();
      await db.close();
      parentPort.postMessage({ type: 'stopped' });
    }
  } catch (error) {
    parentPort.postMessage({ type: 'error', message: String(error?.stack ?? error) });
  }
});
