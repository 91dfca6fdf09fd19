import { describe, expect, it } from 'vitest';
import { pageCount, readReviewParams, writeReviewParams } from './reviewParams';

const BATCH = '0190b2c4-0000-7000-8000-000000000000';

describe('review queue address', () => {
  it('starts at the first page of the records to review', () => {
    expect(readReviewParams(new URLSearchParams())).toEqual({
      tab: 'review',
      page: 0,
      batchId: '',
      duplicates: 'open',
    });
  });

  it('reads the tab, page, import and duplicates filter in Spanish words', () => {
    expect(readReviewParams(new URLSearchParams(`pestana=sin-vinculo&pagina=3&lote=${BATCH}`))).toEqual({
      tab: 'unmatched',
      page: 2,
      batchId: BATCH,
      duplicates: 'open',
    });
    expect(readReviewParams(new URLSearchParams('pestana=duplicados&estado=fusionados'))).toMatchObject({
      tab: 'duplicates',
      duplicates: 'same_person',
    });
  });

  it('ignores what it does not understand', () => {
    expect(readReviewParams(new URLSearchParams('pestana=x&pagina=-2&lote=nope&estado=y'))).toEqual({
      tab: 'review',
      page: 0,
      batchId: '',
      duplicates: 'open',
    });
    expect(readReviewParams(new URLSearchParams('pagina=1.5')).page).toBe(0);
  });

  it('writes back only what differs from the defaults, and round-trips', () => {
    expect(writeReviewParams({ tab: 'review', page: 0, batchId: '', duplicates: 'open' }).toString()).toBe(
      '',
    );
    const state = { tab: 'linked' as const, page: 1, batchId: BATCH, duplicates: 'open' as const };
    const written = writeReviewParams(state);
    expect(written.toString()).toBe(`pestana=vinculados&pagina=2&lote=${BATCH}`);
    expect(readReviewParams(written)).toEqual(state);
  });

  it('does not carry the import filter to the duplicates', () => {
    expect(
      writeReviewParams({ tab: 'duplicates', page: 0, batchId: BATCH, duplicates: 'distinct' }).toString(),
    ).toBe('pestana=duplicados&estado=distintos');
  });
});

describe('pageCount', () => {
  it('counts at least one page', () => {
    expect(pageCount(0, 10)).toBe(1);
    expect(pageCount(10, 10)).toBe(1);
    expect(pageCount(11, 10)).toBe(2);
  });
});
