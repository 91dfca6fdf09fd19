import type { AlertSeverity, AlertStage, FunnelStage } from '@tejido/schemas';
import { paths } from '../../app/access';
import type { QueryValue } from '../../app/api';
import { parseDayFirstDate } from '../../app/format';
import { isTerritoryCode } from '../registry/searchParams';

/**
 * The alert board's and the funnel's filters live in the address
 * (`/alertas?territorio=050401&etapa=derivada&vencidas=si`), so back, forward, reload and a
 * shared link show the same list. The address speaks Spanish; the API speaks English.
 */

export const STAGES = [
  'identified',
  'referred',
  'accepted',
  'rejected',
  'attended',
  'closed',
  'cancelled',
] as const satisfies readonly AlertStage[];

/** The stages in which an alert still asks for action (OPEN_STAGES in @tejido/schemas). */
export const OPEN_STAGES = [
  'identified',
  'referred',
  'accepted',
  'rejected',
  'attended',
] as const satisfies readonly AlertStage[];

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const satisfies readonly AlertSeverity[];

export const FUNNEL_STAGES = [
  'identified',
  'referred',
  'accepted',
  'attended',
  'closed',
] as const satisfies readonly FunnelStage[];

export const GROUP_BY = ['territory', 'type', 'institution'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

export type AlertStatus = 'open' | 'ended';

const STAGE_WORDS: Record<AlertStage, string> = {
  identified: 'identificada',
  referred: 'derivada',
  accepted: 'aceptada',
  rejected: 'rechazada',
  attended: 'atendida',
  closed: 'cerrada',
  cancelled: 'cancelada',
};
const SEVERITY_WORDS: Record<AlertSeverity, string> = {
  critical: 'critica',
  high: 'alta',
  medium: 'media',
  low: 'baja',
};
const STATUS_WORDS: Record<AlertStatus, string> = { open: 'abiertas', ended: 'terminadas' };
const GROUP_WORDS: Record<GroupBy, string> = {
  territory: 'territorio',
  type: 'tipo',
  institution: 'institucion',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Alert type codes (AlertTypeCode in @tejido/schemas). */
const TYPE_CODE = /^[a-z][a-z0-9_]{1,47}$/;

function fromWord<T extends string>(words: Record<T, string>, word: string | null): T | '' {
  return (Object.keys(words) as T[]).find((key) => words[key] === word) ?? '';
}

/** A real calendar day written 'YYYY-MM-DD', or ''. */
function calendarDay(value: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && parseDayFirstDate(value) === value ? value : '';
}

function uuid(value: string): string {
  const v = value.toLowerCase();
  return UUID.test(v) ? v : '';
}

// ---------------------------------------------------------------------------------------------
// The board

export interface BoardFilters {
  /** A territory code of any level; '' for the whole scope. */
  territory: string;
  /** An alert type code; '' for any. */
  type: string;
  severity: AlertSeverity | '';
  stage: AlertStage | '';
  /** Open alerts only, ended ones only, or both (''). */
  status: AlertStatus | '';
  /** Only alerts past their stage's deadline. */
  overdue: boolean;
  /** Alerts referred to this institution (an id); '' for any. */
  institution: string;
  /** A field worker's households (a user id); '' for any. */
  fieldWorker: string;
  person: string;
  household: string;
  /** The list behind a funnel number: alerts that reached this stage. */
  reached: FunnelStage | '';
  /** Raised on or after / on or before, 'YYYY-MM-DD'. */
  from: string;
  to: string;
}

export const EMPTY_BOARD_FILTERS: BoardFilters = {
  territory: '',
  type: '',
  severity: '',
  stage: '',
  status: '',
  overdue: false,
  institution: '',
  fieldWorker: '',
  person: '',
  household: '',
  reached: '',
  from: '',
  to: '',
};

const BOARD_PARAM: Record<keyof BoardFilters, string> = {
  territory: 'territorio',
  type: 'tipo',
  severity: 'gravedad',
  stage: 'etapa',
  status: 'estado',
  overdue: 'vencidas',
  institution: 'institucion',
  fieldWorker: 'gestor',
  person: 'persona',
  household: 'hogar',
  reached: 'alcanzo',
  from: 'desde',
  to: 'hasta',
};

/** The board's filters in an address; anything unreadable is left out rather than sent to the server. */
export function readBoardFilters(params: URLSearchParams): BoardFilters {
  const get = (key: keyof BoardFilters) => (params.get(BOARD_PARAM[key]) ?? '').trim();
  const territory = get('territory');
  const type = get('type');
  const reached = fromWord(STAGE_WORDS, get('reached'));
  const filters: BoardFilters = {
    territory: isTerritoryCode(territory) ? territory : '',
    type: TYPE_CODE.test(type) ? type : '',
    severity: fromWord(SEVERITY_WORDS, get('severity')),
    stage: fromWord(STAGE_WORDS, get('stage')),
    status: fromWord(STATUS_WORDS, get('status')),
    overdue: get('overdue') === 'si',
    institution: uuid(get('institution')),
    fieldWorker: uuid(get('fieldWorker')),
    person: uuid(get('person')),
    household: uuid(get('household')),
    reached: (FUNNEL_STAGES as readonly string[]).includes(reached) ? (reached as FunnelStage) : '',
    from: calendarDay(get('from')),
    to: calendarDay(get('to')),
  };
  return filters;
}

/** The address of the filters: only those set, in a fixed order, so equal filters give equal links. */
export function writeBoardFilters(filters: BoardFilters): URLSearchParams {
  const params = new URLSearchParams();
  const put = (key: keyof BoardFilters, value: string) => {
    if (value) params.set(BOARD_PARAM[key], value);
  };
  put('territory', isTerritoryCode(filters.territory) ? filters.territory : '');
  put('type', filters.type);
  put('severity', filters.severity ? SEVERITY_WORDS[filters.severity] : '');
  put('stage', filters.stage ? STAGE_WORDS[filters.stage] : '');
  put('status', filters.status ? STATUS_WORDS[filters.status] : '');
  put('overdue', filters.overdue ? 'si' : '');
  put('institution', filters.institution);
  put('fieldWorker', filters.fieldWorker);
  put('person', filters.person);
  put('household', filters.household);
  put('reached', filters.reached ? STAGE_WORDS[filters.reached] : '');
  put('from', calendarDay(filters.from));
  put('to', calendarDay(filters.to));
  return params;
}

/** The board with these filters: /alertas?… */
export function boardPath(filters: Partial<BoardFilters>): string {
  const qs = writeBoardFilters({ ...EMPTY_BOARD_FILTERS, ...filters }).toString();
  return qs ? `${paths.alerts}?${qs}` : paths.alerts;
}

/** How many filters of the panel are set (the stage has its own toggles above the list). */
export function countBoardFilters(filters: BoardFilters): number {
  const { stage: _stage, ...rest } = filters;
  return Object.values(rest).filter(Boolean).length;
}

export function hasBoardFilters(filters: BoardFilters): boolean {
  return Object.values(filters).some(Boolean);
}

/** The filters as GET /alerts takes them. */
export function boardApiQuery(filters: BoardFilters): Record<string, QueryValue> {
  return {
    territory: filters.territory,
    fieldWorker: filters.fieldWorker,
    institution: filters.institution,
    type: filters.type,
    severity: filters.severity,
    stage: filters.stage,
    open: filters.status === '' ? undefined : String(filters.status === 'open'),
    overdue: filters.overdue ? 'true' : undefined,
    person: filters.person,
    household: filters.household,
    reached: filters.reached,
    from: filters.from,
    to: filters.to,
  };
}

// ---------------------------------------------------------------------------------------------
// The funnel

export interface FunnelFilters {
  territory: string;
  type: string;
  institution: string;
  from: string;
  to: string;
  groupBy: GroupBy | '';
}

export const EMPTY_FUNNEL_FILTERS: FunnelFilters = {
  territory: '',
  type: '',
  institution: '',
  from: '',
  to: '',
  groupBy: '',
};

const FUNNEL_PARAM: Record<keyof FunnelFilters, string> = {
  territory: 'territorio',
  type: 'tipo',
  institution: 'institucion',
  from: 'desde',
  to: 'hasta',
  groupBy: 'agrupar',
};

export function readFunnelFilters(params: URLSearchParams): FunnelFilters {
  const get = (key: keyof FunnelFilters) => (params.get(FUNNEL_PARAM[key]) ?? '').trim();
  const territory = get('territory');
  const type = get('type');
  return {
    territory: isTerritoryCode(territory) ? territory : '',
    type: TYPE_CODE.test(type) ? type : '',
    institution: uuid(get('institution')),
    from: calendarDay(get('from')),
    to: calendarDay(get('to')),
    groupBy: fromWord(GROUP_WORDS, get('groupBy')),
  };
}

export function writeFunnelFilters(filters: FunnelFilters): URLSearchParams {
  const params = new URLSearchParams();
  const put = (key: keyof FunnelFilters, value: string) => {
    if (value) params.set(FUNNEL_PARAM[key], value);
  };
  put('territory', isTerritoryCode(filters.territory) ? filters.territory : '');
  put('type', filters.type);
  put('institution', filters.institution);
  put('from', calendarDay(filters.from));
  put('to', calendarDay(filters.to));
  put('groupBy', filters.groupBy ? GROUP_WORDS[filters.groupBy] : '');
  return params;
}

export function funnelApiQuery(filters: FunnelFilters): Record<string, QueryValue> {
  return { ...filters };
}

/** The numbers of a funnel that have a list behind them on the board. */
export type FunnelNumber = FunnelStage | 'cancelled' | 'open' | 'overdue';

/**
 * The board showing the alerts behind one number of the funnel: the same filters and
 * period, and what the number counts (reached a stage, cancelled, still open, overdue). A
 * breakdown row adds its own territory, type or institution.
 */
export function funnelListPath(
  filters: FunnelFilters,
  number: FunnelNumber,
  row?: { groupBy: GroupBy; key: string },
): string {
  const board: Partial<BoardFilters> = {
    territory: filters.territory,
    type: filters.type,
    institution: filters.institution,
    from: filters.from,
    to: filters.to,
  };
  if (row) board[row.groupBy] = row.key;
  if (number === 'cancelled') board.stage = 'cancelled';
  else if (number === 'open') board.status = 'open';
  else if (number === 'overdue') {
    board.status = 'open';
    board.overdue = true;
  } else board.reached = number;
  return boardPath(board);
}
