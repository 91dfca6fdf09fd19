import { uuidv7 } from '@tejido/core';
import { testEngine } from '@tejido/db/testing';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFixture, type Fixture, type FixtureUser } from '../../testing/fixture';
import { dispatchEvents } from './dispatch';
import { insertAlert, insertEvent } from './testing';

const NO_EXTERNAL = { email: false, sms: false, whatsapp: false };

describe(`dispatching alert events to people and institutions, on ${testEngine}`, () => {
  let f: Fixture;
  let names: Map<string, FixtureUser>;
  let subscriptionA: string;

  beforeAll(async () => {
    f = await createFixture();
    names = new Map(Object.entries(f.ids.users).map(([k, v]) => [v, k as FixtureUser]));
    subscriptionA = uuidv7();
    await f.database.db
      .insertInto('webhook_subscription')
      .values([
        {
          id: subscriptionA,
          institution_id: f.ids.facilityA,
          url: 'http://127.0.0.1:9/hook',
          secret: 'whsec_test',
          events: [
            'referral.received',
            'referral.cancelled',
            'referral.reminder',
            'referral.escalated',
            'referral.closed',
          ],
          created_by: null,
        },
        {
          // Only some events: the others are not delivered to it.
          id: uuidv7(),
          institution_id: f.ids.facilityA,
          url: 'http://127.0.0.1:9/other',
          secret: 'whsec_other',
          events: ['referral.closed'],
          created_by: null,
        },
      ])
      .execute();
  });
  afterAll(async () => {
    await f?.close();
  });

  beforeEach(async () => {
    // Each test dispatches only its own events.
    await dispatchEvents(f.database.db, { channels: NO_EXTERNAL, gapGraceMs: 0 });
  });

  const db = () => f.database.db;
  const user = (u: FixtureUser) => ({ id: f.ids.users[u], name: `Usuario ${u}` });

  /** In-app notifications of one event: recipient → subject and body. */
  async function told(seq: number, channel: 'in_app' | 'email' | 'sms' = 'in_app') {
    const rows = await db()
      .selectFrom('notification')
      .select(['user_id', 'subject', 'body', 'kind', 'address'])
      .where('event_seq', '=', seq)
      .where('channel', '=', channel)
      .execute();
    return new Map(rows.map((r) => [names.get(r.user_id!)!, r]));
  }
  async function hooks(seq: number) {
    return db()
      .selectFrom('webhook_delivery')
      .select(['subscription_id', 'event', 'payload'])
      .where('event_seq', '=', seq)
      .execute();
  }

  it('tells the receiving institution of a referral, in-app and by webhook with what it needs', async () => {
    const alert = await insertAlert(db(), f, {
      household: 'hA1',
      person: 'childA1',
      type: 'sick_child',
      stage: 'referred',
      institutionId: f.ids.facilityA,
    });
    const seq = await insertEvent(db(), alert, {
      action: 'refer',
      from: 'identified',
      to: 'referred',
      institutionId: f.ids.facilityA,
      actor: user('coord_north'),
    });
    const r = await dispatchEvents(db(), { channels: NO_EXTERNAL, gapGraceMs: 0 });
    expect(r).toMatchObject({ events: 1, notifications: 1, deliveries: 1, cursor: seq });
    const to = await told(seq);
    expect([...to.keys()]).toEqual(['agent_a']);
    expect(to.get('agent_a')!.subject).toBe('Nueva derivación: Niño o niña enferma');
    expect(to.get('agent_a')!.body).toContain('Illari Huamán Quispe (hogar HH-000001, Distrito A)');
    expect(to.get('agent_a')!.body).toMatch(/Plazo: \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}\./);
    const [delivery, ...more] = await hooks(seq);
    expect(more).toEqual([]);
    expect(delivery!.subscription_id).toBe(subscriptionA);
    expect(delivery!.event).toBe('referral.received');
    expect(delivery!.payload).toMatchObject({
      event: 'referral.received',
      sequence: seq,
      alert: {
        id: alert,
        typeCode: 'sick_child',
        stage: 'referred',
        institutionId: f.ids.facilityA,
        person: { givenNames: 'Illari', firstSurname: 'Huamán', documentNumber: '81234567' },
        household: { code: 'HH-000001', address: 'Jr. Prueba 1', territoryCode: '050101' },
      },
      institution: { id: f.ids.facilityA, name: 'Puesto de Salud A' },
    });
  });

  it("sends a rejection back to the field worker and the district's coordinators (the province's when the district has none)", async () => {
    const inA = await insertAlert(db(), f, {
      household: 'hA1',
      stage: 'rejected',
      institutionId: f.ids.facilityA,
    });
    const seqA = await insertEvent(db(), inA, {
      action: 'reject',
      from: 'referred',
      to: 'rejected',
      institutionId: f.ids.facilityA,
      actor: user('agent_a'),
      reason: 'Fuera de nuestra jurisdicción',
    });
    const inC = await insertAlert(db(), f, {
      household: 'hC',
      stage: 'rejected',
      institutionId: f.ids.facilityC,
    });
    const seqC = await insertEvent(db(), inC, {
      action: 'reject',
      from: 'referred',
      to: 'rejected',
      institutionId: f.ids.facilityC,
      actor: user('agent_c'),
    });
    await dispatchEvents(db(), { channels: NO_EXTERNAL, gapGraceMs: 0 });
    const a = await told(seqA);
    expect([...a.keys()].sort()).toEqual(['coord_north', 'worker1']);
    expect(a.get('worker1')!.subject).toBe('Derivación rechazada: derivar de nuevo');
    expect(a.get('worker1')!.body).toContain('Puesto de Salud A rechazó');
    expect(a.get('worker1')!.body).toContain('Motivo: Fuera de nuestra jurisdicción.');
    expect([...(await told(seqC)).keys()].sort()).toEqual(['coord_district_c', 'worker3']);
    // No webhook for a rejection: the institution did it.
    expect(await hooks(seqA)).toEqual([]);
  });

  it('asks the field worker and coordinators to verify an attended alert', async () => {
    const alert = await insertAlert(db(), f, {
      household: 'hC',
      stage: 'attended',
      institutionId: f.ids.facilityC,
    });
    const seq = await insertEvent(db(), alert, {
      action: 'attend',
      from: 'accepted',
      to: 'attended',
      institutionId: f.ids.facilityC,
      actor: user('agent_c'),
    });
    await dispatchEvents(db(), { channels: NO_EXTERNAL, gapGraceMs: 0 });
    const to = await told(seq);
    expect([...to.keys()].sort()).toEqual(['coord_district_c', 'worker3']);
    expect(to.get('coord_district_c')!.subject).toBe('Alerta atendida: verificar y cerrar');
  });

  it('tells coordinators of a raised alert, but not the person who raised it', async () => {
    const alert = await insertAlert(db(), f, { household: 'hA2' });
    const seq = await insertEvent(db(), alert, { action: 'raise', to: 'identified', actor: user('worker1') });
    await dispatchEvents(db(), { channels: NO_EXTERNAL, gapGraceMs: 0 });
    const to = await told(seq);
    expect([...to.keys()]).toEqual(['coord_north']);
    expect(to.get('coord_north')!.body).toContain('Usuario worker1 registró la alerta «Niño o niña enferma»');
  });

  it('escalates level by level: district, province, region, national; a level with nobody passes up', async () => {
    const alert = await insertAlert(db(), f, {
      household: 'hC',
      stage: 'referred',
      institutionId: f.ids.facilityC,
    });
    const seqs: number[] = [];
    for (const level of [1, 2, 3, 4]) {
      seqs.push(
        await insertEvent(db(), alert, {
          action: 'escalate',
          from: 'referred',
          to: 'referred',
          institutionId: f.ids.facilityC,
          detail: { level, deadline: 'accept', dueAt: '2026-03-05T19:05:00.000Z' },
        }),
      );
    }
    await dispatchEvents(db(), { channels: NO_EXTERNAL, gapGraceMs: 0 });
    const recipients = await Promise.all(seqs.map(async (s) => [...(await told(s)).keys()].sort()));
    // 050201 has its coordinator; province 0502 has none, so level 2 reaches the region.
    expect(recipients).toEqual([['coord_district_c'], ['coord_region'], ['coord_region'], ['admin']]);
    const first = (await told(seqs[0]!)).get('coord_district_c')!;
    expect(first.subject).toBe('Alerta escalada: Niño o niña enferma');
    expect(first.body).toContain('Venció el plazo para aceptar');
    expect(first.body).toContain('el 05/03/2026 14:05. Se escaló al nivel distrital.');
  });

  it('reminds the institution of its deadlines and the field side of the deadline to refer', async () => {
    const withInstitution = await insertAlert(db(), f, {
      household: 'hA1',
      stage: 'accepted',
      institutionId: f.ids.facilityA,
    });
    const seqAttend = await insertEvent(db(), withInstitution, {
      action: 'remind',
      from: 'accepted',
      to: 'accepted',
      institutionId: f.ids.facilityA,
      detail: { deadline: 'attend', dueAt: '2026-03-05T19:05:00.000Z' },
    });
    const toRefer = await insertAlert(db(), f, { household: 'hB' });
    const seqRefer = await insertEvent(db(), toRefer, {
      action: 'remind',
      from: 'identified',
      to: 'identified',
      detail: { deadline: 'refer', dueAt: '2026-03-05T19:05:00.000Z' },
    });
    await dispatchEvents(db(), { channels: NO_EXTERNAL, gapGraceMs: 0 });
    const attend = await told(seqAttend);
    expect([...attend.keys()]).toEqual(['agent_a']);
    expect(attend.get('agent_a')!.subject).toBe(
      'Recordatorio: el plazo para atender vence el 05/03/2026 14:05',
    );
    expect((await hooks(seqAttend)).map((h) => h.event)).toEqual(['referral.reminder']);
    const refer = await told(seqRefer);
    expect([...refer.keys()].sort()).toEqual(['coord_north', 'worker2']);
    expect(refer.get('worker2')!.subject).toBe(
      'Recordatorio: el plazo para derivar vence el 05/03/2026 14:05',
    );
    expect(await hooks(seqRefer)).toEqual([]);
  });

  it('tells the institution of a cancelled referral, and nobody of a cancelled alert never referred', async () => {
    const referred = await insertAlert(db(), f, {
      household: 'hA1',
      stage: 'cancelled',
      institutionId: f.ids.facilityA,
      dueAt: null,
    });
    const seq = await insertEvent(db(), referred, {
      action: 'cancel',
      from: 'referred',
      to: 'cancelled',
      institutionId: f.ids.facilityA,
      actor: user('coord_north'),
      reason: 'Duplicada',
    });
    const never = await insertAlert(db(), f, { household: 'hA1', stage: 'cancelled', dueAt: null });
    const quiet = await insertEvent(db(), never, {
      action: 'cancel',
      from: 'identified',
      to: 'cancelled',
      actor: user('coord_north'),
    });
    await dispatchEvents(db(), { channels: NO_EXTERNAL, gapGraceMs: 0 });
    expect([...(await told(seq)).keys()]).toEqual(['agent_a']);
    expect((await hooks(seq)).map((h) => h.event)).toEqual(['referral.cancelled']);
    expect((await told(quiet)).size).toBe(0);
    expect(await hooks(quiet)).toEqual([]);
  });

  it('closes the loop: webhook referral.closed to every subscriber of it, in-app to the field worker only', async () => {
    const alert = await insertAlert(db(), f, {
      household: 'hA1',
      stage: 'closed',
      institutionId: f.ids.facilityA,
      dueAt: null,
    });
    const seq = await insertEvent(db(), alert, {
      action: 'verify',
      from: 'attended',
      to: 'closed',
      actor: user('coord_north'),
    });
    await dispatchEvents(db(), { channels: { email: true, sms: true, whatsapp: false }, gapGraceMs: 0 });
    expect([...(await told(seq)).keys()]).toEqual(['worker1']);
    expect((await told(seq, 'email')).size).toBe(0);
    expect((await hooks(seq)).map((h) => h.event)).toEqual(['referral.closed', 'referral.closed']);
  });

  it('says "Alerta reservada" of a sensitive alert to all but the receiving institution and the roles allowed', async () => {
    const alert = await insertAlert(db(), f, {
      household: 'hA1',
      person: 'headA1',
      type: 'violence_signs',
      sensitive: true,
      stage: 'referred',
      institutionId: f.ids.cem,
    });
    const refer = await insertEvent(db(), alert, {
      action: 'refer',
      from: 'identified',
      to: 'referred',
      institutionId: f.ids.cem,
      actor: user('coord_north'),
    });
    const reject = await insertEvent(db(), alert, {
      action: 'reject',
      from: 'referred',
      to: 'rejected',
      institutionId: f.ids.cem,
      actor: user('agent_cem'),
      reason: 'La señora Juana no vive ahí',
    });
    const national = await insertEvent(db(), alert, {
      action: 'escalate',
      from: 'rejected',
      to: 'rejected',
      detail: { level: 4, deadline: 'refer', dueAt: '2026-03-05T19:05:00.000Z' },
    });
    await db()
      .updateTable('app_user')
      .set({ email: 'cem@example.org' })
      .where('id', '=', f.ids.users.agent_cem)
      .execute();
    await dispatchEvents(db(), { channels: { email: true, sms: false, whatsapp: false }, gapGraceMs: 0 });

    const agent = (await told(refer)).get('agent_cem')!;
    expect(agent.subject).toBe('Nueva derivación: Señales de violencia');
    expect(agent.body).toContain('Juana Quispe Mamani');
    // By e-mail even the receiving institution gets the reserved wording.
    const mail = (await told(refer, 'email')).get('agent_cem')!;
    expect(mail.address).toBe('cem@example.org');
    expect(mail.subject).toBe('Alerta reservada');

    const rejected = await told(reject);
    expect([...rejected.keys()].sort()).toEqual(['coord_north', 'worker1']);
    for (const m of rejected.values()) {
      expect(m.subject).toBe('Alerta reservada');
      const text = `${m.subject} ${m.body}`;
      for (const secret of ['violencia', 'Juana', 'Quispe', 'HH-000001', 'CEM', 'no vive'])
        expect(text).not.toContain(secret);
      expect(m.body).toContain('rechazada: derivar de nuevo');
    }
    // Programme staff may see sensitive alerts whole.
    const admin = (await told(national)).get('admin')!;
    expect(admin.subject).toBe('Alerta escalada: Señales de violencia');
    expect(admin.body).toContain('Juana Quispe Mamani');
    // No webhook for an escalation of an alert the institution no longer holds.
    expect(await hooks(national)).toEqual([]);
  });

  it("writes in each reader's language, and by e-mail and SMS when they have an address and the channel is on", async () => {
    await db()
      .updateTable('app_user')
      .set({ locale: 'en', email: 'north@example.org', phone: '+51987654321' })
      .where('id', '=', f.ids.users.coord_north)
      .execute();
    await db()
      .updateTable('app_user')
      .set({ phone: '+51911111111' })
      .where('id', '=', f.ids.users.worker1)
      .execute();
    try {
      const alert = await insertAlert(db(), f, {
        household: 'hA1',
        person: 'childA1',
        stage: 'rejected',
        institutionId: f.ids.facilityA,
      });
      const seq = await insertEvent(db(), alert, {
        action: 'reject',
        from: 'referred',
        to: 'rejected',
        institutionId: f.ids.facilityA,
        actor: user('agent_a'),
        reason: 'Sin cupo',
      });
      await dispatchEvents(db(), { channels: { email: true, sms: true, whatsapp: false }, gapGraceMs: 0 });
      const inApp = await told(seq);
      expect(inApp.get('coord_north')!.subject).toBe('Referral rejected: refer again');
      expect(inApp.get('coord_north')!.body).toContain(
        'Illari Huamán Quispe (household HH-000001, Distrito A)',
      );
      expect(inApp.get('worker1')!.subject).toBe('Derivación rechazada: derivar de nuevo');
      const email = await told(seq, 'email');
      expect([...email.keys()]).toEqual(['coord_north']);
      expect(email.get('coord_north')!.address).toBe('north@example.org');
      // What leaves Tejido names no one and carries no free-text reason.
      expect(email.get('coord_north')!.body).not.toContain('Illari');
      expect(email.get('coord_north')!.body).not.toContain('Sin cupo');
      expect(email.get('coord_north')!.body).toContain('household HH-000001');
      const sms = await told(seq, 'sms');
      expect([...sms.keys()].sort()).toEqual(['coord_north', 'worker1']);
      expect(sms.get('worker1')!.address).toBe('+51911111111');
    } finally {
      await db()
        .updateTable('app_user')
        .set({ locale: 'es-PE', email: null, phone: null })
        .where('id', 'in', [f.ids.users.coord_north, f.ids.users.worker1])
        .execute();
    }
  });

  it('tells the case workers of its territory of a sensitive alert, in full, at each step they can take', async () => {
    const alert = await insertAlert(db(), f, {
      household: 'hC',
      person: 'motherC',
      type: 'violence_signs',
      sensitive: true,
      stage: 'rejected',
      institutionId: f.ids.cem,
    });
    const raise = await insertEvent(db(), alert, {
      action: 'raise',
      to: 'identified',
      actor: user('worker3'),
    });
    const reject = await insertEvent(db(), alert, {
      action: 'reject',
      from: 'referred',
      to: 'rejected',
      institutionId: f.ids.cem,
      actor: user('agent_cem'),
      reason: 'No corresponde',
    });
    const remind = await insertEvent(db(), alert, {
      action: 'remind',
      from: 'rejected',
      to: 'rejected',
      institutionId: f.ids.cem,
      detail: { deadline: 'refer', dueAt: '2026-03-05T19:05:00.000Z' },
    });
    const escalate = await insertEvent(db(), alert, {
      action: 'escalate',
      from: 'rejected',
      to: 'rejected',
      institutionId: f.ids.cem,
      detail: { level: 1, deadline: 'refer', dueAt: '2026-03-05T19:05:00.000Z' },
    });
    // The same steps of an alert that is not sensitive concern no case worker.
    const plain = await insertAlert(db(), f, { household: 'hC', stage: 'identified' });
    const plainRaise = await insertEvent(db(), plain, { action: 'raise', to: 'identified' });
    await dispatchEvents(db(), { channels: NO_EXTERNAL, gapGraceMs: 0 });

    const expected = {
      [raise]: ['case_south', 'coord_district_c'],
      [reject]: ['case_south', 'coord_district_c', 'worker3'],
      [remind]: ['case_south', 'coord_district_c', 'worker3'],
      [escalate]: ['case_south', 'coord_district_c'],
    };
    for (const [seq, who] of Object.entries(expected)) {
      const to = await told(Number(seq));
      expect([...to.keys()].sort(), `event ${seq}`).toEqual(who);
      // The case worker may see it whole; the coordinator is told it is reserved.
      const full = to.get('case_south')!;
      expect(full.subject).not.toBe('Alerta reservada');
      expect(`${full.subject} ${full.body}`).toContain('Señales de violencia');
      expect(to.get('coord_district_c')!.subject).toBe('Alerta reservada');
    }
    expect((await told(reject)).get('case_south')!.body).toContain('Sisa Yupanqui Ramos');
    expect([...(await told(plainRaise)).keys()].sort()).toEqual(['coord_district_c', 'worker3']);
  });

  it('tells only an institution that holds the referral that it was closed', async () => {
    const rejectedThenResolved = await insertAlert(db(), f, {
      household: 'hA1',
      stage: 'closed',
      institutionId: f.ids.facilityA,
      dueAt: null,
    });
    const afterRejection = await insertEvent(db(), rejectedThenResolved, {
      action: 'resolve',
      from: 'rejected',
      to: 'closed',
      institutionId: f.ids.facilityA,
      detail: { outcome: 'resolved_by_evidence' },
    });
    const acceptedThenResolved = await insertAlert(db(), f, {
      household: 'hA1',
      stage: 'closed',
      institutionId: f.ids.facilityA,
      dueAt: null,
    });
    const whileAccepted = await insertEvent(db(), acceptedThenResolved, {
      action: 'resolve',
      from: 'accepted',
      to: 'closed',
      institutionId: f.ids.facilityA,
      detail: { outcome: 'resolved_by_evidence' },
    });
    // Rejected by one institution after another had accepted it: whoever accepted holds it.
    const acceptedBefore = await insertAlert(db(), f, {
      household: 'hA1',
      stage: 'closed',
      institutionId: f.ids.facilityA,
      dueAt: null,
    });
    await db()
      .updateTable('alert')
      .set({ accepted_at: new Date() })
      .where('id', '=', acceptedBefore)
      .execute();
    const accepted = await insertEvent(db(), acceptedBefore, {
      action: 'resolve',
      from: 'rejected',
      to: 'closed',
      institutionId: f.ids.facilityA,
    });
    await dispatchEvents(db(), { channels: NO_EXTERNAL, gapGraceMs: 0 });
    expect(await hooks(afterRejection)).toEqual([]);
    expect([...(await told(afterRejection)).keys()]).toEqual(['worker1']);
    expect((await hooks(whileAccepted)).map((h) => h.event)).toEqual(['referral.closed', 'referral.closed']);
    expect((await hooks(accepted)).map((h) => h.event)).toEqual(['referral.closed', 'referral.closed']);
  });

  it.skipIf(testEngine !== 'postgres')(
    'waits for a transaction still writing events before an event committed after it, however old the hole',
    async () => {
      const alert = await insertAlert(db(), f, {
        household: 'hA1',
        stage: 'referred',
        institutionId: f.ids.facilityA,
      });
      const { rows } = await sql<{ name: string }>`SELECT current_database() AS name`.execute(db());
      const url = new URL(process.env.TEJIDO_TEST_DATABASE_URL!);
      url.pathname = `/${rows[0]!.name}`;
      // A long transaction (a recompute's alert sync) takes a seq and does not commit yet.
      const long = new pg.Client({ connectionString: url.toString() });
      await long.connect();
      try {
        await long.query('BEGIN');
        const held = await long.query<{ seq: string }>(
          `INSERT INTO alert_event (alert_id, action, from_stage, to_stage, institution_id, actor_kind, actor_name)
           VALUES ($1, 'refer', 'identified', 'referred', $2, 'system', 'tejido') RETURNING seq`,
          [alert, f.ids.facilityA],
        );
        const early = Number(held.rows[0]!.seq);
        // Meanwhile a short one commits a later event.
        const later = await insertEvent(db(), alert, {
          action: 'remind',
          from: 'referred',
          to: 'referred',
          institutionId: f.ids.facilityA,
          detail: { deadline: 'accept', dueAt: '2026-03-05T19:05:00.000Z' },
        });
        expect(later).toBeGreaterThan(early);
        // No grace, and a clock a day ahead: the hole is old, but its writer is still running.
        const tomorrow = () => new Date(Date.now() + 86_400_000);
        const waiting = await dispatchEvents(db(), { channels: NO_EXTERNAL, gapGraceMs: 0, now: tomorrow });
        expect(waiting.cursor).toBeLessThan(early);
        expect((await told(later)).size).toBe(0);

        await long.query('COMMIT');
        const r = await dispatchEvents(db(), { channels: NO_EXTERNAL, gapGraceMs: 0, now: tomorrow });
        expect(r.cursor).toBe(later);
        expect([...(await told(early)).keys()]).toEqual(['agent_a']);
        expect((await hooks(early)).map((h) => h.event)).toEqual(['referral.received']);
        expect([...(await told(later)).keys()]).toEqual(['agent_a']);
      } finally {
        await long.end();
      }
    },
  );

  it('skips a hole left by a rolled-back transaction once nothing can fill it', async () => {
    const alert = await insertAlert(db(), f, { household: 'hB' });
    await db()
      .transaction()
      .execute(async (trx) => {
        await insertEvent(trx, alert, { action: 'raise', to: 'identified' });
        throw new Error('rolled back');
      })
      .catch(() => {});
    const after = await insertEvent(db(), alert, {
      action: 'raise',
      to: 'identified',
      actor: user('worker2'),
    });
    const r = await dispatchEvents(db(), { channels: NO_EXTERNAL, gapGraceMs: 0 });
    expect(r.cursor).toBe(after);
    expect([...(await told(after)).keys()]).toEqual(['coord_north']);
  });

  it('writes nothing twice when a batch is dispatched again, and moves the cursor in batches', async () => {
    const alert = await insertAlert(db(), f, {
      household: 'hA1',
      stage: 'referred',
      institutionId: f.ids.facilityA,
    });
    const first = await insertEvent(db(), alert, {
      action: 'refer',
      from: 'identified',
      to: 'referred',
      institutionId: f.ids.facilityA,
      actor: user('coord_north'),
    });
    for (let i = 0; i < 4; i += 1) {
      await insertEvent(db(), alert, {
        action: 'remind',
        from: 'referred',
        to: 'referred',
        institutionId: f.ids.facilityA,
        detail: { deadline: 'accept', dueAt: '2026-03-05T19:05:00.000Z' },
      });
    }
    const r = await dispatchEvents(db(), { channels: NO_EXTERNAL, gapGraceMs: 0, batch: 2 });
    expect(r).toMatchObject({ events: 5, notifications: 5, deliveries: 5 });
    const count = async () => {
      const n = await db()
        .selectFrom('notification')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      const d = await db()
        .selectFrom('webhook_delivery')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return [Number(n.n), Number(d.n)];
    };
    const before = await count();
    // As if the cursor's move had been lost after the rows were written.
    await db()
      .updateTable('notification_cursor')
      .set({ seq: first - 1 })
      .where('name', '=', 'notifications')
      .execute();
    const again = await dispatchEvents(db(), { channels: NO_EXTERNAL, gapGraceMs: 0 });
    expect(again).toMatchObject({ events: 5, notifications: 0, deliveries: 0 });
    expect(await count()).toEqual(before);
  });
});
