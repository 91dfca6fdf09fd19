import { ageInMonths, gestationalWeeks, todayInPeru } from '@tejido/core';
import type { DB } from '@tejido/db';
import type { Household, HouseholdSummary, Person, Pregnancy } from '@tejido/schemas';
import { type Kysely, type Selectable, sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';

type PersonRow = Selectable<DB['person']>;
type PregnancyRow = Selectable<DB['pregnancy']>;

/** Registry rows turned into the API's shapes. Callers have already checked scope. */

export function toPregnancy(row: PregnancyRow, today = todayInPeru()): Pregnancy {
  return {
    id: row.id,
    personId: row.person_id,
    lastMenstrualPeriod: row.last_menstrual_period,
    estimatedDeliveryDate: row.estimated_delivery_date,
    gestationalWeeks:
      row.status === 'ongoing'
        ? (gestationalWeeks(
            {
              lastMenstrualPeriod: row.last_menstrual_period,
              estimatedDeliveryDate: row.estimated_delivery_date,
            },
            today,
          ) ?? null)
        : null,
    status: row.status,
    endedOn: row.ended_on,
    version: row.version,
  };
}

export function toPerson(row: PersonRow, pregnancies: PregnancyRow[], today = todayInPeru()): Person {
  return {
    id: row.id,
    householdId: row.household_id,
    relationship: row.relationship,
    givenNames: row.given_names,
    firstSurname: row.first_surname,
    secondSurname: row.second_surname,
    sex: row.sex,
    birthDate: row.birth_date,
    ageMonths: ageInMonths(row.birth_date, today),
    document:
      row.document_type && row.document_number
        ? { type: row.document_type, number: row.document_number, checkDigit: row.document_check_digit }
        : null,
    healthInsuranceNumber: row.health_insurance_number,
    status: row.status,
    pregnancies: pregnancies.filter((p) => p.person_id === row.id).map((p) => toPregnancy(p, today)),
    version: row.version,
  };
}

export function fullName(p: {
  given_names: string;
  first_surname: string;
  second_surname: string | null;
}): string {
  return [p.given_names, p.first_surname, p.second_surname].filter(Boolean).join(' ');
}

const RELATIONSHIP_ORDER = [
  'head',
  'spouse',
  'child',
  'grandchild',
  'parent',
  'sibling',
  'other_relative',
  'non_relative',
];

/** The whole household as its page shows it. */
export async function loadHousehold(db: Kysely<DB>, id: string): Promise<Household | undefined> {
  const h = await db
    .selectFrom('household as h')
    .innerJoin('territory as d', 'd.code', 'h.territory_code')
    .leftJoin('territory as v', 'v.code', 'h.village_code')
    .leftJoin('institution as f', 'f.id', 'h.health_facility_id')
    .leftJoin('app_user as w', 'w.id', 'h.field_worker_id')
    .selectAll('h')
    .select([
      'd.name as district_name',
      'd.altitude_m as district_altitude',
      'd.rural as district_rural',
      'v.name as village_name',
      'v.altitude_m as village_altitude',
      'v.rural as village_rural',
      'f.name as facility_name',
      'w.display_name as worker_name',
    ])
    .where('h.id', '=', id)
    .executeTakeFirst();
  if (!h) return undefined;
  const provinceCode = h.territory_code.slice(0, 4);
  const regionCode = h.territory_code.slice(0, 2);
  const [ancestors, persons, pregnancies, enrolments] = await Promise.all([
    db
      .selectFrom('territory')
      .select(['code', 'name'])
      .where('code', 'in', [provinceCode, regionCode])
      .execute(),
    db.selectFrom('person').selectAll().where('household_id', '=', id).execute(),
    db
      .selectFrom('pregnancy')
      .selectAll()
      .where('household_id', '=', id)
      .orderBy('created_at', 'desc')
      .execute(),
    db
      .selectFrom('enrolment as e')
      .innerJoin('programme as p', 'p.code', 'e.programme_code')
      .selectAll('e')
      .select('p.name_es')
      .where('e.household_id', '=', id)
      .orderBy('e.start_date', 'desc')
      .execute(),
  ]);
  const nameOf = (code: string) => ancestors.find((a) => a.code === code)?.name ?? code;
  const today = todayInPeru();
  persons.sort(
    (a, b) =>
      RELATIONSHIP_ORDER.indexOf(a.relationship) - RELATIONSHIP_ORDER.indexOf(b.relationship) ||
      a.birth_date.localeCompare(b.birth_date),
  );
  return {
    id: h.id,
    code: h.code,
    territory: { code: h.territory_code, name: h.district_name },
    province: { code: provinceCode, name: nameOf(provinceCode) },
    region: { code: regionCode, name: nameOf(regionCode) },
    village: h.village_code && h.village_name ? { code: h.village_code, name: h.village_name } : null,
    altitudeM: h.village_altitude ?? h.district_altitude,
    rural: h.village_rural ?? h.district_rural,
    address: h.address,
    reference: h.reference,
    latitude: h.latitude,
    longitude: h.longitude,
    phone: h.phone,
    healthFacility:
      h.health_facility_id && h.facility_name ? { id: h.health_facility_id, name: h.facility_name } : null,
    fieldWorker: h.field_worker_id && h.worker_name ? { id: h.field_worker_id, name: h.worker_name } : null,
    status: h.status,
    members: persons.map((p) => toPerson(p, pregnancies, today)),
    enrolments: enrolments.map((e) => ({
      id: e.id,
      programmeCode: e.programme_code,
      programmeName: e.name_es,
      status: e.status,
      startDate: e.start_date,
      endDate: e.end_date,
      version: e.version,
    })),
    version: h.version,
    createdAt: h.created_at.toISOString(),
    updatedAt: h.updated_at.toISOString(),
  };
}

/** What a search matched inside a household: a member by document number or by name words. */
export type MemberMatch = { document: string } | { words: string[] } | null;

/**
 * Summaries for a page of households (search results), in the order given, with the member
 * that matched the search. One query: members, pregnancies, programmes and place names are
 * aggregated per household by the database.
 */
export async function loadSummaries(
  db: Kysely<DB>,
  households: Array<{ id: string; code: string; territory_code: string; village_code: string | null }>,
  match: MemberMatch,
): Promise<HouseholdSummary[]> {
  if (households.length === 0) return [];
  const rows = await db
    .selectFrom('household as h')
    .innerJoin('territory as d', 'd.code', 'h.territory_code')
    .leftJoin('territory as v', 'v.code', 'h.village_code')
    .select(['h.id', 'd.name as district_name', 'v.name as village_name'])
    .select((eb) => [
      jsonArrayFrom(
        eb
          .selectFrom('person as p')
          .select([
            'p.id',
            'p.relationship',
            'p.given_names',
            'p.first_surname',
            'p.second_surname',
            'p.birth_date',
            'p.status',
            'p.document_number',
            'p.search_name',
          ])
          .whereRef('p.household_id', '=', 'h.id')
          .orderBy('p.birth_date'),
      ).as('members'),
      eb
        .selectFrom('pregnancy as g')
        .select((g) => g.fn.countAll<number>().as('n'))
        .whereRef('g.household_id', '=', 'h.id')
        .where('g.status', '=', 'ongoing')
        .as('pregnancies'),
      sql<string[]>`ARRAY(SELECT e.programme_code FROM enrolment e
        WHERE e.household_id = h.id AND e.status = 'active' ORDER BY e.programme_code)`.as('programmes'),
    ])
    .where(
      'h.id',
      'in',
      households.map((h) => h.id),
    )
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const today = todayInPeru();
  return households.map((h) => {
    const r = byId.get(h.id)!;
    const members = r.members.filter((p) => p.status === 'active');
    const head = members.find((p) => p.relationship === 'head');
    const m =
      match === null
        ? undefined
        : 'document' in match
          ? r.members.find((p) => p.document_number === match.document)
          : r.members.find((p) => match.words.every((w) => p.search_name.includes(w)));
    return {
      id: h.id,
      code: h.code,
      headName: head ? fullName(head) : null,
      territoryCode: h.territory_code,
      districtName: r.district_name,
      villageName: r.village_name,
      memberCount: members.length,
      childrenUnder36Months: members.filter((p) => {
        const age = ageInMonths(p.birth_date, today);
        return age >= 0 && age < 36;
      }).length,
      ongoingPregnancies: Number(r.pregnancies ?? 0),
      programmes: r.programmes,
      matchedPerson: m ? { id: m.id, name: fullName(m), document: m.document_number } : null,
    };
  });
}
