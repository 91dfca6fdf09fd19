import { describe, expect, it } from 'vitest';
import { formatHours, formatPercent, funnelBars, percentOf } from './funnel';

const counts = {
  identified: 35_028,
  referred: 27_672,
  accepted: 20_000,
  attended: 13_311,
  closed: 12_000,
  resolvedByEvidence: 900,
  cancelled: 400,
  open: 10_000,
  overdue: 3_000,
};

describe('funnel percentages', () => {
  it('are shares of the identified alerts', () => {
    expect(percentOf(79, 100)).toBe(79);
    expect(percentOf(0, 100)).toBe(0);
  });

  it('are none when nothing was identified', () => {
    expect(percentOf(0, 0)).toBeNull();
    expect(funnelBars({ ...counts, identified: 0, referred: 0 })[1]?.percent).toBeNull();
  });

  it('give seed 001’s funnel: 79 % referred, 38 % attended', () => {
    const bars = funnelBars(counts);
    expect(bars.map((b) => b.stage)).toEqual(['identified', 'referred', 'accepted', 'attended', 'closed']);
    expect(bars[0]?.percent).toBe(100);
    expect(formatPercent(bars[1]?.percent ?? null)).toBe('79 %');
    expect(formatPercent(bars[3]?.percent ?? null)).toBe('38 %');
  });

  it('keep one decimal under 10 % so small shares do not read as 0 %', () => {
    expect(formatPercent(2.345)).toBe('2.3 %');
    expect(formatPercent(0)).toBe('0 %');
    expect(formatPercent(null)).toBe('—');
  });
});

describe('formatHours', () => {
  it('says hours under two days and days after', () => {
    expect(formatHours(0.5)).toBe('0.5 h');
    expect(formatHours(5.4)).toBe('5 h');
    expect(formatHours(47)).toBe('47 h');
    expect(formatHours(60)).toBe('2.5 d');
    expect(formatHours(null)).toBe('—');
  });
});
