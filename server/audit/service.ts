import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { toCsv } from '../http/csv';
import { todayUtc } from '../dates';
import * as queries from './queries';

export type AuditDeps = { db: Kysely<DB> };

// An export is one answer; past this many rows, narrow the filters.
const csvLimit = 100_000;

function toEvent(row: queries.AuditRow) {
  return {
    id: row.id,
    at: row.at,
    actor: row.actor_label,
    actorType: row.actor_type,
    actorId: row.actor_id,
    action: row.action,
    objectType: row.object_type,
    objectId: row.object_id,
    before: row.before,
    after: row.after,
  };
}

export async function listAudit(
  deps: AuditDeps,
  input: { partnerId: string; filters: queries.AuditFilters; page: number; pageSize: number },
) {
  const rows = await queries.listAuditEvents(deps.db, {
    partnerId: input.partnerId,
    filters: input.filters,
    limit: input.pageSize,
    offset: (input.page - 1) * input.pageSize,
  });
  // A page past the end still knows how many rows there are.
  const total = rows[0]?.total ?? (input.page > 1 ? await queries.countAuditEvents(deps.db, input) : 0);
  return { items: rows.map(toEvent), total };
}

export async function auditCsv(deps: AuditDeps, input: { partnerId: string; filters: queries.AuditFilters }) {
  const rows = await queries.listAuditEvents(deps.db, { ...input, limit: csvLimit, offset: 0 });
  const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));
  return {
    asOf: input.filters.to ?? todayUtc(),
    csv: toCsv(
      ['id', 'at', 'actorType', 'actor', 'action', 'objectType', 'objectId', 'before', 'after'],
      rows.map((row) => [
        row.id,
        row.at,
        row.actor_type,
        row.actor_label,
        row.action,
        row.object_type,
        row.object_id,
        json(row.before),
        json(row.after),
      ]),
    ),
  };
}
