import { createHash } from 'node:crypto';
import {
  type AlertAction,
  allowedAlertActions,
  deadlineOfStage,
  isOpenStage,
  nextAlertStage,
  uuidv7,
} from '@tejido/core';
import type { AlertTable, DB } from '@tejido/db';
import {
  type AlertCreate,
  type AlertDetail,
  type AlertEvent,
  type AlertFilters,
  type AlertPage,
  type AlertQuery,
  type AlertStage,
  type AlertSummary,
  type AttachmentInfo,
  type AttachmentUpload,
  type AttendRequest,
  CounterReferral,
  DomainError,
  type InboxQuery,
  type InstitutionRef,
  type InstitutionSuggestion,
  type NoteRequest,
  type ReasonRequest,
  type ReferRequest,
} from '@tejido/schemas';
import {
  type Kysely,
  type RawBuilder,
  type Selectable,
  type SqlBool,
  sql,
  type Transaction,
  type Updateable,
} from 'kysely';
import type { Actor } from '../access/actor';
import { assertCan, can } from '../access/permissions';
import { codeRange, householdInScope, scopePredicate } from '../access/scope';
import { recordAudit } from '../audit/service';
import { runCommand } from '../mutations/service';
import { type AlertTypeSet, loadAlertTypes } from './types';

type Db = Kysely<DB>;
type AlertRow = Selectable<AlertTable>;

// ---------------------------------------------------------------------------------------------
// Who sees what

/**
 * The alerts an actor may see: those of the households in their scope (district, health facility,
 * field worker, copied on the alert) and, for an institution, also those referred to it.
 */
export function alertInScope(actor: Actor): RawBuilder<SqlBool> {
  if (actor.scope.kind === 'institution') {
    const id = actor.scope.institutionId;
    return sql<SqlBool>`(a.health_facility_id = ${id} OR a.institution_id = ${id})`;
  }
  return scopePredicate(actor, {
    territory: 'a.territory_code',
    facility: 'a.health_facility_id',
    fieldWorker: 'a.field_worker_id',
  });
}

/**
 * The receiving institution's agents (or its system's token): the institution the alert is
 * referred to, while it holds the referral or after it took it on (accepted). An institution
 * that rejected the referral is no longer its receiver.
 */
function isReceiver(
  actor: Actor,
  alert: Pick<AlertRow, 'institution_id' | 'stage' | 'accepted_at'>,
): boolean {
  return (
    actor.scope.kind === 'institution' &&
    alert.institution_id !== null &&
    actor.scope.institutionId === alert.institution_id &&
    (alert.stage === 'referred' ||
      alert.stage === 'accepted' ||
      alert.stage === 'attended' ||
      alert.accepted_at !== null)
  );
}

/** The same as seesDetails, in SQL over `alert a`: rows whose details the actor may see. */
export function detailsVisible(actor: Actor): RawBuilder<SqlBool> {
  if (actor.kind === 'system' || can(actor, 'alerts.sensitive')) return sql<SqlBool>`true`;
  if (actor.scope.kind !== 'institution') return sql<SqlBool>`NOT a.sensitive`;
  return sql<SqlBool>`(NOT a.sensitive OR (a.institution_id = ${actor.scope.institutionId}
    AND (a.stage IN ('referred', 'accepted', 'attended') OR a.accepted_at IS NOT NULL)))`;
}

/**
 * Whether the actor may see a sensitive alert's details: roles allowed to see sensitive alerts
 * and the institution it is referred to. Everyone else sees "restricted alert" and nothing more.
 */
export function seesDetails(
  actor: Actor,
  alert: Pick<AlertRow, 'sensitive' | 'institution_id' | 'stage' | 'accepted_at'>,
): boolean {
  return !alert.sensitive || can(actor, 'alerts.sensitive') || isReceiver(actor, alert);
}

/** The steps this actor may take now: the lifecycle's, narrowed to their role and institution. */
export function actionsFor(actor: Actor, alert: AlertRow): AlertAction[] {
  if (!seesDetails(actor, alert)) return [];
  return allowedAlertActions(alert.stage).filter((action) => {
    if (actor.kind === 'system') return true;
    switch (action) {
      case 'refer':
        return can(actor, 'alerts.refer');
      case 'accept':
      case 'reject':
      case 'attend':
        return can(actor, 'alerts.respond') && isReceiver(actor, alert);
      default:
        return can(actor, 'alerts.close');
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Reading

const FAR_FUTURE = '9999-12-31T00:00:00.000000';

/** The deadline to the microsecond, in UTC, as a keyset cursor holds it. */
const DUE_KEY = sql`to_char(coalesce(a.stage_due_at, ${FAR_FUTURE}::timestamp AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`;

const SUMMARY_COLUMNS = sql`a.*, ${DUE_KEY} AS due_key, p.given_names, p.first_surname, p.second_surname, h.code AS household_code,
  t.name AS territory_name, i.code AS institution_code, i.name AS institution_name, i.kind AS institution_kind,
  i.territory_code AS institution_territory_code`;

const SUMMARY_JOINS = sql`LEFT JOIN person p ON p.id = a.person_id
  JOIN household h ON h.id = a.household_id
  LEFT JOIN territory t ON t.code = a.territory_code
  LEFT JOIN institution i ON i.id = a.institution_id`;

type SummaryRow = AlertRow & {
  due_key: string;
  given_names: string | null;
  first_surname: string | null;
  second_surname: string | null;
  household_code: string;
  territory_name: string | null;
  institution_code: string | null;
  institution_name: string | null;
  institution_kind: InstitutionRef['kind'] | null;
  institution_territory_code: string | null;
};

const iso = (d: Date | string | null): string | null =>
  d === null ? null : (d instanceof Date ? d : new Date(d)).toISOString();

function institutionRef(r: SummaryRow): InstitutionRef | null {
  return r.institution_id === null
    ? null
    : {
        id: r.institution_id,
        code: r.institution_code ?? '',
        name: r.institution_name ?? '',
        kind: r.institution_kind ?? 'health_facility',
        territoryCode: r.institution_territory_code ?? '',
      };
}

function toSummary(actor: Actor, r: SummaryRow): AlertSummary {
  if (!seesDetails(actor, r)) {
    return {
      id: r.id,
      restricted: true,
      typeCode: null,
      origin: null,
      severity: null,
      sensitive: true,
      stage: r.stage,
      outcome: null,
      stageDueAt: iso(r.stage_due_at),
      escalationLevel: 0,
      raisedAt: null,
      personId: null,
      personName: null,
      householdId: null,
      householdCode: null,
      territoryCode: null,
      territoryName: null,
      institution: null,
      version: 0,
    };
  }
  const name = r.given_names
    ? [r.given_names, r.first_surname, r.second_surname].filter((x) => x).join(' ')
    : null;
  return {
    id: r.id,
    restricted: false,
    typeCode: r.type_code,
    origin: r.origin,
    severity: r.severity,
    sensitive: r.sensitive,
    stage: r.stage,
    outcome: r.outcome,
    stageDueAt: iso(r.stage_due_at),
    escalationLevel: r.escalation_level,
    raisedAt: iso(r.raised_at),
    personId: r.person_id,
    personName: name,
    householdId: r.household_id,
    householdCode: r.household_code,
    territoryCode: r.territory_code,
    territoryName: r.territory_name,
    institution: institutionRef(r),
    version: r.version,
  };
}

/** Filters that say something a restricted line hides (its type, person, institution, dates, outcome). */
const REVEALING: ReadonlyArray<keyof AlertFilters> = [
  'type',
  'severity',
  'institution',
  'person',
  'household',
  'outcome',
  'reached',
  'from',
  'to',
];

function filterConditions(
  actor: Actor,
  f: AlertFilters,
  options: { withStage: boolean },
): RawBuilder<SqlBool>[] {
  const where: RawBuilder<SqlBool>[] = [];
  // A restricted alert matching `type=violence_signs` would tell its type: such filters only
  // match alerts whose details the reader may see.
  if (REVEALING.some((k) => f[k] !== undefined)) where.push(detailsVisible(actor));
  if (f.territory) {
    if (f.territory.length > 6) where.push(sql<SqlBool>`a.village_code = ${f.territory}`);
    else {
      const { start, end } = codeRange(f.territory);
      where.push(sql<SqlBool>`a.territory_code >= ${start}`);
      if (end !== null) where.push(sql<SqlBool>`a.territory_code < ${end}`);
    }
  }
  if (f.fieldWorker) where.push(sql<SqlBool>`a.field_worker_id = ${f.fieldWorker}`);
  if (f.institution) where.push(sql<SqlBool>`a.institution_id = ${f.institution}`);
  if (f.type) where.push(sql<SqlBool>`a.type_code = ${f.type}`);
  if (f.severity) where.push(sql<SqlBool>`a.severity = ${f.severity}`);
  if (f.person) where.push(sql<SqlBool>`a.person_id = ${f.person}`);
  if (f.household) where.push(sql<SqlBool>`a.household_id = ${f.household}`);
  if (options.withStage && f.stage) where.push(sql<SqlBool>`a.stage = ${f.stage}`);
  if (f.outcome) where.push(sql<SqlBool>`a.outcome = ${f.outcome}`);
  if (f.open === true) where.push(sql<SqlBool>`a.stage NOT IN ('closed', 'cancelled')`);
  if (f.open === false) where.push(sql<SqlBool>`a.stage IN ('closed', 'cancelled')`);
  if (f.overdue) where.push(sql<SqlBool>`a.stage_due_at < now()`);
  if (f.from)
    where.push(sql<SqlBool>`a.raised_at >= (${f.from}::date)::timestamp AT TIME ZONE 'America/Lima'`);
  if (f.to)
    where.push(sql<SqlBool>`a.raised_at < ((${f.to}::date + 1)::timestamp AT TIME ZONE 'America/Lima')`);
  switch (f.reached) {
    case 'referred':
      where.push(sql<SqlBool>`a.referred_at IS NOT NULL`);
      break;
    case 'accepted':
      where.push(sql<SqlBool>`a.accepted_at IS NOT NULL`);
      break;
    case 'attended':
      where.push(sql<SqlBool>`a.attended_at IS NOT NULL`);
      break;
    case 'closed':
      where.push(sql<SqlBool>`a.outcome = 'verified'`);
      break;
  }
  return where;
}

function encodeCursor(row: SummaryRow): string {
  return Buffer.from(`${row.due_key}|${row.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { due: string; id: string } {
  const [due, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (!due || !id || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/.test(due) || !/^[0-9a-f-]{36}$/.test(id)) {
    throw DomainError.field('cursor', 'Not a cursor of this list');
  }
  return { due, id };
}

const and = (conditions: RawBuilder<SqlBool>[]) =>
  conditions.length === 0 ? sql<SqlBool>`true` : sql<SqlBool>`${sql.join(conditions, sql` AND `)}`;

/**
 * A board of alerts in the actor's scope, the nearest deadline first (alerts without one, the
 * attended and the ended, last), with the open alerts per stage for the same filters.
 */
export async function listAlerts(db: Db, actor: Actor, query: AlertQuery): Promise<AlertPage> {
  assertCan(actor, 'alerts.read');
  const scope = alertInScope(actor);
  const where = [scope, ...filterConditions(actor, query, { withStage: true })];
  const dueKey = sql`coalesce(a.stage_due_at, ${FAR_FUTURE}::timestamp AT TIME ZONE 'UTC')`;
  if (query.cursor) {
    const c = decodeCursor(query.cursor);
    where.push(sql<SqlBool>`(${dueKey}, a.id) > (${c.due}::timestamp AT TIME ZONE 'UTC', ${c.id}::uuid)`);
  }
  const rows = await sql<SummaryRow>`
    SELECT ${SUMMARY_COLUMNS} FROM alert a ${SUMMARY_JOINS}
    WHERE ${and(where)}
    ORDER BY ${dueKey}, a.id
    LIMIT ${query.limit + 1}`.execute(db);
  const counts = await stageCounts(db, [scope, ...filterConditions(actor, query, { withStage: false })]);
  const page = rows.rows.slice(0, query.limit);
  const last = page.at(-1);
  await recordAudit(db, actor, [
    {
      action: 'alerts.list',
      entity: 'alert',
      detail: { filters: auditFilters(query), rows: page.length },
    },
  ]);
  return {
    items: page.map((r) => toSummary(actor, r)),
    nextCursor: rows.rows.length > query.limit && last ? encodeCursor(last) : null,
    counts,
  };
}

async function stageCounts(db: Db, where: RawBuilder<SqlBool>[]): Promise<Record<AlertStage, number>> {
  const rows = await sql<{ stage: AlertStage; n: number }>`
    SELECT a.stage, count(*)::int AS n FROM alert a
    WHERE ${and(where)} AND a.stage NOT IN ('closed', 'cancelled')
    GROUP BY a.stage`.execute(db);
  const counts = {
    identified: 0,
    referred: 0,
    accepted: 0,
    rejected: 0,
    attended: 0,
    closed: 0,
    cancelled: 0,
  };
  for (const r of rows.rows) counts[r.stage] = r.n;
  return counts;
}

function auditFilters(f: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(f))
    if (v !== undefined && k !== 'limit' && k !== 'cursor') out[k] = String(v);
  return out;
}

/**
 * An institution's inbox: the referrals waiting for it to accept or attend, the nearest deadline
 * first. One index range (alert_inbox_idx) whatever the size of the country.
 */
export async function inbox(db: Db, actor: Actor, query: InboxQuery): Promise<AlertPage> {
  assertCan(actor, 'alerts.read');
  if (actor.scope.kind !== 'institution') {
    throw new DomainError('FORBIDDEN', 'The inbox is for the agents of an institution');
  }
  const institution = actor.scope.institutionId;
  const where: RawBuilder<SqlBool>[] = [
    sql<SqlBool>`a.institution_id = ${institution}`,
    sql<SqlBool>`a.stage IN ('referred', 'accepted')`,
  ];
  if (query.stage) where.push(sql<SqlBool>`a.stage = ${query.stage}`);
  if (query.cursor) {
    const c = decodeCursor(query.cursor);
    where.push(
      sql<SqlBool>`(a.stage_due_at, a.id) > (${c.due}::timestamp AT TIME ZONE 'UTC', ${c.id}::uuid)`,
    );
  }
  const rows = await sql<SummaryRow>`
    SELECT ${SUMMARY_COLUMNS} FROM alert a ${SUMMARY_JOINS}
    WHERE ${and(where)}
    ORDER BY a.stage_due_at, a.id
    LIMIT ${query.limit + 1}`.execute(db);
  const counted = await sql<{ stage: AlertStage; n: number }>`
    SELECT a.stage, count(*)::int AS n FROM alert a
    WHERE a.institution_id = ${institution} AND a.stage IN ('referred', 'accepted')
    GROUP BY a.stage`.execute(db);
  const counts = {
    identified: 0,
    referred: 0,
    accepted: 0,
    rejected: 0,
    attended: 0,
    closed: 0,
    cancelled: 0,
  };
  for (const r of counted.rows) counts[r.stage] = r.n;
  const page = rows.rows.slice(0, query.limit);
  const last = page.at(-1);
  await recordAudit(db, actor, [
    { action: 'alerts.inbox', entity: 'institution', entityId: institution, detail: { rows: page.length } },
  ]);
  return {
    items: page.map((r) => toSummary(actor, r)),
    nextCursor: rows.rows.length > query.limit && last ? encodeCursor(last) : null,
    counts,
  };
}

/** The alert if the actor may see it: missing and out of scope are the same 404. */
async function alertRow(db: Db, actor: Actor, id: string, lock = false): Promise<SummaryRow> {
  const row = await sql<SummaryRow>`
    SELECT ${SUMMARY_COLUMNS} FROM alert a ${SUMMARY_JOINS}
    WHERE a.id = ${id} AND ${alertInScope(actor)}
    ${lock ? sql`FOR UPDATE OF a` : sql``}`.execute(db);
  const r = row.rows[0];
  if (!r) throw new DomainError('NOT_FOUND', 'No such alert in your scope');
  return r;
}

/** One alert with its history, attachments and the steps the reader may take. */
export async function getAlert(db: Db, actor: Actor, id: string): Promise<AlertDetail> {
  assertCan(actor, 'alerts.read');
  const r = await alertRow(db, actor, id);
  const detail = await detailOf(db, actor, r);
  await recordAudit(db, actor, [
    {
      action: 'alert.read',
      entity: 'alert',
      entityId: id,
      householdId: detail.restricted ? null : r.household_id,
      ...(detail.restricted ? { detail: { restricted: true } } : {}),
    },
  ]);
  return detail;
}

async function detailOf(db: Db, actor: Actor, r: SummaryRow): Promise<AlertDetail> {
  const summary = toSummary(actor, r);
  if (summary.restricted) {
    return {
      ...summary,
      observation: null,
      counterReferral: null,
      resolvedByEvidenceId: null,
      referredAt: null,
      acceptedAt: null,
      attendedAt: null,
      endedAt: null,
      household: null,
      events: [],
      attachments: [],
      allowedActions: [],
    };
  }
  const [events, attachments, household] = await Promise.all([
    sql<{
      seq: number;
      action: AlertEvent['action'];
      from_stage: AlertStage | null;
      to_stage: AlertStage;
      institution_id: string | null;
      actor_name: string;
      actor_kind: AlertEvent['actorKind'];
      at: Date;
      reason: string | null;
      detail: Record<string, unknown> | null;
      code: string | null;
      name: string | null;
      kind: InstitutionRef['kind'] | null;
      territory_code: string | null;
    }>`
      SELECT e.seq, e.action, e.from_stage, e.to_stage, e.institution_id, e.actor_kind, e.at,
             coalesce(u.display_name, e.actor_name) AS actor_name,
             e.reason, e.detail, i.code, i.name, i.kind, i.territory_code
      FROM alert_event e
      LEFT JOIN institution i ON i.id = e.institution_id
      LEFT JOIN app_user u ON e.actor_kind = 'user' AND u.id = e.actor_id
      WHERE e.alert_id = ${r.id} ORDER BY e.seq`.execute(db),
    db
      .selectFrom('alert_attachment')
      .select(['id', 'file_name', 'content_type', 'size_bytes', 'uploaded_at'])
      .where('alert_id', '=', r.id)
      .orderBy('uploaded_at')
      .execute(),
    sql<{ address: string | null; reference: string | null; phone: string | null; village: string | null }>`
      SELECT h.address, h.reference, h.phone, v.name AS village
      FROM household h LEFT JOIN territory v ON v.code = h.village_code
      WHERE h.id = ${r.household_id} AND (${isReceiver(actor, r)} OR ${householdInScope(actor)})`.execute(db),
  ]);
  const h = household.rows[0];
  const timeline: AlertEvent[] = events.rows.map((e) => ({
    seq: Number(e.seq),
    action: e.action,
    fromStage: e.from_stage,
    toStage: e.to_stage,
    institution:
      e.institution_id === null
        ? null
        : {
            id: e.institution_id,
            code: e.code ?? '',
            name: e.name ?? '',
            kind: e.kind ?? 'health_facility',
            territoryCode: e.territory_code ?? '',
          },
    actorName: e.actor_name,
    actorKind: e.actor_kind,
    at: iso(e.at)!,
    reason: e.reason,
    detail: e.detail,
  }));
  // Rule alerts raised in bulk have no raise step of their own: the alert row says when.
  if (!timeline.some((e) => e.action === 'raise')) {
    timeline.unshift({
      seq: 0,
      action: 'raise',
      fromStage: null,
      toStage: 'identified',
      institution: null,
      actorName: 'tejido',
      actorKind: 'system',
      at: iso(r.raised_at)!,
      reason: null,
      detail: { rule: r.type_code },
    });
  }
  const counter = r.counter_referral === null ? null : CounterReferral.safeParse(r.counter_referral);
  return {
    ...summary,
    observation: r.observation,
    counterReferral: counter?.success ? counter.data : null,
    resolvedByEvidenceId: r.resolved_by_evidence_id,
    referredAt: iso(r.referred_at),
    acceptedAt: iso(r.accepted_at),
    attendedAt: iso(r.attended_at),
    endedAt: iso(r.ended_at),
    household: h
      ? { address: h.address, reference: h.reference, phone: h.phone, villageName: h.village }
      : null,
    events: timeline,
    attachments: attachments.map(attachmentInfo),
    allowedActions: actionsFor(actor, r),
  };
}

function attachmentInfo(a: {
  id: string;
  file_name: string;
  content_type: string;
  size_bytes: number;
  uploaded_at: Date;
}): AttachmentInfo {
  return {
    id: a.id,
    fileName: a.file_name,
    contentType: a.content_type,
    sizeBytes: a.size_bytes,
    uploadedAt: iso(a.uploaded_at)!,
  };
}

// ---------------------------------------------------------------------------------------------
// Raising

const hours = (n: number) => new Date(Date.now() + n * 3_600_000);

/**
 * A person raises an alert seen at a visit (a sick child, signs of violence…), with an optional
 * attachment. Only types raised by people; the person or household must be in the actor's scope.
 */
export async function raiseAlert(
  db: Db,
  actor: Actor,
  input: AlertCreate,
  mutationId?: string,
  types: AlertTypeSet = loadAlertTypes(),
): Promise<{ alert: AlertDetail; replayed: boolean }> {
  assertCan(actor, 'alerts.raise');
  const type = types.types.get(input.typeCode);
  if (!type) throw DomainError.field('typeCode', `Unknown alert type '${input.typeCode}'`);
  if (type.raisedBy !== 'person') {
    throw DomainError.field('typeCode', 'This alert type is raised by its rule, not by hand');
  }
  const { result, replayed } = await runCommand(db, actor, mutationId, 'alert.raise', async (trx) => {
    const target = await raiseTarget(trx, actor, input);
    const id = uuidv7();
    await trx
      .insertInto('alert')
      .values({
        id,
        type_code: type.code,
        origin: 'person',
        severity: type.severity,
        sensitive: type.sensitive,
        person_id: target.personId,
        household_id: target.householdId,
        territory_code: target.territoryCode,
        village_code: target.villageCode,
        health_facility_id: target.healthFacilityId,
        field_worker_id: target.fieldWorkerId,
        stage: 'identified',
        stage_due_at: hours(type.deadlines.refer),
        observation: input.observation,
        raised_by: actor.kind === 'user' ? actor.id : null,
        raised_at: new Date(),
      })
      .execute();
    await appendEvent(trx, actor, { alertId: id, action: 'raise', from: null, to: 'identified' });
    if (input.attachment) await storeAttachment(trx, actor, id, input.attachment);
    await recordAudit(trx, actor, [
      {
        action: 'alert.create',
        entity: 'alert',
        entityId: id,
        householdId: target.householdId,
        detail: { typeCode: type.code, personId: target.personId },
      },
    ]);
    return { id };
  });
  const row = await alertRow(db, actor, result.id);
  return { alert: await detailOf(db, actor, row), replayed };
}

async function raiseTarget(trx: Transaction<DB>, actor: Actor, input: AlertCreate) {
  const target = await trx
    .selectFrom('household as h')
    .leftJoin('person as p', (join) =>
      join.onRef('p.household_id', '=', 'h.id').on('p.id', '=', input.personId ?? null),
    )
    .select([
      'h.id as householdId',
      'p.id as personId',
      'h.territory_code as territoryCode',
      'h.village_code as villageCode',
      'h.health_facility_id as healthFacilityId',
      'h.field_worker_id as fieldWorkerId',
    ])
    .where(householdInScope(actor))
    .where((eb) =>
      input.personId
        ? eb.and([
            eb('p.id', 'is not', null),
            ...(input.householdId ? [eb('h.id', '=', input.householdId)] : []),
          ])
        : eb('h.id', '=', input.householdId!),
    )
    .executeTakeFirst();
  if (!target) {
    throw DomainError.field(
      input.personId ? 'personId' : 'householdId',
      'No such person or household in your scope',
      'NOT_FOUND',
    );
  }
  return target;
}

async function appendEvent(
  trx: Transaction<DB>,
  actor: Actor,
  e: {
    alertId: string;
    action: AlertEvent['action'];
    from: AlertStage | null;
    to: AlertStage;
    institutionId?: string | null;
    reason?: string | null;
    detail?: Record<string, unknown> | null;
  },
): Promise<void> {
  await trx
    .insertInto('alert_event')
    .values({
      alert_id: e.alertId,
      action: e.action,
      from_stage: e.from,
      to_stage: e.to,
      institution_id: e.institutionId ?? null,
      actor_kind: actor.kind,
      actor_id: actor.id,
      actor_name: actor.name,
      reason: e.reason ?? null,
      detail: e.detail ? JSON.stringify(e.detail) : null,
    })
    .execute();
}

const MAGIC: Record<AttachmentUpload['contentType'], (b: Buffer) => boolean> = {
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/webp': (b) =>
    b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
  'application/pdf': (b) => b.subarray(0, 5).toString('latin1') === '%PDF-',
};

async function storeAttachment(
  trx: Transaction<DB>,
  actor: Actor,
  alertId: string,
  upload: AttachmentUpload,
): Promise<AttachmentInfo> {
  const data = Buffer.from(upload.dataBase64, 'base64');
  if (data.length === 0) throw DomainError.field('attachment.dataBase64', 'The file is empty');
  if (data.length > 5 * 1024 * 1024)
    throw DomainError.field('attachment.dataBase64', 'The file is over 5 MiB');
  if (!MAGIC[upload.contentType](data)) {
    throw DomainError.field('attachment.contentType', `The file is not a ${upload.contentType} file`);
  }
  const row = {
    id: uuidv7(),
    alert_id: alertId,
    file_name: upload.fileName,
    content_type: upload.contentType,
    size_bytes: data.length,
    sha256: createHash('sha256').update(data).digest('hex'),
    data,
    uploaded_by: actor.kind === 'user' ? actor.id : null,
  };
  const stored = await trx
    .insertInto('alert_attachment')
    .values(row)
    .returning(['id', 'file_name', 'content_type', 'size_bytes', 'uploaded_at'])
    .executeTakeFirstOrThrow();
  return attachmentInfo(stored);
}

/** Attach a file to an alert the actor can see in full. */
export async function addAttachment(
  db: Db,
  actor: Actor,
  alertId: string,
  upload: AttachmentUpload,
): Promise<AttachmentInfo> {
  assertCan(actor, 'alerts.read');
  return db.transaction().execute(async (trx) => {
    const r = await alertRow(trx, actor, alertId, true);
    if (!seesDetails(actor, r)) throw new DomainError('FORBIDDEN', 'This alert is restricted');
    if (!isOpenStage(r.stage)) {
      throw new DomainError('CONFLICT', `The alert is ${r.stage}: attach files to an open alert`);
    }
    if (actor.kind === 'user' && !can(actor, 'alerts.raise') && !isReceiver(actor, r)) {
      throw new DomainError('FORBIDDEN', `The role ${actor.role} cannot attach files to alerts`);
    }
    const info = await storeAttachment(trx, actor, alertId, upload);
    await appendEvent(trx, actor, {
      alertId,
      action: 'attach',
      from: r.stage,
      to: r.stage,
      detail: { attachmentId: info.id, fileName: info.fileName },
    });
    await recordAudit(trx, actor, [
      {
        action: 'alert.attach',
        entity: 'alert',
        entityId: alertId,
        householdId: r.household_id,
        detail: { attachmentId: info.id },
      },
    ]);
    return info;
  });
}

export async function getAttachment(
  db: Db,
  actor: Actor,
  alertId: string,
  attachmentId: string,
): Promise<{ fileName: string; contentType: string; data: Buffer }> {
  assertCan(actor, 'alerts.read');
  const r = await alertRow(db, actor, alertId);
  if (!seesDetails(actor, r)) throw new DomainError('NOT_FOUND', 'No such attachment');
  const a = await db
    .selectFrom('alert_attachment')
    .select(['file_name', 'content_type', 'data'])
    .where('id', '=', attachmentId)
    .where('alert_id', '=', alertId)
    .executeTakeFirst();
  if (!a) throw new DomainError('NOT_FOUND', 'No such attachment');
  await recordAudit(db, actor, [
    {
      action: 'alert.attachment.read',
      entity: 'alert',
      entityId: alertId,
      householdId: r.household_id,
      detail: { attachmentId },
    },
  ]);
  return { fileName: a.file_name, contentType: a.content_type, data: Buffer.from(a.data) };
}

// ---------------------------------------------------------------------------------------------
// The lifecycle

export type TransitionInput =
  | { action: 'refer'; body: ReferRequest }
  | { action: 'accept'; body: NoteRequest }
  | { action: 'reject'; body: ReasonRequest }
  | { action: 'attend'; body: AttendRequest }
  | { action: 'verify'; body: NoteRequest }
  | { action: 'cancel'; body: ReasonRequest };

/**
 * Take one step of an alert's lifecycle. The alert is locked, its version compared with the one
 * the actor read (a stale one: 409 VERSION_CONFLICT with the current stage), the step checked
 * against the lifecycle (409 ILLEGAL_TRANSITION with the steps allowed) and the actor's role and
 * institution (403), then applied with its deadline and recorded as an event, in one transaction.
 */
export async function transition(
  db: Db,
  actor: Actor,
  alertId: string,
  input: TransitionInput,
  types: AlertTypeSet = loadAlertTypes(),
): Promise<AlertDetail> {
  assertCan(actor, 'alerts.read');
  const id = await db.transaction().execute(async (trx) => {
    const r = await alertRow(trx, actor, alertId, true);
    if (!seesDetails(actor, r)) throw new DomainError('FORBIDDEN', 'This alert is restricted');
    const { action, body } = input;
    if (body.version !== r.version) {
      throw new DomainError('VERSION_CONFLICT', `The alert changed since you read it: it is now ${r.stage}`, {
        extra: { currentVersion: r.version, stage: r.stage },
      });
    }
    const to = nextAlertStage(r.stage, action);
    if (to === null) {
      // The steps this reader could take instead, not every step of the stage.
      const allowed = actionsFor(actor, r);
      throw new DomainError(
        'ILLEGAL_TRANSITION',
        `Cannot ${action} an alert that is ${r.stage}` +
          (allowed.length > 0
            ? `; you may: ${allowed.join(', ')}`
            : isOpenStage(r.stage)
              ? '; you have no step to take in this stage'
              : '; it is ended'),
        { extra: { stage: r.stage, allowed } },
      );
    }
    if (!actionsFor(actor, r).includes(action)) {
      throw new DomainError(
        'FORBIDDEN',
        action === 'accept' || action === 'reject' || action === 'attend'
          ? 'Only the institution the alert is referred to can do this'
          : `The role ${actor.role} cannot ${action} alerts`,
      );
    }
    const type = types.types.get(r.type_code);
    const deadlineHours = (stage: AlertStage) => {
      const d = deadlineOfStage(stage);
      return d && type ? hours(type.deadlines[d]) : null;
    };
    const now = new Date();
    const set: Updateable<AlertTable> = {
      stage: to,
      stage_due_at: deadlineHours(to),
      escalation_level: 0,
      reminded: false,
      version: r.version + 1,
      updated_at: now,
    };
    let institutionId: string | null = r.institution_id;
    let reason: string | null = null;
    let detail: Record<string, unknown> | null = null;
    switch (action) {
      case 'refer': {
        const b = input.body;
        const check = await referralCheck(trx, r, b.institutionId, type?.institution ?? null);
        if (!check.competent || !check.withinTerritory) {
          if (!b.overrideReason) {
            throw DomainError.field(
              'overrideReason',
              !check.competent
                ? `The institution is not of the kind this alert needs (${type?.institution}): give a reason to refer it anyway`
                : "The institution does not serve the household's district: give a reason to refer it anyway",
            );
          }
        }
        institutionId = b.institutionId;
        set.institution_id = b.institutionId;
        set.referred_at = r.referred_at ?? now;
        reason = b.overrideReason ?? null;
        detail = {
          ...(b.note ? { note: b.note } : {}),
          ...(b.overrideReason
            ? { override: { competent: check.competent, withinTerritory: check.withinTerritory } }
            : {}),
        };
        break;
      }
      case 'accept':
        set.accepted_at = r.accepted_at ?? now;
        detail = input.body.note ? { note: input.body.note } : null;
        break;
      case 'reject':
        reason = input.body.reason;
        break;
      case 'attend': {
        const c = input.body.counterReferral;
        const today = new Date(now.getTime() - 5 * 3_600_000).toISOString().slice(0, 10);
        if (c.attendedOn > today)
          throw DomainError.field('counterReferral.attendedOn', 'The date is in the future');
        const referredDay = new Date((r.referred_at ?? r.raised_at).getTime() - 5 * 3_600_000)
          .toISOString()
          .slice(0, 10);
        if (c.attendedOn < referredDay) {
          throw DomainError.field('counterReferral.attendedOn', 'The date is before the referral');
        }
        set.attended_at = r.attended_at ?? now;
        set.counter_referral = JSON.stringify(c);
        detail = { counterReferral: c };
        break;
      }
      case 'verify':
        set.outcome = 'verified';
        set.ended_at = now;
        detail = input.body.note ? { note: input.body.note } : null;
        break;
      case 'cancel':
        set.ended_at = now;
        reason = input.body.reason;
        break;
    }
    await trx.updateTable('alert').set(set).where('id', '=', r.id).execute();
    await appendEvent(trx, actor, {
      alertId: r.id,
      action,
      from: r.stage,
      to,
      institutionId,
      reason,
      detail: detail && Object.keys(detail).length > 0 ? detail : null,
    });
    await recordAudit(trx, actor, [
      {
        action: `alert.${action}`,
        entity: 'alert',
        entityId: r.id,
        householdId: r.household_id,
        detail: { from: r.stage, to, ...(institutionId ? { institutionId } : {}) },
      },
    ]);
    return r.id;
  });
  const row = await alertRow(db, actor, id);
  return detailOf(db, actor, row);
}

/** Whether an institution is of the competent kind and serves the alert's district. */
async function referralCheck(
  trx: Transaction<DB>,
  alert: AlertRow,
  institutionId: string,
  kind: string | null,
): Promise<{ competent: boolean; withinTerritory: boolean }> {
  const institution = await trx
    .selectFrom('institution')
    .select(['kind', 'territory_code'])
    .where('id', '=', institutionId)
    .executeTakeFirst();
  if (!institution) throw DomainError.field('institutionId', 'No such institution');
  return {
    competent: kind === null || institution.kind === kind,
    withinTerritory: serves(institution.kind, institution.territory_code, alert.territory_code),
  };
}

/** Institution kinds that serve a whole province from its capital (identity, CEM, municipal offices). */
const PROVINCIAL_KINDS: ReadonlySet<string> = new Set([
  'identity_office',
  'womens_emergency_centre',
  'municipal_social_office',
  'child_protection_office',
  'employment_office',
]);

/**
 * Whether an institution serves a household's district: a health facility or a school serves the
 * district it stands in (or all of a territory above it), a provincial office its province.
 */
export function serves(kind: string, institutionTerritory: string, district: string): boolean {
  const area = institutionTerritory.slice(0, PROVINCIAL_KINDS.has(kind) ? 4 : 6);
  return district.startsWith(area);
}

/**
 * Institutions to refer an alert to: the competent kind first, then those serving the household's
 * district, the household's own health facility first among health facilities, then by distance
 * between territory centres; at most 20, from the household's region.
 */
export async function suggestInstitutions(
  db: Db,
  actor: Actor,
  alertId: string,
  types: AlertTypeSet = loadAlertTypes(),
): Promise<InstitutionSuggestion[]> {
  assertCan(actor, 'alerts.read');
  const r = await alertRow(db, actor, alertId);
  if (!seesDetails(actor, r)) throw new DomainError('FORBIDDEN', 'This alert is restricted');
  const kind = types.types.get(r.type_code)?.institution ?? null;
  const region = r.territory_code.slice(0, 2);
  const { start, end } = codeRange(region);
  const rows = await sql<{
    id: string;
    code: string;
    name: string;
    kind: InstitutionRef['kind'];
    territory_code: string;
    territory_name: string;
    lat: number | null;
    lon: number | null;
  }>`
    SELECT i.id, i.code, i.name, i.kind, i.territory_code, t.name AS territory_name,
           coalesce(t.latitude, d.latitude) AS lat, coalesce(t.longitude, d.longitude) AS lon
    FROM institution i
    JOIN territory t ON t.code = i.territory_code
    LEFT JOIN territory d ON d.code = left(i.territory_code, 6)
    WHERE i.territory_code >= ${start} ${end === null ? sql`` : sql`AND i.territory_code < ${end}`}`.execute(
    db,
  );
  const origin = await sql<{ lat: number | null; lon: number | null }>`
    SELECT coalesce(v.latitude, t.latitude) AS lat, coalesce(v.longitude, t.longitude) AS lon
    FROM territory t LEFT JOIN territory v ON v.code = ${r.village_code}
    WHERE t.code = ${r.territory_code}`.execute(db);
  const o = origin.rows[0];
  const suggestions = rows.rows.map((i) => {
    const distanceKm =
      o?.lat != null && o.lon != null && i.lat !== null && i.lon !== null
        ? Math.round(haversineKm(o.lat, o.lon, i.lat, i.lon) * 10) / 10
        : null;
    return {
      id: i.id,
      code: i.code,
      name: i.name,
      kind: i.kind,
      territoryCode: i.territory_code,
      territoryName: i.territory_name,
      competent: kind === null || i.kind === kind,
      withinTerritory: serves(i.kind, i.territory_code, r.territory_code),
      distanceKm,
      own: i.id === r.health_facility_id,
    };
  });
  suggestions.sort(
    (a, b) =>
      Number(b.competent) - Number(a.competent) ||
      Number(b.withinTerritory) - Number(a.withinTerritory) ||
      Number(b.own) - Number(a.own) ||
      (a.distanceKm ?? Number.POSITIVE_INFINITY) - (b.distanceKm ?? Number.POSITIVE_INFINITY) ||
      a.name.localeCompare(b.name, 'es'),
  );
  return suggestions.slice(0, 20).map(({ own: _own, ...s }) => s);
}

function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 6371 * 2 * Math.asin(Math.min(1, Math.sqrt(a)));
}
