import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendUsage, upsertUsage, type UsageInput } from '../server/ingest/queries';
import { createUsageLog, foldUsage } from '../server/ingest/usage-log';
import { databaseTargets } from './support/databases';
import { asOf, combine, customerWith, daysFromAsOf } from './support/documents';
import { startTestServer, type TestServer } from './support/server';

// Usage sent on its own is acknowledged once appended to the partner's usage log and folded afterwards
// (migration 008, server/ingest/usage-log.ts). These tests hold the fold to what storing each batch at once does.

type List = { items: { name: string; licenses: { assigned: number } }[] };

describe.each(databaseTargets)('the usage log (%s database)', (target) => {
  let server: TestServer;
  const db = () => server.database.db;
  const portfolio = combine(
    customerWith({
      name: 'Logg AB',
      subscriptions: [
        { id: 'Sub-L1' },
        { id: 'Sub-L2', lines: [{ product: 'calling', sku: 'C', quantity: 40 }] },
      ],
    }),
    customerWith({
      name: 'Vikt Oy',
      subscriptions: [{ id: 'Sub-L3', autoRenew: true, endDate: daysFromAsOf(20) }],
    }),
  );
  const row = (subscriptionId: string, product: string, days: number, assigned: number): UsageInput => ({
    subscriptionId,
    product,
    date: daysFromAsOf(days),
    assigned,
    used: Math.floor(assigned / 2),
    used90d: assigned,
  });
  const batches: UsageInput[][] = [
    [
      row('Sub-L1', 'meetings', -40, 10),
      row('Sub-L2', 'calling', -40, 20),
      row('Sub-L3', 'meetings', -35, 5),
      row('Sub-L1', 'meetings', -30, 12),
    ],
    // The same day again (the later batch wins), days before and after the first batch's, a second month.
    [
      row('Sub-L1', 'meetings', -30, 14),
      row('Sub-L1', 'meetings', -45, 8),
      row('Sub-L3', 'meetings', -2, 9),
      row('Sub-L2', 'calling', -1, 25),
    ],
    [row('Sub-L2', 'calling', -40, 21), row('Sub-L3', 'meetings', 1, 11)],
  ];

  /** What the projections and month rows hold for a partner, without its generated ids. */
  const stored = async (partnerId: string) => ({
    months: (
      await sql`select subscription_id, product, month, dates, assigned, used, used90d from license_usage_months
                       where partner_id = ${partnerId} order by 1, 2, 3`.execute(db())
    ).rows,
    latest: (
      await sql`select subscription_id, product, usage_date, assigned, used, used90d from subscription_licenses
                       where partner_id = ${partnerId} order by 1, 2`.execute(db())
    ).rows,
    trend: (
      await sql`select product, date, purchased, assigned, used from license_trend_changes
                      where partner_id = ${partnerId} and (purchased, assigned, used) <> (0, 0, 0) order by 1, 2`.execute(
        db(),
      )
    ).rows,
    customers: (
      await sql<
        Record<string, unknown>
      >`select o.name, p.* from customer_portfolio p join organizations o on o.id = p.customer_id
                          where p.partner_id = ${partnerId} order by 1`.execute(db())
    ).rows.map((r) => ({ ...r, customer_id: undefined, partner_id: undefined })),
  });
  const logged = async (partnerId: string) =>
    Number(
      (
        await sql<{
          n: string;
        }>`select count(*) as n from usage_batches where partner_id = ${partnerId}`.execute(db())
      ).rows[0]?.n,
    );
  const newPartner = async (name: string, document: object = portfolio) => {
    const partner = await server.partner(name);
    expect(
      (await server.request('POST', '/api/v1/import', { token: partner.token, body: document })).status,
    ).toBe(200);
    return partner;
  };

  beforeAll(async () => {
    server = await startTestServer(target);
  });
  afterAll(() => server?.close());

  /** Stores the batches one at a time for one new partner and logs them for another: what the fold must match. */
  const storedAndLogged = async (name: string, document: object, usage: UsageInput[][]) => {
    const oneByOne = await newPartner(`${name}, one by one`, document);
    const together = await newPartner(`${name}, together`, document);
    for (const batch of usage) await upsertUsage(db(), oneByOne.partnerId, batch);
    for (const batch of usage) await appendUsage(db(), together.partnerId, batch);
    expect(await logged(together.partnerId)).toBe(usage.length);
    const expected = await stored(oneByOne.partnerId);
    expect(expected.months).not.toHaveLength(0);
    return { expected, together };
  };

  it('folds batches that arrived together into what storing them one at a time stores', async () => {
    const { expected, together } = await storedAndLogged('Merged', portfolio, batches);
    expect(await foldUsage(db(), together.partnerId)).toBe(10);
    expect(await logged(together.partnerId)).toBe(0);
    expect(await stored(together.partnerId)).toEqual(expected);
    expect(await foldUsage(db(), together.partnerId)).toBe(0);
  });

  it('folds a long log a few batches at a time, to the same rows', async () => {
    const { expected, together } = await storedAndLogged('Grouped', portfolio, batches);
    // 4 + 4 rows are merged; the third batch's 2 would make 10.
    expect(await foldUsage(db(), together.partnerId, { groupRows: 8 })).toBe(10);
    expect(await logged(together.partnerId)).toBe(0);
    expect(await stored(together.partnerId)).toEqual(expected);
  });

  it('moves the trend as the same rows sent one at a time do, whatever each subscription’s days', async () => {
    const varied = customerWith({
      name: 'Dagar AB',
      subscriptions: [
        { id: 'Sub-D1' }, // active all through the rows, with a stored row before them
        { id: 'Sub-D2', endDate: daysFromAsOf(-3) }, // ends among the rows
        { id: 'Sub-D3', endDate: daysFromAsOf(-20) }, // ended before them
        { id: 'Sub-D4', startDate: daysFromAsOf(-4), endDate: daysFromAsOf(100) }, // starts among them
        { id: 'Sub-D5', status: 'cancelled' },
        { id: 'Sub-D6', autoRenew: true, endDate: daysFromAsOf(-1) }, // rolls over among them
        { id: 'Sub-D7' }, // has a stored row after the batch's first ones
      ],
    }).document;
    const days = [-8, -7, -6, -5, -4, -3, -2];
    const earlier = [
      row('Sub-D1', 'meetings', -30, 10),
      row('Sub-D7', 'meetings', -5, 30),
      row('Sub-D7', 'meetings', -12, 25),
    ];
    const rows = ['Sub-D1', 'Sub-D2', 'Sub-D3', 'Sub-D4', 'Sub-D5', 'Sub-D6', 'Sub-D7'].flatMap((id, i) =>
      days.map((day, d) => row(id, 'meetings', day, 10 + i + d * (i + 1) - (d % 3))),
    );
    // A product the subscriptions have no line for: counted nowhere in the trend.
    rows.push(row('Sub-D1', 'calling', -6, 4), row('Sub-D1', 'calling', -5, 7));
    const oneByOne = await newPartner('Days, one row at a time', varied);
    const together = await newPartner('Days, in one batch', varied);
    await upsertUsage(db(), oneByOne.partnerId, earlier);
    await upsertUsage(db(), together.partnerId, earlier);
    for (const single of rows) await upsertUsage(db(), oneByOne.partnerId, [single]);
    await upsertUsage(db(), together.partnerId, rows);
    const expected = await stored(oneByOne.partnerId);
    expect(expected.trend).not.toHaveLength(0);
    expect(await stored(together.partnerId)).toEqual(expected);
  });

  it('folds subscriptions whose ids PostgreSQL quotes in array text', async () => {
    const ids = ['Sub "Q", {1}', 'Sub\\L\\2', 'NULL'];
    const quoted = customerWith({ name: 'Citat AB', subscriptions: ids.map((id) => ({ id })) }).document;
    const usage = [
      [row(ids[0] as string, 'meetings', -9, 3), row(ids[1] as string, 'meetings', -9, 4)],
      [row(ids[2] as string, 'meetings', -8, 5), row(ids[0] as string, 'meetings', -8, 6)],
    ];
    const { expected, together } = await storedAndLogged('Quoted', quoted, usage);
    expect((expected.latest as { subscription_id: string }[]).map((r) => r.subscription_id)).toEqual(
      expect.arrayContaining(ids),
    );
    expect(await foldUsage(db(), together.partnerId)).toBe(4);
    expect(await stored(together.partnerId)).toEqual(expected);
  });

  it('answers every read after a usage batch with that batch in it, folded or not', async () => {
    const partner = await newPartner('Reader');
    const assigned = async () =>
      (
        await server.request<List>('GET', `/api/v1/customers?asOf=${asOf}`, { token: partner.token })
      ).body.items.reduce((sum, item) => sum + item.licenses.assigned, 0);
    expect(await assigned()).toBe(0);
    const usage = [row('Sub-L1', 'meetings', -1, 30), row('Sub-L2', 'calling', -1, 7)];
    expect(
      (await server.request('POST', '/api/v1/usage', { token: partner.token, body: { usage } })).status,
    ).toBe(200);
    expect(await assigned()).toBe(37);
    expect(await logged(partner.partnerId)).toBe(0);
  });

  it("folds a partner's log once its ingest pauses, and settles it on demand before that", async () => {
    const partner = await newPartner('Quiet');
    const log = createUsageLog({
      db: db(),
      pauseMs: 50,
      onError: (error) => {
        throw error;
      },
    });
    const append = (batch: UsageInput[]) =>
      log.appending(partner.partnerId, () => appendUsage(db(), partner.partnerId, batch));
    await append(batches[0] as UsageInput[]);
    await append(batches[1] as UsageInput[]);
    for (let waited = 0; (await logged(partner.partnerId)) > 0 && waited < 10_000; waited += 25)
      await new Promise((resolve) => setTimeout(resolve, 25));
    expect(await logged(partner.partnerId)).toBe(0);

    const patient = createUsageLog({
      db: db(),
      pauseMs: 60_000,
      onError: (error) => {
        throw error;
      },
    });
    await patient.appending(partner.partnerId, () =>
      appendUsage(db(), partner.partnerId, batches[2] as UsageInput[]),
    );
    expect(await logged(partner.partnerId)).toBe(1);
    await patient.settle(partner.partnerId);
    expect(await logged(partner.partnerId)).toBe(0);
    await Promise.all([log.close(), patient.close()]);
  });

  it('folds the batches it holds and those only in the log (another process’s) in the order they came', async () => {
    const oneByOne = await newPartner('Held, one by one');
    const together = await newPartner('Held, together');
    for (const batch of batches) await upsertUsage(db(), oneByOne.partnerId, batch);
    const expected = await stored(oneByOne.partnerId);
    const log = createUsageLog({
      db: db(),
      pauseMs: 60_000,
      onError: (error) => {
        throw error;
      },
    });
    const [first, second, third] = batches as [UsageInput[], UsageInput[], UsageInput[]];
    // The second batch is held here; the first and third are read back: the second still wins their shared day.
    await appendUsage(db(), together.partnerId, first);
    await log.appending(together.partnerId, async (keep) => {
      const logged = await appendUsage(db(), together.partnerId, second);
      if (logged) keep(logged);
    });
    await appendUsage(db(), together.partnerId, third);
    await log.settle(together.partnerId);
    expect(await logged(together.partnerId)).toBe(0);
    expect(await stored(together.partnerId)).toEqual(expected);
    await log.close();
  });

  it("folds the log before an import, so a later import's usage wins over an earlier usage batch", async () => {
    const partner = await newPartner('Order');
    await appendUsage(db(), partner.partnerId, [row('Sub-L1', 'meetings', -3, 5)]);
    const later = { ...portfolio, usage: [row('Sub-L1', 'meetings', -3, 6)] };
    expect(
      (await server.request('POST', '/api/v1/import', { token: partner.token, body: later })).status,
    ).toBe(200);
    expect(await logged(partner.partnerId)).toBe(0);
    const { rows } = await sql<{ assigned: number }>`select assigned from subscription_licenses
                                                     where partner_id = ${partner.partnerId} and subscription_id = 'Sub-L1'`.execute(
      db(),
    );
    expect(rows).toEqual([{ assigned: 6 }]);
  });
});
