import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Access } from '../server/auth/caller';
import type { RouteEntry } from '../server/auth/routes';
import { databaseTargets } from './support/databases';
import { startTestServer, type Credentials, type TestPartner, type TestServer } from './support/server';
import { combine, customerWith } from './support/documents';

// Every API route, called as every kind of caller. The routes come from the server's own route table, so a new
// route is in the matrix the moment it exists; its access rule (mandatory: the server won't start without one)
// gives the expected answer.
type CallerKind =
  | 'nobody'
  | 'unknown token'
  | 'other partner: token'
  | 'other partner: full admin'
  | 'full admin'
  | 'partner admin, assigned'
  | 'partner admin, not assigned'
  | 'read-only admin'
  | 'token: read'
  | 'token: ingest';

const callerKinds: CallerKind[] = [
  'nobody',
  'unknown token',
  'other partner: token',
  'other partner: full admin',
  'full admin',
  'partner admin, assigned',
  'partner admin, not assigned',
  'read-only admin',
  'token: read',
  'token: ingest',
];

/** Which access rules let a caller past authorization (its own partner's data only). */
const allowed: Record<CallerKind, Access[]> = {
  nobody: ['public'],
  'unknown token': [],
  'other partner: token': ['public', 'reader', 'ingest'],
  'other partner: full admin': ['public', 'user', 'reader', 'ingest', 'manager', 'fullAdmin'],
  'full admin': ['public', 'user', 'reader', 'ingest', 'manager', 'fullAdmin'],
  'partner admin, assigned': ['public', 'user', 'reader', 'manager'],
  'partner admin, not assigned': ['public', 'user', 'reader', 'manager'],
  'read-only admin': ['public', 'user', 'reader'],
  'token: read': ['public', 'reader'],
  'token: ingest': ['public', 'ingest'],
};

// Routes whose effect on the caller's own session would disturb the rest of the matrix get a session of their own.
const secretName = 'Zq Secret Customer AB';

describe.each(databaseTargets)('tenant isolation for every route (%s database)', (target) => {
  let server: TestServer;
  let partner: TestPartner;
  let other: TestPartner;
  let routes: RouteEntry[];
  let customerId: string;
  let subscriptionId: string;
  const users: Record<string, { email: string; password: string }> = {};

  beforeAll(async () => {
    server = await startTestServer(target);
    partner = await server.partner('Partner A');
    other = await server.partner('Partner B');
    const document = combine(
      customerWith({ name: secretName, subscriptions: [{ kind: 'trial', termMonths: 0 }] }),
    );
    document.orders.push({
      number: 'CCW-SECRET',
      type: 'new',
      subscriptionId: 'Sub-secret-order',
      customerName: 'Zq Secret Prospect Oy',
      contactEmail: 'secret@prospect.fi',
      requestedStartDate: '2026-04-01',
      termMonths: 12,
      autoRenew: true,
      lines: [{ product: 'calling', sku: 'C', quantity: 3 }],
    });
    expect(
      (await server.request('POST', '/api/v1/import', { token: partner.token, body: document })).status,
    ).toBe(200);
    const row = await server.database.db
      .selectFrom('organizations')
      .select('id')
      .where('partner_id', '=', partner.partnerId)
      .where('kind', '=', 'customer')
      .executeTakeFirstOrThrow();
    customerId = row.id;
    subscriptionId = document.subscriptions[0]?.id as string;
    const assigned = await partner.addUser('partner_admin');
    await server.database.db
      .insertInto('customer_assignments')
      .values({
        partner_id: partner.partnerId,
        user_id: assigned.userId,
        customer_id: customerId,
        source: 'assigned',
      })
      .execute();
    users['partner admin, assigned'] = assigned;
    users['partner admin, not assigned'] = await partner.addUser('partner_admin');
    users['read-only admin'] = await partner.addUser('partner_readonly_admin');
    users['full admin'] = { email: partner.adminEmail, password: partner.password };
    users['other partner: full admin'] = { email: other.adminEmail, password: other.password };
    routes = server.app.routeTable;
  });
  afterAll(() => server?.close());

  async function credentialsFor(kind: CallerKind): Promise<Credentials> {
    if (kind === 'nobody') return {};
    if (kind === 'unknown token') return { token: 'ph_unknown-token-0000000000000000000000000000' };
    if (kind === 'other partner: token') return { token: other.token };
    if (kind === 'token: read') return { token: await partner.tokenWith(['read']) };
    if (kind === 'token: ingest') return { token: await partner.tokenWith(['ingest']) };
    const user = users[kind];
    if (!user) throw new Error(`no user for ${kind}`);
    return { session: await server.signIn(user.email, user.password) };
  }

  /** A concrete path: customer parameters name partner A's customer, others its subscription or order. */
  function concretePath(url: string): string {
    return url
      .replace(/:(id|customerId)\b/g, (_m, name: string) =>
        url.includes('/tokens/') || url.includes('/users/')
          ? '00000000-0000-4000-8000-000000000000'
          : name === 'id' && url.includes('/trials/')
            ? subscriptionId
            : customerId,
      )
      .replace(/:subscriptionId\b/g, subscriptionId)
      .replace(/:number\b/g, 'CCW-SECRET')
      .replace(/:section\b/g, 'overage')
      .replace(/:token\b/g, 'not-a-real-invitation')
      .replace(/:userId\b/g, '00000000-0000-4000-8000-000000000000')
      .replace(/:email\b/g, 'nobody@example.com')
      .replace(/:[A-Za-z]+/g, 'x');
  }

  it('has an expectation for every route and every caller, and every cell holds', async () => {
    const failures: string[] = [];
    let cells = 0;
    for (const route of routes) {
      for (const kind of callerKinds) {
        cells++;
        const credentials = await credentialsFor(kind);
        const path = concretePath(route.url);
        const answer = await server.request(route.method, path, {
          ...credentials,
          body: ['POST', 'PUT', 'PATCH'].includes(route.method) ? {} : undefined,
        });
        const where = `${route.method} ${route.url} as ${kind} → ${answer.status}`;
        if (answer.status >= 500) failures.push(`${where}: a server error`);
        const mayPass = allowed[kind].includes(route.access);
        if (!mayPass && ![401, 403].includes(answer.status))
          failures.push(`${where}: expected 401 or 403 (${route.access})`);
        if (mayPass && [401, 403].includes(answer.status) && route.access !== 'public') {
          failures.push(
            `${where}: expected to pass authorization (${route.access}): ${answer.text.slice(0, 200)}`,
          );
        }
        if (kind === 'nobody' && route.access !== 'public' && answer.status !== 401)
          failures.push(`${where}: expected 401`);
        // Nobody outside partner A's scope ever sees its customer's name or id.
        const outsider =
          kind.startsWith('other partner') ||
          kind === 'partner admin, not assigned' ||
          kind === 'nobody' ||
          kind === 'unknown token';
        // (A 404 may repeat the id the caller sent; it must not confirm anything about it.)
        if (
          outsider &&
          (answer.text.includes(secretName) || (answer.status < 400 && answer.text.includes(customerId)))
        ) {
          failures.push(`${where}: leaked partner A's customer`);
        }
        if (
          kind === 'partner admin, not assigned' &&
          path.includes(customerId) &&
          answer.status < 300 &&
          !route.url.includes('launch')
        ) {
          failures.push(`${where}: a customer outside the scope must answer 404`);
        }
      }
    }
    console.log(
      `Isolation matrix: ${routes.length} routes × ${callerKinds.length} callers = ${cells} cells, ${failures.length} failing.`,
    );
    expect(failures).toEqual([]);
    expect(routes.length).toBeGreaterThan(10);
  });
});
