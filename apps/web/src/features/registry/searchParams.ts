/**
 * The household search lives in the address (`/hogares?q=…&territorio=…&programa=…`), so
 * back, forward, reload and a copied link all show the same search.
 */

export interface HouseholdFilters {
  /** An identity number, a household code or words of a member's name; '' for none. */
  q: string;
  /** A territory code of any level (2, 4, 6 or 10 digits); '' for none. */
  territory: string;
  /** A programme code; '' for none. */
  programme: string;
}

export const EMPTY_FILTERS: HouseholdFilters = { q: '', territory: '', programme: '' };

const TERRITORY_CODE = /^\d{2}(\d{2}(\d{2}(\d{4})?)?)?$/;

export function isTerritoryCode(value: string): boolean {
  return TERRITORY_CODE.test(value);
}

export function readFilters(params: URLSearchParams): HouseholdFilters {
  const q = (params.get('q') ?? '').trim().slice(0, 100);
  const territory = params.get('territorio') ?? '';
  const programme = (params.get('programa') ?? '').slice(0, 30);
  return { q, territory: isTerritoryCode(territory) ? territory : '', programme };
}

export function writeFilters(filters: HouseholdFilters): URLSearchParams {
  const params = new URLSearchParams();
  const q = filters.q.trim();
  if (q) params.set('q', q);
  if (filters.territory && isTerritoryCode(filters.territory)) params.set('territorio', filters.territory);
  if (filters.programme) params.set('programa', filters.programme);
  return params;
}

export function hasFilters(filters: HouseholdFilters): boolean {
  return filters.q !== '' || filters.territory !== '' || filters.programme !== '';
}

/** The selected territory at each level: codes nest by prefix, so one code names the whole chain. */
export interface TerritoryChain {
  region: string | null;
  province: string | null;
  district: string | null;
  village: string | null;
}

export function territoryChain(code: string): TerritoryChain {
  const valid = isTerritoryCode(code);
  const at = (length: number) => (valid && code.length >= length ? code.slice(0, length) : null);
  return { region: at(2), province: at(4), district: at(6), village: at(10) };
}

/**
 * What a search box entry is: an identity number (8 digits), a household code (HH-000123),
 * or words of a name. Only used to explain an empty result; the server decides the search.
 */
export function searchKind(q: string): 'document' | 'code' | 'name' | 'none' {
  const s = q.trim();
  if (!s) return 'none';
  if (/^\d{8}$/.test(s)) return 'document';
  if (/^[A-Z]{1,4}-?\d{3,}$/i.test(s)) return 'code';
  return 'name';
}
