import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../db/schema';
import { endOfDay } from '../portfolio/queries';

export type AuditFilters = {
  objectType?: string;
  objectId?: string;
  actor?: string;
  action?: string;
  from?: string;
  to?: string;
};

export type AuditRow = {
  id: string;
  at: string;
  actor_type: 'user' | 'token' | 'operator';
  actor_id: string | null;
  actor_label: string;
  action: string;
  object_type: string;
  object_id: string;
  before: unknown;
  after: unknown;
  total: number;
};

function conditions(partnerId: string, filters: AuditFilters): RawBuilder<unknown> {
  const where: RawBuilder<unknown>[] = [sql`e.partner_id = ${partnerId}`];
  if (filters.objectType) where.push(sql`e.object_type = ${filters.objectType}`);
  if (filters.objectId) where.push(sql`e.object_id = ${filters.objectId}`);
  if (filters.action) where.push(sql`e.action = ${filters.action}`);
  if (filters.actor)
    where.push(sql`(lower(e.actor_label) = ${filters.actor.toLowerCase()} or e.actor_id = ${filters.actor})`);
  if (filters.from) where.push(sql`e.at >= (${filters.from}::date::timestamp at time zone 'UTC')`);
  if (filters.to) where.push(sql`e.at < ${endOfDay(filters.to)}`);
  return sql.join(where, sql` and `);
}

/** Audit events, newest first. */
export async function listAuditEvents(
  db: Kysely<DB>,
  params: { partnerId: string; filters: AuditFilters; limit: number; offset: number },
) {
  const { rows } = await sql<AuditRow>`
    select e.id::text as id, e.at, e.actor_type, e.actor_id, e.actor_label, e.action, e.object_type, e.object_id, e.before, e.after,
           count(*) over ()::int as total
    from audit_events e
    where ${conditions(params.partnerId, params.filters)}
    order by e.at desc, e.id desc
    limit ${params.limit} offset ${params.offset}`.execute(db);
  return rows;
}

export async function countAuditEvents(db: Kysely<DB>, params: { partnerId: string; filters: AuditFilters }) {
  const { rows } = await sql<{ total: number }>`
    select count(*)::int as total from audit_events e where ${conditions(params.partnerId, params.filters)}`.execute(
    db,
  );
  return rows[0]?.total ?? 0;
}
