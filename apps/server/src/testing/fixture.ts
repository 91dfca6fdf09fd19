import { personSearchName, uuidv7 } from '@tejido/core';
import type { Database } from '@tejido/db';
import { openTestDatabase } from '@tejido/db/testing';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../app';
import { hashPassword } from '../modules/auth/passwords';

/**
 * A small, hand-made world for API tests: two provinces, three districts, two health
 * facilities, one account per role with a known scope, and households placed so that
 * every role has some in scope and some out of it.
 *
 *   05 Región
 *   ├── 0501 Provincia Norte ── 050101 Distrito A (IPRESS A) ── village 0501010001
 *   │                        └─ 050102 Distrito B (IPRESS A)
 *   └── 0502 Provincia Sur ─── 050201 Distrito C (IPRESS C)
 */
export const PASSWORD = 'fixture-password';

export interface Fixture {
  database: Database;
  app: FastifyInstance;
  ids: {
    facilityA: string;
    facilityC: string;
    cem: string;
    users: Record<FixtureUser, string>;
    /** Households: hA1, hA2 in district A (worker1, facility A), hB in B (worker2, facility A), hC in C (worker3, facility C). */
    households: Record<'hA1' | 'hA2' | 'hB' | 'hC', string>;
    persons: Record<'childA1' | 'headA1' | 'headB' | 'childC' | 'motherC', string>;
  };
  /** Sign in and return the cookie header for later requests. */
  login(username: FixtureUser): Promise<string>;
  close(): Promise<void>;
}

export type FixtureUser =
  | 'worker1'
  | 'worker2'
  | 'worker3'
  | 'coord_region'
  | 'coord_north'
  | 'coord_district_c'
  | 'agent_a'
  | 'agent_c'
  | 'agent_cem'
  | 'case_south'
  | 'steward'
  | 'admin'
  | 'auditor';

export async function createFixture(): Promise<Fixture> {
  const database = await openTestDatabase();
  const { db } = database;
  const hash = await hashPassword(PASSWORD);
  await db
    .insertInto('territory')
    .values([
      {
        code: '05',
        name: 'Región Prueba',
        level: 'region',
        parent_code: null,
        altitude_m: null,
        latitude: null,
        longitude: null,
      },
      {
        code: '0501',
        name: 'Provincia Norte',
        level: 'province',
        parent_code: '05',
        altitude_m: null,
        latitude: null,
        longitude: null,
      },
      {
        code: '0502',
        name: 'Provincia Sur',
        level: 'province',
        parent_code: '05',
        altitude_m: null,
        latitude: null,
        longitude: null,
      },
      {
        code: '050101',
        name: 'Distrito A',
        level: 'district',
        parent_code: '0501',
        altitude_m: 3400,
        rural: true,
        latitude: -13.1,
        longitude: -74.2,
      },
      {
        code: '050102',
        name: 'Distrito B',
        level: 'district',
        parent_code: '0501',
        altitude_m: 2700,
        rural: true,
        latitude: -13.2,
        longitude: -74.3,
      },
      {
        code: '050201',
        name: 'Distrito C',
        level: 'district',
        parent_code: '0502',
        altitude_m: 300,
        rural: false,
        latitude: -12.5,
        longitude: -73.9,
      },
      {
        code: '0501010001',
        name: 'Centro Poblado Alto',
        level: 'village',
        parent_code: '050101',
        altitude_m: 3650,
        rural: true,
        latitude: -13.11,
        longitude: -74.21,
      },
    ])
    .execute();
  await db
    .insertInto('programme')
    .values([
      { code: 'JUNTOS', name_es: 'Programa JUNTOS', name_en: 'JUNTOS programme' },
      { code: 'CUNA_MAS', name_es: 'Cuna Más', name_en: 'Cuna Más' },
    ])
    .execute();
  const facilityA = uuidv7();
  const facilityC = uuidv7();
  const cem = uuidv7();
  await db
    .insertInto('institution')
    .values([
      {
        id: facilityA,
        code: '00001001',
        name: 'Puesto de Salud A',
        kind: 'health_facility',
        territory_code: '050101',
        address: null,
        phone: null,
      },
      {
        id: facilityC,
        code: '00001002',
        name: 'Centro de Salud C',
        kind: 'health_facility',
        territory_code: '050201',
        address: null,
        phone: null,
      },
      {
        id: cem,
        code: 'CEM-0501',
        name: 'CEM Provincia Norte',
        kind: 'womens_emergency_centre',
        territory_code: '0501',
        address: null,
        phone: null,
      },
    ])
    .execute();
  const users = {} as Record<FixtureUser, string>;
  const userRows: Array<
    [
      FixtureUser,
      string,
      'national' | 'territory' | 'institution' | 'assigned' | 'none',
      string | null,
      string | null,
    ]
  > = [
    ['worker1', 'field_worker', 'assigned', null, null],
    ['worker2', 'field_worker', 'assigned', null, null],
    ['worker3', 'field_worker', 'assigned', null, null],
    ['coord_region', 'coordinator', 'territory', '05', null],
    ['coord_north', 'coordinator', 'territory', '0501', null],
    ['coord_district_c', 'coordinator', 'territory', '050201', null],
    ['agent_a', 'institution_agent', 'institution', null, facilityA],
    ['agent_c', 'institution_agent', 'institution', null, facilityC],
    ['agent_cem', 'institution_agent', 'institution', null, cem],
    ['case_south', 'case_worker', 'territory', '0502', null],
    ['steward', 'data_steward', 'national', null, null],
    ['admin', 'programme_admin', 'national', null, null],
    ['auditor', 'auditor', 'none', null, null],
  ];
  for (const [username, role, scopeKind, territory, institution] of userRows) {
    users[username] = uuidv7();
    await db
      .insertInto('app_user')
      .values({
        id: users[username],
        username,
        display_name: `Usuario ${username}`,
        role: role as 'field_worker',
        scope_kind: scopeKind,
        scope_territory_code: territory,
        scope_institution_id: institution,
        password_hash: hash,
      })
      .execute();
  }
  const households = { hA1: uuidv7(), hA2: uuidv7(), hB: uuidv7(), hC: uuidv7() };
  const place = {
    hA1: ['050101', '0501010001', facilityA, users.worker1],
    hA2: ['050101', null, facilityA, users.worker1],
    hB: ['050102', null, facilityA, users.worker2],
    hC: ['050201', null, facilityC, users.worker3],
  } as const;
  let n = 0;
  for (const [key, id] of Object.entries(households) as Array<[keyof typeof households, string]>) {
    const [territory, village, facility, worker] = place[key];
    n += 1;
    await db
      .insertInto('household')
      .values({
        id,
        code: `HH-00000${n}`,
        territory_code: territory,
        village_code: village,
        health_facility_id: facility,
        field_worker_id: worker,
        address: `Jr. Prueba ${n}`,
        reference: null,
        latitude: null,
        longitude: null,
        phone: null,
      })
      .execute();
    await db
      .insertInto('enrolment')
      .values({
        id: uuidv7(),
        household_id: id,
        programme_code: 'JUNTOS',
        status: 'active',
        start_date: '2022-03-01',
      })
      .execute();
  }
  const persons = {
    childA1: uuidv7(),
    headA1: uuidv7(),
    headB: uuidv7(),
    childC: uuidv7(),
    motherC: uuidv7(),
  };
  const person = (
    id: string,
    household: string,
    relationship: 'head' | 'child' | 'spouse',
    given: string,
    first: string,
    second: string | null,
    sex: 'female' | 'male',
    birth: string,
    doc: ['DNI' | 'CUI', string, string | null] | null,
  ) => ({
    id,
    household_id: household,
    relationship,
    given_names: given,
    first_surname: first,
    second_surname: second,
    sex,
    birth_date: birth,
    document_type: doc?.[0] ?? null,
    document_number: doc?.[1] ?? null,
    document_check_digit: doc?.[2] ?? null,
    health_insurance_number: null,
    search_name: personSearchName({ givenNames: given, firstSurname: first, secondSurname: second }),
  });
  await db
    .insertInto('person')
    .values([
      person(persons.headA1, households.hA1, 'head', 'Juana', 'Quispe', 'Mamani', 'female', '1990-04-12', [
        'DNI',
        '41234567',
        null,
      ]),
      person(persons.childA1, households.hA1, 'child', 'Illari', 'Huamán', 'Quispe', 'female', '2025-06-01', [
        'CUI',
        '81234567',
        null,
      ]),
      person(uuidv7(), households.hA2, 'head', 'Pedro', 'Condori', 'Ccori', 'male', '1985-01-30', [
        'DNI',
        '42345678',
        null,
      ]),
      person(persons.headB, households.hB, 'head', 'Rosa', 'Ñaupa', 'Flores', 'female', '1995-09-09', [
        'DNI',
        '43456789',
        null,
      ]),
      person(persons.motherC, households.hC, 'head', 'Sisa', 'Yupanqui', 'Ramos', 'female', '2008-02-02', [
        'DNI',
        '44567890',
        null,
      ]),
      person(persons.childC, households.hC, 'child', 'Amaru', 'Yupanqui', null, 'male', '2026-01-15', null),
    ])
    .execute();

  const app = await buildApp({
    database,
    logger: false,
    config: {
      env: 'test',
      sessionHours: 1,
      loginMaxFailures: 3,
      loginLockMinutes: 15,
      cookieSecure: false,
      webDir: '/nonexistent',
      logLevel: 'silent',
    },
  });
  await app.ready();
  const cookies = new Map<FixtureUser, string>();
  return {
    database,
    app,
    ids: { facilityA, facilityC, cem, users, households, persons },
    async login(username) {
      const cached = cookies.get(username);
      if (cached) return cached;
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username, password: PASSWORD },
      });
      if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
      const cookie = cookieOf(res);
      cookies.set(username, cookie);
      return cookie;
    },
    async close() {
      await app.close();
      await database.close();
    },
  };
}

export function cookieOf(res: LightMyRequestResponse): string {
  const c = res.cookies.find((x) => x.name === 'tejido_session');
  if (!c) throw new Error('no session cookie');
  return `tejido_session=${c.value}`;
}
