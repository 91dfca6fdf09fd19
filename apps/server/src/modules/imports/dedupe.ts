/**
 * Likely duplicate persons already in the registry (`tejido dedupe`): each person is scored
 * against the others with the same linkage as imports (blocking, Fellegi-Sunter weights), a few
 * birth years at a time so that memory stays bounded; pairs above the lower threshold go to the
 * data steward's queue. Two persons with different identity numbers are different persons and are
 * not paired. A pair the steward confirms is merged, reversibly: the duplicate's evidence is copied
 * to the survivor and the duplicate is kept as 'merged'; reverting retracts the copies.
 */
import {
  addDays,
  bestMatches,
  DEFAULT_LINKAGE_PARAMETERS,
  decideLink,
  todayInPeru,
  uuidv7,
} from '@tejido/core';
import type { Database, DB } from '@tejido/db';
import { DomainError, type DuplicatePairView } from '@tejido/schemas';
import { type Kysely, sql } from 'kysely';
import type { Actor } from '../access/actor';
import { assertCan } from '../access/permissions';
import { recordAudit } from '../audit/service';
import { linkCandidatesBornBetween, personsById } from '../registry/lookup';
import { type EvidenceForPerson, recordEvidenceBatch } from '../tracking/bulk';
import { refreshStatuses, syncTracking } from '../tracking/service';
import { buildLinkIndex } from './linkage';
import { linkPersonViews } from './review';

/** Birth years scored per pass (the index holds one more year either side). */
const YEARS_PER_PASS = 8;

export interface DedupeSummary {
  persons: number;
  pairs: number;
  seconds: number;
}

export async function findDuplicates(
  database: Database,
  actor: Actor,
  options: { onProgress?: (done: number, total: number) => void } = {},
): Promise<DedupeSummary> {
  assertCan(actor, 'linkage.review');
  const started = performance.now();
  const span = await database.db
    .selectFrom('person')
    .select([
      sql<string | null>`min(birth_date)::text`.as('first'),
      sql<string | null>`max(birth_date)::text`.as('last'),
      sql<number>`count(*)::int`.as('n'),
    ])
    .where('status', '=', 'active')
    .executeTakeFirstOrThrow();
  if (!span.first || !span.last) return { persons: 0, pairs: 0, seconds: 0 };
  const firstYear = Number(span.first.slice(0, 4));
  const lastYear = Number(span.last.slice(0, 4));
  let persons = 0;
  let pairs = 0;
  for (let year = firstYear; year <= lastYear; year += YEARS_PER_PASS) {
    const from = `${year}-01-01`;
    const to = `${year + YEARS_PER_PASS - 1}-12-31`;
    const index = await buildLinkIndex(database, addDays(from, -366), addDays(to, 366));
    const found: Array<{ a: string; b: string; weight: number; reasons: unknown; territory: string }> = [];
    // Identity numbers of the persons of the window: two different numbers are two persons.
    const documents = new Map<string, string>();
    const ids: string[] = [];
    for await (const page of linkCandidatesBornBetween(database, from, to)) {
      for (const p of page) {
        if (p.documentNumber) documents.set(p.id, p.documentNumber);
        if (p.birthDate >= from && p.birthDate <= to) ids.push(p.id);
      }
    }
    for (const id of ids) {
      const p = { ...index.person(id)!, documentNumber: documents.get(id) ?? null };
      persons += 1;
      const scores = bestMatches(
        index,
        {
          givenNames: p.givenNames,
          firstSurname: p.firstSurname,
          secondSurname: p.secondSurname,
          sex: p.sex,
          birthDate: p.birthDate,
          territoryCode: p.territoryCode,
        },
        3,
        { excludePersonId: p.id },
      );
      const best = scores[0];
      if (!best || best.weight < DEFAULT_LINKAGE_PARAMETERS.thresholds.lower) continue;
      const other = { ...index.person(best.personId)!, documentNumber: documents.get(best.personId) ?? null };
      // Different identity numbers: the identity system says they are two persons.
      if (p.documentNumber && other.documentNumber && p.documentNumber !== other.documentNumber) continue;
      const decision = decideLink(scores);
      if (decision.decision === 'non_link') continue;
      const [a, b] = p.id < other.id ? [p.id, other.id] : [other.id, p.id];
      found.push({ a, b, weight: best.weight, reasons: best.reasons, territory: p.territoryCode ?? '' });
    }
    for (let i = 0; i < found.length; i += 2000) {
      const part = found.slice(i, i + 2000);
      const inserted = await sql<{ id: string }>`
        INSERT INTO duplicate_pair (id, person_a, person_b, weight, reasons, status, territory_code)
        SELECT id, a, b, weight, reasons, 'open', territory
          FROM unnest(${part.map(() => uuidv7())}::uuid[], ${part.map((x) => x.a)}::uuid[], ${part.map((x) => x.b)}::uuid[],
                      ${part.map((x) => x.weight)}::float8[], ${part.map((x) => JSON.stringify(x.reasons))}::jsonb[],
                      ${part.map((x) => x.territory)}::text[]) AS t(id, a, b, weight, reasons, territory)
        ON CONFLICT (person_a, person_b) DO NOTHING
        RETURNING id`.execute(database.db);
      pairs += inserted.rows.length;
    }
    options.onProgress?.(
      Math.min(year + YEARS_PER_PASS - firstYear, lastYear - firstYear + 1),
      lastYear - firstYear + 1,
    );
  }
  await recordAudit(database.db, actor, [
    { action: 'linkage.dedupe', entity: 'duplicate_pair', detail: { persons, pairs } },
  ]);
  return { persons, pairs, seconds: (performance.now() - started) / 1000 };
}

type PairRow = {
  id: string;
  person_a: string;
  person_b: string;
  weight: number;
  reasons: unknown;
  status: 'open' | 'same_person' | 'distinct';
  found_at: Date;
  decided_at: Date | null;
  decision_note: string | null;
};

async function pairViews(db: Kysely<DB>, actor: Actor, rows: PairRow[]): Promise<DuplicatePairView[]> {
  const persons = await linkPersonViews(
    db,
    actor,
    rows.flatMap((r) => [r.person_a, r.person_b]),
  );
  // A pair is shown only when the steward may see both persons.
  return rows.flatMap((r) => {
    const a = persons.get(r.person_a);
    const b = persons.get(r.person_b);
    if (!a || !b) return [];
    return [
      {
        id: r.id,
        status: r.status,
        weight: r.weight,
        reasons: r.reasons as DuplicatePairView['reasons'],
        a,
        b,
        foundAt: r.found_at.toISOString(),
        decidedAt: r.decided_at?.toISOString() ?? null,
        decisionNote: r.decision_note,
      },
    ];
  });
}

const PAIR_COLUMNS = [
  'id',
  'person_a',
  'person_b',
  'weight',
  'reasons',
  'status',
  'found_at',
  'decided_at',
  'decision_note',
] as const;

export async function listDuplicates(
  db: Kysely<DB>,
  actor: Actor,
  query: { status: 'open' | 'same_person' | 'distinct'; limit: number; offset: number },
): Promise<DuplicatePairView[]> {
  assertCan(actor, 'linkage.review');
  const rows = (await db
    .selectFrom('duplicate_pair')
    .select(PAIR_COLUMNS)
    .where('status', '=', query.status)
    .orderBy('weight', 'desc')
    .orderBy('id')
    .limit(query.limit)
    .offset(query.offset)
    .execute()) as PairRow[];
  const views = await pairViews(db, actor, rows);
  await recordAudit(db, actor, [
    { action: 'linkage.duplicates', entity: 'duplicate_pair', detail: { count: views.length } },
  ]);
  return views;
}

async function pairInScope(db: Kysely<DB>, actor: Actor, id: string) {
  const row = (await db
    .selectFrom('duplicate_pair')
    .select(PAIR_COLUMNS)
    .where('id', '=', id)
    .executeTakeFirst()) as PairRow | undefined;
  const [view] = row ? await pairViews(db, actor, [row]) : [];
  if (!view) throw new DomainError('NOT_FOUND', 'No such pair in your scope');
  return view;
}

/**
 * The steward's decision on a pair: distinct persons, or the same person — then the one with an
 * identity number (else the first registered) survives and the other is merged into them.
 */
export async function decideDuplicate(
  db: Kysely<DB>,
  actor: Actor,
  id: string,
  decision: { decision: 'same_person' | 'distinct'; note?: string | undefined },
): Promise<DuplicatePairView> {
  assertCan(actor, 'linkage.review');
  await pairInScope(db, actor, id);
  await db.transaction().execute(async (trx) => {
    const pair = await trx
      .selectFrom('duplicate_pair')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (pair.status !== 'open')
      throw new DomainError('CONFLICT', `The pair was already decided: ${pair.status}`);
    if (decision.decision === 'distinct') {
      await trx
        .updateTable('duplicate_pair')
        .set({
          status: 'distinct',
          decided_by: actor.id,
          decided_at: new Date(),
          decision_note: decision.note ?? null,
        })
        .where('id', '=', id)
        .execute();
      await recordAudit(trx, actor, [{ action: 'linkage.distinct', entity: 'duplicate_pair', entityId: id }]);
      return;
    }
    const both = await trx
      .selectFrom('person')
      .select(['id', 'household_id', 'status', 'document_number', 'created_at', 'version'])
      .where('id', 'in', [pair.person_a, pair.person_b])
      .forUpdate()
      .execute();
    if (both.length !== 2 || both.some((p) => p.status === 'merged')) {
      throw new DomainError('CONFLICT', 'One of the two persons was merged already');
    }
    both.sort(
      (x, y) =>
        Number(y.document_number !== null) - Number(x.document_number !== null) ||
        x.created_at.getTime() - y.created_at.getTime(),
    );
    const [survivor, merged] = both as [(typeof both)[0], (typeof both)[0]];
    const target = (await personsById(trx, [survivor.id])).get(survivor.id)!;
    // Each merge copies under its own references: a merge reverted and made again copies anew.
    const mergeId = uuidv7();
    const evidence = await trx
      .selectFrom('evidence as e')
      .selectAll('e')
      .where('e.person_id', '=', merged.id)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('evidence_retraction as r')
              .select('r.evidence_id')
              .whereRef('r.evidence_id', '=', 'e.id'),
          ),
        ),
      )
      .execute();
    const copies: EvidenceForPerson[] = evidence
      .filter((e) => e.date >= target.birthDate)
      .map((e) => ({
        personId: survivor.id,
        sex: target.sex,
        birthDate: target.birthDate,
        kind: e.kind,
        date: e.date,
        code: e.code ?? undefined,
        dose: e.dose ?? undefined,
        values: {
          ...(e.weight_kg !== null ? { weightKg: e.weight_kg } : {}),
          ...(e.length_cm !== null ? { lengthCm: e.length_cm } : {}),
          ...(e.measured !== null ? { measured: e.measured } : {}),
          ...(e.oedema !== null ? { oedema: e.oedema } : {}),
          ...(e.hb_gdl !== null ? { hbGdl: e.hb_gdl } : {}),
        },
        source: e.source === 'manual' ? 'file_import' : e.source,
        sourceRef: `merge:${mergeId}:${e.id}`,
      }))
      .map((c) => (Object.keys(c.values ?? {}).length === 0 ? { ...c, values: undefined } : c));
    const stored = await recordEvidenceBatch(trx, copies, {
      recordedBy: actor.kind === 'user' ? actor.id : null,
      batchId: null,
    });
    const copied = [...stored.ids.values()].flat();
    await trx
      .updateTable('person')
      .set({
        status: 'merged',
        merged_into: survivor.id,
        version: merged.version + 1,
        updated_at: new Date(),
      })
      .where('id', '=', merged.id)
      .execute();
    await trx
      .insertInto('change_history')
      .values({
        entity: 'person',
        entity_id: merged.id,
        household_id: merged.household_id,
        version: merged.version + 1,
        field: 'status',
        old_value: JSON.stringify(merged.status),
        new_value: JSON.stringify('merged'),
        actor_kind: actor.kind,
        actor_id: actor.id,
      })
      .execute();
    await trx
      .updateTable('duplicate_pair')
      .set({
        status: 'same_person',
        decided_by: actor.id,
        decided_at: new Date(),
        decision_note: decision.note ?? null,
        survivor: survivor.id,
        merged_status: merged.status,
        copied_evidence_ids: copied,
      })
      .where('id', '=', id)
      .execute();
    await syncTracking(trx, merged.household_id);
    await refreshStatuses(trx, { kind: 'ids', ids: [survivor.id] }, todayInPeru());
    await recordAudit(trx, actor, [
      {
        action: 'linkage.merge',
        entity: 'person',
        entityId: merged.id,
        householdId: merged.household_id,
        detail: { pair: id, survivor: survivor.id, copied: copied.length },
      },
    ]);
  });
  return pairInScope(db, actor, id);
}

/** Undo a merge: the copies are retracted, the merged person is restored; the pair is open again. */
export async function revertMerge(
  db: Kysely<DB>,
  actor: Actor,
  id: string,
  reason: string,
): Promise<DuplicatePairView> {
  assertCan(actor, 'linkage.review');
  await pairInScope(db, actor, id);
  await db.transaction().execute(async (trx) => {
    const pair = await trx
      .selectFrom('duplicate_pair')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (pair.status !== 'same_person' || !pair.survivor)
      throw new DomainError('CONFLICT', 'The pair was not merged');
    const mergedId = pair.survivor === pair.person_a ? pair.person_b : pair.person_a;
    if (pair.copied_evidence_ids.length > 0) {
      await sql`
        INSERT INTO evidence_retraction (evidence_id, person_id, reason, retracted_by)
        SELECT e.id, e.person_id, ${`merge reverted: ${reason}`}, ${actor.id}::uuid
          FROM evidence e WHERE e.id = ANY(${pair.copied_evidence_ids}::uuid[])
        ON CONFLICT DO NOTHING`.execute(trx);
    }
    const merged = await trx
      .updateTable('person')
      .set({
        status: (pair.merged_status as 'active' | 'moved_out' | 'deceased' | null) ?? 'active',
        merged_into: null,
        version: sql`version + 1`,
        updated_at: new Date(),
      })
      .where('id', '=', mergedId)
      .returning(['household_id', 'version', 'status'])
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('change_history')
      .values({
        entity: 'person',
        entity_id: mergedId,
        household_id: merged.household_id,
        version: merged.version,
        field: 'status',
        old_value: JSON.stringify('merged'),
        new_value: JSON.stringify(merged.status),
        actor_kind: actor.kind,
        actor_id: actor.id,
      })
      .execute();
    await trx
      .updateTable('duplicate_pair')
      .set({
        status: 'open',
        decided_by: actor.id,
        decided_at: new Date(),
        decision_note: `reverted: ${reason}`,
        survivor: null,
        merged_status: null,
        copied_evidence_ids: [],
      })
      .where('id', '=', id)
      .execute();
    await syncTracking(trx, merged.household_id);
    await refreshStatuses(trx, { kind: 'ids', ids: [pair.survivor] }, todayInPeru());
    await recordAudit(trx, actor, [
      {
        action: 'linkage.unmerge',
        entity: 'person',
        entityId: mergedId,
        householdId: merged.household_id,
        detail: { pair: id, survivor: pair.survivor, retracted: pair.copied_evidence_ids.length, reason },
      },
    ]);
  });
  return pairInScope(db, actor, id);
}
