/**
 * Generates who-tables.gen.ts from the WHO LMS files in packages/core/data/who-growth/, so that
 * computing a z-score never reads a file. Run after changing the data:
 *
 *   npx tsx packages/core/src/growth/generate-tables.ts
 *
 * who-tables.stale.test.ts renders the module again in memory and fails when the committed one
 * differs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One WHO file and the constant it becomes. */
interface Source {
  readonly file: string;
  readonly constant: string;
  readonly doc: string;
  /** Name of the key column and how to turn it into the integer row key. */
  readonly keyColumn: 'age' | 'length' | 'height';
  readonly keyScale: 1 | 10;
}

const SOURCES: readonly Source[] = [
  {
    file: 'weianthro.txt',
    constant: 'WEIGHT_FOR_AGE',
    doc: 'Weight-for-age (kg), keyed by age in days from 0.',
    keyColumn: 'age',
    keyScale: 1,
  },
  {
    file: 'lenanthro.txt',
    constant: 'LENGTH_FOR_AGE',
    doc: 'Length-for-age (cm) under 731 days, height-for-age from 731 days; keyed by age in days from 0.',
    keyColumn: 'age',
    keyScale: 1,
  },
  {
    file: 'bmianthro.txt',
    constant: 'BMI_FOR_AGE',
    doc: 'BMI-for-age (kg/m²), keyed by age in days from 0.',
    keyColumn: 'age',
    keyScale: 1,
  },
  {
    file: 'wflanthro.txt',
    constant: 'WEIGHT_FOR_LENGTH',
    doc: 'Weight-for-length (kg), recumbent, keyed by length in tenths of a centimetre (450 = 45.0 cm).',
    keyColumn: 'length',
    keyScale: 10,
  },
  {
    file: 'wfhanthro.txt',
    constant: 'WEIGHT_FOR_HEIGHT',
    doc: 'Weight-for-height (kg), standing, keyed by height in tenths of a centimetre (650 = 65.0 cm).',
    keyColumn: 'height',
    keyScale: 10,
  },
];

/** The data folder and the generated file, wherever the repository is checked out. */
export const WHO_DATA_DIR = fileURLToPath(new URL('../../data/who-growth/', import.meta.url));
export const WHO_TABLES_FILE = fileURLToPath(new URL('./who-tables.gen.ts', import.meta.url));

const ROWS_PER_LINE = 4;

interface ParsedTable {
  first: number;
  /** l, m, s tokens exactly as written in the WHO file, so no value is re-rounded. */
  tokens: string[];
}

/**
 * Parse one WHO file into a table per sex, checking that keys are consecutive (the lookup
 * indexes rows by key) and that every l, m, s is a finite number with M and S positive.
 * @example parseWhoFile('sex\tage\tl\tm\ts\n1\t0\t1\t50\t0.04\n2\t0\t1\t49\t0.04\n', 'age', 1, 'x.txt')
 * // { male: { first: 0, tokens: ['1', '50', '0.04'] }, female: { first: 0, tokens: ['1', '49', '0.04'] } }
 */
export function parseWhoFile(
  text: string,
  keyColumn: string,
  keyScale: number,
  file: string,
): { male: ParsedTable; female: ParsedTable } {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const header = (lines.shift() ?? '').split('\t');
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`${file}: no column '${name}' in header ${JSON.stringify(header)}`);
    return i;
  };
  const [sexCol, keyCol, lCol, mCol, sCol] = [col('sex'), col(keyColumn), col('l'), col('m'), col('s')];
  const tables: Record<'1' | '2', ParsedTable | undefined> = { '1': undefined, '2': undefined };
  const next: Record<'1' | '2', number> = { '1': 0, '2': 0 };
  lines.forEach((line, n) => {
    const cells = line.split('\t');
    const where = `${file} line ${n + 2}`;
    const sex = cells[sexCol];
    if (sex !== '1' && sex !== '2') throw new Error(`${where}: sex must be 1 or 2, got '${sex}'`);
    const rawKey = Number(cells[keyCol]) * keyScale;
    const key = Math.round(rawKey);
    if (!Number.isFinite(rawKey) || Math.abs(rawKey - key) > 1e-6) {
      throw new Error(`${where}: key '${cells[keyCol]}' is not on the table's grid`);
    }
    const lms = [cells[lCol], cells[mCol], cells[sCol]].map((t) => (t ?? '').trim());
    const [l, m, s] = lms.map(Number) as [number, number, number];
    if (!Number.isFinite(l) || !(m > 0) || !(s > 0))
      throw new Error(`${where}: bad l, m, s ${lms.join(' ')}`);
    let table = tables[sex];
    if (!table) {
      table = { first: key, tokens: [] };
      tables[sex] = table;
      next[sex] = key;
    }
    if (key !== next[sex])
      throw new Error(`${where}: expected key ${next[sex] / keyScale}, got ${cells[keyCol]}`);
    next[sex] = key + 1;
    table.tokens.push(...lms);
  });
  if (!tables['1'] || !tables['2']) throw new Error(`${file}: both sexes must be present`);
  return { male: tables['1'], female: tables['2'] };
}

function renderTable(table: ParsedTable, indent: string): string {
  const perLine = 3 * ROWS_PER_LINE;
  const lines: string[] = [];
  for (let i = 0; i < table.tokens.length; i += perLine) {
    lines.push(`${indent}  ${table.tokens.slice(i, i + perLine).join(', ')},`);
  }
  return `{\n${indent}first: ${table.first},\n${indent}lms: [\n${lines.join('\n')}\n${indent}],\n${indent.slice(2)}}`;
}

/**
 * Render the TypeScript module from the data folder. Pure apart from reading the files, so the
 * staleness test can compare its output with the committed module.
 * @example renderWhoTables(WHO_DATA_DIR).startsWith('// Generated by') // true
 */
export function renderWhoTables(dataDir: string = WHO_DATA_DIR): string {
  const out: string[] = [
    '// Generated by generate-tables.ts from packages/core/data/who-growth/ — do not edit.',
    '// Regenerate: npx tsx packages/core/src/growth/generate-tables.ts',
    '// Source: WHO Child Growth Standards, World Health Organization 2006 (see the data README).',
    "import type { LmsTable } from './lms';",
    '',
    '/** A table per sex. */',
    'export interface WhoTable {',
    '  readonly male: LmsTable;',
    '  readonly female: LmsTable;',
    '}',
  ];
  for (const source of SOURCES) {
    const text = readFileSync(resolve(dataDir, source.file), 'utf8');
    const { male, female } = parseWhoFile(text, source.keyColumn, source.keyScale, source.file);
    out.push(
      '',
      `/** ${source.doc} From ${source.file}. */`,
      `export const ${source.constant}: WhoTable = {`,
      `  male: ${renderTable(male, '    ')},`,
      `  female: ${renderTable(female, '    ')},`,
      '};',
    );
  }
  return `${out.join('\n')}\n`;
}

// Write only when run as a script, not when the staleness test imports this module.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(WHO_TABLES_FILE, renderWhoTables());
  console.log(`wrote ${WHO_TABLES_FILE}`);
}
