import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import {
  apiCustomers,
  choose,
  customerListReady,
  customerTable,
  describeBrowser,
  horizontalOverflow,
  parseCsv,
  readText,
  shownCustomerNames,
  signInWithForm,
  startBrowserHarness,
  type BrowserHarness,
} from './support';

describeBrowser('customer list in Chromium', () => {
  let h: BrowserHarness;
  beforeAll(async () => {
    h = await startBrowserHarness();
  }, 300_000);
  afterEach(async () => h?.closePages());
  afterAll(async () => h?.close());

  it('signs the demo full administrator in through the form and lands on the customer list', async () => {
    const page = await h.page();
    await page.goto('/');
    await page.getByRole('heading', { name: 'Sign in to Partner Hub' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await h.screenshot(page, '01-sign-in');

    await page.getByRole('textbox', { name: 'Password' }).fill('not the password');
    await page.getByRole('textbox', { name: 'Email' }).fill('admin@demo.partnerhub.example');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('The email or password is not correct.').waitFor();

    await signInWithForm(page, 'admin');
    await page.getByRole('heading', { name: 'Customers', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/customers');
    await customerListReady(page);
    await page.getByRole('button', { name: 'Account: Dana Full' }).waitFor();
    for (const name of ['Customers', 'Analytics', 'Users', 'Administrators', 'API tokens']) {
      await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name }).waitFor();
    }
    await h.screenshot(page, '02-customers');

    // Signed out, a shared link to a filtered list leads through sign-in back to that same list.
    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('button', { name: 'Sign out' })
      .click();
    await page.getByRole('heading', { name: 'Sign in to Partner Hub' }).waitFor();
    await page.goto('/customers?status=trial&product=calling');
    await page.getByRole('heading', { name: 'Sign in to Partner Hub' }).waitFor();
    await signInWithForm(page, 'admin');
    await page.getByRole('heading', { name: 'Customers', level: 1 }).waitFor();
    const landed = new URL(page.url());
    expect([landed.pathname, landed.searchParams.get('status'), landed.searchParams.get('product')]).toEqual([
      '/customers',
      'trial',
      'calling',
    ]);
    await page
      .getByRole('region', { name: 'Filters' })
      .getByText('Calling', { exact: true })
      .filter({ visible: true })
      .waitFor();
  });

  it('filters by Status = Trial and Product = Calling, keeps the filters in the URL, and shows the same after a reload', async () => {
    const page = await h.page({ as: 'admin' });
    await page.goto('/customers');
    await customerListReady(page);

    await choose(page, 'Status', ['Trial']);
    await choose(page, 'Product', ['Calling']);
    await expect.poll(() => new URL(page.url()).searchParams.get('status')).toBe('trial');
    expect(new URL(page.url()).searchParams.get('product')).toBe('calling');

    const expected = await apiCustomers(page, 'status=trial&product=calling&sort=name&pageSize=50');
    expect(expected.total, 'the demo portfolio has trials with Calling').toBeGreaterThan(0);
    expect(expected.total).toBeLessThan((await apiCustomers(page, 'pageSize=1')).total);
    const names = expected.items.map((item) => item.name);
    await expect.poll(() => shownCustomerNames(page)).toEqual(names);
    for (const item of expected.items) {
      const row = customerTable(page)
        .getByRole('row')
        .filter({ has: page.getByRole('link', { name: item.name, exact: true }) });
      await row.getByText('Trial', { exact: true }).waitFor();
      await row.getByText(/Calling/).waitFor();
    }
    await page.getByText(`1–${expected.total} of ${expected.total}`).waitFor();
    await h.screenshot(page, '03-customers-filtered');

    // The URL alone restores the view: a reload shows the same filters and the same rows.
    const filteredUrl = page.url();
    await page.reload();
    await customerListReady(page);
    expect(page.url()).toBe(filteredUrl);
    const filters = page.getByRole('region', { name: 'Filters' });
    await filters.getByText('Trial', { exact: true }).filter({ visible: true }).waitFor();
    await filters.getByText('Calling', { exact: true }).filter({ visible: true }).waitFor();
    await expect.poll(() => shownCustomerNames(page)).toEqual(names);

    // Export CSV downloads exactly this view: the header, then the same rows in the same order.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^customers-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = parseCsv(readText(await download.path()));
    const [header, ...rows] = csv;
    expect(header).toEqual([
      'id',
      'externalId',
      'name',
      'country',
      'statuses',
      'products',
      'purchased',
      'assigned',
      'nextEndDate',
      'lastAdminSignInAt',
      'tags',
      'managedBy',
      'orderNumber',
    ]);
    expect(rows.map((row) => row[2])).toEqual(await shownCustomerNames(page));
    for (const row of rows) {
      expect(row[4]?.split(' ')).toContain('trial');
      expect(row[5]?.split(' ')).toContain('calling');
    }

    // Clearing the filters brings every customer back and empties the URL.
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => new URL(page.url()).search).toBe('');
    await expect.poll(async () => (await shownCustomerNames(page)).length).toBe(50);
  });

  it('switches to Svenska, shows the Swedish words, and remembers the choice after a reload', async () => {
    const page = await h.page({ as: 'admin' });
    await page.goto('/customers');
    await customerListReady(page);
    // The radio itself is visually hidden; people click its label.
    await page.getByRole('radiogroup', { name: 'Language' }).getByText('Svenska').click();

    await page.getByRole('heading', { name: 'Kunder', level: 1 }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Huvudnavigering' });
    for (const name of ['Kunder', 'Analys', 'Användare', 'Administratörer'])
      await nav.getByRole('link', { name }).waitFor();
    await page.getByRole('button', { name: 'Starta provperiod' }).waitFor();
    await page.getByRole('link', { name: 'Exportera CSV' }).waitFor();
    await page.getByRole('combobox', { name: 'Prenumerationstyp' }).waitFor();
    await page.getByRole('button', { name: /^Totalt antal kunder/ }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('sv');

    await page.reload();
    await page.getByRole('heading', { name: 'Kunder', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Starta provperiod' }).waitFor();
    await customerTable(page).waitFor({ state: 'detached' });
    await page.getByRole('table', { name: 'Kundlista' }).getByRole('row').nth(1).waitFor();
    expect(await page.getByRole('radio', { name: 'Svenska' }).isChecked()).toBe(true);
    await h.screenshot(page, '04-customers-sv');

    // And back: English again, also after a reload.
    await page.getByRole('radiogroup', { name: 'Språk' }).getByText('English').click();
    await page.getByRole('heading', { name: 'Customers', level: 1 }).waitFor();
    await page.reload();
    await page.getByRole('button', { name: 'Start trial' }).waitFor();
  });

  it("tells a Swedish reader why adding a user failed in Swedish, with the server's words as detail", async () => {
    const page = await h.page({ as: 'admin' });
    await page.goto('/users');
    await page.getByRole('radiogroup', { name: 'Language' }).getByText('Svenska').click();
    await page.getByRole('heading', { name: 'Användare', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Lägg till användare' }).click();
    const dialog = page.getByRole('dialog', { name: 'Lägg till användare' });
    await dialog.getByRole('textbox', { name: 'E-post' }).fill('admin@demo.partnerhub.example');
    await dialog.getByRole('textbox', { name: 'Namn' }).fill('Dana Again');
    await dialog.getByRole('textbox', { name: 'Första lösenord' }).fill('a long enough password');
    await dialog.getByRole('button', { name: 'Lägg till användare' }).click();

    const alert = dialog.getByRole('alert');
    await alert.getByText('Det krockar med något som redan finns eller som just har ändrats.').waitFor();
    await alert.getByText('A user with the e-mail admin@demo.partnerhub.example exists already.').waitFor();
    // The field the server named asks to be checked, in Swedish too.
    await dialog.getByText('Kontrollera det här fältet.').waitFor();
    await h.screenshot(page, '05-add-user-failed-sv');
    await dialog.getByRole('button', { name: 'Avbryt' }).click();
    await page.getByRole('radiogroup', { name: 'Språk' }).getByText('English').click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
  });

  it('fits the customer list into a 390 px wide phone screen without horizontal page scrolling', async () => {
    const page = await h.page({ as: 'admin', viewport: 'phone' });
    await page.goto('/customers');
    await customerListReady(page);
    await page.getByRole('button', { name: 'Start trial' }).waitFor();
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await h.screenshot(page, '02-customers');

    // The facets fold away behind one button on a phone; opened, they still fit.
    await page.getByRole('button', { name: 'Filters' }).click();
    await page.getByRole('combobox', { name: 'Status' }).waitFor();
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);

    // The navigation sits behind the menu button.
    await page.getByRole('button', { name: 'Open navigation' }).click();
    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Analytics' })
      .click();
    await page.getByRole('heading', { name: 'Analytics', level: 1 }).waitFor();
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
  });

  it('shows a read-only administrator the customers but no Start trial or Set up order', async () => {
    const page = await h.page({ as: 'viewer' });
    await page.goto('/customers');
    await customerListReady(page);
    await page.getByRole('link', { name: 'Export CSV' }).waitFor();
    expect(await page.getByRole('button', { name: 'Start trial' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Set up order' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Users' }).count()).toBe(0);

    // Nor on a customer's Trials tab.
    await customerTable(page).getByRole('link').first().click();
    await page.getByRole('tab', { name: 'Trials' }).click();
    await page.getByRole('tabpanel', { name: 'Trials' }).waitFor();
    await page.getByRole('button', { name: 'Launch organization' }).waitFor();
    expect(await page.getByRole('button', { name: 'Start trial' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Extend 30 days' }).count()).toBe(0);
  });
});
