/**
 * Anemia from a hemoglobin measurement: adjust for the altitude of residence and smoking, then
 * compare with the WHO 2024 cut-offs of the person's group. Figures in cutoffs.ts, sources in
 * README.md.
 */
import {
  ALTITUDE_ADJUSTMENT_FROM_M,
  ALTITUDE_LINEAR_GL_PER_M,
  ALTITUDE_QUADRATIC_GL_PER_M2,
  type AnemiaGroup,
  FIRST_TRIMESTER_LAST_WEEK,
  HB_CUTOFFS_GL,
  SECOND_TRIMESTER_LAST_WEEK,
  SMOKER_ADJUSTMENT_GL,
} from './cutoffs';

export type { AnemiaGroup } from './cutoffs';
export type AnemiaSeverity = 'none' | 'mild' | 'moderate' | 'severe';

export interface HemoglobinInput {
  /** Measured hemoglobin, g/dL. */
  hbGdl: number;
  /** Altitude of residence, metres above sea level. */
  altitudeM: number;
  /** Age in months, for a child. */
  ageMonths?: number;
  /** Gestational age in weeks, for a pregnant woman; decides the trimester. */
  pregnancyWeek?: number;
  smoker?: boolean;
}

export interface HemoglobinClassification {
  /** Hemoglobin at sea-level equivalent, g/dL (not rounded). */
  adjustedGdl: number;
  anemia: AnemiaSeverity;
}

const HB_RANGE_GDL = [3, 25] as const;
const ALTITUDE_RANGE_M = [-500, 6000] as const;
const PREGNANCY_WEEK_RANGE = [0, 44] as const;
// A value on a cut-off (10.5 g/dL is not anemia in 6–23 months) must not fall below it through
// float noise in g/dL × 10 − adjustment; the tolerance is far below any real difference.
const EPS_GL = 1e-9;

function requireIn(name: string, value: number, [min, max]: readonly [number, number], unit: string): void {
  if (!(Number.isFinite(value) && value >= min && value <= max)) {
    throw new RangeError(`${name} must be between ${min} and ${max} ${unit}, got ${value}`);
  }
}

/**
 * Grams per litre to subtract from a hemoglobin measured at this altitude (WHO 2024 equation),
 * zero below 500 m as Peru's norm applies it.
 * @example altitudeAdjustmentGl(3000) // 19.6152
 * @example altitudeAdjustmentGl(150) // 0
 */
export function altitudeAdjustmentGl(altitudeM: number): number {
  requireIn('altitudeM', altitudeM, ALTITUDE_RANGE_M, 'm');
  if (altitudeM < ALTITUDE_ADJUSTMENT_FROM_M) return 0;
  return ALTITUDE_LINEAR_GL_PER_M * altitudeM + ALTITUDE_QUADRATIC_GL_PER_M2 * altitudeM ** 2;
}

/**
 * The cut-off group of a person: pregnant women by trimester (≤ 12, 13–28, ≥ 29 completed weeks),
 * children 6–23 and 24–59 months. Throws a RangeError for a group without supported cut-offs
 * (under 6 months, 60 months or older and not pregnant) or when neither age nor pregnancy is given.
 * @example anemiaGroup({ ageMonths: 18 }) // 'child-6-23m'
 * @example anemiaGroup({ pregnancyWeek: 20 }) // 'pregnant-2nd'
 */
export function anemiaGroup(p: { ageMonths?: number; pregnancyWeek?: number }): AnemiaGroup {
  const { ageMonths, pregnancyWeek } = p;
  if (ageMonths !== undefined && !(Number.isFinite(ageMonths) && ageMonths >= 0)) {
    throw new RangeError(`ageMonths must be a non-negative number, got ${ageMonths}`);
  }
  if (pregnancyWeek !== undefined) {
    requireIn('pregnancyWeek', pregnancyWeek, PREGNANCY_WEEK_RANGE, 'weeks');
    if (ageMonths !== undefined && ageMonths < 60) {
      throw new RangeError(`a child of ${ageMonths} months cannot have a pregnancy week; check the record`);
    }
    const week = Math.floor(pregnancyWeek);
    if (week <= FIRST_TRIMESTER_LAST_WEEK) return 'pregnant-1st';
    return week <= SECOND_TRIMESTER_LAST_WEEK ? 'pregnant-2nd' : 'pregnant-3rd';
  }
  if (ageMonths === undefined) {
    throw new RangeError(
      'either ageMonths (a child 6–59 months) or pregnancyWeek (a pregnant woman) is required',
    );
  }
  if (ageMonths < 6) {
    throw new RangeError(
      `no anemia cut-off for infants under 6 months is supported (got ${ageMonths} months): ` +
        'WHO 2024 defines none and no verified source for a national one was available',
    );
  }
  if (ageMonths < 24) return 'child-6-23m';
  if (ageMonths < 60) return 'child-24-59m';
  throw new RangeError(
    `no anemia cut-off for a non-pregnant person of ${ageMonths} months is supported (children 6–59 months and pregnant women only)`,
  );
}

/**
 * Classify a hemoglobin measurement as WHO 2024 does: subtract the altitude adjustment (from
 * 500 m) and, for a smoker, 0.3 g/dL, then compare with the sea-level cut-offs of the person's
 * group (children 6–23 and 24–59 months, pregnant women by trimester). Throws a RangeError for a
 * hemoglobin outside 3–25 g/dL, an altitude outside −500–6000 m or an unsupported group.
 *
 * @example
 * // A child of 12 months living at 3,400 m: 12.5 − 2.2639 = 10.2361 g/dL, below 10.5.
 * classifyHemoglobin({ hbGdl: 12.5, altitudeM: 3400, ageMonths: 12 })
 * // { adjustedGdl: 10.2361…, anemia: 'mild' }
 */
export function classifyHemoglobin(input: HemoglobinInput): HemoglobinClassification {
  requireIn('hbGdl', input.hbGdl, HB_RANGE_GDL, 'g/dL');
  const group = anemiaGroup(input);
  const adjustmentGl = altitudeAdjustmentGl(input.altitudeM) + (input.smoker ? SMOKER_ADJUSTMENT_GL : 0);
  // Compare in g/L, the guideline's unit, so the cut-offs are whole numbers.
  const adjustedGl = input.hbGdl * 10 - adjustmentGl;
  const cut = HB_CUTOFFS_GL[group];
  const anemia: AnemiaSeverity =
    adjustedGl >= cut.none - EPS_GL
      ? 'none'
      : adjustedGl >= cut.mild - EPS_GL
        ? 'mild'
        : adjustedGl >= cut.moderate - EPS_GL
          ? 'moderate'
          : 'severe';
  return { adjustedGdl: input.hbGdl - adjustmentGl / 10, anemia };
}
