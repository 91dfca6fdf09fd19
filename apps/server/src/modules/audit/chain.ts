import { createHash } from 'node:crypto';

/** The fields of an audit entry that its hash covers, besides its number. */
export interface ChainedEntry {
  at: Date;
  actorKind: string;
  actorId: string | null;
  actorName: string | null;
  actorRole: string | null;
  action: string;
  entity: string | null;
  entityId: string | null;
  householdId: string | null;
  detail: unknown;
  ip: string | null;
}

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every depth, so jsonb's reordering does not change the hash. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The canonical text of an entry's content, the part of the hash the application builds. */
export function entryBody(e: ChainedEntry): string {
  return canonicalJson([
    e.at.toISOString(),
    e.actorKind,
    e.actorId,
    e.actorName,
    e.actorRole,
    e.action,
    e.entity,
    e.entityId,
    e.householdId,
    e.detail ?? null,
    e.ip,
  ]);
}

/**
 * sha256(previous hash ‖ seq ‖ '|' ‖ body), hex. The database computes the same with
 * `sha256()` when it appends (see service.ts); verification recomputes it here.
 */
export function entryHash(prevHash: string, seq: number, body: string): string {
  return createHash('sha256').update(`${prevHash}${seq}|${body}`, 'utf8').digest('hex');
}
