import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';

// Bulk upserts: one statement per table and batch, rows passed as arrays and unnested in SQL. An update only
// happens when something differs, so importing the same document twice writes nothing the second time.

export async function storedCustomerIds(db: Kysely<DB>, partnerId: string, externalIds: string[]) {
  if (!externalIds.length) return new Map<string, string>();
  const rows = await db
    .selectFrom('organizations')
    .select(['id', 'external_id'])
    .where('partner_id', '=', partnerId)
    .where('kind', '=', 'customer')
    .where('external_id', 'in', externalIds)
    .execute();
  return new Map(rows.map((row) => [row.external_id as string, row.id]));
}

/** Which of the given subscription ids the partner has not stored: usually none, so the answer stays small. */
export async function unknownSubscriptionIds(db: Kysely<DB>, partnerId: string, ids: Iterable<string>) {
  const list = [...ids];
  if (!list.length) return new Set<string>();
  const { rows } = await sql<{ id: string }>`
    select t.id from unnest(${arrayText(list)}::text[]) as t(id)
    where not exists (select 1 from subscriptions s where s.partner_id = ${partnerId} and s.id = t.id)`.execute(
    db,
  );
  return new Set(rows.map((row) => row.id));
}

export type CustomerInput = {
  externalId: string;
  name: string;
  searchName: string;
  country: string;
  createdAt: string;
  tags: string[];
};

export async function upsertCustomers(db: Kysely<DB>, partnerId: string, customers: CustomerInput[]) {
  if (!customers.length) return new Map<string, string>();
  const { rows } = await sql<{ id: string; external_id: string }>`
    with input as (
      select * from unnest(${customers.map((c) => c.externalId)}::text[], ${customers.map((c) => c.name)}::text[],
                           ${customers.map((c) => c.searchName)}::text[], ${customers.map((c) => c.country)}::text[],
                           ${customers.map((c) => c.createdAt)}::date[], ${customers.map((c) => JSON.stringify(c.tags))}::text[])
        as t(external_id, name, search_name, country, created_at, tags)
    ),
    upserted as (
      insert into organizations as o (partner_id, id, kind, external_id, name, search_name, country, created_at, tags)
      select ${partnerId}, gen_random_uuid(), 'customer', external_id, name, search_name, country, created_at,
             array(select jsonb_array_elements_text(tags::jsonb))
      from input
      on conflict (partner_id, external_id) do update
        set name = excluded.name, search_name = excluded.search_name, country = excluded.country,
            created_at = excluded.created_at, tags = excluded.tags
        where (o.name, o.country, o.created_at, o.tags) is distinct from
              (excluded.name, excluded.country, excluded.created_at, excluded.tags)
      returning id, external_id
    )
    select id, external_id from upserted
    union all
    select o.id, o.external_id from organizations o join input i on i.external_id = o.external_id
    where o.partner_id = ${partnerId}`.execute(db);
  return new Map(rows.map((row) => [row.external_id, row.id]));
}

export async function upsertCustomerAdmins(
  db: Kysely<DB>,
  partnerId: string,
  admins: { orgId: string; email: string; name: string }[],
) {
  if (!admins.length) return;
  await sql`
    insert into users as u (partner_id, id, org_id, email, display_name, role)
    select ${partnerId}, gen_random_uuid(), org_id, email, name, 'customer_full_admin'
    from unnest(${admins.map((a) => a.orgId)}::uuid[], ${admins.map((a) => a.email)}::text[], ${admins.map((a) => a.name)}::text[])
      as t(org_id, email, name)
    on conflict (partner_id, org_id, email) do update set display_name = excluded.display_name
      where u.display_name is distinct from excluded.display_name`.execute(db);
}

export type SubscriptionInput = {
  id: string;
  customerId: string | null;
  kind: string;
  status: string;
  startDate: string;
  endDate: string;
  autoRenew: boolean;
  termMonths: number;
  lines: { product: string; sku: string; quantity: number }[];
};

export async function upsertSubscriptions(
  db: Kysely<DB>,
  partnerId: string,
  subscriptions: SubscriptionInput[],
) {
  if (!subscriptions.length) return;
  const column = <K extends keyof SubscriptionInput>(key: K) => subscriptions.map((s) => s[key]);
  await sql`
    insert into subscriptions as s (partner_id, id, customer_id, kind, status, start_date, end_date, auto_renew, term_months)
    select ${partnerId}, * from unnest(${column('id')}::text[], ${column('customerId')}::uuid[], ${column('kind')}::text[],
                                       ${column('status')}::text[], ${column('startDate')}::date[], ${column('endDate')}::date[],
                                       ${column('autoRenew')}::boolean[], ${column('termMonths')}::int[])
    on conflict (partner_id, id) do update
      set customer_id = excluded.customer_id, kind = excluded.kind, status = excluded.status,
          start_date = excluded.start_date, end_date = excluded.end_date, auto_renew = excluded.auto_renew,
          term_months = excluded.term_months, updated_at = now()
      where (s.customer_id, s.kind, s.status, s.start_date, s.end_date, s.auto_renew, s.term_months) is distinct from
            (excluded.customer_id, excluded.kind, excluded.status, excluded.start_date, excluded.end_date,
             excluded.auto_renew, excluded.term_months)`.execute(db);
  await replaceLines(db, partnerId, subscriptions);
}

/** Sets each subscription's lines to exactly the given ones, touching only what differs. */
export async function replaceLines(
  db: Kysely<DB>,
  partnerId: string,
  subscriptions: { id: string; lines: { product: string; sku: string; quantity: number }[] }[],
) {
  const lines = subscriptions.flatMap((s) =>
    mergeLines(s.lines).map((line) => ({ subscriptionId: s.id, ...line })),
  );
  await sql`
    delete from subscription_lines l
    where l.partner_id = ${partnerId} and l.subscription_id = any(${subscriptions.map((s) => s.id)}::text[])
      and (l.subscription_id, l.product, l.sku) not in (
        select * from unnest(${lines.map((l) => l.subscriptionId)}::text[], ${lines.map((l) => l.product)}::text[], ${lines.map((l) => l.sku)}::text[]))`.execute(
    db,
  );
  await upsertLines(db, partnerId, lines);
}

export async function upsertLines(
  db: Kysely<DB>,
  partnerId: string,
  lines: { subscriptionId: string; product: string; sku: string; quantity: number }[],
) {
  if (!lines.length) return;
  await sql`
    insert into subscription_lines as l (partner_id, subscription_id, product, sku, quantity)
    select ${partnerId}, * from unnest(${lines.map((l) => l.subscriptionId)}::text[], ${lines.map((l) => l.product)}::text[],
                                       ${lines.map((l) => l.sku)}::text[], ${lines.map((l) => l.quantity)}::int[])
    on conflict (partner_id, subscription_id, product, sku) do update set quantity = excluded.quantity
      where l.quantity <> excluded.quantity`.execute(db);
}

/** Two lines with the same product and SKU are one line with their quantities added. */
function mergeLines(lines: { product: string; sku: string; quantity: number }[]) {
  const merged = new Map<string, { product: string; sku: string; quantity: number }>();
  for (const line of lines) {
    const key = `${line.product}\u0000${line.sku}`;
    const existing = merged.get(key);
    merged.set(key, { ...line, quantity: (existing?.quantity ?? 0) + line.quantity });
  }
  return [...merged.values()];
}

export type OrderInput = {
  number: string;
  type: string;
  subscriptionId: string;
  customerName: string;
  searchName: string;
  contactEmail: string;
  requestedStartDate: string;
  termMonths: number;
  autoRenew: boolean;
  lines: { product: string; sku: string; quantity: number }[];
};

/** Upserts orders and answers the numbers that were new: only those have effects on subscriptions. */
export async function upsertOrders(
  db: Kysely<DB>,
  partnerId: string,
  orders: OrderInput[],
): Promise<Set<string>> {
  if (!orders.length) return new Set();
  const column = <K extends keyof OrderInput>(key: K) => orders.map((o) => o[key]);
  const { rows } = await sql<{ number: string; inserted: boolean }>`
    insert into orders as o (partner_id, number, type, subscription_id, customer_name, search_name, contact_email,
                             requested_start_date, term_months, auto_renew, lines)
    select ${partnerId}, number, type, subscription_id, customer_name, search_name, contact_email, requested_start_date,
           term_months, auto_renew, lines::jsonb
    from unnest(${column('number')}::text[], ${column('type')}::text[], ${column('subscriptionId')}::text[],
                ${column('customerName')}::text[], ${column('searchName')}::text[], ${column('contactEmail')}::text[],
                ${column('requestedStartDate')}::date[], ${column('termMonths')}::int[], ${column('autoRenew')}::boolean[],
                ${orders.map((o) => JSON.stringify(o.lines))}::text[])
      as t(number, type, subscription_id, customer_name, search_name, contact_email, requested_start_date, term_months, auto_renew, lines)
    on conflict (partner_id, number) do update
      set type = excluded.type, subscription_id = excluded.subscription_id, customer_name = excluded.customer_name,
          search_name = excluded.search_name, contact_email = excluded.contact_email,
          requested_start_date = excluded.requested_start_date, term_months = excluded.term_months,
          auto_renew = excluded.auto_renew, lines = excluded.lines
      where (o.type, o.subscription_id, o.customer_name, o.contact_email, o.requested_start_date, o.term_months, o.auto_renew, o.lines)
            is distinct from (excluded.type, excluded.subscription_id, excluded.customer_name, excluded.contact_email,
                              excluded.requested_start_date, excluded.term_months, excluded.auto_renew, excluded.lines)
    returning number, (xmax = 0) as inserted`.execute(db);
  return new Set(rows.filter((row) => row.inserted).map((row) => row.number));
}

export async function extendSubscription(
  db: Kysely<DB>,
  partnerId: string,
  subscriptionId: string,
  months: number,
) {
  await sql`update subscriptions set end_date = (end_date + make_interval(months => ${months}::int))::date, updated_at = now()
            where partner_id = ${partnerId} and id = ${subscriptionId}`.execute(db);
}

export async function cancelSubscription(db: Kysely<DB>, partnerId: string, subscriptionId: string) {
  await sql`update subscriptions set status = 'cancelled', updated_at = now()
            where partner_id = ${partnerId} and id = ${subscriptionId} and status <> 'cancelled'`.execute(db);
}

export type InvoiceInput = {
  number: string;
  subscriptionId: string;
  amount: number;
  currency: string;
  periodStart: string;
  periodEnd: string;
  dueDate: string;
  paidAt: string | null;
};

export async function upsertInvoices(db: Kysely<DB>, partnerId: string, invoices: InvoiceInput[]) {
  if (!invoices.length) return;
  const column = <K extends keyof InvoiceInput>(key: K) => invoices.map((i) => i[key]);
  await sql`
    insert into invoices as i (partner_id, number, subscription_id, amount, currency, period_start, period_end, due_date, paid_at)
    select ${partnerId}, * from unnest(${column('number')}::text[], ${column('subscriptionId')}::text[], ${column('amount')}::numeric[],
                                       ${column('currency')}::text[], ${column('periodStart')}::date[], ${column('periodEnd')}::date[],
                                       ${column('dueDate')}::date[], ${column('paidAt')}::timestamptz[])
    on conflict (partner_id, number) do update
      set subscription_id = excluded.subscription_id, amount = excluded.amount, currency = excluded.currency,
          period_start = excluded.period_start, period_end = excluded.period_end, due_date = excluded.due_date,
          paid_at = excluded.paid_at
      where (i.subscription_id, i.amount, i.currency, i.period_start, i.period_end, i.due_date, i.paid_at) is distinct from
            (excluded.subscription_id, excluded.amount, excluded.currency, excluded.period_start, excluded.period_end,
             excluded.due_date, excluded.paid_at)`.execute(db);
}

export type UsageInput = {
  subscriptionId: string;
  product: string;
  date: string;
  assigned: number;
  used: number;
  used90d: number;
};

/**
 * Usage rows grouped by subscription × product: the pairs, and the rows grouped by pair (pairs[n] indexes
 * subscriptions / products, from 1), each group in date order, each date once. The usage log keeps batches in this
 * form, as JSON (migrations 008, 011); byPair turns it into ph_record_usage's arguments.
 */
export type UsageColumns = {
  subscriptions: string[];
  products: string[];
  pairs: number[];
  dates: string[];
  assigned: number[];
  used: number[];
  used90d: number[];
};

const noUsage = (): UsageColumns => ({
  subscriptions: [],
  products: [],
  pairs: [],
  dates: [],
  assigned: [],
  used: [],
  used90d: [],
});

/** Rows grouped by pair; of two rows for one day, the later wins. Grouping here spares the database a sort. */
function groupUsage(usage: UsageInput[]): UsageColumns {
  // By subscription, then product: no key string to build per row.
  const bySubscription = new Map<string, Map<string, UsageInput[]>>();
  for (const row of usage) {
    let byProduct = bySubscription.get(row.subscriptionId);
    if (!byProduct) bySubscription.set(row.subscriptionId, (byProduct = new Map()));
    const rows = byProduct.get(row.product);
    if (rows) rows.push(row);
    else byProduct.set(row.product, [row]);
  }
  const columns = noUsage();
  for (const byProduct of bySubscription.values()) {
    for (const group of byProduct.values()) {
      const first = group[0] as UsageInput;
      columns.subscriptions.push(first.subscriptionId);
      columns.products.push(first.product);
      // Sorting keeps the order of two rows for one day: the later one is kept. Telemetry comes in order.
      if (group.some((row, i) => i > 0 && (group[i - 1] as UsageInput).date >= row.date))
        group.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
      const pair = columns.subscriptions.length;
      for (let i = 0; i < group.length; i++) {
        const row = group[i] as UsageInput;
        if (group[i + 1]?.date === row.date) continue;
        columns.pairs.push(pair);
        columns.dates.push(row.date);
        columns.assigned.push(row.assigned);
        columns.used.push(row.used);
        columns.used90d.push(row.used90d);
      }
    }
  }
  return columns;
}

/**
 * Batches grouped by pair merged into one, as if their rows came in one batch in the batches' order: of
 * two rows for one day, the later batch's wins. A pair's rows are one run per batch, already in date order, so
 * they are only sorted when its batches overlap in time.
 */
function mergeUsage(batches: UsageColumns[]): UsageColumns {
  if (batches.length === 1) return batches[0] as UsageColumns;
  type Run = { batch: UsageColumns; first: number; last: number };
  type Pair = { subscription: string; product: string; runs: Run[] };
  // By subscription, then product: no key string to build per pair and batch.
  const bySubscription = new Map<string, Map<string, Pair>>();
  const pairs: Pair[] = [];
  for (const batch of batches) {
    for (let first = 0; first < batch.pairs.length;) {
      const pair = batch.pairs[first] as number;
      let last = first;
      while (batch.pairs[last + 1] === pair) last++;
      const subscription = batch.subscriptions[pair - 1] as string;
      const product = batch.products[pair - 1] as string;
      const run = { batch, first, last };
      let byProduct = bySubscription.get(subscription);
      if (!byProduct) bySubscription.set(subscription, (byProduct = new Map()));
      const known = byProduct.get(product);
      if (known) known.runs.push(run);
      else {
        const added = { subscription, product, runs: [run] };
        byProduct.set(product, added);
        pairs.push(added);
      }
      first = last + 1;
    }
  }
  const merged = noUsage();
  const push = ({ batch }: Run, n: number) => {
    merged.pairs.push(merged.subscriptions.length);
    merged.dates.push(batch.dates[n] as string);
    merged.assigned.push(batch.assigned[n] as number);
    merged.used.push(batch.used[n] as number);
    merged.used90d.push(batch.used90d[n] as number);
  };
  const dateAt = (run: Run, n: number) => run.batch.dates[n] as string;
  for (const { subscription, product, runs } of pairs) {
    merged.subscriptions.push(subscription);
    merged.products.push(product);
    // Telemetry's batches follow one another in time: their runs then just go one after the other.
    if (
      runs.every(
        (run, i) => i === 0 || dateAt(runs[i - 1] as Run, (runs[i - 1] as Run).last) < dateAt(run, run.first),
      )
    ) {
      for (const run of runs) for (let n = run.first; n <= run.last; n++) push(run, n);
      continue;
    }
    const rows = runs.flatMap((run, order) =>
      Array.from({ length: run.last - run.first + 1 }, (_, i) => ({
        run,
        order,
        n: run.first + i,
        date: dateAt(run, run.first + i),
      })),
    );
    // Sorted by date, then by arrival; the last row of a day is kept.
    rows.sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : x.order - y.order));
    rows.forEach((row, i) => {
      if (rows[i + 1]?.date !== row.date) push(row.run, row.n);
    });
  }
  return merged;
}

/**
 * Stores usage rows in their month rows and keeps the projections current with them, in one call that reads the
 * rows once (ph_record_usage). The partner's usage log must be folded first (foldUsage): its batches came earlier.
 */
export async function upsertUsage(db: Kysely<DB>, partnerId: string, usage: UsageInput[]) {
  if (!usage.length) return;
  // Usage rows have no change trigger (migration 004): the partner's facts version moves on here.
  await sql`select ph_note_change(${partnerId})`.execute(db);
  await recordUsage(db, partnerId, groupUsage(usage));
}

/**
 * ph_record_usage's arguments (migration 010) from rows grouped by pair: each pair's first and last row, the runs of
 * one pair's rows in one calendar month, and the day sums: each row's difference from its pair's previous row,
 * summed by product and date. Only arithmetic on the batch; what the trend makes of it is decided in SQL.
 */
function byPair(c: UsageColumns) {
  const first: number[] = [];
  const last: number[] = [];
  const runPairs: number[] = [];
  const runEnds: number[] = [];
  const days = new Map<
    string,
    Map<string, { product: string; date: string; assigned: number; used: number }>
  >();
  let month = '';
  c.pairs.forEach((pair, i) => {
    const n = i + 1;
    const date = c.dates[i] as string;
    const samePair = c.pairs[i - 1] === pair;
    if (!samePair) first[pair - 1] = n;
    last[pair - 1] = n;
    // YYYY-MM: the calendar month of an ISO date.
    if (!samePair || date.slice(0, 7) !== month) {
      month = date.slice(0, 7);
      runPairs.push(pair);
      runEnds.push(n);
    } else runEnds[runEnds.length - 1] = n;
    if (!samePair) return;
    const product = c.products[pair - 1] as string;
    let byDate = days.get(product);
    if (!byDate) days.set(product, (byDate = new Map()));
    let day = byDate.get(date);
    if (!day) byDate.set(date, (day = { product, date, assigned: 0, used: 0 }));
    day.assigned += (c.assigned[i] as number) - (c.assigned[i - 1] as number);
    day.used += (c.used[i] as number) - (c.used[i - 1] as number);
  });
  const daySums = [...days.values()].flatMap((byDate) => [...byDate.values()]);
  return { first, last, runPairs, runEnds, daySums };
}

async function recordUsage(db: Kysely<DB>, partnerId: string, c: UsageColumns) {
  const p = byPair(c);
  const day = <K extends keyof (typeof p.daySums)[number]>(key: K) => arrayText(p.daySums.map((d) => d[key]));
  await sql`select ph_record_usage(${partnerId}, ${arrayText(c.subscriptions)}::text[], ${arrayText(c.products)}::text[],
                                   ${arrayText(p.first)}::int[], ${arrayText(p.last)}::int[], ${arrayText(p.runPairs)}::int[],
                                   ${arrayText(p.runEnds)}::int[], ${arrayText(c.dates)}::date[], ${arrayText(c.assigned)}::int[],
                                   ${arrayText(c.used)}::int[], ${arrayText(c.used90d)}::int[], ${day('product')}::text[],
                                   ${day('date')}::date[], ${day('assigned')}::bigint[], ${day('used')}::bigint[])`.execute(
    db,
  );
}

/** A batch in the usage log: its id there, and its rows grouped by pair as they are logged. */
export type LoggedUsage = { id: string; columns: UsageColumns };

/**
 * Appends usage rows to the partner's usage log as one batch, folded later (server/ingest/usage-log.ts). The
 * facts version moves on now: an answer computed from here on folds the batch first, so none kept under the new
 * version misses it.
 */
export async function appendUsage(
  db: Kysely<DB>,
  partnerId: string,
  usage: UsageInput[],
): Promise<LoggedUsage | undefined> {
  if (!usage.length) return undefined;
  const columns = groupUsage(usage);
  await sql`select ph_note_change(${partnerId})`.execute(db);
  const { rows } = await sql<{ id: string }>`
    insert into usage_batches (partner_id, rows, body)
    values (${partnerId}, ${columns.dates.length}, ${JSON.stringify(columns)}) returning id::text as id`.execute(
    db,
  );
  return { id: (rows[0] as { id: string }).id, columns };
}

export async function usageLogged(db: Kysely<DB>, partnerId: string): Promise<boolean> {
  const { rows } = await sql<{ logged: boolean }>`
    select exists (select 1 from usage_batches where partner_id = ${partnerId}) as logged`.execute(db);
  return rows[0]?.logged ?? false;
}

/** Holds the partner's usage log until the transaction ends: one fold at a time per partner. */
export async function lockUsageLog(trx: Kysely<DB>, partnerId: string) {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`usage log ${partnerId}`}, 0))`.execute(trx);
}

/** The partner's logged batches in the order they came: their ids and row counts. */
export async function loggedBatches(db: Kysely<DB>, partnerId: string) {
  const { rows } = await sql<{ id: string; rows: number }>`
    select id::text, rows from usage_batches where partner_id = ${partnerId} order by id`.execute(db);
  return rows;
}

/**
 * Stores the given logged batches as one batch in the order they came (mergeUsage), and deletes them from the log.
 * A batch in `kept` (this process logged it and still holds its rows) is not read back from the log.
 */
export async function recordLoggedUsage(
  db: Kysely<DB>,
  partnerId: string,
  ids: string[],
  kept: ReadonlyMap<string, UsageColumns> = new Map(),
) {
  const read = new Map<string, UsageColumns>();
  const unread = ids.filter((id) => !kept.has(id));
  if (unread.length) {
    const { rows } = await sql<{ id: string; body: string }>`
      select id::text as id, body from usage_batches
      where partner_id = ${partnerId} and id = any(${unread}::bigint[])`.execute(db);
    for (const row of rows) read.set(row.id, JSON.parse(row.body) as UsageColumns);
  }
  const batches = ids.map((id) => kept.get(id) ?? (read.get(id) as UsageColumns));
  await recordUsage(db, partnerId, mergeUsage(batches));
  await sql`delete from usage_batches where partner_id = ${partnerId} and id = any(${ids}::bigint[])`.execute(
    db,
  );
}

/**
 * An array parameter in PostgreSQL's array syntax: node-postgres converts a JavaScript array element by element,
 * three to four times slower for a batch's 50 000 elements. Numbers, and strings with no quote or backslash (all
 * but the rarest), are joined natively; otherwise each string is quoted and escaped. Joined, not appended to one
 * string: appending left a million-piece string for the garbage collector to flatten (twice the time).
 */
function arrayText(values: readonly (string | number)[]): string {
  if (values.every((value) => typeof value === 'number')) return `{${values.join(',')}}`;
  if (values.every((value) => typeof value === 'string' && !value.includes('"') && !value.includes('\\')))
    return `{"${values.join('","')}"}`;
  const element = (value: string | number) =>
    typeof value === 'number' ? value : `"${value.replace(/[\\"]/g, '\\$&')}"`;
  return `{${values.map(element).join(',')}}`;
}

export async function insertSignIns(
  db: Kysely<DB>,
  partnerId: string,
  signIns: { customerId: string; email: string; at: string }[],
) {
  if (!signIns.length) return;
  await sql`
    insert into admin_sign_ins (partner_id, customer_id, email, at)
    select ${partnerId}, * from unnest(${signIns.map((s) => s.customerId)}::uuid[], ${signIns.map((s) => s.email)}::text[],
                                       ${signIns.map((s) => s.at)}::timestamptz[])
    on conflict do nothing`.execute(db);
}
