import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { Database } from '@tejido/db';
import { sql } from 'kysely';
import {
  type HostResolver,
  PRIVATE_ADDRESS_REFUSAL,
  pinnedLookup,
  resolveWebhookHost,
  systemResolver,
} from './address';
import { errorText, forEachLimited, nextAttemptAt, WEBHOOK_MAX_ATTEMPTS } from './retry';

/**
 * The webhook deliverer: posts each pending delivery's payload to its subscription's URL,
 * signed, and records the answer. A receiver that is down or answers anything but 2xx is
 * called again later (retry.ts) up to WEBHOOK_MAX_ATTEMPTS times: nothing is lost while it is
 * down, and the delivery log shows every attempt's outcome: the status code and a short reason
 * of Tejido's own, never what the receiver wrote (the log is read by institutions' agents, and a
 * receiver's answer is no business of theirs). Receivers on loopback, private or link-local
 * addresses are refused unless allowed (address.ts).
 */

export const SIGNATURE_HEADER = 'tejido-signature';

/**
 * The signature header of a body: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
 * Signing the time with the body lets receivers refuse old calls replayed.
 * @example signWebhook('s3cret', '{"a":1}', 1767225600) // 't=1767225600,v1=…'
 */
export function signWebhook(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/**
 * What a receiver does with the header (documented for institutions; used by the tests):
 * true when the signature matches and is at most `toleranceSeconds` old.
 */
export function verifyWebhookSignature(
  header: string,
  secret: string,
  body: string,
  nowSeconds: number = Math.floor(Date.now() / 1000),
  toleranceSeconds = 300,
): boolean {
  const parts = Object.fromEntries(
    header.split(',').map((p) => {
      const i = p.indexOf('=');
      return [p.slice(0, i).trim(), p.slice(i + 1).trim()];
    }),
  );
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > toleranceSeconds || !parts.v1) return false;
  const expected = Buffer.from(signWebhook(secret, body, t).split('v1=')[1]!, 'hex');
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface DeliverOptions {
  batch?: number;
  now?: Date;
  /** How long a receiver may take to answer. */
  timeoutMs?: number;
  /** Calls in flight at once. */
  concurrency?: number;
  /**
   * Let receivers be on loopback, private or link-local addresses (TEJIDO_WEBHOOK_ALLOW_PRIVATE):
   * off unless said, for a receiver inside the programme's own network or a test's.
   */
  allowPrivate?: boolean;
  /** How receivers' host names are resolved: dns.lookup unless a test gives its own. */
  resolver?: HostResolver;
}

export interface DeliverResult {
  delivered: number;
  retrying: number;
  failed: number;
}

interface Claimed {
  id: string;
  event: string;
  payload: unknown;
  attempts: number;
  url: string;
  secret: string;
  active: boolean;
}

/**
 * What last_error says while a deliverer holds a delivery's lease (the call is under way): a
 * retry asked for then is refused, or the receiver would get the call twice at once. Every
 * outcome of the call replaces it; a deliverer that died leaves it until the lease runs out.
 */
export const IN_FLIGHT = 'in flight: the call has not ended yet';

/** Whether a delivery is being sent now: taken by a deliverer whose lease has not run out. */
export function isInFlight(
  d: { status: string; last_error: string | null; next_attempt_at: Date },
  now: Date = new Date(),
): boolean {
  return d.status === 'pending' && d.last_error === IN_FLIGHT && d.next_attempt_at.getTime() > now.getTime();
}

/** Our own words for a receiver's answer that is not 2xx: its body is never kept. */
export function answerText(status: number): string {
  if (status >= 300 && status < 400) return `HTTP ${status}: redirect not followed`;
  if (status >= 400 && status < 500) return `HTTP ${status}: the receiver refused the call`;
  if (status >= 500 && status < 600) return `HTTP ${status}: the receiver failed`;
  return `HTTP ${status}: unexpected answer`;
}

class RefusedAddress extends Error {}

/**
 * POST the body to the URL, connecting only to addresses checked by resolveWebhookHost, and
 * resolve to the answer's status; the answer's body is not read. Redirects are not followed:
 * the subscription names the one URL that gets the data.
 */
async function post(
  url: URL,
  headers: Record<string, string>,
  body: string,
  o: { timeoutMs: number; allowPrivate: boolean; resolver: HostResolver },
): Promise<number> {
  const signal = AbortSignal.timeout(o.timeoutMs);
  const addresses = await resolveWebhookHost(url, o.resolver, o.allowPrivate);
  if (!addresses) throw new RefusedAddress(PRIVATE_ADDRESS_REFUSAL);
  signal.throwIfAborted();
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<number>((resolve, reject) => {
    const request = client.request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: pinnedLookup(addresses),
        // One connection per call: a kept-alive socket could have been opened to another address.
        agent: false,
        signal,
      },
      (response) => {
        response.on('error', () => {});
        response.destroy();
        resolve(response.statusCode ?? 0);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** Deliver the webhook calls that are due, one batch. */
export async function deliverWebhooks(
  database: Database,
  options: DeliverOptions = {},
): Promise<DeliverResult> {
  const { db } = database;
  const now = options.now ?? new Date();
  const timeoutMs = options.timeoutMs ?? 10_000;
  const target = {
    timeoutMs,
    allowPrivate: options.allowPrivate ?? false,
    resolver: options.resolver ?? systemResolver,
  };
  // A taken delivery is out of other deliverers' reach until the call has surely ended.
  const lease = new Date(now.getTime() + timeoutMs + 60_000);
  const skipLocked = database.engine === 'postgres' ? sql`FOR UPDATE SKIP LOCKED` : sql``;
  const claimed = await sql<Claimed>`
    UPDATE webhook_delivery d SET next_attempt_at = ${lease}, last_error = ${IN_FLIGHT}
    FROM (SELECT id FROM webhook_delivery
          WHERE status = 'pending' AND next_attempt_at <= ${now}
          ORDER BY next_attempt_at LIMIT ${options.batch ?? 50} ${skipLocked}) due,
         webhook_subscription s
    WHERE d.id = due.id AND s.id = d.subscription_id
    RETURNING d.id, d.event, d.payload, d.attempts, s.url, s.secret, s.active`.execute(db);
  const result: DeliverResult = { delivered: 0, retrying: 0, failed: 0 };
  await forEachLimited(claimed.rows, options.concurrency ?? 4, async (d) => {
    if (!d.active) {
      await db
        .updateTable('webhook_delivery')
        .set({ status: 'failed', last_error: 'the subscription was deactivated' })
        .where('id', '=', d.id)
        .execute();
      result.failed += 1;
      return;
    }
    const body = JSON.stringify(typeof d.payload === 'string' ? JSON.parse(d.payload) : d.payload);
    let status: number | null = null;
    let failure: string | null = null;
    try {
      status = await post(
        new URL(d.url),
        {
          'content-type': 'application/json',
          'user-agent': 'Tejido-Webhooks/1',
          'tejido-event': d.event,
          'tejido-delivery': d.id,
          [SIGNATURE_HEADER]: signWebhook(d.secret, body, Math.floor(Date.now() / 1000)),
        },
        body,
        target,
      );
      if (status < 200 || status >= 300) failure = answerText(status);
    } catch (error) {
      failure = error instanceof RefusedAddress ? PRIVATE_ADDRESS_REFUSAL : errorText(error);
    }
    const attempts = d.attempts + 1;
    if (failure === null) {
      await db
        .updateTable('webhook_delivery')
        .set({
          status: 'delivered',
          attempts,
          last_status: status,
          last_error: null,
          delivered_at: new Date(),
        })
        .where('id', '=', d.id)
        .execute();
      result.delivered += 1;
      return;
    }
    const giveUp = attempts >= WEBHOOK_MAX_ATTEMPTS;
    await db
      .updateTable('webhook_delivery')
      .set({
        status: giveUp ? 'failed' : 'pending',
        attempts,
        last_status: status,
        last_error: failure,
        next_attempt_at: giveUp ? now : nextAttemptAt(now, attempts),
      })
      .where('id', '=', d.id)
      .execute();
    if (giveUp) result.failed += 1;
    else result.retrying += 1;
  });
  return result;
}
