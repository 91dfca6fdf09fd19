/** A held import record (import_record) back as the record it was read as. */
import type { IncomingPerson, IncomingRecord, RowIssue } from '@tejido/schemas';

export interface HeldRow {
  id: string;
  line: number;
  person: unknown;
  payload: unknown;
  status: string;
  candidates: unknown;
}

export function heldRecordOf(
  row: Pick<HeldRow, 'line' | 'person' | 'payload'>,
): Exclude<IncomingRecord, { rejected: RowIssue[] }> {
  const person = row.person as IncomingPerson;
  const payload = row.payload as Record<string, unknown>;
  if (payload.evidence) return { line: row.line, person, evidence: payload.evidence as never };
  if (payload.school) return { line: row.line, person, school: payload.school as never };
  return { line: row.line, person, birth: payload.birth as never };
}
