import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxBatchRows } from '../contract/import';
import { searchWords } from '../server/customers/search';
import { maxJsonDepth } from '../server/http/json';
import { databaseTargets } from './support/databases';
import { combine, customerWith } from './support/documents';
import { partnerRows, rowCounts } from './support/rows';
import {
  startTestServer,
  type ApiAnswer,
  type Session,
  type TestPartner,
  type TestServer,
} from './support/server';

// Property-based: fast-check makes up malformed and adversarial input, the real server answers over HTTP.
// Fewer runs on PostgreSQL, which repeats what the embedded database already showed at a higher cost.

/** A JSON text as a tree, so a document can carry what JSON.stringify never writes: duplicate keys, raw tokens. */
type Json =
  | { kind: 'value'; value: string | number | boolean | null }
  | { kind: 'raw'; text: string }
  | { kind: 'array'; items: Json[] }
  | { kind: 'object'; entries: [string, Json][] };

const value = (v: string | number | boolean | null): Json => ({ kind: 'value', value: v });
const raw = (text: string): Json => ({ kind: 'raw', text });

function fromValue(input: unknown): Json {
  if (Array.isArray(input)) return { kind: 'array', items: input.map(fromValue) };
  if (input !== null && typeof input === 'object')
    return { kind: 'object', entries: Object.entries(input).map(([key, child]) => [key, fromValue(child)]) };
  if (typeof input === 'string' || typeof input === 'number' || typeof input === 'boolean')
    return value(input);
  return value(null);
}

function toText(json: Json): string {
  if (json.kind === 'value') return JSON.stringify(json.value);
  if (json.kind === 'raw') return json.text;
  if (json.kind === 'array') return `[${json.items.map(toText).join(',')}]`;
  return `{${json.entries.map(([key, child]) => `${JSON.stringify(key)}:${toText(child)}`).join(',')}}`;
}

function nodesOf(json: Json, into: Json[] = []): Json[] {
  into.push(json);
  if (json.kind === 'array') json.items.forEach((item) => nodesOf(item, into));
  if (json.kind === 'object') json.entries.forEach(([, child]) => nodesOf(child, into));
  return into;
}

/** Every place a value sits in the tree: mostly the leaves, where a malformed field is most likely to slip through. */
function slotsOf(tree: Json): { get(): Json; set(json: Json): void; remove(): void }[] {
  return nodesOf(tree).flatMap((node) => {
    if (node.kind === 'array') {
      return node.items.map((_, i) => ({
        get: () => node.items[i] as Json,
        set: (json: Json) => void (node.items[i] = json),
        remove: () => void node.items.splice(i, 1),
      }));
    }
    if (node.kind === 'object') {
      return node.entries.map((entry, i) => ({
        get: () => entry[1],
        set: (json: Json) => void (entry[1] = json),
        remove: () => void node.entries.splice(i, 1),
      }));
    }
    return [];
  });
}

type Mutation =
  | { op: 'replace'; at: number; with: Json }
  | { op: 'remove'; at: number }
  | { op: 'add'; at: number; key: string; with: Json }
  | { op: 'duplicate'; at: number; slot: number; with: Json };

function mutate(document: Json, mutations: Mutation[]): Json {
  const tree = structuredClone(document);
  for (const mutation of mutations) {
    if (mutation.op === 'replace' || mutation.op === 'remove') {
      const slots = slotsOf(tree);
      const slot = slots[mutation.at % Math.max(1, slots.length)];
      if (mutation.op === 'replace') slot?.set(structuredClone(mutation.with));
      else slot?.remove();
      continue;
    }
    const objects = nodesOf(tree).filter(
      (node): node is Extract<Json, { kind: 'object' }> => node.kind === 'object',
    );
    const target = objects[mutation.at % Math.max(1, objects.length)];
    if (!target) continue;
    if (mutation.op === 'add') {
      target.entries.push([mutation.key, structuredClone(mutation.with)]);
    } else {
      const entry = target.entries[mutation.slot % Math.max(1, target.entries.length)];
      if (entry) target.entries.push([entry[0], structuredClone(mutation.with)]);
    }
  }
  return tree;
}

// Records of another partner: a document that names them refers to nothing of its own partner's.
const otherIds = {
  customer: 'cust-other',
  subscription: 'SubOther',
  invoice: 'INV-OTHER',
  order: 'CCW-OTHER',
};

const numberLike = [
  'NaN',
  'Infinity',
  '-Infinity',
  '1e309',
  '-1e309',
  '0x1F',
  '1_000',
  ' 7 ',
  '-0',
  '',
  '1,5',
  '١٢٣',
];
const badDates = [
  '2025-02-30',
  '99999-01-01',
  '0000-01-01',
  '2025-13-01',
  '2025-00-10',
  '2025-1-1',
  '2024-02-29',
  '9999-12-31',
  '0001-01-01',
  '+002025-01-01',
  '2025-01-01T00:00:00Z',
  '2025-11-19T25:61:00Z',
  '2025-11-19T08:12:00',
  '2025-11-19T08:12:00+99:00',
  '1970-01-01T00:00:00.000000001Z',
  '9999-12-31T23:59:59Z',
  '0000-01-01T00:00:00Z',
  '2025-02-29T00:00:00Z',
];
const oddText = [
  '\u0000',
  'a\u0000b',
  '\u202eevil',
  '\ud800',
  '\udfff',
  '𝕏𝕐',
  'ä',
  'A\u030a',
  '\ufeffBOM',
  '\u200b',
  ' ',
  '\t\r\n',
  'é'.repeat(201),
  "'; drop table organizations; --",
  '%',
  '_',
  '\\',
  '%_\\',
  '" or ""="',
  '${7*7}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '=HYPERLINK("http://x")',
  otherIds.customer,
  otherIds.subscription,
  otherIds.invoice,
  otherIds.order,
  '__proto__',
  'constructor',
];

function hostileString(options: { huge: boolean }): fc.Arbitrary<string> {
  const parts: fc.MaybeWeightedArbitrary<string>[] = [
    { arbitrary: fc.constantFrom(...numberLike, ...badDates, ...oddText), weight: 3 },
    fc.string({ unit: 'binary', maxLength: 40 }),
  ];
  if (options.huge) parts.push(fc.integer({ min: 201, max: 200_000 }).map((n) => 'é'.repeat(n)));
  return fc.oneof(...parts);
}

/** Every byte of the UTF-8 form percent-encoded (a lone surrogate becomes U+FFFD, as a browser would send it). */
const percentEncoded = (text: string) =>
  [...Buffer.from(text, 'utf8')]
    .map((byte) => `%${byte.toString(16).padStart(2, '0').toUpperCase()}`)
    .join('');

const nested = (depth: number, open: string, close: string, inner: string) =>
  raw(open.repeat(depth) + inner + close.repeat(depth));
const line = { product: 'meetings', sku: 'A-MTG', quantity: 1 };

const hostileJson: fc.Arbitrary<Json> = fc.oneof(
  { arbitrary: hostileString({ huge: true }).map(value), weight: 6 },
  fc.constantFrom<Json>(
    value(null),
    value(true),
    value(false),
    value(0),
    value(-1),
    value(1.5),
    value(-0.5),
    value(2 ** 31),
    value(Number.MAX_SAFE_INTEGER + 2),
    value(1e11 + 1),
    raw('1e309'),
    raw('-1e309'),
    raw('1e-400'),
    raw('123456789012345678901234567890'),
    raw('-0'),
    raw('NaN'),
    raw('Infinity'),
    raw('undefined'),
    raw("'single'"),
    { kind: 'array', items: [] },
    { kind: 'object', entries: [] },
  ),
  fc.double().map(value),
  fc.integer({ min: 5, max: 3000 }).map((depth) => nested(depth, '[', ']', '')),
  fc.integer({ min: 5, max: 3000 }).map((depth) => nested(depth, '{"a":', '}', '1')),
  fc
    .integer({ min: 6, max: 3000 })
    .map((n): Json => ({ kind: 'array', items: Array.from({ length: n }, () => value('t')) })),
  fc.integer({ min: 51, max: 500 }).map((n) => fromValue(Array.from({ length: n }, () => line))),
);

const hostileKey = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    'valueOf',
    '',
    ' ',
    'ä',
    '\u0000',
    'id',
    'customerId',
    'subscriptionId',
    'quantity',
    'date',
  ),
  fc.string({ unit: 'binary', maxLength: 12 }),
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {
    arbitrary: fc.record({ op: fc.constant('replace' as const), at: fc.nat(), with: hostileJson }),
    weight: 5,
  },
  fc.record({ op: fc.constant('remove' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('add' as const), at: fc.nat(), key: hostileKey, with: hostileJson }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.nat(), slot: fc.nat(), with: hostileJson }),
  // Prototype pollution, spelled the ways a JSON text can spell it.
  fc.record({
    op: fc.constant('add' as const),
    at: fc.nat(),
    key: fc.constantFrom('__proto__', 'constructor'),
    with: fc.constantFrom(fromValue({ polluted: true }), fromValue({ prototype: { polluted: true } })),
  }),
);

/** Valid batches of partner A, each the starting point of the mutations, per ingest endpoint. */
const baseDocuments: Record<string, unknown> = {
  '/api/v1/import': {
    customers: [
      {
        id: 'cust-A2',
        name: 'Hostile Base AB',
        country: 'SE',
        createdAt: '2025-01-10',
        tags: ['nordics'],
        admins: [{ email: 'it@base.example', name: 'Ida' }],
      },
    ],
    subscriptions: [
      {
        id: 'SubA2',
        customerId: 'cust-A2',
        kind: 'paid',
        status: 'active',
        startDate: '2025-02-01',
        endDate: '2026-01-31',
        autoRenew: true,
        termMonths: 12,
        lines: [{ product: 'meetings', sku: 'A-MTG-NU', quantity: 50 }],
      },
    ],
    usage: [
      {
        subscriptionId: 'SubA2',
        product: 'meetings',
        date: '2025-11-20',
        assigned: 42,
        used: 31,
        used90d: 40,
      },
    ],
    signIns: [{ customerId: 'cust-A2', email: 'it@base.example', at: '2025-11-19T08:12:00Z' }],
    invoices: [
      {
        number: 'INV-A2',
        subscriptionId: 'SubA2',
        amount: 1200,
        currency: 'EUR',
        periodStart: '2025-02-01',
        periodEnd: '2025-02-28',
        dueDate: '2025-03-15',
        paidAt: null,
      },
    ],
    orders: [
      {
        number: 'CCW-A2',
        type: 'new',
        subscriptionId: 'SubA3',
        customerName: 'Beta Oy',
        contactEmail: 'admin@beta.fi',
        requestedStartDate: '2025-11-25',
        termMonths: 12,
        autoRenew: true,
        lines: [{ product: 'calling', sku: 'A-CALL-PRO', quantity: 20 }],
      },
    ],
  },
  '/api/v1/usage': {
    usage: [1, 2, 3].map((day) => ({
      subscriptionId: 'SubA1',
      product: 'meetings',
      date: `2026-01-0${day}`,
      assigned: 10,
      used: 5,
      used90d: 7,
    })),
  },
  '/api/v1/orders': {
    orders: [
      {
        number: 'CCW-A9',
        type: 'modify',
        subscriptionId: 'SubA1',
        customerName: 'Stored AB',
        contactEmail: 'it@stored.example',
        requestedStartDate: '2026-02-01',
        termMonths: 12,
        autoRenew: true,
        lines: [{ product: 'meetings', sku: 'A-MTG', quantity: 60 }],
      },
    ],
  },
  '/api/v1/invoices': {
    invoices: [
      {
        number: 'INV-A9',
        subscriptionId: 'SubA1',
        amount: 99.5,
        currency: 'SEK',
        periodStart: '2026-01-01',
        periodEnd: '2026-01-31',
        dueDate: '2026-02-15',
        paidAt: '2026-02-10T12:00:00Z',
      },
    ],
  },
  '/api/v1/sign-ins': {
    signIns: [{ customerId: 'cust-A1', email: 'it@stored.example', at: '2026-02-01T09:30:00+01:00' }],
  },
};

/** The one error format (SPEC §11): `{ error: { code, message, details? } }`, as JSON. */
function expectErrorFormat(answer: ApiAnswer, context: string) {
  expect(answer.headers.get('content-type'), context).toMatch(/^application\/json/);
  expect(answer.body, context).toEqual({
    error: expect.objectContaining({ code: expect.stringMatching(/^[a-z_]+$/), message: expect.any(String) }),
  });
  const error = (answer.body as { error: Record<string, unknown> }).error;
  expect(
    Object.keys(error).filter((key) => !['code', 'message', 'details'].includes(key)),
    context,
  ).toEqual([]);
  expect(String(error.message).length, context).toBeGreaterThan(0);
}

/** RFC 4180: quoted cells may hold commas, quotes (doubled) and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

const formulaStart = /^[=+\-@\t\r]/;
/** What a spreadsheet shows for a text cell: a leading formula character is neutralised with an apostrophe. */
const safeCell = (text: string) => (formulaStart.test(text) ? `'${text}` : text);

describe.each(databaseTargets)('hostile input (%s database)', (target) => {
  const numRuns = target === 'embedded' ? 100 : 25;
  let server: TestServer;
  let partner: TestPartner;
  let other: TestPartner;
  let session: Session;

  const snapshot = async () => ({
    own: await partnerRows(server.database.db, partner.partnerId),
    other: await partnerRows(server.database.db, other.partnerId),
  });

  beforeAll(async () => {
    server = await startTestServer(target, { MAX_BODY_MB: 8 });
    partner = await server.partner('Partner A');
    other = await server.partner('Partner B');
    session = await server.signIn(partner.adminEmail, partner.password);
    const stored = {
      customers: [
        {
          id: 'cust-A1',
          name: 'Stored AB',
          country: 'SE',
          createdAt: '2025-01-10',
          admins: [{ email: 'it@stored.example', name: 'It' }],
        },
      ],
      subscriptions: [
        {
          id: 'SubA1',
          customerId: 'cust-A1',
          kind: 'paid',
          status: 'active',
          startDate: '2025-02-01',
          endDate: '2027-01-31',
          lines: [line],
        },
      ],
    };
    const theirs = {
      customers: [
        { id: otherIds.customer, name: 'Zq Other Partner Customer', country: 'FI', createdAt: '2025-01-10' },
      ],
      subscriptions: [
        {
          id: otherIds.subscription,
          customerId: otherIds.customer,
          kind: 'paid',
          status: 'active',
          startDate: '2025-02-01',
          endDate: '2027-01-31',
          lines: [line],
        },
      ],
      invoices: [
        {
          number: otherIds.invoice,
          subscriptionId: otherIds.subscription,
          amount: 1,
          currency: 'EUR',
          periodStart: '2025-02-01',
          periodEnd: '2025-02-28',
          dueDate: '2025-03-15',
        },
      ],
      orders: [
        {
          number: otherIds.order,
          type: 'new',
          subscriptionId: 'SubOtherNew',
          customerName: 'Other Prospect',
          contactEmail: 'a@other.example',
          requestedStartDate: '2026-04-01',
          lines: [line],
        },
      ],
    };
    expect(
      (await server.request('POST', '/api/v1/import', { token: partner.token, body: stored })).status,
    ).toBe(200);
    expect(
      (await server.request('POST', '/api/v1/import', { token: other.token, body: theirs })).status,
    ).toBe(200);
  });
  afterAll(() => server?.close());

  it.each(Object.keys(baseDocuments))(
    'POST %s never answers a hostile batch with a server error, and keeps nothing of a rejected one',
    async (path) => {
      const base = fromValue(baseDocuments[path]);
      await fc.assert(
        fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 2 }), async (mutations) => {
          const text = toText(mutate(base, mutations));
          const before = await snapshot();
          const answer = await server.request('POST', path, { token: partner.token, body: text });
          const context = `${path} ${text.slice(0, 300)} → ${answer.status} ${answer.text.slice(0, 300)}`;
          expect(answer.status, context).toBeLessThan(500);
          if (answer.status === 200) {
            expect(answer.body, context).toEqual({
              customers: expect.any(Number),
              subscriptions: expect.any(Number),
              usage: expect.any(Number),
              signIns: expect.any(Number),
              invoices: expect.any(Number),
              orders: expect.any(Number),
            });
            return;
          }
          expect(answer.status, context).toBeGreaterThanOrEqual(400);
          expectErrorFormat(answer, context);
          const after = await snapshot();
          expect(rowCounts(after.own), context).toEqual(rowCounts(before.own));
          expect(after, context).toEqual(before);
        }),
        { numRuns },
      );
      // The pristine batch still goes in: nothing above left the partner in a state that refuses it.
      expect(
        (await server.request('POST', path, { token: partner.token, body: baseDocuments[path] })).status,
      ).toBe(200);
    },
  );

  it('never answers an adversarial query string or path on any read with a server error', async () => {
    const reads = server.app.routeTable.filter((route) => route.method === 'GET');
    expect(reads.length).toBeGreaterThan(10);
    const knownKeys = [
      'status',
      'product',
      'type',
      'managedBy',
      'tag',
      'q',
      'kpi',
      'sort',
      'page',
      'pageSize',
      'asOf',
      'objectType',
      'objectId',
      'actor',
      'action',
      'from',
      'to',
    ];
    const rawFragments = ['%00', '%ZZ', '%E0%A4%A', '%', '', '%2F', '%2e%2e', '..', 'a'.repeat(2000)];
    const text = fc.oneof(
      hostileString({ huge: false }).map(percentEncoded),
      fc.constantFrom(
        ...rawFragments,
        'trial,paid',
        'trial,,',
        ',,,',
        '-name',
        '--name',
        '1e400',
        '-1',
        '0',
        '1.5',
        '1001',
        '0x10',
        'meetings',
        'overage',
        'me',
        'totalCustomers',
      ),
    );
    const key = fc.oneof(
      fc.constantFrom(
        ...knownKeys,
        '__proto__',
        'constructor',
        'q[]',
        'status[0]',
        'a[b][c]',
        'hasOwnProperty',
      ),
      text,
    );
    const query = fc
      .array(fc.tuple(key, text), { maxLength: 6 })
      .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&'));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...reads),
        fc.array(text, { minLength: 4, maxLength: 4 }),
        query,
        async (route, segments, search) => {
          let i = 0;
          const path = route.url.replace(/:[A-Za-z]+/g, () => segments[i++ % segments.length] || 'x');
          const answer = await server.request('GET', `${path}?${search}`, { session });
          const context = `GET ${path.slice(0, 200)}?${search.slice(0, 300)} → ${answer.status} ${answer.text.slice(0, 300)}`;
          expect(answer.status, context).toBeLessThan(500);
          if (answer.status >= 400) expectErrorFormat(answer, context);
          // Nothing of another partner's, whatever was asked.
          expect(answer.text, context).not.toContain('Zq Other Partner Customer');
        },
      ),
      { numRuns: numRuns * 2 },
    );
  });

  describe('search text is only ever text', () => {
    let searcher: TestPartner;
    const names = [
      'Acme AB',
      '100% Pure Oy',
      'Under_score GmbH',
      'Back\\slash Ltd',
      "O'Brien & Co",
      'Åre Bygg',
      'ÅRE Fiske',
      'Ünïcödé Ltd',
      '%_% Holding',
      'Drop Table Customers',
      'Select Star From',
      'Like Anything',
      'a_b c%d',
      'Null Byte Free',
      '東京 商事',
      'Ærø Ørsted',
    ];
    const stored: { name: string; externalId: string; subscriptionIds: string[]; adminEmail: string }[] = [];

    beforeAll(async () => {
      searcher = await server.partner('Search Partner');
      const parts = names.map((name) => customerWith({ name }));
      parts.forEach((part) =>
        stored.push({
          name: part.document.customers[0]?.name as string,
          externalId: part.id,
          subscriptionIds: part.subscriptionIds,
          adminEmail: `admin@${part.id}.example`,
        }),
      );
      expect(
        (await server.request('POST', '/api/v1/import', { token: searcher.token, body: combine(...parts) }))
          .status,
      ).toBe(200);
    });

    /** SPEC §4.2 search: every word starts a word of the name, or the text is exactly an id or admin e-mail. */
    function expected(q: string): string[] {
      const text = q.trim();
      if (!text) return stored.map((c) => c.name).sort();
      const words = searchWords(text);
      return stored
        .filter((c) => {
          const nameWords = searchWords(c.name);
          const byName =
            words.length > 0 &&
            words.every((word) => nameWords.some((nameWord) => nameWord.startsWith(word)));
          return (
            byName ||
            c.externalId === text ||
            c.subscriptionIds.includes(text) ||
            c.adminEmail === text.toLowerCase()
          );
        })
        .map((c) => c.name)
        .sort();
    }

    it('finds exactly the customers whose names start with the words typed, wildcards and quotes included', async () => {
      const alphabet = fc.constantFrom(...'%_\\\'"*?[]^$.()|{}-; &abcdeilnoprstuyABÅåÄäÖöÜü0123456789東');
      const fragments = fc.constantFrom(
        ...names.flatMap((name) => name.split(' ')),
        "' or 1=1 --",
        '%',
        '_',
        '\\',
        '%%',
        '\\%',
        'a%',
        '_b',
        "'); drop table organizations; --",
      );
      const q = fc.oneof(
        fc.string({ unit: alphabet, maxLength: 30 }),
        fragments,
        fc.array(fragments, { minLength: 1, maxLength: 3 }).map((parts) => parts.join(' ')),
      );
      await fc.assert(
        fc.asyncProperty(q, async (text) => {
          const answer = await server.request<{ items: { name: string }[]; total: number }>(
            'GET',
            `/api/v1/customers?pageSize=1000&q=${encodeURIComponent(text)}`,
            { token: searcher.token },
          );
          expect(answer.status, text).toBe(200);
          expect(answer.body.items.map((item) => item.name).sort(), `q=${JSON.stringify(text)}`).toEqual(
            expected(text),
          );
          expect(answer.body.total).toBe(answer.body.items.length);
        }),
        { numRuns: numRuns * 2 },
      );
    });
  });

  describe('CSV exports are safe to open in a spreadsheet', () => {
    let exporter: TestPartner;
    let counter = 0;

    beforeAll(async () => {
      exporter = await server.partner('Export Partner');
    });

    it('neutralises every text cell that a spreadsheet would run as a formula, and keeps the text otherwise', async () => {
      const lead = fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', ' =', '"=', "'=", '＝', '', 'a');
      const rest = fc.string({ unit: fc.constantFrom(...'=+-@"\',;\r\n\t abcAB1()!|'), maxLength: 40 });
      const name = fc
        .tuple(lead, rest)
        .map(([head, tail]) => head + tail)
        .filter((text) => text.trim().length > 0);
      const tag = fc
        .tuple(lead, fc.string({ unit: fc.constantFrom(...'=+-@"\',;abc1()'), maxLength: 20 }))
        .map(([head, tail]) => (head + tail).trim())
        .filter((text) => text.length > 0);
      await fc.assert(
        fc.asyncProperty(name, fc.array(tag, { maxLength: 3 }), async (customerName, tags) => {
          const id = `csv-${++counter}`;
          const body = {
            customers: [{ id, name: customerName, country: 'SE', createdAt: '2025-01-01', tags }],
          };
          const imported = await server.request('POST', '/api/v1/import', { token: exporter.token, body });
          expect(imported.status, imported.text).toBe(200);
          const answer = await server.request('GET', '/api/v1/customers.csv', { token: exporter.token });
          expect(answer.status).toBe(200);
          expect(answer.headers.get('content-type')).toMatch(/^text\/csv/);
          const [header, ...rows] = parseCsv(answer.text);
          const column = (title: string) => (header ?? []).indexOf(title);
          for (const row of rows) {
            for (const cell of row)
              expect(
                formulaStart.test(cell) && !/^-?\d+(\.\d+)?$/.test(cell),
                `a live formula cell: ${JSON.stringify(cell)}`,
              ).toBe(false);
          }
          const row = rows.find((cells) => cells[column('externalId')] === id);
          expect(row, `no row for ${id}`).toBeDefined();
          // Stored names and tags are trimmed (the import contract), then written as they are.
          expect(row?.[column('name')]).toBe(safeCell(customerName.trim()));
          expect(row?.[column('tags')]).toBe(safeCell([...new Set(tags)].join(' ')));
        }),
        { numRuns },
      );
    });
  });

  describe('limits, each refused with a clear error', () => {
    const post = (path: string, body: unknown) =>
      server.request('POST', path, { token: partner.token, body });

    it('refuses an ingest body over MAX_BODY_MB, and any other body over 1 MB, with 413', async () => {
      const ingest = await post(
        '/api/v1/import',
        JSON.stringify({ customers: [], pad: 'x'.repeat(9 * 1024 * 1024) }),
      );
      expect(ingest.status).toBe(413);
      expectErrorFormat(ingest, 'ingest');
      expect(ingest.body).toMatchObject({
        error: { code: 'payload_too_large', details: { limitBytes: 8 * 1024 * 1024 } },
      });
      const other = await server.request('POST', '/api/v1/tokens', {
        session,
        body: JSON.stringify({ name: 'x', scopes: ['read'], pad: 'x'.repeat(1024 * 1024 + 1) }),
      });
      expect(other.status).toBe(413);
      expect(other.body).toMatchObject({
        error: { code: 'payload_too_large', details: { limitBytes: 1024 * 1024 } },
      });
    });

    it(`refuses a batch of more than ${maxBatchRows} rows, naming the limit`, async () => {
      const usage = Array.from({ length: maxBatchRows + 1 }, (_, i) => ({
        subscriptionId: 'SubA1',
        product: 'meetings',
        date: '2026-01-01',
        assigned: i % 7,
        used: 0,
        used90d: 0,
      }));
      const before = await snapshot();
      const answer = await post('/api/v1/usage', { usage });
      expect(answer.status).toBe(400);
      expectErrorFormat(answer, 'batch');
      expect(answer.body).toMatchObject({
        error: { message: expect.stringContaining(String(maxBatchRows)), details: [{ path: 'usage' }] },
      });
      expect(await snapshot()).toEqual(before);
    });

    it('refuses strings and arrays over their lengths, naming the field', async () => {
      const base = baseDocuments['/api/v1/import'] as {
        customers: Record<string, unknown>[];
        subscriptions: Record<string, unknown>[];
      };
      const cases: [string, unknown][] = [
        ['customers[0].name', { customers: [{ ...base.customers[0], name: 'x'.repeat(201) }] }],
        ['customers[0].id', { customers: [{ ...base.customers[0], id: 'x'.repeat(101) }] }],
        [
          'customers[0].tags',
          { customers: [{ ...base.customers[0], tags: ['a', 'b', 'c', 'd', 'e', 'f'] }] },
        ],
        ['customers[0].tags[0]', { customers: [{ ...base.customers[0], tags: ['t'.repeat(26)] }] }],
        [
          'customers[0].admins',
          {
            customers: [
              {
                ...base.customers[0],
                admins: Array.from({ length: 101 }, (_, i) => ({ email: `a${i}@x.example`, name: 'A' })),
              },
            ],
          },
        ],
        [
          'subscriptions[0].lines',
          { subscriptions: [{ ...base.subscriptions[0], lines: Array.from({ length: 51 }, () => line) }] },
        ],
      ];
      for (const [path, body] of cases) {
        const answer = await post('/api/v1/import', body);
        expect(answer.status, path).toBe(400);
        expectErrorFormat(answer, path);
        expect(
          (answer.body as { error: { details: { path: string; message: string }[] } }).error.details.map(
            (d) => d.path,
          ),
          path,
        ).toContain(path);
      }
    });

    it(`refuses JSON nested more than ${maxJsonDepth} levels deep, before anything else looks at it`, async () => {
      const deep = (depth: number) => `{"customers":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;
      const refused = await post('/api/v1/import', deep(maxJsonDepth + 1));
      expect(refused.status).toBe(400);
      expectErrorFormat(refused, 'deep');
      expect(refused.body).toMatchObject({
        error: {
          code: 'invalid_request',
          message: expect.stringContaining(`more than ${maxJsonDepth} levels deep`),
        },
      });
      // At the limit the document is read, and refused for what it says instead.
      const read = await post('/api/v1/import', deep(maxJsonDepth));
      expect(read.status).toBe(400);
      expect(read.body).toMatchObject({ error: { details: [{ path: 'customers[0]' }] } });
      expect((await post('/api/v1/import', '['.repeat(100_000) + ']'.repeat(100_000))).status).toBe(400);
    });

    it('refuses keys that reach a prototype, naming them, however they are spelled', async () => {
      for (const [text, path] of [
        ['{"customers":[{"__proto__":{"polluted":true}}]}', 'customers[0].__proto__'],
        ['{"constructor":{"prototype":{"polluted":true}}}', 'constructor.prototype'],
        ['{"\\u005f_proto__":{"polluted":true}}', '__proto__'],
      ] as const) {
        const answer = await post('/api/v1/import', text);
        expect(answer.status, text).toBe(400);
        expect(answer.body, text).toMatchObject({ error: { code: 'invalid_request', details: [{ path }] } });
      }
      // A key merely called "constructor" is no threat: unknown keys are dropped.
      expect((await post('/api/v1/import', '{"constructor":"x","customers":[]}')).status).toBe(200);
    });

    it('answers text the database can not hold (NUL) or dates it can not hold with 400, storing nothing', async () => {
      const base = baseDocuments['/api/v1/import'] as { customers: Record<string, unknown>[] };
      const before = await snapshot();
      for (const body of [
        { customers: [{ ...base.customers[0], name: 'Nul\u0000Byte AB' }] },
        { customers: [{ ...base.customers[0], createdAt: '0000-01-01' }] },
        {
          usage: [
            {
              subscriptionId: 'SubA1',
              product: 'meetings',
              date: '0000-02-29',
              assigned: 1,
              used: 1,
              used90d: 1,
            },
          ],
        },
        // A new order's term would end after the year 9999.
        {
          orders: [
            {
              number: 'CCW-Y10K',
              type: 'new',
              subscriptionId: 'SubY10K',
              customerName: 'Far Future AB',
              contactEmail: 'a@future.example',
              requestedStartDate: '9999-06-01',
              lines: [line],
            },
          ],
        },
      ]) {
        const answer = await post('/api/v1/import', body);
        expect(answer.status, JSON.stringify(body)).toBe(400);
        expectErrorFormat(answer, JSON.stringify(body));
      }
      for (const query of ['q=%00', 'tag=%00', 'asOf=0000-01-01']) {
        const answer = await server.request('GET', `/api/v1/customers?${query}`, { token: partner.token });
        expect(answer.status, query).toBe(400);
        expectErrorFormat(answer, query);
      }
      expect(await snapshot()).toEqual(before);
    });

    it('refuses an asOf so late that a term it falls in could end after 9999, and answers the latest it takes', async () => {
      for (const path of [
        '/api/v1/analytics?product=meetings&asOf=9990-01-01',
        '/api/v1/customers?asOf=9999-12-31',
        '/api/v1/kpis?asOf=9999-12-31',
      ]) {
        const answer = await server.request('GET', path, { token: partner.token });
        expect(answer.status, path).toBe(400);
        expect(JSON.stringify(answer.body), path).toContain('on or before 9989-12-31');
      }
      for (const path of [
        '/api/v1/analytics?product=meetings&asOf=9989-12-31',
        '/api/v1/analytics?product=calling&asOf=9989-12-31',
        '/api/v1/customers?asOf=9989-12-31',
        '/api/v1/kpis?asOf=9989-12-31',
      ]) {
        expect((await server.request('GET', path, { token: partner.token })).status, path).toBe(200);
      }
    });

    it('answers a URL that is not valid percent-encoding, and oversized headers, in the error format', async () => {
      const badUrl = await server.request('GET', '/api/v1/customers/%E0%A4%A', { token: partner.token });
      expect(badUrl.status).toBe(400);
      expectErrorFormat(badUrl, 'bad url');
      const huge = await server.request('GET', `/api/v1/customers?q=${'x'.repeat(70_000)}`, {
        token: partner.token,
      });
      expect(huge.status).toBe(431);
      expectErrorFormat(huge, 'huge url');
    });

    it('takes only JSON, and when a key repeats the last one counts, as in JSON.parse', async () => {
      const form = await fetch(`${server.url}/api/v1/import`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${partner.token}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'customers=x',
      });
      expect(form.status).toBe(415);
      expect(await form.json()).toEqual({
        error: { code: 'unsupported_media_type', message: expect.any(String) },
      });
      const empty = await post('/api/v1/import', '');
      expect(empty.status).toBe(400);
      expectErrorFormat(empty, 'empty');
      const broken = await post('/api/v1/import', '{"customers": [}');
      expect(broken.status).toBe(400);
      expect(broken.body).toMatchObject({ error: { message: expect.stringContaining('not valid JSON') } });
      const twice = await post(
        '/api/v1/import',
        '{"customers":[{"id":"cust-dup","name":"First Name AB","name":"Last Name AB","country":"SE","createdAt":"2025-01-01"}]}',
      );
      expect(twice.status).toBe(200);
      const list = await server.request<{ items: { name: string }[] }>(
        'GET',
        '/api/v1/customers?q=cust-dup',
        { token: partner.token },
      );
      expect(list.body.items.map((item) => item.name)).toEqual(['Last Name AB']);
    });

    it('lists at most 50 problems of a batch that is wrong everywhere, and says how many there were', async () => {
      const usage = Array.from({ length: 2000 }, () => ({
        subscriptionId: 'SubA1',
        product: 'fax',
        date: '2026-02-30',
        assigned: -1,
        used: 1.5,
        used90d: 'x',
      }));
      const answer = await post('/api/v1/usage', { usage });
      expect(answer.status).toBe(400);
      const error = (answer.body as { error: { message: string; details: unknown[] } }).error;
      expect(error.details).toHaveLength(50);
      expect(error.message).toMatch(/\(\d+ problems; the first 50 are listed\)/);
      expect(answer.text.length).toBeLessThan(20_000);
    });
  });
});
