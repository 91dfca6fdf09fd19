import type { GrowthCurves, GrowthPoint } from '@tejido/schemas';
import { describe, expect, it } from 'vitest';
import {
  ageTicks,
  childPoints,
  curvesInDomain,
  DAYS_PER_MONTH,
  linearScale,
  linePath,
  niceDomain,
  niceStep,
  spreadLabels,
  ticksBy,
  xDomain,
  yDomain,
} from './chart';

/** Curves with a point a day to 5 years, the median growing 10 g a day, 1 kg per SD. */
const byAge: GrowthCurves = {
  indicator: 'weightForAge',
  sex: 'female',
  x: 'ageDays',
  points: Array.from({ length: 1857 }, (_, day) => {
    const median = 3.2 + day * 0.01;
    return { x: day, sd: [-3, -2, -1, 0, 1, 2, 3].map((k) => median + k) };
  }),
};

const byLength: GrowthCurves = {
  indicator: 'weightForLength',
  sex: 'male',
  x: 'lengthCm',
  points: Array.from({ length: 131 }, (_, i) => {
    const cm = 45 + i * 0.5;
    return { x: cm, sd: [-3, -2, -1, 0, 1, 2, 3].map((k) => cm / 6 + k * 0.5) };
  }),
};

function growth(extra: Partial<GrowthPoint>): GrowthPoint {
  return {
    evidenceId: 'e',
    date: '2026-01-01',
    ageDays: 100,
    weightKg: 6,
    lengthCm: 60,
    measured: 'lying',
    weightForAge: 0.1,
    lengthForAge: -0.5,
    weightForLength: 0.4,
    bmiForAge: null,
    implausible: false,
    ...extra,
  };
}

describe('scales and ticks', () => {
  it('maps a domain onto pixels, also upside down for the vertical axis', () => {
    expect(linearScale([0, 10], [0, 100])(2.5)).toBe(25);
    expect(linearScale([0, 10], [200, 0])(10)).toBe(0);
    expect(linearScale([5, 5], [0, 100])(5)).toBe(50);
  });

  it('chooses round steps', () => {
    expect(niceStep(17, 5)).toBe(5);
    expect(niceStep(10, 5)).toBe(2);
    expect(niceStep(0.8, 4)).toBe(0.2);
    expect(niceStep(120, 6)).toBe(20);
    expect(ticksBy(1.2, 9.9, 2)).toEqual([2, 4, 6, 8]);
    expect(niceDomain(2.3, 17.8, 6)).toEqual({ domain: [0, 20], ticks: [0, 5, 10, 15, 20] });
  });

  it('marks ages in months, further apart as the child grows', () => {
    expect(ageTicks([0, 6 * DAYS_PER_MONTH]).map((t) => t.months)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(ageTicks([0, 24 * DAYS_PER_MONTH]).map((t) => t.months)).toEqual([
      0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24,
    ]);
    expect(ageTicks([0, 36 * DAYS_PER_MONTH]).map((t) => t.months)).toEqual([
      0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 33, 36,
    ]);
    expect(ageTicks([0, 60 * DAYS_PER_MONTH]).at(-1)).toEqual({ months: 60, days: 60 * DAYS_PER_MONTH });
  });
});

describe('childPoints', () => {
  it('takes the values of each chart and leaves out measurements without them', () => {
    const points = [
      growth({ evidenceId: 'b', date: '2026-03-01', ageDays: 160, weightKg: 7, lengthCm: null }),
      growth({ evidenceId: 'a', date: '2026-01-01', ageDays: 100, weightKg: 6, lengthCm: 60 }),
    ];
    expect(childPoints('weightForAge', points).map((p) => [p.evidenceId, p.x, p.y])).toEqual([
      ['a', 100, 6],
      ['b', 160, 7],
    ]);
    expect(childPoints('lengthForAge', points).map((p) => [p.x, p.y, p.z])).toEqual([[100, 60, -0.5]]);
    expect(childPoints('weightForLength', points).map((p) => [p.x, p.y, p.z])).toEqual([[60, 6, 0.4]]);
  });

  it('keeps the mark of an implausible measurement', () => {
    expect(childPoints('weightForAge', [growth({ implausible: true, weightForAge: null })])[0]).toMatchObject(
      {
        implausible: true,
        z: null,
      },
    );
  });
});

describe('xDomain', () => {
  it('shows ages from birth to a round half-year past the child', () => {
    expect(xDomain(byAge, [], 100)).toEqual([0, 6 * DAYS_PER_MONTH]);
    expect(xDomain(byAge, [], 13 * DAYS_PER_MONTH)).toEqual([0, 18 * DAYS_PER_MONTH]);
    expect(xDomain(byAge, [], 34 * DAYS_PER_MONTH)).toEqual([0, 36 * DAYS_PER_MONTH]);
  });

  it('stays within the tables', () => {
    expect(xDomain(byAge, [], 59.5 * DAYS_PER_MONTH)).toEqual([0, 1856]);
  });

  it('shows lengths around the child, at least 20 cm wide and within the tables', () => {
    const at = (...cms: number[]) =>
      cms.map((x) => ({ ...childPoints('weightForLength', [growth({})])[0]!, x }));
    expect(xDomain(byLength, at(61, 74), 0)).toEqual([55, 80]);
    expect(xDomain(byLength, at(66), 0)).toEqual([55, 75]);
    expect(xDomain(byLength, at(46), 0)).toEqual([45, 65]);
    expect(xDomain(byLength, [], 0)).toEqual([45, 110]);
  });
});

describe('curvesInDomain', () => {
  it('keeps the points inside and thins a point a day to at most the maximum, ends included', () => {
    const shown = curvesInDomain(byAge, [0, 365], 50);
    expect(shown).toHaveLength(50);
    expect(shown[0]!.x).toBe(0);
    expect(shown.at(-1)!.x).toBe(365);
  });

  it('reaches the edges of the domain with the nearest point outside', () => {
    const shown = curvesInDomain(byLength, [60.2, 70.2], 500);
    expect(shown[0]!.x).toBe(60);
    expect(shown.at(-1)!.x).toBe(70.5);
  });
});

describe('yDomain', () => {
  it('covers the −3 and +3 SD curves and the child, in round numbers', () => {
    const curve = curvesInDomain(byAge, [0, 182]);
    expect(yDomain(curve, [], [0, 182]).domain).toEqual([0, 10]);
    const heavy = childPoints('weightForAge', [growth({ ageDays: 150, weightKg: 11.2 })]);
    expect(yDomain(curve, heavy, [0, 182]).domain).toEqual([0, 12]);
  });
});

describe('linePath', () => {
  it('writes a path rounded to a tenth of a pixel', () => {
    expect(
      linePath([
        [0, 10.04],
        [5.55, 2],
      ]),
    ).toBe('M0 10L5.6 2');
    expect(linePath([])).toBe('');
  });
});

describe('spreadLabels', () => {
  it('leaves labels that are far enough apart where they are', () => {
    expect(spreadLabels([10, 40, 70], 12)).toEqual([10, 40, 70]);
  });

  it('spreads labels that would overlap evenly around where they were, in the same order', () => {
    expect(spreadLabels([100, 104, 50], 10)).toEqual([97, 107, 50]);
    expect(spreadLabels([200, 201, 202], 10)).toEqual([191, 201, 211]);
  });

  it('merges a spread group with a neighbour it now overlaps', () => {
    const ys = spreadLabels([100, 104, 112], 10);
    expect(ys[1]! - ys[0]!).toBeCloseTo(10);
    expect(ys[2]! - ys[1]!).toBeCloseTo(10);
  });
});
