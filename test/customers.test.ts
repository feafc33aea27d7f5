import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from './support/databases';
import { startTestServer, type Session, type TestPartner, type TestServer } from './support/server';
import { asOf, combine, customerWith, daysFromAsOf } from './support/documents';

type Item = {
  id: string | null;
  externalId: string | null;
  name: string;
  statuses: string[];
  products: string[];
  licenses: { purchased: number; assigned: number };
  nextEndDate: string | null;
  order: { number: string | null; subscriptionId: string } | null;
};
type List = { items: Item[]; total: number };

describe.each(databaseTargets)('the customer list (%s database)', (target) => {
  let server: TestServer;
  let partner: TestPartner;
  let salesSession: Session;
  let salesUserId: string;
  const ids = new Map<string, string>();

  const acme = customerWith({
    name: 'Acme Nordic AB',
    tags: ['nordics'],
    subscriptions: [
      { kind: 'trial', termMonths: 0, startDate: daysFromAsOf(-20), endDate: daysFromAsOf(10) },
    ],
  });
  const beta = customerWith({
    name: 'Beta Oy',
    tags: ['enterprise'],
    subscriptions: [
      {
        autoRenew: true,
        termMonths: 12,
        endDate: daysFromAsOf(100),
        lines: [{ product: 'calling', sku: 'C', quantity: 20 }],
      },
    ],
  });
  const are = customerWith({
    name: 'Åre Bygg AB',
    tags: ['nordics', 'enterprise'],
    subscriptions: [
      {
        lines: [
          { product: 'meetings', sku: 'M', quantity: 10 },
          { product: 'messaging', sku: 'X', quantity: 5 },
        ],
      },
    ],
    usage: [{ date: daysFromAsOf(-2), assigned: 12, used: 9 }],
  });
  const delta = customerWith({
    name: 'Delta GmbH',
    subscriptions: [
      { endDate: daysFromAsOf(-40), lines: [{ product: 'translation', sku: 'T', quantity: 3 }] },
    ],
  });
  const foxtrot = customerWith({
    name: 'Foxtrot AS',
    subscriptions: [
      {
        kind: 'trial',
        termMonths: 0,
        startDate: daysFromAsOf(-5),
        endDate: daysFromAsOf(55),
        lines: [{ product: 'calling', sku: 'C', quantity: 5 }],
      },
      { endDate: daysFromAsOf(300), lines: [{ product: 'calling', sku: 'C', quantity: 40 }] },
    ],
  });
  const formula = customerWith({ name: '=HYPERLINK("http://evil")', subscriptions: [] });
  const everyone = [acme, beta, are, delta, foxtrot, formula];

  const list = async (query: string, session?: Session) => {
    const answer = await server.request<List>(
      'GET',
      `/api/v1/customers?asOf=${asOf}&${query}`,
      session ? { session } : { token: partner.token },
    );
    expect(answer.status, answer.text).toBe(200);
    return answer.body;
  };
  const names = async (query: string, session?: Session) =>
    (await list(query, session)).items.map((item) => item.name);

  beforeAll(async () => {
    server = await startTestServer(target);
    partner = await server.partner();
    const document = combine(...everyone);
    document.orders.push({
      number: 'CCW-9001',
      type: 'new',
      subscriptionId: 'Sub-echo',
      customerName: 'Echo BV',
      contactEmail: 'admin@echo.nl',
      requestedStartDate: daysFromAsOf(5),
      termMonths: 12,
      autoRenew: true,
      lines: [{ product: 'calling', sku: 'C', quantity: 15 }],
    });
    const imported = await server.request('POST', '/api/v1/import', { token: partner.token, body: document });
    expect(imported.status, imported.text).toBe(200);
    for (const item of (await list('pageSize=100')).items)
      if (item.externalId && item.id) ids.set(item.externalId, item.id);
    const sales = await partner.addUser('partner_admin');
    salesUserId = sales.userId;
    salesSession = await server.signIn(sales.email, sales.password);
    await server.database.db
      .insertInto('customer_assignments')
      .values({
        partner_id: partner.partnerId,
        user_id: salesUserId,
        customer_id: ids.get(acme.id) as string,
        source: 'assigned',
      })
      .execute();
  });
  afterAll(() => server?.close());

  it('lists every customer and the order not set up yet, sorted by name', async () => {
    expect(await names('')).toEqual([
      '=HYPERLINK("http://evil")',
      'Acme Nordic AB',
      'Beta Oy',
      'Delta GmbH',
      'Echo BV',
      'Foxtrot AS',
      'Åre Bygg AB',
    ]);
  });

  it('shows an order not set up as its own row, ready for order setup', async () => {
    const echo = (await list('q=Echo')).items[0];
    expect(echo).toMatchObject({
      id: null,
      statuses: ['ready_for_order_setup'],
      products: ['calling'],
      licenses: { purchased: 15, assigned: 0 },
    });
    expect(echo?.order).toMatchObject({ number: 'CCW-9001', subscriptionId: 'Sub-echo' });
  });

  it('ORs the values inside one facet', async () => {
    expect(await names('status=trial')).toEqual(['Acme Nordic AB', 'Foxtrot AS']);
    expect(await names('status=trial,expired')).toEqual(['Acme Nordic AB', 'Delta GmbH', 'Foxtrot AS']);
    expect(await names('type=trial,paid')).toEqual([
      'Acme Nordic AB',
      'Beta Oy',
      'Foxtrot AS',
      'Åre Bygg AB',
    ]);
  });

  it('ANDs the facets', async () => {
    expect(await names('status=trial&product=calling')).toEqual(['Foxtrot AS']);
    expect(await names('tag=nordics&type=trial')).toEqual(['Acme Nordic AB']);
    expect(await names('product=calling&type=paid&tag=enterprise')).toEqual(['Beta Oy']);
  });

  it('filters by product on subscriptions that are not cancelled, including orders not set up', async () => {
    expect(await names('product=calling')).toEqual(['Beta Oy', 'Echo BV', 'Foxtrot AS']);
    expect(await names('product=messaging')).toEqual(['Åre Bygg AB']);
  });

  it('filters by tag, subscription type and status', async () => {
    expect(await names('tag=nordics')).toEqual(['Acme Nordic AB', 'Åre Bygg AB']);
    expect(await names('type=paid')).toEqual(['Beta Oy', 'Foxtrot AS', 'Åre Bygg AB']);
    expect(await names('status=license_overage')).toEqual(['Åre Bygg AB']);
  });

  it('matches search words against the start of name words, in any case and alphabet', async () => {
    expect(await names('q=acm')).toEqual(['Acme Nordic AB']);
    expect(await names('q=nordic%20acme')).toEqual(['Acme Nordic AB']);
    expect(await names('q=ordic')).toEqual([]);
    expect(await names('q=%C3%85RE')).toEqual(['Åre Bygg AB']);
  });

  it('matches a customer id, subscription id, order number or admin e-mail exactly', async () => {
    expect(await names(`q=${beta.id}`)).toEqual(['Beta Oy']);
    expect(await names(`q=${beta.subscriptionIds[0]}`)).toEqual(['Beta Oy']);
    expect(await names(`q=CCW-9001`)).toEqual(['Echo BV']);
    expect(await names(`q=ADMIN@${are.id.toUpperCase()}.EXAMPLE`)).toEqual(['Åre Bygg AB']);
    expect(await names(`q=${ids.get(delta.id)}`)).toEqual(['Delta GmbH']);
  });

  it('treats search text as text, not as SQL or LIKE wildcards', async () => {
    expect(await names('q=%25')).toEqual([]);
    expect(await names('q=_')).toEqual([]);
    expect(await names(`q=${encodeURIComponent("'; drop table organizations; --")}`)).toEqual([]);
    expect((await names('')).length).toBe(7);
  });

  it('limits "managed by me" to the customers provisioned by or assigned to the caller', async () => {
    expect(await names('managedBy=me', salesSession)).toEqual(['Acme Nordic AB']);
    expect(await names('managedBy=me')).toEqual([]);
    expect((await names('managedBy=partner')).length).toBe(7);
  });

  it('sorts by next end date, licenses and status, both ways', async () => {
    expect((await list('sort=nextEndDate')).items.map((i) => i.nextEndDate)).toEqual([
      daysFromAsOf(10),
      daysFromAsOf(55),
      daysFromAsOf(100),
      daysFromAsOf(200),
      null,
      null,
      null,
    ]);
    expect(await names('sort=-licenses&type=trial,paid')).toEqual([
      'Acme Nordic AB',
      'Foxtrot AS',
      'Beta Oy',
      'Åre Bygg AB',
    ]);
    expect((await names('sort=status'))[0]).toBe('Åre Bygg AB');
    expect(await names('sort=-name&type=paid')).toEqual(['Åre Bygg AB', 'Foxtrot AS', 'Beta Oy']);
  });

  it('pages on the server with the total of all matching rows', async () => {
    const second = await list('pageSize=2&page=2');
    expect(second.total).toBe(7);
    expect(second.items.map((i) => i.name)).toEqual(['Beta Oy', 'Delta GmbH']);
    expect((await list('pageSize=2&page=9')).total).toBe(7);
  });

  it('rejects an unknown status, product or sort with the offending value', async () => {
    const answer = await server.request<{ error: { code: string; details: { path: string }[] } }>(
      'GET',
      '/api/v1/customers?status=bogus',
      { token: partner.token },
    );
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('invalid_request');
    expect(answer.body.error.details[0]?.path).toContain('status');
    expect(
      (await server.request('GET', '/api/v1/customers?sort=color', { token: partner.token })).status,
    ).toBe(400);
    expect(
      (await server.request('GET', '/api/v1/customers?pageSize=1001', { token: partner.token })).status,
    ).toBe(400);
  });

  it('exports exactly the filtered, sorted list as CSV with formula-safe cells', async () => {
    const answer = await server.request(
      'GET',
      `/api/v1/customers.csv?asOf=${asOf}&sort=-name&type=trial,paid`,
      { token: partner.token },
    );
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('text/csv');
    const lines = answer.text.trim().split('\r\n');
    expect(lines[0]).toMatch(/^id,externalId,name,country,statuses/);
    expect(lines.slice(1).map((line) => line.split(',')[2])).toEqual([
      'Åre Bygg AB',
      'Foxtrot AS',
      'Beta Oy',
      'Acme Nordic AB',
    ]);
    const all = await server.request('GET', `/api/v1/customers.csv?asOf=${asOf}`, { token: partner.token });
    expect(all.text).toContain(`"'=HYPERLINK(""http://evil"")"`);
  });

  it('shows a customer with subscriptions, licenses, admins and partner administrators', async () => {
    const answer = await server.request<{
      name: string;
      subscriptions: {
        id: string;
        licenses: {
          product: string;
          purchased: number;
          assigned: number;
          available: number;
          overage: number;
        }[];
      }[];
      trials: unknown[];
      admins: { email: string }[];
      partnerAdmins: { userId: string; allCustomers: boolean; source: string | null }[];
    }>('GET', `/api/v1/customers/${ids.get(are.id)}?asOf=${asOf}`, { token: partner.token });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body.subscriptions[0]?.licenses).toEqual([
      { product: 'meetings', purchased: 10, assigned: 12, used: 9, available: 0, overage: 2 },
      { product: 'messaging', purchased: 5, assigned: 0, used: 0, available: 5, overage: 0 },
    ]);
    expect(answer.body.trials).toEqual([]);
    expect(answer.body.admins.map((a) => a.email)).toEqual([`admin@${are.id}.example`]);
    expect(answer.body.partnerAdmins.every((p) => p.allCustomers)).toBe(true);
    const acmeDetail = await server.request<{
      trials: unknown[];
      partnerAdmins: { userId: string; source: string | null }[];
    }>('GET', `/api/v1/customers/${ids.get(acme.id)}?asOf=${asOf}`, { token: partner.token });
    expect(acmeDetail.body.trials).toHaveLength(1);
    expect(acmeDetail.body.partnerAdmins).toContainEqual(
      expect.objectContaining({ userId: salesUserId, source: 'assigned' }),
    );
  });

  it('answers 404 for a customer that does not exist, whatever the id looks like', async () => {
    expect(
      (
        await server.request('GET', '/api/v1/customers/00000000-0000-4000-8000-000000000000', {
          token: partner.token,
        })
      ).status,
    ).toBe(404);
    expect(
      (await server.request('GET', '/api/v1/customers/not-a-uuid', { token: partner.token })).status,
    ).toBe(404);
  });
});
