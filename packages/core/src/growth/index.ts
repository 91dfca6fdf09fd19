/**
 * WHO Child Growth Standards z-scores for children under 5, computed as WHO's anthro software
 * does (github.com/WorldHealthOrganization/anthro), from the tables in who-tables.gen.ts.
 * See README.md in this folder for the rules and the one place where anthro and a literal
 * reading of the rules differ (a child under 9 months measured standing).
 */
import { type Lms, type LmsTable, lmsRow, lmsRows, lmsValue, lmsZ, restrictedLmsZ } from './lms';
import {
  BMI_FOR_AGE,
  LENGTH_FOR_AGE,
  WEIGHT_FOR_AGE,
  WEIGHT_FOR_HEIGHT,
  WEIGHT_FOR_LENGTH,
} from './who-tables.gen';

export type Sex = 'male' | 'female';

/** A z-score and whether WHO considers it biologically implausible. */
export interface Z {
  z: number;
  flagged: boolean;
}

export interface GrowthInput {
  sex: Sex;
  /** Age in days on the day of measurement; fractions are allowed. */
  ageDays: number;
  weightKg?: number;
  /** Length (lying) or height (standing) in cm, as measured. */
  lengthCm?: number;
  /** How the child was measured; unknown means no correction. */
  measured?: 'lying' | 'standing';
  /** Bilateral pitting oedema: weight reflects fluid, so weight-based indicators are absent. */
  oedema?: boolean;
}

export interface GrowthZScores {
  weightForAge?: Z;
  /** Length-for-age under 731 days, height-for-age from 731 days. */
  lengthForAge?: Z;
  /** Weight-for-length under 731 days, weight-for-height from 731 days. */
  weightForLength?: Z;
  bmiForAge?: Z;
}

// WHO's month, used to convert days to months (anthro: 30.4375).
const DAYS_PER_MONTH = 30.4375;
const MAX_AGE_MONTHS = 60;
// From this age in days the standard is height (standing); before it, length (lying).
const HEIGHT_FROM_DAYS = 731;
const POSITION_CORRECTION_CM = 0.7;
// A child this young cannot stand: anthro treats "standing" as a recording error (position unknown).
const STANDING_FROM_MONTHS = 9;
// Tolerance, in tenths of a cm, for reading a length that is on the 0.1 cm grid up to float noise.
const GRID_EPS = 1e-9;

// WHO 2006 cut-offs for biologically implausible values: [lowest plausible, highest plausible].
const PLAUSIBLE = {
  weightForAge: [-6, 5],
  lengthForAge: [-6, 6],
  weightForLength: [-5, 5],
  bmiForAge: [-5, 5],
} as const;

function flagged(z: number, [low, high]: readonly [number, number]): Z {
  return { z, flagged: z < low || z > high };
}

/** Round half up, as anthro rounds ages in days before reading the age tables. */
function roundHalfUp(x: number): number {
  return Math.floor(x + 0.5);
}

function requirePositive(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
    throw new RangeError(`${name} must be a positive number, got ${value}`);
  }
}

/** Length for the standard that applies at this age: lying under 731 days, standing from then. */
function standardLength(
  lengthCm: number,
  day: number,
  ageMonths: number,
  measured: GrowthInput['measured'],
): number {
  if (day < HEIGHT_FROM_DAYS) {
    return measured === 'standing' && ageMonths >= STANDING_FROM_MONTHS
      ? lengthCm + POSITION_CORRECTION_CM
      : lengthCm;
  }
  return measured === 'lying' ? lengthCm - POSITION_CORRECTION_CM : lengthCm;
}

/** L, M, S at a length, interpolated linearly between the 0.1 cm rows; undefined outside the table. */
function lmsAtLength(table: LmsTable, lengthCm: number): Lms | undefined {
  const pos = lengthCm * 10 - table.first;
  const last = lmsRows(table) - 1;
  if (!(pos >= -GRID_EPS && pos <= last + GRID_EPS)) return undefined;
  const i = Math.min(Math.max(Math.floor(pos + GRID_EPS), 0), last);
  const lo = lmsRow(table, i)!;
  const frac = pos - i;
  if (i === last || frac <= GRID_EPS) return lo;
  const hi = lmsRow(table, i + 1)!;
  return {
    l: lo.l + frac * (hi.l - lo.l),
    m: lo.m + frac * (hi.m - lo.m),
    s: lo.s + frac * (hi.s - lo.s),
  };
}

/**
 * Z-scores of the WHO Child Growth Standards (2006) for a child under 60 months: weight-for-age,
 * length/height-for-age, weight-for-length/height and BMI-for-age, each with WHO's flag of
 * biologically implausible values. An indicator is absent when its inputs are missing, the child
 * is 60 months or older (ageDays / 30.4375 ≥ 60), the length falls outside the
 * weight-for-length/height table, or (weight-based ones) the child has oedema.
 *
 * Lengths are standardised first: +0.7 cm when a child under 731 days was measured standing
 * (except under 9 months, where anthro treats "standing" as an error and corrects nothing),
 * −0.7 cm when a child of 731 days or more was measured lying.
 *
 * Throws a RangeError for a negative or non-finite age, a non-positive or non-finite weight or
 * length, or an unknown sex or position.
 *
 * @example
 * growthZScores({ sex: 'male', ageDays: 365, weightKg: 8.2, lengthCm: 71.5, measured: 'lying' })
 * // { lengthForAge: { z: -1.78…, flagged: false }, weightForAge: { z: -1.48…, flagged: false },
 * //   weightForLength: { z: -0.81…, flagged: false }, bmiForAge: { z: -0.58…, flagged: false } }
 */
export function growthZScores(input: GrowthInput): GrowthZScores {
  const { sex, ageDays, weightKg, lengthCm, measured, oedema } = input;
  if (sex !== 'male' && sex !== 'female') throw new RangeError(`sex must be 'male' or 'female', got ${sex}`);
  if (!(Number.isFinite(ageDays) && ageDays >= 0)) {
    throw new RangeError(`ageDays must be a non-negative number, got ${ageDays}`);
  }
  if (measured !== undefined && measured !== 'lying' && measured !== 'standing') {
    throw new RangeError(`measured must be 'lying' or 'standing', got ${measured}`);
  }
  requirePositive('weightKg', weightKg);
  requirePositive('lengthCm', lengthCm);

  const result: GrowthZScores = {};
  const ageMonths = ageDays / DAYS_PER_MONTH;
  if (ageMonths >= MAX_AGE_MONTHS) return result;
  // Below 60 months the rounded age is at most 1826, the last row of the age tables.
  const day = roundHalfUp(ageDays);
  const length = lengthCm === undefined ? undefined : standardLength(lengthCm, day, ageMonths, measured);
  const weight = oedema ? undefined : weightKg;

  if (length !== undefined) {
    result.lengthForAge = flagged(lmsZ(length, lmsRow(LENGTH_FOR_AGE[sex], day)!), PLAUSIBLE.lengthForAge);
  }
  if (weight !== undefined) {
    const p = lmsRow(WEIGHT_FOR_AGE[sex], day)!;
    result.weightForAge = flagged(restrictedLmsZ(weight, p), PLAUSIBLE.weightForAge);
  }
  if (weight !== undefined && length !== undefined) {
    const table = day < HEIGHT_FROM_DAYS ? WEIGHT_FOR_LENGTH[sex] : WEIGHT_FOR_HEIGHT[sex];
    const p = lmsAtLength(table, length);
    if (p) result.weightForLength = flagged(restrictedLmsZ(weight, p), PLAUSIBLE.weightForLength);
    const bmi = weight / (length / 100) ** 2;
    result.bmiForAge = flagged(restrictedLmsZ(bmi, lmsRow(BMI_FOR_AGE[sex], day)!), PLAUSIBLE.bmiForAge);
  }
  return result;
}

/** Degree of a deficit: moderate is −3 ≤ z < −2, severe is z < −3. */
export type Deficit = 'none' | 'moderate' | 'severe';

export interface GrowthClassification {
  /** Length/height-for-age. */
  stunting?: Deficit;
  /** Weight-for-length/height. */
  wasting?: Deficit;
  /** Weight-for-age. */
  underweight?: Deficit;
  /** Weight-for-length/height: overweight z > 2, obese z > 3. */
  overweight?: 'none' | 'overweight' | 'obese';
}

function deficit(z: Z | undefined): Deficit | undefined {
  if (!z || z.flagged) return undefined;
  if (z.z < -3) return 'severe';
  if (z.z < -2) return 'moderate';
  return 'none';
}

/**
 * WHO nutritional status from the z-scores of `growthZScores`: stunting (length/height-for-age),
 * wasting (weight-for-length/height), underweight (weight-for-age) below −2 (severe below −3),
 * overweight above +2 (obese above +3). A status is absent when its z-score is absent or
 * flagged as implausible. With `oedema`, the weight-based statuses follow WHO's prevalence rule
 * (oedema counts as below −3): severe wasting and underweight, not overweight.
 *
 * @example
 * classifyGrowth({ lengthForAge: { z: -2.4, flagged: false }, weightForLength: { z: 2.1, flagged: false } })
 * // { stunting: 'moderate', wasting: 'none', overweight: 'overweight' }
 */
export function classifyGrowth(z: GrowthZScores, options: { oedema?: boolean } = {}): GrowthClassification {
  const out: GrowthClassification = {};
  const stunting = deficit(z.lengthForAge);
  if (stunting) out.stunting = stunting;
  if (options.oedema) {
    out.wasting = 'severe';
    out.underweight = 'severe';
    out.overweight = 'none';
    return out;
  }
  const wasting = deficit(z.weightForLength);
  if (wasting) out.wasting = wasting;
  const underweight = deficit(z.weightForAge);
  if (underweight) out.underweight = underweight;
  const wfl = z.weightForLength;
  if (wfl && !wfl.flagged) out.overweight = wfl.z > 3 ? 'obese' : wfl.z > 2 ? 'overweight' : 'none';
  return out;
}

export type GrowthIndicator = 'weightForAge' | 'lengthForAge' | 'weightForLength' | 'bmiForAge';

/** One point of the WHO reference curves: x (age in days, or length in cm) and the −3…+3 SD values. */
export interface ReferencePoint {
  x: number;
  sd: readonly [number, number, number, number, number, number, number];
}

/**
 * The WHO curves at −3, −2, −1, 0, +1, +2 and +3 SD for a chart, sampled every `step` rows of the
 * table: age in days from 0 to 1856 (weight-for-age, length/height-for-age, BMI-for-age) or length
 * in cm (weight-for-length, 45–110 cm; weight-for-height 65–120 cm is the same curve family after
 * 731 days). Length-for-age is length under 731 days and height from then on, as the table is.
 * @example growthReferenceCurves('weightForAge', 'female', 30)[0] // { x: 0, sd: [2.033, 2.395, 2.794, 3.232, 3.711, 4.23, 4.793] }
 */
export function growthReferenceCurves(indicator: GrowthIndicator, sex: Sex, step = 7): ReferencePoint[] {
  const table = {
    weightForAge: WEIGHT_FOR_AGE,
    lengthForAge: LENGTH_FOR_AGE,
    weightForLength: WEIGHT_FOR_LENGTH,
    bmiForAge: BMI_FOR_AGE,
  }[indicator][sex];
  const perCm = indicator === 'weightForLength' ? 10 : 1;
  const rows = lmsRows(table);
  const points: ReferencePoint[] = [];
  for (let i = 0; i < rows; i += Math.max(1, Math.round(step))) {
    const p = lmsRow(table, i)!;
    const at = (z: number) => Math.round(lmsValue(z, p) * 1000) / 1000;
    points.push({ x: (table.first + i) / perCm, sd: [at(-3), at(-2), at(-1), at(0), at(1), at(2), at(3)] });
  }
  return points;
}
