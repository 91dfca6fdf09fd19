import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { uuidv7 } from '@tejido/core';
import { testEngine } from '@tejido/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from '../../testing/fixture';
import { dispatchEvents } from './dispatch';
import { WEBHOOK_MAX_ATTEMPTS } from './retry';
import { insertAlert, insertEvent } from './testing';
import { deliverWebhooks, verifyWebhookSignature } from './webhooks';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real HTTP receiver on a loopback port, answering what the test says. */
async function receiver(port = 0) {
  const received: Received[] = [];
  let answer = 204;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = answer;
      res.end(answer >= 400 ? 'temporarily broken' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    received,
    port: (server.address() as AddressInfo).port,
    answer(status: number) {
      answer = status;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe(`webhook deliveries, on ${testEngine}`, () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await createFixture();
  });
  afterAll(async () => {
    await f?.close();
  });
  const db = () => f.database.db;

  async function subscribe(url: string, secret: string) {
    const id = uuidv7();
    await db()
      .insertInto('webhook_subscription')
      .values({
        id,
        institution_id: f.ids.facilityC,
        url,
        secret,
        events: ['referral.received'],
        created_by: null,
      })
      .execute();
    return id;
  }

  async function refer() {
    const alert = await insertAlert(db(), f, {
      household: 'hC',
      person: 'childC',
      stage: 'referred',
      institutionId: f.ids.facilityC,
    });
    const seq = await insertEvent(db(), alert, {
      action: 'refer',
      from: 'identified',
      to: 'referred',
      institutionId: f.ids.facilityC,
      actor: { id: f.ids.users.coord_district_c, name: 'Coordinadora C' },
    });
    await dispatchEvents(db(), { channels: { email: false, sms: false, whatsapp: false }, gapGraceMs: 0 });
    return { alert, seq };
  }

  const delivery = (subscriptionId: string) =>
    db()
      .selectFrom('webhook_delivery')
      .selectAll()
      .where('subscription_id', '=', subscriptionId)
      .executeTakeFirstOrThrow();

  it('posts the payload signed with the subscription secret, verified by a real receiver', async () => {
    const hook = await receiver();
    try {
      const secret = 'whsec_signed-test-secret';
      const sub = await subscribe(`http://127.0.0.1:${hook.port}/tejido`, secret);
      const { alert, seq } = await refer();
      const r = await deliverWebhooks(f.database);
      expect(r).toEqual({ delivered: 1, retrying: 0, failed: 0 });
      expect(hook.received).toHaveLength(1);
      const [call] = hook.received;
      const d = await delivery(sub);
      expect(call!.headers['content-type']).toBe('application/json');
      expect(call!.headers['tejido-event']).toBe('referral.received');
      expect(call!.headers['tejido-delivery']).toBe(d.id);
      const signature = String(call!.headers['tejido-signature']);
      expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(verifyWebhookSignature(signature, secret, call!.body)).toBe(true);
      expect(verifyWebhookSignature(signature, 'another secret', call!.body)).toBe(false);
      expect(verifyWebhookSignature(signature, secret, call!.body.replace('Amaru', 'Amaro'))).toBe(false);
      const body = JSON.parse(call!.body);
      expect(body).toMatchObject({
        id: d.id,
        event: 'referral.received',
        sequence: seq,
        alert: {
          id: alert,
          person: { givenNames: 'Amaru', firstSurname: 'Yupanqui' },
          household: { code: 'HH-000004' },
        },
      });
      expect(d).toMatchObject({ status: 'delivered', attempts: 1, last_status: 204, last_error: null });
      expect(d.delivered_at).toBeInstanceOf(Date);
      await db().updateTable('webhook_subscription').set({ active: false }).where('id', '=', sub).execute();
    } finally {
      await hook.close();
    }
  });

  it('loses nothing while the receiver is down or failing: retries with growing waits until it answers 2xx', async () => {
    // Take a free port, then close it: calls to it are refused.
    const probe = await receiver();
    const port = probe.port;
    await probe.close();
    const secret = 'whsec_retry';
    const sub = await subscribe(`http://127.0.0.1:${port}/hook`, secret);
    await refer();
    const t0 = new Date();

    const refused = await deliverWebhooks(f.database, { now: t0, timeoutMs: 2000 });
    expect(refused).toEqual({ delivered: 0, retrying: 1, failed: 0 });
    let d = await delivery(sub);
    expect(d).toMatchObject({ status: 'pending', attempts: 1, last_status: null });
    expect(d.last_error).toMatch(/ECONNREFUSED|fetch failed/);
    const wait1 = d.next_attempt_at.getTime() - t0.getTime();
    expect(wait1).toBeGreaterThanOrEqual(60_000);
    expect(wait1).toBeLessThanOrEqual(72_000);
    // Not due yet: nothing is tried.
    expect(await deliverWebhooks(f.database, { now: new Date(t0.getTime() + 30_000) })).toEqual({
      delivered: 0,
      retrying: 0,
      failed: 0,
    });

    // Up again on the same port, but failing with 500.
    const hook = await receiver(port);
    try {
      hook.answer(500);
      const t1 = new Date(d.next_attempt_at.getTime() + 1);
      expect(await deliverWebhooks(f.database, { now: t1 })).toEqual({
        delivered: 0,
        retrying: 1,
        failed: 0,
      });
      d = await delivery(sub);
      expect(d).toMatchObject({ status: 'pending', attempts: 2, last_status: 500 });
      expect(d.last_error).toBe('HTTP 500: temporarily broken');
      const wait2 = d.next_attempt_at.getTime() - t1.getTime();
      expect(wait2).toBeGreaterThanOrEqual(120_000);
      expect(wait2).toBeLessThanOrEqual(144_000);

      hook.answer(200);
      const t2 = new Date(d.next_attempt_at.getTime() + 1);
      expect(await deliverWebhooks(f.database, { now: t2 })).toEqual({
        delivered: 1,
        retrying: 0,
        failed: 0,
      });
      d = await delivery(sub);
      expect(d).toMatchObject({ status: 'delivered', attempts: 3, last_status: 200, last_error: null });
      // The receiver saw the same delivery twice (the 500 and the 200), the same signed bytes.
      expect(hook.received).toHaveLength(2);
      expect(hook.received.map((r) => r.headers['tejido-delivery'])).toEqual([d.id, d.id]);
      expect(hook.received[0]!.body).toBe(hook.received[1]!.body);
      expect(
        verifyWebhookSignature(
          String(hook.received[1]!.headers['tejido-signature']),
          secret,
          hook.received[1]!.body,
        ),
      ).toBe(true);
    } finally {
      await hook.close();
      await db().updateTable('webhook_subscription').set({ active: false }).where('id', '=', sub).execute();
    }
  });

  it(`gives up after ${WEBHOOK_MAX_ATTEMPTS} attempts, keeping the last error`, async () => {
    const hook = await receiver();
    try {
      hook.answer(503);
      const sub = await subscribe(`http://127.0.0.1:${hook.port}/hook`, 'whsec_x');
      await refer();
      let now = new Date();
      for (let i = 1; i <= WEBHOOK_MAX_ATTEMPTS; i += 1) {
        const r = await deliverWebhooks(f.database, { now });
        expect(r.delivered + r.retrying + r.failed).toBe(1);
        const d = await delivery(sub);
        expect(d.attempts).toBe(i);
        now = new Date(d.next_attempt_at.getTime() + 1);
      }
      const d = await delivery(sub);
      expect(d).toMatchObject({ status: 'failed', attempts: WEBHOOK_MAX_ATTEMPTS, last_status: 503 });
      expect(hook.received).toHaveLength(WEBHOOK_MAX_ATTEMPTS);
      // Failed deliveries are not tried again on their own.
      expect(await deliverWebhooks(f.database, { now: new Date(now.getTime() + 86_400_000) })).toEqual({
        delivered: 0,
        retrying: 0,
        failed: 0,
      });
    } finally {
      await hook.close();
    }
  });
});
