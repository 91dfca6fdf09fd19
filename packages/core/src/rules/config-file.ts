/**
 * Programme configuration (pathways, traffic lights, alert rules, catalogue) is YAML written by
 * programme staff. A file with an error must be refused with the file, the line and a reason a
 * person can act on, whether the error is YAML syntax, a field the schema rejects or a rule that
 * does not compile. Pure: the caller reads the file.
 */
import { type Document, isMap, isPair, isScalar, LineCounter, type Node, parseDocument } from 'yaml';

/** A configuration file that cannot be loaded, and where. Lines and columns count from 1. */
export class ConfigFileError extends Error {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly reason: string;
  constructor(file: string, line: number, column: number, reason: string, options: { cause?: unknown } = {}) {
    super(`${file}:${line}:${column}: ${reason}`, { cause: options.cause });
    this.name = 'ConfigFileError';
    this.file = file;
    this.line = line;
    this.column = column;
    this.reason = reason;
  }
}

/** One complaint of a schema (zod's issues have this shape). */
export interface ConfigIssue {
  readonly path: ReadonlyArray<PropertyKey>;
  readonly message: string;
  readonly code?: string;
  readonly keys?: ReadonlyArray<string>;
}

/** Anything with zod's safeParse: core stays free of a schema library. */
export interface ConfigSchema<T> {
  safeParse(
    data: unknown,
  ): { success: true; data: T } | { success: false; error: { issues: ReadonlyArray<ConfigIssue> } };
}

export type ConfigPath = ReadonlyArray<PropertyKey>;

/** A validated configuration file, able to point at any of its nodes. */
export interface ConfigDocument<T> {
  readonly file: string;
  readonly value: T;
  /** Line and column of the node at `path`, or of its nearest existing ancestor. */
  locate(path: ConfigPath): { line: number; column: number };
  /** Throw a ConfigFileError at the node at `path`. */
  fail(path: ConfigPath, reason: string, cause?: unknown): never;
}

/**
 * Parse YAML text and validate it with a schema; every error becomes a ConfigFileError at the
 * line of the offending node (for a missing field, the line of the object that lacks it).
 *
 * @example
 * const doc = parseYamlConfig('version: 1\nrules: []\n', 'traffic-light.yaml', TrafficLightRules);
 * // throws ConfigFileError: traffic-light.yaml:2:8: rules: Too small: expected array to have >=1 items
 */
export function parseYamlConfig<T>(text: string, file: string, schema: ConfigSchema<T>): ConfigDocument<T> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const first = doc.errors[0];
  if (first) {
    const { line, column } = at(first.pos[0]);
    throw new ConfigFileError(file, line, column, `YAML: ${first.message.split('\n')[0]}`, { cause: first });
  }

  const locate = (path: ConfigPath | NodePath) => at(offsetOf(doc, path));
  const fail = (path: ConfigPath | NodePath, reason: string, cause?: unknown): never => {
    const { line, column } = locate(path);
    throw new ConfigFileError(file, line, column, reason, { cause });
  };

  let data: unknown;
  try {
    // Aliases are expanded here; a small cap refuses "billion laughs" files.
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    fail([], `YAML: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  if (data === null || data === undefined) fail([], 'the file is empty');

  const result = schema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const keys = issue.code === 'unrecognized_keys' && issue.keys?.length ? issue.keys : undefined;
    const where = keys ? [...issue.path, { key: keys[0]! }] : issue.path;
    const reason = keys
      ? `${formatPath(issue.path, keys[0])}: unknown field '${keys[0]}' (check its spelling)`
      : `${formatPath(issue.path)}: ${issue.message}`;
    fail(where, reason, result.error);
  }
  return { file, value: (result as { data: T }).data, locate, fail };
}

/** `items[3].window.due`, the way the reasons name a field. */
export function formatPath(path: ConfigPath, extraKey?: string): string {
  let out = '';
  for (const part of extraKey === undefined ? path : [...path, extraKey]) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(file)' : out;
}

/** A path whose last step may be `{ key }`: the key of a field rather than its value. */
type NodePath = ReadonlyArray<PropertyKey | { key: string }>;

/**
 * Offset of the node at `path`; a final `{ key }` step points at a key itself (an unknown field).
 * Falls back to the deepest node that exists, then to the start of the document.
 */
function offsetOf(doc: Document, path: NodePath): number {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (const step of path) {
    if (typeof step === 'object' && step !== null && 'key' in step) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === step.key);
        offset = rangeStart(pair?.key) ?? offset;
      }
      break;
    }
    const next = childOf(node, step as PropertyKey);
    const start = rangeStart(next);
    if (start === undefined) break;
    node = next;
    offset = start;
  }
  return offset;
}

function childOf(node: unknown, step: PropertyKey): unknown {
  if (node && typeof node === 'object' && 'get' in node && typeof node.get === 'function') {
    // YAMLMap.get(key, true) / YAMLSeq.get(index, true) keep scalars as nodes, with their ranges.
    return (node as { get(key: unknown, keepScalar: boolean): unknown }).get(step, true);
  }
  return undefined;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | undefined)?.range;
  return Array.isArray(range) ? range[0] : undefined;
}
