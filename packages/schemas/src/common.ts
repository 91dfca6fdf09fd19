import { isCalendarDate } from '@tejido/core';
import { z } from 'zod';

export const Uuid = z.uuid();
export type Uuid = z.infer<typeof Uuid>;

/** A calendar day 'YYYY-MM-DD' that exists. */
export const CalendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use the form YYYY-MM-DD')
  .refine(isCalendarDate, 'This date does not exist');
export type CalendarDate = z.infer<typeof CalendarDate>;

/** Optional text from a form: trimmed; empty means absent. */
export const OptionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((s) => (s === '' ? null : s))
    .nullable()
    .optional();

export const RequiredText = (max: number) => z.string().trim().min(1, 'Required').max(max);

/** Keyset pagination: an opaque cursor from the previous page and a page size. */
export const PageQuery = z.object({
  cursor: z.string().max(200).optional().describe('Opaque cursor from the previous page (`nextCursor`).'),
  limit: z.coerce.number().int().min(1).max(200).default(25),
});
export type PageQuery = z.infer<typeof PageQuery>;

export const Page = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().describe('Cursor for the next page; null on the last page.'),
  });

export const Latitude = z.number().min(-90).max(90);
export const Longitude = z.number().min(-180).max(180);
/** A phone number as people write it in Peru: 9 digits for mobiles, optional +51. */
export const Phone = z
  .string()
  .trim()
  .regex(/^(\+51)?\s?\d[\d\s-]{5,13}$/, 'A phone number of 6 to 12 digits, optionally with +51');

export const IdParams = z.object({ id: Uuid });
