import type { FunnelCounts, FunnelStage } from '@tejido/schemas';
import { type AppLocale, formatDecimal } from '../../app/format';
import { FUNNEL_STAGES } from './alertParams';

/** One bar of the funnel: how many alerts reached the stage, and what share of the identified ones that is. */
export interface FunnelBar {
  stage: FunnelStage;
  n: number;
  /** Percent of identified alerts, 0–100; null when none were identified. */
  percent: number | null;
}

/**
 * A share of the identified alerts in percent, null when there were none (a share of
 * nothing is not 0 %).
 *
 * @example percentOf(79, 100) // 79
 */
export function percentOf(n: number, identified: number): number | null {
  if (!Number.isFinite(n) || !Number.isFinite(identified) || identified <= 0) return null;
  return (n / identified) * 100;
}

/** The five bars of the funnel, from identified to closed. */
export function funnelBars(counts: FunnelCounts): FunnelBar[] {
  return FUNNEL_STAGES.map((stage) => ({
    stage,
    n: counts[stage],
    percent: percentOf(counts[stage], counts.identified),
  }));
}

/**
 * A percentage with no decimals, or one under 10 % so small shares do not read as 0 %.
 *
 * @example formatPercent(78.96) // '79 %'
 * @example formatPercent(2.345) // '2.3 %'
 */
export function formatPercent(percent: number | null, locale: AppLocale = 'es-PE'): string {
  if (percent === null || !Number.isFinite(percent)) return '—';
  const digits = percent > 0 && percent < 10 ? 1 : 0;
  return `${formatDecimal(percent, digits, locale)} %`;
}

/**
 * A duration in hours as people read deadlines: hours under two days, days (one decimal)
 * after.
 *
 * @example formatHours(5.4)  // '5 h'
 * @example formatHours(60)   // '2.5 d'
 */
export function formatHours(hours: number | null, locale: AppLocale = 'es-PE'): string {
  if (hours === null || !Number.isFinite(hours)) return '—';
  if (hours < 1) return `${formatDecimal(hours, 1, locale)} h`;
  if (hours < 48) return `${formatDecimal(hours, 0, locale)} h`;
  return `${formatDecimal(hours / 24, 1, locale)} d`;
}
