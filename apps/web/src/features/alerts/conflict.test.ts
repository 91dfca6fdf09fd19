import { describe, expect, it } from 'vitest';
import { ApiError } from '../../app/api';
import { alertConflict } from './conflict';

const problem = (code: string, status: number, extra: Record<string, unknown> = {}) =>
  new ApiError({ type: `urn:tejido:error:${code}`, title: 'x', status, code, ...extra });

describe('alertConflict', () => {
  it('reads who acted first: the current stage and version', () => {
    expect(alertConflict(problem('VERSION_CONFLICT', 409, { currentVersion: 4, stage: 'accepted' }))).toEqual(
      {
        kind: 'version',
        stage: 'accepted',
        currentVersion: 4,
      },
    );
  });

  it('reads the steps allowed in the stage, leaving out unknown ones', () => {
    expect(
      alertConflict(
        problem('ILLEGAL_TRANSITION', 409, { allowed: ['accept', 'reject', 'dance'], stage: 'referred' }),
      ),
    ).toEqual({ kind: 'illegal', stage: 'referred', allowed: ['accept', 'reject'] });
    expect(alertConflict(problem('ILLEGAL_TRANSITION', 409))).toEqual({
      kind: 'illegal',
      stage: null,
      allowed: [],
    });
  });

  it('is null for other failures', () => {
    expect(alertConflict(problem('DUPLICATE', 409))).toBeNull();
    expect(alertConflict(problem('VALIDATION_FAILED', 400))).toBeNull();
    expect(alertConflict(new Error('x'))).toBeNull();
  });
});
