import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../config';
import type { DB } from '../db/schema';
import type { Kysely } from 'kysely';
import {
  acceptAdminInvitationBody,
  consoleView,
  externalAdminAnswer,
  externalAdminBody,
  inviteAdminAnswer,
  inviteAdminBody,
} from '../../contract/console';
import { sessionAnswer } from '../../contract/onboarding';
import { requireUser } from '../auth/caller';
import { notFound } from '../http/errors';
import { signInAfterInvitation } from '../onboarding/routes';
import {
  acceptAdminInvitation,
  addExternalAdmin,
  getConsole,
  inviteAdmin,
  removeAdmin,
  removeExternalAdmin,
} from './service';

const customerParams = z.object({ customerId: z.string().max(100) });
const personParams = z.object({ customerId: z.string().max(100), email: z.string().max(254) });

export async function consoleRoutes(app: FastifyInstance, deps: { db: Kysely<DB>; config: Config }) {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/console/:customerId',
    {
      config: { access: 'user' },
      schema: {
        tags: ['console'],
        summary:
          "A customer organization's console: profile, administrators, subscriptions with license usage",
        params: customerParams,
        response: { 200: consoleView },
      },
    },
    async (request) =>
      getConsole(deps, { caller: requireUser(request), customerId: request.params.customerId }),
  );

  api.post(
    '/console/:customerId/admins',
    {
      config: { access: 'user' },
      schema: {
        tags: ['console'],
        summary: 'Invite a customer administrator (full access only); answers the invitation link',
        params: customerParams,
        body: inviteAdminBody,
        response: { 201: inviteAdminAnswer },
      },
    },
    async (request, reply) => {
      const answer = await inviteAdmin(deps, {
        caller: requireUser(request),
        customerId: request.params.customerId,
        ...request.body,
      });
      return reply.status(201).send(answer);
    },
  );

  api.delete(
    '/console/:customerId/admins/:email',
    {
      config: { access: 'user' },
      schema: {
        tags: ['console'],
        summary: 'Remove a customer administrator (full access only)',
        params: personParams,
      },
    },
    async (request, reply) => {
      await removeAdmin(deps, {
        caller: requireUser(request),
        customerId: request.params.customerId,
        email: request.params.email,
      });
      return reply.status(204).send();
    },
  );

  api.post(
    '/console/:customerId/external-admins',
    {
      config: { access: 'user' },
      schema: {
        tags: ['console'],
        summary: 'Add an external administrator (full access only)',
        params: customerParams,
        body: externalAdminBody,
        response: { 201: externalAdminAnswer },
      },
    },
    async (request, reply) => {
      const answer = await addExternalAdmin(deps, {
        caller: requireUser(request),
        customerId: request.params.customerId,
        ...request.body,
      });
      return reply.status(201).send(answer);
    },
  );

  api.delete(
    '/console/:customerId/external-admins/:email',
    {
      config: { access: 'user' },
      schema: {
        tags: ['console'],
        summary: 'Remove an external administrator (full access only)',
        params: personParams,
      },
    },
    async (request, reply) => {
      await removeExternalAdmin(deps, {
        caller: requireUser(request),
        customerId: request.params.customerId,
        email: request.params.email,
      });
      return reply.status(204).send();
    },
  );

  api.post(
    '/console/invitations/:token/accept',
    {
      config: { access: 'public' },
      schema: {
        tags: ['console'],
        summary: 'A customer administrator accepts an invitation: sets name and password, and is signed in',
        params: z.object({ token: z.string().max(200) }),
        body: acceptAdminInvitationBody,
        response: { 200: sessionAnswer },
      },
    },
    async (request, reply) => {
      const user = await acceptAdminInvitation(deps, { token: request.params.token, ...request.body });
      if (!user) throw notFound('The invitation');
      return signInAfterInvitation(deps, { request, reply, user });
    },
  );
}
