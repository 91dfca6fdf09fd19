import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { todayInPeru } from '@tejido/core';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from '../../testing/fixture';
import { systemActor } from '../access/actor';
import { writeXlsx } from '../tracking/xlsx';
import { ImportFileError } from './files';
import { runImport } from './pipeline';
import { getBatch, rejectsCsv } from './service';

let f: Fixture;
let dir: string;
const actor = systemActor('import test');

beforeAll(async () => {
  f = await createFixture();
  dir = mkdtempSync(join(tmpdir(), 'tejido-import-test-'));
});
afterAll(async () => {
  await f.close();
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, content: string | Uint8Array, encoding: BufferEncoding = 'utf8'): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? Buffer.from(content, encoding) : content);
  return path;
}

async function evidenceOf(personId: string) {
  return f.database.db
    .selectFrom('evidence')
    .selectAll()
    .where('person_id', '=', personId)
    .orderBy('date')
    .execute();
}

const HEALTH_HEADER =
  'tipo_documento;numero_documento;nombres;apellido_paterno;apellido_materno;sexo;fecha_nacimiento;ubigeo;id_registro;tipo;fecha;codigo;dosis;peso_kg;talla_cm;hemoglobina';

describe('health spreadsheet import', () => {
  let batchId: string;
  const future = '01/01/2099';

  it('stores good rows, rejects bad ones with line, column and reason, and refreshes statuses', async () => {
    const lines = [
      HEALTH_HEADER,
      // 2: a pentavalent dose for Illari by her CUI, with the HIS code
      'CUI;81234567;;;;;;;A-1;vacuna;01/08/2025;90722;1;;;',
      // 3: a hemoglobin result with a decimal comma
      'CUI;81234567;;;;;;;A-2;hemoglobina;02/12/2025;;;;;10,4',
      // 4: an impossible weight
      'CUI;81234567;;;;;;;A-3;medicion;03/12/2025;;;70;;',
      // 5: a date in the future
      `CUI;81234567;;;;;;;A-4;cred;${future};;;;;`,
      // 6: a vaccine code nobody maps
      'CUI;81234567;;;;;;;A-5;vacuna;01/09/2025;XYZ;1;;;',
      // 7: before the birth of the person
      'CUI;81234567;;;;;;;A-6;cred;01/01/2025;;;;;',
      // 8: Amaru has no document: linked by name, sex, birth date and district (Quechua spelling variant)
      ';;Amaru;Yupanki;;M;15/01/2026;050201;C-1;cred;20/02/2026;;;4,6;54;',
      // 9: a number the registry does not have, and nothing else to go by
      'DNI;49999999;;;;;;;Z-1;cred;20/02/2026;;;;;',
      // 10: a broken check digit is not this row's case: an unknown kind
      'CUI;81234567;;;;;;;A-7;visita_social;01/10/2025;;;;;',
    ];
    const path = file('his-latin1.csv', `${lines.join('\r\n')}\r\n`, 'latin1');
    const outcome = await runImport(f.database, { kind: 'health', path, fileName: 'his.csv', actor });
    batchId = outcome.batchId;
    expect(outcome.alreadyImported).toBe(false);
    const b = await getBatch(f.database.db, actor, batchId);
    expect(b).toMatchObject({ status: 'completed', format: 'csv', delimiter: ';', linesTotal: 10 });
    expect(b.counts).toMatchObject({
      read: 9,
      imported: 3,
      rejected: 5,
      unmatched: 1,
      linkedByDocument: 3,
      linkedByAttributes: 1,
    });
    const illari = await evidenceOf(f.ids.persons.childA1);
    expect(illari.map((e) => [e.kind, e.code, e.hb_gdl, e.source, e.source_ref])).toEqual([
      ['vaccine_dose', 'PENTA', null, 'his_minsa', 'A-1'],
      ['hemoglobin', null, 10.4, 'his_minsa', 'A-2'],
    ]);
    expect(illari.every((e) => e.import_batch_id === batchId)).toBe(true);
    const amaru = await evidenceOf(f.ids.persons.childC);
    expect(amaru.map((e) => [e.kind, e.weight_kg, e.length_cm])).toEqual([['growth_checkup', 4.6, 54]]);
    const issues = await f.database.db
      .selectFrom('import_issue')
      .select(['line', 'field', 'code'])
      .where('batch_id', '=', batchId)
      .orderBy('line')
      .execute();
    expect(issues).toEqual([
      { line: 4, field: 'peso_kg', code: 'INVALID' },
      { line: 5, field: 'fecha', code: 'INVALID' },
      { line: 6, field: 'codigo', code: 'UNMAPPED_CODE' },
      { line: 7, field: 'fecha', code: 'CONFLICT' },
      { line: 10, field: 'tipo', code: 'UNMAPPED_CODE' },
    ]);
    // The statuses follow the new evidence in the same run.
    const status = await f.database.db
      .selectFrom('tracking_status')
      .select(['person_id', 'as_of'])
      .where('person_id', 'in', [f.ids.persons.childA1, f.ids.persons.childC])
      .execute();
    expect(status).toHaveLength(2);
    expect(status.every((s) => s.as_of === todayInPeru())).toBe(true);
    const csv: string[] = [];
    for await (const piece of rejectsCsv(f.database.db, actor, batchId)) csv.push(piece);
    const text = csv.join('');
    expect(text.startsWith('\uFEFFlinea,estado,campo,codigo,motivo,valor,recurso\r\n')).toBe(true);
    expect(text).toContain('6,rechazada,codigo,UNMAPPED_CODE,');
    expect(text).toContain('9,sin_vinculo,,NOT_FOUND,');
  });

  it('stores nothing new when the same file comes again', async () => {
    const before = await f.database.db
      .selectFrom('evidence')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    const again = await runImport(f.database, {
      kind: 'health',
      path: join(dir, 'his-latin1.csv'),
      fileName: 'his-again.csv',
      actor,
    });
    expect(again).toMatchObject({ batchId, alreadyImported: true });
    const after = await f.database.db
      .selectFrom('evidence')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('counts rows of another file that are already stored as duplicates', async () => {
    const path = file(
      'his-copy.csv',
      `${HEALTH_HEADER}\nCUI;81234567;;;;;;;A-1;vacuna;01/08/2025;90722;1;;;\n`,
    );
    const outcome = await runImport(f.database, { kind: 'health', path, fileName: 'his-copy.csv', actor });
    const b = await getBatch(f.database.db, actor, outcome.batchId);
    expect(b.counts).toMatchObject({ read: 1, imported: 0, duplicates: 1 });
  });

  it('refuses a file of another kind, or without its required columns, before writing anything', async () => {
    const births = file('births.csv', 'numero_cnv,fecha_nacimiento,sexo\n1234567,2026-01-15,M\n');
    const count = async () =>
      (
        await f.database.db
          .selectFrom('import_batch')
          .select(sql<number>`count(*)::int`.as('n'))
          .executeTakeFirstOrThrow()
      ).n;
    const batches = await count();
    await expect(
      runImport(f.database, { kind: 'health', path: births, fileName: 'b.csv', actor }),
    ).rejects.toThrow(/lacks the columns tipo, fecha/);
    const json = file('bundle.json', '{"resourceType":"Bundle","type":"collection","entry":[]}');
    await expect(
      runImport(f.database, { kind: 'health', path: json, fileName: 'x.json', actor }),
    ).rejects.toThrow(/import it as kind fhir/);
    const oneColumn = file('one.csv', 'hello\nworld\n');
    await expect(
      runImport(f.database, { kind: 'health', path: oneColumn, fileName: 'one.csv', actor }),
    ).rejects.toThrow(ImportFileError);
    const utf16 = file('utf16.csv', Buffer.from(`\ufeff${HEALTH_HEADER}\n`, 'utf16le'));
    await expect(
      runImport(f.database, { kind: 'health', path: utf16, fileName: 'u.csv', actor }),
    ).rejects.toThrow(/UTF-16/);
    expect(await count()).toBe(batches);
  });

  it('completes an interrupted import without duplicates when it is run again', async () => {
    const rows = [HEALTH_HEADER];
    for (let i = 1; i <= 9; i++) rows.push(`CUI;81234567;;;;;;;R-${i};cred;0${i}/07/2025;;;;;`);
    const path = file('resume.csv', `${rows.join('\n')}\n`);
    let chunks = 0;
    await expect(
      runImport(f.database, {
        kind: 'health',
        path,
        fileName: 'resume.csv',
        actor,
        chunkRows: 3,
        onProgress: (p) => {
          if (p.phase === 'reading' && ++chunks === 2) throw new Error('power cut');
        },
      }),
    ).rejects.toThrow('power cut');
    const halfway = await f.database.db
      .selectFrom('import_batch')
      .select(['id', 'status', 'lines_done', 'rows_imported'])
      .where('file_name', '=', 'resume.csv')
      .executeTakeFirstOrThrow();
    expect(halfway).toMatchObject({ status: 'failed', lines_done: 7, rows_imported: 6 });
    const outcome = await runImport(f.database, {
      kind: 'health',
      path,
      fileName: 'resume.csv',
      actor,
      chunkRows: 3,
    });
    expect(outcome).toMatchObject({ batchId: halfway.id, resumed: true });
    const b = await getBatch(f.database.db, actor, halfway.id);
    expect(b.counts).toMatchObject({ read: 9, imported: 9, duplicates: 0, rejected: 0 });
    const refs = (await evidenceOf(f.ids.persons.childA1)).filter((e) => e.source_ref?.startsWith('R-'));
    expect(refs).toHaveLength(9);
  });

  it('reads an Excel workbook with dates as serial numbers', async () => {
    const bytes = writeXlsx([
      {
        name: 'HIS',
        columns: ['numero_documento', 'tipo', 'fecha', 'codigo', 'dosis', 'id_registro'].map((header) => ({
          header,
        })),
        rows: [
          ['81234567', 'vacuna', { date: '2025-10-01' }, 'ROTA', 2, 'X-1'],
          ['81234567', 'suplemento', '05/12/2025', '99199.17', null, 'X-2'],
        ],
      },
    ]);
    const path = file('his.xlsx', bytes);
    const outcome = await runImport(f.database, { kind: 'health', path, fileName: 'his.xlsx', actor });
    const b = await getBatch(f.database.db, actor, outcome.batchId);
    expect(b).toMatchObject({ format: 'xlsx' });
    expect(b.counts).toMatchObject({ read: 2, imported: 2, rejected: 0 });
    const stored = (await evidenceOf(f.ids.persons.childA1)).filter((e) => e.source_ref?.startsWith('X-'));
    expect(stored.map((e) => [e.kind, e.code, e.date, e.dose])).toEqual([
      ['vaccine_dose', 'ROTA', '2025-10-01', 2],
      ['supplement', 'IRON_DROPS', '2025-12-05', null],
    ]);
  });

  it('reads another layout through a mapping file', async () => {
    const path = file(
      'other.csv',
      'NRO_DOC,TIPO_ATENCION,FECHA_ATENCION,COD_VACUNA,NRO_DOSIS\n81234567,VAC,2025-11-03,PCV,2\n',
    );
    const mapping = [
      'layout: health',
      'columns:',
      '  numero_documento: NRO_DOC',
      '  tipo: TIPO_ATENCION',
      '  fecha: FECHA_ATENCION',
      '  codigo: COD_VACUNA',
      '  dosis: NRO_DOSIS',
      'values:',
      '  tipo: { VAC: vacuna }',
      'dateFormat: yyyy-mm-dd',
    ].join('\n');
    const outcome = await runImport(f.database, {
      kind: 'health',
      path,
      fileName: 'other.csv',
      actor,
      mapping: { text: mapping, fileName: 'other.yaml' },
    });
    const b = await getBatch(f.database.db, actor, outcome.batchId);
    expect(b.counts).toMatchObject({ read: 1, imported: 1 });
    await expect(
      runImport(f.database, {
        kind: 'health',
        path,
        fileName: 'other.csv',
        actor,
        mapping: { text: 'layout: health\ncolumns:\n  numero_doc: X\n', fileName: 'bad.yaml' },
      }),
    ).rejects.toThrow(/bad\.yaml:3.*numero_doc: not a column/);
  });
});

describe('births and school imports', () => {
  it('gives a newborn found through the mother the identity number issued, and meets the document item', async () => {
    const path = file(
      'births.csv',
      'numero_cnv,fecha_nacimiento,sexo,nombres,apellido_paterno,ubigeo,cui,fecha_emision,numero_documento_madre\n' +
        // No names yet (as often on the certificate): found as the mother's newborn.
        '1000123,2026-01-16,M,,,050201,82345678,2026-01-29,44567890\n' +
        '1000124,2026-02-01,F,,,050201,,,49999990\n',
    );
    const outcome = await runImport(f.database, { kind: 'births', path, fileName: 'births.csv', actor });
    const b = await getBatch(f.database.db, actor, outcome.batchId);
    expect(b.counts).toMatchObject({ read: 2, imported: 1, unmatched: 1 });
    const child = await f.database.db
      .selectFrom('person')
      .select(['document_type', 'document_number', 'version'])
      .where('id', '=', f.ids.persons.childC)
      .executeTakeFirstOrThrow();
    expect(child).toMatchObject({ document_type: 'CUI', document_number: '82345678' });
    const docs = (await evidenceOf(f.ids.persons.childC)).filter((e) => e.kind === 'document_issued');
    expect(docs.map((e) => [e.code, e.date, e.source])).toEqual([['CUI', '2026-01-29', 'reniec']]);
    const history = await f.database.db
      .selectFrom('change_history')
      .select(['field', 'actor_kind'])
      .where('entity_id', '=', f.ids.persons.childC)
      .where('field', '=', 'document_number')
      .execute();
    expect(history).toEqual([{ field: 'document_number', actor_kind: 'system' }]);
  });

  it('stores school enrolment and attendance per period, once', async () => {
    const content =
      'codigo_modular;periodo;numero_documento;grado;matriculado;dias_asistidos;dias_lectivos\n' +
      '0512345;2026-03;41234567;5to secundaria;si;18;20\n' +
      '0512345;2026-04;41234567;5to secundaria;si;25;20\n';
    const path = file('school.csv', content);
    const outcome = await runImport(f.database, { kind: 'school', path, fileName: 'school.csv', actor });
    const b = await getBatch(f.database.db, actor, outcome.batchId);
    expect(b.counts).toMatchObject({ read: 2, imported: 1, rejected: 1 });
    const records = await f.database.db
      .selectFrom('school_record')
      .select(['person_id', 'period', 'attendance_days', 'school_days'])
      .execute();
    expect(records).toEqual([
      { person_id: f.ids.persons.headA1, period: '2026-03', attendance_days: 18, school_days: 20 },
    ]);
  });
});

describe('the review queue and the API', () => {
  it('holds a record whose identity number contradicts the person, and lets the steward link and revert it', async () => {
    const path = file(
      'contradiction.csv',
      `${HEALTH_HEADER}\nCUI;81234567;Illari;Huaman;Quispe;M;03/03/2024;050101;K-1;vacuna;10/11/2025;BCG;1;;;\n`,
    );
    const outcome = await runImport(f.database, {
      kind: 'health',
      path,
      fileName: 'contradiction.csv',
      actor,
    });
    expect((await getBatch(f.database.db, actor, outcome.batchId)).counts).toMatchObject({
      review: 1,
      imported: 0,
    });
    const cookie = await f.login('steward');
    const list = await f.app.inject({
      method: 'GET',
      url: `/api/v1/link-reviews?batchId=${outcome.batchId}`,
      headers: { cookie },
    });
    expect(list.statusCode).toBe(200);
    const [item] = list.json().items;
    expect(item).toMatchObject({
      status: 'review',
      line: 2,
      record: { firstSurname: 'Huaman', sex: 'male', birthDate: '2024-03-03', document: 'CUI 81234567' },
      summary: 'vaccine_dose BCG #1 2025-11-10',
    });
    expect(item.candidates[0].person).toMatchObject({ id: f.ids.persons.childA1, givenNames: 'Illari' });

    const forbidden = await f.app.inject({
      method: 'POST',
      url: `/api/v1/link-reviews/${item.id}/decision`,
      headers: { cookie: await f.login('worker1') },
      payload: { action: 'link', personId: f.ids.persons.childA1 },
    });
    expect(forbidden.statusCode).toBe(403);

    const linked = await f.app.inject({
      method: 'POST',
      url: `/api/v1/link-reviews/${item.id}/decision`,
      headers: { cookie },
      payload: { action: 'link', personId: f.ids.persons.childA1 },
    });
    expect(linked.statusCode).toBe(200);
    expect(linked.json()).toMatchObject({ status: 'linked', linkedPersonId: f.ids.persons.childA1 });
    const bcg = async () =>
      (
        await f.app.inject({
          method: 'GET',
          url: `/api/v1/persons/${f.ids.persons.childA1}/tracking`,
          headers: { cookie },
        })
      )
        .json()
        .evidence.filter((e: { code: string }) => e.code === 'BCG');
    expect(await bcg()).toHaveLength(1);

    const again = await f.app.inject({
      method: 'POST',
      url: `/api/v1/link-reviews/${item.id}/decision`,
      headers: { cookie },
      payload: { action: 'link', personId: f.ids.persons.childA1 },
    });
    expect(again.statusCode).toBe(409);

    const reverted = await f.app.inject({
      method: 'POST',
      url: `/api/v1/record-links/${linked.json().linkId}/revert`,
      headers: { cookie },
      payload: { reason: 'Otra niña con el mismo CUI mal digitado' },
    });
    expect(reverted.statusCode).toBe(200);
    expect(reverted.json()).toMatchObject({ status: 'review', linkedPersonId: null });
    // The evidence stays in the table, retracted: it no longer counts for her.
    expect(await bcg()).toHaveLength(0);
    const retracted = await f.database.db.selectFrom('evidence_retraction').selectAll().execute();
    expect(retracted).toHaveLength(1);
    const digest = await f.database.db
      .selectFrom('evidence_digest')
      .select('records')
      .where('person_id', '=', f.ids.persons.childA1)
      .executeTakeFirstOrThrow();
    expect(digest.records).not.toContain('BCG');

    // Linked again later: a new record, not the retracted one.
    const relinked = await f.app.inject({
      method: 'POST',
      url: `/api/v1/link-reviews/${item.id}/decision`,
      headers: { cookie },
      payload: { action: 'link', personId: f.ids.persons.childA1 },
    });
    expect(relinked.statusCode).toBe(200);
    expect(await bcg()).toHaveLength(1);
    const audit = await f.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', 'like', 'linkage.%')
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['linkage.list', 'linkage.link', 'linkage.revert']),
    );
  });

  it('takes an upload, answers 202, and serves the batch and its rejects file', async () => {
    const cookie = await f.login('steward');
    const body = `${HEALTH_HEADER}\nCUI;81234567;;;;;;;U-1;cred;05/09/2025;;;;;\nCUI;81234567;;;;;;;U-2;cred;xx/09/2025;;;;;\n`;
    const res = await f.app.inject({
      method: 'POST',
      url: '/api/v1/imports?kind=health&fileName=subida.csv',
      headers: { cookie, 'content-type': 'text/csv' },
      payload: body,
    });
    expect([200, 202]).toContain(res.statusCode);
    const id = res.json().id;
    let batch = res.json();
    for (let i = 0; i < 100 && batch.status === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      batch = (
        await f.app.inject({ method: 'GET', url: `/api/v1/imports/${id}`, headers: { cookie } })
      ).json();
    }
    expect(batch).toMatchObject({
      status: 'completed',
      fileName: 'subida.csv',
      counts: { imported: 1, rejected: 1 },
    });
    const rejects = await f.app.inject({
      method: 'GET',
      url: `/api/v1/imports/${id}/rejects.csv`,
      headers: { cookie },
    });
    expect(rejects.headers['content-type']).toContain('text/csv');
    expect(rejects.body).toContain('3,rechazada,fecha,INVALID,');

    const refused = await f.app.inject({
      method: 'POST',
      url: '/api/v1/imports?kind=school&fileName=subida.csv',
      headers: { cookie, 'content-type': 'text/csv' },
      payload: body,
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json().errors[0]).toMatchObject({ field: 'header' });

    const worker = await f.app.inject({
      method: 'POST',
      url: '/api/v1/imports?kind=health&fileName=x.csv',
      headers: { cookie: await f.login('worker1'), 'content-type': 'text/csv' },
      payload: body,
    });
    expect(worker.statusCode).toBe(403);
  });
});
