import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { demoPassword, demoUsers, seedDemo } from '../../server/cli/demo-seed';
import type { Config } from '../../server/config';
import { createToken } from '../../server/tokens/service';
import { buildWebIfStale } from '../../server/webapp/plugin';
import { chromiumPath, launchChromium } from '../support/chromium';
import { startTestServer, type TestServer } from '../support/server';

export const viewports = {
  desktop: { width: 1280, height: 900 },
  phone: { width: 390, height: 844 },
} as const;
export type ViewportName = keyof typeof viewports;

export const artifactsDir = path.join(import.meta.dirname, '..', '..', 'test-artifacts', 'browser');

/** Who signs in: the three demo administrators (one password for all). */
export const people = {
  admin: demoUsers[0],
  sales: demoUsers[1],
  viewer: demoUsers[2],
} as const;
export type Person = keyof typeof people;
export { demoPassword };

/**
 * `describe` for browser tests, which never skip silently: without Chromium they fail when
 * REQUIRE_BROWSER_TESTS=1 (CI), and otherwise are skipped with the reason printed.
 */
export function describeBrowser(name: string, body: () => void): void {
  const missing = !existsSync(chromiumPath);
  if (missing && process.env.REQUIRE_BROWSER_TESTS === '1') {
    describe(name, () => {
      it('has Chromium to run in', () => {
        throw new Error(
          `Chromium is required: apt-get install -y chromium (not found at ${chromiumPath}; REQUIRE_BROWSER_TESTS=1 is set).`,
        );
      });
    });
    return;
  }
  if (missing) {
    console.warn(
      `Browser tests "${name}" skipped: Chromium is not installed at ${chromiumPath} (apt-get install -y chromium). ` +
        'Set REQUIRE_BROWSER_TESTS=1 to make this a failure.',
    );
  }
  // A browser flow takes seconds; on a loaded machine running the whole suite, give each one room.
  describe.skipIf(missing)(name, { timeout: 120_000 }, body);
}

export type PageOptions = {
  viewport?: ViewportName;
  /** Signed in (through the API, sharing the page's cookies) as this person; none: signed out. */
  as?: Person;
};

export type BrowserHarness = {
  server: TestServer;
  browser: Browser;
  partnerId: string;
  /** A read+ingest API token of the demo partner, to add exactly the data a test needs. */
  token: string;
  url(pathname: string): string;
  /** A page in a fresh browser context (own cookies and storage; base URL the server), English, UTC. */
  page(options?: PageOptions): Promise<Page>;
  /** Closes the contexts opened since the last call; throws if a page had an uncaught error. */
  closePages(): Promise<void>;
  screenshot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
};

/**
 * One server and one browser for a test file: the web app built if stale, the real server on a fresh embedded
 * database seeded with the demo partner (3 administrators, 120 customers), and Chromium. `config` changes the
 * server's configuration (status thresholds, say).
 */
export async function startBrowserHarness(
  options: { config?: Partial<Config> } = {},
): Promise<BrowserHarness> {
  await buildWebIfStale();
  const server = await startTestServer('embedded', options.config);
  let browser: Browser | undefined;
  try {
    const seeded = await seedDemo(server.database.db, { customers: 120, log: server.app.log });
    if (!seeded) throw new Error('The demo partner was not created: the database was not empty.');
    const operator = { type: 'operator' as const, id: null, label: 'browser-test' };
    const { token } = await createToken(server.database.db, {
      partnerId: seeded.partnerId,
      name: 'browser-test',
      scopes: ['read', 'ingest'],
      actor: operator,
    });
    browser = await launchChromium();
    mkdirSync(artifactsDir, { recursive: true });
    const opened: { context: BrowserContext; errors: string[] }[] = [];
    const live = browser;
    const url = (pathname: string) => server.url + pathname;

    return {
      server,
      browser: live,
      partnerId: seeded.partnerId,
      token,
      url,
      async page(options = {}) {
        const viewport = viewports[options.viewport ?? 'desktop'];
        const context = await live.newContext({
          baseURL: server.url,
          viewport,
          locale: 'en-US',
          timezoneId: 'UTC',
          acceptDownloads: true,
        });
        context.setDefaultTimeout(15_000);
        const errors: string[] = [];
        opened.push({ context, errors });
        const page = await context.newPage();
        page.on('pageerror', (error) => errors.push(`${error.name}: ${error.message}`));
        if (options.as) {
          const answer = await context.request.post('/api/v1/auth/sign-in', {
            data: { email: people[options.as].email, password: demoPassword },
          });
          if (!answer.ok())
            throw new Error(
              `Signing in as ${options.as} answered ${answer.status()}: ${await answer.text()}`,
            );
        }
        return page;
      },
      async closePages() {
        const closing = opened.splice(0);
        await Promise.all(closing.map(({ context }) => context.close()));
        const errors = closing.flatMap(({ errors: list }) => list);
        if (errors.length) throw new Error(`Uncaught errors in the page:\n${errors.join('\n')}`);
      },
      async screenshot(page, name) {
        const size = page.viewportSize();
        const prefix = size && size.width < 600 ? 'phone' : 'desktop';
        await page.screenshot({
          path: path.join(artifactsDir, `${prefix}-${name}.png`),
          fullPage: true,
          animations: 'disabled',
        });
      },
      async close() {
        await Promise.all(opened.splice(0).map(({ context }) => context.close().catch(() => undefined)));
        await live.close();
        await server.close();
      },
    };
  } catch (error) {
    await browser?.close().catch(() => undefined);
    await server.close();
    throw error;
  }
}

/** Signs in through the sign-in form, as a person would. */
export async function signInWithForm(page: Page, person: Person): Promise<void> {
  await page.getByRole('textbox', { name: 'Email' }).fill(people[person].email);
  await page.getByRole('textbox', { name: 'Password' }).fill(demoPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export function customerTable(page: Page): Locator {
  return page.getByRole('table', { name: 'Customer list' });
}

/** Waits until the customer list shows rows (or its empty state) and no longer loads. */
export async function customerListReady(page: Page): Promise<void> {
  await customerTable(page).getByRole('row').nth(1).waitFor();
  await page.getByRole('region', { name: 'Customer list' }).waitFor();
}

/** The customer names in the list as shown (the first line of each row's first cell). */
export async function shownCustomerNames(page: Page): Promise<string[]> {
  const texts = await customerTable(page)
    .getByRole('row')
    .filter({ has: page.getByRole('cell') })
    .allInnerTexts();
  return texts
    .map((text) => (text.split('\t')[0] ?? '').split('\n')[0]?.trim() ?? '')
    .filter((name) => name !== '' && !name.startsWith('No customers'));
}

export type ListItem = {
  id: string | null;
  name: string;
  statuses: string[];
  products: string[];
  order: { number: string | null; subscriptionId: string } | null;
};

/** The customer list as the API answers it to the page's own session. */
export async function apiCustomers(page: Page, query: string): Promise<{ items: ListItem[]; total: number }> {
  const answer = await page.request.get(`/api/v1/customers?${query}`);
  expect(answer.status(), await answer.text()).toBe(200);
  return (await answer.json()) as { items: ListItem[]; total: number };
}

/**
 * Types into the list's search box and waits until the list shows what the API answers for that search; then
 * the row of the customer with exactly that name.
 */
export async function searchCustomers(page: Page, name: string): Promise<Locator> {
  await page.getByRole('textbox', { name: 'Search' }).fill(name);
  const expected = await apiCustomers(page, `q=${encodeURIComponent(name)}&sort=name&pageSize=50`);
  expect(expected.items.map((item) => item.name)).toContain(name);
  await expect.poll(() => shownCustomerNames(page)).toEqual(expected.items.map((item) => item.name));
  return customerTable(page)
    .getByRole('row')
    .filter({ has: page.getByRole('link', { name, exact: true }) });
}

/** Opens a Mantine select or multi-select by its label and picks options by their visible names. */
export async function choose(page: Page, label: string, options: string[]): Promise<void> {
  const box = page.getByRole('combobox', { name: label, exact: true });
  await box.click();
  for (const option of options) await page.getByRole('option', { name: option, exact: true }).click();
  await page.keyboard.press('Escape');
}

/** RFC 4180 CSV with quoted cells, as the server writes it. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += char;
  }
  if (cell !== '' || row.length) rows.push([...row, cell]);
  return rows;
}

export function readText(file: string): string {
  return readFileSync(file, 'utf8');
}

/** document.scrollingElement's width against the viewport: > 0 means the page scrolls sideways. */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => (document.scrollingElement?.scrollWidth ?? 0) - window.innerWidth);
}
