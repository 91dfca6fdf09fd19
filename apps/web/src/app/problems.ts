import type { TFunction } from 'i18next';
import { isApiError, NETWORK_ERROR } from './api';

/**
 * How a failure reads to a person: a sentence in their language chosen by the problem's
 * code, and the server's `detail` under it when it says more than the code's generic title.
 */

const TRANSLATED = [
  NETWORK_ERROR,
  'INVALID_CREDENTIALS',
  'ACCOUNT_LOCKED',
  'NOT_AUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'VALIDATION_FAILED',
  'VERSION_CONFLICT',
  'ILLEGAL_TRANSITION',
  'RATE_LIMITED',
  'INTERNAL',
  'UNAVAILABLE',
] as const;
type TranslatedCode = (typeof TRANSLATED)[number];

/** Codes whose translated sentence says all there is; the server's detail (in English) would only repeat it. */
const SELF_EXPLANATORY: readonly string[] = [
  NETWORK_ERROR,
  'INVALID_CREDENTIALS',
  'ACCOUNT_LOCKED',
  'NOT_AUTHENTICATED',
];

function isTranslated(code: string): code is TranslatedCode {
  return (TRANSLATED as readonly string[]).includes(code);
}

export interface ErrorText {
  title: string;
  detail: string | null;
}

export function describeError(error: unknown, t: TFunction): ErrorText {
  if (!isApiError(error)) return { title: t('problems.UNKNOWN'), detail: null };
  const { problem } = error;
  const title = isTranslated(problem.code)
    ? t(`problems.${problem.code}`)
    : problem.status >= 500
      ? t('problems.INTERNAL')
      : t('problems.UNKNOWN');
  // A domain error without a message of its own repeats its title as detail: nothing more to say.
  const detail =
    problem.detail && problem.detail !== problem.title && !SELF_EXPLANATORY.includes(problem.code)
      ? problem.detail
      : null;
  return { title, detail };
}

/** The problem's field errors by field path, to show next to each field of a form. */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!isApiError(error)) return {};
  const out: Record<string, string> = {};
  for (const { field, message } of error.problem.errors ?? []) {
    if (!(field in out)) out[field] = message;
  }
  return out;
}

/**
 * Until when an account is locked: the problem's `lockedUntil` member, or else the
 * timestamp the server writes in its detail ("The account is locked until 2026-…Z").
 */
export function lockedUntil(error: unknown): string | null {
  if (!isApiError(error)) return null;
  const value = (error.problem as Record<string, unknown>).lockedUntil;
  if (typeof value === 'string') return value;
  const inDetail = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})/.exec(
    error.problem.detail ?? '',
  );
  return inDetail ? inDetail[0] : null;
}
