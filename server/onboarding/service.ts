import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { randomSecret, sha256 } from '../auth/credentials';
import { httpError, invalid, notFound } from '../http/errors';
import { createPartner, termsVersion } from '../partners/service';

const invitationDays = 14;

/** The operator invites a person to start a partner organization (SPEC §3). */
export async function createInvitation(db: Kysely<DB>, input: { email: string }) {
  const email = input.email.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw invalid(`"${input.email}" is not an e-mail address.`);
  const token = randomSecret();
  await db
    .insertInto('invitations')
    .values({
      id: randomUUID(),
      email,
      token_hash: sha256(token),
      kind: 'partner',
      partner_id: null,
      org_id: null,
      expires_at: new Date(Date.now() + invitationDays * 86_400_000).toISOString(),
    })
    .execute();
  return { email, token };
}

async function openInvitation(db: Kysely<DB>, token: string) {
  const invitation = await db
    .selectFrom('invitations')
    .selectAll()
    .where('token_hash', '=', sha256(token))
    .executeTakeFirst();
  if (!invitation || invitation.kind !== 'partner') throw notFound('The invitation');
  if (invitation.accepted_at)
    throw httpError(409, 'conflict', 'This invitation has been used already. Sign in instead.');
  if (Date.parse(invitation.expires_at) < Date.now())
    throw httpError(409, 'conflict', 'This invitation has expired. Ask the operator for a new one.');
  return invitation;
}

export const partnerPlan = {
  name: 'Partner Hub — Partner plan',
  products: ['meetings', 'calling', 'messaging', 'translation', 'contact_center', 'devices'],
};

export async function describeInvitation(db: Kysely<DB>, token: string) {
  const invitation = await openInvitation(db, token);
  return { email: invitation.email, kind: invitation.kind, plan: partnerPlan, termsVersion };
}

/** "Get started": the terms are accepted, the partner organization exists, its first full administrator too. */
export async function acceptInvitation(
  db: Kysely<DB>,
  input: {
    token: string;
    name: string;
    password: string;
    organizationName: string;
    country: string;
    acceptTerms: boolean;
  },
) {
  if (!input.acceptTerms)
    throw invalid('Accept the terms of use to get started.', [
      { path: 'acceptTerms', message: 'must be true' },
    ]);
  // The organization and the used invitation are one change: a failure leaves the invitation open to retry.
  return db.transaction().execute(async (trx) => {
    const invitation = await openInvitation(trx, input.token);
    const created = await createPartner(trx, {
      name: input.organizationName,
      country: input.country,
      adminEmail: invitation.email,
      adminName: input.name,
      password: input.password,
      acceptTerms: true,
      actor: { type: 'operator', id: null, label: `invitation:${invitation.email}` },
    });
    await trx
      .updateTable('invitations')
      .set({ accepted_at: new Date().toISOString(), partner_id: created.partnerId })
      .where('id', '=', invitation.id)
      .execute();
    return { ...created, email: invitation.email };
  });
}
