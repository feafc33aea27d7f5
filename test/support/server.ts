import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app';
import { loadConfig, type Config } from '../../server/config';
import type { Database } from '../../server/db/database';
import { createPartner } from '../../server/partners/service';
import { createToken } from '../../server/tokens/service';
import { hashPassword } from '../../server/auth/credentials';
import type { TokenScope, PartnerRole } from '../../contract/common';
import { freshDatabase, type DatabaseTarget } from './databases';

export type Credentials = { token?: string; session?: Session };
export type Session = { cookie: string; csrfToken: string };
export type ApiAnswer<T = unknown> = { status: number; body: T; text: string; headers: Headers };

export type TestServer = {
  url: string;
  app: FastifyInstance;
  database: Database;
  config: Config;
  request<T = unknown>(
    method: string,
    path: string,
    options?: Credentials & { body?: unknown; headers?: Record<string, string> },
  ): Promise<ApiAnswer<T>>;
  signIn(email: string, password: string): Promise<Session>;
  /** A new partner with a full administrator and a read+ingest token. */
  partner(name?: string): Promise<TestPartner>;
  close(): Promise<void>;
};

export type TestPartner = {
  partnerId: string;
  adminEmail: string;
  password: string;
  token: string;
  addUser(
    role: PartnerRole,
    options?: { email?: string },
  ): Promise<{ userId: string; email: string; password: string }>;
  tokenWith(scopes: TokenScope[]): Promise<string>;
};

export const testPassword = 'correct horse battery';

/** The real server on a random loopback port, on a fresh database of the target kind. */
export async function startTestServer(
  target: DatabaseTarget,
  overrides: Partial<Config> = {},
): Promise<TestServer> {
  const database = await freshDatabase(target);
  // Browser tests build the web app once up front; other tests never need a build.
  const config = { ...loadConfig({}), WEB_AUTOBUILD: false, ...overrides, LOG_LEVEL: 'silent' as const };
  const app = await buildApp({ database, config, logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('The test server has no port.');
  const url = `http://127.0.0.1:${address.port}`;

  const request: TestServer['request'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.session) {
      headers.cookie = options.session.cookie;
      headers['x-csrf-token'] = options.session.csrfToken;
    }
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(url + path, {
      method,
      headers,
      body:
        options.body === undefined
          ? undefined
          : typeof options.body === 'string'
            ? options.body
            : JSON.stringify(options.body),
    });
    const text = await response.text();
    let body: unknown = text;
    if (response.headers.get('content-type')?.includes('application/json') && text) body = JSON.parse(text);
    return { status: response.status, body: body as never, text, headers: response.headers };
  };

  const signIn: TestServer['signIn'] = async (email, password) => {
    const answer = await request<{ csrfToken: string }>('POST', '/api/v1/auth/sign-in', {
      body: { email, password },
    });
    if (answer.status !== 200)
      throw new Error(`sign-in as ${email} answered ${answer.status}: ${answer.text}`);
    const cookie = (answer.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    return { cookie, csrfToken: answer.body.csrfToken };
  };

  const partner: TestServer['partner'] = async (name = 'Test Partner') => {
    const adminEmail = `admin-${randomUUID()}@partner.test`;
    const operator = { type: 'operator' as const, id: null, label: 'test' };
    const { partnerId } = await createPartner(database.db, {
      name,
      adminEmail,
      password: testPassword,
      actor: operator,
    });
    const tokenWith = async (scopes: TokenScope[]) =>
      (await createToken(database.db, { partnerId, name: 'test', scopes, actor: operator })).token;
    const token = await tokenWith(['read', 'ingest']);
    return {
      partnerId,
      adminEmail,
      password: testPassword,
      token,
      tokenWith,
      async addUser(role, options = {}) {
        const userId = randomUUID();
        const email = options.email ?? `${role}-${randomUUID()}@partner.test`;
        await database.db
          .insertInto('users')
          .values({
            partner_id: partnerId,
            id: userId,
            org_id: partnerId,
            email,
            display_name: role,
            password_hash: await hashPassword(testPassword),
            role,
          })
          .execute();
        return { userId, email, password: testPassword };
      },
    };
  };

  return {
    url,
    app,
    database,
    config,
    request,
    signIn,
    partner,
    async close() {
      await app.close();
      await database.close();
    },
  };
}
