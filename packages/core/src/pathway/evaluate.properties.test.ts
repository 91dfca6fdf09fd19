import { readFileSync } from 'node:fs';
import type { EvidenceKind, Pathway } from '@tejido/schemas';
import { parsePathway } from '@tejido/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../dates';
import { evaluatePathway, type TrackedPerson, type TrackingEvidence } from './evaluate';

const DIR = new URL('../../../../config/pathways/', import.meta.url);
const load = (name: string) => parsePathway(readFileSync(new URL(name, DIR), 'utf8'), name);
const PATHWAYS = {
  child2025: load('pe-minsa-child-2025.yaml'),
  child2017: load('pe-minsa-child-2017.yaml'),
  pregnancy: load('pe-minsa-pregnancy-2024.yaml'),
};
const ANCHOR = '2023-01-01';
const RANK = { green: 0, amber: 1, red: 2 } as const;

/**
 * Evidence that can only help: it satisfies items but carries no measured value, so it cannot
 * reveal a risk (a hemoglobin or a measurement may, rightly, make a light worse).
 */
function helpfulEvidence(pathway: Pathway, maxDay: number): fc.Arbitrary<TrackingEvidence> {
  const kinds = new Map<EvidenceKind, string[]>();
  for (const item of pathway.items) {
    const codes = kinds.get(item.satisfiedBy.kind) ?? [];
    for (const code of item.satisfiedBy.codes ?? []) if (!codes.includes(code)) codes.push(code);
    kinds.set(item.satisfiedBy.kind, codes);
  }
  const helpful = [...kinds.entries()].filter(([kind]) => kind !== 'hemoglobin' && kind !== 'measurement');
  return fc
    .record({
      kindIndex: fc.nat({ max: helpful.length - 1 }),
      codeIndex: fc.nat(),
      day: fc.integer({ min: -10, max: maxDay }),
      dose: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
      id: fc.uuid(),
    })
    .map(({ kindIndex, codeIndex, day, dose, id }) => {
      const [kind, codes] = helpful[kindIndex]!;
      const ev: TrackingEvidence = { id, kind, date: addDays(ANCHOR, day) };
      if (codes.length > 0) ev.code = codes[codeIndex % codes.length];
      if (dose !== undefined && kind === 'vaccine_dose') ev.dose = dose;
      return ev;
    });
}

/** Any evidence, measured values included. */
function anyEvidence(pathway: Pathway, maxDay: number): fc.Arbitrary<TrackingEvidence> {
  return fc.oneof(
    helpfulEvidence(pathway, maxDay),
    fc
      .record({
        day: fc.integer({ min: 0, max: maxDay }),
        hb: fc.double({ min: 6, max: 16, noNaN: true }),
        id: fc.uuid(),
      })
      .map(
        ({ day, hb, id }): TrackingEvidence => ({
          id,
          kind: 'hemoglobin',
          date: addDays(ANCHOR, day),
          values: { hbGdl: hb },
        }),
      ),
    fc
      .record({
        day: fc.integer({ min: 0, max: maxDay }),
        weightKg: fc.double({ min: 2, max: 20, noNaN: true }),
        lengthCm: fc.double({ min: 45, max: 110, noNaN: true }),
        id: fc.uuid(),
      })
      .map(
        ({ day, weightKg, lengthCm, id }): TrackingEvidence => ({
          id,
          kind: 'measurement',
          date: addDays(ANCHOR, day),
          values: { weightKg, lengthCm },
        }),
      ),
  );
}

interface ChildFacts {
  sex: 'male' | 'female';
  altitudeM: number;
  amazon: boolean;
  hasIdentityDocument: boolean;
  birthWeightKg: number | undefined;
  motherAgeYears: number | undefined;
}

const childPerson: fc.Arbitrary<ChildFacts> = fc.record({
  sex: fc.constantFrom('male' as const, 'female' as const),
  altitudeM: fc.integer({ min: 0, max: 4500 }),
  amazon: fc.boolean(),
  hasIdentityDocument: fc.boolean(),
  birthWeightKg: fc.option(fc.double({ min: 1.5, max: 4.5, noNaN: true }), { nil: undefined }),
  motherAgeYears: fc.option(fc.integer({ min: 13, max: 45 }), { nil: undefined }),
});

function asChild(p: ChildFacts): TrackedPerson {
  return { id: 'p', kind: 'child', birthDate: ANCHOR, ...p, documentIssuedOn: null };
}

const cases = [
  { name: 'child (2025)', pathway: PATHWAYS.child2025, maxDay: 1500, person: childPerson.map(asChild) },
  { name: 'child (2017)', pathway: PATHWAYS.child2017, maxDay: 1500, person: childPerson.map(asChild) },
  {
    name: 'pregnancy',
    pathway: PATHWAYS.pregnancy,
    maxDay: 300,
    person: fc
      .record({
        altitudeM: fc.integer({ min: 0, max: 4500 }),
        motherAgeYears: fc.integer({ min: 13, max: 45 }),
      })
      .map(
        (p): TrackedPerson => ({
          id: 'p',
          kind: 'pregnancy',
          lastMenstrualPeriod: ANCHOR,
          hasIdentityDocument: true,
          ...p,
        }),
      ),
  },
];

describe.each(cases)('properties: $name', ({ pathway, maxDay, person }) => {
  it('adding evidence never makes the light worse', () => {
    fc.assert(
      fc.property(
        person,
        fc.array(helpfulEvidence(pathway, maxDay), { maxLength: 30 }),
        helpfulEvidence(pathway, maxDay),
        fc.integer({ min: 0, max: maxDay }),
        (p, base, extra, day) => {
          const asOf = addDays(ANCHOR, day);
          const before = evaluatePathway(p, base, pathway, asOf);
          const after = evaluatePathway(p, [...base, extra], pathway, asOf);
          expect(RANK[after.light]).toBeLessThanOrEqual(RANK[before.light]);
          // Item by item: a done item stays done.
          before.items.forEach((item, i) => {
            if (item.status === 'done') expect(after.items[i]!.status).toBe('done');
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('moving the date later never turns an overdue item back into due', () => {
    fc.assert(
      fc.property(
        person,
        fc.array(anyEvidence(pathway, maxDay), { maxLength: 30 }),
        fc.integer({ min: 0, max: maxDay }),
        fc.integer({ min: 1, max: 400 }),
        (p, ev, day, later) => {
          const first = evaluatePathway(p, ev, pathway, addDays(ANCHOR, day));
          const second = evaluatePathway(p, ev, pathway, addDays(ANCHOR, day + later));
          first.items.forEach((item, i) => {
            if (item.status === 'overdue') expect(second.items[i]!.status).not.toBe('due');
            if (item.status === 'done') expect(second.items[i]!.status).toBe('done');
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives a light and reasons that agree: green has no reason, red and amber have one', () => {
    fc.assert(
      fc.property(
        person,
        fc.array(anyEvidence(pathway, maxDay), { maxLength: 30 }),
        fc.integer({ min: 0, max: maxDay }),
        (p, ev, day) => {
          const result = evaluatePathway(p, ev, pathway, addDays(ANCHOR, day));
          expect(result.reasons.length === 0).toBe(result.light === 'green');
          expect(result.items).toHaveLength(pathway.items.length);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('gives the same light, urgency, risks, reasons and open items in summary mode', () => {
    fc.assert(
      fc.property(
        person,
        fc.array(anyEvidence(pathway, maxDay), { maxLength: 30 }),
        fc.integer({ min: 0, max: maxDay }),
        (p, ev, day) => {
          const asOf = addDays(ANCHOR, day);
          const full = evaluatePathway(p, ev, pathway, asOf);
          const summary = evaluatePathway(p, ev, pathway, asOf, { summary: true });
          const { items, ...rest } = full;
          expect(summary).toEqual({
            ...rest,
            items: items.filter((i) => i.status === 'due' || i.status === 'overdue'),
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});
