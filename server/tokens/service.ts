import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { TokenScope } from '../../contract/common';
import { randomSecret, sha256 } from '../auth/credentials';
import { recordAudit, type AuditActor } from '../audit/record';
import { notFound } from '../http/errors';

/** Creates an API token. The token itself is answered once; only its hash is kept. */
export async function createToken(
  db: Kysely<DB>,
  input: { partnerId: string; name: string; scopes: TokenScope[]; actor: AuditActor; createdBy?: string },
) {
  const token = randomSecret('ph_');
  const id = randomUUID();
  const scopes = [...new Set(input.scopes)];
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('api_tokens')
      .values({
        partner_id: input.partnerId,
        id,
        name: input.name,
        token_hash: sha256(token),
        scopes,
        created_by: input.createdBy ?? null,
      })
      .execute();
    await recordAudit(trx, {
      partnerId: input.partnerId,
      actor: input.actor,
      action: 'token.create',
      objectType: 'token',
      objectId: id,
      after: { name: input.name, scopes },
    });
  });
  return { id, name: input.name, scopes, token };
}

export function listTokens(db: Kysely<DB>, partnerId: string) {
  return db
    .selectFrom('api_tokens')
    .select([
      'id',
      'name',
      'scopes',
      'created_at as createdAt',
      'last_used_at as lastUsedAt',
      'revoked_at as revokedAt',
    ])
    .where('partner_id', '=', partnerId)
    .orderBy('created_at', 'desc')
    .execute();
}

export async function revokeToken(
  db: Kysely<DB>,
  input: { partnerId: string; id: string; actor: AuditActor },
) {
  await db.transaction().execute(async (trx) => {
    const token = await trx
      .updateTable('api_tokens')
      .set({ revoked_at: new Date().toISOString() })
      .where('partner_id', '=', input.partnerId)
      .where('id', '=', input.id)
      .where('revoked_at', 'is', null)
      .returning(['id', 'name'])
      .executeTakeFirst();
    if (!token) throw notFound(`Token ${input.id}`);
    await recordAudit(trx, {
      partnerId: input.partnerId,
      actor: input.actor,
      action: 'token.revoke',
      objectType: 'token',
      objectId: input.id,
      before: { name: token.name },
    });
  });
}
