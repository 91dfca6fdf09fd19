import { join, resolve } from 'node:path';
import { z } from 'zod';

/**
 * Settings of notifications and webhooks, read from the environment once and checked like
 * config.ts (which stays the server's own): every wrong variable is named at start.
 *
 *   TEJIDO_SMTP_URL            smtp://user:pass@host:587 or smtps://…: e-mail is sent when set
 *   TEJIDO_SMTP_FROM           the From of e-mails (default "Tejido <no-reply@tejido.local>")
 *   TEJIDO_SMS_PROVIDER        none (default), file or log: SMS are written when not none
 *   TEJIDO_WHATSAPP_PROVIDER   none (default), file or log
 *   TEJIDO_OUTBOX_FILE         the file provider's JSON-lines file (default <data dir>/outbox/messages.jsonl)
 *   TEJIDO_WEBHOOK_TIMEOUT_MS  how long a webhook receiver may take to answer (default 10000)
 *   TEJIDO_WEBHOOK_ALLOW_PRIVATE  true to let webhooks reach loopback, private and link-local
 *                              addresses (default false: such URLs are refused, see address.ts)
 *   TEJIDO_ALERT_JOBS_INTERVAL_MS  pause between two rounds of the alert jobs (default 30000)
 */
const Provider = z.enum(['none', 'file', 'log']);
const Bool = z
  .enum(['true', 'false', '1', '0', 'on', 'off', 'yes', 'no'])
  .transform((v) => ['true', '1', 'on', 'yes'].includes(v));
export type MessageProviderKind = z.infer<typeof Provider>;

const Env = z.object({
  TEJIDO_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/\S+$/, 'must start with smtp:// or smtps://')
    .optional(),
  TEJIDO_SMTP_FROM: z.string().min(3).max(200).default('Tejido <no-reply@tejido.local>'),
  TEJIDO_SMS_PROVIDER: Provider.default('none'),
  TEJIDO_WHATSAPP_PROVIDER: Provider.default('none'),
  TEJIDO_OUTBOX_FILE: z.string().min(1).optional(),
  TEJIDO_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  TEJIDO_WEBHOOK_ALLOW_PRIVATE: Bool.default(false),
  TEJIDO_ALERT_JOBS_INTERVAL_MS: z.coerce.number().int().min(1000).max(3_600_000).default(30_000),
});

export interface NotifySettings {
  smtpUrl: string | undefined;
  smtpFrom: string;
  smsProvider: MessageProviderKind;
  whatsappProvider: MessageProviderKind;
  /** Where the file provider appends its JSON lines. */
  outboxFile: string;
  webhookTimeoutMs: number;
  /** Webhooks may reach loopback, private and link-local addresses (a receiver inside the network). */
  webhookAllowPrivate: boolean;
  jobIntervalMs: number;
}

/** Which channels besides in-app can reach people: decides which notification rows are written. */
export interface ChannelAvailability {
  email: boolean;
  sms: boolean;
  whatsapp: boolean;
}

export class NotifySettingsError extends Error {}

/** Read the notification settings; throws NotifySettingsError naming every wrong variable. */
export function loadNotifySettings(
  env: NodeJS.ProcessEnv = process.env,
  dataDir: string = env.TEJIDO_DATA_DIR || './data',
): NotifySettings {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = Env.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new NotifySettingsError(`Invalid notification settings:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    smtpUrl: e.TEJIDO_SMTP_URL,
    smtpFrom: e.TEJIDO_SMTP_FROM,
    smsProvider: e.TEJIDO_SMS_PROVIDER,
    whatsappProvider: e.TEJIDO_WHATSAPP_PROVIDER,
    outboxFile: resolve(e.TEJIDO_OUTBOX_FILE ?? join(dataDir, 'outbox', 'messages.jsonl')),
    webhookTimeoutMs: e.TEJIDO_WEBHOOK_TIMEOUT_MS,
    webhookAllowPrivate: e.TEJIDO_WEBHOOK_ALLOW_PRIVATE,
    jobIntervalMs: e.TEJIDO_ALERT_JOBS_INTERVAL_MS,
  };
}

export function channelAvailability(settings: NotifySettings): ChannelAvailability {
  return {
    email: settings.smtpUrl !== undefined,
    sms: settings.smsProvider !== 'none',
    whatsapp: settings.whatsappProvider !== 'none',
  };
}
