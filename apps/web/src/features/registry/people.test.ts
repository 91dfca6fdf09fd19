import { describe, expect, it } from 'vitest';
import { documentLabel, hasTracking, personName } from './people';

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

describe('hasTracking', () => {
  const pregnancy = (status: 'ongoing' | 'delivered' | 'lost') => ({
    id: '0190b2c4-7d1e-7000-8000-000000000001',
    personId: '0190b2c4-7d1e-7000-8000-000000000002',
    lastMenstrualPeriod: '2026-06-01',
    estimatedDeliveryDate: null,
    gestationalWeeks: status === 'ongoing' ? 24 : null,
    status,
    endedOn: null,
    version: 1,
  });
  const child = { status: 'active' as const, ageMonths: 10, sex: 'male' as const, pregnancies: [] };

  it('tracks children under 36 months', () => {
    expect(hasTracking(child)).toBe(true);
    expect(hasTracking({ ...child, ageMonths: 0 })).toBe(true);
    expect(hasTracking({ ...child, ageMonths: 35 })).toBe(true);
    expect(hasTracking({ ...child, ageMonths: 36 })).toBe(false);
  });

  it('tracks women with an ongoing pregnancy only', () => {
    const woman = { status: 'active' as const, ageMonths: 300, sex: 'female' as const };
    expect(hasTracking({ ...woman, pregnancies: [pregnancy('ongoing')] })).toBe(true);
    expect(hasTracking({ ...woman, pregnancies: [pregnancy('delivered')] })).toBe(false);
    expect(hasTracking({ ...woman, pregnancies: [] })).toBe(false);
  });

  it('does not track members who left or died', () => {
    expect(hasTracking({ ...child, status: 'moved_out' })).toBe(false);
    expect(hasTracking({ ...child, status: 'deceased' })).toBe(false);
  });
});
