import { z } from 'zod';
import { CalendarDate, Page, PageQuery, Uuid } from './common';

export const AuditEntry = z.object({
  seq: z.number().int(),
  at: z.string(),
  actorKind: z.enum(['user', 'token', 'system', 'anonymous']),
  actorId: Uuid.nullable(),
  actorName: z.string().nullable(),
  actorRole: z.string().nullable(),
  action: z.string(),
  entity: z.string().nullable(),
  entityId: z.string().nullable(),
  householdId: Uuid.nullable(),
  detail: z.unknown(),
  ip: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditQuery = PageQuery.extend({
  actor: z.string().max(100).optional().describe('Username or account id.'),
  action: z.string().max(40).optional(),
  entityId: z.string().max(60).optional(),
  householdId: Uuid.optional(),
  from: CalendarDate.optional(),
  to: CalendarDate.optional(),
});
export type AuditQuery = z.infer<typeof AuditQuery>;

export const AuditPage = Page(AuditEntry);
export type AuditPage = z.infer<typeof AuditPage>;

export const AuditVerification = z.object({
  ok: z.boolean(),
  entries: z.number().int(),
  firstBroken: z
    .object({ seq: z.number().int(), reason: z.string() })
    .nullable()
    .describe('The first entry whose chain does not hold, if any.'),
});
export type AuditVerification = z.infer<typeof AuditVerification>;
