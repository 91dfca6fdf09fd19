import { describe, expect, it } from 'vitest';
import { birthDateNumber, compareRecords } from './compare';
import { DEFAULT_LINKAGE_PARAMETERS, levelWeight, linkageWeights } from './parameters';
import type { LinkField, LinkRecord } from './types';

const W = linkageWeights();
const rosa: LinkRecord = {
  givenNames: 'Rosa Killa',
  firstSurname: 'Quispe',
  secondSurname: 'Mamani',
  sex: 'female',
  birthDate: '2021-03-07',
  territoryCode: '0501010003',
};

function reason(field: LinkField, a: LinkRecord, b: LinkRecord) {
  return compareRecords({ ...rosa, ...a }, { ...rosa, ...b }).reasons.find((r) => r.field === field)!;
}
const outcome = (field: LinkField, a: LinkRecord, b: LinkRecord) => reason(field, a, b).outcome;

describe('compareRecords', () => {
  it('lists one reason per field, in order, with weights that add up to the total', () => {
    const r = compareRecords(rosa, rosa);
    expect(r.reasons.map((x) => x.field)).toEqual([
      'givenNames',
      'surnames',
      'birthDate',
      'sex',
      'territory',
    ]);
    expect(r.reasons.map((x) => x.outcome)).toEqual([
      'exact',
      'both_agree',
      'exact',
      'agree',
      'same_district',
    ]);
    const sum = r.reasons.reduce((s, x) => s + x.weight, 0);
    expect(r.weight).toBeCloseTo(sum, 9);
    expect(r.weight).toBeCloseTo(
      W.givenNames.exact! +
        W.surnames.both_agree! +
        W.birthDate.exact! +
        W.sex.agree! +
        W.territory.same_district!,
      1,
    );
  });

  it('pins the weights of the default parameters, log2(m/u)', () => {
    expect(levelWeight({ m: 0.8, u: 0.01 })).toBeCloseTo(6.32, 2);
    expect(reason('birthDate', { birthDate: '2021-07-03' }, {})).toEqual({
      field: 'birthDate',
      outcome: 'day_month_swapped',
      weight: 8.97,
    });
    expect(W.birthDate.exact).toBeCloseTo(13.1, 1);
    expect(W.surnames.both_agree).toBeCloseTo(10.97, 2);
    expect(W.givenNames.different).toBeCloseTo(-7.61, 2);
  });

  it('weighs missing values 0 and an empty record 0 overall', () => {
    const r = compareRecords({}, rosa);
    expect(r.weight).toBe(0);
    expect(r.reasons.every((x) => x.outcome === 'missing' && x.weight === 0)).toBe(true);
  });

  it('levels of the birth date', () => {
    expect(outcome('birthDate', {}, {})).toBe('exact');
    expect(outcome('birthDate', { birthDate: '2021-07-03' }, {})).toBe('day_month_swapped');
    expect(outcome('birthDate', { birthDate: '2021-03-10' }, {})).toBe('near'); // 3 days
    expect(outcome('birthDate', { birthDate: '2021-03-04' }, {})).toBe('near');
    expect(outcome('birthDate', { birthDate: '2021-02-28' }, { birthDate: '2021-03-02' })).toBe('near'); // across months
    expect(outcome('birthDate', { birthDate: '2020-03-07' }, {})).toBe('near'); // one digit of the year
    expect(outcome('birthDate', { birthDate: '2021-03-27' }, {})).toBe('near'); // one digit of the day
    expect(outcome('birthDate', { birthDate: '2021-03-19' }, {})).toBe('same_year_month');
    expect(outcome('birthDate', { birthDate: '2019-11-30' }, {})).toBe('different');
    expect(outcome('birthDate', { birthDate: null }, {})).toBe('missing');
    expect(outcome('birthDate', { birthDate: '2021-02-30' }, {})).toBe('missing'); // not a real date
  });

  it('levels of the surnames', () => {
    const s = (a1: string, a2: string | null, b1: string, b2: string | null) =>
      outcome('surnames', { firstSurname: a1, secondSurname: a2 }, { firstSurname: b1, secondSurname: b2 });
    expect(s('Quispe', 'Mamani', 'QUISPE', 'Mamaní')).toBe('both_agree');
    expect(s('Mamani', 'Quispe', 'Quispe', 'Mamani')).toBe('both_agree_swapped');
    expect(s('Quispe', null, 'Quispe', 'Mamani')).toBe('first_agrees_second_missing');
    expect(s('Quispe', 'Mamani', 'Quispe', null)).toBe('first_agrees_second_missing');
    expect(s('Kispe', 'Mamany', 'Quispe', 'Mamani')).toBe('both_similar'); // phonetic
    expect(s('Quispe', 'Mamnai', 'Quispe', 'Mamani')).toBe('both_similar'); // typo
    expect(s('Quispe', 'Hueman', 'Quispe', 'Huamán')).toBe('both_similar'); // one letter
    expect(s('Quispe', 'Condori', 'Quispe', 'Mamani')).toBe('one_agrees');
    expect(s('Mamani', null, 'Quispe', 'Mamani')).toBe('one_agrees'); // only the mother's surname
    expect(s('Flores', 'Rojas', 'Quispe', 'Mamani')).toBe('different');
    expect(s('Flores', null, 'Quispe', 'Mamani')).toBe('different');
    expect(s('', null, 'Quispe', 'Mamani')).toBe('missing');
    // Both surnames written in the one field.
    expect(s('Quispe Mamani', null, 'Quispe', 'Mamani')).toBe('both_agree');
    // A lone second surname is taken as the first.
    expect(s('', 'Quispe', 'Quispe', 'Mamani')).toBe('first_agrees_second_missing');
  });

  it('ranks the surname levels', () => {
    const w = W.surnames;
    expect(w.both_agree!).toBeGreaterThan(w.both_similar!);
    expect(w.both_similar!).toBeGreaterThan(w.both_agree_swapped!);
    expect(w.first_agrees_second_missing!).toBeGreaterThan(0);
    expect(w.one_agrees!).toBeLessThan(0);
    expect(w.different!).toBeLessThan(w.one_agrees!);
  });

  it('levels of the given names', () => {
    const g = (a: string, b: string) => outcome('givenNames', { givenNames: a }, { givenNames: b });
    expect(g('María Luz', 'MARIA LUZ')).toBe('exact');
    expect(g('Killa', 'Quilla')).toBe('phonetic');
    expect(g('Lourdes', 'Lurdes')).toBe('phonetic');
    expect(g('Lourdes', 'Lourdse')).toBe('similar');
    expect(g('Juan Carlos', 'Juan Calros')).toBe('similar');
    expect(g('María Luz', 'Maria')).toBe('first_name');
    expect(g('Maria', 'María Luz')).toBe('first_name');
    expect(g('Luz Marina', 'Luz Clarita')).toBe('one_name');
    expect(g('Marina', 'Luz Marina')).toBe('one_name');
    expect(g('Rosa', 'Illari')).toBe('different');
    expect(g('RN', 'Illari')).toBe('missing');
  });

  it('levels of sex and territory', () => {
    expect(outcome('sex', {}, {})).toBe('agree');
    expect(outcome('sex', { sex: 'male' }, {})).toBe('disagree');
    expect(outcome('sex', { sex: null }, {})).toBe('missing');
    const t = (a: string | null, b: string | null) =>
      outcome('territory', { territoryCode: a }, { territoryCode: b });
    expect(t('050101', '0501010003')).toBe('same_district');
    expect(t('0501010007', '0501010003')).toBe('same_district');
    expect(t('050102', '050101')).toBe('same_province');
    expect(t('050201', '050101')).toBe('same_region');
    expect(t('0501', '050101')).toBe('same_province');
    expect(t('080101', '050101')).toBe('different');
    expect(t(null, '050101')).toBe('missing');
    expect(t('x', '050101')).toBe('missing');
  });

  it('uses the parameters it is given', () => {
    const params = {
      ...DEFAULT_LINKAGE_PARAMETERS,
      sex: { agree: { m: 0.9, u: 0.45 }, disagree: { m: 0.1, u: 0.55 } },
    };
    expect(compareRecords(rosa, rosa, params).reasons[3]!.weight).toBe(1);
  });
});

describe('birthDateNumber', () => {
  it('reads YYYY-MM-DD and refuses what is not a date', () => {
    expect(birthDateNumber('2021-03-07')).toBe(20210307);
    expect(birthDateNumber('2024-02-29')).toBe(20240229);
    expect(birthDateNumber('2023-02-29')).toBe(0);
    expect(birthDateNumber('07/03/2021')).toBe(0);
    expect(birthDateNumber(null)).toBe(0);
  });
});
