/**
 * Storing what linked records say, once the person is known: evidence through the tracking
 * module, school records, and for births the child's identity number through the registry.
 */
import { uuidv7 } from '@tejido/core';
import type { DB } from '@tejido/db';
import type { IncomingRecord, RowIssue } from '@tejido/schemas';
import { sql, type Transaction } from 'kysely';
import type { Actor } from '../access/actor';
import { assignIssuedDocument, type LinkablePerson } from '../registry/lookup';
import { type EvidenceForPerson, recordEvidenceBatch } from '../tracking/bulk';

export interface LinkedRecord {
  record: Exclude<IncomingRecord, { rejected: RowIssue[] }>;
  person: LinkablePerson;
  /** For a record linked after being held: a suffix making its source reference new (a relink). */
  sourceRefSuffix?: string;
}

export interface ApplyContext {
  batchId: string | null;
  actor: Actor;
  evidenceSource: EvidenceForPerson['source'];
  fieldNames: { date: string; kind: string };
}

export interface ApplyResult {
  imported: number;
  duplicates: number;
  issues: RowIssue[];
  persons: Set<string>;
  /** Evidence ids stored, by position in the input (for record links). */
  stored: Map<number, string[]>;
}

export async function applyLinked(
  trx: Transaction<DB>,
  linked: readonly LinkedRecord[],
  ctx: ApplyContext,
): Promise<ApplyResult> {
  const result: ApplyResult = {
    imported: 0,
    duplicates: 0,
    issues: [],
    persons: new Set(),
    stored: new Map(),
  };
  const evidence: EvidenceForPerson[] = [];
  const evidenceOf: number[] = [];
  const school: Array<{ index: number; l: LinkedRecord }> = [];
  for (const [index, l] of linked.entries()) {
    const r = l.record;
    if ('evidence' in r) {
      evidence.push({
        personId: l.person.id,
        sex: l.person.sex,
        birthDate: l.person.birthDate,
        ...r.evidence,
        sourceRef: r.evidence.sourceRef + (l.sourceRefSuffix ?? ''),
        source: ctx.evidenceSource,
      });
      evidenceOf.push(index);
    } else if ('school' in r) {
      school.push({ index, l });
    } else {
      const birth = r.birth;
      // A newborn's identity number, if issued: the registry learns it, and the pathway's
      // "document within 30 days" item is met on the day it was issued.
      if (r.person.documentNumber && r.person.documentType !== 'CE') {
        if (!l.person.documentNumber) {
          await assignIssuedDocument(trx, ctx.actor, l.person.id, {
            type: 'CUI',
            number: r.person.documentNumber,
            checkDigit: r.person.documentCheckDigit,
          });
        }
        evidence.push({
          personId: l.person.id,
          sex: l.person.sex,
          birthDate: l.person.birthDate,
          kind: 'document_issued',
          code: 'CUI',
          date: birth.issuedOn ?? l.person.birthDate,
          source: 'reniec',
          sourceRef: birth.sourceRef + (l.sourceRefSuffix ?? ''),
        });
        evidenceOf.push(index);
      } else {
        // Linked, with nothing new for the pathway: the birth is known.
        result.imported += 1;
      }
    }
  }
  if (evidence.length > 0) {
    const stored = await recordEvidenceBatch(trx, evidence, {
      recordedBy: ctx.actor.kind === 'user' ? ctx.actor.id : null,
      batchId: ctx.batchId,
    });
    result.imported += stored.inserted;
    result.duplicates += stored.duplicates.length;
    for (const id of stored.persons) result.persons.add(id);
    for (const [k, ids] of stored.ids) result.stored.set(evidenceOf[k]!, ids);
    for (const refusal of stored.refused) {
      const l = linked[evidenceOf[refusal.index]!]!;
      result.issues.push({
        line: l.record.line,
        field: refusal.field === 'date' ? ctx.fieldNames.date : ctx.fieldNames.kind,
        code: 'CONFLICT',
        reason: refusal.reason,
      });
    }
  }
  if (school.length > 0) {
    const ids = school.map(() => uuidv7());
    const rows = await sql<{ id: string; person_id: string }>`
      INSERT INTO school_record (id, person_id, household_id, school_code, institution_id, period, grade, enrolled,
                                 attendance_days, school_days, source_ref, batch_id)
      SELECT t.id, t.person_id, t.household_id, t.school_code, i.id, t.period, t.grade, t.enrolled,
             t.attendance_days, t.school_days, t.source_ref, ${ctx.batchId}::uuid
        FROM unnest(${ids}::uuid[], ${school.map((s) => s.l.person.id)}::uuid[],
                    ${school.map((s) => s.l.person.householdId)}::uuid[],
                    ${school.map((s) => ('school' in s.l.record ? s.l.record.school.schoolCode : ''))}::text[],
                    ${school.map((s) => ('school' in s.l.record ? s.l.record.school.period : ''))}::text[],
                    ${school.map((s) => ('school' in s.l.record ? (s.l.record.school.grade ?? null) : null))}::text[],
                    ${school.map((s) => ('school' in s.l.record ? s.l.record.school.enrolled : false))}::bool[],
                    ${school.map((s) => ('school' in s.l.record ? (s.l.record.school.attendanceDays ?? null) : null))}::int[],
                    ${school.map((s) => ('school' in s.l.record ? (s.l.record.school.schoolDays ?? null) : null))}::int[],
                    ${school.map((s) => ('school' in s.l.record ? s.l.record.school.sourceRef + (s.l.sourceRefSuffix ?? '') : ''))}::text[])
          AS t(id, person_id, household_id, school_code, period, grade, enrolled, attendance_days, school_days, source_ref)
        LEFT JOIN institution i ON i.code = t.school_code AND i.kind = 'school'
      ON CONFLICT (source_ref) DO NOTHING
      RETURNING id, person_id`.execute(trx);
    result.imported += rows.rows.length;
    result.duplicates += school.length - rows.rows.length;
    const storedIds = new Set(rows.rows.map((r) => r.id));
    school.forEach((s, k) => {
      if (storedIds.has(ids[k]!)) result.stored.set(s.index, [ids[k]!]);
    });
  }
  return result;
}

/** Rejected rows of a batch, in the caller's transaction (at most 5,000 a statement). */
export async function insertIssues(trx: Transaction<DB>, batchId: string, issues: RowIssue[]): Promise<void> {
  if (issues.length === 0) return;
  for (let i = 0; i < issues.length; i += 5000) {
    const part = issues.slice(i, i + 5000);
    await sql`
      INSERT INTO import_issue (batch_id, line, field, code, reason, value, resource)
      SELECT ${batchId}::uuid, * FROM unnest(
        ${part.map((x) => x.line)}::int[], ${part.map((x) => x.field ?? null)}::text[],
        ${part.map((x) => x.code)}::text[], ${part.map((x) => x.reason)}::text[],
        ${part.map((x) => (x.value === undefined ? null : x.value.slice(0, 500)))}::text[],
        ${part.map((x) => x.resource ?? null)}::text[])`.execute(trx);
  }
}
