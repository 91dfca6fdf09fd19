/**
 * Alerts and referrals: the alert types a programme configures (config/alerts/*.yaml), the
 * lifecycle of an alert from the home to the competent institution and back, the institution
 * inbox, notifications, webhooks and the funnel. The lifecycle itself is in @tejido/core (alerts/).
 */
import { z } from 'zod';
import { CalendarDate, OptionalText, RequiredText, Uuid } from './common';
import { InstitutionKind, TerritoryCode } from './territory';
import { EvidenceKind, PathwaySubject } from './tracking';

export const AlertSeverity = z.enum(['low', 'medium', 'high', 'critical']);
export type AlertSeverity = z.infer<typeof AlertSeverity>;

export const AlertStage = z.enum([
  'identified',
  'referred',
  'accepted',
  'rejected',
  'attended',
  'closed',
  'cancelled',
]);
export type AlertStage = z.infer<typeof AlertStage>;

/** The stages in which an alert still asks for action. */
export const OPEN_STAGES: readonly AlertStage[] = [
  'identified',
  'referred',
  'accepted',
  'rejected',
  'attended',
];

export const AlertOutcome = z.enum(['verified', 'resolved_by_evidence', 'rule_cleared', 'not_tracked']);
export type AlertOutcome = z.infer<typeof AlertOutcome>;

/** What a person (or an institution's system) can do to an alert. */
export const AlertAction = z.enum(['refer', 'accept', 'reject', 'attend', 'verify', 'cancel']);
export type AlertAction = z.infer<typeof AlertAction>;

/** Every kind of step in an alert's history, the person's actions and Tejido's own. */
export const AlertEventAction = z.enum([
  'raise',
  'refer',
  'accept',
  'reject',
  'attend',
  'verify',
  'cancel',
  'resolve',
  'escalate',
  'remind',
  'attach',
]);
export type AlertEventAction = z.infer<typeof AlertEventAction>;

const AlertTypeCode = z
  .string()
  .regex(/^[a-z][a-z0-9_]{1,47}$/, 'lower-case letters, digits and _, starting with a letter');

/** `36h`, `3d`: a deadline in hours or days. */
export const Duration = z
  .string()
  .regex(/^[1-9]\d{0,3}[hd]$/, 'a number of hours or days, e.g. 48h or 3d')
  .transform((s) => Number(s.slice(0, -1)) * (s.endsWith('d') ? 24 : 1))
  .describe('hours');

const Words = z.strictObject({ es: z.string().min(1), en: z.string().min(1) });

/** One alert type of a programme's configuration file. */
export const AlertTypeDefinition = z
  .strictObject({
    code: AlertTypeCode,
    name: Words,
    description: Words.optional(),
    severity: AlertSeverity,
    /** The kind of institution competent to attend it. */
    institution: InstitutionKind,
    /** Violence and the like: only roles allowed to see sensitive alerts and the receiving institution see it. */
    sensitive: z.boolean().default(false),
    deadlines: z.strictObject({ refer: Duration, accept: Duration, attend: Duration }),
    /** CEL over the tracking result (items, risks, person, counts), as traffic-light rules. */
    rule: z.string().min(1).optional(),
    /** Raised by a person at a visit instead of by a rule. */
    raisedBy: z.literal('person').optional(),
    /** Rule alerts: children, pregnancies or both (default both). */
    subjects: z.array(PathwaySubject).min(1).optional(),
    /**
     * Rule alerts: the evidence kinds that answer it. When the rule stops holding, the alert is
     * closed as resolved by the latest such evidence recorded since it was raised, or else as
     * the rule cleared (the child left the item's age).
     */
    resolvedBy: z.array(EvidenceKind).min(1).optional(),
  })
  .refine((t) => (t.rule === undefined) !== (t.raisedBy === undefined), {
    message: 'give either a rule or raisedBy: person',
    path: ['rule'],
  });
export type AlertTypeDefinition = z.infer<typeof AlertTypeDefinition>;

export const AlertTypesFile = z
  .strictObject({
    version: z.string().min(1),
    /** How long before a stage's deadline its reminder is sent. */
    reminderBefore: Duration.default(24),
    types: z.array(AlertTypeDefinition).min(1),
  })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.types.forEach((t, i) => {
      if (seen.has(t.code)) {
        ctx.addIssue({
          code: 'custom',
          message: `duplicate alert type code '${t.code}'`,
          path: ['types', i, 'code'],
        });
      }
      seen.add(t.code);
    });
  });
export type AlertTypesFile = z.infer<typeof AlertTypesFile>;

/** An alert type as the API shows it. */
export const AlertType = z.object({
  code: z.string(),
  name: Words,
  description: Words.nullable(),
  severity: AlertSeverity,
  institutionKind: InstitutionKind,
  sensitive: z.boolean(),
  origin: z.enum(['rule', 'person']),
  deadlineHours: z.object({ refer: z.number(), accept: z.number(), attend: z.number() }),
});
export type AlertType = z.infer<typeof AlertType>;

// ---------------------------------------------------------------------------------------------
// Alerts

export const InstitutionRef = z.object({
  id: Uuid,
  code: z.string(),
  name: z.string(),
  kind: InstitutionKind,
  territoryCode: z.string(),
});
export type InstitutionRef = z.infer<typeof InstitutionRef>;

export const CounterReferralOutcome = z.enum(['resolved', 'in_treatment', 'not_located', 'refused', 'other']);
export type CounterReferralOutcome = z.infer<typeof CounterReferralOutcome>;

/** What the institution did: the counter-referral. */
export const CounterReferral = z.object({
  attendedOn: CalendarDate,
  actions: RequiredText(2000).describe('What was done.'),
  outcome: CounterReferralOutcome,
  nextSteps: OptionalText(2000),
});
export type CounterReferral = z.infer<typeof CounterReferral>;

/**
 * One line of a board or inbox. A sensitive alert the reader may not see has `restricted: true`
 * and nothing but its id, stage and deadline.
 */
export const AlertSummary = z.object({
  id: Uuid,
  restricted: z.boolean(),
  typeCode: z.string().nullable(),
  origin: z.enum(['rule', 'person']).nullable(),
  severity: AlertSeverity.nullable(),
  sensitive: z.boolean(),
  stage: AlertStage,
  outcome: AlertOutcome.nullable(),
  stageDueAt: z.iso.datetime({ offset: true }).nullable(),
  escalationLevel: z.int(),
  raisedAt: z.iso.datetime({ offset: true }).nullable(),
  personId: Uuid.nullable(),
  personName: z.string().nullable(),
  householdId: Uuid.nullable(),
  householdCode: z.string().nullable(),
  territoryCode: z.string().nullable(),
  territoryName: z.string().nullable(),
  institution: InstitutionRef.nullable(),
  version: z.int(),
});
export type AlertSummary = z.infer<typeof AlertSummary>;

export const AlertEvent = z.object({
  seq: z.int(),
  action: AlertEventAction,
  fromStage: AlertStage.nullable(),
  toStage: AlertStage,
  institution: InstitutionRef.nullable(),
  actorName: z.string(),
  actorKind: z.enum(['user', 'token', 'system']),
  at: z.iso.datetime({ offset: true }),
  reason: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()).nullable(),
});
export type AlertEvent = z.infer<typeof AlertEvent>;

export const AttachmentInfo = z.object({
  id: Uuid,
  fileName: z.string(),
  contentType: z.string(),
  sizeBytes: z.int(),
  uploadedAt: z.iso.datetime({ offset: true }),
});
export type AttachmentInfo = z.infer<typeof AttachmentInfo>;

export const AlertDetail = AlertSummary.extend({
  observation: z.string().nullable(),
  counterReferral: CounterReferral.nullable(),
  resolvedByEvidenceId: Uuid.nullable(),
  referredAt: z.iso.datetime({ offset: true }).nullable(),
  acceptedAt: z.iso.datetime({ offset: true }).nullable(),
  attendedAt: z.iso.datetime({ offset: true }).nullable(),
  endedAt: z.iso.datetime({ offset: true }).nullable(),
  household: z
    .object({
      address: z.string().nullable(),
      reference: z.string().nullable(),
      phone: z.string().nullable(),
      villageName: z.string().nullable(),
    })
    .nullable(),
  events: z.array(AlertEvent),
  attachments: z.array(AttachmentInfo),
  /** The actions this reader may take now, in the alert's current stage. */
  allowedActions: z.array(AlertAction),
});
export type AlertDetail = z.infer<typeof AlertDetail>;

export const AlertFilters = z.object({
  territory: TerritoryCode.optional().describe('A region, province, district or village: its whole subtree.'),
  fieldWorker: Uuid.optional(),
  institution: Uuid.optional().describe('Alerts referred to this institution.'),
  type: AlertTypeCode.optional(),
  severity: AlertSeverity.optional(),
  stage: AlertStage.optional(),
  outcome: AlertOutcome.optional().describe('How ended alerts ended (resolved_by_evidence, verified, …).'),
  open: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .describe('Only open (true) or only ended (false) alerts.'),
  overdue: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .describe("Only alerts past their stage's deadline."),
  person: Uuid.optional(),
  household: Uuid.optional(),
  reached: z
    .enum(['identified', 'referred', 'accepted', 'attended', 'closed'])
    .optional()
    .describe('Alerts that reached this funnel stage (the list behind a funnel number).'),
  from: CalendarDate.optional().describe('Raised on or after this day.'),
  to: CalendarDate.optional().describe('Raised on or before this day.'),
});
export type AlertFilters = z.infer<typeof AlertFilters>;

export const AlertQuery = AlertFilters.extend({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type AlertQuery = z.infer<typeof AlertQuery>;

export const AlertPage = z.object({
  items: z.array(AlertSummary),
  nextCursor: z.string().nullable(),
  /** Open alerts matching the filters (without `stage`) per stage. */
  counts: z.record(AlertStage, z.int()),
});
export type AlertPage = z.infer<typeof AlertPage>;

export const InboxQuery = z.object({
  stage: z.enum(['referred', 'accepted']).optional().describe('Waiting for acceptance or for attention.'),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type InboxQuery = z.infer<typeof InboxQuery>;

const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;

export const AttachmentUpload = z.object({
  fileName: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .regex(/^[^/\\\0]+$/, 'a file name without folders'),
  contentType: z.enum(['image/jpeg', 'image/png', 'image/webp', 'application/pdf']),
  dataBase64: z
    .string()
    .max(Math.ceil(MAX_ATTACHMENT_BYTES / 3) * 4, 'at most 5 MiB')
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'base64'),
});
export type AttachmentUpload = z.infer<typeof AttachmentUpload>;

/** A person raises an alert seen at a visit. */
export const AlertCreate = z
  .object({
    typeCode: AlertTypeCode,
    personId: Uuid.optional(),
    householdId: Uuid.optional(),
    observation: RequiredText(4000),
    attachment: AttachmentUpload.optional(),
  })
  .refine((a) => a.personId !== undefined || a.householdId !== undefined, {
    message: 'Name the person or the household',
    path: ['personId'],
  });
export type AlertCreate = z.infer<typeof AlertCreate>;

const Version = z.int().min(1).describe('The version read: a stale one gets 409.');

export const ReferRequest = z.object({
  version: Version,
  institutionId: Uuid,
  note: OptionalText(2000),
  /** Needed to refer outside the alert's territory or to an institution of another kind. */
  overrideReason: OptionalText(500),
});
export type ReferRequest = z.infer<typeof ReferRequest>;

export const NoteRequest = z.object({ version: Version, note: OptionalText(2000) });
export type NoteRequest = z.infer<typeof NoteRequest>;

export const ReasonRequest = z.object({ version: Version, reason: RequiredText(2000) });
export type ReasonRequest = z.infer<typeof ReasonRequest>;

export const AttendRequest = z.object({ version: Version, counterReferral: CounterReferral });
export type AttendRequest = z.infer<typeof AttendRequest>;

/** Institutions an alert can be referred to, the competent and nearest first. */
export const InstitutionSuggestion = InstitutionRef.extend({
  competent: z.boolean().describe('Of the kind the alert type asks for.'),
  withinTerritory: z.boolean().describe("Serves the household's district."),
  territoryName: z.string(),
  distanceKm: z.number().nullable(),
});
export type InstitutionSuggestion = z.infer<typeof InstitutionSuggestion>;

// ---------------------------------------------------------------------------------------------
// Funnel

export const FunnelQuery = z.object({
  territory: TerritoryCode.optional(),
  institution: Uuid.optional(),
  type: AlertTypeCode.optional(),
  from: CalendarDate.optional().describe('Alerts raised on or after this day.'),
  to: CalendarDate.optional().describe('Alerts raised on or before this day.'),
  groupBy: z
    .enum(['territory', 'type', 'institution'])
    .optional()
    .describe('A row per child territory, type or institution.'),
});
export type FunnelQuery = z.infer<typeof FunnelQuery>;

export const FunnelStage = z.enum(['identified', 'referred', 'accepted', 'attended', 'closed']);
export type FunnelStage = z.infer<typeof FunnelStage>;

export const FunnelCounts = z.object({
  identified: z.int(),
  referred: z.int(),
  accepted: z.int(),
  attended: z.int(),
  closed: z.int(),
  resolvedByEvidence: z.int(),
  cancelled: z.int(),
  open: z.int(),
  overdue: z.int(),
});
export type FunnelCounts = z.infer<typeof FunnelCounts>;

export const StageTime = z.object({
  from: FunnelStage,
  to: FunnelStage,
  n: z.int(),
  medianHours: z.number().nullable(),
  p90Hours: z.number().nullable(),
});
export type StageTime = z.infer<typeof StageTime>;

export const Funnel = z.object({
  filters: FunnelQuery,
  counts: FunnelCounts,
  times: z.array(StageTime),
  rows: z.array(
    z.object({
      key: z.string(),
      label: z.string(),
      counts: FunnelCounts,
    }),
  ),
});
export type Funnel = z.infer<typeof Funnel>;

// ---------------------------------------------------------------------------------------------
// Notifications and webhooks

export const NotificationView = z.object({
  id: Uuid,
  kind: z.string(),
  subject: z.string(),
  body: z.string(),
  alertId: Uuid.nullable(),
  createdAt: z.iso.datetime({ offset: true }),
  readAt: z.iso.datetime({ offset: true }).nullable(),
});
export type NotificationView = z.infer<typeof NotificationView>;

export const WebhookEvent = z.enum([
  'referral.received',
  'referral.cancelled',
  'referral.reminder',
  'referral.escalated',
  'referral.closed',
]);
export type WebhookEvent = z.infer<typeof WebhookEvent>;

export const WebhookCreate = z.object({
  url: z.url({ protocol: /^https?$/ }).max(500),
  events: z.array(WebhookEvent).min(1),
  institutionId: Uuid.optional().describe("An institution agent's own institution when absent."),
});
export type WebhookCreate = z.infer<typeof WebhookCreate>;

export const WebhookView = z.object({
  id: Uuid,
  institutionId: Uuid,
  url: z.string(),
  events: z.array(WebhookEvent),
  active: z.boolean(),
  createdAt: z.iso.datetime({ offset: true }),
});
export type WebhookView = z.infer<typeof WebhookView>;

export const WebhookCreated = WebhookView.extend({
  secret: z.string().describe('Shown once: Tejido signs every call with HMAC-SHA256 of the body with it.'),
});
export type WebhookCreated = z.infer<typeof WebhookCreated>;

export const WebhookDeliveryView = z.object({
  id: Uuid,
  event: WebhookEvent,
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.int(),
  lastStatus: z.int().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.iso.datetime({ offset: true }),
  nextAttemptAt: z.iso.datetime({ offset: true }).nullable(),
  deliveredAt: z.iso.datetime({ offset: true }).nullable(),
});
export type WebhookDeliveryView = z.infer<typeof WebhookDeliveryView>;
