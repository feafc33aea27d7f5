// Runs PGlite in its own thread behind a loopback PostgreSQL socket, so a long query never blocks the
// HTTP event loop. Plain JavaScript: a worker thread is started without the TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import { Blob, Buffer } from 'node:buffer';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { PGlite } from '@electric-sql/pglite';

const { dataDir, templateFile, sharedBuffersMb } = workerData;

const options = {};
if (dataDir) options.dataDir = dataDir;
if (sharedBuffersMb)
  options.startParams = [...PGlite.defaultStartParams, '-c', `shared_buffers=${sharedBuffersMb}MB`];
if (templateFile) options.loadDataDir = new Blob([await readFile(templateFile)]);
const db = await PGlite.create(options);

const protocolVersion3 = 196608;
const sslRequestCode = 80877103;

/**
 * Splits what a client sends into PostgreSQL protocol messages. The chunks of a large message are kept until it is
 * complete and joined once: @electric-sql/pglite-socket joined each chunk onto all that came before it, so a 4 MB
 * query (a usage fold's arrays) cost ~120 ms of copying, quadratic in its size.
 */
function messageReader() {
  const chunks = [];
  let buffered = 0;
  let started = false;
  /** The first n bytes buffered, as one buffer (joining the first chunks only when n spans them). */
  const head = (n) => {
    if (chunks[0].length < n) chunks.splice(0, chunks.length, Buffer.concat(chunks));
    return chunks[0];
  };
  const take = (n) => {
    const message = head(n).subarray(0, n);
    if (chunks[0].length === n) chunks.shift();
    else chunks[0] = chunks[0].subarray(n);
    buffered -= n;
    return message;
  };
  return {
    push(chunk) {
      chunks.push(chunk);
      buffered += chunk.length;
    },
    /** The next complete message, or undefined until more has come; throws on a length no message has. */
    next() {
      // Before the startup message a message has no type byte: its length, then a code.
      if (!started) {
        if (buffered < 8) return undefined;
        const length = head(8).readInt32BE(0);
        if (length < 8) throw new Error(`invalid message length ${length}`);
        if (buffered < length) return undefined;
        const code = head(8).readInt32BE(4);
        if (code === protocolVersion3) started = true;
        return { code, message: take(length) };
      }
      if (buffered < 5) return undefined;
      const length = 1 + head(5).readInt32BE(1);
      if (length < 5) throw new Error(`invalid message length ${length}`);
      if (buffered < length) return undefined;
      return { message: take(length) };
    },
  };
}

/**
 * One client connection: its messages go to PGlite one at a time, in order, and PGlite's answers come back.
 * Settles once the client has gone and, if it left a transaction open, that transaction is rolled back.
 */
function serve(socket) {
  socket.setNoDelay(true);
  const reader = messageReader();
  let pumping = false;
  const pump = async () => {
    if (pumping) return;
    pumping = true;
    try {
      for (let next = reader.next(); next; next = reader.next()) {
        // The app connects without TLS (sslmode=disable); a client that asks is told no.
        if (next.code === sslRequestCode) socket.write('N');
        else if (next.code !== undefined && next.code !== protocolVersion3) socket.destroy();
        else
          await db.runExclusive(() =>
            db.execProtocolRawStream(next.message, {
              // PGlite's answer may be a view of its memory: copied before PGlite goes on.
              onRawData: (data) => socket.write(Buffer.from(data)),
            }),
          );
        if (socket.destroyed) return;
      }
    } catch {
      socket.destroy();
    } finally {
      pumping = false;
    }
  };
  socket.on('data', (chunk) => {
    reader.push(chunk);
    void pump();
  });
  return new Promise((resolve) => {
    socket.on('close', async () => {
      if (db.isInTransaction()) await db.exec('rollback').catch(() => undefined);
      resolve();
    });
  });
}

// PGlite is one session: clients are served one at a time, each once the one before has gone. The app's pool holds
// one connection, and the one replacing a broken connection can arrive before the server has seen the old one go.
const sockets = new Set();
let served = Promise.resolve();
const server = createServer((socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  socket.on('error', () => socket.destroy());
  served = served.then(() => (socket.destroyed ? undefined : serve(socket)));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
parentPort.postMessage({ type: 'ready', address: `127.0.0.1:${server.address().port}` });

parentPort.on('message', async (message) => {
  try {
    if (message.type === 'dump') {
      const blob = await db.dumpDataDir('none');
      await writeFile(message.file, Buffer.from(await blob.arrayBuffer()));
      parentPort.postMessage({ type: 'dumped' });
    } else if (message.type === 'stop') {
      const closed = new Promise((resolve) => server.close(resolve));
      for (const socket of sockets) socket.destroy();
      await closed;
      await db.close();
      parentPort.postMessage({ type: 'stopped' });
    }
  } catch (error) {
    parentPort.postMessage({ type: 'error', message: String(error?.stack ?? error) });
  }
});
