import { gzipSync } from 'node:zlib';
import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { buildApp } from '../server/app';
import { loadConfig } from '../server/config';
import { openDatabase } from '../server/db/database';
import { seedDemo, demoPassword, demoUsers } from '../server/cli/demo-seed';
import { buildWebIfStale } from '../server/webapp/plugin';
import { chromiumPath, launchChromium } from '../test/support/chromium';

// Issue 4's budgets, measured in Chromium against the real server on the 300-customer demo:
// the JavaScript the customers route loads (gzipped) and the time from navigation until its rows are shown.
const budgets = { customersJsKb: 300, customersUsableMs: 1500 };

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};

async function signIn(page: Page, base: string) {
  const email = demoUsers[0].email;
  const answer = await page.request.post(`${base}/api/v1/auth/sign-in`, {
    data: { email, password: demoPassword },
  });
  if (!answer.ok()) throw new Error(`sign-in failed: ${answer.status()}`);
}

export async function benchWeb(): Promise<boolean> {
  if (!existsSync(chromiumPath)) {
    console.log(
      `web bench: Chromium is not installed at ${chromiumPath} (apt-get install -y chromium): not measured.`,
    );
    return false;
  }
  await buildWebIfStale();
  const database = await openDatabase({ memory: true });
  const config = { ...loadConfig({}), WEB_AUTOBUILD: false, LOG_LEVEL: 'silent' as const };
  const app = await buildApp({ database, config, logger: false });
  await seedDemo(database.db, { customers: 300, log: app.log });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const browser = await launchChromium();
  try {
    // JavaScript of the customers route: every script the page loads, gzipped as a server would send it.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, base);
    const scripts = new Map<string, number>();
    page.on('response', async (response) => {
      if (response.url().endsWith('.js')) scripts.set(response.url(), gzipSync(await response.body()).length);
    });
    await page.goto(`${base}/customers`);
    await page.getByRole('row').nth(2).waitFor();
    await page.waitForLoadState('networkidle');
    const jsKb = [...scripts.values()].reduce((sum, size) => sum + size, 0) / 1024;

    // Usable: from navigation to the customer rows on screen, with a warm cache as a returning user has.
    const times: number[] = [];
    for (let run = 0; run < 7; run++) {
      const started = Date.now();
      await page.goto(`${base}/customers?run=${run}`);
      await page.getByRole('row').nth(2).waitFor();
      times.push(Date.now() - started);
    }
    const usable = percentile(times, 95);
    const rows = [
      [
        'customers route JavaScript (gzip)',
        `${jsKb.toFixed(0)} kB`,
        `≤ ${budgets.customersJsKb} kB`,
        jsKb <= budgets.customersJsKb,
      ],
      ['customers page usable, p50', `${percentile(times, 50)} ms`, '', true],
      [
        'customers page usable, p95',
        `${usable} ms`,
        `≤ ${budgets.customersUsableMs} ms`,
        usable <= budgets.customersUsableMs,
      ],
    ] as const;
    console.log('\nWeb app in Chromium (300-customer demo, embedded database)');
    for (const [name, figure, budget, met] of rows)
      console.log(
        `  ${name.padEnd(38)} ${figure.padStart(9)}  ${budget.padEnd(12)} ${budget ? (met ? 'met' : 'MISSED') : ''}`,
      );
    return rows.every((row) => row[3]);
  } finally {
    await browser.close();
    await app.close();
    await database.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const met = await benchWeb();
  process.exit(met ? 0 : 1);
}
