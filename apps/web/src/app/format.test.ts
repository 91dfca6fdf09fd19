import { describe, expect, it } from 'vitest';
import {
  formatAge,
  formatCurrency,
  formatDate,
  formatDateTime,
  formatDecimal,
  formatMeasure,
  formatNumber,
  formatZScore,
  parseDayFirstDate,
  todayInPeru,
} from './format';

describe('formatDate', () => {
  it('writes a calendar date day first in Spanish, as written (no time zone shift)', () => {
    expect(formatDate('2024-03-05', 'es-PE')).toBe('05/03/2024');
    expect(formatDate('2024-12-31', 'es-PE')).toBe('31/12/2024');
    expect(formatDate('2024-01-01')).toBe('01/01/2024');
  });

  it('writes day, month name and year in English', () => {
    expect(formatDate('2024-03-05', 'en')).toBe('5 Mar 2024');
    expect(formatDate('2024-12-31', 'en')).toBe('31 Dec 2024');
  });

  it('takes the day of a timestamp in Peru time', () => {
    // 03:00 UTC on 6 March is still 5 March in Lima (UTC-5).
    expect(formatDate('2024-03-06T03:00:00Z', 'es-PE')).toBe('05/03/2024');
    expect(formatDate('2024-03-06T05:00:00Z', 'es-PE')).toBe('06/03/2024');
  });

  it('shows a dash when there is no date and leaves unreadable text as it is', () => {
    expect(formatDate(null)).toBe('—');
    expect(formatDate(undefined)).toBe('—');
    expect(formatDate('')).toBe('—');
    expect(formatDate('someday')).toBe('someday');
  });
});

describe('formatDateTime', () => {
  it('writes dd/mm/yyyy hh:mm in 24-hour Peru time', () => {
    expect(formatDateTime('2024-03-05T19:07:00Z', 'es-PE')).toBe('05/03/2024 14:07');
    expect(formatDateTime('2024-03-05T04:59:00.000Z', 'es-PE')).toBe('04/03/2024 23:59');
    expect(formatDateTime('2024-03-05T05:00:00+00:00', 'es-PE')).toBe('05/03/2024 00:00');
  });

  it('uses the English day in English', () => {
    expect(formatDateTime('2024-03-05T19:07:00Z', 'en')).toBe('5 Mar 2024 14:07');
  });

  it('shows a dash for nothing', () => {
    expect(formatDateTime(null)).toBe('—');
  });
});

describe('formatAge', () => {
  it('shows months only under one year', () => {
    expect(formatAge(0)).toBe('0 m');
    expect(formatAge(7)).toBe('7 m');
    expect(formatAge(11)).toBe('11 m');
  });

  it('shows years, months and the total in months under 36 months', () => {
    expect(formatAge(12)).toBe('1 a (12 m)');
    expect(formatAge(16)).toBe('1 a 4 m (16 m)');
    expect(formatAge(35)).toBe('2 a 11 m (35 m)');
  });

  it('shows whole years from 36 months on', () => {
    expect(formatAge(36)).toBe('3 a');
    expect(formatAge(47)).toBe('3 a');
    expect(formatAge(430)).toBe('35 a');
  });

  it('uses y for years in English', () => {
    expect(formatAge(16, 'en')).toBe('1 y 4 m (16 m)');
    expect(formatAge(430, 'en')).toBe('35 y');
  });

  it('shows a dash for an unknown or impossible age', () => {
    expect(formatAge(null)).toBe('—');
    expect(formatAge(-1)).toBe('—');
    expect(formatAge(Number.NaN)).toBe('—');
  });
});

describe('formatCurrency', () => {
  it('writes soles with the S/ sign, grouping and two decimals', () => {
    expect(formatCurrency(1234.5)).toBe('S/ 1,234.50');
    expect(formatCurrency(200)).toBe('S/ 200.00');
    expect(formatCurrency(0)).toBe('S/ 0.00');
    expect(formatCurrency(1234567.891, 'es-PE')).toBe('S/ 1,234,567.89');
  });

  it('keeps the sol sign in English', () => {
    expect(formatCurrency(1234.5, 'en')).toBe('S/ 1,234.50');
  });

  it('puts the minus sign before the currency', () => {
    expect(formatCurrency(-5)).toBe('-S/ 5.00');
  });

  it('shows a dash for nothing', () => {
    expect(formatCurrency(null)).toBe('—');
    expect(formatCurrency(Number.POSITIVE_INFINITY)).toBe('—');
  });
});

describe('formatNumber', () => {
  it('groups thousands', () => {
    expect(formatNumber(3250)).toBe('3,250');
    expect(formatNumber(3250, 'en')).toBe('3,250');
    expect(formatNumber(null)).toBe('—');
  });
});

describe('formatDecimal', () => {
  it('keeps the given decimals, with a decimal point in both languages', () => {
    expect(formatDecimal(9, 1)).toBe('9.0');
    expect(formatDecimal(10.256, 2, 'en')).toBe('10.26');
    expect(formatDecimal(1234.5, 1)).toBe('1,234.5');
    expect(formatDecimal(null, 1)).toBe('—');
  });
});

describe('formatMeasure', () => {
  it('writes one or two decimals, as measured', () => {
    expect(formatMeasure(9)).toBe('9.0');
    expect(formatMeasure(9.25)).toBe('9.25');
    expect(formatMeasure(9.256)).toBe('9.26');
    expect(formatMeasure(undefined)).toBe('—');
  });
});

describe('formatZScore', () => {
  it('writes the sign, a typographic minus and one decimal', () => {
    expect(formatZScore(-1.26)).toBe('\u22121.3');
    expect(formatZScore(0.44)).toBe('+0.4');
    expect(formatZScore(0.01)).toBe('0.0');
    expect(formatZScore(null)).toBe('—');
  });
});

describe('todayInPeru', () => {
  it('is the calendar day in Lima, five hours behind UTC', () => {
    expect(todayInPeru(new Date('2026-01-01T03:00:00Z'))).toBe('2025-12-31');
    expect(todayInPeru(new Date('2026-01-01T05:00:00Z'))).toBe('2026-01-01');
  });
});

describe('parseDayFirstDate', () => {
  it('reads day-first dates with any usual separator', () => {
    expect(parseDayFirstDate('05/03/2024')).toBe('2024-03-05');
    expect(parseDayFirstDate('5/3/2024')).toBe('2024-03-05');
    expect(parseDayFirstDate(' 5-3-2024 ')).toBe('2024-03-05');
    expect(parseDayFirstDate('05.03.2024')).toBe('2024-03-05');
  });

  it('accepts an ISO calendar date', () => {
    expect(parseDayFirstDate('2024-03-05')).toBe('2024-03-05');
  });

  it('refuses days that do not exist and other text', () => {
    expect(parseDayFirstDate('31/02/2024')).toBeNull();
    expect(parseDayFirstDate('29/02/2023')).toBeNull();
    expect(parseDayFirstDate('29/02/2024')).toBe('2024-02-29');
    expect(parseDayFirstDate('00/01/2024')).toBeNull();
    expect(parseDayFirstDate('12/13/2024')).toBeNull();
    expect(parseDayFirstDate('ayer')).toBeNull();
    expect(parseDayFirstDate('')).toBeNull();
  });
});
