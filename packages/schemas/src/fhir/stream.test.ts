import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FhirFormatError, type FhirReadItem, readFhirResources } from './stream';

const BUNDLE = readFileSync(new URL('./fixtures/child-bundle.json', import.meta.url), 'utf8');
const NDJSON = readFileSync(new URL('./fixtures/export.ndjson', import.meta.url), 'utf8');

async function* chunks(...parts: Array<string | Uint8Array>): AsyncGenerator<string | Uint8Array> {
  for (const part of parts) yield part;
}

async function read(...parts: Array<string | Uint8Array>): Promise<FhirReadItem[]> {
  const out: FhirReadItem[] = [];
  for await (const item of readFhirResources(chunks(...parts))) out.push(item);
  return out;
}

async function failure(...parts: Array<string | Uint8Array>): Promise<FhirFormatError> {
  try {
    await read(...parts);
  } catch (error) {
    if (error instanceof FhirFormatError) return error;
    throw error;
  }
  throw new Error('the file was read');
}

/** The 1-based line of the first line of `text` that contains `needle`. */
function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((l) => l.includes(needle));
  if (index < 0) throw new Error(`'${needle}' not in the text`);
  return index + 1;
}

const ids = (items: FhirReadItem[]) =>
  items.map((i) => (i.resource ? `${i.resource.resourceType}/${i.resource.id}` : 'issue'));

/** A deterministic random generator (mulberry32), so a failing split can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('readFhirResources: Bundles', () => {
  it('yields each entry’s resource with the line where the entry starts, and its fullUrl', async () => {
    const items = await read(BUNDLE);
    expect(ids(items)).toEqual([
      'Patient/pac-001',
      'Immunization/imm-bcg',
      'Immunization/imm-penta-1',
      'Observation/obs-hb-1',
      'Observation/obs-hb-2',
      'Observation/obs-weight',
      'Observation/obs-length',
      'Encounter/enc-cred-6m',
      'MedicationDispense/md-iron-1',
    ]);
    expect(items[0]).toMatchObject({
      line: lineOf(BUNDLE, '"entry"') + 1,
      fullUrl: 'urn:uuid:4c1f2a8e-0b1d-4f51-9a3e-3d0c7a61e001',
    });
    expect(items[1]!.line).toBe(lineOf(BUNDLE, '3d0c7a61e101') - 1);
    expect(items[0]!.resource).toEqual(JSON.parse(BUNDLE).entry[0].resource);
  });

  it('gives the same resources however the bytes are cut, even inside a UTF-8 character', async () => {
    const bytes = new TextEncoder().encode(BUNDLE);
    expect(bytes.length).toBeGreaterThan(BUNDLE.length); // Ñ, é… are two bytes
    const whole = await read(bytes);
    for (let cut = 1; cut < bytes.length; cut++) {
      const items = await read(bytes.subarray(0, cut), bytes.subarray(cut));
      if (JSON.stringify(items) !== JSON.stringify(whole)) {
        expect({ cut, items }).toEqual({ cut, items: whole });
      }
    }
    const next = random(2026);
    for (let round = 0; round < 200; round++) {
      const cuts = Array.from({ length: 1 + Math.floor(next() * 40) }, () =>
        Math.floor(next() * bytes.length),
      );
      cuts.sort((a, b) => a - b);
      const parts = [0, ...cuts].map((from, k) => bytes.subarray(from, [...cuts, bytes.length][k]));
      expect(await read(...parts)).toEqual(whole);
    }
  });

  it('reads a Bundle whose entry comes before its resourceType', async () => {
    const bundle = JSON.parse(BUNDLE);
    const text = JSON.stringify({ entry: bundle.entry, type: 'collection', resourceType: 'Bundle' }, null, 2);
    const items = await read(text);
    expect(ids(items)).toEqual(ids(await read(BUNDLE)));
    expect(items[2]!.line).toBe(lineOf(text, '3d0c7a61e102') - 1);
  });

  it('reads a Bundle on one line, with a BOM and CRLF line ends', async () => {
    const oneLine = JSON.stringify(JSON.parse(BUNDLE));
    const items = await read(`\uFEFF${oneLine}\r\n`);
    expect(ids(items)).toEqual(ids(await read(BUNDLE)));
    expect(items.every((i) => i.line === 1)).toBe(true);
    const crlf = await read(new TextEncoder().encode(`\uFEFF${BUNDLE.replace(/\n/g, '\r\n')}`));
    expect(crlf).toEqual(await read(BUNDLE));
  });

  it('reports an entry that is not valid JSON and reads the others', async () => {
    const broken = BUNDLE.replace('"birthDate": "2025-09-14"', '"birthDate": 2025-09-14');
    const items = await read(broken);
    const line = lineOf(BUNDLE, '"entry"') + 1;
    expect(items[0]).toEqual({
      line,
      issue: expect.objectContaining({ line, code: 'INVALID', field: 'Bundle.entry[0]' }),
    });
    expect(items[0]!.issue!.reason).toMatch(/^entry 0 is not valid JSON/);
    expect(ids(items.slice(1))).toEqual(ids(await read(BUNDLE)).slice(1));
  });

  it('reports an entry without a resource (a DELETE of a transaction)', async () => {
    const text = JSON.stringify({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { request: { method: 'DELETE', url: 'Immunization/x' } },
        { resource: { resourceType: 'Patient', id: 'a' } },
      ],
    });
    const items = await read(text);
    expect(items[0]!.issue).toMatchObject({ code: 'MISSING', field: 'Bundle.entry[0].resource' });
    expect(ids(items)).toEqual(['issue', 'Patient/a']);
  });

  it('refuses a Bundle that is not valid JSON as a whole, with the line', async () => {
    const truncated = BUNDLE.slice(0, BUNDLE.indexOf('obs-weight'));
    const error = await failure(truncated);
    expect(error.line).toBe(1);
    expect(error.message).toMatch(/ends before the JSON document/);

    const mismatched = BUNDLE.replace('"type": "collection",', '"type": "collection"]');
    expect((await failure(mismatched)).line).toBe(lineOf(BUNDLE, '"type": "collection"'));

    const trailing = `${BUNDLE}\n{"resourceType": "Patient"}\n`;
    expect((await failure(trailing)).message).toMatch(/after the end of the JSON document/);

    const skeleton = BUNDLE.replace('"type": "collection",', '"type": collection,');
    const error2 = await failure(skeleton);
    expect(error2).toMatchObject({ line: 1 });
    expect(error2.reason).toMatch(/^not valid JSON/);
  });

  it('never holds the whole Bundle: each entry is cut out alone', async () => {
    const entry = (n: number) =>
      JSON.stringify({
        fullUrl: `urn:uuid:${n}`,
        resource: {
          resourceType: 'Observation',
          id: `o${n}`,
          status: 'final',
          note: [{ text: 'x'.repeat(200) }],
        },
      });
    async function* big() {
      yield '{"resourceType":"Bundle","type":"collection","entry":[\n';
      for (let n = 0; n < 5000; n++) yield `${n === 0 ? '' : ',\n'}${entry(n)}`;
      yield '\n]}';
    }
    let count = 0;
    // About 1.4 MB in all, but nothing larger than 1,000 characters may be held.
    for await (const item of readFhirResources(big(), { maxResourceChars: 1000 })) {
      expect(item.issue).toBeUndefined();
      count++;
    }
    expect(count).toBe(5000);
  });

  it('yields a single resource that is not a Bundle', async () => {
    const patient = JSON.stringify(JSON.parse(BUNDLE).entry[0].resource, null, 2);
    expect(ids(await read(`\n\n${patient}\n`))).toEqual(['Patient/pac-001']);
    expect((await read(`\n\n${patient}\n`))[0]!.line).toBe(3);
  });

  it('refuses entries holding resources in something that is not a Bundle', async () => {
    const odd = { entry: [{ resource: { resourceType: 'Patient', id: 'a' } }], resourceType: 'Parameters' };
    const error = await failure(JSON.stringify(odd, null, 2));
    expect(error.reason).toBe('its entry elements hold resources but it is a Parameters, not a Bundle');
    const line = await read(`${JSON.stringify(odd)}\n{"resourceType":"Patient","id":"b"}\n`);
    expect(line.map((i) => i.issue?.reason ?? i.resource?.id)).toEqual([
      'a',
      'line 1 is unusable: its entry elements hold resources but it is a Parameters, not a Bundle',
      'b',
    ]);
  });

  it('keeps a List’s entry elements in the List', async () => {
    const list = {
      resourceType: 'List',
      status: 'current',
      mode: 'working',
      entry: [{ item: { reference: 'Patient/a' } }],
    };
    const reordered = { entry: list.entry, resourceType: 'List', status: 'current', mode: 'working' };
    expect((await read(JSON.stringify(list, null, 1)))[0]!.resource).toEqual(list);
    expect((await read(JSON.stringify(reordered, null, 1)))[0]!.resource).toEqual(reordered);
  });
});

describe('readFhirResources: NDJSON', () => {
  it('yields one resource per line and reports a broken line without stopping', async () => {
    const items = await read(NDJSON);
    expect(ids(items)).toEqual([
      'Immunization/imm-9001',
      'Observation/obs-9002',
      'issue',
      'Immunization/imm-9003',
      'Immunization/imm-9004',
      'Immunization/imm-9005',
      'Observation/obs-9006',
      'Patient/pac-002',
    ]);
    expect(items.map((i) => i.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(items[2]!.issue).toEqual({
      line: 3,
      code: 'INVALID',
      reason: 'line 3 is not complete JSON: the resource does not close on its line',
    });
  });

  it('reads the same with a BOM, CRLF, blank lines and chunks cut anywhere', async () => {
    const text = `\uFEFF${NDJSON.split('\n').join('\r\n')}`;
    const bytes = new TextEncoder().encode(text);
    const expected = await read(NDJSON);
    const next = random(7);
    for (let round = 0; round < 100; round++) {
      const cuts = Array.from({ length: 1 + Math.floor(next() * 30) }, () =>
        Math.floor(next() * bytes.length),
      );
      cuts.sort((a, b) => a - b);
      const parts = [0, ...cuts].map((from, k) => bytes.subarray(from, [...cuts, bytes.length][k]));
      expect(await read(...parts)).toEqual(expected);
    }
    const spaced = await read(NDJSON.replace('\n', '\n\n  \n'));
    expect(ids(spaced)).toEqual(ids(expected));
    expect(spaced[1]!.line).toBe(4);
  });

  it('reports lines that are JSON but not a resource, and a truncated last line', async () => {
    const items = await read(
      '{"resourceType":"Patient","id":"a"}\n[1,2]\n{"id":"x"}\n{"resourceType":"Patient","id":"b"} {"x":1}\n{"resourceType":"Pat',
    );
    expect(items.map((i) => i.issue?.reason ?? i.resource?.id)).toEqual([
      'a',
      "line 2 is not a FHIR resource: expected a JSON object ('{'), found '['",
      'no resourceType',
      'b',
      'more than one JSON value on the line; the rest is skipped',
      'line 5 is not complete JSON: the file ends before the resource closes (truncated?)',
    ]);
  });

  it('reports a line whose brackets do not match, and goes on', async () => {
    const items = await read('{"resourceType":"Patient","id":"a"]}\n{"resourceType":"Patient","id":"b"}\n');
    expect(items[0]!.issue?.reason).toBe("line 1 is not valid JSON: unexpected ']'");
    expect(items[1]!.resource?.id).toBe('b');
  });

  it('tells an NDJSON file with a broken first line from a multi-line document', async () => {
    const items = await read('{"resourceType":"Patient","id":"a"\n{"resourceType":"Patient","id":"b"}\n');
    expect(items.map((i) => i.issue?.line ?? i.resource?.id)).toEqual([1, 'b']);
  });

  it('reads the entries of a Bundle on an NDJSON line', async () => {
    const bundle = JSON.stringify({
      resourceType: 'Bundle',
      entry: [{ resource: { resourceType: 'Patient', id: 'b' } }],
    });
    const items = await read(`{"resourceType":"Patient","id":"a"}\n${bundle}\n`);
    expect(items.map((i) => [i.line, i.resource?.id])).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
  });

  it('reads nothing from an empty file', async () => {
    expect(await read('')).toEqual([]);
    expect(await read('\uFEFF \r\n')).toEqual([]);
  });
});
