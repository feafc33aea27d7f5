import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { auditList, auditQuery } from '../../contract/audit';
import { requireFullAdmin } from '../auth/caller';
import { csvFileName } from '../http/csv';
import { auditCsv, listAudit, type AuditDeps } from './service';

export async function auditRoutes(app: FastifyInstance, deps: AuditDeps) {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/audit',
    {
      config: { access: 'fullAdmin' },
      schema: {
        tags: ['audit'],
        summary: 'The audit log, newest first: who did what to which object',
        querystring: auditQuery,
        response: { 200: auditList },
      },
    },
    async (request) => {
      const { page, pageSize, ...filters } = request.query;
      return listAudit(deps, { partnerId: requireFullAdmin(request).partnerId, filters, page, pageSize });
    },
  );

  api.get(
    '/audit.csv',
    {
      config: { access: 'fullAdmin' },
      schema: {
        tags: ['audit'],
        summary: 'The filtered audit log as CSV',
        querystring: auditQuery,
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const { objectType, objectId, actor, action, from, to } = request.query;
      const filters = { objectType, objectId, actor, action, from, to };
      const { csv, asOf } = await auditCsv(deps, { partnerId: requireFullAdmin(request).partnerId, filters });
      return reply
        .header('Content-Type', 'text/csv; charset=utf-8')
        .header('Content-Disposition', `attachment; filename="${csvFileName('audit', asOf)}"`)
        .send(csv);
    },
  );
}
