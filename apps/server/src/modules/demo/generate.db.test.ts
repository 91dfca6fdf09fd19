import { createHash } from 'node:crypto';
import { addDays, isValidCuiCheck, personSearchName } from '@tejido/core';
import type { Database } from '@tejido/db';
import { openTestDatabase, testEngine } from '@tejido/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '../../demo-accounts';
import { DemoError, type DemoSummary, loadDemo } from './generate';

const AS_OF = '2025-06-15';
const HOUSEHOLDS = 450;
const options = {
  households: HOUSEHOLDS,
  seed: 7,
  asOf: AS_OF,
  passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$demo$hash',
};

/** A digest of a table's rows in id order, as COPY writes them. */
async function digest(database: Database, query: string): Promise<string> {
  return createHash('sha256')
    .update(await database.copyOut(query))
    .digest('hex');
}

const TABLES = [
  'SELECT * FROM territory ORDER BY code',
  'SELECT * FROM programme ORDER BY code',
  'SELECT * FROM institution ORDER BY id',
  'SELECT * FROM app_user ORDER BY id',
  'SELECT * FROM household ORDER BY id',
  'SELECT * FROM person ORDER BY id',
  'SELECT * FROM pregnancy ORDER BY id',
  'SELECT * FROM enrolment ORDER BY id',
];

async function rows<T>(database: Database, query: ReturnType<typeof sql<T>>): Promise<T[]> {
  return (await query.execute(database.db)).rows;
}

/** Every index and constraint of the schema, to compare before and after a load. */
async function schema(database: Database): Promise<string[]> {
  const result = await sql<{ d: string }>`
    SELECT indexdef AS d FROM pg_indexes WHERE schemaname = current_schema()
    UNION ALL
    SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) || ' ' || convalidated
    FROM pg_constraint WHERE connamespace = current_schema()::regnamespace
    ORDER BY 1`.execute(database.db);
  return result.rows.map((r) => r.d);
}

describe(`demo population on ${testEngine}`, () => {
  let a: Database;
  let b: Database;
  let summary: DemoSummary;

  beforeAll(async () => {
    [a, b] = await Promise.all([openTestDatabase(), openTestDatabase()]);
    summary = await loadDemo(a, options);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  it('is deterministic: the same seed, size and date give the same rows', async () => {
    const before = await schema(b);
    expect(before.filter((d) => d.includes('person_search_name_trgm_idx'))).toHaveLength(1);
    const again = await loadDemo(b, options);
    // The indexes and foreign keys deferred during the load are all back, as they were.
    expect(await schema(b)).toEqual(before);
    expect(again).toEqual(summary);
    for (const query of TABLES) {
      expect(await digest(b, query), query).toBe(await digest(a, query));
    }
  });

  it('refuses a database that already has data', async () => {
    await expect(loadDemo(a, options)).rejects.toBeInstanceOf(DemoError);
  });

  it('reports what it loaded', async () => {
    const [counts] = await rows(
      a,
      sql<{
        households: number;
        persons: number;
        pregnancies: number;
        territories: number;
        institutions: number;
      }>`
        SELECT (SELECT count(*)::int FROM household) AS households, (SELECT count(*)::int FROM person) AS persons,
               (SELECT count(*)::int FROM pregnancy) AS pregnancies, (SELECT count(*)::int FROM territory) AS territories,
               (SELECT count(*)::int FROM institution) AS institutions`,
    );
    expect(counts).toEqual({
      households: HOUSEHOLDS,
      persons: summary.persons,
      pregnancies: summary.pregnancies,
      territories: summary.territories,
      institutions: summary.institutions,
    });
    expect(summary.users.map((u) => [u.username, u.role])).toEqual(
      DEMO_ACCOUNTS.map((u) => [u.username, u.role]),
    );
    const history = await rows(
      a,
      sql<{
        n: number;
      }>`SELECT (SELECT count(*) FROM change_history) + (SELECT count(*) FROM audit_log) AS n`,
    );
    expect(Number(history[0]?.n)).toBe(0);
  });

  it('builds one region with provinces, about twenty districts in three landscapes, and villages', async () => {
    const levels = await rows(
      a,
      sql<{ level: string; n: number; min_alt: number; max_alt: number }>`
        SELECT level, count(*)::int AS n, min(altitude_m) AS min_alt, max(altitude_m) AS max_alt
        FROM territory GROUP BY level`,
    );
    const byLevel = Object.fromEntries(levels.map((l) => [l.level, l]));
    expect(byLevel.region?.n).toBe(1);
    expect(byLevel.province?.n).toBeGreaterThanOrEqual(3);
    expect(byLevel.district?.n).toBeGreaterThanOrEqual(18);
    expect(byLevel.district?.n).toBeLessThanOrEqual(22);
    for (const l of levels) {
      expect(l.min_alt).toBeGreaterThanOrEqual(150);
      expect(l.max_alt).toBeLessThanOrEqual(4200);
    }
    const districts = await rows(
      a,
      sql<{ code: string; altitude_m: number; villages: number; latitude: number; longitude: number }>`
        SELECT d.code, d.altitude_m, d.latitude, d.longitude,
               (SELECT count(*)::int FROM territory v WHERE v.parent_code = d.code AND v.level = 'village') AS villages
        FROM territory d WHERE d.level = 'district'`,
    );
    const highland = districts.filter((d) => d.altitude_m >= 2500).length;
    expect(highland).toBeGreaterThanOrEqual(districts.length / 2);
    expect(districts.some((d) => d.altitude_m <= 800)).toBe(true);
    expect(districts.some((d) => d.altitude_m >= 1500 && d.altitude_m < 2500)).toBe(true);
    for (const d of districts) {
      expect(d.code).toMatch(/^05\d{4}$/);
      expect(d.villages).toBeGreaterThanOrEqual(5);
      expect(d.villages).toBeLessThanOrEqual(15);
      // Inside Peru.
      expect(d.latitude).toBeGreaterThan(-18.4);
      expect(d.latitude).toBeLessThan(-0.03);
      expect(d.longitude).toBeGreaterThan(-81.4);
      expect(d.longitude).toBeLessThan(-68.6);
    }
    const villages = await rows(a, sql<{ code: string }>`SELECT code FROM territory WHERE level = 'village'`);
    for (const v of villages) expect(v.code).toMatch(/^05\d{8}$/);
  });

  it('gives each district a health facility and each province its offices', async () => {
    const missing = await rows(
      a,
      sql<{ code: string }>`
        SELECT d.code FROM territory d WHERE d.level = 'district' AND NOT EXISTS (
          SELECT 1 FROM institution i WHERE i.kind = 'health_facility' AND starts_with(i.territory_code, d.code))`,
    );
    expect(missing).toEqual([]);
    const provinces = await rows(
      a,
      sql<{ code: string; kinds: string[] }>`
        SELECT p.code, array_agg(DISTINCT i.kind ORDER BY i.kind) AS kinds
        FROM territory p JOIN institution i ON starts_with(i.territory_code, p.code)
        WHERE p.level = 'province' GROUP BY p.code`,
    );
    for (const p of provinces) {
      expect(p.kinds).toEqual(
        expect.arrayContaining([
          'identity_office',
          'womens_emergency_centre',
          'municipal_social_office',
          'child_protection_office',
        ]),
      );
    }
    const kinds = await rows(a, sql<{ kind: string }>`SELECT DISTINCT kind FROM institution ORDER BY kind`);
    expect(kinds.map((k) => k.kind)).toEqual(
      expect.arrayContaining(['employment_office', 'school', 'health_facility']),
    );
  });

  it('places every household in a village of its district, attended at a facility of that district', async () => {
    const wrong = await rows(
      a,
      sql<{ code: string }>`
        SELECT h.code FROM household h
        JOIN territory d ON d.code = h.territory_code
        JOIN territory v ON v.code = h.village_code
        JOIN institution f ON f.id = h.health_facility_id
        JOIN app_user w ON w.id = h.field_worker_id
        WHERE d.level <> 'district' OR v.level <> 'village' OR v.parent_code <> h.territory_code
           OR f.kind <> 'health_facility' OR NOT starts_with(f.territory_code, h.territory_code)
           OR w.role <> 'field_worker' OR h.code !~ '^HH-[0-9]{7}$'
           OR abs(h.latitude - v.latitude) > 0.01 OR abs(h.longitude - v.longitude) > 0.01`,
    );
    expect(wrong).toEqual([]);
    const [all] = await rows(
      a,
      sql<{ n: number; linked: number; phones: number }>`
        SELECT count(*)::int AS n,
               count(*) FILTER (WHERE health_facility_id IS NOT NULL AND field_worker_id IS NOT NULL)::int AS linked,
               count(phone)::int AS phones
        FROM household`,
    );
    expect(all?.linked).toBe(HOUSEHOLDS);
    expect(all!.phones / HOUSEHOLDS).toBeGreaterThan(0.6);
    expect(all!.phones / HOUSEHOLDS).toBeLessThan(0.8);
  });

  it('gives each field worker 80–150 households of one district (the last of a district may have fewer)', async () => {
    const loads = await rows(
      a,
      sql<{ username: string; districts: number; district: string; n: number }>`
        SELECT u.username, count(DISTINCT h.territory_code)::int AS districts, min(h.territory_code) AS district,
               count(h.id)::int AS n
        FROM app_user u LEFT JOIN household h ON h.field_worker_id = u.id
        WHERE u.role = 'field_worker' GROUP BY u.username`,
    );
    expect(loads.length).toBeGreaterThan(0);
    const number = (username: string) => (username === 'gestor' ? 1 : Number(username.split('.')[1]));
    const byDistrict = new Map<string, typeof loads>();
    for (const l of loads) {
      expect(l.districts).toBe(1);
      byDistrict.set(l.district, [...(byDistrict.get(l.district) ?? []), l]);
    }
    for (const workers of byDistrict.values()) {
      workers.sort((x, y) => number(x.username) - number(y.username));
      workers.forEach((w, i) => {
        expect(w.n).toBeLessThanOrEqual(150);
        if (i < workers.length - 1) expect(w.n).toBeGreaterThanOrEqual(80);
        else expect(w.n).toBeGreaterThanOrEqual(1);
      });
    }
  });

  it('creates the demo accounts with their scopes', async () => {
    const accounts = await rows(
      a,
      sql<{
        username: string;
        role: string;
        scope_kind: string;
        scope_territory_code: string | null;
        level: string | null;
        institution_kind: string | null;
        password_hash: string;
        locale: string;
      }>`
        SELECT u.username, u.role, u.scope_kind, u.scope_territory_code, t.level, i.kind AS institution_kind,
               u.password_hash, u.locale
        FROM app_user u LEFT JOIN territory t ON t.code = u.scope_territory_code
        LEFT JOIN institution i ON i.id = u.scope_institution_id`,
    );
    const by = Object.fromEntries(accounts.map((u) => [u.username, u]));
    expect(by.gestor).toMatchObject({ role: 'field_worker', scope_kind: 'assigned' });
    expect(by.coordinador).toMatchObject({
      role: 'coordinator',
      scope_kind: 'territory',
      scope_territory_code: '05',
    });
    expect(by['coordinador.distrito']).toMatchObject({
      role: 'coordinator',
      scope_kind: 'territory',
      level: 'district',
    });
    expect(by.ipress).toMatchObject({
      role: 'institution_agent',
      scope_kind: 'institution',
      institution_kind: 'health_facility',
    });
    expect(by.ventanilla).toMatchObject({ role: 'case_worker', scope_kind: 'territory', level: 'province' });
    expect(by.datos).toMatchObject({ role: 'data_steward', scope_kind: 'national' });
    expect(by.admin).toMatchObject({ role: 'programme_admin', scope_kind: 'national' });
    expect(by.auditor).toMatchObject({ role: 'auditor', scope_kind: 'none' });
    for (const u of accounts) {
      expect(u.password_hash).toBe(options.passwordHash);
      expect(u.locale).toBe('es-PE');
    }
    // The demo accounts see overlapping households: the district coordinator's district holds
    // the first field worker's households and the ipress facility's.
    const [overlap] = await rows(
      a,
      sql<{ gestor: number; ipress: number }>`
        SELECT
          (SELECT count(*)::int FROM household h JOIN app_user u ON u.id = h.field_worker_id
            WHERE u.username = 'gestor' AND starts_with(h.territory_code,
              (SELECT scope_territory_code FROM app_user WHERE username = 'coordinador.distrito'))) AS gestor,
          (SELECT count(*)::int FROM household h JOIN app_user u ON u.scope_institution_id = h.health_facility_id
            WHERE u.username = 'ipress') AS ipress`,
    );
    expect(overlap?.gestor).toBeGreaterThan(0);
    expect(overlap?.ipress).toBeGreaterThan(0);
  });

  it('builds households of 2 to 9 members, about five on average, with one head of 20 to 60', async () => {
    const sizes = await rows(
      a,
      sql<{ n: number; heads: number; head_age: number }>`
        SELECT count(*)::int AS n, count(*) FILTER (WHERE relationship = 'head')::int AS heads,
               max(CASE WHEN relationship = 'head' THEN extract(year FROM age(${AS_OF}::date, birth_date)) END)::int AS head_age
        FROM person GROUP BY household_id`,
    );
    expect(sizes).toHaveLength(HOUSEHOLDS);
    const mean = sizes.reduce((s, h) => s + h.n, 0) / sizes.length;
    expect(mean).toBeGreaterThan(4.5);
    expect(mean).toBeLessThan(6);
    for (const h of sizes) {
      expect(h.n).toBeGreaterThanOrEqual(2);
      expect(h.n).toBeLessThanOrEqual(9);
      expect(h.heads).toBe(1);
      expect(h.head_age).toBeGreaterThanOrEqual(20);
      expect(h.head_age).toBeLessThanOrEqual(60);
    }
  });

  it('has about one child under 36 months per household, some with none and some with two', async () => {
    const perHousehold = await rows(
      a,
      sql<{ n: number }>`
        SELECT count(p.id) FILTER (WHERE p.birth_date > (${AS_OF}::date - interval '36 months'))::int AS n
        FROM household h JOIN person p ON p.household_id = h.id GROUP BY h.id`,
    );
    const total = perHousehold.reduce((s, h) => s + h.n, 0);
    expect(total).toBe(summary.childrenUnder36Months);
    expect(total / HOUSEHOLDS).toBeGreaterThanOrEqual(0.7);
    expect(total / HOUSEHOLDS).toBeLessThanOrEqual(1.3);
    expect(perHousehold.some((h) => h.n === 0)).toBe(true);
    expect(perHousehold.some((h) => h.n === 2)).toBe(true);
  });

  it('keeps birth dates and surnames consistent with the relationships', async () => {
    type Member = {
      household_id: string;
      relationship: string;
      sex: string;
      first_surname: string;
      second_surname: string;
      birth_date: string;
    };
    const members = await rows(
      a,
      sql<Member>`SELECT household_id, relationship, sex, first_surname, second_surname, birth_date FROM person`,
    );
    const households = new Map<string, Member[]>();
    for (const m of members) households.set(m.household_id, [...(households.get(m.household_id) ?? []), m]);
    const years = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / (365.25 * 86_400_000);
    let childrenChecked = 0;
    for (const hh of households.values()) {
      const head = hh.find((m) => m.relationship === 'head')!;
      const spouse = hh.find((m) => m.relationship === 'spouse');
      const mother = [head, spouse].find((m) => m?.sex === 'female');
      const father = [head, spouse].find((m) => m?.sex === 'male');
      if (spouse) expect(spouse.sex).not.toBe(head.sex);
      for (const m of hh) {
        if (m.relationship === 'child') {
          childrenChecked += 1;
          expect(mother, 'every child lives with its mother').toBeDefined();
          expect(m.second_surname).toBe(mother!.first_surname);
          if (father) expect(m.first_surname).toBe(father.first_surname);
          const motherAtBirth = years(mother!.birth_date, m.birth_date);
          expect(motherAtBirth).toBeGreaterThanOrEqual(15);
          expect(motherAtBirth).toBeLessThanOrEqual(46);
        }
        if (m.relationship === 'grandchild') {
          const teenMothers = hh.filter(
            (c) =>
              c.relationship === 'child' &&
              c.sex === 'female' &&
              c.first_surname === m.second_surname &&
              years(c.birth_date, m.birth_date) >= 14,
          );
          expect(teenMothers.length, 'a grandchild carries its mother’s first surname').toBeGreaterThan(0);
        }
        if (m.relationship === 'parent') {
          expect(m.first_surname).toBe(m.sex === 'male' ? head.first_surname : head.second_surname);
          expect(years(m.birth_date, head.birth_date)).toBeGreaterThanOrEqual(18);
        }
      }
    }
    expect(childrenChecked).toBeGreaterThan(HOUSEHOLDS);
  });

  it('issues unique identity numbers with valid check digits, and CUIs to young children', async () => {
    const docs = await rows(
      a,
      sql<{
        document_type: string | null;
        document_number: string | null;
        document_check_digit: string | null;
        months: number;
        health_insurance_number: string | null;
        given_names: string;
        first_surname: string;
        second_surname: string | null;
        search_name: string;
        status: string;
      }>`
        SELECT document_type, document_number, document_check_digit, health_insurance_number,
               given_names, first_surname, second_surname, search_name, status,
               (extract(year FROM age(${AS_OF}::date, birth_date)) * 12 + extract(month FROM age(${AS_OF}::date, birth_date)))::int AS months
        FROM person`,
    );
    const numbers = docs.flatMap((d) => (d.document_number ? [d.document_number] : []));
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(numbers.length / docs.length).toBeGreaterThan(0.9);
    for (const d of docs) {
      expect(d.status).toBe('active');
      expect(d.search_name).toBe(
        personSearchName({
          givenNames: d.given_names,
          firstSurname: d.first_surname,
          secondSurname: d.second_surname,
        }),
      );
      if (d.document_number === null) {
        expect(d.document_type).toBeNull();
        continue;
      }
      expect(d.document_number).toMatch(/^\d{8}$/);
      expect(isValidCuiCheck(d.document_number, d.document_check_digit!)).toBe(true);
      if (d.months >= 18 * 12) expect(d.document_type).toBe('DNI');
      if (d.months < 36) expect(d.document_type).toBe('CUI');
    }
    const babies = docs.filter((d) => d.months < 12);
    const undocumented = babies.filter((d) => d.document_type === null).length / babies.length;
    expect(undocumented).toBeGreaterThan(0);
    expect(undocumented).toBeLessThan(0.2);
    const children = docs.filter((d) => d.months < 18 * 12);
    const insured = children.filter((d) => d.health_insurance_number !== null).length / children.length;
    expect(insured).toBeGreaterThan(0.8);
  });

  it('records ongoing pregnancies in 5–12 % of households, of women 15–45, some adolescents', async () => {
    const pregnancies = await rows(
      a,
      sql<{
        sex: string;
        age: number;
        lmp: string | null;
        edd: string | null;
        status: string;
        same_household: boolean;
      }>`
        SELECT p.sex, extract(year FROM age(${AS_OF}::date, p.birth_date))::int AS age,
               g.last_menstrual_period AS lmp, g.estimated_delivery_date AS edd, g.status,
               g.household_id = p.household_id AS same_household
        FROM pregnancy g JOIN person p ON p.id = g.person_id`,
    );
    const households = new Set(
      (await rows(a, sql<{ h: string }>`SELECT household_id AS h FROM pregnancy`)).map((r) => r.h),
    );
    expect(households.size).toBe(pregnancies.length);
    expect(pregnancies.length / HOUSEHOLDS).toBeGreaterThanOrEqual(0.05);
    expect(pregnancies.length / HOUSEHOLDS).toBeLessThanOrEqual(0.12);
    for (const g of pregnancies) {
      expect(g).toMatchObject({ sex: 'female', status: 'ongoing', same_household: true });
      expect(g.age).toBeGreaterThanOrEqual(15);
      expect(g.age).toBeLessThanOrEqual(45);
      const lmp = g.lmp ?? addDays(g.edd!, -280);
      const weeks = Math.floor((Date.parse(AS_OF) - Date.parse(lmp)) / (7 * 86_400_000));
      expect(weeks).toBeGreaterThanOrEqual(4);
      expect(weeks).toBeLessThanOrEqual(38);
    }
    expect(pregnancies.some((g) => g.lmp === null)).toBe(true);
    expect(pregnancies.some((g) => g.age <= 19)).toBe(true);
  });

  it('enrols most households in JUNTOS and the elderly in Pensión 65', async () => {
    const [juntos] = await rows(
      a,
      sql<{ open: number; suspended: number }>`
        SELECT count(*) FILTER (WHERE status <> 'ended')::int AS open,
               count(*) FILTER (WHERE status = 'suspended')::int AS suspended
        FROM enrolment WHERE programme_code = 'JUNTOS'`,
    );
    expect(juntos!.open / HOUSEHOLDS).toBeGreaterThan(0.85);
    expect(juntos!.open / HOUSEHOLDS).toBeLessThan(0.95);
    expect(juntos!.suspended).toBeGreaterThan(0);
    const programmes = await rows(
      a,
      sql<{ code: string }>`SELECT DISTINCT programme_code AS code FROM enrolment`,
    );
    expect(programmes.map((p) => p.code)).toEqual(
      expect.arrayContaining(['JUNTOS', 'CUNA_MAS', 'QALI_WARMA']),
    );
    const pensionWithoutElder = await rows(
      a,
      sql<{ id: string }>`
        SELECT e.id FROM enrolment e WHERE e.programme_code = 'PENSION65' AND NOT EXISTS (
          SELECT 1 FROM person p WHERE p.household_id = e.household_id AND p.birth_date <= (${AS_OF}::date - interval '65 years'))`,
    );
    expect(pensionWithoutElder).toEqual([]);
    const future = await rows(
      a,
      sql<{
        id: string;
      }>`SELECT id FROM enrolment WHERE start_date >= ${AS_OF}::date OR end_date >= ${AS_OF}::date`,
    );
    expect(future).toEqual([]);
  });

  it('is one consistent set: every reference points at a loaded row and nothing is dated after asOf', async () => {
    const [dangling] = await rows(
      a,
      sql<{ n: number }>`
        SELECT (SELECT count(*) FROM territory c LEFT JOIN territory p ON p.code = c.parent_code
                 WHERE c.parent_code IS NOT NULL AND p.code IS NULL)
             + (SELECT count(*) FROM institution i LEFT JOIN territory t ON t.code = i.territory_code WHERE t.code IS NULL)
             + (SELECT count(*) FROM household h LEFT JOIN institution i ON i.id = h.health_facility_id WHERE i.id IS NULL)
             + (SELECT count(*) FROM household h LEFT JOIN app_user u ON u.id = h.field_worker_id WHERE u.id IS NULL)
             + (SELECT count(*) FROM person p LEFT JOIN household h ON h.id = p.household_id WHERE h.id IS NULL)
             + (SELECT count(*) FROM pregnancy g LEFT JOIN person p ON p.id = g.person_id WHERE p.id IS NULL)
             + (SELECT count(*) FROM enrolment e LEFT JOIN household h ON h.id = e.household_id WHERE h.id IS NULL)
             + (SELECT count(*) FROM enrolment e LEFT JOIN programme p ON p.code = e.programme_code WHERE p.code IS NULL)
             AS n`,
    );
    expect(Number(dangling?.n)).toBe(0);
    const [late] = await rows(
      a,
      sql<{ n: number }>`
        SELECT (SELECT count(*) FROM household WHERE created_at >= ${AS_OF}::date OR updated_at < created_at)
             + (SELECT count(*) FROM person WHERE created_at >= ${AS_OF}::date OR birth_date >= ${AS_OF}::date
                  OR created_at::date < birth_date)
             + (SELECT count(*) FROM pregnancy WHERE created_at >= ${AS_OF}::date)
             + (SELECT count(*) FROM app_user WHERE created_at >= ${AS_OF}::date) AS n`,
    );
    expect(Number(late?.n)).toBe(0);
    // Ids are UUID v7 whose timestamp is the row's creation time.
    const ids = await rows(
      a,
      sql<{
        id: string;
        created_at: Date;
      }>`SELECT id::text AS id, created_at FROM household ORDER BY id LIMIT 20`,
    );
    for (const r of ids) {
      expect(r.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(Number.parseInt(r.id.replaceAll('-', '').slice(0, 12), 16)).toBe(
        new Date(r.created_at).getTime(),
      );
    }
  });
});
