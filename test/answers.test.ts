import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { PartnerCaller } from '../server/auth/caller';
import { createAnswerMemo } from '../server/http/answers';
import { foldUsage } from '../server/ingest/usage-log';
import { databaseTargets } from './support/databases';
import { combine, customerWith } from './support/documents';
import { startTestServer, type Session, type TestPartner, type TestServer } from './support/server';

// Read answers are kept per facts and people version (server/http/answers.ts). These tests count when an answer
// is computed, and read through the API as a partner administrator while others change what they may see.

type List = { items: { id: string | null; name: string; managedBy: string[] }[]; total: number };
const answerSchema = z.object({ computed: z.number() });

describe.each(databaseTargets)('answers kept per facts and people version (%s database)', (target) => {
  let server: TestServer;
  let partner: TestPartner;
  let sales: { userId: string; email: string; password: string };
  let salesSession: Session;
  const settleUsage = async (partnerId: string) => void (await foldUsage(server.database.db, partnerId));
  let fullSession: Session;
  let ids: Record<string, string>;
  let assignedCustomer: ReturnType<typeof customerWith>;
  let laterCustomer: ReturnType<typeof customerWith>;

  const tokenCaller = (partnerId: string): PartnerCaller => ({
    kind: 'token',
    partnerId,
    tokenId: 'test',
    name: 'test',
    scopes: ['read'],
    usageWaiting: false,
  });
  const request = (url: string, headers: Record<string, string> = {}) =>
    ({ method: 'GET', url, headers }) as unknown as FastifyRequest;
  const counter = () => {
    let computed = 0;
    return { compute: async () => ({ computed: ++computed }), computed: () => computed };
  };
  const ok = async <T>(method: string, path: string, options: Parameters<TestServer['request']>[2]) => {
    const answer = await server.request<T>(method, path, options);
    expect(answer.status, answer.text).toBeLessThan(300);
    return answer.body;
  };

  beforeAll(async () => {
    server = await startTestServer(target);
    partner = await server.partner();
    assignedCustomer = customerWith({ name: 'Assigned Ab' });
    laterCustomer = customerWith({ name: 'Later Ab' });
    const document = combine(assignedCustomer, laterCustomer);
    await ok('POST', '/api/v1/import', { token: partner.token, body: document });
    const rows = (await ok<List>('GET', '/api/v1/customers', { token: partner.token })).items;
    ids = Object.fromEntries(rows.map((row) => [row.name, row.id as string]));
    sales = await partner.addUser('partner_admin');
    await ok('POST', `/api/v1/customers/${ids['Assigned Ab']}/partner-admins`, {
      session: (fullSession = await server.signIn(partner.adminEmail, partner.password)),
      body: { userId: sales.userId },
    });
    salesSession = await server.signIn(sales.email, sales.password);
  });
  afterAll(() => server?.close());

  it('computes an answer once and answers the same request with the same text until something changes', async () => {
    const memo = createAnswerMemo({ db: server.database.db, settleUsage });
    const { compute, computed } = counter();
    const caller = tokenCaller(partner.partnerId);
    const first = await memo.json({ request: request('/a'), caller, schema: answerSchema, compute });
    expect(await memo.json({ request: request('/a'), caller, schema: answerSchema, compute })).toBe(first);
    expect(computed()).toBe(1);
    await Promise.all(
      [1, 2, 3].map(() => memo.json({ request: request('/b'), caller, schema: answerSchema, compute })),
    );
    expect(computed(), 'simultaneous identical requests share one computation').toBe(2);
    expect(
      await memo.json({
        request: request('/a', { 'cache-control': 'no-cache' }),
        caller,
        schema: answerSchema,
        compute,
      }),
    ).toBe('{"computed":3}');
    expect(
      await memo.json({ request: request('/a'), caller, schema: answerSchema, compute }),
      'the fresh answer is the one kept',
    ).toBe('{"computed":3}');
  });

  it('computes again after any change to the facts or the people of the partner, and only of that partner', async () => {
    const memo = createAnswerMemo({ db: server.database.db, settleUsage });
    const { compute, computed } = counter();
    const other = await server.partner('Other Partner AB');
    const read = (partnerId: string) =>
      memo.json({ request: request('/list'), caller: tokenCaller(partnerId), schema: answerSchema, compute });
    await read(partner.partnerId);
    await read(other.partnerId);
    expect(computed()).toBe(2);

    await ok('POST', '/api/v1/sign-ins', {
      token: partner.token,
      body: {
        signIns: [
          { customerId: assignedCustomer.id, email: 'admin@example.test', at: new Date().toISOString() },
        ],
      },
    });
    await read(partner.partnerId);
    await read(other.partnerId);
    expect(computed(), 'a sign-in is a fact of this partner only').toBe(3);

    await partner.addUser('partner_readonly_admin');
    await read(partner.partnerId);
    expect(computed(), 'a new user is a change of people').toBe(4);
    await read(partner.partnerId);
    expect(computed()).toBe(4);
  });

  it('keeps answers apart per caller: another user, role or partner never gets them', async () => {
    const memo = createAnswerMemo({ db: server.database.db, settleUsage });
    const { compute, computed } = counter();
    const user = (role: 'partner_admin' | 'partner_full_admin', userId: string): PartnerCaller => ({
      kind: 'user',
      partnerId: partner.partnerId,
      userId,
      orgId: partner.partnerId,
      email: `${userId}@example.test`,
      name: userId,
      role,
      session: { idHash: userId, csrfToken: userId },
      usageWaiting: false,
    });
    for (const caller of [
      user('partner_admin', 'u1'),
      user('partner_full_admin', 'u1'),
      user('partner_admin', 'u2'),
      tokenCaller(partner.partnerId),
    ]) {
      await memo.json({ request: request('/same'), caller, schema: answerSchema, compute });
    }
    expect(computed()).toBe(4);
  });

  it('forgets the least recently used answers beyond its size', async () => {
    // About 1 100 characters an answer with its key: two fit, three don't.
    const memo = createAnswerMemo({ db: server.database.db, settleUsage, maxChars: 2500 });
    let computed = 0;
    const compute = async () => ({ computed: ++computed, padding: 'x'.repeat(1000) });
    const schema = answerSchema.extend({ padding: z.string() });
    const caller = tokenCaller(partner.partnerId);
    const read = (url: string) => memo.json({ request: request(url), caller, schema, compute });
    await read('/1');
    await read('/2');
    await read('/1');
    await read('/3'); // forgets /2, the least recently used
    expect(computed).toBe(3);
    await read('/1');
    expect(computed).toBe(3);
    await read('/2');
    expect(computed).toBe(4);
  });

  it('shows a partner administrator a newly assigned customer at once, in the list, the KPIs and the detail, and stops when it is removed', async () => {
    const names = async () =>
      (await ok<List>('GET', '/api/v1/customers', { session: salesSession })).items.map((item) => item.name);
    const total = async () =>
      (await ok<{ totalCustomers: number }>('GET', '/api/v1/kpis', { session: salesSession })).totalCustomers;
    const detail = async () =>
      (await server.request('GET', `/api/v1/customers/${ids['Later Ab']}`, { session: salesSession })).status;
    expect([await names(), await total(), await detail()]).toEqual([['Assigned Ab'], 1, 404]);

    await ok('POST', `/api/v1/customers/${ids['Later Ab']}/partner-admins`, {
      session: fullSession,
      body: { userId: sales.userId },
    });
    expect([await names(), await total(), await detail()]).toEqual([['Assigned Ab', 'Later Ab'], 2, 200]);

    await ok('DELETE', `/api/v1/customers/${ids['Later Ab']}/partner-admins/${sales.userId}`, {
      session: fullSession,
    });
    expect([await names(), await total(), await detail()]).toEqual([['Assigned Ab'], 1, 404]);
  });

  it("finds a customer by an administrator's e-mail as soon as the administrator is imported", async () => {
    const search = async () =>
      (
        await ok<List>('GET', '/api/v1/customers?q=nya.admin%40later.example', { token: partner.token })
      ).items.map((item) => item.name);
    expect(await search()).toEqual([]);
    const [later] = laterCustomer.document.customers;
    await ok('POST', '/api/v1/import', {
      token: partner.token,
      body: { customers: [{ ...later, admins: [{ email: 'nya.admin@later.example', name: 'Nya Admin' }] }] },
    });
    expect(await search()).toEqual(['Later Ab']);
  });
});
