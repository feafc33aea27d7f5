import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';

export type AuditActor = { type: 'user' | 'token' | 'operator'; id: string | null; label: string };

/** Appends to the audit log; the application never updates or deletes an audit row. */
export async function recordAudit(
  db: Kysely<DB>,
  event: {
    partnerId: string;
    actor: AuditActor;
    action: string;
    objectType: string;
    objectId: string;
    before?: unknown;
    after?: unknown;
  },
) {
  await db
    .insertInto('audit_events')
    .values({
      partner_id: event.partnerId,
      actor_type: event.actor.type,
      actor_id: event.actor.id,
      actor_label: event.actor.label,
      action: event.action,
      object_type: event.objectType,
      object_id: event.objectId,
      before: event.before === undefined ? null : JSON.stringify(event.before),
      after: event.after === undefined ? null : JSON.stringify(event.after),
    })
    .execute();
}
