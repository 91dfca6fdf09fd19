/**
 * The evidence digest (migration 0003): each person's evidence in one row, kept by a trigger on
 * evidence. A bulk load of a whole table (the demo) suspends the trigger and rebuilds the digest
 * once at the end, which is much cheaper than appending to it batch by batch.
 */
import type { Database } from '@tejido/db';
import { sql } from 'kysely';

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
    await sql`
      INSERT INTO evidence_digest (person_id, records, changed_at)
      SELECT e.person_id, string_agg(evidence_digest_record(e), ';'), max(e.recorded_at)
        FROM evidence e
       GROUP BY e.person_id`.execute(trx);
    await sql`ANALYZE evidence_digest`.execute(trx);
    await sql.raw(`ALTER TABLE evidence ENABLE TRIGGER ${TRIGGER}`).execute(trx);
  });
}
