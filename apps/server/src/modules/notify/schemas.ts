import { NotificationView, Uuid, WebhookDeliveryView, WebhookEvent } from '@tejido/schemas';
import { z } from 'zod';

/**
 * Shapes of the notification and webhook routes that packages/schemas does not have (yet):
 * queries, pages, and the body Tejido posts to a webhook receiver.
 */

const Cursor = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9_-]+$/, 'a cursor from a previous page');

export const NotificationQuery = z.object({
  unread: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .describe('Only unread (true) notifications.'),
  cursor: Cursor.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
});
export type NotificationQuery = z.infer<typeof NotificationQuery>;

export const NotificationPage = z.object({
  items: z.array(NotificationView),
  nextCursor: z.string().nullable(),
  /** Unread in-app notifications of the signed-in person, all pages together. */
  unread: z.int(),
});
export type NotificationPage = z.infer<typeof NotificationPage>;

export const ReadAllResult = z.object({ updated: z.int() });
export type ReadAllResult = z.infer<typeof ReadAllResult>;

export const WebhookListQuery = z.object({
  institutionId: Uuid.optional().describe('Programme staff: one institution only.'),
});
export type WebhookListQuery = z.infer<typeof WebhookListQuery>;

export const WebhookDeliveryQuery = z.object({
  status: z.enum(['pending', 'delivered', 'failed']).optional(),
  cursor: Cursor.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type WebhookDeliveryQuery = z.infer<typeof WebhookDeliveryQuery>;

export const WebhookDeliveryPage = z.object({
  items: z.array(WebhookDeliveryView),
  nextCursor: z.string().nullable(),
});
export type WebhookDeliveryPage = z.infer<typeof WebhookDeliveryPage>;

export const DeliveryParams = z.object({ id: Uuid, deliveryId: Uuid });
export type DeliveryParams = z.infer<typeof DeliveryParams>;

const Instant = z.iso.datetime({ offset: true });

/**
 * The JSON body of every webhook call. Headers: `tejido-event` (the event), `tejido-delivery`
 * (the delivery id, the same on every retry: receivers drop repeats by it), `tejido-signature`
 * `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
 */
export const WebhookPayload = z.object({
  id: Uuid.describe('The delivery id, as in the tejido-delivery header.'),
  event: WebhookEvent,
  sequence: z.int().describe("The event's place in Tejido's history: order calls by it."),
  occurredAt: Instant,
  action: z.string(),
  fromStage: z.string().nullable(),
  toStage: z.string(),
  reason: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()).nullable(),
  institution: z.object({ id: Uuid, code: z.string(), name: z.string() }).nullable(),
  alert: z.object({
    id: Uuid,
    typeCode: z.string(),
    typeName: z.object({ es: z.string(), en: z.string() }).nullable(),
    origin: z.enum(['rule', 'person']),
    severity: z.enum(['low', 'medium', 'high', 'critical']),
    sensitive: z.boolean(),
    stage: z.string(),
    outcome: z.string().nullable(),
    stageDueAt: Instant.nullable(),
    escalationLevel: z.int(),
    institutionId: Uuid.nullable(),
    observation: z.string().nullable(),
    raisedAt: Instant,
    referredAt: Instant.nullable(),
    acceptedAt: Instant.nullable(),
    attendedAt: Instant.nullable(),
    endedAt: Instant.nullable(),
    person: z
      .object({
        id: Uuid,
        givenNames: z.string(),
        firstSurname: z.string(),
        secondSurname: z.string().nullable(),
        documentType: z.string().nullable(),
        documentNumber: z.string().nullable(),
        birthDate: z.string().nullable(),
        sex: z.string().nullable(),
      })
      .nullable(),
    household: z.object({
      id: Uuid,
      code: z.string(),
      territoryCode: z.string(),
      villageCode: z.string().nullable(),
      villageName: z.string().nullable(),
      address: z.string().nullable(),
      reference: z.string().nullable(),
      phone: z.string().nullable(),
    }),
  }),
});
export type WebhookPayload = z.infer<typeof WebhookPayload>;
