import { addDays, todayInPeru } from '@tejido/core';
import type { DB } from '@tejido/db';
import {
  DomainError,
  type Funnel,
  type FunnelCounts,
  type FunnelQuery,
  type StageTime,
} from '@tejido/schemas';
import { type Kysely, type RawBuilder, type SqlBool, sql, type Transaction } from 'kysely';
import type { Actor } from '../access/actor';
import { assertCan, can } from '../access/permissions';
import { codeRange, territoryInScope } from '../access/scope';
import { recordAudit } from '../audit/service';
import { alertInScope, detailsVisible } from './service';
import { type AlertTypeSet, loadAlertTypes } from './types';

type Db = Kysely<DB>;

/**
 * The programme's headline figure (seed 001: 35,028 alerts, 79 % referred, 38 % attended): how
 * many alerts raised in a period reached each stage, and how long each step took (median and 90th
 * percentile), for a territory, institution or alert type; optionally a row per child territory,
 * type or institution. Sensitive alerts count in the funnels of those who may see them
 * (programme staff, case workers): for anyone else a count of one in a village would name a case.
 *
 * Whole months come from the monthly sums (migration 0005: counts per district, month, type,
 * institution; step-time histograms per district and month), which the alert jobs rebuild for the
 * months whose alerts changed, every round (30 s): a change reaches them within a round or two,
 * since rebuilding a busy month takes a second or more and must not sit in a request. The partial
 * months at the period's edges, a village, and times filtered by type or institution read `alert`
 * itself. Counts are exact as of the last rebuild; medians and 90th percentiles come from
 * histograms of 64 buckets 20 % wide (within about 10 %).
 */
export async function alertFunnel(
  db: Db,
  actor: Actor,
  query: FunnelQuery,
  types: AlertTypeSet = loadAlertTypes(),
): Promise<Funnel> {
  assertCan(actor, 'alerts.funnel');
  if (query.territory && !territoryInScope(actor, query.territory)) {
    throw new DomainError('NOT_FOUND', 'No such territory in your scope');
  }
  const village = (query.territory?.length ?? 0) > 6;
  const monthly =
    (actor.scope.kind === 'national' || actor.scope.kind === 'territory') &&
    !village &&
    !(query.groupBy === 'territory' && (query.territory?.length ?? 0) >= 6);
  const period = monthly ? splitPeriod(query.from, query.to, todayInPeru()) : wholePeriod(query);
  const allSensitive = actor.kind === 'system' || can(actor, 'alerts.sensitive');

  // Counts, per group: the monthly sums for whole months, the alerts for the edges.
  const groups = new Map<string, FunnelCounts>();
  const add = (key: string, c: FunnelCounts) => {
    const g = groups.get(key);
    if (!g) groups.set(key, { ...c });
    else for (const k of Object.keys(c) as Array<keyof FunnelCounts>) g[k] += c[k];
  };
  const rowKey = query.groupBy ? groupKey(query) : null;
  if (period.months) {
    const f = monthConditions(actor, query, period.months, allSensitive);
    const rows = await sql<Record<string, string | number>>`
      SELECT ${rowKey ? rowKey.monthly : sql`''`} AS key, ${MONTHLY_SUMS}
      FROM alert_funnel_month f WHERE ${and(f)} GROUP BY 1`.execute(db);
    for (const r of rows.rows) add(String(r.key), countsOf(r));
  }
  for (const edge of period.edges) {
    const where = [alertInScope(actor), detailsVisible(actor), ...alertConditions(query, edge)];
    const rows = await sql<Record<string, string | number>>`
      SELECT ${rowKey ? rowKey.alert : sql`''`} AS key, ${ALERT_COUNTS}
      FROM alert a WHERE ${and(where)} GROUP BY 1`.execute(db);
    for (const r of rows.rows) add(String(r.key), countsOf(r));
  }
  const total = emptyCounts();
  for (const c of groups.values())
    for (const k of Object.keys(c) as Array<keyof FunnelCounts>) total[k] += c[k];

  // Step times: histograms summed the same way.
  const histogram = new Float64Array(STEPS * BUCKETS);
  if (period.months && !query.type && !query.institution) {
    const f = monthConditions(actor, { territory: query.territory }, period.months, allSensitive);
    const rows = await sql<{ histograms: Uint8Array }>`
      SELECT histograms FROM alert_funnel_times f WHERE ${and(f)}`.execute(db);
    for (const r of rows.rows) {
      const counts = new DataView(r.histograms.buffer, r.histograms.byteOffset, r.histograms.byteLength);
      for (let i = 0; i < STEPS * BUCKETS; i++) histogram[i]! += counts.getInt32(i * 4, true);
    }
  } else if (period.months) {
    await alertHistogram(db, actor, query, monthSpan(period.months), histogram);
  }
  for (const edge of period.edges) await alertHistogram(db, actor, query, edge, histogram);
  const steps: Array<[StageTime['from'], StageTime['to']]> = [
    ['identified', 'referred'],
    ['referred', 'accepted'],
    ['accepted', 'attended'],
    ['attended', 'closed'],
  ];
  const times = steps.map(([from, to], step) =>
    stageTime(from, to, histogram.subarray(step * BUCKETS, (step + 1) * BUCKETS)),
  );

  const rows = rowKey ? await labelled(db, query, groups, types) : [];
  await recordAudit(db, actor, [{ action: 'alerts.funnel', entity: 'alert', detail: { ...query } }]);
  return { filters: query, counts: total, times, rows };
}

// ---------------------------------------------------------------------------------------------
// Periods

interface DaySpan {
  /** First day, inclusive; null: from the beginning. */
  from: string | null;
  /** Last day, inclusive; null: to the end. */
  to: string | null;
}

/** Whole months (their first days, inclusive) read from the monthly sums, and the days around them. */
interface Period {
  months: { from: string | null; to: string | null } | null;
  edges: DaySpan[];
}

const monthOf = (day: string) => `${day.slice(0, 7)}-01`;
const nextMonth = (month: string) => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
};
const lastDayOf = (month: string) => addDays(nextMonth(month), -1);

function wholePeriod(q: FunnelQuery): Period {
  return { months: null, edges: [{ from: q.from ?? null, to: q.to ?? null }] };
}

/**
 * Split [from, to] into whole months and the partial months at its ends. A period that runs to
 * today or later takes the current month whole: no alert is raised in the future.
 */
export function splitPeriod(from: string | undefined, to: string | undefined, today: string): Period {
  const end = to === undefined || to >= today ? null : to;
  let first = from === undefined ? null : from.endsWith('-01') ? from : nextMonth(monthOf(from));
  let last = end === null ? null : end === lastDayOf(monthOf(end)) ? monthOf(end) : addDays(monthOf(end), -1);
  const edges: DaySpan[] = [];
  if (first !== null && last !== null && last < first) {
    return { months: null, edges: [{ from: from ?? null, to: end }] };
  }
  if (from !== undefined && first !== from) edges.push({ from, to: addDays(first!, -1) });
  if (end !== null && last !== monthOf(end)) edges.push({ from: monthOf(end), to: end });
  if (last !== null) last = monthOf(last);
  if (first !== null) first = monthOf(first);
  return { months: { from: first, to: last }, edges };
}

function monthSpan(months: { from: string | null; to: string | null }): DaySpan {
  return { from: months.from, to: months.to === null ? null : lastDayOf(months.to) };
}

// ---------------------------------------------------------------------------------------------
// Conditions

const and = (list: RawBuilder<SqlBool>[]) =>
  list.length === 0 ? sql<SqlBool>`true` : sql<SqlBool>`${sql.join(list, sql` AND `)}`;

function territoryRange(column: string, code: string): RawBuilder<SqlBool>[] {
  const { start, end } = codeRange(code);
  const c = sql.ref(column);
  return end === null
    ? [sql<SqlBool>`${c} >= ${start}`]
    : [sql<SqlBool>`${c} >= ${start}`, sql<SqlBool>`${c} < ${end}`];
}

/** Conditions on the monthly sums (`f`): the actor's territory, the filters, whole months, sensitivity. */
function monthConditions(
  actor: Actor,
  q: Pick<FunnelQuery, 'territory' | 'type' | 'institution'>,
  months: { from: string | null; to: string | null },
  allSensitive: boolean,
): RawBuilder<SqlBool>[] {
  const where: RawBuilder<SqlBool>[] = [];
  if (actor.scope.kind === 'territory')
    where.push(...territoryRange('f.territory_code', actor.scope.territoryCode));
  if (q.territory) where.push(...territoryRange('f.territory_code', q.territory));
  if (q.type) where.push(sql<SqlBool>`f.type_code = ${q.type}`);
  if (q.institution) where.push(sql<SqlBool>`f.institution = ${q.institution}`);
  if (months.from) where.push(sql<SqlBool>`f.month >= ${months.from}::date`);
  if (months.to) where.push(sql<SqlBool>`f.month <= ${months.to}::date`);
  if (!allSensitive) where.push(sql<SqlBool>`NOT f.sensitive`);
  return where;
}

/** Conditions on alerts (`a`): the filters and a span of raising days. */
function alertConditions(q: FunnelQuery, span: DaySpan): RawBuilder<SqlBool>[] {
  const where: RawBuilder<SqlBool>[] = [];
  if (q.territory) {
    if (q.territory.length > 6) where.push(sql<SqlBool>`a.village_code = ${q.territory}`);
    else where.push(...territoryRange('a.territory_code', q.territory));
  }
  if (q.institution) where.push(sql<SqlBool>`a.institution_id = ${q.institution}`);
  if (q.type) where.push(sql<SqlBool>`a.type_code = ${q.type}`);
  if (span.from)
    where.push(sql<SqlBool>`a.raised_at >= (${span.from}::date)::timestamp AT TIME ZONE 'America/Lima'`);
  if (span.to) {
    where.push(sql<SqlBool>`a.raised_at < ((${span.to}::date + 1)::timestamp AT TIME ZONE 'America/Lima')`);
  }
  return where;
}

// ---------------------------------------------------------------------------------------------
// Counts

const MONTHLY_SUMS = sql`sum(f.identified)::int AS identified, sum(f.referred)::int AS referred,
  sum(f.accepted)::int AS accepted, sum(f.attended)::int AS attended, sum(f.closed)::int AS closed,
  sum(f.resolved)::int AS resolved, sum(f.cancelled)::int AS cancelled, sum(f.open)::int AS open,
  sum(f.overdue)::int AS overdue`;

const ALERT_COUNTS = sql`count(*)::int AS identified,
  count(a.referred_at)::int AS referred,
  count(a.accepted_at)::int AS accepted,
  count(a.attended_at)::int AS attended,
  (count(*) FILTER (WHERE a.outcome = 'verified'))::int AS closed,
  (count(*) FILTER (WHERE a.outcome = 'resolved_by_evidence'))::int AS resolved,
  (count(*) FILTER (WHERE a.stage = 'cancelled'))::int AS cancelled,
  (count(*) FILTER (WHERE a.stage NOT IN ('closed', 'cancelled')))::int AS open,
  (count(*) FILTER (WHERE a.stage NOT IN ('closed', 'cancelled') AND a.stage_due_at < now()))::int AS overdue`;

const emptyCounts = (): FunnelCounts => ({
  identified: 0,
  referred: 0,
  accepted: 0,
  attended: 0,
  closed: 0,
  resolvedByEvidence: 0,
  cancelled: 0,
  open: 0,
  overdue: 0,
});

function countsOf(r: Record<string, number | null | string>): FunnelCounts {
  const n = (k: string) => Number(r[k] ?? 0);
  return {
    identified: n('identified'),
    referred: n('referred'),
    accepted: n('accepted'),
    attended: n('attended'),
    closed: n('closed'),
    resolvedByEvidence: n('resolved'),
    cancelled: n('cancelled'),
    open: n('open'),
    overdue: n('overdue'),
  };
}

/** What a breakdown row is keyed by, on the monthly sums and on alerts. */
function groupKey(q: FunnelQuery): { monthly: RawBuilder<string>; alert: RawBuilder<string> } {
  switch (q.groupBy) {
    case 'type':
      return { monthly: sql<string>`f.type_code`, alert: sql<string>`a.type_code` };
    case 'institution':
      return {
        monthly: sql<string>`f.institution`,
        alert: sql<string>`coalesce(a.institution_id::text, '')`,
      };
    default: {
      // The level below the filter's: regions, provinces, districts, then villages (alerts only).
      const length = q.territory ? q.territory.length : 0;
      if (length >= 6) return { monthly: sql<string>`''`, alert: sql<string>`coalesce(a.village_code, '')` };
      const child = length === 0 ? 2 : length === 2 ? 4 : 6;
      return {
        monthly: sql<string>`left(f.territory_code, ${child})`,
        alert: sql<string>`left(a.territory_code, ${child})`,
      };
    }
  }
}

async function labelled(
  db: Db,
  q: FunnelQuery,
  groups: Map<string, FunnelCounts>,
  types: AlertTypeSet,
): Promise<Funnel['rows']> {
  const keys = [...groups.keys()].filter((k) => k !== '');
  const labels = new Map<string, string>();
  if (keys.length > 0 && (q.groupBy === 'territory' || q.groupBy === undefined)) {
    for (const t of await db
      .selectFrom('territory')
      .select(['code', 'name'])
      .where('code', 'in', keys)
      .execute())
      labels.set(t.code, t.name);
  } else if (keys.length > 0 && q.groupBy === 'institution') {
    for (const i of await db
      .selectFrom('institution')
      .select(['id', 'name'])
      .where('id', 'in', keys)
      .execute())
      labels.set(i.id, i.name);
  } else if (q.groupBy === 'type') {
    for (const t of types.types.values()) labels.set(t.code, t.name.es);
  }
  return [...groups.entries()]
    .map(([key, counts]) => ({
      key,
      label:
        key === ''
          ? q.groupBy === 'institution'
            ? 'Sin derivar'
            : 'Sin centro poblado'
          : (labels.get(key) ?? key),
      counts,
    }))
    .sort((a, b) => b.counts.identified - a.counts.identified || a.key.localeCompare(b.key));
}

// ---------------------------------------------------------------------------------------------
// Step times

const STEPS = 4;
const BUCKETS = 64;
const FIRST_EDGE_HOURS = 0.1;
const RATIO = 1.2;

/** The bucket of a duration in hours: 0 below 6 minutes, then buckets 20 % wide up to about a year. */
export function bucketOf(hours: number): number {
  if (!(hours >= FIRST_EDGE_HOURS)) return 0;
  return Math.min(BUCKETS - 1, 1 + Math.floor(Math.log(hours / FIRST_EDGE_HOURS) / Math.log(RATIO)));
}

/** The same in SQL, for durations given in hours. */
function bucketSql(hours: RawBuilder<number>): RawBuilder<number> {
  return sql<number>`CASE WHEN ${hours} < ${FIRST_EDGE_HOURS} THEN 0
    ELSE least(${BUCKETS - 1}, 1 + floor(ln(${hours} / ${FIRST_EDGE_HOURS}) / ln(${RATIO}))::int) END`;
}

const lowerEdge = (b: number) => (b === 0 ? 0 : FIRST_EDGE_HOURS * RATIO ** (b - 1));
const upperEdge = (b: number) => FIRST_EDGE_HOURS * RATIO ** b;

/** The hours of each step of an alert, in SQL: identified → referred → accepted → attended → closed. */
const STEP_HOURS: ReadonlyArray<RawBuilder<number>> = [
  sql<number>`extract(epoch FROM a.referred_at - a.raised_at) / 3600.0`,
  sql<number>`extract(epoch FROM a.accepted_at - a.referred_at) / 3600.0`,
  sql<number>`extract(epoch FROM a.attended_at - a.accepted_at) / 3600.0`,
  sql<number>`CASE WHEN a.outcome = 'verified' THEN extract(epoch FROM a.ended_at - a.attended_at) / 3600.0 END`,
];

/** Add to `histogram` the step times of the alerts of a span (the funnel's filters applied). */
async function alertHistogram(
  db: Db | Transaction<DB>,
  actor: Actor,
  q: FunnelQuery,
  span: DaySpan,
  histogram: Float64Array,
): Promise<void> {
  const where = [alertInScope(actor), detailsVisible(actor), ...alertConditions(q, span)];
  const rows = await sql<{ step: number; bucket: number; n: number }>`
    SELECT s.step, ${bucketSql(sql`s.hours`)} AS bucket, count(*)::int AS n
    FROM alert a
    CROSS JOIN LATERAL (VALUES (0, ${STEP_HOURS[0]}), (1, ${STEP_HOURS[1]}), (2, ${STEP_HOURS[2]}), (3, ${STEP_HOURS[3]}))
      AS s(step, hours)
    WHERE ${and(where)} AND s.hours IS NOT NULL
    GROUP BY 1, 2`.execute(db);
  for (const r of rows.rows) histogram[r.step * BUCKETS + r.bucket]! += r.n;
}

/** A percentile of a histogram, interpolated within its bucket; null when empty. */
export function histogramPercentile(counts: ArrayLike<number>, p: number): number | null {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i]!;
  if (total === 0) return null;
  const rank = p * total;
  let seen = 0;
  for (let b = 0; b < counts.length; b++) {
    const n = counts[b]!;
    if (n > 0 && seen + n >= rank) {
      const within = Math.min(1, Math.max(0, (rank - seen) / n));
      return lowerEdge(b) + (upperEdge(b) - lowerEdge(b)) * within;
    }
    seen += n;
  }
  return upperEdge(counts.length - 1);
}

function stageTime(from: StageTime['from'], to: StageTime['to'], counts: Float64Array): StageTime {
  const round = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);
  let n = 0;
  for (let i = 0; i < counts.length; i++) n += counts[i]!;
  return {
    from,
    to,
    n,
    medianHours: round(histogramPercentile(counts, 0.5)),
    p90Hours: round(histogramPercentile(counts, 0.9)),
  };
}

// ---------------------------------------------------------------------------------------------
// The monthly sums

/**
 * Rebuild the monthly sums of the months whose alerts changed (alert_funnel_dirty). The marks are
 * taken in a short statement of their own, so that steps on alerts (whose triggers mark their
 * month) never wait for a rebuild; a change committed after that marks its month again for the
 * next round, and a rebuild that fails puts its marks back. One rebuild at a time (a session
 * lock); cheap when nothing changed.
 */
export async function refreshFunnel(db: Db): Promise<number> {
  const pending = await db.selectFrom('alert_funnel_dirty').select('month').limit(1).execute();
  if (pending.length === 0) return 0;
  return db.connection().execute(async (conn) => {
    const locked = await sql<{ ok: boolean }>`SELECT pg_try_advisory_lock(${FUNNEL_LOCK}) AS ok`.execute(
      conn,
    );
    if (!locked.rows[0]?.ok) return 0;
    try {
      const months = (
        await sql<{ month: string }>`DELETE FROM alert_funnel_dirty RETURNING month::text AS month`.execute(
          conn,
        )
      ).rows.map((r) => r.month);
      if (months.length === 0) return 0;
      try {
        await conn.transaction().execute((trx) => rebuildMonths(trx, months));
      } catch (error) {
        await sql`INSERT INTO alert_funnel_dirty (month) SELECT unnest(${months}::date[]) ON CONFLICT DO NOTHING`.execute(
          conn,
        );
        throw error;
      }
      return months.length;
    } finally {
      await sql`SELECT pg_advisory_unlock(${FUNNEL_LOCK})`.execute(conn);
    }
  });
}

/** Any number, the same for every Tejido: one rebuild of the funnel's sums at a time. */
const FUNNEL_LOCK = 7_263_102;

async function rebuildMonths(trx: Transaction<DB>, months: string[]): Promise<void> {
  // Each month as a range of raising times, which alert_raised_idx reads directly.
  const inMonths = sql<SqlBool>`(${sql.join(
    months.map(
      (m) => sql`(a.raised_at >= (${m}::date)::timestamp AT TIME ZONE 'America/Lima'
          AND a.raised_at < ((${m}::date + interval '1 month')::timestamp AT TIME ZONE 'America/Lima'))`,
    ),
    sql` OR `,
  )})`;
  await sql`DELETE FROM alert_funnel_month WHERE month = ANY(${months}::date[])`.execute(trx);
  await sql`DELETE FROM alert_funnel_times WHERE month = ANY(${months}::date[])`.execute(trx);
  await sql`
      INSERT INTO alert_funnel_month (territory_code, month, type_code, institution, sensitive, identified, referred,
                                      accepted, attended, closed, resolved, cancelled, open, overdue)
      SELECT a.territory_code, date_trunc('month', a.raised_at AT TIME ZONE 'America/Lima')::date, a.type_code,
             coalesce(a.institution_id::text, ''), a.sensitive, ${ALERT_COUNTS}
      FROM alert a WHERE ${inMonths}
      GROUP BY 1, 2, 3, 4, 5`.execute(trx);
  const buckets = await sql<{
    territory_code: string;
    month: string;
    sensitive: boolean;
    step: number;
    bucket: number;
    n: number;
  }>`
      SELECT a.territory_code, date_trunc('month', a.raised_at AT TIME ZONE 'America/Lima')::date::text AS month,
             a.sensitive, s.step, ${bucketSql(sql`s.hours`)} AS bucket, count(*)::int AS n
      FROM alert a
      CROSS JOIN LATERAL (VALUES (0, ${STEP_HOURS[0]}), (1, ${STEP_HOURS[1]}), (2, ${STEP_HOURS[2]}), (3, ${STEP_HOURS[3]}))
        AS s(step, hours)
      WHERE ${inMonths} AND s.hours IS NOT NULL
      GROUP BY 1, 2, 3, 4, 5`.execute(trx);
  const histograms = new Map<
    string,
    { territory_code: string; month: string; sensitive: boolean; data: Buffer }
  >();
  for (const r of buckets.rows) {
    const key = `${r.territory_code}|${r.month}|${r.sensitive}`;
    let h = histograms.get(key);
    if (!h) {
      h = {
        territory_code: r.territory_code,
        month: r.month,
        sensitive: r.sensitive,
        data: Buffer.alloc(STEPS * BUCKETS * 4),
      };
      histograms.set(key, h);
    }
    h.data.writeInt32LE(r.n, (r.step * BUCKETS + r.bucket) * 4);
  }
  const rows = [...histograms.values()].map((h) => ({
    territory_code: h.territory_code,
    month: h.month,
    sensitive: h.sensitive,
    histograms: h.data,
  }));
  for (let i = 0; i < rows.length; i += 1000) {
    await trx
      .insertInto('alert_funnel_times')
      .values(rows.slice(i, i + 1000))
      .execute();
  }
}
