/**
 * A pathway prepared for evaluation: windows as day offsets from the person's anchor date (birth
 * or last menstrual period), evidence kinds as indexes, evidence codes as bits, dose items grouped
 * into series, conditions compiled. Built once per pathway object and cached, so a recompute pays
 * for it once, not per person.
 */
import type { EvidenceKind, Pathway, PathwayItem } from '@tejido/schemas';
import type { CompiledRule } from '../rules';
import { CONDITION_ENVIRONMENT, type PersonFacts } from './facts';

/** Evidence kinds in a fixed order, so evidence can be bucketed in an array. */
export const EVIDENCE_KINDS: readonly EvidenceKind[] = [
  'growth_checkup',
  'vaccine_dose',
  'hemoglobin',
  'measurement',
  'supplement',
  'document_issued',
  'insurance_affiliated',
  'prenatal_visit',
  'prenatal_test',
  'prenatal_supplement',
];
export const KIND_INDEX: ReadonlyMap<string, number> = new Map(EVIDENCE_KINDS.map((k, i) => [k, i]));

/**
 * Index of an evidence kind in EVIDENCE_KINDS, or −1. Called for every evidence record of every
 * person: a branch on the first letter and the length, then one comparison, is several times
 * cheaper than a hash lookup of a string that came from the database.
 */
export function kindIndexOf(kind: string): number {
  let i: number;
  switch (kind.charCodeAt(0)) {
    case 103: // g
      i = 0;
      break;
    case 118: // v
      i = 1;
      break;
    case 104: // h
      i = 2;
      break;
    case 109: // m
      i = 3;
      break;
    case 115: // s
      i = 4;
      break;
    case 100: // d
      i = 5;
      break;
    case 105: // i
      i = 6;
      break;
    case 112: // p: prenatal_visit, prenatal_test, prenatal_supplement
      i = kind.length === 14 ? 7 : kind.length === 13 ? 8 : 9;
      break;
    default:
      return -1;
  }
  return kind === EVIDENCE_KINDS[i] ? i : -1;
}

// Codes are matched as bits of a 32-bit integer; a pathway naming more is refused (the national
// lists of every kind together hold fewer than 31).
const MAX_CODES = 31;

export interface CompiledItem {
  readonly item: PathwayItem;
  readonly index: number;
  readonly forPregnancy: boolean;
  /** Window as days after the anchor date: due from `fromD`, overdue after `lateD`, closed after `untilD`. */
  readonly fromD: number;
  readonly dueD: number;
  readonly lateD: number;
  readonly untilD: number;
  readonly kindIndex: number;
  /** Bits of the accepted codes (see CompiledPathway.codeBits); 0 accepts any code. */
  readonly codeMask: number;
  readonly dose: number;
  readonly count: number;
  readonly minIntervalDays: number;
  readonly withinWindow: boolean;
  /** A windowed single-record item: each record satisfies one such item only. */
  readonly exclusive: boolean;
  readonly critical: boolean;
  readonly criticalAfterDays: number;
  readonly condition: CompiledRule<{ person: PersonFacts }> | null;
  /** Position among the conditional items, -1 without condition. */
  readonly conditionSlot: number;
  /** Dose items of the same vaccine (or delivery) share a series, walked once per person; -1 otherwise. */
  readonly series: number;
}

/** The doses of one vaccine (same kind, codes and spacing), counted once per person for all its items. */
export interface CompiledSeries {
  readonly kindIndex: number;
  readonly codeMask: number;
  readonly minIntervalDays: number;
  readonly maxDose: number;
}

export interface CompiledPathway {
  readonly pathway: Pathway;
  readonly items: readonly CompiledItem[];
  /** Exclusive items by earliest closing day: the greedy order that never takes a record away from an item. */
  readonly exclusiveOrder: readonly CompiledItem[];
  readonly series: readonly CompiledSeries[];
  /** Bit of each evidence code the items name. */
  readonly codeBits: ReadonlyMap<string, number>;
  /** Items with a condition, in order. */
  readonly conditional: readonly CompiledItem[];
  /**
   * The person facts the conditions read, when they read nothing else: their results are then
   * remembered per combination of those facts (most persons share one), which saves a CEL
   * evaluation per condition per person. Null when a condition uses `person` as a whole.
   */
  readonly conditionFacts: ReadonlyArray<keyof PersonFacts> | null;
}

const cache = new WeakMap<Pathway, CompiledPathway>();

/**
 * Prepare a pathway for evaluation (cached per pathway object). Throws a RuleError when a
 * condition does not compile (parsePathway reports the same with the file and line), a
 * RangeError when the items name more than 31 distinct evidence codes.
 * @example compilePathway(parsePathway(text, 'pe-minsa-child-2025.yaml')).items.length
 */
export function compilePathway(pathway: Pathway): CompiledPathway {
  const cached = cache.get(pathway);
  if (cached) return cached;

  const codeBits = new Map<string, number>();
  const maskOf = (codes: readonly string[] | undefined): number => {
    let mask = 0;
    for (const code of codes ?? []) {
      let bit = codeBits.get(code);
      if (bit === undefined) {
        if (codeBits.size >= MAX_CODES) {
          throw new RangeError(`pathway ${pathway.code} names more than ${MAX_CODES} evidence codes`);
        }
        bit = 1 << codeBits.size;
        codeBits.set(code, bit);
      }
      mask |= bit;
    }
    return mask;
  };

  const series: Array<CompiledSeries & { key: string; maxDose: number }> = [];
  let conditionSlots = 0;
  const items = pathway.items.map((item, index): CompiledItem => {
    const forPregnancy = item.appliesTo === 'pregnancy';
    const w = item.window;
    // Pregnancy windows are completed weeks: week w runs from day 7w to day 7w + 6.
    const start = (weeksOrDays: number) => (forPregnancy ? weeksOrDays * 7 : weeksOrDays);
    const end = (weeksOrDays: number) => (forPregnancy ? weeksOrDays * 7 + 6 : weeksOrDays);
    const req = item.satisfiedBy;
    const kindIndex = KIND_INDEX.get(req.kind)!;
    const dose = req.dose ?? 0;
    const count = req.count ?? 0;
    const withinWindow = req.withinWindow === true;
    const codeMask = maskOf(req.codes);
    // Two records of the same day are one event (the same dose imported from two sources).
    const minIntervalDays = Math.max(1, req.minIntervalDays ?? 1);
    let seriesIndex = -1;
    if (dose > 0 && !withinWindow) {
      const key = `${kindIndex}|${codeMask}|${minIntervalDays}`;
      seriesIndex = series.findIndex((s) => s.key === key);
      if (seriesIndex < 0) {
        seriesIndex = series.length;
        series.push({ key, kindIndex, codeMask, minIntervalDays, maxDose: 0 });
      }
      const entry = series[seriesIndex]!;
      entry.maxDose = Math.max(entry.maxDose, dose);
    }
    const condition = item.condition
      ? CONDITION_ENVIRONMENT.compile(item.condition, { returns: 'bool' })
      : null;
    return {
      item,
      index,
      forPregnancy,
      fromD: start(w.from),
      dueD: start(w.due),
      lateD: end(w.late),
      untilD: w.until === undefined ? Number.POSITIVE_INFINITY : end(w.until),
      kindIndex,
      codeMask,
      dose,
      count,
      minIntervalDays,
      withinWindow,
      exclusive: withinWindow && dose === 0 && count === 0,
      critical: item.criticality === 'critical',
      criticalAfterDays: item.criticalAfterDays ?? Number.POSITIVE_INFINITY,
      condition,
      conditionSlot: condition ? conditionSlots++ : -1,
      series: seriesIndex,
    };
  });

  const conditional = items.filter((i) => i.condition !== null);
  let conditionFacts: Set<keyof PersonFacts> | null = new Set();
  for (const ci of conditional) {
    const fields = personFieldsRead(ci.condition!.ast);
    if (fields === null) {
      conditionFacts = null;
      break;
    }
    for (const f of fields) conditionFacts.add(f as keyof PersonFacts);
  }

  const compiled: CompiledPathway = {
    pathway,
    items,
    exclusiveOrder: items
      .filter((i) => i.exclusive)
      .sort((a, b) => a.untilD - b.untilD || a.fromD - b.fromD || a.index - b.index),
    series: series.map(({ kindIndex, codeMask, minIntervalDays, maxDose }) => ({
      kindIndex,
      codeMask,
      minIntervalDays,
      maxDose,
    })),
    codeBits,
    conditional,
    conditionFacts: conditionFacts === null ? null : [...conditionFacts].sort(),
  };
  cache.set(pathway, compiled);
  return compiled;
}

/**
 * The fields of `person` an expression reads, when it reads it only as `person.field`; null when
 * it uses `person` otherwise (then its result cannot be keyed on fields).
 */
function personFieldsRead(ast: unknown): string[] | null {
  const fields = new Set<string>();
  const stack: unknown[] = [ast];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (const child of node) stack.push(child);
      continue;
    }
    const { op, args } = node as { op?: unknown; args?: unknown };
    if ((op === '.' || op === '.?') && Array.isArray(args)) {
      const [base, field] = args as [{ op?: unknown; args?: unknown }, unknown];
      if (base?.op === 'id' && base.args === 'person' && typeof field === 'string') {
        fields.add(field);
        continue;
      }
    }
    if (op === 'id' && args === 'person') return null;
    if (args !== undefined) stack.push(args);
  }
  return [...fields];
}
