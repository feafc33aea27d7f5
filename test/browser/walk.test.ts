import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { addDays, todayUtc } from '../../server/dates';
import {
  customerListReady,
  customerTable,
  describeBrowser,
  horizontalOverflow,
  people,
  searchCustomers,
  shownCustomerNames,
  startBrowserHarness,
  type BrowserHarness,
  type ViewportName,
} from './support';

describeBrowser('every main screen, reached by accessible names only', () => {
  let h: BrowserHarness;
  // Thresholds other than the defaults: the status explanations must show these, as the server applies them.
  const thresholds = { SUSPEND_AFTER_DAYS: 45, EXPIRING_SOON_DAYS: 21, NO_ACTIVITY_DAYS: 60 };
  const expiring = 'Aurora Expiring Walk AB';
  beforeAll(async () => {
    h = await startBrowserHarness({ config: thresholds });
    // A customer whose trial ends in 10 days: Expiring soon under any of these thresholds.
    const today = todayUtc();
    const imported = await h.server.request('POST', '/api/v1/import', {
      token: h.token,
      body: {
        customers: [{ id: 'walk-expiring', name: expiring, country: 'FI', createdAt: addDays(today, -100) }],
        subscriptions: [
          {
            id: 'Trial-walk-1',
            customerId: 'walk-expiring',
            kind: 'trial',
            status: 'active',
            startDate: addDays(today, -20),
            endDate: addDays(today, 10),
            termMonths: 0,
            lines: [{ product: 'meetings', sku: 'TRIAL-MEETINGS', quantity: 5 }],
          },
        ],
      },
    });
    expect(imported.status, imported.text).toBe(200);
  }, 300_000);
  afterEach(async () => h?.closePages());
  afterAll(async () => h?.close());

  /** Follows a link of the main navigation, opening the menu first where it is folded away (phones). */
  async function go(page: Page, name: string) {
    const menu = page.getByRole('button', { name: 'Open navigation' });
    const folded = await menu.isVisible();
    if (folded) await menu.click();
    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name, exact: true })
      .click();
    // Following a link folds the menu away again.
    if (folded) await menu.waitFor();
  }

  for (const viewport of ['desktop', 'phone'] as const satisfies readonly ViewportName[]) {
    it(`walks Customers, a customer's tabs, the console, Analytics, Users, Administrators and API tokens (${viewport})`, async () => {
      const page = await h.page({ as: 'admin', viewport });
      const overflow: Record<string, number> = {};
      const visit = async (name: string) => {
        overflow[name] = await horizontalOverflow(page);
        await h.screenshot(page, `walk-${name}`);
      };

      await page.goto('/');
      await page.getByRole('heading', { name: 'Customers', level: 1 }).waitFor();
      await customerListReady(page);
      await page
        .getByRole('region', { name: 'Key figures' })
        .getByRole('button', { name: /^Total customers/ })
        .waitFor();
      await visit('customers');

      // The status explanations use this server's thresholds: the legend, and a badge's tooltip.
      await page.getByRole('button', { name: 'Status definitions' }).click();
      const legend = page.getByRole('dialog');
      await legend
        .getByText('one of its invoices is still unpaid more than 45 days after its due date')
        .waitFor();
      await legend.getByText('ends within 21 days').waitFor();
      await legend.getByText('during the last 60 days (only customers older than 60 days)').waitFor();
      await page.keyboard.press('Escape');
      await legend.waitFor({ state: 'hidden' });
      if (viewport === 'desktop') {
        const row = await searchCustomers(page, expiring);
        await row.getByText('Expiring soon', { exact: true }).hover();
        await page.getByRole('tooltip').getByText('ends within 21 days').waitFor();
        await row.getByText('Trial', { exact: true }).hover();
        await page.getByRole('tooltip', { name: 'The customer has an active trial.' }).waitFor();
        await page.getByRole('button', { name: 'Clear search' }).click();
        await expect.poll(async () => (await shownCustomerNames(page)).length).toBe(50);
      }

      // A customer: its overview and the three tabs.
      const first = customerTable(page).getByRole('link').first();
      const customerName = await first.innerText();
      await first.click();
      await page.getByRole('heading', { name: customerName, level: 1 }).waitFor();
      await page
        .getByRole('region', { name: 'Overview' })
        .getByRole('table', { name: 'Customer administrators' })
        .waitFor();
      expect(await page.getByRole('tab', { name: 'Subscriptions' }).getAttribute('aria-selected')).toBe(
        'true',
      );
      await page
        .getByRole('tabpanel', { name: 'Subscriptions' })
        .getByText('Order history')
        .first()
        .waitFor();
      await visit('customer-subscriptions');

      await page.getByRole('tab', { name: 'Trials' }).click();
      await page.getByRole('tabpanel', { name: 'Trials' }).waitFor();
      await visit('customer-trials');

      await page.getByRole('tab', { name: 'Partner administrators' }).click();
      const partnerAdmins = page.getByRole('tabpanel', { name: 'Partner administrators' });
      await partnerAdmins
        .getByRole('row')
        .filter({ hasText: people.admin.email })
        .getByText('All customers')
        .waitFor();
      await partnerAdmins
        .getByRole('row')
        .filter({ hasText: people.viewer.email })
        .getByText('All customers')
        .waitFor();
      await visit('customer-partner-administrators');

      // Launch organization opens the customer console with the full administrator's rights.
      await page.getByRole('button', { name: 'Launch organization' }).click();
      await page.getByText('Customer console').waitFor();
      await page.getByRole('heading', { name: customerName, level: 1 }).waitFor();
      await page.getByText('Full access').waitFor();
      await page.getByRole('heading', { name: 'Organization profile' }).waitFor();
      await page.getByRole('heading', { name: 'Customer administrators' }).waitFor();
      await page.getByRole('button', { name: 'Invite administrator' }).waitFor();
      await visit('console');
      await page.getByRole('link', { name: 'Back to customer' }).click();
      await page.getByRole('heading', { name: customerName, level: 1 }).waitFor();

      await go(page, 'Analytics');
      await page.getByRole('heading', { name: 'Analytics', level: 1 }).waitFor();
      await visit('analytics');

      await go(page, 'Users');
      await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
      for (const person of Object.values(people))
        await page.getByRole('row').filter({ hasText: person.email }).waitFor();
      await page.getByRole('button', { name: 'Add user' }).waitFor();
      await visit('users');

      await go(page, 'Administrators');
      await page.getByRole('heading', { name: 'Administrators', level: 1 }).waitFor();
      await page.getByRole('heading', { name: 'Access to all customers' }).waitFor();
      await page.getByRole('checkbox', { name: `Select ${people.sales.name}` }).waitFor();
      await visit('administrators');

      await go(page, 'API tokens');
      await page.getByRole('heading', { name: 'API tokens', level: 1 }).waitFor();
      await page.getByRole('row').filter({ hasText: 'browser-test' }).waitFor();
      await page.getByRole('button', { name: 'Create token' }).waitFor();
      await visit('tokens');

      await go(page, 'Customers');
      await page.getByRole('heading', { name: 'Customers', level: 1 }).waitFor();
      await customerListReady(page);

      // No screen scrolls sideways as a whole; wide tables scroll inside their own region.
      expect(Object.entries(overflow).filter(([, pixels]) => pixels > 0)).toEqual([]);
    });
  }
});
