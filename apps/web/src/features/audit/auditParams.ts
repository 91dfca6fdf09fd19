/**
 * The audit filters live in the address (`/auditoria?actor=…&accion=…&hogar=…&desde=…&hasta=…`)
 * so a search can be reloaded, shared with a colleague and written into a report.
 */

export interface AuditFilters {
  actor: string;
  action: string;
  /** A household id (UUID). */
  householdId: string;
  /** Calendar dates 'YYYY-MM-DD', both inclusive. */
  from: string;
  to: string;
}

export const EMPTY_AUDIT_FILTERS: AuditFilters = { actor: '', action: '', householdId: '', from: '', to: '' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

const NAMES: Record<keyof AuditFilters, string> = {
  actor: 'actor',
  action: 'accion',
  householdId: 'hogar',
  from: 'desde',
  to: 'hasta',
};

export function readAuditFilters(params: URLSearchParams): AuditFilters {
  const get = (key: keyof AuditFilters) => (params.get(NAMES[key]) ?? '').trim();
  const householdId = get('householdId');
  const from = get('from');
  const to = get('to');
  return {
    actor: get('actor').slice(0, 100),
    action: get('action').slice(0, 40),
    householdId: isUuid(householdId) ? householdId.toLowerCase() : '',
    from: DATE.test(from) ? from : '',
    to: DATE.test(to) ? to : '',
  };
}

export function writeAuditFilters(filters: AuditFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of Object.keys(NAMES) as (keyof AuditFilters)[]) {
    const value = filters[key].trim();
    if (value) params.set(NAMES[key], value);
  }
  return params;
}

export type AuditFilterProblem = 'householdId' | 'range';

/** What is wrong with filters typed into the form, before asking the server. */
export function checkAuditFilters(filters: AuditFilters): Partial<Record<AuditFilterProblem, true>> {
  const problems: Partial<Record<AuditFilterProblem, true>> = {};
  if (filters.householdId.trim() && !isUuid(filters.householdId.trim())) problems.householdId = true;
  if (filters.from && filters.to && filters.from > filters.to) problems.range = true;
  return problems;
}
