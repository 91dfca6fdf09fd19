import type { DB } from '@tejido/db';
import type { AuditEntry, AuditQuery, AuditVerification } from '@tejido/schemas';
import { DomainError } from '@tejido/schemas';
import { type Kysely, sql } from 'kysely';
import type { Actor } from '../access/actor';
import { assertCan } from '../access/permissions';
import { type ChainedEntry, canonicalJson, entryBody, entryHash, GENESIS_HASH } from './chain';

export interface AuditEvent {
  action: string;
  entity?: string;
  entityId?: string;
  householdId?: string | null;
  detail?: Record<string, unknown>;
}

/**
 * Append events to the audit chain. Inside a transaction, the entries commit or roll back
 * with the change they describe; otherwise each is its own statement. One statement per
 * entry: it locks the chain's head row, numbers the entry after it, hashes it onto the
 * previous hash with the database's sha256() and moves the head, so concurrent writers
 * (one server or many) always form one unbroken chain.
 */
export async function recordAudit(db: Kysely<DB>, actor: Actor | null, events: AuditEvent[]): Promise<void> {
  if (events.length === 0) return;
  if (!db.isTransaction) {
    // Alone, the entry records a read: commit it without waiting for the WAL flush (see
    // docs/decisions/0004). Entries of changes ride in the change's own transaction.
    await db.transaction().execute(async (trx) => {
      await sql`SET LOCAL synchronous_commit = off`.execute(trx);
      await recordAudit(trx, actor, events);
    });
    return;
  }
  const at = new Date();
  for (const event of events) {
    const entry: ChainedEntry = {
      at,
      actorKind: actor ? actor.kind : 'anonymous',
      actorId: actor?.id ?? null,
      actorName: actor?.name ?? null,
      actorRole: actor?.role ?? null,
      action: event.action,
      entity: event.entity ?? null,
      entityId: event.entityId ?? null,
      householdId: event.householdId ?? null,
      detail: event.detail ?? null,
      ip: actor?.ip ?? null,
    };
    const body = entryBody(entry);
    await sql`
      WITH head AS (SELECT seq, hash FROM audit_head FOR UPDATE),
      moved AS (
        UPDATE audit_head SET seq = head.seq + 1,
          hash = encode(sha256(convert_to(head.hash || (head.seq + 1)::text || '|' || ${body}, 'UTF8')), 'hex')
        FROM head
        RETURNING audit_head.seq, audit_head.hash, head.hash AS prev_hash
      )
      INSERT INTO audit_log (seq, at, actor_kind, actor_id, actor_name, actor_role, action, entity, entity_id,
                             household_id, detail, ip, prev_hash, hash)
      SELECT seq, ${at}, ${entry.actorKind}, ${entry.actorId}, ${entry.actorName}, ${entry.actorRole}, ${entry.action},
             ${entry.entity}, ${entry.entityId}, ${entry.householdId},
             ${entry.detail === null ? null : canonicalJson(entry.detail)}::jsonb, ${entry.ip}, prev_hash, hash
      FROM moved`.execute(db);
  }
}

/**
 * Walk the whole chain in order and recompute every hash. An edited entry breaks its own
 * hash; a deleted one leaves a gap in `seq` or a broken link; a truncated tail is caught
 * by comparing with `expectedCount` when the caller knows it.
 */
export async function verifyAuditChain(db: Kysely<DB>, batch = 5000): Promise<AuditVerification> {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let entries = 0;
  for (;;) {
    const rows = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>=', expectedSeq)
      .orderBy('seq')
      .limit(batch)
      .execute();
    if (rows.length === 0) break;
    for (const r of rows) {
      if (r.seq !== expectedSeq) {
        return {
          ok: false,
          entries,
          firstBroken: { seq: expectedSeq, reason: `entry ${expectedSeq} is missing` },
        };
      }
      if (r.prev_hash !== prevHash) {
        return {
          ok: false,
          entries,
          firstBroken: { seq: r.seq, reason: 'link to the previous entry does not match' },
        };
      }
      const computed = entryHash(
        prevHash,
        r.seq,
        entryBody({
          at: r.at,
          actorKind: r.actor_kind,
          actorId: r.actor_id,
          actorName: r.actor_name,
          actorRole: r.actor_role,
          action: r.action,
          entity: r.entity,
          entityId: r.entity_id,
          householdId: r.household_id,
          detail: r.detail,
          ip: r.ip,
        }),
      );
      if (computed !== r.hash) {
        return {
          ok: false,
          entries,
          firstBroken: { seq: r.seq, reason: 'content does not match its hash (edited)' },
        };
      }
      prevHash = r.hash;
      expectedSeq += 1;
      entries += 1;
    }
  }
  // A deleted tail leaves no gap to find: the head row still counts the entries written.
  const head = await db.selectFrom('audit_head').select(['seq', 'hash']).executeTakeFirst();
  if (head && (head.seq !== expectedSeq - 1 || head.hash !== prevHash)) {
    return {
      ok: false,
      entries,
      firstBroken: {
        seq: expectedSeq,
        reason: `entries ${expectedSeq} to ${head.seq} are missing (the end of the trail was cut)`,
      },
    };
  }
  return { ok: true, entries, firstBroken: null };
}

/** The audit trail as auditors browse it, newest first. */
export async function listAudit(
  db: Kysely<DB>,
  actor: Actor,
  q: AuditQuery,
): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
  assertCan(actor, 'audit.read');
  let query = db
    .selectFrom('audit_log')
    .selectAll()
    .orderBy('seq', 'desc')
    .limit(q.limit + 1);
  if (q.cursor) {
    const before = Number(q.cursor);
    if (!Number.isInteger(before) || before < 1) throw DomainError.field('cursor', 'Invalid cursor');
    query = query.where('seq', '<', before);
  }
  if (q.actor) {
    const a = q.actor;
    query = /^[0-9a-f-]{36}$/i.test(a)
      ? query.where('actor_id', '=', a)
      : query.where('actor_name', 'ilike', `%${a}%`);
  }
  if (q.action) query = query.where('action', '=', q.action);
  if (q.entityId) query = query.where('entity_id', '=', q.entityId);
  if (q.householdId) query = query.where('household_id', '=', q.householdId);
  if (q.from) query = query.where('at', '>=', new Date(`${q.from}T00:00:00-05:00`));
  if (q.to)
    query = query.where('at', '<', new Date(new Date(`${q.to}T00:00:00-05:00`).getTime() + 86_400_000));
  const rows = await query.execute();
  const page = rows.slice(0, q.limit);
  return {
    items: page.map((r) => ({
      seq: r.seq,
      at: r.at.toISOString(),
      actorKind: r.actor_kind,
      actorId: r.actor_id,
      actorName: r.actor_name,
      actorRole: r.actor_role,
      action: r.action,
      entity: r.entity,
      entityId: r.entity_id,
      householdId: r.household_id,
      detail: r.detail,
      ip: r.ip,
    })),
    nextCursor: rows.length > q.limit ? String(page.at(-1)!.seq) : null,
  };
}
