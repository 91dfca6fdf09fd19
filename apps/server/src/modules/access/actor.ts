import type { Role, Scope } from '@tejido/schemas';

/**
 * Who is acting: a signed-in person, an institution's system with a bearer token, or
 * Tejido itself (imports, jobs, the command line). Every scoped query and every audit
 * entry takes one.
 */
export interface Actor {
  kind: 'user' | 'token' | 'system';
  /** Account or token id; null for the system. */
  id: string | null;
  name: string;
  role: Role | 'system';
  scope: Scope;
  /** Client address, for the audit log. */
  ip: string | null;
}

export const systemActor = (name = 'tejido'): Actor => ({
  kind: 'system',
  id: null,
  name,
  role: 'system',
  scope: { kind: 'national' },
  ip: null,
});
