/**
 * The evidence digest (migration 0003): each person's evidence in one row, kept by a trigger on
 * evidence. A bulk load of a whole table (the demo) suspends the trigger and rebuilds the digest
 * once at the end, which is much cheaper than appending to it batch by batch.
 */
import type { Database, DB } from '@tejido/db';
import { type RawBuilder, sql, type Transaction } from 'kysely';

const TRIGGER = 'evidence_digest_append';

/** Stop keeping the digest while evidence is bulk-loaded; rebuildEvidenceDigest resumes it. */
export async function suspendEvidenceDigest(database: Database): Promise<void> {
  await sql.raw(`ALTER TABLE evidence DISABLE TRIGGER ${TRIGGER}`).execute(database.db);
}

/** Whether the digest trigger is off (a bulk load that stopped before rebuilding it). */
export async function evidenceDigestSuspended(database: Database): Promise<boolean> {
  const r = await sql<{ enabled: string }>`
    SELECT tgenabled AS enabled FROM pg_trigger
     WHERE tgrelid = 'evidence'::regclass AND tgname = ${TRIGGER}`.execute(database.db);
  return r.rows[0]?.enabled === 'D';
}

/**
 * Rebuild every person's digest from the evidence table and turn the trigger back on, in one
 * transaction that holds off new evidence meanwhile (reads go on). A digest is dated when its
 * latest evidence was recorded, as the trigger would have dated it.
 */
export async function rebuildEvidenceDigest(database: Database): Promise<void> {
  await database.db.transaction().execute(async (trx) => {
    await sql`LOCK TABLE evidence IN SHARE ROW EXCLUSIVE MODE`.execute(trx);
    // One pass over the whole table: compiling its expressions costs more than it saves.
    if (database.engine === 'postgres') await sql`SET LOCAL jit = off`.execute(trx);
    await sql`TRUNCATE evidence_digest`.execute(trx);
    // Every import's deferred digest is part of this rebuild.
    await sql`DELETE FROM evidence_digest_deferred`.execute(trx);
    await sql`
      INSERT INTO evidence_digest (person_id, records, changed_at)
      SELECT e.person_id, string_agg(evidence_digest_record(e), ';'), max(e.recorded_at)
        FROM evidence e
       WHERE NOT EXISTS (SELECT 1 FROM evidence_retraction r WHERE r.evidence_id = e.id)
       GROUP BY e.person_id`.execute(trx);
    await sql`ANALYZE evidence_digest`.execute(trx);
    await sql.raw(`ALTER TABLE evidence ENABLE TRIGGER ${TRIGGER}`).execute(trx);
  });
}

/**
 * Defer the digest of the evidence this transaction inserts for an import batch (migrations 0006
 * and 0007): the batch is listed as deferred, this transaction as one of its parts, and the
 * trigger leaves this transaction's rows alone. Returns the transaction's start, which
 * appendDigestPart takes.
 */
export async function deferEvidenceDigest(
  trx: Transaction<DB>,
  batchId: string,
  lockKey: string,
): Promise<string> {
  await sql`SELECT set_config('tejido.defer_digest', 'on', true)`.execute(trx);
  await trx
    .insertInto('evidence_digest_deferred')
    .values({ batch_id: batchId, lock_key: lockKey })
    .onConflict((oc) => oc.doNothing())
    .execute();
  const part = await sql<{ started: string }>`
    INSERT INTO evidence_digest_deferred_part (batch_id, started) VALUES (${batchId}::uuid, now())
    RETURNING started::text AS started`.execute(trx);
  return part.rows[0]!.started;
}

/** Append the records of a digest query to their persons' digests (one upsert, in person order). */
function appendRecords(trx: Transaction<DB>, evidence: RawBuilder<unknown>) {
  return sql`
    INSERT INTO evidence_digest AS d (person_id, records)
    SELECT e.person_id, string_agg(evidence_digest_record(e), ';')
      FROM evidence e
     WHERE ${evidence} AND NOT EXISTS (SELECT 1 FROM evidence_retraction r WHERE r.evidence_id = e.id)
     GROUP BY e.person_id
     ORDER BY e.person_id
    ON CONFLICT (person_id) DO UPDATE SET records = d.records || ';' || excluded.records, changed_at = now()`.execute(
    trx,
  );
}

/**
 * Append one committed part of a deferring import (the transaction that started at `started`
 * and stored the evidence `ids`) to its persons' digests and take it off the list, in the caller's transaction.
 * A part already appended (by appendDeferredDigest) is left alone. Returns the persons appended to.
 */
export async function appendDigestPart(
  trx: Transaction<DB>,
  batchId: string,
  started: string,
  ids: readonly string[],
): Promise<number> {
  const listed = await sql`
    DELETE FROM evidence_digest_deferred_part WHERE batch_id = ${batchId}::uuid AND started = ${started}::timestamptz
    RETURNING started`.execute(trx);
  if (listed.rows.length === 0 || ids.length === 0) return 0;
  const r = await appendRecords(trx, sql`e.id = ANY(${ids}::uuid[])`);
  return Number(r.numAffectedRows ?? 0);
}

/**
 * Append the parts of a batch not appended yet to their persons' digests and take the batch off
 * the deferred list, in the caller's transaction. Returns the persons whose digest changed.
 */
export async function appendDeferredDigest(trx: Transaction<DB>, batchId: string): Promise<number> {
  const parts = await sql<{ started: string }>`
    DELETE FROM evidence_digest_deferred_part WHERE batch_id = ${batchId}::uuid RETURNING started::text AS started`.execute(
    trx,
  );
  await trx.deleteFrom('evidence_digest_deferred').where('batch_id', '=', batchId).execute();
  if (parts.rows.length === 0) return 0;
  // The rows the listed transactions wrote (recorded_at is a transaction's start): what was not appended.
  const r = await appendRecords(
    trx,
    sql`e.import_batch_id = ${batchId}::uuid AND e.recorded_at = ANY(${parts.rows.map((p) => p.started)}::timestamptz[])`,
  );
  return Number(r.numAffectedRows ?? 0);
}

/**
 * Complete the digests of imports that deferred them and stopped before appending them (the
 * process died). An import still running holds its lock and is left to finish its own.
 */
export async function appendAbandonedDigests(database: Database): Promise<number> {
  const db = database.db;
  const pending = await db.selectFrom('evidence_digest_deferred').select(['batch_id', 'lock_key']).execute();
  let persons = 0;
  for (const p of pending) {
    if (database.engine === 'postgres') {
      persons += await db.connection().execute(async (holder) => {
        const locked = await sql<{
          ok: boolean;
        }>`SELECT pg_try_advisory_lock(hashtext(${p.lock_key})) AS ok`.execute(holder);
        if (!locked.rows[0]?.ok) return 0;
        try {
          return await db.transaction().execute((trx) => appendDeferredDigest(trx, p.batch_id));
        } finally {
          await sql`SELECT pg_advisory_unlock(hashtext(${p.lock_key}))`.execute(holder);
        }
      });
    } else {
      persons += await db.transaction().execute((trx) => appendDeferredDigest(trx, p.batch_id));
    }
  }
  return persons;
}
