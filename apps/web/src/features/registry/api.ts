import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { ChangeEntry, Household, HouseholdPage, Programme, Territory } from '@tejido/schemas';
import { api } from '../../app/api';
import type { HouseholdFilters } from './searchParams';

/** One page of a household's change history (the schemas package exports the value ChangePage only). */
export interface ChangePage {
  items: ChangeEntry[];
  nextCursor: string | null;
}

export const PAGE_SIZE = 25;

export const registryKeys = {
  search: (filters: HouseholdFilters) => ['households', 'search', filters] as const,
  household: (id: string) => ['households', 'detail', id] as const,
  history: (id: string) => ['households', 'history', id] as const,
  territories: (parent: string | null) => ['territories', parent ?? 'regions'] as const,
  programmes: ['programmes'] as const,
};

/** Households in scope that match the filters, 25 at a time. */
export function useHouseholdSearch(filters: HouseholdFilters) {
  return useInfiniteQuery({
    queryKey: registryKeys.search(filters),
    queryFn: ({ pageParam, signal }) =>
      api<HouseholdPage>('/api/v1/households', {
        query: {
          q: filters.q,
          territory: filters.territory,
          programme: filters.programme,
          cursor: pageParam,
          limit: PAGE_SIZE,
        },
        signal,
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    staleTime: 30_000,
  });
}

export function useHousehold(id: string, enabled = true) {
  return useQuery({
    queryKey: registryKeys.household(id),
    queryFn: ({ signal }) => api<Household>(`/api/v1/households/${encodeURIComponent(id)}`, { signal }),
    enabled,
  });
}

export function useHouseholdHistory(id: string) {
  return useInfiniteQuery({
    queryKey: registryKeys.history(id),
    queryFn: ({ pageParam, signal }) =>
      api<ChangePage>(`/api/v1/households/${encodeURIComponent(id)}/history`, {
        query: { cursor: pageParam },
        signal,
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

/** Reference data: it changes a few times a year, so it is read once per session. */
const REFERENCE_STALE_TIME = 60 * 60_000;

/** The children of a territory (the regions when parent is null), as far as the caller's scope reaches. */
export function useTerritories(parent: string | null, enabled = true) {
  return useQuery({
    queryKey: registryKeys.territories(parent),
    queryFn: ({ signal }) => api<Territory[]>('/api/v1/territories', { query: { parent }, signal }),
    enabled,
    staleTime: REFERENCE_STALE_TIME,
  });
}

export function useProgrammes() {
  return useQuery({
    queryKey: registryKeys.programmes,
    queryFn: ({ signal }) => api<Programme[]>('/api/v1/programmes', { signal }),
    staleTime: REFERENCE_STALE_TIME,
  });
}
