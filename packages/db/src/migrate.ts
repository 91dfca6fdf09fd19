import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Database } from './connect';

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'migrations');

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

/** The migration files in order of their numeric prefix. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((name) => {
      const text = readFileSync(join(dir, name), 'utf8');
      return { name, sql: text, checksum: createHash('sha256').update(text).digest('hex') };
    });
}

export class MigrationError extends Error {}

/**
 * Apply the migrations not yet applied, each in its own transaction, and refuse to run if
 * an applied migration's file was edited afterwards (migrations are forward-only).
 * Returns the names applied now.
 */
export async function migrate(database: Database, migrations = loadMigrations()): Promise<string[]> {
  const { db } = database;
  await sql`CREATE TABLE IF NOT EXISTS schema_migration (
    name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`.execute(
    db,
  );
  return db.connection().execute(async (conn) => {
    // One migrator at a time on a shared server; the lock is released with the session.
    await sql`SELECT pg_advisory_lock(7461726)`.execute(conn);
    try {
      const applied = new Map(
        (await conn.selectFrom('schema_migration').select(['name', 'checksum']).execute()).map((r) => [
          r.name,
          r.checksum,
        ]),
      );
      const done: string[] = [];
      for (const m of migrations) {
        const known = applied.get(m.name);
        if (known !== undefined) {
          if (known !== m.checksum) {
            throw new MigrationError(
              `Migration ${m.name} was changed after it was applied. Migrations are forward-only: restore the file and add a new migration.`,
            );
          }
          continue;
        }
        await conn.transaction().execute(async (trx) => {
          await sql.raw(m.sql).execute(trx);
          await trx.insertInto('schema_migration').values({ name: m.name, checksum: m.checksum }).execute();
        });
        done.push(m.name);
      }
      return done;
    } finally {
      await sql`SELECT pg_advisory_unlock(7461726)`.execute(conn);
    }
  });
}
