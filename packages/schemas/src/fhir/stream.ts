/**
 * Reading FHIR R4 JSON as a stream of resources, whatever its size: a Bundle (pretty-printed or
 * on one line), NDJSON (bulk data export, one resource per line) or a single resource.
 *
 * A Bundle is never held whole: a small scanner follows strings, escapes and nesting, cuts each
 * element of the top-level `entry` array out of the text and parses it alone; the rest of the
 * Bundle (its "skeleton": id, type, link…) is kept and parsed at the end. `entry` may come
 * before or after `resourceType`: until `resourceType` is read, an element that holds a
 * `resource` is taken for a Bundle entry (only Bundle has such an `entry` in FHIR R4) and
 * yielded at once; one that does not (a List's entry) is kept in the skeleton. If the value then
 * turns out not to be a Bundle, that is a format fault.
 *
 * How the format is told apart, from the first value of the file:
 * - it closes on the line where it opened: NDJSON. Each later line is a value of its own, and a
 *   line that is not complete JSON is reported (INVALID) and skipped. A one-line Bundle is the
 *   same thing as an NDJSON line holding a Bundle: its entries are read.
 * - it spans lines: one JSON document (a Bundle or one resource). A fault in its structure
 *   throws FhirFormatError; an entry that is not valid JSON on its own is reported and skipped.
 *   Exception: when the second line opens an object where the first line could not go on
 *   (`{"a": 1` then `{"b": 2}`), the file is NDJSON with a broken first line.
 */
import type { RowIssue } from '../imports';

/** A FHIR resource as parsed JSON: only `resourceType` is known to be there. */
export interface FhirResource {
  resourceType: string;
  [element: string]: unknown;
}

/** One resource of the file, or why one could not be read. */
export interface FhirReadItem {
  /** Line (from 1) where the resource's NDJSON line, Bundle entry or document starts. */
  line: number;
  resource?: FhirResource;
  /** Bundle.entry.fullUrl (what `urn:uuid:` references of the Bundle point at). */
  fullUrl?: string;
  issue?: RowIssue;
}

export interface FhirReadOptions {
  /**
   * Largest resource (an NDJSON line, a Bundle entry, a Bundle without its entries), in
   * characters. A bigger entry or line is reported and skipped. Default 32 million.
   */
  maxResourceChars?: number;
}

/** The file is not FHIR JSON as a whole: a Bundle or document that is not valid JSON, truncated… */
export class FhirFormatError extends Error {
  readonly line: number;
  readonly reason: string;
  constructor(line: number, reason: string) {
    super(`line ${line}: ${reason}`);
    this.name = 'FhirFormatError';
    this.line = line;
    this.reason = reason;
  }
}

/**
 * The resources of a FHIR JSON file (Bundle, NDJSON or a single resource), as they are read.
 * Chunks may be cut anywhere, even inside a UTF-8 character; a byte-order mark and CRLF line
 * ends are accepted.
 *
 * @example
 * for await (const { line, resource, issue } of readFhirResources(createReadStream('export.ndjson'))) {
 *   if (issue) report(issue); // { line: 7, code: 'INVALID', reason: 'line 7 is not valid JSON: …' }
 *   else console.log(line, resource?.resourceType); // 1 'Patient'
 * }
 * @throws FhirFormatError when a Bundle or JSON document is not valid JSON as a whole (after
 *   yielding the entries read before the fault).
 */
export async function* readFhirResources(
  source: AsyncIterable<Uint8Array | string>,
  options: FhirReadOptions = {},
): AsyncGenerator<FhirReadItem> {
  // TextDecoder drops a leading BOM; stream: true keeps a character cut between chunks.
  const decoder = new TextDecoder('utf-8');
  const scanner = new FhirJsonScanner(options);
  for await (const chunk of source) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (text !== '') yield* scanner.push(text);
  }
  const rest = decoder.decode();
  if (rest !== '') yield* scanner.push(rest);
  yield* scanner.end();
}

// Character codes.
const QUOTE = 34;
const BACKSLASH = 92;
const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;
const OPEN_ARRAY = 91;
const CLOSE_ARRAY = 93;
const COMMA = 44;
const COLON = 58;
const BOM = 0xfeff;

const NONE = 0;
const SKELETON = 1;
const ELEMENT = 2;
type Sink = typeof NONE | typeof SKELETON | typeof ELEMENT;

type Mode = 'detect' | 'document' | 'lines';

const ENTRY_DEPTH = 2;
const MAX_CAPTURE = 64;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The incremental scanner behind readFhirResources: push text, get resources. Exposed for
 * callers that already hold decoded text; most should use readFhirResources.
 */
export class FhirJsonScanner {
  private readonly max: number;
  private mode: Mode = 'detect';
  private line = 1;
  private started = false;

  // The current top-level value.
  private depth = 0;
  private stack: number[] = [];
  private inString = false;
  private escape = false;
  /** Last character outside strings that is not blank (QUOTE for the end of a string). */
  private lastSig = 0;
  private valueLine = 0;
  /** A top-level value has ended; only blanks may follow on its line (NDJSON) or in the file. */
  private valueDone = false;
  /** NDJSON: the rest of the line is skipped after a fault. */
  private skipLine = false;
  /** detect: the first value went on past its first line; decided by the next character. */
  private pendingDecision = false;

  // Keys of the top-level object.
  private expectKey = false;
  private afterColon = false;
  private currentKey: string | undefined;
  private capture: 'key' | 'type' | undefined;
  private captureParts: string[] = [];
  private captureStart = 0;
  private captureSize = 0;
  private resourceType: string | undefined;

  // The top-level `entry` array and its elements.
  private inEntries = false;
  private entryIndex = 0;
  private entriesYielded = 0;
  /** Elements without a `resource`, put back into the skeleton, and their lines. */
  private keptEntries: number[] = [];
  private elementActive = false;
  private elementIsString = false;
  private elementLine = 0;
  private elementParts: string[] = [];
  private elementSize = 0;
  private elementTooBig = false;

  private skeletonParts: string[] = [];
  private skeletonSize = 0;
  private skeletonTooBig = false;

  // Where the current chunk's characters go.
  private sink: Sink = NONE;
  private segStart = 0;
  private chunk = '';

  constructor(options: FhirReadOptions = {}) {
    this.max = options.maxResourceChars ?? 32_000_000;
  }

  /** Scan the next piece of text. */
  *push(text: string): Generator<FhirReadItem> {
    this.chunk = text;
    this.segStart = 0;
    let i = 0;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === BOM) i = 1;
      this.segStart = i;
    }
    const n = text.length;
    for (; i < n; i++) {
      if (this.skipLine) {
        const next = text.indexOf('\n', i);
        if (next < 0) {
          i = n;
          break;
        }
        i = next;
        this.line++;
        this.skipLine = false;
        this.valueDone = false;
        continue;
      }
      let c = text.charCodeAt(i);

      if (this.inString) {
        if (this.escape) {
          this.escape = false;
          continue;
        }
        // Most of a file is string content: run to the next character that matters.
        while (c !== QUOTE && c !== BACKSLASH && c !== LF) {
          if (++i === n) break;
          c = text.charCodeAt(i);
        }
        if (i === n) break;
        if (c === BACKSLASH) {
          this.escape = true;
        } else if (c === QUOTE) {
          this.inString = false;
          this.lastSig = QUOTE;
          this.endString(i);
          if (this.elementActive && this.elementIsString && this.depth === ENTRY_DEPTH) {
            yield* this.endElement(i + 1);
          }
        } else if (c === LF) {
          // JSON has no raw line break in a string.
          this.line++;
          if (this.mode !== 'document') {
            const line = this.valueLine;
            this.resetValue();
            yield this.brokenLine(line, 'it ends inside a string');
            this.mode = 'lines';
          }
        }
        continue;
      }

      if (c === LF) {
        this.line++;
        if (this.depth > 0) {
          if (this.mode === 'lines') {
            const line = this.valueLine;
            this.resetValue();
            yield this.brokenLine(line, 'the resource does not close on its line');
          } else if (this.mode === 'detect') {
            this.pendingDecision = true;
          }
        } else if (this.mode === 'lines') {
          this.valueDone = false;
        }
        continue;
      }
      if (c === SPACE || c === TAB || c === CR) continue;

      if (this.depth === 0) {
        if (this.valueDone) {
          if (this.mode === 'lines') {
            yield this.lineIssue(this.line, 'more than one JSON value on the line; the rest is skipped');
            this.skipLine = true;
            i--;
            continue;
          }
          throw new FhirFormatError(this.line, 'unexpected content after the end of the JSON document');
        }
        if (c !== OPEN_OBJECT) {
          const what = `expected a JSON object ('{'), found '${String.fromCharCode(c)}'`;
          if (this.mode === 'lines') {
            yield this.lineIssue(this.line, `line ${this.line} is not a FHIR resource: ${what}`);
            this.skipLine = true;
            i--;
            continue;
          }
          throw new FhirFormatError(this.line, `not FHIR JSON: ${what}`);
        }
        this.valueLine = this.line;
        this.depth = 1;
        this.stack.push(OPEN_OBJECT);
        this.expectKey = true;
        this.lastSig = OPEN_OBJECT;
        this.switchSink(SKELETON, i);
        continue;
      }

      if (this.pendingDecision) {
        this.pendingDecision = false;
        if (c === OPEN_OBJECT && !this.canOpenHere()) {
          // `{"a": 1` then `{"b": 2}`: NDJSON whose first line is broken.
          const line = this.valueLine;
          this.resetValue();
          this.mode = 'lines';
          yield this.brokenLine(line, 'the resource does not close on its line');
          i--;
          continue;
        }
        this.mode = 'document';
      }

      switch (c) {
        case QUOTE:
          this.inString = true;
          if (this.depth === 1) {
            if (this.expectKey) {
              this.expectKey = false;
              this.startCapture('key', i + 1);
            } else if (this.afterColon && this.currentKey === 'resourceType') {
              this.startCapture('type', i + 1);
            }
          } else if (this.inEntries && this.depth === ENTRY_DEPTH && !this.elementActive) {
            this.startElement(i, 'string');
          }
          this.afterColon = false;
          break;
        case OPEN_OBJECT:
        case OPEN_ARRAY:
          if (this.inEntries && this.depth === ENTRY_DEPTH && !this.elementActive) {
            this.startElement(i, 'container');
          }
          if (
            this.depth === 1 &&
            this.afterColon &&
            c === OPEN_ARRAY &&
            this.currentKey === 'entry' &&
            (this.resourceType === undefined || this.resourceType === 'Bundle')
          ) {
            this.inEntries = true;
            this.switchSink(NONE, i + 1);
          }
          this.afterColon = false;
          this.stack.push(c);
          this.depth++;
          break;
        case CLOSE_OBJECT:
        case CLOSE_ARRAY: {
          const open = this.stack.pop();
          if (open !== (c === CLOSE_OBJECT ? OPEN_OBJECT : OPEN_ARRAY)) {
            yield* this.structureFault(`unexpected '${String.fromCharCode(c)}'`);
            if (this.mode === 'lines') {
              i--;
              continue;
            }
            break;
          }
          this.depth--;
          this.afterColon = false;
          if (this.inEntries && this.depth === ENTRY_DEPTH - 1) {
            if (this.elementActive) yield* this.endElement(i);
            this.inEntries = false;
            this.switchSink(SKELETON, i);
          } else if (this.inEntries && this.depth === ENTRY_DEPTH && this.elementActive) {
            yield* this.endElement(i + 1);
          } else if (this.depth === 0) {
            this.switchSink(NONE, i + 1);
            yield* this.endValue();
          }
          break;
        }
        case COMMA:
          if (this.depth === 1) this.expectKey = true;
          else if (this.inEntries && this.depth === ENTRY_DEPTH && this.elementActive) {
            yield* this.endElement(i);
          }
          break;
        case COLON:
          if (this.depth === 1) this.afterColon = true;
          break;
        default:
          // A number, true, false or null.
          if (this.inEntries && this.depth === ENTRY_DEPTH && !this.elementActive) {
            this.startElement(i, 'primitive');
          }
          this.afterColon = false;
      }
      this.lastSig = c;
    }
    this.flushChunk();
  }

  /** The end of the file. */
  *end(): Generator<FhirReadItem> {
    this.flushChunk();
    if (this.depth > 0 || this.inString) {
      if (this.mode === 'lines') {
        const line = this.valueLine;
        this.resetValue();
        yield this.brokenLine(line, 'the file ends before the resource closes (truncated?)');
        return;
      }
      throw new FhirFormatError(
        this.valueLine,
        'the file ends before the JSON document that starts here closes (truncated?)',
      );
    }
  }

  // -------------------------------------------------------------------------------------------

  /** Whether `{` may follow the last character of the line before (valid JSON across lines). */
  private canOpenHere(): boolean {
    const top = this.stack[this.stack.length - 1];
    return (
      this.lastSig === COLON ||
      (top === OPEN_ARRAY && (this.lastSig === OPEN_ARRAY || this.lastSig === COMMA))
    );
  }

  private switchSink(next: Sink, index: number): void {
    if (this.sink !== NONE && index > this.segStart) this.append(this.chunk.slice(this.segStart, index));
    this.sink = next;
    this.segStart = index;
  }

  private flushChunk(): void {
    if (this.sink !== NONE && this.chunk.length > this.segStart) {
      this.append(this.chunk.slice(this.segStart));
    }
    if (this.capture !== undefined && this.chunk.length > this.captureStart) {
      this.addCapture(this.chunk.slice(this.captureStart));
    }
    this.segStart = 0;
    this.captureStart = 0;
    this.chunk = '';
  }

  private append(text: string): void {
    if (this.sink === ELEMENT) {
      if (this.elementTooBig) return;
      this.elementSize += text.length;
      if (this.elementSize > this.max) {
        this.elementTooBig = true;
        this.elementParts = [];
        return;
      }
      this.elementParts.push(text);
    } else {
      this.skeletonSize += text.length;
      if (this.skeletonSize > this.max) {
        // Caught in push(): NDJSON reports the line, a document throws.
        this.skeletonParts = [];
        this.skeletonTooBig = true;
        return;
      }
      if (!this.skeletonTooBig) this.skeletonParts.push(text);
    }
  }

  private startCapture(what: 'key' | 'type', index: number): void {
    this.capture = what;
    this.captureParts = [];
    this.captureSize = 0;
    this.captureStart = index;
  }

  private addCapture(text: string): void {
    this.captureSize += text.length;
    if (this.captureSize <= MAX_CAPTURE) this.captureParts.push(text);
  }

  private endString(index: number): void {
    if (this.capture === undefined) return;
    this.addCapture(this.chunk.slice(this.captureStart, index));
    const text = this.captureSize <= MAX_CAPTURE ? this.captureParts.join('') : undefined;
    if (this.capture === 'key') this.currentKey = text;
    else this.resourceType = text;
    this.capture = undefined;
    this.captureParts = [];
  }

  private startElement(index: number, kind: 'string' | 'container' | 'primitive'): void {
    this.elementActive = true;
    this.elementIsString = kind === 'string';
    this.elementLine = this.line;
    this.elementParts = [];
    this.elementSize = 0;
    this.elementTooBig = false;
    this.switchSink(ELEMENT, index);
  }

  /** The element of `entry` that ends before `index`: parse it and yield its resource. */
  private *endElement(index: number): Generator<FhirReadItem> {
    this.switchSink(NONE, index);
    this.elementActive = false;
    const n = this.entryIndex++;
    const line = this.elementLine;
    const field = `Bundle.entry[${n}]`;
    if (this.elementTooBig) {
      yield this.issue(line, field, `entry ${n} is larger than ${this.max} characters; skipped`);
      return;
    }
    const text = this.elementParts.join('');
    this.elementParts = [];
    let element: unknown;
    try {
      element = JSON.parse(text);
    } catch (error) {
      yield this.issue(line, field, `entry ${n} is not valid JSON: ${errorMessage(error)}`);
      return;
    }
    if (!isObject(element)) {
      yield this.issue(line, field, `entry ${n} is not a JSON object`);
      return;
    }
    const resource = element.resource;
    if (isObject(resource)) {
      if (typeof resource.resourceType !== 'string') {
        yield {
          line,
          issue: {
            line,
            field: `${field}.resource.resourceType`,
            code: 'MISSING',
            reason: `the resource of entry ${n} has no resourceType`,
          },
        };
        return;
      }
      this.entriesYielded++;
      const item: FhirReadItem = { line, resource: resource as FhirResource };
      if (typeof element.fullUrl === 'string') item.fullUrl = element.fullUrl;
      yield item;
      return;
    }
    if (this.resourceType === 'Bundle') {
      yield this.missingResource(line, n);
      return;
    }
    // Not known yet to be a Bundle (a List also has `entry`): keep the element in the skeleton.
    if (this.keptEntries.length > 0) this.skeletonParts.push(',');
    this.skeletonParts.push(text);
    this.keptEntries.push(line);
  }

  private missingResource(line: number, n: number): FhirReadItem {
    return {
      line,
      issue: {
        line,
        field: `Bundle.entry[${n}].resource`,
        code: 'MISSING',
        reason: `entry ${n} has no resource (a request without one, e.g. a DELETE?)`,
      },
    };
  }

  /** The top-level value has closed. */
  private *endValue(): Generator<FhirReadItem> {
    const line = this.valueLine;
    const tooBig = this.skeletonTooBig;
    const text = this.skeletonParts.join('');
    const yielded = this.entriesYielded;
    const kept = this.keptEntries;
    this.resetValue();
    this.valueDone = true;
    if (this.mode === 'detect') this.mode = 'lines';

    if (tooBig) {
      yield* this.valueFault(line, `the resource is larger than ${this.max} characters`);
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      yield* this.valueFault(line, `not valid JSON: ${errorMessage(error)}`);
      return;
    }
    if (!isObject(value)) {
      yield* this.valueFault(line, 'not a JSON object');
      return;
    }
    const type = value.resourceType;
    if (type === 'Bundle') {
      const rest = Array.isArray(value.entry) ? value.entry : [];
      // Entries left in the skeleton: those kept before resourceType was known.
      for (let k = 0; k < rest.length; k++) {
        const element = rest[k];
        const at = kept[k] ?? line;
        const resource = isObject(element) ? element.resource : undefined;
        if (isObject(resource) && typeof resource.resourceType === 'string') {
          const item: FhirReadItem = { line: at, resource: resource as FhirResource };
          if (isObject(element) && typeof element.fullUrl === 'string') item.fullUrl = element.fullUrl;
          yield item;
        } else {
          yield this.missingResource(at, k);
        }
      }
      return;
    }
    if (yielded > 0) {
      yield* this.valueFault(
        line,
        `its entry elements hold resources but it is a ${String(type)}, not a Bundle`,
      );
      return;
    }
    if (typeof type !== 'string') {
      if (this.mode === 'lines') {
        yield { line, issue: { line, field: 'resourceType', code: 'MISSING', reason: 'no resourceType' } };
        return;
      }
      throw new FhirFormatError(line, 'not a FHIR resource: no resourceType');
    }
    yield { line, resource: value as FhirResource };
  }

  /** A value that cannot be used: reported on its NDJSON line, or the end of a document. */
  private *valueFault(line: number, reason: string): Generator<FhirReadItem> {
    if (this.mode === 'lines') {
      yield this.lineIssue(line, `line ${line} is ${reason.startsWith('not') ? '' : 'unusable: '}${reason}`);
      return;
    }
    throw new FhirFormatError(line, reason);
  }

  /** A bracket that does not match, in the middle of a value. */
  private *structureFault(reason: string): Generator<FhirReadItem> {
    // Still on the line where the first value opened: a one-line value, as in NDJSON.
    if (this.mode === 'detect' && !this.pendingDecision) this.mode = 'lines';
    if (this.mode === 'lines') {
      const line = this.valueLine;
      this.resetValue();
      yield this.lineIssue(line, `line ${line} is not valid JSON: ${reason}`);
      this.skipLine = true;
      return;
    }
    throw new FhirFormatError(this.line, `not valid JSON: ${reason}`);
  }

  private brokenLine(line: number, why: string): FhirReadItem {
    return this.lineIssue(line, `line ${line} is not complete JSON: ${why}`);
  }

  private lineIssue(line: number, reason: string): FhirReadItem {
    return { line, issue: { line, code: 'INVALID', reason } };
  }

  private issue(line: number, field: string, reason: string): FhirReadItem {
    return { line, issue: { line, field, code: 'INVALID', reason } };
  }

  private resetValue(): void {
    this.switchSink(NONE, this.segStart);
    this.depth = 0;
    this.stack = [];
    this.inString = false;
    this.escape = false;
    this.lastSig = 0;
    this.pendingDecision = false;
    this.expectKey = false;
    this.afterColon = false;
    this.currentKey = undefined;
    this.capture = undefined;
    this.captureParts = [];
    this.resourceType = undefined;
    this.inEntries = false;
    this.entryIndex = 0;
    this.entriesYielded = 0;
    this.keptEntries = [];
    this.elementActive = false;
    this.elementParts = [];
    this.elementTooBig = false;
    this.skeletonParts = [];
    this.skeletonSize = 0;
    this.skeletonTooBig = false;
  }
}
