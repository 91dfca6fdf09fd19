/**
 * Full recompute of every tracked person's status as of a date (`tejido recompute`): for a new
 * day, a new pathway version or new traffic-light rules. Persons are read in ranges of ids, each
 * with their evidence digest (one row a person, see digest.ts), evaluated and written with COPY
 * into a fresh table that replaces tracking_status in one short transaction, so rosters keep
 * answering from the previous statuses until the new ones are all there. On a PostgreSQL server
 * the ranges are shared among worker threads, each with its own connection; the embedded
 * database has one connection and works through them in-process.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Database } from '@tejido/db';
import { sql } from 'kysely';
import { syncRuleAlerts } from '../alerts/sync';
import { type AlertTypeSet, loadAlertTypes } from '../alerts/types';
import { appendAbandonedDigests, evidenceDigestSuspended, rebuildEvidenceDigest } from './digest';
import { loadPathways, type PathwaySet } from './pathways';
import { NEXT, processRange, type Range, type RangeResult } from './recompute-range';
import { workerScript } from './recompute-worker-bundle';
import { refreshStatuses } from './service';

export interface RecomputeOptions {
  asOf: string;
  /** Worker threads on a PostgreSQL server (default: one per core, at most 4). Ignored on PGlite. */
  workers?: number;
  /** Registry persons per range (default 20,000: about 5,000 tracked persons and 100,000 evidence rows). */
  rangeSize?: number;
  /** postgres:// URL the workers connect to (the server's own database). */
  databaseUrl?: string | undefined;
  pathwaysDir?: string;
  /** Folder of the alert-types file (default config/alerts or TEJIDO_ALERTS_DIR). */
  alertsDir?: string;
  onProgress?: (done: number, total: number) => void;
  /**
   * How far before its start changes are applied again (default 60 s). A caller that has just
   * committed a bulk write itself (an import) passes a few seconds, so as not to redo its own work.
   */
  catchUpMarginMs?: number;
}

export interface RecomputeSummary {
  asOf: string;
  persons: number;
  lights: { red: number; amber: number; green: number };
  ranges: number;
  workers: number;
  seconds: number;
  /** Rule alerts raised and closed after the statuses were replaced, and how long that took. */
  alerts: { raised: number; closed: number; seconds: number };
}

export class RecomputeBusyError extends Error {}

/** The indexes of tracking_status, as migration 0002 creates them. */
export const STATUS_INDEXES: ReadonlyArray<readonly [name: string, definition: string]> = [
  ['tracking_status_territory_idx', '(territory_code, urgency DESC, person_id)'],
  ['tracking_status_facility_idx', '(health_facility_id, urgency DESC, person_id)'],
  ['tracking_status_field_worker_idx', '(field_worker_id, urgency DESC, person_id)'],
  ['tracking_status_household_idx', '(household_id)'],
];
/** How far before its start a recompute looks for changes to apply again (see catchUp). */
const CATCH_UP_MARGIN_MS = 60_000;
/** Rule alerts raised or closed by a recompute from which the alert table's statistics are refreshed. */
const ANALYZE_ALERTS_AFTER = 10_000;
/** Any number, the same for every Tejido: only one recompute runs on a database at a time. */
const LOCK_KEY = 7_263_101;

/**
 * Ranges of person ids holding about `size` registry persons each, covering every person. The
 * bounds are quantiles of a sample of the ids (a full ordered pass over a national registry would
 * take longer than a range's work); ranges are shared out as workers free up, so an uneven one
 * costs little.
 */
async function personRanges(database: Database, size: number): Promise<Range[]> {
  const estimate = await sql<{ n: number }>`
    SELECT greatest(reltuples, 0)::float8 AS n FROM pg_class WHERE oid = 'person'::regclass`.execute(
    database.db,
  );
  const persons = Math.max(Number(estimate.rows[0]?.n ?? 0), 1);
  const wanted = Math.ceil(persons / size);
  // About 64 sampled ids per range; the whole table when it is small or never analysed.
  const percent = Math.min(100, (100 * 64 * wanted) / persons);
  const full = percent >= 100 || persons < 100_000;
  const sample = full
    ? await sql<{ id: string }>`SELECT id FROM person ORDER BY id`.execute(database.db)
    : await sql<{ id: string }>`
        SELECT id FROM person TABLESAMPLE SYSTEM (${sql.lit(percent)}) ORDER BY id`.execute(database.db);
  const ids = sample.rows.map((r) => r.id);
  const step = Math.max(1, Math.round(full ? size : (ids.length * size) / persons));
  const ranges: Range[] = [];
  let from = '00000000-0000-0000-0000-000000000000';
  for (let i = step; i < ids.length; i += step) {
    const to = ids[i - 1]!;
    ranges.push({ from, to });
    from = successor(to);
  }
  ranges.push({ from, to: 'ffffffff-ffff-ffff-ffff-ffffffffffff' });
  return ranges;
}

/** The uuid right after `id` in uuid order (ranges are inclusive). */
function successor(id: string): string {
  const hex = id.replaceAll('-', '');
  const next = (BigInt(`0x${hex}`) + 1n).toString(16).padStart(32, '0');
  return `${next.slice(0, 8)}-${next.slice(8, 12)}-${next.slice(12, 16)}-${next.slice(16, 20)}-${next.slice(20)}`;
}

/**
 * Recompute every status as of `asOf`. Evidence recorded and registry changes made while it
 * runs are applied again after the swap, so nothing recorded meanwhile is lost.
 */
export async function recompute(database: Database, options: RecomputeOptions): Promise<RecomputeSummary> {
  const started = performance.now();
  const set = loadPathways(options.pathwaysDir);
  const types = loadAlertTypes(options.alertsDir);
  const { asOf } = options;
  const db = database.db;
  // The embedded database belongs to one process (its data-folder lock); a server may have several.
  if (database.engine !== 'postgres') return work();
  return db.connection().execute(async (holder) => {
    const locked = await sql<{ ok: boolean }>`SELECT pg_try_advisory_lock(${LOCK_KEY}) AS ok`.execute(holder);
    if (!locked.rows[0]?.ok) throw new RecomputeBusyError('Another recompute is running on this database');
    try {
      return await work();
    } finally {
      await sql`SELECT pg_advisory_unlock(${LOCK_KEY})`.execute(holder);
    }
  });

  async function work(): Promise<RecomputeSummary> {
    try {
      // A bulk load that stopped halfway leaves the digest suspended: make it whole first.
      if (await evidenceDigestSuspended(database)) await rebuildEvidenceDigest(database);
      // So does an import that deferred its digest and died before appending it.
      await appendAbandonedDigests(database);
      // Changes from here on are applied again after the swap; the margin covers a transaction
      // that began before and committed after this recompute read its persons.
      const since = new Date(Date.now() - (options.catchUpMarginMs ?? CATCH_UP_MARGIN_MS));
      await sql.raw(`DROP TABLE IF EXISTS ${NEXT}`).execute(db);
      await sql
        .raw(`CREATE TABLE ${NEXT} (LIKE tracking_status INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`)
        .execute(db);
      const ranges = await personRanges(database, options.rangeSize ?? 20_000);
      const total: RangeResult = { persons: 0, red: 0, amber: 0, green: 0 };
      const add = (r: RangeResult) => {
        total.persons += r.persons;
        total.red += r.red;
        total.amber += r.amber;
        total.green += r.green;
      };
      let workers = 0;
      if (database.engine === 'postgres' && options.databaseUrl) {
        workers = Math.max(
          1,
          Math.min(options.workers ?? Math.min(availableParallelism(), 4), ranges.length),
        );
        await runInWorkers(workers, ranges, options, { pathwaysDir: set.dir, alertsDir: types.dir }, add);
      } else {
        let done = 0;
        for (const range of ranges) {
          add(await processRange(database, set, asOf, range, types.rules));
          options.onProgress?.(++done, ranges.length);
        }
      }
      await buildIndexes(database);
      // Statistics for the planner, and the visibility map that lets a roster count a district
      // from its index alone.
      await sql.raw(`VACUUM ANALYZE ${NEXT}`).execute(db);
      await db.transaction().execute(async (trx) => {
        await sql.raw('LOCK TABLE tracking_status IN ACCESS EXCLUSIVE MODE').execute(trx);
        await sql.raw('DROP TABLE tracking_status').execute(trx);
        await sql.raw(`ALTER TABLE ${NEXT} RENAME TO tracking_status`).execute(trx);
        await sql
          .raw(`ALTER TABLE tracking_status RENAME CONSTRAINT ${NEXT}_pkey TO tracking_status_pkey`)
          .execute(trx);
        for (const [name] of STATUS_INDEXES) {
          await sql.raw(`ALTER INDEX ${name}_next RENAME TO ${name}`).execute(trx);
        }
        const seconds = (performance.now() - started) / 1000;
        await trx
          .insertInto('tracking_run')
          .values({ as_of: asOf, computed_at: new Date(), persons: total.persons, seconds })
          .onConflict((oc) =>
            oc
              .column('id')
              .doUpdateSet({ as_of: asOf, computed_at: new Date(), persons: total.persons, seconds }),
          )
          .execute();
      });
      await catchUp(database, since, asOf, set, types);
      // Rule alerts follow the new statuses: raised where a rule fires, closed where it stopped.
      const alertsStarted = performance.now();
      const alerts = await db.transaction().execute((trx) => syncRuleAlerts(trx, { kind: 'all' }, { types }));
      // The first recompute of a registry raises hundreds of thousands of alerts into a table the
      // planner last saw empty: until autovacuum analyses it, every evidence write would check
      // for an open alert with a full scan (0.4 s instead of a few ms). Analyse it now.
      if (alerts.raised + alerts.closed >= ANALYZE_ALERTS_AFTER) await sql`ANALYZE alert`.execute(db);
      return {
        asOf,
        persons: total.persons,
        lights: { red: total.red, amber: total.amber, green: total.green },
        ranges: ranges.length,
        workers,
        seconds: (performance.now() - started) / 1000,
        alerts: { ...alerts, seconds: (performance.now() - alertsStarted) / 1000 },
      };
    } finally {
      await sql.raw(`DROP TABLE IF EXISTS ${NEXT}`).execute(db);
    }
  }
}

/**
 * The next table's primary key and indexes. On a server they are built two at a time, each on a
 * connection with room to sort in memory (building five indexes on a million rows one after the
 * other took a tenth of the recompute); the key is built as a unique index first, since adding a
 * primary key directly would lock the table against the other builds.
 */
async function buildIndexes(database: Database): Promise<void> {
  const builds = [
    `CREATE UNIQUE INDEX ${NEXT}_pkey ON ${NEXT} (person_id)`,
    ...STATUS_INDEXES.map(([name, definition]) => `CREATE INDEX ${name}_next ON ${NEXT} ${definition}`),
  ];
  const lanes = database.engine === 'postgres' ? 2 : 1;
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, () =>
      database.db.connection().execute(async (conn) => {
        if (database.engine === 'postgres') {
          await sql`SET maintenance_work_mem = '256MB'`.execute(conn);
          await sql`SET max_parallel_maintenance_workers = 0`.execute(conn);
        }
        try {
          while (next < builds.length) await sql.raw(builds[next++]!).execute(conn);
        } finally {
          if (database.engine === 'postgres') {
            await sql`RESET maintenance_work_mem`.execute(conn);
            await sql`RESET max_parallel_maintenance_workers`.execute(conn);
          }
        }
      }),
    ),
  );
  await sql
    .raw(`ALTER TABLE ${NEXT} ADD CONSTRAINT ${NEXT}_pkey PRIMARY KEY USING INDEX ${NEXT}_pkey`)
    .execute(database.db);
}

/** Statuses touched while the recompute ran: evidence recorded, households, persons or pregnancies changed. */
async function catchUp(
  database: Database,
  since: Date,
  asOf: string,
  set: PathwaySet,
  types: AlertTypeSet,
): Promise<void> {
  const db = database.db;
  const households = await db
    .selectFrom('household')
    .select('id')
    .where('updated_at', '>=', since)
    .union(db.selectFrom('person').select('household_id as id').where('updated_at', '>=', since))
    .union(db.selectFrom('pregnancy').select('household_id as id').where('updated_at', '>=', since))
    .union(
      db
        .selectFrom('evidence_digest')
        .innerJoin('person', 'person.id', 'evidence_digest.person_id')
        .select('person.household_id as id')
        .where('evidence_digest.changed_at', '>=', since),
    )
    .execute();
  // In groups: a statement takes at most 65,535 parameters.
  for (let i = 0; i < households.length; i += CATCH_UP_GROUP) {
    const ids = households.slice(i, i + CATCH_UP_GROUP).map((h) => h.id);
    await db.transaction().execute(async (trx) => {
      await refreshStatuses(trx, { kind: 'households', ids }, asOf, set, { alerts: types });
    });
  }
}

/** Households refreshed per transaction when catching up. */
const CATCH_UP_GROUP = 2000;

async function runInWorkers(
  count: number,
  ranges: Range[],
  options: RecomputeOptions,
  dirs: { pathwaysDir: string; alertsDir: string },
  add: (r: RangeResult) => void,
): Promise<void> {
  let next = 0;
  let done = 0;
  const run = (worker: Worker) =>
    new Promise<void>((resolve, reject) => {
      const give = () => {
        if (next >= ranges.length) {
          worker.postMessage({ type: 'stop' });
          return;
        }
        worker.postMessage({ type: 'range', range: ranges[next++] });
      };
      worker.on('message', (message: { type: string; result?: RangeResult; error?: string }) => {
        if (message.type === 'ready') give();
        else if (message.type === 'done') {
          add(message.result!);
          options.onProgress?.(++done, ranges.length);
          give();
        } else if (message.type === 'failed') reject(new Error(`recompute worker: ${message.error}`));
      });
      worker.on('error', reject);
      worker.on('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`recompute worker exited ${code}`)),
      );
    });
  const script = await workerScript();
  const workers = Array.from(
    { length: count },
    () =>
      new Worker(script.url, {
        workerData: { databaseUrl: options.databaseUrl, asOf: options.asOf, ...dirs },
      }),
  );
  try {
    await Promise.all(workers.map(run));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
    script.remove();
  }
}
