/**
 * Rows of the first sheet of an Office Open XML workbook (.xlsx), streamed: the zip's central
 * directory is read to find the parts, the shared strings are loaded (they are small next to the
 * sheet), and the sheet is inflated and scanned piece by piece, so a workbook of a million rows
 * never sits in memory as XML. Cells come back as text: numbers as written (a date is Excel's
 * serial day number; `excelSerialToDate` converts it), booleans as TRUE/FALSE.
 */
import { open } from 'node:fs/promises';
import { Inflate, inflateSync } from 'fflate';
import type { CsvRow } from './csv';
import { ImportFileError } from './files';

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  localHeaderOffset: number;
}

async function readCentralDirectory(path: string): Promise<Map<string, ZipEntry>> {
  const file = await open(path, 'r');
  try {
    const size = (await file.stat()).size;
    const tailSize = Math.min(size, 65_557);
    const tail = Buffer.alloc(tailSize);
    await file.read(tail, 0, tailSize, size - tailSize);
    let eocd = -1;
    for (let i = tailSize - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd === -1) throw new ImportFileError('The workbook is damaged: its zip directory is missing');
    const count = tail.readUInt16LE(eocd + 10);
    const dirSize = tail.readUInt32LE(eocd + 12);
    const dirOffset = tail.readUInt32LE(eocd + 16);
    if (dirOffset === 0xffffffff)
      throw new ImportFileError('Workbooks larger than 4 GB (zip64) are not supported');
    const dir = Buffer.alloc(dirSize);
    await file.read(dir, 0, dirSize, dirOffset);
    const entries = new Map<string, ZipEntry>();
    let at = 0;
    for (let n = 0; n < count; n++) {
      if (dir.readUInt32LE(at) !== 0x02014b50) throw new ImportFileError('The workbook is damaged');
      const method = dir.readUInt16LE(at + 10);
      const compressedSize = dir.readUInt32LE(at + 20);
      const nameLength = dir.readUInt16LE(at + 28);
      const extraLength = dir.readUInt16LE(at + 30);
      const commentLength = dir.readUInt16LE(at + 32);
      const localHeaderOffset = dir.readUInt32LE(at + 42);
      const name = dir.toString('utf8', at + 46, at + 46 + nameLength);
      entries.set(name, { name, method, compressedSize, localHeaderOffset });
      at += 46 + nameLength + extraLength + commentLength;
    }
    return entries;
  } finally {
    await file.close();
  }
}

/** The compressed bytes of an entry, in pieces. */
async function* entryPieces(path: string, entry: ZipEntry): AsyncGenerator<Uint8Array> {
  const file = await open(path, 'r');
  try {
    const header = Buffer.alloc(30);
    await file.read(header, 0, 30, entry.localHeaderOffset);
    if (header.readUInt32LE(0) !== 0x04034b50) throw new ImportFileError('The workbook is damaged');
    let position = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
    let left = entry.compressedSize;
    while (left > 0) {
      const size = Math.min(left, 1 << 20);
      const piece = Buffer.alloc(size);
      const { bytesRead } = await file.read(piece, 0, size, position);
      if (bytesRead === 0) throw new ImportFileError('The workbook is cut short');
      position += bytesRead;
      left -= bytesRead;
      yield piece.subarray(0, bytesRead);
    }
  } finally {
    await file.close();
  }
}

/** An entry's text, inflated as it is read. */
async function* entryText(path: string, entry: ZipEntry): AsyncGenerator<string> {
  if (entry.method !== 0 && entry.method !== 8) {
    throw new ImportFileError(`The workbook uses an unsupported compression (method ${entry.method})`);
  }
  const decoder = new TextDecoder('utf-8');
  const out: string[] = [];
  const inflate = new Inflate((data) => {
    out.push(decoder.decode(data, { stream: true }));
  });
  for await (const piece of entryPieces(path, entry)) {
    if (entry.method === 0) out.push(decoder.decode(piece, { stream: true }));
    else inflate.push(piece, false);
    while (out.length > 0) yield out.shift()!;
  }
  if (entry.method === 8) inflate.push(new Uint8Array(0), true);
  out.push(decoder.decode());
  while (out.length > 0) yield out.shift()!;
}

async function entryWhole(path: string, entry: ZipEntry): Promise<string> {
  const parts: Uint8Array[] = [];
  for await (const piece of entryPieces(path, entry)) parts.push(piece);
  const raw = Buffer.concat(parts);
  return new TextDecoder('utf-8').decode(entry.method === 8 ? inflateSync(raw) : raw);
}

const ENTITY = /&(amp|lt|gt|quot|apos|#x[0-9a-fA-F]+|#[0-9]+);/g;
function unescapeXml(text: string): string {
  if (text.indexOf('&') === -1) return text;
  return text.replace(ENTITY, (_, name: string) => {
    switch (name) {
      case 'amp':
        return '&';
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
      default:
        return String.fromCodePoint(
          name.startsWith('#x') ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10),
        );
    }
  });
}

/** The text of every <t> inside an element (rich text runs joined); phonetic runs left out. */
function textOf(xml: string): string {
  let text = '';
  const withoutPhonetic = xml.indexOf('<rPh') === -1 ? xml : xml.replace(/<rPh\b[\s\S]*?<\/rPh>/g, '');
  const re = /<t(?:\s[^>]*)?>([\s\S]*?)<\/t>/g;
  for (let m = re.exec(withoutPhonetic); m; m = re.exec(withoutPhonetic)) text += m[1];
  return unescapeXml(text);
}

function sharedStrings(xml: string): string[] {
  const strings: string[] = [];
  const re = /<si>([\s\S]*?)<\/si>|<si\/>/g;
  for (let m = re.exec(xml); m; m = re.exec(xml)) strings.push(m[1] === undefined ? '' : textOf(m[1]));
  return strings;
}

function columnIndex(ref: string): number {
  let n = 0;
  for (const ch of ref) {
    const c = ch.charCodeAt(0);
    if (c < 65 || c > 90) break;
    n = n * 26 + (c - 64);
  }
  return n - 1;
}

/** The path of the workbook's first sheet, from workbook.xml and its relationships. */
async function firstSheetPath(path: string, entries: Map<string, ZipEntry>): Promise<string> {
  const workbook = entries.get('xl/workbook.xml');
  const rels = entries.get('xl/_rels/workbook.xml.rels');
  if (workbook && rels) {
    const sheet = /<sheet\b[^>]*\br:id="([^"]+)"/.exec(await entryWhole(path, workbook));
    if (sheet) {
      const relsXml = await entryWhole(path, rels);
      const re = /<Relationship\b[^>]*>/g;
      for (let m = re.exec(relsXml); m; m = re.exec(relsXml)) {
        if (m[0].includes(`Id="${sheet[1]}"`)) {
          const target = /Target="([^"]+)"/.exec(m[0])?.[1];
          if (target) return target.startsWith('/') ? target.slice(1) : `xl/${target}`;
        }
      }
    }
  }
  if (entries.has('xl/worksheets/sheet1.xml')) return 'xl/worksheets/sheet1.xml';
  throw new ImportFileError('The file is a zip archive but not an Excel workbook (.xlsx)');
}

/** Rows of the workbook's first sheet; `line` is the spreadsheet's row number. Empty rows are skipped. */
export async function* readXlsxRows(path: string): AsyncGenerator<CsvRow> {
  const entries = await readCentralDirectory(path);
  const sheetPath = await firstSheetPath(path, entries);
  const sheet = entries.get(sheetPath);
  if (!sheet) throw new ImportFileError('The workbook has no sheet');
  const stringsEntry = entries.get('xl/sharedStrings.xml');
  const strings = stringsEntry ? sharedStrings(await entryWhole(path, stringsEntry)) : [];
  let buffer = '';
  let rowNumber = 0;
  for await (const text of entryText(path, sheet)) {
    buffer += text;
    let start = 0;
    for (;;) {
      const open = buffer.indexOf('<row', start);
      if (open === -1) break;
      const tagEnd = buffer.indexOf('>', open);
      if (tagEnd === -1) break;
      const tag = buffer.slice(open, tagEnd + 1);
      let body = '';
      let end: number;
      if (tag.endsWith('/>')) {
        end = tagEnd + 1;
      } else {
        const close = buffer.indexOf('</row>', tagEnd);
        if (close === -1) break;
        body = buffer.slice(tagEnd + 1, close);
        end = close + 6;
      }
      start = end;
      const r = /\br="(\d+)"/.exec(tag);
      rowNumber = r ? Number(r[1]) : rowNumber + 1;
      const fields = cells(body, strings);
      if (fields.some((f) => f !== '')) yield { line: rowNumber, fields };
    }
    buffer = buffer.slice(start);
  }
}

function cells(body: string, strings: string[]): string[] {
  const fields: string[] = [];
  const re = /<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g;
  let next = 0;
  for (let m = re.exec(body); m; m = re.exec(body)) {
    const attrs = m[1]!;
    const inner = m[2] ?? '';
    const ref = /\br="([A-Z]+)\d*"/.exec(attrs);
    const index = ref ? columnIndex(ref[1]!) : next;
    next = index + 1;
    const type = /\bt="([a-zA-Z]+)"/.exec(attrs)?.[1] ?? 'n';
    let value = '';
    if (type === 'inlineStr') value = textOf(inner);
    else {
      const v = /<v>([\s\S]*?)<\/v>/.exec(inner)?.[1];
      if (v !== undefined) {
        if (type === 's') value = strings[Number(v)] ?? '';
        else if (type === 'b') value = v === '1' ? 'TRUE' : 'FALSE';
        else value = unescapeXml(v);
      }
    }
    while (fields.length < index) fields.push('');
    fields[index] = value;
  }
  return fields;
}

/**
 * A calendar date from Excel's serial day number (1900 date system, with its fictitious
 * 29 February 1900), or undefined if it is not one.
 * @example excelSerialToDate('45658') // '2025-01-01'
 */
export function excelSerialToDate(serial: string): string | undefined {
  if (!/^\d{1,6}(\.\d+)?$/.test(serial)) return undefined;
  const days = Math.floor(Number(serial));
  if (days < 61) return undefined;
  const ms = Date.UTC(1899, 11, 30) + days * 86_400_000;
  return new Date(ms).toISOString().slice(0, 10);
}
