import type { EvidenceView, TrackingItemResult } from '@tejido/schemas';
import { describe, expect, it } from 'vitest';
import { groupItems } from './timeline';

function item(
  itemId: string,
  status: TrackingItemResult['status'],
  extra: Partial<TrackingItemResult> = {},
): TrackingItemResult {
  return {
    itemId,
    kind: 'vaccine',
    label: { es: itemId, en: itemId },
    status,
    criticality: 'normal',
    window: { from: 0, due: 0, late: 30 },
    dueDate: '2026-01-01',
    lateDate: '2026-01-31',
    evidenceIds: [],
    daysOverdue: 0,
    missed: false,
    ...extra,
  };
}

function record(id: string, date: string): EvidenceView {
  return {
    id,
    personId: '0190b2c4-7d1e-7000-8000-000000000001',
    kind: 'vaccine_dose',
    date,
    code: 'PENTA',
    dose: null,
    values: null,
    implausible: false,
    source: 'manual',
    sourceRef: null,
    recordedAt: `${date}T15:00:00Z`,
  };
}

describe('groupItems', () => {
  it('puts each item in the group of its status', () => {
    const groups = groupItems(
      [
        item('a', 'overdue', { daysOverdue: 3 }),
        item('b', 'due'),
        item('c', 'upcoming'),
        item('d', 'done'),
        item('e', 'not_applicable', { missed: true }),
      ],
      [],
    );
    expect(groups.overdue.map((i) => i.itemId)).toEqual(['a']);
    expect(groups.due.map((i) => i.itemId)).toEqual(['b']);
    expect(groups.upcoming.map((i) => i.itemId)).toEqual(['c']);
    expect(groups.done.map((d) => d.item.itemId)).toEqual(['d']);
    expect(groups.closed.map((i) => i.itemId)).toEqual(['e']);
  });

  it('shows the longest late first, critical first on a tie', () => {
    const groups = groupItems(
      [
        item('late-5', 'overdue', { daysOverdue: 5 }),
        item('late-40', 'overdue', { daysOverdue: 40 }),
        item('late-5-critical', 'overdue', { daysOverdue: 5, criticality: 'critical' }),
      ],
      [],
    );
    expect(groups.overdue.map((i) => i.itemId)).toEqual(['late-40', 'late-5-critical', 'late-5']);
  });

  it('orders what is due by its limit and what comes by its date', () => {
    const groups = groupItems(
      [
        item('due-later', 'due', { lateDate: '2026-12-20' }),
        item('due-sooner', 'due', { lateDate: '2026-11-30' }),
        item('next-year', 'upcoming', { dueDate: '2027-05-01' }),
        item('next-month', 'upcoming', { dueDate: '2026-12-23' }),
      ],
      [],
    );
    expect(groups.due.map((i) => i.itemId)).toEqual(['due-sooner', 'due-later']);
    expect(groups.upcoming.map((i) => i.itemId)).toEqual(['next-month', 'next-year']);
  });

  it('dates a done item by the latest of its records, and the latest done first', () => {
    const groups = groupItems(
      [
        item('dose-1', 'done', { evidenceIds: ['r1'] }),
        item('three-deliveries', 'done', { evidenceIds: ['r2', 'r4', 'r3'] }),
        item('from-elsewhere', 'done', { evidenceIds: ['unknown'], dueDate: '2025-01-01' }),
      ],
      [
        record('r1', '2026-02-01'),
        record('r2', '2026-03-01'),
        record('r3', '2026-05-01'),
        record('r4', '2026-04-01'),
      ],
    );
    expect(groups.done).toEqual([
      { item: expect.objectContaining({ itemId: 'three-deliveries' }), doneOn: '2026-05-01' },
      { item: expect.objectContaining({ itemId: 'dose-1' }), doneOn: '2026-02-01' },
      { item: expect.objectContaining({ itemId: 'from-elsewhere' }), doneOn: null },
    ]);
  });
});
