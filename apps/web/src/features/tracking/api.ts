import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  EvidenceCreate,
  EvidenceRecorded,
  GrowthCurves,
  Institution,
  PathwaySummary,
  PersonTracking,
  RosterPage,
  RosterRow,
  TrackingRun,
} from '@tejido/schemas';
import { api } from '../../app/api';
import { type RosterFilterValues, rosterApiQuery } from './rosterParams';

export const ROSTER_PAGE_SIZE = 50;
/** The printable roster reads pages this big until the end or the cap. */
const PRINT_PAGE_SIZE = 200;
export const PRINT_MAX_ROWS = 2000;

/** Reference data: it changes a few times a year, so it is read once per session. */
const REFERENCE_STALE_TIME = 60 * 60_000;

export const trackingKeys = {
  all: ['tracking'] as const,
  rosters: ['tracking', 'roster'] as const,
  roster: (filters: RosterFilterValues) => ['tracking', 'roster', 'page', filters] as const,
  rosterPrint: (filters: RosterFilterValues) => ['tracking', 'roster', 'print', filters] as const,
  run: ['tracking', 'run'] as const,
  person: (id: string, asOf: string) => ['tracking', 'person', id, asOf || 'today'] as const,
  personAll: (id: string) => ['tracking', 'person', id] as const,
  pathways: ['pathways'] as const,
  curves: (indicator: string, sex: string) => ['growth-standards', indicator, sex] as const,
  facilities: (territory: string) => ['institutions', 'health_facility', territory || 'all'] as const,
};

/** The roster with these filters, most urgent first, 50 at a time. */
export function useRoster(filters: RosterFilterValues) {
  return useInfiniteQuery({
    queryKey: trackingKeys.roster(filters),
    queryFn: ({ pageParam, signal }) =>
      api<RosterPage>('/api/v1/rosters', {
        query: { ...rosterApiQuery(filters), cursor: pageParam, limit: ROSTER_PAGE_SIZE },
        signal,
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    staleTime: 30_000,
  });
}

export interface PrintableRoster {
  asOf: string;
  counts: RosterPage['counts'];
  rows: RosterRow[];
  /** More rows matched than the cap: the list is cut. */
  truncated: boolean;
}

/** Every row of the roster, page after page, up to PRINT_MAX_ROWS. */
export async function fetchWholeRoster(
  filters: RosterFilterValues,
  signal?: AbortSignal,
): Promise<PrintableRoster> {
  const rows: RosterRow[] = [];
  let cursor: string | null = null;
  let first: RosterPage | null = null;
  for (;;) {
    const page: RosterPage = await api<RosterPage>('/api/v1/rosters', {
      query: {
        ...rosterApiQuery(filters),
        cursor,
        limit: Math.min(PRINT_PAGE_SIZE, PRINT_MAX_ROWS - rows.length),
      },
      ...(signal ? { signal } : {}),
    });
    first ??= page;
    rows.push(...page.rows);
    cursor = page.nextCursor;
    if (cursor === null || rows.length >= PRINT_MAX_ROWS) break;
  }
  return {
    asOf: first.asOf,
    counts: first.counts,
    rows: rows.slice(0, PRINT_MAX_ROWS),
    truncated: cursor !== null,
  };
}

export function useWholeRoster(filters: RosterFilterValues) {
  return useQuery({
    queryKey: trackingKeys.rosterPrint(filters),
    queryFn: ({ signal }) => fetchWholeRoster(filters, signal),
    staleTime: 30_000,
  });
}

/** When the traffic lights were last computed. */
export function useTrackingRun() {
  return useQuery({
    queryKey: trackingKeys.run,
    queryFn: ({ signal }) => api<TrackingRun>('/api/v1/tracking/run', { signal }),
    staleTime: 5 * 60_000,
  });
}

/** The care pathways in force, for the "overdue item" filter. */
export function usePathways() {
  return useQuery({
    queryKey: trackingKeys.pathways,
    queryFn: ({ signal }) => api<PathwaySummary[]>('/api/v1/pathways', { signal }),
    staleTime: REFERENCE_STALE_TIME,
  });
}

/** The health facilities of a territory (all of them when none is chosen). */
export function useHealthFacilities(territory: string, enabled = true) {
  return useQuery({
    queryKey: trackingKeys.facilities(territory),
    queryFn: ({ signal }) =>
      api<Institution[]>('/api/v1/institutions', {
        query: { territory, kind: 'health_facility' },
        signal,
      }),
    enabled,
    staleTime: REFERENCE_STALE_TIME,
  });
}

/** A person's pathway, risks and records, today or as of a past day ('' for today). */
export function usePersonTracking(id: string, asOf: string, enabled = true) {
  return useQuery({
    queryKey: trackingKeys.person(id, asOf),
    queryFn: ({ signal }) =>
      api<PersonTracking>(`/api/v1/persons/${encodeURIComponent(id)}/tracking`, {
        query: { asOf },
        signal,
      }),
    enabled,
    // While another date loads, the page keeps showing the same person (never another one).
    placeholderData: (previous, previousQuery) => (previousQuery?.queryKey[2] === id ? previous : undefined),
  });
}

export type GrowthIndicatorName = 'weightForAge' | 'lengthForAge' | 'weightForLength';

/** The WHO curves: fixed data, read once. */
export function useGrowthCurves(indicator: GrowthIndicatorName, sex: 'female' | 'male', enabled = true) {
  return useQuery({
    queryKey: trackingKeys.curves(indicator, sex),
    queryFn: ({ signal }) =>
      api<GrowthCurves>(`/api/v1/growth-standards/${indicator}`, { query: { sex }, signal }),
    enabled,
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: Number.POSITIVE_INFINITY,
  });
}

/**
 * Records a fact for a person. The body carries an id made on the device, so sending it
 * again after a lost answer stores it once. Afterwards the person's page and the rosters are
 * read again: the light may have changed.
 */
export function useRecordEvidence(personId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: EvidenceCreate) =>
      api<EvidenceRecorded>(`/api/v1/persons/${encodeURIComponent(personId)}/evidence`, {
        method: 'POST',
        body,
      }),
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: trackingKeys.personAll(personId) }),
        queryClient.invalidateQueries({ queryKey: trackingKeys.rosters }),
      ]);
    },
  });
}
