import type { EvidenceView, TrackingItemResult } from '@tejido/schemas';

/**
 * A person's care pathway as the field worker acts on it: what is late first, then what is
 * due now, what comes next, what was done (with the day it was done) and what no longer
 * applies (items closed without evidence, or whose condition does not hold).
 */
export interface DoneItem {
  item: TrackingItemResult;
  /** The day of the record that completed the item; null when the record is not in the list. */
  doneOn: string | null;
}

export interface TimelineGroups {
  /** Most days late first; critical items before normal ones on the same day. */
  overdue: TrackingItemResult[];
  /** The nearest limit (lateDate) first. */
  due: TrackingItemResult[];
  /** The soonest first. */
  upcoming: TrackingItemResult[];
  /** The most recently done first. */
  done: DoneItem[];
  /** Missed (window closed without evidence) or not applicable, the latest first. */
  closed: TrackingItemResult[];
}

const byCriticality = (a: TrackingItemResult, b: TrackingItemResult) =>
  (a.criticality === 'critical' ? 0 : 1) - (b.criticality === 'critical' ? 0 : 1);

/** The day an item was completed: the latest of its records (the n-th dose, the last of a count). */
function doneOn(item: TrackingItemResult, dates: Map<string, string>): string | null {
  let latest: string | null = null;
  for (const id of item.evidenceIds) {
    const date = dates.get(id);
    if (date && (latest === null || date > latest)) latest = date;
  }
  return latest;
}

export function groupItems(items: TrackingItemResult[], evidence: EvidenceView[]): TimelineGroups {
  const dates = new Map(evidence.map((e) => [e.id, e.date]));
  const groups: TimelineGroups = { overdue: [], due: [], upcoming: [], done: [], closed: [] };
  for (const item of items) {
    switch (item.status) {
      case 'overdue':
        groups.overdue.push(item);
        break;
      case 'due':
        groups.due.push(item);
        break;
      case 'upcoming':
        groups.upcoming.push(item);
        break;
      case 'done':
        groups.done.push({ item, doneOn: doneOn(item, dates) });
        break;
      case 'not_applicable':
        groups.closed.push(item);
        break;
    }
  }
  groups.overdue.sort((a, b) => b.daysOverdue - a.daysOverdue || byCriticality(a, b));
  groups.due.sort((a, b) => a.lateDate.localeCompare(b.lateDate) || byCriticality(a, b));
  groups.upcoming.sort((a, b) => a.dueDate.localeCompare(b.dueDate));
  groups.done.sort((a, b) => (b.doneOn ?? b.item.dueDate).localeCompare(a.doneOn ?? a.item.dueDate));
  groups.closed.sort((a, b) => b.dueDate.localeCompare(a.dueDate));
  return groups;
}
