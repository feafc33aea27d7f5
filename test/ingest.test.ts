import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from './support/databases';
import { startTestServer, type TestPartner, type TestServer } from './support/server';
import { combine, customerWith, daysFromAsOf } from './support/documents';
import { upsertUsage } from '../server/ingest/queries';
import { foldUsage } from '../server/ingest/usage-log';

type ErrorAnswer = { error: { code: string; message: string; details: { path: string; message: string }[] } };

const dataTables = [
  'organizations',
  'users',
  'subscriptions',
  'subscription_lines',
  'orders',
  'invoices',
  'license_usage_months',
  'admin_sign_ins',
] as const;

describe.each(databaseTargets)('importing data (%s database)', (target) => {
  let server: TestServer;
  let partner: TestPartner;

  /** Every stored data row of the partner, to compare before and after. */
  const snapshot = async () => {
    const tables: Record<string, unknown[]> = {};
    for (const table of dataTables) {
      const { rows } =
        await sql`select * from ${sql.table(table)} where partner_id = ${partner.partnerId} order by 1, 2, 3`.execute(
          server.database.db,
        );
      tables[table] = rows;
    }
    return tables;
  };
  const post = <T = unknown>(path: string, body: unknown) =>
    server.request<T>('POST', path, { token: partner.token, body });

  beforeAll(async () => {
    server = await startTestServer(target, { MAX_BODY_MB: 1 });
    partner = await server.partner();
  });
  afterAll(() => server?.close());

  const document = combine(
    customerWith({
      name: 'Idem AB',
      tags: ['a', 'b'],
      usage: [{ date: daysFromAsOf(-3), assigned: 5 }],
      invoices: [{ dueDate: daysFromAsOf(-3), paidAt: null }],
    }),
    customerWith({ name: 'Potent Oy', signIns: ['2026-03-01T10:00:00Z', '2026-03-01T11:00:00+01:00'] }),
  );

  it('stores a document and answers the counts it received', async () => {
    const answer = await post('/api/v1/import', document);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body).toEqual({
      customers: 2,
      subscriptions: 2,
      usage: 1,
      signIns: 3,
      invoices: 1,
      orders: 0,
    });
  });

  it('changes nothing when the same document arrives again', async () => {
    const before = await snapshot();
    expect((await post('/api/v1/import', document)).status).toBe(200);
    expect(await snapshot()).toEqual(before);
    // Two spellings of one instant are one sign-in.
    expect(before.admin_sign_ins).toHaveLength(2);
  });

  it('rejects a batch with one malformed record whole, naming the record', async () => {
    const before = await snapshot();
    const bad = combine(customerWith({ name: 'Never Stored AB' }));
    bad.usage = [0, 1, 2, 3].map((i) => ({
      subscriptionId: bad.subscriptions[0]?.id as string,
      product: 'meetings' as const,
      date: i === 3 ? '2026-02-30' : '2026-02-0' + (i + 1),
      assigned: 1,
      used: 1,
      used90d: 1,
    }));
    const answer = await post<ErrorAnswer>('/api/v1/import', bad);
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('invalid_request');
    expect(answer.body.error.details).toContainEqual({
      path: 'usage[3].date',
      message: 'is not a real calendar date',
    });
    expect(await snapshot()).toEqual(before);
  });

  it('rejects a reference to a customer or subscription that is neither in the batch nor stored', async () => {
    const before = await snapshot();
    const bad = combine(customerWith({ name: 'Dangling AB' }));
    bad.subscriptions.push({
      ...(bad.subscriptions[0] as (typeof bad.subscriptions)[number]),
      id: 'Sub-dangling',
      customerId: 'cust-nowhere',
    });
    bad.usage.push({
      subscriptionId: 'Sub-nowhere',
      product: 'calling',
      date: daysFromAsOf(-1),
      assigned: 1,
      used: 0,
      used90d: 0,
    });
    const answer = await post<ErrorAnswer>('/api/v1/import', bad);
    expect(answer.status).toBe(422);
    expect(answer.body.error.details.map((d) => d.path)).toEqual([
      'subscriptions[1].customerId',
      'usage[0].subscriptionId',
    ]);
    expect(answer.body.error.message).toContain('cust-nowhere');
    expect(await snapshot()).toEqual(before);
  });

  it("does not let one partner refer to another partner's records", async () => {
    const other = await server.partner('Elsewhere');
    const answer = await server.request<ErrorAnswer>('POST', '/api/v1/usage', {
      token: other.token,
      body: {
        usage: [
          {
            subscriptionId: document.subscriptions[0]?.id,
            product: 'meetings',
            date: daysFromAsOf(-1),
            assigned: 1,
            used: 1,
            used90d: 1,
          },
        ],
      },
    });
    expect(answer.status).toBe(422);
    expect(answer.body.error.details[0]?.path).toBe('usage[0].subscriptionId');
  });

  it('checks dates, counts, products and statuses', async () => {
    const base = combine(customerWith({}));
    const cases: [string, (doc: typeof base) => void][] = [
      [
        'subscriptions[0].endDate',
        (doc) =>
          Object.assign(doc.subscriptions[0] as object, { startDate: '2026-05-01', endDate: '2026-04-30' }),
      ],
      [
        'subscriptions[0].lines[0].quantity',
        (doc) => Object.assign(doc.subscriptions[0]?.lines[0] as object, { quantity: -1 }),
      ],
      [
        'subscriptions[0].lines[0].product',
        (doc) => Object.assign(doc.subscriptions[0]?.lines[0] as object, { product: 'fax' }),
      ],
      [
        'subscriptions[0].status',
        (doc) => Object.assign(doc.subscriptions[0] as object, { status: 'paused' }),
      ],
      ['customers[0].name', (doc) => Object.assign(doc.customers[0] as object, { name: 'x'.repeat(201) })],
      [
        'customers[0].tags',
        (doc) => Object.assign(doc.customers[0] as object, { tags: ['a', 'b', 'c', 'd', 'e', 'f'] }),
      ],
      ['signIns[0].at', (doc) => Object.assign(doc.signIns[0] as object, { at: '2026-03-01 10:00' })],
    ];
    for (const [path, spoil] of cases) {
      const doc = structuredClone(base);
      spoil(doc);
      const answer = await post<ErrorAnswer>('/api/v1/import', doc);
      expect(answer.status, path).toBe(400);
      expect(
        answer.body.error.details.map((d) => d.path),
        path,
      ).toContain(path);
    }
  });

  it('refuses a body over the size limit with 413 and a batch over 50 000 rows with 400', async () => {
    const huge = await server.request<ErrorAnswer>('POST', '/api/v1/usage', {
      token: partner.token,
      body: JSON.stringify({ usage: [], pad: 'x'.repeat(1_100_000) }),
    });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('payload_too_large');
  });

  it('applies an order once: new creates a pending subscription, modify, renewal and cancel change it', async () => {
    const order = {
      number: 'CCW-1',
      type: 'new',
      subscriptionId: 'Sub-ord',
      customerName: 'Order Oy',
      contactEmail: 'a@order.fi',
      requestedStartDate: '2026-04-01',
      termMonths: 12,
      autoRenew: true,
      lines: [{ product: 'calling', sku: 'C', quantity: 20 }],
    };
    expect((await post('/api/v1/orders', { orders: [order] })).status).toBe(200);
    const stored = () =>
      server.database.db
        .selectFrom('subscriptions')
        .selectAll()
        .where('partner_id', '=', partner.partnerId)
        .where('id', '=', 'Sub-ord')
        .executeTakeFirstOrThrow();
    expect(await stored()).toMatchObject({
      status: 'pending_setup',
      customer_id: null,
      start_date: '2026-04-01',
      end_date: '2027-03-31',
    });

    const renewal = { ...order, number: 'CCW-2', type: 'renewal' };
    const modify = {
      ...order,
      number: 'CCW-3',
      type: 'modify',
      lines: [{ product: 'calling', sku: 'C', quantity: 35 }],
    };
    for (let i = 0; i < 2; i++)
      expect((await post('/api/v1/orders', { orders: [renewal, modify] })).status).toBe(200);
    expect((await stored()).end_date).toBe('2028-03-31');
    const lines = await server.database.db
      .selectFrom('subscription_lines')
      .select(['product', 'quantity'])
      .where('partner_id', '=', partner.partnerId)
      .where('subscription_id', '=', 'Sub-ord')
      .execute();
    expect(lines).toEqual([{ product: 'calling', quantity: 35 }]);

    expect(
      (await post('/api/v1/orders', { orders: [{ ...order, number: 'CCW-4', type: 'cancel' }] })).status,
    ).toBe(200);
    expect((await stored()).status).toBe('cancelled');
  });

  it("keeps each day's usage as the latest batch sent it, whatever order the batches arrive in, one row per month", async () => {
    // An identifier with the characters PostgreSQL's array syntax quotes and escapes.
    const { subscriptionIds, document: usageDocument } = customerWith({
      name: 'Monthly Rows AB',
      subscriptions: [{ id: 'Sub "M", \\ {1}' }],
    });
    const subscriptionId = subscriptionIds[0] as string;
    expect((await post('/api/v1/import', usageDocument)).status).toBe(200);
    const row = (date: string, assigned: number) => ({
      subscriptionId,
      product: 'meetings',
      date,
      assigned,
      used: assigned - 1,
      used90d: assigned,
    });
    const sent = new Map<string, number>();
    const send = async (rows: ReturnType<typeof row>[]) => {
      expect((await post('/api/v1/usage', { usage: rows })).status).toBe(200);
      for (const r of rows) sent.set(r.date, r.assigned);
    };
    const monthRows = async () => {
      await foldUsage(server.database.db, partner.partnerId);
      return (
        await sql<{ month: string; dates: string[]; assigned: number[]; xmin: string }>`
          select month, dates, assigned, xmin::text from license_usage_months
          where partner_id = ${partner.partnerId} and subscription_id = ${subscriptionId} order by month`.execute(
          server.database.db,
        )
      ).rows;
    };

    await send(['2026-01-10', '2026-01-11', '2026-01-20'].map((date, i) => row(date, 10 + i)));
    await send([row('2026-02-03', 30), row('2026-01-31', 31)]); // a new month, and days after a month's last
    await send([row('2026-01-05', 5), row('2026-01-11', 99), row('2026-01-15', 15), row('2025-12-24', 24)]); // earlier, replaced, between
    const stored = await monthRows();
    expect(stored.map(({ month, dates, assigned }) => ({ month, dates, assigned }))).toEqual([
      { month: '2025-12-01', dates: ['2025-12-24'], assigned: [24] },
      {
        month: '2026-01-01',
        dates: ['2026-01-05', '2026-01-10', '2026-01-11', '2026-01-15', '2026-01-20', '2026-01-31'],
        assigned: [5, 10, 99, 15, 12, 31],
      },
      { month: '2026-02-01', dates: ['2026-02-03'], assigned: [30] },
    ]);

    // The same rows again write nothing.
    await send([row('2026-01-05', 5), row('2026-01-11', 99), row('2026-02-03', 30)]);
    expect(await monthRows()).toEqual(stored);

    // Two rows for one day in one call: the later one wins, and the day is stored once.
    await upsertUsage(server.database.db, partner.partnerId, [row('2026-02-10', 40), row('2026-02-10', 41)]);
    sent.set('2026-02-10', 41);
    expect((await monthRows()).at(-1)).toMatchObject({
      dates: ['2026-02-03', '2026-02-10'],
      assigned: [30, 41],
    });
    await send([row('2026-02-11', 50), row('2026-02-11', 51)]); // and so through the API (SPEC §11: the last record wins)
    expect((await monthRows()).at(-1)).toMatchObject({
      dates: ['2026-02-03', '2026-02-10', '2026-02-11'],
      assigned: [30, 41, 51],
    });

    // SPEC §2: a day's figure is the latest row on or before it, else 0.
    const days = Array.from({ length: 60 }, (_, i) =>
      new Date(Date.UTC(2025, 11, 15 + i)).toISOString().slice(0, 10),
    );
    const expected = days.map((day) => {
      const latest = [...sent.keys()]
        .filter((date) => date <= day)
        .sort()
        .at(-1);
      return latest ? sent.get(latest) : 0;
    });
    const { rows: actual } = await sql<{ assigned: number }>`
      select coalesce((select u.assigned from ph_usage_at(${partner.partnerId}, ${subscriptionId}, 'meetings', d::date) u), 0) as assigned
      from unnest(${days}::date[]) with ordinality as t(d, n) order by n`.execute(server.database.db);
    expect(actual.map((r) => r.assigned)).toEqual(expected);
  });

  it('records each import in the audit log with its counts', async () => {
    const events = await server.database.db
      .selectFrom('audit_events')
      .select(['action', 'after'])
      .where('partner_id', '=', partner.partnerId)
      .where('action', '=', 'import')
      .execute();
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events.map((event) => event.after)).toContainEqual(
      expect.objectContaining({ customers: 2, subscriptions: 2 }),
    );
  });
});
