import { describe, expect, it } from 'vitest';
import {
  ConfigFileError,
  type ConfigIssue,
  type ConfigSchema,
  formatPath,
  parseYamlConfig,
} from './config-file';

interface Thing {
  name: string;
  parts: Array<{ size: number }>;
}

/** A tiny hand-written schema: the loader must work with anything shaped like zod's safeParse. */
const Thing: ConfigSchema<Thing> = {
  safeParse(data) {
    const issues: ConfigIssue[] = [];
    const d = data as Record<string, unknown>;
    const known = new Set(['name', 'parts']);
    const unknown = Object.keys(d).filter((k) => !known.has(k));
    if (unknown.length)
      issues.push({ path: [], message: 'unrecognized', code: 'unrecognized_keys', keys: unknown });
    if (typeof d.name !== 'string') issues.push({ path: ['name'], message: 'expected a string' });
    const parts = Array.isArray(d.parts) ? d.parts : [];
    parts.forEach((p: { size?: unknown }, i) => {
      if (typeof p.size !== 'number')
        issues.push({ path: ['parts', i, 'size'], message: 'expected a number' });
    });
    return issues.length
      ? { success: false, error: { issues } }
      : { success: true, data: d as unknown as Thing };
  },
};

function failure(text: string): ConfigFileError {
  try {
    parseYamlConfig(text, 'thing.yaml', Thing);
  } catch (error) {
    if (error instanceof ConfigFileError) return error;
    throw error;
  }
  throw new Error('expected a ConfigFileError');
}

describe('parseYamlConfig', () => {
  it('returns the validated value', () => {
    const doc = parseYamlConfig('name: a\nparts:\n  - size: 1\n', 'thing.yaml', Thing);
    expect(doc.value).toEqual({ name: 'a', parts: [{ size: 1 }] });
    expect(doc.locate(['parts', 0, 'size'])).toEqual({ line: 3, column: 11 });
  });

  it('reports a YAML syntax error at its line', () => {
    const e = failure('name: a\nparts: [1, 2\nother: 3\n');
    expect(e.file).toBe('thing.yaml');
    expect(e.line).toBe(3);
    expect(e.reason).toMatch(/^YAML: /);
    expect(e.message).toMatch(/^thing\.yaml:3:\d+: YAML: /);
  });

  it('reports a duplicate key at the duplicate', () => {
    expect(failure('name: a\nparts: []\nname: b\n').line).toBe(3);
  });

  it('reports a schema error at the offending value', () => {
    const e = failure('name: a\nparts:\n  - size: 1\n  - size: big\n');
    expect([e.line, e.column]).toEqual([4, 11]);
    expect(e.reason).toBe('parts[1].size: expected a number');
  });

  it('reports a missing field at the object that lacks it', () => {
    const e = failure('name: a\nparts:\n  - size: 1\n  - colour: red\n');
    expect(e.line).toBe(4);
  });

  it('reports an unknown field at its key', () => {
    const e = failure('name: a\nparts: []\nnmae: b\n');
    expect([e.line, e.column]).toEqual([3, 1]);
    expect(e.reason).toBe("nmae: unknown field 'nmae' (check its spelling)");
  });

  it('refuses an empty file and several documents', () => {
    expect(failure('# nothing\n').reason).toBe('the file is empty');
    expect(failure('name: a\n---\nname: b\n').line).toBe(2);
  });

  it('refuses alias bombs', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 6; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      bomb.push(
        `${cur}: &${cur} [*${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}]`,
      );
    }
    expect(failure(`${bomb.join('\n')}\n`).reason).toMatch(/^YAML: /);
  });
});

describe('formatPath', () => {
  it('writes paths the way reasons name fields', () => {
    expect(formatPath(['items', 3, 'window', 'due'])).toBe('items[3].window.due');
    expect(formatPath([])).toBe('(file)');
    expect(formatPath(['items', 0], 'colour')).toBe('items[0].colour');
  });
});
