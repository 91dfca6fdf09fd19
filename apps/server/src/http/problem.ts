import { DomainError, ERRORS, type ErrorCode, type FieldError, type Problem } from '@tejido/schemas';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { isUniqueViolation } from '../modules/mutations/service';

/** The one place where domain errors become HTTP: an RFC 9457 problem document. */
export function problemFor(
  code: ErrorCode,
  detail?: string,
  errors?: FieldError[],
  extra: Record<string, unknown> = {},
): Problem {
  const { status, title } = ERRORS[code];
  return {
    type: `urn:tejido:error:${code}`,
    title,
    status,
    code,
    ...(detail ? { detail } : {}),
    ...(errors && errors.length > 0 ? { errors } : {}),
    ...extra,
  };
}

export function sendProblem(reply: FastifyReply, problem: Problem) {
  return reply.code(problem.status).type('application/problem+json').send(problem);
}

const CONTEXT_PREFIX: Record<string, string> = { body: '', querystring: '', params: '', headers: 'header ' };

/** Translate anything thrown in a request into a problem; internals never reach the client. */
export function toProblem(error: unknown, request: FastifyRequest): Problem {
  const instance = request.url.split('?')[0];
  if (error instanceof DomainError) {
    return { ...problemFor(error.code, error.message, error.errors, error.extra), instance };
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = CONTEXT_PREFIX[error.validationContext ?? 'body'] ?? '';
    const errors = error.validation.map((v) => {
      const field = v.instancePath.replace(/^\//, '').replaceAll('/', '.');
      return { field: `${where}${field}` || '(body)', message: v.message ?? 'Invalid value' };
    });
    const detail = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    return { ...problemFor('VALIDATION_FAILED', detail, errors), instance };
  }
  const fe = error as FastifyError;
  switch (fe?.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { ...problemFor('MALFORMED_JSON', fe.message), instance };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { ...problemFor('PAYLOAD_TOO_LARGE', fe.message), instance };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return {
        ...problemFor('UNSUPPORTED_MEDIA_TYPE', 'Send JSON with Content-Type: application/json'),
        instance,
      };
    case 'FST_ERR_VALIDATION':
      return { ...problemFor('VALIDATION_FAILED', fe.message), instance };
  }
  if (fe instanceof SyntaxError && fe.statusCode === 400)
    return { ...problemFor('MALFORMED_JSON', fe.message), instance };
  if (isUniqueViolation(error)) return { ...problemFor('DUPLICATE', 'This record already exists'), instance };
  if (isResponseSerializationError(error)) {
    request.log.error({ err: error }, 'response does not match its schema');
    return { ...problemFor('INTERNAL'), instance };
  }
  if (typeof fe?.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code: ErrorCode =
      fe.statusCode === 404 ? 'NOT_FOUND' : fe.statusCode === 429 ? 'RATE_LIMITED' : 'VALIDATION_FAILED';
    return { ...problemFor(code, fe.message), status: fe.statusCode, instance };
  }
  request.log.error({ err: error }, 'unhandled error');
  return { ...problemFor('INTERNAL', 'An internal error occurred; it has been logged'), instance };
}
