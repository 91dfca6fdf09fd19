/**
 * Display formats for the office app. Pure functions of (value, locale), no DOM, so they are
 * tested in Node and behave the same on every browser.
 *
 * Dates are written day first in both languages (dd/mm/yyyy in Spanish, "23 Nov 2025" in
 * English) because a month-first date would be misread in Peru. Times are Peru time.
 */

export type AppLocale = 'es-PE' | 'en';

/** Peru has one time zone and no daylight saving time. */
export const PERU_TIME_ZONE = 'America/Lima';

const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const pad2 = (n: number) => String(n).padStart(2, '0');

interface DayParts {
  year: number;
  month: number;
  day: number;
}

function calendarParts(value: string): DayParts | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return null;
  return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
}

function zonedParts(date: Date): DayParts & { hour: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: PERU_TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
  };
}

function writeDay({ year, month, day }: DayParts, locale: AppLocale): string {
  if (locale === 'en') return `${day} ${EN_MONTHS[month - 1]} ${year}`;
  return `${pad2(day)}/${pad2(month)}/${year}`;
}

/**
 * A calendar date ('2024-03-05') or a timestamp, as a day.
 * A calendar date is taken as written (no time zone shift); a timestamp as its day in Peru.
 *
 * @example formatDate('2024-03-05', 'es-PE') // '05/03/2024'
 * @example formatDate('2024-03-05', 'en')    // '5 Mar 2024'
 */
export function formatDate(value: string | null | undefined, locale: AppLocale = 'es-PE'): string {
  if (!value) return '—';
  const day = calendarParts(value);
  if (day) return writeDay(day, locale);
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return writeDay(zonedParts(date), locale);
}

/**
 * A timestamp as day and 24-hour time in Peru.
 *
 * @example formatDateTime('2024-03-05T19:07:00Z', 'es-PE') // '05/03/2024 14:07'
 */
export function formatDateTime(value: string | null | undefined, locale: AppLocale = 'es-PE'): string {
  if (!value) return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  const p = zonedParts(date);
  return `${writeDay(p, locale)} ${pad2(p.hour)}:${pad2(p.minute)}`;
}

/**
 * An age in completed months, as people in child-health programmes read it: months only
 * under a year, years and months (with the total in months) under 36 months, where the
 * care pathways count in months, and whole years from then on.
 *
 * @example formatAge(7)   // '7 m'
 * @example formatAge(16)  // '1 a 4 m (16 m)'
 * @example formatAge(430) // '35 a'
 * @example formatAge(16, 'en') // '1 y 4 m (16 m)'
 */
export function formatAge(months: number | null | undefined, locale: AppLocale = 'es-PE'): string {
  if (months == null || !Number.isFinite(months) || months < 0) return '—';
  const m = Math.floor(months);
  const y = locale === 'en' ? 'y' : 'a';
  if (m < 12) return `${m} m`;
  const years = Math.floor(m / 12);
  if (m < 36) {
    const rest = m % 12;
    return rest === 0 ? `${years} ${y} (${m} m)` : `${years} ${y} ${rest} m (${m} m)`;
  }
  return `${years} ${y}`;
}

/**
 * An amount in soles, always with the sol sign and two decimals.
 *
 * @example formatCurrency(1234.5) // 'S/ 1,234.50'
 */
export function formatCurrency(amount: number | null | undefined, locale: AppLocale = 'es-PE'): string {
  if (amount == null || !Number.isFinite(amount)) return '—';
  const digits = new Intl.NumberFormat(locale === 'en' ? 'en-US' : 'es-PE', {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  }).format(Math.abs(amount));
  return `${amount < 0 ? '-' : ''}S/ ${digits}`;
}

/**
 * A measured value with a fixed number of decimals, as health staff write it (a point, as in
 * Peru): 9.0 g/dL, 10.25 kg.
 *
 * @example formatDecimal(9, 1) // '9.0'
 */
export function formatDecimal(
  value: number | null | undefined,
  digits: number,
  locale: AppLocale = 'es-PE',
): string {
  if (value == null || !Number.isFinite(value)) return '—';
  return new Intl.NumberFormat(locale === 'en' ? 'en-US' : 'es-PE', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(value);
}

/**
 * A measurement (kg, cm) with one or two decimals, as it was taken: 9.0, 9.25, 74.5.
 *
 * @example formatMeasure(9) // '9.0'
 * @example formatMeasure(9.256) // '9.26'
 */
export function formatMeasure(value: number | null | undefined, locale: AppLocale = 'es-PE'): string {
  if (value == null || !Number.isFinite(value)) return '—';
  return new Intl.NumberFormat(locale === 'en' ? 'en-US' : 'es-PE', {
    minimumFractionDigits: 1,
    maximumFractionDigits: 2,
  }).format(value);
}

/**
 * A z-score with its sign and one decimal, the minus sign typographic: −1.3, +0.4, 0.0.
 *
 * @example formatZScore(-1.26) // '−1.3'
 */
export function formatZScore(value: number | null | undefined, locale: AppLocale = 'es-PE'): string {
  if (value == null || !Number.isFinite(value)) return '—';
  const rounded = Math.round(value * 10) / 10;
  const digits = formatDecimal(Math.abs(rounded), 1, locale);
  return rounded > 0 ? `+${digits}` : rounded < 0 ? `\u2212${digits}` : digits;
}

/**
 * Today's calendar day in Peru, 'YYYY-MM-DD', whatever the time zone of the device: what
 * "today" means to the server and to the care pathways.
 *
 * @example todayInPeru(new Date('2026-01-01T03:00:00Z')) // '2025-12-31'
 */
export function todayInPeru(now: Date = new Date()): string {
  const p = zonedParts(now);
  return `${p.year}-${pad2(p.month)}-${pad2(p.day)}`;
}

/** A whole number with the locale's grouping: 3,250. */
export function formatNumber(value: number | null | undefined, locale: AppLocale = 'es-PE'): string {
  if (value == null || !Number.isFinite(value)) return '—';
  return new Intl.NumberFormat(locale === 'en' ? 'en-US' : 'es-PE', { maximumFractionDigits: 0 }).format(
    value,
  );
}

/**
 * What a person typed in a date field, read day first: '5/3/2024', '05-03-2024' or
 * '05.03.2024' (and '2024-03-05'), as a calendar date; null when it is not a real day.
 *
 * @example parseDayFirstDate('5/3/2024') // '2024-03-05'
 */
export function parseDayFirstDate(text: string): string | null {
  const s = text.trim();
  let parts: DayParts | null = calendarParts(s);
  if (!parts) {
    const m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
    if (!m) return null;
    parts = { day: Number(m[1]), month: Number(m[2]), year: Number(m[3]) };
  }
  const { year, month, day } = parts;
  if (month < 1 || month > 12 || day < 1) return null;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return null;
  return `${year}-${pad2(month)}-${pad2(day)}`;
}
