import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { ConsoleAccess } from '../../contract/assignments';
import { actorOf, customerScope, isPartnerUser, type PartnerCaller, type UserCaller } from '../auth/caller';
import { recordAudit } from '../audit/record';
import { forbidden, httpError, invalid, notFound, type IssueDetail } from '../http/errors';
import { partnerAdminsOf } from '../customers/queries';
import * as queries from './queries';

export type AssignmentsDeps = { db: Kysely<DB> };
type FullAdmin = UserCaller & { role: 'partner_full_admin' };

const roleNames: Record<string, string> = {
  partner_full_admin: 'a partner full administrator',
  partner_readonly_admin: 'a partner read-only administrator',
};

function notAssignable(user: { display_name: string; email: string; role: string | null }) {
  return `${user.display_name} (${user.email}) is ${roleNames[user.role ?? ''] ?? 'not a partner administrator'} and sees every customer already; only partner administrators can be assigned customers`;
}

async function scopedCustomerOrNotFound(db: Kysely<DB>, caller: PartnerCaller, customerId: string) {
  const customer = await queries.findScopedCustomer(db, { scope: customerScope(caller), customerId });
  if (!customer) throw notFound(`Customer ${customerId}`);
  return customer;
}

export async function listPartnerAdmins(
  deps: AssignmentsDeps,
  input: { caller: PartnerCaller; customerId: string },
) {
  const customer = await scopedCustomerOrNotFound(deps.db, input.caller, input.customerId);
  const rows = await partnerAdminsOf(deps.db, { partnerId: input.caller.partnerId, customerId: customer.id });
  return {
    items: rows.map((row) => ({
      userId: row.user_id,
      name: row.name,
      email: row.email,
      role: row.role as 'partner_full_admin' | 'partner_admin' | 'partner_readonly_admin',
      source: row.source as 'provisioned' | 'assigned' | null,
      allCustomers: row.all_customers,
    })),
  };
}

/**
 * Assigns or unassigns partner administrators to customers, all or nothing. Only `partner_admin` users can be
 * assigned: full and read-only administrators see every customer already, and are refused by name.
 */
export async function changeAssignments(
  deps: AssignmentsDeps,
  input: { caller: FullAdmin; action: 'assign' | 'unassign'; userIds: string[]; customerIds: string[] },
): Promise<{ changed: number }> {
  const { partnerId } = input.caller;
  const userIds = [...new Set(input.userIds.map((id) => id.toLowerCase()))];
  const customerIds = [...new Set(input.customerIds.map((id) => id.toLowerCase()))];
  return deps.db.transaction().execute(async (trx) => {
    const users = new Map(
      (await queries.partnerUsersByIds(trx, partnerId, userIds)).map((user) => [user.id, user]),
    );
    const customers = await queries.existingCustomerIds(trx, partnerId, customerIds);
    const issues: IssueDetail[] = [];
    input.userIds.forEach((id, index) => {
      const user = users.get(id.toLowerCase());
      if (!user)
        issues.push({
          path: `userIds[${index}]`,
          message: `${id} is not a user of this partner organization`,
        });
      else if (input.action === 'assign' && user.role !== 'partner_admin')
        issues.push({ path: `userIds[${index}]`, message: notAssignable(user) });
    });
    input.customerIds.forEach((id, index) => {
      if (!customers.has(id.toLowerCase()))
        issues.push({
          path: `customerIds[${index}]`,
          message: `${id} is not a customer of this partner organization`,
        });
    });
    if (issues.length) throw invalid(`Nothing was changed: ${(issues[0] as IssueDetail).message}.`, issues);

    const pairs = userIds.flatMap((userId) => customerIds.map((customerId) => ({ userId, customerId })));
    const actor = actorOf(input.caller);
    if (input.action === 'assign') {
      const added = await queries.addAssignments(trx, { partnerId, pairs, source: 'assigned' });
      for (const pair of added) {
        await recordAudit(trx, {
          partnerId,
          actor,
          action: 'assignment.add',
          objectType: 'customer',
          objectId: pair.customerId,
          after: { userId: pair.userId, email: users.get(pair.userId)?.email, source: 'assigned' },
        });
      }
      return { changed: added.length };
    }
    const removed = await queries.removeAssignments(trx, { partnerId, pairs });
    for (const pair of removed) {
      await recordAudit(trx, {
        partnerId,
        actor,
        action: 'assignment.remove',
        objectType: 'customer',
        objectId: pair.customerId,
        before: { userId: pair.userId, email: users.get(pair.userId)?.email, source: pair.source },
      });
    }
    return { changed: removed.length };
  });
}

/** Assigns one partner administrator to one customer (the customer's Partner administrators tab). */
export async function addPartnerAdmin(
  deps: AssignmentsDeps,
  input: { caller: FullAdmin; customerId: string; userId: string },
) {
  const customer = await scopedCustomerOrNotFound(deps.db, input.caller, input.customerId);
  const [user] = await queries.partnerUsersByIds(deps.db, input.caller.partnerId, [
    input.userId.toLowerCase(),
  ]);
  if (!user)
    throw invalid(`${input.userId} is not a user of this partner organization.`, [
      { path: 'userId', message: 'is not a user of this partner organization' },
    ]);
  if (user.role !== 'partner_admin') {
    const message = notAssignable(user);
    throw invalid(`${message}.`, [{ path: 'userId', message }]);
  }
  await changeAssignments(deps, {
    caller: input.caller,
    action: 'assign',
    userIds: [user.id],
    customerIds: [customer.id],
  });
  const rows = await partnerAdminsOf(deps.db, { partnerId: input.caller.partnerId, customerId: customer.id });
  const source =
    rows.find((row) => row.user_id === user.id)?.source === 'provisioned' ? 'provisioned' : 'assigned';
  return { userId: user.id, customerId: customer.id, source: source as 'provisioned' | 'assigned' };
}

export async function removePartnerAdmin(
  deps: AssignmentsDeps,
  input: { caller: FullAdmin; customerId: string; userId: string },
) {
  const customer = await scopedCustomerOrNotFound(deps.db, input.caller, input.customerId);
  const absent = () => notFound(`Partner administrator ${input.userId} of this customer`);
  if (!queries.isUuid(input.userId)) throw absent();
  const [user] = await queries.partnerUsersByIds(deps.db, input.caller.partnerId, [
    input.userId.toLowerCase(),
  ]);
  if (!user) throw absent();
  if (user.role !== 'partner_admin') {
    throw httpError(
      409,
      'conflict',
      `${user.display_name} (${user.email}) sees every customer by role and can't be removed here; change their role on the Users page instead.`,
    );
  }
  const { changed } = await changeAssignments(deps, {
    caller: input.caller,
    action: 'unassign',
    userIds: [user.id],
    customerIds: [customer.id],
  });
  if (changed === 0) throw absent();
}

/** Opens the customer console with the caller's rights (SPEC §6 matrix); audited, as it acts on the customer. */
export async function launchConsole(
  deps: AssignmentsDeps,
  input: { caller: UserCaller; customerId: string },
) {
  const { caller } = input;
  if (!isPartnerUser(caller)) throw forbidden('Only partner administrators launch customer organizations.');
  const customer = await scopedCustomerOrNotFound(deps.db, caller, input.customerId);
  const access: ConsoleAccess = caller.role === 'partner_readonly_admin' ? 'read-only' : 'full';
  await recordAudit(deps.db, {
    partnerId: caller.partnerId,
    actor: actorOf(caller),
    action: 'customer.launch',
    objectType: 'customer',
    objectId: customer.id,
    after: { access },
  });
  return { url: `/console/${customer.id}`, access };
}
