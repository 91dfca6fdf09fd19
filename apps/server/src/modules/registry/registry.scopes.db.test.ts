import { uuidv7 } from '@tejido/core';
import { testEngine } from '@tejido/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture, type FixtureUser } from '../../testing/fixture';

type H = 'hA1' | 'hA2' | 'hB' | 'hC';

/** Which fixture households each account may see (see testing/fixture.ts for the map). */
const VISIBLE: Record<FixtureUser, H[]> = {
  worker1: ['hA1', 'hA2'],
  worker2: ['hB'],
  worker3: ['hC'],
  coord_region: ['hA1', 'hA2', 'hB', 'hC'],
  coord_north: ['hA1', 'hA2', 'hB'],
  coord_district_c: ['hC'],
  agent_a: ['hA1', 'hA2', 'hB'],
  agent_c: ['hC'],
  agent_cem: [],
  case_south: ['hC'],
  steward: ['hA1', 'hA2', 'hB', 'hC'],
  admin: ['hA1', 'hA2', 'hB', 'hC'],
  auditor: [],
};
const ALL: H[] = ['hA1', 'hA2', 'hB', 'hC'];
/** A person of each household and their document number, for searches. */
const PERSON_OF: Record<H, ['headA1' | 'headB' | 'motherC' | null, string]> = {
  hA1: ['headA1', '41234567'],
  hA2: [null, '42345678'],
  hB: ['headB', '43456789'],
  hC: ['motherC', '44567890'],
};
const CAN_READ = (u: FixtureUser) => u !== 'auditor';
const CAN_WRITE = (u: FixtureUser) => !['auditor', 'agent_a', 'agent_c', 'agent_cem'].includes(u);

describe(`every role sees only its scope, on ${testEngine}`, () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await createFixture();
  });
  afterAll(async () => {
    await f?.close();
  });

  const as = async (user: FixtureUser, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    f.app.inject({ method, url, headers: { cookie: await f.login(user) }, ...(payload ? { payload } : {}) });

  for (const user of Object.keys(VISIBLE) as FixtureUser[]) {
    describe(user, () => {
      it('lists exactly its households, and nothing when filtering outside its scope', async () => {
        const res = await as(user, 'GET', '/api/v1/households?limit=200');
        if (!CAN_READ(user)) {
          expect(res.statusCode).toBe(403);
          return;
        }
        expect(res.statusCode).toBe(200);
        const ids = res
          .json()
          .items.map((h: { id: string }) => h.id)
          .sort();
        expect(ids).toEqual(VISIBLE[user].map((k) => f.ids.households[k]).sort());
        const south = (await as(user, 'GET', '/api/v1/households?territory=0502')).json();
        expect(south.items.length).toBe(VISIBLE[user].includes('hC') ? 1 : 0);
      });

      it('finds a person by identity number only inside its scope', async () => {
        for (const h of ALL) {
          const res = await as(user, 'GET', `/api/v1/households?q=${PERSON_OF[h][1]}`);
          if (!CAN_READ(user)) {
            expect(res.statusCode).toBe(403);
            continue;
          }
          const items = res.json().items;
          expect(items.length, `${user} searching ${h}`).toBe(VISIBLE[user].includes(h) ? 1 : 0);
        }
      });

      it('opens households, their history and their people only inside its scope; outside is a plain 404', async () => {
        for (const h of ALL) {
          const visible = VISIBLE[user].includes(h);
          const expected = CAN_READ(user) ? (visible ? 200 : 404) : 403;
          const id = f.ids.households[h];
          expect((await as(user, 'GET', `/api/v1/households/${id}`)).statusCode, `${user} GET ${h}`).toBe(
            expected,
          );
          expect(
            (await as(user, 'GET', `/api/v1/households/${id}/history`)).statusCode,
            `${user} history ${h}`,
          ).toBe(expected);
          const person = PERSON_OF[h][0];
          if (person) {
            expect(
              (await as(user, 'GET', `/api/v1/persons/${f.ids.persons[person]}`)).statusCode,
              `${user} person ${h}`,
            ).toBe(expected);
          }
        }
      });

      it('cannot change or add to households outside its scope', async () => {
        for (const h of ALL) {
          const visible = VISIBLE[user].includes(h);
          const id = f.ids.households[h];
          const expected = !CAN_WRITE(user) ? 403 : visible ? null : 404;
          const patch = await as(user, 'PATCH', `/api/v1/households/${id}`, { version: 999, address: 'x' });
          // In scope with a wrong version: 409 proves the scope check passed; out of scope: 404 before the version is looked at.
          expect(patch.statusCode, `${user} PATCH ${h}`).toBe(expected ?? 409);
          const member = await as(user, 'POST', `/api/v1/households/${id}/members`, {
            id: uuidv7(),
            relationship: 'other_relative',
            givenNames: 'Prueba',
            firstSurname: 'Alcance',
            sex: 'female',
            birthDate: '2000-01-01',
          });
          expect(member.statusCode, `${user} add member ${h}`).toBe(expected ?? 201);
          const person = PERSON_OF[h][0];
          if (person) {
            const pid = f.ids.persons[person];
            const personPatch = await as(user, 'PATCH', `/api/v1/persons/${pid}`, {
              version: 999,
              givenNames: 'X',
            });
            expect(personPatch.statusCode, `${user} PATCH person ${h}`).toBe(expected ?? 409);
          }
        }
      });
    });
  }

  it('answers an out-of-scope household exactly as a household that does not exist', async () => {
    const outside = await as('worker1', 'GET', `/api/v1/households/${f.ids.households.hC}`);
    const missing = await as('worker1', 'GET', `/api/v1/households/${uuidv7()}`);
    expect(outside.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    const strip = (p: Record<string, unknown>) => ({ ...p, detail: undefined, instance: undefined });
    expect(strip(outside.json())).toEqual(strip(missing.json()));
  });

  it("scopes institutions' systems by their bearer token", async () => {
    const created = await as('admin', 'POST', '/api/v1/api-tokens', {
      name: 'Sistema del Centro de Salud C',
      role: 'institution_agent',
      scope: { kind: 'institution', institutionId: f.ids.facilityC },
    });
    expect(created.statusCode, created.body).toBe(201);
    const auth = { authorization: `Bearer ${created.json().token}` };
    const list = await f.app.inject({ method: 'GET', url: '/api/v1/households', headers: auth });
    expect(list.json().items.map((h: { id: string }) => h.id)).toEqual([f.ids.households.hC]);
    const outside = await f.app.inject({
      method: 'GET',
      url: `/api/v1/households/${f.ids.households.hA1}`,
      headers: auth,
    });
    expect(outside.statusCode).toBe(404);
    const bad = await f.app.inject({
      method: 'GET',
      url: '/api/v1/households',
      headers: { authorization: 'Bearer tj_nope' },
    });
    expect(bad.statusCode).toBe(401);
    const notAdmin = await as('coord_region', 'POST', '/api/v1/api-tokens', {
      name: 'x-token',
      role: 'data_steward',
      scope: { kind: 'national' },
    });
    expect(notAdmin.statusCode).toBe(403);
  });

  it('offers only the territories inside or above a territory scope', async () => {
    const regions = (await as('case_south', 'GET', '/api/v1/territories')).json();
    expect(regions.map((t: { code: string }) => t.code)).toEqual(['05']);
    const provinces = (await as('case_south', 'GET', '/api/v1/territories?parent=05')).json();
    expect(provinces.map((t: { code: string }) => t.code)).toEqual(['0502']);
    const all = (await as('coord_region', 'GET', '/api/v1/territories?parent=05')).json();
    expect(all.map((t: { code: string }) => t.code).sort()).toEqual(['0501', '0502']);
  });
});
