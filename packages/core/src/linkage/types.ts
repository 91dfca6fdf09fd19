/**
 * The shapes of probabilistic record linkage: a registry person, an incoming record (from a
 * health, births or school file, without an identity number), and the scored comparison of
 * the two that a data steward reads.
 */

export type LinkSex = 'female' | 'male';

/** A person of the registry, as the linkage sees it. */
export interface LinkPerson {
  id: string;
  givenNames: string;
  firstSurname: string;
  secondSurname?: string | null;
  sex?: LinkSex | null;
  /** 'YYYY-MM-DD'. */
  birthDate?: string | null;
  /** Ubigeo: region 2 digits, province 4, district 6, village 10. */
  territoryCode?: string | null;
}

/** An incoming record: the fields of a person, any of them missing. A `LinkPerson` is one too. */
export type LinkRecord = Partial<Omit<LinkPerson, 'id'>>;

/** Agreement levels of the given names, strongest first. */
export const GIVEN_NAMES_OUTCOMES = [
  'exact',
  'phonetic',
  'similar',
  'first_name',
  'one_name',
  'different',
  'missing',
] as const;
/** Agreement levels of the two surnames, strongest first. */
export const SURNAMES_OUTCOMES = [
  'both_agree',
  'both_similar',
  'both_agree_swapped',
  'first_agrees_second_missing',
  'one_agrees',
  'different',
  'missing',
] as const;
/** Agreement levels of the birth date, strongest first. */
export const BIRTH_DATE_OUTCOMES = [
  'exact',
  'day_month_swapped',
  'near',
  'same_year_month',
  'different',
  'missing',
] as const;
export const SEX_OUTCOMES = ['agree', 'disagree', 'missing'] as const;
/** Agreement levels of the ubigeo codes, strongest first. */
export const TERRITORY_OUTCOMES = [
  'same_district',
  'same_province',
  'same_region',
  'different',
  'missing',
] as const;

export type GivenNamesOutcome = (typeof GIVEN_NAMES_OUTCOMES)[number];
export type SurnamesOutcome = (typeof SURNAMES_OUTCOMES)[number];
export type BirthDateOutcome = (typeof BIRTH_DATE_OUTCOMES)[number];
export type SexOutcome = (typeof SEX_OUTCOMES)[number];
export type TerritoryOutcome = (typeof TERRITORY_OUTCOMES)[number];

export type LinkField = 'givenNames' | 'surnames' | 'birthDate' | 'sex' | 'territory';

/** The fields in the order their reasons are listed. */
export const LINK_FIELDS: readonly LinkField[] = ['givenNames', 'surnames', 'birthDate', 'sex', 'territory'];

/** Why a comparison scored what it did: one entry per field, its agreement level and its weight in bits. */
export interface LinkReason {
  field: LinkField;
  outcome: string;
  weight: number;
}

/** A registry person scored against a record. */
export interface LinkScore {
  personId: string;
  weight: number;
  reasons: LinkReason[];
}

export type LinkDecision = 'link' | 'review' | 'non_link';
