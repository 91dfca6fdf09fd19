import type { Database } from '@tejido/db';
import type { Config } from '../../config';
import { refreshFunnel } from '../alerts/funnel';
import { type AlertTypeSet, loadAlertTypes } from '../alerts/types';
import { checkDeadlines } from './deadlines';
import { dispatchEvents } from './dispatch';
import { adaptersFromSettings, type ChannelAdapters, type NotifyLog, sendNotifications } from './send';
import { channelAvailability, loadNotifySettings, type NotifySettings } from './settings';
import { deliverWebhooks } from './webhooks';

export interface AlertJobsOptions {
  database: Database;
  config: Pick<Config, 'dataDir'>;
  log: NotifyLog;
  /** Pause between the end of a round and the start of the next. */
  intervalMs?: number;
  /** Defaults: loadNotifySettings(process.env, config.dataDir). */
  settings?: NotifySettings;
  /** Defaults: adaptersFromSettings(settings, log). */
  adapters?: ChannelAdapters;
  types?: AlertTypeSet;
  /** The clock, for tests. */
  now?: () => Date;
}

export interface AlertJobs {
  /** Wait for the round under way, then stop; no round starts afterwards. */
  stop(): Promise<void>;
  /** Run one round now, after the one under way if any (rounds never overlap). */
  runOnce(): Promise<void>;
}

/**
 * The alert jobs of one process: deadlines (reminders, escalations) → dispatch of alert events
 * into notifications and webhook deliveries → sending notifications → delivering webhooks,
 * round after round. Each step's failure is logged and does not stop the others.
 */
export function startAlertJobs(options: AlertJobsOptions): AlertJobs {
  const { database, log } = options;
  const settings = options.settings ?? loadNotifySettings(process.env, options.config.dataDir);
  const adapters = options.adapters ?? adaptersFromSettings(settings, log);
  const types = options.types ?? loadAlertTypes();
  const intervalMs = options.intervalMs ?? settings.jobIntervalMs;
  const clock = options.now ?? (() => new Date());
  const channels = channelAvailability(settings);
  // Only what an adapter can send is written.
  channels.email &&= adapters.email !== undefined;
  channels.sms &&= adapters.sms !== undefined;
  channels.whatsapp &&= adapters.whatsapp !== undefined;

  const step = async (name: string, work: () => Promise<object>) => {
    try {
      const outcome = await work();
      if (Object.values(outcome).some((v) => typeof v === 'number' && v > 0 && !Number.isNaN(v))) {
        log.info({ job: name, ...outcome }, 'alert job');
      }
    } catch (error) {
      log.error({ job: name, err: error }, 'alert job failed');
    }
  };

  const round = async () => {
    await step('deadlines', () => checkDeadlines(database.db, clock(), types, { engine: database.engine }));
    await step('dispatch', async () => {
      const r = await dispatchEvents(database.db, {
        channels,
        types,
        gapGraceMs: database.engine === 'pglite' ? 0 : 60_000,
        now: clock,
      });
      return { events: r.events, notifications: r.notifications, deliveries: r.deliveries };
    });
    await step('send', () => sendNotifications(database, { adapters, now: clock() }));
    await step('webhooks', () =>
      deliverWebhooks(database, {
        now: clock(),
        timeoutMs: settings.webhookTimeoutMs,
        allowPrivate: settings.webhookAllowPrivate,
      }),
    );
    // Last: the deadlines above may have escalated alerts, which changes their months' sums.
    await step('funnel', async () => ({ months: await refreshFunnel(database.db) }));
  };

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  // Rounds run one after the other through this chain, whoever asks for them.
  let chain: Promise<void> = Promise.resolve();
  const enqueue = () => {
    chain = chain.then(round, round);
    return chain;
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = undefined;
      if (stopped) return;
      void enqueue().finally(schedule);
    }, intervalMs);
    timer.unref?.();
  };
  schedule();

  return {
    runOnce: () => {
      if (stopped) return chain;
      return enqueue();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await chain;
    },
  };
}
