import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from './support/databases';
import { startTestServer, type Session, type TestPartner, type TestServer } from './support/server';
import { asOf, combine, customerWith } from './support/documents';

type List = { items: { id: string | null; name: string }[]; total: number };

describe.each(databaseTargets)('who sees which customers (%s database)', (target) => {
  let server: TestServer;
  let partner: TestPartner;
  let other: TestPartner;
  let sessions: Record<'full' | 'sales' | 'readonly', Session>;
  let assignedId: string;
  let unassignedId: string;
  let otherCustomerId: string;

  beforeAll(async () => {
    server = await startTestServer(target);
    partner = await server.partner('Partner One');
    other = await server.partner('Partner Two');
    const mine = combine(customerWith({ name: 'Assigned Ab' }), customerWith({ name: 'Unassigned Ab' }));
    expect(
      (await server.request('POST', '/api/v1/import', { token: partner.token, body: mine })).status,
    ).toBe(200);
    // The same external ids at another partner are other customers entirely.
    expect(
      (
        await server.request('POST', '/api/v1/import', {
          token: other.token,
          body: { ...mine, customers: mine.customers.map((c) => ({ ...c, name: `Other ${c.name}` })) },
        })
      ).status,
    ).toBe(200);

    const rows = (
      await server.request<List>('GET', `/api/v1/customers?asOf=${asOf}`, { token: partner.token })
    ).body.items;
    assignedId = rows.find((r) => r.name === 'Assigned Ab')?.id as string;
    unassignedId = rows.find((r) => r.name === 'Unassigned Ab')?.id as string;
    otherCustomerId = (
      await server.request<List>('GET', `/api/v1/customers?asOf=${asOf}`, { token: other.token })
    ).body.items[0]?.id as string;

    const sales = await partner.addUser('partner_admin');
    const readonly = await partner.addUser('partner_readonly_admin');
    await server.database.db
      .insertInto('customer_assignments')
      .values({
        partner_id: partner.partnerId,
        user_id: sales.userId,
        customer_id: assignedId,
        source: 'provisioned',
      })
      .execute();
    sessions = {
      full: await server.signIn(partner.adminEmail, partner.password),
      sales: await server.signIn(sales.email, sales.password),
      readonly: await server.signIn(readonly.email, readonly.password),
    };
  });
  afterAll(() => server?.close());

  it('shows a full administrator and a read-only administrator every customer of their partner', async () => {
    for (const session of [sessions.full, sessions.readonly]) {
      const list = await server.request<List>('GET', '/api/v1/customers', { session });
      expect(list.body.items.map((i) => i.name).sort()).toEqual(['Assigned Ab', 'Unassigned Ab']);
    }
  });

  it('shows a partner administrator only the customers provisioned by or assigned to them', async () => {
    const list = await server.request<List>('GET', '/api/v1/customers', { session: sessions.sales });
    expect(list.body.items.map((i) => i.name)).toEqual(['Assigned Ab']);
    expect(
      (await server.request('GET', `/api/v1/customers/${assignedId}`, { session: sessions.sales })).status,
    ).toBe(200);
    expect(
      (await server.request('GET', `/api/v1/customers/${unassignedId}`, { session: sessions.sales })).status,
    ).toBe(404);
    const csv = await server.request('GET', '/api/v1/customers.csv', { session: sessions.sales });
    expect(csv.text).toContain('Assigned Ab');
    expect(csv.text).not.toContain('Unassigned Ab');
  });

  it("counts KPIs within the caller's scope", async () => {
    const full = await server.request<{ totalCustomers: number }>('GET', `/api/v1/kpis?asOf=${asOf}`, {
      session: sessions.full,
    });
    const sales = await server.request<{ totalCustomers: number }>('GET', `/api/v1/kpis?asOf=${asOf}`, {
      session: sessions.sales,
    });
    expect(full.body.totalCustomers).toBe(2);
    expect(sales.body.totalCustomers).toBe(1);
  });

  it("never shows another partner's customers, by list, search or id", async () => {
    const list = await server.request<List>('GET', '/api/v1/customers?q=Other', { token: partner.token });
    expect(list.body.items).toEqual([]);
    const answer = await server.request<{ error: { message: string } }>(
      'GET',
      `/api/v1/customers/${otherCustomerId}`,
      { token: partner.token },
    );
    expect(answer.status).toBe(404);
    expect(JSON.stringify(answer.body)).not.toContain('Other');
  });

  it('refuses requests without credentials or with an unknown token', async () => {
    expect((await server.request('GET', '/api/v1/customers')).status).toBe(401);
    expect((await server.request('GET', '/api/v1/customers', { token: 'ph_not-a-token' })).status).toBe(401);
    expect(
      (await server.request('GET', '/api/v1/kpis', { headers: { authorization: 'Basic abc' } })).status,
    ).toBe(401);
  });

  it('holds tokens to their scopes', async () => {
    const ingestOnly = await partner.tokenWith(['ingest']);
    const readOnly = await partner.tokenWith(['read']);
    expect((await server.request('GET', '/api/v1/customers', { token: ingestOnly })).status).toBe(403);
    expect(
      (await server.request('POST', '/api/v1/sign-ins', { token: readOnly, body: { signIns: [] } })).status,
    ).toBe(403);
  });

  it('lets only full administrators and ingest tokens import', async () => {
    const body = { usage: [] };
    expect(
      (await server.request('POST', '/api/v1/import', { session: sessions.readonly, body })).status,
    ).toBe(403);
    expect((await server.request('POST', '/api/v1/import', { session: sessions.sales, body })).status).toBe(
      403,
    );
    expect((await server.request('POST', '/api/v1/import', { session: sessions.full, body })).status).toBe(
      200,
    );
  });
});
