import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareRecords } from './compare';
import type { LinkRecord } from './types';

const NAMES = [
  'Rosa',
  'María Luz',
  'Killa',
  'Juan Carlos',
  'Illari',
  'Wilber',
  'Ñaupa',
  'De La Cruz',
  'Quispe',
  'Ccori',
];
const name = fc.oneof(
  fc.constantFrom(...NAMES),
  fc.string({ unit: fc.constantFrom(...'aáeéiíoóuñqkchwlly -.'), minLength: 0, maxLength: 12 }),
);
const record: fc.Arbitrary<LinkRecord> = fc.record({
  givenNames: name,
  firstSurname: name,
  secondSurname: fc.option(name, { nil: null }),
  sex: fc.constantFrom('female' as const, 'male' as const, null),
  birthDate: fc.option(
    fc
      .date({ min: new Date('1940-01-01'), max: new Date('2025-12-31'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10)),
    { nil: null },
  ),
  territoryCode: fc.option(fc.stringMatching(/^(\d{2}|\d{4}|\d{6}|\d{10})$/), { nil: null }),
});

/** Errors of real files: a letter changed, a field dropped or moved. */
function perturb(r: LinkRecord, kind: number, at: number): LinkRecord {
  const typo = (s: string | undefined) => {
    if (!s) return s;
    const i = at % (s.length + 1);
    return `${s.slice(0, i)}x${s.slice(i + 1)}`;
  };
  switch (kind) {
    case 0:
      return { ...r, givenNames: typo(r.givenNames) };
    case 1:
      return { ...r, firstSurname: typo(r.firstSurname) };
    case 2:
      return { ...r, secondSurname: null };
    case 3:
      return { ...r, firstSurname: r.secondSurname ?? '', secondSurname: r.firstSurname ?? null };
    case 4:
      return r.birthDate
        ? { ...r, birthDate: `${r.birthDate.slice(0, 5)}${r.birthDate.slice(8)}-${r.birthDate.slice(5, 7)}` }
        : r;
    case 5:
      return { ...r, birthDate: null, sex: null };
    case 6:
      return { ...r, territoryCode: r.territoryCode ? `${r.territoryCode.slice(0, 4)}99` : null };
    default:
      return { ...r, givenNames: (r.givenNames ?? '').split(' ')[0] };
  }
}

describe('compareRecords properties', () => {
  it('scores a record against itself at least as high as against any perturbed copy, always finite', () => {
    fc.assert(
      fc.property(record, fc.nat({ max: 7 }), fc.nat(), (r, kind, at) => {
        const self = compareRecords(r, r);
        const other = compareRecords(r, perturb(r, kind, at));
        expect(Number.isFinite(self.weight)).toBe(true);
        expect(Number.isFinite(other.weight)).toBe(true);
        expect(self.weight).toBeGreaterThanOrEqual(other.weight);
      }),
      { numRuns: 500 },
    );
  });
});
