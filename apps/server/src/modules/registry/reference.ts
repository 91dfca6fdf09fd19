import type { DB } from '@tejido/db';
import type { Institution, InstitutionKind, Programme, Territory } from '@tejido/schemas';
import { type Kysely, type SqlBool, sql } from 'kysely';
import type { Actor } from '../access/actor';
import { codeRange } from '../access/scope';

/**
 * Reference data: territory, institutions, programmes. Not personal data, so it is not
 * audited, but territory lists follow the actor's territory scope so a filter never
 * offers places the actor cannot search.
 */
export async function listTerritories(db: Kysely<DB>, actor: Actor, parent?: string): Promise<Territory[]> {
  let q = db.selectFrom('territory').selectAll().orderBy('name');
  q = parent ? q.where('parent_code', '=', parent) : q.where('level', '=', 'region');
  const scope = actor.scope;
  if (scope.kind === 'territory') {
    // Ancestors of the scope (to walk down to it) and everything inside it.
    const range = codeRange(scope.territoryCode);
    q = q.where((eb) =>
      eb.or([
        sql<SqlBool>`starts_with(${scope.territoryCode}, code)`,
        eb.and([eb('code', '>=', range.start), ...(range.end ? [eb('code', '<', range.end)] : [])]),
      ]),
    );
  }
  if (actor.scope.kind === 'none') return [];
  const rows = await q.execute();
  return rows.map((t) => ({
    code: t.code,
    name: t.name,
    level: t.level,
    parentCode: t.parent_code,
    altitudeM: t.altitude_m,
    rural: t.rural,
    latitude: t.latitude,
    longitude: t.longitude,
  }));
}

export async function findTerritory(db: Kysely<DB>, code: string) {
  return db.selectFrom('territory').selectAll().where('code', '=', code).executeTakeFirst();
}

export async function listInstitutions(
  db: Kysely<DB>,
  filter: { territory?: string | undefined; kind?: InstitutionKind | undefined },
): Promise<Institution[]> {
  let q = db.selectFrom('institution').selectAll().orderBy('name').limit(1000);
  if (filter.territory) {
    const range = codeRange(filter.territory);
    q = q.where('territory_code', '>=', range.start);
    if (range.end) q = q.where('territory_code', '<', range.end);
  }
  if (filter.kind) q = q.where('kind', '=', filter.kind);
  return (await q.execute()).map((i) => ({
    id: i.id,
    code: i.code,
    name: i.name,
    kind: i.kind,
    territoryCode: i.territory_code,
    address: i.address,
    phone: i.phone,
  }));
}

export async function listProgrammes(db: Kysely<DB>): Promise<Programme[]> {
  const rows = await db.selectFrom('programme').selectAll().orderBy('code').execute();
  return rows.map((p) => ({ code: p.code, nameEs: p.name_es, nameEn: p.name_en }));
}
