import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  AlertAction,
  AlertCreate,
  AlertDetail,
  AlertPage,
  AlertType,
  AttachmentInfo,
  AttachmentUpload,
  AttendRequest,
  Funnel,
  Institution,
  InstitutionSuggestion,
  NoteRequest,
  NotificationView,
  ReasonRequest,
  ReferRequest,
} from '@tejido/schemas';
import { api } from '../../app/api';
import {
  type BoardFilters,
  boardApiQuery,
  EMPTY_BOARD_FILTERS,
  type FunnelFilters,
  funnelApiQuery,
} from './alertParams';

export const ALERT_PAGE_SIZE = 50;
/** The notifications are read again this often while the app is open. */
export const NOTIFICATION_POLL_MS = 60_000;
/** Reference data: it changes a few times a year, so it is read once per session. */
const REFERENCE_STALE_TIME = 60 * 60_000;

export const alertKeys = {
  all: ['alerts'] as const,
  types: ['alert-types'] as const,
  lists: ['alerts', 'list'] as const,
  list: (filters: BoardFilters, limit: number) => ['alerts', 'list', filters, limit] as const,
  detail: (id: string) => ['alerts', 'detail', id] as const,
  suggestions: (id: string) => ['alerts', 'institutions', id] as const,
  inbox: (stage: string) => ['alerts', 'inbox', stage] as const,
  funnel: (filters: FunnelFilters) => ['alerts', 'funnel', filters] as const,
  institutions: (territory: string) => ['institutions', 'any', territory || 'all'] as const,
  notifications: ['notifications'] as const,
};

const alertPath = (id: string, rest = '') => `/api/v1/alerts/${encodeURIComponent(id)}${rest}`;

/** The programme's alert types. */
export function useAlertTypes() {
  return useQuery({
    queryKey: alertKeys.types,
    queryFn: ({ signal }) => api<AlertType[]>('/api/v1/alert-types', { signal }),
    staleTime: REFERENCE_STALE_TIME,
  });
}

/** The alerts matching the filters, the nearest deadline first, a page at a time. */
export function useAlerts(filters: BoardFilters, limit = ALERT_PAGE_SIZE, enabled = true) {
  return useInfiniteQuery({
    queryKey: alertKeys.list(filters, limit),
    queryFn: ({ pageParam, signal }) =>
      api<AlertPage>('/api/v1/alerts', {
        query: { ...boardApiQuery(filters), cursor: pageParam, limit },
        signal,
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    staleTime: 30_000,
    enabled,
  });
}

/** A household's or a person's alerts, for the small list on their pages. */
export function useAlertsOf(of: { household?: string; person?: string }, enabled = true) {
  return useAlerts(
    { ...EMPTY_BOARD_FILTERS, household: of.household ?? '', person: of.person ?? '' },
    20,
    enabled,
  );
}

export function useAlert(id: string, enabled = true) {
  return useQuery({
    queryKey: alertKeys.detail(id),
    queryFn: ({ signal }) => api<AlertDetail>(alertPath(id), { signal }),
    enabled,
    staleTime: 15_000,
  });
}

/** Where an alert can be referred: the competent institutions nearest the household first. */
export function useInstitutionSuggestions(id: string, enabled: boolean) {
  return useQuery({
    queryKey: alertKeys.suggestions(id),
    queryFn: ({ signal }) => api<InstitutionSuggestion[]>(alertPath(id, '/institutions'), { signal }),
    enabled,
    staleTime: 5 * 60_000,
  });
}

/** An institution agent's referrals: waiting for acceptance or for attention. */
export function useInbox(stage: 'referred' | 'accepted') {
  return useInfiniteQuery({
    queryKey: alertKeys.inbox(stage),
    queryFn: ({ pageParam, signal }) =>
      api<AlertPage>('/api/v1/inbox', {
        query: { stage, cursor: pageParam, limit: ALERT_PAGE_SIZE },
        signal,
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    staleTime: 30_000,
  });
}

export function useFunnel(filters: FunnelFilters) {
  return useQuery({
    queryKey: alertKeys.funnel(filters),
    queryFn: ({ signal }) => api<Funnel>('/api/v1/alerts/funnel', { query: funnelApiQuery(filters), signal }),
    staleTime: 60_000,
    placeholderData: (previous) => previous,
  });
}

/** Institutions of every kind in a territory (all of them when none is chosen). */
export function useInstitutions(territory: string, enabled = true) {
  return useQuery({
    queryKey: alertKeys.institutions(territory),
    queryFn: ({ signal }) => api<Institution[]>('/api/v1/institutions', { query: { territory }, signal }),
    enabled,
    staleTime: REFERENCE_STALE_TIME,
  });
}

/** What each step sends besides the version read. */
export type StepBody =
  | { action: 'refer'; body: Omit<ReferRequest, 'version'> }
  | { action: 'accept' | 'verify'; body: Omit<NoteRequest, 'version'> }
  | { action: 'reject' | 'cancel'; body: Omit<ReasonRequest, 'version'> }
  | { action: 'attend'; body: Omit<AttendRequest, 'version'> };

/**
 * Takes one step on an alert with the version read; afterwards the alert, the lists, the
 * inbox and the funnel are read again. A 409 (somebody acted first, or the step no longer
 * applies) also reloads the alert, so the page shows where it stands now.
 */
export function useAlertStep(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ step, version }: { step: StepBody; version: number }) =>
      api<AlertDetail>(alertPath(id, `/${step.action satisfies AlertAction}`), {
        method: 'POST',
        body: { ...step.body, version },
      }),
    onSuccess: (detail) => {
      queryClient.setQueryData(alertKeys.detail(id), detail);
      void queryClient.invalidateQueries({ queryKey: alertKeys.all });
      void queryClient.invalidateQueries({ queryKey: alertKeys.notifications });
    },
    onError: () => {
      void queryClient.invalidateQueries({ queryKey: alertKeys.all });
    },
  });
}

/**
 * Raises an alert. The Idempotency-Key is made once per form, so a second press after a
 * lost answer raises it once.
 */
export function useRaiseAlert() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ body, key }: { body: AlertCreate; key: string }) =>
      api<AlertDetail>('/api/v1/alerts', { method: 'POST', body, headers: { 'Idempotency-Key': key } }),
    onSuccess: (detail) => {
      queryClient.setQueryData(alertKeys.detail(detail.id), detail);
      void queryClient.invalidateQueries({ queryKey: alertKeys.lists });
      void queryClient.invalidateQueries({ queryKey: ['alerts', 'funnel'] });
    },
  });
}

export function useUploadAttachment(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: AttachmentUpload) =>
      api<AttachmentInfo>(alertPath(id, '/attachments'), { method: 'POST', body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: alertKeys.detail(id) }),
  });
}

/** The file of an attachment: a plain link, the browser opens or downloads it. */
export function attachmentHref(alertId: string, attachmentId: string): string {
  return alertPath(alertId, `/attachments/${encodeURIComponent(attachmentId)}`);
}

export interface NotificationPage {
  items: NotificationView[];
  nextCursor: string | null;
  unread: number;
}

/** The signed-in person's notifications, read again every minute. */
export function useNotifications(enabled: boolean) {
  return useQuery({
    queryKey: alertKeys.notifications,
    queryFn: ({ signal }) => api<NotificationPage>('/api/v1/notifications', { signal }),
    enabled,
    refetchInterval: NOTIFICATION_POLL_MS,
    refetchIntervalInBackground: false,
    staleTime: 30_000,
  });
}

export function useMarkNotificationRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string | 'all') =>
      api<unknown>(
        id === 'all'
          ? '/api/v1/notifications/read-all'
          : `/api/v1/notifications/${encodeURIComponent(id)}/read`,
        { method: 'POST' },
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: alertKeys.notifications }),
  });
}
