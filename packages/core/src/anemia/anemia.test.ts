import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { altitudeAdjustmentGl, anemiaGroup, classifyHemoglobin, type HemoglobinInput } from './index';

// Adjustments worked by hand from the WHO 2024 equation 0.0056384·h + 0.0000003·h² (g/L):
//   2,500 m: 14.096   + 1.875 = 15.971   g/L = 1.5971   g/dL
//   3,400 m: 19.17056 + 3.468 = 22.63856 g/L = 2.263856 g/dL
//   4,200 m: 23.68128 + 5.292 = 28.97328 g/L = 2.897328 g/dL
//   150 m: below 500 m, no adjustment in Peru's norm.
const classify = (i: HemoglobinInput) => classifyHemoglobin(i);

describe('altitude adjustment (WHO 2024 equation)', () => {
  it('matches the check points of the domain notes (1,000–4,000 m) and the hand-worked altitudes', () => {
    expect(altitudeAdjustmentGl(1000)).toBeCloseTo(5.9, 1);
    expect(altitudeAdjustmentGl(2000)).toBeCloseTo(12.5, 1);
    expect(altitudeAdjustmentGl(3000)).toBeCloseTo(19.6, 1);
    expect(altitudeAdjustmentGl(4000)).toBeCloseTo(27.4, 1);
    expect(altitudeAdjustmentGl(2500)).toBeCloseTo(15.971, 9);
    expect(altitudeAdjustmentGl(3400)).toBeCloseTo(22.63856, 9);
    expect(altitudeAdjustmentGl(4200)).toBeCloseTo(28.97328, 9);
  });

  it('applies from 500 m, as Peru does', () => {
    expect(altitudeAdjustmentGl(150)).toBe(0);
    expect(altitudeAdjustmentGl(499)).toBe(0);
    expect(altitudeAdjustmentGl(-400)).toBe(0);
    // 2.8192 + 0.075
    expect(altitudeAdjustmentGl(500)).toBeCloseTo(2.8942, 9);
  });

  it('never decreases with altitude', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -500, max: 6000, noNaN: true }),
        fc.double({ min: 0, max: 6500, noNaN: true }),
        (h, dh) => {
          const higher = Math.min(h + dh, 6000);
          expect(altitudeAdjustmentGl(higher)).toBeGreaterThanOrEqual(altitudeAdjustmentGl(h));
        },
      ),
    );
  });
});

describe('classifyHemoglobin, worked cases', () => {
  it('at 150 m (no adjustment), children 6–23 months: 10.5 / 9.5 / 7.0', () => {
    const at = (hbGdl: number) => classify({ hbGdl, altitudeM: 150, ageMonths: 12 });
    expect(at(10.5)).toEqual({ adjustedGdl: 10.5, anemia: 'none' });
    expect(at(10.4)).toEqual({ adjustedGdl: 10.4, anemia: 'mild' });
    expect(at(9.5).anemia).toBe('mild');
    expect(at(9.4).anemia).toBe('moderate');
    expect(at(7.0).anemia).toBe('moderate');
    expect(at(6.9).anemia).toBe('severe');
  });

  it('at 150 m, children 24–59 months: 11.0 / 10.0 / 7.0', () => {
    const at = (hbGdl: number) => classify({ hbGdl, altitudeM: 150, ageMonths: 36 }).anemia;
    expect([at(11.0), at(10.9), at(10.0), at(9.9), at(7.0), at(6.9)]).toEqual([
      'none',
      'mild',
      'mild',
      'moderate',
      'moderate',
      'severe',
    ]);
  });

  it('at 2,500 m, a child of 30 months', () => {
    // 12.5 − 1.5971 = 10.9029 (mild, below 11.0); 12.6 − 1.5971 = 11.0029 (none).
    const mild = classify({ hbGdl: 12.5, altitudeM: 2500, ageMonths: 30 });
    expect(mild.adjustedGdl).toBeCloseTo(10.9029, 9);
    expect(mild.anemia).toBe('mild');
    expect(classify({ hbGdl: 12.6, altitudeM: 2500, ageMonths: 30 }).anemia).toBe('none');
  });

  it('at 3,400 m, a child of 12 months and pregnant women in the 2nd and 3rd trimesters', () => {
    // 12.5 − 2.263856 = 10.236144: mild (9.5–10.4). 11.7 − 2.263856 = 9.436144: moderate.
    const child = classify({ hbGdl: 12.5, altitudeM: 3400, ageMonths: 12 });
    expect(child.adjustedGdl).toBeCloseTo(10.236144, 9);
    expect(child.anemia).toBe('mild');
    expect(classify({ hbGdl: 11.7, altitudeM: 3400, ageMonths: 12 }).anemia).toBe('moderate');
    // 12.0 − 2.263856 = 9.736144: mild in the 2nd trimester (≥ 9.5), moderate in the 3rd (< 10.0).
    expect(classify({ hbGdl: 12.0, altitudeM: 3400, pregnancyWeek: 20 }).anemia).toBe('mild');
    expect(classify({ hbGdl: 12.0, altitudeM: 3400, pregnancyWeek: 30 }).anemia).toBe('moderate');
  });

  it('at 4,200 m, a child of 30 months and a pregnant smoker', () => {
    // 13.0 − 2.897328 = 10.102672: mild. 12.8 → 9.902672: moderate. 9.8 → 6.902672: severe.
    const at = (hbGdl: number) => classify({ hbGdl, altitudeM: 4200, ageMonths: 30 });
    expect(at(13.0).adjustedGdl).toBeCloseTo(10.102672, 9);
    expect([at(13.0).anemia, at(12.8).anemia, at(9.8).anemia]).toEqual(['mild', 'moderate', 'severe']);
    // First trimester, 14.0 g/dL: 14.0 − 2.897328 = 11.102672 (none); a smoker loses 0.3 more:
    // 10.802672 (mild, below 11.0).
    expect(classify({ hbGdl: 14.0, altitudeM: 4200, pregnancyWeek: 10 }).anemia).toBe('none');
    const smoker = classify({ hbGdl: 14.0, altitudeM: 4200, pregnancyWeek: 10, smoker: true });
    expect(smoker.adjustedGdl).toBeCloseTo(10.802672, 9);
    expect(smoker.anemia).toBe('mild');
  });

  it('adjusts for smoking at sea level too', () => {
    // 11.2 − 0.3 = 10.9: mild for a pregnant woman in the 1st trimester.
    expect(classify({ hbGdl: 11.2, altitudeM: 0, pregnancyWeek: 8, smoker: true })).toEqual({
      adjustedGdl: expect.closeTo(10.9, 9),
      anemia: 'mild',
    });
    expect(classify({ hbGdl: 11.2, altitudeM: 0, pregnancyWeek: 8, smoker: false }).anemia).toBe('none');
  });
});

describe('groups', () => {
  it('by age and by trimester, at the edges', () => {
    expect(anemiaGroup({ ageMonths: 6 })).toBe('child-6-23m');
    expect(anemiaGroup({ ageMonths: 23 })).toBe('child-6-23m');
    expect(anemiaGroup({ ageMonths: 24 })).toBe('child-24-59m');
    expect(anemiaGroup({ ageMonths: 59 })).toBe('child-24-59m');
    expect(anemiaGroup({ pregnancyWeek: 12 })).toBe('pregnant-1st');
    expect(anemiaGroup({ pregnancyWeek: 12.9 })).toBe('pregnant-1st');
    expect(anemiaGroup({ pregnancyWeek: 13 })).toBe('pregnant-2nd');
    expect(anemiaGroup({ pregnancyWeek: 28 })).toBe('pregnant-2nd');
    expect(anemiaGroup({ pregnancyWeek: 29 })).toBe('pregnant-3rd');
    // A pregnant adolescent: pregnancy decides.
    expect(anemiaGroup({ ageMonths: 200, pregnancyWeek: 29 })).toBe('pregnant-3rd');
  });

  it('refuses groups it has no cut-offs for, with a clear message', () => {
    expect(() => classify({ hbGdl: 11, altitudeM: 0, ageMonths: 4 })).toThrow(/under 6 months/);
    expect(() => classify({ hbGdl: 11, altitudeM: 0, ageMonths: 60 })).toThrow(/non-pregnant/);
    expect(() => classify({ hbGdl: 11, altitudeM: 0 })).toThrow(/ageMonths .* or pregnancyWeek/);
    expect(() => classify({ hbGdl: 11, altitudeM: 0, ageMonths: 30, pregnancyWeek: 10 })).toThrow(RangeError);
  });
});

describe('input validation', () => {
  it('hemoglobin 3–25 g/dL, altitude −500–6000 m, pregnancy week 0–44', () => {
    expect(classify({ hbGdl: 3, altitudeM: -500, ageMonths: 10 }).anemia).toBe('severe');
    expect(classify({ hbGdl: 25, altitudeM: 6000, ageMonths: 10 }).anemia).toBe('none');
    expect(() => classify({ hbGdl: 2.9, altitudeM: 0, ageMonths: 10 })).toThrow(
      /hbGdl must be between 3 and 25/,
    );
    expect(() => classify({ hbGdl: 125, altitudeM: 0, ageMonths: 10 })).toThrow(RangeError); // g/L by mistake
    expect(() => classify({ hbGdl: Number.NaN, altitudeM: 0, ageMonths: 10 })).toThrow(RangeError);
    expect(() => classify({ hbGdl: 11, altitudeM: 6001, ageMonths: 10 })).toThrow(
      /altitudeM must be between -500 and 6000/,
    );
    expect(() => classify({ hbGdl: 11, altitudeM: -501, ageMonths: 10 })).toThrow(RangeError);
    expect(() => classify({ hbGdl: 11, altitudeM: 0, pregnancyWeek: 45 })).toThrow(/pregnancyWeek/);
    expect(() => classify({ hbGdl: 11, altitudeM: 0, ageMonths: -1 })).toThrow(/ageMonths/);
  });
});

describe('properties', () => {
  const rank = { none: 0, mild: 1, moderate: 2, severe: 3 } as const;
  const group = fc.oneof(
    fc.integer({ min: 6, max: 59 }).map((ageMonths) => ({ ageMonths })),
    fc.integer({ min: 0, max: 44 }).map((pregnancyWeek) => ({ pregnancyWeek })),
  );

  it('more hemoglobin never means worse anemia, more altitude never means less', () => {
    fc.assert(
      fc.property(
        group,
        fc.double({ min: 3, max: 25, noNaN: true }),
        fc.double({ min: 3, max: 25, noNaN: true }),
        fc.double({ min: -500, max: 6000, noNaN: true }),
        fc.double({ min: -500, max: 6000, noNaN: true }),
        fc.boolean(),
        (g, hb1, hb2, h1, h2, smoker) => {
          const [lowHb, highHb] = hb1 <= hb2 ? [hb1, hb2] : [hb2, hb1];
          const [lowAlt, highAlt] = h1 <= h2 ? [h1, h2] : [h2, h1];
          const sev = (hbGdl: number, altitudeM: number) =>
            rank[classify({ hbGdl, altitudeM, smoker, ...g }).anemia];
          expect(sev(highHb, lowAlt)).toBeLessThanOrEqual(sev(lowHb, lowAlt));
          expect(sev(lowHb, highAlt)).toBeGreaterThanOrEqual(sev(lowHb, lowAlt));
        },
      ),
    );
  });
});
