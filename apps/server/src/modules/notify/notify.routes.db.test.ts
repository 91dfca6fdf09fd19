import { testEngine } from '@tejido/db/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from '../../testing/fixture';
import { systemActor } from '../access/actor';
import { dispatchEvents } from './dispatch';
import { createWebhook } from './service';
import { insertAlert, insertEvent, notifyApp } from './testing';

describe(`notification and webhook routes, on ${testEngine}`, () => {
  let f: Fixture;
  let app: FastifyInstance;
  beforeAll(async () => {
    f = await createFixture();
    app = await notifyApp(f);
  });
  afterAll(async () => {
    await app?.close();
    await f?.close();
  });
  const db = () => f.database.db;

  it("lists the signed-in person's notifications newest first, page by page, and marks them read", async () => {
    const alert = await insertAlert(db(), f, {
      household: 'hC',
      stage: 'referred',
      institutionId: f.ids.facilityC,
    });
    for (let i = 0; i < 3; i += 1) {
      await insertEvent(db(), alert, {
        action: 'remind',
        from: 'referred',
        to: 'referred',
        institutionId: f.ids.facilityC,
        detail: { deadline: 'accept', dueAt: '2026-03-05T19:05:00.000Z' },
      });
    }
    await dispatchEvents(db(), { channels: { email: false, sms: false, whatsapp: false }, gapGraceMs: 0 });
    const cookie = await f.login('agent_c');
    const first = await app.inject({
      method: 'GET',
      url: '/api/v1/notifications?limit=2',
      headers: { cookie },
    });
    expect(first.statusCode).toBe(200);
    const page1 = first.json();
    expect(page1.unread).toBe(3);
    expect(page1.items).toHaveLength(2);
    expect(page1.items[0].subject).toBe('Recordatorio: el plazo para aceptar vence el 05/03/2026 14:05');
    const second = await app.inject({
      method: 'GET',
      url: `/api/v1/notifications?limit=2&cursor=${page1.nextCursor}`,
      headers: { cookie },
    });
    const page2 = second.json();
    expect(page2.items).toHaveLength(1);
    expect(page2.nextCursor).toBeNull();
    const ids = [...page1.items, ...page2.items].map((n: { id: string }) => n.id);
    expect(new Set(ids).size).toBe(3);
    expect([...ids].sort().reverse()).toEqual(ids);

    const read = await app.inject({
      method: 'POST',
      url: `/api/v1/notifications/${ids[0]}/read`,
      headers: { cookie },
    });
    expect(read.statusCode).toBe(200);
    expect(read.json().readAt).not.toBeNull();
    const unread = await app.inject({
      method: 'GET',
      url: '/api/v1/notifications?unread=true',
      headers: { cookie },
    });
    expect(unread.json().items).toHaveLength(2);
    expect(unread.json().unread).toBe(2);
    // Someone else's notification does not exist for you.
    const other = await f.login('agent_a');
    const foreign = await app.inject({
      method: 'POST',
      url: `/api/v1/notifications/${ids[1]}/read`,
      headers: { cookie: other },
    });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.headers['content-type']).toContain('application/problem+json');
    const all = await app.inject({
      method: 'POST',
      url: '/api/v1/notifications/read-all',
      headers: { cookie },
    });
    expect(all.json()).toEqual({ updated: 2 });
    const audit = await db()
      .selectFrom('audit_log')
      .select('action')
      .where('actor_id', '=', f.ids.users.agent_c)
      .where('action', 'like', 'notification.%')
      .execute();
    expect(audit.map((a) => a.action).sort()).toEqual([
      'notification.list',
      'notification.list',
      'notification.list',
      'notification.read',
      'notification.read_all',
    ]);
    const bad = await app.inject({
      method: 'GET',
      url: '/api/v1/notifications?cursor=%25%25',
      headers: { cookie },
    });
    expect(bad.statusCode).toBe(400);
  });

  it('lets an institution agent subscribe their own institution, shows the secret once, and keeps others out', async () => {
    const agent = await f.login('agent_a');
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers: { cookie: agent },
      payload: { url: 'https://his.example.org/tejido', events: ['referral.received', 'referral.cancelled'] },
    });
    expect(created.statusCode).toBe(201);
    const hook = created.json();
    expect(hook).toMatchObject({
      institutionId: f.ids.facilityA,
      active: true,
      events: ['referral.received', 'referral.cancelled'],
    });
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const listed = await app.inject({ method: 'GET', url: '/api/v1/webhooks', headers: { cookie: agent } });
    expect(listed.json()).toHaveLength(1);
    expect(listed.json()[0].secret).toBeUndefined();

    const elsewhere = await app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers: { cookie: agent },
      payload: {
        url: 'https://x.example.org/',
        events: ['referral.received'],
        institutionId: f.ids.facilityC,
      },
    });
    expect(elsewhere.statusCode).toBe(403);
    const coordinator = await f.login('coord_region');
    const refused = await app.inject({
      method: 'GET',
      url: '/api/v1/webhooks',
      headers: { cookie: coordinator },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('FORBIDDEN');
    const invalid = await app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers: { cookie: agent },
      payload: { url: 'ftp://x.example.org/', events: ['referral.unknown'] },
    });
    expect(invalid.statusCode).toBe(400);
    expect(
      invalid
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(['events.0', 'url']);
    // Another institution's agent does not see it, nor its deliveries.
    const otherAgent = await f.login('agent_c');
    const hidden = await app.inject({
      method: 'GET',
      url: `/api/v1/webhooks/${hook.id}/deliveries`,
      headers: { cookie: otherAgent },
    });
    expect(hidden.statusCode).toBe(404);
  });

  it('refuses webhook URLs on localhost and loopback, private, link-local or unspecified addresses', async () => {
    const agent = await f.login('agent_c');
    for (const url of [
      'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
      'http://localhost:8080/admin',
      'http://127.0.0.1:5432/',
      'http://10.0.0.5/hook',
      'http://172.16.0.5/hook',
      'http://192.168.1.5/hook',
      'http://0.0.0.0/hook',
      'http://[::1]/hook',
      'http://[fd00::5]/hook',
      'http://[fe80::5]/hook',
      'http://[::ffff:127.0.0.1]/hook',
    ]) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/webhooks',
        headers: { cookie: agent },
        payload: { url, events: ['referral.received'] },
      });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().errors.map((e: { field: string }) => e.field)).toEqual(['url']);
    }
    const none = await db()
      .selectFrom('webhook_subscription')
      .select('id')
      .where('institution_id', '=', f.ids.facilityC)
      .execute();
    expect(none).toEqual([]);
    // Allowed for a receiver inside the programme's own network (TEJIDO_WEBHOOK_ALLOW_PRIVATE).
    const inside = await createWebhook(
      db(),
      systemActor(),
      { url: 'http://10.0.0.5/hook', events: ['referral.received'], institutionId: f.ids.facilityC },
      { allowPrivate: true },
    );
    expect(inside.url).toBe('http://10.0.0.5/hook');
    await db().deleteFrom('webhook_subscription').where('id', '=', inside.id).execute();
  });

  it('lets programme staff subscribe any institution, read the delivery log, retry a delivery and deactivate', async () => {
    const admin = await f.login('admin');
    const missing = await app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers: { cookie: admin },
      payload: { url: 'https://cem.example.org/hook', events: ['referral.received'] },
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors[0].field).toBe('institutionId');
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers: { cookie: admin },
      payload: {
        url: 'https://cem.example.org/hook',
        events: ['referral.received'],
        institutionId: f.ids.cem,
      },
    });
    expect(created.statusCode).toBe(201);
    const hook = created.json();

    const alert = await insertAlert(db(), f, {
      household: 'hA1',
      type: 'violence_signs',
      sensitive: true,
      stage: 'referred',
      institutionId: f.ids.cem,
    });
    await insertEvent(db(), alert, {
      action: 'refer',
      from: 'identified',
      to: 'referred',
      institutionId: f.ids.cem,
      actor: { id: f.ids.users.coord_north, name: 'Coordinador' },
    });
    await dispatchEvents(db(), { channels: { email: false, sms: false, whatsapp: false }, gapGraceMs: 0 });
    await db()
      .updateTable('webhook_delivery')
      .set({ status: 'failed', attempts: 12, last_status: 500, last_error: 'HTTP 500' })
      .where('subscription_id', '=', hook.id)
      .execute();

    const log = await app.inject({
      method: 'GET',
      url: `/api/v1/webhooks/${hook.id}/deliveries`,
      headers: { cookie: admin },
    });
    expect(log.statusCode).toBe(200);
    const [delivery] = log.json().items;
    expect(delivery).toMatchObject({
      event: 'referral.received',
      status: 'failed',
      attempts: 12,
      lastStatus: 500,
      lastError: 'HTTP 500',
      nextAttemptAt: null,
    });
    const retried = await app.inject({
      method: 'POST',
      url: `/api/v1/webhooks/${hook.id}/deliveries/${delivery.id}/retry`,
      headers: { cookie: admin },
    });
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toMatchObject({ status: 'pending', attempts: 0, lastError: 'HTTP 500' });

    const all = await app.inject({ method: 'GET', url: '/api/v1/webhooks', headers: { cookie: admin } });
    expect(all.json().length).toBeGreaterThanOrEqual(2);
    const gone = await app.inject({
      method: 'DELETE',
      url: `/api/v1/webhooks/${hook.id}`,
      headers: { cookie: admin },
    });
    expect(gone.statusCode).toBe(200);
    expect(gone.json().active).toBe(false);
    const after = await db()
      .selectFrom('webhook_delivery')
      .select(['status', 'last_error'])
      .where('id', '=', delivery.id)
      .executeTakeFirstOrThrow();
    expect(after).toEqual({ status: 'failed', last_error: 'the subscription was deactivated' });
    const conflict = await app.inject({
      method: 'POST',
      url: `/api/v1/webhooks/${hook.id}/deliveries/${delivery.id}/retry`,
      headers: { cookie: admin },
    });
    expect(conflict.statusCode).toBe(409);
    const audit = await db()
      .selectFrom('audit_log')
      .select('action')
      .where('actor_id', '=', f.ids.users.admin)
      .where('action', 'like', 'webhook.%')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        'webhook.create',
        'webhook.deliveries',
        'webhook.retry',
        'webhook.list',
        'webhook.deactivate',
      ]),
    );
  });
});
