import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConsoleMessage, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../server/auth/credentials';
import { buildWebIfStale, webDistDir } from '../server/webapp/plugin';
import {
  customerListReady,
  describeBrowser,
  signInWithForm,
  startBrowserHarness,
  type BrowserHarness,
} from './browser/support';
import { databaseTargets } from './support/databases';
import { startTestServer, type Session, type TestPartner, type TestServer } from './support/server';

type SignInAnswer = {
  status: number;
  cookie: string;
  setCookie: string;
  retryAfter: string | null;
  body: { error?: { code: string; message: string } };
};

/** A sign-in as a browser sends it, with whatever cookie and headers it carries. */
async function signIn(
  server: TestServer,
  email: string,
  password: string,
  headers: Record<string, string> = {},
): Promise<SignInAnswer> {
  const response = await fetch(`${server.url}/api/v1/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ email, password }),
  });
  const setCookie = response.headers.getSetCookie().find((cookie) => cookie.startsWith('ph_session=')) ?? '';
  return {
    status: response.status,
    cookie: setCookie.split(';')[0] ?? '',
    setCookie,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as SignInAnswer['body'],
  };
}

const secretOf = (cookie: string) => cookie.slice('ph_session='.length);
const sessionRow = (server: TestServer, cookie: string) =>
  server.database.db
    .selectFrom('sessions')
    .selectAll()
    .where('id_hash', '=', sha256(secretOf(cookie)))
    .executeTakeFirst();

/** Parses a Content-Security-Policy header into its directives. */
function directives(policy: string | null): Map<string, string[]> {
  return new Map(
    (policy ?? '')
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words): words is [string, ...string[]] => Boolean(words[0]))
      .map(([name, ...values]) => [name, values]),
  );
}

describe.each(databaseTargets)('sessions, cookies and security headers (%s database)', (target) => {
  let server: TestServer;
  let proxied: TestServer;
  let partner: TestPartner;
  let proxiedPartner: TestPartner;
  let addressCounter = 0;
  /** A client address of its own for each test behind the proxy, so the per-address counts never mix. */
  const nextAddress = () => `203.0.113.${++addressCounter}`;

  beforeAll(async () => {
    server = await startTestServer(target);
    proxied = await startTestServer(target, { TRUST_PROXY: true });
    partner = await server.partner();
    proxiedPartner = await proxied.partner();
  });
  afterAll(async () => {
    await server?.close();
    await proxied?.close();
  });

  describe('sessions', () => {
    it('gives a new session id at sign-in and ends the one the browser held before', async () => {
      const first = await signIn(server, partner.adminEmail, partner.password);
      const second = await signIn(server, partner.adminEmail, partner.password, { cookie: first.cookie });
      expect(second.status).toBe(200);
      expect(second.cookie).not.toBe(first.cookie);
      expect(await sessionRow(server, first.cookie)).toBeUndefined();
      expect((await server.request('GET', '/api/v1/me', { headers: { cookie: first.cookie } })).status).toBe(
        401,
      );
      expect((await server.request('GET', '/api/v1/me', { headers: { cookie: second.cookie } })).status).toBe(
        200,
      );
    });

    it('never adopts a session id planted before sign-in', async () => {
      const planted = 'ph_session=chosen-by-an-attacker-0123456789abcdefghijklmnop';
      const answer = await signIn(server, partner.adminEmail, partner.password, { cookie: planted });
      expect(answer.status).toBe(200);
      expect(answer.cookie).not.toBe(planted);
      expect(secretOf(answer.cookie)).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect((await server.request('GET', '/api/v1/me', { headers: { cookie: planted } })).status).toBe(401);
    });

    it(`ends a session SESSION_MAX_HOURS after sign-in, even one in constant use`, async () => {
      const before = Date.now();
      const { cookie } = await signIn(server, partner.adminEmail, partner.password);
      const row = await sessionRow(server, cookie);
      const lifetime = Date.parse(row?.expires_at ?? '') - before;
      expect(Math.abs(lifetime - server.config.SESSION_MAX_HOURS * 3_600_000)).toBeLessThan(60_000);
      expect((await server.request('GET', '/api/v1/me', { headers: { cookie } })).status).toBe(200);
      await server.database.db
        .updateTable('sessions')
        .set({
          expires_at: new Date(Date.now() - 1000).toISOString(),
          last_seen_at: new Date().toISOString(),
        })
        .where('id_hash', '=', sha256(secretOf(cookie)))
        .execute();
      expect((await server.request('GET', '/api/v1/me', { headers: { cookie } })).status).toBe(401);
      expect(await sessionRow(server, cookie)).toBeUndefined();
    });

    it('keeps a session that is used within SESSION_IDLE_MINUTES, and starts its idle time again', async () => {
      const { cookie } = await signIn(server, partner.adminEmail, partner.password);
      const almostIdle = new Date(
        Date.now() - (server.config.SESSION_IDLE_MINUTES - 5) * 60_000,
      ).toISOString();
      await server.database.db
        .updateTable('sessions')
        .set({ last_seen_at: almostIdle })
        .where('id_hash', '=', sha256(secretOf(cookie)))
        .execute();
      expect((await server.request('GET', '/api/v1/me', { headers: { cookie } })).status).toBe(200);
      const row = await sessionRow(server, cookie);
      expect(Date.now() - Date.parse(row?.last_seen_at ?? '')).toBeLessThan(60_000);
      const idle = new Date(Date.now() - (server.config.SESSION_IDLE_MINUTES + 1) * 60_000).toISOString();
      await server.database.db
        .updateTable('sessions')
        .set({ last_seen_at: idle })
        .where('id_hash', '=', sha256(secretOf(cookie)))
        .execute();
      expect((await server.request('GET', '/api/v1/me', { headers: { cookie } })).status).toBe(401);
    });

    it("signs a person out everywhere without ending anyone else's sessions or the partner's API tokens", async () => {
      const person = await partner.addUser('partner_readonly_admin');
      const laptop = await server.signIn(person.email, person.password);
      const phone = await server.signIn(person.email, person.password);
      const colleague = await server.signIn(partner.adminEmail, partner.password);
      const answer = await fetch(`${server.url}/api/v1/auth/sign-out-everywhere`, {
        method: 'POST',
        headers: { cookie: laptop.cookie, 'x-csrf-token': laptop.csrfToken },
      });
      expect(answer.status).toBe(204);
      // The browser is told to forget the cookie.
      expect(answer.headers.getSetCookie().find((cookie) => cookie.startsWith('ph_session='))).toMatch(
        /Expires=Thu, 01 Jan 1970|Max-Age=0/,
      );
      for (const session of [laptop, phone])
        expect((await server.request('GET', '/api/v1/me', { session })).status).toBe(401);
      expect((await server.request('GET', '/api/v1/me', { session: colleague })).status).toBe(200);
      expect((await server.request('GET', '/api/v1/kpis', { token: partner.token })).status).toBe(200);
    });

    it('ends the sessions of a person the moment they are deactivated', async () => {
      const person = await partner.addUser('partner_admin');
      const theirs = await server.signIn(person.email, person.password);
      const admin = await server.signIn(partner.adminEmail, partner.password);
      expect(
        (
          await server.request('PATCH', `/api/v1/users/${person.userId}`, {
            session: admin,
            body: { active: false },
          })
        ).status,
      ).toBe(200);
      expect((await server.request('GET', '/api/v1/me', { session: theirs })).status).toBe(401);
      expect((await signIn(server, person.email, person.password)).status).toBe(401);
    });

    it("refuses a write that carries another session's CSRF token", async () => {
      const mine = await server.signIn(partner.adminEmail, partner.password);
      const theirs = await server.signIn(partner.adminEmail, partner.password);
      const forged: Session = { cookie: mine.cookie, csrfToken: theirs.csrfToken };
      const answer = await server.request<{ error: { code: string } }>('POST', '/api/v1/tokens', {
        session: forged,
        body: { name: 'x', scopes: ['read'] },
      });
      expect(answer.status).toBe(403);
      expect(answer.body.error.code).toBe('csrf_failed');
    });
  });

  describe('the session cookie', () => {
    it('is HttpOnly, SameSite=Lax, for the whole site, and lives as long as the session at most', async () => {
      const { setCookie } = await signIn(server, partner.adminEmail, partner.password);
      const attributes = setCookie.split(';').map((part) => part.trim());
      expect(attributes).toEqual(
        expect.arrayContaining([
          'HttpOnly',
          'SameSite=Lax',
          'Path=/',
          `Max-Age=${server.config.SESSION_MAX_HOURS * 3600}`,
        ]),
      );
      expect(attributes).not.toContain('Secure');
    });

    it('is Secure behind a TLS-terminating proxy (TRUST_PROXY=1), which also sends HSTS', async () => {
      const tls = await signIn(proxied, proxiedPartner.adminEmail, proxiedPartner.password, {
        'x-forwarded-proto': 'https',
        'x-forwarded-for': nextAddress(),
      });
      expect(tls.status).toBe(200);
      expect(tls.setCookie.split(';').map((part) => part.trim())).toEqual(
        expect.arrayContaining(['Secure', 'HttpOnly', 'SameSite=Lax']),
      );
      const health = await fetch(`${proxied.url}/healthz`, { headers: { 'x-forwarded-proto': 'https' } });
      expect(health.headers.get('strict-transport-security')).toMatch(/max-age=\d{8,}; includeSubDomains/);
    });

    it('is not marked Secure because a client claims https without a trusted proxy, and no HSTS is sent', async () => {
      const claimed = await signIn(server, partner.adminEmail, partner.password, {
        'x-forwarded-proto': 'https',
      });
      expect(claimed.setCookie).not.toMatch(/;\s*Secure/);
      const health = await fetch(`${server.url}/healthz`, { headers: { 'x-forwarded-proto': 'https' } });
      expect(health.headers.get('strict-transport-security')).toBeNull();
    });
  });

  describe('security headers', () => {
    it('come with every answer: API answers, errors, the docs and the web app', async () => {
      const answers = await Promise.all(
        [
          '/healthz',
          '/api/v1/me',
          '/api/v1/no-such-route',
          '/api/v1/openapi.json',
          '/api/docs/',
          '/',
          '/customers',
        ].map(async (path) => ({ path, response: await fetch(server.url + path) })),
      );
      const bodyTooLarge = await fetch(`${server.url}/api/v1/auth/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: 'x'.repeat(1024 * 1024 + 1),
      });
      for (const { path, response } of [...answers, { path: 'a body too large', response: bodyTooLarge }]) {
        const header = (name: string) => response.headers.get(name);
        expect(header('x-content-type-options'), path).toBe('nosniff');
        expect(header('x-frame-options'), path).toMatch(/^(DENY|SAMEORIGIN)$/);
        expect(header('referrer-policy'), path).toBe('no-referrer');
        expect(header('cross-origin-opener-policy'), path).toBe('same-origin');
        expect(header('x-powered-by'), path).toBeNull();
        expect(header('content-security-policy'), path).toBeTruthy();
      }
    });

    it('include a Content-Security-Policy that allows scripts only from the site itself and no framing', async () => {
      const csp = directives((await fetch(`${server.url}/`)).headers.get('content-security-policy'));
      expect(csp.get('default-src')).toEqual(["'self'"]);
      expect(csp.get('script-src')).toEqual(["'self'"]);
      expect(csp.get('script-src-attr')).toEqual(["'none'"]);
      expect(csp.get('object-src')).toEqual(["'none'"]);
      expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
      expect(csp.get('base-uri')).toEqual(["'self'"]);
      expect(csp.get('form-action')).toEqual(["'self'"]);
      // Mantine sets inline styles; styles can't run code, so that is all the policy relaxes.
      expect(csp.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
      for (const [name, values] of csp) {
        expect(values, name).not.toContain('*');
        expect(values, name).not.toContain("'unsafe-eval'");
        if (name.startsWith('script')) expect(values, name).not.toContain("'unsafe-inline'");
      }
    });

    it('fit the built web app: no inline script, scripts and styles from the site itself', async () => {
      await buildWebIfStale();
      const page = readFileSync(join(webDistDir, 'index.html'), 'utf8');
      const scripts = [...page.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
      expect(scripts.length).toBeGreaterThan(0);
      for (const [, attributes, body] of scripts) {
        expect(body?.trim(), 'an inline script').toBe('');
        expect(attributes).toMatch(/\ssrc="\/[^/]/);
      }
      expect(page).not.toMatch(/\son[a-z]+\s*=/i);
      for (const [, href] of page.matchAll(
        /<link\b[^>]*rel="(?:stylesheet|modulepreload)"[^>]*href="([^"]+)"/gi,
      ))
        expect(href).toMatch(/^\/[^/]/);
    });
  });

  describe('passwords', () => {
    it('follow the password rules when a full administrator adds a user, with a message that says what is wrong', async () => {
      const admin = await server.signIn(partner.adminEmail, partner.password);
      const attempt = (password: string) =>
        server.request<{
          error: { code: string; message: string; details: { path: string; message: string }[] };
        }>('POST', '/api/v1/users', {
          session: admin,
          body: {
            email: `new-${Math.random()}@rules.example`,
            name: 'New Person',
            role: 'partner_admin',
            password,
          },
        });
      for (const [password, message] of [
        ['short', 'A password needs at least 10 characters.'],
        ['🔑🔑🔑🔑🔑', 'A password needs at least 10 characters.'],
        ['x'.repeat(257), 'A password can have at most 256 characters.'],
        ['aaaaaaaaaaaaaaaa', 'A password can not be one character repeated.'],
      ] as const) {
        const answer = await attempt(password);
        expect(answer.status, password).toBe(422);
        expect(answer.body.error, password).toEqual({
          code: 'invalid_request',
          message,
          details: [{ path: 'password', message }],
        });
      }
      expect((await attempt('a passphrase of several words')).status).toBe(201);
      expect((await attempt('🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑')).status).toBe(201);
    });
  });

  describe('sign-in throttling', () => {
    const wrong = (email: string, address: string, via: string = address) =>
      signIn(proxied, email, 'wrong password!', { 'x-forwarded-for': via });

    it('holds an account after 5 wrong passwords, from whichever addresses they came, with 429 and Retry-After', async () => {
      const victim = await proxiedPartner.addUser('partner_readonly_admin');
      for (let i = 0; i < 5; i++) expect((await wrong(victim.email, nextAddress())).status).toBe(401);
      const held = await signIn(proxied, victim.email.toUpperCase(), victim.password, {
        'x-forwarded-for': nextAddress(),
      });
      expect(held.status).toBe(429);
      expect(held.body.error?.code).toBe('too_many_requests');
      expect(held.body.error?.message).toMatch(/Try again in \d+ seconds/);
      expect(Number(held.retryAfter)).toBeGreaterThan(0);
      expect(Number(held.retryAfter)).toBeLessThanOrEqual(15 * 60);
    });

    it('holds an address after 30 wrong passwords in 15 minutes across different accounts, and only that address', async () => {
      const address = nextAddress();
      for (let i = 0; i < 30; i++)
        expect((await wrong(`guess-${i}@nowhere.example`, address)).status).toBe(401);
      const held = await wrong('guess-31@nowhere.example', address);
      expect(held.status).toBe(429);
      expect(Number(held.retryAfter)).toBeGreaterThan(0);
      // Even a right password waits, from that address; a person elsewhere signs in as usual.
      expect(
        (
          await signIn(proxied, proxiedPartner.adminEmail, proxiedPartner.password, {
            'x-forwarded-for': address,
          })
        ).status,
      ).toBe(429);
      expect(
        (
          await signIn(proxied, proxiedPartner.adminEmail, proxiedPartner.password, {
            'x-forwarded-for': nextAddress(),
          })
        ).status,
      ).toBe(200);
    });

    it('counts the address the proxy saw, not one the client wrote into X-Forwarded-For itself', async () => {
      const address = nextAddress();
      // The client sends a made-up X-Forwarded-For each time; the proxy appends the address it really saw.
      for (let i = 0; i < 30; i++)
        expect((await wrong(`spoof-${i}@nowhere.example`, address, `198.18.${i}.1, ${address}`)).status).toBe(
          401,
        );
      expect((await wrong('spoof-31@nowhere.example', address, `198.18.99.1, ${address}`)).status).toBe(429);
    });
  });
});

describeBrowser('the web app in Chromium under its Content-Security-Policy', () => {
  let h: BrowserHarness;
  let violations: string[];

  beforeAll(async () => {
    h = await startBrowserHarness();
  }, 300_000);
  afterEach(async () => h?.closePages());
  afterAll(async () => h?.close());

  /** A page that collects what the browser refused because of the policy. */
  async function watchedPage(options: Parameters<BrowserHarness['page']>[0] = {}): Promise<Page> {
    violations = [];
    const page = await h.page(options);
    page.on('console', (message: ConsoleMessage) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });
    return page;
  }

  it('signs in through the form and shows every screen without a single violation', async () => {
    const page = await watchedPage();
    await page.goto('/');
    await signInWithForm(page, 'admin');
    await customerListReady(page);
    const list = await page.request.get('/api/v1/customers?pageSize=1');
    const first = ((await list.json()) as { items: { id: string }[] }).items[0];
    for (const path of [`/customers/${first?.id}`, '/analytics', '/users', '/administrators', '/tokens']) {
      await page.goto(path);
      await page.waitForLoadState('networkidle');
      expect(await page.locator('#root').innerText(), path).not.toBe('');
    }
    expect(violations).toEqual([]);
  });

  it('shows the API documentation without a violation', async () => {
    const page = await watchedPage();
    await page.goto('/api/docs/');
    await page.getByText('Partner Hub API').first().waitFor();
    expect(violations).toEqual([]);
  });
});
