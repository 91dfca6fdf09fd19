/**
 * Linking held records by their attributes once a file has been read: the persons of the
 * registry born around the records' birth dates are loaded into a linkage index (blocking keeps
 * it to a few candidates a record), each record is scored against its candidates (Fellegi-Sunter,
 * @tejido/core linkage), and above the upper threshold it is linked and stored, between the
 * thresholds it goes to the data steward's review queue, below it stays unmatched.
 */
import { addDays, bestMatches, decideLink, LinkIndex, type LinkRecord, uuidv7 } from '@tejido/core';
import type { Database, DB } from '@tejido/db';
import type { ImportKind, IncomingPerson } from '@tejido/schemas';
import { sql, type Transaction } from 'kysely';
import type { Actor } from '../access/actor';
import { linkCandidatesBornBetween, personsById } from '../registry/lookup';
import type { EvidenceForPerson } from '../tracking/bulk';
import { applyLinked, insertIssues, type LinkedRecord } from './apply';
import { type HeldRow, heldRecordOf } from './held';

/** Held records scored per transaction. */
const PAGE = 5000;
/** Candidates kept with a record for the steward. */
const KEPT_CANDIDATES = 3;

export function linkRecordOf(p: IncomingPerson): LinkRecord {
  return {
    givenNames: p.givenNames ?? '',
    firstSurname: p.firstSurname ?? '',
    secondSurname: p.secondSurname ?? null,
    sex: p.sex ?? null,
    birthDate: p.birthDate ?? null,
    territoryCode: p.territoryCode ?? null,
  };
}

/** Build a linkage index of the registry's persons born between two dates (one streamed pass). */
export async function buildLinkIndex(database: Database, from: string, to: string): Promise<LinkIndex> {
  const index = new LinkIndex();
  for await (const page of linkCandidatesBornBetween(database, from, to)) {
    for (const { documentNumber: _, ...p } of page) index.add(p);
  }
  return index;
}

export async function linkHeldRecords(
  database: Database,
  batchId: string,
  kind: ImportKind,
  evidenceSource: EvidenceForPerson['source'],
  actor: Actor,
  touched: Set<string>,
  onProgress?: (done: number, total: number) => void,
  prepare: (trx: Transaction<DB>) => Promise<unknown> = async () => {},
): Promise<void> {
  const db = database.db;
  const span = await db
    .selectFrom('import_record')
    .select([
      sql<string | null>`min(person->>'birthDate')`.as('first'),
      sql<string | null>`max(person->>'birthDate')`.as('last'),
      sql<number>`count(*)::int`.as('n'),
    ])
    .where('batch_id', '=', batchId)
    .where('status', '=', 'unmatched')
    .where('scored_at', 'is', null)
    .executeTakeFirstOrThrow();
  if (span.n === 0 || !span.first || !span.last) return;
  // A year either side: a swapped day and month moves a date by up to eleven months.
  const index = await buildLinkIndex(database, addDays(span.first, -366), addDays(span.last, 366));
  let done = 0;
  let after = -1;
  for (;;) {
    const rows = (await db
      .selectFrom('import_record')
      .select(['id', 'line', 'person', 'payload', 'status', 'candidates'])
      .where('batch_id', '=', batchId)
      .where('status', '=', 'unmatched')
      .where('scored_at', 'is', null)
      .where('line', '>', after)
      .orderBy('line')
      .limit(PAGE)
      .execute()) as HeldRow[];
    if (rows.length === 0) break;
    after = rows[rows.length - 1]!.line;
    const toLink: Array<{
      record: ReturnType<typeof heldRecordOf>;
      personId: string;
      heldId: string;
      weight: number;
    }> = [];
    const review: Array<{ id: string; candidates: unknown[]; weight: number; territory: string | null }> = [];
    const unmatched: Array<{ id: string; candidates: unknown[]; weight: number | null }> = [];
    for (const row of rows) {
      const record = heldRecordOf(row);
      const scores = bestMatches(index, linkRecordOf(record.person), KEPT_CANDIDATES);
      const decision = decideLink(scores);
      const kept = scores.slice(0, KEPT_CANDIDATES);
      if (decision.decision === 'link' && decision.best) {
        toLink.push({
          record,
          personId: decision.best.personId,
          heldId: row.id,
          weight: decision.best.weight,
        });
      } else if (decision.decision === 'review' && decision.best) {
        review.push({
          id: row.id,
          candidates: kept,
          weight: decision.best.weight,
          territory:
            record.person.territoryCode ?? index.person(decision.best.personId)?.territoryCode ?? null,
        });
      } else {
        unmatched.push({ id: row.id, candidates: kept, weight: kept[0]?.weight ?? null });
      }
    }
    // What storing needs of the linked persons (household, sex, birth date), for this page only.
    const found = await personsById(
      db,
      toLink.map((l) => l.personId),
    );
    const linked: Array<LinkedRecord & { heldId: string; weight: number }> = toLink.flatMap((l) => {
      const person = found.get(l.personId);
      return person ? [{ record: l.record, person, heldId: l.heldId, weight: l.weight }] : [];
    });
    await db.transaction().execute(async (trx) => {
      await prepare(trx);
      const applied = await applyLinked(trx, linked, {
        batchId,
        actor,
        evidenceSource,
        fieldNames: kind === 'fhir' ? { date: 'date', kind: 'kind' } : { date: 'fecha', kind: 'tipo' },
      });
      for (const id of applied.persons) touched.add(id);
      await insertIssues(trx, batchId, applied.issues);
      if (linked.length > 0) {
        const linkIds = linked.map(() => uuidv7());
        await sql`
          INSERT INTO record_link (id, import_record_id, person_id, method, weight, evidence_ids, linked_by)
          SELECT id, record_id, person_id, 'attributes', weight,
                 ARRAY(SELECT jsonb_array_elements_text(evidence))::uuid[], NULL
            FROM unnest(${linkIds}::uuid[], ${linked.map((l) => l.heldId)}::uuid[], ${linked.map((l) => l.person.id)}::uuid[],
                        ${linked.map((l) => l.weight)}::float8[],
                        ${linked.map((_, k) => JSON.stringify(applied.stored.get(k) ?? []))}::jsonb[])
              AS t(id, record_id, person_id, weight, evidence)`.execute(trx);
        await sql`
          UPDATE import_record r SET status = 'linked', person_id = t.person_id, best_weight = t.weight, scored_at = now()
            FROM unnest(${linked.map((l) => l.heldId)}::uuid[], ${linked.map((l) => l.person.id)}::uuid[],
                        ${linked.map((l) => l.weight)}::float8[]) AS t(id, person_id, weight)
           WHERE r.id = t.id`.execute(trx);
      }
      const scored = [
        ...review.map((r) => ({ ...r, status: 'review' })),
        ...unmatched.map((u) => ({ ...u, status: 'unmatched', territory: null })),
      ];
      if (scored.length > 0) {
        await sql`
          UPDATE import_record r SET status = t.status, candidates = t.candidates, best_weight = t.weight,
                 territory_code = coalesce(r.territory_code, t.territory), scored_at = now()
            FROM unnest(${scored.map((x) => x.id)}::uuid[], ${scored.map((x) => x.status)}::text[],
                        ${scored.map((x) => JSON.stringify(x.candidates))}::jsonb[], ${scored.map((x) => x.weight)}::float8[],
                        ${scored.map((x) => x.territory)}::text[]) AS t(id, status, candidates, weight, territory)
           WHERE r.id = t.id`.execute(trx);
      }
      const rejectedLines = new Set(applied.issues.map((i) => i.line)).size;
      await trx
        .updateTable('import_batch')
        .set({
          rows_imported: sql`rows_imported + ${applied.imported}`,
          rows_duplicate: sql`rows_duplicate + ${applied.duplicates}`,
          rows_rejected: sql`rows_rejected + ${rejectedLines}`,
          rows_review: sql`rows_review + ${review.length}`,
          rows_unmatched: sql`rows_unmatched - ${linked.length + review.length}`,
          linked_by_attributes: sql`linked_by_attributes + ${linked.length}`,
        })
        .where('id', '=', batchId)
        .execute();
    });
    done += rows.length;
    onProgress?.(done, span.n);
  }
}
