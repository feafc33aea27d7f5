import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { recordAudit, type AuditActor } from '../audit/record';
import { searchableName } from './search';
import { insertCustomer } from './queries';

/**
 * A customer organization the partner creates itself, for a trial or an order set up for a new customer: its
 * external id names where it came from, and the audit log records it with `audit`'s details. Answers its id.
 */
export async function createCustomer(
  trx: Kysely<DB>,
  input: {
    partnerId: string;
    actor: AuditActor;
    origin: 'trial' | 'order';
    customer: { name: string; country: string; createdAt: string };
    audit?: Record<string, unknown>;
  },
): Promise<string> {
  const { partnerId, customer } = input;
  const id = randomUUID();
  await insertCustomer(trx, {
    partnerId,
    id,
    externalId: `${input.origin}-${id.slice(0, 8)}`,
    searchName: searchableName(customer.name),
    ...customer,
  });
  await recordAudit(trx, {
    partnerId,
    actor: input.actor,
    action: 'customer.create',
    objectType: 'customer',
    objectId: id,
    after: { ...customer, ...input.audit },
  });
  return id;
}
