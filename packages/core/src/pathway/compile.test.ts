import { describe, expect, it } from 'vitest';
import { EVIDENCE_KINDS, kindIndexOf } from './compile';

describe('kindIndexOf', () => {
  it('finds every evidence kind and nothing else', () => {
    EVIDENCE_KINDS.forEach((kind, i) => {
      // A copy, as a string read from the database is not the literal.
      expect(kindIndexOf(` ${kind}`.slice(1))).toBe(i);
    });
    for (const other of ['', 'vaccine', 'prenatal_x', 'growth_checkups', 'Hemoglobin', 'p']) {
      expect(kindIndexOf(other), other).toBe(-1);
    }
  });
});
