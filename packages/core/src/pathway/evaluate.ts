/**
 * Nominal tracking of one person: compare the care pathway with the evidence received, as of a
 * date, and derive each item's status, the risks, the traffic light and the reasons.
 *
 * It runs for every child and pregnant woman of a national programme at each recompute, so the
 * hot path avoids what is cheap once but costly a million times: no Date objects (dates are day
 * numbers, see calendar.ts), evidence bucketed by kind once per person in reused scratch arrays,
 * pathways and rules compiled once and cached, allocations limited to the result itself.
 * Not re-entrant (the scratch arrays are shared), which a synchronous function never needs.
 */
import type {
  Evidence,
  Pathway,
  TrackingItemResult,
  TrackingItemStatus,
  TrackingResult,
  TrackingRisk,
  TrafficLightRules,
} from '@tejido/schemas';
import { type CompiledAlertRules, firedAlerts } from '../alerts/rules';
import { classifyHemoglobin } from '../anemia';
import { classifyGrowth, type GrowthZScores, growthZScores } from '../growth';
import { completedMonths, epochDay, formatEpochDay } from './calendar';
import {
  type CompiledItem,
  type CompiledPathway,
  type CompiledSeries,
  compilePathway,
  EVIDENCE_KINDS,
  KIND_INDEX,
  kindIndexOf,
} from './compile';
import { CONDITION_ENVIRONMENT, OpenItemFact, type PersonFacts, RiskFact } from './facts';
import {
  adolescentMotherReason,
  anemiaReason,
  dueReason,
  growthReason,
  implausibleReason,
  noIdentityDocumentReason,
  overdueReason,
  type RankedReason,
} from './reasons';
import { compileTrafficLightRules, DEFAULT_TRAFFIC_LIGHT_RULES, trafficLight } from './traffic-light';

/** The person as the evaluation needs them; null and undefined both mean unknown. */
export interface TrackedPerson {
  id: string;
  kind: 'child' | 'pregnancy';
  /** Child: required. */
  birthDate?: string | null;
  /** Child: needed for growth z-scores; without it, growth risks are not assessed. */
  sex?: 'male' | 'female' | null;
  /** Pregnancy: the last menstrual period or, failing it, the estimated delivery date. */
  lastMenstrualPeriod?: string | null;
  estimatedDeliveryDate?: string | null;
  /** Altitude of residence, metres: hemoglobin is adjusted for it. */
  altitudeM: number;
  /** Lives in an Amazon region (yellow fever vaccination); read by pathway conditions. */
  amazon?: boolean | null;
  /** Child: the mother's age in completed years at the birth. Pregnancy: the woman's age. */
  motherAgeYears?: number | null;
  /** The registry says the person holds an identity document (DNI/CUI). */
  hasIdentityDocument: boolean;
  /** When it was issued, if known; without a date a held document counts from birth. */
  documentIssuedOn?: string | null;
  birthWeightKg?: number | null;
  gestationalWeeksAtBirth?: number | null;
}

/** The evidence fields the evaluation reads: a stored record parsed with the Evidence schema fits. */
export type TrackingEvidence = Pick<Evidence, 'id' | 'kind' | 'date' | 'code' | 'dose' | 'values'>;

export interface EvaluateOptions {
  /** Traffic-light rules (parseTrafficLightRules); DEFAULT_TRAFFIC_LIGHT_RULES when absent. */
  trafficLightRules?: TrafficLightRules;
  /**
   * Only what a roster stores: `items` lists the due and overdue items alone (the others are
   * counted for the rules but not built). A recompute of a million persons saves most of its
   * allocations this way; light, urgency, risks and reasons are the same.
   */
  summary?: boolean;
  /** Rule alerts (compileAlertRules): the result lists in `alerts` the types that fire. */
  alertRules?: CompiledAlertRules;
}

/** A hemoglobin result older than this (about six months) no longer says whether there is anemia now. */
export const HEMOGLOBIN_RECENT_DAYS = 183;
/** Peru's target: an identity document within 30 days of birth. */
export const IDENTITY_DOCUMENT_DAYS = 30;
export const ADOLESCENT_BELOW_YEARS = 18;
/** Evidence id given to a document the registry records (hasIdentityDocument) without an evidence record. */
export const REGISTRY_DOCUMENT_EVIDENCE_ID = 'registry:identity-document';

const HEMOGLOBIN = KIND_INDEX.get('hemoglobin')!;
const MEASUREMENT = KIND_INDEX.get('measurement')!;
const CHECKUP = KIND_INDEX.get('growth_checkup')!;
const DOCUMENT = KIND_INDEX.get('document_issued')!;
const SUPPLEMENT = KIND_INDEX.get('supplement')!;
const PRENATAL_SUPPLEMENT = KIND_INDEX.get('prenatal_supplement')!;
const KINDS = EVIDENCE_KINDS.length;
const HEIGHT_FROM_DAYS = 731;
const LIGHT_RANK: Readonly<Record<string, number>> = { green: 0, amber: 1, red: 2 };
const MAX_DOSE = 10;
const CONDITION_MEMO_LIMIT = 4096;

// ---------------------------------------------------------------------------------------------
// Scratch space reused by every call (see the module comment). Records are numbered 0…n−1 (the
// evidence) and n (a document the registry knows of); per record: its day, its code's bit and
// whether a windowed item took it. Buckets: record numbers by kind, sorted by day, in one array
// with room for every record in every kind.

let capacity = 0;
let dayOf = new Int32Array(0);
let codeBit = new Int32Array(0);
let used = new Uint8Array(0);
let bucketData = new Int32Array(0);
const bucketLength = new Int32Array(KINDS);
let matched = new Int32Array(0);
let applies = new Uint8Array(0);
// Dose series (CompiledSeries): the counted records and the records naming a dose, per dose number.
let seriesReady = new Uint8Array(0);
let seriesCounted = new Int32Array(0);
let seriesRecords = new Int32Array(0);
let seriesExplicit = new Int32Array(0);

const NO_EVIDENCE: string[] = Object.freeze([]) as unknown as string[];
const NO_RECORDS: readonly TrackingEvidence[] = [];
// Module state rather than a closure: a closure would be created for every person.
let current: readonly TrackingEvidence[] = NO_RECORDS;
let currentCount = 0;
let registryDocument: TrackingEvidence | undefined;

function recordAt(r: number): TrackingEvidence {
  return r < currentCount ? current[r]! : registryDocument!;
}

function ensureCapacity(records: number, items: number, series: number): void {
  if (capacity < records) {
    capacity = Math.max(records, capacity * 2, 32);
    dayOf = new Int32Array(capacity);
    codeBit = new Int32Array(capacity);
    used = new Uint8Array(capacity);
    bucketData = new Int32Array(capacity * KINDS);
  }
  if (matched.length < items) {
    matched = new Int32Array(Math.max(items, matched.length * 2));
    applies = new Uint8Array(matched.length);
  }
  if (seriesReady.length < series) {
    seriesReady = new Uint8Array(series);
    seriesCounted = new Int32Array(series);
    seriesRecords = new Int32Array(series * MAX_DOSE);
    seriesExplicit = new Int32Array(series * MAX_DOSE);
  }
}

/** Insert record r into the bucket of its kind, keeping it sorted by day (a bucket holds a handful of records). */
function insertByDay(kind: number, r: number): void {
  const base = kind * capacity;
  const day = dayOf[r]!;
  let i = bucketLength[kind]!;
  bucketLength[kind] = i + 1;
  while (i > 0 && dayOf[bucketData[base + i - 1]!]! > day) {
    bucketData[base + i] = bucketData[base + i - 1]!;
    i--;
  }
  bucketData[base + i] = r;
}

let lastAsOf = '';
let lastAsOfDay = Number.NaN;

function dayOfAsOf(asOf: string): number {
  if (asOf !== lastAsOf) {
    lastAsOfDay = epochDay(asOf);
    lastAsOf = asOf;
  }
  return lastAsOfDay;
}

function anchorDayOf(person: TrackedPerson): number {
  if (person.kind === 'child') {
    const day = person.birthDate ? epochDay(person.birthDate) : Number.NaN;
    if (Number.isNaN(day)) throw new RangeError(`child ${person.id} needs a birthDate YYYY-MM-DD`);
    return day;
  }
  if (person.kind === 'pregnancy') {
    if (person.lastMenstrualPeriod) {
      const lmp = epochDay(person.lastMenstrualPeriod);
      if (!Number.isNaN(lmp)) return lmp;
    }
    // Naegele's rule: the delivery is expected 280 days after the last menstrual period.
    const edd = person.estimatedDeliveryDate ? epochDay(person.estimatedDeliveryDate) : Number.NaN;
    if (Number.isNaN(edd)) {
      throw new RangeError(
        `pregnancy ${person.id} needs lastMenstrualPeriod or estimatedDeliveryDate YYYY-MM-DD`,
      );
    }
    return edd - 280;
  }
  throw new RangeError(`person ${String((person as { id?: unknown }).id)} has an unknown kind`);
}

// Condition results remembered per pathway and per combination of the facts they read.
const conditionMemo = new WeakMap<CompiledPathway, Map<string, Uint8Array>>();

/** Whether each conditional item applies to a person: CEL once per combination of facts, then remembered. */
function conditionResults(compiled: CompiledPathway, facts: PersonFacts): Uint8Array {
  const fields = compiled.conditionFacts;
  let memo: Map<string, Uint8Array> | undefined;
  let key = '';
  if (fields !== null) {
    memo = conditionMemo.get(compiled);
    if (memo === undefined) {
      memo = new Map();
      conditionMemo.set(compiled, memo);
    }
    for (let i = 0; i < fields.length; i++) key += `${String(facts[fields[i]!])}|`;
    const known = memo.get(key);
    if (known !== undefined) return known;
  }
  const context = CONDITION_ENVIRONMENT.prepare({ person: facts });
  const results = new Uint8Array(compiled.conditional.length);
  for (let i = 0; i < compiled.conditional.length; i++) {
    results[i] = compiled.conditional[i]!.condition!.test(context) ? 1 : 0;
  }
  if (memo !== undefined) {
    // Conditions on the age have one combination per day of age: bound the memory they take.
    if (memo.size >= CONDITION_MEMO_LIMIT) memo.clear();
    memo.set(key, results);
  }
  return results;
}

/**
 * Evaluate a person against a care pathway as of a date. Evidence dated after `asOf` is ignored,
 * so the result for a past date is what a roster said that day; so is evidence dated before the
 * birth or, for a pregnancy, before the last menstrual period (it belongs to an earlier one).
 *
 * Each item is:
 * - not_applicable: for the other kind of person, its condition is false, or its window closed
 *   (`until`) without evidence (then `missed` is true);
 * - done: evidence satisfies it (see EvidenceRequirement);
 * - upcoming before its window, due within it, overdue after `late` (`daysOverdue` counts the
 *   days; a normal item overdue `criticalAfterDays` or more counts as critical).
 *
 * Risks: anemia from the latest hemoglobin of the last six months, adjusted for altitude;
 * stunting, wasting and underweight from the latest plausible measurement (a measurement WHO
 * flags as implausible gives `implausible_measurement`, to be re-measured, and is left out);
 * no identity document after 30 days of age; an adolescent mother (under 18 at the birth, or
 * pregnant under 18). The light comes from the traffic-light rules; the reasons list every
 * overdue item, every due item and every risk, most urgent first (a due item that is not
 * critical comes last: it is listed so that an amber light always has a reason).
 *
 * Throws a RangeError for an invalid `asOf`, a child without birth date, a pregnancy without
 * dates, or an altitude outside −500…6000 m; a RuleError when a rule fails to evaluate.
 * Evidence with an unreadable date or kind is ignored (it was validated when stored; one bad row
 * must not stop a recompute).
 *
 * @example
 * const result = evaluatePathway(
 *   { id: 'c1', kind: 'child', birthDate: '2025-01-10', sex: 'female', altitudeM: 3800, hasIdentityDocument: true },
 *   [{ id: 'e1', kind: 'vaccine_dose', code: 'PENTA', date: '2025-03-12' }],
 *   childPathway,
 *   '2025-06-01',
 * );
 * result.light; // 'red': pentavalent 2 was due at 4 months and is late
 * result.reasons[0]?.text_es; // 'Vacuna pentavalente 2 vencida hace 20 días'
 */
export function evaluatePathway(
  person: TrackedPerson,
  evidence: readonly TrackingEvidence[],
  pathway: Pathway,
  asOf: string,
  options: EvaluateOptions = {},
): TrackingResult {
  const compiled = compilePathway(pathway);
  const rules = compileTrafficLightRules(options.trafficLightRules ?? DEFAULT_TRAFFIC_LIGHT_RULES);
  const asOfDay = dayOfAsOf(asOf);
  if (Number.isNaN(asOfDay)) throw new RangeError(`asOf must be a date YYYY-MM-DD, got ${asOf}`);
  if (!(person.altitudeM >= -500 && person.altitudeM <= 6000)) {
    throw new RangeError(
      `person ${person.id}: altitudeM must be between -500 and 6000 m, got ${person.altitudeM}`,
    );
  }
  const pregnant = person.kind === 'pregnancy';
  const anchor = anchorDayOf(person);
  const ageDays = asOfDay - anchor;
  const items = compiled.items;
  const n = evidence.length;
  ensureCapacity(n + 1, items.length, compiled.series.length);
  current = evidence;
  currentCount = n;
  registryDocument = undefined;
  seriesReady.fill(0, 0, compiled.series.length);
  bucketLength.fill(0);

  // 1. Bucket the evidence by kind, sorted by date, keeping only what was known on asOf.
  const codeBits = compiled.codeBits;
  for (let i = 0; i < n; i++) {
    const ev = evidence[i]!;
    const day = epochDay(ev.date);
    if (!(day >= anchor && day <= asOfDay)) continue;
    const k = kindIndexOf(ev.kind);
    if (k < 0) continue;
    dayOf[i] = day;
    used[i] = 0;
    codeBit[i] = ev.code === undefined ? 0 : (codeBits.get(ev.code) ?? 0);
    insertByDay(k, i);
  }
  // A document the registry knows of counts as evidence, dated when issued (from birth if unknown).
  if (!pregnant && (person.documentIssuedOn || person.hasIdentityDocument)) {
    const issued = person.documentIssuedOn ? epochDay(person.documentIssuedOn) : anchor;
    const day = Number.isNaN(issued) ? anchor : Math.max(issued, anchor);
    if (day <= asOfDay) {
      registryDocument = {
        id: REGISTRY_DOCUMENT_EVIDENCE_ID,
        kind: 'document_issued',
        date: formatEpochDay(day),
      };
      dayOf[n] = day;
      used[n] = 0;
      codeBit[n] = 0;
      insertByDay(DOCUMENT, n);
    }
  }
  const hasDocument = bucketLength[DOCUMENT]! > 0;

  const facts: PersonFacts = {
    kind: person.kind,
    sex: person.sex ?? undefined,
    ageDays: pregnant ? undefined : ageDays,
    gestationalWeeks: pregnant ? Math.floor(ageDays / 7) : undefined,
    altitudeM: person.altitudeM,
    amazon: person.amazon === true,
    motherAgeYears: person.motherAgeYears ?? undefined,
    birthWeightKg: person.birthWeightKg ?? undefined,
    gestationalWeeksAtBirth: person.gestationalWeeksAtBirth ?? undefined,
    hasIdentityDocument: hasDocument,
  };

  // 2. Which items apply to this person.
  const conditions = compiled.conditional.length > 0 ? conditionResults(compiled, facts) : undefined;
  for (let i = 0; i < items.length; i++) {
    const ci = items[i]!;
    applies[i] =
      ci.forPregnancy === pregnant && (ci.conditionSlot < 0 || conditions![ci.conditionSlot] === 1) ? 1 : 0;
  }

  // 3. Windowed items take one record each, earliest-closing item first.
  const exclusiveOrder = compiled.exclusiveOrder;
  for (let x = 0; x < exclusiveOrder.length; x++) {
    const ci = exclusiveOrder[x]!;
    matched[ci.index] = -1;
    if (!applies[ci.index]) continue;
    const lo = anchor + ci.fromD;
    const hi = anchor + ci.untilD;
    const base = ci.kindIndex * capacity;
    const length = bucketLength[ci.kindIndex]!;
    for (let j = 0; j < length; j++) {
      const r = bucketData[base + j]!;
      const day = dayOf[r]!;
      if (day > hi) break;
      if (used[r] || day < lo) continue;
      if (ci.codeMask !== 0 && (codeBit[r]! & ci.codeMask) === 0) continue;
      used[r] = 1;
      matched[ci.index] = r;
      break;
    }
  }

  // 4. Status of every item.
  const summary = options.summary === true;
  const results: TrackingItemResult[] = summary ? [] : new Array(items.length);
  const open: OpenItemFact[] = [];
  const ranked: RankedReason[] = [];
  let done = 0;
  let due = 0;
  let overdue = 0;
  let upcoming = 0;
  let notApplicable = 0;
  let missedCount = 0;
  for (let i = 0; i < items.length; i++) {
    const ci = items[i]!;
    const item = ci.item;
    const dueDay = anchor + ci.dueD;
    const lateDay = anchor + ci.lateD;
    let status: TrackingItemStatus;
    let evidenceIds = NO_EVIDENCE;
    let daysOverdue = 0;
    let missed = false;
    let critical = ci.critical;
    if (!applies[i]) {
      status = 'not_applicable';
    } else {
      const r = ci.exclusive ? matched[i]! : ci.series >= 0 ? doseRecord(ci, compiled.series) : -2;
      const satisfiedBy = r === -2 ? satisfyingIds(ci, anchor) : r >= 0 ? [recordAt(r).id] : null;
      if (satisfiedBy !== null) {
        status = 'done';
        evidenceIds = satisfiedBy;
      } else if (asOfDay > anchor + ci.untilD) {
        status = 'not_applicable';
        missed = true;
      } else if (asOfDay < anchor + ci.fromD) {
        status = 'upcoming';
      } else if (asOfDay <= lateDay) {
        status = 'due';
      } else {
        status = 'overdue';
        daysOverdue = asOfDay - lateDay;
        if (daysOverdue >= ci.criticalAfterDays) critical = true;
      }
    }
    const criticality = critical ? 'critical' : 'normal';
    if (!summary || status === 'due' || status === 'overdue') {
      const result: TrackingItemResult = {
        itemId: item.id,
        kind: item.kind,
        label: item.label,
        status,
        criticality,
        window: item.window,
        dueDate: formatEpochDay(dueDay),
        lateDate: formatEpochDay(lateDay),
        evidenceIds,
        daysOverdue,
        missed,
      };
      if (summary) results.push(result);
      else results[i] = result;
    }
    switch (status) {
      case 'done':
        done++;
        break;
      case 'upcoming':
        upcoming++;
        break;
      case 'not_applicable':
        notApplicable++;
        if (missed) missedCount++;
        break;
      case 'due': {
        due++;
        const daysUntilLate = lateDay - asOfDay;
        open.push(new OpenItemFact(item.id, item.kind, status, criticality, 0, daysUntilLate));
        ranked.push(dueReason(item.id, item.label, daysUntilLate, critical));
        break;
      }
      case 'overdue':
        overdue++;
        open.push(new OpenItemFact(item.id, item.kind, status, criticality, daysOverdue, 0));
        ranked.push(overdueReason(item.id, item.label, daysOverdue, critical));
        break;
    }
  }

  // 5. Risks.
  const risks: TrackingRisk[] = [];
  assessAnemia(person, pregnant, anchor, asOfDay, risks, ranked);
  if (!pregnant) assessGrowth(person, anchor, risks, ranked);
  if (!pregnant && !hasDocument && ageDays > IDENTITY_DOCUMENT_DAYS) {
    risks.push({
      code: 'no_identity_document',
      severity: 'moderate',
      detail: `no identity document issued by day ${ageDays} of age`,
    });
    ranked.push(noIdentityDocumentReason(ageDays));
  }
  const motherAge = person.motherAgeYears;
  if (motherAge !== undefined && motherAge !== null && motherAge < ADOLESCENT_BELOW_YEARS) {
    risks.push({
      code: 'adolescent_mother',
      severity: 'mild',
      detail: pregnant ? `pregnant at ${motherAge} years of age` : `mother aged ${motherAge} at the birth`,
    });
    ranked.push(adolescentMotherReason(motherAge, pregnant));
  }
  // Do not keep the caller's evidence alive between calls.
  current = NO_RECORDS;
  registryDocument = undefined;

  // 6. The light, from the rules.
  const riskFacts: RiskFact[] = new Array(risks.length);
  for (let i = 0; i < risks.length; i++) {
    const r = risks[i]!;
    riskFacts[i] = new RiskFact(r.code, r.severity, r.treated === true);
  }
  const context = {
    items: open,
    risks: riskFacts,
    person: facts,
    counts: { done, due, overdue, upcoming, notApplicable, missed: missedCount },
  };
  const light = trafficLight(rules, context);
  const alerts = options.alertRules ? firedAlerts(options.alertRules, context) : undefined;

  // Stable sort keeps the pathway's order among reasons of equal urgency.
  ranked.sort((a, b) => b.urgency - a.urgency);
  const reasons = new Array(ranked.length);
  for (let i = 0; i < ranked.length; i++) reasons[i] = ranked[i]!.reason;

  return {
    personId: person.id,
    pathwayCode: pathway.code,
    pathwayVersion: pathway.version,
    rulesVersion: rules.version,
    asOf,
    light,
    urgency: LIGHT_RANK[light]! * 1000 + (ranked[0]?.urgency ?? 0),
    items: results,
    risks,
    reasons,
    ...(alerts ? { alerts } : {}),
  };
}

/**
 * The record giving dose n of a series, or −1: the n-th counted record (each at least
 * minIntervalDays after the last counted one; the earliest-first walk counts as many as any
 * choice could, so more evidence never counts fewer), else the first record naming a dose number
 * of n or more (dose 3 given elsewhere, earlier doses never recorded).
 */
function doseRecord(ci: CompiledItem, series: readonly CompiledSeries[]): number {
  const s = ci.series;
  const base = s * MAX_DOSE;
  if (!seriesReady[s]) {
    const { kindIndex, codeMask, minIntervalDays, maxDose } = series[s]!;
    for (let d = 0; d < maxDose; d++) {
      seriesRecords[base + d] = -1;
      seriesExplicit[base + d] = -1;
    }
    const bucket = kindIndex * capacity;
    const length = bucketLength[kindIndex]!;
    let counted = 0;
    let lastDay = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < length; j++) {
      const r = bucketData[bucket + j]!;
      if (codeMask !== 0 && (codeBit[r]! & codeMask) === 0) continue;
      const named = recordAt(r).dose;
      if (named !== undefined) {
        for (let d = Math.min(named, maxDose) - 1; d >= 0; d--) {
          if (seriesExplicit[base + d] === -1) seriesExplicit[base + d] = r;
        }
      }
      const day = dayOf[r]!;
      if (counted < maxDose && day - lastDay >= minIntervalDays) {
        seriesRecords[base + counted] = r;
        counted++;
        lastDay = day;
      }
    }
    seriesCounted[s] = counted;
    seriesReady[s] = 1;
  }
  const d = ci.dose - 1;
  return d < seriesCounted[s]! ? seriesRecords[base + d]! : seriesExplicit[base + d]!;
}

/**
 * The records that satisfy an item that is neither exclusive nor a dose series, or null. Counts
 * (and doses within a window) walk the records in date order as doseRecord does.
 */
function satisfyingIds(ci: CompiledItem, anchor: number): string[] | null {
  const length = bucketLength[ci.kindIndex]!;
  if (length === 0) return null;
  const base = ci.kindIndex * capacity;
  const lo = ci.withinWindow ? anchor + ci.fromD : Number.NEGATIVE_INFINITY;
  const hi = ci.withinWindow ? anchor + ci.untilD : Number.POSITIVE_INFINITY;
  const target = ci.dose || ci.count || 1;
  let counted = 0;
  let lastDay = Number.NEGATIVE_INFINITY;
  let explicit = -1;
  let ids: string[] | null = null;
  for (let j = 0; j < length; j++) {
    const r = bucketData[base + j]!;
    const day = dayOf[r]!;
    if (day > hi) break;
    if (day < lo) continue;
    if (ci.codeMask !== 0 && (codeBit[r]! & ci.codeMask) === 0) continue;
    const ev = recordAt(r);
    if (ci.dose > 0 && explicit < 0 && ev.dose !== undefined && ev.dose >= ci.dose) explicit = r;
    if (day - lastDay < ci.minIntervalDays) continue;
    counted++;
    lastDay = day;
    if (ci.count > 0) {
      if (ids === null) ids = [];
      ids.push(ev.id);
    }
    if (counted === target) return ci.count > 0 ? ids : [ev.id];
  }
  return explicit >= 0 ? [recordAt(explicit).id] : null;
}

/** Whether a record of this kind is dated on or after `day` (buckets are sorted by day). */
function suppliedSince(kind: number, day: number): boolean {
  const length = bucketLength[kind]!;
  return length > 0 && dayOf[bucketData[kind * capacity + length - 1]!]! >= day;
}

function assessAnemia(
  person: TrackedPerson,
  pregnant: boolean,
  anchor: number,
  asOfDay: number,
  risks: TrackingRisk[],
  ranked: RankedReason[],
): void {
  const base = HEMOGLOBIN * capacity;
  for (let j = bucketLength[HEMOGLOBIN]! - 1; j >= 0; j--) {
    const r = bucketData[base + j]!;
    const ev = recordAt(r);
    const hb = ev.values?.hbGdl;
    if (hb === undefined) continue;
    const day = dayOf[r]!;
    if (asOfDay - day > HEMOGLOBIN_RECENT_DAYS) return;
    if (!(hb >= 3 && hb <= 25)) {
      risks.push({
        code: 'implausible_measurement',
        severity: 'mild',
        detail: `hemoglobin ${hb} g/dL on ${ev.date} is outside 3–25 g/dL`,
        evidenceId: ev.id,
      });
      ranked.push(implausibleReason('hemoglobin', ev.date));
      return;
    }
    // No cut-off for an infant under 6 months, a child of 5 years or a pregnancy past 44 weeks:
    // no finding (checked here, not by catching classifyHemoglobin's error, which costs more).
    const week = Math.floor((day - anchor) / 7);
    const months = pregnant ? 0 : completedMonths(person.birthDate!, ev.date);
    if (pregnant ? week > 44 : months < 6 || months >= 60) return;
    const result = pregnant
      ? classifyHemoglobin({ hbGdl: hb, altitudeM: person.altitudeM, pregnancyWeek: week })
      : classifyHemoglobin({ hbGdl: hb, altitudeM: person.altitudeM, ageMonths: months });
    if (result.anemia !== 'none') {
      risks.push({
        code: 'anemia',
        severity: result.anemia,
        detail: `hemoglobin ${hb} g/dL on ${ev.date} at ${person.altitudeM} m, adjusted ${result.adjustedGdl.toFixed(2)} g/dL`,
        evidenceId: ev.id,
        treated: suppliedSince(pregnant ? PRENATAL_SUPPLEMENT : SUPPLEMENT, day),
      });
      ranked.push(anemiaReason(result.anemia, result.adjustedGdl));
    }
    return;
  }
}

function isFlagged(z: GrowthZScores): boolean {
  return (
    z.weightForAge?.flagged === true ||
    z.lengthForAge?.flagged === true ||
    z.weightForLength?.flagged === true ||
    z.bmiForAge?.flagged === true
  );
}

function assessGrowth(
  person: TrackedPerson,
  anchor: number,
  risks: TrackingRisk[],
  ranked: RankedReason[],
): void {
  const sex = person.sex;
  if (sex !== 'male' && sex !== 'female') return;
  // Walk measurements and checkups with values together, latest first.
  const a = MEASUREMENT * capacity;
  const b = CHECKUP * capacity;
  let ia = bucketLength[MEASUREMENT]! - 1;
  let ib = bucketLength[CHECKUP]! - 1;
  let latest = true;
  while (ia >= 0 || ib >= 0) {
    const takeA = ib < 0 || (ia >= 0 && dayOf[bucketData[a + ia]!]! >= dayOf[bucketData[b + ib]!]!);
    const r = takeA ? bucketData[a + ia--]! : bucketData[b + ib--]!;
    const ev = recordAt(r);
    const v = ev.values;
    if (!v || (v.weightKg === undefined && v.lengthCm === undefined)) continue;
    const ageDays = dayOf[r]! - anchor;
    let z: GrowthZScores | undefined;
    try {
      z = growthZScores({
        sex,
        ageDays,
        weightKg: v.weightKg,
        lengthCm: v.lengthCm,
        measured: v.measured,
        oedema: v.oedema,
      });
    } catch {
      z = undefined;
    }
    if (z === undefined || isFlagged(z)) {
      // Only the latest measurement matters for re-measuring; an older implausible one was superseded.
      if (latest) {
        risks.push({
          code: 'implausible_measurement',
          severity: 'mild',
          detail: `measurement on ${ev.date} ${z === undefined ? 'cannot be used' : `outside WHO plausible limits (${describeFlags(z)})`}`,
          evidenceId: ev.id,
        });
        ranked.push(implausibleReason('growth', ev.date));
      }
      latest = false;
      continue;
    }
    const oedema = v.oedema === true;
    const status = classifyGrowth(z, { oedema });
    const height = ageDays >= HEIGHT_FROM_DAYS;
    const deficits = [
      ['stunting', status.stunting, z.lengthForAge?.z],
      ['wasting', status.wasting, z.weightForLength?.z],
      ['underweight', status.underweight, z.weightForAge?.z],
    ] as const;
    for (const [code, deficit, zValue] of deficits) {
      if (deficit !== 'moderate' && deficit !== 'severe') continue;
      risks.push({
        code,
        severity: deficit,
        detail: `${code} on ${ev.date} at ${ageDays} days: ${zValue === undefined ? 'oedema' : `z ${zValue.toFixed(2)}`}`,
        evidenceId: ev.id,
      });
      ranked.push(
        growthReason(code, deficit, oedema && code !== 'stunting' ? undefined : zValue, height, oedema),
      );
    }
    return;
  }
}

function describeFlags(z: GrowthZScores): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(z) as Array<
    [string, { z: number; flagged: boolean } | undefined]
  >) {
    if (value?.flagged) parts.push(`${name} z ${value.z.toFixed(2)}`);
  }
  return parts.join(', ');
}
