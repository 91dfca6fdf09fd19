import { randomUUID } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Database, DB } from '@tejido/db';
import { type Kysely, sql } from 'kysely';
import nodemailer, { type Transporter } from 'nodemailer';
import { errorText, forEachLimited, NOTIFICATION_MAX_ATTEMPTS, nextAttemptAt } from './retry';
import type { MessageProviderKind, NotifySettings } from './settings';

/**
 * The sender: takes the notifications that are due, hands each to its channel's adapter and
 * records the outcome. A failure waits longer each time (retry.ts) and gives up after
 * NOTIFICATION_MAX_ATTEMPTS, keeping the last error for the operators.
 */

export type Channel = 'in_app' | 'email' | 'sms' | 'whatsapp';

export interface OutgoingMessage {
  id: string;
  channel: Channel;
  /** E-mail address or phone number; null for in-app. */
  to: string | null;
  subject: string;
  body: string;
}

export interface ChannelAdapter {
  send(message: OutgoingMessage): Promise<{ providerId?: string | undefined }>;
}

/** An SMS or WhatsApp gateway. */
export interface MessageProvider {
  send(to: string, text: string): Promise<{ providerId: string }>;
}

export type ChannelAdapters = Partial<Record<Channel, ChannelAdapter>>;

/** In-app notifications are already where their reader looks: sending them only marks them sent. */
export const inAppAdapter: ChannelAdapter = {
  async send() {
    return {};
  },
};

/** E-mail through a nodemailer transport (SMTP in production; JSON or stream transports in tests). */
export function emailAdapter(transport: Pick<Transporter, 'sendMail'>, from: string): ChannelAdapter {
  return {
    async send(m) {
      if (!m.to) throw new Error('no e-mail address');
      const info = (await transport.sendMail({ from, to: m.to, subject: m.subject, text: m.body })) as {
        messageId?: string;
      };
      return { providerId: info.messageId };
    },
  };
}

/** SMS and WhatsApp: one short text, the subject then the body. */
export function textMessage(m: Pick<OutgoingMessage, 'subject' | 'body'>): string {
  return `Tejido: ${m.subject}. ${m.body}`;
}

export function messageAdapter(provider: MessageProvider): ChannelAdapter {
  return {
    async send(m) {
      if (!m.to) throw new Error('no phone number');
      return provider.send(m.to, textMessage(m));
    },
  };
}

/**
 * The default provider: appends one JSON line per message to a file, for a deployment without
 * a gateway yet (an operator forwards them) and for demos and tests.
 */
export class FileMessageProvider implements MessageProvider {
  constructor(
    private readonly file: string,
    private readonly channel: 'sms' | 'whatsapp',
  ) {}
  async send(to: string, text: string): Promise<{ providerId: string }> {
    const providerId = randomUUID();
    await mkdir(dirname(this.file), { recursive: true });
    const line = JSON.stringify({
      id: providerId,
      channel: this.channel,
      to,
      text,
      at: new Date().toISOString(),
    });
    await appendFile(this.file, `${line}\n`, 'utf8');
    return { providerId };
  }
}

export interface NotifyLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Writes each message to the server's log instead of sending it. */
export class LogMessageProvider implements MessageProvider {
  constructor(
    private readonly log: NotifyLog,
    private readonly channel: 'sms' | 'whatsapp',
  ) {}
  async send(to: string, text: string): Promise<{ providerId: string }> {
    const providerId = randomUUID();
    this.log.info({ channel: this.channel, to, text, providerId }, 'message (log provider)');
    return { providerId };
  }
}

function provider(
  kind: MessageProviderKind,
  settings: NotifySettings,
  log: NotifyLog,
  channel: 'sms' | 'whatsapp',
) {
  if (kind === 'file') return messageAdapter(new FileMessageProvider(settings.outboxFile, channel));
  if (kind === 'log') return messageAdapter(new LogMessageProvider(log, channel));
  return undefined;
}

/** The adapters the settings ask for; a channel without one is not written by the dispatcher either. */
export function adaptersFromSettings(settings: NotifySettings, log: NotifyLog): ChannelAdapters {
  const adapters: ChannelAdapters = { in_app: inAppAdapter };
  if (settings.smtpUrl)
    adapters.email = emailAdapter(nodemailer.createTransport(settings.smtpUrl), settings.smtpFrom);
  const sms = provider(settings.smsProvider, settings, log, 'sms');
  if (sms) adapters.sms = sms;
  const whatsapp = provider(settings.whatsappProvider, settings, log, 'whatsapp');
  if (whatsapp) adapters.whatsapp = whatsapp;
  return adapters;
}

export interface SendOptions {
  adapters: ChannelAdapters;
  batch?: number;
  now?: Date;
  /** Messages handed to adapters at once. */
  concurrency?: number;
  /** How long a taken message stays out of other senders' reach while it is being sent. */
  leaseMs?: number;
}

export interface SendResult {
  sent: number;
  retrying: number;
  failed: number;
}

interface Claimed {
  id: string;
  channel: Channel;
  address: string | null;
  subject: string;
  body: string;
  attempts: number;
}

/** Send the notifications that are due, one batch. */
export async function sendNotifications(database: Database, options: SendOptions): Promise<SendResult> {
  const { db } = database;
  const now = options.now ?? new Date();
  const batch = options.batch ?? 200;
  const lease = new Date(now.getTime() + (options.leaseMs ?? 5 * 60_000));
  // Taking a message moves its next attempt past the lease: two senders (two servers) never
  // take the same one, and one that dies mid-send leaves it to be retried after the lease.
  // SKIP LOCKED lets concurrent senders pass each other's rows on a server; PGlite has one
  // connection, where nothing can be locked by anybody else.
  const skipLocked = database.engine === 'postgres' ? sql`FOR UPDATE SKIP LOCKED` : sql``;
  const claimed = await sql<Claimed>`
    UPDATE notification n SET next_attempt_at = ${lease}
    FROM (SELECT id FROM notification
          WHERE status = 'pending' AND next_attempt_at <= ${now}
          ORDER BY next_attempt_at LIMIT ${batch} ${skipLocked}) due
    WHERE n.id = due.id
    RETURNING n.id, n.channel, n.address, n.subject, n.body, n.attempts`.execute(db);
  const result: SendResult = { sent: 0, retrying: 0, failed: 0 };
  const sentIds = new Set<string>();
  await forEachLimited(claimed.rows, options.concurrency ?? 4, async (n) => {
    const adapter = options.adapters[n.channel];
    try {
      if (!adapter) throw new Error(`no adapter for the ${n.channel} channel is configured`);
      await adapter.send({ id: n.id, channel: n.channel, to: n.address, subject: n.subject, body: n.body });
      sentIds.add(n.id);
      // What left Tejido is recorded at once, so that a crash does not send it again; in-app
      // rows are marked together below.
      if (n.channel !== 'in_app') await markSent(db, [n.id], now);
    } catch (error) {
      const attempts = n.attempts + 1;
      const giveUp = attempts >= NOTIFICATION_MAX_ATTEMPTS;
      await db
        .updateTable('notification')
        .set({
          attempts,
          status: giveUp ? 'failed' : 'pending',
          next_attempt_at: giveUp ? now : nextAttemptAt(now, attempts),
          last_error: errorText(error),
        })
        .where('id', '=', n.id)
        .execute();
      if (giveUp) result.failed += 1;
      else result.retrying += 1;
    }
  });
  const inApp = claimed.rows.filter((n) => n.channel === 'in_app' && sentIds.has(n.id)).map((n) => n.id);
  if (inApp.length > 0) await markSent(db, inApp, now);
  result.sent = sentIds.size;
  return result;
}

async function markSent(db: Kysely<DB>, ids: string[], now: Date) {
  await db
    .updateTable('notification')
    .set((eb) => ({ status: 'sent', sent_at: now, last_error: null, attempts: eb('attempts', '+', 1) }))
    .where('id', 'in', ids)
    .execute();
}
