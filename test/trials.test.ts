import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from './support/databases';
import { startTestServer, type Session, type TestPartner, type TestServer } from './support/server';
import { addDays, todayUtc } from '../server/dates';

type Trial = {
  subscriptionId: string;
  customerId: string;
  status: string;
  startDate: string;
  endDate: string;
  daysLeft: number;
  extended: boolean;
  products: { product: string; licenses: number }[];
};
type Started = {
  customerId: string;
  subscriptionId: string;
  trial: Trial;
  invitation: { email: string; url: string } | null;
};
type ErrorAnswer = {
  error: { code: string; message: string; details?: { path: string; message: string }[] };
};
type List = {
  items: { id: string | null; name: string; statuses: string[]; products: string[] }[];
  total: number;
};

describe.each(databaseTargets)('trials (%s database)', (target) => {
  let server: TestServer;
  let partner: TestPartner;
  let sessions: Record<'full' | 'sales' | 'otherSales' | 'readonly', Session>;
  let salesUserId: string;
  const today = todayUtc();

  const trialBody = (overrides: Record<string, unknown> = {}) => ({
    companyName: 'Nimbus Trial AB',
    adminEmail: 'IT@nimbus.example',
    country: 'SE',
    products: [
      { product: 'meetings', licenses: 25 },
      { product: 'calling', licenses: 10 },
    ],
    durationDays: 30,
    ...overrides,
  });
  const start = async (session: Session, overrides: Record<string, unknown> = {}) => {
    const answer = await server.request<Started>('POST', '/api/v1/trials', {
      session,
      body: trialBody(overrides),
    });
    expect(answer.status, answer.text).toBe(201);
    return answer.body;
  };
  const customerRow = async (session: Session, name: string) =>
    (
      await server.request<List>('GET', `/api/v1/customers?q=${encodeURIComponent(name)}`, { session })
    ).body.items.find((item) => item.name === name);

  beforeAll(async () => {
    server = await startTestServer(target);
    partner = await server.partner();
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

  it('starts a trial as a partner administrator: a trial customer provisioned to them, hidden from other partner administrators', async () => {
    const started = await start(sessions.sales, { companyName: 'Nimbus Start AB' });
    expect(started.subscriptionId).toMatch(/^Trial-[0-9A-F]{8}$/);
    expect(started.trial).toEqual({
      subscriptionId: started.subscriptionId,
      customerId: started.customerId,
      status: 'active',
      startDate: today,
      endDate: addDays(today, 29),
      daysLeft: 29,
      extended: false,
      products: [
        { product: 'meetings', licenses: 25 },
        { product: 'calling', licenses: 10 },
      ],
    });
    expect(started.invitation).toEqual({
      email: 'it@nimbus.example',
      url: expect.stringMatching(/^\/invite\/\S+$/),
    });

    const row = await customerRow(sessions.sales, 'Nimbus Start AB');
    expect(row?.id).toBe(started.customerId);
    expect(row?.statuses).toContain('trial');
    expect(row?.statuses).not.toContain('no_recent_activity');
    expect(row?.products).toEqual(['meetings', 'calling']);

    const admins = await server.request<{
      items: { userId: string; source: string | null; allCustomers: boolean }[];
    }>('GET', `/api/v1/customers/${started.customerId}/partner-admins`, { session: sessions.full });
    expect(admins.body.items.find((a) => a.userId === salesUserId)).toMatchObject({
      source: 'provisioned',
      allCustomers: false,
    });

    const detail = await server.request<{
      admins: { email: string; role: string }[];
      trials: { id: string }[];
    }>('GET', `/api/v1/customers/${started.customerId}`, { session: sessions.sales });
    expect(detail.body.admins).toEqual([
      expect.objectContaining({ email: 'it@nimbus.example', role: 'customer_full_admin' }),
    ]);
    expect(detail.body.trials.map((t) => t.id)).toEqual([started.subscriptionId]);

    expect(
      (
        await server.request('GET', `/api/v1/customers/${started.customerId}`, {
          session: sessions.otherSales,
        })
      ).status,
    ).toBe(404);
    expect(await customerRow(sessions.otherSales, 'Nimbus Start AB')).toBeUndefined();
    for (const action of ['extend', 'cancel']) {
      const answer = await server.request<ErrorAnswer>(
        'POST',
        `/api/v1/trials/${started.subscriptionId}/${action}`,
        { session: sessions.otherSales },
      );
      expect(answer.status).toBe(404);
    }
    expect(
      (
        await server.request('PATCH', `/api/v1/trials/${started.subscriptionId}`, {
          session: sessions.otherSales,
          body: { products: [{ product: 'meetings', licenses: 1 }] },
        })
      ).status,
    ).toBe(404);
  });

  it('lets read-only administrators and API tokens start or change nothing', async () => {
    expect(
      (await server.request('POST', '/api/v1/trials', { session: sessions.readonly, body: trialBody() }))
        .status,
    ).toBe(403);
    expect(
      (await server.request('POST', '/api/v1/trials', { token: partner.token, body: trialBody() })).status,
    ).toBe(403);
    const started = await start(sessions.full, { companyName: 'Nimbus Guarded AB' });
    expect(
      (
        await server.request('POST', `/api/v1/trials/${started.subscriptionId}/cancel`, {
          session: sessions.readonly,
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await server.request('POST', `/api/v1/trials/${started.subscriptionId}/extend`, {
          token: partner.token,
        })
      ).status,
    ).toBe(403);
  });

  it('refuses bad input and names the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ products: [{ product: 'meetings', licenses: 0 }] }, 'products[0].licenses'],
      [{ products: [{ product: 'meetings', licenses: 1001 }] }, 'products[0].licenses'],
      [{ products: [] }, 'products'],
      [
        {
          products: [
            { product: 'meetings', licenses: 1 },
            { product: 'meetings', licenses: 2 },
          ],
        },
        'products[1].product',
      ],
      [{ products: [{ product: 'fax', licenses: 1 }] }, 'products[0].product'],
      [{ durationDays: 45 }, 'durationDays'],
      [{ adminEmail: 'not-an-email' }, 'adminEmail'],
      [{ country: 'Sweden' }, 'country'],
      [{ companyName: undefined }, 'companyName'],
    ];
    for (const [overrides, path] of cases) {
      const answer = await server.request<ErrorAnswer>('POST', '/api/v1/trials', {
        session: sessions.full,
        body: trialBody(overrides),
      });
      expect(answer.status, JSON.stringify(overrides)).toBe(400);
      expect(answer.body.error.details?.map((d) => d.path)).toContain(path);
    }
    const before = await server.request<List>('GET', '/api/v1/customers?pageSize=1000', {
      session: sessions.full,
    });
    expect(before.body.items.some((item) => item.name === 'Nimbus Trial AB')).toBe(false);
  });

  it('edits the products and license counts of a trial', async () => {
    const started = await start(sessions.sales, { companyName: 'Nimbus Edit AB' });
    const edited = await server.request<Trial>('PATCH', `/api/v1/trials/${started.subscriptionId}`, {
      session: sessions.sales,
      body: {
        products: [
          { product: 'messaging', licenses: 5 },
          { product: 'meetings', licenses: 40 },
        ],
      },
    });
    expect(edited.status, edited.text).toBe(200);
    expect(edited.body.products).toEqual([
      { product: 'meetings', licenses: 40 },
      { product: 'messaging', licenses: 5 },
    ]);
    expect((await customerRow(sessions.sales, 'Nimbus Edit AB'))?.products).toEqual([
      'meetings',
      'messaging',
    ]);
  });

  it('extends a trial to 30 days from today once, and refuses a second extension with 409', async () => {
    const started = await start(sessions.sales, { companyName: 'Nimbus Extend AB' });
    const extended = await server.request<Trial>('POST', `/api/v1/trials/${started.subscriptionId}/extend`, {
      session: sessions.sales,
    });
    expect(extended.status, extended.text).toBe(200);
    expect(extended.body).toMatchObject({
      endDate: addDays(today, 30),
      daysLeft: 30,
      extended: true,
      status: 'active',
    });
    const again = await server.request<ErrorAnswer>(
      'POST',
      `/api/v1/trials/${started.subscriptionId}/extend`,
      { session: sessions.sales },
    );
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/extended only once/);
    const stored = await server.database.db
      .selectFrom('subscriptions')
      .select(['end_date', 'extended_at'])
      .where('id', '=', started.subscriptionId)
      .executeTakeFirstOrThrow();
    expect(stored.end_date).toBe(addDays(today, 30));
    expect(stored.extended_at).not.toBeNull();
  });

  it('keeps the extension of a trial that runs longer than an extension would', async () => {
    const started = await start(sessions.full, { companyName: 'Nimbus Long AB', durationDays: 90 });
    const answer = await server.request<ErrorAnswer>(
      'POST',
      `/api/v1/trials/${started.subscriptionId}/extend`,
      { session: sessions.full },
    );
    expect(answer.status).toBe(409);
    expect(answer.body.error.message).toContain(addDays(today, 89));
  });

  it('cancels a trial: the customer no longer counts as a trial customer', async () => {
    const started = await start(sessions.sales, { companyName: 'Nimbus Cancel AB' });
    const cancelled = await server.request<Trial>('POST', `/api/v1/trials/${started.subscriptionId}/cancel`, {
      session: sessions.sales,
    });
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    const row = await customerRow(sessions.sales, 'Nimbus Cancel AB');
    expect(row?.statuses).not.toContain('trial');
    expect(row?.statuses).toContain('expired');
    expect(
      (
        await server.request('POST', `/api/v1/trials/${started.subscriptionId}/cancel`, {
          session: sessions.sales,
        })
      ).status,
    ).toBe(409);
    expect(
      (
        await server.request('POST', `/api/v1/trials/${started.subscriptionId}/extend`, {
          session: sessions.sales,
        })
      ).status,
    ).toBe(409);
  });

  it('starts a trial for an existing customer in scope, one running trial at a time', async () => {
    const first = await start(sessions.sales, { companyName: 'Nimbus Existing AB' });
    await server.request('POST', `/api/v1/trials/${first.subscriptionId}/cancel`, {
      session: sessions.sales,
    });
    const second = await start(sessions.sales, {
      customerId: first.customerId,
      companyName: undefined,
      country: undefined,
      adminEmail: 'second@nimbus.example',
    });
    expect(second.customerId).toBe(first.customerId);
    const running = await server.request<ErrorAnswer>('POST', '/api/v1/trials', {
      session: sessions.full,
      body: trialBody({ customerId: first.customerId }),
    });
    expect(running.status).toBe(409);
    expect(running.body.error.message).toContain(second.subscriptionId);
    const outside = await server.request('POST', '/api/v1/trials', {
      session: sessions.otherSales,
      body: trialBody({ customerId: first.customerId }),
    });
    expect(outside.status).toBe(404);
    expect(outside.text).not.toContain('Nimbus Existing AB');
  });

  it('audits every change to a trial with its actor and before/after values', async () => {
    const started = await start(sessions.sales, { companyName: 'Nimbus Audit AB' });
    await server.request('PATCH', `/api/v1/trials/${started.subscriptionId}`, {
      session: sessions.sales,
      body: { products: [{ product: 'meetings', licenses: 3 }] },
    });
    await server.request('POST', `/api/v1/trials/${started.subscriptionId}/extend`, {
      session: sessions.sales,
    });
    await server.request('POST', `/api/v1/trials/${started.subscriptionId}/cancel`, {
      session: sessions.sales,
    });
    const audit = await server.request<{
      items: { action: string; actorId: string; before: unknown; after: unknown }[];
    }>('GET', `/api/v1/audit?objectType=trial&objectId=${started.subscriptionId}`, {
      session: sessions.full,
    });
    expect(audit.body.items.map((e) => e.action)).toEqual([
      'trial.cancel',
      'trial.extend',
      'trial.update',
      'trial.start',
    ]);
    expect(audit.body.items.every((e) => e.actorId === salesUserId)).toBe(true);
    expect(audit.body.items[0]).toMatchObject({
      before: { status: 'active' },
      after: { status: 'cancelled' },
    });
    expect(audit.body.items[1]).toMatchObject({
      before: { endDate: addDays(today, 29), extended: false },
      after: { endDate: addDays(today, 30), extended: true },
    });
    const created = await server.request<{ items: { action: string }[] }>(
      'GET',
      `/api/v1/audit?objectType=customer&objectId=${started.customerId}`,
      { session: sessions.full },
    );
    expect(created.body.items.map((e) => e.action)).toContain('customer.create');
  });
});
