import type { FastifyRequest } from 'fastify';
import type { CustomerRole, PartnerRole, TokenScope } from '../../contract/common';
import { forbidden, httpError } from '../http/errors';

export type UserCaller = {
  kind: 'user';
  partnerId: string;
  userId: string;
  orgId: string;
  email: string;
  name: string;
  role: PartnerRole | CustomerRole;
  session: { idHash: string; csrfToken: string };
  /** The partner's usage log held batches when the caller was looked up (server/ingest/usage-log.ts). */
  usageWaiting: boolean;
};
export type TokenCaller = {
  kind: 'token';
  partnerId: string;
  tokenId: string;
  name: string;
  scopes: TokenScope[];
  usageWaiting: boolean;
};
export type Caller = UserCaller | TokenCaller;

/** Which customers a caller may see: all of the partner's, or only those provisioned by or assigned to them. */
export type CustomerScope = { partnerId: string; assignedTo?: string };

/** Someone acting for a partner organization: a partner user, or a token. */
export type PartnerCaller = (UserCaller & { role: PartnerRole }) | TokenCaller;

/**
 * Who may call a route, declared on the route (`config: { access }`) and checked before its input is validated,
 * so a caller without the right learns nothing from validation errors.
 */
export type Access = 'public' | 'user' | 'reader' | 'ingest' | 'manager' | 'fullAdmin';

declare module 'fastify' {
  // Declaration merging needs interfaces.
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions
  interface FastifyRequest {
    caller: Caller | null;
  }
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions
  interface FastifyContextConfig {
    access?: Access;
  }
}

const unauthenticated = () =>
  httpError(401, 'unauthenticated', 'Sign in, or send an API token as "Authorization: Bearer <token>".');

export function isPartnerUser(caller: Caller): caller is UserCaller & { role: PartnerRole } {
  return caller.kind === 'user' && caller.role.startsWith('partner_');
}

export function customerScope(caller: PartnerCaller): CustomerScope {
  return caller.kind === 'user' && caller.role === 'partner_admin'
    ? { partnerId: caller.partnerId, assignedTo: caller.userId }
    : { partnerId: caller.partnerId };
}

/** Partner users of any role, or a token with the `read` scope. */
export function requireReader(request: FastifyRequest): PartnerCaller {
  const caller = request.caller;
  if (!caller) throw unauthenticated();
  if (caller.kind === 'token') {
    if (!caller.scopes.includes('read')) throw forbidden('This API token lacks the "read" scope.');
    return caller;
  }
  if (!isPartnerUser(caller)) throw forbidden('Only partner administrators can use the partner API.');
  return caller;
}

/** A token with the `ingest` scope, or a partner full administrator. */
export function requireIngest(request: FastifyRequest): PartnerCaller {
  const caller = request.caller;
  if (!caller) throw unauthenticated();
  if (caller.kind === 'token') {
    if (!caller.scopes.includes('ingest')) throw forbidden('This API token lacks the "ingest" scope.');
    return caller;
  }
  if (caller.role !== 'partner_full_admin')
    throw forbidden(
      'Only a partner full administrator or an API token with the "ingest" scope can import data.',
    );
  return caller as UserCaller & { role: 'partner_full_admin' };
}

/** Full administrators and partner administrators: they start trials and set up orders. */
export function requireManager(
  request: FastifyRequest,
): UserCaller & { role: 'partner_full_admin' | 'partner_admin' } {
  const caller = request.caller;
  if (!caller) throw unauthenticated();
  if (caller.kind === 'user' && (caller.role === 'partner_full_admin' || caller.role === 'partner_admin')) {
    return caller as UserCaller & { role: 'partner_full_admin' | 'partner_admin' };
  }
  throw forbidden('This needs a partner full administrator or a partner administrator.');
}

export function requireFullAdmin(request: FastifyRequest): UserCaller & { role: 'partner_full_admin' } {
  const caller = request.caller;
  if (!caller) throw unauthenticated();
  if (caller.kind === 'user' && caller.role === 'partner_full_admin')
    return caller as UserCaller & { role: 'partner_full_admin' };
  throw forbidden('This needs a partner full administrator.');
}

/** Any signed-in person (partner or customer administrator). */
export function requireUser(request: FastifyRequest): UserCaller {
  const caller = request.caller;
  if (!caller) throw unauthenticated();
  if (caller.kind !== 'user') throw forbidden('This needs a signed-in person, not an API token.');
  return caller;
}

export function actorOf(caller: Caller): { type: 'user' | 'token'; id: string; label: string } {
  return caller.kind === 'user'
    ? { type: 'user', id: caller.userId, label: caller.email }
    : { type: 'token', id: caller.tokenId, label: `token:${caller.name}` };
}

const accessChecks: Record<Exclude<Access, 'public'>, (request: FastifyRequest) => unknown> = {
  user: requireUser,
  reader: requireReader,
  ingest: requireIngest,
  manager: requireManager,
  fullAdmin: requireFullAdmin,
};

export function checkAccess(request: FastifyRequest, access: Access): void {
  if (access !== 'public') accessChecks[access](request);
}
