import { loadConfig } from './config';
import { openDatabase } from './db/database';
import { buildApp } from './app';
import { seedDemo } from './cli/demo-seed';

// `npm start`: open (and migrate) the database, load the demo portfolio into an empty one, serve, and on
// SIGTERM drain requests and close the database cleanly.
const config = loadConfig();
const startedAt = Date.now();
const database = await openDatabase(
  config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : { dataDir: config.DATA_DIR },
).catch((error: Error) => {
  console.error(`Partner Hub could not open its database: ${error.message}`);
  process.exit(1);
});
const app = await buildApp({ database, config });

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  app.log.info({ signal }, 'stopping: draining requests');
  await app.close();
  await database.close();
  app.log.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));

try {
  if (config.DEMO) {
    const demo = await seedDemo(database.db, { customers: config.DEMO_CUSTOMERS, log: app.log });
    if (demo) {
      app.log.info(demo.counts, 'demo portfolio loaded');
      console.log(
        [
          '',
          '  Demo portfolio loaded. Sign in with:',
          ...demo.users.map((user) => `    ${user.role.padEnd(24)} ${user.email}  /  ${user.password}`),
          '',
        ].join('\n'),
      );
    }
  }
  await app.listen({ port: config.PORT, host: config.HOST });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  console.log(
    `Partner Hub is ready on http://localhost:${port} (${database.kind} database, ${((Date.now() - startedAt) / 1000).toFixed(1)} s)`,
  );
} catch (error) {
  app.log.error({ err: error }, 'start-up failed');
  await database.close();
  process.exit(1);
}
