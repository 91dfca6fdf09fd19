import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testEngine } from '@tejido/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from '../../testing/fixture';
import { startAlertJobs } from './jobs';
import { NOTIFICATION_MAX_ATTEMPTS } from './retry';
import { inAppAdapter, sendNotifications } from './send';
import { loadNotifySettings } from './settings';
import { insertAlert, insertEvent } from './testing';

/** A real SMTP server on a loopback port that keeps what it is given (no TLS, no auth). */
async function smtpSink() {
  const messages: string[] = [];
  const server: Server = createServer((socket) => {
    socket.write('220 sink ESMTP\r\n');
    let buffer = '';
    let inData = false;
    let message = '';
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      for (let i = buffer.indexOf('\r\n'); i >= 0; i = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            messages.push(message);
            message = '';
            socket.write('250 2.0.0 queued\r\n');
          } else message += `${line.startsWith('..') ? line.slice(1) : line}\n`;
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') socket.write('250 sink\r\n');
        else if (verb === 'DATA') {
          inData = true;
          socket.write('354 end with .\r\n');
        } else if (verb === 'QUIT') {
          socket.write('221 bye\r\n');
          socket.end();
        } else socket.write('250 OK\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    messages,
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe(`sending notifications, on ${testEngine}`, () => {
  let f: Fixture;
  let dir: string;
  beforeAll(async () => {
    f = await createFixture();
    dir = mkdtempSync(join(tmpdir(), 'tejido-notify-'));
  });
  afterAll(async () => {
    await f?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const db = () => f.database.db;

  it('goes from an alert event to an e-mail through SMTP, an SMS in the outbox file and an in-app notification, in one round of the jobs', async () => {
    const smtp = await smtpSink();
    const outbox = join(dir, 'outbox', 'messages.jsonl');
    const lines: string[] = [];
    const log = {
      info: (o: object, m?: string) => lines.push(`${m} ${JSON.stringify(o)}`),
      warn: (o: object, m?: string) => lines.push(`${m} ${JSON.stringify(o)}`),
      error: (o: object, m?: string) => lines.push(`ERROR ${m} ${JSON.stringify(o)}`),
    };
    await db()
      .updateTable('app_user')
      .set({ email: 'agente.a@example.org', phone: '+51999000111' })
      .where('id', '=', f.ids.users.agent_a)
      .execute();
    const settings = loadNotifySettings(
      {
        TEJIDO_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
        TEJIDO_SMTP_FROM: 'Tejido <avisos@tejido.example>',
        TEJIDO_SMS_PROVIDER: 'file',
        TEJIDO_OUTBOX_FILE: outbox,
      },
      dir,
    );
    const jobs = startAlertJobs({
      database: f.database,
      config: { dataDir: dir },
      log,
      settings,
      intervalMs: 3_600_000,
    });
    try {
      const alert = await insertAlert(db(), f, {
        household: 'hA1',
        person: 'childA1',
        stage: 'referred',
        institutionId: f.ids.facilityA,
        // Far enough that the round's deadline check sends no reminder.
        dueAt: new Date(Date.now() + 7 * 24 * 3_600_000),
      });
      const seq = await insertEvent(db(), alert, {
        action: 'refer',
        from: 'identified',
        to: 'referred',
        institutionId: f.ids.facilityA,
        actor: { id: f.ids.users.coord_north, name: 'Coordinador Norte' },
      });
      // Two rounds asked at once run one after the other.
      await Promise.all([jobs.runOnce(), jobs.runOnce()]);
      expect(lines.filter((l) => l.startsWith('ERROR'))).toEqual([]);
      const rows = await db()
        .selectFrom('notification')
        .select(['channel', 'status', 'attempts', 'sent_at', 'address'])
        .where('event_seq', '=', seq)
        .orderBy('channel')
        .execute();
      expect(rows.map((r) => [r.channel, r.status, r.attempts])).toEqual([
        ['email', 'sent', 1],
        ['in_app', 'sent', 1],
        ['sms', 'sent', 1],
      ]);
      expect(smtp.messages).toHaveLength(1);
      const mail = smtp.messages[0]!;
      expect(mail).toMatch(/^To: agente\.a@example\.org$/m);
      expect(mail).toMatch(/^From: Tejido <avisos@tejido\.example>$/m);
      expect(mail).toContain('Subject: =?UTF-8?Q?Nueva_derivaci=C3=B3n');
      expect(mail).toContain('Content-Type: text/plain; charset=utf-8');
      expect(mail).toContain('HH-000001');
      expect(mail).not.toContain('Illari');
      const sms = readFileSync(outbox, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(sms).toHaveLength(1);
      expect(sms[0]).toMatchObject({ channel: 'sms', to: '+51999000111' });
      expect(sms[0].text).toMatch(/^Tejido: Nueva derivación: Niño o niña enferma\. /);
      expect(sms[0].text).not.toContain('Illari');
    } finally {
      await jobs.stop();
      await smtp.close();
      await db()
        .updateTable('app_user')
        .set({ email: null, phone: null })
        .where('id', '=', f.ids.users.agent_a)
        .execute();
    }
  });

  it(`retries a message that fails with growing waits and gives up after ${NOTIFICATION_MAX_ATTEMPTS} attempts`, async () => {
    const alert = await insertAlert(db(), f, { household: 'hB' });
    const row = await db()
      .insertInto('notification')
      .values({
        id: '019a0000-0000-7000-8000-000000000001',
        channel: 'sms',
        user_id: f.ids.users.worker2,
        address: '+51900000000',
        alert_id: alert,
        event_seq: null,
        kind: 'deadline.reminder',
        subject: 'Recordatorio',
        body: 'Texto',
        last_error: null,
        sent_at: null,
        read_at: null,
      })
      .returning(['id', 'next_attempt_at'])
      .executeTakeFirstOrThrow();
    let calls = 0;
    const broken = {
      async send(): Promise<{ providerId?: string }> {
        calls += 1;
        throw new Error('gateway unavailable');
      },
    };
    let now = new Date(row.next_attempt_at.getTime() + 1000);
    const waits: number[] = [];
    for (let i = 1; i <= NOTIFICATION_MAX_ATTEMPTS; i += 1) {
      const r = await sendNotifications(f.database, { adapters: { in_app: inAppAdapter, sms: broken }, now });
      expect(r.sent).toBe(0);
      const n = await db()
        .selectFrom('notification')
        .select(['status', 'attempts', 'next_attempt_at', 'last_error'])
        .where('id', '=', row.id)
        .executeTakeFirstOrThrow();
      expect(n.attempts).toBe(i);
      expect(n.last_error).toBe('gateway unavailable');
      expect(n.status).toBe(i < NOTIFICATION_MAX_ATTEMPTS ? 'pending' : 'failed');
      waits.push(Math.round((n.next_attempt_at.getTime() - now.getTime()) / 60_000));
      // Nothing is tried before its time.
      const early = await sendNotifications(f.database, { adapters: { sms: broken }, now });
      expect(early).toEqual({ sent: 0, retrying: 0, failed: 0 });
      now = new Date(n.next_attempt_at.getTime() + 1);
    }
    expect(calls).toBe(NOTIFICATION_MAX_ATTEMPTS);
    // 1, 2, 4 … minutes with up to 20 % jitter.
    waits.slice(0, -1).forEach((w, i) => {
      expect(w).toBeGreaterThanOrEqual(2 ** i);
      expect(w).toBeLessThanOrEqual(Math.ceil(2 ** i * 1.2));
    });
  });
});
