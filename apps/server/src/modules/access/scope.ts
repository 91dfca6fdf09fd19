import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Actor } from './actor';

/** The columns a scope is decided on: the household's district, health facility and field worker. */
export interface ScopeColumns {
  territory: string;
  facility: string;
  fieldWorker: string;
}

/**
 * The one place that says which households an actor may see, on any table that carries a
 * household's district, health facility and field worker (`household` itself, or the
 * `tracking_status` rows that copy them). Out-of-scope records are simply absent (a 404,
 * never a 403 that would confirm they exist).
 */
export function scopePredicate(actor: Actor, columns: ScopeColumns): RawBuilder<SqlBool> {
  const scope = actor.scope;
  switch (scope.kind) {
    case 'national':
      return sql<SqlBool>`true`;
    case 'territory':
      return inTerritory(scope.territoryCode, columns.territory);
    case 'institution':
      // A health facility sees the households it attends. Referrals to other kinds of
      // institution will widen this with the referred households (alerts module).
      return sql<SqlBool>`${sql.ref(columns.facility)} = ${scope.institutionId}`;
    case 'assigned':
      return actor.id === null
        ? sql<SqlBool>`false`
        : sql<SqlBool>`${sql.ref(columns.fieldWorker)} = ${actor.id}`;
    case 'none':
      return sql<SqlBool>`false`;
  }
}

/** A territory code column inside the subtree of a code (a range scan: codes nest by prefix). */
export function inTerritory(territoryCode: string, column: string): RawBuilder<SqlBool> {
  const range = codeRange(territoryCode);
  const ref = sql.ref(column);
  return range.end === null
    ? sql<SqlBool>`${ref} >= ${range.start}`
    : sql<SqlBool>`(${ref} >= ${range.start} AND ${ref} < ${range.end})`;
}

/**
 * Every query that returns people joins `household` as `h` and applies this; nothing else
 * decides visibility (see scopePredicate).
 */
export function householdInScope(actor: Actor): RawBuilder<SqlBool> {
  return scopePredicate(actor, {
    territory: 'h.territory_code',
    facility: 'h.health_facility_id',
    fieldWorker: 'h.field_worker_id',
  });
}

/** The same scope on tracking_status rows (aliased `s`), which copy their household's columns. */
export function statusInScope(actor: Actor): RawBuilder<SqlBool> {
  return scopePredicate(actor, {
    territory: 's.territory_code',
    facility: 's.health_facility_id',
    fieldWorker: 's.field_worker_id',
  });
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
