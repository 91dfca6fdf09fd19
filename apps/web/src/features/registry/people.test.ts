import { describe, expect, it } from 'vitest';
import { documentLabel, personName } from './people';

describe('personName', () => {
  it('writes given names then both surnames', () => {
    expect(personName({ givenNames: 'Rosa Elena', firstSurname: 'Quispe', secondSurname: 'Mamani' })).toBe(
      'Rosa Elena Quispe Mamani',
    );
  });
  it('leaves out a missing second surname', () => {
    expect(personName({ givenNames: 'Luis', firstSurname: 'Huamán', secondSurname: null })).toBe(
      'Luis Huamán',
    );
  });
});

describe('documentLabel', () => {
  it('writes the type and number, and the check character of a CUI', () => {
    expect(documentLabel({ type: 'DNI', number: '12345678', checkDigit: null })).toBe('DNI 12345678');
    expect(documentLabel({ type: 'DNI', number: '12345678', checkDigit: '5' })).toBe('DNI 12345678');
    expect(documentLabel({ type: 'CUI', number: '81234567', checkDigit: 'K' })).toBe('CUI 81234567-K');
    expect(documentLabel({ type: 'CE', number: '001234567', checkDigit: null })).toBe('CE 001234567');
  });
  it('is null without a document', () => {
    expect(documentLabel(null)).toBeNull();
  });
});
