import type { Problem } from '@tejido/schemas';

/**
 * The one way the web app talks to the API: JSON in and out, the session cookie sent along,
 * and every failure turned into an ApiError carrying the server's RFC 9457 problem.
 */

/** A failed request. `problem` is the server's problem document, or one made up for network failures. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail ?? problem.title);
    this.name = 'ApiError';
    this.status = problem.status;
    this.problem = problem;
  }
  get code(): string {
    return this.problem.code;
  }
}

/** The code given to a request that never reached the server. */
export const NETWORK_ERROR = 'NETWORK';

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/** Routes whose 401 is an answer, not a lost session. */
const AUTH_ANSWERS = ['/api/v1/auth/login', '/api/v1/auth/me'];

let onSessionLost: (() => void) | undefined;

/** Called whenever the server says the session is gone (a 401 outside the sign-in routes). */
export function setSessionLostHandler(handler: (() => void) | undefined): void {
  onSessionLost = handler;
}

export type QueryValue = string | number | null | undefined;

/** A path with its query string; empty and absent values are left out. */
export function withQuery(path: string, query: Record<string, QueryValue> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: AbortSignal;
  /** Extra request headers, such as an Idempotency-Key. */
  headers?: Record<string, string>;
}

function looksLikeProblem(value: unknown): value is Problem {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Problem).status === 'number' &&
    typeof (value as Problem).code === 'string'
  );
}

async function readProblem(response: Response): Promise<Problem> {
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      const body: unknown = await response.json();
      if (looksLikeProblem(body)) return body;
    } catch {
      // Not JSON after all: fall through to a problem made from the status.
    }
  }
  return {
    type: 'about:blank',
    title: response.statusText || `HTTP ${response.status}`,
    status: response.status,
    code: response.status >= 500 ? 'INTERNAL' : `HTTP_${response.status}`,
  };
}

/** Sends one request to the API and returns its JSON body (undefined for 204). */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { method = 'GET', query, body, signal } = options;
  const url = withQuery(path, query);
  const headers: Record<string, string> = {
    ...options.headers,
    Accept: 'application/json, application/problem+json',
  };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? null : JSON.stringify(body),
      signal: signal ?? null,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError({ type: 'about:blank', title: 'Network error', status: 0, code: NETWORK_ERROR });
  }
  if (!response.ok) {
    const problem = await readProblem(response);
    if (response.status === 401 && !AUTH_ANSWERS.includes(path)) onSessionLost?.();
    throw new ApiError(problem);
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}
