/**
 * The demo population: a deterministic, realistic registry for one region (Ayacucho), from
 * a handful of households for a laptop demo to a national-size load (700,000 households,
 * about 3.8 million people) for benchmarks.
 *
 * Every table is filled with COPY from CSV chunks streamed out of generators; the household
 * stream is walked once per table (households, persons, pregnancies, enrolments, evidence)
 * and rebuilds the same rows each time, so memory stays flat whatever the size. The evidence
 * (evidence.ts: checkups, vaccines, hemoglobin, … of every child under 36 months and every
 * ongoing pregnancy, about 30 rows each) is the biggest table by far.
 * Same seed, household count and as-of date → the same rows, byte for byte.
 */

import { cuiCheckDigit, isCalendarDate, normalizeName, parseCalendarDate, todayInPeru } from '@tejido/core';
import type { Database } from '@tejido/db';
import { sql } from 'kysely';
import { rebuildEvidenceDigest, suspendEvidenceDigest } from '../tracking/digest';
import { DeferredConstraints, type StepListener } from './bulk';
import { DAY_MS, dayString, momentString } from './calendar';
import { chunked, csvField, csvRow } from './csv';
import { EVIDENCE_COLUMNS, EvidenceGenerator } from './evidence';
import { type HouseholdModel, HouseholdStream } from './households';
import { type DemoPlan, planDemo } from './plan';

export interface DemoOptions {
  households: number;
  seed: number;
  /** YYYY-MM-DD; ages, pregnancies and timestamps are relative to it. Default: today in Peru. */
  asOf?: string;
  /** argon2 hash the caller computed for the demo accounts' password. */
  passwordHash: string;
  /**
   * Called after each step: a table loaded (`household`, with its row count), an index or
   * foreign key rebuilt (`rebuild person_search_name_trgm_idx`), `analyze`. For progress logs
   * and benchmarks.
   */
  onProgress?: (event: { step: string; rows: number; seconds: number }) => void;
}

export interface DemoSummary {
  territories: number;
  institutions: number;
  households: number;
  persons: number;
  childrenUnder36Months: number;
  pregnancies: number;
  /** The demo accounts, one per role (field workers beyond the first are not listed). */
  users: Array<{ username: string; role: string; scope: string }>;
  /** All field-worker accounts created (gestor, gestor.2, …). */
  fieldWorkers: number;
  enrolments: number;
  /** Evidence records of the children under 36 months and the ongoing pregnancies. */
  evidence: number;
}

export class DemoError extends Error {}

export const MAX_DEMO_HOUSEHOLDS = 2_000_000;

const PROGRAMMES: ReadonlyArray<readonly [string, string, string]> = [
  [
    'JUNTOS',
    'Programa Nacional de Apoyo Directo a los más Pobres - JUNTOS',
    'JUNTOS National Programme of Direct Support to the Poorest (conditional cash transfer)',
  ],
  [
    'CUNA_MAS',
    'Programa Nacional Cuna Más',
    'Cuna Más National Programme (early childhood care and family support)',
  ],
  [
    'PENSION65',
    'Programa Nacional de Asistencia Solidaria Pensión 65',
    'Pensión 65 National Solidarity Assistance Programme (non-contributory old-age pension)',
  ],
  [
    'QALI_WARMA',
    'Programa Nacional de Alimentación Escolar Qali Warma',
    'Qali Warma National School Meals Programme',
  ],
  [
    'CONTIGO',
    'Programa Nacional de Entrega de la Pensión no Contributiva a Personas con Discapacidad Severa en Situación de Pobreza - CONTIGO',
    'CONTIGO non-contributory pension for people with severe disabilities living in poverty',
  ],
];

/** The registry tables and the evidence, bulk-loaded with their indexes and foreign keys deferred. */
const BULK_TABLES = ['household', 'person', 'pregnancy', 'enrolment', 'evidence'];

/**
 * PGlite takes a COPY as one blob in memory: the evidence (about 30 rows per tracked person)
 * goes in several COPYs of this many chunks (~200,000 rows) so that memory stays bounded.
 */
const PGLITE_COPY_CHUNKS = 50;

const TERRITORY_COLUMNS = [
  'code',
  'name',
  'level',
  'parent_code',
  'altitude_m',
  'rural',
  'latitude',
  'longitude',
  'amazon',
];
const INSTITUTION_COLUMNS = [
  'id',
  'code',
  'name',
  'kind',
  'territory_code',
  'address',
  'phone',
  'created_at',
  'updated_at',
];
const USER_COLUMNS = [
  'id',
  'username',
  'display_name',
  'role',
  'scope_kind',
  'scope_territory_code',
  'scope_institution_id',
  'password_hash',
  'locale',
  'created_at',
  'updated_at',
];
const HOUSEHOLD_COLUMNS = [
  'id',
  'code',
  'territory_code',
  'village_code',
  'address',
  'reference',
  'latitude',
  'longitude',
  'phone',
  'health_facility_id',
  'field_worker_id',
  'status',
  'created_at',
  'updated_at',
];
const PERSON_COLUMNS = [
  'id',
  'household_id',
  'relationship',
  'given_names',
  'first_surname',
  'second_surname',
  'sex',
  'birth_date',
  'document_type',
  'document_number',
  'document_check_digit',
  'health_insurance_number',
  'status',
  'search_name',
  'created_at',
  'updated_at',
];
const PREGNANCY_COLUMNS = [
  'id',
  'household_id',
  'person_id',
  'last_menstrual_period',
  'estimated_delivery_date',
  'status',
  'created_at',
  'updated_at',
];
const ENROLMENT_COLUMNS = [
  'id',
  'household_id',
  'programme_code',
  'status',
  'start_date',
  'end_date',
  'created_at',
  'updated_at',
];

/** Fill an empty, migrated database with the demo population. Refuses a database that already has people. */
export async function loadDemo(database: Database, options: DemoOptions): Promise<DemoSummary> {
  const { households, seed, passwordHash } = options;
  if (!Number.isInteger(households) || households < 1 || households > MAX_DEMO_HOUSEHOLDS) {
    throw new DemoError(`The demo needs between 1 and ${MAX_DEMO_HOUSEHOLDS} households; got ${households}`);
  }
  if (!Number.isInteger(seed)) throw new DemoError(`The demo seed must be an integer; got ${seed}`);
  const asOf = options.asOf ?? todayInPeru();
  if (!isCalendarDate(asOf)) throw new DemoError(`asOf must be a date YYYY-MM-DD; got "${asOf}"`);
  if (!passwordHash) throw new DemoError('The demo accounts need a password hash');
  await assertEmpty(database);

  const asOfDay = parseCalendarDate(asOf) / DAY_MS;
  const plan = planDemo(households, seed >>> 0, asOfDay);
  const stream = new HouseholdStream(plan);
  const counts = { persons: 0, childrenUnder36Months: 0, pregnancies: 0, enrolments: 0, evidence: 0 };

  const load = async (table: string, columns: readonly string[], rows: () => Iterable<string>) => {
    const started = performance.now();
    const counter = { rows: 0 };
    await database.copyIn(table, columns, chunked(rows(), counter));
    options.onProgress?.({ step: table, rows: counter.rows, seconds: (performance.now() - started) / 1000 });
    return counter.rows;
  };
  /** Like `load`, for a source that yields CSV chunks itself. */
  const loadChunks = async (
    table: string,
    columns: readonly string[],
    chunks: (counter: { rows: number }) => Iterator<string>,
  ) => {
    const started = performance.now();
    const counter = { rows: 0 };
    const source = chunks(counter);
    if (database.engine === 'pglite') {
      for (;;) {
        const batch: string[] = [];
        for (let next = source.next(); !next.done; next = source.next()) {
          batch.push(next.value);
          if (batch.length === PGLITE_COPY_CHUNKS) break;
        }
        if (batch.length === 0) break;
        await database.copyIn(table, columns, batch);
        if (batch.length < PGLITE_COPY_CHUNKS) break;
      }
    } else {
      await database.copyIn(table, columns, { [Symbol.iterator]: () => source });
    }
    options.onProgress?.({ step: table, rows: counter.rows, seconds: (performance.now() - started) / 1000 });
    return counter.rows;
  };

  await load('territory', TERRITORY_COLUMNS, () => territoryRows(plan));
  await load('programme', ['code', 'name_es', 'name_en'], () => PROGRAMMES.map((p) => csvRow(p)));
  await load('institution', INSTITUTION_COLUMNS, () => institutionRows(plan));
  await load('app_user', USER_COLUMNS, () => userRows(plan, passwordHash));

  // The registry tables are loaded without their secondary indexes and foreign keys, which are
  // rebuilt afterwards (see bulk.ts); if anything fails they are put back all the same.
  const onStep = (step: { name: string; seconds: number }) =>
    options.onProgress?.({ step: `rebuild ${step.name}`, rows: 0, seconds: step.seconds });
  // About 1.5 KB per household for the index builds, between 64 MB and 1 GB.
  const buildMemoryMB = Math.min(1024, Math.max(64, households / 680));
  const deferred = await DeferredConstraints.drop(database, BULK_TABLES, { onStep, buildMemoryMB });
  // The evidence's primary key goes too (bulk.ts keeps primary keys, which foreign keys need;
  // none points at evidence). Its ids are stamped with recorded_at, so they arrive in random
  // order: inserting them one by one into the index made the COPY twice as slow on a server
  // (3.6 million rows: 45 s against 20 s), while one sorted build afterwards takes 2 s.
  const evidenceKey = await DroppedPrimaryKey.drop(database, 'evidence', { onStep, buildMemoryMB });
  // The evidence digest is built once at the end rather than appended to batch by batch.
  await suspendEvidenceDigest(database);
  let evidenceKeyBuilt: Promise<void> | undefined;
  try {
    await load('household', HOUSEHOLD_COLUMNS, () => householdRows(stream));
    deferred.tableLoaded('household');
    counts.persons = await load('person', PERSON_COLUMNS, () =>
      personRows(stream, (under36) => {
        if (under36) counts.childrenUnder36Months += 1;
      }),
    );
    deferred.tableLoaded('person');
    counts.pregnancies = await load('pregnancy', PREGNANCY_COLUMNS, () => pregnancyRows(stream));
    deferred.tableLoaded('pregnancy');
    counts.enrolments = await load('enrolment', ENROLMENT_COLUMNS, () => enrolmentRows(stream));
    deferred.tableLoaded('enrolment');
    const evidence = new EvidenceGenerator(stream);
    counts.evidence = await loadChunks('evidence', EVIDENCE_COLUMNS, (counter) => evidence.chunks(counter));
    deferred.tableLoaded('evidence');
    // On a server the key builds alongside the other indexes; PGlite builds one thing at a time.
    if (database.engine === 'postgres') {
      evidenceKeyBuilt = evidenceKey.restore();
      // Awaited below; this only keeps a failure from counting as unhandled meanwhile.
      evidenceKeyBuilt.catch(() => undefined);
    }
  } catch (error) {
    // Report the failed COPY, not whatever the rebuild then says about half-loaded tables.
    await deferred.restore().catch(() => undefined);
    await (evidenceKeyBuilt ?? evidenceKey.restore()).catch(() => undefined);
    await rebuildEvidenceDigest(database).catch(() => undefined);
    throw error;
  }
  const rebuilding = performance.now();
  try {
    await deferred.restore();
  } finally {
    await (evidenceKeyBuilt ?? evidenceKey.restore());
  }
  options.onProgress?.({
    step: 'rebuild (waiting)',
    rows: 0,
    seconds: (performance.now() - rebuilding) / 1000,
  });

  // Fresh statistics, so the first queries on the new data (the digest's among them) get good plans.
  const started = performance.now();
  await sql`ANALYZE`.execute(database.db);
  options.onProgress?.({ step: 'analyze', rows: 0, seconds: (performance.now() - started) / 1000 });
  const digesting = performance.now();
  await rebuildEvidenceDigest(database);
  options.onProgress?.({ step: 'evidence digest', rows: 0, seconds: (performance.now() - digesting) / 1000 });

  return {
    territories: plan.territory.length,
    institutions: plan.institutions.length,
    households,
    persons: counts.persons,
    childrenUnder36Months: counts.childrenUnder36Months,
    pregnancies: counts.pregnancies,
    users: plan.demoAccounts.map((u) => ({ username: u.username, role: u.role, scope: u.scopeLabel })),
    fieldWorkers: plan.users.filter((u) => u.role === 'field_worker').length,
    enrolments: counts.enrolments,
    evidence: counts.evidence,
  };
}

/**
 * A table's primary key, dropped for a bulk load into the empty table and added back after it
 * with one sorted build, as it was (definition read from the catalog). Only for a table no
 * foreign key points at.
 */
class DroppedPrimaryKey {
  private restored = false;

  private constructor(
    private readonly database: Database,
    private readonly table: string,
    private readonly key: { name: string; definition: string } | undefined,
    private readonly options: { onStep: StepListener; buildMemoryMB: number },
  ) {}

  static async drop(
    database: Database,
    table: string,
    options: { onStep: StepListener; buildMemoryMB: number },
  ): Promise<DroppedPrimaryKey> {
    const { rows } = await sql<{ name: string; definition: string; referenced: boolean }>`
      SELECT k.conname AS name, pg_get_constraintdef(k.oid) AS definition,
             EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.confrelid = k.conrelid) AS referenced
      FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
      WHERE k.contype = 'p' AND c.relname = ${table} AND c.relnamespace = current_schema()::regnamespace`.execute(
      database.db,
    );
    const key = rows[0] && !rows[0].referenced ? rows[0] : undefined;
    if (key) await sql`ALTER TABLE ${sql.id(table)} DROP CONSTRAINT ${sql.id(key.name)}`.execute(database.db);
    return new DroppedPrimaryKey(database, table, key, options);
  }

  /** Add the key back (once; later calls do nothing). */
  async restore(): Promise<void> {
    const { key, table, database } = this;
    if (!key || this.restored) return;
    this.restored = true;
    const started = performance.now();
    await database.db.connection().execute(async (conn) => {
      const server = database.engine === 'postgres';
      if (server)
        await sql
          .raw(`SET maintenance_work_mem = '${Math.round(this.options.buildMemoryMB)}MB'`)
          .execute(conn);
      try {
        await sql`ALTER TABLE ${sql.id(table)} ADD CONSTRAINT ${sql.id(key.name)} ${sql.raw(key.definition)}`.execute(
          conn,
        );
      } finally {
        if (server) await sql`RESET maintenance_work_mem`.execute(conn);
      }
    });
    this.options.onStep({ name: key.name, seconds: (performance.now() - started) / 1000 });
  }
}

async function assertEmpty(database: Database): Promise<void> {
  const { rows } = await sql<{ n: number }>`
    SELECT (SELECT count(*) FROM (SELECT 1 FROM territory LIMIT 1) t)
         + (SELECT count(*) FROM (SELECT 1 FROM app_user LIMIT 1) u)
         + (SELECT count(*) FROM (SELECT 1 FROM household LIMIT 1) h) AS n`.execute(database.db);
  if (Number(rows[0]?.n ?? 0) > 0) {
    throw new DemoError('The demo population loads only into an empty database; this one already has data.');
  }
}

function* territoryRows(plan: DemoPlan): Generator<string> {
  for (const t of plan.territory) {
    yield csvRow([
      t.code,
      t.name,
      t.level,
      t.parentCode,
      t.altitude,
      t.rural,
      t.latitude,
      t.longitude,
      t.amazon,
    ]);
  }
}

function* institutionRows(plan: DemoPlan): Generator<string> {
  for (const i of plan.institutions) {
    const at = momentString(i.created);
    yield csvRow([i.id, i.code, i.name, i.kind, i.territoryCode, i.address, i.phone, at, at]);
  }
}

function* userRows(plan: DemoPlan, passwordHash: string): Generator<string> {
  for (const u of plan.users) {
    const at = momentString(u.created);
    yield csvRow([
      u.id,
      u.username,
      u.displayName,
      u.role,
      u.scopeKind,
      u.scopeTerritoryCode,
      u.scopeInstitutionId,
      passwordHash,
      'es-PE',
      at,
      at,
    ]);
  }
}

function householdCode(h: HouseholdModel): string {
  return `HH-${String(h.index + 1).padStart(7, '0')}`;
}

function* householdRows(stream: HouseholdStream): Generator<string> {
  for (const h of stream.households()) {
    yield csvRow([
      stream.householdId(h),
      householdCode(h),
      h.district.seed.code,
      h.village.code,
      h.address,
      h.reference,
      h.latitude,
      h.longitude,
      h.phone,
      h.village.facility.id,
      h.fieldWorker.user.id,
      'active',
      momentString(h.created),
      momentString(h.updated),
    ]);
  }
}

/** Name parts repeat endlessly; normalise each once. personSearchName would give the same text. */
const normalized = new Map<string, string>();
function normalizedPart(part: string): string {
  let n = normalized.get(part);
  if (n === undefined) {
    n = normalizeName(part);
    normalized.set(part, n);
  }
  return n;
}

function* personRows(stream: HouseholdStream, onPerson: (under36Months: boolean) => void): Generator<string> {
  for (const h of stream.households()) {
    const householdId = stream.householdId(h);
    for (const p of h.persons) {
      const birth = dayString(p.birthDay);
      const number = p.documentNumber === null ? null : String(p.documentNumber);
      const at = momentString(p.created);
      // Under 36 completed months: the generator keeps young children under 1,086 days and
      // older ones over 3 years, so a day count decides without calendar-month arithmetic.
      onPerson(stream.plan.asOfDay - p.birthDay < 1095);
      const search = `${normalizedPart(p.givenNames)} ${normalizedPart(p.firstSurname)} ${normalizedPart(p.secondSurname)}`;
      // Only the names are free text; every other field is an id, a code, digits or a date.
      const row = [
        stream.personId(p),
        householdId,
        p.relationship,
        csvField(p.givenNames),
        csvField(p.firstSurname),
        csvField(p.secondSurname),
        p.sex,
        birth,
        p.documentType ?? '',
        number ?? '',
        number === null ? '' : cuiCheckDigit(number),
        p.healthInsurance ?? '',
        'active',
        csvField(search),
        at,
        `${at}\n`,
      ];
      yield row.join(',');
    }
  }
}

function* pregnancyRows(stream: HouseholdStream): Generator<string> {
  for (const h of stream.households()) {
    const g = h.pregnancy;
    if (!g) continue;
    const at = momentString(g.created);
    yield csvRow([
      stream.pregnancyId(g),
      stream.householdId(h),
      stream.personId(h.persons[g.person]!),
      g.lastMenstrualPeriodDay === null ? null : dayString(g.lastMenstrualPeriodDay),
      g.estimatedDeliveryDay === null ? null : dayString(g.estimatedDeliveryDay),
      'ongoing',
      at,
      at,
    ]);
  }
}

function* enrolmentRows(stream: HouseholdStream): Generator<string> {
  for (const h of stream.households()) {
    if (h.enrolments.length === 0) continue;
    const householdId = stream.householdId(h);
    for (const e of h.enrolments) {
      const at = momentString(e.created);
      yield csvRow([
        stream.enrolmentId(e),
        householdId,
        e.programme,
        e.status,
        dayString(e.startDay),
        e.endDay === null ? null : dayString(e.endDay),
        at,
        at,
      ]);
    }
  }
}
