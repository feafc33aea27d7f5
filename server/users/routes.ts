import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  administrators,
  createUserBody,
  partnerUser,
  partnerUserList,
  updateUserBody,
  userListQuery,
} from '../../contract/users';
import { requireFullAdmin } from '../auth/caller';
import { createUser, listAdministrators, listUsers, updateUser, type UsersDeps } from './service';

export async function userRoutes(app: FastifyInstance, deps: UsersDeps) {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/users',
    {
      config: { access: 'fullAdmin' },
      schema: {
        tags: ['users'],
        summary: "The partner organization's users",
        querystring: userListQuery,
        response: { 200: partnerUserList },
      },
    },
    async (request) => listUsers(deps, { caller: requireFullAdmin(request), ...request.query }),
  );

  api.post(
    '/users',
    {
      config: { access: 'fullAdmin' },
      schema: {
        tags: ['users'],
        summary: 'Add a user with a partner role and a password',
        body: createUserBody,
        response: { 201: partnerUser },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createUser(deps, { caller: requireFullAdmin(request), ...request.body })),
  );

  api.patch(
    '/users/:id',
    {
      config: { access: 'fullAdmin' },
      schema: {
        tags: ['users'],
        summary:
          "Set a user's role or name, deactivate or reactivate them; the last full administrator stays",
        params: z.object({ id: z.string().max(100) }),
        body: updateUserBody,
        response: { 200: partnerUser },
      },
    },
    async (request) =>
      updateUser(deps, { caller: requireFullAdmin(request), id: request.params.id, ...request.body }),
  );

  api.get(
    '/administrators',
    {
      config: { access: 'fullAdmin' },
      schema: {
        tags: ['users'],
        summary:
          'Everyone with access to all customers, and the partner administrators with their customer counts',
        response: { 200: administrators },
      },
    },
    async (request) => listAdministrators(deps, { caller: requireFullAdmin(request) }),
  );
}
