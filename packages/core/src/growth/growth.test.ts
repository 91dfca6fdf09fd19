import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyGrowth, type GrowthInput, growthZScores, type Sex } from './index';

// Expected values are computed here from the WHO rows themselves (read from the data files, or
// copied as literals), never through the module under test's helpers.
type Row = { l: number; m: number; s: number };
const sdOf = (k: number, { l, m, s }: Row) => m * (1 + l * s * k) ** (1 / l);

const dataDir = new URL('../../data/who-growth/', import.meta.url);
function readWho(file: string): { sex: Sex; key: number; row: Row }[] {
  const lines = readFileSync(new URL(file, dataDir), 'utf8').trim().split(/\r?\n/).slice(1);
  return lines.map((line) => {
    const [sex, key, l, m, s] = line.split('\t').map(Number) as [number, number, number, number, number];
    return { sex: sex === 1 ? 'male' : 'female', key, row: { l, m, s } };
  });
}

const close = (actual: number | undefined, expected: number) => expect(actual).toBeCloseTo(expected, 2);

describe('growthZScores on every WHO table row', () => {
  // At M the z is 0; at M(1+LSk)^(1/L) it is k (k = ±1, ±2, ±3; at ±3 the restricted and the
  // plain formulas agree, so this also pins the junction of the restricted computation).
  const ks = [-3, -2, -1, 0, 1, 2, 3];

  it('weight-for-age', () => {
    for (const { sex, key, row } of readWho('weianthro.txt')) {
      for (const k of ks)
        close(growthZScores({ sex, ageDays: key, weightKg: sdOf(k, row) }).weightForAge?.z, k);
    }
  });

  it('length/height-for-age', () => {
    for (const { sex, key, row } of readWho('lenanthro.txt')) {
      for (const k of ks)
        close(growthZScores({ sex, ageDays: key, lengthCm: sdOf(k, row) }).lengthForAge?.z, k);
    }
  });

  it('BMI-for-age', () => {
    // 80 cm makes BMI = weight / 0.64.
    for (const { sex, key, row } of readWho('bmianthro.txt')) {
      for (const k of ks) {
        close(
          growthZScores({ sex, ageDays: key, lengthCm: 80, weightKg: sdOf(k, row) * 0.64 }).bmiForAge?.z,
          k,
        );
      }
    }
  });

  it('weight-for-length (under 731 days) and weight-for-height (731 days and over)', () => {
    const cases = [
      { file: 'wflanthro.txt', ageDays: 300 },
      { file: 'wfhanthro.txt', ageDays: 1000 },
    ];
    for (const { file, ageDays } of cases) {
      for (const { sex, key, row } of readWho(file)) {
        for (const k of ks) {
          close(growthZScores({ sex, ageDays, lengthCm: key, weightKg: sdOf(k, row) }).weightForLength?.z, k);
        }
      }
    }
  });
});

describe("WHO's published SD tables", () => {
  // Values of WHO's simplified field tables (one decimal): at birth, and weight-for-height at
  // 65 cm. The true SD curve must round to the published value: z(P − 0.05) ≤ k ≤ z(P + 0.05).
  const published: {
    what: string;
    input: (x: number) => GrowthInput;
    pick: 'weightForAge' | 'lengthForAge' | 'bmiForAge' | 'weightForLength';
    sd: number[];
  }[] = [
    {
      what: 'boys weight-for-age, birth',
      input: (x) => ({ sex: 'male', ageDays: 0, weightKg: x }),
      pick: 'weightForAge',
      sd: [2.1, 2.5, 2.9, 3.3, 3.9, 4.4, 5.0],
    },
    {
      what: 'girls weight-for-age, birth',
      input: (x) => ({ sex: 'female', ageDays: 0, weightKg: x }),
      pick: 'weightForAge',
      sd: [2.0, 2.4, 2.8, 3.2, 3.7, 4.2, 4.8],
    },
    {
      what: 'boys length-for-age, birth',
      input: (x) => ({ sex: 'male', ageDays: 0, lengthCm: x }),
      pick: 'lengthForAge',
      sd: [44.2, 46.1, 48.0, 49.9, 51.8, 53.7, 55.6],
    },
    {
      what: 'girls length-for-age, birth',
      input: (x) => ({ sex: 'female', ageDays: 0, lengthCm: x }),
      pick: 'lengthForAge',
      sd: [43.6, 45.4, 47.3, 49.1, 51.0, 52.9, 54.7],
    },
    {
      what: 'boys BMI-for-age, birth',
      input: (x) => ({ sex: 'male', ageDays: 0, lengthCm: 100, weightKg: x }),
      pick: 'bmiForAge',
      sd: [10.2, 11.1, 12.2, 13.4, 14.8, 16.3, 18.1],
    },
    {
      what: 'boys weight-for-height, 65 cm',
      input: (x) => ({ sex: 'male', ageDays: 1000, lengthCm: 65, weightKg: x }),
      pick: 'weightForLength',
      sd: [5.9, 6.3, 6.9, 7.4, 8.1, 8.8, 9.6],
    },
  ];
  for (const { what, input, pick, sd } of published) {
    it(what, () => {
      sd.forEach((p, i) => {
        const k = i - 3;
        const z = (x: number) => growthZScores(input(x))[pick]?.z ?? Number.NaN;
        expect(z(p - 0.05)).toBeLessThanOrEqual(k);
        expect(z(p + 0.05)).toBeGreaterThanOrEqual(k);
      });
    });
  }
});

describe('growthZScores, cases worked by hand', () => {
  it('length-for-age is the plain LMS z', () => {
    // Boys, day 0: L = 1, M = 49.8842, S = 0.03795. z = (52 / 49.8842 − 1) / 0.03795 = 1.1176.
    close(growthZScores({ sex: 'male', ageDays: 0, lengthCm: 52 }).lengthForAge?.z, 1.1176);
    // 49.8842 × (1 − 4 × 0.03795) = 42.312 cm is z −4: no restriction for length.
    close(
      growthZScores({ sex: 'male', ageDays: 0, lengthCm: 49.8842 * (1 - 4 * 0.03795) }).lengthForAge?.z,
      -4,
    );
  });

  it('weight-for-age beyond ±3 uses the restricted computation', () => {
    // Boys, day 0: L = 0.3487, M = 3.3464, S = 0.14602.
    // SD3 = 5.03064, SD2 = 4.41935, SD−2 = 2.45931, SD−3 = 2.08031.
    // 2.0 kg: plain LMS −3.2269; restricted −3 + (2.0 − 2.08031)/(2.45931 − 2.08031) = −3.2119.
    close(growthZScores({ sex: 'male', ageDays: 0, weightKg: 2.0 }).weightForAge?.z, -3.2119);
    // 5.5 kg: plain LMS 3.7153; restricted 3 + (5.5 − 5.03064)/(5.03064 − 4.41935) = 3.7678.
    close(growthZScores({ sex: 'male', ageDays: 0, weightKg: 5.5 }).weightForAge?.z, 3.7678);
  });

  it('weight-for-length interpolates between the 0.1 cm rows', () => {
    // Boys 45.0 cm: L −0.3521, M 2.441, S 0.09182; 45.1 cm: M 2.4577, S 0.09176.
    // At 45.05 cm: M = 2.44935, S = 0.09179; the midpoint median is z 0, and
    // 2.3 kg gives ((2.3/2.44935)^−0.3521 − 1)/(−0.3521 × 0.09179) = −0.69306.
    close(
      growthZScores({ sex: 'male', ageDays: 100, lengthCm: 45.05, weightKg: 2.44935 }).weightForLength?.z,
      0,
    );
    close(
      growthZScores({ sex: 'male', ageDays: 100, lengthCm: 45.05, weightKg: 2.3 }).weightForLength?.z,
      -0.69306,
    );
  });

  it('adds 0.7 cm to a child under 731 days measured standing', () => {
    // Girls, day 400: L 1, M 75.3848, S 0.03498. 75.0 cm standing is 75.7 cm lying:
    // z = (75.7/75.3848 − 1)/0.03498 = 0.1195.
    const standing = growthZScores({
      sex: 'female',
      ageDays: 400,
      lengthCm: 75.0,
      measured: 'standing',
      weightKg: 9,
    });
    close(standing.lengthForAge?.z, 0.1195);
    expect(standing).toEqual(
      growthZScores({ sex: 'female', ageDays: 400, lengthCm: 75.7, measured: 'lying', weightKg: 9 }),
    );
    // BMI from the corrected length: 9 / 0.757² = 15.7055; girls day 400 L −0.3968, M 16.2138,
    // S 0.08764 → −0.3658. Weight-for-age is unaffected: L −0.2176, M 9.2009, S 0.12285 → −0.1801.
    close(standing.bmiForAge?.z, -0.3658);
    close(standing.weightForAge?.z, -0.1801);
  });

  it('subtracts 0.7 cm from a child of 731 days or more measured lying', () => {
    // Boys, day 800: L 1, M 89.0391, S 0.03586. 90.0 cm lying is 89.3 cm standing: z = 0.0817.
    const lying = growthZScores({
      sex: 'male',
      ageDays: 800,
      lengthCm: 90,
      measured: 'lying',
      weightKg: 12.5,
    });
    close(lying.lengthForAge?.z, 0.0817);
    // Weight-for-height at 89.3 cm (a table row): L −0.3521, M 12.7209, S 0.08041 → −0.2185.
    close(lying.weightForLength?.z, -0.2185);
    expect(lying).toEqual(
      growthZScores({ sex: 'male', ageDays: 800, lengthCm: 89.3, measured: 'standing', weightKg: 12.5 }),
    );
  });

  it('switches from length to height at 731 days (rounded age)', () => {
    const at = (ageDays: number) => growthZScores({ sex: 'male', ageDays, lengthCm: 88, measured: 'lying' });
    expect(at(730)).toEqual(growthZScores({ sex: 'male', ageDays: 730, lengthCm: 88 }));
    expect(at(731)).toEqual(growthZScores({ sex: 'male', ageDays: 731, lengthCm: 87.3 }));
    // anthro rounds half up: 730.5 days reads the day-731 row and the height standard.
    expect(at(730.5)).toEqual(growthZScores({ sex: 'male', ageDays: 731, lengthCm: 87.3 }));
  });

  it('does not correct "standing" under 9 months, as anthro does', () => {
    // 273 days is 8.97 months: treated as position unknown. 274 days (9.002 months) is corrected.
    expect(growthZScores({ sex: 'female', ageDays: 273, lengthCm: 68, measured: 'standing' })).toEqual(
      growthZScores({ sex: 'female', ageDays: 273, lengthCm: 68 }),
    );
    expect(growthZScores({ sex: 'female', ageDays: 274, lengthCm: 68, measured: 'standing' })).toEqual(
      growthZScores({ sex: 'female', ageDays: 274, lengthCm: 68.7 }),
    );
  });

  it('with oedema, leaves out the weight-based indicators', () => {
    const z = growthZScores({ sex: 'male', ageDays: 500, weightKg: 8, lengthCm: 76, oedema: true });
    expect(Object.keys(z)).toEqual(['lengthForAge']);
    expect(z.lengthForAge).toEqual(growthZScores({ sex: 'male', ageDays: 500, lengthCm: 76 }).lengthForAge);
  });

  it('leaves out indicators whose inputs are missing', () => {
    expect(growthZScores({ sex: 'female', ageDays: 100 })).toEqual({});
    expect(Object.keys(growthZScores({ sex: 'female', ageDays: 100, weightKg: 5 }))).toEqual([
      'weightForAge',
    ]);
    expect(Object.keys(growthZScores({ sex: 'female', ageDays: 100, lengthCm: 60 }))).toEqual([
      'lengthForAge',
    ]);
  });

  it('leaves out weight-for-length/height outside its table, after the correction', () => {
    const keys = (i: GrowthInput) => Object.keys(growthZScores(i)).sort();
    const all = ['bmiForAge', 'lengthForAge', 'weightForAge', 'weightForLength'];
    const noWfl = ['bmiForAge', 'lengthForAge', 'weightForAge'];
    expect(keys({ sex: 'male', ageDays: 10, lengthCm: 45, weightKg: 2.4 })).toEqual(all);
    expect(keys({ sex: 'male', ageDays: 10, lengthCm: 44.9, weightKg: 2.4 })).toEqual(noWfl);
    expect(keys({ sex: 'male', ageDays: 700, lengthCm: 110, weightKg: 18 })).toEqual(all);
    expect(keys({ sex: 'male', ageDays: 700, lengthCm: 110.01, weightKg: 18 })).toEqual(noWfl);
    // 109.3 standing is 110.0 lying (in the table); 109.4 standing is 110.1 (outside).
    expect(keys({ sex: 'male', ageDays: 700, lengthCm: 109.3, measured: 'standing', weightKg: 18 })).toEqual(
      all,
    );
    expect(keys({ sex: 'male', ageDays: 700, lengthCm: 109.4, measured: 'standing', weightKg: 18 })).toEqual(
      noWfl,
    );
    expect(keys({ sex: 'female', ageDays: 800, lengthCm: 65, weightKg: 7 })).toEqual(all);
    expect(keys({ sex: 'female', ageDays: 800, lengthCm: 64.9, weightKg: 7 })).toEqual(noWfl);
    expect(keys({ sex: 'female', ageDays: 1500, lengthCm: 120, weightKg: 22 })).toEqual(all);
    expect(keys({ sex: 'female', ageDays: 1500, lengthCm: 120.1, weightKg: 22 })).toEqual(noWfl);
    // 65.5 lying at 800 days is 64.8 standing: below the height table.
    expect(keys({ sex: 'female', ageDays: 800, lengthCm: 65.5, measured: 'lying', weightKg: 7 })).toEqual(
      noWfl,
    );
  });

  it('computes nothing from 60 months (1826.25 days) on', () => {
    const child = { sex: 'female', weightKg: 18, lengthCm: 109, measured: 'standing' } as const;
    expect(Object.keys(growthZScores({ ...child, ageDays: 1826 })).length).toBe(4);
    expect(growthZScores({ ...child, ageDays: 1826.3 })).toEqual({});
    expect(growthZScores({ ...child, ageDays: 1827 })).toEqual({});
    expect(growthZScores({ ...child, ageDays: 1856 })).toEqual({});
    expect(growthZScores({ ...child, ageDays: 4000 })).toEqual({});
  });

  it('rejects impossible inputs', () => {
    expect(() => growthZScores({ sex: 'male', ageDays: -1 })).toThrow(RangeError);
    expect(() => growthZScores({ sex: 'male', ageDays: Number.NaN })).toThrow(/ageDays/);
    expect(() => growthZScores({ sex: 'male', ageDays: 10, weightKg: 0 })).toThrow(/weightKg/);
    expect(() => growthZScores({ sex: 'male', ageDays: 10, lengthCm: -50 })).toThrow(/lengthCm/);
    expect(() => growthZScores({ sex: 'x' as Sex, ageDays: 10 })).toThrow(/sex/);
    expect(() => growthZScores({ sex: 'male', ageDays: 10, measured: 'sitting' as 'lying' })).toThrow(
      /measured/,
    );
  });
});

describe('biologically implausible flags (WHO 2006)', () => {
  // Boys, day 0. Length: L 1, M 49.8842, S 0.03795. Weight: SD2 4.41935, SD3 5.03064,
  // SD−2 2.45931, SD−3 2.08031; restricted z = ±3 + (x − SD±3)/(distance between SD2 and SD3).
  const length = (z: number) => 49.8842 * (1 + z * 0.03795);
  const weight = (z: number) =>
    z > 0 ? 5.03064 + (z - 3) * (5.03064 - 4.41935) : 2.08031 + (z + 3) * (2.45931 - 2.08031);
  const at = (i: Partial<GrowthInput>) => growthZScores({ sex: 'male', ageDays: 0, ...i });

  it('length-for-age outside ±6', () => {
    expect(at({ lengthCm: length(-5.9) }).lengthForAge).toEqual({
      z: expect.closeTo(-5.9, 3),
      flagged: false,
    });
    expect(at({ lengthCm: length(-6.1) }).lengthForAge).toEqual({
      z: expect.closeTo(-6.1, 3),
      flagged: true,
    });
    expect(at({ lengthCm: length(6.1) }).lengthForAge?.flagged).toBe(true);
    expect(at({ lengthCm: length(5.9) }).lengthForAge?.flagged).toBe(false);
  });

  it('weight-for-age below −6 or above 5', () => {
    expect(at({ weightKg: weight(-5.5) }).weightForAge).toEqual({
      z: expect.closeTo(-5.5, 3),
      flagged: false,
    });
    expect(at({ weightKg: weight(-6.1) }).weightForAge?.flagged).toBe(true);
    expect(at({ weightKg: weight(4.9) }).weightForAge?.flagged).toBe(false);
    expect(at({ weightKg: weight(5.1) }).weightForAge).toEqual({ z: expect.closeTo(5.1, 3), flagged: true });
  });

  it('weight-for-length/height and BMI-for-age outside ±5', () => {
    // Boys 50 cm: L −0.3521, M 3.3278, S 0.0889 (wflanthro). 2.0 kg: plain LMS z −6.27, so the
    // restricted z is −3 + (2.0 − SD−3)/(SD−2 − SD−3) = −5.61.
    const row = { l: -0.3521, m: 3.3278, s: 0.0889 };
    const expected = -3 + (2.0 - sdOf(-3, row)) / (sdOf(-2, row) - sdOf(-3, row));
    const z = at({ lengthCm: 50, weightKg: 2.0 });
    expect(z.weightForLength).toEqual({ z: expect.closeTo(expected, 6), flagged: expected < -5 });
    expect(expected).toBeLessThan(-5);
    close(expected, -5.61);
    expect(at({ lengthCm: 50, weightKg: 3.3278 }).weightForLength).toEqual({
      z: expect.closeTo(0, 6),
      flagged: false,
    });
    // A 50 cm newborn of 7 kg has a BMI of 28: far above +5.
    expect(at({ lengthCm: 50, weightKg: 7 }).bmiForAge?.flagged).toBe(true);
    expect(at({ lengthCm: 50, weightKg: 3.3 }).bmiForAge?.flagged).toBe(false);
  });
});

describe('classifyGrowth', () => {
  const z = (value: number, isFlagged = false) => ({ z: value, flagged: isFlagged });

  it('stunting, wasting and underweight below −2, severe below −3', () => {
    expect(classifyGrowth({ lengthForAge: z(-2), weightForLength: z(-2.01), weightForAge: z(-3) })).toEqual({
      stunting: 'none',
      wasting: 'moderate',
      underweight: 'moderate',
      overweight: 'none',
    });
    expect(classifyGrowth({ lengthForAge: z(-3.01), weightForLength: z(-3.5), weightForAge: z(-4) })).toEqual(
      {
        stunting: 'severe',
        wasting: 'severe',
        underweight: 'severe',
        overweight: 'none',
      },
    );
  });

  it('overweight above +2, obese above +3', () => {
    expect(classifyGrowth({ weightForLength: z(2) }).overweight).toBe('none');
    expect(classifyGrowth({ weightForLength: z(2.01) }).overweight).toBe('overweight');
    expect(classifyGrowth({ weightForLength: z(3) }).overweight).toBe('overweight');
    expect(classifyGrowth({ weightForLength: z(3.01) }).overweight).toBe('obese');
  });

  it('ignores absent and flagged z-scores', () => {
    expect(classifyGrowth({})).toEqual({});
    expect(
      classifyGrowth({ lengthForAge: z(-6.5, true), weightForLength: z(5.5, true), weightForAge: z(-2.5) }),
    ).toEqual({
      underweight: 'moderate',
    });
  });

  it('counts oedema as severe wasting and underweight, as WHO prevalence does', () => {
    const zs = growthZScores({ sex: 'female', ageDays: 600, weightKg: 9, lengthCm: 80, oedema: true });
    expect(classifyGrowth(zs, { oedema: true })).toEqual({
      stunting: 'none',
      wasting: 'severe',
      underweight: 'severe',
      overweight: 'none',
    });
  });

  it('works on real measurements', () => {
    // Boys, 20 months (609 days), 74 cm, 7.5 kg: length-for-age −3.63, weight-for-age −3.63,
    // weight-for-length −2.69.
    const c = classifyGrowth(
      growthZScores({ sex: 'male', ageDays: 609, weightKg: 7.5, lengthCm: 74, measured: 'lying' }),
    );
    expect(c.stunting).toBe('severe');
    expect(c.underweight).toBe('severe');
    expect(c.wasting).toBe('moderate');
  });
});

describe('z is monotonic in the measurement', () => {
  const sex = fc.constantFrom<Sex>('male', 'female');
  const age = fc.double({ min: 0, max: 1826, noNaN: true });
  const step = fc.double({ min: 1e-3, max: 20, noNaN: true });

  it('weight-for-age and BMI-for-age increase with weight', () => {
    fc.assert(
      fc.property(sex, age, fc.double({ min: 0.3, max: 40, noNaN: true }), step, (s, ageDays, w, dw) => {
        const a = growthZScores({ sex: s, ageDays, weightKg: w, lengthCm: 80 });
        const b = growthZScores({ sex: s, ageDays, weightKg: w + dw, lengthCm: 80 });
        expect(b.weightForAge!.z).toBeGreaterThan(a.weightForAge!.z);
        expect(b.bmiForAge!.z).toBeGreaterThan(a.bmiForAge!.z);
      }),
    );
  });

  it('length/height-for-age increases with length', () => {
    fc.assert(
      fc.property(sex, age, fc.double({ min: 20, max: 140, noNaN: true }), step, (s, ageDays, l, dl) => {
        const a = growthZScores({ sex: s, ageDays, lengthCm: l }).lengthForAge!.z;
        const b = growthZScores({ sex: s, ageDays, lengthCm: l + dl }).lengthForAge!.z;
        expect(b).toBeGreaterThan(a);
      }),
    );
  });

  it('weight-for-length/height increases with weight, at any length in the table', () => {
    const lengthAndAge = fc.oneof(
      fc.tuple(fc.double({ min: 45, max: 110, noNaN: true }), fc.integer({ min: 0, max: 730 })),
      fc.tuple(fc.double({ min: 65, max: 120, noNaN: true }), fc.integer({ min: 731, max: 1826 })),
    );
    fc.assert(
      fc.property(
        sex,
        lengthAndAge,
        fc.double({ min: 0.3, max: 40, noNaN: true }),
        step,
        (s, [l, ageDays], w, dw) => {
          const a = growthZScores({ sex: s, ageDays, lengthCm: l, weightKg: w }).weightForLength!.z;
          const b = growthZScores({ sex: s, ageDays, lengthCm: l, weightKg: w + dw }).weightForLength!.z;
          expect(b).toBeGreaterThan(a);
        },
      ),
    );
  });

  it('weight-for-length is continuous across the 0.1 cm rows', () => {
    // Interpolation must not jump at a row: just below and at a row give nearly the same z.
    fc.assert(
      fc.property(sex, fc.integer({ min: 451, max: 1100 }), (s, tenths) => {
        const at = (cm: number) =>
          growthZScores({ sex: s, ageDays: 200, lengthCm: cm, weightKg: 8 }).weightForLength!.z;
        expect(Math.abs(at(tenths / 10 - 1e-7) - at(tenths / 10))).toBeLessThan(1e-4);
      }),
    );
  });
});
