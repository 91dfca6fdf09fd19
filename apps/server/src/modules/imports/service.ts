/**
 * Import batches as the API and the web page show them: the list, one batch with its counts, its
 * rejected rows, and the rejects file (CSV: every rejected row with its line, column and reason,
 * then the rows held for review or unmatched).
 */
import type { DB, ImportBatchTable } from '@tejido/db';
import { DomainError, type ImportBatchView, type ImportIssueView } from '@tejido/schemas';
import type { Kysely, Selectable } from 'kysely';
import type { Actor } from '../access/actor';
import { assertCan } from '../access/permissions';

export function batchView(r: Selectable<ImportBatchTable>): ImportBatchView {
  return {
    id: r.id,
    kind: r.kind,
    fileName: r.file_name,
    fileSha256: r.file_sha256,
    fileBytes: r.file_bytes,
    format: r.format,
    encoding: r.encoding,
    delimiter: r.delimiter,
    status: r.status,
    startedBy: r.actor_name,
    startedAt: r.started_at.toISOString(),
    finishedAt: r.finished_at?.toISOString() ?? null,
    linesDone: r.lines_done,
    linesTotal: r.lines_total,
    counts: {
      read: r.rows_read,
      imported: r.rows_imported,
      duplicates: r.rows_duplicate,
      rejected: r.rows_rejected,
      review: r.rows_review,
      unmatched: r.rows_unmatched,
      linkedByDocument: r.linked_by_document,
      linkedByAttributes: r.linked_by_attributes,
      personsTouched: r.persons_touched,
    },
    statusesRefreshedAt: r.statuses_refreshed_at?.toISOString() ?? null,
    error: r.error,
  };
}

export async function listBatches(db: Kysely<DB>, actor: Actor, limit = 50): Promise<ImportBatchView[]> {
  assertCan(actor, 'imports.read');
  const rows = await db
    .selectFrom('import_batch')
    .selectAll()
    .orderBy('started_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map(batchView);
}

export async function getBatch(db: Kysely<DB>, actor: Actor, id: string): Promise<ImportBatchView> {
  assertCan(actor, 'imports.read');
  const row = await db.selectFrom('import_batch').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new DomainError('NOT_FOUND', 'No such import');
  return batchView(row);
}

export async function batchIssues(
  db: Kysely<DB>,
  actor: Actor,
  id: string,
  page: { limit: number; afterLine?: number | undefined },
): Promise<ImportIssueView[]> {
  await getBatch(db, actor, id);
  let q = db
    .selectFrom('import_issue')
    .select(['line', 'field', 'code', 'reason', 'value', 'resource'])
    .where('batch_id', '=', id)
    .orderBy('line')
    .limit(page.limit);
  if (page.afterLine !== undefined) q = q.where('line', '>', page.afterLine);
  return q.execute();
}

function csvCell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",;\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/**
 * The rejects file of a batch, as CSV lines (UTF-8 with BOM, comma-separated, so spreadsheet
 * programs open it with its accents): rejected rows first, then rows held for review or unmatched.
 */
export async function* rejectsCsv(db: Kysely<DB>, actor: Actor, id: string): AsyncGenerator<string> {
  await getBatch(db, actor, id);
  yield '\uFEFFlinea,estado,campo,codigo,motivo,valor,recurso\r\n';
  let after = 0;
  for (;;) {
    const rows = await batchIssues(db, actor, id, { limit: 5000, afterLine: after });
    if (rows.length === 0) break;
    // A page may end among one line's issues: leave that line for the next page.
    const lastLine = rows[rows.length - 1]!.line;
    const full = rows.length < 5000 ? rows : rows.filter((r) => r.line < lastLine);
    let lines = '';
    for (const r of full) {
      lines += `${[r.line, 'rechazada', r.field, r.code, r.reason, r.value, r.resource].map(csvCell).join(',')}\r\n`;
    }
    yield lines;
    if (rows.length < 5000) break;
    after = lastLine - 1;
  }
  let afterHeld = 0;
  for (;;) {
    const held = await db
      .selectFrom('import_record')
      .select(['line', 'status', 'best_weight'])
      .where('batch_id', '=', id)
      .where('status', 'in', ['review', 'unmatched'])
      .where('line', '>', afterHeld)
      .orderBy('line')
      .limit(5000)
      .execute();
    if (held.length === 0) break;
    let lines = '';
    for (const h of held) {
      const reason =
        h.status === 'review'
          ? 'Probable match: waiting for the data steward'
          : 'No person found in the registry: kept for later';
      lines += `${[h.line, h.status === 'review' ? 'en_revision' : 'sin_vinculo', '', h.status === 'review' ? 'REVIEW' : 'NOT_FOUND', reason, h.best_weight === null ? '' : h.best_weight.toFixed(1), ''].map(csvCell).join(',')}\r\n`;
    }
    yield lines;
    afterHeld = held[held.length - 1]!.line;
  }
}
