import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from './support/databases';
import {
  startTestServer,
  testPassword,
  type Session,
  type TestPartner,
  type TestServer,
} from './support/server';
import { addDays, todayUtc } from '../server/dates';

type Event = {
  id: string;
  at: string;
  actor: string;
  actorType: string;
  action: string;
  objectType: string;
  objectId: string;
  before: unknown;
  after: unknown;
};
type Page = { items: Event[]; total: number };

describe.each(databaseTargets)('the audit log (%s database)', (target) => {
  let server: TestServer;
  let partner: TestPartner;
  let full: Session;
  let userId: string;
  const today = todayUtc();

  const audit = async (query = '') => {
    const answer = await server.request<Page>('GET', `/api/v1/audit${query}`, { session: full });
    expect(answer.status, answer.text).toBe(200);
    return answer.body;
  };

  beforeAll(async () => {
    server = await startTestServer(target);
    partner = await server.partner();
    full = await server.signIn(partner.adminEmail, partner.password);
    const created = await server.request<{ id: string }>('POST', '/api/v1/users', {
      session: full,
      body: {
        email: 'audited@audit.example',
        name: 'Audited',
        role: 'partner_admin',
        password: testPassword,
      },
    });
    userId = created.body.id;
    await server.request('PATCH', `/api/v1/users/${userId}`, {
      session: full,
      body: { name: 'Audited Again' },
    });
    await server.request('POST', '/api/v1/tokens', {
      session: full,
      body: { name: '=cmd', scopes: ['read'] },
    });
    await server.request('POST', '/api/v1/trials', {
      session: full,
      body: {
        companyName: 'Audit Trial AB',
        adminEmail: 'it@audit-trial.example',
        country: 'SE',
        products: [{ product: 'meetings', licenses: 5 }],
        durationDays: 60,
      },
    });
    const imported = await server.request('POST', '/api/v1/import', {
      token: partner.token,
      body: { customers: [{ id: 'audit-1', name: 'Imported AB', country: 'SE', createdAt: today }] },
    });
    expect(imported.status, imported.text).toBe(200);
    // Another partner's events are never shown.
    const other = await server.partner('Other');
    const otherSession = await server.signIn(other.adminEmail, other.password);
    await server.request('POST', '/api/v1/users', {
      session: otherSession,
      body: { email: 'other@audit.example', name: 'Other', role: 'partner_admin', password: testPassword },
    });
  });
  afterAll(() => server?.close());

  it('lists every change newest first, with actor, object and before/after values', async () => {
    const page = await audit('?pageSize=100');
    // The test partner's own token is created by the operator, right after the partner.
    expect(page.items.map((e) => e.action)).toEqual([
      'import',
      'trial.start',
      'customer.create',
      'token.create',
      'user.update',
      'user.create',
      'token.create',
      'partner.create',
    ]);
    expect(page.total).toBe(8);
    const update = page.items.find((e) => e.action === 'user.update');
    expect(update).toMatchObject({
      actor: partner.adminEmail,
      actorType: 'user',
      objectType: 'user',
      objectId: userId,
      before: { name: 'Audited' },
      after: { name: 'Audited Again' },
    });
    expect(page.items[0]).toMatchObject({ actor: 'token:test', actorType: 'token' });
    expect(page.items.some((e) => JSON.stringify(e).includes('other@audit.example'))).toBe(false);
  });

  it('filters by object, actor, action and dates, and pages with a total', async () => {
    expect((await audit('?objectType=user')).items.map((e) => e.action)).toEqual([
      'user.update',
      'user.create',
    ]);
    expect((await audit(`?objectType=user&objectId=${userId}&action=user.create`)).total).toBe(1);
    expect((await audit(`?actor=${encodeURIComponent(partner.adminEmail.toUpperCase())}`)).total).toBe(5);
    expect((await audit('?actor=token%3Atest')).items.map((e) => e.action)).toEqual(['import']);
    expect((await audit(`?from=${today}&to=${today}`)).total).toBe(8);
    expect((await audit(`?from=${addDays(today, 1)}`)).total).toBe(0);
    expect((await audit(`?to=${addDays(today, -1)}`)).total).toBe(0);
    const second = await audit('?pageSize=2&page=2');
    expect(second.items.map((e) => e.action)).toEqual(['customer.create', 'token.create']);
    expect(second.total).toBe(8);
    expect(await audit('?pageSize=2&page=99')).toEqual({ items: [], total: 8 });
    expect((await server.request('GET', '/api/v1/audit?from=2026-02-30', { session: full })).status).toBe(
      400,
    );
  });

  it('exports the filtered log as CSV with formulas defused', async () => {
    const csv = await server.request(
      'GET',
      `/api/v1/audit.csv?objectType=token&actor=${encodeURIComponent(partner.adminEmail)}`,
      { session: full },
    );
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="audit-.*\.csv"/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('id,at,actorType,actor,action,objectType,objectId,before,after');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('token.create');
    expect(lines[1]).toContain('""name"":""=cmd""');
  });

  it('is for full administrators only', async () => {
    for (const role of ['partner_admin', 'partner_readonly_admin'] as const) {
      const user = await partner.addUser(role);
      const session = await server.signIn(user.email, user.password);
      expect((await server.request('GET', '/api/v1/audit', { session })).status).toBe(403);
      expect((await server.request('GET', '/api/v1/audit.csv', { session })).status).toBe(403);
    }
    expect((await server.request('GET', '/api/v1/audit', { token: partner.token })).status).toBe(403);
  });
});
