import { z } from 'zod';
import { Uuid } from './common';

export const Role = z.enum([
  'field_worker',
  'coordinator',
  'institution_agent',
  'case_worker',
  'data_steward',
  'programme_admin',
  'auditor',
]);
export type Role = z.infer<typeof Role>;

/** What part of the population an account may see. */
export const Scope = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('national') }),
  z.object({ kind: z.literal('territory'), territoryCode: z.string() }),
  z.object({ kind: z.literal('institution'), institutionId: Uuid }),
  z.object({ kind: z.literal('assigned') }),
  z.object({ kind: z.literal('none') }),
]);
export type Scope = z.infer<typeof Scope>;

export const Locale = z.enum(['es-PE', 'en']);
export type Locale = z.infer<typeof Locale>;

export const LoginRequest = z.object({
  username: z.string().trim().min(1).max(100),
  password: z.string().min(1).max(200),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

/** The signed-in account as the web app sees it. */
export const Me = z.object({
  id: Uuid,
  username: z.string(),
  displayName: z.string(),
  role: Role,
  scope: Scope,
  scopeLabel: z.string().describe('Human name of the scope: a territory or institution name.'),
  locale: Locale,
});
export type Me = z.infer<typeof Me>;

export const UserCreate = z.object({
  username: z
    .string()
    .trim()
    .min(3)
    .max(60)
    .regex(/^[a-z0-9._-]+$/i, 'Letters, digits, dot, dash and underscore only'),
  displayName: z.string().trim().min(1).max(120),
  password: z.string().min(10, 'At least 10 characters').max(200),
  role: Role,
  scope: Scope,
});
export type UserCreate = z.infer<typeof UserCreate>;
