import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import type {
  DuplicatePairView,
  ImportIssueView,
  ImportKind,
  LinkDecision,
  LinkReviewView,
  Problem,
} from '@tejido/schemas';
import { ApiError, api, NETWORK_ERROR, withQuery } from '../../app/api';
import { meQueryKey } from '../auth/session';
import { type ImportBatch, issuePage } from './importView';

/** A running import is read again this often. */
export const BATCH_POLL_MS = 1000;
/** The list of imports, while one of them runs. */
const LIST_POLL_MS = 5000;
export const ISSUE_PAGE_SIZE = 50;
export const REVIEW_PAGE_SIZE = 10;

export type ReviewStatus = LinkReviewView['status'];
export type DuplicateStatus = DuplicatePairView['status'];

export const importKeys = {
  all: ['imports'] as const,
  list: ['imports', 'list'] as const,
  batch: (id: string) => ['imports', 'batch', id] as const,
  issues: (id: string) => ['imports', 'issues', id] as const,
  reviews: ['link-reviews'] as const,
  reviewList: (status: ReviewStatus, page: number, batchId: string) =>
    ['link-reviews', 'list', status, page, batchId] as const,
  duplicates: ['duplicates'] as const,
  duplicateList: (status: DuplicateStatus, page: number) => ['duplicates', 'list', status, page] as const,
};

const batchPath = (id: string, rest = '') => `/api/v1/imports/${encodeURIComponent(id)}${rest}`;

/** The latest imports, newest first; read again every few seconds while one of them runs. */
export function useImportBatches() {
  return useQuery({
    queryKey: importKeys.list,
    queryFn: ({ signal }) => api<ImportBatch[]>('/api/v1/imports', { signal }),
    staleTime: 10_000,
    refetchInterval: (query) =>
      query.state.data?.some((b) => b.status === 'running') ? LIST_POLL_MS : false,
  });
}

/** One import, read again every second while it runs. */
export function useImportBatch(id: string, enabled = true) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: importKeys.batch(id),
    queryFn: async ({ signal }) => {
      const before = queryClient.getQueryData<ImportBatch>(importKeys.batch(id));
      const batch = await api<ImportBatch>(batchPath(id), { signal });
      // Just finished: the list, the rejected rows and the review queue have news.
      if (before?.status === 'running' && batch.status !== 'running') {
        void queryClient.invalidateQueries({ queryKey: importKeys.list });
        void queryClient.invalidateQueries({ queryKey: importKeys.issues(id) });
        void queryClient.invalidateQueries({ queryKey: importKeys.reviews });
      }
      return batch;
    },
    enabled: enabled && id !== '',
    staleTime: 5_000,
    refetchInterval: (query) => (query.state.data?.status === 'running' ? BATCH_POLL_MS : false),
    // A slow connection must not make the page stop following: keep polling in a background tab too.
    refetchIntervalInBackground: true,
  });
}

/** The rejected rows of an import, in line order, a page at a time. */
export function useImportIssues(id: string, enabled = true) {
  return useInfiniteQuery({
    queryKey: importKeys.issues(id),
    queryFn: async ({ pageParam, signal }) => {
      const rows = await api<ImportIssueView[]>(batchPath(id, '/issues'), {
        query: { afterLine: pageParam ?? undefined, limit: ISSUE_PAGE_SIZE },
        signal,
      });
      return issuePage(rows, ISSUE_PAGE_SIZE);
    },
    initialPageParam: null as number | null,
    getNextPageParam: (last) => last.nextAfterLine,
    enabled: enabled && id !== '',
    staleTime: 60_000,
  });
}

/** The rejects file: a plain link, the browser downloads it (the server names it …-rechazos.csv). */
export function rejectsHref(id: string): string {
  return batchPath(id, '/rejects.csv');
}

export interface UploadAnswer {
  batch: ImportBatch;
  /** The same file was imported before: nothing new was stored, the batch is the earlier one. */
  repeated: boolean;
}

export interface UploadRequest {
  kind: ImportKind;
  file: File;
  onProgress?: (sent: number, total: number) => void;
  signal?: AbortSignal;
}

function problemOf(xhr: XMLHttpRequest): Problem {
  const type = xhr.getResponseHeader('content-type') ?? '';
  if (type.includes('json')) {
    try {
      const body = JSON.parse(xhr.responseText) as Problem;
      if (typeof body?.status === 'number' && typeof body.code === 'string') return body;
    } catch {
      // not JSON after all
    }
  }
  return {
    type: 'about:blank',
    title: xhr.statusText || `HTTP ${xhr.status}`,
    status: xhr.status,
    code: xhr.status >= 500 ? 'INTERNAL' : xhr.status === 413 ? 'VALIDATION_FAILED' : `HTTP_${xhr.status}`,
  };
}

/**
 * Sends a file to import as the request body. XMLHttpRequest rather than fetch: it reports how
 * much of the file has gone, which is what a person on a slow connection waits for.
 */
export function uploadImport({ kind, file, onProgress, signal }: UploadRequest): Promise<UploadAnswer> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', withQuery('/api/v1/imports', { kind, fileName: file.name }));
    xhr.withCredentials = true;
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.setRequestHeader('Accept', 'application/json, application/problem+json');
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress?.(event.loaded, event.total);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          const batch = JSON.parse(xhr.responseText) as ImportBatch;
          // The server answers 200 only when this file was imported before (202: a new import).
          const repeated = xhr.status === 200;
          resolve({ batch, repeated });
        } catch {
          reject(new ApiError(problemOf(xhr)));
        }
        return;
      }
      reject(new ApiError(problemOf(xhr)));
    };
    xhr.onerror = () =>
      reject(new ApiError({ type: 'about:blank', title: 'Network error', status: 0, code: NETWORK_ERROR }));
    xhr.onabort = () => reject(new DOMException('The upload was cancelled', 'AbortError'));
    if (signal) {
      if (signal.aborted) {
        xhr.abort();
        return;
      }
      signal.addEventListener('abort', () => xhr.abort(), { once: true });
    }
    xhr.send(file);
  });
}

/** Uploads a file; the batch it answers is put in the cache so its page starts from it. */
export function useUploadImport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: uploadImport,
    onSuccess: ({ batch }) => {
      queryClient.setQueryData(importKeys.batch(batch.id), batch);
      void queryClient.invalidateQueries({ queryKey: importKeys.list });
    },
    onError: (error) => {
      // The session ended while the file went up: asking who is signed in sends the person to sign in.
      if (error instanceof ApiError && error.status === 401)
        void queryClient.invalidateQueries({ queryKey: meQueryKey });
    },
  });
}

export interface ReviewPage {
  total: number;
  items: LinkReviewView[];
}

/** The review queue in one status, a page at a time; optionally the records of one import. */
export function useLinkReviews(status: ReviewStatus, page: number, batchId = '') {
  return useQuery({
    queryKey: importKeys.reviewList(status, page, batchId),
    queryFn: ({ signal }) =>
      api<ReviewPage>('/api/v1/link-reviews', {
        query: { status, limit: REVIEW_PAGE_SIZE, offset: page * REVIEW_PAGE_SIZE, batchId },
        signal,
      }),
    staleTime: 30_000,
    placeholderData: keepPreviousData,
  });
}

/** Links and reverts change the import's counts and the queue's tabs: everything is read again. */
function refreshLinkage(queryClient: ReturnType<typeof useQueryClient>) {
  void queryClient.invalidateQueries({ queryKey: importKeys.reviews });
  void queryClient.invalidateQueries({ queryKey: importKeys.duplicates });
  void queryClient.invalidateQueries({ queryKey: importKeys.all });
}

/** Link a held record to a candidate, or dismiss it with a reason. */
export function useLinkDecision() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, decision }: { id: string; decision: LinkDecision }) =>
      api<LinkReviewView>(`/api/v1/link-reviews/${encodeURIComponent(id)}/decision`, {
        method: 'POST',
        body: decision,
      }),
    onSettled: () => refreshLinkage(queryClient),
  });
}

/** Undo a link: what it stored is retracted and the record goes back to review. */
export function useRevertLink() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ linkId, reason }: { linkId: string; reason: string }) =>
      api<LinkReviewView>(`/api/v1/record-links/${encodeURIComponent(linkId)}/revert`, {
        method: 'POST',
        body: { reason },
      }),
    onSettled: () => refreshLinkage(queryClient),
  });
}

/** Likely duplicate persons, the strongest first, a page at a time (the API gives no total). */
export function useDuplicates(status: DuplicateStatus, page: number) {
  return useQuery({
    queryKey: importKeys.duplicateList(status, page),
    queryFn: ({ signal }) =>
      api<DuplicatePairView[]>('/api/v1/duplicates', {
        query: { status, limit: REVIEW_PAGE_SIZE, offset: page * REVIEW_PAGE_SIZE },
        signal,
      }),
    staleTime: 30_000,
    placeholderData: keepPreviousData,
  });
}

export function useDuplicateDecision() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({
      id,
      decision,
      note,
    }: {
      id: string;
      decision: 'same_person' | 'distinct';
      note?: string | undefined;
    }) =>
      api<DuplicatePairView>(`/api/v1/duplicates/${encodeURIComponent(id)}/decision`, {
        method: 'POST',
        body: note ? { decision, note } : { decision },
      }),
    onSettled: () => refreshLinkage(queryClient),
  });
}

export function useRevertMerge() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, reason }: { id: string; reason: string }) =>
      api<DuplicatePairView>(`/api/v1/duplicates/${encodeURIComponent(id)}/revert`, {
        method: 'POST',
        body: { reason },
      }),
    onSettled: () => refreshLinkage(queryClient),
  });
}
