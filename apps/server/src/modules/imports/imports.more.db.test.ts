import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { personSearchName, todayInPeru, uuidv7 } from '@tejido/core';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from '../../testing/fixture';
import { systemActor } from '../access/actor';
import { recompute } from '../tracking/recompute';
import { digestEvidence, toEvidence } from '../tracking/subjects';
import { findDuplicates } from './dedupe';
import { runImport } from './pipeline';
import { getBatch } from './service';

let f: Fixture;
let dir: string;
const actor = systemActor('import test');

beforeAll(async () => {
  f = await createFixture();
  dir = mkdtempSync(join(tmpdir(), 'tejido-import-more-'));
});
afterAll(async () => {
  await f.close();
  rmSync(dir, { recursive: true, force: true });
});

const evidenceOf = (personId: string) =>
  f.database.db
    .selectFrom('evidence')
    .selectAll()
    .where('person_id', '=', personId)
    .orderBy('date')
    .execute();

describe('FHIR import', () => {
  const patient = {
    resourceType: 'Patient',
    id: 'p1',
    identifier: [{ system: 'http://reniec.gob.pe/cui', value: '81234567' }],
    name: [{ family: 'Huamán', given: ['Illari'] }],
    gender: 'female',
    birthDate: '2025-06-01',
  };
  const rota = {
    resourceType: 'Immunization',
    id: 'imm-1',
    status: 'completed',
    vaccineCode: { coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code: '116' }] },
    patient: { reference: 'Patient/p1' },
    occurrenceDateTime: '2025-08-01T10:00:00-05:00',
    protocolApplied: [{ doseNumberPositiveInt: 1 }],
  };
  const unknown = {
    ...rota,
    id: 'imm-2',
    vaccineCode: { coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code: '999' }] },
  };
  const hb = {
    resourceType: 'Observation',
    id: 'obs-1',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '718-7' }] },
    subject: { reference: 'Patient/p1' },
    effectiveDateTime: '2025-12-10',
    valueQuantity: { value: 105, unit: 'g/L', system: 'http://unitsofmeasure.org', code: 'g/L' },
  };

  it('imports an NDJSON file whose Patient comes after the resources that refer to it, and reports unmapped codes', async () => {
    const path = join(dir, 'export.ndjson');
    writeFileSync(path, [rota, unknown, hb, patient].map((r) => JSON.stringify(r)).join('\n'));
    const outcome = await runImport(f.database, { kind: 'fhir', path, fileName: 'export.ndjson', actor });
    const b = await getBatch(f.database.db, actor, outcome.batchId);
    expect(b).toMatchObject({ format: 'ndjson', status: 'completed' });
    expect(b.counts).toMatchObject({ imported: 2, rejected: 1, linkedByDocument: 2 });
    const stored = await evidenceOf(f.ids.persons.childA1);
    expect(stored.map((e) => [e.kind, e.code, e.hb_gdl, e.source, e.source_ref])).toEqual([
      ['vaccine_dose', 'ROTA', null, 'fhir', 'Immunization/imm-1'],
      ['hemoglobin', null, 10.5, 'fhir', 'Observation/obs-1'],
    ]);
    const issues = await f.database.db
      .selectFrom('import_issue')
      .select(['line', 'code', 'value', 'resource'])
      .where('batch_id', '=', outcome.batchId)
      .execute();
    expect(issues).toContainEqual({
      line: 2,
      code: 'UNMAPPED_CODE',
      value: 'http://hl7.org/fhir/sid/cvx|999',
      resource: 'Immunization/imm-2',
    });
  });

  it('imports the same resources in a Bundle once: they are already stored', async () => {
    const path = join(dir, 'bundle.json');
    const bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [patient, rota, hb].map((resource) => ({ fullUrl: `urn:uuid:${uuidv7()}`, resource })),
    };
    writeFileSync(path, JSON.stringify(bundle, null, 2));
    const outcome = await runImport(f.database, { kind: 'fhir', path, fileName: 'bundle.json', actor });
    const b = await getBatch(f.database.db, actor, outcome.batchId);
    expect(b).toMatchObject({ format: 'bundle' });
    expect(b.counts).toMatchObject({ imported: 0, duplicates: 2 });
  });

  it('refuses a Bundle that is not valid JSON before storing anything', async () => {
    const path = join(dir, 'broken.json');
    writeFileSync(
      path,
      '{\n "resourceType": "Bundle",\n "entry": [\n  {"resource": {"resourceType": "Patient", "id": "x"}},\n',
    );
    await expect(
      runImport(f.database, { kind: 'fhir', path, fileName: 'broken.json', actor }),
    ).rejects.toThrow(/not valid FHIR JSON/);
    const batch = await f.database.db
      .selectFrom('import_batch')
      .select('id')
      .where('file_name', '=', 'broken.json')
      .execute();
    expect(batch).toHaveLength(0);
  });
});

describe('duplicates in the registry', () => {
  it("finds a person registered twice, merges them on the steward's word, and reverts the merge", async () => {
    const duplicate = uuidv7();
    await f.database.db
      .insertInto('person')
      .values({
        id: duplicate,
        household_id: f.ids.households.hA2,
        relationship: 'child',
        given_names: 'Ilari',
        first_surname: 'Huaman',
        second_surname: 'Quispe',
        sex: 'female',
        birth_date: '2025-06-01',
        document_type: null,
        document_number: null,
        document_check_digit: null,
        health_insurance_number: null,
        search_name: personSearchName({
          givenNames: 'Ilari',
          firstSurname: 'Huaman',
          secondSurname: 'Quispe',
        }),
      })
      .execute();
    await f.database.db
      .insertInto('evidence')
      .values({
        id: uuidv7(),
        person_id: duplicate,
        kind: 'vaccine_dose',
        date: '2025-06-02',
        code: 'HVB',
        dose: 1,
        weight_kg: null,
        length_cm: null,
        measured: null,
        oedema: null,
        hb_gdl: null,
        source: 'manual',
        source_ref: null,
        recorded_by: null,
      })
      .execute();
    const summary = await findDuplicates(f.database, actor);
    expect(summary.pairs).toBe(1);
    const cookie = await f.login('steward');
    const list = await f.app.inject({ method: 'GET', url: '/api/v1/duplicates', headers: { cookie } });
    const [pair] = list.json();
    expect([pair.a.id, pair.b.id].sort()).toEqual([f.ids.persons.childA1, duplicate].sort());
    expect(pair.reasons.map((r: { field: string }) => r.field)).toContain('birthDate');
    // A second run finds nothing new.
    expect((await findDuplicates(f.database, actor)).pairs).toBe(0);

    const merged = await f.app.inject({
      method: 'POST',
      url: `/api/v1/duplicates/${pair.id}/decision`,
      headers: { cookie },
      payload: { decision: 'same_person', note: 'Misma niña, registrada dos veces' },
    });
    expect(merged.statusCode).toBe(200);
    expect(merged.json().status).toBe('same_person');
    const person = async (id: string) =>
      f.database.db
        .selectFrom('person')
        .select(['status', 'merged_into'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
    // The one with an identity number survives.
    expect(await person(duplicate)).toEqual({ status: 'merged', merged_into: f.ids.persons.childA1 });
    const hvb = async () => (await evidenceOf(f.ids.persons.childA1)).filter((e) => e.code === 'HVB');
    expect(await hvb()).toHaveLength(1);
    const tracked = await f.database.db
      .selectFrom('tracking_status')
      .select('person_id')
      .where('person_id', '=', duplicate)
      .execute();
    expect(tracked).toHaveLength(0);

    const reverted = await f.app.inject({
      method: 'POST',
      url: `/api/v1/duplicates/${pair.id}/revert`,
      headers: { cookie },
      payload: { reason: 'Eran gemelas' },
    });
    expect(reverted.statusCode).toBe(200);
    expect(reverted.json().status).toBe('open');
    expect(await person(duplicate)).toEqual({ status: 'active', merged_into: null });
    const retracted = await f.database.db.selectFrom('evidence_retraction').select('evidence_id').execute();
    expect(retracted).toHaveLength(1);
    const view = await f.app.inject({
      method: 'GET',
      url: `/api/v1/persons/${f.ids.persons.childA1}/tracking`,
      headers: { cookie },
    });
    expect(view.json().evidence.filter((e: { code: string }) => e.code === 'HVB')).toHaveLength(0);

    const distinct = await f.app.inject({
      method: 'POST',
      url: `/api/v1/duplicates/${pair.id}/decision`,
      headers: { cookie },
      payload: { decision: 'distinct' },
    });
    expect(distinct.json().status).toBe('distinct');
    const worker = await f.app.inject({
      method: 'GET',
      url: '/api/v1/duplicates',
      headers: { cookie: await f.login('worker1') },
    });
    expect(worker.statusCode).toBe(403);
  });
});

describe('bulk loads', () => {
  /** Each person's digest and (unretracted) evidence, as sorted lists of the evaluation's records. */
  const digestsAgree = async () => {
    const digests = await f.database.db.selectFrom('evidence_digest').selectAll().execute();
    const rows = await sql<Record<string, unknown>>`
      SELECT person_id, '' AS id, kind, date, code, dose, weight_kg, length_cm, measured, oedema, hb_gdl
        FROM evidence e WHERE NOT EXISTS (SELECT 1 FROM evidence_retraction r WHERE r.evidence_id = e.id)`.execute(
      f.database.db,
    );
    const key = (e: object) => JSON.stringify(e);
    const fromDigest = new Map(
      digests
        .filter((d) => d.records !== '')
        .map((d) => [d.person_id, digestEvidence(d.records).map(key).sort()]),
    );
    const fromRows = new Map<string, string[]>();
    for (const r of rows.rows) {
      const list = fromRows.get(String(r.person_id)) ?? [];
      list.push(key(toEvidence(Object.values(r) as Parameters<typeof toEvidence>[0])));
      fromRows.set(String(r.person_id), list);
    }
    for (const list of fromRows.values()) list.sort();
    expect(fromDigest).toEqual(fromRows);
  };

  it('defers the evidence digest to the end, and a recompute completes the digest of an import that died', async () => {
    const header = 'numero_documento;tipo;fecha;codigo;dosis;id_registro';
    const lines = [header];
    for (let i = 1; i <= 8; i++) lines.push(`81234567;vacuna;0${i}/10/2025;FLU;1;BULK-${i}`);
    lines.push(';;;;;');
    lines.push('44567890;cred;01/02/2026;;;BULK-9');
    const path = join(dir, 'bulk.csv');
    writeFileSync(path, `${lines.join('\n')}\n`);
    let chunks = 0;
    await expect(
      runImport(f.database, {
        kind: 'health',
        path,
        fileName: 'bulk.csv',
        actor,
        chunkRows: 3,
        bulkLines: 1,
        onProgress: (p) => {
          if (p.phase === 'reading' && ++chunks === 2) throw new Error('killed');
        },
      }),
    ).rejects.toThrow('killed');
    // Listed as deferred; each stored record is either in the digest (a chunk appended on a
    // connection of its own, on a server) or in a part still listed, never both, never neither.
    expect(
      await f.database.db.selectFrom('evidence_digest_deferred').select('batch_id').execute(),
    ).toHaveLength(1);
    const split = await sql<{ stored: number; listed: number; digested: number }>`
      SELECT (SELECT count(*)::int FROM evidence WHERE code = 'FLU') AS stored,
             (SELECT count(*)::int FROM evidence e WHERE code = 'FLU'
                 AND e.recorded_at IN (SELECT started FROM evidence_digest_deferred_part)) AS listed,
             (SELECT coalesce(sum(length(records) - length(replace(records, '|FLU|', ''))), 0)::int / 5
                FROM evidence_digest) AS digested`.execute(f.database.db);
    const { stored, listed, digested } = split.rows[0]!;
    expect(stored).toBeGreaterThanOrEqual(3);
    // The embedded database has one connection: there, nothing is appended before the end.
    if (f.database.engine !== 'postgres') expect(listed).toBe(stored);
    expect(listed + digested).toBe(stored);
    // The daily recompute finds the dead import's digest and completes it.
    await recompute(f.database, { asOf: todayInPeru() });
    expect(
      await f.database.db.selectFrom('evidence_digest_deferred').select('batch_id').execute(),
    ).toHaveLength(0);
    await digestsAgree();
    // Running the file again completes the import, and its digest, without counting anything twice.
    const outcome = await runImport(f.database, {
      kind: 'health',
      path,
      fileName: 'bulk.csv',
      actor,
      chunkRows: 3,
      bulkLines: 1,
    });
    expect(outcome.resumed).toBe(true);
    const b = await getBatch(f.database.db, actor, outcome.batchId);
    expect(b.counts).toMatchObject({ imported: 9, rejected: 1 });
    await digestsAgree();
    expect(await f.database.db.selectFrom('evidence_digest_deferred_part').selectAll().execute()).toEqual([]);
  });
});
