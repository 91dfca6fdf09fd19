/**
 * CSV for PostgreSQL's COPY ... WITH (FORMAT csv): NULL is an empty unquoted field, an
 * empty string is "", and a field with a quote, comma or line break is quoted with inner
 * quotes doubled.
 */

export type CsvValue = string | number | boolean | null | undefined;

const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (value === '') return '""';
  if (NEEDS_QUOTES.test(value)) return `"${value.replaceAll('"', '""')}"`;
  return value;
}

export function csvRow(values: readonly CsvValue[]): string {
  // join builds one flat string: cheaper for the garbage collector than a rope of +=.
  const n = values.length;
  const fields = new Array<string>(n);
  for (let i = 0; i < n - 1; i++) fields[i] = csvField(values[i]);
  fields[n - 1] = `${csvField(values[n - 1])}\n`;
  return fields.join(',');
}

/** Rows per chunk handed to COPY: large enough to amortise, small enough to stream. */
export const CHUNK_ROWS = 4000;

/**
 * Group CSV lines produced by `rows` into chunks of about CHUNK_ROWS lines, so COPY
 * receives a stream and the whole table never sits in memory. `counter.rows` counts them.
 */
export function* chunked(
  rows: Iterable<string>,
  counter: { rows: number },
  chunkRows = CHUNK_ROWS,
): Generator<string> {
  let parts: string[] = [];
  for (const row of rows) {
    parts.push(row);
    if (parts.length === chunkRows) {
      counter.rows += parts.length;
      yield parts.join('');
      parts = [];
    }
  }
  counter.rows += parts.length;
  if (parts.length > 0) yield parts.join('');
}
