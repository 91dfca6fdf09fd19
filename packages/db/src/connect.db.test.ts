import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from './connect';
import { openTestDatabase, testEngine } from './testing';

describe(`connections on ${testEngine}`, () => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it.runIf(testEngine === 'postgres')(
    'survives the server ending an idle pooled connection, and opens a new one',
    async () => {
      const before = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(database.db);
      const pid = before.rows[0]!.pid;
      // The connection is idle in the pool now. Ending it from another session is what a server
      // restart or an administrator does; without the pool's error listener the process would stop.
      const errors: unknown[] = [];
      const onUncaught = (error: unknown) => errors.push(error);
      process.on('uncaughtException', onUncaught);
      try {
        const other = new pg.Client({ connectionString: process.env.TEJIDO_TEST_DATABASE_URL });
        await other.connect();
        try {
          await other.query('SELECT pg_terminate_backend($1)', [pid]);
        } finally {
          await other.end();
        }
        await new Promise((resolve) => setTimeout(resolve, 300));
        const after = await sql<{ one: number }>`SELECT 1 AS one`.execute(database.db);
        expect(after.rows[0]!.one).toBe(1);
        expect(errors).toEqual([]);
      } finally {
        process.off('uncaughtException', onUncaught);
      }
    },
  );
});
