import type { DB } from '@tejido/db';
import { type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import type { Actor } from './actor';

/**
 * The one place that says which households an actor may see. Every query that returns
 * people joins `household` as `h` and applies `householdInScope(actor)`; nothing else
 * decides visibility. Out-of-scope records are simply absent (a 404, never a 403 that
 * would confirm they exist).
 */
export function householdInScope(actor: Actor) {
  return (eb: ExpressionBuilder<DB & { h: DB['household'] }, 'h'>) => {
    const scope = actor.scope;
    switch (scope.kind) {
      case 'national':
        return sql<SqlBool>`true`;
      case 'territory': {
        const range = codeRange(scope.territoryCode);
        return range.end === null
          ? eb('h.territory_code', '>=', range.start)
          : eb.and([eb('h.territory_code', '>=', range.start), eb('h.territory_code', '<', range.end)]);
      }
      case 'institution':
        // A health facility sees the households it attends. Referrals to other kinds of
        // institution will widen this with the referred households (alerts module).
        return eb('h.health_facility_id', '=', scope.institutionId);
      case 'assigned':
        return actor.id === null ? sql<SqlBool>`false` : eb('h.field_worker_id', '=', actor.id);
      case 'none':
        return sql<SqlBool>`false`;
    }
  };
}

/**
 * Codes nest by prefix, so a subtree is a range of codes: [prefix, next prefix).
 * Digit strings compare the same under every collation, so a plain btree index serves it.
 * @example codeRange('0509') // { start: '0509', end: '051' }
 */
export function codeRange(prefix: string): { start: string; end: string | null } {
  if (!/^\d+$/.test(prefix)) throw new RangeError(`A territory code is made of digits; got "${prefix}"`);
  let end = prefix;
  while (end.length > 0 && end.endsWith('9')) end = end.slice(0, -1);
  if (end.length === 0) return { start: prefix, end: null };
  return { start: prefix, end: end.slice(0, -1) + String(Number(end.at(-1)) + 1) };
}

/** Whether a territory code lies inside the actor's territory scope (for reference data and filters). */
export function territoryInScope(actor: Actor, code: string): boolean {
  const scope = actor.scope;
  if (scope.kind === 'territory')
    return code.startsWith(scope.territoryCode) || scope.territoryCode.startsWith(code);
  return true;
}
