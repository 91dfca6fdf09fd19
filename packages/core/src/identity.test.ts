import { describe, expect, it } from 'vitest';
import { cuiCheckDigit, isValidCuiCheck } from './identity';
import { uuidv7 } from './ids';
import { normalizeName, personSearchName } from './names';

describe('DNI/CUI check digit', () => {
  it('computes the check digit with weights 3,2,7,6,5,4,3,2 mod 11', () => {
    // 1*3+2*2+3*7+4*6+5*5+6*4+7*3+8*2 = 138; 138 mod 11 = 6; 11-6 = 5 → index 5 → '1'
    expect(cuiCheckDigit('12345678')).toBe('1');
    // all zeros: sum 0 → key 11 → index 0 → '6'
    expect(cuiCheckDigit('00000000')).toBe('6');
    expect(isValidCuiCheck('12345678', '1')).toBe(true);
    expect(isValidCuiCheck('12345678', 'E')).toBe(true);
    expect(isValidCuiCheck('12345678', '2')).toBe(false);
  });
  it('refuses numbers that are not 8 digits', () => {
    expect(() => cuiCheckDigit('1234567')).toThrow(RangeError);
    expect(() => cuiCheckDigit('1234567a')).toThrow(RangeError);
  });
});

describe('names', () => {
  it('normalises accents, case and punctuation', () => {
    expect(normalizeName('  María-José  ÑAUPA ')).toBe('maria jose naupa');
    expect(personSearchName({ givenNames: 'Rosa', firstSurname: 'Mamani', secondSurname: null })).toBe(
      'rosa mamani',
    );
  });
});

describe('uuidv7', () => {
  it('is a version 7 UUID ordered by time', () => {
    const a = uuidv7(1_700_000_000_000);
    const b = uuidv7(1_700_000_000_001);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a < b).toBe(true);
    expect(a.slice(0, 13)).toBe('018bcfe5-6800');
  });

  it('stays unique and well formed across refills of its random pool', () => {
    const ids = Array.from({ length: 5000 }, () => uuidv7(1_700_000_000_000));
    expect(new Set(ids).size).toBe(5000);
    for (const id of ids) expect(id).toMatch(/^018bcfe5-6800-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
