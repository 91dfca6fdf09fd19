import type { Me, Role } from '@tejido/schemas';

/**
 * What each role finds in the office app. The server enforces access; this only decides
 * what to offer, so nobody is shown a link that would answer "forbidden".
 */

export const paths = {
  login: '/ingresar',
  households: '/hogares',
  household: (id: string) => `/hogares/${encodeURIComponent(id)}`,
  audit: '/auditoria',
  roster: '/padron',
  rosterPrint: '/padron/imprimir',
  personTracking: (id: string) => `/personas/${encodeURIComponent(id)}/seguimiento`,
  alerts: '/alertas',
  alert: (id: string) => `/alertas/${encodeURIComponent(id)}`,
  funnel: '/alertas/embudo',
  inbox: '/bandeja',
  imports: '/importaciones',
  importBatch: (id: string) => `/importaciones/${encodeURIComponent(id)}`,
  linkage: '/vinculacion',
} as const;

/** Where a person's tracking pages live: /personas/<id>/seguimiento. */
const PERSONS = '/personas';

/** Everybody but the auditor works with households; the auditor reads the audit trail only. */
export function canSeeHouseholds(role: Role): boolean {
  return role !== 'auditor';
}

/**
 * The traffic-light roster and each person's tracking: whoever works with households. The
 * server narrows the rows to the scope (a field worker's own households, a facility's, a
 * territory's).
 */
export function canSeeRosters(role: Role): boolean {
  return canSeeHouseholds(role);
}

export function canSeeAudit(role: Role): boolean {
  return role === 'auditor';
}

/**
 * The alert board: the programme's own staff. A field worker sees the alerts of their
 * households, a coordinator those of their territory (the server narrows the list).
 */
export function canSeeAlertBoard(role: Role): boolean {
  return (
    role === 'field_worker' ||
    role === 'coordinator' ||
    role === 'case_worker' ||
    role === 'data_steward' ||
    role === 'programme_admin'
  );
}

/** The funnel and times of alerts: who follows the programme's results. */
export function canSeeAlertFunnel(role: Role): boolean {
  return (
    role === 'coordinator' || role === 'case_worker' || role === 'data_steward' || role === 'programme_admin'
  );
}

/** The institution inbox: the referrals sent to the agent's institution. */
export function canSeeInbox(role: Role): boolean {
  return role === 'institution_agent';
}

/** One alert's page: from the board, or from the inbox for an institution's agent. */
export function canSeeAlerts(role: Role): boolean {
  return canSeeAlertBoard(role) || canSeeInbox(role);
}

/** Who may raise an alert seen at a visit (alerts.raise on the server). */
export function canRaiseAlerts(role: Role): boolean {
  return (
    role === 'field_worker' ||
    role === 'coordinator' ||
    role === 'institution_agent' ||
    role === 'case_worker' ||
    role === 'programme_admin'
  );
}

/** Imports from other systems: their results (imports.read on the server). */
export function canSeeImports(role: Role): boolean {
  return role === 'coordinator' || role === 'data_steward' || role === 'programme_admin';
}

/** Who may import a file (imports.run on the server). */
export function canImport(role: Role): boolean {
  return role === 'data_steward' || role === 'programme_admin';
}

/** The linkage queue: held records and duplicate persons (linkage.review on the server). */
export function canReviewLinkage(role: Role): boolean {
  return role === 'data_steward' || role === 'programme_admin';
}

/** The i18n key of the household menu entry: a field worker's own, an institution's, or everybody's. */
export type HouseholdsLabel = 'nav.myHouseholds' | 'nav.facilityHouseholds' | 'nav.households';

export function householdsLabel(role: Role): HouseholdsLabel {
  if (role === 'field_worker') return 'nav.myHouseholds';
  if (role === 'institution_agent') return 'nav.facilityHouseholds';
  return 'nav.households';
}

export type NavKey =
  | HouseholdsLabel
  | 'nav.roster'
  | 'nav.audit'
  | 'nav.alerts'
  | 'nav.funnel'
  | 'nav.inbox'
  | 'imports.menu'
  | 'linkage.menu';

export interface NavItem {
  /** i18n key of the label. */
  label: NavKey;
  to: string;
  icon: 'households' | 'roster' | 'audit' | 'alerts' | 'funnel' | 'inbox' | 'imports' | 'linkage';
}

/**
 * The menu of a role, in order. Later modules add their entries here when their pages
 * exist, so the menu never links to a page that is not there yet.
 */
export function navigationFor(role: Role): NavItem[] {
  const items: NavItem[] = [];
  if (canSeeHouseholds(role))
    items.push({ label: householdsLabel(role), to: paths.households, icon: 'households' });
  if (canSeeRosters(role)) items.push({ label: 'nav.roster', to: paths.roster, icon: 'roster' });
  if (canSeeAlertBoard(role)) items.push({ label: 'nav.alerts', to: paths.alerts, icon: 'alerts' });
  if (canSeeAlertFunnel(role)) items.push({ label: 'nav.funnel', to: paths.funnel, icon: 'funnel' });
  if (canSeeInbox(role)) items.push({ label: 'nav.inbox', to: paths.inbox, icon: 'inbox' });
  if (canSeeImports(role)) items.push({ label: 'imports.menu', to: paths.imports, icon: 'imports' });
  if (canReviewLinkage(role)) items.push({ label: 'linkage.menu', to: paths.linkage, icon: 'linkage' });
  if (canSeeAudit(role)) items.push({ label: 'nav.audit', to: paths.audit, icon: 'audit' });
  return items;
}

/** Where a role starts after signing in. */
export function homePath(role: Role): string {
  return canSeeHouseholds(role) ? paths.households : paths.audit;
}

/**
 * A path from the `volver` parameter of the sign-in page, only when it is a path of this
 * app: anything else (another site, `//host`, a script) would make the sign-in page an
 * open redirect.
 */
export function safeReturnPath(value: string | null | undefined): string | null {
  if (!value) return null;
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return null;
  if ([...value].some((ch) => ch.charCodeAt(0) < 32)) return null;
  if (value === paths.login || value.startsWith(`${paths.login}?`) || value.startsWith(`${paths.login}/`))
    return null;
  return value;
}

function isPathUnder(path: string, base: string): boolean {
  return path === base || path.startsWith(`${base}/`) || path.startsWith(`${base}?`);
}

/** Where to go after signing in: the page the person wanted, when their role may see it; else their start. */
export function landingPath(role: Role, wanted: string | null | undefined): string {
  const path = safeReturnPath(wanted);
  if (!path || path === '/') return homePath(role);
  if (isPathUnder(path, paths.households) && !canSeeHouseholds(role)) return homePath(role);
  if ((isPathUnder(path, paths.roster) || isPathUnder(path, PERSONS)) && !canSeeRosters(role))
    return homePath(role);
  if (isPathUnder(path, paths.audit) && !canSeeAudit(role)) return homePath(role);
  if (isPathUnder(path, paths.funnel) && !canSeeAlertFunnel(role)) return homePath(role);
  if (path === paths.alerts || path.startsWith(`${paths.alerts}?`)) {
    if (!canSeeAlertBoard(role)) return homePath(role);
  } else if (isPathUnder(path, paths.alerts) && !canSeeAlerts(role)) return homePath(role);
  if (isPathUnder(path, paths.inbox) && !canSeeInbox(role)) return homePath(role);
  if (isPathUnder(path, paths.imports) && !canSeeImports(role)) return homePath(role);
  if (isPathUnder(path, paths.linkage) && !canReviewLinkage(role)) return homePath(role);
  return path;
}

/** How the scope of an account reads: an i18n key, with the territory's name where there is one. */
export type ScopeText =
  | { key: 'scope.national' | 'scope.assigned' | 'scope.none' }
  | { key: 'scope.region' | 'scope.province' | 'scope.district' | 'scope.village'; name: string }
  | { label: string };

const LEVEL_BY_CODE_LENGTH: Record<
  number,
  'scope.region' | 'scope.province' | 'scope.district' | 'scope.village'
> = { 2: 'scope.region', 4: 'scope.province', 6: 'scope.district', 10: 'scope.village' };

/**
 * The scope said in the person's language. A territory name alone is ambiguous (Ayacucho is
 * a region, a province's capital and a district), so its level is said too; an institution
 * is its name.
 */
export function scopeText(me: Pick<Me, 'scope' | 'scopeLabel'>): ScopeText {
  const { scope } = me;
  switch (scope.kind) {
    case 'national':
      return { key: 'scope.national' };
    case 'assigned':
      return { key: 'scope.assigned' };
    case 'none':
      return { key: 'scope.none' };
    case 'territory': {
      const key = LEVEL_BY_CODE_LENGTH[scope.territoryCode.length];
      return key ? { key, name: me.scopeLabel } : { label: me.scopeLabel };
    }
    case 'institution':
      return { label: me.scopeLabel };
  }
}
