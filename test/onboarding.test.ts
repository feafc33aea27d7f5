import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from './support/databases';
import { startTestServer, testPassword, type TestServer } from './support/server';
import { createInvitation } from '../server/onboarding/service';
import { termsVersion } from '../server/partners/service';

type Me = {
  user: { id: string; email: string; role: string; orgId: string };
  partner: { id: string; name: string; termsAcceptedAt: string | null };
  csrfToken: string;
};
type ErrorAnswer = { error: { code: string; message: string; details?: { path: string }[] } };

describe.each(databaseTargets)('partner onboarding (%s database)', (target) => {
  let server: TestServer;

  const accept = (token: string, body: Record<string, unknown>) =>
    server.request<Me & ErrorAnswer>('POST', `/api/v1/invitations/${token}/accept`, { body });
  const complete = {
    name: 'Founder',
    password: testPassword,
    organizationName: 'New Reseller AB',
    country: 'SE',
    acceptTerms: true,
  };

  beforeAll(async () => {
    server = await startTestServer(target);
  });
  afterAll(() => server?.close());

  it('shows what the invitation offers: the plan and the terms version', async () => {
    const { token } = await createInvitation(server.database.db, { email: 'Founder@Reseller.example' });
    const answer = await server.request<{
      email: string;
      kind: string;
      plan: { name: string; products: string[] };
      termsVersion: string;
    }>('GET', `/api/v1/invitations/${token}`);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body).toMatchObject({ email: 'founder@reseller.example', kind: 'partner', termsVersion });
    expect(answer.body.plan.products).toContain('meetings');
    expect((await server.request('GET', '/api/v1/invitations/no-such-token')).status).toBe(404);
  });

  it("can't be skipped: the terms, an organization name and a good password are required", async () => {
    const { token } = await createInvitation(server.database.db, { email: 'careful@reseller.example' });
    const cases: [Record<string, unknown>, string][] = [
      [{ ...complete, acceptTerms: false }, 'acceptTerms'],
      [{ ...complete, acceptTerms: undefined }, 'acceptTerms'],
      [{ ...complete, organizationName: undefined }, 'organizationName'],
      [{ ...complete, country: undefined }, 'country'],
      [{ ...complete, password: 'short' }, 'password'],
    ];
    for (const [body, path] of cases) {
      const answer = await accept(token, body);
      expect(answer.status, path).toBe(422);
      expect(answer.body.error.details?.map((d) => d.path)).toContain(path);
    }
    expect((await accept(token, { ...complete, country: 'sweden' })).status).toBe(400);
    // Nothing was created, and the invitation still works.
    expect(
      await server.database.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'careful@reseller.example')
        .executeTakeFirst(),
    ).toBeUndefined();
    expect((await server.request('GET', `/api/v1/invitations/${token}`)).status).toBe(200);
  });

  it('"Get started" creates the organization with its first full administrator, records the terms, and signs in', async () => {
    const { token } = await createInvitation(server.database.db, { email: 'starter@reseller.example' });
    const answer = await accept(token, complete);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body.user).toMatchObject({ email: 'starter@reseller.example', role: 'partner_full_admin' });
    expect(answer.body.partner.name).toBe('New Reseller AB');
    expect(answer.body.partner.termsAcceptedAt).not.toBeNull();
    const cookie = (answer.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(answer.headers.get('set-cookie')).toContain('HttpOnly');
    const session = { cookie, csrfToken: answer.body.csrfToken };

    const me = await server.request<Me>('GET', '/api/v1/me', { session });
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(answer.body.user.id);
    const organization = await server.database.db
      .selectFrom('organizations')
      .selectAll()
      .where('id', '=', answer.body.partner.id)
      .executeTakeFirstOrThrow();
    expect(organization).toMatchObject({
      kind: 'partner',
      country: 'SE',
      terms_version: termsVersion,
      terms_accepted_by: answer.body.user.id,
    });

    // They administer their own organization from here on.
    expect((await server.request('GET', '/api/v1/customers', { session })).body).toEqual({
      items: [],
      total: 0,
    });
    expect(
      (await server.request('POST', '/api/v1/tokens', { session, body: { name: 'crm', scopes: ['ingest'] } }))
        .status,
    ).toBe(201);
    await server.signIn('starter@reseller.example', testPassword);

    expect((await accept(token, complete)).status).toBe(409);
    expect((await server.request('GET', `/api/v1/invitations/${token}`)).status).toBe(409);
  });

  it('refuses an expired invitation', async () => {
    const { token } = await createInvitation(server.database.db, { email: 'late@reseller.example' });
    await server.database.db
      .updateTable('invitations')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('email', '=', 'late@reseller.example')
      .execute();
    const answer = await accept(token, complete);
    expect(answer.status).toBe(409);
    expect(answer.body.error.message).toMatch(/expired/);
  });
});
