import type { DuplicatePairView } from '@tejido/schemas';

/**
 * The review queue's address: /vinculacion?pestana=sin-vinculo&pagina=2&lote=<import>, in
 * Spanish words like the rest of the app's addresses, so a link to a tab and page can be shared.
 */

export type ReviewTab = 'review' | 'unmatched' | 'linked' | 'duplicates';
export type DuplicateFilter = DuplicatePairView['status'];

export const REVIEW_TABS: readonly ReviewTab[] = ['review', 'unmatched', 'linked', 'duplicates'];

const TAB_WORDS: Record<ReviewTab, string> = {
  review: 'por-revisar',
  unmatched: 'sin-vinculo',
  linked: 'vinculados',
  duplicates: 'duplicados',
};
const DUPLICATE_WORDS: Record<DuplicateFilter, string> = {
  open: 'por-decidir',
  same_person: 'fusionados',
  distinct: 'distintos',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ReviewParams {
  tab: ReviewTab;
  /** 0-based; the address says 1 for the first page. */
  page: number;
  /** Only the records of this import ('' for all). */
  batchId: string;
  duplicates: DuplicateFilter;
}

function wordOf<T extends string>(words: Record<T, string>, value: string | null, fallback: T): T {
  const found = (Object.entries(words) as Array<[T, string]>).find(([, word]) => word === value);
  return found ? found[0] : fallback;
}

export function readReviewParams(params: URLSearchParams): ReviewParams {
  const page = Number(params.get('pagina'));
  const lote = params.get('lote') ?? '';
  return {
    tab: wordOf(TAB_WORDS, params.get('pestana'), 'review'),
    page: Number.isInteger(page) && page >= 1 && page <= 100_000 ? page - 1 : 0,
    batchId: UUID.test(lote) ? lote : '',
    duplicates: wordOf(DUPLICATE_WORDS, params.get('estado'), 'open'),
  };
}

/** The address of a state; defaults are left out, and the import filter does not apply to duplicates. */
export function writeReviewParams(p: ReviewParams): URLSearchParams {
  const out = new URLSearchParams();
  if (p.tab !== 'review') out.set('pestana', TAB_WORDS[p.tab]);
  if (p.tab === 'duplicates' && p.duplicates !== 'open') out.set('estado', DUPLICATE_WORDS[p.duplicates]);
  if (p.page > 0) out.set('pagina', String(p.page + 1));
  if (p.batchId && p.tab !== 'duplicates') out.set('lote', p.batchId);
  return out;
}

/** How many pages `total` rows make, at least one. */
export function pageCount(total: number, size: number): number {
  return Math.max(1, Math.ceil(total / size));
}
