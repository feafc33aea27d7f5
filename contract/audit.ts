import { z } from 'zod';
import { isoDate, listOf, page, pageSize } from './common';

// Every change is an audit event: who did what to which object, when, with before/after values.
const filter = z.string().trim().min(1).max(200).optional();

export const auditQuery = z.object({
  objectType: filter,
  objectId: filter,
  /** The actor's label (an e-mail, `token:<name>`) or id. */
  actor: filter,
  action: filter,
  /** UTC dates, both included. */
  from: isoDate.optional(),
  to: isoDate.optional(),
  page,
  pageSize,
});

export const auditEvent = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.string(),
  actorType: z.enum(['user', 'token', 'operator']),
  actorId: z.string().nullable(),
  action: z.string(),
  objectType: z.string(),
  objectId: z.string(),
  before: z.unknown(),
  after: z.unknown(),
});
export const auditList = listOf(auditEvent);
