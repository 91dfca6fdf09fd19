import { readdirSync, readFileSync } from 'node:fs';
import { ConfigFileError, DEFAULT_TRAFFIC_LIGHT_RULES } from '@tejido/core';
import { describe, expect, it } from 'vitest';
import { parsePathway, parseTrafficLightRules, selectPathway } from './pathway-files';

const DIR = new URL('../../../config/pathways/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, DIR), 'utf8');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.yaml'));

function failure(f: () => unknown): ConfigFileError {
  try {
    f();
  } catch (error) {
    if (error instanceof ConfigFileError) return error;
    throw error;
  }
  throw new Error('expected a ConfigFileError');
}

/** The 1-based line of the first line of `text` that contains `needle`. */
function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((l) => l.includes(needle));
  if (index < 0) throw new Error(`'${needle}' not in the text`);
  return index + 1;
}

describe('the shipped files under config/pathways', () => {
  it.each(FILES)('%s loads', (file) => {
    const text = read(file);
    if (file === 'traffic-light.yaml') {
      expect(parseTrafficLightRules(text, file).rules.length).toBeGreaterThan(0);
    } else {
      const pathway = parsePathway(text, file);
      // One file per version, named after it.
      expect(file).toBe(`${pathway.code}-${pathway.version}.yaml`);
    }
  });

  it('ships the traffic-light rules that are built in as defaults', () => {
    expect(parseTrafficLightRules(read('traffic-light.yaml'), 'traffic-light.yaml')).toEqual(
      DEFAULT_TRAFFIC_LIGHT_RULES,
    );
  });

  it('has the same items in both child versions except the checkups', () => {
    const v2025 = parsePathway(read('pe-minsa-child-2025.yaml'), 'a');
    const v2017 = parsePathway(read('pe-minsa-child-2017.yaml'), 'b');
    const others = (p: typeof v2025) => p.items.filter((i) => i.kind !== 'growth_checkup');
    expect(others(v2017)).toEqual(others(v2025));
    expect(v2025.items.filter((i) => i.kind === 'growth_checkup')).toHaveLength(3 + 7 + 4 + 6);
    expect(v2017.items.filter((i) => i.kind === 'growth_checkup')).toHaveLength(4 + 11 + 6 + 12);
  });

  it('gives checkups and visits windows that follow each other without overlap or gap', () => {
    for (const file of [
      'pe-minsa-child-2025.yaml',
      'pe-minsa-child-2017.yaml',
      'pe-minsa-pregnancy-2024.yaml',
    ]) {
      const p = parsePathway(read(file), file);
      const schedule = p.items.filter((i) => i.kind === 'growth_checkup' || i.kind === 'prenatal_visit');
      expect(schedule.length).toBeGreaterThan(5);
      for (let k = 1; k < schedule.length; k++) {
        const [prev, cur] = [schedule[k - 1]!, schedule[k]!];
        expect(cur.satisfiedBy.withinWindow, cur.id).toBe(true);
        expect(cur.window.from, `${file} ${cur.id}`).toBe(prev.window.until! + 1);
      }
    }
  });

  it('pins a few windows to the tables of DOMAIN-health.md', () => {
    const child = parsePathway(read('pe-minsa-child-2025.yaml'), 'x');
    const item = (id: string) => child.items.find((i) => i.id === id)!;
    expect(item('checkup-nb1').window).toMatchObject({ from: 3, late: 6 });
    expect(item('vaccine-penta-2').window).toEqual({ from: 122, due: 122, late: 152 });
    expect(item('vaccine-rota-2').window.until).toBe(243);
    expect(item('hemoglobin-6m').window).toMatchObject({ from: 170 });
    expect(item('identity-document')).toMatchObject({ criticality: 'critical', window: { late: 30 } });
    expect(item('vaccine-yf').condition).toBe('person.amazon');
    expect(item('vaccine-penta-1').appliesTo).toBe('child');
  });
});

describe('parsePathway refuses a broken file with its line', () => {
  const good = read('pe-minsa-child-2025.yaml');

  it('bad YAML', () => {
    const text = good.replace(
      'window: { from: 61, due: 61, late: 75, until: 90 }',
      'window: { from: 61, due: 61',
    );
    const e = failure(() => parsePathway(text, 'broken.yaml'));
    expect(e.file).toBe('broken.yaml');
    expect(e.reason).toMatch(/^YAML: /);
    // The flow map is left open: the parser notices within the next lines.
    const at = lineOf(text, 'window: { from: 61, due: 61');
    expect(e.line).toBeGreaterThanOrEqual(at);
    expect(e.line).toBeLessThanOrEqual(at + 2);
  });

  it('an unknown item kind', () => {
    const text = good.replace('kind: hemoglobin_screening', 'kind: hemoglobin_test');
    const e = failure(() => parsePathway(text, 'broken.yaml'));
    expect(e.line).toBe(lineOf(text, 'kind: hemoglobin_test'));
    expect(e.column).toBe(11);
    expect(e.reason).toMatch(/^items\[\d+\]\.kind: /);
  });

  it('an unknown evidence kind', () => {
    const text = good.replace('satisfiedBy: { kind: document_issued }', 'satisfiedBy: { kind: dni }');
    const e = failure(() => parsePathway(text, 'broken.yaml'));
    expect(e.line).toBe(lineOf(text, 'kind: dni'));
    expect(e.reason).toMatch(/satisfiedBy\.kind/);
  });

  it('an unknown vaccine code', () => {
    const text = good.replace('codes: [BCG]', 'codes: [BCGX]');
    const e = failure(() => parsePathway(text, 'broken.yaml'));
    expect(e.line).toBe(lineOf(text, 'codes: [BCGX]'));
    expect(e.reason).toMatch(/unknown vaccine_dose code 'BCGX'/);
  });

  it('a window out of order', () => {
    const text = good.replace(
      'window: { from: 122, due: 122, late: 152 }',
      'window: { from: 122, due: 122, late: 100 }',
    );
    const e = failure(() => parsePathway(text, 'broken.yaml'));
    const line = lineOf(text, 'late: 100');
    expect(e.line).toBe(line);
    expect(e.column).toBe(text.split('\n')[line - 1]!.indexOf('100') + 1);
    expect(e.reason).toMatch(/window out of order: late \(100\) is before due \(122\)/);
  });

  it('a missing field, at the item that lacks it', () => {
    const text = good.replace(
      '    criticality: critical\n    satisfiedBy: { kind: document_issued }',
      '    satisfiedBy: { kind: document_issued }',
    );
    const e = failure(() => parsePathway(text, 'broken.yaml'));
    expect(e.line).toBe(lineOf(text, 'id: identity-document'));
    expect(e.reason).toMatch(/criticality/);
  });

  it('a misspelt field, at its key', () => {
    const text = good.replace('    criticalAfterDays: 30\n', '    criticalAftreDays: 30\n');
    const e = failure(() => parsePathway(text, 'broken.yaml'));
    expect(e.line).toBe(lineOf(text, 'criticalAftreDays'));
    expect(e.reason).toMatch(/unknown field 'criticalAftreDays'/);
  });

  it('a duplicate item id', () => {
    const text = good.replace('id: vaccine-pcv-3', 'id: vaccine-pcv-2');
    const e = failure(() => parsePathway(text, 'broken.yaml'));
    expect(e.line).toBe(text.split('\n').lastIndexOf('  - id: vaccine-pcv-2') + 1);
    expect(e.reason).toMatch(/duplicate item id/);
  });

  it('a condition that is not valid CEL', () => {
    const text = good.replace('condition: person.amazon', 'condition: person.amazon &&');
    const e = failure(() => parsePathway(text, 'broken.yaml'));
    expect(e.line).toBe(lineOf(text, 'condition: person.amazon &&'));
    expect(e.reason).toMatch(/condition: the rule does not compile/);
  });

  it('a condition that names an unknown fact', () => {
    const text = good.replace('condition: person.amazon', 'condition: person.amazonia');
    const e = failure(() => parsePathway(text, 'broken.yaml'));
    expect(e.line).toBe(lineOf(text, 'condition: person.amazonia'));
    expect(e.reason).toMatch(/amazonia/);
  });

  it('a condition that is not true or false', () => {
    const text = good.replace('condition: person.amazon', 'condition: person.altitudeM');
    const e = failure(() => parsePathway(text, 'broken.yaml'));
    expect(e.reason).toMatch(/must give true or false/);
  });

  it('a multi-line condition, at the line where it starts', () => {
    const text = good.replace(
      '      !(has(person.birthWeightKg) && person.birthWeightKg < 2.5) &&',
      '      !(has(person.birthWeightKg) && person.birthWeightGrams < 2500) &&',
    );
    const e = failure(() => parsePathway(text, 'broken.yaml'));
    expect(e.line).toBe(lineOf(text, 'person.birthWeightGrams') - 1);
    expect(e.reason).toMatch(/birthWeightGrams/);
  });
});

describe('parseTrafficLightRules refuses a broken file with its line', () => {
  const good = read('traffic-light.yaml');

  it('a rule that is not valid CEL', () => {
    const text = good.replace('when: size(risks) > 0', 'when: size(risks) >');
    const e = failure(() => parseTrafficLightRules(text, 'traffic-light.yaml'));
    expect(e.line).toBe(lineOf(text, 'when: size(risks) >'));
    expect(e.reason).toMatch(/^rules\[2\]\.when: the rule does not compile/);
  });

  it('a rule over a field that does not exist', () => {
    const text = good.replace('items.exists(i, i.status == "due")', 'items.exists(i, i.state == "due")');
    const e = failure(() => parseTrafficLightRules(text, 'traffic-light.yaml'));
    expect(e.line).toBe(lineOf(text, 'i.state == "due"'));
    expect(e.reason).toMatch(/state/);
  });

  it('a rule that gives a number', () => {
    const text = good.replace('when: size(risks) > 0', 'when: size(risks)');
    expect(failure(() => parseTrafficLightRules(text, 'x.yaml')).reason).toMatch(/must give true or false/);
  });

  it('an unknown light', () => {
    const text = good.replace('light: amber', 'light: yellow');
    const e = failure(() => parseTrafficLightRules(text, 'x.yaml'));
    expect(e.line).toBe(lineOf(text, 'light: yellow'));
  });
});

describe('selectPathway', () => {
  const v2025 = parsePathway(read('pe-minsa-child-2025.yaml'), 'a');
  const v2017 = parsePathway(read('pe-minsa-child-2017.yaml'), 'b');
  const pregnancy = parsePathway(read('pe-minsa-pregnancy-2024.yaml'), 'c');

  it('picks the version in force on the date', () => {
    const all = [v2025, pregnancy, v2017];
    expect(selectPathway(all, 'child', '2024-06-30')).toBe(v2017);
    expect(selectPathway(all, 'child', v2025.validFrom)).toBe(v2025);
    expect(selectPathway(all, 'pregnancy', '2025-03-01')).toBe(pregnancy);
    expect(selectPathway(all, 'pregnancy', '2016-01-01')).toBeUndefined();
  });
});
