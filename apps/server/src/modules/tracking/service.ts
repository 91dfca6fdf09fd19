/**
 * Nominal tracking: recording evidence (and the status it changes, in the same transaction),
 * a person's tracking page, rosters and the WHO curves of the growth charts.
 */
import {
  ageInMonths,
  classifyHemoglobin,
  daysBetween,
  type GrowthIndicator,
  growthReferenceCurves,
  growthZScores,
  type Sex,
  type TrackingEvidence,
  todayInPeru,
  uuidv7,
} from '@tejido/core';
import type { DB } from '@tejido/db';
import {
  DomainError,
  EvidenceCreate,
  type EvidenceRecorded,
  type EvidenceView,
  type GrowthCurves,
  type GrowthPoint,
  type HemoglobinPoint,
  type LightCounts,
  type PathwaySummary,
  type PersonTracking,
  type RosterFilters,
  type RosterPage,
  type RosterQuery,
  type RosterRow,
  type TrackingReason,
  type TrackingRun,
} from '@tejido/schemas';
import { type Kysely, type SelectQueryBuilder, type SqlBool, sql, type Transaction } from 'kysely';
import type { Actor } from '../access/actor';
import { assertCan } from '../access/permissions';
import { codeRange, householdInScope, statusInScope } from '../access/scope';
import { syncHouseholdAlerts, syncRuleAlerts } from '../alerts/sync';
import { type AlertTypeSet, loadAlertTypes } from '../alerts/types';
import { recordAudit } from '../audit/service';
import { loadPathways, type PathwaySet, pathwayFor } from './pathways';
import {
  birthDatesForMonths,
  evaluateSubject,
  evidenceSql,
  type PersonFilter,
  PREGNANCY_MAX_DAYS,
  STATUS_COLUMNS,
  type Subject,
  statusValues,
  subjectsSql,
  toEvidence,
  toSubject,
} from './subjects';

type Db = Kysely<DB>;

async function rawRows(db: Db, text: string): Promise<unknown[][]> {
  const result = await sql.raw<Record<string, unknown>>(text).execute(db);
  return result.rows.map((r) => Object.values(r));
}

/** The tracked persons a filter selects on asOf, without their evidence. */
async function loadSubjectRows(db: Db, asOf: string, filter: PersonFilter): Promise<Subject[]> {
  return (await rawRows(db, subjectsSql(asOf, filter))).map((r) => toSubject(r as never));
}

/** Subjects and their evidence known on asOf, for a few persons (single updates and pages). */
export async function loadSubjects(
  db: Db,
  asOf: string,
  filter: PersonFilter,
): Promise<Array<{ subject: Subject; evidence: TrackingEvidence[] }>> {
  const subjects = await loadSubjectRows(db, asOf, filter);
  if (subjects.length === 0) return [];
  const byPerson = new Map<string, TrackingEvidence[]>();
  const ids: PersonFilter = { kind: 'ids', ids: subjects.map((s) => s.personId) };
  for (const r of await rawRows(db, evidenceSql(asOf, ids))) {
    const personId = String(r[0]);
    const list = byPerson.get(personId);
    if (list) list.push(toEvidence(r as never));
    else byPerson.set(personId, [toEvidence(r as never)]);
  }
  return subjects.map((subject) => ({ subject, evidence: byPerson.get(subject.personId) ?? [] }));
}

/**
 * Recompute and store the status of some persons as of a date, in the caller's transaction:
 * persons no longer tracked (a child turned 36 months, a pregnancy ended) lose their row. Their
 * rule alerts follow in the same transaction (raised, or closed as resolved by the evidence).
 */
export async function refreshStatuses(
  trx: Transaction<DB> | Db,
  filter: PersonFilter,
  asOf: string,
  set: PathwaySet = loadPathways(),
  options: { alerts?: AlertTypeSet } = {},
) {
  const alerts = options.alerts ?? loadAlertTypes();
  const loaded = await loadSubjects(trx, asOf, filter);
  const results = new Map<string, ReturnType<typeof evaluateSubject>>();
  const rows: Array<ReturnType<typeof statusValues>> = [];
  for (const { subject, evidence } of loaded) {
    const evaluated = evaluateSubject(set, subject, evidence, asOf, true, alerts.rules);
    results.set(subject.personId, evaluated);
    rows.push(statusValues(subject, evaluated.result, evaluated.pathway));
  }
  // Several hundred rows a statement: an import refreshes thousands of persons at once.
  for (let i = 0; i < rows.length; i += STATUS_ROWS_PER_STATEMENT) {
    await trx
      .insertInto('tracking_status')
      .values(rows.slice(i, i + STATUS_ROWS_PER_STATEMENT))
      .onConflict((oc) =>
        oc.column('person_id').doUpdateSet((eb) => {
          const set: Record<string, unknown> = { computed_at: sql`now()` };
          for (const c of STATUS_COLUMNS) if (c !== 'person_id') set[c] = eb.ref(`excluded.${c}`);
          return set as never;
        }),
      )
      .execute();
  }
  const gone: string[] = [];
  if (filter.kind === 'ids') {
    const ids = filter.ids.filter((id) => !results.has(id));
    if (ids.length > 0) {
      await trx.deleteFrom('tracking_status').where('person_id', 'in', ids).execute();
      gone.push(...ids);
    }
  } else if (filter.kind === 'households' && filter.ids.length > 0) {
    let q = trx.deleteFrom('tracking_status').where('household_id', 'in', filter.ids);
    if (results.size > 0) q = q.where('person_id', 'not in', [...results.keys()]);
    for (const r of await q.returning('person_id').execute()) gone.push(r.person_id);
  }
  // A range is part of a recompute, which synchronises every alert once at its end.
  if (filter.kind !== 'range') {
    await syncRuleAlerts(
      trx,
      filter.kind === 'all' ? { kind: 'all' } : { kind: 'persons', ids: [...results.keys(), ...gone] },
      { types: alerts },
    );
  }
  return results;
}

/** Status rows per upsert statement (about 25 parameters a row, well under the 65,535 limit). */
const STATUS_ROWS_PER_STATEMENT = 500;

/** The person, if the actor may see them: the same 404 for missing and out of scope. */
async function personInScope(db: Db, actor: Actor, personId: string) {
  const person = await db
    .selectFrom('person as p')
    .innerJoin('household as h', 'h.id', 'p.household_id')
    .select([
      'p.id',
      'p.household_id',
      'p.given_names',
      'p.first_surname',
      'p.second_surname',
      'p.sex',
      'p.birth_date',
    ])
    .where('p.id', '=', personId)
    .where(householdInScope(actor))
    .executeTakeFirst();
  if (!person) throw new DomainError('NOT_FOUND', 'No such person');
  return person;
}

function evidenceView(r: {
  id: string;
  person_id: string;
  kind: string;
  date: string;
  code: string | null;
  dose: number | null;
  weight_kg: number | null;
  length_cm: number | null;
  measured: string | null;
  oedema: boolean | null;
  hb_gdl: number | null;
  implausible: boolean;
  source: string;
  source_ref: string | null;
  recorded_at: Date;
}): EvidenceView {
  const values: Record<string, unknown> = {};
  if (r.weight_kg !== null) values.weightKg = r.weight_kg;
  if (r.length_cm !== null) values.lengthCm = r.length_cm;
  if (r.measured !== null) values.measured = r.measured;
  if (r.oedema !== null) values.oedema = r.oedema;
  if (r.hb_gdl !== null) values.hbGdl = r.hb_gdl;
  return {
    id: r.id,
    personId: r.person_id,
    kind: r.kind as EvidenceView['kind'],
    date: r.date,
    code: r.code,
    dose: r.dose,
    values: Object.keys(values).length > 0 ? (values as EvidenceView['values']) : null,
    implausible: r.implausible,
    source: r.source as EvidenceView['source'],
    sourceRef: r.source_ref,
    recordedAt: r.recorded_at.toISOString(),
  };
}

/** Whether WHO's limits flag a measurement (kept, shown "to be re-measured", not classified). */
export function isImplausible(sex: Sex, ageDays: number, v: EvidenceCreate['values']): boolean {
  if (!v || (v.weightKg === undefined && v.lengthCm === undefined)) return false;
  try {
    const z = growthZScores({
      sex,
      ageDays,
      weightKg: v.weightKg,
      lengthCm: v.lengthCm,
      measured: v.measured,
      oedema: v.oedema,
    });
    return Object.values(z).some((x) => (x as { flagged?: boolean } | undefined)?.flagged === true);
  } catch {
    return true;
  }
}

export const PREGNANCY_KINDS: ReadonlySet<string> = new Set([
  'prenatal_visit',
  'prenatal_test',
  'prenatal_supplement',
]);

/**
 * Record one piece of evidence for a person and update their status in the same transaction.
 * The same record sent again (its id, or its source and sourceRef) is stored once and answered
 * as `replayed`. Refuses a date in the future or before the birth, and values outside physical
 * limits; a measurement WHO flags as implausible is stored with its flag.
 */
export async function recordEvidence(
  db: Db,
  actor: Actor,
  personId: string,
  input: EvidenceCreate,
): Promise<{ recorded: EvidenceRecorded; created: boolean }> {
  assertCan(actor, 'tracking.record');
  const e = EvidenceCreate.parse(input);
  const today = todayInPeru();
  return db.transaction().execute(async (trx) => {
    const person = await personInScope(trx, actor, personId);
    if (e.date > today) throw DomainError.field('date', 'The date is in the future');
    if (e.date < person.birth_date)
      throw DomainError.field('date', 'The date is before the birth of the person');
    if (PREGNANCY_KINDS.has(e.kind)) {
      const pregnancy = await trx
        .selectFrom('pregnancy')
        .select('id')
        .where('person_id', '=', personId)
        .where(
          sql<SqlBool>`coalesce(last_menstrual_period, estimated_delivery_date - 280) <= ${e.date}::date`,
        )
        .where(
          sql<SqlBool>`coalesce(ended_on, coalesce(last_menstrual_period, estimated_delivery_date - 280) + ${sql.lit(PREGNANCY_MAX_DAYS)}) >= ${e.date}::date`,
        )
        .executeTakeFirst();
      if (!pregnancy) {
        throw DomainError.field(
          'kind',
          'Prenatal care needs a pregnancy of this woman registered for that date',
        );
      }
    }
    const ageDays = daysBetween(person.birth_date, e.date);
    const row = {
      id: e.id ?? uuidv7(),
      person_id: personId,
      kind: e.kind,
      date: e.date,
      code: e.code ?? null,
      dose: e.dose ?? null,
      weight_kg: e.values?.weightKg ?? null,
      length_cm: e.values?.lengthCm ?? null,
      measured: e.values?.measured ?? null,
      oedema: e.values?.oedema ?? null,
      hb_gdl: e.values?.hbGdl ?? null,
      implausible: isImplausible(person.sex, ageDays, e.values),
      source: e.source,
      source_ref: e.sourceRef ?? null,
      recorded_by: actor.kind === 'user' ? actor.id : null,
    };
    const inserted = await trx
      .insertInto('evidence')
      .values(row)
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst();
    let stored = inserted;
    if (!stored) {
      stored = await trx
        .selectFrom('evidence')
        .selectAll()
        .where((eb) =>
          row.source_ref === null
            ? eb('id', '=', row.id)
            : eb.or([
                eb('id', '=', row.id),
                eb.and([eb('source', '=', row.source), eb('source_ref', '=', row.source_ref)]),
              ]),
        )
        .executeTakeFirstOrThrow();
      if (stored.person_id !== personId) {
        throw DomainError.field(
          stored.id === row.id ? 'id' : 'sourceRef',
          'This record is already stored for another person',
          'DUPLICATE',
        );
      }
    }
    const results = await refreshStatuses(trx, { kind: 'ids', ids: [personId] }, today);
    const evaluated = results.get(personId);
    await recordAudit(trx, actor, [
      {
        action: inserted ? 'evidence.create' : 'evidence.replay',
        entity: 'person',
        entityId: personId,
        householdId: person.household_id,
        detail: { evidenceId: stored.id, kind: stored.kind },
      },
    ]);
    return {
      created: inserted !== undefined,
      recorded: {
        evidence: evidenceView(stored),
        replayed: inserted === undefined,
        light: evaluated?.result.light ?? null,
        reasons: evaluated?.result.reasons ?? [],
      },
    };
  });
}

/**
 * A person's tracking page: the pathway evaluated as of today (or a past date, from the
 * evidence known then), growth points with z-scores, hemoglobin history, evidence.
 */
export async function getTracking(
  db: Db,
  actor: Actor,
  personId: string,
  asOf: string | undefined,
): Promise<PersonTracking> {
  assertCan(actor, 'tracking.read');
  const today = todayInPeru();
  const at = asOf ?? today;
  if (at > today) throw DomainError.field('asOf', 'The date is in the future');
  const person = await personInScope(db, actor, personId);
  if (at < person.birth_date) throw DomainError.field('asOf', 'The date is before the birth of the person');
  const [subject] = await loadSubjectRows(db, at, { kind: 'ids', ids: [personId] });
  if (!subject) {
    throw new DomainError(
      'NOT_FOUND',
      'This person is not tracked on that date: neither a child under 36 months nor a woman with an ongoing pregnancy',
    );
  }
  // One read of the evidence serves the evaluation and the page's lists.
  const rows = await db
    .selectFrom('evidence')
    .selectAll()
    .where('person_id', '=', personId)
    .where('date', '<=', at)
    // Retracted records (linked to this person by mistake) no longer count nor show.
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('evidence_retraction as r')
            .select('r.evidence_id')
            .whereRef('r.evidence_id', '=', 'evidence.id'),
        ),
      ),
    )
    .orderBy('date', 'desc')
    .orderBy('recorded_at', 'desc')
    .execute();
  const evidence = rows.map((r) =>
    toEvidence([
      r.person_id,
      r.id,
      r.kind,
      r.date,
      r.code,
      r.dose,
      r.weight_kg,
      r.length_cm,
      r.measured,
      r.oedema,
      r.hb_gdl,
    ]),
  );
  const set = loadPathways();
  const { result } = evaluateSubject(set, subject, evidence, at);
  const pathway = pathwayFor(set, subject.subject, at);
  const growth: GrowthPoint[] = [];
  const hemoglobin: HemoglobinPoint[] = [];
  for (const r of [...rows].reverse()) {
    if (subject.subject === 'child' && (r.weight_kg !== null || r.length_cm !== null)) {
      const ageDays = daysBetween(person.birth_date, r.date);
      let z: ReturnType<typeof growthZScores> = {};
      try {
        z = growthZScores({
          sex: person.sex,
          ageDays,
          weightKg: r.weight_kg ?? undefined,
          lengthCm: r.length_cm ?? undefined,
          measured: r.measured ?? undefined,
          oedema: r.oedema ?? undefined,
        });
      } catch {
        z = {};
      }
      const flagged = Object.values(z).some(
        (x) => (x as { flagged?: boolean } | undefined)?.flagged === true,
      );
      const round = (v: { z: number } | undefined) => (v === undefined ? null : Math.round(v.z * 100) / 100);
      growth.push({
        evidenceId: r.id,
        date: r.date,
        ageDays,
        weightKg: r.weight_kg,
        lengthCm: r.length_cm,
        measured: r.measured,
        weightForAge: round(z.weightForAge),
        lengthForAge: round(z.lengthForAge),
        weightForLength: round(z.weightForLength),
        bmiForAge: round(z.bmiForAge),
        implausible: r.implausible || flagged,
      });
    }
    if (r.hb_gdl !== null) {
      let adjusted: number | null = null;
      let anemia: HemoglobinPoint['anemia'] = null;
      try {
        const c =
          subject.subject === 'pregnancy'
            ? classifyHemoglobin({
                hbGdl: r.hb_gdl,
                altitudeM: subject.altitudeM,
                pregnancyWeek: Math.floor(daysBetween(subject.anchorDate, r.date) / 7),
              })
            : classifyHemoglobin({
                hbGdl: r.hb_gdl,
                altitudeM: subject.altitudeM,
                ageMonths: ageInMonths(person.birth_date, r.date),
              });
        adjusted = Math.round(c.adjustedGdl * 100) / 100;
        anemia = c.anemia;
      } catch {
        // No cut-off at this age (under 6 months): shown without a class.
      }
      hemoglobin.push({ evidenceId: r.id, date: r.date, hbGdl: r.hb_gdl, adjustedGdl: adjusted, anemia });
    }
  }
  await recordAudit(db, actor, [
    {
      action: 'tracking.read',
      entity: 'person',
      entityId: personId,
      householdId: person.household_id,
      ...(asOf ? { detail: { asOf } } : {}),
    },
  ]);
  return {
    personId,
    householdId: person.household_id,
    givenNames: person.given_names,
    firstSurname: person.first_surname,
    secondSurname: person.second_surname,
    sex: person.sex,
    birthDate: person.birth_date,
    subject: subject.subject,
    pregnancyId: subject.pregnancyId,
    anchorDate: subject.anchorDate,
    altitudeM: subject.altitudeM,
    asOf: at,
    pathway: { code: pathway.code, version: pathway.version, name: pathway.name },
    light: result.light,
    items: result.items,
    risks: result.risks,
    reasons: result.reasons,
    evidence: rows.map(evidenceView),
    growth,
    hemoglobin,
  };
}

// ---------------------------------------------------------------------------------------------
// Rosters

/** The date rosters are as of: the last recompute, or today if there was none. */
export async function trackingRun(db: Db): Promise<TrackingRun> {
  const run = await db.selectFrom('tracking_run').selectAll().executeTakeFirst();
  const persons = await db
    .selectFrom('tracking_status')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return {
    asOf: run?.as_of ?? null,
    computedAt: run ? run.computed_at.toISOString() : null,
    persons: Number(persons.n),
  };
}

type StatusQuery = SelectQueryBuilder<DB & { s: DB['tracking_status'] }, 's', object>;

/** Apply the roster filters (all but the light, which counts leave out) to a query on `s`. */
function applyFilters(q: StatusQuery, f: RosterFilters, asOf: string): StatusQuery {
  if (f.territory) q = q.where(territoryCondition(f.territory, 's'));
  if (f.facility) q = q.where('s.health_facility_id', '=', f.facility);
  if (f.fieldWorker) q = q.where('s.field_worker_id', '=', f.fieldWorker);
  if (f.subject) q = q.where('s.subject', '=', f.subject);
  if (f.overdueItem) q = q.where(sql<SqlBool>`${f.overdueItem} = ANY (s.overdue_items)`);
  if (f.risk) q = q.where(sql<SqlBool>`${f.risk} = ANY (s.risks)`);
  if (f.ageBand) {
    const [from, to] = f.ageBand.split('-').map(Number) as [number, number];
    const { after, upTo } = birthDatesForMonths(asOf, from, to);
    q = q
      .where('s.subject', '=', 'child')
      .where('s.anchor_date', '>', after)
      .where('s.anchor_date', '<=', upTo);
  }
  return q;
}

/**
 * A territory filter on a household (`h`) or a status row (`s`): households carry their district,
 * so a district is an equality (the roster indexes start with it), a village reads the village
 * column and a province or region is the range of its district codes.
 */
function territoryCondition(code: string, alias: 'h' | 's') {
  const district = sql.ref(`${alias}.territory_code`);
  if (code.length > 6) return sql<SqlBool>`${sql.ref(`${alias}.village_code`)} = ${code}`;
  if (code.length === 6) return sql<SqlBool>`${district} = ${code}`;
  const range = codeRange(code);
  return range.end === null
    ? sql<SqlBool>`${district} >= ${range.start}`
    : sql<SqlBool>`(${district} >= ${range.start} AND ${district} < ${range.end})`;
}

function encodeCursor(urgency: number, personId: string): string {
  return Buffer.from(`${urgency}|${personId}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { urgency: number; personId: string } {
  const [u, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const urgency = Number(u);
  if (!Number.isFinite(urgency) || !id || !/^[0-9a-f-]{36}$/.test(id)) {
    throw DomainError.field('cursor', 'Invalid cursor');
  }
  return { urgency, personId: id };
}

function baseQuery(db: Db, actor: Actor): StatusQuery {
  return db.selectFrom('tracking_status as s').where(statusInScope(actor)) as unknown as StatusQuery;
}

async function rosterAsOf(db: Db): Promise<string> {
  const run = await db.selectFrom('tracking_run').select('as_of').executeTakeFirst();
  return run?.as_of ?? todayInPeru();
}

function rosterRow(r: Record<string, unknown>): RosterRow {
  const subject = r.subject as 'child' | 'pregnancy';
  const anchor = r.anchor_date as string;
  const asOf = r.as_of as string;
  return {
    personId: r.person_id as string,
    householdId: r.household_id as string,
    householdCode: r.household_code as string,
    givenNames: r.given_names as string,
    firstSurname: r.first_surname as string,
    secondSurname: (r.second_surname as string | null) ?? null,
    sex: r.sex as 'female' | 'male',
    documentNumber: (r.document_number as string | null) ?? null,
    subject,
    anchorDate: anchor,
    ageMonths: subject === 'child' ? ageInMonths(anchor, asOf) : null,
    gestationalWeeks: subject === 'pregnancy' ? Math.floor(daysBetween(anchor, asOf) / 7) : null,
    territoryCode: r.territory_code as string,
    villageName: (r.village_name as string | null) ?? null,
    light: r.light as RosterRow['light'],
    urgency: Number(r.urgency),
    overdueItems: r.overdue_items as string[],
    dueItems: r.due_items as string[],
    risks: r.risks as string[],
    reasons: (typeof r.reasons === 'string' ? JSON.parse(r.reasons) : r.reasons) as TrackingReason[],
  };
}

/** The urgency range of each light (the table's CHECK ties them): a light is a range of the indexes. */
const LIGHT_URGENCY = { red: [2000, 3000], amber: [1000, 2000], green: [0, 1000] } as const;

function rowsQuery(db: Db, actor: Actor, f: RosterFilters, asOf: string) {
  let q = applyFilters(baseQuery(db, actor), f, asOf);
  if (f.light) {
    const [from, to] = LIGHT_URGENCY[f.light];
    q = q.where('s.urgency', '>=', from).where('s.urgency', '<', to);
  }
  return q
    .innerJoin('person as p', 'p.id', 's.person_id')
    .innerJoin('household as h', 'h.id', 's.household_id')
    .leftJoin('territory as v', 'v.code', 's.village_code')
    .select([
      's.person_id',
      's.household_id',
      'h.code as household_code',
      'p.given_names',
      'p.first_surname',
      'p.second_surname',
      'p.sex',
      'p.document_number',
      's.subject',
      's.anchor_date',
      's.as_of',
      's.territory_code',
      'v.name as village_name',
      's.light',
      's.urgency',
      's.overdue_items',
      's.due_items',
      's.risks',
      's.reasons',
    ])
    .orderBy('s.urgency', 'desc')
    .orderBy('s.person_id', 'asc');
}

/** A page of a roster, most urgent first, with the counts per light for its filters. */
export async function roster(db: Db, actor: Actor, query: RosterQuery): Promise<RosterPage> {
  assertCan(actor, 'tracking.read');
  const stored = await rosterAsOf(db);
  if (query.asOf && query.asOf !== stored) return pastRosterPage(db, actor, query, query.asOf);
  const asOf = stored;
  let q = rowsQuery(db, actor, query, asOf);
  if (query.cursor) {
    const c = decodeCursor(query.cursor);
    q = q.where(
      sql<SqlBool>`(s.urgency < ${c.urgency} OR (s.urgency = ${c.urgency} AND s.person_id > ${c.personId}))`,
    );
  }
  const [rows, counted] = await Promise.all([
    q.limit(query.limit + 1).execute(),
    // Counted on urgency, which the roster indexes hold: an index-only scan for a district.
    applyFilters(baseQuery(db, actor), query, asOf)
      .select([
        sql<string>`count(*) FILTER (WHERE s.urgency >= 2000)`.as('red'),
        sql<string>`count(*) FILTER (WHERE s.urgency >= 1000 AND s.urgency < 2000)`.as('amber'),
        sql<string>`count(*) FILTER (WHERE s.urgency < 1000)`.as('green'),
      ])
      .executeTakeFirstOrThrow(),
  ]);
  const counts: LightCounts = {
    red: Number(counted.red),
    amber: Number(counted.amber),
    green: Number(counted.green),
    total: Number(counted.red) + Number(counted.amber) + Number(counted.green),
  };
  const page = rows.slice(0, query.limit).map((r) => rosterRow(r as Record<string, unknown>));
  const last = page.at(-1);
  await recordAudit(db, actor, [
    {
      action: 'roster.read',
      entity: 'person',
      detail: {
        filters: filtersForAudit(query),
        rows: page.length,
        ...(query.cursor ? { page: 'next' } : {}),
      },
    },
  ]);
  return {
    asOf,
    counts,
    rows: page,
    nextCursor: rows.length > query.limit && last ? encodeCursor(last.urgency, last.personId) : null,
  };
}

function filtersForAudit(f: RosterFilters): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of [
    'territory',
    'facility',
    'fieldWorker',
    'light',
    'subject',
    'overdueItem',
    'ageBand',
    'risk',
    'asOf',
  ] as const) {
    const v = f[key];
    if (v !== undefined) out[key] = String(v);
  }
  return out;
}

/** Rows of an export: at most this many, so that one request cannot dump a national roster. */
export const EXPORT_MAX_ROWS = 100_000;

/** Every row of a roster for export, in pages, most urgent first. */
export async function* rosterRows(
  db: Db,
  actor: Actor,
  filters: RosterFilters,
): AsyncGenerator<RosterRow, { asOf: string; rows: number }> {
  assertCan(actor, 'tracking.export');
  const stored = await rosterAsOf(db);
  if (filters.asOf && filters.asOf !== stored) {
    const rows = (await pastRoster(db, actor, filters, filters.asOf)).slice(0, EXPORT_MAX_ROWS);
    for (const row of rows) yield row;
    await recordAudit(db, actor, [
      {
        action: 'roster.export',
        entity: 'person',
        detail: { filters: filtersForAudit(filters), rows: rows.length },
      },
    ]);
    return { asOf: filters.asOf, rows: rows.length };
  }
  const asOf = stored;
  let cursor: { urgency: number; personId: string } | null = null;
  let total = 0;
  for (;;) {
    let q = rowsQuery(db, actor, filters, asOf);
    if (cursor) {
      const c: { urgency: number; personId: string } = cursor;
      q = q.where(
        sql<SqlBool>`(s.urgency < ${c.urgency} OR (s.urgency = ${c.urgency} AND s.person_id > ${c.personId}))`,
      );
    }
    const rows = await q.limit(Math.min(5000, EXPORT_MAX_ROWS - total)).execute();
    for (const r of rows) yield rosterRow(r as Record<string, unknown>);
    total += rows.length;
    const last = rows.at(-1);
    if (rows.length < 5000 || !last || total >= EXPORT_MAX_ROWS) break;
    cursor = { urgency: Number(last.urgency), personId: last.person_id };
  }
  await recordAudit(db, actor, [
    { action: 'roster.export', entity: 'person', detail: { filters: filtersForAudit(filters), rows: total } },
  ]);
  return { asOf, rows: total };
}

/** A past roster evaluates every person of the households it covers: bound the work of one request. */
export const PAST_ROSTER_MAX_HOUSEHOLDS = 20_000;

/**
 * The roster as it stood on a past date: the households the filters and the scope cover, their
 * tracked persons on that date evaluated from the evidence known then, most urgent first.
 */
async function pastRoster(db: Db, actor: Actor, f: RosterFilters, asOf: string): Promise<RosterRow[]> {
  if (asOf > todayInPeru()) throw DomainError.field('asOf', 'The date is in the future');
  let q = db.selectFrom('household as h').select('h.id').where(householdInScope(actor));
  if (f.territory) q = q.where(territoryCondition(f.territory, 'h'));
  if (f.facility) q = q.where('h.health_facility_id', '=', f.facility);
  if (f.fieldWorker) q = q.where('h.field_worker_id', '=', f.fieldWorker);
  const households = await q.limit(PAST_ROSTER_MAX_HOUSEHOLDS + 1).execute();
  if (households.length > PAST_ROSTER_MAX_HOUSEHOLDS) {
    throw DomainError.field(
      'territory',
      `A roster of a past date covers at most ${PAST_ROSTER_MAX_HOUSEHOLDS} households: choose a smaller territory, a facility or a field worker`,
    );
  }
  const loaded = await loadSubjects(db, asOf, { kind: 'households', ids: households.map((h) => h.id) });
  const set = loadPathways();
  const band = f.ageBand ? (f.ageBand.split('-').map(Number) as [number, number]) : null;
  const kept: Array<{ subject: Subject; values: ReturnType<typeof statusValues> }> = [];
  for (const { subject, evidence } of loaded) {
    const { result, pathway } = evaluateSubject(set, subject, evidence, asOf, true);
    const values = statusValues(subject, result, pathway);
    if (f.subject && subject.subject !== f.subject) continue;
    if (f.light && values.light !== f.light) continue;
    if (f.overdueItem && !values.overdue_items.includes(f.overdueItem)) continue;
    if (f.risk && !values.risks.includes(f.risk)) continue;
    if (band) {
      if (subject.subject !== 'child') continue;
      const months = ageInMonths(subject.anchorDate, asOf);
      if (months < band[0] || months > band[1]) continue;
    }
    kept.push({ subject, values });
  }
  kept.sort((a, b) =>
    b.values.urgency !== a.values.urgency
      ? b.values.urgency - a.values.urgency
      : a.subject.personId < b.subject.personId
        ? -1
        : 1,
  );
  const ids = kept.map((k) => k.subject.personId);
  const names = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < ids.length; i += 5000) {
    const rows = await db
      .selectFrom('person as p')
      .innerJoin('household as h', 'h.id', 'p.household_id')
      .leftJoin('territory as v', 'v.code', 'h.village_code')
      .select([
        'p.id',
        'h.code as household_code',
        'p.given_names',
        'p.first_surname',
        'p.second_surname',
        'p.sex',
        'p.document_number',
        'v.name as village_name',
      ])
      .where('p.id', 'in', ids.slice(i, i + 5000))
      .execute();
    for (const r of rows) names.set(r.id, r);
  }
  return kept.map(({ values }) =>
    rosterRow({ ...names.get(values.person_id), ...values, reasons: values.reasons }),
  );
}

async function pastRosterPage(db: Db, actor: Actor, query: RosterQuery, asOf: string): Promise<RosterPage> {
  const all = await pastRoster(db, actor, { ...query, light: undefined }, asOf);
  const counts: LightCounts = { red: 0, amber: 0, green: 0, total: all.length };
  for (const r of all) counts[r.light]++;
  let rows = query.light ? all.filter((r) => r.light === query.light) : all;
  if (query.cursor) {
    const c = decodeCursor(query.cursor);
    rows = rows.filter((r) => r.urgency < c.urgency || (r.urgency === c.urgency && r.personId > c.personId));
  }
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  await recordAudit(db, actor, [
    {
      action: 'roster.read',
      entity: 'person',
      detail: { filters: filtersForAudit(query), rows: page.length },
    },
  ]);
  return {
    asOf,
    counts,
    rows: page,
    nextCursor: rows.length > query.limit && last ? encodeCursor(last.urgency, last.personId) : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Reference

export function pathwaySummaries(asOf = todayInPeru()): PathwaySummary[] {
  const set = loadPathways();
  return (['child', 'pregnancy'] as const).map((subject) => {
    const p = pathwayFor(set, subject, asOf);
    return {
      code: p.code,
      version: p.version,
      name: p.name,
      appliesTo: p.appliesTo,
      validFrom: p.validFrom,
      items: p.items.map((i) => ({
        id: i.id,
        kind: i.kind,
        label: { es: i.label.es, en: i.label.en },
        criticality: i.criticality,
      })),
    };
  });
}

export function growthCurves(indicator: GrowthIndicator, sex: Sex): GrowthCurves {
  const byLength = indicator === 'weightForLength';
  return {
    indicator,
    sex,
    x: byLength ? 'lengthCm' : 'ageDays',
    points: growthReferenceCurves(indicator, sex, byLength ? 5 : 7).map((p) => ({ x: p.x, sd: [...p.sd] })),
  };
}

/**
 * After a registry change to a household or its members (a birth date, a new child, a
 * pregnancy, a move to another village or field worker), bring their tracking statuses up to
 * date in the same transaction.
 */
export async function syncTracking(trx: Transaction<DB>, householdId: string): Promise<void> {
  await refreshStatuses(trx, { kind: 'households', ids: [householdId] }, todayInPeru());
  await syncHouseholdAlerts(trx, householdId);
}
