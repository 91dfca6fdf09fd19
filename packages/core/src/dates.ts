/**
 * Calendar arithmetic on 'YYYY-MM-DD' dates. Birth dates and checkups are days, not
 * instants: everything here works in UTC so no time zone moves a day.
 */

const DAY_MS = 86_400_000;

/** Parse 'YYYY-MM-DD' to a UTC midnight timestamp, or NaN when it is not a real date. */
export function parseCalendarDate(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return Number.NaN;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  return back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d
    ? t
    : Number.NaN;
}

/** Whether a string is a real calendar date in 'YYYY-MM-DD' form. */
export function isCalendarDate(date: string): boolean {
  return !Number.isNaN(parseCalendarDate(date));
}

/** Format a timestamp (UTC midnight) as 'YYYY-MM-DD'. */
export function formatCalendarDate(t: number | Date): string {
  return new Date(t).toISOString().slice(0, 10);
}

/**
 * Today's date in Peru (UTC−5, no daylight saving), as 'YYYY-MM-DD'.
 * @example todayInPeru(new Date('2026-01-01T03:00:00Z')) // '2025-12-31'
 */
export function todayInPeru(now: Date = new Date()): string {
  return formatCalendarDate(now.getTime() - 5 * 3_600_000);
}

/**
 * Days from `from` to `to` (negative when `to` is earlier).
 * @example daysBetween('2024-01-01', '2024-03-01') // 60
 */
export function daysBetween(from: string, to: string): number {
  return Math.round((parseCalendarDate(to) - parseCalendarDate(from)) / DAY_MS);
}

/** Add days to a calendar date. */
export function addDays(date: string, days: number): string {
  return formatCalendarDate(parseCalendarDate(date) + days * DAY_MS);
}

/**
 * Completed months of age on `asOf`, as a person counts them: a child born on 31 January
 * completes a month on the last day of February.
 * @example ageInMonths('2024-01-31', '2024-02-29') // 1
 * @example ageInMonths('2024-05-10', '2024-05-09') // -1 (not yet born)
 */
export function ageInMonths(birthDate: string, asOf: string): number {
  const b = new Date(parseCalendarDate(birthDate));
  const a = new Date(parseCalendarDate(asOf));
  if (a < b) return -1;
  let months = (a.getUTCFullYear() - b.getUTCFullYear()) * 12 + (a.getUTCMonth() - b.getUTCMonth());
  const lastDayOfMonth = new Date(Date.UTC(a.getUTCFullYear(), a.getUTCMonth() + 1, 0)).getUTCDate();
  const birthDayThisMonth = Math.min(b.getUTCDate(), lastDayOfMonth);
  if (a.getUTCDate() < birthDayThisMonth) months -= 1;
  return months;
}

/**
 * Completed years of age on `asOf`.
 * @example ageInYears('2000-02-29', '2001-02-28') // 1
 */
export function ageInYears(birthDate: string, asOf: string): number {
  return Math.floor(ageInMonths(birthDate, asOf) / 12);
}

/**
 * Gestational age in completed weeks on `asOf`, from the last menstrual period or, failing
 * that, the estimated delivery date (40 weeks after the LMP, Naegele's rule).
 * @example gestationalWeeks({ lastMenstrualPeriod: '2024-01-01' }, '2024-03-01') // 8
 */
export function gestationalWeeks(
  p: { lastMenstrualPeriod?: string | null; estimatedDeliveryDate?: string | null },
  asOf: string,
): number | undefined {
  const lmp =
    p.lastMenstrualPeriod ?? (p.estimatedDeliveryDate ? addDays(p.estimatedDeliveryDate, -280) : undefined);
  if (!lmp) return undefined;
  return Math.floor(daysBetween(lmp, asOf) / 7);
}
