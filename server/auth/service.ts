import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { Config } from '../config';
import type { Caller } from './caller';
import type { CustomerRole, PartnerRole, TokenScope } from '../../contract/common';
import { httpError } from '../http/errors';
import { randomSecret, sha256, verifyPassword } from './credentials';
import { createThrottle, type Throttle } from './throttle';
import * as queries from './queries';

export type AuthDeps = { db: Kysely<DB>; config: Config };

/** Five wrong passwords per account, or thirty per address, in fifteen minutes: then wait. One per server. */
export function createSignInThrottle(): Throttle {
  return createThrottle({ windowMs: 15 * 60_000, limits: (key) => (key.startsWith('account:') ? 5 : 30) });
}

export async function signIn(
  deps: AuthDeps,
  throttle: Throttle,
  input: { email: string; password: string; ip: string },
) {
  const keys = [`account:${input.email}`, `address:${input.ip}`];
  const wait = throttle.retryAfter(keys);
  if (wait > 0) {
    throw httpError(
      429,
      'too_many_requests',
      `Too many failed sign-ins. Try again in ${wait} seconds.`,
      { retryAfterSeconds: wait },
      { 'Retry-After': String(wait) },
    );
  }
  const user = await queries.findSignInUser(deps.db, input.email);
  const valid = await verifyPassword(user?.password_hash ?? null, input.password);
  if (!user || !valid || !user.active) {
    throttle.fail(keys);
    throw httpError(
      401,
      'unauthenticated',
      user && valid ? 'This account is deactivated.' : 'The e-mail address or password is wrong.',
    );
  }
  throttle.clear([`account:${input.email}`]);
  return startSession(deps, {
    partnerId: user.partner_id,
    userId: user.id,
    orgId: user.org_id,
    email: user.email,
    orgKind: user.org_kind,
  });
}

/**
 * Signs a person in whose identity is already settled (a password checked, or an invitation just accepted):
 * a new session, the sign-in time, and for a customer administrator the activity the partner watches.
 */
export async function startSession(
  deps: AuthDeps,
  user: { partnerId: string; userId: string; orgId: string; email: string; orgKind: 'partner' | 'customer' },
) {
  // A new session id at every sign-in: a session id planted before sign-in is worthless after it.
  const sessionSecret = randomSecret();
  const csrfToken = randomSecret();
  const now = new Date();
  await deps.db.transaction().execute(async (trx) => {
    await queries.insertSession(trx, {
      idHash: sha256(sessionSecret),
      partnerId: user.partnerId,
      userId: user.userId,
      csrfToken,
      expiresAt: new Date(now.getTime() + deps.config.SESSION_MAX_HOURS * 3_600_000).toISOString(),
    });
    await queries.recordSignIn(trx, {
      partnerId: user.partnerId,
      userId: user.userId,
      at: now.toISOString(),
    });
    // A customer administrator's sign-in is the activity the partner watches (SPEC §2, no_recent_activity).
    if (user.orgKind === 'customer') {
      await trx
        .insertInto('admin_sign_ins')
        .values({
          partner_id: user.partnerId,
          customer_id: user.orgId,
          email: user.email,
          at: now.toISOString(),
        })
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
  });
  return { sessionSecret, csrfToken };
}

export async function resolveSession(deps: AuthDeps, sessionSecret: string): Promise<Caller | null> {
  const idHash = sha256(sessionSecret);
  const row = await queries.findSessionCaller(deps.db, idHash);
  if (!row || !row.active || !row.role) return null;
  const now = Date.now();
  const idleLimit = deps.config.SESSION_IDLE_MINUTES * 60_000;
  if (Date.parse(row.expires_at) <= now || Date.parse(row.last_seen_at) + idleLimit <= now) {
    await queries.deleteSession(deps.db, idHash);
    return null;
  }
  // Refreshing last_seen_at at most once a minute keeps reads from turning into writes.
  if (now - Date.parse(row.last_seen_at) > 60_000)
    await queries.touchSession(deps.db, idHash, new Date(now).toISOString());
  return {
    kind: 'user',
    partnerId: row.partner_id,
    userId: row.user_id,
    orgId: row.org_id,
    email: row.email,
    name: row.display_name,
    role: row.role as PartnerRole | CustomerRole,
    session: { idHash, csrfToken: row.csrf_token },
    usageWaiting: row.usage_waiting,
  };
}

export async function resolveToken(deps: AuthDeps, token: string): Promise<Caller | null> {
  const row = await queries.findToken(deps.db, sha256(token));
  if (!row || row.revoked_at) return null;
  const now = Date.now();
  if (!row.last_used_at || now - Date.parse(row.last_used_at) > 60_000) {
    await queries.touchToken(deps.db, {
      partnerId: row.partner_id,
      id: row.id,
      at: new Date(now).toISOString(),
    });
  }
  return {
    kind: 'token',
    partnerId: row.partner_id,
    tokenId: row.id,
    name: row.name,
    scopes: row.scopes as TokenScope[],
    usageWaiting: row.usage_waiting,
  };
}

/** Ends the session a cookie names, if there is one. */
export async function endSession(deps: AuthDeps, sessionSecret: string) {
  await queries.deleteSession(deps.db, sha256(sessionSecret));
}

export async function signOut(deps: AuthDeps, caller: Caller, everywhere: boolean) {
  if (caller.kind !== 'user') return;
  if (everywhere) await queries.deleteUserSessions(deps.db, caller.partnerId, caller.userId);
  else await queries.deleteSession(deps.db, caller.session.idHash);
}

export async function describeCaller(deps: AuthDeps, caller: Caller) {
  const partner = await queries.findPartner(deps.db, caller.partnerId);
  return {
    user:
      caller.kind === 'user'
        ? {
            id: caller.userId,
            email: caller.email,
            name: caller.name,
            role: caller.role,
            orgId: caller.orgId,
          }
        : null,
    token: caller.kind === 'token' ? { id: caller.tokenId, name: caller.name, scopes: caller.scopes } : null,
    partner: partner
      ? { id: partner.id, name: partner.name, termsAcceptedAt: partner.terms_accepted_at }
      : null,
    csrfToken: caller.kind === 'user' ? caller.session.csrfToken : null,
    // The status thresholds of this installation (SPEC §4.1), so the web app explains the statuses it shows.
    settings: {
      suspendAfterDays: deps.config.SUSPEND_AFTER_DAYS,
      expiringSoonDays: deps.config.EXPIRING_SOON_DAYS,
      noActivityDays: deps.config.NO_ACTIVITY_DAYS,
    },
  };
}
