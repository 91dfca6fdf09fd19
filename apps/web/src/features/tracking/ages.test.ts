import { describe, expect, it } from 'vitest';
import { addDays, completedMonths, daysBetween, gestationalWeeksOn } from './ages';

describe('completedMonths', () => {
  it('counts a month on the same day of the next month', () => {
    expect(completedMonths('2026-05-10', '2026-06-09')).toBe(0);
    expect(completedMonths('2026-05-10', '2026-06-10')).toBe(1);
    expect(completedMonths('2024-11-23', '2026-11-23')).toBe(24);
  });

  it('completes the month of a child born on the 31st on the last day of a shorter month', () => {
    expect(completedMonths('2024-01-31', '2024-02-29')).toBe(1);
    expect(completedMonths('2023-01-31', '2023-02-28')).toBe(1);
    expect(completedMonths('2024-01-31', '2024-02-28')).toBe(0);
  });

  it('has no age before birth', () => {
    expect(completedMonths('2026-05-10', '2026-05-09')).toBeNull();
    expect(completedMonths('x', '2026-05-09')).toBeNull();
  });
});

describe('gestationalWeeksOn', () => {
  it('counts completed weeks since the last menstrual period', () => {
    expect(gestationalWeeksOn('2024-01-01', '2024-03-01')).toBe(8);
    expect(gestationalWeeksOn('2024-01-01', '2024-01-07')).toBe(0);
    expect(gestationalWeeksOn('2024-01-01', '2024-01-08')).toBe(1);
    expect(gestationalWeeksOn('2024-01-02', '2024-01-01')).toBeNull();
  });
});

describe('days', () => {
  it('counts and adds days across months and leap years', () => {
    expect(daysBetween('2024-01-01', '2024-03-01')).toBe(60);
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
  });
});
