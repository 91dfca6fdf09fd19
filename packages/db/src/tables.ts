import type { ColumnType, Generated } from 'kysely';

/**
 * Row types of the tables, written beside the migrations that create them.
 * Kysely checks every query against them; a column missing in the database fails the database tests.
 */

/** A timestamptz column: read as Date, written as Date or ISO string, defaulted by the database. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** A date column, kept as 'YYYY-MM-DD'. */
type CalendarDate = string;
type Json = ColumnType<unknown, string, string>;

export interface TerritoryTable {
  code: string;
  name: string;
  level: 'region' | 'province' | 'district' | 'village';
  parent_code: string | null;
  altitude_m: number | null;
  rural: Generated<boolean>;
  latitude: number | null;
  longitude: number | null;
  amazon: Generated<boolean>;
}

export interface InstitutionTable {
  id: string;
  code: string;
  name: string;
  kind:
    | 'health_facility'
    | 'identity_office'
    | 'womens_emergency_centre'
    | 'school'
    | 'employment_office'
    | 'municipal_social_office'
    | 'child_protection_office';
  territory_code: string;
  address: string | null;
  phone: string | null;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ProgrammeTable {
  code: string;
  name_es: string;
  name_en: string;
}

export interface AppUserTable {
  id: string;
  username: string;
  display_name: string;
  role:
    | 'field_worker'
    | 'coordinator'
    | 'institution_agent'
    | 'case_worker'
    | 'data_steward'
    | 'programme_admin'
    | 'auditor';
  scope_kind: 'national' | 'territory' | 'institution' | 'assigned' | 'none';
  scope_territory_code: string | null;
  scope_institution_id: string | null;
  password_hash: string;
  failed_logins: Generated<number>;
  locked_until: Date | null;
  active: Generated<boolean>;
  locale: Generated<'es-PE' | 'en'>;
  /** For e-mail notifications (migration 0004). */
  email: string | null;
  /** For SMS and WhatsApp notifications (migration 0004). */
  phone: string | null;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface UserSessionTable {
  token_hash: string;
  user_id: string;
  created_at: Timestamp;
  expires_at: Date;
  last_seen_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
}

export interface ApiTokenTable {
  id: string;
  name: string;
  token_hash: string;
  role: 'institution_agent' | 'data_steward' | 'programme_admin';
  scope_kind: 'national' | 'territory' | 'institution';
  scope_territory_code: string | null;
  scope_institution_id: string | null;
  created_by: string | null;
  created_at: Timestamp;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export interface HouseholdTable {
  id: string;
  code: string;
  territory_code: string;
  village_code: string | null;
  address: string | null;
  reference: string | null;
  latitude: number | null;
  longitude: number | null;
  phone: string | null;
  health_facility_id: string | null;
  field_worker_id: string | null;
  status: Generated<'active' | 'inactive'>;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface EnrolmentTable {
  id: string;
  household_id: string;
  programme_code: string;
  status: 'active' | 'suspended' | 'ended';
  start_date: CalendarDate;
  end_date: CalendarDate | null;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PersonTable {
  id: string;
  household_id: string;
  relationship:
    | 'head'
    | 'spouse'
    | 'child'
    | 'grandchild'
    | 'parent'
    | 'sibling'
    | 'other_relative'
    | 'non_relative';
  given_names: string;
  first_surname: string;
  second_surname: string | null;
  sex: 'female' | 'male';
  birth_date: CalendarDate;
  document_type: 'DNI' | 'CUI' | 'CE' | null;
  document_number: string | null;
  document_check_digit: string | null;
  health_insurance_number: string | null;
  status: Generated<'active' | 'moved_out' | 'deceased' | 'merged'>;
  /** Migration 0006: the person this duplicate was merged into. */
  merged_into: Generated<string | null>;
  search_name: string;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PregnancyTable {
  id: string;
  household_id: string;
  person_id: string;
  last_menstrual_period: CalendarDate | null;
  estimated_delivery_date: CalendarDate | null;
  status: Generated<'ongoing' | 'delivered' | 'lost'>;
  ended_on: CalendarDate | null;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ChangeHistoryTable {
  id: Generated<number>;
  entity: string;
  entity_id: string;
  household_id: string | null;
  version: number;
  field: string;
  old_value: Json | null;
  new_value: Json | null;
  actor_kind: 'user' | 'token' | 'system';
  actor_id: string | null;
  changed_at: Timestamp;
}

export interface MutationTable {
  id: string;
  actor_id: string | null;
  kind: string;
  result: Json;
  created_at: Timestamp;
}

export interface AuditLogTable {
  seq: number;
  at: Date;
  actor_kind: 'user' | 'token' | 'system' | 'anonymous';
  actor_id: string | null;
  actor_name: string | null;
  actor_role: string | null;
  action: string;
  entity: string | null;
  entity_id: string | null;
  household_id: string | null;
  detail: Json | null;
  ip: string | null;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadTable {
  id: Generated<boolean>;
  seq: number;
  hash: string;
}

export interface SchemaMigrationTable {
  name: string;
  checksum: string;
  applied_at: Timestamp;
}

export type EvidenceKindColumn =
  | 'growth_checkup'
  | 'vaccine_dose'
  | 'hemoglobin'
  | 'measurement'
  | 'supplement'
  | 'document_issued'
  | 'insurance_affiliated'
  | 'prenatal_visit'
  | 'prenatal_test'
  | 'prenatal_supplement';

export interface EvidenceTable {
  id: string;
  person_id: string;
  kind: EvidenceKindColumn;
  date: CalendarDate;
  code: string | null;
  dose: number | null;
  weight_kg: number | null;
  length_cm: number | null;
  measured: 'lying' | 'standing' | null;
  oedema: boolean | null;
  hb_gdl: number | null;
  implausible: Generated<boolean>;
  source: 'manual' | 'his_minsa' | 'reniec' | 'sis' | 'fhir' | 'file_import';
  source_ref: string | null;
  recorded_by: string | null;
  recorded_at: Timestamp;
  /** Migration 0006: the import that brought it in. */
  import_batch_id: Generated<string | null>;
}

/** Migration 0003: the evaluation fields of a person's evidence in one value (see the migration). */
export interface EvidenceDigestTable {
  person_id: string;
  records: string;
  changed_at: Timestamp;
}

export interface TrackingStatusTable {
  person_id: string;
  subject: 'child' | 'pregnancy';
  pregnancy_id: string | null;
  household_id: string;
  territory_code: string;
  village_code: string | null;
  health_facility_id: string | null;
  field_worker_id: string | null;
  anchor_date: CalendarDate;
  as_of: CalendarDate;
  pathway: string;
  light: 'green' | 'amber' | 'red';
  urgency: number;
  overdue_items: string[];
  due_items: string[];
  risks: string[];
  reasons: Json;
  /** Rule alert types that fire for the person (migration 0004). */
  alerts: Generated<string[]>;
  computed_at: Timestamp;
}

export interface TrackingRunTable {
  id: Generated<boolean>;
  as_of: CalendarDate;
  computed_at: Timestamp;
  persons: number;
  seconds: number;
}

// Alerts and referrals (migration 0004) ----------------------------------------------------

export type AlertStage =
  | 'identified'
  | 'referred'
  | 'accepted'
  | 'rejected'
  | 'attended'
  | 'closed'
  | 'cancelled';
export type AlertOutcome = 'verified' | 'resolved_by_evidence' | 'rule_cleared' | 'not_tracked';
export type AlertAction =
  | 'raise'
  | 'refer'
  | 'accept'
  | 'reject'
  | 'attend'
  | 'verify'
  | 'cancel'
  | 'resolve'
  | 'escalate'
  | 'remind'
  | 'attach';

export interface AlertTable {
  id: string;
  type_code: string;
  origin: 'rule' | 'person';
  severity: 'low' | 'medium' | 'high' | 'critical';
  sensitive: boolean;
  person_id: string | null;
  household_id: string;
  territory_code: string;
  village_code: string | null;
  health_facility_id: string | null;
  field_worker_id: string | null;
  stage: AlertStage;
  outcome: AlertOutcome | null;
  resolved_by_evidence_id: string | null;
  institution_id: string | null;
  stage_due_at: Date | null;
  escalation_level: Generated<number>;
  reminded: Generated<boolean>;
  observation: string | null;
  counter_referral: Json | null;
  raised_by: string | null;
  raised_at: Timestamp;
  referred_at: Date | null;
  accepted_at: Date | null;
  attended_at: Date | null;
  ended_at: Date | null;
  version: Generated<number>;
  updated_at: Timestamp;
}

export interface AlertEventTable {
  seq: Generated<number>;
  alert_id: string;
  action: AlertAction;
  from_stage: AlertStage | null;
  to_stage: AlertStage;
  institution_id: string | null;
  actor_kind: 'user' | 'token' | 'system';
  actor_id: string | null;
  actor_name: string;
  at: Timestamp;
  reason: string | null;
  detail: Json | null;
}

export interface AlertAttachmentTable {
  id: string;
  alert_id: string;
  file_name: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  data: Uint8Array;
  uploaded_by: string | null;
  uploaded_at: Timestamp;
}

export interface NotificationTable {
  id: string;
  channel: 'in_app' | 'email' | 'sms' | 'whatsapp';
  user_id: string | null;
  address: string | null;
  alert_id: string | null;
  event_seq: number | null;
  kind: string;
  subject: string;
  body: string;
  status: Generated<'pending' | 'sent' | 'failed'>;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  last_error: string | null;
  created_at: Timestamp;
  sent_at: Date | null;
  read_at: Date | null;
}

export interface NotificationCursorTable {
  name: string;
  seq: number;
}

export interface WebhookSubscriptionTable {
  id: string;
  institution_id: string;
  url: string;
  secret: string;
  events: string[];
  active: Generated<boolean>;
  created_by: string | null;
  created_at: Timestamp;
}

export interface WebhookDeliveryTable {
  id: string;
  subscription_id: string;
  event_seq: number;
  event: string;
  payload: Json;
  status: Generated<'pending' | 'delivered' | 'failed'>;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  last_status: number | null;
  last_error: string | null;
  created_at: Timestamp;
  delivered_at: Date | null;
}

// The funnel's monthly sums (migration 0005) -------------------------------------------------

export interface AlertFunnelMonthTable {
  territory_code: string;
  month: CalendarDate;
  type_code: string;
  institution: string;
  sensitive: boolean;
  identified: number;
  referred: number;
  accepted: number;
  attended: number;
  closed: number;
  resolved: number;
  cancelled: number;
  open: number;
  overdue: number;
}

export interface AlertFunnelTimesTable {
  territory_code: string;
  month: CalendarDate;
  sensitive: boolean;
  histograms: Uint8Array;
}

export interface AlertFunnelDirtyTable {
  month: CalendarDate;
}

export interface ImportBatchTable {
  id: string;
  kind: 'health' | 'fhir' | 'births' | 'school';
  file_name: string;
  file_sha256: string;
  file_bytes: number;
  format: 'csv' | 'xlsx' | 'bundle' | 'ndjson';
  encoding: string | null;
  delimiter: string | null;
  layout: Json | null;
  status: 'running' | 'completed' | 'failed';
  actor_kind: 'user' | 'token' | 'system';
  actor_id: string | null;
  actor_name: string | null;
  started_at: Timestamp;
  finished_at: Date | null;
  lines_done: Generated<number>;
  lines_total: number | null;
  rows_read: Generated<number>;
  rows_imported: Generated<number>;
  rows_duplicate: Generated<number>;
  rows_rejected: Generated<number>;
  rows_review: Generated<number>;
  rows_unmatched: Generated<number>;
  linked_by_document: Generated<number>;
  linked_by_attributes: Generated<number>;
  persons_touched: Generated<number>;
  statuses_refreshed_at: Date | null;
  error: string | null;
}

export interface ImportIssueTable {
  batch_id: string;
  line: number;
  field: string | null;
  code: 'MISSING' | 'INVALID' | 'UNMAPPED_CODE' | 'NOT_FOUND' | 'UNSUPPORTED' | 'DUPLICATE' | 'CONFLICT';
  reason: string;
  value: string | null;
  resource: string | null;
}

export interface ImportRecordTable {
  id: string;
  batch_id: string;
  line: number;
  status: 'review' | 'unmatched' | 'linked' | 'dismissed';
  person: Json;
  payload: Json;
  candidates: ColumnType<unknown, string | undefined, string>;
  best_weight: number | null;
  territory_code: string | null;
  person_id: string | null;
  scored_at: Date | null;
  decided_by: string | null;
  decided_at: Date | null;
  created_at: Timestamp;
}

export interface RecordLinkTable {
  id: string;
  import_record_id: string;
  person_id: string;
  method: 'steward' | 'attributes';
  weight: number | null;
  evidence_ids: ColumnType<string[], string[] | undefined, string[]>;
  linked_by: string | null;
  linked_at: Timestamp;
  reverted_by: string | null;
  reverted_at: Date | null;
  revert_reason: string | null;
}

export interface DuplicatePairTable {
  id: string;
  person_a: string;
  person_b: string;
  weight: number;
  reasons: Json;
  status: 'open' | 'same_person' | 'distinct';
  territory_code: string | null;
  decided_by: string | null;
  decided_at: Date | null;
  decision_note: string | null;
  found_at: Timestamp;
  survivor: string | null;
  merged_status: string | null;
  copied_evidence_ids: ColumnType<string[], string[] | undefined, string[]>;
}

export interface EvidenceRetractionTable {
  evidence_id: string;
  person_id: string;
  reason: string;
  link_id: string | null;
  retracted_by: string | null;
  retracted_at: Timestamp;
}

export interface SchoolRecordTable {
  id: string;
  person_id: string;
  household_id: string;
  school_code: string;
  institution_id: string | null;
  period: string;
  grade: string | null;
  enrolled: boolean;
  attendance_days: number | null;
  school_days: number | null;
  source_ref: string;
  batch_id: string | null;
  recorded_at: Timestamp;
}

export interface EvidenceDigestDeferredTable {
  batch_id: string;
  lock_key: string;
}

/** Migration 0007: a transaction of a deferring import whose evidence is not in the digest yet. */
export interface EvidenceDigestDeferredPartTable {
  batch_id: string;
  /** The transaction's start (its evidence's recorded_at), read and written as text to keep microseconds. */
  started: string;
}

export interface DB {
  territory: TerritoryTable;
  institution: InstitutionTable;
  programme: ProgrammeTable;
  app_user: AppUserTable;
  user_session: UserSessionTable;
  api_token: ApiTokenTable;
  household: HouseholdTable;
  enrolment: EnrolmentTable;
  person: PersonTable;
  pregnancy: PregnancyTable;
  change_history: ChangeHistoryTable;
  mutation: MutationTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  evidence: EvidenceTable;
  evidence_digest: EvidenceDigestTable;
  tracking_status: TrackingStatusTable;
  tracking_run: TrackingRunTable;
  alert: AlertTable;
  alert_event: AlertEventTable;
  alert_attachment: AlertAttachmentTable;
  notification: NotificationTable;
  notification_cursor: NotificationCursorTable;
  webhook_subscription: WebhookSubscriptionTable;
  webhook_delivery: WebhookDeliveryTable;
  alert_funnel_month: AlertFunnelMonthTable;
  alert_funnel_times: AlertFunnelTimesTable;
  alert_funnel_dirty: AlertFunnelDirtyTable;
  import_batch: ImportBatchTable;
  import_issue: ImportIssueTable;
  import_record: ImportRecordTable;
  record_link: RecordLinkTable;
  duplicate_pair: DuplicatePairTable;
  evidence_retraction: EvidenceRetractionTable;
  school_record: SchoolRecordTable;
  evidence_digest_deferred: EvidenceDigestDeferredTable;
  evidence_digest_deferred_part: EvidenceDigestDeferredPartTable;
  schema_migration: SchemaMigrationTable;
}
