import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from './support/databases';
import { startTestServer, type Session, type TestPartner, type TestServer } from './support/server';
import { addDays, addMonths, todayUtc } from '../server/dates';

type Order = {
  number: string;
  status: string;
  customerId: string | null;
  subscriptionId: string;
  suggestions?: { customerId: string; name: string; reason: string }[];
};
type Item = { id: string | null; name: string; statuses: string[]; order: { number: string | null } | null };
type List<T> = { items: T[]; total: number };
type ErrorAnswer = { error: { code: string; message: string; details?: { path: string }[] } };

describe.each(databaseTargets)('orders and order setup (%s database)', (target) => {
  let server: TestServer;
  let partner: TestPartner;
  let sessions: Record<'full' | 'sales' | 'otherSales' | 'readonly', Session>;
  let salesUserId: string;
  const ids = new Map<string, string>();
  const today = todayUtc();

  const order = (number: string, overrides: Record<string, unknown> = {}) => ({
    number,
    type: 'new',
    subscriptionId: `Sub-${number}`,
    customerName: 'Gamma Logistics AB',
    contactEmail: 'it@gamma.example',
    requestedStartDate: addDays(today, -1),
    termMonths: 12,
    autoRenew: true,
    lines: [{ product: 'calling', sku: 'A-CALL', quantity: 20 }],
    ...overrides,
  });
  const importOrders = async (...orders: ReturnType<typeof order>[]) => {
    const answer = await server.request('POST', '/api/v1/orders', { token: partner.token, body: { orders } });
    expect(answer.status, answer.text).toBe(200);
  };
  const customers = async (session: Session) =>
    (await server.request<List<Item>>('GET', '/api/v1/customers?pageSize=1000', { session })).body.items;

  beforeAll(async () => {
    server = await startTestServer(target);
    partner = await server.partner();
    const existing = (id: string, name: string, admin: string, subscriptions: unknown[] = []) => ({
      customer: {
        id,
        name,
        country: 'SE',
        createdAt: addDays(today, -200),
        tags: [],
        admins: [{ email: admin, name: 'Admin' }],
      },
      subscriptions,
    });
    const parts = [
      existing('gamma', 'Gamma Group Holding', 'boss@gamma.example'),
      existing('delta', 'Delta Logistics Oy', 'it@delta.example'),
      existing('unrelated', 'Epsilon AB', 'it@epsilon.example'),
      existing('trialing', 'Zeta Trial AB', 'it@zeta.example', [
        {
          id: 'Trial-zeta',
          customerId: 'trialing',
          kind: 'trial',
          status: 'active',
          startDate: addDays(today, -10),
          endDate: addDays(today, 20),
          termMonths: 0,
          lines: [{ product: 'calling', sku: 'T', quantity: 5 }],
        },
      ]),
    ];
    const imported = await server.request('POST', '/api/v1/import', {
      token: partner.token,
      body: { customers: parts.map((p) => p.customer), subscriptions: parts.flatMap((p) => p.subscriptions) },
    });
    expect(imported.status, imported.text).toBe(200);
    for (const row of await server.database.db
      .selectFrom('organizations')
      .select(['id', 'external_id'])
      .where('partner_id', '=', partner.partnerId)
      .where('kind', '=', 'customer')
      .execute()) {
      ids.set(row.external_id as string, row.id);
    }
    const sales = await partner.addUser('partner_admin');
    salesUserId = sales.userId;
    const otherSales = await partner.addUser('partner_admin');
    const readonly = await partner.addUser('partner_readonly_admin');
    sessions = {
      full: await server.signIn(partner.adminEmail, partner.password),
      sales: await server.signIn(sales.email, sales.password),
      otherSales: await server.signIn(otherSales.email, otherSales.password),
      readonly: await server.signIn(readonly.email, readonly.password),
    };
  });
  afterAll(() => server?.close());

  it('lists an imported new order as pending setup, with suggestions by admin e-mail domain and by name', async () => {
    await importOrders(order('CCW-100'));
    const pending = await server.request<List<Order>>('GET', '/api/v1/orders?status=pending_setup', {
      session: sessions.readonly,
    });
    expect(pending.status, pending.text).toBe(200);
    expect(pending.body.items.map((o) => o.number)).toContain('CCW-100');
    expect(pending.body.items.find((o) => o.number === 'CCW-100')).toMatchObject({
      status: 'pending_setup',
      customerId: null,
      subscriptionId: 'Sub-CCW-100',
    });

    const detail = await server.request<Order>('GET', '/api/v1/orders/CCW-100', { session: sessions.full });
    expect(detail.status, detail.text).toBe(200);
    expect(detail.body.suggestions).toEqual([
      { customerId: ids.get('gamma'), name: 'Gamma Group Holding', reason: 'email_domain' },
      { customerId: ids.get('delta'), name: 'Delta Logistics Oy', reason: 'name' },
    ]);
    // A partner administrator is shown only customers in their scope.
    const scoped = await server.request<Order>('GET', '/api/v1/orders/CCW-100', {
      session: sessions.otherSales,
    });
    expect(scoped.body.suggestions).toEqual([]);
    expect(
      (await server.request('GET', '/api/v1/orders/CCW-unknown', { session: sessions.full })).status,
    ).toBe(404);
  });

  it('sets up an order for a new customer: the order row leaves the list, the customer has a subscription, the partner admin is provisioned', async () => {
    await importOrders(
      order('CCW-200', { customerName: 'Omega Freight AB', contactEmail: 'ops@omega.example' }),
    );
    expect((await customers(sessions.sales)).find((i) => i.order?.number === 'CCW-200')?.statuses).toEqual([
      'ready_for_order_setup',
    ]);

    const setUp = await server.request<{
      customerId: string;
      subscriptionId: string;
      invitation: { email: string; url: string } | null;
    }>('POST', '/api/v1/orders/CCW-200/setup', {
      session: sessions.sales,
      body: { newCustomer: { name: 'Omega Freight AB', country: 'FI' }, contactEmail: 'Buyer@Omega.example' },
    });
    expect(setUp.status, setUp.text).toBe(200);
    expect(setUp.body.subscriptionId).toBe('Sub-CCW-200');
    expect(setUp.body.invitation).toEqual({
      email: 'buyer@omega.example',
      url: expect.stringMatching(/^\/invite\//),
    });

    const list = await customers(sessions.sales);
    expect(list.some((i) => i.order?.number === 'CCW-200')).toBe(false);
    const omega = list.find((i) => i.id === setUp.body.customerId);
    expect(omega?.name).toBe('Omega Freight AB');
    expect(omega?.statuses).toContain('subscription');
    expect(omega?.statuses).not.toContain('ready_for_order_setup');

    const subscription = await server.database.db
      .selectFrom('subscriptions')
      .selectAll()
      .where('id', '=', 'Sub-CCW-200')
      .executeTakeFirstOrThrow();
    expect(subscription).toMatchObject({
      status: 'active',
      customer_id: setUp.body.customerId,
      start_date: addDays(today, -1),
      end_date: addDays(addMonths(addDays(today, -1), 12), -1),
    });
    const assignment = await server.database.db
      .selectFrom('customer_assignments')
      .select('source')
      .where('user_id', '=', salesUserId)
      .where('customer_id', '=', setUp.body.customerId)
      .executeTakeFirst();
    expect(assignment?.source).toBe('provisioned');
    const stored = await server.database.db
      .selectFrom('orders')
      .select(['set_up_at', 'set_up_by'])
      .where('number', '=', 'CCW-200')
      .executeTakeFirstOrThrow();
    expect(stored.set_up_by).toBe(salesUserId);

    const again = await server.request<ErrorAnswer>('POST', '/api/v1/orders/CCW-200/setup', {
      session: sessions.sales,
      body: { newCustomer: { name: 'Omega Again', country: 'FI' } },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/set up already/);
    const done = await server.request<List<Order>>('GET', '/api/v1/orders?status=set_up', {
      session: sessions.sales,
    });
    expect(done.body.items.find((o) => o.number === 'CCW-200')).toMatchObject({
      status: 'set_up',
      customerId: setUp.body.customerId,
    });
  });

  it('sets up an order for an existing customer, superseding its running trial', async () => {
    await importOrders(
      order('CCW-300', {
        customerName: 'Zeta Trial AB',
        contactEmail: 'it@zeta.example',
        requestedStartDate: today,
      }),
    );
    const setUp = await server.request('POST', '/api/v1/orders/CCW-300/setup', {
      session: sessions.full,
      body: { customerId: ids.get('trialing') },
    });
    expect(setUp.status, setUp.text).toBe(200);
    const zeta = (await customers(sessions.full)).find((i) => i.id === ids.get('trialing'));
    expect(zeta?.statuses).toContain('subscription');
    expect(zeta?.statuses).not.toContain('trial');
    const trial = await server.database.db
      .selectFrom('subscriptions')
      .select(['end_date', 'status'])
      .where('id', '=', 'Trial-zeta')
      .executeTakeFirstOrThrow();
    expect(trial).toEqual({ end_date: addDays(today, -1), status: 'active' });
  });

  it('keeps a partner administrator to their own customers, and read-only administrators and tokens out', async () => {
    await importOrders(order('CCW-400'));
    const outside = await server.request('POST', '/api/v1/orders/CCW-400/setup', {
      session: sessions.sales,
      body: { customerId: ids.get('unrelated') },
    });
    expect(outside.status).toBe(404);
    expect(outside.text).not.toContain('Epsilon');
    expect(
      (
        await server.request('POST', '/api/v1/orders/CCW-400/setup', {
          session: sessions.readonly,
          body: { customerId: ids.get('unrelated') },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await server.request('POST', '/api/v1/orders/CCW-400/setup', {
          token: partner.token,
          body: { customerId: ids.get('unrelated') },
        })
      ).status,
    ).toBe(403);
    // A set-up order of a customer outside the scope is not shown either.
    expect(
      (await server.request('GET', '/api/v1/orders/CCW-300', { session: sessions.otherSales })).status,
    ).toBe(404);
    const stillPending = await server.request<Order>('GET', '/api/v1/orders/CCW-400', {
      session: sessions.full,
    });
    expect(stillPending.body.status).toBe('pending_setup');
  });

  it('refuses a setup naming both or neither of an existing and a new customer', async () => {
    const both = await server.request<ErrorAnswer>('POST', '/api/v1/orders/CCW-400/setup', {
      session: sessions.full,
      body: { customerId: ids.get('unrelated'), newCustomer: { name: 'X', country: 'SE' } },
    });
    expect(both.status).toBe(400);
    expect(both.body.error.details?.map((d) => d.path)).toContain('customerId');
    const neither = await server.request<ErrorAnswer>('POST', '/api/v1/orders/CCW-400/setup', {
      session: sessions.full,
      body: { contactEmail: 'a@b.example' },
    });
    expect(neither.status).toBe(400);
    const badCountry = await server.request<ErrorAnswer>('POST', '/api/v1/orders/CCW-400/setup', {
      session: sessions.full,
      body: { newCustomer: { name: 'X', country: 'xx' } },
    });
    expect(badCountry.body.error.details?.map((d) => d.path)).toContain('newCustomer.country');
  });

  it('audits the setup with the order before and after', async () => {
    const audit = await server.request<{
      items: {
        action: string;
        actor: string;
        before: unknown;
        after: { customerId: string; subscriptionId: string };
      }[];
    }>('GET', '/api/v1/audit?objectType=order&objectId=CCW-200', { session: sessions.full });
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({
      action: 'order.setup',
      before: { status: 'pending_setup', customerId: null },
      after: { subscriptionId: 'Sub-CCW-200' },
    });
  });
});
