import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, readCsv } from './csv';
import { detectDelimiter } from './files';
import { parseDate, parseNumber } from './layouts';
import { excelSerialToDate } from './xlsx-read';

async function rows(pieces: string[], delimiter = ',') {
  const out: Array<{ line: number; fields: string[] }> = [];
  for await (const row of readCsv(pieces, delimiter)) out.push(row);
  return out;
}

describe('readCsv', () => {
  it('reads quoted fields, doubled quotes, CRLF and line breaks inside quotes with the line each row starts on', async () => {
    const text = 'a,b,c\r\n1,"x, y",3\r\n\r\n"multi\nline","say ""hi""",\n4,5,6';
    expect(await rows([text])).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', 'x, y', '3'] },
      { line: 4, fields: ['multi\nline', 'say "hi"', ''] },
      { line: 6, fields: ['4', '5', '6'] },
    ]);
  });

  it('gives the same rows however the text is cut into pieces', async () => {
    const text = 'n;nombre\n1;"Quispe; Mamani"\n2;"Ccori\r\nHuaman"\n3;Ñaupa\n';
    const whole = await rows([text], ';');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat({ max: text.length }), { maxLength: 6 }), async (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const pieces: string[] = [];
        let at = 0;
        for (const p of points) {
          pieces.push(text.slice(at, p));
          at = p;
        }
        pieces.push(text.slice(at));
        expect(await rows(pieces, ';')).toEqual(whole);
      }),
    );
  });

  it('reports a quote left open with the line it opened on', async () => {
    await expect(rows(['a,b\n1,"open\n2,3\n'])).rejects.toThrow(CsvSyntaxError);
    await expect(rows(['a,b\n1,"open\n2,3\n'])).rejects.toThrow(/Line 2/);
  });
});

describe('detectDelimiter', () => {
  it('picks the separator that occurs most outside quotes', () => {
    expect(detectDelimiter('numero_documento;tipo;fecha')).toBe(';');
    expect(detectDelimiter('a,b,c')).toBe(',');
    expect(detectDelimiter('a\tb\tc')).toBe('\t');
    expect(detectDelimiter('"x;y;z",b,c')).toBe(',');
    expect(() => detectDelimiter('onlyonecolumn')).toThrow(/delimiter/);
  });
});

describe('parseDate', () => {
  it('reads ISO, day-first and Excel serial dates, and refuses impossible ones', () => {
    expect(parseDate('2026-03-05', undefined, false)).toBe('2026-03-05');
    expect(parseDate('05/03/2026', undefined, false)).toBe('2026-03-05');
    expect(parseDate('5-3-2026', undefined, false)).toBe('2026-03-05');
    expect(parseDate('03/05/2026', 'mm/dd/yyyy', false)).toBe('2026-03-05');
    expect(parseDate('2026-03-05T10:00:00', undefined, false)).toBe('2026-03-05');
    expect(parseDate('31/02/2026', undefined, false)).toBeUndefined();
    expect(parseDate('45658', undefined, false)).toBeUndefined();
    expect(parseDate('45658', undefined, true)).toBe('2025-01-01');
    expect(parseDate('ayer', undefined, true)).toBeUndefined();
  });

  it('converts Excel serial days past its fictitious 29 February 1900', () => {
    expect(excelSerialToDate('61')).toBe('1900-03-01');
    expect(excelSerialToDate('45658.75')).toBe('2025-01-01');
    expect(excelSerialToDate('60')).toBeUndefined();
  });
});

describe('parseNumber', () => {
  it('reads a point or a comma as the decimal separator, and nothing else', () => {
    expect(parseNumber('9,5')).toBe(9.5);
    expect(parseNumber(' 72.45 ')).toBe(72.45);
    expect(parseNumber('-3')).toBe(-3);
    expect(parseNumber('12')).toBe(12);
    for (const bad of ['', '-', '9,', ',5', '9.5.1', '9,5,1', '1e3', '9 5', 'abc', '+4', '0x10']) {
      expect(parseNumber(bad), bad).toBeUndefined();
    }
  });
});

describe('parseDate, the common shapes', () => {
  it('agrees with the general path on full dates', () => {
    expect(parseDate('29/02/2024', undefined, false)).toBe('2024-02-29');
    expect(parseDate('29/02/2025', undefined, false)).toBeUndefined();
    expect(parseDate('05-03-2026', undefined, false)).toBe('2026-03-05');
    expect(parseDate('05/03-2026', undefined, false)).toBe('2026-03-05');
    expect(parseDate('2026-02-30', undefined, false)).toBeUndefined();
    expect(parseDate('2026-03-05', 'yyyy-mm-dd', false)).toBe('2026-03-05');
    expect(parseDate('2026-03-05', 'dd/mm/yyyy', false)).toBeUndefined();
    expect(parseDate('05/03/2026', 'yyyy-mm-dd', false)).toBe('2026-03-05');
    expect(parseDate('03/05/2026', 'mm/dd/yyyy', false)).toBe('2026-03-05');
  });
});
