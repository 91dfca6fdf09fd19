import { describe, expect, it } from 'vitest';
import { bestMatches, type LinkageCounters, LinkIndex } from './blocking';
import { DEFAULT_LINKAGE_PARAMETERS } from './parameters';
import type { LinkPerson } from './types';

const GIVEN = ['Rosa', 'Juana', 'Illari', 'Killa', 'Edwin', 'Wilber', 'Nayra', 'Inti', 'Sonia', 'Percy'];
const SURNAMES = [
  'Quispe',
  'Mamani',
  'Huamán',
  'Condori',
  'Flores',
  'Ccori',
  'Taipe',
  'Sulca',
  'Yauri',
  'Conde',
];

/** A registry of n persons with varied names, dates and districts, deterministic. */
function filler(n: number, prefix = 'f'): LinkPerson[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}${i}`,
    givenNames: GIVEN[i % 10]!,
    firstSurname: SURNAMES[Math.floor(i / 10) % 10]!,
    secondSurname: SURNAMES[Math.floor(i / 100) % 10]!,
    sex: i % 2 === 0 ? 'female' : 'male',
    birthDate: `${1950 + (i % 70)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
    territoryCode: `05${String(1 + (i % 9)).padStart(2, '0')}0${1 + (i % 5)}`,
  }));
}

const rosa: LinkPerson = {
  id: 'rosa',
  givenNames: 'Rosa Killa',
  firstSurname: 'Quispe',
  secondSurname: 'Mamani',
  sex: 'female',
  birthDate: '2021-03-07',
  territoryCode: '0501010003',
};

function indexWith(persons: LinkPerson[], params = DEFAULT_LINKAGE_PARAMETERS): LinkIndex {
  const index = new LinkIndex(params);
  for (const p of persons) index.add(p);
  return index;
}

describe('LinkIndex', () => {
  it('keeps the persons as added', () => {
    const index = indexWith([rosa, { id: 'x', givenNames: 'RN', firstSurname: '', secondSurname: 'Ccori' }]);
    expect(index.size).toBe(2);
    expect(index.has('rosa')).toBe(true);
    expect(index.person('rosa')).toEqual(rosa);
    expect(index.person('x')).toEqual({
      id: 'x',
      givenNames: 'RN',
      firstSurname: 'Ccori',
      secondSurname: null,
      sex: null,
      birthDate: null,
      territoryCode: null,
    });
    expect(index.person('nobody')).toBeUndefined();
    expect(() => index.add(rosa)).toThrow(RangeError);
  });

  it('finds a person through whichever pass the record still fits', () => {
    const index = indexWith([...filler(300), rosa]);
    const finds = (changes: Partial<LinkPerson>) => {
      const record: LinkPerson = { ...rosa, ...changes };
      return index.candidates(record).includes('rosa');
    };
    // Surnames misspelt beyond phonetics: given name + date, or date + sex + province.
    expect(finds({ firstSurname: 'Qiuspe', secondSurname: 'Mamnai' })).toBe(true);
    // Date missing: surnames + given name.
    expect(finds({ birthDate: null })).toBe(true);
    // Day and month swapped, given names mistyped: surnames + year + sex.
    expect(finds({ birthDate: '2021-07-03', givenNames: 'Rsoa' })).toBe(true);
    // Second surname missing, date a few days off: first surname + given name + year.
    expect(finds({ secondSurname: null, birthDate: '2021-03-09', territoryCode: null })).toBe(true);
    // Only the mother's surname, date off: second surname + given name + year.
    expect(finds({ firstSurname: 'Mamani', secondSurname: null, birthDate: '2021-03-09' })).toBe(true);
    // Nothing in common with anyone.
    expect(
      index.candidates({ givenNames: 'Zoila', firstSurname: 'Zapata', birthDate: '1930-01-01' }),
    ).toEqual([]);
  });

  it('scores the best candidates first and can leave a person out', () => {
    const twin = { ...rosa, id: 'twin', givenNames: 'Illari' };
    const index = indexWith([...filler(300), rosa, twin]);
    const scores = bestMatches(index, { ...rosa, givenNames: 'Rosa Kila' }, 3);
    expect(scores[0]!.personId).toBe('rosa');
    expect(scores[1]!.personId).toBe('twin');
    expect(scores[0]!.weight).toBeGreaterThan(scores[1]!.weight);
    expect(scores[0]!.reasons.map((r) => r.outcome)).toEqual([
      'similar',
      'both_agree',
      'exact',
      'agree',
      'same_district',
    ]);
    const dup = bestMatches(index, index.person('rosa')!, 3, { excludePersonId: 'rosa' });
    expect(dup.map((s) => s.personId)).not.toContain('rosa');
    expect(dup[0]!.personId).toBe('twin');
    expect(bestMatches(index, rosa, 0)).toEqual([]);
  });

  it('finds persons added after the blocks were built, a few or many', () => {
    const index = indexWith(filler(100));
    index.build();
    index.add(rosa);
    expect(bestMatches(index, rosa, 1)[0]!.personId).toBe('rosa');
    for (const p of filler(5000, 'g')) index.add(p);
    index.add({ ...rosa, id: 'late' });
    expect(index.candidates(rosa)).toEqual(expect.arrayContaining(['rosa', 'late']));
  });

  it('skips blocks over the cap and counts them', () => {
    const params = { ...DEFAULT_LINKAGE_PARAMETERS, blocking: { maxBlockSize: 2 } };
    const index = indexWith(
      [1, 2, 3].map((i) => ({ ...rosa, id: `r${i}`, givenNames: GIVEN[i]! })),
      params,
    );
    const counters: LinkageCounters = { candidates: 0, cappedBlocks: 0 };
    expect(bestMatches(index, { ...rosa, givenNames: 'Sonia' }, 3, { counters })).toEqual([]);
    expect(counters.cappedBlocks).toBeGreaterThan(0);
    expect(counters.candidates).toBe(0);
  });

  it('weighs agreement on a common surname less than on a rare one', () => {
    const common = filler(1200).map((p) => ({ ...p, firstSurname: 'Quispe' }));
    const rare: LinkPerson = { ...rosa, id: 'rare', firstSurname: 'Tincopa', secondSurname: 'Ochatoma' };
    const usual: LinkPerson = { ...rosa, id: 'usual', secondSurname: 'Quispe' };
    const index = indexWith([...common, rare, usual]);
    const weightOf = (p: LinkPerson) =>
      bestMatches(index, p, 5)
        .find((s) => s.personId === p.id)!
        .reasons.find((r) => r.field === 'surnames')!.weight;
    expect(weightOf(rare)).toBeGreaterThan(weightOf(usual));
    // Without frequencies both weigh the level's log2(m/u).
    const plain = indexWith([...common, rare, usual], {
      ...DEFAULT_LINKAGE_PARAMETERS,
      frequency: { ...DEFAULT_LINKAGE_PARAMETERS.frequency, enabled: false },
    });
    const plainWeight = (p: LinkPerson) =>
      bestMatches(plain, p, 5)
        .find((s) => s.personId === p.id)!
        .reasons.find((r) => r.field === 'surnames')!.weight;
    expect(plainWeight(rare)).toBe(plainWeight(usual));
  });

  it('summarises its blocks', () => {
    const summary = indexWith([...filler(50), rosa]).blockingSummary();
    expect(summary).toHaveLength(6);
    for (const pass of summary) expect(pass.largest).toBeGreaterThan(0);
  });
});
