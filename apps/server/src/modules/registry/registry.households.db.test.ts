import { testEngine } from '@tejido/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from '../../testing/fixture';

describe(`households API on ${testEngine}`, () => {
  let f: Fixture;
  let coord: string;
  beforeAll(async () => {
    f = await createFixture();
    coord = await f.login('coord_region');
  });
  afterAll(async () => {
    await f?.close();
  });

  const get = (url: string, cookie = coord) => f.app.inject({ method: 'GET', url, headers: { cookie } });
  const send = (
    method: 'POST' | 'PATCH',
    url: string,
    payload: unknown,
    headers: Record<string, string> = {},
  ) => f.app.inject({ method, url, payload: payload as object, headers: { cookie: coord, ...headers } });

  it('finds a household by identity number and names the member that matched', async () => {
    const res = await get('/api/v1/households?q=41234567');
    expect(res.statusCode).toBe(200);
    const page = res.json();
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({
      id: f.ids.households.hA1,
      headName: 'Juana Quispe Mamani',
      districtName: 'Distrito A',
      villageName: 'Centro Poblado Alto',
      memberCount: 2,
      childrenUnder36Months: 1,
      programmes: ['JUNTOS'],
      matchedPerson: { id: f.ids.persons.headA1, document: '41234567' },
    });
  });

  it('finds by name words regardless of accents and case, and by household code', async () => {
    const byName = (await get(`/api/v1/households?q=${encodeURIComponent('naupa ROSA')}`)).json();
    expect(byName.items.map((h: { id: string }) => h.id)).toEqual([f.ids.households.hB]);
    const byCode = (await get('/api/v1/households?q=hh-000004')).json();
    expect(byCode.items.map((h: { id: string }) => h.id)).toEqual([f.ids.households.hC]);
  });

  it('filters by territory at any level and pages with a cursor', async () => {
    const north = (await get('/api/v1/households?territory=0501&limit=2')).json();
    expect(north.items).toHaveLength(2);
    expect(north.nextCursor).not.toBeNull();
    const rest = (await get(`/api/v1/households?territory=0501&limit=2&cursor=${north.nextCursor}`)).json();
    expect(rest.items).toHaveLength(1);
    expect(rest.nextCursor).toBeNull();
    const all = [...north.items, ...rest.items].map((h: { id: string }) => h.id).sort();
    expect(all).toEqual([f.ids.households.hA1, f.ids.households.hA2, f.ids.households.hB].sort());
    const village = (await get('/api/v1/households?territory=0501010001')).json();
    expect(village.items.map((h: { id: string }) => h.id)).toEqual([f.ids.households.hA1]);
  });

  it('opens a household with members, ages in months, enrolments and territory', async () => {
    const res = await get(`/api/v1/households/${f.ids.households.hA1}`);
    expect(res.statusCode).toBe(200);
    const h = res.json();
    expect(h).toMatchObject({
      code: 'HH-000001',
      territory: { code: '050101', name: 'Distrito A' },
      province: { code: '0501', name: 'Provincia Norte' },
      region: { code: '05', name: 'Región Prueba' },
      village: { code: '0501010001', name: 'Centro Poblado Alto' },
      altitudeM: 3650,
      healthFacility: { name: 'Puesto de Salud A' },
      enrolments: [{ programmeCode: 'JUNTOS', status: 'active' }],
    });
    expect(h.members.map((m: { relationship: string }) => m.relationship)).toEqual(['head', 'child']);
    expect(typeof h.members[1].ageMonths).toBe('number');
    expect(h.members[1].document).toEqual({ type: 'CUI', number: '81234567', checkDigit: null });
  });

  it('registers a household with members in one transaction, idempotently', async () => {
    const body = {
      territoryCode: '0501010001',
      address: 'Av. Nueva 10',
      members: [
        {
          relationship: 'head',
          givenNames: 'Killa',
          firstSurname: 'Huanca',
          sex: 'female',
          birthDate: '1999-05-05',
          document: { type: 'DNI', number: '45678901' },
        },
        {
          relationship: 'child',
          givenNames: 'Inti',
          firstSurname: 'Huanca',
          sex: 'male',
          birthDate: '2025-11-01',
          document: { type: 'CUI', number: '87654321', checkDigit: '0' },
        },
      ],
      enrolments: [{ programmeCode: 'JUNTOS', startDate: '2026-01-01' }],
    };
    const key = '01936d4e-0000-7000-8000-000000000001';
    const first = await send('POST', '/api/v1/households', body, { 'idempotency-key': key });
    expect(first.statusCode, first.body).toBe(201);
    const created = first.json();
    expect(created).toMatchObject({
      territory: { code: '050101' },
      village: { code: '0501010001' },
      version: 1,
    });
    expect(created.members).toHaveLength(2);
    const again = await send('POST', '/api/v1/households', body, { 'idempotency-key': key });
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(created.id);
    const count = await f.database.db
      .selectFrom('household')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('address', '=', 'Av. Nueva 10')
      .executeTakeFirstOrThrow();
    expect(count.n).toBe(1);
  });

  it('stores nothing when any member is invalid, and names the field', async () => {
    const res = await send('POST', '/api/v1/households', {
      territoryCode: '050102',
      address: 'No debe existir',
      members: [
        {
          relationship: 'head',
          givenNames: 'Wayra',
          firstSurname: 'Chávez',
          sex: 'male',
          birthDate: '1980-01-01',
        },
        {
          relationship: 'child',
          givenNames: 'Kusi',
          firstSurname: 'Chávez',
          sex: 'female',
          birthDate: '2099-01-01',
        },
      ],
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'members.1.birthDate' }],
    });
    const stored = await f.database.db
      .selectFrom('household')
      .select('id')
      .where('address', '=', 'No debe existir')
      .execute();
    expect(stored).toHaveLength(0);
    const persons = await f.database.db
      .selectFrom('person')
      .select('id')
      .where('given_names', '=', 'Wayra')
      .execute();
    expect(persons).toHaveLength(0);
  });

  it('refuses a wrong check digit, a duplicate document and an unknown territory, naming each field', async () => {
    const badCheck = await send('POST', '/api/v1/households', {
      territoryCode: '050102',
      members: [
        {
          relationship: 'head',
          givenNames: 'A',
          firstSurname: 'B',
          sex: 'male',
          birthDate: '1980-01-01',
          document: { type: 'CUI', number: '12345678', checkDigit: '2' },
        },
      ],
    });
    expect(badCheck.json().errors[0].field).toBe('members.0.document.checkDigit');
    const duplicate = await send('POST', '/api/v1/households', {
      territoryCode: '050102',
      members: [
        {
          relationship: 'head',
          givenNames: 'A',
          firstSurname: 'B',
          sex: 'male',
          birthDate: '1980-01-01',
          document: { type: 'DNI', number: '41234567' },
        },
      ],
    });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json()).toMatchObject({
      code: 'DUPLICATE',
      errors: [{ field: 'members.0.document.number' }],
    });
    const unknown = await send('POST', '/api/v1/households', { territoryCode: '059999' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors[0].field).toBe('territoryCode');
  });

  it('updates with optimistic concurrency and keeps a field-level history', async () => {
    const id = f.ids.households.hA2;
    const before = (await get(`/api/v1/households/${id}`)).json();
    const ok = await send('PATCH', `/api/v1/households/${id}`, {
      version: before.version,
      phone: '987654321',
      reference: 'frente a la posta',
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({
      phone: '987654321',
      reference: 'frente a la posta',
      version: before.version + 1,
    });
    const stale = await send('PATCH', `/api/v1/households/${id}`, {
      version: before.version,
      phone: '911111111',
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'VERSION_CONFLICT', currentVersion: before.version + 1 });
    const history = (await get(`/api/v1/households/${id}/history`)).json();
    const fields = history.items
      .filter((c: { version: number }) => c.version === before.version + 1)
      .map((c: { field: string }) => c.field)
      .sort();
    expect(fields).toEqual(['phone', 'reference']);
    const phone = history.items.find((c: { field: string }) => c.field === 'phone');
    expect(phone).toMatchObject({ oldValue: null, newValue: '987654321', actorName: 'Usuario coord_region' });
  });

  it('adds a member and a pregnancy, and refuses a pregnancy for a man or a second ongoing one', async () => {
    const hC = f.ids.households.hC;
    const coordC = await f.login('coord_district_c');
    const member = await f.app.inject({
      method: 'POST',
      url: `/api/v1/households/${hC}/members`,
      headers: { cookie: coordC },
      payload: {
        relationship: 'spouse',
        givenNames: 'Amaru',
        firstSurname: 'Vargas',
        sex: 'male',
        birthDate: '2004-03-03',
      },
    });
    expect(member.statusCode, member.body).toBe(201);
    const man = await f.app.inject({
      method: 'POST',
      url: `/api/v1/persons/${member.json().id}/pregnancies`,
      headers: { cookie: coordC },
      payload: { lastMenstrualPeriod: '2026-09-01' },
    });
    expect(man.statusCode).toBe(400);
    expect(man.json().errors[0].field).toBe('personId');
    const lmp = new Date(Date.now() - 70 * 86_400_000).toISOString().slice(0, 10);
    const preg = await f.app.inject({
      method: 'POST',
      url: `/api/v1/persons/${f.ids.persons.motherC}/pregnancies`,
      headers: { cookie: coordC },
      payload: { lastMenstrualPeriod: lmp },
    });
    expect(preg.statusCode, preg.body).toBe(201);
    expect(preg.json().gestationalWeeks).toBeGreaterThanOrEqual(9);
    const second = await f.app.inject({
      method: 'POST',
      url: `/api/v1/persons/${f.ids.persons.motherC}/pregnancies`,
      headers: { cookie: coordC },
      payload: { lastMenstrualPeriod: lmp },
    });
    expect(second.statusCode).toBe(409);
    const future = await f.app.inject({
      method: 'POST',
      url: `/api/v1/persons/${f.ids.persons.motherC}/pregnancies`,
      headers: { cookie: coordC },
      payload: { lastMenstrualPeriod: '2099-01-01' },
    });
    expect(future.statusCode).toBe(400);
  });

  it('lets a field worker register only households of their own', async () => {
    const worker = await f.login('worker1');
    const res = await f.app.inject({
      method: 'POST',
      url: '/api/v1/households',
      headers: { cookie: worker },
      payload: { territoryCode: '050101' },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().fieldWorker.id).toBe(f.ids.users.worker1);
    const other = await f.app.inject({
      method: 'POST',
      url: '/api/v1/households',
      headers: { cookie: worker },
      payload: { territoryCode: '050101', fieldWorkerId: f.ids.users.worker2 },
    });
    expect(other.statusCode).toBe(403);
  });

  it('keeps a coordinator from moving a household out of their territory', async () => {
    const north = await f.login('coord_north');
    const h = (
      await f.app.inject({
        method: 'GET',
        url: `/api/v1/households/${f.ids.households.hB}`,
        headers: { cookie: north },
      })
    ).json();
    const res = await f.app.inject({
      method: 'PATCH',
      url: `/api/v1/households/${f.ids.households.hB}`,
      headers: { cookie: north },
      payload: { version: h.version, territoryCode: '050201' },
    });
    expect(res.statusCode).toBe(403);
    const after = await f.database.db
      .selectFrom('household')
      .select(['territory_code', 'version'])
      .where('id', '=', f.ids.households.hB)
      .executeTakeFirstOrThrow();
    expect(after).toEqual({ territory_code: '050102', version: h.version });
  });
});
