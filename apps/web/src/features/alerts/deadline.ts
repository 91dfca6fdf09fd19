import type { AlertStage } from '@tejido/schemas';
import type { TFunction } from 'i18next';
import type { Tone } from '../../app/StatusBadge';

/**
 * How much time a stage has left, said in words (vence en 5 h, vencida hace 2 d) and
 * with a tone, so the colour is never the only sign.
 */

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** A stage due within this many hours is "due soon". */
export const SOON_HOURS = 24;

export type TimeLeft =
  | { state: 'none' }
  | { state: 'overdue' | 'soon' | 'onTime'; amount: number; unit: 'min' | 'h' | 'd' };

/** An amount of time in the unit people use for it: minutes under an hour, hours under two days, days after. */
function amountOf(ms: number): { amount: number; unit: 'min' | 'h' | 'd' } {
  const abs = Math.abs(ms);
  if (abs < HOUR) return { amount: Math.max(1, Math.floor(abs / MINUTE)), unit: 'min' };
  if (abs < 48 * HOUR) return { amount: Math.floor(abs / HOUR), unit: 'h' };
  return { amount: Math.floor(abs / (24 * HOUR)), unit: 'd' };
}

/**
 * The time left before a stage's deadline, or past it.
 *
 * @example timeLeft('2026-03-05T12:00:00Z', new Date('2026-03-05T07:00:00Z')) // { state: 'soon', amount: 5, unit: 'h' }
 */
export function timeLeft(dueAt: string | null | undefined, now: Date = new Date()): TimeLeft {
  if (!dueAt) return { state: 'none' };
  const due = new Date(dueAt).getTime();
  if (Number.isNaN(due)) return { state: 'none' };
  const ms = due - now.getTime();
  const state = ms < 0 ? 'overdue' : ms <= SOON_HOURS * HOUR ? 'soon' : 'onTime';
  return { state, ...amountOf(ms) };
}

export const TIME_LEFT_TONE: Record<TimeLeft['state'], Tone> = {
  overdue: 'negative',
  soon: 'warning',
  onTime: 'positive',
  none: 'neutral',
};

/** Whether the stage still has a deadline to keep: ended alerts have none. */
export function isEnded(stage: AlertStage): boolean {
  return stage === 'closed' || stage === 'cancelled';
}

/** "vencida hace 2 d", "vence en 5 h", "sin plazo". */
export function timeLeftText(left: TimeLeft, t: TFunction): string {
  if (left.state === 'none') return t('alerts.deadline.none');
  const amount = t(`alerts.deadline.unit.${left.unit}`, { n: left.amount });
  return left.state === 'overdue'
    ? t('alerts.deadline.overdue', { amount })
    : t('alerts.deadline.dueIn', { amount });
}
