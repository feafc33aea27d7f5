import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from './support/databases';
import { startTestServer, type TestPartner, type TestServer } from './support/server';

describe.each(databaseTargets)('signing in and sessions (%s database)', (target) => {
  let server: TestServer;
  let partner: TestPartner;

  beforeAll(async () => {
    server = await startTestServer(target);
    partner = await server.partner();
  });
  afterAll(() => server?.close());

  it('signs in with e-mail in any case and sets an HttpOnly, SameSite=Lax session cookie', async () => {
    const answer = await server.request<{ user: { email: string; role: string }; csrfToken: string }>(
      'POST',
      '/api/v1/auth/sign-in',
      {
        body: { email: partner.adminEmail.toUpperCase(), password: partner.password },
      },
    );
    expect(answer.status).toBe(200);
    expect(answer.body.user).toMatchObject({ email: partner.adminEmail, role: 'partner_full_admin' });
    const cookie = answer.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^ph_session=/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).not.toContain('Secure');
  });

  it('gives a new session id at every sign-in', async () => {
    const first = await server.signIn(partner.adminEmail, partner.password);
    const second = await server.signIn(partner.adminEmail, partner.password);
    expect(first.cookie).not.toBe(second.cookie);
  });

  it('answers who is signed in, and 401 to nobody', async () => {
    const session = await server.signIn(partner.adminEmail, partner.password);
    const me = await server.request<{ user: { email: string }; partner: { id: string } }>(
      'GET',
      '/api/v1/me',
      { session },
    );
    expect(me.body.partner.id).toBe(partner.partnerId);
    expect((await server.request('GET', '/api/v1/me')).status).toBe(401);
  });

  it('tells who is signed in the status thresholds of this installation', async () => {
    type Settings = {
      settings: { suspendAfterDays: number; expiringSoonDays: number; noActivityDays: number };
    };
    const session = await server.signIn(partner.adminEmail, partner.password);
    const me = await server.request<Settings>('GET', '/api/v1/me', { session });
    expect(me.body.settings).toEqual({ suspendAfterDays: 30, expiringSoonDays: 30, noActivityDays: 30 });

    const custom = await startTestServer(target, {
      SUSPEND_AFTER_DAYS: 45,
      EXPIRING_SOON_DAYS: 21,
      NO_ACTIVITY_DAYS: 60,
    });
    try {
      const other = await custom.partner();
      const signedIn = await custom.request<Settings>('POST', '/api/v1/auth/sign-in', {
        body: { email: other.adminEmail, password: other.password },
      });
      expect(signedIn.body.settings).toEqual({
        suspendAfterDays: 45,
        expiringSoonDays: 21,
        noActivityDays: 60,
      });
    } finally {
      await custom.close();
    }
  });

  it('refuses a wrong password without saying which part was wrong', async () => {
    const wrong = await server.request<{ error: { message: string } }>('POST', '/api/v1/auth/sign-in', {
      body: { email: partner.adminEmail, password: 'not the password' },
    });
    const nobody = await server.request<{ error: { message: string } }>('POST', '/api/v1/auth/sign-in', {
      body: { email: 'nobody@nowhere.test', password: 'not the password' },
    });
    expect(wrong.status).toBe(401);
    expect(nobody.status).toBe(401);
    expect(wrong.body.error.message).toBe(nobody.body.error.message);
  });

  it('needs the CSRF token for writes made with the session cookie', async () => {
    const session = await server.signIn(partner.adminEmail, partner.password);
    const without = await server.request<{ error: { code: string } }>('POST', '/api/v1/tokens', {
      body: { name: 'x', scopes: ['read'] },
      headers: { cookie: session.cookie },
    });
    expect(without.status).toBe(403);
    expect(without.body.error.code).toBe('csrf_failed');
    expect(
      (await server.request('POST', '/api/v1/tokens', { session, body: { name: 'x', scopes: ['read'] } }))
        .status,
    ).toBe(201);
  });

  it('ends the session at sign-out, and every session at sign-out everywhere', async () => {
    const one = await server.signIn(partner.adminEmail, partner.password);
    const two = await server.signIn(partner.adminEmail, partner.password);
    expect((await server.request('POST', '/api/v1/auth/sign-out', { session: one })).status).toBe(204);
    expect((await server.request('GET', '/api/v1/me', { session: one })).status).toBe(401);
    expect((await server.request('GET', '/api/v1/me', { session: two })).status).toBe(200);
    const three = await server.signIn(partner.adminEmail, partner.password);
    expect(
      (await server.request('POST', '/api/v1/auth/sign-out-everywhere', { session: three })).status,
    ).toBe(204);
    expect((await server.request('GET', '/api/v1/me', { session: two })).status).toBe(401);
  });

  it('ends a session that has been idle too long', async () => {
    const session = await server.signIn(partner.adminEmail, partner.password);
    await server.database.db
      .updateTable('sessions')
      .set({ last_seen_at: new Date(Date.now() - 9 * 3_600_000).toISOString() })
      .where('user_id', 'is not', null)
      .execute();
    expect((await server.request('GET', '/api/v1/me', { session })).status).toBe(401);
  });

  it('slows down repeated wrong passwords for an account with 429 and Retry-After', async () => {
    const victim = await partner.addUser('partner_readonly_admin');
    const attempt = () =>
      server.request('POST', '/api/v1/auth/sign-in', {
        body: { email: victim.email, password: 'guessing-wrong' },
      });
    for (let i = 0; i < 5; i++) expect((await attempt()).status).toBe(401);
    const blocked = await attempt();
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Even the right password waits until the window has passed.
    const right = await server.request('POST', '/api/v1/auth/sign-in', {
      body: { email: victim.email, password: victim.password },
    });
    expect(right.status).toBe(429);
  });

  it('refuses a revoked token', async () => {
    const session = await server.signIn(partner.adminEmail, partner.password);
    const created = await server.request<{ id: string; token: string }>('POST', '/api/v1/tokens', {
      session,
      body: { name: 'temp', scopes: ['read'] },
    });
    expect((await server.request('GET', '/api/v1/kpis', { token: created.body.token })).status).toBe(200);
    expect((await server.request('DELETE', `/api/v1/tokens/${created.body.id}`, { session })).status).toBe(
      204,
    );
    expect((await server.request('GET', '/api/v1/kpis', { token: created.body.token })).status).toBe(401);
  });

  it('answers health once the database is migrated, and serves the OpenAPI document', async () => {
    const health = await server.request<{ status: string }>('GET', '/healthz');
    expect(health.status).toBe(200);
    const openapi = await server.request<{ openapi: string; paths: Record<string, unknown> }>(
      'GET',
      '/api/v1/openapi.json',
    );
    expect(openapi.body.openapi).toMatch(/^3\./);
    expect(Object.keys(openapi.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/customers', '/api/v1/kpis', '/api/v1/import']),
    );
  });
});
