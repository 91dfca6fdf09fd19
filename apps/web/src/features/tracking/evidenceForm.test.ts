import { describe, expect, it } from 'vitest';
import {
  attemptFor,
  checkEvidenceForm,
  codesFor,
  defaultMeasured,
  EMPTY_EVIDENCE_FORM,
  type EvidenceFormValues,
  evidenceBody,
  formFieldOf,
  kindsFor,
  readNumber,
} from './evidenceForm';

const limits = { today: '2026-11-23', birthDate: '2025-10-01' };
const form = (values: Partial<EvidenceFormValues>): EvidenceFormValues => ({
  ...EMPTY_EVIDENCE_FORM,
  date: '2026-11-23',
  ...values,
});

describe('what can be recorded', () => {
  it('offers checkups and vaccines for a child, prenatal care for a pregnancy, hemoglobin for both', () => {
    expect(kindsFor('child')).toContain('vaccine_dose');
    expect(kindsFor('child')).not.toContain('prenatal_visit');
    expect(kindsFor('pregnancy')).toContain('prenatal_test');
    expect(kindsFor('pregnancy')).not.toContain('growth_checkup');
    expect(kindsFor('child')).toContain('hemoglobin');
    expect(kindsFor('pregnancy')).toContain('hemoglobin');
  });

  it('asks for a code where the kind needs one', () => {
    expect(codesFor('vaccine_dose')).toMatchObject({ required: true });
    expect(codesFor('vaccine_dose')?.codes).toContain('PENTA');
    expect(codesFor('document_issued')).toEqual({ codes: ['DNI', 'CUI', 'CE'], required: false });
    expect(codesFor('hemoglobin')).toBeNull();
  });

  it('measures lying down under two years and standing from then on', () => {
    expect(defaultMeasured(23)).toBe('lying');
    expect(defaultMeasured(24)).toBe('standing');
    expect(defaultMeasured(null)).toBe('lying');
  });
});

describe('checkEvidenceForm', () => {
  it('needs a kind and a date that is neither in the future nor before birth', () => {
    expect(checkEvidenceForm({ ...EMPTY_EVIDENCE_FORM }, limits)).toEqual({
      kind: 'required',
      date: 'required',
    });
    expect(checkEvidenceForm(form({ kind: 'prenatal_visit', date: '2026-11-24' }), limits)).toEqual({
      date: 'future',
    });
    expect(checkEvidenceForm(form({ kind: 'prenatal_visit', date: '2025-09-30' }), limits)).toEqual({
      date: 'beforeBirth',
    });
    expect(checkEvidenceForm(form({ kind: 'prenatal_visit' }), limits)).toEqual({});
  });

  it('needs the vaccine, a hemoglobin value, and something measured in a measurement', () => {
    expect(checkEvidenceForm(form({ kind: 'vaccine_dose' }), limits)).toEqual({ code: 'required' });
    expect(checkEvidenceForm(form({ kind: 'hemoglobin' }), limits)).toEqual({ hbGdl: 'required' });
    expect(checkEvidenceForm(form({ kind: 'hemoglobin', hbGdl: 'nueve' }), limits)).toEqual({
      hbGdl: 'notANumber',
    });
    expect(checkEvidenceForm(form({ kind: 'measurement' }), limits)).toEqual({ values: 'measureSomething' });
    expect(checkEvidenceForm(form({ kind: 'growth_checkup' }), limits)).toEqual({});
  });

  it('leaves the physical limits to the server', () => {
    expect(checkEvidenceForm(form({ kind: 'growth_checkup', weightKg: 0 }), limits)).toEqual({});
    expect(checkEvidenceForm(form({ kind: 'hemoglobin', hbGdl: 40 }), limits)).toEqual({});
  });
});

describe('readNumber', () => {
  it('reads numbers, with a point or a comma, and tells empty from wrong', () => {
    expect(readNumber(9)).toBe(9);
    expect(readNumber('9.5')).toBe(9.5);
    expect(readNumber('9,5')).toBe(9.5);
    expect(readNumber(' ')).toBeUndefined();
    expect(readNumber('9 kg')).toBeNaN();
  });
});

describe('evidenceBody', () => {
  it('sends the values of a checkup, and how the length was taken only with a length', () => {
    expect(
      evidenceBody(
        form({
          kind: 'growth_checkup',
          weightKg: 9.2,
          lengthCm: '74.5',
          measured: 'lying',
          code: 'X',
          dose: '2',
        }),
      ),
    ).toEqual({
      kind: 'growth_checkup',
      date: '2026-11-23',
      values: { weightKg: 9.2, lengthCm: 74.5, measured: 'lying' },
    });
    expect(evidenceBody(form({ kind: 'growth_checkup', weightKg: 9.2, measured: 'lying' }))).toEqual({
      kind: 'growth_checkup',
      date: '2026-11-23',
      values: { weightKg: 9.2 },
    });
    expect(evidenceBody(form({ kind: 'growth_checkup' }))).toEqual({
      kind: 'growth_checkup',
      date: '2026-11-23',
    });
  });

  it('sends a vaccine with its code and dose, and hemoglobin as hbGdl', () => {
    expect(evidenceBody(form({ kind: 'vaccine_dose', code: 'PENTA', dose: '2', hbGdl: 9 }))).toEqual({
      kind: 'vaccine_dose',
      date: '2026-11-23',
      code: 'PENTA',
      dose: 2,
    });
    expect(evidenceBody(form({ kind: 'hemoglobin', hbGdl: '9.0', weightKg: 8 }))).toEqual({
      kind: 'hemoglobin',
      date: '2026-11-23',
      values: { hbGdl: 9 },
    });
  });
});

describe('formFieldOf', () => {
  it('puts each field error of the server under its field', () => {
    expect(formFieldOf('values.weightKg')).toBe('weightKg');
    expect(formFieldOf('values.hbGdl')).toBe('hbGdl');
    expect(formFieldOf('date')).toBe('date');
    expect(formFieldOf('code')).toBe('code');
    expect(formFieldOf('values.oedema')).toBe('values');
    expect(formFieldOf('values')).toBe('values');
    expect(formFieldOf('source')).toBeNull();
    expect(formFieldOf('(body)')).toBeNull();
  });
});

describe('attemptFor', () => {
  let n = 0;
  const makeId = () => `id-${++n}`;
  const body = evidenceBody(form({ kind: 'hemoglobin', hbGdl: 9 }));

  it('sends the same record again with the same id, so a retry is not a duplicate', () => {
    const first = attemptFor(null, body, makeId);
    expect(attemptFor(first, { ...body }, makeId)).toBe(first);
  });

  it('gives a changed record a new id', () => {
    const first = attemptFor(null, body, makeId);
    const changed = attemptFor(first, { ...body, values: { hbGdl: 9.5 } }, makeId);
    expect(changed.id).not.toBe(first.id);
  });
});
