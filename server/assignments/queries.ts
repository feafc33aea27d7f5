import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { CustomerScope } from '../auth/caller';
import { scopedCustomers } from '../portfolio/queries';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: string) => uuidPattern.test(value);

export type ScopedCustomer = {
  id: string;
  external_id: string | null;
  name: string;
  country: string;
  created_at: string;
};

/** A customer the caller may see, or undefined: outside the scope and nonexistent look the same. */
export async function findScopedCustomer(
  db: Kysely<DB>,
  params: { scope: CustomerScope; customerId: string },
) {
  if (!isUuid(params.customerId)) return undefined;
  const { rows } = await sql<ScopedCustomer>`
    select c.id, c.external_id, c.name, c.country, c.created_at
    from (${scopedCustomers({ scope: params.scope })}) c where c.id = ${params.customerId.toLowerCase()}`.execute(
    db,
  );
  return rows[0];
}

/** Partner users (of the partner organization itself) among `ids`. */
export function partnerUsersByIds(db: Kysely<DB>, partnerId: string, ids: string[]) {
  if (!ids.length) return Promise.resolve([]);
  return db
    .selectFrom('users')
    .select(['id', 'email', 'display_name', 'role', 'active'])
    .where('partner_id', '=', partnerId)
    .where('org_id', '=', partnerId)
    .where('id', 'in', ids)
    .execute();
}

export async function existingCustomerIds(
  db: Kysely<DB>,
  partnerId: string,
  ids: string[],
): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await db
    .selectFrom('organizations')
    .select('id')
    .where('partner_id', '=', partnerId)
    .where('kind', '=', 'customer')
    .where('id', 'in', ids)
    .execute();
  return new Set(rows.map((row) => row.id));
}

export type AssignmentPair = { userId: string; customerId: string };

/** Adds the assignments that don't exist yet and answers those it added. */
export async function addAssignments(
  db: Kysely<DB>,
  params: { partnerId: string; pairs: AssignmentPair[]; source: 'provisioned' | 'assigned' },
): Promise<AssignmentPair[]> {
  if (!params.pairs.length) return [];
  const { rows } = await sql<{ user_id: string; customer_id: string }>`
    insert into customer_assignments (partner_id, user_id, customer_id, source)
    select ${params.partnerId}, * , ${params.source}
    from unnest(${params.pairs.map((p) => p.userId)}::uuid[], ${params.pairs.map((p) => p.customerId)}::uuid[])
    on conflict do nothing
    returning user_id, customer_id`.execute(db);
  return rows.map((row) => ({ userId: row.user_id, customerId: row.customer_id }));
}

/** Removes the given assignments and answers those that existed, with how they came about. */
export async function removeAssignments(
  db: Kysely<DB>,
  params: { partnerId: string; pairs: AssignmentPair[] },
) {
  if (!params.pairs.length) return [];
  const { rows } = await sql<{ user_id: string; customer_id: string; source: string }>`
    delete from customer_assignments a
    using unnest(${params.pairs.map((p) => p.userId)}::uuid[], ${params.pairs.map((p) => p.customerId)}::uuid[]) as t(user_id, customer_id)
    where a.partner_id = ${params.partnerId} and a.user_id = t.user_id and a.customer_id = t.customer_id
    returning a.user_id, a.customer_id, a.source`.execute(db);
  return rows.map((row) => ({ userId: row.user_id, customerId: row.customer_id, source: row.source }));
}
