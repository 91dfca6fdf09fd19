import { testEngine } from '@tejido/db/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture, type FixtureUser } from '../../testing/fixture';
import { loadAlertTypes } from '../alerts/types';
import { checkDeadlines } from './deadlines';
import { dispatchEvents } from './dispatch';
import { insertAlert } from './testing';

const HOUR = 3_600_000;

describe(`deadlines: reminders and escalations, on ${testEngine}`, () => {
  let f: Fixture;
  let names: Map<string, FixtureUser>;
  const types = loadAlertTypes();
  beforeAll(async () => {
    f = await createFixture();
    names = new Map(Object.entries(f.ids.users).map(([k, v]) => [v, k as FixtureUser]));
  });
  afterAll(async () => {
    await f?.close();
  });
  const db = () => f.database.db;
  // Each test's alerts end with it: the next test's clock would find them overdue.
  afterEach(async () => {
    await db()
      .updateTable('alert')
      .set({ stage: 'cancelled', stage_due_at: null, ended_at: new Date() })
      .where('stage', 'not in', ['closed', 'cancelled'])
      .execute();
  });
  const check = (now: Date, batch?: number) =>
    checkDeadlines(db(), now, types, { engine: f.database.engine, ...(batch ? { batch } : {}) });

  const alertRow = (id: string) =>
    db()
      .selectFrom('alert')
      .select(['stage_due_at', 'escalation_level', 'reminded', 'version'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  const lastEvent = (id: string) =>
    db()
      .selectFrom('alert_event')
      .selectAll()
      .where('alert_id', '=', id)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
  async function recipients(seq: number) {
    const rows = await db()
      .selectFrom('notification')
      .select(['user_id', 'subject'])
      .where('event_seq', '=', seq)
      .where('channel', '=', 'in_app')
      .execute();
    return rows.map((r) => names.get(r.user_id!)!).sort();
  }
  const dispatch = () =>
    dispatchEvents(db(), { channels: { email: false, sms: false, whatsapp: false }, gapGraceMs: 0, types });

  it('reminds once before the deadline, then escalates district → province → region, with a new deadline each time', async () => {
    expect(types.reminderHours).toBe(24);
    // vaccine_overdue: 48 h for the institution to accept.
    const t0 = new Date('2026-03-02T15:00:00Z');
    const id = await insertAlert(db(), f, {
      household: 'hC',
      person: 'childC',
      type: 'vaccine_overdue',
      stage: 'referred',
      institutionId: f.ids.facilityC,
      dueAt: new Date(t0.getTime() + 48 * HOUR),
    });
    const at = (hours: number) => new Date(t0.getTime() + hours * HOUR);

    expect(await check(at(23))).toEqual({ reminded: 0, escalated: 0 });

    expect(await check(at(25))).toEqual({ reminded: 1, escalated: 0 });
    expect(await alertRow(id)).toMatchObject({ reminded: true, escalation_level: 0, version: 1 });
    const remind = await lastEvent(id);
    expect(remind).toMatchObject({
      action: 'remind',
      from_stage: 'referred',
      to_stage: 'referred',
      actor_kind: 'system',
      actor_name: 'tejido',
      institution_id: f.ids.facilityC,
      detail: { deadline: 'accept', dueAt: '2026-03-04T15:00:00.000Z' },
    });
    // Once per deadline.
    expect(await check(at(30))).toEqual({ reminded: 0, escalated: 0 });
    await dispatch();
    expect(await recipients(Number(remind.seq))).toEqual(['agent_c']);

    expect(await check(at(49))).toEqual({ reminded: 0, escalated: 1 });
    // The next deadline runs from the check that found the missed one (an hour late here).
    expect(await alertRow(id)).toMatchObject({
      escalation_level: 1,
      reminded: false,
      version: 1,
      stage_due_at: at(97),
    });
    const first = await lastEvent(id);
    expect(first).toMatchObject({
      action: 'escalate',
      from_stage: 'referred',
      to_stage: 'referred',
      detail: {
        level: 1,
        deadline: 'accept',
        dueAt: '2026-03-04T15:00:00.000Z',
        nextDueAt: '2026-03-06T16:00:00.000Z',
      },
    });
    await dispatch();
    expect(await recipients(Number(first.seq))).toEqual(['coord_district_c']);

    // A reminder before the new deadline, then the next level up.
    expect(await check(at(73))).toEqual({ reminded: 1, escalated: 0 });
    expect(await check(at(97))).toEqual({ reminded: 0, escalated: 1 });
    const second = await lastEvent(id);
    expect(second.detail).toMatchObject({ level: 2, dueAt: '2026-03-06T16:00:00.000Z' });
    expect(await alertRow(id)).toMatchObject({ escalation_level: 2, stage_due_at: at(145), version: 1 });
    await dispatch();
    // Province 0502 has no coordinator: the region's is told.
    expect(await recipients(Number(second.seq))).toEqual(['coord_region']);
    const events = await db()
      .selectFrom('alert_event')
      .select('action')
      .where('alert_id', '=', id)
      .orderBy('seq')
      .execute();
    expect(events.map((e) => e.action)).toEqual(['remind', 'escalate', 'remind', 'escalate']);
  });

  it('escalates an alert once per run even when it is long overdue, stops at the national level, and leaves ended alerts alone', async () => {
    const now = new Date('2026-05-01T12:00:00Z');
    const overdue = await insertAlert(db(), f, {
      household: 'hA1',
      type: 'sick_child',
      stage: 'identified',
      dueAt: new Date(now.getTime() - 30 * 24 * HOUR),
    });
    const national = await insertAlert(db(), f, {
      household: 'hA1',
      type: 'sick_child',
      stage: 'identified',
      dueAt: new Date(now.getTime() - HOUR),
    });
    await db().updateTable('alert').set({ escalation_level: 4 }).where('id', '=', national).execute();
    const ended = await insertAlert(db(), f, {
      household: 'hA1',
      type: 'sick_child',
      stage: 'cancelled',
      dueAt: null,
    });
    const r = await check(now, 1);
    expect(r.escalated).toBe(1);
    const row = await alertRow(overdue);
    // sick_child: 12 h to refer, from now: jobs that were down do not climb a level per round.
    expect(row).toMatchObject({
      escalation_level: 1,
      stage_due_at: new Date(now.getTime() + 12 * HOUR),
    });
    expect((await lastEvent(overdue)).detail).toMatchObject({ level: 1, deadline: 'refer' });
    expect(await alertRow(national)).toMatchObject({ escalation_level: 4, version: 1 });
    expect(await alertRow(ended)).toMatchObject({ escalation_level: 0, version: 1 });
    await dispatch();
    // Level 1 of district 050101, which has no coordinator of its own: the province's.
    expect(await recipients(Number((await lastEvent(overdue)).seq))).toEqual(['coord_north']);
  });

  it('works through more alerts than one batch', async () => {
    const now = new Date('2026-06-01T12:00:00Z');
    const ids = [];
    for (let i = 0; i < 5; i += 1) {
      ids.push(
        await insertAlert(db(), f, {
          household: 'hB',
          type: 'vaccine_overdue',
          stage: 'identified',
          dueAt: new Date(now.getTime() + (i + 1) * HOUR),
        }),
      );
    }
    expect(await check(now, 2)).toEqual({ reminded: 5, escalated: 0 });
    const rows = await db().selectFrom('alert').select('reminded').where('id', 'in', ids).execute();
    expect(rows.every((r) => r.reminded)).toBe(true);
    const reminders = await db()
      .selectFrom('alert_event')
      .select(['alert_id', 'detail'])
      .where('alert_id', 'in', ids)
      .orderBy('seq')
      .execute();
    // In deadline order, the refer deadline of identified alerts.
    expect(reminders.map((r) => r.alert_id)).toEqual(ids);
    expect(reminders.every((r) => (r.detail as { deadline: string }).deadline === 'refer')).toBe(true);
  });
});
