import { DomainError } from '@tejido/schemas';
import type { Actor } from './actor';

/**
 * What each role may do, in one table. Scope (which people) is applied by the scoped
 * queries in scope.ts; this table says which actions a role has at all.
 */
const PERMISSIONS = {
  'registry.read': [
    'field_worker',
    'coordinator',
    'institution_agent',
    'case_worker',
    'data_steward',
    'programme_admin',
  ],
  'registry.write': ['field_worker', 'coordinator', 'case_worker', 'data_steward', 'programme_admin'],
  'registry.reassign': ['coordinator', 'data_steward', 'programme_admin'],
  'tracking.read': [
    'field_worker',
    'coordinator',
    'institution_agent',
    'case_worker',
    'data_steward',
    'programme_admin',
  ],
  // Health-facility staff record the care they give; field workers what they see at home.
  'tracking.record': ['field_worker', 'coordinator', 'institution_agent', 'data_steward', 'programme_admin'],
  'tracking.export': [
    'coordinator',
    'institution_agent',
    'case_worker',
    'data_steward',
    'programme_admin',
    'field_worker',
  ],
  'audit.read': ['auditor'],
  'users.manage': ['programme_admin'],
} as const satisfies Record<string, readonly string[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(actor: Actor, permission: Permission): boolean {
  if (actor.kind === 'system') return true;
  return (PERMISSIONS[permission] as readonly string[]).includes(actor.role);
}

/** Throw FORBIDDEN unless the actor's role has the permission. */
export function assertCan(actor: Actor, permission: Permission): void {
  if (!can(actor, permission)) {
    throw new DomainError('FORBIDDEN', `The role ${actor.role} cannot do ${permission}`);
  }
}
