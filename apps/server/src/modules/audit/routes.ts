import { AuditPage, AuditQuery, AuditVerification } from '@tejido/schemas';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { responses } from '../../http/responses';
import { assertCan } from '../access/permissions';
import { listAudit, recordAudit, verifyAuditChain } from './service';

export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'Browse the audit trail (auditors)',
        querystring: AuditQuery,
        response: responses({ 200: AuditPage }),
      },
    },
    async (request) => {
      const page = await listAudit(app.database.db, request.actor, request.query);
      // Reading the trail is itself an act worth recording.
      await recordAudit(app.database.db, request.actor, [
        { action: 'audit.read', detail: { filters: { ...request.query, cursor: undefined } } },
      ]);
      return page;
    },
  );
  app.get(
    '/audit/verify',
    {
      schema: {
        tags: ['audit'],
        summary: 'Verify the hash chain of the audit trail',
        response: responses({ 200: AuditVerification }),
      },
    },
    async (request) => {
      assertCan(request.actor, 'audit.read');
      return verifyAuditChain(app.database.db);
    },
  );
};
