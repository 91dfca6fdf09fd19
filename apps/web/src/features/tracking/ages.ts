/**
 * Ages on a given day, counted as the care pathways count them (the same rules as
 * `ageInMonths` and `gestationalWeeks` in @tejido/core, which the web app does not bundle).
 */

const DAY_MS = 86_400_000;

function utc(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return Number.NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

/** Days from `from` to `to`; NaN when either is not a date. */
export function daysBetween(from: string, to: string): number {
  return Math.round((utc(to) - utc(from)) / DAY_MS);
}

/** A calendar date moved by some days. */
export function addDays(date: string, days: number): string {
  return new Date(utc(date) + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Completed months on `asOf`: a child born on 31 January completes a month on the last day
 * of February. Null before birth or for an unreadable date.
 *
 * @example completedMonths('2024-01-31', '2024-02-29') // 1
 */
export function completedMonths(birthDate: string, asOf: string): number | null {
  const b = new Date(utc(birthDate));
  const a = new Date(utc(asOf));
  if (Number.isNaN(b.getTime()) || Number.isNaN(a.getTime()) || a < b) return null;
  let months = (a.getUTCFullYear() - b.getUTCFullYear()) * 12 + (a.getUTCMonth() - b.getUTCMonth());
  const lastDay = new Date(Date.UTC(a.getUTCFullYear(), a.getUTCMonth() + 1, 0)).getUTCDate();
  if (a.getUTCDate() < Math.min(b.getUTCDate(), lastDay)) months -= 1;
  return months;
}

/**
 * Completed weeks of pregnancy on `asOf`, from the last menstrual period.
 *
 * @example gestationalWeeksOn('2024-01-01', '2024-03-01') // 8
 */
export function gestationalWeeksOn(lastMenstrualPeriod: string, asOf: string): number | null {
  const days = daysBetween(lastMenstrualPeriod, asOf);
  return Number.isFinite(days) && days >= 0 ? Math.floor(days / 7) : null;
}
