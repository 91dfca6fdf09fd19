import type { DB } from '@tejido/db';
import { type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely';
import { type AlertTypeSet, loadAlertTypes } from './types';

/**
 * Rule alerts follow the stored statuses: each status row lists the rule alert types that fire
 * for its person (tracking_status.alerts, written with the status). This raises an alert for
 * every type that fires without an open one, and closes the open rule alerts whose type no longer
 * fires: "resolved by evidence" when evidence of a kind that answers the type (its `resolvedBy`)
 * was recorded since the alert was raised (the latest is linked), "rule cleared" when the rule
 * stopped holding without such evidence (the child left the item's age), "not tracked" when the
 * person has no status any more. Set-based: two statements whatever the number of persons, in
 * the caller's transaction.
 */

/** Persons whose alerts to synchronise: all tracked persons (after a recompute) or some. */
export type AlertSyncScope = { kind: 'all' } | { kind: 'persons'; ids: readonly string[] };

export interface AlertSyncOptions {
  types?: AlertTypeSet;
}

export interface AlertSyncResult {
  raised: number;
  closed: number;
}

/**
 * A rule alert cancelled or verified-closed by a person is not raised again for this long, even
 * if its rule still holds (the family moved away; the institution attended and the evidence has
 * not reached the health information system yet): otherwise the next daily recompute would undo
 * the person's decision.
 */
export const RULE_ALERT_QUIET_DAYS = 30;

/** A time-ordered UUID (version 7) made by the database, for rows created in bulk. */
export const SQL_UUID_V7 = sql<string>`encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) placing substring(int8send((extract(epoch from clock_timestamp()) * 1000)::bigint) from 3) from 1 for 6), 52, 1), 53, 1), 'hex')::uuid`;

export async function syncRuleAlerts(
  db: Kysely<DB>,
  scope: AlertSyncScope,
  options: AlertSyncOptions = {},
): Promise<AlertSyncResult> {
  if (scope.kind === 'persons' && scope.ids.length === 0) return { raised: 0, closed: 0 };
  const types = options.types ?? loadAlertTypes();
  const ruleTypes = [...types.types.values()]
    .filter((t) => t.rule !== undefined)
    .map((t) => ({
      code: t.code,
      severity: t.severity,
      sensitive: t.sensitive,
      refer_hours: t.deadlines.refer,
      resolved_by: t.resolvedBy ?? [],
    }));
  const typeTable = sql`jsonb_to_recordset(${JSON.stringify(ruleTypes)}::jsonb)
    AS t(code text, severity text, sensitive boolean, refer_hours int, resolved_by text[])`;
  const onAlert: RawBuilder<SqlBool> =
    scope.kind === 'all'
      ? sql<SqlBool>`true`
      : sql<SqlBool>`a.person_id = ANY(${sql.val([...scope.ids])}::uuid[])`;
  const onStatus: RawBuilder<SqlBool> =
    scope.kind === 'all'
      ? sql<SqlBool>`true`
      : sql<SqlBool>`s.person_id = ANY(${sql.val([...scope.ids])}::uuid[])`;

  // 1. Close what no longer fires, with a 'resolve' step in the history.
  const closed = await sql<{ n: number }>`
    WITH gone AS (
      SELECT a.id, a.stage, a.type_code, a.institution_id, a.person_id, a.raised_at,
             (s.person_id IS NULL) AS untracked
      FROM alert a
      LEFT JOIN tracking_status s ON s.person_id = a.person_id
      WHERE a.origin = 'rule' AND a.stage NOT IN ('closed', 'cancelled') AND ${onAlert}
        AND (s.person_id IS NULL OR NOT (a.type_code = ANY (s.alerts)))
    ),
    linked AS (
      SELECT g.*, CASE WHEN g.untracked THEN NULL
        ELSE (SELECT e.id FROM evidence e
              WHERE e.person_id = g.person_id AND e.recorded_at >= g.raised_at AND e.kind = ANY (t.resolved_by)
                AND NOT EXISTS (SELECT 1 FROM evidence_retraction r WHERE r.evidence_id = e.id)
              ORDER BY e.recorded_at DESC, e.id DESC LIMIT 1) END AS evidence_id
      FROM gone g LEFT JOIN ${typeTable} ON t.code = g.type_code
    ),
    done AS (
      UPDATE alert a SET stage = 'closed',
        outcome = CASE WHEN l.untracked THEN 'not_tracked' WHEN l.evidence_id IS NOT NULL THEN 'resolved_by_evidence'
                       ELSE 'rule_cleared' END,
        resolved_by_evidence_id = l.evidence_id, ended_at = now(), stage_due_at = NULL,
        version = a.version + 1, updated_at = now()
      FROM linked l
      -- Re-checked on the row as it is when locked: a person who cancelled or closed it meanwhile wins.
      WHERE a.id = l.id AND a.stage NOT IN ('closed', 'cancelled')
      RETURNING a.id, l.stage AS from_stage, a.institution_id, a.outcome, a.resolved_by_evidence_id
    ),
    logged AS (
      INSERT INTO alert_event (alert_id, action, from_stage, to_stage, institution_id, actor_kind, actor_name, detail)
      SELECT id, 'resolve', from_stage, 'closed', institution_id, 'system', 'tejido',
             jsonb_build_object('outcome', outcome, 'evidenceId', resolved_by_evidence_id)
      FROM done
      RETURNING 1
    )
    SELECT count(*)::int AS n FROM logged`.execute(db);

  // 2. Raise what fires without an open alert (nor one a person closed lately).
  const raised = await sql`
    INSERT INTO alert (id, type_code, origin, severity, sensitive, person_id, household_id, territory_code,
                       village_code, health_facility_id, field_worker_id, stage, stage_due_at, raised_at, updated_at)
    SELECT ${SQL_UUID_V7}, t.code, 'rule', t.severity, t.sensitive, s.person_id, s.household_id, s.territory_code,
           s.village_code, s.health_facility_id, s.field_worker_id, 'identified',
           now() + make_interval(hours => t.refer_hours), now(), now()
    FROM tracking_status s
    CROSS JOIN LATERAL unnest(s.alerts) AS f(code)
    JOIN ${typeTable} ON t.code = f.code
    WHERE cardinality(s.alerts) > 0 AND ${onStatus}
      AND NOT EXISTS (
        SELECT 1 FROM alert a
        WHERE a.person_id = s.person_id AND a.type_code = f.code AND a.origin = 'rule'
          AND (a.stage NOT IN ('closed', 'cancelled')
               OR ((a.stage = 'cancelled' OR a.outcome = 'verified')
                   AND a.ended_at > now() - make_interval(days => ${RULE_ALERT_QUIET_DAYS}))))
    ON CONFLICT DO NOTHING`.execute(db);

  return { raised: Number(raised.numAffectedRows ?? 0n), closed: closed.rows[0]?.n ?? 0 };
}

/**
 * Keep the open alerts of a household in step with its district, village, health facility and
 * field worker after a registry change (boards and scopes read the alert's copy). Ended alerts
 * keep where they were raised, so past funnels do not move.
 */
export async function syncHouseholdAlerts(db: Kysely<DB>, householdId: string): Promise<void> {
  await sql`
    UPDATE alert a SET territory_code = h.territory_code, village_code = h.village_code,
      health_facility_id = h.health_facility_id, field_worker_id = h.field_worker_id, updated_at = now()
    FROM household h
    WHERE h.id = ${householdId} AND a.household_id = h.id AND a.stage NOT IN ('closed', 'cancelled')
      AND (a.territory_code, a.village_code, a.health_facility_id, a.field_worker_id)
          IS DISTINCT FROM (h.territory_code, h.village_code, h.health_facility_id, h.field_worker_id)`.execute(
    db,
  );
}
