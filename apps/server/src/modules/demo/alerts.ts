/**
 * A year of alert management for the demo, after its first recompute has raised the rule alerts:
 * alerts raised by field workers at visits, every alert dated within the last ten months, and
 * each taken through the referral lifecycle as far as its age allows, so that the funnel has the
 * shape seed 001 reports (35,028 alerts: 79 % referred, 38 % effectively attended). Reproducible
 * for a seed: alerts are processed in person and type order, each with its own random stream.
 */
import type { Database } from '@tejido/db';
import { sql } from 'kysely';
import { refreshFunnel } from '../alerts/funnel';
import { type AlertTypeSet, loadAlertTypes } from '../alerts/types';
import { csvRow } from './csv';
import { fmix32, Rng } from './random';

export interface DemoAlertsSummary {
  alerts: number;
  raisedByPeople: number;
  referred: number;
  attended: number;
}

/** Share of households where a field worker raised an alert at a visit in the year. */
const PERSON_ALERT_PER_MILLE = 30;
const PERSON_TYPES: ReadonlyArray<[code: string, cumulative: number, observations: readonly string[]]> = [
  [
    'sick_child',
    0.55,
    [
      'Fiebre alta desde ayer, la niña está decaída y no quiere lactar',
      'Diarrea con moco desde hace tres días',
      'Tos y respiración rápida; la madre no ha podido llevarlo al puesto',
    ],
  ],
  [
    'household_without_document',
    0.8,
    ['El padre no tiene DNI vigente', 'La abuela que cuida a los niños no tiene DNI'],
  ],
  ['risk_at_home', 0.92, ['Los niños quedan solos durante el día', 'Vivienda con techo a punto de caer']],
  [
    'violence_signs',
    1,
    ['Se observan moretones; la madre refiere maltrato', 'Gritos y amenazas durante la visita'],
  ],
];

const ACTIONS: Readonly<Record<string, string>> = {
  vaccine_overdue: 'Vacunas aplicadas según el esquema nacional',
  growth_checkup_late: 'Control de crecimiento y desarrollo realizado',
  anemia_untreated: 'Inicio de suplementación con hierro y consejería nutricional',
  no_identity_document: 'Trámite del DNI realizado en la agencia',
  stunting: 'Evaluación nutricional, consejería y seguimiento mensual',
  prenatal_visit_missing: 'Control prenatal realizado',
  sick_child: 'Evaluación médica y tratamiento',
  household_without_document: 'Trámite del DNI realizado en la agencia',
  risk_at_home: 'Visita de la DEMUNA y plan de protección',
  violence_signs: 'Atención psicológica y legal; medidas de protección',
};

const HOUR = 3_600_000;

/** Hours drawn around a median, spread log-normally (a few long tails, as real waits have). */
function wait(rng: Rng, medianHours: number): number {
  const u = Math.max(1e-9, rng.float());
  const v = rng.float();
  const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return medianHours * Math.exp(0.8 * normal);
}

export async function simulateAlertHistory(
  database: Database,
  options: { seed: number; now?: Date; types?: AlertTypeSet },
): Promise<DemoAlertsSummary> {
  const { seed } = options;
  const now = options.now ?? new Date();
  const types = options.types ?? loadAlertTypes();
  const db = database.db;
  const salt = String(seed);

  // 1. Alerts raised by field workers at visits, in a share of households.
  const bounds = PERSON_TYPES.map(([code, cumulative]) => ({ code, cumulative }));
  const typeCase = sql.join(
    bounds.map((b) => sql`WHEN x.u < ${b.cumulative} THEN ${b.code}`),
    sql` `,
  );
  const observations = sql.join(
    PERSON_TYPES.map(
      ([code, , texts]) => sql`WHEN ${code} THEN (ARRAY[${sql.join(texts)}])[1 + z.v % ${texts.length}]`,
    ),
    sql` `,
  );
  const personTypes = [...types.types.values()]
    .filter((t) => t.raisedBy === 'person')
    .map((t) => ({ code: t.code, severity: t.severity, sensitive: t.sensitive }));
  const raised = await sql`
    INSERT INTO alert (id, type_code, origin, severity, sensitive, person_id, household_id, territory_code, village_code,
                       health_facility_id, field_worker_id, stage, stage_due_at, observation, raised_by, raised_at,
                       updated_at)
    SELECT gen_random_uuid(), z.type_code, 'person', t.severity, t.sensitive,
           CASE WHEN z.type_code = 'sick_child' THEN z.child END, z.household_id, z.territory_code, z.village_code,
           z.health_facility_id, z.field_worker_id, 'identified', now(),
           CASE z.type_code ${observations} END, z.field_worker_id,
           ${now}::timestamptz - make_interval(secs => 3600 + z.v % (300 * 86400)), now()
    FROM (
      SELECT y.*, CASE WHEN y.picked = 'sick_child' AND y.child IS NULL THEN 'household_without_document'
                       ELSE y.picked END AS type_code
      FROM (
        SELECT x.*, CASE ${typeCase} END AS picked
        FROM (
          SELECT h.id AS household_id, h.territory_code, h.village_code, h.health_facility_id, h.field_worker_id,
                 c.child,
                 ((hashtext(h.id::text || ${salt} || 't') & 2147483647) % 100000) / 100000.0 AS u,
                 (hashtext(h.id::text || ${salt} || 'v') & 2147483647) AS v
          FROM household h
          LEFT JOIN LATERAL (SELECT s.person_id AS child FROM tracking_status s
                             WHERE s.household_id = h.id AND s.subject = 'child'
                             ORDER BY s.person_id LIMIT 1) c ON true
          WHERE (hashtext(h.id::text || ${salt}) & 2147483647) % 1000 < ${PERSON_ALERT_PER_MILLE}
        ) x
      ) y
    ) z
    JOIN jsonb_to_recordset(${JSON.stringify(personTypes)}::jsonb) AS t(code text, severity text, sensitive boolean)
      ON t.code = z.type_code`.execute(db);
  const raisedByPeople = Number(raised.numAffectedRows ?? 0n);

  // 2. Rule alerts date from some time in the last ten months, not before the person could have had them.
  await sql`
    UPDATE alert a SET raised_at = least(${now}::timestamptz - interval '1 hour',
        greatest(${now}::timestamptz - make_interval(secs => (hashtext(a.person_id::text || a.type_code || ${salt}) & 2147483647) % (300 * 86400)),
                 (s.anchor_date + 31)::timestamp AT TIME ZONE 'America/Lima' + interval '9 hours'))
    FROM tracking_status s
    WHERE a.origin = 'rule' AND a.person_id = s.person_id AND a.referred_at IS NULL`.execute(db);

  // 3. The lifecycle of each, as far as its age allows.
  const offices = new Map<string, string>();
  for (const i of await db
    .selectFrom('institution')
    .select(['id', 'kind', 'territory_code'])
    .orderBy('code')
    .execute()) {
    const key = `${i.kind}:${i.territory_code.slice(0, 4)}`;
    if (!offices.has(key)) offices.set(key, i.id);
  }
  const names = new Map<string, string>();
  for (const i of await db.selectFrom('institution').select(['id', 'name']).execute())
    names.set(i.id, i.name);
  const staff = new Map<string, string>();
  for (const u of await db.selectFrom('app_user').select(['id', 'display_name']).execute())
    staff.set(u.id, u.display_name);
  const coordinator = await db
    .selectFrom('app_user')
    .select(['id', 'display_name'])
    .where('role', '=', 'coordinator')
    .orderBy('username')
    .executeTakeFirst();

  const text = await database.copyOut(`
    SELECT a.id, a.type_code, (extract(epoch FROM a.raised_at) * 1000)::bigint, a.territory_code,
           coalesce(a.health_facility_id::text, ''), coalesce(a.field_worker_id::text, '')
    FROM alert a WHERE a.stage = 'identified' AND a.referred_at IS NULL
    ORDER BY a.household_id, a.person_id NULLS FIRST, a.type_code`);
  const lines = text.split('\n').slice(1, -1);
  const progress: string[] = [];
  const events: string[] = [];
  let referredCount = 0;
  let attendedCount = 0;
  const nowMs = now.getTime();
  const iso = (ms: number) => new Date(ms).toISOString();
  lines.forEach((line, index) => {
    const [id, code, raisedText, territory, facility, worker] = line.split(',') as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const type = types.types.get(code);
    if (!type) return;
    const rng = new Rng(seed, 0xa1e7, fmix32(index));
    const raisedAt = Number(raisedText);
    const institution =
      type.institution === 'health_facility'
        ? facility
        : (offices.get(`${type.institution}:${territory.slice(0, 4)}`) ?? '');
    const workerName = staff.get(worker) ?? 'Gestor local';
    const closer = coordinator?.display_name ?? 'Coordinación';
    // Where this alert's story ends, drawn so that the whole funnel has seed 001's shape.
    const u = rng.float();
    const goal = !institution
      ? 'identified'
      : u < 0.21
        ? 'identified'
        : u < 0.25
          ? 'rejected'
          : u < 0.43
            ? 'referred'
            : u < 0.6
              ? 'accepted'
              : u < 0.69
                ? 'attended'
                : 'closed';
    const cancel = goal === 'identified' && rng.chance(0.12);
    const event = (
      action: string,
      from: string,
      to: string,
      at: number,
      actor: string,
      reason = '',
      detail = '',
    ) =>
      events.push(
        csvRow([
          id,
          action,
          from,
          to,
          institution || null,
          'user',
          actor,
          iso(at),
          reason || null,
          detail || null,
        ]),
      );
    let stage = 'identified';
    let t = raisedAt;
    let referredAt: number | null = null;
    let acceptedAt: number | null = null;
    let attendedAt: number | null = null;
    let endedAt: number | null = null;
    let outcome: string | null = null;
    let counter: string | null = null;
    const step = (medianHours: number) => {
      const next = t + wait(rng, medianHours) * HOUR;
      if (next >= nowMs - HOUR) return false;
      t = next;
      return true;
    };
    if (cancel && step(120)) {
      stage = 'cancelled';
      endedAt = t;
      event('cancel', 'identified', 'cancelled', t, closer, 'La familia se mudó fuera del ámbito');
    }
    if (goal !== 'identified' && step(Math.min(36, type.deadlines.refer * 0.6))) {
      stage = 'referred';
      referredAt = t;
      referredCount++;
      event('refer', 'identified', 'referred', t, workerName);
      if (goal === 'rejected' && step(20)) {
        stage = 'rejected';
        event(
          'reject',
          'referred',
          'rejected',
          t,
          names.get(institution) ?? '',
          'No corresponde a este establecimiento',
        );
      } else if (
        goal !== 'referred' &&
        goal !== 'rejected' &&
        step(Math.min(24, type.deadlines.accept * 0.6))
      ) {
        stage = 'accepted';
        acceptedAt = t;
        event('accept', 'referred', 'accepted', t, names.get(institution) ?? '');
        if ((goal === 'attended' || goal === 'closed') && step(Math.min(120, type.deadlines.attend * 0.5))) {
          stage = 'attended';
          attendedAt = t;
          attendedCount++;
          const c = {
            attendedOn: new Date(t - 5 * HOUR).toISOString().slice(0, 10),
            actions: ACTIONS[code] ?? 'Atención brindada',
            outcome: rng.chance(0.8) ? 'resolved' : 'in_treatment',
          };
          counter = JSON.stringify(c);
          event(
            'attend',
            'accepted',
            'attended',
            t,
            names.get(institution) ?? '',
            '',
            JSON.stringify({ counterReferral: c }),
          );
          if (goal === 'closed' && step(72)) {
            stage = 'closed';
            outcome = 'verified';
            endedAt = t;
            event('verify', 'attended', 'closed', t, closer);
          }
        }
      }
    }
    const deadline =
      stage === 'identified' || stage === 'rejected'
        ? type.deadlines.refer
        : stage === 'referred'
          ? type.deadlines.accept
          : stage === 'accepted'
            ? type.deadlines.attend
            : null;
    const dueAt = deadline === null ? null : t + deadline * HOUR;
    const level =
      dueAt !== null && dueAt < nowMs ? Math.min(4, 1 + Math.floor((nowMs - dueAt) / (deadline! * HOUR))) : 0;
    if (stage === 'identified' && referredAt === null && endedAt === null && level === 0) return;
    progress.push(
      csvRow([
        id,
        stage,
        referredAt !== null || stage !== 'identified' ? institution || null : null,
        referredAt === null ? null : iso(referredAt),
        acceptedAt === null ? null : iso(acceptedAt),
        attendedAt === null ? null : iso(attendedAt),
        endedAt === null ? null : iso(endedAt),
        outcome,
        dueAt === null ? null : iso(dueAt),
        level,
        counter,
      ]),
    );
  });

  await sql`DROP TABLE IF EXISTS demo_alert_progress, demo_alert_event`.execute(db);
  await sql`CREATE UNLOGGED TABLE demo_alert_progress (id uuid, stage text, institution_id uuid, referred_at timestamptz,
    accepted_at timestamptz, attended_at timestamptz, ended_at timestamptz, outcome text, stage_due_at timestamptz,
    escalation_level smallint, counter_referral jsonb)`.execute(db);
  await sql`CREATE UNLOGGED TABLE demo_alert_event (alert_id uuid, action text, from_stage text, to_stage text,
    institution_id uuid, actor_kind text, actor_name text, at timestamptz, reason text, detail jsonb)`.execute(
    db,
  );
  try {
    await database.copyIn('demo_alert_progress', PROGRESS_COLUMNS, chunks(progress));
    await database.copyIn('demo_alert_event', EVENT_COLUMNS, chunks(events));
    await sql`
      UPDATE alert a SET stage = p.stage, institution_id = p.institution_id, referred_at = p.referred_at,
        accepted_at = p.accepted_at, attended_at = p.attended_at, ended_at = p.ended_at, outcome = p.outcome,
        stage_due_at = p.stage_due_at, escalation_level = p.escalation_level, counter_referral = p.counter_referral,
        version = a.version + 1, updated_at = now()
      FROM demo_alert_progress p WHERE a.id = p.id`.execute(db);
    await sql`
      INSERT INTO alert_event (alert_id, action, from_stage, to_stage, institution_id, actor_kind, actor_name, at, reason, detail)
      SELECT alert_id, action, from_stage, to_stage, institution_id, actor_kind, actor_name, at, reason, detail
      FROM demo_alert_event ORDER BY at, alert_id`.execute(db);
  } finally {
    await sql`DROP TABLE IF EXISTS demo_alert_progress, demo_alert_event`.execute(db);
  }
  // The dispatcher starts from here: the demo's history is not news to anyone.
  await sql`
    INSERT INTO notification_cursor (name, seq) SELECT 'notifications', coalesce(max(seq), 0) FROM alert_event
    ON CONFLICT (name) DO UPDATE SET seq = excluded.seq`.execute(db);
  // The funnel's monthly sums, ready before the first request.
  await refreshFunnel(db);
  return { alerts: lines.length, raisedByPeople, referred: referredCount, attended: attendedCount };
}

const PROGRESS_COLUMNS = [
  'id',
  'stage',
  'institution_id',
  'referred_at',
  'accepted_at',
  'attended_at',
  'ended_at',
  'outcome',
  'stage_due_at',
  'escalation_level',
  'counter_referral',
] as const;

const EVENT_COLUMNS = [
  'alert_id',
  'action',
  'from_stage',
  'to_stage',
  'institution_id',
  'actor_kind',
  'actor_name',
  'at',
  'reason',
  'detail',
] as const;

function* chunks(rows: string[]): Generator<string> {
  for (let i = 0; i < rows.length; i += 2000) yield rows.slice(i, i + 2000).join('');
}
