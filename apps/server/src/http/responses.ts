import { Problem } from '@tejido/schemas';
import { z } from 'zod';

/** Response schemas of a route: its success bodies plus the problem documents every route may answer. */
export function responses<T extends Record<number, z.ZodType>>(ok: T) {
  return { ...ok, '4xx': Problem, '5xx': Problem } as T & { '4xx': typeof Problem; '5xx': typeof Problem };
}

/** Header carrying the client mutation id of an idempotent command (offline sync). */
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** Headers of an idempotent command: the client mutation id, optional. */
export const CommandHeaders = z.object({
  [IDEMPOTENCY_HEADER]: z
    .uuid()
    .optional()
    .describe(
      'Client mutation id: a retried command with the same key is answered again, not applied twice.',
    ),
});
