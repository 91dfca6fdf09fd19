import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  ageInMonths,
  ageInYears,
  daysBetween,
  gestationalWeeks,
  isCalendarDate,
  todayInPeru,
} from './dates';

describe('calendar dates', () => {
  it('rejects dates that do not exist', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2023-02-29')).toBe(false);
    expect(isCalendarDate('2024-13-01')).toBe(false);
    expect(isCalendarDate('24-01-01')).toBe(false);
  });

  it('counts completed months as a person does', () => {
    expect(ageInMonths('2024-01-15', '2024-01-15')).toBe(0);
    expect(ageInMonths('2024-01-15', '2024-02-14')).toBe(0);
    expect(ageInMonths('2024-01-15', '2024-02-15')).toBe(1);
    expect(ageInMonths('2024-01-31', '2024-02-29')).toBe(1);
    expect(ageInMonths('2023-01-31', '2023-02-28')).toBe(1);
    expect(ageInMonths('2024-03-31', '2024-04-30')).toBe(1);
    expect(ageInMonths('2022-06-10', '2024-06-09')).toBe(23);
    expect(ageInMonths('2022-06-10', '2024-06-10')).toBe(24);
    expect(ageInMonths('2024-06-10', '2024-06-09')).toBe(-1);
  });

  it('counts years from months, leap-day births included', () => {
    expect(ageInYears('2000-02-29', '2001-02-28')).toBe(1);
    expect(ageInYears('2000-02-29', '2001-02-27')).toBe(0);
  });

  it('ages never decrease as time passes', () => {
    const day = fc.integer({ min: 0, max: 20_000 }).map((n) => addDays('1970-01-01', n));
    fc.assert(
      fc.property(
        day,
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 0, max: 400 }),
        (birth, d1, extra) => {
          const a = addDays(birth, d1);
          const b = addDays(a, extra);
          expect(ageInMonths(birth, b)).toBeGreaterThanOrEqual(ageInMonths(birth, a));
        },
      ),
    );
  });

  it('uses Peru time for today', () => {
    expect(todayInPeru(new Date('2026-01-01T04:59:00Z'))).toBe('2025-12-31');
    expect(todayInPeru(new Date('2026-01-01T05:00:00Z'))).toBe('2026-01-01');
  });

  it('dates pregnancies from the LMP or the delivery date', () => {
    expect(daysBetween('2024-01-01', '2024-03-01')).toBe(60);
    expect(gestationalWeeks({ lastMenstrualPeriod: '2024-01-01' }, '2024-03-01')).toBe(8);
    expect(gestationalWeeks({ estimatedDeliveryDate: '2024-10-07' }, '2024-03-01')).toBe(8);
    expect(gestationalWeeks({}, '2024-03-01')).toBeUndefined();
  });
});
