import type { EvidenceCreate, EvidenceKind, PathwaySubject } from '@tejido/schemas';
import { DOCUMENTS, INSURANCES, PRENATAL_SUPPLEMENTS, PRENATAL_TESTS, SUPPLEMENTS, VACCINES } from './codes';

/**
 * The "Registrar atención" form without its drawing: which fields each kind of record takes,
 * what to check before sending, the body sent, where the server's field errors go, and the
 * id that makes a retry safe.
 */

export interface EvidenceFormValues {
  kind: EvidenceKind | '';
  /** 'YYYY-MM-DD', or '' while not chosen. */
  date: string;
  code: string;
  /** '1' … '10', or '' when not said. */
  dose: string;
  /** As a number field gives them: a number, or text ('' when empty). */
  weightKg: number | string;
  lengthCm: number | string;
  measured: 'lying' | 'standing' | '';
  oedema: boolean;
  hbGdl: number | string;
}

export const EMPTY_EVIDENCE_FORM: EvidenceFormValues = {
  kind: '',
  date: '',
  code: '',
  dose: '',
  weightKg: '',
  lengthCm: '',
  measured: '',
  oedema: false,
  hbGdl: '',
};

/** What can be recorded for a child or for a pregnant woman, the most frequent first. */
export function kindsFor(subject: PathwaySubject): EvidenceKind[] {
  return subject === 'child'
    ? [
        'growth_checkup',
        'measurement',
        'vaccine_dose',
        'hemoglobin',
        'supplement',
        'document_issued',
        'insurance_affiliated',
      ]
    : ['prenatal_visit', 'prenatal_test', 'hemoglobin', 'prenatal_supplement', 'insurance_affiliated'];
}

/** The kinds that take a code: which vaccine, which supplement, which test, which document or insurance. */
export type CodedKind =
  | 'vaccine_dose'
  | 'supplement'
  | 'prenatal_test'
  | 'prenatal_supplement'
  | 'document_issued'
  | 'insurance_affiliated';

export function isCodedKind(kind: EvidenceKind | ''): kind is CodedKind {
  return codesFor(kind) !== null;
}

/** The codes a kind takes (EVIDENCE_CODES in @tejido/schemas) and whether one must be chosen. */
export function codesFor(kind: EvidenceKind | ''): { codes: readonly string[]; required: boolean } | null {
  switch (kind) {
    case 'vaccine_dose':
      return { codes: VACCINES, required: true };
    case 'supplement':
      return { codes: SUPPLEMENTS, required: true };
    case 'prenatal_test':
      return { codes: PRENATAL_TESTS, required: true };
    case 'prenatal_supplement':
      return { codes: PRENATAL_SUPPLEMENTS, required: true };
    case 'document_issued':
      return { codes: DOCUMENTS, required: false };
    case 'insurance_affiliated':
      return { codes: INSURANCES, required: false };
    default:
      return null;
  }
}

/** Kinds that carry a dose or delivery number. */
export function takesDose(kind: EvidenceKind | ''): boolean {
  return kind === 'vaccine_dose' || kind === 'supplement' || kind === 'prenatal_supplement';
}

/** Which measured values a kind carries. */
export function valuesOf(kind: EvidenceKind | ''): 'growth' | 'hemoglobin' | null {
  if (kind === 'growth_checkup' || kind === 'measurement') return 'growth';
  if (kind === 'hemoglobin') return 'hemoglobin';
  return null;
}

/** Length lying down under 2 years, height standing from then on, as WHO measures. */
export function defaultMeasured(ageMonths: number | null): 'lying' | 'standing' {
  return ageMonths !== null && ageMonths >= 24 ? 'standing' : 'lying';
}

export type FormField =
  | 'kind'
  | 'date'
  | 'code'
  | 'dose'
  | 'weightKg'
  | 'lengthCm'
  | 'measured'
  | 'hbGdl'
  | 'values';
export type FormProblem = 'required' | 'future' | 'beforeBirth' | 'notANumber' | 'measureSomething';

/** A number field's value as a number; undefined when empty, NaN when it is not a number. */
export function readNumber(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : Number.NaN;
  const text = value.trim().replace(',', '.');
  if (text === '') return undefined;
  return /^-?\d+(\.\d*)?$|^-?\.\d+$/.test(text) ? Number(text) : Number.NaN;
}

/**
 * What must be fixed before sending, by field. The physical limits of the values (a weight
 * above 0 kg, hemoglobin from 3 to 25 g/dL) are the server's: its answer names the field.
 */
export function checkEvidenceForm(
  form: EvidenceFormValues,
  limits: { today: string; birthDate: string },
): Partial<Record<FormField, FormProblem>> {
  const problems: Partial<Record<FormField, FormProblem>> = {};
  if (!form.kind) problems.kind = 'required';
  if (!form.date) problems.date = 'required';
  else if (form.date > limits.today) problems.date = 'future';
  else if (form.date < limits.birthDate) problems.date = 'beforeBirth';
  if (codesFor(form.kind)?.required && !form.code) problems.code = 'required';
  const values = valuesOf(form.kind);
  if (values === 'growth') {
    const weight = readNumber(form.weightKg);
    const length = readNumber(form.lengthCm);
    if (Number.isNaN(weight)) problems.weightKg = 'notANumber';
    if (Number.isNaN(length)) problems.lengthCm = 'notANumber';
    if (form.kind === 'measurement' && weight === undefined && length === undefined)
      problems.values = 'measureSomething';
  }
  if (values === 'hemoglobin') {
    const hb = readNumber(form.hbGdl);
    if (hb === undefined) problems.hbGdl = 'required';
    else if (Number.isNaN(hb)) problems.hbGdl = 'notANumber';
  }
  return problems;
}

export type EvidenceBody = Omit<EvidenceCreate, 'id'>;

/** The record to send, from a form that passed the checks; fields the kind does not take are left out. */
export function evidenceBody(form: EvidenceFormValues): EvidenceBody {
  if (!form.kind) throw new Error('evidenceBody() needs a kind');
  const body: EvidenceBody = { kind: form.kind, date: form.date };
  if (codesFor(form.kind) && form.code) body.code = form.code;
  if (takesDose(form.kind) && form.dose) body.dose = Number(form.dose);
  const values = valuesOf(form.kind);
  if (values === 'growth') {
    const weightKg = readNumber(form.weightKg);
    const lengthCm = readNumber(form.lengthCm);
    const v: NonNullable<EvidenceBody['values']> = {};
    if (weightKg !== undefined) v.weightKg = weightKg;
    if (lengthCm !== undefined) {
      v.lengthCm = lengthCm;
      if (form.measured) v.measured = form.measured;
    }
    if (form.oedema) v.oedema = true;
    if (Object.keys(v).length > 0) body.values = v;
  }
  if (values === 'hemoglobin') {
    const hbGdl = readNumber(form.hbGdl);
    if (hbGdl !== undefined) body.values = { hbGdl };
  }
  return body;
}

/** Where a field error of the server (`values.weightKg`) is shown in the form; null for the form as a whole. */
export function formFieldOf(serverField: string): FormField | null {
  switch (serverField) {
    case 'kind':
    case 'date':
    case 'code':
    case 'dose':
      return serverField;
    case 'values.weightKg':
      return 'weightKg';
    case 'values.lengthCm':
      return 'lengthCm';
    case 'values.measured':
      return 'measured';
    case 'values.hbGdl':
      return 'hbGdl';
    default:
      return serverField === 'values' || serverField.startsWith('values.') ? 'values' : null;
  }
}

/** The id of one attempt to record something, and what was sent with it. */
export interface Attempt {
  id: string;
  key: string;
}

/**
 * The id to send. Sending the same record again (after a lost connection, a double tap)
 * reuses the id, so the server stores it once; a changed record is a new one, with a new id.
 */
export function attemptFor(previous: Attempt | null, body: EvidenceBody, makeId: () => string): Attempt {
  const key = JSON.stringify(body);
  return previous && previous.key === key ? previous : { id: makeId(), key };
}
