/**
 * Fast calendar helpers for the generator, on day numbers (days since 1970-01-01, UTC).
 * Millions of dates are written, so formatting is cached per day.
 */

export const DAY_MS = 86_400_000;
/** Peru is UTC−5 all year. */
const PERU_OFFSET_MS = 5 * 3_600_000;

/** Days from 1900-01-01 to 2199-12-31 are cached; others are formatted each time. */
const FIRST_CACHED = -25_567;
const CACHED_DAYS = 109_573;
const dayCache: Array<string | undefined> = new Array(CACHED_DAYS);

/** 'YYYY-MM-DD' of a day number. */
export function dayString(day: number): string {
  const i = day - FIRST_CACHED;
  if (i >= 0 && i < CACHED_DAYS) {
    let s = dayCache[i];
    if (s === undefined) {
      s = new Date(day * DAY_MS).toISOString().slice(0, 10);
      dayCache[i] = s;
    }
    return s;
  }
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The year of a day number (Howard Hinnant's civil-from-days, without allocating a Date). */
export function dayYear(day: number): number {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  return yoe + era * 400 + (month <= 2 ? 1 : 0);
}

const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => (i < 10 ? `0${i}` : String(i)));

/** A moment on a day, as Peruvian local time: the day number and the second of the day. */
export interface Moment {
  day: number;
  second: number;
}

/** ISO timestamp with Peru's offset, e.g. '2024-03-05T14:23:11-05:00'. */
export function momentString(m: Moment): string {
  const h = Math.floor(m.second / 3600);
  const min = Math.floor((m.second % 3600) / 60);
  const s = m.second % 60;
  return `${dayString(m.day)}T${TWO_DIGITS[h]}:${TWO_DIGITS[min]}:${TWO_DIGITS[s]}-05:00`;
}

/** Unix milliseconds of a Peruvian local moment (for UUID v7 timestamps). */
export function momentMs(m: Moment): number {
  return m.day * DAY_MS + m.second * 1000 + PERU_OFFSET_MS;
}
