import type { AgeBand, PathwaySubject, RiskCode, TrafficLight } from '@tejido/schemas';
import { paths } from '../../app/access';
import { type QueryValue, withQuery } from '../../app/api';
import { type AppLocale, parseDayFirstDate, todayInPeru } from '../../app/format';
import { fieldErrors } from '../../app/problems';
import { isTerritoryCode } from '../registry/searchParams';
import { AGE_BANDS, isOneOf, LIGHTS, RISKS, SUBJECTS } from './codes';

/**
 * The roster's filters live in the address (`/padron?semaforo=rojo&territorio=050401&…`), so
 * back, forward, reload and a link sent to a colleague all show the same list. The address
 * speaks Spanish (semaforo=rojo, sujeto=gestantes); the API speaks English (light=red).
 */

export interface RosterFilterValues {
  /** A territory code of any level; '' for the whole scope. */
  territory: string;
  /** A health facility id; '' for any. */
  facility: string;
  light: TrafficLight | '';
  subject: PathwaySubject | '';
  /** A pathway item id that must be overdue; '' for any. */
  overdueItem: string;
  /** Children of this age band; only with subject '' or 'child'. */
  ageBand: AgeBand | '';
  risk: RiskCode | '';
  /**
   * A past day, 'YYYY-MM-DD': the roster as it stood then, from the records known then; ''
   * for today's roster.
   */
  asOf: string;
}

export const EMPTY_ROSTER_FILTERS: RosterFilterValues = {
  territory: '',
  facility: '',
  light: '',
  subject: '',
  overdueItem: '',
  ageBand: '',
  risk: '',
  asOf: '',
};

const LIGHT_WORDS: Record<TrafficLight, string> = { red: 'rojo', amber: 'ambar', green: 'verde' };
const SUBJECT_WORDS: Record<PathwaySubject, string> = { child: 'ninos', pregnancy: 'gestantes' };

const PARAM: Record<keyof RosterFilterValues, string> = {
  territory: 'territorio',
  facility: 'establecimiento',
  light: 'semaforo',
  subject: 'sujeto',
  overdueItem: 'vencido',
  ageBand: 'edad',
  risk: 'riesgo',
  asOf: 'al',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The item ids of the care pathways (RosterFilters.overdueItem in @tejido/schemas). */
const ITEM_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/**
 * A past day as the roster takes it: a real 'YYYY-MM-DD' before today; anything else (a
 * malformed or impossible date, today, a future day) is '', today's roster.
 */
export function pastDay(value: string, today: string = todayInPeru()): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && parseDayFirstDate(value) === value && value < today
    ? value
    : '';
}

function fromWord<T extends string>(words: Record<T, string>, word: string | null): T | '' {
  const found = (Object.keys(words) as T[]).find((key) => words[key] === word);
  return found ?? '';
}

/**
 * Filters that make sense together: age bands are for children, so choosing pregnancies
 * drops the age band, and an age band alone means children.
 */
export function normaliseRosterFilters(filters: RosterFilterValues): RosterFilterValues {
  if (filters.subject === 'pregnancy' && filters.ageBand) return { ...filters, ageBand: '' };
  return filters;
}

/**
 * The filters in an address; anything unreadable is left out rather than sent to the server
 * (a date that is not a past day among them: the server refuses future days).
 */
export function readRosterFilters(
  params: URLSearchParams,
  today: string = todayInPeru(),
): RosterFilterValues {
  const get = (key: keyof RosterFilterValues) => (params.get(PARAM[key]) ?? '').trim();
  const territory = get('territory');
  const facility = get('facility').toLowerCase();
  const overdueItem = get('overdueItem');
  const ageBand = get('ageBand');
  const risk = get('risk');
  const light = fromWord(LIGHT_WORDS, get('light'));
  const subject = fromWord(SUBJECT_WORDS, get('subject'));
  return normaliseRosterFilters({
    territory: isTerritoryCode(territory) ? territory : '',
    facility: UUID.test(facility) ? facility : '',
    light: isOneOf(LIGHTS, light) ? light : '',
    subject: isOneOf(SUBJECTS, subject) ? subject : '',
    overdueItem: ITEM_ID.test(overdueItem) ? overdueItem : '',
    ageBand: isOneOf(AGE_BANDS, ageBand) ? ageBand : '',
    risk: isOneOf(RISKS, risk) ? risk : '',
    asOf: pastDay(get('asOf'), today),
  });
}

/** The address of the filters: only those set, in a fixed order, so equal filters give equal links. */
export function writeRosterFilters(filters: RosterFilterValues): URLSearchParams {
  const f = normaliseRosterFilters(filters);
  const params = new URLSearchParams();
  const put = (key: keyof RosterFilterValues, value: string) => {
    if (value) params.set(PARAM[key], value);
  };
  put('light', f.light ? LIGHT_WORDS[f.light] : '');
  put('territory', isTerritoryCode(f.territory) ? f.territory : '');
  put('facility', f.facility);
  put('subject', f.subject ? SUBJECT_WORDS[f.subject] : '');
  put('ageBand', f.ageBand);
  put('overdueItem', f.overdueItem);
  put('risk', f.risk);
  put('asOf', /^\d{4}-\d{2}-\d{2}$/.test(f.asOf) ? f.asOf : '');
  return params;
}

/**
 * How many filters of the filter panel are set: the light and the date aside (they have
 * their own controls above the list).
 */
export function countFilters(filters: RosterFilterValues): number {
  const { light: _light, asOf: _asOf, ...rest } = filters;
  return Object.values(rest).filter(Boolean).length;
}

export function hasRosterFilters(filters: RosterFilterValues): boolean {
  return Object.values(filters).some(Boolean);
}

/** The filters as the API's query parameters (GET /rosters and /rosters/export). */
export function rosterApiQuery(filters: RosterFilterValues): Record<string, QueryValue> {
  const f = normaliseRosterFilters(filters);
  return {
    territory: f.territory,
    facility: f.facility,
    light: f.light,
    subject: f.subject,
    overdueItem: f.overdueItem,
    ageBand: f.ageBand,
    risk: f.risk,
    asOf: f.asOf,
  };
}

/** The spreadsheet of the roster with these filters, in the interface language (a plain link: the browser downloads it). */
export function rosterExportHref(
  filters: RosterFilterValues,
  format: 'csv' | 'xlsx',
  lang: AppLocale,
): string {
  return withQuery('/api/v1/rosters/export', { ...rosterApiQuery(filters), format, lang });
}

/** The printable roster with these filters. */
export function rosterPrintPath(filters: RosterFilterValues): string {
  const qs = writeRosterFilters(filters).toString();
  return qs ? `${paths.rosterPrint}?${qs}` : paths.rosterPrint;
}

/** The most households a roster of a past date may cover (PAST_ROSTER_MAX_HOUSEHOLDS on the server). */
export const PAST_ROSTER_MAX_HOUSEHOLDS = 20_000;

/**
 * What a refused roster says about its filters, from the problem's field errors: a past
 * roster covering too many households (field `territory`: narrow the territory), or a date
 * the server takes for a future one (field `asOf`, when the device's clock runs ahead).
 */
export function rosterFilterProblem(error: unknown): 'tooLarge' | 'futureDate' | null {
  const fields = fieldErrors(error);
  if ('territory' in fields) return 'tooLarge';
  if ('asOf' in fields) return 'futureDate';
  return null;
}
