/**
 * Bulk loading into empty tables the way PostgreSQL's manual recommends ("Populating a
 * Database"): drop the secondary indexes and foreign keys, COPY, then build each index in
 * one pass and validate each foreign key with one join. Row-by-row maintenance of the
 * trigram GIN index and a foreign-key lookup per row are what make a national-size load
 * slow; rebuilt afterwards they cost a fraction.
 *
 * The definitions are read from the catalog just before they are dropped and replayed as
 * they were, so the schema after the load is exactly the migrated one, whatever later
 * migrations add. Indexes that back a constraint (primary keys, UNIQUE) or that a foreign
 * key relies on stay in place.
 */

import type { Database } from '@tejido/db';
import { sql } from 'kysely';

export interface DeferredObject {
  table: string;
  name: string;
  kind: 'index' | 'foreign_key';
  /** CREATE INDEX statement, or the constraint definition for ALTER TABLE ... ADD CONSTRAINT. */
  definition: string;
}

export type StepListener = (step: { name: string; seconds: number }) => void;

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * The deferred indexes and foreign keys of a set of tables. On a server, a table's indexes
 * start building in the background as soon as that table is loaded (two at a time), so the
 * slow trigram index overlaps with the loading of the next tables.
 */
export class DeferredConstraints {
  private readonly queue: DeferredObject[] = [];
  private readonly active = new Set<Promise<void>>();
  private readonly errors: unknown[] = [];
  private readonly concurrency: number;

  private constructor(
    private readonly database: Database,
    private readonly deferred: readonly DeferredObject[],
    private readonly onStep: StepListener | undefined,
    private readonly buildMemoryMB: number,
  ) {
    // PGlite has one connection: build after loading, one at a time.
    this.concurrency = database.engine === 'postgres' ? 2 : 1;
  }

  /** Drop the secondary indexes and the foreign keys of `tables`, remembering their definitions. */
  static async drop(
    database: Database,
    tables: readonly string[],
    options: { onStep?: StepListener; buildMemoryMB?: number } = {},
  ): Promise<DeferredConstraints> {
    const { rows } = await sql<DeferredObject>`
      SELECT c.relname AS "table", i.relname AS name, 'index' AS kind, pg_get_indexdef(i.oid) AS definition
      FROM pg_index x
      JOIN pg_class i ON i.oid = x.indexrelid
      JOIN pg_class c ON c.oid = x.indrelid
      WHERE c.relnamespace = current_schema()::regnamespace
        AND c.relname = ANY(${sql.val([...tables])}::text[])
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)
      UNION ALL
      SELECT c.relname, k.conname, 'foreign_key', pg_get_constraintdef(k.oid)
      FROM pg_constraint k
      JOIN pg_class c ON c.oid = k.conrelid
      WHERE k.contype = 'f'
        AND c.relnamespace = current_schema()::regnamespace
        AND c.relname = ANY(${sql.val([...tables])}::text[])
      ORDER BY 3, 1, 2`.execute(database.db);
    // Foreign keys first: an index cannot go while a constraint uses it.
    for (const o of rows) {
      if (o.kind === 'foreign_key') {
        await sql
          .raw(`ALTER TABLE ${quoteIdent(o.table)} DROP CONSTRAINT ${quoteIdent(o.name)}`)
          .execute(database.db);
      }
    }
    for (const o of rows) {
      if (o.kind === 'index') await sql.raw(`DROP INDEX ${quoteIdent(o.name)}`).execute(database.db);
    }
    return new DeferredConstraints(database, rows, options.onStep, Math.round(options.buildMemoryMB ?? 64));
  }

  /** The table is loaded: start building its indexes now on a server, or queue them on PGlite. */
  tableLoaded(table: string): void {
    this.queue.push(...this.deferred.filter((d) => d.kind === 'index' && d.table === table));
    // The biggest builds first, so the workers finish together.
    this.queue.sort((a, b) => cost(b) - cost(a));
    if (this.database.engine === 'postgres') this.pump();
  }

  /** Build whatever indexes are left, wait for all, then add the foreign keys back. */
  async restore(): Promise<void> {
    for (const d of this.deferred) {
      if (d.kind === 'index' && !this.queue.includes(d) && !this.started.has(d)) this.queue.push(d);
    }
    this.pump();
    while (this.active.size > 0) await Promise.all([...this.active]);
    if (this.errors.length > 0) throw this.errors[0];
    for (const fk of this.deferred) {
      if (fk.kind !== 'foreign_key') continue;
      await this.timed(fk.name, () =>
        sql
          .raw(`ALTER TABLE ${quoteIdent(fk.table)} ADD CONSTRAINT ${quoteIdent(fk.name)} ${fk.definition}`)
          .execute(this.database.db),
      );
    }
  }

  private readonly started = new Set<DeferredObject>();

  private pump(): void {
    while (this.active.size < this.concurrency && this.queue.length > 0) {
      const index = this.queue.shift()!;
      this.started.add(index);
      const run: Promise<void> = this.build(index)
        .catch((error: unknown) => {
          this.errors.push(error);
        })
        .finally(() => {
          this.active.delete(run);
          this.pump();
        });
      this.active.add(run);
    }
  }

  private async build(index: DeferredObject): Promise<void> {
    const { database } = this;
    await database.db.connection().execute(async (conn) => {
      const server = database.engine === 'postgres';
      // More sort memory: the trigram GIN build flushes far less often (3.8M names: 28 s at 256MB, 21 s at 1GB).
      if (server) await sql.raw(`SET maintenance_work_mem = '${this.buildMemoryMB}MB'`).execute(conn);
      try {
        await this.timed(index.name, () => sql.raw(index.definition).execute(conn));
      } finally {
        if (server) await sql`RESET maintenance_work_mem`.execute(conn);
      }
    });
  }

  private async timed(name: string, run: () => Promise<unknown>): Promise<void> {
    const started = performance.now();
    await run();
    this.onStep?.({ name, seconds: (performance.now() - started) / 1000 });
  }
}

/** Rough cost of building an index, to schedule the slow ones first. */
function cost(index: DeferredObject): number {
  return (index.definition.includes('USING gin') ? 10 : 1) * (index.table === 'person' ? 5 : 1);
}
