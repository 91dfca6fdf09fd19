/**
 * A streaming CSV reader (RFC 4180): quoted fields with doubled quotes, line breaks inside
 * quotes, CRLF or LF, any single-character delimiter. Each row comes with the line it starts
 * on, so a rejected row can be found in the file.
 */

export interface CsvRow {
  /** Line of the file the row starts on (1-based). */
  line: number;
  fields: string[];
}

/** A quote left open at the end of the file. */
export class CsvSyntaxError extends Error {
  constructor(readonly line: number) {
    super(`Line ${line}: a quoted field is not closed before the end of the file`);
    this.name = 'CsvSyntaxError';
  }
}

/**
 * Rows of CSV text arriving in pieces. Blank lines are skipped (their line numbers still count).
 * @example for await (const row of readCsv(['a;b\n1;"x;y"\n'], ';')) …  // {line:1,[a,b]}, {line:2,[1,'x;y']}
 */
export async function* readCsv(
  pieces: AsyncIterable<string> | Iterable<string>,
  delimiter: string,
): AsyncGenerator<CsvRow> {
  let buffer = '';
  let line = 1;
  // State of a row whose quoted field spans line breaks.
  let pending: { line: number; fields: string[]; field: string } | undefined;
  for await (const piece of pieces) {
    buffer = buffer.length === 0 ? piece : buffer + piece;
    let start = 0;
    for (;;) {
      const nl = buffer.indexOf('\n', start);
      if (nl === -1) break;
      let text = buffer.slice(start, nl);
      if (text.endsWith('\r')) text = text.slice(0, -1);
      start = nl + 1;
      const row = pending ? continueRow(pending, text, delimiter) : startRow(line, text, delimiter);
      line += 1;
      if (row.open) {
        pending = row.open;
        continue;
      }
      pending = undefined;
      if (row.fields.length === 1 && row.fields[0] === '' && !row.quoted) continue;
      yield { line: row.line, fields: row.fields };
    }
    buffer = buffer.slice(start);
  }
  if (buffer.length > 0 || pending) {
    let text = buffer;
    if (text.endsWith('\r')) text = text.slice(0, -1);
    const row = pending ? continueRow(pending, text, delimiter) : startRow(line, text, delimiter);
    if (row.open) throw new CsvSyntaxError(row.open.line);
    if (!(row.fields.length === 1 && row.fields[0] === '' && !row.quoted)) {
      yield { line: row.line, fields: row.fields };
    }
  }
}

interface Parsed {
  line: number;
  fields: string[];
  quoted: boolean;
  open?: { line: number; fields: string[]; field: string };
}

function startRow(line: number, text: string, delimiter: string): Parsed {
  // Most rows have no quotes at all.
  if (text.indexOf('"') === -1) return { line, fields: text.split(delimiter), quoted: false };
  return parseFrom({ line, fields: [], field: '' }, text, 0, false, delimiter);
}

function continueRow(
  open: { line: number; fields: string[]; field: string },
  text: string,
  delimiter: string,
) {
  // Inside a quoted field: the line break belongs to the field.
  return parseFrom(
    { line: open.line, fields: open.fields, field: `${open.field}\n` },
    text,
    0,
    true,
    delimiter,
  );
}

function parseFrom(
  state: { line: number; fields: string[]; field: string },
  text: string,
  from: number,
  inQuotes: boolean,
  delimiter: string,
): Parsed {
  const fields = state.fields;
  let field = state.field;
  let quoted = inQuotes;
  let i = from;
  let fieldStart = !inQuotes;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i += 1;
        continue;
      }
      field += ch;
      i += 1;
      continue;
    }
    if (ch === '"' && fieldStart) {
      quoted = true;
      fieldStart = false;
      i += 1;
      continue;
    }
    if (ch === delimiter) {
      fields.push(field);
      field = '';
      fieldStart = true;
      i += 1;
      continue;
    }
    field += ch;
    fieldStart = false;
    i += 1;
  }
  if (quoted) return { line: state.line, fields, quoted: true, open: { line: state.line, fields, field } };
  fields.push(field);
  return { line: state.line, fields, quoted: true };
}
