import { describe, expect, it } from 'vitest';
import { DEFAULT_LINKAGE_PARAMETERS, linkageWeights } from './parameters';
import {
  BIRTH_DATE_OUTCOMES,
  GIVEN_NAMES_OUTCOMES,
  SEX_OUTCOMES,
  SURNAMES_OUTCOMES,
  TERRITORY_OUTCOMES,
} from './types';

const FIELDS = {
  givenNames: GIVEN_NAMES_OUTCOMES,
  surnames: SURNAMES_OUTCOMES,
  birthDate: BIRTH_DATE_OUTCOMES,
  sex: SEX_OUTCOMES,
  territory: TERRITORY_OUTCOMES,
} as const;

describe('DEFAULT_LINKAGE_PARAMETERS', () => {
  it('has m and u for every level but missing, and the m of a field add up to 1', () => {
    for (const [field, outcomes] of Object.entries(FIELDS)) {
      const levels = DEFAULT_LINKAGE_PARAMETERS[field as keyof typeof FIELDS] as Record<
        string,
        { m: number; u: number }
      >;
      expect(Object.keys(levels).sort(), field).toEqual(outcomes.filter((o) => o !== 'missing').sort());
      let m = 0;
      let u = 0;
      for (const level of Object.values(levels)) {
        expect(level.m).toBeGreaterThan(0);
        expect(level.u).toBeGreaterThan(0);
        m += level.m;
        u += level.u;
      }
      expect(m, field).toBeCloseTo(1, 9);
      expect(u, field).toBeLessThanOrEqual(1.01);
    }
  });

  it('orders the levels: a stronger agreement never weighs less', () => {
    const w = linkageWeights();
    for (const [field, outcomes] of Object.entries(FIELDS)) {
      const weights = outcomes.filter((o) => o !== 'missing').map((o) => w[field as keyof typeof FIELDS][o]!);
      // Swapped surnames and a missing second surname weigh about the same; the rest descend.
      for (let i = 1; i < weights.length; i++)
        expect(weights[i]!, `${field} ${outcomes[i]}`).toBeLessThanOrEqual(weights[i - 1]! + 0.01);
      expect(w[field as keyof typeof FIELDS].missing).toBe(0);
    }
  });

  it('keeps its thresholds in order', () => {
    const { upper, lower, margin } = DEFAULT_LINKAGE_PARAMETERS.thresholds;
    expect(lower).toBeLessThan(upper);
    expect(margin).toBeGreaterThan(0);
  });
});
