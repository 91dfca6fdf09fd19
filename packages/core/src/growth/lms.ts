/**
 * The LMS method of the WHO Child Growth Standards: each reference point is a Box-Cox power L,
 * a median M and a coefficient of variation S (WHO 2006, Methods and development, chapter 7).
 */

/** One reference point: Box-Cox power, median, coefficient of variation. */
export interface Lms {
  readonly l: number;
  readonly m: number;
  readonly s: number;
}

/**
 * A WHO table as the generator emits it: rows at consecutive integer keys from `first`
 * (age in days, or length in tenths of a centimetre), flattened as l, m, s, l, m, s, …
 */
export interface LmsTable {
  readonly first: number;
  readonly lms: readonly number[];
}

/**
 * Number of rows in a table.
 * @example lmsRows({ first: 0, lms: [1, 50, 0.04, 1, 51, 0.04] }) // 2
 */
export function lmsRows(table: LmsTable): number {
  return table.lms.length / 3;
}

/**
 * The row at a zero-based index, or undefined outside the table.
 * @example lmsRow({ first: 0, lms: [1, 50, 0.04] }, 0) // { l: 1, m: 50, s: 0.04 }
 */
export function lmsRow(table: LmsTable, index: number): Lms | undefined {
  if (!Number.isInteger(index) || index < 0 || index >= lmsRows(table)) return undefined;
  return { l: table.lms[3 * index]!, m: table.lms[3 * index + 1]!, s: table.lms[3 * index + 2]! };
}

/**
 * Plain LMS z-score: z = ((x/M)^L − 1) / (L·S), or ln(x/M)/S when L = 0.
 * @example lmsZ(52, { l: 1, m: 50, s: 0.04 }) // 1 (0.04 / 0.04)
 */
export function lmsZ(x: number, p: Lms): number {
  if (p.l === 0) return Math.log(x / p.m) / p.s;
  return ((x / p.m) ** p.l - 1) / (p.l * p.s);
}

/**
 * The measurement at z standard deviations: M·(1 + L·S·z)^(1/L), or M·e^(S·z) when L = 0.
 * @example lmsValue(-2, { l: 1, m: 50, s: 0.04 }) // 46
 */
export function lmsValue(z: number, p: Lms): number {
  if (p.l === 0) return p.m * Math.exp(p.s * z);
  return p.m * (1 + p.l * p.s * z) ** (1 / p.l);
}

/**
 * WHO's restricted z-score for weight-based indicators. Within ±3 it is the plain LMS z. Beyond,
 * the skewed tail would stretch or squeeze distances, so WHO measures them in units of the
 * distance between the 2 and 3 SD curves on that side:
 * z > 3 → 3 + (x − SD3)/(SD3 − SD2); z < −3 → −3 + (x − SD−3)/(SD−2 − SD−3).
 * @example restrictedLmsZ(2.0, { l: 0.3487, m: 3.3464, s: 0.14602 }) // ≈ -3.21 (plain LMS: ≈ -3.23)
 */
export function restrictedLmsZ(x: number, p: Lms): number {
  const z = lmsZ(x, p);
  if (z > 3) {
    const sd3 = lmsValue(3, p);
    return 3 + (x - sd3) / (sd3 - lmsValue(2, p));
  }
  if (z < -3) {
    const sd3neg = lmsValue(-3, p);
    return -3 + (x - sd3neg) / (lmsValue(-2, p) - sd3neg);
  }
  return z;
}
