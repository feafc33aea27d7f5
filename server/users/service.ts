import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { PartnerRole } from '../../contract/common';
import type { PartnerUser } from '../../contract/users';
import { actorOf, type UserCaller } from '../auth/caller';
import { hashPassword, passwordProblem } from '../auth/credentials';
import { deleteUserSessions, findSignInUser } from '../auth/queries';
import { recordAudit } from '../audit/record';
import { httpError, invalid, notFound } from '../http/errors';
import { isUuid } from '../assignments/queries';
import * as queries from './queries';

export type UsersDeps = { db: Kysely<DB> };
type FullAdmin = UserCaller & { role: 'partner_full_admin' };
type UserFields = { role?: PartnerRole; active?: boolean; name?: string };

function toUser(row: queries.PartnerUserRow): PartnerUser {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    active: row.active,
    createdAt: row.created_at,
    lastSignInAt: row.last_sign_in_at,
    customerCount: row.customer_count,
  };
}

async function userById(db: Kysely<DB>, partnerId: string, id: string) {
  const [row] = await queries.listPartnerUsers(db, { partnerId, userId: id });
  return toUser(row as queries.PartnerUserRow);
}

export async function listUsers(
  deps: UsersDeps,
  input: { caller: FullAdmin; page: number; pageSize: number },
) {
  const partnerId = input.caller.partnerId;
  const rows = await queries.listPartnerUsers(deps.db, {
    partnerId,
    limit: input.pageSize,
    offset: (input.page - 1) * input.pageSize,
  });
  const total = rows[0]?.total ?? (input.page > 1 ? await queries.countPartnerUsers(deps.db, partnerId) : 0);
  return { items: rows.map(toUser), total };
}

/** Everyone who sees all customers, and the partner administrators with how many customers each manages. */
export async function listAdministrators(deps: UsersDeps, input: { caller: FullAdmin }) {
  const users = (await queries.listPartnerUsers(deps.db, { partnerId: input.caller.partnerId }))
    .filter((row) => row.active)
    .map(toUser);
  return {
    allCustomers: users.filter((user) => user.role !== 'partner_admin'),
    partnerAdmins: users.filter((user) => user.role === 'partner_admin'),
  };
}

export async function createUser(
  deps: UsersDeps,
  input: { caller: FullAdmin; email: string; name: string; role: PartnerRole; password: string },
): Promise<PartnerUser> {
  const problem = passwordProblem(input.password);
  if (problem) throw invalid(problem, [{ path: 'password', message: problem }]);
  const passwordHash = await hashPassword(input.password);
  const partnerId = input.caller.partnerId;
  const id = randomUUID();
  return deps.db.transaction().execute(async (trx) => {
    // Whoever signs in is found by e-mail alone, so an e-mail signs in to one account only.
    const taken =
      (await findSignInUser(trx, input.email)) ??
      (await queries.partnerUserWithEmail(trx, partnerId, input.email));
    if (taken)
      throw httpError(409, 'conflict', `A user with the e-mail ${input.email} exists already.`, [
        { path: 'email', message: 'is taken' },
      ]);
    await queries.insertPartnerUser(trx, {
      partnerId,
      id,
      email: input.email,
      name: input.name,
      role: input.role,
      passwordHash,
    });
    await recordAudit(trx, {
      partnerId,
      actor: actorOf(input.caller),
      action: 'user.create',
      objectType: 'user',
      objectId: id,
      after: { email: input.email, name: input.name, role: input.role, active: true },
    });
    return userById(trx, partnerId, id);
  });
}

/**
 * Sets a user's role, name or whether they are active. Deactivating ends their sessions. The organization always
 * keeps an active full administrator: the last one can't be demoted or deactivated.
 */
export async function updateUser(
  deps: UsersDeps,
  input: { caller: FullAdmin; id: string; role?: PartnerRole; active?: boolean; name?: string },
): Promise<PartnerUser> {
  const partnerId = input.caller.partnerId;
  if (!isUuid(input.id)) throw notFound(`User ${input.id}`);
  return deps.db.transaction().execute(async (trx) => {
    // Full administrators first, then the user: every change locks in the same order.
    const fullAdmins = await queries.lockActiveFullAdmins(trx, partnerId);
    const user = await queries.findPartnerUserForUpdate(trx, partnerId, input.id.toLowerCase());
    if (!user) throw notFound(`User ${input.id}`);
    const before: UserFields = {};
    const after: UserFields = {};
    if (input.role !== undefined && input.role !== user.role) {
      before.role = user.role as PartnerRole;
      after.role = input.role;
    }
    if (input.active !== undefined && input.active !== user.active) {
      before.active = user.active;
      after.active = input.active;
    }
    if (input.name !== undefined && input.name !== user.display_name) {
      before.name = user.display_name;
      after.name = input.name;
    }

    const losesFullAdmin =
      fullAdmins.includes(user.id) &&
      ((after.role !== undefined && after.role !== 'partner_full_admin') || after.active === false);
    if (losesFullAdmin && fullAdmins.length === 1) {
      const who = user.id === input.caller.userId ? 'You are' : `${user.display_name} (${user.email}) is`;
      throw httpError(
        409,
        'conflict',
        `${who} the last active full administrator; make someone else a full administrator first.`,
      );
    }
    if (Object.keys(after).length) {
      await queries.updatePartnerUser(trx, {
        partnerId,
        id: user.id,
        changes: { role: after.role, active: after.active, display_name: after.name },
      });
      if (after.active === false) await deleteUserSessions(trx, partnerId, user.id);
      await recordAudit(trx, {
        partnerId,
        actor: actorOf(input.caller),
        action:
          after.active === false
            ? 'user.deactivate'
            : after.active === true
              ? 'user.reactivate'
              : 'user.update',
        objectType: 'user',
        objectId: user.id,
        before,
        after,
      });
    }
    return userById(trx, partnerId, user.id);
  });
}
