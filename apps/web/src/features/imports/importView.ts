import type { ImportBatchView, ImportIssueView, ImportKind } from '@tejido/schemas';
import { isApiError } from '../../app/api';

/**
 * Pure helpers of the import pages: what to accept, how far a running import is, how the
 * rejected rows are paged, and how the server's answers read. No DOM, tested in Node.
 */

/** The kinds in the order the page offers them. */
export const IMPORT_KINDS: readonly ImportKind[] = ['health', 'fhir', 'births', 'school'];

/** What the file picker proposes for each kind (the server checks the content, not the name). */
export const ACCEPTED_FILES: Record<ImportKind, string> = {
  health: '.csv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  fhir: '.json,.ndjson,.jsonl,application/json,application/fhir+json',
  births: '.csv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  school: '.csv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** The server takes files of up to 2 GiB. */
export const MAX_IMPORT_BYTES = 2 * 1024 ** 3;

export const IMPORT_PHASES = ['reading', 'linking', 'statuses'] as const;
export type ImportPhase = (typeof IMPORT_PHASES)[number];

export interface ImportProgressView {
  phase: ImportPhase;
  done: number;
  total: number;
}

/** A batch as the API answers it: its counts and, while it runs in this server, its progress. */
export type ImportBatch = ImportBatchView & { progress: ImportProgressView | null };

/** What is wrong with a chosen file before sending it, or null. */
export function fileProblem(file: { size: number }): 'empty' | 'tooLarge' | null {
  if (file.size === 0) return 'empty';
  if (file.size > MAX_IMPORT_BYTES) return 'tooLarge';
  return null;
}

export interface ProgressState {
  phase: ImportPhase;
  /** 1, 2 or 3. */
  step: number;
  done: number;
  total: number | null;
  /** Whole percent of the phase, or null when the total is not known. */
  percent: number | null;
}

/**
 * Where a running import stands. Without a progress report (the import runs in another
 * server process, or the report has not come yet) it is reading, as far as `linesDone` says.
 *
 * @example progressOf({ progress: { phase: 'linking', done: 5, total: 20 }, linesDone: 9, linesTotal: 9 })
 * // { phase: 'linking', step: 2, done: 5, total: 20, percent: 25 }
 */
export function progressOf(batch: Pick<ImportBatch, 'progress' | 'linesDone' | 'linesTotal'>): ProgressState {
  const phase = batch.progress?.phase ?? 'reading';
  const done = batch.progress ? batch.progress.done : batch.linesDone;
  const total = batch.progress ? batch.progress.total : batch.linesTotal;
  const percent =
    total !== null && total > 0 ? Math.max(0, Math.min(100, Math.floor((done / total) * 100))) : null;
  return { phase, step: IMPORT_PHASES.indexOf(phase) + 1, done, total, percent };
}

/**
 * One page of rejected rows and where the next starts (`afterLine`, exclusive), or null at the end.
 * A full page may end among the issues of one line: that line is left for the next page, so
 * it is never shown in halves nor skipped.
 */
export function issuePage(
  rows: readonly ImportIssueView[],
  limit: number,
): { rows: ImportIssueView[]; nextAfterLine: number | null } {
  if (rows.length < limit) return { rows: [...rows], nextAfterLine: null };
  const lastLine = rows[rows.length - 1]!.line;
  const whole = rows.filter((r) => r.line < lastLine);
  // A single line with more issues than a page: show them, and go on after it.
  if (whole.length === 0) return { rows: [...rows], nextAfterLine: lastLine };
  return { rows: whole, nextAfterLine: lastLine - 1 };
}

export type RefusalField = 'file' | 'header' | 'mapping' | 'busy';

/** A file the server refused before storing anything: what is at fault and its reason (in English). */
export function refusalOf(error: unknown): { field: RefusalField; message: string } | null {
  if (!isApiError(error)) return null;
  const { problem } = error;
  if (problem.status === 409) return { field: 'busy', message: problem.detail ?? problem.title };
  if (problem.status !== 400) return null;
  const first = problem.errors?.[0];
  if (first && (first.field === 'file' || first.field === 'header' || first.field === 'mapping'))
    return { field: first.field, message: first.message };
  return null;
}

/**
 * A file size as people read it: 820 B, 12 KB, 3.4 MB, 1.2 GB.
 *
 * @example formatBytes(3_565_158) // '3.4 MB'
 */
export function formatBytes(bytes: number, locale: 'es-PE' | 'en' = 'es-PE'): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'] as const;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = value < 10 && unit > 0 ? 1 : 0;
  const text = new Intl.NumberFormat(locale === 'en' ? 'en-US' : 'es-PE', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(value);
  return `${text} ${units[unit]}`;
}

/** Records of a batch a data steward still has to look at. */
export function heldCount(batch: Pick<ImportBatch, 'counts'>): number {
  return batch.counts.review + batch.counts.unmatched;
}

/** Whether the rejects file has anything in it: rejected rows, or rows held for review or unmatched. */
export function hasRejectsFile(batch: Pick<ImportBatch, 'counts'>): boolean {
  return batch.counts.rejected > 0 || heldCount(batch) > 0;
}
