import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  addPartnerAdminAnswer,
  addPartnerAdminBody,
  assignmentsAnswer,
  assignmentsBody,
  customerPartnerAdmins,
  launchAnswer,
} from '../../contract/assignments';
import { requireFullAdmin, requireReader, requireUser } from '../auth/caller';
import {
  addPartnerAdmin,
  changeAssignments,
  launchConsole,
  listPartnerAdmins,
  removePartnerAdmin,
  type AssignmentsDeps,
} from './service';

const customerParams = z.object({ id: z.string().max(100) });

export async function assignmentRoutes(app: FastifyInstance, deps: AssignmentsDeps) {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/customers/:id/partner-admins',
    {
      config: { access: 'reader' },
      schema: {
        tags: ['administrators'],
        summary:
          'Partner administrators of a customer; full and read-only administrators are listed as "all customers"',
        params: customerParams,
        response: { 200: customerPartnerAdmins },
      },
    },
    async (request) =>
      listPartnerAdmins(deps, { caller: requireReader(request), customerId: request.params.id }),
  );

  api.post(
    '/customers/:id/partner-admins',
    {
      config: { access: 'fullAdmin' },
      schema: {
        tags: ['administrators'],
        summary: 'Assign a partner administrator to the customer (only partner_admin users can be assigned)',
        params: customerParams,
        body: addPartnerAdminBody,
        response: { 201: addPartnerAdminAnswer },
      },
    },
    async (request, reply) => {
      const answer = await addPartnerAdmin(deps, {
        caller: requireFullAdmin(request),
        customerId: request.params.id,
        userId: request.body.userId,
      });
      return reply.status(201).send(answer);
    },
  );

  api.delete(
    '/customers/:id/partner-admins/:userId',
    {
      config: { access: 'fullAdmin' },
      schema: {
        tags: ['administrators'],
        summary: 'Remove a partner administrator from the customer (the role stays)',
        params: z.object({ id: z.string().max(100), userId: z.string().max(100) }),
      },
    },
    async (request, reply) => {
      await removePartnerAdmin(deps, {
        caller: requireFullAdmin(request),
        customerId: request.params.id,
        userId: request.params.userId,
      });
      return reply.status(204).send();
    },
  );

  api.post(
    '/customers/:id/launch',
    {
      config: { access: 'user' },
      schema: {
        tags: ['console'],
        summary: "Open the customer's console with the caller's rights (audited)",
        params: customerParams,
        response: { 200: launchAnswer },
      },
    },
    async (request) => launchConsole(deps, { caller: requireUser(request), customerId: request.params.id }),
  );

  api.post(
    '/assignments',
    {
      config: { access: 'fullAdmin' },
      schema: {
        tags: ['administrators'],
        summary: 'Assign or unassign partner administrators to customers in bulk; all or nothing',
        body: assignmentsBody,
        response: { 200: assignmentsAnswer },
      },
    },
    async (request) => changeAssignments(deps, { caller: requireFullAdmin(request), ...request.body }),
  );
}
