/**
 * Imports on a PostgreSQL server: a health-evidence CSV linked by identity number into the
 * registry, measured against the floor (a raw COPY of the same file into a bare table in the same
 * run); then records without identity numbers linked by name, sex, birth date and territory,
 * with precision and recall against the known truth.
 *
 * npm run bench -- imports [--households 240000] [--rows 1000000] [--records 100000]
 *                           [--keep] [--reuse NAME] [--runs 1]
 * 240,000 demo households hold about 1,000,000 persons.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { addDays, todayInPeru } from '@tejido/core';
import { connect, migrate } from '@tejido/db';
import { sql } from 'kysely';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Rng } from '../apps/server/src/modules/demo/random';
import { rebuildEvidenceDigest } from '../apps/server/src/modules/tracking/digest';
import { admin, databaseUrl, loadBenchDemo } from './server';
import { median, option } from './stats';

const ROOT = resolve(import.meta.dirname, '..');

interface ChildResult {
  seconds: number;
  phases: Record<string, number>;
  alreadyImported: boolean;
  counts: {
    [name: string]: number;
    personsTouched: number;
    imported: number;
    duplicates: number;
    rejected: number;
  };
  batchId: string;
  rssMiB: number;
}

function importInChild(url: string, kind: string, file: string): ChildResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/import-child.ts', kind, file], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url },
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) throw new Error(`import failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}

const VACCINES = [
  'BCG',
  'HVB',
  'PENTA',
  'IPV',
  'ROTA',
  'PCV',
  'FLU',
  'MMR',
  'VAR',
  'HEPA',
  'YF',
  'DPT_B',
  'OPV_B',
];
const HIS = ['90722', '90670', '90681', '90713'];

/** dd/mm/yyyy, as HIS-MINSA exports write dates. */
const dmy = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

const HEADER =
  'tipo_documento;numero_documento;nombres;apellido_paterno;apellido_materno;sexo;fecha_nacimiento;ubigeo;id_registro;tipo;fecha;codigo;dosis;peso_kg;talla_cm;posicion;hemoglobina;establecimiento';

export async function run(args: string[]) {
  const households = Number(option(args, 'households', '240000'));
  const rows = Number(option(args, 'rows', '1000000'));
  const records = Number(option(args, 'records', '100000'));
  const runs = Number(option(args, 'runs', '1'));
  const reuse = option(args, 'reuse', '');
  const keep = args.includes('--keep');
  // --only identity | attributes: one of the two measurements.
  const only = option(args, 'only', '');
  const name = reuse || `tejido_bench_imports_${process.pid}`;
  const url = databaseUrl(name);
  const keepDir = option(args, 'dir', '');
  const dir = keepDir || mkdtempSync(join(tmpdir(), 'tejido-bench-imports-'));
  if (!reuse) await admin(`CREATE DATABASE ${name}`);
  const database = await connect({ databaseUrl: url, poolSize: 4 });
  try {
    await migrate(database);
    if (!reuse) await loadBenchDemo(database, households);
    const persons = await database.db
      .selectFrom('person')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    const today = todayInPeru();
    console.log(`registry: ${persons.n.toLocaleString('en')} persons`);

    const md = (x: number) => `${x.toFixed(1)} s`;
    if (only !== 'attributes') {
      // ---- 1. identity-number linkage of a health CSV ------------------------------------
      const documented = await sql<{ t: string; n: string; b: string; s: string }>`
      SELECT document_type AS t, document_number AS n, birth_date::text AS b, sex AS s
        FROM person WHERE document_number IS NOT NULL AND document_type <> 'CE'
       ORDER BY birth_date DESC, id`.execute(database.db);
      const people = documented.rows;
      const rng = new Rng(2026, 77);
      const csvPath = join(dir, `his-${rows}.csv`);
      const out = createWriteStream(csvPath);
      out.write(`${HEADER}\n`);
      const facilities = ['00001234', '00004321', '00005678'];
      let buffer = '';
      for (let i = 0; i < rows; i++) {
        // Most rows are about young children, as health-package exports are.
        const p = people[Math.floor(rng.float() ** 3 * people.length)]!;
        const age = Math.max(1, Math.floor((Date.parse(today) - Date.parse(p.b)) / 86_400_000));
        const date = addDays(p.b, Math.floor(rng.float() * age));
        const months = (Date.parse(date) - Date.parse(p.b)) / (30.44 * 86_400_000);
        const pick = rng.float();
        let kind = 'cred';
        let code = '';
        let dose = '';
        let weight = '';
        let length = '';
        let position = '';
        let hb = '';
        if (pick < 0.4) {
          kind = 'vacuna';
          code =
            rng.float() < 0.2
              ? HIS[Math.floor(rng.float() * HIS.length)]!
              : VACCINES[Math.floor(rng.float() * VACCINES.length)]!;
          dose = String(1 + Math.floor(rng.float() * 3));
        } else if (pick < 0.7 && months < 60) {
          kind = 'cred';
          const w = 3.3 + months * 0.25 + (rng.float() - 0.5) * 1.5;
          const l = 50 + months * 1.2 + (rng.float() - 0.5) * 4;
          weight = w.toFixed(2).replace('.', ',');
          length = l.toFixed(1).replace('.', ',');
          position = months < 24 ? 'echado' : 'de pie';
        } else if (pick < 0.85 && months >= 6) {
          kind = 'hemoglobina';
          hb = (9 + rng.float() * 4.5).toFixed(1).replace('.', ',');
        } else if (pick < 0.95) {
          kind = 'suplemento';
          code = rng.float() < 0.5 ? 'IRON_DROPS' : '99199.17';
          dose = String(1 + Math.floor(rng.float() * 6));
        } else {
          kind = 'seguro';
          code = 'SIS';
        }
        buffer += `${p.t};${p.n};;;;;;;${i + 1};${kind};${dmy(date)};${code};${dose};${weight};${length};${position};${hb};${facilities[i % 3]}\n`;
        if (buffer.length > 1 << 20) {
          if (!out.write(buffer)) await new Promise<void>((r) => out.once('drain', () => r()));
          buffer = '';
        }
      }
      out.write(buffer);
      await new Promise<void>((r) => out.end(() => r()));
      const bytes = statSync(csvPath).size;
      console.log(`health file: ${rows.toLocaleString('en')} rows, ${(bytes / 2 ** 20).toFixed(0)} MiB`);

      const floors: number[] = [];
      const imports: ChildResult[] = [];
      for (let r = 0; r < runs; r++) {
        // The floor: the same file into a bare table of text columns, nothing checked or linked.
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        await client.query('DROP TABLE IF EXISTS bench_raw_import');
        await client.query(
          `CREATE TABLE bench_raw_import (${HEADER.split(';')
            .map((c) => `${c} text`)
            .join(', ')})`,
        );
        const t0 = performance.now();
        await pipeline(
          createReadStream(csvPath),
          client.query(copyFrom(`COPY bench_raw_import FROM STDIN WITH (FORMAT csv, HEADER, DELIMITER ';')`)),
        );
        floors.push((performance.now() - t0) / 1000);
        await client.query('DROP TABLE bench_raw_import');
        await client.end();
        await forgetImports(database);
        imports.push(importInChild(url, 'health', csvPath));
        console.log(JSON.stringify(imports.at(-1)));
      }
      const again = importInChild(url, 'health', csvPath);

      const imp = imports.map((i) => i.phases.reading ?? i.seconds);
      const whole = imports.map((i) => i.seconds);
      console.log(
        `\nHealth evidence by identity number: ${rows.toLocaleString('en')} rows (${(bytes / 2 ** 20).toFixed(0)} MiB CSV) into ${persons.n.toLocaleString('en')} persons, ${runs} run(s)`,
      );
      console.log('\n| measure | result |\n| --- | --- |');
      console.log(`| raw COPY of the file into a bare table (floor) | ${md(median(floors))} |`);
      console.log(
        `| import: read, check, link by number, store evidence | ${md(median(imp))} (ratio ${(median(imp) / median(floors)).toFixed(1)}× the floor) |`,
      );
      console.log(
        `| then statuses of the ${imports[0]!.counts.personsTouched.toLocaleString('en')} persons touched | ${md(median(imports.map((i) => i.phases.statuses ?? 0)))} |`,
      );
      console.log(
        `| whole command | ${md(median(whole))}; peak RSS ${Math.max(...imports.map((i) => i.rssMiB)).toFixed(0)} MiB |`,
      );
      console.log(
        `| stored / already stored / rejected | ${imports[0]!.counts.imported} / ${imports[0]!.counts.duplicates} / ${imports[0]!.counts.rejected} |`,
      );
      console.log(
        `| the same file again | ${md(again.seconds)}, nothing new (${again.alreadyImported ? 'recognised by its hash' : 'not recognised!'}) |`,
      );
    }
    if (only !== 'identity') {
      // ---- 2. attribute linkage ------------------------------------------------------------
      const linkPath = join(dir, `no-document-${records}.csv`);
      const truth = await writeLinkageFile(database, linkPath, records);
      await forgetImports(database);
      const linkRun = importInChild(url, 'health', linkPath);
      const got = await sql<{ ref: string; person_id: string }>`
      SELECT source_ref AS ref, person_id::text FROM evidence WHERE import_batch_id = ${linkRun.batchId}::uuid`.execute(
        database.db,
      );
      const review = await sql<{ line: number; candidates: Array<{ personId: string }> }>`
      SELECT line, candidates FROM import_record WHERE batch_id = ${linkRun.batchId}::uuid AND status = 'review'`.execute(
        database.db,
      );
      let correct = 0;
      for (const g of got.rows) if (truth.get(g.ref) === g.person_id) correct++;
      const matchable = [...truth.values()].filter((t) => t !== null).length;
      let reviewTrue = 0;
      for (const r of review.rows) {
        const t = truth.get(`L-${r.line - 1}`);
        if (t && r.candidates.some((c) => c.personId === t)) reviewTrue++;
      }

      console.log(
        `\nAttribute linkage: ${records.toLocaleString('en')} records without identity number (${matchable.toLocaleString('en')} of registry persons) against ${persons.n.toLocaleString('en')} persons`,
      );
      console.log('\n| measure | result |\n| --- | --- |');
      console.log(`| read and hold | ${md(linkRun.phases.reading ?? 0)} |`);
      console.log(
        `| index of the registry, scoring, linking, storing | ${md(linkRun.phases.linking ?? 0)} |`,
      );
      console.log(
        `| whole command (with statuses) | ${md(linkRun.seconds)}; peak RSS ${linkRun.rssMiB.toFixed(0)} MiB |`,
      );
      console.log(`| linked automatically | ${got.rows.length.toLocaleString('en')} |`);
      console.log(
        `| precision of automatic links | ${(correct / Math.max(1, got.rows.length)).toFixed(4)} |`,
      );
      console.log(`| recall of automatic links | ${(correct / matchable).toFixed(4)} |`);
      console.log(
        `| sent to review (with the true person among the candidates) | ${review.rows.length.toLocaleString('en')} (${reviewTrue.toLocaleString('en')}) |`,
      );
      console.log(`| recall once the review is done | ${((correct + reviewTrue) / matchable).toFixed(4)} |`);
    }
  } finally {
    await database.close();
    if (!keepDir) rmSync(dir, { recursive: true, force: true });
    if (!keep && !reuse) await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    else console.log(`database kept: ${name} (--reuse ${name})`);
  }
}

/** Undo earlier imports of the benchmark (a rerun, or a reused database): batches and their evidence. */
export async function forgetImports(database: Awaited<ReturnType<typeof connect>>): Promise<void> {
  await sql`DELETE FROM evidence_retraction`.execute(database.db);
  await sql`DELETE FROM record_link`.execute(database.db);
  await sql`DELETE FROM import_issue`.execute(database.db);
  await sql`DELETE FROM import_record`.execute(database.db);
  await sql`DELETE FROM school_record`.execute(database.db);
  await sql`ALTER TABLE evidence DISABLE TRIGGER evidence_no_update`.execute(database.db);
  const gone = await sql`DELETE FROM evidence WHERE import_batch_id IS NOT NULL`.execute(database.db);
  await sql`ALTER TABLE evidence ENABLE TRIGGER evidence_no_update`.execute(database.db);
  await sql`DELETE FROM import_batch`.execute(database.db);
  if (Number(gone.numAffectedRows ?? 0) > 0) {
    await rebuildEvidenceDigest(database);
    await sql`VACUUM ANALYZE evidence`.execute(database.db);
    await sql`VACUUM ANALYZE evidence_digest`.execute(database.db);
  }
}

/**
 * Records of registry persons (all ages) with the errors of real files and no identity number,
 * and about one in ten of persons who are not in the registry; the truth by source reference.
 */
async function writeLinkageFile(
  database: Awaited<ReturnType<typeof connect>>,
  path: string,
  records: number,
): Promise<Map<string, string | null>> {
  const sample = await sql<{
    id: string;
    given_names: string;
    first_surname: string;
    second_surname: string | null;
    sex: 'female' | 'male';
    birth_date: string;
    territory_code: string;
  }>`
    SELECT p.id::text, p.given_names, p.first_surname, p.second_surname, p.sex, p.birth_date::text,
           coalesce(h.village_code, h.territory_code) AS territory_code
      FROM person p JOIN household h ON h.id = p.household_id
     WHERE p.status = 'active'
     ORDER BY md5(p.id::text) LIMIT ${records * 2}`.execute(database.db);
  const { perturbForLinkage } = await import('./linkage');
  const rng = new Rng(4242, 11);
  const truth = new Map<string, string | null>();
  const out = createWriteStream(path);
  out.write(`${HEADER}\n`);
  const pool = sample.rows;
  const half = Math.floor(pool.length / 2);
  for (let i = 0; i < records; i++) {
    // One in ten: a person not in the registry, made of another's given names and a third's surnames.
    const outsider = rng.float() < 0.1;
    const base = pool[i % half]!;
    const person = outsider
      ? {
          ...pool[half + (i % half)]!,
          given_names: pool[half + ((i * 7) % half)]!.given_names,
          birth_date: addDays(pool[half + (i % half)]!.birth_date, 17 + Math.floor(rng.float() * 300)),
        }
      : base;
    const p = perturbForLinkage(rng, {
      id: person.id,
      givenNames: person.given_names,
      firstSurname: person.first_surname,
      secondSurname: person.second_surname,
      sex: person.sex,
      birthDate: person.birth_date,
      territoryCode: person.territory_code,
    });
    const ref = `L-${i + 1}`;
    truth.set(ref, outsider ? null : person.id);
    // Affiliated some days after birth (after the registry's birth date, which the link checks).
    const date = addDays(person.birth_date, 1 + (i % 30));
    out.write(
      `;;${p.givenNames ?? ''};${p.firstSurname ?? ''};${p.secondSurname ?? ''};${p.sex === 'female' ? 'F' : p.sex === 'male' ? 'M' : ''};${p.birthDate ? dmy(p.birthDate) : ''};${(p.territoryCode ?? '').slice(0, 6)};${ref};seguro;${dmy(date > todayInPeru() ? todayInPeru() : date)};SIS;;;;;;\n`,
    );
  }
  await new Promise<void>((r) => out.end(() => r()));
  return truth;
}
