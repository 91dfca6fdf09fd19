import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { connect, type Database } from './connect';
import { loadMigrations, type Migration, migrate } from './migrate';

/**
 * A fresh, migrated database for one test file: in-memory PGlite by default, or a new
 * database on the PostgreSQL server named by TEJIDO_TEST_DATABASE_URL, dropped on close.
 * The same suites run on both engines (see .ci/run). Every migration is applied unless the
 * caller gives the ones to apply (a test of a later migration's upgrade).
 */
export async function openTestDatabase(migrations: Migration[] = loadMigrations()): Promise<Database> {
  const serverUrl = process.env.TEJIDO_TEST_DATABASE_URL;
  if (!serverUrl) {
    const database = await connect({});
    await migrate(database, migrations);
    return database;
  }
  const name = `tejido_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = await connect({ databaseUrl: url.toString(), poolSize: 4 });
  await migrate(database, migrations);
  return {
    ...database,
    async close() {
      await database.close();
      const dropper = new pg.Client({ connectionString: serverUrl });
      await dropper.connect();
      try {
        // The pool's end() returns once its clients are told to end, not once the server has seen
        // them go: wait for them (a forced drop would otherwise kill connections still closing).
        for (let i = 0; i < 50; i++) {
          const open = await dropper.query(
            'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1',
            [name],
          );
          if (open.rows[0].n === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

/** Which engine the database suites run on, for test titles. */
export const testEngine = process.env.TEJIDO_TEST_DATABASE_URL ? 'postgres' : 'pglite';
