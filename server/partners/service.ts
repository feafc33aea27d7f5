import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { hashPassword, passwordProblem } from '../auth/credentials';
import { invalid, httpError } from '../http/errors';
import { searchableName } from '../customers/search';
import { recordAudit, type AuditActor } from '../audit/record';
import { todayUtc } from '../dates';

export const termsVersion = '2026-01';

/** Creates a partner organization with its first full administrator (operator CLI, onboarding wizard). */
export async function createPartner(
  db: Kysely<DB>,
  input: {
    name: string;
    country?: string;
    adminEmail: string;
    adminName?: string;
    password: string;
    actor: AuditActor;
    acceptTerms?: boolean;
  },
): Promise<{ partnerId: string; userId: string }> {
  const name = input.name.trim();
  if (!name || name.length > 200)
    throw invalid('A partner name needs 1 to 200 characters.', [
      { path: 'name', message: `got "${input.name}"` },
    ]);
  const email = input.adminEmail.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    throw invalid(`"${input.adminEmail}" is not an e-mail address.`, [
      { path: 'adminEmail', message: 'must be an e-mail address' },
    ]);
  const problem = passwordProblem(input.password);
  if (problem) throw invalid(problem, [{ path: 'password', message: problem }]);
  const passwordHash = await hashPassword(input.password);
  const partnerId = randomUUID();
  const userId = randomUUID();
  const now = new Date().toISOString();
  // Inside a caller's transaction (accepting an invitation) it joins that one; otherwise it opens its own.
  const inTransaction = <T>(work: (trx: Kysely<DB>) => Promise<T>) =>
    db.isTransaction ? work(db) : db.transaction().execute(work);
  await inTransaction(async (trx) => {
    const taken = await trx
      .selectFrom('users')
      .select('id')
      .where('email', '=', email)
      .where('password_hash', 'is not', null)
      .executeTakeFirst();
    if (taken) throw httpError(409, 'conflict', `A user with the e-mail ${email} already exists.`);
    await trx
      .insertInto('organizations')
      .values({
        partner_id: partnerId,
        id: partnerId,
        kind: 'partner',
        name,
        search_name: searchableName(name),
        country: input.country ?? 'SE',
        created_at: todayUtc(),
        tags: [],
        terms_version: input.acceptTerms ? termsVersion : null,
        terms_accepted_at: input.acceptTerms ? now : null,
        terms_accepted_by: input.acceptTerms ? userId : null,
      })
      .execute();
    await trx
      .insertInto('users')
      .values({
        partner_id: partnerId,
        id: userId,
        org_id: partnerId,
        email,
        display_name: input.adminName ?? email.split('@')[0] ?? email,
        password_hash: passwordHash,
        role: 'partner_full_admin',
      })
      .execute();
    await recordAudit(trx, {
      partnerId,
      actor: input.actor,
      action: 'partner.create',
      objectType: 'partner',
      objectId: partnerId,
      after: { name, adminEmail: email },
    });
  });
  return { partnerId, userId };
}

export async function partnerExists(db: Kysely<DB>, partnerId: string): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/i.test(partnerId)) return false;
  const row = await db
    .selectFrom('organizations')
    .select('id')
    .where('partner_id', '=', partnerId)
    .where('id', '=', partnerId)
    .executeTakeFirst();
  return row !== undefined;
}
