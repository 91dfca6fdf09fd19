import { describe, expect, it } from 'vitest';
import { bestMatches, LinkIndex } from './blocking';
import { decideLink } from './decide';
import { DEFAULT_LINKAGE_PARAMETERS } from './parameters';
import type { LinkPerson, LinkReason, LinkRecord, LinkScore } from './types';

const rosa: LinkPerson = {
  id: 'rosa',
  givenNames: 'Rosa Killa',
  firstSurname: 'Quispe',
  secondSurname: 'Mamani',
  sex: 'female',
  birthDate: '2021-03-07',
  territoryCode: '0501010003',
};
// Her twin sister, an elder brother, and a namesake of her mother's generation elsewhere.
const illari: LinkPerson = { ...rosa, id: 'illari', givenNames: 'Illari' };
const juan: LinkPerson = { ...rosa, id: 'juan', givenNames: 'Juan', sex: 'male', birthDate: '2017-10-02' };
const namesake: LinkPerson = {
  ...rosa,
  id: 'namesake',
  secondSurname: 'Flores',
  birthDate: '1990-03-07',
  territoryCode: '080101',
};

function decide(record: LinkRecord) {
  const index = new LinkIndex();
  for (const p of [rosa, illari, juan, namesake]) index.add(p);
  const scores = bestMatches(index, record, 5);
  return { ...decideLink(scores), scores };
}

const score = (personId: string, weight: number, reasons: LinkReason[] = []): LinkScore => ({
  personId,
  weight,
  reasons,
});

describe('decideLink on crafted records', () => {
  it('links a true match with a typo and a Quechua spelling', () => {
    const d = decide({ ...rosa, givenNames: 'Rosa Kila', firstSurname: 'Kispe', territoryCode: '050101' });
    expect(d.decision).toBe('link');
    expect(d.best!.personId).toBe('rosa');
  });

  it('links a true match with surnames swapped and day and month swapped', () => {
    const d = decide({ ...rosa, firstSurname: 'Mamani', secondSurname: 'Quispe', birthDate: '2021-07-03' });
    expect(d.decision).toBe('link');
    expect(d.best!.personId).toBe('rosa');
  });

  it('does not link same surnames, date and home with different given names', () => {
    const d = decide({ ...rosa, givenNames: 'Nayra' });
    expect(d.decision).not.toBe('link');
  });

  it('tells twins apart by their given names', () => {
    const d = decide({ ...illari });
    expect(d.decision).toBe('link');
    expect(d.best!.personId).toBe('illari');
    expect(d.runnerUp!.personId).toBe('rosa');
  });

  it('sends a record that fits both twins to review (runner-up within the margin)', () => {
    const d = decide({ ...rosa, givenNames: 'RN' });
    expect(d.best!.weight).toBeGreaterThanOrEqual(DEFAULT_LINKAGE_PARAMETERS.thresholds.upper);
    expect(d.best!.weight - d.runnerUp!.weight).toBeLessThan(DEFAULT_LINKAGE_PARAMETERS.thresholds.margin);
    expect(d.decision).toBe('review');
  });

  it('does not link a namesake born elsewhere in another year', () => {
    const d = decide({
      ...namesake,
      secondSurname: 'Mamani',
      birthDate: '1990-05-20',
      territoryCode: '080101',
    });
    expect(d.decision).toBe('non_link');
  });
});

describe('decideLink thresholds', () => {
  const { upper, lower, margin } = DEFAULT_LINKAGE_PARAMETERS.thresholds;
  it('links at the upper threshold, reviews between the two, no link below the lower', () => {
    expect(decideLink([]).decision).toBe('non_link');
    expect(decideLink([score('a', upper)]).decision).toBe('link');
    expect(decideLink([score('a', upper - 0.01)]).decision).toBe('review');
    expect(decideLink([score('a', lower)]).decision).toBe('review');
    expect(decideLink([score('a', lower - 0.01)]).decision).toBe('non_link');
  });
  it('reviews a would-be link whose runner-up is within the margin', () => {
    const best = score('a', upper + 10);
    expect(decideLink([best, score('b', upper + 10 - margin)]).decision).toBe('link');
    const close = decideLink([best, score('b', upper + 10 - margin + 0.01)]);
    expect(close).toEqual({ decision: 'review', best, runnerUp: score('b', upper + 10 - margin + 0.01) });
    // The margin does not lift a review or a non-link.
    expect(decideLink([score('a', lower - 1), score('b', lower - 1)]).decision).toBe('non_link');
  });
  it('reviews a would-be link whose given names disagree outright, unless told otherwise', () => {
    const reasons: LinkReason[] = [{ field: 'givenNames', outcome: 'different', weight: -7.61 }];
    expect(decideLink([score('a', upper + 5, reasons)]).decision).toBe('review');
    const params = {
      ...DEFAULT_LINKAGE_PARAMETERS,
      thresholds: { ...DEFAULT_LINKAGE_PARAMETERS.thresholds, linkNeedsGivenNames: false },
    };
    expect(decideLink([score('a', upper + 5, reasons)], params).decision).toBe('link');
  });
});
