import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from './connect';
import { loadMigrations, MigrationError, migrate } from './migrate';
import { openTestDatabase, testEngine } from './testing';

describe(`migrations on ${testEngine}`, () => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('applies every migration once and is a no-op the second time', async () => {
    const applied = await database.db.selectFrom('schema_migration').select('name').orderBy('name').execute();
    expect(applied.map((r) => r.name)).toEqual(loadMigrations().map((m) => m.name));
    expect(await migrate(database)).toEqual([]);
  });

  it('refuses to run when an applied migration was edited', async () => {
    const edited = loadMigrations().map((m, i) => (i === 0 ? { ...m, checksum: 'edited' } : m));
    await expect(migrate(database, edited)).rejects.toBeInstanceOf(MigrationError);
  });

  it('rolls back a failing migration completely', async () => {
    const broken = [
      ...loadMigrations(),
      {
        name: '9999_broken.sql',
        sql: 'CREATE TABLE half_done (id int); SELECT no_such_column FROM half_done;',
        checksum: 'x',
      },
    ];
    await expect(migrate(database, broken)).rejects.toThrow();
    const exists = await sql<{ t: string | null }>`SELECT to_regclass('half_done')::text AS t`.execute(
      database.db,
    );
    expect(exists.rows[0]?.t).toBeNull();
    const recorded = await database.db
      .selectFrom('schema_migration')
      .where('name', '=', '9999_broken.sql')
      .execute();
    expect(recorded).toHaveLength(0);
  });

  it('keeps the audit log append-only', async () => {
    await sql`INSERT INTO audit_log (seq, at, actor_kind, action, prev_hash, hash) VALUES (1, now(), 'system', 'test', '', 'h')`.execute(
      database.db,
    );
    await expect(sql`UPDATE audit_log SET action = 'edited'`.execute(database.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`DELETE FROM audit_log`.execute(database.db)).rejects.toThrow(/append-only/);
  });

  it('reads dates as calendar strings and counts as numbers', async () => {
    const r = await sql<{
      d: string;
      n: number;
    }>`SELECT DATE '2024-02-29' AS d, count(*) AS n FROM generate_series(1, 3)`.execute(database.db);
    expect(r.rows[0]).toEqual({ d: '2024-02-29', n: 3 });
  });

  it('bulk-loads CSV with COPY and exports it back', async () => {
    await database.copyIn(
      'programme',
      ['code', 'name_es', 'name_en'],
      ['T1,"Uno, con coma",One\n', 'T2,Dos,Two\n'],
    );
    const out = await database.copyOut(
      "SELECT code, name_es FROM programme WHERE code LIKE 'T%' ORDER BY code",
    );
    expect(out).toBe('code,name_es\nT1,"Uno, con coma"\nT2,Dos\n');
  });

  it('writes nothing from a COPY whose rows fail halfway, and stays usable', async () => {
    function* failing(): Generator<string> {
      yield 'T3,Tres,Three\n';
      throw new Error('source broke');
    }
    await expect(database.copyIn('programme', ['code', 'name_es', 'name_en'], failing())).rejects.toThrow(
      'source broke',
    );
    const left = await sql<{ n: number }>`SELECT count(*) AS n FROM programme WHERE code = 'T3'`.execute(
      database.db,
    );
    expect(left.rows[0]?.n).toBe(0);
    await database.copyIn('programme', ['code', 'name_es', 'name_en'], ['T4,Cuatro,Four\n']);
    expect(await database.copyOut("SELECT code FROM programme WHERE code IN ('T3', 'T4')")).toBe(
      'code\nT4\n',
    );
  });

  it('lists the transactions of an import deferring its digest when 0007 is applied', async () => {
    const before = loadMigrations().filter((m) => m.name < '0007');
    const old = await openTestDatabase(before);
    try {
      const batch = '01900000-0000-7000-8000-000000000001';
      const person = '01900000-0000-7000-8000-000000000002';
      await sql`INSERT INTO evidence_digest_deferred (batch_id, lock_key, deferred_at)
                VALUES (${batch}::uuid, 'health:x', '2026-12-01 10:00:00+00')`.execute(old.db);
      // Two transactions of the import since it was listed, and one of an earlier run of the file.
      for (const [n, at] of [
        [1, '2026-11-30 09:00:00+00'],
        [2, '2026-12-01 10:00:00.123456+00'],
        [3, '2026-12-01 10:00:00.123456+00'],
        [4, '2026-12-01 10:00:05+00'],
      ] as const) {
        await sql`INSERT INTO evidence (id, person_id, kind, date, source, source_ref, import_batch_id, recorded_at)
                  VALUES (${`01900000-0000-7000-8000-00000000010${n}`}::uuid, ${person}::uuid, 'insurance_affiliated',
                          '2026-11-01', 'file_import', ${`r${n}`}, ${batch}::uuid, ${at}::timestamptz)`.execute(
          old.db,
        );
      }
      expect(await migrate(old)).toEqual(
        loadMigrations()
          .slice(before.length)
          .map((m) => m.name),
      );
      const parts = await sql<{ started: string }>`
        SELECT to_char(started AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS started
          FROM evidence_digest_deferred_part WHERE batch_id = ${batch}::uuid ORDER BY started`.execute(
        old.db,
      );
      expect(parts.rows.map((r) => r.started)).toEqual([
        '2026-12-01 10:00:00.123456',
        '2026-12-01 10:00:05.000000',
      ]);
    } finally {
      await old.close();
    }
  });
});
