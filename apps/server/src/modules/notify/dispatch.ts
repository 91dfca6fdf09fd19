import { type AlertDeadline, escalationTerritoryLength, MAX_ESCALATION_LEVEL, uuidv7 } from '@tejido/core';
import type { AlertEventTable, DB } from '@tejido/db';
import type { Role, Scope, WebhookEvent } from '@tejido/schemas';
import { type Insertable, type Kysely, type Selectable, sql } from 'kysely';
import type { Actor } from '../access/actor';
import { can } from '../access/permissions';
import { type AlertTypeSet, loadAlertTypes } from '../alerts/types';
import {
  type Locale,
  localeOf,
  type MessageFacts,
  type NotificationKind,
  renderMessage,
  type Wording,
} from './messages';
import { buildWebhookPayload, type PayloadAlert } from './payload';
import { type ChannelAvailability, channelAvailability, loadNotifySettings } from './settings';

/**
 * The notification dispatcher: reads alert_event after its cursor, in order, and turns each
 * event into the messages it owes — in-app, e-mail, SMS notifications to the people concerned
 * and webhook deliveries to the receiving institution's systems — in one transaction with the
 * cursor's move. A batch run twice writes nothing twice (the unique indexes), so a crash
 * between the writes and the commit only repeats work.
 */
export const NOTIFICATION_CURSOR = 'notifications';

export interface DispatchOptions {
  /** Events per transaction. */
  batch?: number;
  /** Channels besides in-app that can reach people now (SMTP configured, an SMS provider). */
  channels?: ChannelAvailability;
  types?: AlertTypeSet;
  /**
   * A hole in `seq` may be an event whose transaction has not committed yet (on a server with
   * many connections) or a rolled-back one. Holes younger than this are always waited for; an
   * older one is skipped only when no transaction that could still write it is running (see
   * takeReady), so that a long one (a national recompute's alert sync) loses nothing. 0 on the
   * embedded database, where nothing else writes while the dispatcher reads.
   */
  gapGraceMs?: number;
  now?: () => Date;
}

export interface DispatchResult {
  events: number;
  notifications: number;
  deliveries: number;
  /** The last event seq dispatched. */
  cursor: number;
}

type EventRow = Selectable<AlertEventTable>;

interface UserRow {
  id: string;
  role: string;
  locale: string;
  email: string | null;
  phone: string | null;
  scope_kind: string;
  scope_territory_code: string | null;
  scope_institution_id: string | null;
}

/** Whom an event concerns, what to tell them, and which webhook it fires. */
interface Plan {
  kind: NotificationKind;
  recipients: UserRow[];
  /** The institution whose agents count as the receivers of a sensitive alert. */
  institutionId: string | null;
  externalChannels: boolean;
  webhook: { event: WebhookEvent; institutionId: string } | null;
  facts: Omit<MessageFacts, 'kind'>;
}

const INSERT_CHUNK = 1000;

export async function dispatchEvents(db: Kysely<DB>, options: DispatchOptions = {}): Promise<DispatchResult> {
  const batch = options.batch ?? 500;
  const channels = options.channels ?? channelAvailability(loadNotifySettings());
  const types = options.types ?? loadAlertTypes();
  const gapGraceMs = options.gapGraceMs ?? 60_000;
  const now = options.now ?? (() => new Date());
  const total: DispatchResult = { events: 0, notifications: 0, deliveries: 0, cursor: 0 };
  for (;;) {
    const r = await db
      .transaction()
      .execute((trx) => dispatchBatch(trx, { batch, channels, types, gapGraceMs, now: now() }));
    total.events += r.events;
    total.notifications += r.notifications;
    total.deliveries += r.deliveries;
    total.cursor = r.cursor;
    if (!r.more) return total;
  }
}

async function dispatchBatch(
  trx: Kysely<DB>,
  o: { batch: number; channels: ChannelAvailability; types: AlertTypeSet; gapGraceMs: number; now: Date },
): Promise<DispatchResult & { more: boolean }> {
  await trx
    .insertInto('notification_cursor')
    .values({ name: NOTIFICATION_CURSOR, seq: 0 })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  // The row lock keeps two dispatchers (two servers) from fanning out the same events at once.
  const cursorRow = await trx
    .selectFrom('notification_cursor')
    .select('seq')
    .where('name', '=', NOTIFICATION_CURSOR)
    .forUpdate()
    .executeTakeFirstOrThrow();
  const cursor = Number(cursorRow.seq);
  const read = await trx
    .selectFrom('alert_event')
    .selectAll()
    .where('seq', '>', cursor)
    .orderBy('seq')
    .limit(o.batch)
    .execute();
  const gapped = read.some((e, i) => Number(e.seq) !== (i === 0 ? cursor : Number(read[i - 1]!.seq)) + 1);
  const writers = gapped ? await runningWriters(trx) : [];
  let events = takeReady(read, cursor, o.gapGraceMs, o.now, writers);
  if (gapped) events = await withoutLateArrivals(trx, cursor, events);
  if (events.length === 0) return { events: 0, notifications: 0, deliveries: 0, cursor, more: false };

  const alerts = await loadAlerts(trx, [...new Set(events.map((e) => e.alert_id))]);
  const institutionIds = new Set<string>();
  for (const e of events) if (e.institution_id) institutionIds.add(e.institution_id);
  for (const a of alerts.values()) if (a.institution_id) institutionIds.add(a.institution_id);
  const institutions = await loadInstitutions(trx, [...institutionIds]);
  const people = await loadCandidates(trx, [...alerts.values()], [...institutionIds]);

  const notifications: Insertable<DB['notification']>[] = [];
  const deliveries: Insertable<DB['webhook_delivery']>[] = [];
  const subscriptions = await loadSubscriptions(trx, [...institutionIds]);
  for (const event of events) {
    const alert = alerts.get(event.alert_id);
    if (!alert) continue;
    const plan = planEvent(event, alert, people, institutions, o.types);
    if (!plan) continue;
    const seen = new Set<string>();
    for (const user of plan.recipients) {
      // Nobody is told about their own step; nobody twice.
      if (seen.has(user.id) || (event.actor_kind === 'user' && event.actor_id === user.id)) continue;
      seen.add(user.id);
      const locale: Locale = localeOf(user.locale);
      const allowed =
        !alert.sensitive ||
        can(actorOf(user), 'alerts.sensitive') ||
        (user.role === 'institution_agent' &&
          plan.institutionId !== null &&
          user.scope_institution_id === plan.institutionId);
      const facts: MessageFacts = { kind: plan.kind, ...plan.facts };
      const row = (
        channel: 'in_app' | 'email' | 'sms' | 'whatsapp',
        address: string | null,
        wording: Wording,
      ) => {
        const text = renderMessage(locale, wording, facts);
        notifications.push({
          id: uuidv7(o.now.getTime()),
          channel,
          user_id: user.id,
          address,
          alert_id: alert.id,
          event_seq: Number(event.seq),
          kind: plan.kind,
          subject: text.subject,
          body: text.body,
          next_attempt_at: o.now,
          // Milliseconds, as JavaScript reads them back: the inbox's keyset cursor compares them.
          created_at: o.now,
          last_error: null,
          sent_at: null,
          read_at: null,
        });
      };
      row('in_app', null, allowed ? 'full' : 'restricted');
      if (!plan.externalChannels) continue;
      const external: Wording = alert.sensitive ? 'restricted' : 'external';
      if (o.channels.email && user.email) row('email', user.email, external);
      if (o.channels.sms && user.phone) row('sms', user.phone, external);
      if (o.channels.whatsapp && user.phone) row('whatsapp', user.phone, external);
    }
    if (plan.webhook) {
      const hook = plan.webhook;
      const institution = institutions.get(hook.institutionId) ?? null;
      for (const s of subscriptions) {
        if (s.institution_id !== hook.institutionId || !s.events.includes(hook.event)) continue;
        const id = uuidv7(o.now.getTime());
        deliveries.push({
          id,
          subscription_id: s.id,
          event_seq: Number(event.seq),
          event: hook.event,
          payload: JSON.stringify(buildWebhookPayload(id, hook.event, event, alert, institution, o.types)),
          next_attempt_at: o.now,
          created_at: o.now,
          last_status: null,
          last_error: null,
          delivered_at: null,
        });
      }
    }
  }

  let written = 0;
  for (let i = 0; i < notifications.length; i += INSERT_CHUNK) {
    const r = await trx
      .insertInto('notification')
      .values(notifications.slice(i, i + INSERT_CHUNK))
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    written += Number(r.numInsertedOrUpdatedRows ?? 0);
  }
  let delivered = 0;
  for (let i = 0; i < deliveries.length; i += INSERT_CHUNK) {
    const r = await trx
      .insertInto('webhook_delivery')
      .values(deliveries.slice(i, i + INSERT_CHUNK))
      .onConflict((oc) => oc.columns(['subscription_id', 'event_seq']).doNothing())
      .executeTakeFirst();
    delivered += Number(r.numInsertedOrUpdatedRows ?? 0);
  }
  const last = Number(events.at(-1)!.seq);
  await trx
    .updateTable('notification_cursor')
    .set({ seq: last })
    .where('name', '=', NOTIFICATION_CURSOR)
    .execute();
  return {
    events: events.length,
    notifications: written,
    deliveries: delivered,
    cursor: last,
    more: events.length === read.length && read.length === o.batch,
  };
}

/**
 * When the transactions that hold an id (backend_xid) started, other than the dispatcher's:
 * any of them may have taken a `seq` it has not committed yet. Only this database's; an
 * unknown start (another role's session, without pg_read_all_stats) is null. On the embedded
 * database the dispatcher is the only session: nothing is found, as before.
 */
async function runningWriters(trx: Kysely<DB>): Promise<Array<Date | null>> {
  const r = await sql<{ xact_start: Date | string | null }>`
    SELECT xact_start FROM pg_stat_activity
    WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid() AND datname = current_database()`.execute(trx);
  return r.rows.map((w) => (w.xact_start === null ? null : new Date(w.xact_start)));
}

/**
 * The ready events up to the first hole that is no longer one: a transaction that ended
 * between the read of the events and the look at the running ones committed rows the read did
 * not see. Those are dispatched next time; the cursor stops before them.
 */
async function withoutLateArrivals(trx: Kysely<DB>, cursor: number, events: EventRow[]): Promise<EventRow[]> {
  const last = events.at(-1);
  if (!last) return events;
  const late = await trx
    .selectFrom('alert_event')
    .select((eb) => eb.fn.min('seq').as('seq'))
    .where('seq', '>', cursor)
    .where('seq', '<=', Number(last.seq))
    .where(
      'seq',
      'not in',
      events.map((e) => Number(e.seq)),
    )
    .executeTakeFirst();
  if (late?.seq === null || late?.seq === undefined) return events;
  const first = Number(late.seq);
  return events.filter((e) => Number(e.seq) < first);
}

/**
 * The events that can be dispatched now: in order, stopping at a hole in `seq` that may still
 * be filled — the event after it is younger than the grace (see DispatchOptions.gapGraceMs), or
 * a transaction that started before that event was written is still running (`writers`, their
 * start times; null when unknown): it may hold the missing seqs (a long alert sync writes
 * its events with one early `seq` after another while shorter transactions commit later ones).
 * A hole is skipped only when it can no longer be filled: a rolled-back transaction's.
 */
export function takeReady<T extends { seq: number | string; at: Date }>(
  events: T[],
  cursor: number,
  gapGraceMs: number,
  now: Date,
  writers: ReadonlyArray<Date | null> = [],
): T[] {
  const ready: T[] = [];
  let expected = cursor + 1;
  for (const e of events) {
    const seq = Number(e.seq);
    if (seq !== expected) {
      if (gapGraceMs > 0 && e.at.getTime() > now.getTime() - gapGraceMs) break;
      if (writers.some((started) => started === null || started.getTime() <= e.at.getTime())) break;
    }
    ready.push(e);
    expected = seq + 1;
  }
  return ready;
}

/** A recipient as the permission table sees them. */
function actorOf(user: UserRow): Actor {
  const scope: Scope =
    user.scope_kind === 'territory' && user.scope_territory_code
      ? { kind: 'territory', territoryCode: user.scope_territory_code }
      : user.scope_kind === 'institution' && user.scope_institution_id
        ? { kind: 'institution', institutionId: user.scope_institution_id }
        : user.scope_kind === 'national' || user.scope_kind === 'assigned'
          ? { kind: user.scope_kind }
          : { kind: 'none' };
  return { kind: 'user', id: user.id, name: '', role: user.role as Role, scope, ip: null };
}

export interface AlertFacts extends PayloadAlert {
  district_name: string;
}

async function loadAlerts(trx: Kysely<DB>, ids: string[]): Promise<Map<string, AlertFacts>> {
  if (ids.length === 0) return new Map();
  const rows = await trx
    .selectFrom('alert as a')
    .innerJoin('household as h', 'h.id', 'a.household_id')
    .leftJoin('person as p', 'p.id', 'a.person_id')
    .leftJoin('territory as d', 'd.code', 'a.territory_code')
    .leftJoin('territory as v', 'v.code', 'h.village_code')
    .select([
      'a.id',
      'a.type_code',
      'a.origin',
      'a.severity',
      'a.sensitive',
      'a.stage',
      'a.stage_due_at',
      'a.escalation_level',
      'a.institution_id',
      'a.territory_code',
      'a.field_worker_id',
      'a.observation',
      'a.raised_at',
      'a.referred_at',
      'a.accepted_at',
      'a.attended_at',
      'a.ended_at',
      'a.outcome',
      'a.person_id',
      'a.household_id',
      'h.code as household_code',
      'h.address',
      'h.reference',
      'h.phone as household_phone',
      'h.village_code',
      'v.name as village_name',
      'd.name as district_name',
      'p.given_names',
      'p.first_surname',
      'p.second_surname',
      'p.document_type',
      'p.document_number',
      'p.birth_date',
      'p.sex',
    ])
    .where('a.id', 'in', ids)
    .execute();
  return new Map(rows.map((r) => [r.id, { ...r, district_name: r.district_name ?? r.territory_code }]));
}

async function loadInstitutions(trx: Kysely<DB>, ids: string[]) {
  if (ids.length === 0) return new Map<string, InstitutionFacts>();
  const rows = await trx
    .selectFrom('institution')
    .select(['id', 'code', 'name', 'kind'])
    .where('id', 'in', ids)
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}
export type InstitutionFacts = { id: string; code: string; name: string; kind: string };

async function loadSubscriptions(trx: Kysely<DB>, institutionIds: string[]) {
  if (institutionIds.length === 0) return [];
  return trx
    .selectFrom('webhook_subscription')
    .select(['id', 'institution_id', 'events'])
    .where('active', '=', true)
    .where('institution_id', 'in', institutionIds)
    .execute();
}

/** The people an event may concern, as indexed lookups. */
interface Candidates {
  byId: Map<string, UserRow>;
  agents: Map<string, UserRow[]>;
  coordinators: Map<string, UserRow[]>;
  nationalAdmins: UserRow[];
  /** Case workers with a territory scope: they act on sensitive alerts of their territory. */
  caseWorkers: UserRow[];
}

async function loadCandidates(
  trx: Kysely<DB>,
  alerts: AlertFacts[],
  institutionIds: string[],
): Promise<Candidates> {
  const workers = [...new Set(alerts.map((a) => a.field_worker_id).filter((x): x is string => x !== null))];
  const prefixes = new Set<string>();
  for (const a of alerts) {
    for (let level = 1; level < MAX_ESCALATION_LEVEL; level += 1) {
      prefixes.add(a.territory_code.slice(0, escalationTerritoryLength(level)));
    }
  }
  // Every territory that contains a sensitive alert's district: a case worker of any of them.
  const sensitiveAreas = new Set<string>();
  for (const a of alerts) {
    if (!a.sensitive) continue;
    for (let length = 1; length <= a.territory_code.length; length += 1) {
      sensitiveAreas.add(a.territory_code.slice(0, length));
    }
  }
  const rows = await trx
    .selectFrom('app_user')
    .select([
      'id',
      'role',
      'locale',
      'email',
      'phone',
      'scope_kind',
      'scope_territory_code',
      'scope_institution_id',
    ])
    .where('active', '=', true)
    .where((eb) =>
      eb.or([
        ...(workers.length > 0 ? [eb.and([eb('role', '=', 'field_worker'), eb('id', 'in', workers)])] : []),
        ...(institutionIds.length > 0
          ? [eb.and([eb('role', '=', 'institution_agent'), eb('scope_institution_id', 'in', institutionIds)])]
          : []),
        ...(prefixes.size > 0
          ? [
              eb.and([
                eb('role', '=', 'coordinator'),
                eb('scope_kind', '=', 'territory'),
                eb('scope_territory_code', 'in', [...prefixes]),
              ]),
            ]
          : []),
        ...(sensitiveAreas.size > 0
          ? [
              eb.and([
                eb('role', '=', 'case_worker'),
                eb('scope_kind', '=', 'territory'),
                eb('scope_territory_code', 'in', [...sensitiveAreas]),
              ]),
            ]
          : []),
        eb.and([eb('role', '=', 'programme_admin'), eb('scope_kind', '=', 'national')]),
      ]),
    )
    .orderBy('id')
    .execute();
  const c: Candidates = {
    byId: new Map(),
    agents: new Map(),
    coordinators: new Map(),
    nationalAdmins: [],
    caseWorkers: [],
  };
  const push = (m: Map<string, UserRow[]>, key: string, u: UserRow) => {
    const list = m.get(key);
    if (list) list.push(u);
    else m.set(key, [u]);
  };
  for (const u of rows) {
    c.byId.set(u.id, u);
    if (u.role === 'institution_agent' && u.scope_institution_id) push(c.agents, u.scope_institution_id, u);
    if (u.role === 'coordinator' && u.scope_territory_code) push(c.coordinators, u.scope_territory_code, u);
    if (u.role === 'programme_admin') c.nationalAdmins.push(u);
    if (u.role === 'case_worker' && u.scope_territory_code) c.caseWorkers.push(u);
  }
  return c;
}

/**
 * Who can act on a sensitive alert besides national programme staff: only case workers (and
 * programme staff) may refer or cancel one, and coordinators are told of it in restricted words
 * only. Those whose territory contains the alert's district.
 */
export function caseWorkersOf(c: Candidates, territoryCode: string): UserRow[] {
  return c.caseWorkers.filter(
    (u) => u.scope_territory_code && territoryCode.startsWith(u.scope_territory_code),
  );
}

/**
 * The coordinators told at an escalation level: those whose territory is the alert's district
 * (1), province (2), region (3), or national programme staff (4); a level with nobody passes
 * to the next one up.
 */
export function coordinatorsFrom(c: Candidates, territoryCode: string, level: number): UserRow[] {
  for (let l = Math.max(1, level); l <= MAX_ESCALATION_LEVEL; l += 1) {
    const length = escalationTerritoryLength(l);
    const found =
      length === 0 ? c.nationalAdmins : (c.coordinators.get(territoryCode.slice(0, length)) ?? []);
    if (found.length > 0) return found;
  }
  return [];
}

function detailOf(event: EventRow): Record<string, unknown> {
  const d = event.detail;
  return d !== null && typeof d === 'object' && !Array.isArray(d) ? (d as Record<string, unknown>) : {};
}

function dateOr(value: unknown, fallback: Date | null): Date | null {
  if (typeof value === 'string') {
    const d = new Date(value);
    if (!Number.isNaN(d.getTime())) return d;
  }
  return fallback;
}

const DEADLINES = new Set(['refer', 'accept', 'attend']);

/** Who is told what about one event; null when the event tells nobody. */
function planEvent(
  event: EventRow,
  alert: AlertFacts,
  c: Candidates,
  institutions: Map<string, InstitutionFacts>,
  types: AlertTypeSet,
): Plan | null {
  const detail = detailOf(event);
  const type = types.types.get(alert.type_code);
  const fieldWorker = alert.field_worker_id ? c.byId.get(alert.field_worker_id) : undefined;
  const workerList = fieldWorker && fieldWorker.role === 'field_worker' ? [fieldWorker] : [];
  const district = coordinatorsFrom(c, alert.territory_code, 1);
  const eventInstitution = event.institution_id ?? alert.institution_id;
  const agentsOf = (id: string | null) => (id ? (c.agents.get(id) ?? []) : []);
  // The deadline that runs now, when the alert is still in the stage the event led to.
  const currentDue = alert.stage === event.to_stage ? alert.stage_due_at : null;
  const deadline =
    typeof detail.deadline === 'string' && DEADLINES.has(detail.deadline)
      ? (detail.deadline as AlertDeadline)
      : null;
  const person =
    [alert.given_names, alert.first_surname, alert.second_surname].filter(Boolean).join(' ') || null;
  const base: Omit<MessageFacts, 'kind'> = {
    typeName: type?.name ?? { es: alert.type_code, en: alert.type_code },
    personName: person,
    householdCode: alert.household_code,
    districtName: alert.district_name,
    institutionName: eventInstitution ? (institutions.get(eventInstitution)?.name ?? null) : null,
    actorName: event.actor_name,
    reason: event.reason,
    deadline,
    due: null,
    level: null,
  };
  const plan = (
    kind: NotificationKind,
    recipients: UserRow[],
    extra: Partial<Omit<MessageFacts, 'kind'>> = {},
    webhook: WebhookEvent | null = null,
    externalChannels = true,
  ): Plan => ({
    kind,
    recipients,
    institutionId: eventInstitution,
    externalChannels,
    webhook: webhook && eventInstitution ? { event: webhook, institutionId: eventInstitution } : null,
    facts: { ...base, ...extra },
  });
  const wasWithInstitution = event.from_stage === 'referred' || event.from_stage === 'accepted';
  // The institution holds the referral: it has it, or had it until the alert was closed. One
  // that rejected it (the alert went back to be referred again) is told nothing more about it.
  const institutionHolds =
    alert.accepted_at !== null ||
    event.from_stage === 'referred' ||
    event.from_stage === 'accepted' ||
    event.from_stage === 'attended';
  // A sensitive alert's next step is for those allowed to see it whole (see caseWorkersOf).
  const actors = alert.sensitive ? caseWorkersOf(c, alert.territory_code) : [];
  switch (event.action) {
    case 'raise':
      return plan('alert.raised', [...district, ...workerList, ...actors], { due: currentDue });
    case 'refer':
      return plan(
        'referral.received',
        agentsOf(event.institution_id),
        { due: currentDue },
        'referral.received',
      );
    case 'reject':
      return plan('referral.rejected', [...workerList, ...district, ...actors], { due: currentDue });
    case 'attend':
      return plan('referral.attended', [...workerList, ...district]);
    case 'escalate': {
      const level = Math.min(MAX_ESCALATION_LEVEL, Math.max(1, Number(detail.level) || 1));
      return plan(
        'alert.escalated',
        [...coordinatorsFrom(c, alert.territory_code, level), ...actors],
        { level, due: dateOr(detail.dueAt, null) },
        wasWithInstitution ? 'referral.escalated' : null,
      );
    }
    case 'remind': {
      const due = dateOr(detail.dueAt, currentDue);
      if ((deadline === 'accept' || deadline === 'attend') && wasWithInstitution) {
        return plan('deadline.reminder', agentsOf(eventInstitution), { due }, 'referral.reminder');
      }
      return plan('deadline.reminder', [...workerList, ...district, ...actors], { due, deadline: 'refer' });
    }
    case 'cancel':
      return wasWithInstitution
        ? plan('referral.cancelled', agentsOf(eventInstitution), {}, 'referral.cancelled')
        : null;
    case 'verify':
    case 'resolve':
      // Closing is news, not a call to act: in-app only, no e-mail or SMS.
      return plan(
        'alert.closed',
        workerList,
        { closedBy: event.action },
        alert.institution_id && institutionHolds ? 'referral.closed' : null,
        false,
      );
    default:
      return null;
  }
}
