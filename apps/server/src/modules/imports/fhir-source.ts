/**
 * A FHIR R4 file (Bundle JSON or NDJSON) as a source of import records. The file is read twice
 * by @tejido/schemas' mapper (Patients first, then the resources that refer to them), streamed
 * both times. Code mappings are data: config/interop/code-maps.yaml, or the folder given by
 * TEJIDO_INTEROP_DIR for a programme's own.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type CodeMaps,
  FhirFormatError,
  mapFhirResources,
  parseCodeMaps,
  readFhirResources,
} from '@tejido/schemas';
import { type FileFacts, ImportFileError } from './files';
import type { RecordSource, SourceItem } from './sources';

export const DEFAULT_INTEROP_DIR = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../../../config/interop',
);

const cache = new Map<string, CodeMaps>();

/** The code mappings in force (parsed once per folder); a faulty file names its line and reason. */
export function loadCodeMaps(dir: string = process.env.TEJIDO_INTEROP_DIR || DEFAULT_INTEROP_DIR): CodeMaps {
  const known = cache.get(dir);
  if (known) return known;
  const path = join(dir, 'code-maps.yaml');
  const maps = parseCodeMaps(readFileSync(path, 'utf8'), path);
  cache.set(dir, maps);
  return maps;
}

/**
 * Open a FHIR file as a source. The whole file is read once first: a Bundle that is not valid
 * JSON as a whole is refused before anything is written (broken NDJSON lines and Bundle entries
 * are only reported, later, as rejected).
 */
export async function openFhirSource(path: string, facts: FileFacts): Promise<RecordSource> {
  const maps = loadCodeMaps();
  try {
    for await (const _ of readFhirResources(createReadStream(path, { highWaterMark: 1 << 20 }))) {
      // Reading is the check.
    }
  } catch (error) {
    if (error instanceof FhirFormatError) {
      throw new ImportFileError(`The file is not valid FHIR JSON at line ${error.line}: ${error.reason}`);
    }
    throw error;
  }
  return {
    format: facts.format,
    encoding: 'utf-8',
    delimiter: null,
    layout: { codeMaps: maps.version ?? null },
    evidenceSource: 'fhir',
    fieldNames: { date: 'date', kind: 'resourceType' },
    async *records(): AsyncGenerator<SourceItem> {
      try {
        for await (const item of mapFhirResources(
          () => createReadStream(path, { highWaterMark: 1 << 20 }),
          maps,
        )) {
          if (item.notes.length > 0) {
            yield {
              line: item.line,
              notes: item.notes.map((n) => ({ ...n, resource: n.resource ?? item.resource })),
            };
          }
          for (const record of item.records) {
            if ('rejected' in record) {
              yield {
                line: record.line,
                rejected: record.rejected.map((n) => ({ ...n, resource: n.resource ?? item.resource })),
              };
            } else {
              yield record;
            }
          }
        }
      } catch (error) {
        if (error instanceof FhirFormatError) {
          throw new ImportFileError(`The file is not valid FHIR JSON at line ${error.line}: ${error.reason}`);
        }
        throw error;
      }
    },
  };
}
