import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DB } from '../db/schema';
import { tokenScopes } from '../../contract/common';
import { actorOf, requireFullAdmin } from '../auth/caller';
import { createToken, listTokens, revokeToken } from './service';

export async function tokenRoutes(app: FastifyInstance, deps: { db: Kysely<DB> }) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const token = z.object({
    id: z.string(),
    name: z.string(),
    scopes: z.array(z.string()),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  });

  api.get(
    '/tokens',
    {
      config: { access: 'fullAdmin' },
      schema: {
        tags: ['tokens'],
        summary: 'API tokens of the partner',
        response: { 200: z.object({ items: z.array(token) }) },
      },
    },
    async (request) => {
      const caller = requireFullAdmin(request);
      return { items: await listTokens(deps.db, caller.partnerId) };
    },
  );

  api.post(
    '/tokens',
    {
      config: { access: 'fullAdmin' },
      schema: {
        tags: ['tokens'],
        summary: 'Create an API token; the token is shown in this answer only',
        body: z.object({
          name: z.string().trim().min(1).max(100),
          scopes: z.array(z.enum(tokenScopes)).min(1),
        }),
        response: {
          201: z.object({ id: z.string(), name: z.string(), scopes: z.array(z.string()), token: z.string() }),
        },
      },
    },
    async (request, reply) => {
      const caller = requireFullAdmin(request);
      const created = await createToken(deps.db, {
        partnerId: caller.partnerId,
        ...request.body,
        actor: actorOf(caller),
        createdBy: caller.userId,
      });
      return reply.status(201).send(created);
    },
  );

  api.delete(
    '/tokens/:id',
    {
      config: { access: 'fullAdmin' },
      schema: { tags: ['tokens'], summary: 'Revoke an API token', params: z.object({ id: z.uuid() }) },
    },
    async (request, reply) => {
      const caller = requireFullAdmin(request);
      await revokeToken(deps.db, {
        partnerId: caller.partnerId,
        id: request.params.id,
        actor: actorOf(caller),
      });
      return reply.status(204).send();
    },
  );
}
