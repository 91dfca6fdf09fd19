import type { GrowthCurves, GrowthPoint } from '@tejido/schemas';

/**
 * The arithmetic of the growth charts, apart from the drawing so it is tested in Node: scales,
 * tick marks, which part of the WHO curves to show, and the child's points.
 */

export type GrowthIndicator = 'weightForAge' | 'lengthForAge' | 'weightForLength';

/** WHO's month: 365.25 / 12 days. */
export const DAYS_PER_MONTH = 30.4375;

/** The standard deviations drawn, as indexes into a curve point's `sd` (−3 … +3). */
export const DRAWN_SDS = [
  { index: 0, sd: -3 },
  { index: 1, sd: -2 },
  { index: 3, sd: 0 },
  { index: 5, sd: 2 },
  { index: 6, sd: 3 },
] as const;

export interface LinearScale {
  (value: number): number;
  readonly domain: readonly [number, number];
  readonly range: readonly [number, number];
}

/**
 * A straight map from data to pixels. A domain of one value maps to the middle of the range.
 *
 * @example linearScale([0, 10], [0, 100])(2.5) // 25
 */
export function linearScale(
  domain: readonly [number, number],
  range: readonly [number, number],
): LinearScale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0;
  const scale = (value: number) => (span === 0 ? (r0 + r1) / 2 : r0 + ((value - d0) / span) * (r1 - r0));
  return Object.assign(scale, { domain, range });
}

/**
 * A round step (1, 2 or 5 times a power of ten) that cuts a span in at most `maxTicks` parts.
 *
 * @example niceStep(17, 5) // 5
 */
export function niceStep(span: number, maxTicks: number): number {
  if (!(span > 0) || maxTicks < 1) return 1;
  const raw = span / maxTicks;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) {
    if (m * power >= raw - 1e-12) return m * power;
  }
  return 10 * power;
}

/** The multiples of `step` from min to max, both included when they fall on one. */
export function ticksBy(min: number, max: number, step: number): number[] {
  const out: number[] = [];
  const first = Math.ceil(min / step - 1e-9);
  const last = Math.floor(max / step + 1e-9);
  for (let i = first; i <= last; i++) out.push(Number((i * step).toFixed(10)));
  return out;
}

/** A domain widened to round numbers, with its ticks. */
export function niceDomain(
  min: number,
  max: number,
  maxTicks: number,
): { domain: [number, number]; ticks: number[] } {
  const step = niceStep(max - min || 1, maxTicks);
  const lo = Math.floor(min / step) * step;
  const hi = Math.ceil(max / step) * step;
  return { domain: [lo, hi === lo ? lo + step : hi], ticks: ticksBy(lo, hi === lo ? lo + step : hi, step) };
}

/** Months between age ticks: monthly in the first year, then further apart as the span grows. */
export function ageTickMonths(spanMonths: number): number {
  if (spanMonths <= 12) return 1;
  if (spanMonths <= 24) return 2;
  if (spanMonths <= 36) return 3;
  return 6;
}

/** The age ticks of a domain in days, as months. */
export function ageTicks(domainDays: readonly [number, number]): { days: number; months: number }[] {
  const from = Math.max(0, Math.ceil(domainDays[0] / DAYS_PER_MONTH - 1e-9));
  const to = Math.floor(domainDays[1] / DAYS_PER_MONTH + 1e-9);
  const step = ageTickMonths(to - from);
  const out: { days: number; months: number }[] = [];
  for (let m = Math.ceil(from / step) * step; m <= to; m += step)
    out.push({ days: m * DAYS_PER_MONTH, months: m });
  return out;
}

/** One of the child's measurements on a chart. */
export interface ChildPoint {
  evidenceId: string;
  date: string;
  ageDays: number;
  x: number;
  y: number;
  /** The z-score of this indicator; null when not computed (an implausible value, an age outside the tables). */
  z: number | null;
  implausible: boolean;
}

/** The child's measurements that belong on a chart, oldest first. */
export function childPoints(indicator: GrowthIndicator, growth: GrowthPoint[]): ChildPoint[] {
  const out: ChildPoint[] = [];
  for (const p of growth) {
    let x: number | null;
    let y: number | null;
    if (indicator === 'weightForAge') [x, y] = [p.ageDays, p.weightKg];
    else if (indicator === 'lengthForAge') [x, y] = [p.ageDays, p.lengthCm];
    else [x, y] = [p.lengthCm, p.weightKg];
    if (x === null || y === null) continue;
    out.push({
      evidenceId: p.evidenceId,
      date: p.date,
      ageDays: p.ageDays,
      x,
      y,
      z: p[indicator],
      implausible: p.implausible,
    });
  }
  return out.sort((a, b) => a.date.localeCompare(b.date) || a.ageDays - b.ageDays);
}

function curveRange(curves: GrowthCurves): [number, number] {
  const xs = curves.points.map((p) => p.x);
  return xs.length === 0 ? [0, 0] : [Math.min(...xs), Math.max(...xs)];
}

/**
 * What part of the curves to show. By age: from birth to a round number of months (6, 12,
 * 18 …) past the child's age and measurements, within the tables. By length: 5 cm around the
 * child's lengths, at least 20 cm wide, within the tables.
 */
export function xDomain(curves: GrowthCurves, points: ChildPoint[], ageDaysNow: number): [number, number] {
  const [cMin, cMax] = curveRange(curves);
  if (curves.x === 'ageDays') {
    const oldest = Math.max(ageDaysNow, ...points.map((p) => p.x));
    const months = Math.max(6, Math.ceil((oldest / DAYS_PER_MONTH + 1) / 6) * 6);
    return [Math.max(0, cMin), Math.min(cMax, months * DAYS_PER_MONTH)];
  }
  if (points.length === 0) return [cMin, cMax];
  let lo = Math.floor((Math.min(...points.map((p) => p.x)) - 5) / 5) * 5;
  let hi = Math.ceil((Math.max(...points.map((p) => p.x)) + 5) / 5) * 5;
  for (let below = true; hi - lo < 20; below = !below) {
    if (below) lo -= 5;
    else hi += 5;
  }
  if (lo < cMin) [lo, hi] = [cMin, Math.min(cMax, hi + (cMin - lo))];
  if (hi > cMax) [lo, hi] = [Math.max(cMin, lo - (hi - cMax)), cMax];
  return [lo, hi];
}

/**
 * The curve points within a domain (and the nearest one outside each end, so the lines reach
 * the edges), thinned evenly to at most `maxPoints`: the tables have a point a day.
 */
export function curvesInDomain(
  curves: GrowthCurves,
  domain: readonly [number, number],
  maxPoints = 150,
): GrowthCurves['points'] {
  const sorted = [...curves.points].sort((a, b) => a.x - b.x);
  let start = sorted.findIndex((p) => p.x >= domain[0]);
  if (start === -1) return [];
  if (start > 0 && sorted[start]!.x > domain[0]) start -= 1;
  let end = sorted.length - 1;
  while (end > start && sorted[end - 1]!.x >= domain[1]) end -= 1;
  const inside = sorted.slice(start, end + 1);
  if (inside.length <= maxPoints) return inside;
  const step = (inside.length - 1) / (maxPoints - 1);
  const out: GrowthCurves['points'] = [];
  for (let i = 0; i < maxPoints; i++) out.push(inside[Math.round(i * step)]!);
  return out;
}

/** The value range to show: the −3 to +3 SD curves and the child's points, widened to round numbers. */
export function yDomain(
  curvePoints: GrowthCurves['points'],
  points: ChildPoint[],
  xDomainShown: readonly [number, number],
  maxTicks = 6,
): { domain: [number, number]; ticks: number[] } {
  const values: number[] = [];
  for (const p of curvePoints) values.push(p.sd[0]!, p.sd[6]!);
  for (const p of points) if (p.x >= xDomainShown[0] && p.x <= xDomainShown[1]) values.push(p.y);
  if (values.length === 0) return niceDomain(0, 1, maxTicks);
  return niceDomain(Math.min(...values), Math.max(...values), maxTicks);
}

/** An SVG path through points, in pixels rounded to a tenth. */
export function linePath(points: readonly (readonly [number, number])[]): string {
  return points
    .map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${Math.round(x * 10) / 10} ${Math.round(y * 10) / 10}`)
    .join('');
}

/**
 * Label positions at least `gap` apart, in the same order, moving each as little as it can:
 * the names of curves that run close together (−2 and −3 at birth) do not print on each other.
 *
 * @example spreadLabels([100, 104, 50], 10) // [97, 107, 50]
 */
export function spreadLabels(ys: readonly number[], gap: number): number[] {
  const order = ys.map((y, i) => ({ y, i })).sort((a, b) => a.y - b.y);
  // Clusters of labels closer than the gap are spread evenly around their mean.
  const clusters: { start: number; ys: number[] }[] = [];
  for (const { y } of order) {
    clusters.push({ start: y, ys: [y] });
    for (;;) {
      const last = clusters[clusters.length - 1]!;
      const prev = clusters[clusters.length - 2];
      const mean = last.ys.reduce((s, v) => s + v, 0) / last.ys.length;
      last.start = mean - ((last.ys.length - 1) * gap) / 2;
      if (!prev || prev.start + (prev.ys.length - 1) * gap + gap <= last.start) break;
      clusters.pop();
      prev.ys.push(...last.ys);
    }
  }
  const placed = clusters.flatMap((c) => c.ys.map((_, k) => c.start + k * gap));
  const out: number[] = new Array(ys.length);
  order.forEach(({ i }, k) => {
    out[i] = placed[k]!;
  });
  return out;
}
