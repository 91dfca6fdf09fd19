import { deadlineOfStage, MAX_ESCALATION_LEVEL, OPEN_ALERT_STAGES } from '@tejido/core';
import type { Database, DB } from '@tejido/db';
import { type Kysely, sql } from 'kysely';
import { type AlertTypeSet, loadAlertTypes } from '../alerts/types';

/**
 * Deadlines of open alerts, checked by the jobs loop:
 * (a) a reminder when a stage's deadline is less than the programme's reminder time away;
 * (b) an escalation when it has passed: one level up (district, province, region, national
 *     coordinators), with a new deadline one stage-duration later and a new reminder to come.
 * Each is one set-based statement over alert_due_idx that moves the alert's deadline bookkeeping
 * and writes its alert_event in the same statement; the dispatcher turns the events into
 * notifications. The alert's version is left alone: a reminder or an escalation changes no
 * stage, and must not make a person's next step fail as if someone else had acted.
 */

export interface DeadlineOptions {
  /** Alerts per statement; the statements repeat until none is left. */
  batch?: number;
  /** The embedded database has one connection: nothing to skip there. */
  engine?: Database['engine'];
}

export interface DeadlineResult {
  reminded: number;
  escalated: number;
}

/** Stages whose deadline runs, with the deadline's name: the CASE both statements use. */
function deadlineCase() {
  const stages = OPEN_ALERT_STAGES.filter((s) => deadlineOfStage(s) !== null);
  const whens = stages.map((s) => sql`WHEN ${s} THEN ${deadlineOfStage(s)}`);
  return { stages, expr: sql`(CASE a.stage ${sql.join(whens, sql` `)} END)` };
}

const isoUtc = (column: string) =>
  sql`to_char(${sql.ref(column)} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

export async function checkDeadlines(
  db: Kysely<DB>,
  now: Date = new Date(),
  types: AlertTypeSet = loadAlertTypes(),
  options: DeadlineOptions = {},
): Promise<DeadlineResult> {
  const batch = options.batch ?? 1000;
  const skipLocked = options.engine === 'pglite' ? sql`` : sql`FOR UPDATE SKIP LOCKED`;
  const { stages, expr } = deadlineCase();
  const remindFrom = new Date(now.getTime() + types.reminderHours * 3_600_000);
  // Hours of each stage's deadline per alert type, one parameter: {"vaccine_overdue": {"refer": 72, …}}.
  const hours = JSON.stringify(Object.fromEntries([...types.types].map(([code, t]) => [code, t.deadlines])));
  const result: DeadlineResult = { reminded: 0, escalated: 0 };

  for (;;) {
    const r = await sql<{ n: number }>`
      WITH due AS (
        SELECT a.id FROM alert a
        WHERE a.stage_due_at IS NOT NULL AND a.stage_due_at > ${now} AND a.stage_due_at <= ${remindFrom}
          AND NOT a.reminded AND a.stage IN (${sql.join(stages)})
        ORDER BY a.stage_due_at LIMIT ${batch} ${skipLocked}
      ), moved AS (
        UPDATE alert a SET reminded = true, updated_at = ${now}
        FROM due WHERE a.id = due.id
        RETURNING a.id, a.stage, a.stage_due_at, a.institution_id, ${expr} AS deadline
      ), written AS (
        INSERT INTO alert_event (alert_id, action, from_stage, to_stage, institution_id, actor_kind, actor_name, at, detail)
        SELECT id, 'remind', stage, stage, institution_id, 'system', 'tejido', ${now},
               jsonb_build_object('deadline', deadline, 'dueAt', ${isoUtc('stage_due_at')})
        FROM moved ORDER BY stage_due_at, id
        RETURNING 1
      )
      SELECT count(*)::int AS n FROM written`.execute(db);
    const n = Number(r.rows[0]?.n ?? 0);
    result.reminded += n;
    if (n < batch) break;
  }

  for (;;) {
    // The new deadline is the missed one plus the stage's full duration for the alert's type;
    // a type no longer configured keeps a day.
    const r = await sql<{ n: number }>`
      WITH due AS (
        SELECT a.id FROM alert a
        WHERE a.stage_due_at IS NOT NULL AND a.stage_due_at <= ${now}
          AND a.escalation_level < ${MAX_ESCALATION_LEVEL} AND a.stage IN (${sql.join(stages)})
          -- One level per alert and run, even when its new deadline has passed too.
          AND a.updated_at <> ${now}
        ORDER BY a.stage_due_at LIMIT ${batch} ${skipLocked}
      ), old AS (
        SELECT a.id, a.stage_due_at AS missed, ${expr} AS deadline, a.type_code
        FROM alert a JOIN due ON due.id = a.id
      ), moved AS (
        UPDATE alert a SET
          escalation_level = a.escalation_level + 1,
          -- From now when the jobs were down past the missed deadline: one level per stage
          -- duration, not one level per round until national staff.
          stage_due_at = greatest(old.missed, ${now}::timestamptz) + make_interval(hours =>
            coalesce((${hours}::jsonb -> old.type_code ->> old.deadline)::int, 24)),
          reminded = false,
          updated_at = ${now}
        FROM old WHERE a.id = old.id
        RETURNING a.id, a.stage, a.institution_id, a.escalation_level, a.stage_due_at AS next_due,
                  old.missed, old.deadline
      ), written AS (
        INSERT INTO alert_event (alert_id, action, from_stage, to_stage, institution_id, actor_kind, actor_name, at, detail)
        SELECT id, 'escalate', stage, stage, institution_id, 'system', 'tejido', ${now},
               jsonb_build_object('level', escalation_level, 'deadline', deadline,
                                  'dueAt', ${isoUtc('missed')}, 'nextDueAt', ${isoUtc('next_due')})
        FROM moved ORDER BY missed, id
        RETURNING 1
      )
      SELECT count(*)::int AS n FROM written`.execute(db);
    const n = Number(r.rows[0]?.n ?? 0);
    result.escalated += n;
    if (n < batch) break;
  }
  return result;
}
