import { describe, expect, it } from 'vitest';
import { withinOneEdit } from './compare';
import { jaroWinkler } from './jaro-winkler';

describe('jaroWinkler', () => {
  it('gives the published values (Winkler 1990; Wikipedia)', () => {
    expect(jaroWinkler('MARTHA', 'MARHTA')).toBeCloseTo(0.961, 3);
    expect(jaroWinkler('DWAYNE', 'DUANE')).toBeCloseTo(0.84, 3);
    expect(jaroWinkler('DIXON', 'DICKSONX')).toBeCloseTo(0.813, 3);
  });
  it('is 1 for equal strings, 0 for empty or disjoint ones, and symmetric', () => {
    expect(jaroWinkler('quispe', 'quispe')).toBe(1);
    expect(jaroWinkler('', 'quispe')).toBe(0);
    expect(jaroWinkler('', '')).toBe(0);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
    expect(jaroWinkler('CRATE', 'TRACE')).toBeCloseTo(jaroWinkler('TRACE', 'CRATE'), 12);
  });
  it('handles strings longer than its scratch buffers', () => {
    const long = 'a'.repeat(200);
    expect(jaroWinkler(long, `${long}b`)).toBeGreaterThan(0.99);
  });
});

describe('withinOneEdit', () => {
  it('accepts one letter replaced, added, dropped or two neighbours swapped', () => {
    expect(withinOneEdit('huaman', 'hueman')).toBe(true);
    expect(withinOneEdit('huaman', 'huamann')).toBe(true);
    expect(withinOneEdit('huaman', 'haman')).toBe(true);
    expect(withinOneEdit('quispe', 'quipse')).toBe(true);
    expect(withinOneEdit('quispe', 'quispe')).toBe(true);
  });
  it('refuses two edits', () => {
    expect(withinOneEdit('huaman', 'guamen')).toBe(false);
    expect(withinOneEdit('quispe', 'quispeaa')).toBe(false);
    expect(withinOneEdit('abcd', 'badc')).toBe(false);
  });
});
