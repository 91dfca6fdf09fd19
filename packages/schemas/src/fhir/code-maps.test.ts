import { readFileSync } from 'node:fs';
import { ConfigFileError } from '@tejido/core';
import { describe, expect, it } from 'vitest';
import { EVIDENCE_CODES, VaccineCode } from '../tracking';
import { parseCodeMaps } from './code-maps';

const SHIPPED = readFileSync(new URL('../../../../config/interop/code-maps.yaml', import.meta.url), 'utf8');
const CVX = 'http://hl7.org/fhir/sid/cvx';
const HIS = 'http://minsa.gob.pe/fhir/CodeSystem/his-minsa';

function failure(text: string): ConfigFileError {
  try {
    parseCodeMaps(text, 'code-maps.yaml');
  } catch (error) {
    if (error instanceof ConfigFileError) return error;
    throw error;
  }
  throw new Error('the file loaded');
}

/** The 1-based line of the first line of `text` that contains `needle`. */
function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((l) => l.includes(needle));
  if (index < 0) throw new Error(`'${needle}' not in the text`);
  return index + 1;
}

const MINIMAL = `version: 1
evidence:
  - system: http://loinc.org
    codes:
      '718-7': { kind: hemoglobin }
`;

describe('the shipped code maps', () => {
  const maps = parseCodeMaps(SHIPPED, 'code-maps.yaml');

  it('maps every vaccine of the national schedule from CVX', () => {
    const mapped = new Set(
      Object.values(maps.file.evidence.find((e) => e.system === CVX)!.codes).map((t) => t.code),
    );
    // OPV (primary series) is not given in Peru's schedule: CVX oral polio is the booster.
    expect([...VaccineCode.options].filter((c) => !mapped.has(c))).toEqual(['OPV']);
  });

  it('maps every HIS alias of EVIDENCE_CODES to the same code', () => {
    for (const kind of ['vaccine_dose', 'supplement'] as const) {
      for (const [alias, code] of Object.entries(EVIDENCE_CODES[kind]!.aliases)) {
        if (!/^\d/.test(alias)) continue; // SPR is a Spanish abbreviation, not a HIS code
        expect(maps.lookup(HIS, alias)?.target, alias).toEqual({ kind, code });
      }
    }
  });

  it('reads Tejido’s own vaccine codes, every one of them', () => {
    for (const code of VaccineCode.options) {
      expect(maps.lookup('https://tejido.dev/fhir/CodeSystem/vaccine', code)?.target).toEqual({
        kind: 'vaccine_dose',
        code,
      });
    }
  });

  it('finds codes without their leading zeros, by OID, and by pattern', () => {
    expect(maps.lookup(CVX, '8')?.target).toEqual({ kind: 'vaccine_dose', code: 'HVB' });
    expect(maps.lookup(CVX, '08')?.target).toEqual({ kind: 'vaccine_dose', code: 'HVB' });
    expect(maps.lookup('urn:oid:2.16.840.1.113883.12.292', '146')?.target.code).toBe('HEXA');
    expect(maps.lookup('http://www.whocc.no/atc', 'B03AA07')?.target.code).toBe('IRON_DROPS');
    expect(maps.lookup('http://www.whocc.no/atc', 'b03ad03')?.target.code).toBe('IRON_FOLIC_ACID');
    expect(maps.lookup(HIS, '99381.01')?.target).toEqual({ kind: 'growth_checkup' });
    expect(maps.lookup(HIS, 'Z3491')?.target).toEqual({ kind: 'prenatal_visit' });
    expect(maps.lookup('http://loinc.org', '8306-3')?.target).toEqual({
      kind: 'measurement',
      value: 'lengthCm',
      measured: 'lying',
    });
    expect(maps.lookup(CVX, '999')).toBeUndefined();
    expect(maps.lookup('http://example.org', '19')).toBeUndefined();
    expect(maps.knowsSystem(CVX)).toBe(true);
    expect(maps.knowsSystem('http://example.org')).toBe(false);
  });

  it('knows the identifier systems of the documents', () => {
    expect(maps.identifierMeaning('http://reniec.gob.pe/dni')).toBe('DNI');
    expect(maps.identifierMeaning('urn:oid:2.16.604.1.1.1.1')).toBe('DNI');
    expect(maps.identifierMeaning('http://reniec.gob.pe/cui')).toBe('CUI');
    expect(maps.identifierMeaning('http://sis.gob.pe/afiliado')).toBe('healthInsurance');
    expect(maps.identifierMeaning('http://hospital.example/hc')).toBeUndefined();
    expect(maps.version).toBe('2026-11');
  });

  it('prefers an exact code to a pattern, and a longer pattern to a shorter one', () => {
    const m = parseCodeMaps(
      `version: 1
evidence:
  - system: http://www.whocc.no/atc
    codes:
      'B03*': { skip: 'other antianemic preparations' }
      'B03AA*': { kind: supplement, code: IRON_DROPS }
      'B03AA07': { kind: supplement, code: IRON_SYRUP }
`,
      'x.yaml',
    );
    expect(m.lookup('http://www.whocc.no/atc', 'B03AA07')?.target.code).toBe('IRON_SYRUP');
    expect(m.lookup('http://www.whocc.no/atc', 'B03AA02')?.target.code).toBe('IRON_DROPS');
    expect(m.lookup('http://www.whocc.no/atc', 'B03XA01')?.target.skip).toBe('other antianemic preparations');
  });

  it('stores HIS aliases of a target code as the canonical code', () => {
    const m = parseCodeMaps(
      MINIMAL.replace("'718-7': { kind: hemoglobin }", "'03': { kind: vaccine_dose, code: SPR }"),
      'x',
    );
    expect(m.lookup('http://loinc.org', '03')?.target.code).toBe('MMR');
  });
});

describe('code-maps files that are refused, with the line', () => {
  it.each([
    [
      'a vaccine code Tejido does not know',
      "      '19': { kind: vaccine_dose, code: BCGX }",
      /evidence\[0\]\.codes\.19\.code: unknown vaccine_dose code 'BCGX'/,
    ],
    ['a vaccine without its code', "      '19': { kind: vaccine_dose }", /needs a code/],
    [
      'a measurement that does not say its value',
      "      '29463-7': { kind: measurement }",
      /a measurement gives weightKg or lengthCm/,
    ],
    [
      'a weight measured lying',
      "      '29463-7': { kind: measurement, value: weightKg, measured: lying }",
      /only a length/,
    ],
    [
      'a kind no FHIR resource gives',
      "      '1': { kind: document_issued }",
      /no FHIR resource gives evidence of kind document_issued/,
    ],
    [
      'a code to a kind that takes none',
      "      '20509-6': { kind: hemoglobin, code: HB }",
      /evidence of kind hemoglobin takes no code/,
    ],
    [
      'a skipped code with a kind',
      "      '9843-4': { kind: measurement, skip: 'head' }",
      /a skipped code has only a reason/,
    ],
    ['an unknown field', "      '20509-6': { kind: hemoglobin, unit: g/dL }", /unknown field 'unit'/],
  ])('%s', (_, line, reason) => {
    const text = `${MINIMAL}${line}\n`;
    const error = failure(text);
    expect(error.message).toMatch(reason);
    expect(error.line).toBe(lineOf(text, line.trim().slice(0, 12)));
    expect(error.file).toBe('code-maps.yaml');
  });

  it('refuses an unquoted code that YAML reads as a number', () => {
    const text = `${MINIMAL}      08: { kind: vaccine_dose, code: HVB }\n`;
    const error = failure(text);
    expect(error.line).toBe(6);
    expect(error.reason).toMatch(/quote every code \('08', not 08\): YAML read this one as the number 8/);
  });

  it('refuses a system mapped twice, an identifier system under two documents, the same code twice', () => {
    const twice = `${MINIMAL}  - system: http://loinc.org\n    codes: {}\n`;
    expect(failure(twice)).toMatchObject({ line: 6 });
    expect(failure(twice).reason).toMatch(/already mapped in evidence\[0\]/);

    const docs = `version: 1
identifierSystems:
  DNI: [http://reniec.gob.pe/dni]
  CE: [http://reniec.gob.pe/dni]
evidence:
  - system: http://loinc.org
    codes: {}
`;
    expect(failure(docs)).toMatchObject({ line: 4 });
    expect(failure(docs).reason).toMatch(/already listed under DNI/);

    const zeros = `version: 1
evidence:
  - system: http://hl7.org/fhir/sid/cvx
    ignoreLeadingZeros: true
    codes:
      '08': { kind: vaccine_dose, code: HVB }
      '8': { kind: vaccine_dose, code: HVB }
`;
    // Object keys that look like integers come first: '8' is met before '08'.
    expect(failure(zeros)).toMatchObject({ line: 6 });
    expect(failure(zeros).reason).toMatch(/code '08' is the same as '8'/);
  });

  it('refuses YAML that does not parse, and a file without evidence', () => {
    expect(failure('version: 1\nevidence: [\n').line).toBeGreaterThan(1);
    expect(failure('version: 1\n').reason).toMatch(/evidence/);
  });
});
