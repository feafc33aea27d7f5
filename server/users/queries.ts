import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { PartnerRole } from '../../contract/common';

export type PartnerUserRow = {
  id: string;
  email: string;
  name: string;
  role: PartnerRole;
  active: boolean;
  created_at: string;
  last_sign_in_at: string | null;
  customer_count: number;
  total: number;
};

/** The partner organization's own users, with how many customers each manages. */
export async function listPartnerUsers(
  db: Kysely<DB>,
  params: { partnerId: string; userId?: string; limit?: number; offset?: number },
) {
  const { rows } = await sql<PartnerUserRow>`
    select u.id, u.email, u.display_name as name, u.role, u.active, u.created_at, u.last_sign_in_at,
           case when u.role = 'partner_admin'
                then (select count(*) from customer_assignments a where a.partner_id = u.partner_id and a.user_id = u.id)
                else (select count(*) from organizations o where o.partner_id = u.partner_id and o.kind = 'customer')
           end::int as customer_count,
           count(*) over ()::int as total
    from users u
    where u.partner_id = ${params.partnerId} and u.org_id = ${params.partnerId}
      ${params.userId !== undefined ? sql`and u.id = ${params.userId}` : sql``}
    order by lower(u.display_name), u.email
    ${params.limit !== undefined ? sql`limit ${params.limit} offset ${params.offset ?? 0}` : sql``}`.execute(
    db,
  );
  return rows;
}

export async function countPartnerUsers(db: Kysely<DB>, partnerId: string) {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .where('partner_id', '=', partnerId)
    .where('org_id', '=', partnerId)
    .executeTakeFirst();
  return Number(row?.total ?? 0);
}

export function partnerUserWithEmail(db: Kysely<DB>, partnerId: string, email: string) {
  return db
    .selectFrom('users')
    .select('id')
    .where('partner_id', '=', partnerId)
    .where('org_id', '=', partnerId)
    .where('email', '=', email)
    .executeTakeFirst();
}

export async function insertPartnerUser(
  db: Kysely<DB>,
  user: {
    partnerId: string;
    id: string;
    email: string;
    name: string;
    role: PartnerRole;
    passwordHash: string;
  },
) {
  await db
    .insertInto('users')
    .values({
      partner_id: user.partnerId,
      id: user.id,
      org_id: user.partnerId,
      email: user.email,
      display_name: user.name,
      password_hash: user.passwordHash,
      role: user.role,
    })
    .execute();
}

/**
 * The active full administrators of the partner, locked: two full administrators demoting each other at the
 * same moment must not leave the organization without one.
 */
export async function lockActiveFullAdmins(db: Kysely<DB>, partnerId: string) {
  const rows = await db
    .selectFrom('users')
    .select('id')
    .where('partner_id', '=', partnerId)
    .where('org_id', '=', partnerId)
    .where('role', '=', 'partner_full_admin')
    .where('active', '=', true)
    .forUpdate()
    .execute();
  return rows.map((row) => row.id);
}

export function findPartnerUserForUpdate(db: Kysely<DB>, partnerId: string, id: string) {
  return db
    .selectFrom('users')
    .select(['id', 'email', 'display_name', 'role', 'active'])
    .where('partner_id', '=', partnerId)
    .where('org_id', '=', partnerId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export async function updatePartnerUser(
  db: Kysely<DB>,
  params: {
    partnerId: string;
    id: string;
    changes: { role?: PartnerRole; active?: boolean; display_name?: string };
  },
) {
  await db
    .updateTable('users')
    .set(params.changes)
    .where('partner_id', '=', params.partnerId)
    .where('id', '=', params.id)
    .execute();
}
