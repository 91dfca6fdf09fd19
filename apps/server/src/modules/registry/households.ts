import { normalizeName, uuidv7 } from '@tejido/core';
import type { DB } from '@tejido/db';
import {
  type ChangeEntry,
  DomainError,
  type Household,
  HouseholdCreate,
  type HouseholdPage,
  type HouseholdSearchQuery,
  type HouseholdUpdate,
} from '@tejido/schemas';
import type { Kysely, Transaction } from 'kysely';
import type { Actor } from '../access/actor';
import { assertCan, can } from '../access/permissions';
import { codeRange, householdInScope } from '../access/scope';
import { recordAudit } from '../audit/service';
import { runCommand } from '../mutations/service';
import { syncTracking } from '../tracking/service';
import { recordChanges } from './history';
import { insertPerson } from './persons';
import { loadHousehold, loadSummaries } from './views';

/** The households an actor may see, aliased `h`. Every registry read starts here. */
export function scopedHouseholds(db: Kysely<DB>, actor: Actor) {
  return db.selectFrom('household as h').where(householdInScope(actor));
}

/** find*: undefined when the household does not exist or is outside the actor's scope. */
export async function findHouseholdRow(db: Kysely<DB>, actor: Actor, id: string) {
  return scopedHouseholds(db, actor).selectAll('h').where('h.id', '=', id).executeTakeFirst();
}

/** get*: as find, but NOT_FOUND, the same answer whether it does not exist or is out of scope. */
export async function getHouseholdRow(db: Kysely<DB>, actor: Actor, id: string) {
  const row = await findHouseholdRow(db, actor, id);
  if (!row) throw new DomainError('NOT_FOUND', `No household ${id} in your scope`);
  return row;
}

const DOCUMENT_QUERY = /^(\d{8})(?:-?([0-9A-Ka-k]))?$/;
const CODE_QUERY = /^[A-Za-z]{1,4}-?\d{2,}$/;

/**
 * Search the households in the actor's scope by identity number, household code or name
 * words, optionally inside a territory or programme; keyset-paginated by household code.
 */
export async function searchHouseholds(
  db: Kysely<DB>,
  actor: Actor,
  q: HouseholdSearchQuery,
): Promise<HouseholdPage> {
  assertCan(actor, 'registry.read');
  let query = scopedHouseholds(db, actor).select(['h.id', 'h.code', 'h.territory_code', 'h.village_code']);
  const text = q.q?.trim() ?? '';
  let by: 'document' | 'code' | 'name' | 'list' = 'list';
  let words: string[] = [];
  const doc = DOCUMENT_QUERY.exec(text);
  if (doc) {
    by = 'document';
    const number = doc[1]!;
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('person as p')
          .select('p.id')
          .whereRef('p.household_id', '=', 'h.id')
          .where('p.document_number', '=', number),
      ),
    );
  } else if (CODE_QUERY.test(text)) {
    by = 'code';
    query = query.where('h.code', '=', text.toUpperCase());
  } else if (text.length > 0) {
    words = normalizeName(text)
      .split(' ')
      .filter((w) => w.length > 0);
    if (words.length === 0 || words.every((w) => w.length < 2)) {
      throw DomainError.field(
        'q',
        'Write at least two letters of a name, an identity number or a household code',
      );
    }
    by = 'name';
    query = query.where(({ exists, selectFrom }) => {
      let sub = selectFrom('person as p').select('p.id').whereRef('p.household_id', '=', 'h.id');
      for (const w of words) sub = sub.where('p.search_name', 'like', `%${escapeLike(w)}%`);
      return exists(sub);
    });
  }
  if (q.territory) {
    if (q.territory.length === 10) query = query.where('h.village_code', '=', q.territory);
    else {
      const range = codeRange(q.territory);
      query = query.where('h.territory_code', '>=', range.start);
      if (range.end !== null) query = query.where('h.territory_code', '<', range.end);
    }
  }
  if (q.programme) {
    const programme = q.programme;
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('enrolment as e')
          .select('e.id')
          .whereRef('e.household_id', '=', 'h.id')
          .where('e.programme_code', '=', programme)
          .where('e.status', '=', 'active'),
      ),
    );
  }
  if (q.cursor) query = query.where('h.code', '>', decodeCursor(q.cursor));
  const rows = await query
    .orderBy('h.code')
    .limit(q.limit + 1)
    .execute();
  const page = rows.slice(0, q.limit);

  const items = await loadSummaries(
    db,
    page,
    by === 'document' ? { document: doc![1]! } : by === 'name' ? { words } : null,
  );
  await recordAudit(db, actor, [
    {
      action: 'household.search',
      entity: 'household',
      detail: {
        by,
        ...(by === 'document' || by === 'code' ? { q: text } : by === 'name' ? { q: words.join(' ') } : {}),
        ...(q.territory ? { territory: q.territory } : {}),
        ...(q.programme ? { programme: q.programme } : {}),
        results: page.map((r) => r.id),
      },
    },
  ]);
  return { items, nextCursor: rows.length > q.limit ? encodeCursor(page.at(-1)!.code) : null };
}

/** The household page, audited as a read of its members' personal data. */
export async function getHousehold(db: Kysely<DB>, actor: Actor, id: string): Promise<Household> {
  assertCan(actor, 'registry.read');
  await getHouseholdRow(db, actor, id);
  const household = (await loadHousehold(db, id))!;
  await recordAudit(db, actor, [
    { action: 'household.read', entity: 'household', entityId: id, householdId: id },
  ]);
  return household;
}

/** Check the references a household points to, naming the field at fault. */
async function checkHouseholdReferences(
  trx: Transaction<DB>,
  input: {
    territoryCode?: string | undefined;
    healthFacilityId?: string | null | undefined;
    fieldWorkerId?: string | null | undefined;
  },
): Promise<{ territoryCode?: string; villageCode?: string | null }> {
  const out: { territoryCode?: string; villageCode?: string | null } = {};
  if (input.territoryCode !== undefined) {
    const t = await trx
      .selectFrom('territory')
      .select(['code', 'level', 'parent_code'])
      .where('code', '=', input.territoryCode)
      .executeTakeFirst();
    if (!t) throw DomainError.field('territoryCode', `No territory with code ${input.territoryCode}`);
    if (t.level === 'district') Object.assign(out, { territoryCode: t.code, villageCode: null });
    else if (t.level === 'village')
      Object.assign(out, { territoryCode: t.parent_code!, villageCode: t.code });
    else
      throw DomainError.field(
        'territoryCode',
        'A household lives in a district or a village, not a whole province or region',
      );
  }
  if (input.healthFacilityId) {
    const f = await trx
      .selectFrom('institution')
      .select('kind')
      .where('id', '=', input.healthFacilityId)
      .executeTakeFirst();
    if (f?.kind !== 'health_facility')
      throw DomainError.field('healthFacilityId', 'No health facility with this id');
  }
  if (input.fieldWorkerId) {
    const w = await trx
      .selectFrom('app_user')
      .select(['role', 'active'])
      .where('id', '=', input.fieldWorkerId)
      .executeTakeFirst();
    if (w?.role !== 'field_worker' || !w.active)
      throw DomainError.field('fieldWorkerId', 'No active field worker with this id');
  }
  return out;
}

/** A write must leave the record inside the writer's scope: nobody creates or moves what they could not then see. */
async function assertStillInScope(trx: Transaction<DB>, actor: Actor, householdId: string, field: string) {
  if (!(await findHouseholdRow(trx, actor, householdId))) {
    throw DomainError.field(field, 'This would place the household outside your scope', 'FORBIDDEN');
  }
}

function newHouseholdCode(): string {
  const random = Math.floor(Math.random() * 36 ** 3)
    .toString(36)
    .padStart(3, '0');
  return `HH-${Date.now().toString(36)}${random}`.toUpperCase();
}

/** Register a household with its members and enrolments in one transaction. */
export async function createHousehold(
  db: Kysely<DB>,
  actor: Actor,
  input: HouseholdCreate,
  mutationId?: string,
): Promise<{ household: Household; replayed: boolean }> {
  assertCan(actor, 'registry.write');
  const data = HouseholdCreate.parse(input);
  if (data.fieldWorkerId && !can(actor, 'registry.reassign') && data.fieldWorkerId !== actor.id) {
    throw DomainError.field(
      'fieldWorkerId',
      'Only coordinators assign households to other field workers',
      'FORBIDDEN',
    );
  }
  const { result, replayed } = await runCommand(db, actor, mutationId, 'household.create', async (trx) => {
    const place = await checkHouseholdReferences(trx, data);
    const id = data.id ?? uuidv7();
    const exists = await trx.selectFrom('household').select('id').where('id', '=', id).executeTakeFirst();
    if (exists) throw DomainError.field('id', 'A household with this id already exists', 'DUPLICATE');
    const code = data.code?.toUpperCase() ?? newHouseholdCode();
    const taken = await trx.selectFrom('household').select('id').where('code', '=', code).executeTakeFirst();
    if (taken) throw DomainError.field('code', `The household code ${code} is taken`, 'DUPLICATE');
    const values = {
      id,
      code,
      territory_code: place.territoryCode!,
      village_code: place.villageCode ?? null,
      address: data.address ?? null,
      reference: data.reference ?? null,
      latitude: data.latitude ?? null,
      longitude: data.longitude ?? null,
      phone: data.phone ?? null,
      health_facility_id: data.healthFacilityId ?? null,
      // A field worker's new household is theirs, or they could not see it afterwards.
      field_worker_id: data.fieldWorkerId ?? (actor.role === 'field_worker' ? actor.id : null),
    };
    await trx.insertInto('household').values(values).execute();
    await assertStillInScope(trx, actor, id, 'territoryCode');
    await recordChanges(
      trx,
      actor,
      { entity: 'household', entityId: id, householdId: id, version: 1 },
      null,
      values,
    );
    for (const [i, member] of data.members.entries())
      await insertPerson(trx, actor, id, member, `members.${i}`);
    for (const [i, e] of data.enrolments.entries()) {
      const programme = await trx
        .selectFrom('programme')
        .select('code')
        .where('code', '=', e.programmeCode)
        .executeTakeFirst();
      if (!programme)
        throw DomainError.field(`enrolments.${i}.programmeCode`, `No programme ${e.programmeCode}`);
      const enrolment = {
        id: e.id ?? uuidv7(),
        household_id: id,
        programme_code: e.programmeCode,
        status: 'active' as const,
        start_date: e.startDate,
      };
      await trx.insertInto('enrolment').values(enrolment).execute();
      await recordChanges(
        trx,
        actor,
        { entity: 'enrolment', entityId: enrolment.id, householdId: id, version: 1 },
        null,
        enrolment,
      );
    }
    await syncTracking(trx, id);
    await recordAudit(trx, actor, [
      { action: 'household.create', entity: 'household', entityId: id, householdId: id },
    ]);
    return (await loadHousehold(trx, id))!;
  });
  return { household: result, replayed };
}

const HOUSEHOLD_FIELDS = {
  address: 'address',
  reference: 'reference',
  latitude: 'latitude',
  longitude: 'longitude',
  phone: 'phone',
  healthFacilityId: 'health_facility_id',
  fieldWorkerId: 'field_worker_id',
  status: 'status',
} as const;

/** Change a household's fields; refused with VERSION_CONFLICT when someone changed it since it was read. */
export async function updateHousehold(
  db: Kysely<DB>,
  actor: Actor,
  id: string,
  patch: HouseholdUpdate,
): Promise<Household> {
  assertCan(actor, 'registry.write');
  if (patch.fieldWorkerId !== undefined && !can(actor, 'registry.reassign')) {
    throw DomainError.field('fieldWorkerId', 'Only coordinators reassign households', 'FORBIDDEN');
  }
  return db.transaction().execute(async (trx) => {
    const before = await scopedHouseholds(trx, actor)
      .selectAll('h')
      .where('h.id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!before) throw new DomainError('NOT_FOUND', `No household ${id} in your scope`);
    if (before.version !== patch.version) {
      throw new DomainError(
        'VERSION_CONFLICT',
        `The household is at version ${before.version}; you sent ${patch.version}`,
        {
          extra: { currentVersion: before.version },
        },
      );
    }
    const place = await checkHouseholdReferences(trx, patch);
    const changes: Record<string, unknown> = {};
    for (const [key, column] of Object.entries(HOUSEHOLD_FIELDS)) {
      const value = patch[key as keyof typeof HOUSEHOLD_FIELDS];
      if (value !== undefined) changes[column] = value;
    }
    if (place.territoryCode !== undefined) {
      changes.territory_code = place.territoryCode;
      changes.village_code = place.villageCode ?? null;
    }
    const version = before.version + 1;
    const changed = await recordChanges(
      trx,
      actor,
      { entity: 'household', entityId: id, householdId: id, version },
      before as unknown as Record<string, unknown>,
      changes,
    );
    if (changed.length > 0) {
      const set = Object.fromEntries(changed.map((f) => [f, changes[f]]));
      await trx
        .updateTable('household')
        .set({ ...set, version, updated_at: new Date() })
        .where('id', '=', id)
        .execute();
      await assertStillInScope(trx, actor, id, 'territoryCode');
      await syncTracking(trx, id);
      await recordAudit(trx, actor, [
        {
          action: 'household.update',
          entity: 'household',
          entityId: id,
          householdId: id,
          detail: { fields: changed },
        },
      ]);
    }
    return (await loadHousehold(trx, id))!;
  });
}

/** Field-level change history of a household and everything in it, newest first. */
export async function householdHistory(
  db: Kysely<DB>,
  actor: Actor,
  id: string,
  page: { cursor?: string | undefined; limit: number },
): Promise<{ items: ChangeEntry[]; nextCursor: string | null }> {
  assertCan(actor, 'registry.read');
  await getHouseholdRow(db, actor, id);
  let query = db
    .selectFrom('change_history as c')
    .leftJoin('app_user as u', 'u.id', 'c.actor_id')
    .leftJoin('api_token as t', 't.id', 'c.actor_id')
    .selectAll('c')
    .select(['u.display_name', 't.name as token_name'])
    .where('c.household_id', '=', id)
    .orderBy('c.id', 'desc')
    .limit(page.limit + 1);
  if (page.cursor) {
    const before = Number(page.cursor);
    if (!Number.isInteger(before)) throw DomainError.field('cursor', 'Invalid cursor');
    query = query.where('c.id', '<', before);
  }
  const rows = await query.execute();
  const items = rows.slice(0, page.limit);
  await recordAudit(db, actor, [
    { action: 'household.history', entity: 'household', entityId: id, householdId: id },
  ]);
  return {
    items: items.map((r) => ({
      id: r.id,
      entity: r.entity,
      entityId: r.entity_id,
      version: r.version,
      field: r.field,
      oldValue: r.old_value,
      newValue: r.new_value,
      actorKind: r.actor_kind,
      actorName: r.display_name ?? r.token_name ?? (r.actor_kind === 'system' ? 'Tejido' : null),
      changedAt: r.changed_at.toISOString(),
    })),
    nextCursor: rows.length > page.limit ? String(items.at(-1)!.id) : null,
  };
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
function encodeCursor(code: string): string {
  return Buffer.from(code, 'utf8').toString('base64url');
}
function decodeCursor(cursor: string): string {
  const code = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[A-Z0-9-]{1,40}$/.test(code)) throw DomainError.field('cursor', 'Invalid cursor');
  return code;
}
