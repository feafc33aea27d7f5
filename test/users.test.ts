import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from './support/databases';
import {
  startTestServer,
  testPassword,
  type Session,
  type TestPartner,
  type TestServer,
} from './support/server';
import { combine, customerWith } from './support/documents';

type User = {
  id: string;
  email: string;
  name: string;
  role: string;
  active: boolean;
  customerCount: number;
  lastSignInAt: string | null;
};
type ErrorAnswer = {
  error: { code: string; message: string; details?: { path: string; message: string }[] };
};
type PartnerAdmins = {
  items: { userId: string; role: string; source: string | null; allCustomers: boolean }[];
};

describe.each(databaseTargets)('users, administrators and assignments (%s database)', (target) => {
  let server: TestServer;
  let partner: TestPartner;
  let other: TestPartner;
  let full: Session;
  let fullUserId: string;
  let sales: { userId: string; email: string; password: string };
  let readonly: { userId: string; email: string; password: string };
  const customerIds: string[] = [];
  let otherCustomerId: string;

  const assignments = (userId: string) =>
    server.database.db
      .selectFrom('customer_assignments')
      .select(['customer_id', 'source'])
      .where('user_id', '=', userId)
      .execute();

  beforeAll(async () => {
    server = await startTestServer(target);
    partner = await server.partner('Users Partner');
    other = await server.partner('Other Partner');
    expect(
      (
        await server.request('POST', '/api/v1/import', {
          token: partner.token,
          body: combine(
            customerWith({ name: 'Alpha AB' }),
            customerWith({ name: 'Bravo AB' }),
            customerWith({ name: 'Charlie AB' }),
          ),
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await server.request('POST', '/api/v1/import', {
          token: other.token,
          body: combine(customerWith({ name: 'Elsewhere AB' })),
        })
      ).status,
    ).toBe(200);
    const rows = await server.database.db
      .selectFrom('organizations')
      .select(['id', 'partner_id', 'name'])
      .where('kind', '=', 'customer')
      .orderBy('name')
      .execute();
    customerIds.push(...rows.filter((r) => r.partner_id === partner.partnerId).map((r) => r.id));
    otherCustomerId = rows.find((r) => r.partner_id === other.partnerId)?.id as string;
    sales = await partner.addUser('partner_admin');
    readonly = await partner.addUser('partner_readonly_admin');
    full = await server.signIn(partner.adminEmail, partner.password);
    fullUserId = (await server.request<{ user: { id: string } }>('GET', '/api/v1/me', { session: full })).body
      .user.id;
  });
  afterAll(() => server?.close());

  it('lets only full administrators manage users', async () => {
    const salesSession = await server.signIn(sales.email, sales.password);
    const readonlySession = await server.signIn(readonly.email, readonly.password);
    for (const credentials of [
      { session: salesSession },
      { session: readonlySession },
      { token: partner.token },
    ]) {
      expect((await server.request('GET', '/api/v1/users', credentials)).status).toBe(403);
      expect(
        (
          await server.request('POST', '/api/v1/users', {
            ...credentials,
            body: { email: 'x@y.example', name: 'X', role: 'partner_admin', password: testPassword },
          })
        ).status,
      ).toBe(403);
      expect(
        (
          await server.request('PATCH', `/api/v1/users/${sales.userId}`, {
            ...credentials,
            body: { active: false },
          })
        ).status,
      ).toBe(403);
      expect(
        (
          await server.request('POST', '/api/v1/assignments', {
            ...credentials,
            body: { action: 'assign', userIds: [sales.userId], customerIds },
          })
        ).status,
      ).toBe(403);
    }
    const list = await server.request<{ items: User[]; total: number }>('GET', '/api/v1/users', {
      session: full,
    });
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(3);
    expect(list.body.items.map((u) => u.role).sort()).toEqual([
      'partner_admin',
      'partner_full_admin',
      'partner_readonly_admin',
    ]);
  });

  it('adds a user with the password rules and a unique sign-in e-mail', async () => {
    const weak = await server.request<ErrorAnswer>('POST', '/api/v1/users', {
      session: full,
      body: { email: 'new@users.example', name: 'New', role: 'partner_admin', password: 'short' },
    });
    expect(weak.status).toBe(422);
    expect(weak.body.error.details?.[0]?.path).toBe('password');
    const created = await server.request<User>('POST', '/api/v1/users', {
      session: full,
      body: { email: 'New@Users.example', name: 'New Person', role: 'partner_admin', password: testPassword },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({
      email: 'new@users.example',
      name: 'New Person',
      role: 'partner_admin',
      active: true,
      customerCount: 0,
      lastSignInAt: null,
    });
    expect(
      (
        await server.request('POST', '/api/v1/users', {
          session: full,
          body: { email: 'new@users.example', name: 'Again', role: 'partner_admin', password: testPassword },
        })
      ).status,
    ).toBe(409);
    // Another partner's administrator signs in with that e-mail already.
    const taken = await server.request('POST', '/api/v1/users', {
      session: full,
      body: { email: other.adminEmail, name: 'Copy', role: 'partner_admin', password: testPassword },
    });
    expect(taken.status).toBe(409);
    await server.signIn('new@users.example', testPassword);
  });

  it('changes roles, and deactivating a user ends their sessions', async () => {
    const person = await partner.addUser('partner_admin');
    const session = await server.signIn(person.email, person.password);
    const promoted = await server.request<User>('PATCH', `/api/v1/users/${person.userId}`, {
      session: full,
      body: { role: 'partner_readonly_admin', name: 'Renamed' },
    });
    expect(promoted.status, promoted.text).toBe(200);
    expect(promoted.body).toMatchObject({ role: 'partner_readonly_admin', name: 'Renamed', active: true });
    // The new role counts at once: a read-only administrator starts no trials.
    expect(
      (
        await server.request('POST', '/api/v1/trials', {
          session,
          body: {
            companyName: 'X',
            adminEmail: 'a@b.example',
            country: 'SE',
            products: [{ product: 'meetings', licenses: 1 }],
            durationDays: 30,
          },
        })
      ).status,
    ).toBe(403);

    const deactivated = await server.request<User>('PATCH', `/api/v1/users/${person.userId}`, {
      session: full,
      body: { active: false },
    });
    expect(deactivated.body.active).toBe(false);
    expect((await server.request('GET', '/api/v1/me', { session })).status).toBe(401);
    const signIn = await server.request<ErrorAnswer>('POST', '/api/v1/auth/sign-in', {
      body: { email: person.email, password: person.password },
    });
    expect(signIn.status).toBe(401);
    expect(
      (
        await server.request('PATCH', `/api/v1/users/${person.userId}`, {
          session: full,
          body: { active: true },
        })
      ).status,
    ).toBe(200);
    await server.signIn(person.email, person.password);

    expect(
      (
        await server.request('PATCH', `/api/v1/users/${other.partnerId}`, {
          session: full,
          body: { active: false },
        })
      ).status,
    ).toBe(404);
    expect(
      (await server.request('PATCH', '/api/v1/users/not-a-user', { session: full, body: { active: false } }))
        .status,
    ).toBe(404);
    expect(
      (await server.request('PATCH', `/api/v1/users/${person.userId}`, { session: full, body: {} })).status,
    ).toBe(400);
  });

  it('keeps the last active full administrator', async () => {
    const demote = await server.request<ErrorAnswer>('PATCH', `/api/v1/users/${fullUserId}`, {
      session: full,
      body: { role: 'partner_admin' },
    });
    expect(demote.status).toBe(409);
    expect(demote.body.error.message).toMatch(/last active full administrator/);
    expect(
      (
        await server.request('PATCH', `/api/v1/users/${fullUserId}`, {
          session: full,
          body: { active: false },
        })
      ).status,
    ).toBe(409);

    const second = await server.request<User>('POST', '/api/v1/users', {
      session: full,
      body: {
        email: 'second-full@users.example',
        name: 'Second',
        role: 'partner_full_admin',
        password: testPassword,
      },
    });
    expect(
      (
        await server.request('PATCH', `/api/v1/users/${fullUserId}`, {
          session: full,
          body: { role: 'partner_readonly_admin' },
        })
      ).status,
    ).toBe(200);
    // Now the second one is the last.
    full = await server.signIn('second-full@users.example', testPassword);
    expect(
      (
        await server.request('PATCH', `/api/v1/users/${second.body.id}`, {
          session: full,
          body: { active: false },
        })
      ).status,
    ).toBe(409);
    expect(
      (
        await server.request('PATCH', `/api/v1/users/${fullUserId}`, {
          session: full,
          body: { role: 'partner_full_admin' },
        })
      ).status,
    ).toBe(200);
    full = await server.signIn(partner.adminEmail, partner.password);
  });

  it('assigns only partner administrators, naming anyone refused, all or nothing', async () => {
    const assigned = await server.request<{ changed: number }>('POST', '/api/v1/assignments', {
      session: full,
      body: { action: 'assign', userIds: [sales.userId], customerIds: customerIds.slice(0, 2) },
    });
    expect(assigned.status, assigned.text).toBe(200);
    expect(assigned.body.changed).toBe(2);
    expect(
      (
        await server.request<{ changed: number }>('POST', '/api/v1/assignments', {
          session: full,
          body: { action: 'assign', userIds: [sales.userId], customerIds: customerIds.slice(0, 2) },
        })
      ).body.changed,
    ).toBe(0);

    for (const [userId, role] of [
      [fullUserId, 'full administrator'],
      [readonly.userId, 'read-only administrator'],
    ] as const) {
      const refused = await server.request<ErrorAnswer>('POST', '/api/v1/assignments', {
        session: full,
        body: { action: 'assign', userIds: [sales.userId, userId], customerIds: [customerIds[2]] },
      });
      expect(refused.status).toBe(422);
      expect(refused.body.error.message).toContain(role);
      expect(refused.body.error.message).toContain('only partner administrators can be assigned');
      expect(refused.body.error.details).toEqual([expect.objectContaining({ path: 'userIds[1]' })]);
    }
    const foreign = await server.request<ErrorAnswer>('POST', '/api/v1/assignments', {
      session: full,
      body: { action: 'assign', userIds: [sales.userId], customerIds: [customerIds[2], otherCustomerId] },
    });
    expect(foreign.status).toBe(422);
    expect(foreign.body.error.details).toEqual([expect.objectContaining({ path: 'customerIds[1]' })]);
    expect((await assignments(sales.userId)).length).toBe(2);

    const administrators = await server.request<{ allCustomers: User[]; partnerAdmins: User[] }>(
      'GET',
      '/api/v1/administrators',
      { session: full },
    );
    expect(administrators.body.allCustomers.map((u) => u.role).sort()).toEqual([
      'partner_full_admin',
      'partner_full_admin',
      'partner_readonly_admin',
      'partner_readonly_admin',
    ]);
    expect(administrators.body.partnerAdmins.find((u) => u.id === sales.userId)?.customerCount).toBe(2);
    expect(administrators.body.allCustomers.find((u) => u.id === fullUserId)?.customerCount).toBe(3);

    const unassigned = await server.request<{ changed: number }>('POST', '/api/v1/assignments', {
      session: full,
      body: { action: 'unassign', userIds: [sales.userId], customerIds },
    });
    expect(unassigned.body.changed).toBe(2);
    expect(await assignments(sales.userId)).toEqual([]);
  });

  it("manages a customer's partner administrators, and launches its console with the caller's rights", async () => {
    const customerId = customerIds[0] as string;
    const path = `/api/v1/customers/${customerId}/partner-admins`;
    const refused = await server.request<ErrorAnswer>('POST', path, {
      session: full,
      body: { userId: readonly.userId },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.message).toContain(readonly.email);
    const added = await server.request('POST', path, { session: full, body: { userId: sales.userId } });
    expect(added.status, added.text).toBe(201);
    const listed = await server.request<PartnerAdmins>('GET', path, { session: full });
    expect(listed.body.items.find((a) => a.userId === sales.userId)).toMatchObject({
      source: 'assigned',
      allCustomers: false,
    });
    expect(listed.body.items.find((a) => a.userId === readonly.userId)).toMatchObject({
      allCustomers: true,
      source: null,
    });

    const salesSession = await server.signIn(sales.email, sales.password);
    expect(
      (await server.request('POST', path, { session: salesSession, body: { userId: sales.userId } })).status,
    ).toBe(403);
    expect(
      await server
        .request('POST', `/api/v1/customers/${customerId}/launch`, { session: salesSession })
        .then((a) => a.body),
    ).toEqual({ url: `/console/${customerId}`, access: 'full' });
    expect(
      (await server.request('POST', `/api/v1/customers/${customerIds[1]}/launch`, { session: salesSession }))
        .status,
    ).toBe(404);
    const readonlySession = await server.signIn(readonly.email, readonly.password);
    expect(
      await server
        .request('POST', `/api/v1/customers/${customerId}/launch`, { session: readonlySession })
        .then((a) => a.body),
    ).toEqual({ url: `/console/${customerId}`, access: 'read-only' });
    expect(
      (await server.request('POST', `/api/v1/customers/${customerId}/launch`, { token: partner.token }))
        .status,
    ).toBe(403);
    expect(
      (await server.request('POST', `/api/v1/customers/${otherCustomerId}/launch`, { session: full })).status,
    ).toBe(404);

    expect((await server.request('DELETE', `${path}/${fullUserId}`, { session: full })).status).toBe(409);
    expect((await server.request('DELETE', `${path}/${sales.userId}`, { session: full })).status).toBe(204);
    expect((await server.request('DELETE', `${path}/${sales.userId}`, { session: full })).status).toBe(404);
    // Removing the assignment leaves the role.
    const users = await server.request<{ items: User[] }>('GET', '/api/v1/users', { session: full });
    expect(users.body.items.find((u) => u.id === sales.userId)?.role).toBe('partner_admin');
  });

  it('audits user changes, assignments and launches', async () => {
    const audit = await server.request<{ items: { action: string; objectType: string }[] }>(
      'GET',
      '/api/v1/audit?pageSize=1000',
      { session: full },
    );
    const actions = new Set(audit.body.items.map((e) => e.action));
    for (const action of [
      'user.create',
      'user.update',
      'user.deactivate',
      'user.reactivate',
      'assignment.add',
      'assignment.remove',
      'customer.launch',
    ]) {
      expect(actions, action).toContain(action);
    }
  });
});
