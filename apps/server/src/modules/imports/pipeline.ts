/**
 * Importing a file: records are read as a stream and stored in chunks, each chunk in one
 * transaction with its rejected rows and the batch's progress, so an interrupted import loses
 * nothing and a rerun of the same file starts after the last stored line. Records are linked to
 * persons by identity number as they are stored; those without one (or whose number is not in the
 * registry) are kept and linked by their attributes (Fellegi-Sunter, see linkage.ts) once the
 * file has been read; the statuses of every person who got new evidence are refreshed at the end.
 */
import { daysBetween, uuidv7 } from '@tejido/core';
import type { Database, DB } from '@tejido/db';
import type { ImportKind, IncomingPerson, IncomingRecord, RowIssue } from '@tejido/schemas';
import { sql, type Transaction } from 'kysely';
import type { Actor } from '../access/actor';
import { assertCan } from '../access/permissions';
import { recordAudit } from '../audit/service';
import { DocumentIndex, type LinkablePerson, newbornsOfMothers, personsByDocument } from '../registry/lookup';
import { refreshStatusesOf } from '../tracking/bulk';
import { appendDeferredDigest, appendDigestPart, deferEvidenceDigest } from '../tracking/digest';
import { applyLinked, insertIssues, type LinkedRecord } from './apply';
import { type FileFacts, inspectFile } from './files';
import { linkHeldRecords } from './linkage';
import { openSource, type RecordSource, type SourceItem } from './sources';

export interface ImportRequest {
  kind: ImportKind;
  /** The file on disk (the web upload is saved to a temporary file first). */
  path: string;
  /** Its name as the user knows it, for the batch record. */
  fileName: string;
  mapping?: { text: string; fileName: string } | undefined;
  actor: Actor;
  /** The server URL, for the worker threads of a full recompute after a large import. */
  databaseUrl?: string | undefined;
  /** Records per transaction (default 10,000; 50,000 for a bulk load). */
  chunkRows?: number;
  /** Refresh the statuses of the persons who got evidence (default true). */
  refreshStatuses?: boolean;
  onProgress?: (progress: ImportProgress) => void;
  /** Called with the batch id as soon as it exists (the web page follows it); `repeat`: imported before. */
  onBatch?: (batchId: string, repeat: boolean) => void;
  /** From this many lines the file is loaded in bulk (default BULK_LINES; tests lower it). */
  bulkLines?: number;
}

export interface ImportProgress {
  phase: 'reading' | 'linking' | 'statuses';
  done: number;
  total: number;
}

export interface ImportOutcome {
  batchId: string;
  /** The same file was imported before: nothing new was stored. */
  alreadyImported: boolean;
  /** An interrupted import of this file was completed. */
  resumed: boolean;
  seconds: number;
  facts: FileFacts;
}

/** Another import of the same file is running. */
export class ImportBusyError extends Error {
  constructor() {
    super('This file is being imported right now; wait for that import to finish');
    this.name = 'ImportBusyError';
  }
}

const running = new Set<string>();

/**
 * From this many lines a file is a bulk load: the registry's identity numbers are held in memory
 * (one pass over the registry instead of a lookup per batch), and the evidence digest is appended
 * once at the end instead of batch by batch (see tracking/digest.ts).
 */
export const BULK_LINES = 50_000;

/** How a chunk's transaction finds persons by number and whether it defers the digest. */
interface ChunkContext {
  bulk: boolean;
  lookup: (trx: Transaction<DB>, numbers: string[]) => Promise<Map<string, LinkablePerson[]>>;
  /**
   * Run at the start of each transaction that stores evidence of the batch; a deferring one
   * returns its start time (see tracking/digest.ts).
   */
  prepare: (trx: Transaction<DB>) => Promise<string | undefined>;
  /** On a server, the deferred digest is appended chunk by chunk as chunks are stored. */
  digests: ChunkDigests | undefined;
}

/**
 * Appends each stored chunk's deferred digest on a connection of its own, one chunk after the
 * other, while the next chunk is being stored: the database's second core does the digest while
 * the import's thread lays out the next chunk. A part whose append fails stays listed, and the
 * import's final append (appendDeferredDigest) takes it, so a failure here loses nothing.
 */
class ChunkDigests {
  private tail: Promise<void> = Promise.resolve();
  constructor(
    private readonly database: Database,
    private readonly batchId: string,
  ) {}

  add(started: string, ids: string[]): void {
    this.tail = this.tail.then(() =>
      this.database.db
        .transaction()
        .execute((trx) => appendDigestPart(trx, this.batchId, started, ids))
        .then(
          () => undefined,
          () => undefined,
        ),
    );
  }

  /** The appends under way, finished. */
  settled(): Promise<void> {
    return this.tail;
  }
}

/** Import a file. Throws ImportFileError, before writing anything, for a file that cannot be read as its kind. */
export async function runImport(database: Database, request: ImportRequest): Promise<ImportOutcome> {
  assertCan(request.actor, 'imports.run');
  const started = performance.now();
  const facts = await inspectFile(request.path);
  const source = await openSource(request.kind, request.path, facts, request.mapping);
  const lockKey = `${request.kind}:${facts.sha256}`;
  return withFileLock(database, lockKey, async () => {
    const db = database.db;
    const existing = await db
      .selectFrom('import_batch')
      .selectAll()
      .where('kind', '=', request.kind)
      .where('file_sha256', '=', facts.sha256)
      .executeTakeFirst();
    if (existing?.status === 'completed') {
      request.onBatch?.(existing.id, true);
      await recordAudit(db, request.actor, [
        {
          action: 'import.repeat',
          entity: 'import_batch',
          entityId: existing.id,
          detail: { fileName: request.fileName },
        },
      ]);
      return { batchId: existing.id, alreadyImported: true, resumed: false, seconds: 0, facts };
    }
    const batchId = existing?.id ?? uuidv7();
    if (existing) {
      await db
        .updateTable('import_batch')
        .set({ status: 'running', error: null, finished_at: null })
        .where('id', '=', batchId)
        .execute();
    } else {
      await db
        .insertInto('import_batch')
        .values({
          id: batchId,
          kind: request.kind,
          file_name: request.fileName.slice(0, 300),
          file_sha256: facts.sha256,
          file_bytes: facts.bytes,
          format: source.format,
          encoding: source.encoding,
          delimiter: source.delimiter,
          layout: JSON.stringify(source.layout),
          status: 'running',
          actor_kind: request.actor.kind,
          actor_id: request.actor.id,
          actor_name: request.actor.name,
          lines_total: facts.lines,
        })
        .execute();
    }
    request.onBatch?.(batchId, false);
    const touched = new Set<string>();
    try {
      const bulk = facts.lines >= (request.bulkLines ?? BULK_LINES);
      // Loaded when a bulk file turns out to carry identity numbers (a file without them needs none).
      let documents: DocumentIndex | undefined;
      const context: ChunkContext = {
        bulk,
        lookup: async (trx, numbers) => {
          if (!bulk || (numbers.length < 1000 && !documents)) return personsByDocument(trx, numbers);
          documents ??= await DocumentIndex.load(database);
          const index = documents;
          return new Map(numbers.map((n) => [n, index.get(n)]));
        },
        prepare: bulk ? (trx) => deferEvidenceDigest(trx, batchId, lockKey) : async () => undefined,
        // The embedded database has one connection: chunks and their digests could not overlap.
        digests: bulk && database.engine === 'postgres' ? new ChunkDigests(database, batchId) : undefined,
      };
      await readAndStore(
        database,
        batchId,
        existing?.lines_done ?? 0,
        source,
        request,
        facts,
        touched,
        context,
      );
      await linkHeldRecords(
        database,
        batchId,
        request.kind,
        source.evidenceSource,
        request.actor,
        touched,
        (done, total) => request.onProgress?.({ phase: 'linking', done, total }),
        context.prepare,
      );
      // The registry's numbers are no longer needed: free them before the statuses are refreshed
      // (a full recompute starts worker threads in this process).
      documents = undefined;
      await context.digests?.settled();
      await db.transaction().execute((trx) => appendDeferredDigest(trx, batchId));
      if (existing) {
        // Persons of the part stored before the interruption: their statuses may not have been refreshed.
        const earlier = await db
          .selectFrom('evidence')
          .select('person_id')
          .distinct()
          .where('import_batch_id', '=', batchId)
          .execute();
        for (const r of earlier) touched.add(r.person_id);
      }
      if (request.refreshStatuses !== false && touched.size > 0) {
        // Everything is stored: the page and the command line say so before the statuses start.
        request.onProgress?.({ phase: 'statuses', done: 0, total: touched.size });
        await refreshStatusesOf(database, touched, {
          databaseUrl: request.databaseUrl,
          onProgress: (done, total) => request.onProgress?.({ phase: 'statuses', done, total }),
        });
      }
      const finished = await db.transaction().execute(async (trx) => {
        const row = await trx
          .updateTable('import_batch')
          .set({
            status: 'completed',
            finished_at: new Date(),
            persons_touched: sql`persons_touched + ${touched.size}`,
            ...(request.refreshStatuses !== false ? { statuses_refreshed_at: new Date() } : {}),
          })
          .where('id', '=', batchId)
          .returningAll()
          .executeTakeFirstOrThrow();
        await recordAudit(trx, request.actor, [
          {
            action: existing ? 'import.resume' : 'import.run',
            entity: 'import_batch',
            entityId: batchId,
            detail: {
              kind: request.kind,
              fileName: request.fileName,
              sha256: facts.sha256,
              imported: row.rows_imported,
              duplicates: row.rows_duplicate,
              rejected: row.rows_rejected,
              review: row.rows_review,
              unmatched: row.rows_unmatched,
              persons: touched.size,
            },
          },
        ]);
        return row;
      });
      void finished;
      return {
        batchId,
        alreadyImported: false,
        resumed: existing !== undefined,
        seconds: (performance.now() - started) / 1000,
        facts,
      };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await db
        .updateTable('import_batch')
        .set({ status: 'failed', error: message.slice(0, 2000), finished_at: new Date() })
        .where('id', '=', batchId)
        .execute()
        .catch(() => undefined);
      throw error;
    }
  });
}

/**
 * Mark as failed the imports left running by a process that stopped (a server restart): their
 * pages stop waiting, and running the same file again completes them. An import still running in
 * another process holds its lock and is left alone.
 */
export async function markInterruptedImports(database: Database): Promise<number> {
  const db = database.db;
  const open = await db
    .selectFrom('import_batch')
    .select(['id', 'kind', 'file_sha256'])
    .where('status', '=', 'running')
    .execute();
  let marked = 0;
  for (const b of open) {
    const key = `${b.kind}:${b.file_sha256}`;
    if (running.has(key)) continue;
    const interrupt = () =>
      db
        .updateTable('import_batch')
        .set({
          status: 'failed',
          error: 'Interrupted: import the same file again to complete it',
          finished_at: new Date(),
        })
        .where('id', '=', b.id)
        .where('status', '=', 'running')
        .execute();
    if (database.engine !== 'postgres') {
      await interrupt();
      marked += 1;
      continue;
    }
    await db.connection().execute(async (holder) => {
      const locked = await sql<{ ok: boolean }>`SELECT pg_try_advisory_lock(hashtext(${key})) AS ok`.execute(
        holder,
      );
      if (!locked.rows[0]?.ok) return;
      try {
        await interrupt();
        marked += 1;
      } finally {
        await sql`SELECT pg_advisory_unlock(hashtext(${key}))`.execute(holder);
      }
    });
  }
  return marked;
}

async function withFileLock<T>(database: Database, key: string, work: () => Promise<T>): Promise<T> {
  if (running.has(key)) throw new ImportBusyError();
  running.add(key);
  try {
    if (database.engine !== 'postgres') return await work();
    // Imports of the same file from two processes: the second waits for nothing and is told.
    return await database.db.connection().execute(async (holder) => {
      const locked = await sql<{ ok: boolean }>`SELECT pg_try_advisory_lock(hashtext(${key})) AS ok`.execute(
        holder,
      );
      if (!locked.rows[0]?.ok) throw new ImportBusyError();
      try {
        return await work();
      } finally {
        await sql`SELECT pg_advisory_unlock(hashtext(${key}))`.execute(holder);
      }
    });
  } finally {
    running.delete(key);
  }
}

async function readAndStore(
  database: Database,
  batchId: string,
  linesDone: number,
  source: RecordSource,
  request: ImportRequest,
  facts: FileFacts,
  touched: Set<string>,
  context: ChunkContext,
): Promise<void> {
  // Larger transactions for a bulk load: the person index is then written page after page.
  const chunkRows = request.chunkRows ?? (context.bulk ? 50_000 : 10_000);
  let chunk: SourceItem[] = [];
  let last = linesDone;
  // One chunk is stored while the next is read: the database and the parsing overlap. Chunks
  // still commit one after the other, so the stored lines always end at a line boundary.
  let storing: Promise<void> | undefined;
  const flush = async (upTo: number) => {
    const records = chunk;
    chunk = [];
    if (storing) await storing;
    storing = storeChunk(database, batchId, records, upTo, source, request, touched, context).then(() =>
      request.onProgress?.({ phase: 'reading', done: upTo, total: facts.lines }),
    );
    // Awaited at the next flush or at the end; until then a failure must not count as unhandled.
    storing.catch(() => undefined);
  };
  let sinceYield = 0;
  for await (const record of source.records()) {
    // The file arrives a megabyte at a time, and parsing a megabyte holds the thread for tens of
    // milliseconds: let the chunk being stored hear from the database between records.
    if (++sinceYield === YIELD_EVERY) {
      sinceYield = 0;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (record.line <= linesDone) continue;
    // A chunk ends at a line boundary (a FHIR resource may give several records): a rerun
    // restarts after the last stored line.
    if (chunk.length >= chunkRows && record.line !== last) await flush(last);
    chunk.push(record);
    last = record.line;
  }
  await flush(Math.max(last, facts.lines));
  await storing;
}

/** Records read between two turns of the event loop (see readAndStore). */
const YIELD_EVERY = 1000;

/** One chunk of records and the batch's progress, in one transaction. */
async function storeChunk(
  database: Database,
  batchId: string,
  records: SourceItem[],
  upTo: number,
  source: RecordSource,
  request: ImportRequest,
  touched: Set<string>,
  context: ChunkContext,
): Promise<void> {
  const part = await database.db.transaction().execute(async (trx) => {
    const started = await context.prepare(trx);
    const issues: RowIssue[] = [];
    const held: HeldRecord[] = [];
    const byDocument: Array<Exclude<IncomingRecord, { rejected: RowIssue[] }>> = [];
    const notes: RowIssue[] = [];
    for (const r of records) {
      if ('notes' in r) notes.push(...r.notes);
      else if ('rejected' in r) issues.push(...r.rejected);
      else if (r.person.documentNumber) byDocument.push(r);
      else if (canScore(r.person)) held.push({ record: r, status: 'unmatched' });
      else held.push({ record: r, status: 'unmatched', scored: true });
    }
    const found = await context.lookup(
      trx,
      byDocument.map((r) => r.person.documentNumber!),
    );
    const linked: LinkedRecord[] = [];
    for (const r of byDocument) {
      const candidates = (found.get(r.person.documentNumber!) ?? []).filter((p) =>
        r.person.documentType === 'CE' ? p.documentType === 'CE' : p.documentType !== 'CE',
      );
      if (candidates.length === 1 && !contradicts(r.person, candidates[0]!)) {
        linked.push({ record: r, person: candidates[0]! });
      } else if (candidates.length >= 1) {
        held.push({
          record: r,
          status: 'review',
          scored: true,
          candidates: candidates.map((p) => ({
            personId: p.id,
            weight: 0,
            reasons: [
              { field: 'document', outcome: 'exact', weight: 0 },
              ...(candidates.length > 1
                ? []
                : [{ field: 'birthDate', outcome: 'contradicts_document', weight: 0 }]),
            ],
          })),
          territoryCode: candidates[0]!.territoryCode,
        });
      } else if (canScore(r.person)) {
        // The number is not in the registry (yet, or mistyped): try the names and birth date.
        held.push({ record: r, status: 'unmatched' });
      } else {
        held.push({ record: r, status: 'unmatched', scored: true });
      }
    }
    await linkNewbornsThroughMothers(trx, held, linked);
    const applied = await applyLinked(trx, linked, {
      batchId,
      actor: request.actor,
      evidenceSource: source.evidenceSource,
      fieldNames: source.fieldNames,
    });
    issues.push(...applied.issues);
    for (const id of applied.persons) touched.add(id);
    const rejectedLines = new Set(issues.map((i) => i.line)).size;
    await insertIssues(trx, batchId, [...issues, ...notes]);
    await insertHeld(trx, batchId, held);
    await trx
      .updateTable('import_batch')
      .set({
        lines_done: upTo,
        rows_read: sql`rows_read + ${records.length - records.filter((r) => 'notes' in r).length}`,
        rows_imported: sql`rows_imported + ${applied.imported}`,
        rows_duplicate: sql`rows_duplicate + ${applied.duplicates}`,
        rows_rejected: sql`rows_rejected + ${rejectedLines}`,
        rows_review: sql`rows_review + ${held.filter((h) => h.status === 'review').length}`,
        rows_unmatched: sql`rows_unmatched + ${held.filter((h) => h.status === 'unmatched').length}`,
        linked_by_document: sql`linked_by_document + ${linked.length}`,
      })
      .where('id', '=', batchId)
      .execute();
    return started === undefined ? undefined : { started, ids: [...applied.stored.values()].flat() };
  });
  if (part && context.digests) context.digests.add(part.started, part.ids);
}

/**
 * A birth not found by the child's number: the child of the mother's household (found by her
 * identity number) born within three days with the same sex, if exactly one. Moved from the held
 * records to the linked ones.
 */
async function linkNewbornsThroughMothers(
  trx: Transaction<DB>,
  held: HeldRecord[],
  linked: LinkedRecord[],
): Promise<void> {
  const births = held.filter(
    (h) => 'birth' in h.record && h.record.birth.mother?.documentNumber && h.status === 'unmatched',
  );
  if (births.length === 0) return;
  const children = await newbornsOfMothers(
    trx,
    births.map((h) => ('birth' in h.record ? h.record.birth.mother!.documentNumber! : '')),
  );
  for (const h of births) {
    if (!('birth' in h.record)) continue;
    const born = h.record.person.birthDate;
    const sex = h.record.person.sex;
    const candidates = (children.get(h.record.birth.mother!.documentNumber!) ?? []).filter(
      (c) => c.sex === sex && born !== undefined && Math.abs(daysBetween(c.birthDate, born)) <= 3,
    );
    if (candidates.length !== 1) continue;
    held.splice(held.indexOf(h), 1);
    linked.push({ record: h.record, person: candidates[0]! });
  }
}

/** Enough to look for the person by attributes: names, first surname and birth date. */
function canScore(p: IncomingPerson): boolean {
  return Boolean(p.givenNames && p.firstSurname && p.birthDate);
}

/**
 * A record whose identity number finds a person, but whose birth date and sex both say someone
 * else: a mistyped number more likely than a wrong registry. Sent to review, not linked.
 */
function contradicts(incoming: IncomingPerson, person: LinkablePerson): boolean {
  if (!incoming.birthDate || !incoming.sex) return false;
  if (incoming.sex === person.sex) return false;
  if (incoming.birthDate === person.birthDate) return false;
  const [y, m, d] = incoming.birthDate.split('-');
  return `${y}-${d}-${m}` !== person.birthDate;
}

export interface HeldRecord {
  record: Exclude<IncomingRecord, { rejected: RowIssue[] }>;
  status: 'review' | 'unmatched';
  /** Already as scored as it can be (no attributes to score, or a document conflict). */
  scored?: boolean;
  candidates?: Array<{
    personId: string;
    weight: number;
    reasons: Array<{ field: string; outcome: string; weight: number }>;
  }>;
  territoryCode?: string;
}

export function heldPayload(record: HeldRecord['record']): Record<string, unknown> {
  if ('evidence' in record) return { evidence: record.evidence };
  if ('school' in record) return { school: record.school };
  return { birth: record.birth };
}

async function insertHeld(trx: Transaction<DB>, batchId: string, held: HeldRecord[]): Promise<void> {
  if (held.length === 0) return;
  const ids = held.map(() => uuidv7());
  await sql`
    INSERT INTO import_record (id, batch_id, line, status, person, payload, candidates, best_weight, territory_code, scored_at)
    SELECT id, ${batchId}::uuid, line, status, person, payload, candidates, best_weight, territory_code,
           CASE WHEN scored THEN now() END
      FROM unnest(${ids}::uuid[], ${held.map((h) => h.record.line)}::int[], ${held.map((h) => h.status)}::text[],
                  ${held.map((h) => JSON.stringify(h.record.person))}::jsonb[],
                  ${held.map((h) => JSON.stringify(heldPayload(h.record)))}::jsonb[],
                  ${held.map((h) => JSON.stringify(h.candidates ?? []))}::jsonb[],
                  ${held.map((h) => (h.candidates?.length ? Math.max(...h.candidates.map((c) => c.weight)) : null))}::float8[],
                  ${held.map((h) => h.territoryCode ?? h.record.person.territoryCode ?? null)}::text[],
                  ${held.map((h) => h.scored === true)}::bool[])
        AS t(id, line, status, person, payload, candidates, best_weight, territory_code, scored)`.execute(
    trx,
  );
}
