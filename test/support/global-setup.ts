import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../server/db/database';

declare module 'vitest' {
  // Declaration merging needs an interface.
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions
  export interface ProvidedContext {
    pgliteTemplate: string;
  }
}

// initdb and migrations run once; every test file starts its embedded database from this snapshot (~0.4 s).
export default async function setup(project: TestProject) {
  const directory = mkdtempSync(join(tmpdir(), 'partner-hub-test-'));
  const template = join(directory, 'template.tar');
  const database = await openDatabase({ memory: true });
  await database.dump(template);
  await database.close();
  project.provide('pgliteTemplate', template);
  if (process.env.TEST_DATABASE_URL)
    console.log(
      `Tests run on the embedded database and on PostgreSQL (${redact(process.env.TEST_DATABASE_URL)}).`,
    );
  else
    console.log(
      'Tests run on the embedded database only; set TEST_DATABASE_URL to run them on PostgreSQL too.',
    );
  return () => rmSync(directory, { recursive: true, force: true });
}

function redact(url: string) {
  return url.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@');
}
