import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERRORS } from './errors';

describe('the error catalogue', () => {
  it('is documented, code by code and status by status, in docs/errors.md', () => {
    const doc = readFileSync(join(import.meta.dirname, '../../../docs/errors.md'), 'utf8');
    const rows = new Map(
      [...doc.matchAll(/^\| ([A-Z_]+) *\| (\d{3}) *\|/gm)].map((m) => [m[1]!, Number(m[2])]),
    );
    const catalogue = new Map(Object.entries(ERRORS).map(([code, e]) => [code, e.status]));
    expect(rows).toEqual(catalogue);
  });
});
