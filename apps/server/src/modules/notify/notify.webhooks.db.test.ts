import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { uuidv7 } from '@tejido/core';
import { testEngine } from '@tejido/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from '../../testing/fixture';
import { systemActor } from '../access/actor';
import { PRIVATE_ADDRESS_REFUSAL } from './address';
import { dispatchEvents } from './dispatch';
import { WEBHOOK_MAX_ATTEMPTS } from './retry';
import { retryDelivery } from './service';
import { insertAlert, insertEvent } from './testing';
import { deliverWebhooks, IN_FLIGHT, verifyWebhookSignature } from './webhooks';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real HTTP receiver on a loopback port, answering what the test says. */
async function receiver(port = 0) {
  const received: Received[] = [];
  let answer = 204;
  // While set, answers wait for it: a call stays in flight.
  let gate: Promise<void> | null = null;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (gate) await gate;
      res.statusCode = answer;
      res.end(answer >= 400 ? 'temporarily broken: db at 10.0.3.7:5432 refused password for tejido' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    received,
    port: (server.address() as AddressInfo).port,
    answer(status: number) {
      answer = status;
    },
    /** Hold the answers until the returned function is called. */
    hold() {
      let release = () => {};
      gate = new Promise<void>((resolve) => {
        release = () => {
          gate = null;
          resolve();
        };
      });
      return release;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** These tests' receivers are on the loopback interface: private addresses are allowed explicitly. */
const LOCAL = { allowPrivate: true } as const;

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

  /** Stop a test's subscription and give up what it still owes, out of the next tests' way. */
  async function retire(subscriptionId: string) {
    await db()
      .updateTable('webhook_subscription')
      .set({ active: false })
      .where('id', '=', subscriptionId)
      .execute();
    await db()
      .updateTable('webhook_delivery')
      .set({ status: 'failed' })
      .where('subscription_id', '=', subscriptionId)
      .where('status', '=', 'pending')
      .execute();
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
      const r = await deliverWebhooks(f.database, LOCAL);
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

    const refused = await deliverWebhooks(f.database, { ...LOCAL, now: t0, timeoutMs: 2000 });
    expect(refused).toEqual({ delivered: 0, retrying: 1, failed: 0 });
    let d = await delivery(sub);
    expect(d).toMatchObject({ status: 'pending', attempts: 1, last_status: null });
    expect(d.last_error).toMatch(/ECONNREFUSED|fetch failed/);
    const wait1 = d.next_attempt_at.getTime() - t0.getTime();
    expect(wait1).toBeGreaterThanOrEqual(60_000);
    expect(wait1).toBeLessThanOrEqual(72_000);
    // Not due yet: nothing is tried.
    expect(await deliverWebhooks(f.database, { ...LOCAL, now: new Date(t0.getTime() + 30_000) })).toEqual({
      delivered: 0,
      retrying: 0,
      failed: 0,
    });

    // Up again on the same port, but failing with 500.
    const hook = await receiver(port);
    try {
      hook.answer(500);
      const t1 = new Date(d.next_attempt_at.getTime() + 1);
      expect(await deliverWebhooks(f.database, { ...LOCAL, now: t1 })).toEqual({
        delivered: 0,
        retrying: 1,
        failed: 0,
      });
      d = await delivery(sub);
      expect(d).toMatchObject({ status: 'pending', attempts: 2, last_status: 500 });
      // The status and our own words: what the receiver wrote is not kept.
      expect(d.last_error).toBe('HTTP 500: the receiver failed');
      const wait2 = d.next_attempt_at.getTime() - t1.getTime();
      expect(wait2).toBeGreaterThanOrEqual(120_000);
      expect(wait2).toBeLessThanOrEqual(144_000);

      hook.answer(200);
      const t2 = new Date(d.next_attempt_at.getTime() + 1);
      expect(await deliverWebhooks(f.database, { ...LOCAL, now: t2 })).toEqual({
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
    hook.answer(503);
    const sub = await subscribe(`http://127.0.0.1:${hook.port}/hook`, 'whsec_x');
    try {
      await refer();
      let now = new Date();
      for (let i = 1; i <= WEBHOOK_MAX_ATTEMPTS; i += 1) {
        const r = await deliverWebhooks(f.database, { ...LOCAL, now });
        expect(r.delivered + r.retrying + r.failed).toBe(1);
        const d = await delivery(sub);
        expect(d.attempts).toBe(i);
        now = new Date(d.next_attempt_at.getTime() + 1);
      }
      const d = await delivery(sub);
      expect(d).toMatchObject({
        status: 'failed',
        attempts: WEBHOOK_MAX_ATTEMPTS,
        last_status: 503,
        last_error: 'HTTP 503: the receiver failed',
      });
      expect(hook.received).toHaveLength(WEBHOOK_MAX_ATTEMPTS);
      // Failed deliveries are not tried again on their own.
      expect(
        await deliverWebhooks(f.database, { ...LOCAL, now: new Date(now.getTime() + 86_400_000) }),
      ).toEqual({
        delivered: 0,
        retrying: 0,
        failed: 0,
      });
    } finally {
      await hook.close();
      await retire(sub);
    }
  });

  it('refuses to call loopback, private and link-local addresses unless allowed, and counts it as a failed attempt', async () => {
    const hook = await receiver();
    // Literal addresses, names (localhost by the system's resolver) and their IPv6 spellings.
    const refusedUrls = [
      `http://127.0.0.1:${hook.port}/hook`,
      `http://localhost:${hook.port}/hook`,
      `http://[::1]:${hook.port}/hook`,
      `http://[::ffff:127.0.0.1]:${hook.port}/hook`,
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.1/hook',
      'http://172.16.0.1/hook',
      'http://192.168.0.1/hook',
      'http://0.0.0.0:5432/hook',
      'http://[fc00::1]/hook',
      'http://[fe80::1]/hook',
    ];
    const subs: string[] = [];
    try {
      for (const url of refusedUrls) subs.push(await subscribe(url, 'whsec_private'));
      await refer();
      const now = new Date();
      expect(await deliverWebhooks(f.database, { now, timeoutMs: 2000 })).toEqual({
        delivered: 0,
        retrying: refusedUrls.length,
        failed: 0,
      });
      for (const sub of subs) {
        const d = await delivery(sub);
        expect(d).toMatchObject({
          status: 'pending',
          attempts: 1,
          last_status: null,
          last_error: PRIVATE_ADDRESS_REFUSAL,
        });
        expect(d.next_attempt_at.getTime()).toBeGreaterThanOrEqual(now.getTime() + 60_000);
      }
      expect(hook.received).toEqual([]);
    } finally {
      await hook.close();
      for (const sub of subs) await retire(sub);
    }
  });

  it('resolves a name once, refuses it when any of its addresses is private, and connects to the addresses it checked', async () => {
    const hook = await receiver();
    const resolved: string[] = [];
    // No such name exists: only the resolver given here knows it.
    const resolver = async (host: string) => {
      resolved.push(host);
      if (host === 'his.institution.test') return [{ address: '127.0.0.1', family: 4 }];
      return [
        { address: '200.48.225.130', family: 4 },
        { address: '10.20.30.40', family: 4 },
      ];
    };
    const local = await subscribe(`http://his.institution.test:${hook.port}/hook`, 'whsec_named');
    const mixed = await subscribe('http://mixed.institution.test/hook', 'whsec_mixed');
    try {
      await refer();
      const now = new Date();
      expect(await deliverWebhooks(f.database, { now, resolver })).toEqual({
        delivered: 0,
        retrying: 2,
        failed: 0,
      });
      expect((await delivery(local)).last_error).toBe(PRIVATE_ADDRESS_REFUSAL);
      expect((await delivery(mixed)).last_error).toBe(PRIVATE_ADDRESS_REFUSAL);
      expect(hook.received).toEqual([]);
      await retire(mixed);
      // Allowed (TEJIDO_WEBHOOK_ALLOW_PRIVATE): the call goes to the address the resolver gave.
      const later = new Date((await delivery(local)).next_attempt_at.getTime() + 1);
      expect(await deliverWebhooks(f.database, { ...LOCAL, now: later, resolver })).toEqual({
        delivered: 1,
        retrying: 0,
        failed: 0,
      });
      expect(hook.received).toHaveLength(1);
      expect(hook.received[0]!.headers.host).toBe(`his.institution.test:${hook.port}`);
      expect(resolved.filter((h) => h === 'his.institution.test')).toHaveLength(2);
    } finally {
      await hook.close();
      await retire(local);
      await retire(mixed);
    }
  });

  it('refuses to retry a delivery while it is being sent, and allows it once the call has ended', async () => {
    const hook = await receiver();
    const sub = await subscribe(`http://127.0.0.1:${hook.port}/hook`, 'whsec_inflight');
    try {
      await refer();
      const d0 = await delivery(sub);
      const release = hook.hold();
      const sending = deliverWebhooks(f.database, LOCAL);
      for (let i = 0; i < 200 && hook.received.length === 0; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(hook.received).toHaveLength(1);
      expect(await delivery(sub)).toMatchObject({ status: 'pending', last_error: IN_FLIGHT });
      await expect(retryDelivery(db(), systemActor(), sub, d0.id)).rejects.toMatchObject({
        code: 'CONFLICT',
        message: expect.stringContaining('being sent right now'),
      });
      release();
      expect(await sending).toEqual({ delivered: 1, retrying: 0, failed: 0 });
      expect(await delivery(sub)).toMatchObject({ status: 'delivered', attempts: 1, last_error: null });
      // Nothing else took it meanwhile: the receiver got it once.
      expect(await deliverWebhooks(f.database, LOCAL)).toEqual({ delivered: 0, retrying: 0, failed: 0 });
      expect(hook.received).toHaveLength(1);

      const again = await retryDelivery(db(), systemActor(), sub, d0.id);
      expect(again).toMatchObject({ status: 'pending', attempts: 0 });
      expect(await deliverWebhooks(f.database, LOCAL)).toEqual({ delivered: 1, retrying: 0, failed: 0 });
      expect(hook.received).toHaveLength(2);
    } finally {
      await hook.close();
      await retire(sub);
    }
  });
});
