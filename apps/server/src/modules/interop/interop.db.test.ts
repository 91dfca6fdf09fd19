import { randomUUID } from 'node:crypto';
import { todayInPeru } from '@tejido/core';
import { testEngine } from '@tejido/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from '../../testing/fixture';
import { systemActor } from '../access/actor';
import { createApiToken } from '../auth/service';
import { recompute } from '../tracking/recompute';

type Headers = Record<string, string>;
type Answer = {
  reference_id: string;
  status: 'succ' | 'rjct';
  status_reason_code?: string;
  status_reason_message?: string;
  data?: { reg_type: string; reg_record_type: string; reg_records: Member[] };
  pagination?: { page_size: number; page_number: number; total_count: number };
};
type Member = {
  '@id': string;
  demographic_info: {
    identifier: Array<{ identifier_type: string; identifier_value: string }>;
    name: { given_name: string; surname: string };
    sex: string;
    birth_date: string;
  };
  group: {
    group_identifier: Array<{ identifier_type: string; identifier_value: string }>;
    place: { ubigeo: string };
    programme_enrolment: Array<{ programme: { programme_identifier: string }; enrolment_status: string }>;
  };
  care_status: { traffic_light: string; subject: string; overdue_items: unknown[] } | null;
};
type Resource = { resourceType: string; id: string; [key: string]: unknown };

const REG_TYPE = 'ns:org:RegistryType:Social';
const SEARCH = '/api/v1/registry/sync/search';

/** A search request of the standard. */
const searchRequest = (reference_id: string, criteria: Record<string, unknown>) => ({
  reference_id,
  timestamp: new Date().toISOString(),
  search_criteria: { version: '1.0.0', reg_type: REG_TYPE, ...criteria },
});

/** A whole message: header and search requests. */
const envelope = (requests: object[], header: Record<string, unknown> = {}) => ({
  signature: 'Signature: namespace="spdci", algorithm="ed25519", signature="not-verified"',
  header: {
    version: '1.0.0',
    message_id: randomUUID(),
    message_ts: new Date().toISOString(),
    action: 'search',
    sender_id: 'spmis.example.org',
    total_count: requests.length,
    ...header,
  },
  message: { transaction_id: `T-${randomUUID()}`, search_request: requests },
});

const byDocument = (type: string, value: string | number) => ({
  query_type: 'idtype-value',
  query: { type, value },
});

const predicate = (...expressions: Array<[string, string, unknown]>) => ({
  query_type: 'predicate',
  query: expressions.map(([attribute_name, operator, attribute_value], i) => ({
    seq_num: i + 1,
    expression1: { attribute_name, operator, attribute_value },
  })),
});

describe(`interoperability: SPDCI registry search and FHIR export, on ${testEngine}`, () => {
  let f: Fixture;
  let coord: Headers;
  let tokenC: Headers;
  const today = todayInPeru();

  const search = async (headers: Headers, body: object) =>
    f.app.inject({ method: 'POST', url: SEARCH, headers, payload: body });

  /** Search with one request and return its answer. */
  const searchOne = async (headers: Headers, criteria: Record<string, unknown>): Promise<Answer> => {
    const res = await search(headers, envelope([searchRequest('r1', criteria)]));
    expect(res.statusCode, res.body).toBe(200);
    return res.json().message.search_response[0];
  };

  const recordEvidence = async (personId: string, body: object) => {
    const res = await f.app.inject({
      method: 'POST',
      url: `/api/v1/persons/${personId}/evidence`,
      headers: coord,
      payload: body,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().evidence.id as string;
  };

  const auditCount = async (action: string) =>
    Number(
      (
        await f.database.db
          .selectFrom('audit_log')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('action', '=', action)
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    f = await createFixture();
    coord = { cookie: await f.login('coord_region') };
    const { token } = await createApiToken(f.database.db, systemActor(), {
      name: 'Sistema del Centro de Salud C',
      role: 'institution_agent',
      scope: { kind: 'institution', institutionId: f.ids.facilityC },
    });
    tokenC = { authorization: `Bearer ${token}` };
    // Illari (hA1, born 2025-06-01): three vaccine doses, a hemoglobin and a measurement.
    const child = f.ids.persons.childA1;
    await recordEvidence(child, { kind: 'vaccine_dose', date: '2025-06-01', code: 'BCG' });
    await recordEvidence(child, { kind: 'vaccine_dose', date: '2025-06-01', code: 'HVB' });
    await recordEvidence(child, {
      kind: 'vaccine_dose',
      date: '2025-08-02',
      code: '90722',
      dose: 1,
      source: 'his_minsa',
      sourceRef: 'HIS-0001',
    });
    await recordEvidence(child, { kind: 'hemoglobin', date: '2025-12-05', values: { hbGdl: 10.2 } });
    await recordEvidence(child, {
      kind: 'measurement',
      date: '2025-12-05',
      values: { weightKg: 7.4, lengthCm: 66.5, measured: 'lying' },
    });
    // Juana, her mother, is not tracked but has a hemoglobin result.
    await recordEvidence(f.ids.persons.headA1, {
      kind: 'hemoglobin',
      date: '2026-10-01',
      values: { hbGdl: 12.9 },
    });
    await recompute(f.database, { asOf: today });
  });
  afterAll(async () => {
    await f?.close();
  });

  describe('search by identity number (idtype-value)', () => {
    it('finds the person with that DNI, with their household, programmes and no care status for an adult', async () => {
      const answer = await searchOne(coord, byDocument('DNI', '41234567'));
      expect(answer).toMatchObject({
        reference_id: 'r1',
        status: 'succ',
        data: { reg_type: REG_TYPE, reg_record_type: 'spdci:Member' },
        pagination: { page_size: 20, page_number: 1, total_count: 1 },
      });
      const [juana] = answer.data!.reg_records;
      expect(juana!['@id']).toBe(`urn:uuid:${f.ids.persons.headA1}`);
      expect(juana!.demographic_info).toMatchObject({
        identifier: [{ identifier_type: 'DNI', identifier_value: '41234567' }],
        name: { given_name: 'Juana', surname: 'Quispe Mamani' },
        sex: 'female',
        birth_date: '1990-04-12',
      });
      expect(juana!.group.group_identifier).toContainEqual(
        expect.objectContaining({ identifier_type: 'HOUSEHOLD_CODE', identifier_value: 'HH-000001' }),
      );
      expect(juana!.group.place.ubigeo).toBe('0501010001');
      expect(juana!.group.programme_enrolment).toEqual([
        expect.objectContaining({ programme: expect.objectContaining({ programme_identifier: 'JUNTOS' }) }),
      ]);
      expect(juana!.care_status).toBeNull();
    });

    it("finds a child's CUI by DNI or UIN (one RENIEC number) with the stored care status", async () => {
      for (const type of ['CUI', 'DNI', 'UIN']) {
        const answer = await searchOne(coord, byDocument(type, '81234567'));
        expect(answer.data!.reg_records.map((r) => r['@id'])).toEqual([`urn:uuid:${f.ids.persons.childA1}`]);
        const care = answer.data!.reg_records[0]!.care_status!;
        expect(care.subject).toBe('child');
        expect(['green', 'amber', 'red']).toContain(care.traffic_light);
      }
    });

    it('answers a number nobody has with no records, and the same for one outside the scope', async () => {
      const missing = await searchOne(tokenC, byDocument('DNI', '49999999'));
      const outside = await searchOne(tokenC, byDocument('DNI', '41234567'));
      for (const answer of [missing, outside]) {
        expect(answer.status).toBe('succ');
        expect(answer.data!.reg_records).toEqual([]);
        expect(answer.pagination).toEqual({ page_size: 20, page_number: 1, total_count: 0 });
      }
      const { timestamp: _a, ...m } = missing as Answer & { timestamp: string };
      const { timestamp: _b, ...o } = outside as Answer & { timestamp: string };
      expect(o).toEqual(m);
    });

    it('refuses an identity type it does not know and a malformed number, request by request', async () => {
      expect(await searchOne(coord, byDocument('MOBILE', '987654321'))).toMatchObject({
        status: 'rjct',
        status_reason_code: 'rjct.search_criteria.invalid',
      });
      expect(await searchOne(coord, byDocument('DNI', '1234'))).toMatchObject({
        status: 'rjct',
        status_reason_message: 'A DNI number has 8 digits',
      });
    });
  });

  describe('search by attributes (predicate)', () => {
    const ids = (answer: Answer) => answer.data!.reg_records.map((r) => r['@id'].slice('urn:uuid:'.length));

    it('matches names whatever their accents and case, field by field', async () => {
      const illari = await searchOne(
        coord,
        predicate(['given_name', 'eq', 'ILLARI'], ['surname', 'eq', 'huaman']),
      );
      expect(ids(illari)).toEqual([f.ids.persons.childA1]);
      const rosa = await searchOne(coord, predicate(['surname', 'eq', 'ñaupa flores']));
      expect(ids(rosa)).toEqual([f.ids.persons.headB]);
      const rosaPlain = await searchOne(coord, predicate(['surname', 'eq', 'NAUPA']));
      expect(ids(rosaPlain)).toEqual([f.ids.persons.headB]);
      // Quispe is a surname of Juana and of Illari, and nobody's given name; words are whole words.
      const quispe = await searchOne(coord, {
        ...predicate(['surname', 'eq', 'Quispe']),
        sort: [{ attribute_name: 'birth_date', sort_order: 'asc' }],
      });
      expect(ids(quispe)).toEqual([f.ids.persons.headA1, f.ids.persons.childA1]);
      expect(ids(await searchOne(coord, predicate(['given_name', 'eq', 'quispe'])))).toEqual([]);
      expect(ids(await searchOne(coord, predicate(['surname', 'eq', 'quis'])))).toEqual([]);
    });

    it('filters by birth date range, sex, territory and programme', async () => {
      const children = await searchOne(coord, {
        ...predicate(['birth_date', 'ge', '2025-01-01'], ['ubigeo', 'eq', '05']),
        sort: [{ attribute_name: 'birth_date', sort_order: 'desc' }],
      });
      expect(ids(children)).toEqual([f.ids.persons.childC, f.ids.persons.childA1]);
      const women = await searchOne(
        coord,
        predicate(
          ['sex', 'eq', 'female'],
          ['ubigeo', 'eq', '0501'],
          ['programme_identifier', 'eq', 'JUNTOS'],
        ),
      );
      expect(new Set(ids(women))).toEqual(
        new Set([f.ids.persons.headA1, f.ids.persons.childA1, f.ids.persons.headB]),
      );
      const village = await searchOne(coord, predicate(['ubigeo', 'eq', '0501010001']));
      expect(new Set(ids(village))).toEqual(new Set([f.ids.persons.headA1, f.ids.persons.childA1]));
      const pair = await searchOne(coord, {
        query_type: 'predicate',
        query: [
          {
            expression1: { attribute_name: 'birth_date', operator: 'gt', attribute_value: '1989-12-31' },
            condition: 'and',
            expression2: { attribute_name: 'birth_date', operator: 'lt', attribute_value: '1991-01-01' },
          },
        ],
      });
      expect(ids(pair)).toEqual([f.ids.persons.headA1]);
    });

    it('pages deterministically and gives the same total on every page', async () => {
      const all = await searchOne(coord, {
        ...predicate(['ubigeo', 'eq', '05']),
        pagination: { page_size: 100, page_number: 1 },
      });
      expect(all.pagination!.total_count).toBe(6);
      const seen: string[] = [];
      for (const page_number of [1, 2, 3]) {
        const page = await searchOne(coord, {
          ...predicate(['ubigeo', 'eq', '05']),
          pagination: { page_size: 2, page_number },
        });
        expect(page.pagination).toEqual({ page_size: 2, page_number, total_count: 6 });
        expect(page.data!.reg_records).toHaveLength(2);
        seen.push(...ids(page));
      }
      expect(seen).toEqual(ids(all));
      const past = await searchOne(coord, {
        ...predicate(['ubigeo', 'eq', '05']),
        pagination: { page_size: 2, page_number: 4 },
      });
      expect(past.data!.reg_records).toEqual([]);
      expect(past.pagination!.total_count).toBe(6);
    });

    it('rejects what it does not support, with the reason code of the standard', async () => {
      const cases: Array<[Record<string, unknown>, string, RegExp]> = [
        [predicate(['given_name', 'ge', 'Juana']), 'rjct.search_criteria.invalid', /operator 'ge'/],
        [predicate(['poverty_score', 'lt', 5]), 'rjct.search_criteria.invalid', /Unknown attribute/],
        [predicate(['toString', 'eq', 'x']), 'rjct.search_criteria.invalid', /Unknown attribute/],
        [predicate(['sex', 'eq', 'female']), 'rjct.search_criteria.invalid', /Add a given_name/],
        [predicate(['birth_date', 'eq', '2025-13-40']), 'rjct.search_criteria.invalid', /YYYY-MM-DD/],
        [
          { ...predicate(['surname', 'eq', 'Quispe']), sort: [{ attribute_name: 'poverty_score' }] },
          'rjct.sort.invalid',
          /Cannot sort/,
        ],
        [
          { ...predicate(['surname', 'eq', 'Quispe']), sort: [{ attribute_name: 'constructor' }] },
          'rjct.sort.invalid',
          /Cannot sort/,
        ],
        [
          { ...predicate(['surname', 'eq', 'Quispe']), pagination: { page_size: 500 } },
          'rjct.pagination.invalid',
          /at most 100/,
        ],
        [
          { ...byDocument('DNI', '41234567'), reg_type: 'ns:org:RegistryType:Civil' },
          'rjct.search_criteria.invalid',
          /Social/,
        ],
      ];
      for (const [criteria, code, message] of cases) {
        const answer = await searchOne(coord, criteria);
        expect(answer, JSON.stringify(criteria)).toMatchObject({ status: 'rjct', status_reason_code: code });
        expect(answer.status_reason_message).toMatch(message);
        expect(answer.data).toBeUndefined();
      }
    });
  });

  describe('a message of several search requests', () => {
    it('answers each on its own: an unsupported query_type is rejected, the others succeed', async () => {
      const res = await search(
        coord,
        envelope([
          searchRequest('ok', byDocument('DNI', '43456789')),
          searchRequest('expr', {
            query_type: 'expression',
            query: { type: 'ns:org:QueryType:GraphQl', value: { expression: '{ person { name } }' } },
          }),
          searchRequest('ok', byDocument('DNI', '43456789')),
        ]),
      );
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body.header).toMatchObject({
        version: '1.0.0',
        action: 'on-search',
        status: 'succ',
        total_count: 3,
        completed_count: 3,
        receiver_id: 'spmis.example.org',
        is_msg_encrypted: false,
      });
      expect(body.message.correlation_id).toEqual(expect.any(String));
      const [ok, expr, dup] = body.message.search_response as Answer[];
      expect(ok).toMatchObject({ reference_id: 'ok', status: 'succ', pagination: { total_count: 1 } });
      expect(expr).toMatchObject({
        reference_id: 'expr',
        status: 'rjct',
        status_reason_code: 'rjct.search_criteria.invalid',
      });
      expect(expr!.status_reason_message).toMatch(/'expression'.*not supported/);
      expect(dup).toMatchObject({ status: 'rjct', status_reason_code: 'rjct.reference_id.duplicate' });
    });

    it('writes one audit entry per search request: who, what, for what purpose, whom it returned', async () => {
      const before = await auditCount('person.search');
      const body = envelope([
        searchRequest('a', {
          ...byDocument('DNI', '44567890'),
          authorize: { purpose: { text: 'Verificación de gestante', code: 'ELIGIBILITY' } },
        }),
        searchRequest('b', predicate(['surname', 'eq', 'Yupanqui'])),
      ]);
      const res = await search(tokenC, body);
      expect(res.statusCode, res.body).toBe(200);
      expect(await auditCount('person.search')).toBe(before + 2);
      const entries = await f.database.db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'person.search')
        .orderBy('seq', 'desc')
        .limit(2)
        .execute();
      const [b, a] = entries;
      expect(a).toMatchObject({
        actor_kind: 'token',
        actor_name: 'Sistema del Centro de Salud C',
        entity: 'person',
      });
      expect(a!.detail).toMatchObject({
        via: 'spdci',
        sender_id: 'spmis.example.org',
        transaction_id: body.message.transaction_id,
        reference_id: 'a',
        query_type: 'idtype-value',
        query: { type: 'DNI', value: '44567890' },
        status: 'succ',
        authorize: { text: 'Verificación de gestante', code: 'ELIGIBILITY' },
        results: [f.ids.persons.motherC],
      });
      expect(b!.detail).toMatchObject({ reference_id: 'b', page: { total_count: 2 } });
      expect(new Set((b!.detail as { results: string[] }).results)).toEqual(
        new Set([f.ids.persons.motherC, f.ids.persons.childC]),
      );
    });
  });

  describe("an institution's bearer token", () => {
    it('sees only the households its health facility attends', async () => {
      const everyone = await searchOne(tokenC, {
        ...predicate(['ubigeo', 'eq', '05']),
        pagination: { page_size: 100 },
      });
      expect(everyone.pagination!.total_count).toBe(2);
      expect(new Set(everyone.data!.reg_records.map((r) => r['@id']))).toEqual(
        new Set([`urn:uuid:${f.ids.persons.motherC}`, `urn:uuid:${f.ids.persons.childC}`]),
      );
      expect(everyone.data!.reg_records.every((r) => r.group.place.ubigeo === '050201')).toBe(true);
      const juana = await searchOne(tokenC, predicate(['given_name', 'eq', 'Juana']));
      expect(juana.pagination!.total_count).toBe(0);
    });

    it('is answered 401 when unknown', async () => {
      const res = await search(
        { authorization: 'Bearer tj_nope' },
        envelope([searchRequest('r', byDocument('DNI', '41234567'))]),
      );
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
    });
  });

  describe('GET /persons/{id}/summary', () => {
    it('gives the same Member record as the search, audited as a read', async () => {
      const before = await auditCount('person.read');
      const res = await f.app.inject({
        method: 'GET',
        url: `/api/v1/persons/${f.ids.persons.childA1}/summary`,
        headers: coord,
      });
      expect(res.statusCode, res.body).toBe(200);
      const found = await searchOne(coord, byDocument('CUI', '81234567'));
      expect(res.json()).toEqual(found.data!.reg_records[0]);
      expect(res.json().care_status.overdue_items).toEqual(expect.any(Array));
      expect(await auditCount('person.read')).toBe(before + 1);
    });

    it('is a 404 outside the scope, as for a person who does not exist', async () => {
      const outside = await f.app.inject({
        method: 'GET',
        url: `/api/v1/persons/${f.ids.persons.childA1}/summary`,
        headers: tokenC,
      });
      const missing = await f.app.inject({
        method: 'GET',
        url: `/api/v1/persons/${randomUUID()}/summary`,
        headers: tokenC,
      });
      for (const res of [outside, missing]) {
        expect(res.statusCode).toBe(404);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.json().code).toBe('NOT_FOUND');
      }
    });
  });

  describe('GET /persons/{id}/fhir', () => {
    const fhir = (personId: string, headers: Headers) =>
      f.app.inject({ method: 'GET', url: `/api/v1/persons/${personId}/fhir`, headers });
    const resources = (bundle: { entry: Array<{ resource: Resource }> }, type: string) =>
      bundle.entry.map((e) => e.resource).filter((r) => r.resourceType === type);

    it("exports a tracked child's Patient, doses, hemoglobin, measurements and care plan", async () => {
      const before = await auditCount('person.export');
      const res = await fhir(f.ids.persons.childA1, coord);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toContain('application/fhir+json');
      const bundle = res.json();
      expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection' });
      expect(bundle.entry.every((e: { fullUrl: string }) => e.fullUrl.startsWith('urn:uuid:'))).toBe(true);

      const [patient] = resources(bundle, 'Patient');
      expect(patient).toMatchObject({
        id: f.ids.persons.childA1,
        gender: 'female',
        birthDate: '2025-06-01',
        name: [
          {
            family: 'Huamán Quispe',
            given: ['Illari'],
            _family: {
              extension: [
                {
                  url: 'http://hl7.org/fhir/StructureDefinition/humanname-mothers-family',
                  valueString: 'Quispe',
                },
              ],
            },
          },
        ],
      });
      expect(patient!.identifier).toContainEqual(
        expect.objectContaining({ system: 'http://reniec.gob.pe/cui', value: '81234567' }),
      );

      const immunizations = resources(bundle, 'Immunization');
      expect(immunizations).toHaveLength(3);
      const codes = immunizations.map((i) =>
        (i.vaccineCode as { coding: Array<{ system: string; code: string }> }).coding.map(
          (c) => `${c.system}|${c.code}`,
        ),
      );
      expect(codes).toContainEqual([
        'https://tejido.dev/fhir/CodeSystem/vaccine|PENTA',
        'http://hl7.org/fhir/sid/cvx|198',
      ]);
      expect(codes).toContainEqual([
        'https://tejido.dev/fhir/CodeSystem/vaccine|BCG',
        'http://hl7.org/fhir/sid/cvx|19',
      ]);
      const penta = immunizations.find((i) => JSON.stringify(i.vaccineCode).includes('PENTA'))!;
      expect(penta).toMatchObject({
        status: 'completed',
        patient: { reference: `urn:uuid:${f.ids.persons.childA1}` },
        occurrenceDateTime: '2025-08-02',
        protocolApplied: [{ doseNumberPositiveInt: 1 }],
      });
      expect(penta.identifier).toContainEqual({
        system: 'https://tejido.dev/fhir/sid/source/his_minsa',
        value: 'HIS-0001',
      });

      const observations = resources(bundle, 'Observation');
      const loinc = (code: string) =>
        observations.find((o) => (o.code as { coding: Array<{ code: string }> }).coding[0]!.code === code);
      expect(loinc('718-7')).toMatchObject({
        status: 'final',
        subject: { reference: `urn:uuid:${f.ids.persons.childA1}` },
        effectiveDateTime: '2025-12-05',
        code: { coding: [{ system: 'http://loinc.org', code: '718-7' }] },
        valueQuantity: { value: 10.2, unit: 'g/dL', system: 'http://unitsofmeasure.org', code: 'g/dL' },
      });
      // At 3400 m of altitude the adjusted value decides the anemia class.
      expect(loinc('718-7')!.interpretation).toEqual([
        expect.objectContaining({ text: expect.stringMatching(/adjusted for altitude/) }),
      ]);
      expect(loinc('29463-7')).toMatchObject({ valueQuantity: { value: 7.4, unit: 'kg', code: 'kg' } });
      expect(loinc('8302-2')).toMatchObject({ valueQuantity: { value: 66.5, unit: 'cm', code: 'cm' } });

      const [plan] = resources(bundle, 'CarePlan');
      expect(plan).toMatchObject({
        status: 'active',
        intent: 'plan',
        subject: { reference: `urn:uuid:${f.ids.persons.childA1}` },
      });
      const light = (plan!.extension as Array<{ url: string; valueCode: string }>)[0]!;
      expect(light.url).toBe('https://tejido.dev/fhir/StructureDefinition/traffic-light');
      expect(['green', 'amber', 'red']).toContain(light.valueCode);
      type Activity = {
        outcomeReference?: Array<{ reference: string }>;
        detail: {
          code: { coding: Array<{ code: string }> };
          status: string;
          statusReason: { coding: Array<{ code: string }> };
        };
      };
      const activities = plan!.activity as Activity[];
      const statuses = new Set(activities.map((a) => a.detail.statusReason.coding[0]!.code));
      expect(statuses.has('done')).toBe(true);
      expect([...statuses].some((s) => s === 'overdue' || s === 'due')).toBe(true);
      // The BCG item is done and points at the BCG Immunization of the bundle.
      const bcg = immunizations.find(
        (i) =>
          JSON.stringify(i.vaccineCode).includes('|BCG') || JSON.stringify(i.vaccineCode).includes('"BCG"'),
      )!;
      const done = activities.filter((a) => a.detail.status === 'completed');
      expect(done.some((a) => a.outcomeReference?.some((r) => r.reference === `urn:uuid:${bcg.id}`))).toBe(
        true,
      );
      expect(resources(bundle, 'Flag')).toHaveLength(light.valueCode === 'green' ? 0 : 1);

      expect(await auditCount('person.export')).toBe(before + 1);
    });

    it('exports a person who is not tracked with the Patient and the evidence there is', async () => {
      const res = await fhir(f.ids.persons.headA1, coord);
      expect(res.statusCode, res.body).toBe(200);
      const bundle = res.json();
      expect(resources(bundle, 'Patient')[0]!.identifier).toContainEqual(
        expect.objectContaining({ system: 'http://reniec.gob.pe/dni', value: '41234567' }),
      );
      expect(resources(bundle, 'Observation')).toEqual([
        expect.objectContaining({ valueQuantity: expect.objectContaining({ value: 12.9, unit: 'g/dL' }) }),
      ]);
      expect(resources(bundle, 'CarePlan')).toEqual([]);
    });

    it('is a 404 problem outside the scope, as for a person who does not exist', async () => {
      for (const id of [f.ids.persons.childA1, randomUUID()]) {
        const res = await fhir(id, tokenC);
        expect(res.statusCode).toBe(404);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.json()).toMatchObject({ code: 'NOT_FOUND' });
      }
      const own = await fhir(f.ids.persons.childC, tokenC);
      expect(own.statusCode, own.body).toBe(200);
    });
  });

  describe('validation', () => {
    const problem = async (body: object, field: string) => {
      const res = await search(coord, body);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().code).toBe('VALIDATION_FAILED');
      expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    };

    it('names the field at fault in a problem document', async () => {
      const ok = envelope([searchRequest('r', byDocument('DNI', '41234567'))]);
      await problem({ ...ok, header: { ...ok.header, action: 'subscribe' } }, 'header.action');
      await problem({ ...ok, header: { ...ok.header, total_count: 2 } }, 'header.total_count');
      await problem({ ...ok, header: { ...ok.header, is_msg_encrypted: true } }, 'header.is_msg_encrypted');
      await problem({ ...ok, header: { ...ok.header, message_ts: 'yesterday' } }, 'header.message_ts');
      await problem(
        { header: ok.header, message: { search_request: ok.message.search_request } },
        'message.transaction_id',
      );
      await problem(
        envelope([searchRequest('r', { query_type: 'idtype-value', query: [{ expression1: {} }] })]),
        'message.search_request.0.search_criteria.query',
      );
      await problem(
        envelope([searchRequest('r', { query_type: 'sql', query: 'SELECT 1' })]),
        'message.search_request.0.search_criteria.query_type',
      );
      await problem(
        envelope([searchRequest('r', { ...byDocument('DNI', '41234567'), pagination: { page_size: 0 } })]),
        'message.search_request.0.search_criteria.pagination.page_size',
      );
      const path = await f.app.inject({
        method: 'GET',
        url: '/api/v1/persons/not-a-uuid/fhir',
        headers: coord,
      });
      expect(path.statusCode).toBe(400);
      expect(path.json().errors[0].field).toBe('id');
    });

    it('lists the routes in the OpenAPI document under the interop tag', async () => {
      const spec = (await f.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
      expect(spec.paths['/api/v1/registry/sync/search'].post.tags).toEqual(['interop']);
      expect(spec.paths['/api/v1/registry/sync/search'].post.description).toMatch(/Not supported/);
      expect(spec.paths['/api/v1/persons/{id}/fhir'].get.tags).toEqual(['interop']);
      expect(spec.paths['/api/v1/persons/{id}/summary'].get.tags).toEqual(['interop']);
    });
  });
});
