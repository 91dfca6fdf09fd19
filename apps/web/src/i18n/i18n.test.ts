import { describe, expect, it } from 'vitest';
import en from './en.json';
import esPE from './es-PE.json';

/** Every leaf key of a translation file, dotted: 'login.title'. */
function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([key, child]) => keys(child, prefix ? `${prefix}.${key}` : key));
}

/** The {{placeholders}} of each text, so a translation cannot drop or rename one. */
function placeholders(value: unknown, prefix = ''): Record<string, string[]> {
  if (typeof value === 'string')
    return { [prefix]: [...value.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1] ?? '').sort() };
  if (typeof value !== 'object' || value === null) return {};
  return Object.assign(
    {},
    ...Object.entries(value).map(([key, child]) => placeholders(child, prefix ? `${prefix}.${key}` : key)),
  );
}

function leaves(value: unknown, prefix = ''): [string, unknown][] {
  if (typeof value !== 'object' || value === null) return [[prefix, value]];
  return Object.entries(value).flatMap(([key, child]) => leaves(child, prefix ? `${prefix}.${key}` : key));
}

describe('translations', () => {
  it('have the same keys in Spanish and English', () => {
    const spanish = new Set(keys(esPE));
    const english = new Set(keys(en));
    expect(
      [...spanish].filter((k) => !english.has(k)),
      'missing in en.json',
    ).toEqual([]);
    expect(
      [...english].filter((k) => !spanish.has(k)),
      'missing in es-PE.json',
    ).toEqual([]);
  });

  it('use the same placeholders in both languages', () => {
    expect(placeholders(en)).toEqual(placeholders(esPE));
  });

  it('have no empty texts', () => {
    for (const file of [esPE, en]) {
      const empty = leaves(file).filter(([, text]) => typeof text !== 'string' || text.trim() === '');
      expect(empty).toEqual([]);
    }
  });
});
