import { readFileSync } from 'node:fs';
import { ConfigFileError } from '@tejido/core';
import { describe, expect, it } from 'vitest';
import { parseAlertTypes } from './alert-files';

const SHIPPED = new URL('../../../config/alerts/pe-alert-types.yaml', import.meta.url);

function failure(text: string): ConfigFileError {
  try {
    parseAlertTypes(text, 'alerts.yaml');
  } catch (error) {
    if (error instanceof ConfigFileError) return error;
    throw error;
  }
  throw new Error('the file loaded');
}

const TYPE = `  - code: sick_child
    name: { es: Niño enfermo, en: Sick child }
    severity: critical
    institution: health_facility
    deadlines: { refer: 12h, accept: 12h, attend: 2d }
`;

describe('alert-types files', () => {
  it('loads the shipped file, with the issue’s rule and person types', () => {
    const file = parseAlertTypes(readFileSync(SHIPPED, 'utf8'), 'pe-alert-types.yaml');
    const codes = file.types.map((t) => t.code);
    for (const code of [
      'vaccine_overdue',
      'growth_checkup_late',
      'anemia_untreated',
      'no_identity_document',
      'stunting',
      'prenatal_visit_missing',
      'sick_child',
      'violence_signs',
      'household_without_document',
      'risk_at_home',
    ]) {
      expect(codes).toContain(code);
    }
    const violence = file.types.find((t) => t.code === 'violence_signs')!;
    expect(violence).toMatchObject({
      sensitive: true,
      institution: 'womens_emergency_centre',
      raisedBy: 'person',
    });
    expect(violence.deadlines).toEqual({ refer: 24, accept: 24, attend: 72 });
    expect(file.reminderBefore).toBe(24);
  });
  it('refuses a rule that does not compile, at its line', () => {
    const e = failure(`version: x\ntypes:\n${TYPE}    rule: items.exists(i, i.kind ==)\n`);
    expect(e.line).toBe(8);
    expect(e.reason).toContain('types[0].rule: the rule does not compile');
  });
  it('refuses a type with neither a rule nor raisedBy, and one with both', () => {
    expect(failure(`version: x\ntypes:\n${TYPE}`).reason).toContain('either a rule or raisedBy');
    expect(
      failure(`version: x\ntypes:\n${TYPE}    rule: size(risks) > 0\n    raisedBy: person\n`).reason,
    ).toContain('either a rule or raisedBy');
  });
  it('refuses a duplicate code, a bad deadline and an unknown institution kind, naming the field', () => {
    const twice = failure(`version: x\ntypes:\n${TYPE}    raisedBy: person\n${TYPE}    raisedBy: person\n`);
    expect(twice.reason).toContain("duplicate alert type code 'sick_child'");
    expect(twice.line).toBe(9);
    expect(
      failure(`version: x\ntypes:\n${TYPE.replace('2d', '2 weeks')}    raisedBy: person\n`).reason,
    ).toContain('types[0].deadlines.attend');
    expect(
      failure(`version: x\ntypes:\n${TYPE.replace('health_facility', 'hospital')}    raisedBy: person\n`)
        .line,
    ).toBe(6);
  });
});
