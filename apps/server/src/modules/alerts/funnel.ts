import type { DB } from '@tejido/db';
import {
  DomainError,
  type Funnel,
  type FunnelCounts,
  type FunnelQuery,
  type StageTime,
} from '@tejido/schemas';
import { type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Actor } from '../access/actor';
import { assertCan } from '../access/permissions';
import { codeRange, territoryInScope } from '../access/scope';
import { recordAudit } from '../audit/service';
import { alertInScope, detailsVisible } from './service';
import { type AlertTypeSet, loadAlertTypes } from './types';

type Db = Kysely<DB>;

/**
 * The programme's headline figure (seed 001: 35,028 alerts, 79 % referred, 38 % attended): how
 * many alerts raised in a period reached each stage, and how long each stage took (median and
 * 90th percentile), for a territory, institution or alert type; optionally a row per child
 * territory, type or institution. Sensitive alerts count in the funnels of those who may see
 * them (programme staff, case workers): for anyone else a count of one in a village would name
 * a case. Read from alert_funnel_idx (territory, raised_at, and the stage times it includes).
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
  const where = [alertInScope(actor), detailsVisible(actor), ...conditions(query)];
  const totals = await sql<Record<string, number | null>>`
    SELECT ${COUNTS},
      ${times('referred_at', 'raised_at', 'ir')},
      ${times('accepted_at', 'referred_at', 'ra')},
      ${times('attended_at', 'accepted_at', 'aa')},
      ${times('ended_at', 'attended_at', 'ac', sql`a.outcome = 'verified'`)}
    FROM alert a WHERE ${and(where)}`.execute(db);
  const t = totals.rows[0] ?? {};
  const stageTimes: StageTime[] = [
    stageTime('identified', 'referred', t, 'ir'),
    stageTime('referred', 'accepted', t, 'ra'),
    stageTime('accepted', 'attended', t, 'aa'),
    stageTime('attended', 'closed', t, 'ac'),
  ];
  const rows = query.groupBy ? await groupRows(db, query, where, types) : [];
  await recordAudit(db, actor, [{ action: 'alerts.funnel', entity: 'alert', detail: { ...query } }]);
  return { filters: query, counts: countsOf(t), times: stageTimes, rows };
}

const COUNTS = sql`count(*)::int AS identified,
  count(a.referred_at)::int AS referred,
  count(a.accepted_at)::int AS accepted,
  count(a.attended_at)::int AS attended,
  (count(*) FILTER (WHERE a.outcome = 'verified'))::int AS closed,
  (count(*) FILTER (WHERE a.outcome = 'resolved_by_evidence'))::int AS resolved,
  (count(*) FILTER (WHERE a.stage = 'cancelled'))::int AS cancelled,
  (count(*) FILTER (WHERE a.stage NOT IN ('closed', 'cancelled')))::int AS open,
  (count(*) FILTER (WHERE a.stage NOT IN ('closed', 'cancelled') AND a.stage_due_at < now()))::int AS overdue`;

/** Median and 90th percentile, in hours, of the time between two stages, and how many had both. */
function times(to: string, from: string, name: string, extra: RawBuilder<SqlBool> = sql<SqlBool>`true`) {
  const span = sql`extract(epoch FROM ${sql.ref(`a.${to}`)} - ${sql.ref(`a.${from}`)}) / 3600.0`;
  const has = sql`${sql.ref(`a.${to}`)} IS NOT NULL AND ${sql.ref(`a.${from}`)} IS NOT NULL AND ${extra}`;
  return sql`(count(*) FILTER (WHERE ${has}))::int AS ${sql.ref(`${name}_n`)},
    percentile_cont(0.5) WITHIN GROUP (ORDER BY ${span}) FILTER (WHERE ${has}) AS ${sql.ref(`${name}_median`)},
    percentile_cont(0.9) WITHIN GROUP (ORDER BY ${span}) FILTER (WHERE ${has}) AS ${sql.ref(`${name}_p90`)}`;
}

function stageTime(
  from: StageTime['from'],
  to: StageTime['to'],
  t: Record<string, number | null>,
  name: string,
): StageTime {
  const round = (x: number | null | undefined) =>
    x === null || x === undefined ? null : Math.round(Number(x) * 10) / 10;
  return {
    from,
    to,
    n: Number(t[`${name}_n`] ?? 0),
    medianHours: round(t[`${name}_median`]),
    p90Hours: round(t[`${name}_p90`]),
  };
}

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

function conditions(q: FunnelQuery): RawBuilder<SqlBool>[] {
  const where: RawBuilder<SqlBool>[] = [];
  if (q.territory) {
    if (q.territory.length > 6) where.push(sql<SqlBool>`a.village_code = ${q.territory}`);
    else {
      const { start, end } = codeRange(q.territory);
      where.push(sql<SqlBool>`a.territory_code >= ${start}`);
      if (end !== null) where.push(sql<SqlBool>`a.territory_code < ${end}`);
    }
  }
  if (q.institution) where.push(sql<SqlBool>`a.institution_id = ${q.institution}`);
  if (q.type) where.push(sql<SqlBool>`a.type_code = ${q.type}`);
  if (q.from)
    where.push(sql<SqlBool>`a.raised_at >= (${q.from}::date)::timestamp AT TIME ZONE 'America/Lima'`);
  if (q.to)
    where.push(sql<SqlBool>`a.raised_at < ((${q.to}::date + 1)::timestamp AT TIME ZONE 'America/Lima')`);
  return where;
}

const and = (list: RawBuilder<SqlBool>[]) =>
  list.length === 0 ? sql<SqlBool>`true` : sql<SqlBool>`${sql.join(list, sql` AND `)}`;

async function groupRows(
  db: Db,
  q: FunnelQuery,
  where: RawBuilder<SqlBool>[],
  types: AlertTypeSet,
): Promise<Funnel['rows']> {
  let key: RawBuilder<string>;
  switch (q.groupBy) {
    case 'type':
      key = sql<string>`a.type_code`;
      break;
    case 'institution':
      key = sql<string>`coalesce(a.institution_id::text, '')`;
      break;
    default: {
      // The level below the filter's: regions, provinces, districts, then villages.
      const length = q.territory ? q.territory.length : 0;
      key =
        length >= 6
          ? sql<string>`coalesce(a.village_code, '')`
          : sql<string>`left(a.territory_code, ${length === 0 ? 2 : length === 2 ? 4 : 6})`;
    }
  }
  const rows = await sql<Record<string, number | string | null> & { key: string }>`
    SELECT ${key} AS key, ${COUNTS} FROM alert a WHERE ${and(where)}
    GROUP BY 1 ORDER BY 2 DESC, 1`.execute(db);
  const keys = rows.rows.map((r) => r.key).filter((k) => k !== '');
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
  return rows.rows.map((r) => ({
    key: r.key,
    label:
      r.key === ''
        ? q.groupBy === 'institution'
          ? 'Sin derivar'
          : 'Sin centro poblado'
        : (labels.get(r.key) ?? r.key),
    counts: countsOf(r),
  }));
}
