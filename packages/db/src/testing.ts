import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { connect, type Database } from './connect';
import { migrate } from './migrate';

/**
 * A fresh, migrated database for one test file: in-memory PGlite by default, or a new
 * database on the PostgreSQL server named by TEJIDO_TEST_DATABASE_URL, dropped on close.
 * The same suites run on both engines (see .ci/run).
 */
export async function openTestDatabase(): Promise<Database> {
  const serverUrl = process.env.TEJIDO_TEST_DATABASE_URL;
  if (!serverUrl) {
    const database = await connect({});
    await migrate(database);
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
  await migrate(database);
  return {
    ...database,
    async close() {
      await database.close();
      const dropper = new pg.Client({ connectionString: serverUrl });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
    },
  };
}

/** Which engine the database suites run on, for test titles. */
export const testEngine = process.env.TEJIDO_TEST_DATABASE_URL ? 'postgres' : 'pglite';
