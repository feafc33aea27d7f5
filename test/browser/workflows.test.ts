import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { addDays, todayUtc } from '../../server/dates';
import {
  choose,
  customerListReady,
  customerTable,
  describeBrowser,
  people,
  searchCustomers,
  signInWithForm,
  startBrowserHarness,
  type BrowserHarness,
} from './support';

describeBrowser('trials, order setup and partner administrators in Chromium', () => {
  let h: BrowserHarness;
  beforeAll(async () => {
    h = await startBrowserHarness();
  }, 300_000);
  afterEach(async () => h?.closePages());
  afterAll(async () => h?.close());

  it('starts a trial, shows the new customer as Trial, and extends the trial once', async () => {
    const company = 'Brightwater Trial Test AB';
    const page = await h.page({ as: 'admin' });
    await page.goto('/customers');
    await customerListReady(page);

    await page.getByRole('button', { name: 'Start trial' }).click();
    const dialog = page.getByRole('dialog', { name: 'Start trial' });
    await dialog.getByRole('textbox', { name: 'Company name' }).fill(company);
    await dialog
      .getByRole('textbox', { name: 'Customer administrator email' })
      .fill('it@brightwater-trial.example');
    await dialog.getByRole('combobox', { name: 'Country' }).fill('Swed');
    await page.getByRole('option', { name: 'Sweden', exact: true }).click();
    await dialog.getByRole('checkbox', { name: 'Calling' }).check();
    await dialog.getByRole('textbox', { name: 'Licenses for Calling' }).fill('25');
    await dialog.getByRole('checkbox', { name: 'Meetings' }).check();
    await dialog.getByRole('textbox', { name: 'Licenses for Meetings' }).fill('5');
    await dialog.getByRole('radiogroup', { name: 'Duration' }).getByText('60 days').click();
    await dialog.getByRole('radiogroup', { name: 'Duration' }).getByText('30 days').click();
    await h.screenshot(page, '05-start-trial');
    await dialog.getByRole('button', { name: 'Start trial' }).click();

    // There is no mail server: the invitation link is shown to hand over.
    await dialog.getByText('Trial started').waitFor();
    await dialog.getByRole('status').getByText('it@brightwater-trial.example').waitFor();
    await dialog.getByRole('button', { name: 'Open customer' }).click();
    await page.getByRole('heading', { name: company, level: 1 }).waitFor();

    // The new customer is in the list with the Trial badge and its products.
    await page.getByRole('link', { name: 'Customer list' }).click();
    await customerListReady(page);
    const row = await searchCustomers(page, company);
    await row.getByText('Trial', { exact: true }).waitFor();
    await row.getByText('Meetings, Calling').waitFor();

    // Open it; the Trials tab shows the trial, 30 days long.
    await row.getByRole('link', { name: company }).click();
    await page.getByRole('heading', { name: company, level: 1 }).waitFor();
    await page.getByRole('tab', { name: 'Trials' }).click();
    const trial = page.getByRole('region', { name: /^Trial Trial-/ });
    await trial.waitFor();
    const trialId = ((await trial.getByRole('heading').innerText()).match(/Trial-[0-9A-Fa-f]+/) ?? [''])[0];
    expect(trialId).not.toBe('');
    await trial.getByText('Calling: 25').waitFor();
    await trial.getByText('Meetings: 5').waitFor();
    const stored = await h.server.database.db
      .selectFrom('subscriptions')
      .select(['end_date'])
      .where('id', '=', trialId)
      .executeTakeFirstOrThrow();
    expect(stored.end_date).toBe(addDays(todayUtc(), 29));

    // A second tab still showing the trial before the extension.
    const stale = await page.context().newPage();
    await stale.goto(page.url());
    const staleTrial = stale.getByRole('region', { name: /^Trial Trial-/ });
    await staleTrial.getByRole('button', { name: 'Extend 30 days' }).waitFor();

    await trial.getByRole('button', { name: 'Extend 30 days' }).click();
    await trial.getByText('Extended', { exact: true }).waitFor();
    await expect.poll(() => trial.getByRole('button', { name: 'Extend 30 days' }).isDisabled()).toBe(true);
    const extended = await h.server.database.db
      .selectFrom('subscriptions')
      .select(['end_date'])
      .where('id', '=', trialId)
      .executeTakeFirstOrThrow();
    expect(extended.end_date).toBe(addDays(todayUtc(), 30));
    await h.screenshot(page, '06-trial-extended');

    // Extending again from the stale tab is refused by the server, with its message.
    await staleTrial.getByRole('button', { name: 'Extend 30 days' }).click();
    await staleTrial
      .getByRole('alert')
      .getByText(/can be extended only once/)
      .waitFor();
    // … and that tab then shows the trial as it is: extended, with Extend unavailable and the reason.
    await staleTrial.getByText('Extended', { exact: true }).waitFor();
    await staleTrial.getByText('A trial can be extended once.').waitFor();
    await expect
      .poll(() => staleTrial.getByRole('button', { name: 'Extend 30 days' }).isDisabled())
      .toBe(true);
    const after = await h.server.database.db
      .selectFrom('subscriptions')
      .select(['end_date'])
      .where('id', '=', trialId)
      .executeTakeFirstOrThrow();
    expect(after.end_date).toBe(addDays(todayUtc(), 30));
  });

  it('sets up a pending order for a new customer and shows it as Subscription', async () => {
    const number = 'CCW-BROWSER-1';
    const customerName = 'Fjordline Browser Order AB';
    const imported = await h.server.request('POST', '/api/v1/orders', {
      token: h.token,
      body: {
        orders: [
          {
            number,
            type: 'new',
            subscriptionId: 'Sub-browser-1',
            customerName,
            contactEmail: 'it@fjordline-browser.example',
            requestedStartDate: addDays(todayUtc(), -1),
            termMonths: 12,
            autoRenew: true,
            lines: [{ product: 'calling', sku: 'A-CALL', quantity: 40 }],
          },
        ],
      },
    });
    expect(imported.status, imported.text).toBe(200);

    const page = await h.page({ as: 'admin' });
    await page.goto('/customers');
    await customerListReady(page);
    await choose(page, 'Status', ['Ready for order setup']);
    const row = customerTable(page).getByRole('row').filter({ hasText: customerName });
    await row.getByText('Ready for order setup', { exact: true }).waitFor();
    await row.getByText(`Order ${number}`).waitFor();
    await h.screenshot(page, '07-ready-for-order-setup');
    await row.getByRole('button', { name: 'Set up order' }).click();

    const dialog = page.getByRole('dialog', { name: `Set up order ${number}` });
    await dialog.getByRole('radio', { name: 'Create a new customer' }).check();
    expect(await dialog.getByRole('textbox', { name: 'Customer name' }).inputValue()).toBe(customerName);
    await dialog.getByRole('combobox', { name: 'Country' }).fill('Norw');
    await page.getByRole('option', { name: 'Norway', exact: true }).click();
    await dialog.getByRole('button', { name: 'Next' }).click();
    expect(await dialog.getByRole('textbox', { name: 'Provisioning contact email' }).inputValue()).toBe(
      'it@fjordline-browser.example',
    );
    await dialog.getByRole('button', { name: 'Next' }).click();
    await dialog.getByText(`New customer: ${customerName}`).waitFor();
    await dialog.getByRole('cell', { name: 'A-CALL' }).waitFor();
    await h.screenshot(page, '08-order-review');
    await dialog.getByRole('button', { name: 'Set up order' }).click();
    await dialog.getByText('The order is set up').waitFor();
    await dialog.getByRole('button', { name: 'Open customer' }).click();

    await page.getByRole('heading', { name: customerName, level: 1 }).waitFor();
    await page.getByRole('main').getByText('Subscription', { exact: true }).first().waitFor();
    await page.getByRole('tabpanel', { name: 'Subscriptions' }).getByText('Sub-browser-1').first().waitFor();

    // In the list the order row is gone and the customer holds a subscription.
    await page.getByRole('link', { name: 'Customer list' }).click();
    await customerListReady(page);
    const customer = await searchCustomers(page, customerName);
    await customer.getByRole('link', { name: customerName }).waitFor();
    await customer.getByText('Subscription', { exact: true }).waitFor();
    expect(await customer.getByText('Ready for order setup').count()).toBe(0);
    expect(await customer.getByRole('button', { name: 'Set up order' }).count()).toBe(0);

    // The new customer has no trial: its Trials tab starts one (60 days), which can't be extended yet.
    await customer.getByRole('link', { name: customerName }).click();
    await page.getByRole('tab', { name: 'Trials' }).click();
    const trials = page.getByRole('tabpanel', { name: 'Trials' });
    await trials.getByText('No active trial').waitFor();
    await trials.getByRole('button', { name: 'Start trial' }).click();
    const dialog2 = page.getByRole('dialog', { name: 'Start trial' });
    expect(await dialog2.getByRole('textbox', { name: 'Company name' }).inputValue()).toBe(customerName);
    expect(await dialog2.getByRole('textbox', { name: 'Customer administrator email' }).inputValue()).toBe(
      'it@fjordline-browser.example',
    );
    await dialog2.getByRole('checkbox', { name: 'Messaging' }).check();
    await dialog2.getByRole('textbox', { name: 'Licenses for Messaging' }).fill('3');
    await dialog2.getByRole('radiogroup', { name: 'Duration' }).getByText('60 days').click();
    await dialog2.getByRole('button', { name: 'Start trial' }).click();
    await dialog2.getByText('Trial started').waitFor();
    await dialog2.getByRole('button', { name: 'Open customer' }).click();
    const trial = trials.getByRole('region', { name: /^Trial Trial-/ });
    await trial.getByText('Messaging: 3').waitFor();
    await trial
      .getByText('This trial has 30 or more days left. It can be extended once fewer than 30 days are left.')
      .waitFor();
    expect(await trial.getByRole('button', { name: 'Extend 30 days' }).isDisabled()).toBe(true);
    await page.getByRole('main').getByText('Trial', { exact: true }).first().waitFor();
  });

  it('assigns customers to the partner administrator, who then sees only their own customers', async () => {
    const salesId = (
      await h.server.database.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', people.sales.email)
        .executeTakeFirstOrThrow()
    ).id;
    const assignedBefore = await assignedNames(salesId);
    const unassigned = await h.server.database.db
      .selectFrom('organizations')
      .select(['id', 'name'])
      .where('partner_id', '=', h.partnerId)
      .where('kind', '=', 'customer')
      .where('id', 'not in', (db) =>
        db.selectFrom('customer_assignments').select('customer_id').where('user_id', '=', salesId),
      )
      .orderBy('name')
      .limit(3)
      .execute();
    const [viaTab, viaPage, never] = unassigned;
    if (!viaTab || !viaPage || !never) throw new Error('The demo portfolio has too few customers.');

    const page = await h.page({ as: 'admin' });
    // One customer through its Partner administrators tab …
    await page.goto('/customers');
    await customerListReady(page);
    const row = await searchCustomers(page, viaTab.name);
    await row.getByRole('link', { name: viaTab.name }).click();
    await page.getByRole('tab', { name: 'Partner administrators' }).click();
    const panel = page.getByRole('tabpanel', { name: 'Partner administrators' });
    await panel.getByRole('row').filter({ hasText: people.admin.name }).getByText('All customers').waitFor();
    await panel.getByRole('combobox', { name: 'Add a partner administrator' }).click();
    await page.getByRole('option', { name: `${people.sales.name} (${people.sales.email})` }).click();
    await panel.getByRole('button', { name: 'Add' }).click();
    await panel
      .getByRole('row')
      .filter({ hasText: people.sales.name })
      .getByText('Assigned', { exact: true })
      .waitFor();
    await h.screenshot(page, '09-partner-administrators');

    // … and one in bulk on the Administrators page.
    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Administrators' })
      .click();
    await page.getByRole('heading', { name: 'Administrators', level: 1 }).waitFor();
    const before = assignedBefore.length + 1;
    await page
      .getByRole('row')
      .filter({ hasText: people.sales.email })
      .getByRole('cell', { name: String(before), exact: true })
      .waitFor();
    await page.getByRole('checkbox', { name: `Select ${people.sales.name}` }).check();
    await page.getByText('1 selected').waitFor();
    await page.getByRole('button', { name: 'Assign customers', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Assign customers' });
    await dialog.getByText('For 1 partner administrator.').waitFor();
    await dialog.getByRole('combobox', { name: 'Customers' }).fill(viaPage.name);
    await page.getByRole('option', { name: viaPage.name, exact: true }).click();
    await page.keyboard.press('Escape');
    await dialog.getByRole('button', { name: 'Assign customers', exact: true }).click();
    await page.getByRole('status').getByText('1 assignment added.').waitFor();
    await page
      .getByRole('row')
      .filter({ hasText: people.sales.email })
      .getByRole('cell', { name: String(before + 1), exact: true })
      .waitFor();
    await h.screenshot(page, '10-administrators-assigned');

    // The partner administrator signs in and sees exactly the customers assigned to or provisioned by them.
    const sales = await h.page();
    await sales.goto('/');
    await signInWithForm(sales, 'sales');
    await customerListReady(sales);
    const expected = (await assignedNames(salesId)).sort((a, b) => a.localeCompare(b));
    expect(expected).toContain(viaTab.name);
    expect(expected).toContain(viaPage.name);
    expect(expected).not.toContain(never.name);
    expect(expected.length).toBe(assignedBefore.length + 2);
    await expect
      .poll(async () =>
        (await customerTable(sales).getByRole('link').allInnerTexts()).sort((a, b) => a.localeCompare(b)),
      )
      .toEqual(expected);
    // A partner administrator starts trials, for their own customers.
    await sales.getByRole('button', { name: 'Start trial' }).waitFor();
    await h.screenshot(sales, '11-partner-administrator-customers');

    // Someone else's customer is not found, not forbidden by name.
    await sales.goto(`/customers/${never.id}`);
    await sales.getByRole('alert').getByText('Not found').waitFor();
    expect(await sales.getByText(never.name).count()).toBe(0);
  });

  async function assignedNames(userId: string): Promise<string[]> {
    const rows = await h.server.database.db
      .selectFrom('customer_assignments')
      .innerJoin('organizations', (join) =>
        join
          .onRef('organizations.partner_id', '=', 'customer_assignments.partner_id')
          .onRef('organizations.id', '=', 'customer_assignments.customer_id'),
      )
      .select('organizations.name')
      .where('customer_assignments.user_id', '=', userId)
      .execute();
    return rows.map((row) => row.name);
  }
});
