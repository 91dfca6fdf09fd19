/**
 * One range of a full recompute (recompute.ts): its persons and their evidence digests read with
 * COPY, evaluated, and their statuses written with COPY into the next status table. Run by
 * the recompute itself on the embedded database and by its worker threads on a server, which
 * load this module and what it imports, nothing more.
 */
import type { CompiledAlertRules } from '@tejido/core';
import type { Database } from '@tejido/db';
import type { PathwaySet } from './pathways';
import {
  digestEvidence,
  digestSql,
  evaluateSubject,
  STATUS_COLUMNS,
  statusCsv,
  statusValues,
  subjectsSql,
  toSubject,
} from './subjects';

/** The table a recompute fills before it replaces tracking_status. */
export const NEXT = 'tracking_status_next';

export interface Range {
  from: string;
  to: string;
}

export interface RangeResult {
  persons: number;
  red: number;
  amber: number;
  green: number;
}

/** Session settings of the recompute workers' connections (see recompute-worker.ts). */
export const RECOMPUTE_SETTINGS = {
  jit: 'off',
  max_parallel_workers_per_gather: '0',
  work_mem: '64MB',
  // A range joins a few thousand persons to their households and territories: index lookups. On
  // a national registry the planner would rather hash the whole household table for every range.
  enable_hashjoin: 'off',
  enable_mergejoin: 'off',
} as const;

/** Split a COPY CSV line; the values of these queries never hold a quote but reasons might. */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new Error('unterminated quoted CSV field');
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(value);
      i++; // the comma
    } else {
      const c = line.indexOf(',', i);
      const end = c < 0 ? line.length : c;
      out.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return out;
}

function csvLines(text: string): string[] {
  const lines = text.split('\n');
  lines.shift(); // header
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/**
 * Read, evaluate and write one range of persons into the next status table: the subjects and
 * their evidence digests (migration 0003), both in person order, merged as they are walked;
 * with alert rules, each status lists the rule alert types that fire.
 */
export async function processRange(
  database: Database,
  set: PathwaySet,
  asOf: string,
  range: Range,
  alertRules?: CompiledAlertRules,
): Promise<RangeResult> {
  const filter = { kind: 'range', from: range.from, to: range.to } as const;
  // Two reads in person order, merged here: the digests of a range are one index range scan over
  // a table stored in person order, where a lookup per person cost a million random page reads.
  const [subjectsText, digestText] = await Promise.all([
    database.copyOut(subjectsSql(asOf, filter)),
    database.copyOut(digestSql(filter)),
  ]);
  const digests = csvLines(digestText);
  const subjects = csvLines(subjectsText);
  const result: RangeResult = { persons: 0, red: 0, amber: 0, green: 0 };
  if (subjects.length === 0) return result;
  // Statuses are evaluated as COPY asks for them, a few hundred at a time: the server stores one
  // batch while the next is evaluated, and no batch outlives its write.
  function* statuses(): Generator<string> {
    let d = 0;
    let batch: string[] = [];
    for (const line of subjects) {
      const s = toSubject(splitCsvLine(line));
      // A digest line is the person id, a comma and the records (which hold no comma or quote).
      while (d < digests.length && digests[d]!.slice(0, 36) < s.personId) d++;
      const records = d < digests.length && digests[d]!.startsWith(s.personId) ? digests[d]!.slice(37) : null;
      const { result: r, pathway } = evaluateSubject(set, s, digestEvidence(records), asOf, true, alertRules);
      result.persons++;
      result[r.light]++;
      batch.push(statusCsv(statusValues(s, r, pathway)));
      if (batch.length === COPY_BATCH) {
        yield batch.join('');
        batch = [];
      }
    }
    if (batch.length > 0) yield batch.join('');
  }
  await database.copyIn(NEXT, STATUS_COLUMNS, statuses());
  return result;
}

/** Statuses per COPY write. */
const COPY_BATCH = 500;
