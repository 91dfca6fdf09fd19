import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { columnName, excelDateSerial, sheetName, writeXlsx, type XlsxCell, type XlsxSheet } from './xlsx';

/** Unzip a workbook into its parts as text. */
function parts(bytes: Uint8Array): Record<string, string> {
  const files = unzipSync(bytes);
  return Object.fromEntries(Object.entries(files).map(([name, data]) => [name, strFromU8(data)]));
}

function sheetXml(sheet: XlsxSheet, index = 1): string {
  return parts(writeXlsx([sheet]))[`xl/worksheets/sheet${index}.xml`]!;
}

/** The `<c>` element with reference `ref`, or undefined. */
function cell(xml: string, ref: string): string | undefined {
  return new RegExp(`<c r="${ref}"[^>]*?(?:/>|>.*?</c>)`, 's').exec(xml)?.[0];
}

/** Text of an inline-string cell, entities decoded. */
function cellText(xml: string, ref: string): string | undefined {
  const c = cell(xml, ref);
  const t = c && /<is><t(?: xml:space="preserve")?>(.*?)<\/t><\/is>/s.exec(c)?.[1];
  return t?.replace(
    /&(lt|gt|quot|apos|amp);/g,
    (_, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e]!,
  );
}

const ROSTER: XlsxSheet = {
  name: 'Niños',
  columns: [
    { header: 'Nombre', width: 30 },
    { header: 'Edad' },
    { header: 'Activo' },
    { header: 'Nacimiento' },
  ],
  rows: [
    ['Ana Muñoz', 7, true, { date: '2017-05-04' }],
    ['José Peña', 3.5, false, null],
  ],
};

describe('writeXlsx package', () => {
  const files = parts(writeXlsx([ROSTER, { name: 'Otra', columns: [{ header: 'x' }], rows: [] }]));
  const REQUIRED = [
    '[Content_Types].xml',
    '_rels/.rels',
    'xl/workbook.xml',
    'xl/_rels/workbook.xml.rels',
    'xl/styles.xml',
    'xl/worksheets/sheet1.xml',
    'xl/worksheets/sheet2.xml',
    'docProps/core.xml',
    'docProps/app.xml',
  ];

  it('has every required part', () => {
    expect(Object.keys(files).sort()).toEqual([...REQUIRED].sort());
    for (const xml of Object.values(files))
      expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"')).toBe(true);
  });

  it('declares each part in [Content_Types].xml', () => {
    const types = files['[Content_Types].xml']!;
    expect(types).toContain('<Default Extension="rels"');
    for (const part of REQUIRED.filter((p) => !p.endsWith('.rels') && p !== '[Content_Types].xml')) {
      expect(types).toContain(`<Override PartName="/${part}"`);
    }
  });

  it('links the workbook, sheets and styles by relationship', () => {
    expect(files['_rels/.rels']).toContain('Target="xl/workbook.xml"');
    expect(files['_rels/.rels']).toContain('Target="docProps/core.xml"');
    expect(files['_rels/.rels']).toContain('Target="docProps/app.xml"');
    const rels = files['xl/_rels/workbook.xml.rels']!;
    expect(rels).toContain(
      'Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"',
    );
    expect(rels).toContain(
      'Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"',
    );
    expect(rels).toContain(
      'Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"',
    );
    expect(files['xl/workbook.xml']).toContain('<sheet name="Niños" sheetId="1" r:id="rId1"/>');
    expect(files['xl/workbook.xml']).toContain('<sheet name="Otra" sheetId="2" r:id="rId2"/>');
  });

  it('defines a bold font and a dd/mm/yyyy format in styles.xml', () => {
    const styles = files['xl/styles.xml']!;
    expect(styles).toContain('<numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>');
    const xfs = [...styles.matchAll(/<xf [^>]*\/>/g)].map((m) => m[0]).slice(1); // skip cellStyleXfs
    expect(xfs[1]).toContain('fontId="1"');
    expect(styles.match(/<font>.*?<\/font>/g)![1]).toContain('<b/>');
    expect(xfs[2]).toContain('numFmtId="164"');
  });

  it('keeps Spanish text as UTF-8', () => {
    const bytes = unzipSync(writeXlsx([ROSTER]))['xl/worksheets/sheet1.xml']!;
    const ñ = new TextEncoder().encode('Muñoz');
    expect(Buffer.from(bytes).includes(Buffer.from(ñ))).toBe(true);
    expect(cellText(files['xl/worksheets/sheet1.xml']!, 'A3')).toBe('José Peña');
  });
});

describe('writeXlsx cells', () => {
  const xml = sheetXml(ROSTER);

  it('writes the header bold in row 1 and data from row 2', () => {
    expect(cell(xml, 'A1')).toBe('<c r="A1" s="1" t="inlineStr"><is><t>Nombre</t></is></c>');
    expect(cell(xml, 'D1')).toContain('s="1"');
    expect(cellText(xml, 'A2')).toBe('Ana Muñoz');
  });

  it('types numbers, booleans and dates, and leaves out empty cells', () => {
    expect(cell(xml, 'B2')).toBe('<c r="B2"><v>7</v></c>');
    expect(cell(xml, 'B3')).toBe('<c r="B3"><v>3.5</v></c>');
    expect(cell(xml, 'C2')).toBe('<c r="C2" t="b"><v>1</v></c>');
    expect(cell(xml, 'C3')).toBe('<c r="C3" t="b"><v>0</v></c>');
    expect(cell(xml, 'D2')).toBe(`<c r="D2" s="2"><v>${excelDateSerial('2017-05-04')}</v></c>`);
    expect(cell(xml, 'D3')).toBeUndefined();
  });

  it('leaves out undefined, empty strings and non-finite numbers', () => {
    const x = sheetXml({
      name: 's',
      columns: [{ header: 'a' }],
      rows: [[undefined, '', Number.NaN, Number.POSITIVE_INFINITY, 0]],
    });
    expect(/<row r="2">(.*?)<\/row>/.exec(x)?.[1]).toBe('<c r="E2"><v>0</v></c>');
  });

  it('names columns past Z correctly', () => {
    expect([0, 25, 26, 27, 51, 52, 701, 702, 16383].map(columnName)).toEqual([
      'A',
      'Z',
      'AA',
      'AB',
      'AZ',
      'BA',
      'ZZ',
      'AAA',
      'XFD',
    ]);
    const wide = sheetXml({
      name: 'wide',
      columns: Array.from({ length: 28 }, (_, i) => ({ header: `h${i}` })),
      rows: [Array.from({ length: 28 }, (_, i) => i)],
    });
    expect(cell(wide, 'Z2')).toBe('<c r="Z2"><v>25</v></c>');
    expect(cell(wide, 'AA2')).toBe('<c r="AA2"><v>26</v></c>');
    expect(cell(wide, 'AB1')).toContain('<t>h27</t>');
    expect(wide).toContain('<dimension ref="A1:AB2"/>');
    expect(wide).toContain('<autoFilter ref="A1:AB2"/>');
  });

  it('escapes markup and keeps formula-like text literal', () => {
    const evil = ['<b>&"\'', '=HYPERLINK("http://x","y")', '+1', '-2', '@SUM(A1)', 'plain'];
    const x = sheetXml({ name: 's', columns: [{ header: 'a' }], rows: [evil] });
    expect(cell(x, 'A2')).toContain('<t>&lt;b&gt;&amp;&quot;&apos;</t>');
    evil.forEach((text, i) => {
      const ref = `${columnName(i)}2`;
      expect(cellText(x, ref)).toBe(text);
      expect(cell(x, ref)).toContain('t="inlineStr"');
    });
    expect(x).not.toContain('<f>');
    expect(cell(x, 'B2')).toContain('s="3"'); // quotePrefix: stays text when edited
    expect(cell(x, 'F2')).not.toContain('s="3"');
  });

  it('drops characters XML 1.0 forbids and keeps tab and newline', () => {
    const x = sheetXml({
      name: 's',
      columns: [{ header: 'a' }],
      rows: [['a\u0000b\u0007c\u001Fd\tLínea\n2\uFFFE\uD800']],
    });
    expect(cellText(x, 'A2')).toBe('abcd\tLínea\n2');
    const emoji = sheetXml({ name: 's', columns: [{ header: 'a' }], rows: [['niña 👧']] });
    expect(cellText(emoji, 'A2')).toBe('niña 👧');
  });

  it('preserves spaces at either end', () => {
    const x = sheetXml({ name: 's', columns: [{ header: 'a' }], rows: [['  Ana  ', 'Ana']] });
    expect(cell(x, 'A2')).toContain('<t xml:space="preserve">  Ana  </t>');
    expect(cell(x, 'B2')).toContain('<t>Ana</t>');
  });

  it('keeps a literal _xHHHH_ from being read as an escape', () => {
    const x = sheetXml({ name: 's', columns: [{ header: 'a' }], rows: [['id_x0041_z']] });
    expect(cell(x, 'A2')).toContain('<t>id_x005F_x0041_z</t>');
  });

  it('cuts text to the 32,767 characters Excel allows in a cell', () => {
    const x = sheetXml({ name: 's', columns: [{ header: 'a' }], rows: [['a'.repeat(40_000)]] });
    expect(cellText(x, 'A2')).toHaveLength(32_767);
  });

  it('writes rows wider than the header and reads rows from a generator', () => {
    function* rows(): Generator<XlsxCell[]> {
      yield ['a', 'b', 'c'];
      yield ['d'];
    }
    const x = sheetXml({ name: 's', columns: [{ header: 'h' }], rows: rows() });
    expect(cellText(x, 'C2')).toBe('c');
    expect(cellText(x, 'A3')).toBe('d');
    expect(x).toContain('<dimension ref="A1:C3"/>');
    expect(x).toContain('<autoFilter ref="A1:A3"/>');
  });
});

describe('dates', () => {
  it('counts days since 1899-12-30', () => {
    expect(excelDateSerial('1900-03-01')).toBe(61);
    expect(excelDateSerial('2024-02-29')).toBe(45351);
    expect(excelDateSerial('2026-11-23')).toBe(46349);
    expect(excelDateSerial('2000-01-01')).toBe(36526);
    expect(excelDateSerial('9999-12-31')).toBe(2958465);
  });

  it('does not depend on the time zone', () => {
    const before = process.env.TZ;
    try {
      for (const tz of ['America/Bogota', 'Pacific/Kiritimati', 'Pacific/Pago_Pago']) {
        process.env.TZ = tz;
        expect(excelDateSerial('2024-02-29')).toBe(45351);
      }
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });

  it('refuses what is not a real YYYY-MM-DD date', () => {
    for (const bad of [
      '2023-02-29',
      '2024-13-01',
      '2024-00-10',
      '2024-04-31',
      '24-01-01',
      '2024-01-01T00:00',
      '',
    ]) {
      expect(() => excelDateSerial(bad), bad).toThrow(RangeError);
    }
    expect(() => sheetXml({ name: 's', columns: [], rows: [[{ date: '2024-02-30' }]] })).toThrow(RangeError);
  });

  it('writes dates Excel cannot tell apart (before 1900-03-01) as text', () => {
    const x = sheetXml({
      name: 's',
      columns: [{ header: 'a' }],
      rows: [[{ date: '1900-02-28' }, { date: '0050-06-01' }, { date: '1900-03-01' }]],
    });
    expect(cellText(x, 'A2')).toBe('28/02/1900');
    expect(cellText(x, 'B2')).toBe('01/06/0050');
    expect(cell(x, 'C2')).toBe('<c r="C2" s="2"><v>61</v></c>');
  });
});

describe('sheet layout', () => {
  it('freezes the pane below the header and sets widths and the filter', () => {
    const x = sheetXml(ROSTER);
    expect(x).toContain('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>');
    expect(x).toContain('<cols><col min="1" max="1" width="30" customWidth="1"/></cols>');
    expect(x).toContain('<autoFilter ref="A1:D3"/>');
    expect(x.indexOf('<sheetViews>')).toBeLessThan(x.indexOf('<cols>'));
    expect(x.indexOf('<cols>')).toBeLessThan(x.indexOf('<sheetData>'));
    expect(x.indexOf('</sheetData>')).toBeLessThan(x.indexOf('<autoFilter'));
    const workbook = parts(writeXlsx([ROSTER]))['xl/workbook.xml']!;
    expect(workbook).toContain(
      '<definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">&apos;Niños&apos;!$A$1:$D$3</definedName>',
    );
  });

  it('puts a title above a blank row and shifts the header, filter and pane', () => {
    const x = sheetXml({ ...ROSTER, title: 'Filtros: municipio = Quibdó & edad < 6' });
    expect(cell(x, 'A1')).toBe(
      '<c r="A1" s="1" t="inlineStr"><is><t>Filtros: municipio = Quibdó &amp; edad &lt; 6</t></is></c>',
    );
    expect(x).not.toContain('<row r="2"');
    expect(cellText(x, 'A3')).toBe('Nombre');
    expect(cell(x, 'A3')).toContain('s="1"');
    expect(cellText(x, 'A4')).toBe('Ana Muñoz');
    expect(x).toContain('<pane ySplit="3" topLeftCell="A4" activePane="bottomLeft" state="frozen"/>');
    expect(x).toContain('<autoFilter ref="A3:D5"/>');
    expect(x).toContain('<dimension ref="A1:D5"/>');
  });

  it('leaves out <cols> and the filter when there is nothing to put in them', () => {
    const x = sheetXml({ name: 's', columns: [], rows: [] });
    expect(x).not.toContain('<cols');
    expect(x).not.toContain('<autoFilter');
    expect(parts(writeXlsx([{ name: 's', columns: [], rows: [] }]))['xl/workbook.xml']).not.toContain(
      'definedName',
    );
  });

  it('refuses a workbook without sheets', () => {
    expect(() => writeXlsx([])).toThrow(RangeError);
  });
});

describe('sheet names', () => {
  const name = (raw: string, taken = new Set<string>()) => sheetName(raw, 1, taken);

  it('replaces forbidden characters and cuts to 31 characters', () => {
    expect(name('a[b]c:d*e?f/g\\h')).toBe('a_b_c_d_e_f_g_h');
    expect(name('Niños de la vereda El Porvenir, Quibdó 2024')).toBe('Niños de la vereda El Porvenir,');
    expect(name("'Niños'")).toBe('Niños');
    expect(name("  ' x '  ")).toBe('x');
    expect(name('')).toBe('Hoja1');
    expect(name('\u0001')).toBe('Hoja1');
  });

  it('makes names unique ignoring case, and avoids History', () => {
    const taken = new Set<string>();
    expect(name('Niños', taken)).toBe('Niños');
    expect(name('NIÑOS', taken)).toBe('NIÑOS (2)');
    expect(name('niños', taken)).toBe('niños (3)');
    expect(name('history')).toBe('history (2)');
    expect(name('x'.repeat(40), new Set(['x'.repeat(31)]))).toBe(`${'x'.repeat(27)} (2)`);
  });

  it('escapes the name in workbook.xml', () => {
    const files = parts(writeXlsx([{ name: 'A & B / "C"', columns: [{ header: 'h' }], rows: [] }]));
    expect(files['xl/workbook.xml']).toContain('<sheet name="A &amp; B _ &quot;C&quot;" sheetId="1"');
  });
});

describe('large sheets', () => {
  it('writes 50,000 rows of 12 columns', () => {
    const columns = Array.from({ length: 12 }, (_, i) => ({ header: `Columna ${i + 1}`, width: 14 }));
    function* rows(): Generator<XlsxCell[]> {
      for (let r = 0; r < 50_000; r++) {
        yield [
          `Niña ${r}`,
          `Apellido ${r % 97}`,
          r,
          r % 18,
          r % 2 === 0,
          { date: '2019-07-15' },
          'Quibdó',
          'Chocó',
          `CC ${1_000_000 + r}`,
          null,
          r / 7,
          'Activo',
        ];
      }
    }
    const bytes = writeXlsx([{ name: 'Grande', title: 'Todos', columns, rows: rows() }]);
    const x = strFromU8(unzipSync(bytes)['xl/worksheets/sheet1.xml']!);
    const last = 50_000 + 3;
    expect(x).toContain(`<dimension ref="A1:L${last}"/>`);
    expect(cellText(x.slice(-2000), `A${last}`)).toBe('Niña 49999');
    expect(cell(x.slice(-2000), `L${last}`)).toContain('Activo');
    expect(x).toContain(`<autoFilter ref="A3:L${last}"/>`);
  });
});
