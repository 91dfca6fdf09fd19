/**
 * Field comparisons of the Fellegi-Sunter model: each field of a record and a person falls in
 * one agreement level, and the level weighs log2(m/u) bits (see parameters.ts), adjusted by
 * the frequency of the agreeing value when the person comes from an index.
 *
 * Names are compared on prepared features (normalised words, phonetic keys) so the index can
 * prepare each distinct name once and share it between the many persons who bear it.
 */
import { jaroWinkler } from './jaro-winkler';
import { isPlaceholderNormalized, linkageWords, normalizeForLinkage } from './normalize';
import { DEFAULT_LINKAGE_PARAMETERS, type LevelProbabilities, type LinkageParameters } from './parameters';
import { phoneticKeyOfWords } from './phonetic';
import {
  BIRTH_DATE_OUTCOMES,
  GIVEN_NAMES_OUTCOMES,
  LINK_FIELDS,
  type LinkReason,
  type LinkRecord,
  SEX_OUTCOMES,
  SURNAMES_OUTCOMES,
  TERRITORY_OUTCOMES,
} from './types';

/** How many times a value occurs in an index, out of the index's total for that field. */
export interface ValueStats {
  count: number;
  readonly table: { total: number };
  /** Memo of the frequency adjustment: valid while the total and the weights are the same. */
  adjustment: number;
  adjustmentTotal: number;
  adjustmentFor: CompiledWeights | null;
}

export function newValueStats(table: { total: number }): ValueStats {
  return { count: 0, table, adjustment: 0, adjustmentTotal: -1, adjustmentFor: null };
}

export interface GivenFeature {
  readonly raw: string;
  /** Normalised words without particles, joined by a space. */
  readonly full: string;
  readonly tokens: readonly string[];
  readonly keys: readonly string[];
  readonly keyJoined: string;
  /** Frequency of the first given name's phonetic key, in an index. */
  stats: ValueStats | null;
  /** Blocking id of the first given name's key, in an index (-1: none). */
  blockId: number;
}

export interface SurnameFeature {
  readonly raw: string;
  /** Normalised words without particles, joined by a space: a compound surname is one unit. */
  readonly norm: string;
  readonly key: string;
  readonly words: readonly string[];
  /** Frequency of the phonetic key among the surnames of an index. */
  stats: ValueStats | null;
  blockId: number;
  /** Two surnames written in one field ("Quispe Mamani"), as two: computed when first needed. */
  split: readonly [SurnameFeature, SurnameFeature] | null | undefined;
}

export interface TerritoryFeature {
  readonly code: string;
  readonly region: string;
  readonly province: string | null;
  readonly district: string | null;
  /** Frequency of the district in an index. */
  stats: ValueStats | null;
  /** Blocking id of the province, in an index (-1: none). */
  blockId: number;
}

/** A record or person ready for comparison. `birth` is YYYYMMDD as a number (0: missing); `sex` 1 female, 2 male, 0 missing. */
export interface PreparedRecord {
  given: GivenFeature | null;
  s1: SurnameFeature | null;
  s2: SurnameFeature | null;
  birth: number;
  sex: number;
  territory: TerritoryFeature | null;
}

/** Given names ready for comparison, or null when missing or a placeholder (RN, NN). */
export function prepareGivenNames(raw: string | null | undefined): GivenFeature | null {
  if (raw == null) return null;
  const normalized = normalizeForLinkage(raw);
  if (isPlaceholderNormalized(normalized)) return null;
  const tokens = linkageWords(normalized);
  const keys = tokens.map((t) => phoneticKeyOfWords([t]));
  return { raw, full: tokens.join(' '), tokens, keys, keyJoined: keys.join(' '), stats: null, blockId: -1 };
}

/** A surname ready for comparison, or null when missing. */
export function prepareSurname(raw: string | null | undefined): SurnameFeature | null {
  if (raw == null) return null;
  const words = linkageWords(normalizeForLinkage(raw));
  if (words.length === 0) return null;
  return {
    raw,
    norm: words.join(' '),
    key: phoneticKeyOfWords(words),
    words,
    stats: null,
    blockId: -1,
    split: words.length >= 2 ? undefined : null,
  };
}

/** A surname of two or more words as two surnames: the first word and the rest ("Quispe Mamani"). */
export function splitOf(s: SurnameFeature): readonly [SurnameFeature, SurnameFeature] | null {
  if (s.split === undefined) {
    const first = prepareSurname(s.words[0]!);
    const rest = prepareSurname(s.words.slice(1).join(' '));
    s.split = first && rest ? [first, rest] : null;
  }
  return s.split;
}

/** An ubigeo code ready for comparison, or null when it has fewer than 2 digits. */
export function prepareTerritory(code: string | null | undefined): TerritoryFeature | null {
  if (code == null) return null;
  const digits = code.replace(/\D/g, '');
  if (digits.length < 2) return null;
  return {
    code,
    region: digits.slice(0, 2),
    province: digits.length >= 4 ? digits.slice(0, 4) : null,
    district: digits.length >= 6 ? digits.slice(0, 6) : null,
    stats: null,
    blockId: -1,
  };
}

/**
 * A 'YYYY-MM-DD' birth date as the number YYYYMMDD, or 0 when missing or not a real date.
 * @example birthDateNumber('2021-03-07') // 20210307
 */
export function birthDateNumber(date: string | null | undefined): number {
  if (date == null) return 0;
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  if (!m) return 0;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (y < 1800 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return 0;
  return y * 10000 + mo * 100 + d;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

export function sexCode(sex: string | null | undefined): number {
  return sex === 'female' ? 1 : sex === 'male' ? 2 : 0;
}

/** A record ready for comparison; a lone second surname is taken as the first. */
export function prepareRecord(record: LinkRecord): PreparedRecord {
  let s1 = prepareSurname(record.firstSurname);
  let s2 = prepareSurname(record.secondSurname);
  if (s1 === null && s2 !== null) {
    s1 = s2;
    s2 = null;
  }
  return {
    given: prepareGivenNames(record.givenNames),
    s1,
    s2,
    birth: birthDateNumber(record.birthDate),
    sex: sexCode(record.sex),
    territory: prepareTerritory(record.territoryCode),
  };
}

/** Weights of every level as arrays indexed like the *_OUTCOMES lists, computed once per parameters. */
export interface CompiledWeights {
  readonly params: LinkageParameters;
  readonly givenNames: Float64Array;
  readonly surnames: Float64Array;
  readonly birthDate: Float64Array;
  readonly sex: Float64Array;
  readonly territory: Float64Array;
  /** The most the surnames and the given names can weigh, frequency adjustments included. */
  readonly maxSurnames: number;
  readonly maxGivenNames: number;
}

const compiledCache = new WeakMap<LinkageParameters, CompiledWeights>();

function levelWeights(outcomes: readonly string[], levels: Record<string, LevelProbabilities>): Float64Array {
  return Float64Array.from(outcomes, (o) => {
    if (o === 'missing') return 0;
    const level = levels[o];
    if (!level) throw new RangeError(`Linkage parameters lack the level "${o}"`);
    return Math.log2(level.m / level.u);
  });
}

export function compileWeights(params: LinkageParameters): CompiledWeights {
  let w = compiledCache.get(params);
  if (!w) {
    const givenNames = levelWeights(GIVEN_NAMES_OUTCOMES, params.givenNames);
    const surnames = levelWeights(SURNAMES_OUTCOMES, params.surnames);
    const boost = params.frequency.enabled ? Math.max(0, params.frequency.maxBoost) : 0;
    w = {
      params,
      givenNames,
      surnames,
      birthDate: levelWeights(BIRTH_DATE_OUTCOMES, params.birthDate),
      sex: levelWeights(SEX_OUTCOMES, params.sex),
      territory: levelWeights(TERRITORY_OUTCOMES, params.territory),
      maxSurnames: Math.max(...surnames) + 2 * boost,
      maxGivenNames: Math.max(...givenNames) + boost,
    };
    compiledCache.set(params, w);
  }
  return w;
}

/** The frequency adjustment of agreeing on a value (see LinkageParameters.frequency). */
function frequencyAdjustment(stats: ValueStats | null, averageU: number, w: CompiledWeights): number {
  if (stats === null) return 0;
  const total = stats.table.total;
  if (stats.adjustmentFor === w && stats.adjustmentTotal === total) return stats.adjustment;
  const f = w.params.frequency;
  let adj = 0;
  if (f.enabled && total >= f.minTotal) {
    adj = Math.log2(averageU / Math.max(stats.count / total, f.floor));
    if (adj > f.maxBoost) adj = f.maxBoost;
    else if (adj < -f.maxPenalty) adj = -f.maxPenalty;
  }
  stats.adjustment = adj;
  stats.adjustmentTotal = total;
  stats.adjustmentFor = w;
  return adj;
}

/**
 * Memo of one record's name comparisons, keyed by the person's (shared) features: the given
 * names' level, the surnames' Jaro-Winkler agreement. An index keeps these across records
 * with the same names.
 */
export interface ComparisonCache {
  given: Map<GivenFeature, number> | null;
  s1: Map<SurnameFeature, number> | null;
  s2: Map<SurnameFeature, number> | null;
}

/** Where a field comparison leaves its level and weight (no allocation per comparison). */
interface Scratch {
  outcome: number;
  weight: number;
}

// Indexes into the *_OUTCOMES lists.
const G_EXACT = 0;
const G_PHONETIC = 1;
const G_SIMILAR = 2;
const G_FIRST = 3;
const G_ONE = 4;
const G_DIFFERENT = 5;
const G_MISSING = 6;
const S_BOTH = 0;
const S_SIMILAR = 1;
const S_SWAPPED = 2;
const S_FIRST_ONLY = 3;
const S_ONE = 4;
const S_DIFFERENT = 5;
const S_MISSING = 6;
const D_EXACT = 0;
const D_SWAPPED = 1;
const D_NEAR = 2;
const D_YEAR_MONTH = 3;
const D_DIFFERENT = 4;
const D_MISSING = 5;
const T_DISTRICT = 0;
const T_PROVINCE = 1;
const T_REGION = 2;
const T_DIFFERENT = 3;
const T_MISSING = 4;

/** Two given names agree when their keys are equal, Jaro-Winkler says so, or (4 letters or more) one edit apart. */
function tokensAgree(a: GivenFeature, i: number, b: GivenFeature, j: number, threshold: number): boolean {
  if (a.keys[i] === b.keys[j]) return true;
  const x = a.tokens[i]!;
  const y = b.tokens[j]!;
  return jaroWinkler(x, y) >= threshold || (x.length >= 4 && y.length >= 4 && withinOneEdit(x, y));
}

/** The agreement level of two sets of given names (index into GIVEN_NAMES_OUTCOMES). */
function givenNamesOutcome(a: GivenFeature, b: GivenFeature, threshold: number): number {
  if (a.full === b.full) return G_EXACT;
  if (a.keyJoined === b.keyJoined) return G_PHONETIC;
  const na = a.tokens.length;
  const nb = b.tokens.length;
  const firstAgrees = tokensAgree(a, 0, b, 0, threshold);
  if (firstAgrees) {
    if (na !== nb) {
      // The shorter list must agree name by name with the start of the longer one.
      const n = Math.min(na, nb);
      let all = true;
      for (let i = 1; i < n && all; i++) all = tokensAgree(a, i, b, i, threshold);
      if (all) return G_FIRST;
    } else {
      let all = true;
      for (let i = 1; i < na && all; i++) all = tokensAgree(a, i, b, i, threshold);
      if (all) return G_SIMILAR;
    }
    return G_ONE;
  }
  for (let i = 0; i < na; i++) for (let j = 0; j < nb; j++) if (a.keys[i] === b.keys[j]) return G_ONE;
  return G_DIFFERENT;
}

function compareGiven(
  a: GivenFeature | null,
  b: GivenFeature | null,
  w: CompiledWeights,
  cache: ComparisonCache | null,
  out: Scratch,
): void {
  if (a === null || b === null) {
    out.outcome = G_MISSING;
    out.weight = 0;
    return;
  }
  const memo = cache === null ? null : cache.given;
  let outcome = memo === null ? undefined : memo.get(b);
  if (outcome === undefined) {
    outcome = givenNamesOutcome(a, b, w.params.similarity.givenNames);
    memo?.set(b, outcome);
  }
  let weight = w.givenNames[outcome]!;
  if (outcome === G_EXACT || outcome === G_PHONETIC || outcome === G_FIRST)
    weight += frequencyAdjustment(b.stats ?? a.stats, w.params.frequency.givenNamesU, w);
  out.outcome = outcome;
  out.weight = weight;
}

/**
 * Whether two strings are at most one edit apart: a letter replaced, added, dropped, or two
 * neighbours swapped (optimal string alignment distance ≤ 1).
 */
export function withinOneEdit(a: string, b: string): boolean {
  const la = a.length;
  const lb = b.length;
  if (la < lb) return withinOneEdit(b, a);
  if (la - lb > 1) return false;
  let i = 0;
  while (i < lb && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === lb) return true; // equal, or one letter added at the end
  if (la === lb) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return a.slice(i + 1) === b.slice(i);
}

/**
 * 3 exact, 2 phonetic, 1 mistyped (Jaro-Winkler at least the threshold, or phonetic keys of 5
 * or more symbols one edit apart: Hueman for Huamán), 0 different.
 */
function surnameAgreement(
  a: SurnameFeature,
  b: SurnameFeature,
  threshold: number,
  cache: Map<SurnameFeature, number> | null,
): number {
  if (a === b || a.norm === b.norm) return 3;
  if (a.key === b.key) return 2;
  const hit = cache?.get(b);
  if (hit !== undefined) return hit;
  const agreement =
    jaroWinkler(a.norm, b.norm) >= threshold ||
    (a.key.length >= 5 && b.key.length >= 5 && withinOneEdit(a.key, b.key))
      ? 1
      : 0;
  cache?.set(b, agreement);
  return agreement;
}

function surnameAdjustment(agreement: number, s: SurnameFeature, other: SurnameFeature, w: CompiledWeights) {
  return agreement >= 2 ? frequencyAdjustment(s.stats ?? other.stats, w.params.frequency.surnameU, w) : 0;
}

function compareSurnames(
  r1: SurnameFeature | null,
  r2: SurnameFeature | null,
  p1: SurnameFeature | null,
  p2: SurnameFeature | null,
  w: CompiledWeights,
  cache: ComparisonCache | null,
  out: Scratch,
): void {
  if (r1 === null || p1 === null) {
    out.outcome = S_MISSING;
    out.weight = 0;
    return;
  }
  const threshold = w.params.similarity.surnames;
  const c1 = cache === null ? null : cache.s1;
  const c2 = cache === null ? null : cache.s2;
  const a11 = surnameAgreement(r1, p1, threshold, c1);
  if (r2 !== null && p2 !== null) {
    const a22 = surnameAgreement(r2, p2, threshold, c2);
    if (a11 > 0 && a22 > 0) {
      out.outcome = a11 === 3 && a22 === 3 ? S_BOTH : S_SIMILAR;
      out.weight =
        w.surnames[out.outcome]! + surnameAdjustment(a11, p1, r1, w) + surnameAdjustment(a22, p2, r2, w);
      return;
    }
    const a12 = surnameAgreement(r1, p2, threshold, c1);
    const a21 = surnameAgreement(r2, p1, threshold, c2);
    if (a12 > 0 && a21 > 0) {
      out.outcome = S_SWAPPED;
      out.weight =
        w.surnames[S_SWAPPED]! + surnameAdjustment(a12, p2, r1, w) + surnameAdjustment(a21, p1, r2, w);
      return;
    }
    out.outcome = a11 > 0 || a22 > 0 || a12 > 0 || a21 > 0 ? S_ONE : S_DIFFERENT;
    out.weight = w.surnames[out.outcome]!;
    return;
  }
  // One side lacks its second surname.
  if (a11 > 0) {
    out.outcome = S_FIRST_ONLY;
    out.weight = w.surnames[S_FIRST_ONLY]! + surnameAdjustment(a11, p1, r1, w);
  } else {
    const cross =
      (r2 !== null && surnameAgreement(r2, p1, threshold, c2) > 0) ||
      (p2 !== null && surnameAgreement(r1, p2, threshold, c1) > 0);
    out.outcome = cross ? S_ONE : S_DIFFERENT;
    out.weight = w.surnames[out.outcome]!;
  }
  // Both surnames written in the one field ("Quispe Mamani"): try them as two, keep the better.
  const lone = r2 === null ? r1 : p1;
  const split = lone.split === null ? null : splitOf(lone);
  if (split !== null && (r2 === null) !== (p2 === null)) {
    const outcome = out.outcome;
    const weight = out.weight;
    if (r2 === null) compareSurnames(split[0], split[1], p1, p2, w, null, out);
    else compareSurnames(r1, r2, split[0], split[1], w, null, out);
    if (out.weight < weight) {
      out.outcome = outcome;
      out.weight = weight;
    }
  }
}

/** Days since 1970-01-01 of a YYYYMMDD number (Hinnant's days_from_civil). */
function epochDays(ymd: number): number {
  let y = Math.floor(ymd / 10000);
  const m = Math.floor(ymd / 100) % 100;
  const d = ymd % 100;
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function oneDigitApart(a: number, b: number): boolean {
  let differing = 0;
  for (let i = 0; i < 8; i++) {
    if (a % 10 !== b % 10 && ++differing > 1) return false;
    a = Math.floor(a / 10);
    b = Math.floor(b / 10);
  }
  return differing === 1;
}

/** The agreement level of two YYYYMMDD numbers (index into BIRTH_DATE_OUTCOMES). */
function birthDateOutcome(a: number, b: number): number {
  if (a === 0 || b === 0) return D_MISSING;
  if (a === b) return D_EXACT;
  const ya = Math.floor(a / 10000);
  const yb = Math.floor(b / 10000);
  const ma = Math.floor(a / 100) % 100;
  const mb = Math.floor(b / 100) % 100;
  const da = a % 100;
  const db = b % 100;
  if (ya === yb && ma === db && da === mb) return D_SWAPPED;
  if (Math.abs(epochDays(a) - epochDays(b)) <= 3 || oneDigitApart(a, b)) return D_NEAR;
  if (ya === yb && ma === mb) return D_YEAR_MONTH;
  return D_DIFFERENT;
}

function compareTerritory(
  a: TerritoryFeature | null,
  b: TerritoryFeature | null,
  w: CompiledWeights,
  out: Scratch,
): void {
  if (a === null || b === null) {
    out.outcome = T_MISSING;
    out.weight = 0;
    return;
  }
  if (a.district !== null && b.district !== null && a.district === b.district) {
    out.outcome = T_DISTRICT;
    out.weight =
      w.territory[T_DISTRICT]! + frequencyAdjustment(b.stats ?? a.stats, w.params.frequency.districtU, w);
    return;
  }
  out.outcome =
    a.province !== null && b.province !== null && a.province === b.province
      ? T_PROVINCE
      : a.region === b.region
        ? T_REGION
        : T_DIFFERENT;
  out.weight = w.territory[out.outcome]!;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** Levels and weights of the five fields, in LINK_FIELDS order. */
export interface FieldResults {
  outcomes: Uint8Array;
  weights: Float64Array;
}

export function newFieldResults(): FieldResults {
  return { outcomes: new Uint8Array(5), weights: new Float64Array(5) };
}

const scratch: Scratch = { outcome: 0, weight: 0 };

/**
 * The total weight of a prepared record against a prepared person: the sum of the fields'
 * weights, each rounded to 0.01 bit so the reasons add up to the total a steward sees.
 *
 * With a `floor`, the comparison stops as soon as the fields left cannot lift the total to it
 * and returns -Infinity: the index scores hundreds of candidates per record and keeps a few.
 * Cheap fields go first (date, sex, territory), then surnames, then given names.
 */
export function scorePrepared(
  r: PreparedRecord,
  p: PreparedRecord,
  w: CompiledWeights,
  cache: ComparisonCache | null,
  out: FieldResults | null,
  floor = Number.NEGATIVE_INFINITY,
): number {
  const dateOutcome = birthDateOutcome(r.birth, p.birth);
  const date = round2(w.birthDate[dateOutcome]!);
  const sexOutcome = r.sex === 0 || p.sex === 0 ? 2 : r.sex === p.sex ? 0 : 1;
  const sex = round2(w.sex[sexOutcome]!);
  compareTerritory(r.territory, p.territory, w, scratch);
  const territory = round2(scratch.weight);
  const territoryOutcome = scratch.outcome;
  // Bounds are on unrounded weights: leave a little room for the rounding.
  if (date + sex + territory + w.maxSurnames + w.maxGivenNames < floor - 0.05)
    return Number.NEGATIVE_INFINITY;
  compareSurnames(r.s1, r.s2, p.s1, p.s2, w, cache, scratch);
  const surnames = round2(scratch.weight);
  const surnamesOutcome = scratch.outcome;
  if (date + sex + territory + surnames + w.maxGivenNames < floor - 0.05) return Number.NEGATIVE_INFINITY;
  compareGiven(r.given, p.given, w, cache, scratch);
  const given = round2(scratch.weight);
  if (out) {
    out.outcomes[0] = scratch.outcome;
    out.outcomes[1] = surnamesOutcome;
    out.outcomes[2] = dateOutcome;
    out.outcomes[3] = sexOutcome;
    out.outcomes[4] = territoryOutcome;
    out.weights[0] = given;
    out.weights[1] = surnames;
    out.weights[2] = date;
    out.weights[3] = sex;
    out.weights[4] = territory;
  }
  return round2(given + surnames + date + sex + territory);
}

const OUTCOME_NAMES: readonly (readonly string[])[] = [
  GIVEN_NAMES_OUTCOMES,
  SURNAMES_OUTCOMES,
  BIRTH_DATE_OUTCOMES,
  SEX_OUTCOMES,
  TERRITORY_OUTCOMES,
];

/** The reasons a data steward reads, from field results. */
export function reasonsOf(results: FieldResults): LinkReason[] {
  return LINK_FIELDS.map((field, i) => ({
    field,
    outcome: OUTCOME_NAMES[i]![results.outcomes[i]!]!,
    weight: results.weights[i]! + 0, // + 0 turns -0 into 0
  }));
}

/**
 * Compare a record with a person (or two persons of the registry): the total weight in bits
 * and one reason per field. Without an index there are no value frequencies, so every level
 * weighs its parameters' log2(m/u).
 * @example
 * compareRecords(
 *   { givenNames: 'Rosa', firstSurname: 'Quispe', secondSurname: 'Mamani', birthDate: '2021-07-03' },
 *   { givenNames: 'Rosa', firstSurname: 'Qhispe', secondSurname: 'Mamani', birthDate: '2021-03-07' },
 * ).reasons[2] // { field: 'birthDate', outcome: 'day_month_swapped', weight: 8.97 }
 */
export function compareRecords(
  record: LinkRecord,
  person: LinkRecord,
  params: LinkageParameters = DEFAULT_LINKAGE_PARAMETERS,
): { weight: number; reasons: LinkReason[] } {
  const results = newFieldResults();
  const weight = scorePrepared(
    prepareRecord(record),
    prepareRecord(person),
    compileWeights(params),
    null,
    results,
  );
  return { weight, reasons: reasonsOf(results) };
}
