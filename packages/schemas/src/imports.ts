/**
 * Imports from other systems (health, identity, education): what every reader of a file
 * (CSV/XLSX spreadsheet, FHIR R4 Bundle or NDJSON, births, school) turns each row or resource
 * into, before linkage to a person of the registry and storage.
 */
import { z } from 'zod';
import type { EvidenceKind, EvidenceValues } from './tracking';

export const ImportKind = z.enum(['health', 'fhir', 'births', 'school']);
export type ImportKind = z.infer<typeof ImportKind>;

/** Who a record is about, as the sending system knows them. Every field may be missing. */
export interface IncomingPerson {
  documentType?: 'DNI' | 'CUI' | 'CE';
  documentNumber?: string;
  documentCheckDigit?: string;
  givenNames?: string;
  firstSurname?: string;
  secondSurname?: string;
  sex?: 'female' | 'male';
  /** YYYY-MM-DD */
  birthDate?: string;
  /** District (6 digits) or village (10 digits) ubigeo where the record was taken or the person lives. */
  territoryCode?: string;
  healthInsuranceNumber?: string;
}

/** One piece of evidence as read from a file, already mapped to Tejido's kinds and codes. */
export interface IncomingEvidence {
  kind: EvidenceKind;
  /** YYYY-MM-DD */
  date: string;
  code?: string;
  dose?: number;
  values?: EvidenceValues;
  /** The record's identity in the sending system: importing it again stores it once. */
  sourceRef: string;
}

/** A school enrolment or attendance record for a period (e.g. "2026" or "2026-03"). */
export interface IncomingSchoolRecord {
  schoolCode: string;
  period: string;
  grade?: string;
  enrolled: boolean;
  attendanceDays?: number;
  schoolDays?: number;
  sourceRef: string;
}

/** A birth (newborn live-birth certificate) and, once issued, the child's identity number. */
export interface IncomingBirth {
  certificateNumber: string;
  mother?: IncomingPerson;
  /** When the child's identity number (CUI) was issued, if it was. */
  issuedOn?: string;
  sourceRef: string;
}

/** Why a row, a field or a resource was not imported. */
export const RowIssueCode = z.enum([
  'MISSING',
  'INVALID',
  'UNMAPPED_CODE',
  'NOT_FOUND',
  'UNSUPPORTED',
  'DUPLICATE',
  'CONFLICT',
]);
export type RowIssueCode = z.infer<typeof RowIssueCode>;

export interface RowIssue {
  /** Line of the file (1 is the first line, the header of a spreadsheet); for FHIR, the resource's line or entry. */
  line: number;
  /** The column, or the FHIR element path (e.g. "Immunization.vaccineCode"). */
  field?: string;
  code: RowIssueCode;
  /** In words a data steward understands, in English; the web app translates by code. */
  reason: string;
  /** The offending value, when there is one (e.g. the unmapped code "CVX|999"). */
  value?: string;
  /** For FHIR: the resource type and id the issue is about. */
  resource?: string;
}

/** One readable row or resource: who it is about and what it says, or why it cannot be used. */
export type IncomingRecord =
  | { line: number; person: IncomingPerson; evidence: IncomingEvidence }
  | { line: number; person: IncomingPerson; school: IncomingSchoolRecord }
  | { line: number; person: IncomingPerson; birth: IncomingBirth }
  | { line: number; rejected: RowIssue[] };

// ---------------------------------------------------------------------------------------------
// API shapes

export const ImportBatchView = z.object({
  id: z.string(),
  kind: ImportKind,
  fileName: z.string(),
  fileSha256: z.string(),
  fileBytes: z.number(),
  format: z.enum(['csv', 'xlsx', 'bundle', 'ndjson']),
  encoding: z.string().nullable(),
  delimiter: z.string().nullable(),
  status: z.enum(['running', 'completed', 'failed']),
  startedBy: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  linesDone: z.number(),
  linesTotal: z.number().nullable(),
  counts: z.object({
    read: z.number(),
    imported: z.number().describe('Records stored (evidence, school records, births linked).'),
    duplicates: z.number().describe('Already stored by an earlier import: nothing new.'),
    rejected: z.number().describe('Rows not imported, each with its reasons in the rejects list.'),
    review: z.number().describe('Held for the data steward: a probable match to confirm.'),
    unmatched: z.number().describe('Held: no person found yet; kept for later.'),
    linkedByDocument: z.number(),
    linkedByAttributes: z.number(),
    personsTouched: z.number(),
  }),
  statusesRefreshedAt: z.string().nullable(),
  error: z.string().nullable(),
});
export type ImportBatchView = z.infer<typeof ImportBatchView>;

export const ImportIssueView = z.object({
  line: z.number(),
  field: z.string().nullable(),
  code: RowIssueCode,
  reason: z.string(),
  value: z.string().nullable(),
  resource: z.string().nullable(),
});
export type ImportIssueView = z.infer<typeof ImportIssueView>;

export const LinkReasonView = z.object({ field: z.string(), outcome: z.string(), weight: z.number() });

/** A registry person as the steward compares them. */
export const LinkPersonView = z.object({
  id: z.string(),
  householdId: z.string(),
  householdCode: z.string(),
  givenNames: z.string(),
  firstSurname: z.string(),
  secondSurname: z.string().nullable(),
  sex: z.enum(['female', 'male']),
  birthDate: z.string(),
  document: z.string().nullable(),
  territoryCode: z.string(),
  territoryName: z.string().nullable(),
});
export type LinkPersonView = z.infer<typeof LinkPersonView>;

export const LinkCandidateView = z.object({
  person: LinkPersonView,
  weight: z.number(),
  reasons: z.array(LinkReasonView),
});

export const LinkReviewView = z.object({
  id: z.string(),
  kind: z.literal('import'),
  status: z.enum(['review', 'unmatched', 'linked', 'dismissed']),
  batchId: z.string(),
  fileName: z.string(),
  line: z.number(),
  /** Who the record says it is about. */
  record: z.object({
    givenNames: z.string().nullable(),
    firstSurname: z.string().nullable(),
    secondSurname: z.string().nullable(),
    sex: z.enum(['female', 'male']).nullable(),
    birthDate: z.string().nullable(),
    document: z.string().nullable(),
    territoryCode: z.string().nullable(),
  }),
  /** What it says, in short (e.g. "vaccine_dose PENTA 2 on 2026-03-05"). */
  summary: z.string(),
  bestWeight: z.number().nullable(),
  candidates: z.array(LinkCandidateView),
  linkedPersonId: z.string().nullable(),
  linkId: z.string().nullable(),
  decidedAt: z.string().nullable(),
});
export type LinkReviewView = z.infer<typeof LinkReviewView>;

export const LinkDecision = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('link'), personId: z.uuid() }),
  z.strictObject({ action: z.literal('dismiss'), reason: z.string().trim().min(3).max(500) }),
]);
export type LinkDecision = z.infer<typeof LinkDecision>;

export const LinkRevert = z.strictObject({ reason: z.string().trim().min(3).max(500) });

export const DuplicatePairView = z.object({
  id: z.string(),
  status: z.enum(['open', 'same_person', 'distinct']),
  weight: z.number(),
  reasons: z.array(LinkReasonView),
  a: LinkPersonView,
  b: LinkPersonView,
  foundAt: z.string(),
  decidedAt: z.string().nullable(),
  decisionNote: z.string().nullable(),
});
export type DuplicatePairView = z.infer<typeof DuplicatePairView>;

export const DuplicateDecision = z.strictObject({
  decision: z.enum(['same_person', 'distinct']),
  note: z.string().trim().max(500).optional(),
});
