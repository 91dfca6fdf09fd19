import type { ImportIssueView } from '@tejido/schemas';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../app/api';
import {
  fileProblem,
  formatBytes,
  hasRejectsFile,
  issuePage,
  MAX_IMPORT_BYTES,
  progressOf,
  refusalOf,
} from './importView';

const issue = (line: number, field = 'fecha'): ImportIssueView => ({
  line,
  field,
  code: 'INVALID',
  reason: 'Not a date',
  value: 'x',
  resource: null,
});

describe('progressOf', () => {
  it('follows the phase the server reports, in whole percent', () => {
    expect(
      progressOf({ progress: { phase: 'linking', done: 5, total: 20 }, linesDone: 9, linesTotal: 9 }),
    ).toEqual({ phase: 'linking', step: 2, done: 5, total: 20, percent: 25 });
    expect(
      progressOf({ progress: { phase: 'statuses', done: 3, total: 3 }, linesDone: 9, linesTotal: 9 }),
    ).toMatchObject({ step: 3, percent: 100 });
  });

  it('reads the lines done when there is no report yet, and no percent without a total', () => {
    expect(progressOf({ progress: null, linesDone: 250, linesTotal: 1000 })).toEqual({
      phase: 'reading',
      step: 1,
      done: 250,
      total: 1000,
      percent: 25,
    });
    expect(progressOf({ progress: null, linesDone: 250, linesTotal: null }).percent).toBeNull();
    expect(progressOf({ progress: null, linesDone: 0, linesTotal: 0 }).percent).toBeNull();
  });

  it('never says more than 100 %', () => {
    expect(
      progressOf({ progress: { phase: 'reading', done: 12, total: 10 }, linesDone: 0, linesTotal: 10 })
        .percent,
    ).toBe(100);
  });
});

describe('issuePage', () => {
  it('ends the list on a short page', () => {
    expect(issuePage([issue(2), issue(5)], 50)).toEqual({ rows: [issue(2), issue(5)], nextAfterLine: null });
  });

  it('leaves the last line of a full page for the next one, so it is never cut in halves', () => {
    const rows = [issue(2), issue(3), issue(4, 'fecha'), issue(4, 'dosis')];
    expect(issuePage(rows, 4)).toEqual({ rows: [issue(2), issue(3)], nextAfterLine: 3 });
  });

  it('goes on after a line that alone fills a page', () => {
    const rows = [issue(7, 'a'), issue(7, 'b')];
    expect(issuePage(rows, 2)).toEqual({ rows, nextAfterLine: 7 });
  });
});

describe('refusalOf', () => {
  const problem = (status: number, extra: object = {}) =>
    new ApiError({ type: 'about:blank', title: 't', status, code: 'VALIDATION_FAILED', ...extra });

  it('names the part of the file at fault and keeps the server reason', () => {
    const error = problem(400, {
      detail: 'header: lacks the column fecha',
      errors: [{ field: 'header', message: 'lacks the column fecha' }],
    });
    expect(refusalOf(error)).toEqual({ field: 'header', message: 'lacks the column fecha' });
  });

  it('says when the same file is being imported right now', () => {
    expect(refusalOf(problem(409, { code: 'CONFLICT', detail: 'being imported' }))).toEqual({
      field: 'busy',
      message: 'being imported',
    });
  });

  it('leaves other failures to the generic error', () => {
    expect(refusalOf(problem(400, { errors: [{ field: 'kind', message: 'bad' }] }))).toBeNull();
    expect(refusalOf(problem(500))).toBeNull();
    expect(refusalOf(new Error('x'))).toBeNull();
  });
});

describe('fileProblem and formatBytes', () => {
  it('refuses empty and oversized files before sending them', () => {
    expect(fileProblem({ size: 0 })).toBe('empty');
    expect(fileProblem({ size: MAX_IMPORT_BYTES + 1 })).toBe('tooLarge');
    expect(fileProblem({ size: 10 })).toBeNull();
  });

  it('writes sizes as people read them', () => {
    expect(formatBytes(820)).toBe('820 B');
    expect(formatBytes(12 * 1024)).toBe('12 KB');
    expect(formatBytes(3_565_158)).toBe('3.4 MB');
    expect(formatBytes(1.5 * 1024 ** 3)).toBe('1.5 GB');
  });
});

describe('hasRejectsFile', () => {
  const counts = { rejected: 0, review: 0, unmatched: 0 } as Parameters<typeof hasRejectsFile>[0]['counts'];
  it('offers the rejects file when a row was rejected or held', () => {
    expect(hasRejectsFile({ counts })).toBe(false);
    expect(hasRejectsFile({ counts: { ...counts, unmatched: 1 } })).toBe(true);
    expect(hasRejectsFile({ counts: { ...counts, rejected: 1 } })).toBe(true);
  });
});
