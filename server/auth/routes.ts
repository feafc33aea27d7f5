import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { email } from '../../contract/common';
import { statusSettings } from '../../contract/onboarding';
import { httpError } from '../http/errors';
import { checkAccess, requireUser, type Access } from './caller';

export type RouteEntry = { method: string; url: string; access: Access };

declare module 'fastify' {
  // Declaration merging needs an interface.
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions
  interface FastifyInstance {
    routeTable: RouteEntry[];
  }
}
import {
  createSignInThrottle,
  describeCaller,
  endSession,
  resolveSession,
  resolveToken,
  signIn,
  signOut,
  type AuthDeps,
} from './service';

export const sessionCookie = 'ph_session';
const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const csrfExempt = new Set(['/api/v1/auth/sign-in']);

export function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  secret: string,
  maxAgeSeconds: number,
) {
  reply.setCookie(sessionCookie, secret, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: request.protocol === 'https',
    maxAge: maxAgeSeconds,
  });
}

/** Finds who is calling (session cookie or bearer token) and enforces CSRF on cookie-authenticated writes. */
export function registerAuthentication(app: FastifyInstance, deps: AuthDeps) {
  app.decorateRequest('caller', null);
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      request.caller = match?.[1] ? await resolveToken(deps, match[1]) : null;
      if (!request.caller) throw httpError(401, 'unauthenticated', 'The API token is unknown or revoked.');
      return;
    }
    const secret = request.cookies[sessionCookie];
    if (!secret) return;
    request.caller = await resolveSession(deps, secret);
    const path = request.url.split('?')[0] ?? '';
    if (request.caller?.kind === 'user' && unsafeMethods.has(request.method) && !csrfExempt.has(path)) {
      if (request.headers['x-csrf-token'] !== request.caller.session.csrfToken) {
        throw httpError(403, 'csrf_failed', 'This change needs the X-CSRF-Token header from GET /api/v1/me.');
      }
    }
  });
  // Fail closed: an API route without an access rule stops the server from starting. The table of routes and
  // their rules is kept for the isolation tests, which call every route as every kind of caller.
  app.decorate('routeTable', [] as RouteEntry[]);
  app.addHook('onRoute', (route) => {
    const access = (route.config as { access?: Access } | undefined)?.access;
    if (!route.url.startsWith('/api/v1/')) return;
    if (access === undefined) {
      throw new Error(
        `${String(route.method)} ${route.url} declares no access rule: add config: { access: 'public' | 'user' | 'reader' | 'ingest' | 'manager' | 'fullAdmin' }.`,
      );
    }
    for (const method of [route.method].flat())
      if (method !== 'HEAD') app.routeTable.push({ method, url: route.url, access });
  });
  app.addHook('preValidation', async (request) => {
    const access = request.routeOptions.config.access;
    if (access) checkAccess(request, access);
  });
}

export async function authRoutes(app: FastifyInstance, deps: AuthDeps) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const throttle = createSignInThrottle();
  const meResponse = z.object({
    user: z
      .object({ id: z.string(), email: z.string(), name: z.string(), role: z.string(), orgId: z.string() })
      .nullable(),
    token: z.object({ id: z.string(), name: z.string(), scopes: z.array(z.string()) }).nullable(),
    partner: z
      .object({ id: z.string(), name: z.string(), termsAcceptedAt: z.string().nullable() })
      .nullable(),
    csrfToken: z.string().nullable(),
    settings: statusSettings,
  });

  api.post(
    '/auth/sign-in',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with e-mail and password; sets the session cookie',
        body: z.object({ email, password: z.string().min(1).max(1024) }),
        response: { 200: meResponse },
      },
    },
    async (request, reply) => {
      const previous = request.cookies[sessionCookie];
      const { sessionSecret } = await signIn(deps, throttle, { ...request.body, ip: request.ip });
      // The session id changes at sign-in: whatever id this browser held before (planted or its own) ends here.
      if (previous) await endSession(deps, previous);
      setSessionCookie(request, reply, sessionSecret, deps.config.SESSION_MAX_HOURS * 3600);
      const caller = await resolveSession(deps, sessionSecret);
      if (!caller) throw httpError(500, 'internal_error', 'The new session could not be read back.');
      return describeCaller(deps, caller);
    },
  );

  api.post(
    '/auth/sign-out',
    { config: { access: 'public' }, schema: { tags: ['auth'], summary: 'End this session' } },
    async (request, reply) => {
      if (request.caller) await signOut(deps, request.caller, false);
      reply.clearCookie(sessionCookie, { path: '/' });
      return reply.status(204).send();
    },
  );

  api.post(
    '/auth/sign-out-everywhere',
    {
      config: { access: 'user' },
      schema: { tags: ['auth'], summary: 'End every session of the signed-in person' },
    },
    async (request, reply) => {
      const caller = requireUser(request);
      await signOut(deps, caller, true);
      reply.clearCookie(sessionCookie, { path: '/' });
      return reply.status(204).send();
    },
  );

  api.get(
    '/me',
    {
      config: { access: 'public' },
      schema: { tags: ['auth'], summary: 'Who is signed in', response: { 200: meResponse } },
    },
    async (request) => {
      if (!request.caller) throw httpError(401, 'unauthenticated', 'Not signed in.');
      return describeCaller(deps, request.caller);
    },
  );
}
