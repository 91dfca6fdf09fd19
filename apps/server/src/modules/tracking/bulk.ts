/**
 * Evidence from other systems, many records at once: what the importers call once they know
 * whom each record is about. The checks are those of recordEvidence (a date not before the birth,
 * prenatal care only during a registered pregnancy, WHO's implausible flag), made for the whole
 * batch in one statement each; the records go in with one INSERT, and a record already stored
 * (its source and source reference) is counted, not stored again.
 */

import { daysBetween, todayInPeru, uuidv7 } from '@tejido/core';
import type { Database, DB } from '@tejido/db';
import type { EvidenceKind, EvidenceValues, Sex } from '@tejido/schemas';
import { sql, type Transaction } from 'kysely';
import { recompute } from './recompute';
import { isImplausible, PREGNANCY_KINDS, refreshStatuses } from './service';
import { PREGNANCY_MAX_DAYS } from './subjects';

export interface EvidenceForPerson {
  personId: string;
  sex: Sex;
  birthDate: string;
  kind: EvidenceKind;
  date: string;
  code?: string | undefined;
  dose?: number | undefined;
  values?: EvidenceValues | undefined;
  source: 'his_minsa' | 'reniec' | 'sis' | 'fhir' | 'file_import';
  sourceRef: string;
}

export interface EvidenceBatchResult {
  inserted: number;
  /** Already stored (the same source record), by index in the input. */
  duplicates: number[];
  /** Refused, by index in the input, with the field and reason. */
  refused: Array<{ index: number; field: string; reason: string }>;
  /** Persons who got new evidence. */
  persons: Set<string>;
  /** The ids of the records stored, by index in the input. */
  ids: Map<number, string[]>;
}

/**
 * Store evidence for known persons in the caller's transaction. Statuses are not refreshed here:
 * the caller refreshes the persons returned (refreshStatusesOf), once per import rather than per batch.
 */
export async function recordEvidenceBatch(
  trx: Transaction<DB>,
  rows: readonly EvidenceForPerson[],
  options: { recordedBy: string | null; batchId: string | null },
): Promise<EvidenceBatchResult> {
  const refused: EvidenceBatchResult['refused'] = [];
  const ok: number[] = [];
  const prenatal = new Set<string>();
  rows.forEach((r, i) => {
    if (r.date < r.birthDate)
      refused.push({ index: i, field: 'date', reason: 'The date is before the birth of the person' });
    else {
      ok.push(i);
      if (PREGNANCY_KINDS.has(r.kind)) prenatal.add(r.personId);
    }
  });
  // In person order: the person index and the digests are then written page after page.
  ok.sort((a, b) =>
    rows[a]!.personId < rows[b]!.personId ? -1 : rows[a]!.personId > rows[b]!.personId ? 1 : a - b,
  );
  let accepted = ok;
  if (prenatal.size > 0) {
    const pregnancies = await sql<{ person_id: string; starts: string; ends: string }>`
      SELECT person_id, coalesce(last_menstrual_period, estimated_delivery_date - 280)::text AS starts,
             coalesce(ended_on, coalesce(last_menstrual_period, estimated_delivery_date - 280) + ${sql.lit(PREGNANCY_MAX_DAYS)})::text AS ends
        FROM pregnancy WHERE person_id = ANY(${[...prenatal]}::uuid[])`.execute(trx);
    const byPerson = new Map<string, Array<{ starts: string; ends: string }>>();
    for (const p of pregnancies.rows) {
      const list = byPerson.get(p.person_id) ?? [];
      list.push(p);
      byPerson.set(p.person_id, list);
    }
    accepted = ok.filter((i) => {
      const r = rows[i]!;
      if (!PREGNANCY_KINDS.has(r.kind)) return true;
      const fits = (byPerson.get(r.personId) ?? []).some((p) => p.starts <= r.date && r.date <= p.ends);
      if (!fits) {
        refused.push({
          index: i,
          field: 'kind',
          reason: 'Prenatal care needs a pregnancy of this woman registered for that date',
        });
      }
      return fits;
    });
  }
  // The same record twice in one batch: the first is stored, the others are duplicates.
  const seen = new Set<string>();
  const repeated: number[] = [];
  accepted = accepted.filter((index) => {
    const key = `${rows[index]!.source}|${rows[index]!.sourceRef}`;
    if (seen.has(key)) {
      repeated.push(index);
      return false;
    }
    seen.add(key);
    return true;
  });
  const n = accepted.length;
  const cols = {
    id: new Array<string>(n),
    person: new Array<string>(n),
    kind: new Array<string>(n),
    date: new Array<string>(n),
    code: new Array<string | null>(n),
    dose: new Array<number | null>(n),
    weight: new Array<number | null>(n),
    length: new Array<number | null>(n),
    measured: new Array<string | null>(n),
    oedema: new Array<boolean | null>(n),
    hb: new Array<number | null>(n),
    implausible: new Array<boolean>(n),
    source: new Array<string>(n),
    ref: new Array<string>(n),
  };
  const now = Date.now();
  accepted.forEach((index, k) => {
    const r = rows[index]!;
    const v = r.values;
    cols.id[k] = uuidv7(now);
    cols.person[k] = r.personId;
    cols.kind[k] = r.kind;
    cols.date[k] = r.date;
    cols.code[k] = r.code ?? null;
    cols.dose[k] = r.dose ?? null;
    cols.weight[k] = v?.weightKg ?? null;
    cols.length[k] = v?.lengthCm ?? null;
    cols.measured[k] = v?.measured ?? null;
    cols.oedema[k] = v?.oedema ?? null;
    cols.hb[k] = v?.hbGdl ?? null;
    cols.implausible[k] = v ? isImplausible(r.sex, daysBetween(r.birthDate, r.date), v) : false;
    cols.source[k] = r.source;
    cols.ref[k] = r.sourceRef;
  });
  const persons = new Set<string>();
  const duplicates: number[] = [...repeated];
  const ids = new Map<number, string[]>();
  if (n > 0) {
    // Arrays as parameters: one statement whatever the batch size, inside the caller's transaction.
    const rows = sql`unnest(${cols.id}::uuid[], ${cols.person}::uuid[], ${cols.kind}::text[], ${cols.date}::date[],
                    ${cols.code}::text[], ${cols.dose}::smallint[], ${cols.weight}::float8[], ${cols.length}::float8[],
                    ${cols.measured}::text[], ${cols.oedema}::bool[], ${cols.hb}::float8[], ${cols.implausible}::bool[],
                    ${cols.source}::text[], ${cols.ref}::text[])
             AS t(id, person_id, kind, date, code, dose, weight_kg, length_cm, measured, oedema, hb_gdl,
                  implausible, source, source_ref)`;
    const insert = (guard: 'not_exists' | 'on_conflict') => sql<{ id: string }>`
      INSERT INTO evidence (id, person_id, kind, date, code, dose, weight_kg, length_cm, measured, oedema, hb_gdl,
                            implausible, source, source_ref, recorded_by, import_batch_id)
      SELECT id, person_id, kind, date, code, dose, weight_kg, length_cm, measured, oedema, hb_gdl,
             implausible, source, source_ref, ${options.recordedBy}::uuid, ${options.batchId}::uuid
        FROM ${rows}
      ${
        guard === 'not_exists'
          ? sql`WHERE NOT EXISTS (SELECT 1 FROM evidence e WHERE e.source = t.source AND e.source_ref = t.source_ref)`
          : sql`ON CONFLICT DO NOTHING`
      }
      RETURNING id`;
    // A plain insert of what is not stored yet costs half an upsert (no speculative insertion per
    // row). Two imports storing the same record at the same moment make it fail on the unique
    // key: then the upsert decides, in a savepoint so that the transaction goes on.
    await sql`SAVEPOINT evidence_batch`.execute(trx);
    let result: { rows: Array<{ id: string }> };
    try {
      result = await insert('not_exists').execute(trx);
      await sql`RELEASE SAVEPOINT evidence_batch`.execute(trx);
    } catch (error) {
      if ((error as { code?: string }).code !== '23505') throw error;
      await sql`ROLLBACK TO SAVEPOINT evidence_batch`.execute(trx);
      result = await insert('on_conflict').execute(trx);
    }
    const stored = new Set(result.rows.map((r) => r.id));
    accepted.forEach((index, k) => {
      if (stored.has(cols.id[k]!)) {
        ids.set(index, [cols.id[k]!]);
        persons.add(cols.person[k]!);
      } else duplicates.push(index);
    });
  }
  return { inserted: ids.size, duplicates, refused, persons, ids };
}

/** More persons than this are always refreshed by a full recompute, which is faster per person. */
export const FULL_RECOMPUTE_THRESHOLD = 100_000;

/**
 * Whether refreshing `touched` persons in groups would take longer than a full recompute of the
 * `tracked` ones. Measured on the benchmark machine: about 0.8 ms a person in groups of a thousand
 * (each group reads its persons' evidence), against about 60 µs a tracked person plus 10 s for a
 * recompute. On a registry of 265,000 tracked persons the turn comes at about 32,000 touched.
 */
export function fullRecomputeIsFaster(touched: number, tracked: number): boolean {
  if (touched > FULL_RECOMPUTE_THRESHOLD) return true;
  return touched * 0.8 > tracked * 0.06 + 10_000;
}

/**
 * Refresh the tracking status (and rule alerts) of persons who got new evidence outside the API:
 * in groups of a thousand, each in its own transaction, or by a full recompute for many.
 */
export async function refreshStatusesOf(
  database: Database,
  personIds: Iterable<string>,
  options: { databaseUrl?: string | undefined; onProgress?: (done: number, total: number) => void } = {},
): Promise<{ persons: number; fullRecompute: boolean }> {
  const ids = [...personIds];
  const asOf = todayInPeru();
  const estimate = await sql<{ n: number }>`
    SELECT greatest(reltuples, 0)::float8 AS n FROM pg_class WHERE oid = 'tracking_status'::regclass`.execute(
    database.db,
  );
  if (fullRecomputeIsFaster(ids.length, Number(estimate.rows[0]?.n ?? 0))) {
    await recompute(database, {
      asOf,
      databaseUrl: options.databaseUrl,
      // The evidence is committed: only changes of others made meanwhile need applying again.
      catchUpMarginMs: 2000,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    return { persons: ids.length, fullRecompute: true };
  }
  ids.sort();
  for (let i = 0; i < ids.length; i += 1000) {
    const group = ids.slice(i, i + 1000);
    await database.db.transaction().execute((trx) => refreshStatuses(trx, { kind: 'ids', ids: group }, asOf));
    options.onProgress?.(Math.min(i + 1000, ids.length), ids.length);
  }
  return { persons: ids.length, fullRecompute: false };
}
