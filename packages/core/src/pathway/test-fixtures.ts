/**
 * Builders for the tests and the benchmark of the evaluation (not exported by the package).
 * Pure: the callers read the pathway files.
 */
import type { EvidenceKind, Pathway } from '@tejido/schemas';
import { addDays } from '../dates';
import type { TrackedPerson, TrackingEvidence } from './evaluate';

let sequence = 0;

/** An evidence record with a fresh id. */
export function evidence(
  kind: EvidenceKind,
  date: string,
  extra: Partial<Omit<TrackingEvidence, 'kind' | 'date'>> = {},
): TrackingEvidence {
  sequence += 1;
  return { id: `ev-${sequence}`, kind, date, ...extra };
}

export function child(overrides: Partial<TrackedPerson> = {}): TrackedPerson {
  return {
    id: 'child-1',
    kind: 'child',
    birthDate: '2024-01-01',
    sex: 'female',
    altitudeM: 150,
    hasIdentityDocument: true,
    documentIssuedOn: '2024-01-10',
    ...overrides,
  };
}

export function pregnancy(overrides: Partial<TrackedPerson> = {}): TrackedPerson {
  return {
    id: 'pregnancy-1',
    kind: 'pregnancy',
    lastMenstrualPeriod: '2024-01-01',
    altitudeM: 150,
    hasIdentityDocument: true,
    motherAgeYears: 26,
    ...overrides,
  };
}

/**
 * Evidence that satisfies every item of the pathway whose window has opened by `age` (days for
 * a child, weeks for a pregnancy), each on the first day of its window, except the items named.
 * Items with a condition get their evidence too (it is harmless where they do not apply).
 */
export function completeEvidence(
  pathway: Pathway,
  anchorDate: string,
  age: number,
  except: readonly string[] = [],
): TrackingEvidence[] {
  const out: TrackingEvidence[] = [];
  for (const item of pathway.items) {
    if (item.window.from > age || except.includes(item.id)) continue;
    const days = item.appliesTo === 'pregnancy' ? item.window.from * 7 : item.window.from;
    const req = item.satisfiedBy;
    const code = req.codes?.[0];
    const base: Partial<TrackingEvidence> = code === undefined ? {} : { code };
    if (req.kind === 'hemoglobin') base.values = { hbGdl: 13.5 };
    // A record naming its dose number satisfies dose n on its own, whatever came before.
    if (req.dose !== undefined) base.dose = req.dose;
    const copies = req.count ?? 1;
    for (let k = 0; k < copies; k++) {
      out.push(evidence(req.kind, addDays(anchorDate, days + k * (req.minIntervalDays ?? 1)), base));
    }
  }
  return out;
}
