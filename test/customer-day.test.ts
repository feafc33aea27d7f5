import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { CustomerListItem } from '../contract/customers';
import type { Kpis } from '../server/kpis/queries';
import { addDays, todayUtc } from '../server/dates';
import { databaseTargets } from './support/databases';
import { startTestServer, type TestPartner, type TestServer } from './support/server';

// Today's customer list and KPIs are read from customer_day (migration 004) once it is computed; these tests
// change the facts in every way a partner can and expect the very next read to show it.

const today = todayUtc();
type CustomerList = { items: CustomerListItem[]; total: number };
const meetings = [{ product: 'meetings' as const, sku: 'A-MTG', quantity: 50 }];

describe.each(databaseTargets)("today's customer list from customer_day (%s database)", (target) => {
  let server: TestServer;
  let partner: TestPartner;

  const list = async (query = '') => {
    const answer = await server.request<CustomerList>('GET', `/api/v1/customers?pageSize=100${query}`, {
      token: partner.token,
    });
    expect(answer.status, answer.text).toBe(200);
    return answer.body;
  };
  const row = async (name: string) => (await list()).items.find((item) => item.name === name);
  const ingest = async (path: string, body: object) => {
    const answer = await server.request('POST', path, { token: partner.token, body });
    expect(answer.status, answer.text).toBe(200);
  };
  const build = async () => {
    const { rows } = await sql<{ day: string; version: string; current: string }>`
      select b.day::text as day, b.version::text as version,
             coalesce((select c.version from portfolio_changes c where c.partner_id = b.partner_id), 0)::text as current
      from customer_day_builds b where b.partner_id = ${partner.partnerId}`.execute(server.database.db);
    return rows[0];
  };

  beforeAll(async () => {
    server = await startTestServer(target);
    partner = await server.partner();
    await ingest('/api/v1/import', {
      customers: [
        {
          id: 'c-1',
          name: 'Tidvatten AB',
          country: 'SE',
          createdAt: addDays(today, -400),
          tags: [],
          admins: [],
        },
      ],
      subscriptions: [
        {
          id: 'S-1',
          customerId: 'c-1',
          kind: 'paid',
          status: 'active',
          startDate: addDays(today, -200),
          endDate: addDays(today, 200),
          autoRenew: false,
          termMonths: 12,
          lines: meetings,
        },
      ],
      usage: [
        {
          subscriptionId: 'S-1',
          product: 'meetings',
          date: addDays(today, -1),
          assigned: 10,
          used: 5,
          used90d: 8,
        },
      ],
      signIns: [
        { customerId: 'c-1', email: 'admin@tidvatten.example', at: `${addDays(today, -1)}T09:00:00Z` },
      ],
      invoices: [],
      orders: [],
    });
  });
  afterAll(() => server?.close());

  it('computes the rows on the first read for today and records the facts version they were computed for', async () => {
    expect(await build()).toBeUndefined();
    expect(await row('Tidvatten AB')).toMatchObject({
      statuses: ['subscription'],
      licenses: { purchased: 50, assigned: 10 },
    });
    const first = await build();
    expect(first).toEqual({ day: today, version: first?.current, current: first?.current });
    await list();
    expect(await build(), 'a second read finds the rows current and computes nothing').toEqual(first);
  });

  it('shows usage above the purchased count on the next read, in the list and in the KPIs', async () => {
    await ingest('/api/v1/usage', {
      usage: [
        { subscriptionId: 'S-1', product: 'meetings', date: today, assigned: 60, used: 30, used90d: 40 },
      ],
    });
    expect(await row('Tidvatten AB')).toMatchObject({
      statuses: ['license_overage', 'subscription'],
      licenses: { purchased: 50, assigned: 60 },
    });
    const kpis = await server.request<Kpis>('GET', '/api/v1/kpis', { token: partner.token });
    expect(kpis.body).toMatchObject({ totalCustomers: 1, exceedingLimit: 1 });
    expect((await list('&kpi=exceedingLimit')).items.map((item) => item.name)).toEqual(['Tidvatten AB']);
  });

  it('shows a new customer, a renamed one and an order not set up yet on the next read', async () => {
    await ingest('/api/v1/import', {
      customers: [
        {
          id: 'c-1',
          name: 'Tidvatten Marin AB',
          country: 'SE',
          createdAt: addDays(today, -400),
          tags: ['key'],
          admins: [],
        },
        { id: 'c-2', name: 'Nyhamn Oy', country: 'FI', createdAt: addDays(today, -3), tags: [], admins: [] },
      ],
      subscriptions: [],
      usage: [],
      signIns: [],
      invoices: [],
      orders: [],
    });
    await ingest('/api/v1/orders', {
      orders: [
        {
          number: 'ORD-1',
          type: 'new',
          subscriptionId: 'S-NEW',
          customerName: 'Ankarvik AB',
          contactEmail: 'it@ankarvik.example',
          requestedStartDate: addDays(today, 5),
          termMonths: 12,
          autoRenew: true,
          lines: meetings,
        },
      ],
    });
    const names = (await list()).items.map((item) => [item.name, item.statuses]);
    expect(names).toEqual([
      ['Ankarvik AB', ['ready_for_order_setup']],
      ['Nyhamn Oy', []],
      ['Tidvatten Marin AB', ['license_overage', 'subscription']],
    ]);
    expect((await list('&tag=key')).items.map((item) => item.name)).toEqual(['Tidvatten Marin AB']);
    expect((await list('&q=nyhamn')).total).toBe(1);
  });

  it('shows an unpaid invoice long past due as suspended on the next read', async () => {
    await ingest('/api/v1/invoices', {
      invoices: [
        {
          number: 'INV-1',
          subscriptionId: 'S-1',
          amount: 100,
          currency: 'EUR',
          periodStart: addDays(today, -90),
          periodEnd: addDays(today, -60),
          dueDate: addDays(today, -60),
          paidAt: null,
        },
      ],
    });
    expect((await row('Tidvatten Marin AB'))?.statuses).toEqual([
      'suspended',
      'license_overage',
      'subscription',
    ]);
    const { version, current } = (await build()) ?? {};
    expect(version).toBe(current);
  });
});
