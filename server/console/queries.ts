import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';

export function findOrgUser(db: Kysely<DB>, params: { partnerId: string; orgId: string; email: string }) {
  return db
    .selectFrom('users')
    .select(['id', 'email', 'display_name', 'role', 'password_hash'])
    .where('partner_id', '=', params.partnerId)
    .where('org_id', '=', params.orgId)
    .where('email', '=', params.email)
    .executeTakeFirst();
}

export async function insertCustomerUser(
  db: Kysely<DB>,
  user: {
    partnerId: string;
    id: string;
    orgId: string;
    email: string;
    name: string;
    role: 'customer_full_admin' | 'customer_readonly_admin';
  },
) {
  await db
    .insertInto('users')
    .values({
      partner_id: user.partnerId,
      id: user.id,
      org_id: user.orgId,
      email: user.email,
      display_name: user.name,
      password_hash: null,
      role: user.role,
    })
    .execute();
}

export async function insertInvitation(
  db: Kysely<DB>,
  invitation: {
    id: string;
    email: string;
    tokenHash: string;
    partnerId: string;
    orgId: string;
    expiresAt: string;
  },
) {
  await db
    .insertInto('invitations')
    .values({
      id: invitation.id,
      email: invitation.email,
      token_hash: invitation.tokenHash,
      kind: 'customer_admin',
      partner_id: invitation.partnerId,
      org_id: invitation.orgId,
      expires_at: invitation.expiresAt,
    })
    .execute();
}

/** A customer administrator invitation with its organization's name, locked when `forUpdate`. */
export function findAdminInvitation(db: Kysely<DB>, tokenHash: string, forUpdate = false) {
  const query = db
    .selectFrom('invitations')
    .innerJoin('organizations', (join) =>
      join
        .onRef('organizations.partner_id', '=', 'invitations.partner_id')
        .onRef('organizations.id', '=', 'invitations.org_id'),
    )
    .select([
      'invitations.id',
      'invitations.email',
      'invitations.partner_id',
      'invitations.org_id',
      'invitations.expires_at',
      'invitations.accepted_at',
      'organizations.name as org_name',
    ])
    .where('invitations.token_hash', '=', tokenHash)
    .where('invitations.kind', '=', 'customer_admin');
  return (forUpdate ? query.forUpdate('invitations') : query).executeTakeFirst();
}

export async function markInvitationAccepted(db: Kysely<DB>, id: string, at: string) {
  await db.updateTable('invitations').set({ accepted_at: at }).where('id', '=', id).execute();
}

/** Open invitations of a person to an organization: they lapse when the person is removed from it. */
export async function deleteOpenInvitations(
  db: Kysely<DB>,
  params: { partnerId: string; orgId: string; email: string },
) {
  await db
    .deleteFrom('invitations')
    .where('partner_id', '=', params.partnerId)
    .where('org_id', '=', params.orgId)
    .where('email', '=', params.email)
    .where('accepted_at', 'is', null)
    .execute();
}

export async function setUserPassword(
  db: Kysely<DB>,
  params: { partnerId: string; id: string; name: string; passwordHash: string },
) {
  await db
    .updateTable('users')
    .set({ password_hash: params.passwordHash, display_name: params.name, active: true })
    .where('partner_id', '=', params.partnerId)
    .where('id', '=', params.id)
    .execute();
}

export async function deleteOrgUser(
  db: Kysely<DB>,
  params: { partnerId: string; orgId: string; id: string },
) {
  await db
    .deleteFrom('sessions')
    .where('partner_id', '=', params.partnerId)
    .where('user_id', '=', params.id)
    .execute();
  await db
    .deleteFrom('users')
    .where('partner_id', '=', params.partnerId)
    .where('org_id', '=', params.orgId)
    .where('id', '=', params.id)
    .execute();
}

export function insertExternalAdmin(
  db: Kysely<DB>,
  admin: { partnerId: string; customerId: string; email: string; name: string },
) {
  return db
    .insertInto('external_admins')
    .values({
      partner_id: admin.partnerId,
      customer_id: admin.customerId,
      email: admin.email,
      display_name: admin.name,
    })
    .onConflict((oc) => oc.doNothing())
    .returning(['email', 'display_name', 'added_at'])
    .executeTakeFirst();
}

export function deleteExternalAdmin(
  db: Kysely<DB>,
  params: { partnerId: string; customerId: string; email: string },
) {
  return db
    .deleteFrom('external_admins')
    .where('partner_id', '=', params.partnerId)
    .where('customer_id', '=', params.customerId)
    .where('email', '=', params.email)
    .returning(['email', 'display_name'])
    .executeTakeFirst();
}
