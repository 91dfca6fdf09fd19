import { describe, expect, it } from 'vitest';
import { compareRecords } from './compare';
import { isPlaceholderGivenNames, linkageName, normalizeForLinkage } from './normalize';

describe('normalizeForLinkage', () => {
  it('lowers case, removes accents (ñ → n) and punctuation, drops apostrophes', () => {
    expect(normalizeForLinkage('  María-José  ÑAUPA ')).toBe('maria jose naupa');
    expect(normalizeForLinkage("Q'ORI Huamán, Vda.")).toBe('qori huaman vda');
    expect(normalizeForLinkage('Güemes 2º')).toBe('guemes');
    expect(normalizeForLinkage('')).toBe('');
  });
});

describe('linkageName', () => {
  it('drops surname particles', () => {
    expect(linkageName('De La Cruz')).toEqual(['cruz']);
    expect(linkageName('de la cruz')).toEqual(['cruz']);
    expect(linkageName('Del Pino')).toEqual(['pino']);
    expect(linkageName('De los Ríos')).toEqual(['rios']);
    expect(linkageName('Vda. de Quispe')).toEqual(['quispe']);
    expect(linkageName('Viuda de Quispe')).toEqual(['quispe']);
    expect(linkageName('Quispe y Mamani')).toEqual(['quispe', 'mamani']);
  });
  it('keeps the other words of a compound surname, and a name made only of particles', () => {
    expect(linkageName('Ruiz de Castilla')).toEqual(['ruiz', 'castilla']);
    expect(linkageName('María de los Ángeles')).toEqual(['maria', 'angeles']);
    expect(linkageName('De')).toEqual(['de']);
    expect(linkageName('  ')).toEqual([]);
  });
});

describe('isPlaceholderGivenNames', () => {
  it('recognises newborns without a name yet', () => {
    for (const text of [
      'RN',
      'R.N.',
      'RN de Rosa Quispe',
      'N.N.',
      'NN',
      'Recién nacido',
      'recien nacida',
      '',
      ' - ',
    ]) {
      expect(isPlaceholderGivenNames(text), text).toBe(true);
    }
    for (const text of ['Rosa', 'Nelly', 'Renato', 'Nina'])
      expect(isPlaceholderGivenNames(text), text).toBe(false);
  });
});

describe('particles and placeholders in comparisons', () => {
  const base = { givenNames: 'Rosa', birthDate: '2020-05-17', sex: 'female' as const };
  const surnames = (a: { firstSurname: string; secondSurname?: string }, b: typeof a) =>
    compareRecords({ ...base, ...a }, { ...base, ...b }).reasons.find((r) => r.field === 'surnames')!.outcome;

  it('"De La Cruz" agrees with "Cruz", "Vda. de Quispe" with "Quispe"', () => {
    expect(
      surnames(
        { firstSurname: 'De La Cruz', secondSurname: 'Mamani' },
        { firstSurname: 'Cruz', secondSurname: 'Mamani' },
      ),
    ).toBe('both_agree');
    expect(
      surnames(
        { firstSurname: 'Ccori', secondSurname: 'Vda. de Quispe' },
        { firstSurname: 'Ccori', secondSurname: 'Quispe' },
      ),
    ).toBe('both_agree');
  });
  it('a placeholder given name weighs nothing, for or against', () => {
    const r = compareRecords(
      { givenNames: 'RN', firstSurname: 'Quispe', birthDate: '2024-01-02' },
      { givenNames: 'Illari', firstSurname: 'Quispe', birthDate: '2024-01-02' },
    );
    expect(r.reasons[0]).toEqual({ field: 'givenNames', outcome: 'missing', weight: 0 });
  });
});
