import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { IncomingPerson, IncomingRecord } from '../imports';
import { parseCodeMaps } from './code-maps';
import { type FhirImportItem, FhirMapper, type FhirMapResult, fhirDateInPeru, mapFhirResources } from './map';
import { type FhirResource, readFhirResources } from './stream';

const MAPS = parseCodeMaps(
  readFileSync(new URL('../../../../config/interop/code-maps.yaml', import.meta.url), 'utf8'),
  'code-maps.yaml',
);
const BUNDLE = readFileSync(new URL('./fixtures/child-bundle.json', import.meta.url), 'utf8');
const NDJSON = readFileSync(new URL('./fixtures/export.ndjson', import.meta.url), 'utf8');

async function* once(text: string): AsyncGenerator<string> {
  yield text;
}

async function all(text: string): Promise<FhirImportItem[]> {
  const out: FhirImportItem[] = [];
  for await (const item of mapFhirResources(() => once(text), MAPS)) out.push(item);
  return out;
}

const LUZ: IncomingPerson = {
  documentType: 'DNI',
  documentNumber: '78451236',
  healthInsuranceNumber: 'SIS-2-78451236',
  givenNames: 'Luz Clarita',
  firstSurname: 'Quispe',
  secondSurname: 'Mamani',
  sex: 'female',
  birthDate: '2025-09-14',
  territoryCode: '050101',
};

const JOSE: IncomingPerson = {
  documentType: 'CUI',
  documentNumber: '81234567',
  documentCheckDigit: '8',
  givenNames: 'José Ángel',
  firstSurname: 'Huamán',
  secondSurname: 'Ñaupa',
  sex: 'male',
  territoryCode: '080108',
};

/** A mapper that knows Luz (Patient/pac-001), and one resource of hers to map. */
function mapOne(resource: Record<string, unknown> & { resourceType: string }): FhirMapResult {
  const mapper = new FhirMapper(MAPS);
  mapper.collect(JSON.parse(BUNDLE).entry[0].resource, 7);
  const withSubject: FhirResource = { subject: { reference: 'Patient/pac-001' }, ...resource };
  return mapper.map(withSubject, 42);
}

function rejected(result: { records: IncomingRecord[] }) {
  const record = result.records[0];
  if (!record || !('rejected' in record)) throw new Error(`not rejected: ${JSON.stringify(record)}`);
  return record.rejected;
}

function evidence(result: { records: IncomingRecord[] }) {
  const record = result.records[0];
  if (!record || !('evidence' in record)) throw new Error(`rejected: ${JSON.stringify(record)}`);
  return record.evidence;
}

const observation = (code: string, valueQuantity: unknown, more: Record<string, unknown> = {}) => ({
  resourceType: 'Observation',
  id: 'o1',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code }] },
  effectiveDateTime: '2026-03-16',
  valueQuantity,
  ...more,
});

describe('mapping a Bundle of a child’s care', () => {
  it('gives one record per clinical resource, with the Patient’s identity', async () => {
    const items = await all(BUNDLE);
    const lines = items.map((i) => i.line);
    expect(items.map((i) => i.resource)).toEqual([
      'Immunization/imm-bcg',
      'Immunization/imm-penta-1',
      'Observation/obs-hb-1',
      'Observation/obs-hb-2',
      'Observation/obs-weight',
      'Observation/obs-length',
      'Encounter/enc-cred-6m',
      'MedicationDispense/md-iron-1',
    ]);
    expect(items.every((i) => i.notes.length === 0)).toBe(true);
    const records = items.flatMap((i) => i.records);
    expect(records).toEqual(
      [
        { kind: 'vaccine_dose', date: '2025-09-15', code: 'BCG', dose: 1, sourceRef: 'Immunization/imm-bcg' },
        {
          kind: 'vaccine_dose',
          // 03:30 UTC is 22:30 of the day before in Peru.
          date: '2025-11-14',
          code: 'PENTA',
          dose: 1,
          sourceRef: 'http://minsa.gob.pe/his/registro|A-2025-000123',
        },
        {
          kind: 'hemoglobin',
          date: '2026-03-16',
          values: { hbGdl: 10.8 },
          sourceRef: 'Observation/obs-hb-1',
        },
        {
          kind: 'hemoglobin',
          date: '2026-03-20',
          values: { hbGdl: 11.2 },
          sourceRef: 'Observation/obs-hb-2',
        },
        {
          kind: 'measurement',
          date: '2026-03-16',
          values: { weightKg: 7.35 },
          sourceRef: 'Observation/obs-weight',
        },
        {
          kind: 'measurement',
          date: '2026-03-16',
          values: { lengthCm: 66.5, measured: 'lying' },
          sourceRef: 'Observation/obs-length',
        },
        { kind: 'growth_checkup', date: '2026-03-16', sourceRef: 'Encounter/enc-cred-6m' },
        {
          kind: 'supplement',
          date: '2026-01-20',
          code: 'IRON_DROPS',
          sourceRef: 'MedicationDispense/md-iron-1',
        },
      ].map((evidence, k) => ({ line: lines[k], person: LUZ, evidence })),
    );
  });

  it('reads a Patient’s surnames from family alone, or with the fathers- and mothers-family extensions', () => {
    const mapper = new FhirMapper(MAPS);
    const person = (name: unknown) => {
      mapper.collect({ resourceType: 'Patient', id: 'x', name: [name] }, 1);
      return mapper.person({ reference: 'Patient/x' });
    };
    expect(person({ family: 'Quispe Mamani', given: ['Rosa'] })).toEqual({
      givenNames: 'Rosa',
      firstSurname: 'Quispe',
      secondSurname: 'Mamani',
    });
    expect(person({ family: 'De la Cruz' })).toEqual({ firstSurname: 'De la Cruz' });
    expect(
      person({
        family: 'De la Cruz Mamani',
        _family: {
          extension: [
            {
              url: 'http://hl7.org/fhir/StructureDefinition/humanname-mothers-family',
              valueString: 'Mamani',
            },
          ],
        },
      }),
    ).toEqual({ firstSurname: 'De la Cruz', secondSurname: 'Mamani' });
    expect(
      person({
        family: 'Quispe',
        extension: [
          { url: 'http://hl7.org/fhir/StructureDefinition/humanname-mothers-family', valueString: 'Ccori' },
        ],
      }),
    ).toEqual({ firstSurname: 'Quispe', secondSurname: 'Ccori' });
  });

  it('takes gender other or unknown as no sex, and notes a partial birth date or a bad DNI', () => {
    const mapper = new FhirMapper(MAPS);
    const notes = mapper.collect(
      {
        resourceType: 'Patient',
        id: 'p',
        identifier: [
          { system: 'http://reniec.gob.pe/dni', value: '1234567' },
          { system: 'http://reniec.gob.pe/cui', value: '81234567-3' },
          { system: 'http://migraciones.gob.pe/ce', value: '001234567' },
        ],
        gender: 'unknown',
        birthDate: '2025',
        address: [
          { use: 'old', district: '150101' },
          {
            use: 'home',
            district: 'Ayacucho',
            extension: [
              { url: 'http://inei.gob.pe/fhir/StructureDefinition/ubigeo', valueCode: '0501010001' },
            ],
          },
        ],
      },
      3,
    );
    expect(mapper.person({ reference: 'Patient/p' })).toEqual({
      documentType: 'CE',
      documentNumber: '001234567',
      territoryCode: '0501010001',
    });
    expect(notes.map((n) => [n.field, n.code, n.value])).toEqual([
      ['Patient.identifier[0].value', 'INVALID', '1234567'],
      ['Patient.identifier[1].value', 'INVALID', '81234567-3'],
      ['Patient.birthDate', 'INVALID', '2025'],
    ]);
    expect(notes[1]!.reason).toMatch(/check character 3 does not match/);
    expect(notes[2]).toMatchObject({
      line: 3,
      resource: 'Patient/p',
      reason: "'2025' is a partial date: the day is needed; not used",
    });
  });
});

describe('mapping NDJSON in two passes', () => {
  it('finds a Patient that comes after the resources that point at it', async () => {
    const items = await all(NDJSON);
    expect(items.map((i) => [i.line, i.resource])).toEqual([
      [8, 'Patient/pac-002'], // first pass: the notes of the Patient
      [1, 'Immunization/imm-9001'],
      [2, 'Observation/obs-9002'],
      [3, undefined],
      [4, 'Immunization/imm-9003'],
      [5, 'Immunization/imm-9004'],
      [6, 'Immunization/imm-9005'],
      [7, 'Observation/obs-9006'],
    ]);
    const [patient, pcv, hb, broken, unknown, notDone, byIdentifier, tooHeavy] = items;
    expect(patient!.notes).toEqual([
      {
        line: 8,
        field: 'Patient.birthDate',
        code: 'INVALID',
        reason: "'2025-07' is a partial date: the day is needed; not used",
        value: '2025-07',
        resource: 'Patient/pac-002',
      },
    ]);
    expect(pcv!.records).toEqual([
      {
        line: 1,
        person: JOSE,
        evidence: {
          kind: 'vaccine_dose',
          date: '2026-01-10',
          code: 'PCV',
          dose: 2,
          sourceRef: 'Immunization/imm-9001',
        },
      },
    ]);
    expect(hb!.records[0]).toMatchObject({
      person: JOSE,
      evidence: { kind: 'hemoglobin', values: { hbGdl: 9.4 } },
    });
    expect(broken!.records).toEqual([
      {
        line: 3,
        rejected: [
          {
            line: 3,
            code: 'INVALID',
            reason: 'line 3 is not complete JSON: the resource does not close on its line',
          },
        ],
      },
    ]);
    expect(unknown!.records).toEqual([
      {
        line: 4,
        rejected: [
          {
            line: 4,
            field: 'Immunization.vaccineCode',
            code: 'UNMAPPED_CODE',
            reason:
              'http://hl7.org/fhir/sid/cvx|999 (Vacuna desconocida) is not in the code maps (version 2026-11)',
            value: 'http://hl7.org/fhir/sid/cvx|999',
            resource: 'Immunization/imm-9003',
          },
        ],
      },
    ]);
    expect(notDone!.records).toEqual([
      {
        line: 5,
        rejected: [
          {
            line: 5,
            field: 'Immunization.status',
            code: 'UNSUPPORTED',
            reason: 'status not-done: only completed Immunization resources are imported',
            value: 'not-done',
            resource: 'Immunization/imm-9004',
          },
        ],
      },
    ]);
    expect(byIdentifier!.records).toEqual([
      {
        line: 6,
        person: { documentType: 'DNI', documentNumber: '90123457' },
        evidence: {
          kind: 'vaccine_dose',
          date: '2026-01-12',
          code: 'IPV',
          dose: 2,
          sourceRef: 'Immunization/imm-9005',
        },
      },
    ]);
    expect(tooHeavy!.records).toEqual([
      {
        line: 7,
        rejected: [
          {
            line: 7,
            field: 'Observation.valueQuantity',
            code: 'INVALID',
            reason: 'A weight above 60 kg is not possible here',
            value: '75 kg',
            resource: 'Observation/obs-9006',
          },
        ],
      },
    ]);
  });

  it('in one pass, cannot know a Patient that comes later: NOT_FOUND', async () => {
    const mapper = new FhirMapper(MAPS);
    const results = [];
    for await (const item of readFhirResources(once(NDJSON))) {
      if (item.resource) results.push(mapper.map(item.resource, item.line, item.fullUrl));
    }
    expect(rejected(results[0]!)).toEqual([
      {
        line: 1,
        field: 'Immunization.patient',
        code: 'NOT_FOUND',
        reason: 'Patient/pac-002 is not in the file, and the reference carries no identity document',
        value: 'Patient/pac-002',
        resource: 'Immunization/imm-9001',
      },
    ]);
    // The Patient is collected when it comes, with its notes.
    expect(results.at(-1)).toMatchObject({ records: [], notes: [{ field: 'Patient.birthDate' }] });
  });
});

describe('mapping one resource', () => {
  it('converts hemoglobin in mmol/L and length in metres, and weight given in the unit text only', () => {
    expect(
      evidence(
        mapOne(observation('718-7', { value: 7.0, code: 'mmol/L', system: 'http://unitsofmeasure.org' })),
      ).values,
    ).toEqual({
      hbGdl: 11.28,
    });
    expect(evidence(mapOne(observation('8308-9', { value: 0.872, code: 'm' }))).values).toEqual({
      lengthCm: 87.2,
      measured: 'standing',
    });
    expect(evidence(mapOne(observation('8302-2', { value: 30, code: '[in_i]' }))).values).toEqual({
      lengthCm: 76.2,
    });
    expect(evidence(mapOne(observation('29463-7', { value: 8.2, unit: 'kg' }))).values).toEqual({
      weightKg: 8.2,
    });
  });

  it('refuses a value without a unit, in a unit of something else, or with a comparator', () => {
    expect(rejected(mapOne(observation('29463-7', { value: 8.2 })))[0]).toMatchObject({
      code: 'MISSING',
      field: 'Observation.valueQuantity.code',
    });
    expect(rejected(mapOne(observation('718-7', { value: 11, code: 'mg/dL' })))[0]).toMatchObject({
      code: 'INVALID',
      reason: "unit 'mg/dL' is not g/dL, g/L or mmol/L",
    });
    expect(
      rejected(mapOne(observation('718-7', { value: 3, comparator: '<', code: 'g/dL' })))[0],
    ).toMatchObject({
      code: 'INVALID',
      field: 'Observation.valueQuantity.comparator',
    });
    expect(rejected(mapOne(observation('718-7', { value: 260, code: 'g/L' })))[0]).toMatchObject({
      code: 'INVALID',
      field: 'Observation.valueQuantity',
      reason: 'Hemoglobin above 25 g/dL is not possible (26 after conversion)',
    });
    expect(
      rejected(mapOne(observation('718-7', undefined, { dataAbsentReason: { text: 'hemolysed' } })))[0],
    ).toMatchObject({
      code: 'MISSING',
      reason: 'no value (data absent: hemolysed)',
    });
  });

  it('reports every code it cannot use, and a known code that is not imported', () => {
    const head = rejected(mapOne(observation('9843-4', { value: 42, code: 'cm' })));
    expect(head).toEqual([
      expect.objectContaining({
        code: 'UNSUPPORTED',
        value: 'http://loinc.org|9843-4',
        reason: 'http://loinc.org|9843-4 is not imported: Head circumference is not tracked by Tejido',
      }),
    ]);
    const encounter = rejected(
      mapOne({
        resourceType: 'Encounter',
        id: 'e',
        status: 'finished',
        type: [{ coding: [{ system: 'http://example.org/tipos', code: 'AT-01' }, { code: 'X' }] }],
        reasonCode: [{ coding: [{ system: 'http://loinc.org', code: '718-7' }] }],
        period: { start: '2026-03-16' },
      }),
    );
    expect(encounter.map((i) => [i.code, i.field, i.value])).toEqual([
      ['UNMAPPED_CODE', 'Encounter.type', 'http://example.org/tipos|AT-01'],
      ['UNMAPPED_CODE', 'Encounter.type', '|X'],
      ['UNMAPPED_CODE', 'Encounter.reasonCode', 'http://loinc.org|718-7'],
    ]);
    expect(encounter[2]!.reason).toBe(
      'http://loinc.org|718-7 maps to hemoglobin, which a Encounter does not give',
    );
  });

  it('maps a prenatal visit, a procedure and a medication given by reference', () => {
    const visit = mapOne({
      resourceType: 'Encounter',
      id: 'anc',
      status: 'finished',
      reasonCode: [{ coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'Z34.9' }] }],
      period: { start: '2026-02-01T08:00:00-05:00' },
    });
    expect(evidence(visit)).toEqual({
      kind: 'prenatal_visit',
      date: '2026-02-01',
      sourceRef: 'Encounter/anc',
    });
    const procedure = mapOne({
      resourceType: 'Procedure',
      id: 'cred',
      status: 'completed',
      code: { coding: [{ system: 'http://snomed.info/sct', code: '410620009' }] },
      performedPeriod: { start: '2026-02-01' },
    });
    expect(evidence(procedure).kind).toBe('growth_checkup');
    const administration = mapOne({
      resourceType: 'MedicationAdministration',
      id: 'ma',
      status: 'completed',
      contained: [
        {
          resourceType: 'Medication',
          id: 'med',
          code: { coding: [{ system: 'http://www.whocc.no/atc', code: 'B03AD03' }] },
        },
      ],
      medicationReference: { reference: '#med' },
      effectiveDateTime: '2026-02-01',
    });
    expect(evidence(administration)).toMatchObject({ kind: 'prenatal_supplement', code: 'IRON_FOLIC_ACID' });

    const mapper = new FhirMapper(MAPS);
    mapper.collect(
      {
        resourceType: 'Medication',
        id: 'm1',
        code: { coding: [{ system: 'http://minsa.gob.pe/fhir/CodeSystem/his-minsa', code: '99199.19' }] },
      },
      1,
    );
    const dispense = mapper.map(
      {
        resourceType: 'MedicationDispense',
        id: 'md',
        status: 'completed',
        medicationReference: { reference: 'Medication/m1' },
        subject: { identifier: { system: 'http://reniec.gob.pe/dni', value: '78451236' } },
        whenHandedOver: '2026-02-01',
      },
      2,
    );
    expect(evidence(dispense)).toMatchObject({ kind: 'supplement', code: 'MNP' });
    const missing = mapper.map(
      {
        resourceType: 'MedicationDispense',
        status: 'completed',
        medicationReference: { reference: 'Medication/zz' },
        subject: { reference: 'Patient/a' },
      },
      3,
    );
    expect(rejected(missing).map((i) => [i.code, i.field])).toEqual([
      ['NOT_FOUND', 'MedicationDispense.subject'],
      ['NOT_FOUND', 'MedicationDispense.medicationReference'],
      ['MISSING', 'MedicationDispense.whenHandedOver'],
      ['MISSING', 'MedicationDispense.id'],
    ]);
  });

  it('refuses what is missing, not a Patient, not a date, or not imported at all', () => {
    const imm = {
      resourceType: 'Immunization',
      id: 'i',
      status: 'completed',
      vaccineCode: { coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code: '03' }] },
      patient: { reference: 'Patient/pac-001' },
      occurrenceDateTime: '2026-09-14',
    };
    expect(evidence(mapOne(imm))).toEqual({
      kind: 'vaccine_dose',
      date: '2026-09-14',
      code: 'MMR',
      sourceRef: 'Immunization/i',
    });
    const fields = (r: FhirResource) => rejected(mapOne(r)).map((i) => [i.code, i.field]);
    expect(
      fields({ ...imm, patient: undefined, occurrenceDateTime: undefined, vaccineCode: { text: 'SPR' } }),
    ).toEqual([
      ['MISSING', 'Immunization.patient'],
      ['UNMAPPED_CODE', 'Immunization.vaccineCode'],
      ['MISSING', 'Immunization.occurrence[x]'],
    ]);
    expect(fields({ ...imm, patient: { reference: 'Group/g1' } })).toEqual([
      ['UNSUPPORTED', 'Immunization.patient.reference'],
    ]);
    expect(fields({ ...imm, patient: { display: 'Rosa' } })).toEqual([['NOT_FOUND', 'Immunization.patient']]);
    expect(fields({ ...imm, occurrenceDateTime: '2026-02-30' })).toEqual([
      ['INVALID', 'Immunization.occurrenceDateTime'],
    ]);
    expect(fields({ ...imm, occurrenceDateTime: '2026-02' })).toEqual([
      ['INVALID', 'Immunization.occurrenceDateTime'],
    ]);
    expect(fields({ ...imm, status: 'entered-in-error' })).toEqual([['UNSUPPORTED', 'Immunization.status']]);
    expect(fields({ ...imm, isSubpotent: true })).toEqual([['UNSUPPORTED', 'Immunization.isSubpotent']]);
    expect(fields({ ...imm, status: undefined })).toEqual([['MISSING', 'Immunization.status']]);
    expect(fields({ resourceType: 'AllergyIntolerance', id: 'a' })).toEqual([
      ['UNSUPPORTED', 'AllergyIntolerance'],
    ]);
    expect(fields({ ...observation('718-7', { value: 11, code: 'g/dL' }), status: 'preliminary' })).toEqual([
      ['UNSUPPORTED', 'Observation.status'],
    ]);
  });

  it('imports a dose without a dose number that is not a number, with a note', () => {
    const result = mapOne({
      resourceType: 'Immunization',
      id: 'i',
      status: 'completed',
      vaccineCode: { coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code: '178' }] },
      patient: { reference: 'Patient/pac-001' },
      occurrenceDateTime: '2027-03-14',
      protocolApplied: [{ doseNumberString: 'Refuerzo' }],
    });
    expect(evidence(result)).toEqual({
      kind: 'vaccine_dose',
      date: '2027-03-14',
      code: 'OPV_B',
      sourceRef: 'Immunization/i',
    });
    expect(result.notes).toEqual([expect.objectContaining({ code: 'INVALID', value: 'Refuerzo' })]);
  });
});

describe('fhirDateInPeru', () => {
  it.each([
    ['2026-03-01', '2026-03-01'],
    ['2026-03-01T02:00:00Z', '2026-02-28'],
    ['2026-03-01T05:00:00Z', '2026-03-01'],
    ['2026-03-01T23:30:00-05:00', '2026-03-01'],
    ['2026-03-01T01:00:00+09:00', '2026-02-28'],
    ['2026-01-01T00:30:00.123+00:00', '2025-12-31'],
    ['2026-03-01T02:00:00', '2026-03-01'],
  ])('%s → %s', (value, date) => {
    expect(fhirDateInPeru(value)).toEqual({ date });
  });

  it.each(['2026', '2026-03', '2026-13-01', '01/03/2026', '2026-03-01T25:00:00Z', ''])(
    '%s is refused',
    (value) => {
      expect(fhirDateInPeru(value)).toHaveProperty('error');
    },
  );
});
