import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ageInMonths, formatCalendarDate, parseCalendarDate } from '../dates';
import { completedMonths, epochDay, formatEpochDay } from './calendar';

const DAY = 86_400_000;
const anyDay = fc.integer({ min: -25_000, max: 60_000 });

describe('calendar: the fast day arithmetic agrees with dates.ts', () => {
  it('epochDay and formatEpochDay are inverse and agree with parseCalendarDate', () => {
    fc.assert(
      fc.property(anyDay, (day) => {
        const text = formatCalendarDate(day * DAY);
        expect(formatEpochDay(day)).toBe(text);
        expect(epochDay(text)).toBe(parseCalendarDate(text) / DAY);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses dates that do not exist, as parseCalendarDate does', () => {
    for (const text of [
      '2023-02-29',
      '2024-02-30',
      '2024-04-31',
      '2024-13-01',
      '2024-00-10',
      '2024-1-01',
      'abcd-ef-gh',
      '',
    ]) {
      expect(epochDay(text), text).toBeNaN();
    }
    expect(epochDay('2024-02-29')).toBe(19_782);
    // Outside the table of years, the same arithmetic.
    expect(epochDay('1600-03-01')).toBe(parseCalendarDate('1600-03-01') / DAY);
    expect(epochDay('2400-02-29')).toBe(parseCalendarDate('2400-02-29') / DAY);
    expect(epochDay('2024-0a-10')).toBeNaN();
  });

  it('completedMonths counts as ageInMonths does', () => {
    fc.assert(
      fc.property(anyDay, fc.integer({ min: -40, max: 2_000 }), (birth, age) => {
        const from = formatEpochDay(birth);
        const to = formatEpochDay(birth + age);
        expect(completedMonths(from, to)).toBe(ageInMonths(from, to));
      }),
      { numRuns: 3000 },
    );
    expect(completedMonths('2024-01-31', '2024-02-29')).toBe(1);
  });
});
