/**
 * A file opened as a source of import records: its format is checked against the kind asked
 * for, and its header against the kind's layout, before anything is written.
 */
import type { ImportKind, IncomingRecord, RowIssue } from '@tejido/schemas';
import { readCsv } from './csv';
import { detectDelimiter, type FileFacts, ImportFileError, readText } from './files';
import { type ImportMapping, parseImportMapping, TabularLayout } from './layouts';
import { readXlsxRows } from './xlsx-read';

/** A record, or remarks on a resource that are worth keeping but reject nothing (FHIR). */
export type SourceItem = IncomingRecord | { line: number; notes: RowIssue[] };

export interface RecordSource {
  format: FileFacts['format'];
  encoding: string | null;
  delimiter: string | null;
  /** What the batch records of how the file was read (columns found, mapping used). */
  layout: Record<string, unknown>;
  /** Where its evidence comes from, as stored with each record. */
  evidenceSource: 'his_minsa' | 'reniec' | 'sis' | 'fhir' | 'file_import';
  /** The file's field names for the evidence fields a later check may refuse. */
  fieldNames: { date: string; kind: string };
  records(): AsyncIterable<SourceItem>;
}

const FORMAT_NAMES: Record<FileFacts['format'], string> = {
  csv: 'a CSV file',
  xlsx: 'an Excel workbook',
  bundle: 'a FHIR Bundle (JSON)',
  ndjson: 'FHIR NDJSON',
};

export async function openSource(
  kind: ImportKind,
  path: string,
  facts: FileFacts,
  mapping?: { text: string; fileName: string },
): Promise<RecordSource> {
  if (kind === 'fhir') {
    if (facts.format !== 'bundle' && facts.format !== 'ndjson') {
      throw new ImportFileError(
        `This is ${FORMAT_NAMES[facts.format]}, not FHIR: a FHIR import takes a Bundle (JSON) or NDJSON`,
      );
    }
    const { openFhirSource } = await import('./fhir-source');
    return openFhirSource(path, facts);
  }
  if (facts.format === 'bundle' || facts.format === 'ndjson') {
    throw new ImportFileError(`This is ${FORMAT_NAMES[facts.format]}: import it as kind fhir, not ${kind}`);
  }
  const parsedMapping: ImportMapping | undefined = mapping
    ? parseImportMapping(mapping.text, mapping.fileName, kind)
    : undefined;
  if (facts.format === 'xlsx') {
    const rows = readXlsxRows(path)[Symbol.asyncIterator]();
    const first = await rows.next();
    if (first.done) throw new ImportFileError("The workbook's first sheet is empty");
    const layout = new TabularLayout(kind, first.value.fields, parsedMapping, true);
    return tabular('xlsx', null, null, layout, { [Symbol.asyncIterator]: () => rows }, parsedMapping);
  }
  const encoding = facts.encoding ?? 'utf-8';
  const headerLine = await firstLine(path, encoding);
  const delimiter = detectDelimiter(headerLine);
  const rows = readCsv(readText(path, encoding), delimiter)[Symbol.asyncIterator]();
  const first = await rows.next();
  if (first.done) throw new ImportFileError('The file has no header line');
  const layout = new TabularLayout(kind, first.value.fields, parsedMapping, false);
  return tabular('csv', encoding, delimiter, layout, { [Symbol.asyncIterator]: () => rows }, parsedMapping);
}

function tabular(
  format: 'csv' | 'xlsx',
  encoding: string | null,
  delimiter: string | null,
  layout: TabularLayout,
  rows: AsyncIterable<{ line: number; fields: string[] }>,
  mapping: ImportMapping | undefined,
): RecordSource {
  return {
    format,
    encoding,
    delimiter,
    layout: { columns: layout.columns(), ...(mapping ? { mapping } : {}) },
    evidenceSource: layout.source,
    fieldNames: { date: layout.kind === 'births' ? 'fecha_emision' : 'fecha', kind: 'tipo' },
    async *records() {
      for await (const row of rows) yield layout.record(row.line, row.fields);
    },
  };
}

async function firstLine(path: string, encoding: 'utf-8' | 'windows-1252'): Promise<string> {
  let text = '';
  for await (const piece of readText(path, encoding)) {
    text += piece;
    const nl = text.indexOf('\n');
    if (nl !== -1) return text.slice(0, nl).replace(/\r$/, '');
    if (text.length > 1 << 20) break;
  }
  return text;
}
