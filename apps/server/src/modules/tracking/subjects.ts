/**
 * Who is tracked and what is known of them, read the same way by a single evidence update
 * (a normal query inside its transaction) and by a full recompute (COPY of a range of persons):
 * the SQL is one text with validated literals, so both paths cannot drift apart.
 */
import {
  addDays,
  ageInMonths,
  type CompiledAlertRules,
  evaluatePathway,
  formatEpochDay,
  type TrackedPerson,
  type TrackingEvidence,
} from '@tejido/core';
import type { EvidenceKind, TrackingResult, TrafficLightRules } from '@tejido/schemas';
import { csvField } from '../demo/csv';
import { type PathwaySet, pathwayFor, pathwayKey } from './pathways';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function dateLiteral(date: string): string {
  if (!DATE.test(date)) throw new RangeError(`not a date: ${date}`);
  return `'${date}'::date`;
}

function uuidLiteral(id: string): string {
  if (!UUID.test(id)) throw new RangeError(`not a uuid: ${id}`);
  return `'${id}'::uuid`;
}

/** Which persons to read: one, a list, or an inclusive range of ids (recompute chunks). */
export type PersonFilter =
  | { kind: 'all' }
  | { kind: 'ids'; ids: readonly string[] }
  | { kind: 'range'; from: string; to: string }
  | { kind: 'households'; ids: readonly string[] };

function filterSql(column: string, filter: PersonFilter, householdColumn: string): string {
  switch (filter.kind) {
    case 'all':
      return 'true';
    case 'ids':
      return filter.ids.length === 0 ? 'false' : `${column} IN (${filter.ids.map(uuidLiteral).join(', ')})`;
    case 'households':
      return filter.ids.length === 0
        ? 'false'
        : `${householdColumn} IN (${filter.ids.map(uuidLiteral).join(', ')})`;
    case 'range':
      return `${column} BETWEEN ${uuidLiteral(filter.from)} AND ${uuidLiteral(filter.to)}`;
  }
}

/** A pregnancy older than this (44 weeks from the last period) has ended, recorded or not. */
export const PREGNANCY_MAX_DAYS = 44 * 7;
/** Children are tracked until 36 months of age. */
export const CHILD_MONTHS = 36;

/**
 * The tracked persons as of a date: children under 36 months and women with an ongoing
 * pregnancy (the latest one, if the registry has two), with what the evaluation needs and the
 * household columns rosters filter on. Columns in the order of SubjectRow.
 */
export function subjectsSql(asOf: string, filter: PersonFilter): string {
  const at = dateLiteral(asOf);
  return `
    SELECT p.id AS person_id, 'child' AS subject, NULL::uuid AS pregnancy_id, p.household_id,
           h.territory_code, h.village_code, h.health_facility_id, h.field_worker_id,
           p.birth_date AS anchor_date, p.birth_date, p.sex, p.document_number IS NOT NULL AS has_document,
           coalesce(v.altitude_m, d.altitude_m, 0) AS altitude_m, coalesce(v.amazon, d.amazon) AS amazon,
           NULL::integer AS mother_age_years
      FROM person p
      JOIN household h ON h.id = p.household_id
      JOIN territory d ON d.code = h.territory_code
      LEFT JOIN territory v ON v.code = h.village_code
     WHERE p.status = 'active' AND h.status = 'active'
       AND p.birth_date <= ${at} AND p.birth_date > (${at} - interval '${CHILD_MONTHS} months')::date
       AND ${filterSql('p.id', filter, 'p.household_id')}
    UNION ALL
    SELECT * FROM (
      SELECT DISTINCT ON (p.id) p.id, 'pregnancy', g.id, p.household_id,
             h.territory_code, h.village_code, h.health_facility_id, h.field_worker_id,
             coalesce(g.last_menstrual_period, g.estimated_delivery_date - 280), p.birth_date, p.sex,
             p.document_number IS NOT NULL,
             coalesce(v.altitude_m, d.altitude_m, 0), coalesce(v.amazon, d.amazon),
             extract(year FROM age(${at}, p.birth_date))::integer
        FROM pregnancy g
        JOIN person p ON p.id = g.person_id
        JOIN household h ON h.id = p.household_id
        JOIN territory d ON d.code = h.territory_code
        LEFT JOIN territory v ON v.code = h.village_code
       WHERE g.status = 'ongoing' AND p.status = 'active' AND h.status = 'active'
         AND coalesce(g.last_menstrual_period, g.estimated_delivery_date - 280) <= ${at}
         AND coalesce(g.last_menstrual_period, g.estimated_delivery_date - 280) > ${at} - ${PREGNANCY_MAX_DAYS}
         AND ${filterSql('g.person_id', filter, 'g.household_id')}
       ORDER BY p.id, coalesce(g.last_menstrual_period, g.estimated_delivery_date - 280) DESC
    ) pregnancies
    ORDER BY 1`;
}

/** The evidence of the persons a filter selects, known on asOf, by person and date. */
export function evidenceSql(asOf: string, filter: PersonFilter): string {
  return `
    SELECT e.person_id, e.id, e.kind, e.date, e.code, e.dose, e.weight_kg, e.length_cm, e.measured, e.oedema, e.hb_gdl
      FROM evidence e
     WHERE e.date <= ${dateLiteral(asOf)} AND ${filterSql('e.person_id', filter, `(SELECT household_id FROM person WHERE id = e.person_id)`)}
       AND NOT EXISTS (SELECT 1 FROM evidence_retraction r WHERE r.evidence_id = e.id)
     ORDER BY e.person_id, e.date`;
}

/** The evidence digests (migration 0003) of the persons a filter selects, in person order. */
export function digestSql(filter: PersonFilter): string {
  return `
    SELECT d.person_id, d.records
      FROM evidence_digest d
     WHERE ${filterSql('d.person_id', filter, '(SELECT household_id FROM person WHERE id = d.person_id)')}
     ORDER BY d.person_id`;
}

/** A tracked person as read from the database. */
export interface Subject {
  personId: string;
  subject: 'child' | 'pregnancy';
  pregnancyId: string | null;
  householdId: string;
  territoryCode: string;
  villageCode: string | null;
  healthFacilityId: string | null;
  fieldWorkerId: string | null;
  anchorDate: string;
  birthDate: string;
  sex: 'female' | 'male';
  hasDocument: boolean;
  altitudeM: number;
  amazon: boolean;
  motherAgeYears: number | null;
}

type Cell = string | number | boolean | null | undefined;
const bool = (v: Cell) => v === true || v === 't' || v === 'true';
const str = (v: Cell) => (v === null || v === undefined || v === '' ? null : String(v));
const num = (v: Cell) => (v === null || v === undefined || v === '' ? null : Number(v));

/** A subject from a row of subjectsSql, whether it came as typed values (query) or text (COPY). */
export function toSubject(r: readonly Cell[]): Subject {
  return {
    personId: String(r[0]),
    subject: r[1] === 'pregnancy' ? 'pregnancy' : 'child',
    pregnancyId: str(r[2]),
    householdId: String(r[3]),
    territoryCode: String(r[4]),
    villageCode: str(r[5]),
    healthFacilityId: str(r[6]),
    fieldWorkerId: str(r[7]),
    anchorDate: String(r[8]),
    birthDate: String(r[9]),
    sex: r[10] === 'male' ? 'male' : 'female',
    hasDocument: bool(r[11]),
    altitudeM: num(r[12]) ?? 0,
    amazon: bool(r[13]),
    motherAgeYears: num(r[14]),
  };
}

/** The evidence row of evidenceSql (without its person_id) as the evaluation reads it. */
export function toEvidence(r: readonly Cell[]): TrackingEvidence {
  const code = str(r[4]);
  const dose = num(r[5]);
  const weightKg = num(r[6]);
  const lengthCm = num(r[7]);
  const measured = str(r[8]);
  const oedema = r[9] === null || r[9] === undefined || r[9] === '' ? undefined : bool(r[9]);
  const hbGdl = num(r[10]);
  const e: TrackingEvidence = { id: str(r[1]) ?? '', kind: String(r[2]) as EvidenceKind, date: String(r[3]) };
  if (code !== null) e.code = code;
  if (dose !== null) e.dose = dose;
  if (weightKg !== null || lengthCm !== null || hbGdl !== null || oedema !== undefined) {
    e.values = {};
    if (weightKg !== null) e.values.weightKg = weightKg;
    if (lengthCm !== null) e.values.lengthCm = lengthCm;
    if (measured === 'lying' || measured === 'standing') e.values.measured = measured;
    if (oedema !== undefined) e.values.oedema = oedema;
    if (hbGdl !== null) e.values.hbGdl = hbGdl;
  }
  return e;
}

const PIPE = 124;

/** An evidence kind from its name's length and first letter (the pairs are unique). */
function kindAt(records: string, at: number, length: number): EvidenceKind {
  const first = records.charCodeAt(at);
  switch (length) {
    case 10:
      if (first === 104) return 'hemoglobin';
      if (first === 115) return 'supplement';
      break;
    case 11:
      return 'measurement';
    case 12:
      return 'vaccine_dose';
    case 13:
      return 'prenatal_test';
    case 14:
      if (first === 103) return 'growth_checkup';
      if (first === 112) return 'prenatal_visit';
      break;
    case 15:
      return 'document_issued';
    case 19:
      return 'prenatal_supplement';
    case 20:
      return 'insurance_affiliated';
  }
  throw new RangeError(`unknown evidence kind in digest: ${records.slice(at, at + length)}`);
}

/**
 * The number written in records[from, to), undefined when empty. PostgreSQL writes these values
 * as short decimals ("9.1", "72.45"): read as an integer over a power of ten, which rounds exactly
 * as parsing the text does while both fit a double exactly; anything else goes through Number.
 */
function decimalAt(records: string, from: number, to: number): number | undefined {
  if (to === from) return undefined;
  let mantissa = 0;
  let decimals = -1;
  for (let i = from; i < to; i++) {
    const c = records.charCodeAt(i);
    if (c === 46 && decimals < 0) decimals = 0;
    else if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + c - 48;
      if (decimals >= 0) decimals++;
    } else return Number(records.slice(from, to));
  }
  if (decimals <= 0) return mantissa;
  return mantissa <= 2 ** 53 && decimals < POWERS_OF_TEN.length
    ? mantissa / POWERS_OF_TEN[decimals]!
    : Number(records.slice(from, to));
}

/** 10^0 … 10^22, every one exact in a double. */
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/**
 * The evidence of a person's digest (evidence_digest.records: records separated by ';', fields
 * kind|day|code|dose|weight_kg|length_cm|measured|oedema|hb_gdl, day since 1970-01-01), without
 * ids. A recompute reads some thirty of these a person: it scans the text in place, and every
 * record gets the same object shape, which keeps the evaluation's property reads monomorphic.
 */
export function digestEvidence(records: string | null | undefined): TrackingEvidence[] {
  const out: TrackingEvidence[] = [];
  if (!records) return out;
  const n = records.length;
  let at = 0;
  while (at < n) {
    let end = records.indexOf(';', at);
    if (end < 0) end = n;
    const kindEnd = records.indexOf('|', at);
    const kind = kindAt(records, at, kindEnd - at);
    let i = kindEnd + 1;
    let day = 0;
    let sign = 1;
    if (records.charCodeAt(i) === 45) {
      sign = -1;
      i++;
    }
    for (let c = records.charCodeAt(i); c !== PIPE; c = records.charCodeAt(++i)) day = day * 10 + c - 48;
    const codeEnd = records.indexOf('|', ++i);
    const code = codeEnd > i ? records.slice(i, codeEnd) : undefined;
    i = codeEnd + 1;
    let dose: number | undefined;
    for (let c = records.charCodeAt(i); c !== PIPE; c = records.charCodeAt(++i))
      dose = (dose ?? 0) * 10 + c - 48;
    i++;
    // The five measured values: nothing to read when all are empty ("||||").
    let values: TrackingEvidence['values'];
    if (end - i !== 4) {
      const weightEnd = records.indexOf('|', i);
      const lengthEnd = records.indexOf('|', weightEnd + 1);
      const measuredEnd = records.indexOf('|', lengthEnd + 1);
      const oedemaEnd = records.indexOf('|', measuredEnd + 1);
      const measured = records.charCodeAt(lengthEnd + 1);
      const oedema = records.charCodeAt(measuredEnd + 1);
      values = {
        weightKg: decimalAt(records, i, weightEnd),
        lengthCm: decimalAt(records, weightEnd + 1, lengthEnd),
        // 'lying' or 'standing', the only values the column allows.
        measured: measured === 108 ? 'lying' : measured === 115 ? 'standing' : undefined,
        oedema: oedema === PIPE ? undefined : oedema === 116,
        hbGdl: decimalAt(records, oedemaEnd + 1, end),
      };
    }
    out.push({ id: '', kind, date: formatEpochDay(sign * day), code, dose, values });
    at = end + 1;
  }
  return out;
}

export function trackedPerson(s: Subject): TrackedPerson {
  return s.subject === 'child'
    ? {
        id: s.personId,
        kind: 'child',
        birthDate: s.birthDate,
        sex: s.sex,
        altitudeM: s.altitudeM,
        amazon: s.amazon,
        hasIdentityDocument: s.hasDocument,
      }
    : {
        id: s.personId,
        kind: 'pregnancy',
        lastMenstrualPeriod: s.anchorDate,
        sex: 'female',
        altitudeM: s.altitudeM,
        amazon: s.amazon,
        motherAgeYears: s.motherAgeYears,
        hasIdentityDocument: s.hasDocument,
      };
}

/**
 * Evaluate a subject with its evidence against the pathway in force on asOf (`summary`: see
 * EvaluateOptions); with alert rules, the result lists the rule alert types that fire.
 */
export function evaluateSubject(
  set: PathwaySet,
  s: Subject,
  evidence: readonly TrackingEvidence[],
  asOf: string,
  summary = false,
  alertRules?: CompiledAlertRules,
): { result: TrackingResult; pathway: string } {
  const pathway = pathwayFor(set, s.subject, asOf);
  const rules: TrafficLightRules = set.rules;
  const result = evaluatePathway(trackedPerson(s), evidence, pathway, asOf, {
    trafficLightRules: rules,
    summary,
    alertRules,
  });
  return { result, pathway: pathwayKey(pathway) };
}

/** Reasons kept with a status row: the most urgent few, enough for a roster line. */
export const STORED_REASONS = 5;

/** The columns of tracking_status that a status row fills, in order. */
export const STATUS_COLUMNS = [
  'person_id',
  'subject',
  'pregnancy_id',
  'household_id',
  'territory_code',
  'village_code',
  'health_facility_id',
  'field_worker_id',
  'anchor_date',
  'as_of',
  'pathway',
  'light',
  'urgency',
  'overdue_items',
  'due_items',
  'risks',
  'reasons',
  'alerts',
] as const;

export interface StatusValues {
  person_id: string;
  subject: 'child' | 'pregnancy';
  pregnancy_id: string | null;
  household_id: string;
  territory_code: string;
  village_code: string | null;
  health_facility_id: string | null;
  field_worker_id: string | null;
  anchor_date: string;
  as_of: string;
  pathway: string;
  light: 'green' | 'amber' | 'red';
  urgency: number;
  overdue_items: string[];
  due_items: string[];
  risks: string[];
  reasons: string;
  alerts: string[];
}

/** The stored status of an evaluated subject. */
export function statusValues(s: Subject, result: TrackingResult, pathway: string): StatusValues {
  const overdue: string[] = [];
  const due: string[] = [];
  for (const item of result.items) {
    if (item.status === 'overdue') overdue.push(item.itemId);
    else if (item.status === 'due') due.push(item.itemId);
  }
  const risks = [...new Set(result.risks.map((r) => r.code))];
  return {
    person_id: s.personId,
    subject: s.subject,
    pregnancy_id: s.pregnancyId,
    household_id: s.householdId,
    territory_code: s.territoryCode,
    village_code: s.villageCode,
    health_facility_id: s.healthFacilityId,
    field_worker_id: s.fieldWorkerId,
    anchor_date: s.anchorDate,
    as_of: result.asOf,
    pathway,
    light: result.light,
    urgency: result.urgency,
    overdue_items: overdue,
    due_items: due,
    risks,
    reasons: JSON.stringify(result.reasons.slice(0, STORED_REASONS)),
    alerts: result.alerts ?? [],
  };
}

/** Item ids, risk codes and alert types are [a-z0-9._-]: a PostgreSQL array literal needs no quoting. */
const arrayLiteral = (values: readonly string[]) => `{${values.join(',')}}`;

/**
 * A status as a CSV line for COPY into tracking_status (STATUS_COLUMNS order). A recompute writes
 * a million of these: ids, dates, the subject, the light and the urgency are written as they are
 * (they hold no comma or quote), the arrays and the reasons always quoted, the rest as csvField.
 */
export function statusCsv(v: StatusValues): string {
  return (
    `${v.person_id},${v.subject},${v.pregnancy_id ?? ''},${v.household_id},${csvField(v.territory_code)},` +
    `${csvField(v.village_code)},${v.health_facility_id ?? ''},${v.field_worker_id ?? ''},${v.anchor_date},` +
    `${v.as_of},${csvField(v.pathway)},${v.light},${v.urgency},"${arrayLiteral(v.overdue_items)}",` +
    `"${arrayLiteral(v.due_items)}","${arrayLiteral(v.risks)}","${v.reasons.replaceAll('"', '""')}",` +
    `"${arrayLiteral(v.alerts)}"\n`
  );
}

function monthsBack(asOf: string, months: number): string {
  const [y, m, d] = asOf.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) - months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const day = Math.min(d, new Date(Date.UTC(year, month, 0)).getUTCDate());
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * The latest birth date of a child who has completed `months` months on asOf (ageInMonths of
 * @tejido/core: born on 31 January, a child completes a month on the last day of February).
 * @example latestBirthDateWithMonths('2024-02-29', 1) // '2024-01-31'
 */
export function latestBirthDateWithMonths(asOf: string, months: number): string {
  let x = monthsBack(asOf, months);
  while (ageInMonths(addDays(x, 1), asOf) >= months) x = addDays(x, 1);
  return x;
}

/** Birth dates of children whose completed months on asOf are in [from, to]: after < birth ≤ upTo. */
export function birthDatesForMonths(asOf: string, from: number, to: number): { after: string; upTo: string } {
  return { after: latestBirthDateWithMonths(asOf, to + 1), upTo: latestBirthDateWithMonths(asOf, from) };
}
