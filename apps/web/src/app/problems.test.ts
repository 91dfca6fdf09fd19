import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { describeError, fieldErrors, lockedUntil } from './problems';

// The key itself stands for its translation.
const t = ((key: string) => key) as unknown as TFunction;

const problem = (code: string, status: number, detail?: string, extra: Record<string, unknown> = {}) =>
  new ApiError({
    type: `urn:tejido:error:${code}`,
    title: 'Generic title',
    status,
    code,
    ...(detail ? { detail } : {}),
    ...extra,
  });

describe('describeError', () => {
  it('says a known code in the interface language and adds a detail that says more', () => {
    expect(describeError(problem('NOT_FOUND', 404, 'No household 123 in your scope'), t)).toEqual({
      title: 'problems.NOT_FOUND',
      detail: 'No household 123 in your scope',
    });
  });

  it('leaves out a detail that repeats the title', () => {
    expect(describeError(problem('FORBIDDEN', 403, 'Generic title'), t).detail).toBeNull();
  });

  it('leaves out the detail where the translated sentence says it all', () => {
    expect(describeError(problem('INVALID_CREDENTIALS', 401, 'Wrong username or password'), t)).toEqual({
      title: 'problems.INVALID_CREDENTIALS',
      detail: null,
    });
    expect(
      describeError(problem('ACCOUNT_LOCKED', 423, 'The account is locked until 2026-11-23T09:58:03.469Z'), t)
        .detail,
    ).toBeNull();
  });

  it('falls back on a general sentence for unknown codes and for anything that is not an API error', () => {
    expect(describeError(problem('DUPLICATE', 409), t).title).toBe('problems.UNKNOWN');
    expect(describeError(problem('SOMETHING', 502), t).title).toBe('problems.INTERNAL');
    expect(describeError(new Error('boom'), t)).toEqual({ title: 'problems.UNKNOWN', detail: null });
  });
});

describe('describeError on alerts', () => {
  it('says a conflict on an alert in the interface language', () => {
    expect(describeError(problem('VERSION_CONFLICT', 409), t).title).toBe('problems.VERSION_CONFLICT');
    expect(describeError(problem('ILLEGAL_TRANSITION', 409), t).title).toBe('problems.ILLEGAL_TRANSITION');
  });
});

describe('fieldErrors', () => {
  it('maps each field to its first message', () => {
    const error = problem('VALIDATION_FAILED', 400, 'x', {
      errors: [
        { field: 'username', message: 'Required' },
        { field: 'username', message: 'Too short' },
        { field: 'password', message: 'Required' },
      ],
    });
    expect(fieldErrors(error)).toEqual({ username: 'Required', password: 'Required' });
    expect(fieldErrors(new Error('x'))).toEqual({});
  });
});

describe('lockedUntil', () => {
  it('reads the lockedUntil member of the problem', () => {
    expect(
      lockedUntil(problem('ACCOUNT_LOCKED', 423, 'Locked', { lockedUntil: '2026-11-23T09:58:03.469Z' })),
    ).toBe('2026-11-23T09:58:03.469Z');
  });

  it('finds the timestamp in the detail when the member is absent', () => {
    expect(
      lockedUntil(problem('ACCOUNT_LOCKED', 423, 'The account is locked until 2026-11-23T09:58:03.469Z')),
    ).toBe('2026-11-23T09:58:03.469Z');
    expect(lockedUntil(problem('ACCOUNT_LOCKED', 423, 'Locked for a while'))).toBeNull();
  });
});
