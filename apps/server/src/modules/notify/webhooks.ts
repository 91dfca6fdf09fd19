import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Database } from '@tejido/db';
import { sql } from 'kysely';
import { errorText, forEachLimited, nextAttemptAt, WEBHOOK_MAX_ATTEMPTS } from './retry';

/**
 * The webhook deliverer: posts each pending delivery's payload to its subscription's URL,
 * signed, and records the answer. A receiver that is down or answers anything but 2xx is
 * called again later (retry.ts) up to WEBHOOK_MAX_ATTEMPTS times: nothing is lost while it is
 * down, and the delivery log shows every attempt's outcome.
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
  fetch?: typeof fetch;
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

/** Deliver the webhook calls that are due, one batch. */
export async function deliverWebhooks(
  database: Database,
  options: DeliverOptions = {},
): Promise<DeliverResult> {
  const { db } = database;
  const now = options.now ?? new Date();
  const timeoutMs = options.timeoutMs ?? 10_000;
  const doFetch = options.fetch ?? fetch;
  // A taken delivery is out of other deliverers' reach until the call has surely ended.
  const lease = new Date(now.getTime() + timeoutMs + 60_000);
  const skipLocked = database.engine === 'postgres' ? sql`FOR UPDATE SKIP LOCKED` : sql``;
  const claimed = await sql<Claimed>`
    UPDATE webhook_delivery d SET next_attempt_at = ${lease}
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
      const response = await doFetch(d.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Tejido-Webhooks/1',
          'tejido-event': d.event,
          'tejido-delivery': d.id,
          [SIGNATURE_HEADER]: signWebhook(d.secret, body, Math.floor(Date.now() / 1000)),
        },
        body,
        // A redirect is not followed: the subscription names the one URL that gets the data.
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = response.status;
      let text = '';
      try {
        text = (await response.text()).replace(/\s+/g, ' ').slice(0, 200);
      } catch {
        // The status is what counts.
      }
      if (status < 200 || status >= 300) failure = `HTTP ${status}${text ? `: ${text}` : ''}`;
    } catch (error) {
      failure = errorText(error);
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
