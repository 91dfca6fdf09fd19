/**
 * What an import file is, found before anything is written: its hash (the batch's identity),
 * its size and lines, its format (CSV, XLSX, FHIR Bundle or NDJSON) and, for text, its
 * encoding (UTF-8, or Windows-1252/Latin-1 as spreadsheets in Spanish are often saved) and its
 * delimiter. One streaming pass: a file of any size is read in 1 MiB pieces.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

export type FileFormat = 'csv' | 'xlsx' | 'bundle' | 'ndjson';
export type TextEncoding = 'utf-8' | 'windows-1252';

export interface FileFacts {
  bytes: number;
  sha256: string;
  /** Line breaks in the file (plus one when the last line has none). */
  lines: number;
  format: FileFormat;
  /** For text formats. */
  encoding?: TextEncoding;
}

/** A file that cannot be imported as it is: refused before anything is written. */
export class ImportFileError extends Error {
  constructor(
    message: string,
    readonly field = 'file',
  ) {
    super(message);
    this.name = 'ImportFileError';
  }
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

/** Hash, count and classify a file in one pass. */
export async function inspectFile(path: string): Promise<FileFacts> {
  const size = (await stat(path)).size;
  if (size === 0) throw new ImportFileError('The file is empty');
  const hash = createHash('sha256');
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let validUtf8 = true;
  let highC1 = false;
  let nul = false;
  let lines = 0;
  let last = 10;
  let head: Buffer | undefined;
  for await (const piece of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    hash.update(piece);
    if (!head) head = piece.subarray(0, 8);
    let at = piece.indexOf(10);
    while (at !== -1) {
      lines += 1;
      at = piece.indexOf(10, at + 1);
    }
    last = piece[piece.length - 1]!;
    if (piece.indexOf(0) !== -1) nul = true;
    if (validUtf8) {
      try {
        utf8.decode(piece, { stream: true });
      } catch {
        validUtf8 = false;
      }
    }
    if (!validUtf8 && !highC1) {
      for (const byte of piece) {
        if (byte >= 0x80 && byte <= 0x9f) {
          highC1 = true;
          break;
        }
      }
    }
  }
  if (validUtf8) {
    try {
      utf8.decode();
    } catch {
      validUtf8 = false; // the file ends in the middle of a character
    }
  }
  if (last !== 10) lines += 1;
  const sha256 = hash.digest('hex');
  const facts = { bytes: size, sha256, lines };
  if (head && ZIP_MAGIC.every((b, i) => head![i] === b)) return { ...facts, format: 'xlsx' };
  if (nul) {
    throw new ImportFileError(
      'The file holds binary data or is saved as UTF-16: save it as CSV (UTF-8) or as an Excel workbook (.xlsx)',
    );
  }
  // Without valid UTF-8, the Western encoding spreadsheet programs use; its C1 range (0x80–0x9F)
  // holds curly quotes and dashes in Windows-1252 and only controls in ISO-8859-1, so both read the same.
  void highC1;
  const encoding: TextEncoding = validUtf8 ? 'utf-8' : 'windows-1252';
  const first = await firstCharacter(path, encoding);
  if (first === '{') {
    return { ...facts, format: (await looksLikeBundle(path, encoding)) ? 'bundle' : 'ndjson', encoding };
  }
  return { ...facts, format: 'csv', encoding };
}

async function firstCharacter(path: string, encoding: TextEncoding): Promise<string> {
  for await (const text of readText(path, encoding)) {
    const m = /\S/.exec(text);
    if (m) return m[0];
  }
  return '';
}

/** A JSON file whose first object is a Bundle (one resource spread over many lines) rather than NDJSON. */
async function looksLikeBundle(path: string, encoding: TextEncoding): Promise<boolean> {
  let firstLine = '';
  for await (const text of readText(path, encoding)) {
    const nl = text.indexOf('\n');
    firstLine += nl === -1 ? text : text.slice(0, nl);
    if (nl !== -1 || firstLine.length > 1 << 20) break;
  }
  const trimmed = firstLine.trim();
  try {
    const one = JSON.parse(trimmed) as { resourceType?: unknown };
    // A whole resource on the first line: NDJSON, unless that one line is a Bundle.
    return one?.resourceType === 'Bundle';
  } catch {
    return true;
  }
}

/** The file as text in its encoding, from a byte offset, in pieces; a leading BOM is dropped. */
export async function* readText(path: string, encoding: TextEncoding, start = 0): AsyncGenerator<string> {
  const decoder = new TextDecoder(encoding, { ignoreBOM: false });
  for await (const piece of createReadStream(path, {
    start,
    highWaterMark: 1 << 20,
  }) as AsyncIterable<Buffer>) {
    const text = decoder.decode(piece, { stream: true });
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

/**
 * The delimiter of a CSV file from its header line: the one of `,` `;` tab `|` that occurs most
 * outside quotes. A header with none of them is one column, which no layout has.
 */
export function detectDelimiter(headerLine: string): string {
  const counts = new Map<string, number>([
    [',', 0],
    [';', 0],
    ['\t', 0],
    ['|', 0],
  ]);
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = '';
  let most = 0;
  for (const [d, n] of counts) {
    if (n > most) {
      best = d;
      most = n;
    }
  }
  if (!best) {
    throw new ImportFileError(
      'Could not find the delimiter in the header line: columns must be separated by commas, semicolons, tabs or vertical bars',
    );
  }
  return best;
}
