import fastifyCookie from '@fastify/cookie';
import { uuidv7 } from '@tejido/core';
import type { AlertAction, AlertStage, DB } from '@tejido/db';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { authenticate } from '../../http/authenticate';
import '../../http/context';
import { sendProblem, toProblem } from '../../http/problem';
import type { Fixture } from '../../testing/fixture';
import { notifyRoutes } from './routes';

/**
 * Test helpers of the notify module: alerts and their events written straight into the
 * tables (the alerts service is not needed to test what follows from its events), and an HTTP
 * app with these routes mounted the way app.ts mounts API modules.
 */

type HouseholdKey = 'hA1' | 'hA2' | 'hB' | 'hC';
const PLACE: Record<HouseholdKey, { territory: string; worker: 'worker1' | 'worker2' | 'worker3' }> = {
  hA1: { territory: '050101', worker: 'worker1' },
  hA2: { territory: '050101', worker: 'worker1' },
  hB: { territory: '050102', worker: 'worker2' },
  hC: { territory: '050201', worker: 'worker3' },
};

export interface AlertSeed {
  household: HouseholdKey;
  person?: keyof Fixture['ids']['persons'];
  type?: string;
  sensitive?: boolean;
  stage?: AlertStage;
  institutionId?: string | null;
  dueAt?: Date | null;
  raisedAt?: Date;
}

export async function insertAlert(db: Kysely<DB>, f: Fixture, seed: AlertSeed): Promise<string> {
  const id = uuidv7();
  const place = PLACE[seed.household];
  const stage = seed.stage ?? 'identified';
  const at = seed.raisedAt ?? new Date();
  await db
    .insertInto('alert')
    .values({
      id,
      type_code: seed.type ?? 'sick_child',
      origin: 'person',
      severity: 'high',
      sensitive: seed.sensitive ?? false,
      person_id: seed.person ? f.ids.persons[seed.person] : null,
      household_id: f.ids.households[seed.household],
      territory_code: place.territory,
      village_code: null,
      health_facility_id: null,
      field_worker_id: f.ids.users[place.worker],
      stage,
      outcome: stage === 'closed' ? 'verified' : null,
      resolved_by_evidence_id: null,
      institution_id: seed.institutionId ?? null,
      stage_due_at: seed.dueAt === undefined ? new Date(at.getTime() + 24 * 3_600_000) : seed.dueAt,
      observation: 'Observado en la visita',
      counter_referral: null,
      raised_by: null,
      raised_at: at,
      referred_at: stage === 'identified' ? null : at,
      accepted_at: null,
      attended_at: null,
      ended_at: stage === 'closed' || stage === 'cancelled' ? at : null,
    })
    .execute();
  return id;
}

export interface EventSeed {
  action: AlertAction;
  from?: AlertStage | null;
  to: AlertStage;
  institutionId?: string | null;
  actor?: { id: string; name: string } | null;
  reason?: string | null;
  detail?: Record<string, unknown> | null;
}

export async function insertEvent(db: Kysely<DB>, alertId: string, e: EventSeed): Promise<number> {
  const row = await db
    .insertInto('alert_event')
    .values({
      alert_id: alertId,
      action: e.action,
      from_stage: e.from ?? null,
      to_stage: e.to,
      institution_id: e.institutionId ?? null,
      actor_kind: e.actor ? 'user' : 'system',
      actor_id: e.actor?.id ?? null,
      actor_name: e.actor?.name ?? 'tejido',
      reason: e.reason ?? null,
      detail: e.detail ? JSON.stringify(e.detail) : null,
    })
    .returning('seq')
    .executeTakeFirstOrThrow();
  return Number(row.seq);
}

/** The notify routes under /api/v1 with the server's authentication and problem documents. */
export async function notifyApp(f: Fixture): Promise<FastifyInstance> {
  const app = Fastify({ logger: false }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate('database', f.database);
  app.decorateRequest('actor', null as never);
  app.setErrorHandler((error, request, reply) => sendProblem(reply, toProblem(error, request)));
  await app.register(fastifyCookie);
  await app.register(
    async (api) => {
      api.addHook('onRequest', authenticate);
      await api.register(notifyRoutes);
    },
    { prefix: '/api/v1' },
  );
  await app.ready();
  return app;
}
