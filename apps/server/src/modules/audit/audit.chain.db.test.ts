import { testEngine } from '@tejido/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from '../../testing/fixture';
import { recordAudit, verifyAuditChain } from './service';

describe(`audit trail on ${testEngine}`, () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await createFixture();
  });
  afterAll(async () => {
    await f?.close();
  });

  it('records who read which household, from where', async () => {
    const cookie = await f.login('coord_north');
    await f.app.inject({
      method: 'GET',
      url: `/api/v1/households/${f.ids.households.hB}`,
      headers: { cookie },
      remoteAddress: '10.1.2.3',
    });
    const entry = await f.database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'household.read')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(entry).toMatchObject({
      actor_kind: 'user',
      actor_id: f.ids.users.coord_north,
      actor_role: 'coordinator',
      entity_id: f.ids.households.hB,
      household_id: f.ids.households.hB,
      ip: '10.1.2.3',
    });
  });

  it('records searches with the households they showed', async () => {
    const cookie = await f.login('worker1');
    await f.app.inject({ method: 'GET', url: '/api/v1/households?q=41234567', headers: { cookie } });
    const entry = await f.database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'household.search')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(entry.detail).toEqual({ by: 'document', q: '41234567', results: [f.ids.households.hA1] });
  });

  it('shows the trail to auditors only', async () => {
    const auditor = await f.login('auditor');
    const page = await f.app.inject({
      method: 'GET',
      url: '/api/v1/audit?action=household.read',
      headers: { cookie: auditor },
    });
    expect(page.statusCode).toBe(200);
    expect(page.json().items.length).toBeGreaterThan(0);
    const admin = await f.login('admin');
    expect(
      (await f.app.inject({ method: 'GET', url: '/api/v1/audit', headers: { cookie: admin } })).statusCode,
    ).toBe(403);
    const verify = await f.app.inject({
      method: 'GET',
      url: '/api/v1/audit/verify',
      headers: { cookie: auditor },
    });
    expect(verify.json()).toMatchObject({ ok: true, firstBroken: null });
  });

  it('keeps one unbroken chain under concurrent writers', async () => {
    const actor = {
      kind: 'system' as const,
      id: null,
      name: 'test',
      role: 'system' as const,
      scope: { kind: 'national' as const },
      ip: null,
    };
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        recordAudit(f.database.db, actor, [{ action: 'concurrent', detail: { i } }]),
      ),
    );
    const result = await verifyAuditChain(f.database.db);
    expect(result.ok).toBe(true);
    const n = await f.database.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('action', '=', 'concurrent')
      .executeTakeFirstOrThrow();
    expect(n.n).toBe(50);
  });

  it('detects a cut tail, an edited entry and a deleted entry', async () => {
    const db = f.database.db;
    const intact = await verifyAuditChain(db, 3);
    expect(intact.ok).toBe(true);
    expect(intact.entries).toBeGreaterThan(5);
    // Someone with database rights bypasses the append-only trigger.
    await sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`.execute(db);
    try {
      const last = await db
        .selectFrom('audit_log')
        .selectAll()
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirstOrThrow();
      await sql`DELETE FROM audit_log WHERE seq = ${last.seq}`.execute(db);
      const cut = await verifyAuditChain(db, 3);
      expect(cut).toMatchObject({ ok: false, firstBroken: { seq: last.seq } });
      expect(cut.firstBroken!.reason).toMatch(/cut/);
      await db
        .insertInto('audit_log')
        .values({ ...last, detail: last.detail === null ? null : JSON.stringify(last.detail) })
        .execute();
      expect((await verifyAuditChain(db, 3)).ok).toBe(true);

      await sql`UPDATE audit_log SET ip = '1.1.1.1' WHERE seq = 3`.execute(db);
      const edited = await verifyAuditChain(db, 3);
      expect(edited).toMatchObject({ ok: false, firstBroken: { seq: 3 } });
      expect(edited.firstBroken!.reason).toMatch(/edited/);
      await sql`DELETE FROM audit_log WHERE seq = 3`.execute(db);
      const deleted = await verifyAuditChain(db, 3);
      expect(deleted).toMatchObject({ ok: false, firstBroken: { seq: 3 } });
      expect(deleted.firstBroken!.reason).toMatch(/missing/);
    } finally {
      await sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update`.execute(db);
    }
  });
});
