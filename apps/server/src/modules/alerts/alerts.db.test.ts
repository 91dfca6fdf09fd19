import { todayInPeru, uuidv7 } from '@tejido/core';
import { testEngine } from '@tejido/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture, type FixtureUser } from '../../testing/fixture';
import { systemActor } from '../access/actor';
import { createApiToken } from '../auth/service';
import { recompute } from '../tracking/recompute';
import { refreshFunnel } from './funnel';

/** The smallest PNG there is: a 1×1 transparent pixel. */
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

describe(`alerts and referrals on ${testEngine}`, () => {
  let f: Fixture;
  const today = todayInPeru();

  const as = async (user: FixtureUser, method: 'GET' | 'POST', url: string, payload?: object) =>
    f.app.inject({ method, url, headers: { cookie: await f.login(user) }, ...(payload ? { payload } : {}) });

  const raise = async (user: FixtureUser, body: object) => {
    const res = await as(user, 'POST', '/api/v1/alerts', body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; version: number; stage: string };
  };

  beforeAll(async () => {
    f = await createFixture();
    await recompute(f.database, { asOf: today });
  });
  afterAll(async () => {
    await f?.close();
  });

  describe('rule alerts', () => {
    it('raises one alert per person and fired rule after a recompute, and none twice', async () => {
      const statuses = await f.database.db
        .selectFrom('tracking_status')
        .select(['person_id', 'alerts'])
        .execute();
      const fired = statuses.flatMap((s) => s.alerts.map((a) => `${s.person_id}:${a}`)).sort();
      expect(fired.length).toBeGreaterThan(0);
      // The child of hC has no identity document at ten months.
      expect(fired).toContain(`${f.ids.persons.childC}:no_identity_document`);
      const open = async () =>
        (
          await f.database.db
            .selectFrom('alert')
            .select(['person_id', 'type_code', 'stage', 'stage_due_at', 'territory_code'])
            .where('origin', '=', 'rule')
            .where('stage', 'not in', ['closed', 'cancelled'])
            .execute()
        )
          .map((a) => `${a.person_id}:${a.type_code}`)
          .sort();
      expect(await open()).toEqual(fired);
      const summary = await recompute(f.database, { asOf: today });
      expect(summary.alerts.raised).toBe(0);
      expect(summary.alerts.closed).toBe(0);
      expect(await open()).toEqual(fired);
    });

    it('closes the alert as resolved by the evidence that answers it, linking that evidence', async () => {
      const childC = f.ids.persons.childC;
      const before = await f.database.db
        .selectFrom('alert')
        .selectAll()
        .where('person_id', '=', childC)
        .where('type_code', '=', 'no_identity_document')
        .executeTakeFirstOrThrow();
      expect(before.stage).toBe('identified');
      const res = await as('worker3', 'POST', `/api/v1/persons/${childC}/evidence`, {
        kind: 'document_issued',
        date: today,
        code: 'CUI',
        source: 'manual',
      });
      expect(res.statusCode, res.body).toBe(201);
      const evidenceId = res.json().evidence.id;
      const after = await f.database.db
        .selectFrom('alert')
        .selectAll()
        .where('id', '=', before.id)
        .executeTakeFirstOrThrow();
      expect(after).toMatchObject({
        stage: 'closed',
        outcome: 'resolved_by_evidence',
        resolved_by_evidence_id: evidenceId,
      });
      const detail = await as('coord_region', 'GET', `/api/v1/alerts/${before.id}`);
      expect(detail.json().events.map((e: { action: string }) => e.action)).toEqual(['raise', 'resolve']);
      expect(detail.json().resolvedByEvidenceId).toBe(evidenceId);
    });
  });

  describe('the referral lifecycle', () => {
    it('goes from the home to the health facility and back, every step recorded', async () => {
      const alert = await raise('worker1', {
        typeCode: 'sick_child',
        personId: f.ids.persons.childA1,
        observation: 'Fiebre alta y decaimiento desde ayer',
      });
      expect(alert.stage).toBe('identified');
      const suggestions = (await as('worker1', 'GET', `/api/v1/alerts/${alert.id}/institutions`)).json();
      expect(suggestions[0]).toMatchObject({ id: f.ids.facilityA, competent: true, withinTerritory: true });

      const referred = await as('worker1', 'POST', `/api/v1/alerts/${alert.id}/refer`, {
        version: alert.version,
        institutionId: f.ids.facilityA,
        note: 'Llevar carné de vacunas',
      });
      expect(referred.statusCode, referred.body).toBe(200);
      expect(referred.json()).toMatchObject({ stage: 'referred', institution: { id: f.ids.facilityA } });

      // Attending before accepting is not a step of the lifecycle.
      const early = await as('agent_a', 'POST', `/api/v1/alerts/${alert.id}/attend`, {
        version: referred.json().version,
        counterReferral: { attendedOn: today, actions: 'x', outcome: 'resolved' },
      });
      expect(early.statusCode).toBe(409);
      expect(early.json()).toMatchObject({ code: 'ILLEGAL_TRANSITION', stage: 'referred' });
      // The steps this reader may take instead: the institution accepts or rejects, it does not cancel.
      expect(early.json().allowed).toEqual(['accept', 'reject']);

      // Only the receiving institution accepts; others do not even see it.
      expect((await as('agent_c', 'GET', `/api/v1/alerts/${alert.id}`)).statusCode).toBe(404);
      const byCoordinator = await as('coord_north', 'POST', `/api/v1/alerts/${alert.id}/accept`, {
        version: referred.json().version,
      });
      expect(byCoordinator.statusCode).toBe(403);

      const inbox = (await as('agent_a', 'GET', '/api/v1/inbox?stage=referred')).json();
      expect(inbox.items.map((i: { id: string }) => i.id)).toContain(alert.id);
      expect(inbox.counts.referred).toBeGreaterThanOrEqual(1);

      const accepted = await as('agent_a', 'POST', `/api/v1/alerts/${alert.id}/accept`, {
        version: referred.json().version,
      });
      expect(accepted.statusCode, accepted.body).toBe(200);
      const attended = await as('agent_a', 'POST', `/api/v1/alerts/${alert.id}/attend`, {
        version: accepted.json().version,
        counterReferral: {
          attendedOn: today,
          actions: 'Evaluación, paracetamol, control en 48 h',
          outcome: 'in_treatment',
          nextSteps: 'Control el jueves',
        },
      });
      expect(attended.statusCode, attended.body).toBe(200);
      expect(attended.json().counterReferral.outcome).toBe('in_treatment');
      expect(attended.json().stageDueAt).toBeNull();

      const closed = await as('coord_north', 'POST', `/api/v1/alerts/${alert.id}/verify`, {
        version: attended.json().version,
      });
      expect(closed.statusCode, closed.body).toBe(200);
      expect(closed.json()).toMatchObject({ stage: 'closed', outcome: 'verified', allowedActions: [] });
      const events = closed.json().events as Array<{
        action: string;
        fromStage: string | null;
        toStage: string;
        actorName: string;
      }>;
      expect(events.map((e) => [e.action, e.fromStage, e.toStage])).toEqual([
        ['raise', null, 'identified'],
        ['refer', 'identified', 'referred'],
        ['accept', 'referred', 'accepted'],
        ['attend', 'accepted', 'attended'],
        ['verify', 'attended', 'closed'],
      ]);
      expect(events[2]!.actorName).toBe('Usuario agent_a');

      const again = await as('coord_north', 'POST', `/api/v1/alerts/${alert.id}/refer`, {
        version: closed.json().version,
        institutionId: f.ids.facilityA,
      });
      expect(again.statusCode).toBe(409);
      expect(again.json()).toMatchObject({ code: 'ILLEGAL_TRANSITION', stage: 'closed', allowed: [] });
    });

    it('sends a rejection back to be referred again, keeping the first referral time', async () => {
      const alert = await raise('worker1', {
        typeCode: 'sick_child',
        personId: f.ids.persons.childA1,
        observation: 'Diarrea',
      });
      const referred = (
        await as('worker1', 'POST', `/api/v1/alerts/${alert.id}/refer`, {
          version: alert.version,
          institutionId: f.ids.facilityA,
        })
      ).json();
      const noReason = await as('agent_a', 'POST', `/api/v1/alerts/${alert.id}/reject`, {
        version: referred.version,
      });
      expect(noReason.statusCode).toBe(400);
      expect(noReason.json().errors[0].field).toBe('reason');
      const rejected = await as('agent_a', 'POST', `/api/v1/alerts/${alert.id}/reject`, {
        version: referred.version,
        reason: 'No corresponde a este establecimiento',
      });
      expect(rejected.json()).toMatchObject({ stage: 'rejected', allowedActions: [] });
      const forCoordinator = (await as('coord_north', 'GET', `/api/v1/alerts/${alert.id}`)).json();
      expect(forCoordinator.allowedActions).toEqual(['refer', 'cancel']);
      const again = await as('coord_north', 'POST', `/api/v1/alerts/${alert.id}/refer`, {
        version: forCoordinator.version,
        institutionId: f.ids.facilityA,
      });
      expect(again.json().stage).toBe('referred');
      expect(again.json().referredAt).toBe(referred.referredAt);
    });

    it("lets an institution's own system work its inbox with a bearer token", async () => {
      const { token } = await createApiToken(f.database.db, systemActor(), {
        name: 'Sistema del Puesto de Salud A',
        role: 'institution_agent',
        scope: { kind: 'institution', institutionId: f.ids.facilityA },
      });
      const bearer = { authorization: `Bearer ${token}` };
      const alert = await raise('worker1', {
        typeCode: 'sick_child',
        personId: f.ids.persons.childA1,
        observation: 'Fiebre',
      });
      const referred = (
        await as('worker1', 'POST', `/api/v1/alerts/${alert.id}/refer`, {
          version: alert.version,
          institutionId: f.ids.facilityA,
        })
      ).json();
      const inbox = await f.app.inject({
        method: 'GET',
        url: '/api/v1/inbox?stage=referred',
        headers: bearer,
      });
      expect(inbox.statusCode, inbox.body).toBe(200);
      expect(inbox.json().items.map((i: { id: string }) => i.id)).toContain(alert.id);
      const accepted = await f.app.inject({
        method: 'POST',
        url: `/api/v1/alerts/${alert.id}/accept`,
        headers: bearer,
        payload: { version: referred.version },
      });
      expect(accepted.statusCode, accepted.body).toBe(200);
      expect(accepted.json().events.at(-1)).toMatchObject({
        action: 'accept',
        actorKind: 'token',
        actorName: 'Sistema del Puesto de Salud A',
      });
    });

    it('needs a reason to refer outside the territory or to another kind of institution', async () => {
      const alert = await raise('coord_region', {
        typeCode: 'sick_child',
        personId: f.ids.persons.childA1,
        observation: 'Tos persistente',
      });
      const far = await as('coord_region', 'POST', `/api/v1/alerts/${alert.id}/refer`, {
        version: alert.version,
        institutionId: f.ids.facilityC,
      });
      expect(far.statusCode).toBe(400);
      expect(far.json().errors[0].field).toBe('overrideReason');
      const wrongKind = await as('coord_region', 'POST', `/api/v1/alerts/${alert.id}/refer`, {
        version: alert.version,
        institutionId: f.ids.cem,
      });
      expect(wrongKind.statusCode).toBe(400);
      expect(wrongKind.json().detail).toContain('health_facility');
      const overridden = await as('coord_region', 'POST', `/api/v1/alerts/${alert.id}/refer`, {
        version: alert.version,
        institutionId: f.ids.facilityC,
        overrideReason: 'La familia está de viaje en el distrito C',
      });
      expect(overridden.statusCode, overridden.body).toBe(200);
      const step = overridden.json().events.at(-1);
      expect(step).toMatchObject({ action: 'refer', reason: 'La familia está de viaje en el distrito C' });
      expect(step.detail.override).toEqual({ competent: true, withinTerritory: false });
    });

    it('lets one of two simultaneous steps win and tells the other the current state', async () => {
      const alert = await raise('worker1', {
        typeCode: 'sick_child',
        personId: f.ids.persons.childA1,
        observation: 'Vómitos',
      });
      const [a, b] = await Promise.all([
        as('worker1', 'POST', `/api/v1/alerts/${alert.id}/refer`, {
          version: alert.version,
          institutionId: f.ids.facilityA,
        }),
        as('coord_north', 'POST', `/api/v1/alerts/${alert.id}/cancel`, {
          version: alert.version,
          reason: 'Duplicada',
        }),
      ]);
      const codes = [a.statusCode, b.statusCode].sort();
      expect(codes).toEqual([200, 409]);
      const loser = a.statusCode === 409 ? a : b;
      const winner = a.statusCode === 200 ? a : b;
      expect(loser.json()).toMatchObject({ code: 'VERSION_CONFLICT', currentVersion: alert.version + 1 });
      expect(loser.json().stage).toBe(winner.json().stage);
      const events = await f.database.db
        .selectFrom('alert_event')
        .select('action')
        .where('alert_id', '=', alert.id)
        .execute();
      expect(events).toHaveLength(2);
    });

    it('answers a retried raise with the same alert', async () => {
      const key = uuidv7();
      const body = {
        typeCode: 'household_without_document',
        householdId: f.ids.households.hA2,
        observation: 'El jefe perdió su DNI',
      };
      const headers = { cookie: await f.login('worker1'), 'idempotency-key': key };
      const first = await f.app.inject({ method: 'POST', url: '/api/v1/alerts', headers, payload: body });
      const second = await f.app.inject({ method: 'POST', url: '/api/v1/alerts', headers, payload: body });
      expect(first.statusCode).toBe(201);
      expect(second.statusCode).toBe(200);
      expect(second.json().id).toBe(first.json().id);
    });
  });

  describe('bad input', () => {
    it('refuses rule types, unknown types and people outside the scope, storing nothing', async () => {
      const count = async () =>
        Number((await sql<{ n: string }>`SELECT count(*) AS n FROM alert`.execute(f.database.db)).rows[0]!.n);
      const before = await count();
      const rule = await as('worker1', 'POST', '/api/v1/alerts', {
        typeCode: 'vaccine_overdue',
        personId: f.ids.persons.childA1,
        observation: 'x',
      });
      expect(rule.statusCode).toBe(400);
      expect(rule.json().errors[0].field).toBe('typeCode');
      const unknown = await as('worker1', 'POST', '/api/v1/alerts', {
        typeCode: 'no_such_type',
        personId: f.ids.persons.childA1,
        observation: 'x',
      });
      expect(unknown.json().errors[0].field).toBe('typeCode');
      const outside = await as('worker1', 'POST', '/api/v1/alerts', {
        typeCode: 'sick_child',
        personId: f.ids.persons.childC,
        observation: 'x',
      });
      expect(outside.statusCode).toBe(404);
      const nobody = await as('worker1', 'POST', '/api/v1/alerts', {
        typeCode: 'sick_child',
        observation: 'x',
      });
      expect(nobody.statusCode).toBe(400);
      expect(nobody.json().errors[0].field).toBe('personId');
      const notPng = await as('worker1', 'POST', '/api/v1/alerts', {
        typeCode: 'sick_child',
        personId: f.ids.persons.childA1,
        observation: 'Foto',
        attachment: {
          fileName: 'foto.png',
          contentType: 'image/png',
          dataBase64: Buffer.from('hola').toString('base64'),
        },
      });
      expect(notPng.statusCode).toBe(400);
      expect(notPng.json().errors[0].field).toBe('attachment.contentType');
      expect(await count()).toBe(before);
    });

    it('stores an attachment and gives it back to those who may see the alert', async () => {
      const alert = await raise('worker1', {
        typeCode: 'sick_child',
        personId: f.ids.persons.childA1,
        observation: 'Erupción en la piel',
        attachment: { fileName: 'piel.png', contentType: 'image/png', dataBase64: PNG },
      });
      const detail = (await as('worker1', 'GET', `/api/v1/alerts/${alert.id}`)).json();
      expect(detail.attachments).toHaveLength(1);
      const file = await as(
        'coord_north',
        'GET',
        `/api/v1/alerts/${alert.id}/attachments/${detail.attachments[0].id}`,
      );
      expect(file.statusCode).toBe(200);
      expect(file.headers['content-type']).toBe('image/png');
      expect(file.rawPayload.equals(Buffer.from(PNG, 'base64'))).toBe(true);
      expect(
        (await as('worker3', 'GET', `/api/v1/alerts/${alert.id}/attachments/${detail.attachments[0].id}`))
          .statusCode,
      ).toBe(404);
    });
  });

  describe('sensitive alerts', () => {
    it('shows only "restricted" to those without the right, and everything to the receiving institution', async () => {
      const alert = await raise('worker1', {
        typeCode: 'violence_signs',
        householdId: f.ids.households.hA1,
        observation: 'Moretones en la madre; el niño dice que el padre le pega',
      });
      for (const user of ['worker1', 'coord_north', 'agent_a'] as const) {
        const seen = (await as(user, 'GET', `/api/v1/alerts/${alert.id}`)).json();
        expect(seen, user).toMatchObject({
          restricted: true,
          typeCode: null,
          observation: null,
          personName: null,
          events: [],
        });
        const list = (await as(user, 'GET', '/api/v1/alerts?open=true&limit=200')).json();
        const line = list.items.find((i: { id: string }) => i.id === alert.id);
        expect(line, user).toMatchObject({ restricted: true, typeCode: null, householdId: null });
      }
      // A filter that would tell what the restricted line hides finds nothing.
      for (const query of [
        'type=violence_signs',
        `institution=${f.ids.cem}`,
        'severity=critical&open=true',
      ]) {
        const found = (
          await as('worker1', 'GET', `/api/v1/alerts?household=${f.ids.households.hA1}&${query}`)
        ).json();
        expect(
          found.items.some((i: { id: string }) => i.id === alert.id),
          query,
        ).toBe(false);
      }
      // The raiser's answer was restricted too: it carries no version.
      expect(alert.version).toBe(0);
      const denied = await as('coord_north', 'POST', `/api/v1/alerts/${alert.id}/refer`, {
        version: 1,
        institutionId: f.ids.cem,
      });
      expect(denied.statusCode).toBe(403);
      const admin = (await as('admin', 'GET', `/api/v1/alerts/${alert.id}`)).json();
      expect(admin).toMatchObject({ restricted: false, typeCode: 'violence_signs' });
      expect(admin.observation).toContain('Moretones');
      const referred = await as('admin', 'POST', `/api/v1/alerts/${alert.id}/refer`, {
        version: admin.version,
        institutionId: f.ids.cem,
      });
      expect(referred.statusCode, referred.body).toBe(200);
      const cem = (await as('agent_cem', 'GET', '/api/v1/inbox')).json();
      const received = cem.items.find((i: { id: string }) => i.id === alert.id);
      expect(received).toMatchObject({ restricted: false, typeCode: 'violence_signs' });
      expect((await as('agent_cem', 'GET', `/api/v1/alerts/${alert.id}`)).json().allowedActions).toEqual([
        'accept',
        'reject',
      ]);
    });
  });

  describe('boards and scope', () => {
    it('shows each role the alerts of its scope only, nearest deadline first', async () => {
      const all = await f.database.db
        .selectFrom('alert')
        .select(['id', 'household_id', 'stage_due_at'])
        .execute();
      const visible: Record<string, string[]> = {
        worker1: [f.ids.households.hA1, f.ids.households.hA2],
        worker3: [f.ids.households.hC],
        coord_district_c: [f.ids.households.hC],
        coord_north: [f.ids.households.hA1, f.ids.households.hA2, f.ids.households.hB],
      };
      for (const [user, households] of Object.entries(visible)) {
        const res = await as(user as FixtureUser, 'GET', '/api/v1/alerts?limit=200');
        expect(res.statusCode, res.body).toBe(200);
        const ids = res
          .json()
          .items.map((i: { id: string }) => i.id)
          .sort();
        expect(ids, user).toEqual(
          all
            .filter((a) => households.includes(a.household_id))
            .map((a) => a.id)
            .sort(),
        );
      }
      const open = (await as('coord_region', 'GET', '/api/v1/alerts?open=true&limit=200')).json()
        .items as Array<{
        stageDueAt: string | null;
      }>;
      const dues = open.map((i) => i.stageDueAt ?? '9999');
      expect(dues).toEqual([...dues].sort());
      expect((await as('auditor', 'GET', '/api/v1/alerts')).statusCode).toBe(403);
      expect((await as('coord_north', 'GET', '/api/v1/inbox')).statusCode).toBe(403);
    });

    it('pages with a cursor without gaps or repeats', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = (
          await as('coord_region', 'GET', `/api/v1/alerts?limit=3${cursor ? `&cursor=${cursor}` : ''}`)
        ).json() as { items: Array<{ id: string }>; nextCursor: string | null };
        seen.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor;
      } while (cursor);
      const all = (await as('coord_region', 'GET', '/api/v1/alerts?limit=200'))
        .json()
        .items.map((i: { id: string }) => i.id);
      expect(seen).toEqual(all);
    });

    it('moves open alerts with their household when it is reassigned', async () => {
      const household = (await as('admin', 'GET', `/api/v1/households/${f.ids.households.hA2}`)).json();
      const moved = await f.app.inject({
        method: 'PATCH',
        url: `/api/v1/households/${f.ids.households.hA2}`,
        headers: { cookie: await f.login('admin') },
        payload: { version: household.version, fieldWorkerId: f.ids.users.worker2 },
      });
      expect(moved.statusCode, moved.body).toBe(200);
      const open = await f.database.db
        .selectFrom('alert')
        .select('field_worker_id')
        .where('household_id', '=', f.ids.households.hA2)
        .where('stage', 'not in', ['closed', 'cancelled'])
        .execute();
      expect(open.length).toBeGreaterThan(0);
      for (const a of open) expect(a.field_worker_id).toBe(f.ids.users.worker2);
    });

    it('records who read an alert in the audit trail', async () => {
      const alert = await f.database.db.selectFrom('alert').select('id').limit(1).executeTakeFirstOrThrow();
      await as('coord_region', 'GET', `/api/v1/alerts/${alert.id}`);
      const entries = await f.database.db
        .selectFrom('audit_log')
        .select(['action', 'actor_name'])
        .where('entity_id', '=', alert.id)
        .where('action', '=', 'alert.read')
        .execute();
      expect(entries.map((e) => e.actor_name)).toContain('coord_region');
    });
  });

  describe('the funnel', () => {
    it('counts each stage reached and times each step, matching the alerts behind it', async () => {
      // The alert jobs rebuild the monthly sums every round; here, once.
      await refreshFunnel(f.database.db);
      const res = await as('coord_region', 'GET', '/api/v1/alerts/funnel?territory=05&groupBy=type');
      expect(res.statusCode, res.body).toBe(200);
      const funnel = res.json();
      // A coordinator's funnel counts the alerts whose details they may see: not the sensitive ones.
      const all = await f.database.db.selectFrom('alert').selectAll().execute();
      const rows = all.filter((r) => !r.sensitive);
      expect(rows.length).toBeLessThan(all.length);
      const admin = (await as('admin', 'GET', '/api/v1/alerts/funnel')).json();
      expect(admin.counts.identified).toBe(all.length);
      expect(funnel.counts).toMatchObject({
        identified: rows.length,
        referred: rows.filter((r) => r.referred_at).length,
        accepted: rows.filter((r) => r.accepted_at).length,
        attended: rows.filter((r) => r.attended_at).length,
        closed: rows.filter((r) => r.outcome === 'verified').length,
        resolvedByEvidence: rows.filter((r) => r.outcome === 'resolved_by_evidence').length,
      });
      expect(funnel.times[0]).toMatchObject({
        from: 'identified',
        to: 'referred',
        n: funnel.counts.referred,
      });
      expect(funnel.times[0].medianHours).toBeGreaterThanOrEqual(0);
      const byType = Object.fromEntries(
        funnel.rows.map((r: { key: string; counts: { identified: number } }) => [r.key, r.counts.identified]),
      );
      expect(byType.sick_child).toBe(rows.filter((r) => r.type_code === 'sick_child').length);
      // The list behind a number has that many alerts.
      const behind = (await as('coord_region', 'GET', '/api/v1/alerts?reached=referred&limit=200')).json();
      expect(behind.items).toHaveLength(funnel.counts.referred);
      const resolved = (
        await as('coord_region', 'GET', '/api/v1/alerts?outcome=resolved_by_evidence&limit=200')
      ).json();
      expect(resolved.items).toHaveLength(funnel.counts.resolvedByEvidence);
      // A period counts the alerts raised in it, whole months from the monthly sums, edges from the alerts.
      const today = todayInPeru();
      const sinceToday = (
        await as('coord_region', 'GET', `/api/v1/alerts/funnel?territory=05&from=${today}`)
      ).json();
      expect(sinceToday.counts.identified).toBe(rows.length);
      const monthStart = `${today.slice(0, 7)}-01`;
      const sinceMonth = (
        await as('coord_region', 'GET', `/api/v1/alerts/funnel?territory=05&from=${monthStart}`)
      ).json();
      expect(sinceMonth.counts).toEqual(funnel.counts);
      const tomorrow = new Date(Date.parse(`${today}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      const future = (
        await as('coord_region', 'GET', `/api/v1/alerts/funnel?territory=05&from=${tomorrow}`)
      ).json();
      expect(future.counts.identified).toBe(0);
      // A change shows once the jobs have rebuilt its month.
      const extra = await raise('coord_region', {
        typeCode: 'sick_child',
        personId: f.ids.persons.childA1,
        observation: 'Otra fiebre',
      });
      const stale = (await as('coord_region', 'GET', '/api/v1/alerts/funnel?territory=05')).json();
      expect(stale.counts.identified).toBe(funnel.counts.identified);
      expect(await refreshFunnel(f.database.db)).toBe(1);
      const after = (await as('coord_region', 'GET', '/api/v1/alerts/funnel?territory=05')).json();
      expect(after.counts.identified).toBe(funnel.counts.identified + 1);
      expect(after.counts.open).toBe(funnel.counts.open + 1);
      expect(extra.stage).toBe('identified');
      expect((await as('worker1', 'GET', '/api/v1/alerts/funnel')).statusCode).toBe(403);
      expect((await as('coord_district_c', 'GET', '/api/v1/alerts/funnel?territory=0501')).statusCode).toBe(
        404,
      );
    });
  });
});
