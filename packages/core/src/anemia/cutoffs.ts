/**
 * Figures of the WHO 2024 guideline on haemoglobin cut-offs (adopted by Peru's NTS
 * 213-MINSA/DGIESP-2024), in g/L as the guideline writes them. See README.md for the sources
 * and what could not be verified.
 */

/** Groups with a cut-off here. Other groups (under 6 months, 5 years and over) are not supported. */
export type AnemiaGroup = 'child-6-23m' | 'child-24-59m' | 'pregnant-1st' | 'pregnant-2nd' | 'pregnant-3rd';

/** Lower bounds in g/L at sea level: no anemia ≥ `none`, mild ≥ `mild`, moderate ≥ `moderate`, else severe. */
export interface HbCutoffs {
  readonly none: number;
  readonly mild: number;
  readonly moderate: number;
}

export const HB_CUTOFFS_GL: Readonly<Record<AnemiaGroup, HbCutoffs>> = {
  // Mild 95–104, moderate 70–94, severe < 70.
  'child-6-23m': { none: 105, mild: 95, moderate: 70 },
  // Mild 100–109, moderate 70–99, severe < 70.
  'child-24-59m': { none: 110, mild: 100, moderate: 70 },
  // First (≤ 12 weeks) and third (≥ 29 weeks) trimesters: as children 24–59 months.
  'pregnant-1st': { none: 110, mild: 100, moderate: 70 },
  // Second trimester (13–28 weeks): plasma expansion lowers haemoglobin, so the cut-off is lower.
  'pregnant-2nd': { none: 105, mild: 95, moderate: 70 },
  'pregnant-3rd': { none: 110, mild: 100, moderate: 70 },
};

/** Last completed gestational week of the first and of the second trimester. */
export const FIRST_TRIMESTER_LAST_WEEK = 12;
export const SECOND_TRIMESTER_LAST_WEEK = 28;

/**
 * Altitude adjustment (WHO 2024), g/L to subtract from the measured value:
 * 0.0056384·h + 0.0000003·h², h in metres above sea level. The equation, not a table of bands:
 * neither the guideline's band table nor NTS 213's could be retrieved, and bands are rounded
 * from this equation anyway (README.md).
 */
export const ALTITUDE_LINEAR_GL_PER_M = 0.0056384;
export const ALTITUDE_QUADRATIC_GL_PER_M2 = 0.0000003;
/** Peru's norm applies the altitude adjustment from this altitude (metres) up; below it, none. */
export const ALTITUDE_ADJUSTMENT_FROM_M = 500;

/** Smoking adjustment (WHO 2024), g/L to subtract for a smoker. */
export const SMOKER_ADJUSTMENT_GL = 3;
