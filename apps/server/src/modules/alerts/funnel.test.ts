import { describe, expect, it } from 'vitest';
import { bucketOf, histogramPercentile, splitPeriod } from './funnel';

describe('the funnel period', () => {
  const today = '2026-11-23';
  it('reads whole months from the monthly sums and only the edges from the alerts', () => {
    expect(splitPeriod('2025-11-23', '2026-11-23', today)).toEqual({
      months: { from: '2025-12-01', to: null },
      edges: [{ from: '2025-11-23', to: '2025-11-30' }],
    });
    expect(splitPeriod('2026-01-01', '2026-06-30', today)).toEqual({
      months: { from: '2026-01-01', to: '2026-06-01' },
      edges: [],
    });
    expect(splitPeriod('2026-01-15', '2026-06-10', today)).toEqual({
      months: { from: '2026-02-01', to: '2026-05-01' },
      edges: [
        { from: '2026-01-15', to: '2026-01-31' },
        { from: '2026-06-01', to: '2026-06-10' },
      ],
    });
    expect(splitPeriod(undefined, undefined, today)).toEqual({ months: { from: null, to: null }, edges: [] });
  });
  it('reads a period inside one month from the alerts alone', () => {
    expect(splitPeriod('2026-03-05', '2026-03-20', today)).toEqual({
      months: null,
      edges: [{ from: '2026-03-05', to: '2026-03-20' }],
    });
  });
});

describe('step-time histograms', () => {
  it('puts each duration in a bucket 20 % wide', () => {
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(0.05)).toBe(0);
    expect(bucketOf(0.1)).toBe(1);
    expect(bucketOf(0.119)).toBe(1);
    expect(bucketOf(0.121)).toBe(2);
    expect(bucketOf(1e9)).toBe(63);
  });
  it('gives percentiles within the width of a bucket of the exact ones', () => {
    const durations = Array.from({ length: 5000 }, (_, i) => 0.5 + ((i * 7919) % 5000) / 20);
    const counts = new Array(64).fill(0);
    for (const d of durations) counts[bucketOf(d)]++;
    const sorted = [...durations].sort((a, b) => a - b);
    for (const p of [0.5, 0.9]) {
      const exact = sorted[Math.ceil(p * sorted.length) - 1]!;
      const estimate = histogramPercentile(counts, p)!;
      expect(Math.abs(estimate - exact) / exact).toBeLessThan(0.1);
    }
    expect(histogramPercentile(new Array(64).fill(0), 0.5)).toBeNull();
  });
});
