import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from './support/databases';
import {
  startTestServer,
  testPassword,
  type ApiAnswer,
  type Session,
  type TestPartner,
  type TestServer,
} from './support/server';
import { addDays, todayUtc } from '../server/dates';

type Console = {
  organization: { id: string; name: string };
  access: string;
  admins: { email: string; role: string; lastSignInAt: string | null }[];
  externalAdmins: { email: string; name: string }[];
  subscriptions: {
    id: string;
    products: { product: string; purchased: number; assigned: number; available: number }[];
  }[];
};
type Invited = { email: string; role: string; invitation: { url: string } };
type Item = { id: string | null; statuses: string[]; lastAdminSignInAt: string | null };

/** The session an answer started, like the browser keeps it. */
function sessionOf(answer: ApiAnswer<{ csrfToken: string }>): Session {
  return {
    cookie: (answer.headers.get('set-cookie') ?? '').split(';')[0] ?? '',
    csrfToken: answer.body.csrfToken,
  };
}

describe.each(databaseTargets)('the customer console (%s database)', (target) => {
  let server: TestServer;
  let partner: TestPartner;
  let sessions: Record<'full' | 'sales' | 'readonly', Session>;
  let customerId: string;
  let neighbourId: string;
  const today = todayUtc();

  const tokenOf = (invited: Invited) => invited.invitation.url.replace('/invite/', '');
  const invite = async (session: Session, body: { email: string; name: string; role?: string }) => {
    const answer = await server.request<Invited>('POST', `/api/v1/console/${customerId}/admins`, {
      session,
      body,
    });
    expect(answer.status, answer.text).toBe(201);
    return answer.body;
  };
  const accept = (token: string, password = testPassword) =>
    server.request<{ user: { role: string; orgId: string; email: string }; csrfToken: string }>(
      'POST',
      `/api/v1/console/invitations/${token}/accept`,
      { body: { name: 'Ops Person', password } },
    );
  const listItem = async (id: string) =>
    (
      await server.request<{ items: Item[] }>('GET', '/api/v1/customers?pageSize=1000', {
        session: sessions.full,
      })
    ).body.items.find((i) => i.id === id);

  beforeAll(async () => {
    server = await startTestServer(target);
    partner = await server.partner();
    const customer = (id: string, name: string) => ({
      id,
      name,
      country: 'SE',
      createdAt: addDays(today, -100),
      tags: [],
      admins: [],
    });
    const imported = await server.request('POST', '/api/v1/import', {
      token: partner.token,
      body: {
        customers: [customer('quiet', 'Quiet Customer AB'), customer('neighbour', 'Neighbour AB')],
        subscriptions: [
          {
            id: 'Sub-quiet',
            customerId: 'quiet',
            kind: 'paid',
            status: 'active',
            startDate: addDays(today, -90),
            endDate: addDays(today, 275),
            lines: [{ product: 'meetings', sku: 'M', quantity: 10 }],
          },
        ],
        usage: [
          {
            subscriptionId: 'Sub-quiet',
            product: 'meetings',
            date: addDays(today, -1),
            assigned: 7,
            used: 3,
            used90d: 6,
          },
        ],
      },
    });
    expect(imported.status, imported.text).toBe(200);
    const rows = await server.database.db
      .selectFrom('organizations')
      .select(['id', 'external_id'])
      .where('partner_id', '=', partner.partnerId)
      .where('kind', '=', 'customer')
      .execute();
    customerId = rows.find((r) => r.external_id === 'quiet')?.id as string;
    neighbourId = rows.find((r) => r.external_id === 'neighbour')?.id as string;
    const sales = await partner.addUser('partner_admin');
    const readonly = await partner.addUser('partner_readonly_admin');
    sessions = {
      full: await server.signIn(partner.adminEmail, partner.password),
      sales: await server.signIn(sales.email, sales.password),
      readonly: await server.signIn(readonly.email, readonly.password),
    };
  });
  afterAll(() => server?.close());

  it("opens a customer's console with the partner user's rights, and only for customers in scope", async () => {
    const asFull = await server.request<Console>('GET', `/api/v1/console/${customerId}`, {
      session: sessions.full,
    });
    expect(asFull.status, asFull.text).toBe(200);
    expect(asFull.body.access).toBe('full');
    expect(asFull.body.organization.name).toBe('Quiet Customer AB');
    expect(asFull.body.subscriptions).toEqual([
      expect.objectContaining({
        id: 'Sub-quiet',
        products: [{ product: 'meetings', purchased: 10, assigned: 7, used: 3, available: 3 }],
      }),
    ]);
    expect(
      (await server.request<Console>('GET', `/api/v1/console/${customerId}`, { session: sessions.readonly }))
        .body.access,
    ).toBe('read-only');
    expect(
      (await server.request('GET', `/api/v1/console/${customerId}`, { session: sessions.sales })).status,
    ).toBe(404);
    expect(
      (await server.request('GET', `/api/v1/console/${customerId}`, { token: partner.token })).status,
    ).toBe(403);
    const other = await server.partner('Other');
    const otherSession = await server.signIn(other.adminEmail, other.password);
    const foreign = await server.request('GET', `/api/v1/console/${customerId}`, { session: otherSession });
    expect(foreign.status).toBe(404);
    expect(foreign.text).not.toContain('Quiet');
  });

  it('lets a read-only administrator change nothing', async () => {
    expect(
      (
        await server.request('POST', `/api/v1/console/${customerId}/admins`, {
          session: sessions.readonly,
          body: { email: 'x@quiet.example', name: 'X' },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await server.request('POST', `/api/v1/console/${customerId}/external-admins`, {
          session: sessions.readonly,
          body: { email: 'x@quiet.example', name: 'X' },
        })
      ).status,
    ).toBe(403);
  });

  it('invites a customer administrator whose acceptance and sign-ins are the activity the partner watches', async () => {
    expect((await listItem(customerId))?.statuses).toContain('no_recent_activity');
    const invited = await invite(sessions.full, { email: 'Ops@Quiet.example', name: 'Ops' });
    expect(invited).toMatchObject({ email: 'ops@quiet.example', role: 'customer_full_admin' });

    const described = await server.request<{ kind: string; email: string; organization: { name: string } }>(
      'GET',
      `/api/v1/invitations/${tokenOf(invited)}`,
    );
    expect(described.body).toMatchObject({
      kind: 'customer_admin',
      email: 'ops@quiet.example',
      organization: { name: 'Quiet Customer AB' },
    });

    const weak = await accept(tokenOf(invited), 'short');
    expect(weak.status).toBe(422);
    const accepted = await accept(tokenOf(invited));
    expect(accepted.status, accepted.text).toBe(200);
    expect(accepted.body.user).toMatchObject({
      email: 'ops@quiet.example',
      role: 'customer_full_admin',
      orgId: customerId,
    });
    expect((await accept(tokenOf(invited))).status).toBe(409);

    const item = await listItem(customerId);
    expect(item?.statuses).not.toContain('no_recent_activity');
    expect(item?.lastAdminSignInAt).not.toBeNull();

    // Signing in later is recorded too.
    const before = await server.database.db
      .selectFrom('admin_sign_ins')
      .select('at')
      .where('customer_id', '=', customerId)
      .execute();
    const session = await server.signIn('ops@quiet.example', testPassword);
    const after = await server.database.db
      .selectFrom('admin_sign_ins')
      .select('at')
      .where('customer_id', '=', customerId)
      .execute();
    expect(after.length).toBe(before.length + 1);

    const own = await server.request<Console>('GET', `/api/v1/console/${customerId}`, { session });
    expect(own.body.access).toBe('full');
    expect(own.body.admins.find((a) => a.email === 'ops@quiet.example')?.lastSignInAt).not.toBeNull();
    expect((await server.request('GET', `/api/v1/console/${neighbourId}`, { session })).status).toBe(404);
    expect((await server.request('GET', '/api/v1/customers', { session })).status).toBe(403);
    expect((await server.request('POST', `/api/v1/customers/${customerId}/launch`, { session })).status).toBe(
      403,
    );
  });

  it('lets a customer administrator manage administrators and external administrators', async () => {
    const session = await server.signIn('ops@quiet.example', testPassword);
    const reader = await invite(session, {
      email: 'reader@quiet.example',
      name: 'Reader',
      role: 'customer_readonly_admin',
    });
    expect(
      (
        await server.request('POST', `/api/v1/console/${customerId}/admins`, {
          session,
          body: { email: 'ops@quiet.example', name: 'Ops' },
        })
      ).status,
    ).toBe(409);
    const readerSession = sessionOf(await accept(tokenOf(reader)));
    const asReader = await server.request<Console>('GET', `/api/v1/console/${customerId}`, {
      session: readerSession,
    });
    expect(asReader.body.access).toBe('read-only');
    expect(
      (
        await server.request('POST', `/api/v1/console/${customerId}/external-admins`, {
          session: readerSession,
          body: { email: 'ext@partner2.example', name: 'Ext' },
        })
      ).status,
    ).toBe(403);

    const added = await server.request('POST', `/api/v1/console/${customerId}/external-admins`, {
      session,
      body: { email: 'Ext@Partner2.example', name: 'Ext' },
    });
    expect(added.status, added.text).toBe(201);
    expect(
      (
        await server.request('POST', `/api/v1/console/${customerId}/external-admins`, {
          session,
          body: { email: 'ext@partner2.example', name: 'Ext' },
        })
      ).status,
    ).toBe(409);
    expect(
      (await server.request<Console>('GET', `/api/v1/console/${customerId}`, { session })).body
        .externalAdmins,
    ).toEqual([expect.objectContaining({ email: 'ext@partner2.example', name: 'Ext' })]);
    expect(
      (
        await server.request('DELETE', `/api/v1/console/${customerId}/external-admins/ext@partner2.example`, {
          session: readerSession,
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await server.request('DELETE', `/api/v1/console/${customerId}/external-admins/ext@partner2.example`, {
          session,
        })
      ).status,
    ).toBe(204);
    expect(
      (
        await server.request('DELETE', `/api/v1/console/${customerId}/external-admins/ext@partner2.example`, {
          session,
        })
      ).status,
    ).toBe(404);

    expect(
      (await server.request('DELETE', `/api/v1/console/${customerId}/admins/ops@quiet.example`, { session }))
        .status,
    ).toBe(409);
    expect(
      (
        await server.request('DELETE', `/api/v1/console/${customerId}/admins/reader@quiet.example`, {
          session: sessions.full,
        })
      ).status,
    ).toBe(204);
    expect((await server.request('GET', '/api/v1/me', { session: readerSession })).status).toBe(401);
  });

  it('audits console changes, with the acceptance by the invitee', async () => {
    const audit = await server.request<{ items: { action: string; actor: string }[] }>(
      'GET',
      `/api/v1/audit?objectType=customer&objectId=${customerId}&pageSize=100`,
      { session: sessions.full },
    );
    const actions = audit.body.items.map((e) => e.action);
    for (const action of [
      'customer_admin.invite',
      'customer_admin.accept',
      'customer_admin.remove',
      'external_admin.add',
      'external_admin.remove',
    ])
      expect(actions).toContain(action);
    expect(audit.body.items.find((e) => e.action === 'external_admin.add')?.actor).toBe('ops@quiet.example');
  });
});
