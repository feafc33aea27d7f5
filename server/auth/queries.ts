import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';

/**
 * Whether the caller's partner has acknowledged usage batches not folded yet (server/ingest/usage-log.ts): read
 * with who is calling, so a request with nothing to fold costs no extra round trip.
 */
const usageWaiting = (partnerColumn: 'users.partner_id' | 'api_tokens.partner_id') =>
  sql<boolean>`exists (select 1 from usage_batches u where u.partner_id = ${sql.ref(partnerColumn)})`.as(
    'usage_waiting',
  );

export function findSignInUser(db: Kysely<DB>, email: string) {
  return db
    .selectFrom('users')
    .innerJoin('organizations', (join) =>
      join
        .onRef('organizations.partner_id', '=', 'users.partner_id')
        .onRef('organizations.id', '=', 'users.org_id'),
    )
    .select([
      'users.partner_id',
      'users.id',
      'users.org_id',
      'users.email',
      'users.display_name',
      'users.password_hash',
      'users.role',
      'users.active',
      'organizations.kind as org_kind',
    ])
    .where('users.email', '=', email)
    .where('users.password_hash', 'is not', null)
    .executeTakeFirst();
}

export async function insertSession(
  db: Kysely<DB>,
  session: { idHash: string; partnerId: string; userId: string; csrfToken: string; expiresAt: string },
) {
  await db
    .insertInto('sessions')
    .values({
      id_hash: session.idHash,
      partner_id: session.partnerId,
      user_id: session.userId,
      csrf_token: session.csrfToken,
      expires_at: session.expiresAt,
    })
    .execute();
}

export function findSessionCaller(db: Kysely<DB>, idHash: string) {
  return db
    .selectFrom('sessions')
    .innerJoin('users', (join) =>
      join.onRef('users.partner_id', '=', 'sessions.partner_id').onRef('users.id', '=', 'sessions.user_id'),
    )
    .innerJoin('organizations', (join) =>
      join
        .onRef('organizations.partner_id', '=', 'users.partner_id')
        .onRef('organizations.id', '=', 'users.org_id'),
    )
    .select([
      'sessions.id_hash',
      'sessions.csrf_token',
      'sessions.last_seen_at',
      'sessions.expires_at',
      'users.partner_id',
      'users.id as user_id',
      'users.org_id',
      'users.email',
      'users.display_name',
      'users.role',
      'users.active',
      'organizations.kind as org_kind',
      usageWaiting('users.partner_id'),
    ])
    .where('sessions.id_hash', '=', idHash)
    .executeTakeFirst();
}

export async function touchSession(db: Kysely<DB>, idHash: string, now: string) {
  await db.updateTable('sessions').set({ last_seen_at: now }).where('id_hash', '=', idHash).execute();
}

export async function deleteSession(db: Kysely<DB>, idHash: string) {
  await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
}

export async function deleteUserSessions(db: Kysely<DB>, partnerId: string, userId: string) {
  await db.deleteFrom('sessions').where('partner_id', '=', partnerId).where('user_id', '=', userId).execute();
}

export async function recordSignIn(db: Kysely<DB>, user: { partnerId: string; userId: string; at: string }) {
  await db
    .updateTable('users')
    .set({ last_sign_in_at: user.at })
    .where('partner_id', '=', user.partnerId)
    .where('id', '=', user.userId)
    .execute();
}

export function findToken(db: Kysely<DB>, tokenHash: string) {
  return db
    .selectFrom('api_tokens')
    .select([
      'partner_id',
      'id',
      'name',
      'scopes',
      'revoked_at',
      'last_used_at',
      usageWaiting('api_tokens.partner_id'),
    ])
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
}

export async function touchToken(db: Kysely<DB>, token: { partnerId: string; id: string; at: string }) {
  await db
    .updateTable('api_tokens')
    .set({ last_used_at: token.at })
    .where('partner_id', '=', token.partnerId)
    .where('id', '=', token.id)
    .execute();
}

export function findPartner(db: Kysely<DB>, partnerId: string) {
  return db
    .selectFrom('organizations')
    .select(['id', 'name', 'country', 'terms_accepted_at', 'terms_version'])
    .where('partner_id', '=', partnerId)
    .where('id', '=', partnerId)
    .executeTakeFirst();
}
