import { useInfiniteQuery, useMutation } from '@tanstack/react-query';
import type { AuditEntry, AuditVerification } from '@tejido/schemas';
import { api } from '../../app/api';
import type { AuditFilters } from './auditParams';

/** One page of the audit trail (the schemas package exports the value AuditPage only). */
export interface AuditPage {
  items: AuditEntry[];
  nextCursor: string | null;
}

export const AUDIT_PAGE_SIZE = 50;

export function useAuditTrail(filters: AuditFilters) {
  return useInfiniteQuery({
    queryKey: ['audit', 'entries', filters] as const,
    queryFn: ({ pageParam, signal }) =>
      api<AuditPage>('/api/v1/audit', {
        query: {
          actor: filters.actor,
          action: filters.action,
          householdId: filters.householdId,
          from: filters.from,
          to: filters.to,
          cursor: pageParam,
          limit: AUDIT_PAGE_SIZE,
        },
        signal,
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    // An auditor expects to see what happened a moment ago.
    staleTime: 0,
  });
}

/** Recomputes the hash chain of the whole trail on the server; asked for, never cached. */
export function useVerifyAuditChain() {
  return useMutation({
    mutationFn: () => api<AuditVerification>('/api/v1/audit/verify'),
  });
}
