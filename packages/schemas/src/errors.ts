import { z } from 'zod';

/**
 * The catalogue of error codes. Services throw a DomainError with one of these codes;
 * only the HTTP layer turns it into a status and an RFC 9457 problem document.
 * docs/errors.md lists them for API users (a test keeps it in step).
 */
export const ERRORS = {
  VALIDATION_FAILED: { status: 400, title: 'The request has invalid fields' },
  MALFORMED_JSON: { status: 400, title: 'The request body is not valid JSON' },
  NOT_AUTHENTICATED: { status: 401, title: 'Sign in first' },
  INVALID_CREDENTIALS: { status: 401, title: 'Wrong username or password' },
  FORBIDDEN: { status: 403, title: 'Your role cannot do this' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  ROUTE_NOT_FOUND: { status: 404, title: 'No such route' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed on this route' },
  VERSION_CONFLICT: { status: 409, title: 'Someone changed this record since you read it' },
  DUPLICATE: { status: 409, title: 'This record already exists' },
  CONFLICT: { status: 409, title: 'The request conflicts with the current state' },
  ILLEGAL_TRANSITION: { status: 409, title: 'This step is not allowed in the current stage' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported content type' },
  ACCOUNT_LOCKED: { status: 423, title: 'The account is locked after repeated failed sign-ins' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  INTERNAL: { status: 500, title: 'Internal error' },
  UNAVAILABLE: { status: 503, title: 'Service unavailable' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERRORS;

export interface FieldError {
  /** Path of the field at fault, dotted: `members.0.birthDate`. */
  field: string;
  message: string;
}

/** A failure the domain knows about. `get*` functions throw it with NOT_FOUND; `find*` return undefined. */
export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly errors: FieldError[];
  readonly extra: Record<string, unknown>;
  constructor(
    code: ErrorCode,
    detail?: string,
    options: { errors?: FieldError[]; extra?: Record<string, unknown> } = {},
  ) {
    super(detail ?? ERRORS[code].title);
    this.name = 'DomainError';
    this.code = code;
    this.errors = options.errors ?? [];
    this.extra = options.extra ?? {};
  }
  static field(field: string, message: string, code: ErrorCode = 'VALIDATION_FAILED'): DomainError {
    return new DomainError(code, `${field}: ${message}`, { errors: [{ field, message }] });
  }
}

/**
 * RFC 9457 problem details, as every error response of the API. Extension members
 * (`lockedUntil`, `currentVersion`) pass through, as the RFC allows.
 */
export const Problem = z.looseObject({
  type: z.string().describe('A URI naming the error code: urn:tejido:error:CODE'),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  code: z.string(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});
export type Problem = z.infer<typeof Problem>;
