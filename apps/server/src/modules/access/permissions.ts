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
  // Alerts: boards and funnels; institution agents see the referrals sent to their institution.
  'alerts.read': [
    'field_worker',
    'coordinator',
    'institution_agent',
    'case_worker',
    'data_steward',
    'programme_admin',
  ],
  'alerts.raise': ['field_worker', 'coordinator', 'institution_agent', 'case_worker', 'programme_admin'],
  // Field workers refer what they find at home (seed 001); coordinators refer again after a rejection.
  'alerts.refer': ['field_worker', 'coordinator', 'case_worker', 'programme_admin'],
  // Accept, reject and attend: the receiving institution only (its agents or its system's token).
  'alerts.respond': ['institution_agent'],
  'alerts.close': ['coordinator', 'case_worker', 'programme_admin'],
  // Violence and the like: the details of sensitive alerts (and the receiving institution's).
  'alerts.sensitive': ['case_worker', 'programme_admin'],
  'alerts.funnel': ['coordinator', 'case_worker', 'data_steward', 'programme_admin'],
  // Webhooks: an institution's agents (or its system's token) for their own institution; programme staff for any.
  'webhooks.manage': ['institution_agent', 'programme_admin'],
  // Imports from other systems and the data steward's linkage queue (review, duplicates, reversals).
  'imports.run': ['data_steward', 'programme_admin'],
  'imports.read': ['coordinator', 'data_steward', 'programme_admin'],
  'linkage.review': ['data_steward', 'programme_admin'],
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
