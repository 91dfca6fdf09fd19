/**
 * Day numbers for the hot loop of the evaluation. dates.ts parses with a regular expression and
 * Date objects, which is right for one date but costs about a microsecond per call; a recompute
 * of a million persons parses twenty million evidence dates and formats a hundred million due
 * dates. Here a 'YYYY-MM-DD' becomes a day count since 1970-01-01 by arithmetic, and day counts
 * become strings through a cache (there are only a few thousand distinct dates in play).
 */

// Days before each month in a non-leap year.
const DAYS_BEFORE_MONTH = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334] as const;

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function monthLength(y: number, m: number): number {
  return m === 2 ? (isLeap(y) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : Number.NaN;
}

/** Days from 1970-01-01 to 1 January of year y (proleptic Gregorian). */
function yearStart(y: number): number {
  const yb = y - 1;
  // 477 leap days fall before 1970.
  return (y - 1970) * 365 + Math.floor(yb / 4) - Math.floor(yb / 100) + Math.floor(yb / 400) - 477;
}

// Years 1900–2199 from a table: the hot path then does no division.
const TABLE_FIRST_YEAR = 1900;
const YEAR_START = Int32Array.from({ length: 300 }, (_, i) => yearStart(TABLE_FIRST_YEAR + i));

/** Days since 1970-01-01 of a 'YYYY-MM-DD' date; NaN when it is not a real date. */
export function epochDay(date: string): number {
  if (date.length !== 10 || date.charCodeAt(4) !== 45 || date.charCodeAt(7) !== 45) return Number.NaN;
  // Each digit minus 48 must be 0…9; `>>> 0` turns a negative one into a large number.
  const c0 = date.charCodeAt(0) - 48;
  const c1 = date.charCodeAt(1) - 48;
  const c2 = date.charCodeAt(2) - 48;
  const c3 = date.charCodeAt(3) - 48;
  const c5 = date.charCodeAt(5) - 48;
  const c6 = date.charCodeAt(6) - 48;
  const c8 = date.charCodeAt(8) - 48;
  const c9 = date.charCodeAt(9) - 48;
  if (
    c0 >>> 0 > 9 ||
    c1 >>> 0 > 9 ||
    c2 >>> 0 > 9 ||
    c3 >>> 0 > 9 ||
    c5 >>> 0 > 9 ||
    c6 >>> 0 > 9 ||
    c8 >>> 0 > 9 ||
    c9 >>> 0 > 9
  ) {
    return Number.NaN;
  }
  const y = c0 * 1000 + c1 * 100 + c2 * 10 + c3;
  const m = c5 * 10 + c6;
  const d = c8 * 10 + c9;
  if (m < 1 || m > 12 || d < 1 || d > monthLength(y, m)) return Number.NaN;
  const slot = y - TABLE_FIRST_YEAR;
  const start = slot >= 0 && slot < YEAR_START.length ? YEAR_START[slot]! : yearStart(y);
  return start + DAYS_BEFORE_MONTH[m - 1]! + (m > 2 && isLeap(y) ? 1 : 0) + d - 1;
}

// Days 1900-01-01 … 2149-12-31 are cached in an array (an index is cheaper than a Map lookup, and
// an evaluation formats two dates per item); others are formatted each time.
const CACHE_FIRST_DAY = -25_567;
const CACHE_DAYS = 91_311;
const formatted: Array<string | undefined> = new Array(CACHE_DAYS);

/** 'YYYY-MM-DD' of a day count since 1970-01-01. */
export function formatEpochDay(day: number): string {
  const slot = day - CACHE_FIRST_DAY;
  if (slot >= 0 && slot < CACHE_DAYS) {
    const cached = formatted[slot];
    if (cached !== undefined) return cached;
    const s = new Date(day * 86_400_000).toISOString().slice(0, 10);
    formatted[slot] = s;
    return s;
  }
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Completed months from `from` to `to` ('YYYY-MM-DD', both valid), counted as ageInMonths in
 * dates.ts counts them (a child born on the 31st completes a month on the last day of a shorter
 * month), but from the digits, without Date objects. −1 when `to` is before `from`.
 */
export function completedMonths(from: string, to: string): number {
  const y1 = digit(from, 0) * 1000 + digit(from, 1) * 100 + digit(from, 2) * 10 + digit(from, 3);
  const m1 = digit(from, 5) * 10 + digit(from, 6);
  const d1 = digit(from, 8) * 10 + digit(from, 9);
  const y2 = digit(to, 0) * 1000 + digit(to, 1) * 100 + digit(to, 2) * 10 + digit(to, 3);
  const m2 = digit(to, 5) * 10 + digit(to, 6);
  const d2 = digit(to, 8) * 10 + digit(to, 9);
  if (y2 < y1 || (y2 === y1 && (m2 < m1 || (m2 === m1 && d2 < d1)))) return -1;
  let months = (y2 - y1) * 12 + (m2 - m1);
  if (d2 < Math.min(d1, monthLength(y2, m2))) months -= 1;
  return months;
}
