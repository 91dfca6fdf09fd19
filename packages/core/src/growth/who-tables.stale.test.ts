import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseWhoFile, renderWhoTables, WHO_TABLES_FILE } from './generate-tables';
import { lmsRows } from './lms';
import {
  BMI_FOR_AGE,
  LENGTH_FOR_AGE,
  WEIGHT_FOR_AGE,
  WEIGHT_FOR_HEIGHT,
  WEIGHT_FOR_LENGTH,
} from './who-tables.gen';

describe('who-tables.gen.ts', () => {
  it('matches the WHO data files (regenerate with: npx tsx packages/core/src/growth/generate-tables.ts)', () => {
    const committed = readFileSync(WHO_TABLES_FILE, 'utf8').split('\n');
    const fresh = renderWhoTables().split('\n');
    // Report the first differing line rather than a 350 KB diff.
    const at = fresh.findIndex((line, i) => line !== committed[i]);
    const firstDifference =
      at < 0 && fresh.length === committed.length
        ? undefined
        : { line: (at < 0 ? fresh.length : at) + 1, committed: committed[at], fresh: fresh[at] };
    expect(firstDifference).toBeUndefined();
  });

  it('covers the ranges WHO publishes', () => {
    for (const table of [WEIGHT_FOR_AGE, LENGTH_FOR_AGE, BMI_FOR_AGE]) {
      for (const t of [table.male, table.female]) expect([t.first, lmsRows(t)]).toEqual([0, 1827]);
    }
    for (const t of [WEIGHT_FOR_LENGTH.male, WEIGHT_FOR_LENGTH.female])
      expect([t.first, lmsRows(t)]).toEqual([450, 651]);
    for (const t of [WEIGHT_FOR_HEIGHT.male, WEIGHT_FOR_HEIGHT.female])
      expect([t.first, lmsRows(t)]).toEqual([650, 551]);
  });
});

describe('parseWhoFile', () => {
  const header = 'sex\tlength\tl\tm\ts\tlorh\r\n';

  it('keys length rows in tenths of a centimetre and keeps the numbers as written', () => {
    const text = `${header}1\t45\t-0.3521\t2.441\t0.09182\tL\r\n1\t45.1\t-0.3521\t2.4577\t0.09176\tL\r\n2\t45\t-0.3833\t2.4607\t0.09029\tL\r\n`;
    expect(parseWhoFile(text, 'length', 10, 't.txt')).toEqual({
      male: { first: 450, tokens: ['-0.3521', '2.441', '0.09182', '-0.3521', '2.4577', '0.09176'] },
      female: { first: 450, tokens: ['-0.3833', '2.4607', '0.09029'] },
    });
  });

  it('refuses a gap in the keys, since rows are looked up by position', () => {
    const text = `${header}1\t45\t1\t2\t0.1\tL\n1\t45.2\t1\t2\t0.1\tL\n2\t45\t1\t2\t0.1\tL\n`;
    expect(() => parseWhoFile(text, 'length', 10, 't.txt')).toThrow(/expected key 45.1/);
  });

  it('refuses a key off the grid, a bad value or a missing sex', () => {
    expect(() => parseWhoFile(`${header}1\t45.05\t1\t2\t0.1\tL\n`, 'length', 10, 't.txt')).toThrow(/grid/);
    expect(() => parseWhoFile(`${header}1\t45\t1\t-2\t0.1\tL\n`, 'length', 10, 't.txt')).toThrow(
      /bad l, m, s/,
    );
    expect(() => parseWhoFile(`${header}1\t45\t1\t2\t0.1\tL\n`, 'length', 10, 't.txt')).toThrow(/both sexes/);
  });
});
