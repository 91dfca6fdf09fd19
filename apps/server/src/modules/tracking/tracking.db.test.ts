import { addDays, todayInPeru, uuidv7 } from '@tejido/core';
import type { EvidenceTable } from '@tejido/db';
import { testEngine } from '@tejido/db/testing';
import { strFromU8, unzipSync } from 'fflate';
import { type Insertable, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture, type FixtureUser } from '../../testing/fixture';
import { evidenceDigestSuspended, suspendEvidenceDigest } from './digest';
import { recompute } from './recompute';
import { digestEvidence, toEvidence } from './subjects';

type H = 'hA1' | 'hA2' | 'hB' | 'hC';

/** Which fixture households each account may see (see testing/fixture.ts). */
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
const HOUSEHOLDS: H[] = ['hA1', 'hA2', 'hB', 'hC'];
const CAN_RECORD = (u: FixtureUser) => !['auditor', 'case_south'].includes(u);

function unzipText(bytes: Uint8Array, path: string): string {
  const file = unzipSync(bytes)[path];
  if (!file) throw new Error(`${path} is not in the file`);
  return strFromU8(file);
}

describe(`nominal tracking on ${testEngine}`, () => {
  let f: Fixture;
  const today = todayInPeru();
  /** A child under 36 months added to each household, and a pregnant woman in hB. */
  const tracked = {} as Record<H, string>;
  let pregnant = '';

  const as = async (user: FixtureUser, method: 'GET' | 'POST', url: string, payload?: object) =>
    f.app.inject({ method, url, headers: { cookie: await f.login(user) }, ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    f = await createFixture();
    for (const [i, h] of HOUSEHOLDS.entries()) {
      const res = await as('admin', 'POST', `/api/v1/households/${f.ids.households[h]}/members`, {
        relationship: 'child',
        givenNames: `Niña ${h}`,
        firstSurname: 'Mamani',
        sex: 'female',
        birthDate: addDays(today, -(200 + 90 * i)),
      });
      expect(res.statusCode, res.body).toBe(201);
      tracked[h] = res.json().id;
    }
    const woman = await as('admin', 'POST', `/api/v1/households/${f.ids.households.hB}/members`, {
      relationship: 'spouse',
      givenNames: 'Killa',
      firstSurname: 'Ccori',
      sex: 'female',
      birthDate: '1999-03-03',
    });
    pregnant = woman.json().id;
    const preg = await as('admin', 'POST', `/api/v1/persons/${pregnant}/pregnancies`, {
      lastMenstrualPeriod: addDays(today, -120),
    });
    expect(preg.statusCode, preg.body).toBe(201);
    await recompute(f.database, { asOf: today });
  });
  afterAll(async () => {
    await f?.close();
  });

  describe('rosters by role', () => {
    for (const user of Object.keys(VISIBLE) as FixtureUser[]) {
      it(`${user} sees exactly the tracked people of its households`, async () => {
        const res = await as(user, 'GET', '/api/v1/rosters?limit=200');
        if (user === 'auditor') {
          expect(res.statusCode).toBe(403);
          return;
        }
        expect(res.statusCode, res.body).toBe(200);
        const page = res.json();
        const expected = VISIBLE[user].map((h) => tracked[h]);
        if (VISIBLE[user].includes('hB')) expected.push(pregnant);
        const seen = page.rows.map((r: { personId: string }) => r.personId);
        // The fixture's own children (born 2025 and 2026) are tracked too: only look at ours.
        const ours = seen.filter((id: string) => [...Object.values(tracked), pregnant].includes(id));
        expect(ours.sort()).toEqual(expected.sort());
        expect(page.counts.total).toBe(seen.length);
        expect(page.counts.red + page.counts.amber + page.counts.green).toBe(page.counts.total);
      });

      it(`${user} opens tracking pages and records evidence only inside its scope`, async () => {
        for (const h of HOUSEHOLDS) {
          const visible = VISIBLE[user].includes(h);
          const page = await as(user, 'GET', `/api/v1/persons/${tracked[h]}/tracking`);
          expect(page.statusCode, `${user} reading ${h}`).toBe(
            user === 'auditor' ? 403 : visible ? 200 : 404,
          );
          const post = await as(user, 'POST', `/api/v1/persons/${tracked[h]}/evidence`, {
            kind: 'growth_checkup',
            date: today,
            source: 'manual',
            sourceRef: `${user}-${h}`,
          });
          const expected = !CAN_RECORD(user) ? 403 : visible ? 201 : 404;
          expect(post.statusCode, `${user} recording for ${h}: ${post.body}`).toBe(expected);
        }
      });
    }
  });

  describe('recording evidence', () => {
    it('updates the stored status in the same request', async () => {
      const child = tracked.hA1;
      const before = await f.database.db
        .selectFrom('tracking_status')
        .selectAll()
        .where('person_id', '=', child)
        .executeTakeFirstOrThrow();
      expect(before.risks).not.toContain('anemia');
      const res = await as('worker1', 'POST', `/api/v1/persons/${child}/evidence`, {
        kind: 'hemoglobin',
        date: today,
        values: { hbGdl: 8.1 },
      });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().light).toBe('red');
      const after = await f.database.db
        .selectFrom('tracking_status')
        .selectAll()
        .where('person_id', '=', child)
        .executeTakeFirstOrThrow();
      expect(after.risks).toContain('anemia');
      expect(after.light).toBe('red');
      const page = (await as('worker1', 'GET', `/api/v1/persons/${child}/tracking`)).json();
      expect(page.hemoglobin.at(-1)).toMatchObject({ hbGdl: 8.1, anemia: 'severe' });
      expect(page.reasons.some((r: { code: string }) => r.code === 'anemia')).toBe(true);
    });

    it('stores the same source record once, and refuses it for another person', async () => {
      const body = {
        kind: 'vaccine_dose',
        code: '90722',
        dose: 1,
        date: addDays(today, -10),
        source: 'his_minsa',
        sourceRef: 'HIS-2026-000123',
      };
      const first = await as('admin', 'POST', `/api/v1/persons/${tracked.hA2}/evidence`, body);
      expect(first.statusCode, first.body).toBe(201);
      expect(first.json().evidence.code).toBe('PENTA');
      const again = await as('admin', 'POST', `/api/v1/persons/${tracked.hA2}/evidence`, body);
      expect(again.statusCode).toBe(200);
      expect(again.json()).toMatchObject({ replayed: true, evidence: { id: first.json().evidence.id } });
      const other = await as('admin', 'POST', `/api/v1/persons/${tracked.hB}/evidence`, body);
      expect(other.statusCode).toBe(409);
      expect(other.json().errors[0].field).toBe('sourceRef');
      const stored = await f.database.db
        .selectFrom('evidence')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('source_ref', '=', 'HIS-2026-000123')
        .executeTakeFirstOrThrow();
      expect(Number(stored.n)).toBe(1);
    });

    it('replays an offline retry by its id', async () => {
      const id = uuidv7();
      const body = { id, kind: 'supplement', code: 'IRON_DROPS', date: today };
      expect((await as('worker2', 'POST', `/api/v1/persons/${tracked.hB}/evidence`, body)).statusCode).toBe(
        201,
      );
      const retry = await as('worker2', 'POST', `/api/v1/persons/${tracked.hB}/evidence`, body);
      expect(retry.statusCode).toBe(200);
      expect(retry.json().replayed).toBe(true);
    });

    const bad: Array<[string, object, string]> = [
      ['a weight of 0 kg', { kind: 'measurement', values: { weightKg: 0 } }, 'values.weightKg'],
      ['a length of 140 cm', { kind: 'measurement', values: { lengthCm: 140 } }, 'values.lengthCm'],
      ['a hemoglobin of 30 g/dL', { kind: 'hemoglobin', values: { hbGdl: 30 } }, 'values.hbGdl'],
      ['an unknown vaccine', { kind: 'vaccine_dose', code: 'XYZ' }, 'code'],
      ['a date in the future', { kind: 'growth_checkup', date: addDays(today, 3) }, 'date'],
      ['a date before the birth', { kind: 'growth_checkup', date: addDays(today, -2000) }, 'date'],
      ['an impossible date', { kind: 'growth_checkup', date: '2025-02-30' }, 'date'],
      ['prenatal care for a girl of 1', { kind: 'prenatal_visit' }, 'kind'],
    ];
    for (const [what, body, field] of bad) {
      it(`refuses ${what}, naming ${field}, and stores nothing`, async () => {
        const count = async () =>
          Number(
            (
              await f.database.db
                .selectFrom('evidence')
                .select((eb) => eb.fn.countAll<string>().as('n'))
                .executeTakeFirstOrThrow()
            ).n,
          );
        const before = await count();
        const res = await as('admin', 'POST', `/api/v1/persons/${tracked.hC}/evidence`, {
          date: today,
          ...body,
        });
        expect(res.statusCode, res.body).toBe(400);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
        expect(await count()).toBe(before);
      });
    }

    it('records prenatal care for the pregnancy of the woman', async () => {
      const res = await as('worker2', 'POST', `/api/v1/persons/${pregnant}/evidence`, {
        kind: 'prenatal_visit',
        date: addDays(today, -7),
      });
      expect(res.statusCode, res.body).toBe(201);
      const before = await as('worker2', 'POST', `/api/v1/persons/${pregnant}/evidence`, {
        kind: 'prenatal_visit',
        date: addDays(today, -200),
      });
      expect(before.statusCode).toBe(400);
      expect(before.json().errors[0].field).toBe('kind');
    });

    it('stores a measurement WHO flags as implausible, with its flag, and asks to re-measure', async () => {
      const res = await as('admin', 'POST', `/api/v1/persons/${tracked.hC}/evidence`, {
        kind: 'measurement',
        date: today,
        values: { weightKg: 29, lengthCm: 70, measured: 'lying' },
      });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().evidence.implausible).toBe(true);
      const page = (await as('admin', 'GET', `/api/v1/persons/${tracked.hC}/tracking`)).json();
      expect(page.growth.at(-1).implausible).toBe(true);
      expect(page.risks.map((r: { code: string }) => r.code)).toContain('implausible_measurement');
      expect(page.risks.map((r: { code: string }) => r.code)).not.toContain('wasting');
    });
  });

  describe('rosters', () => {
    it('pages by urgency with a cursor, without gaps or repeats', async () => {
      const all = (await as('admin', 'GET', '/api/v1/rosters?limit=200')).json().rows;
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/api/v1/rosters?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const page = (await as('admin', 'GET', url)).json();
        seen.push(...page.rows.map((r: { personId: string }) => r.personId));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(all.map((r: { personId: string }) => r.personId));
      const urgencies = all.map((r: { urgency: number }) => r.urgency);
      expect(urgencies).toEqual([...urgencies].sort((a, b) => b - a));
    });

    it('filters by territory, light, subject, age band, overdue item and risk', async () => {
      const get = async (q: string) => (await as('admin', 'GET', `/api/v1/rosters?limit=200&${q}`)).json();
      const district = await get('territory=050201');
      expect(district.rows.every((r: { territoryCode: string }) => r.territoryCode === '050201')).toBe(true);
      const red = await get('light=red');
      expect(red.rows.every((r: { light: string }) => r.light === 'red')).toBe(true);
      expect(red.counts.total).toBe((await get('')).counts.total);
      const pregnancies = await get('subject=pregnancy');
      expect(pregnancies.rows.map((r: { personId: string }) => r.personId)).toEqual([pregnant]);
      expect(pregnancies.rows[0].gestationalWeeks).toBe(17);
      const band = await get('ageBand=6-11');
      expect(band.rows.length).toBeGreaterThan(0);
      expect(band.rows.every((r: { ageMonths: number }) => r.ageMonths >= 6 && r.ageMonths <= 11)).toBe(true);
      const anemic = await get('risk=anemia');
      expect(anemic.rows.map((r: { personId: string }) => r.personId)).toContain(tracked.hA1);
      const overdue = red.rows.find((r: { overdueItems: string[] }) => r.overdueItems.length > 0);
      const byItem = await get(`overdueItem=${overdue.overdueItems[0]}`);
      expect(
        byItem.rows.every((r: { overdueItems: string[] }) =>
          r.overdueItems.includes(overdue.overdueItems[0]),
        ),
      ).toBe(true);
      const wrong = await as('admin', 'GET', '/api/v1/rosters?light=purple');
      expect(wrong.statusCode).toBe(400);
      expect(wrong.json().errors[0].field).toBe('light');
    });

    it('exports CSV and XLSX with the rows of the scope, and audits it', async () => {
      const csv = await as('worker3', 'GET', '/api/v1/rosters/export?format=csv');
      expect(csv.statusCode, csv.body).toBe(200);
      expect(csv.headers['content-disposition']).toMatch(
        /attachment; filename="padron-\d{4}-\d{2}-\d{2}\.csv"/,
      );
      const lines = csv.body
        .replace(/^\ufeff/, '')
        .trim()
        .split('\r\n');
      expect(lines[0]).toContain('Semáforo');
      const roster = (await as('worker3', 'GET', '/api/v1/rosters?limit=200')).json();
      expect(lines.length - 1).toBe(roster.counts.total);
      const xlsx = await as('worker3', 'GET', '/api/v1/rosters/export?format=xlsx&lang=en');
      expect(xlsx.statusCode).toBe(200);
      const sheet = unzipText(xlsx.rawPayload, 'xl/worksheets/sheet1.xml');
      expect(sheet).toContain('Roster as of');
      expect(sheet).toContain('Niña hC');
      expect(sheet).not.toContain('Niña hA1');
      const audit = await f.database.db
        .selectFrom('audit_log')
        .select('detail')
        .where('action', '=', 'roster.export')
        .execute();
      expect(audit.length).toBe(2);
    });
  });

  describe('recompute', () => {
    it('gives each person the status an evidence update gives', async () => {
      const stored = await f.database.db
        .selectFrom('tracking_status')
        .selectAll()
        .orderBy('person_id')
        .execute();
      const shape = async () => ({
        indexes: (
          await sql<{ d: string }>`SELECT indexdef AS d FROM pg_indexes
            WHERE tablename = 'tracking_status' ORDER BY 1`.execute(f.database.db)
        ).rows.map((r) => r.d),
        checks: (
          await sql<{ d: string }>`SELECT pg_get_constraintdef(oid) AS d FROM pg_constraint
            WHERE conrelid = 'tracking_status'::regclass ORDER BY 1`.execute(f.database.db)
        ).rows.map((r) => r.d),
      });
      const migrated = await shape();
      // On the server engine, in two worker threads with their own connections (trust authentication
      // in the test servers: the location without password is enough to connect).
      const summary = await recompute(f.database, {
        asOf: today,
        rangeSize: 3,
        ...(f.database.engine === 'postgres' ? { databaseUrl: f.database.location, workers: 2 } : {}),
      });
      expect(summary.workers).toBe(f.database.engine === 'postgres' ? 2 : 0);
      const again = await f.database.db
        .selectFrom('tracking_status')
        .selectAll()
        .orderBy('person_id')
        .execute();
      // The swapped-in table has the migration's indexes and constraints.
      expect(await shape()).toEqual(migrated);
      const key = (r: (typeof stored)[number]) => [r.person_id, r.light, r.urgency, r.overdue_items, r.risks];
      expect(again.map(key)).toEqual(stored.map(key));
      const run = (await as('coord_region', 'GET', '/api/v1/tracking/run')).json();
      expect(run).toMatchObject({ asOf: today, persons: again.length });
    });

    it('keeps evidence recorded while it runs', async () => {
      const risks = async () =>
        (
          await f.database.db
            .selectFrom('tracking_status')
            .select('risks')
            .where('person_id', '=', tracked.hB)
            .executeTakeFirstOrThrow()
        ).risks;
      expect(await risks()).not.toContain('anemia');
      let recorded: ReturnType<typeof as> | undefined;
      await recompute(f.database, {
        asOf: today,
        rangeSize: 3,
        ...(f.database.engine === 'postgres' ? { databaseUrl: f.database.location, workers: 2 } : {}),
        // Every person has been read and evaluated; the new statuses are not in place yet.
        onProgress: (done, total) => {
          if (done === total) {
            recorded = as('worker2', 'POST', `/api/v1/persons/${tracked.hB}/evidence`, {
              kind: 'hemoglobin',
              date: today,
              values: { hbGdl: 7.6 },
            });
          }
        },
      });
      expect((await recorded)?.statusCode).toBe(201);
      expect(await risks()).toContain('anemia');
    });

    it('judges a past date by the evidence known then', async () => {
      const past = addDays(today, -30);
      const page = (await as('admin', 'GET', `/api/v1/persons/${tracked.hA1}/tracking?asOf=${past}`)).json();
      expect(page.asOf).toBe(past);
      expect(page.hemoglobin).toEqual([]);
      expect(page.risks.map((r: { code: string }) => r.code)).not.toContain('anemia');
      const future = await as(
        'admin',
        'GET',
        `/api/v1/persons/${tracked.hA1}/tracking?asOf=${addDays(today, 5)}`,
      );
      expect(future.statusCode).toBe(400);
    });

    it('produces a roster as of a past date from the evidence known then', async () => {
      const past = addDays(today, -30);
      const get = async (q: string) => as('coord_north', 'GET', `/api/v1/rosters?limit=200&asOf=${past}${q}`);
      const res = await get('');
      expect(res.statusCode, res.body).toBe(200);
      const page = res.json();
      expect(page.asOf).toBe(past);
      const ids = page.rows.map((r: { personId: string }) => r.personId);
      expect(ids).toContain(tracked.hA1);
      expect(ids).not.toContain(tracked.hC);
      // The hemoglobin of today did not exist 30 days ago.
      const child = page.rows.find((r: { personId: string }) => r.personId === tracked.hA1);
      expect(child.risks).not.toContain('anemia');
      expect(child.ageMonths).toBeGreaterThanOrEqual(5);
      const red = (await get('&light=red')).json();
      expect(red.counts).toEqual(page.counts);
      expect(red.rows.every((r: { light: string }) => r.light === 'red')).toBe(true);
      const csv = await as('coord_north', 'GET', `/api/v1/rosters/export?asOf=${past}`);
      expect(
        csv.body
          .replace(/^\ufeff/, '')
          .trim()
          .split('\r\n').length - 1,
      ).toBe(page.counts.total);
      const future = await as('coord_north', 'GET', `/api/v1/rosters?asOf=${addDays(today, 2)}`);
      expect(future.statusCode).toBe(400);
      expect(future.json().errors[0].field).toBe('asOf');
    });

    it('drops a person who is no longer tracked', async () => {
      const res = await as('admin', 'GET', `/api/v1/persons/${f.ids.persons.headA1}/tracking`);
      expect(res.statusCode).toBe(404);
    });
  });

  describe('evidence digest', () => {
    /** Each person's digest and evidence, as sorted lists of the evaluation's records. */
    const both = async () => {
      const digests = await f.database.db.selectFrom('evidence_digest').selectAll().execute();
      const rows = await sql<Record<string, unknown>>`
        SELECT person_id, '' AS id, kind, date, code, dose, weight_kg, length_cm, measured, oedema, hb_gdl
          FROM evidence`.execute(f.database.db);
      const key = (e: object) => JSON.stringify(e);
      const fromDigest = new Map(
        digests.map((d) => [d.person_id, digestEvidence(d.records).map(key).sort()]),
      );
      const fromRows = new Map<string, string[]>();
      for (const r of rows.rows) {
        const list = fromRows.get(String(r.person_id)) ?? [];
        list.push(key(toEvidence(Object.values(r) as Parameters<typeof toEvidence>[0])));
        fromRows.set(String(r.person_id), list);
      }
      for (const list of fromRows.values()) list.sort();
      return { fromDigest, fromRows };
    };
    const evidenceRow = (
      personId: string,
      extra: Omit<Insertable<EvidenceTable>, 'id' | 'person_id' | 'date' | 'source'>,
    ) => ({
      id: uuidv7(),
      person_id: personId,
      date: addDays(today, -3),
      source: 'manual' as const,
      ...extra,
    });

    it('holds every evidence record of each person, as recorded through the API', async () => {
      const { fromDigest, fromRows } = await both();
      expect(fromRows.size).toBeGreaterThan(0);
      expect(fromDigest).toEqual(fromRows);
    });

    it('appends the records of one statement for several persons, values intact', async () => {
      await f.database.db
        .insertInto('evidence')
        .values([
          evidenceRow(tracked.hB, {
            kind: 'measurement',
            weight_kg: 7.123456789,
            length_cm: 66.05,
            measured: 'lying',
            oedema: true,
          }),
          evidenceRow(tracked.hB, { kind: 'vaccine_dose', code: 'PENTA', dose: 2 }),
          evidenceRow(tracked.hC, { kind: 'hemoglobin', hb_gdl: 10.1 }),
        ])
        .execute();
      const { fromDigest, fromRows } = await both();
      expect(fromDigest).toEqual(fromRows);
      const hB = digestEvidence(
        (
          await f.database.db
            .selectFrom('evidence_digest')
            .select('records')
            .where('person_id', '=', tracked.hB)
            .executeTakeFirstOrThrow()
        ).records,
      );
      expect(hB).toContainEqual({
        id: '',
        kind: 'measurement',
        date: addDays(today, -3),
        values: { weightKg: 7.123456789, lengthCm: 66.05, measured: 'lying', oedema: true },
      });
    });

    it('refuses a code that could be mistaken for a separator', async () => {
      await expect(
        f.database.db
          .insertInto('evidence')
          .values(evidenceRow(tracked.hB, { kind: 'vaccine_dose', code: 'BCG|1', dose: 1 }))
          .execute(),
      ).rejects.toThrow(/evidence_code_chars/);
    });

    it('is rebuilt by a recompute after a bulk load that stopped with it suspended', async () => {
      await suspendEvidenceDigest(f.database);
      await f.database.db
        .insertInto('evidence')
        .values(evidenceRow(tracked.hA2, { kind: 'hemoglobin', hb_gdl: 9.4 }))
        .execute();
      expect(await evidenceDigestSuspended(f.database)).toBe(true);
      expect((await both()).fromDigest).not.toEqual((await both()).fromRows);
      await recompute(f.database, { asOf: today });
      expect(await evidenceDigestSuspended(f.database)).toBe(false);
      const { fromDigest, fromRows } = await both();
      expect(fromDigest).toEqual(fromRows);
      // The recomputed status reads the new hemoglobin: anemia.
      const status = await f.database.db
        .selectFrom('tracking_status')
        .select('risks')
        .where('person_id', '=', tracked.hA2)
        .executeTakeFirstOrThrow();
      expect(status.risks).toContain('anemia');
    });
  });

  it('serves the WHO curves and the pathways for the web app', async () => {
    const curves = (await as('worker1', 'GET', '/api/v1/growth-standards/weightForAge?sex=female')).json();
    expect(curves.points[0]).toEqual({ x: 0, sd: [2.033, 2.395, 2.794, 3.232, 3.711, 4.23, 4.793] });
    const pathways = (await as('worker1', 'GET', '/api/v1/pathways')).json();
    expect(pathways.map((p: { appliesTo: string }) => p.appliesTo)).toEqual(['child', 'pregnancy']);
    expect((await as('worker1', 'GET', '/api/v1/growth-standards/heightForAge?sex=female')).statusCode).toBe(
      400,
    );
  });
});
