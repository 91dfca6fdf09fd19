/**
 * The data steward's linkage queue: records held by an import (a probable match to confirm, or
 * no match yet) shown beside their candidates with the reasons of each score; linking one stores
 * what it says for the chosen person, and every link can be reverted (the evidence it brought is
 * retracted, the record goes back to the queue). Every decision is audited.
 */
import { todayInPeru, uuidv7 } from '@tejido/core';
import type { DB } from '@tejido/db';
import {
  DomainError,
  type IncomingPerson,
  type LinkDecision,
  type LinkPersonView,
  type LinkReviewView,
} from '@tejido/schemas';
import { type Kysely, type RawBuilder, type SqlBool, sql, type Transaction } from 'kysely';
import type { Actor } from '../access/actor';
import { assertCan } from '../access/permissions';
import { householdInScope, inTerritory } from '../access/scope';
import { recordAudit } from '../audit/service';
import { personsById } from '../registry/lookup';
import { refreshStatuses } from '../tracking/service';
import { applyLinked } from './apply';
import { heldRecordOf } from './held';

/** Held records a territory-scoped steward sees: those taken in (or matching persons of) their territory. */
function recordInScope(actor: Actor): RawBuilder<SqlBool> {
  if (actor.scope.kind === 'national') return sql<SqlBool>`true`;
  if (actor.scope.kind === 'territory') return inTerritory(actor.scope.territoryCode, 'r.territory_code');
  return sql<SqlBool>`false`;
}

/** Registry persons as the steward compares them; persons outside the steward's scope are left out. */
export async function linkPersonViews(
  db: Kysely<DB> | Transaction<DB>,
  actor: Actor,
  ids: readonly string[],
): Promise<Map<string, LinkPersonView>> {
  const views = new Map<string, LinkPersonView>();
  if (ids.length === 0) return views;
  const rows = await db
    .selectFrom('person as p')
    .innerJoin('household as h', 'h.id', 'p.household_id')
    .leftJoin('territory as t', (j) =>
      j.on(sql<SqlBool>`t.code = coalesce(h.village_code, h.territory_code)`),
    )
    .select([
      'p.id',
      'p.household_id',
      'h.code as household_code',
      'p.given_names',
      'p.first_surname',
      'p.second_surname',
      'p.sex',
      'p.birth_date',
      'p.document_type',
      'p.document_number',
      sql<string>`coalesce(h.village_code, h.territory_code)`.as('territory_code'),
      't.name as territory_name',
    ])
    .where('p.id', 'in', [...new Set(ids)])
    .where(householdInScope(actor))
    .execute();
  for (const r of rows) {
    views.set(r.id, {
      id: r.id,
      householdId: r.household_id,
      householdCode: r.household_code,
      givenNames: r.given_names,
      firstSurname: r.first_surname,
      secondSurname: r.second_surname,
      sex: r.sex,
      birthDate: r.birth_date,
      document: r.document_number ? `${r.document_type} ${r.document_number}` : null,
      territoryCode: r.territory_code,
      territoryName: r.territory_name ?? null,
    });
  }
  return views;
}

interface HeldRow {
  id: string;
  batch_id: string;
  file_name: string;
  line: number;
  status: 'review' | 'unmatched' | 'linked' | 'dismissed';
  person: unknown;
  payload: unknown;
  candidates: unknown;
  best_weight: number | null;
  person_id: string | null;
  decided_at: Date | null;
  link_id: string | null;
}

function summaryOf(payload: Record<string, unknown>): string {
  const e = payload.evidence as
    | { kind: string; code?: string; dose?: number; date: string; values?: object }
    | undefined;
  if (e) {
    const values = e.values
      ? ` ${Object.entries(e.values)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')}`
      : '';
    return `${e.kind}${e.code ? ` ${e.code}` : ''}${e.dose ? ` #${e.dose}` : ''}${values} ${e.date}`;
  }
  const s = payload.school as { schoolCode: string; period: string; enrolled: boolean } | undefined;
  if (s) return `school ${s.schoolCode} ${s.period}${s.enrolled ? '' : ' (not enrolled)'}`;
  const b = payload.birth as { certificateNumber: string } | undefined;
  return b ? `birth certificate ${b.certificateNumber}` : '';
}

async function views(db: Kysely<DB>, actor: Actor, rows: HeldRow[]): Promise<LinkReviewView[]> {
  const candidateIds = rows.flatMap((r) => [
    ...((r.candidates as Array<{ personId: string }>) ?? []).map((c) => c.personId),
    ...(r.person_id ? [r.person_id] : []),
  ]);
  const persons = await linkPersonViews(db, actor, candidateIds);
  return rows.map((r) => {
    const p = r.person as IncomingPerson;
    const candidates = (
      (r.candidates as Array<{ personId: string; weight: number; reasons: [] }>) ?? []
    ).flatMap((c) => {
      const person = persons.get(c.personId);
      return person ? [{ person, weight: c.weight, reasons: c.reasons }] : [];
    });
    return {
      id: r.id,
      kind: 'import' as const,
      status: r.status,
      batchId: r.batch_id,
      fileName: r.file_name,
      line: r.line,
      record: {
        givenNames: p.givenNames ?? null,
        firstSurname: p.firstSurname ?? null,
        secondSurname: p.secondSurname ?? null,
        sex: p.sex ?? null,
        birthDate: p.birthDate ?? null,
        document: p.documentNumber ? `${p.documentType ?? 'DNI'} ${p.documentNumber}` : null,
        territoryCode: p.territoryCode ?? null,
      },
      summary: summaryOf(r.payload as Record<string, unknown>),
      bestWeight: r.best_weight,
      candidates,
      linkedPersonId: r.person_id,
      linkId: r.link_id,
      decidedAt: r.decided_at?.toISOString() ?? null,
    };
  });
}

function heldQuery(db: Kysely<DB> | Transaction<DB>) {
  return db
    .selectFrom('import_record as r')
    .innerJoin('import_batch as b', 'b.id', 'r.batch_id')
    .select([
      'r.id',
      'r.batch_id',
      'b.file_name',
      'r.line',
      'r.status',
      'r.person',
      'r.payload',
      'r.candidates',
      'r.best_weight',
      'r.person_id',
      'r.decided_at',
      sql<
        string | null
      >`(SELECT l.id FROM record_link l WHERE l.import_record_id = r.id AND l.reverted_at IS NULL LIMIT 1)`.as(
        'link_id',
      ),
    ]);
}

export async function listReviews(
  db: Kysely<DB>,
  actor: Actor,
  query: {
    status: 'review' | 'unmatched' | 'linked' | 'dismissed';
    batchId?: string | undefined;
    limit: number;
    offset: number;
  },
): Promise<{ total: number; items: LinkReviewView[] }> {
  assertCan(actor, 'linkage.review');
  let base = db
    .selectFrom('import_record as r')
    .where('r.status', '=', query.status)
    .where(recordInScope(actor));
  if (query.batchId) base = base.where('r.batch_id', '=', query.batchId);
  const total = await base.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
  let q = heldQuery(db).where('r.status', '=', query.status).where(recordInScope(actor));
  if (query.batchId) q = q.where('r.batch_id', '=', query.batchId);
  const rows = (await q
    .orderBy('r.best_weight', (o) => o.desc().nullsLast())
    .orderBy('r.id')
    .limit(query.limit)
    .offset(query.offset)
    .execute()) as HeldRow[];
  const items = await views(db, actor, rows);
  await recordAudit(db, actor, [
    {
      action: 'linkage.list',
      entity: 'import_record',
      detail: { status: query.status, count: items.length },
    },
  ]);
  return { total: total.n, items };
}

async function heldInScope(db: Kysely<DB> | Transaction<DB>, actor: Actor, id: string, lock = false) {
  let q = heldQuery(db).where('r.id', '=', id).where(recordInScope(actor));
  if (lock) q = q.forUpdate('r');
  const row = (await q.executeTakeFirst()) as HeldRow | undefined;
  if (!row) throw new DomainError('NOT_FOUND', 'No such record in your scope');
  return row;
}

export async function getReview(db: Kysely<DB>, actor: Actor, id: string): Promise<LinkReviewView> {
  assertCan(actor, 'linkage.review');
  const [view] = await views(db, actor, [await heldInScope(db, actor, id)]);
  await recordAudit(db, actor, [{ action: 'linkage.read', entity: 'import_record', entityId: id }]);
  return view!;
}

/** Link a held record to a person (storing what it says) or dismiss it. */
export async function decideReview(
  db: Kysely<DB>,
  actor: Actor,
  id: string,
  decision: LinkDecision,
): Promise<LinkReviewView> {
  assertCan(actor, 'linkage.review');
  await db.transaction().execute(async (trx) => {
    const row = await heldInScope(trx, actor, id, true);
    if (row.status !== 'review' && row.status !== 'unmatched') {
      throw new DomainError('CONFLICT', `The record is already ${row.status}: revert the link first`);
    }
    if (decision.action === 'dismiss') {
      await trx
        .updateTable('import_record')
        .set({ status: 'dismissed', decided_by: actor.id, decided_at: new Date() })
        .where('id', '=', id)
        .execute();
      await trx
        .updateTable('import_batch')
        .set(
          row.status === 'review'
            ? { rows_review: sql`rows_review - 1` }
            : { rows_unmatched: sql`rows_unmatched - 1` },
        )
        .where('id', '=', row.batch_id)
        .execute();
      await recordAudit(trx, actor, [
        {
          action: 'linkage.dismiss',
          entity: 'import_record',
          entityId: id,
          detail: { reason: decision.reason },
        },
      ]);
      return;
    }
    // The person must be one the steward may see.
    const visible = await linkPersonViews(trx, actor, [decision.personId]);
    const person = (await personsById(trx, [decision.personId])).get(decision.personId);
    if (!person || !visible.has(decision.personId))
      throw DomainError.field('personId', 'No such person in your scope', 'NOT_FOUND');
    const earlier = await trx
      .selectFrom('record_link')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('import_record_id', '=', id)
      .executeTakeFirstOrThrow();
    const linkId = uuidv7();
    const batch = await trx
      .selectFrom('import_batch')
      .select(['kind'])
      .where('id', '=', row.batch_id)
      .executeTakeFirstOrThrow();
    const source = batch.kind === 'fhir' ? 'fhir' : batch.kind === 'births' ? 'reniec' : 'his_minsa';
    const applied = await applyLinked(
      trx,
      [
        {
          record: heldRecordOf(row),
          person,
          // A record linked before and reverted keeps its first evidence retracted; the new link's is new.
          ...(earlier.n > 0 ? { sourceRefSuffix: `#link:${linkId}` } : {}),
        },
      ],
      // No batch on the evidence: a steward's link is its own act (record_link keeps the batch),
      // and the batch's deferred digest, if any, must not count it twice.
      { batchId: null, actor, evidenceSource: source, fieldNames: { date: 'date', kind: 'kind' } },
    );
    if (applied.issues.length > 0) {
      throw DomainError.field('personId', applied.issues.map((i) => i.reason).join('; '), 'CONFLICT');
    }
    const candidate = ((row.candidates as Array<{ personId: string; weight: number }>) ?? []).find(
      (c) => c.personId === decision.personId,
    );
    await trx
      .insertInto('record_link')
      .values({
        id: linkId,
        import_record_id: id,
        person_id: person.id,
        method: 'steward',
        weight: candidate?.weight ?? null,
        evidence_ids: applied.stored.get(0) ?? [],
        linked_by: actor.id,
      })
      .execute();
    await trx
      .updateTable('import_record')
      .set({ status: 'linked', person_id: person.id, decided_by: actor.id, decided_at: new Date() })
      .where('id', '=', id)
      .execute();
    await trx
      .updateTable('import_batch')
      .set({
        ...(row.status === 'review'
          ? { rows_review: sql`rows_review - 1` }
          : { rows_unmatched: sql`rows_unmatched - 1` }),
        rows_imported: sql`rows_imported + ${applied.imported}`,
        rows_duplicate: sql`rows_duplicate + ${applied.duplicates}`,
      })
      .where('id', '=', row.batch_id)
      .execute();
    if (applied.persons.size > 0)
      await refreshStatuses(trx, { kind: 'ids', ids: [person.id] }, todayInPeru());
    await recordAudit(trx, actor, [
      {
        action: 'linkage.link',
        entity: 'person',
        entityId: person.id,
        householdId: person.householdId,
        detail: { record: id, link: linkId, weight: candidate?.weight ?? null, stored: applied.imported },
      },
    ]);
  });
  return getReview(db, actor, id);
}

/** Undo a link: the evidence it stored is retracted (kept, no longer counted), the record goes back to review. */
export async function revertLink(
  db: Kysely<DB>,
  actor: Actor,
  linkId: string,
  reason: string,
): Promise<LinkReviewView> {
  assertCan(actor, 'linkage.review');
  const recordId = await db.transaction().execute(async (trx) => {
    const link = await trx
      .selectFrom('record_link')
      .selectAll()
      .where('id', '=', linkId)
      .forUpdate()
      .executeTakeFirst();
    if (!link) throw new DomainError('NOT_FOUND', 'No such link');
    const row = await heldInScope(trx, actor, link.import_record_id, true);
    if (link.reverted_at) throw new DomainError('CONFLICT', 'This link was already reverted');
    if (link.evidence_ids.length > 0) {
      await sql`
        INSERT INTO evidence_retraction (evidence_id, person_id, reason, link_id, retracted_by)
        SELECT e.id, e.person_id, ${reason}, ${linkId}::uuid, ${actor.id}::uuid
          FROM evidence e WHERE e.id = ANY(${link.evidence_ids}::uuid[])
        ON CONFLICT DO NOTHING`.execute(trx);
      await trx.deleteFrom('school_record').where('id', 'in', link.evidence_ids).execute();
    }
    await trx
      .updateTable('record_link')
      .set({ reverted_by: actor.id, reverted_at: new Date(), revert_reason: reason })
      .where('id', '=', linkId)
      .execute();
    await trx
      .updateTable('import_record')
      .set({ status: 'review', person_id: null, decided_by: actor.id, decided_at: new Date() })
      .where('id', '=', row.id)
      .execute();
    await trx
      .updateTable('import_batch')
      .set({
        rows_review: sql`rows_review + 1`,
        rows_imported: sql`greatest(rows_imported - ${link.evidence_ids.length}, 0)`,
      })
      .where('id', '=', row.batch_id)
      .execute();
    await refreshStatuses(trx, { kind: 'ids', ids: [link.person_id] }, todayInPeru());
    const person = (await personsById(trx, [link.person_id])).get(link.person_id);
    await recordAudit(trx, actor, [
      {
        action: 'linkage.revert',
        entity: 'person',
        entityId: link.person_id,
        householdId: person?.householdId ?? null,
        detail: { record: row.id, link: linkId, reason, retracted: link.evidence_ids.length },
      },
    ]);
    return row.id;
  });
  return getReview(db, actor, recordId);
}
