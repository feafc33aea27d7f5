import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { ConsoleAccess } from '../../contract/assignments';
import type { CustomerRole, Product } from '../../contract/common';
import { actorOf, customerScope, isPartnerUser, type UserCaller } from '../auth/caller';
import { hashPassword, passwordProblem, randomSecret, sha256 } from '../auth/credentials';
import { recordAudit } from '../audit/record';
import { forbidden, httpError, invalid, notFound } from '../http/errors';
import { todayUtc } from '../dates';
import { termsVersion } from '../partners/service';
import { customerAdmins, customerSubscriptions, externalAdminsOf } from '../customers/queries';
import { findScopedCustomer } from '../assignments/queries';
import { findSignInUser } from '../auth/queries';
import * as queries from './queries';

export type ConsoleDeps = { db: Kysely<DB> };

// Long enough to cover a trial's first weeks; a new link can be sent by inviting the person again.
const invitationDays = 30;

export const invitationUrl = (token: string) => `/invite/${token}`;

/**
 * Makes `email` an administrator of the customer organization (no password yet) unless they are one, and
 * answers an invitation link while they have no password. Runs inside the caller's transaction.
 */
export async function inviteCustomerAdmin(
  db: Kysely<DB>,
  input: { partnerId: string; orgId: string; email: string; name?: string; role: CustomerRole },
): Promise<{ userId: string; created: boolean; invitation: { email: string; url: string } | null }> {
  const existing = await queries.findOrgUser(db, input);
  const userId = existing?.id ?? randomUUID();
  if (!existing) {
    await queries.insertCustomerUser(db, {
      ...input,
      id: userId,
      name: input.name ?? input.email.split('@')[0] ?? input.email,
    });
  }
  if (existing?.password_hash) return { userId, created: false, invitation: null };
  const token = randomSecret();
  await queries.insertInvitation(db, {
    id: randomUUID(),
    email: input.email,
    tokenHash: sha256(token),
    partnerId: input.partnerId,
    orgId: input.orgId,
    expiresAt: new Date(Date.now() + invitationDays * 86_400_000).toISOString(),
  });
  return { userId, created: !existing, invitation: { email: input.email, url: invitationUrl(token) } };
}

/**
 * Who may open which console with which rights (SPEC §6, §8): partner users for customers in their scope
 * (read-only administrators read-only), and the customer's own administrators. Anyone else: 404.
 */
async function openConsole(db: Kysely<DB>, caller: UserCaller, customerId: string) {
  const partnerUser = isPartnerUser(caller);
  const ownOrg = !partnerUser && caller.orgId === customerId.toLowerCase();
  const customer =
    partnerUser || ownOrg
      ? await findScopedCustomer(db, {
          scope: partnerUser ? customerScope(caller) : { partnerId: caller.partnerId },
          customerId,
        })
      : undefined;
  if (!customer) throw notFound(`Customer ${customerId}`);
  const access: ConsoleAccess =
    caller.role === 'partner_readonly_admin' || caller.role === 'customer_readonly_admin'
      ? 'read-only'
      : 'full';
  return { customer, access };
}

function requireFullAccess(access: ConsoleAccess) {
  if (access !== 'full') throw forbidden('You have read-only access to this organization.');
}

async function openForChange(db: Kysely<DB>, caller: UserCaller, customerId: string) {
  const opened = await openConsole(db, caller, customerId);
  requireFullAccess(opened.access);
  return opened.customer;
}

export async function getConsole(deps: ConsoleDeps, input: { caller: UserCaller; customerId: string }) {
  const { customer, access } = await openConsole(deps.db, input.caller, input.customerId);
  const partnerId = input.caller.partnerId;
  const asOf = todayUtc();
  const [admins, externalAdmins, subscriptions] = await Promise.all([
    customerAdmins(deps.db, { partnerId, customerId: customer.id, asOf }),
    externalAdminsOf(deps.db, { partnerId, customerId: customer.id }),
    customerSubscriptions(deps.db, { scope: { partnerId }, asOf, customerId: customer.id }),
  ]);
  return {
    organization: {
      id: customer.id,
      name: customer.name,
      country: customer.country,
      createdAt: customer.created_at,
    },
    access,
    admins,
    externalAdmins,
    subscriptions: subscriptions.map((s) => ({
      id: s.id,
      kind: s.kind,
      status: s.status,
      startDate: s.start_date,
      // The end of the current term: an auto-renewing subscription's renewal date.
      endDate: s.effective_end,
      products: s.licenses.map((l) => ({
        product: l.product as Product,
        purchased: l.purchased,
        assigned: l.assigned,
        used: l.used,
        available: Math.max(l.purchased - l.assigned, 0),
      })),
    })),
  };
}

export async function inviteAdmin(
  deps: ConsoleDeps,
  input: { caller: UserCaller; customerId: string; email: string; name: string; role: CustomerRole },
) {
  const customer = await openForChange(deps.db, input.caller, input.customerId);
  const partnerId = input.caller.partnerId;
  return deps.db.transaction().execute(async (trx) => {
    const existing = await queries.findOrgUser(trx, { partnerId, orgId: customer.id, email: input.email });
    if (existing?.password_hash)
      throw httpError(409, 'conflict', `${input.email} is an administrator of ${customer.name} already.`);
    const invited = await inviteCustomerAdmin(trx, {
      partnerId,
      orgId: customer.id,
      email: input.email,
      name: input.name,
      role: input.role,
    });
    await recordAudit(trx, {
      partnerId,
      actor: actorOf(input.caller),
      action: existing ? 'customer_admin.reinvite' : 'customer_admin.invite',
      objectType: 'customer',
      objectId: customer.id,
      after: {
        email: input.email,
        name: existing?.display_name ?? input.name,
        role: existing?.role ?? input.role,
      },
    });
    return {
      email: input.email,
      name: existing?.display_name ?? input.name,
      role: (existing?.role ?? input.role) as CustomerRole,
      invitation: invited.invitation as { email: string; url: string },
    };
  });
}

// Removals find their target before checking rights: read-only callers see these lists anyway, so "not found"
// tells them nothing new.
export async function removeAdmin(
  deps: ConsoleDeps,
  input: { caller: UserCaller; customerId: string; email: string },
) {
  const { customer, access } = await openConsole(deps.db, input.caller, input.customerId);
  const partnerId = input.caller.partnerId;
  const email = input.email.trim().toLowerCase();
  await deps.db.transaction().execute(async (trx) => {
    const user = await queries.findOrgUser(trx, { partnerId, orgId: customer.id, email });
    if (!user) throw notFound(`Administrator ${email} of this organization`);
    requireFullAccess(access);
    if (user.id === input.caller.userId)
      throw httpError(409, 'conflict', "You can't remove yourself; ask another administrator.");
    await queries.deleteOrgUser(trx, { partnerId, orgId: customer.id, id: user.id });
    await queries.deleteOpenInvitations(trx, { partnerId, orgId: customer.id, email });
    await recordAudit(trx, {
      partnerId,
      actor: actorOf(input.caller),
      action: 'customer_admin.remove',
      objectType: 'customer',
      objectId: customer.id,
      before: { email, name: user.display_name, role: user.role },
    });
  });
}

export async function addExternalAdmin(
  deps: ConsoleDeps,
  input: { caller: UserCaller; customerId: string; email: string; name: string },
) {
  const customer = await openForChange(deps.db, input.caller, input.customerId);
  const partnerId = input.caller.partnerId;
  return deps.db.transaction().execute(async (trx) => {
    const added = await queries.insertExternalAdmin(trx, {
      partnerId,
      customerId: customer.id,
      email: input.email,
      name: input.name,
    });
    if (!added)
      throw httpError(
        409,
        'conflict',
        `${input.email} is an external administrator of ${customer.name} already.`,
      );
    await recordAudit(trx, {
      partnerId,
      actor: actorOf(input.caller),
      action: 'external_admin.add',
      objectType: 'customer',
      objectId: customer.id,
      after: { email: input.email, name: input.name },
    });
    return { email: added.email, name: added.display_name, addedAt: added.added_at };
  });
}

export async function removeExternalAdmin(
  deps: ConsoleDeps,
  input: { caller: UserCaller; customerId: string; email: string },
) {
  const { customer, access } = await openConsole(deps.db, input.caller, input.customerId);
  const partnerId = input.caller.partnerId;
  const email = input.email.trim().toLowerCase();
  await deps.db.transaction().execute(async (trx) => {
    const removed = await queries.deleteExternalAdmin(trx, { partnerId, customerId: customer.id, email });
    if (!removed) throw notFound(`External administrator ${email} of this organization`);
    requireFullAccess(access);
    await recordAudit(trx, {
      partnerId,
      actor: actorOf(input.caller),
      action: 'external_admin.remove',
      objectType: 'customer',
      objectId: customer.id,
      before: { email, name: removed.display_name },
    });
  });
}

async function openAdminInvitation(db: Kysely<DB>, token: string, forUpdate = false) {
  const invitation = await queries.findAdminInvitation(db, sha256(token), forUpdate);
  if (!invitation) return undefined;
  if (invitation.accepted_at)
    throw httpError(409, 'conflict', 'This invitation has been used already. Sign in instead.');
  if (Date.parse(invitation.expires_at) < Date.now())
    throw httpError(
      409,
      'conflict',
      'This invitation has expired. Ask an administrator to invite you again.',
    );
  return invitation;
}

/** A customer administrator invitation as the invitee sees it; undefined when the token is not one. */
export async function describeAdminInvitation(deps: ConsoleDeps, token: string) {
  const invitation = await openAdminInvitation(deps.db, token);
  if (!invitation) return undefined;
  return {
    email: invitation.email,
    kind: 'customer_admin' as const,
    plan: null,
    termsVersion,
    organization: { name: invitation.org_name },
  };
}

/**
 * The invited customer administrator sets a name and password. Answers who to sign in, or undefined when the
 * token is not a customer administrator invitation.
 */
export async function acceptAdminInvitation(
  deps: ConsoleDeps,
  input: { token: string; name: string; password: string },
) {
  return deps.db.transaction().execute(async (trx) => {
    const invitation = await openAdminInvitation(trx, input.token, true);
    if (!invitation) return undefined;
    const problem = passwordProblem(input.password);
    if (problem) throw invalid(problem, [{ path: 'password', message: problem }]);
    const partnerId = invitation.partner_id as string;
    const orgId = invitation.org_id as string;
    const user = await queries.findOrgUser(trx, { partnerId, orgId, email: invitation.email });
    if (!user)
      throw httpError(
        409,
        'conflict',
        `${invitation.email} is no longer an administrator of ${invitation.org_name}.`,
      );
    const signsInElsewhere = await findSignInUser(trx, invitation.email);
    if (signsInElsewhere && signsInElsewhere.id !== user.id) {
      throw httpError(
        409,
        'conflict',
        `${invitation.email} signs in to another organization already; ask to be invited with another e-mail address.`,
      );
    }
    const now = new Date().toISOString();
    await queries.setUserPassword(trx, {
      partnerId,
      id: user.id,
      name: input.name,
      passwordHash: await hashPassword(input.password),
    });
    await queries.markInvitationAccepted(trx, invitation.id, now);
    await recordAudit(trx, {
      partnerId,
      actor: { type: 'user', id: user.id, label: invitation.email },
      action: 'customer_admin.accept',
      objectType: 'customer',
      objectId: orgId,
      after: { email: invitation.email, name: input.name },
    });
    return { partnerId, userId: user.id, orgId, email: invitation.email, orgKind: 'customer' as const };
  });
}
