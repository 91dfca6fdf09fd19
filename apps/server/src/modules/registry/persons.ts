import { addDays, ageInYears, personSearchName, todayInPeru, uuidv7 } from '@tejido/core';
import type { DB } from '@tejido/db';
import {
  DomainError,
  type Enrolment,
  type EnrolmentCreate,
  type EnrolmentUpdate,
  type Person,
  PersonCreate,
  type PersonUpdate,
  type Pregnancy,
  PregnancyCreate,
  type PregnancyUpdate,
} from '@tejido/schemas';
import type { Kysely, Transaction } from 'kysely';
import type { Actor } from '../access/actor';
import { assertCan } from '../access/permissions';
import { householdInScope } from '../access/scope';
import { recordAudit } from '../audit/service';
import { isUniqueViolation, runCommand } from '../mutations/service';
import { syncTracking } from '../tracking/service';
import { recordChanges } from './history';
import { toPerson, toPregnancy } from './views';

/** Insert one member into a household the caller has already checked; `field` prefixes error paths. */
export async function insertPerson(
  trx: Transaction<DB>,
  actor: Actor,
  householdId: string,
  input: PersonCreate,
  field = '',
): Promise<string> {
  const at = (name: string) => (field ? `${field}.${name}` : name);
  const p = PersonCreate.parse(input);
  const today = todayInPeru();
  if (p.birthDate > today) throw DomainError.field(at('birthDate'), 'The birth date is in the future');
  if (ageInYears(p.birthDate, today) > 120)
    throw DomainError.field(at('birthDate'), 'The birth date is more than 120 years ago');
  if (p.relationship === 'head') await assertNoOtherHead(trx, householdId, null, at('relationship'));
  if (p.document)
    await assertDocumentFree(trx, p.document.type, p.document.number, null, at('document.number'));
  const row = {
    id: p.id ?? uuidv7(),
    household_id: householdId,
    relationship: p.relationship,
    given_names: p.givenNames,
    first_surname: p.firstSurname,
    second_surname: p.secondSurname ?? null,
    sex: p.sex,
    birth_date: p.birthDate,
    document_type: p.document?.type ?? null,
    document_number: p.document?.number ?? null,
    document_check_digit: p.document?.checkDigit?.toUpperCase() ?? null,
    health_insurance_number: p.healthInsuranceNumber ?? null,
    search_name: personSearchName(p),
  };
  const exists = await trx.selectFrom('person').select('id').where('id', '=', row.id).executeTakeFirst();
  if (exists) throw DomainError.field(at('id'), 'A person with this id already exists', 'DUPLICATE');
  await trx.insertInto('person').values(row).execute();
  const { search_name: _, ...recorded } = row;
  await recordChanges(
    trx,
    actor,
    { entity: 'person', entityId: row.id, householdId, version: 1 },
    null,
    recorded,
  );
  return row.id;
}

async function assertNoOtherHead(
  trx: Transaction<DB>,
  householdId: string,
  exceptPersonId: string | null,
  field: string,
) {
  let q = trx
    .selectFrom('person')
    .select('id')
    .where('household_id', '=', householdId)
    .where('relationship', '=', 'head')
    .where('status', '=', 'active');
  if (exceptPersonId) q = q.where('id', '<>', exceptPersonId);
  if (await q.executeTakeFirst())
    throw DomainError.field(field, 'The household already has a head', 'CONFLICT');
}

async function assertDocumentFree(
  trx: Transaction<DB>,
  type: string,
  number: string,
  exceptPersonId: string | null,
  field: string,
) {
  let q = trx
    .selectFrom('person')
    .select('id')
    .where('document_type', '=', type as 'DNI')
    .where('document_number', '=', number);
  if (exceptPersonId) q = q.where('id', '<>', exceptPersonId);
  // The answer says only that the number is registered, never where or to whom.
  if (await q.executeTakeFirst())
    throw DomainError.field(field, `${type} ${number} is already registered`, 'DUPLICATE');
}

/** A person row joined to its household, if the household is in the actor's scope. */
function scopedPerson(db: Kysely<DB>, actor: Actor, personId: string) {
  return db
    .selectFrom('person as p')
    .innerJoin('household as h', 'h.id', 'p.household_id')
    .where(householdInScope(actor))
    .where('p.id', '=', personId);
}

async function loadPerson(db: Kysely<DB>, personId: string): Promise<Person> {
  const row = await db.selectFrom('person').selectAll().where('id', '=', personId).executeTakeFirstOrThrow();
  const pregnancies = await db
    .selectFrom('pregnancy')
    .selectAll()
    .where('person_id', '=', personId)
    .orderBy('created_at', 'desc')
    .execute();
  return toPerson(row, pregnancies);
}

export async function addMember(
  db: Kysely<DB>,
  actor: Actor,
  householdId: string,
  input: PersonCreate,
  mutationId?: string,
): Promise<{ person: Person; replayed: boolean }> {
  assertCan(actor, 'registry.write');
  const { result, replayed } = await runCommand(db, actor, mutationId, 'person.create', async (trx) => {
    const h = await trx
      .selectFrom('household as h')
      .select('h.id')
      .where(householdInScope(actor))
      .where('h.id', '=', householdId)
      .forUpdate()
      .executeTakeFirst();
    if (!h) throw new DomainError('NOT_FOUND', `No household ${householdId} in your scope`);
    const id = await insertPerson(trx, actor, householdId, input);
    await trx
      .updateTable('household')
      .set((eb) => ({ version: eb('version', '+', 1), updated_at: new Date() }))
      .where('id', '=', householdId)
      .execute();
    await syncTracking(trx, householdId);
    await recordAudit(trx, actor, [{ action: 'person.create', entity: 'person', entityId: id, householdId }]);
    return loadPerson(trx, id);
  });
  return { person: result, replayed };
}

export async function getPerson(db: Kysely<DB>, actor: Actor, personId: string): Promise<Person> {
  assertCan(actor, 'registry.read');
  const found = await scopedPerson(db, actor, personId).select(['p.id', 'p.household_id']).executeTakeFirst();
  if (!found) throw new DomainError('NOT_FOUND', `No person ${personId} in your scope`);
  const person = await loadPerson(db, personId);
  await recordAudit(db, actor, [
    { action: 'person.read', entity: 'person', entityId: personId, householdId: found.household_id },
  ]);
  return person;
}

const PERSON_FIELDS = {
  relationship: 'relationship',
  givenNames: 'given_names',
  firstSurname: 'first_surname',
  secondSurname: 'second_surname',
  sex: 'sex',
  birthDate: 'birth_date',
  healthInsuranceNumber: 'health_insurance_number',
  status: 'status',
} as const;

export async function updatePerson(
  db: Kysely<DB>,
  actor: Actor,
  personId: string,
  patch: PersonUpdate,
): Promise<Person> {
  assertCan(actor, 'registry.write');
  return db.transaction().execute(async (trx) => {
    const before = await scopedPerson(trx, actor, personId).selectAll('p').forUpdate().executeTakeFirst();
    if (!before) throw new DomainError('NOT_FOUND', `No person ${personId} in your scope`);
    if (before.version !== patch.version) {
      throw new DomainError(
        'VERSION_CONFLICT',
        `The person is at version ${before.version}; you sent ${patch.version}`,
        {
          extra: { currentVersion: before.version },
        },
      );
    }
    if (patch.birthDate && patch.birthDate > todayInPeru())
      throw DomainError.field('birthDate', 'The birth date is in the future');
    if (patch.relationship === 'head')
      await assertNoOtherHead(trx, before.household_id, personId, 'relationship');
    const changes: Record<string, unknown> = {};
    for (const [key, column] of Object.entries(PERSON_FIELDS)) {
      const value = patch[key as keyof typeof PERSON_FIELDS];
      if (value !== undefined) changes[column] = value;
    }
    if (patch.document !== undefined) {
      if (patch.document)
        await assertDocumentFree(
          trx,
          patch.document.type,
          patch.document.number,
          personId,
          'document.number',
        );
      changes.document_type = patch.document?.type ?? null;
      changes.document_number = patch.document?.number ?? null;
      changes.document_check_digit = patch.document?.checkDigit?.toUpperCase() ?? null;
    }
    const version = before.version + 1;
    const changed = await recordChanges(
      trx,
      actor,
      { entity: 'person', entityId: personId, householdId: before.household_id, version },
      before as unknown as Record<string, unknown>,
      changes,
    );
    if (changed.length > 0) {
      const merged = { ...before, ...changes } as typeof before;
      const set = Object.fromEntries(changed.map((f) => [f, changes[f]]));
      await trx
        .updateTable('person')
        .set({
          ...set,
          search_name: personSearchName({
            givenNames: merged.given_names,
            firstSurname: merged.first_surname,
            secondSurname: merged.second_surname,
          }),
          version,
          updated_at: new Date(),
        })
        .where('id', '=', personId)
        .execute();
      await syncTracking(trx, before.household_id);
      await recordAudit(trx, actor, [
        {
          action: 'person.update',
          entity: 'person',
          entityId: personId,
          householdId: before.household_id,
          detail: { fields: changed },
        },
      ]);
    }
    return loadPerson(trx, personId);
  });
}

function checkPregnancyDates(p: {
  lastMenstrualPeriod?: string | null;
  estimatedDeliveryDate?: string | null;
}) {
  const today = todayInPeru();
  if (p.lastMenstrualPeriod) {
    if (p.lastMenstrualPeriod > today)
      throw DomainError.field('lastMenstrualPeriod', 'The last menstrual period is in the future');
    if (p.lastMenstrualPeriod < addDays(today, -44 * 7)) {
      throw DomainError.field('lastMenstrualPeriod', 'More than 44 weeks ago: record the delivery instead');
    }
  }
  if (p.estimatedDeliveryDate) {
    if (p.estimatedDeliveryDate > addDays(today, 42 * 7)) {
      throw DomainError.field('estimatedDeliveryDate', 'More than 42 weeks from today');
    }
    if (p.estimatedDeliveryDate < addDays(today, -4 * 7)) {
      throw DomainError.field('estimatedDeliveryDate', 'More than 4 weeks ago: record the delivery instead');
    }
  }
}

export async function addPregnancy(
  db: Kysely<DB>,
  actor: Actor,
  personId: string,
  input: PregnancyCreate,
  mutationId?: string,
): Promise<{ pregnancy: Pregnancy; replayed: boolean }> {
  assertCan(actor, 'registry.write');
  const data = PregnancyCreate.parse(input);
  checkPregnancyDates(data);
  const { result, replayed } = await runCommand(db, actor, mutationId, 'pregnancy.create', async (trx) => {
    const person = await scopedPerson(trx, actor, personId)
      .select(['p.sex', 'p.birth_date', 'p.household_id'])
      .executeTakeFirst();
    if (!person) throw new DomainError('NOT_FOUND', `No person ${personId} in your scope`);
    if (person.sex !== 'female')
      throw DomainError.field('personId', 'Only a woman can be registered as pregnant');
    const age = ageInYears(person.birth_date, todayInPeru());
    if (age < 9 || age > 60)
      throw DomainError.field(
        'personId',
        `A pregnancy at ${age} years is not plausible; check the birth date`,
      );
    const row = {
      id: data.id ?? uuidv7(),
      household_id: person.household_id,
      person_id: personId,
      last_menstrual_period: data.lastMenstrualPeriod ?? null,
      estimated_delivery_date: data.estimatedDeliveryDate ?? null,
    };
    try {
      await trx.insertInto('pregnancy').values(row).execute();
    } catch (error) {
      if (isUniqueViolation(error, 'pregnancy_one_ongoing_idx')) {
        throw DomainError.field('personId', 'She already has an ongoing pregnancy registered', 'CONFLICT');
      }
      throw error;
    }
    await recordChanges(
      trx,
      actor,
      { entity: 'pregnancy', entityId: row.id, householdId: person.household_id, version: 1 },
      null,
      row,
    );
    await syncTracking(trx, person.household_id);
    await recordAudit(trx, actor, [
      { action: 'pregnancy.create', entity: 'pregnancy', entityId: row.id, householdId: person.household_id },
    ]);
    return toPregnancy(
      await trx.selectFrom('pregnancy').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow(),
    );
  });
  return { pregnancy: result, replayed };
}

export async function updatePregnancy(
  db: Kysely<DB>,
  actor: Actor,
  pregnancyId: string,
  patch: PregnancyUpdate,
): Promise<Pregnancy> {
  assertCan(actor, 'registry.write');
  checkPregnancyDates(patch);
  return db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom('pregnancy as g')
      .innerJoin('household as h', 'h.id', 'g.household_id')
      .where(householdInScope(actor))
      .where('g.id', '=', pregnancyId)
      .selectAll('g')
      .forUpdate()
      .executeTakeFirst();
    if (!before) throw new DomainError('NOT_FOUND', `No pregnancy ${pregnancyId} in your scope`);
    if (before.version !== patch.version)
      throw new DomainError('VERSION_CONFLICT', `The pregnancy is at version ${before.version}`);
    const changes: Record<string, unknown> = {};
    if (patch.lastMenstrualPeriod !== undefined) changes.last_menstrual_period = patch.lastMenstrualPeriod;
    if (patch.estimatedDeliveryDate !== undefined)
      changes.estimated_delivery_date = patch.estimatedDeliveryDate;
    if (patch.status !== undefined) {
      changes.status = patch.status;
      if (patch.status === 'ongoing') changes.ended_on = null;
      else {
        const endedOn = patch.endedOn ?? todayInPeru();
        if (endedOn > todayInPeru()) throw DomainError.field('endedOn', 'The end date is in the future');
        changes.ended_on = endedOn;
      }
    }
    const merged = { ...before, ...changes };
    if (!merged.last_menstrual_period && !merged.estimated_delivery_date) {
      throw DomainError.field(
        'lastMenstrualPeriod',
        'Give the last menstrual period or the estimated delivery date',
      );
    }
    const version = before.version + 1;
    const changed = await recordChanges(
      trx,
      actor,
      { entity: 'pregnancy', entityId: pregnancyId, householdId: before.household_id, version },
      before as unknown as Record<string, unknown>,
      changes,
    );
    if (changed.length > 0) {
      await trx
        .updateTable('pregnancy')
        .set({ ...Object.fromEntries(changed.map((f) => [f, changes[f]])), version, updated_at: new Date() })
        .where('id', '=', pregnancyId)
        .execute();
      await syncTracking(trx, before.household_id);
      await recordAudit(trx, actor, [
        {
          action: 'pregnancy.update',
          entity: 'pregnancy',
          entityId: pregnancyId,
          householdId: before.household_id,
          detail: { fields: changed },
        },
      ]);
    }
    return toPregnancy(
      await trx.selectFrom('pregnancy').selectAll().where('id', '=', pregnancyId).executeTakeFirstOrThrow(),
    );
  });
}

async function loadEnrolment(db: Kysely<DB>, id: string): Promise<Enrolment> {
  const e = await db
    .selectFrom('enrolment as e')
    .innerJoin('programme as p', 'p.code', 'e.programme_code')
    .selectAll('e')
    .select('p.name_es')
    .where('e.id', '=', id)
    .executeTakeFirstOrThrow();
  return {
    id: e.id,
    programmeCode: e.programme_code,
    programmeName: e.name_es,
    status: e.status,
    startDate: e.start_date,
    endDate: e.end_date,
    version: e.version,
  };
}

export async function addEnrolment(
  db: Kysely<DB>,
  actor: Actor,
  householdId: string,
  input: EnrolmentCreate,
  mutationId?: string,
): Promise<{ enrolment: Enrolment; replayed: boolean }> {
  assertCan(actor, 'registry.write');
  if (input.startDate > addDays(todayInPeru(), 366))
    throw DomainError.field('startDate', 'More than a year from today');
  const { result, replayed } = await runCommand(db, actor, mutationId, 'enrolment.create', async (trx) => {
    const h = await trx
      .selectFrom('household as h')
      .select('h.id')
      .where(householdInScope(actor))
      .where('h.id', '=', householdId)
      .executeTakeFirst();
    if (!h) throw new DomainError('NOT_FOUND', `No household ${householdId} in your scope`);
    const programme = await trx
      .selectFrom('programme')
      .select('code')
      .where('code', '=', input.programmeCode)
      .executeTakeFirst();
    if (!programme) throw DomainError.field('programmeCode', `No programme ${input.programmeCode}`);
    const row = {
      id: input.id ?? uuidv7(),
      household_id: householdId,
      programme_code: input.programmeCode,
      status: 'active' as const,
      start_date: input.startDate,
    };
    try {
      await trx.insertInto('enrolment').values(row).execute();
    } catch (error) {
      if (isUniqueViolation(error, 'enrolment_one_open_idx')) {
        throw DomainError.field(
          'programmeCode',
          'The household is already enrolled in this programme',
          'CONFLICT',
        );
      }
      throw error;
    }
    await recordChanges(
      trx,
      actor,
      { entity: 'enrolment', entityId: row.id, householdId, version: 1 },
      null,
      row,
    );
    await recordAudit(trx, actor, [
      { action: 'enrolment.create', entity: 'enrolment', entityId: row.id, householdId },
    ]);
    return loadEnrolment(trx, row.id);
  });
  return { enrolment: result, replayed };
}

export async function updateEnrolment(
  db: Kysely<DB>,
  actor: Actor,
  enrolmentId: string,
  patch: EnrolmentUpdate,
): Promise<Enrolment> {
  assertCan(actor, 'registry.write');
  return db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom('enrolment as e')
      .innerJoin('household as h', 'h.id', 'e.household_id')
      .where(householdInScope(actor))
      .where('e.id', '=', enrolmentId)
      .selectAll('e')
      .forUpdate()
      .executeTakeFirst();
    if (!before) throw new DomainError('NOT_FOUND', `No enrolment ${enrolmentId} in your scope`);
    if (before.version !== patch.version)
      throw new DomainError('VERSION_CONFLICT', `The enrolment is at version ${before.version}`);
    const endDate = patch.status === 'ended' ? (patch.endDate ?? todayInPeru()) : (patch.endDate ?? null);
    if (endDate && endDate < before.start_date)
      throw DomainError.field('endDate', 'The end date is before the start date');
    const changes = { status: patch.status, end_date: endDate };
    const version = before.version + 1;
    const changed = await recordChanges(
      trx,
      actor,
      { entity: 'enrolment', entityId: enrolmentId, householdId: before.household_id, version },
      before as unknown as Record<string, unknown>,
      changes,
    );
    if (changed.length > 0) {
      await trx
        .updateTable('enrolment')
        .set({ ...changes, version, updated_at: new Date() })
        .where('id', '=', enrolmentId)
        .execute();
      await recordAudit(trx, actor, [
        {
          action: 'enrolment.update',
          entity: 'enrolment',
          entityId: enrolmentId,
          householdId: before.household_id,
          detail: { fields: changed },
        },
      ]);
    }
    return loadEnrolment(trx, enrolmentId);
  });
}
