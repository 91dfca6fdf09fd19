/**
 * The code mappings of FHIR imports (config/interop/code-maps.yaml): which identifier systems
 * hold a DNI, CUI, CE or insurance number, where a Patient's ubigeo is, and which code of which
 * code system is which Tejido evidence. Data, so that a sender's codes are added without code.
 * Pure: the caller reads the file (the server owns the folder, as for config/alerts).
 */
import { ConfigFileError, formatPath, parseYamlConfig } from '@tejido/core';
import { z } from 'zod';
import { canonicalEvidenceCode, EVIDENCE_CODES, EvidenceKind } from '../tracking';

/** The file's path in the repository; a programme may keep its own copy elsewhere. */
export const CODE_MAPS_FILE = 'config/interop/code-maps.yaml';

const Uri = z.string().trim().min(1).max(500).regex(/^\S+$/, 'a system URI has no spaces');

/** Kinds a code map may give: the ones a FHIR resource can carry. */
const MAPPABLE_KINDS = new Set<EvidenceKind>([
  'vaccine_dose',
  'hemoglobin',
  'measurement',
  'growth_checkup',
  'supplement',
  'prenatal_visit',
  'prenatal_test',
  'prenatal_supplement',
]);

/**
 * What one code becomes: an evidence kind with its Tejido code (vaccines, supplements, tests)
 * or, for a measurement, the value it gives; or `skip` with the reason the code is not imported.
 */
export const CodeMapTarget = z
  .strictObject({
    kind: EvidenceKind.optional(),
    code: z.string().trim().min(1).max(20).optional(),
    value: z.enum(['weightKg', 'lengthCm']).optional().describe('measurement: the value it gives.'),
    measured: z.enum(['lying', 'standing']).optional().describe('lengthCm: how it was taken.'),
    skip: z.string().trim().min(1).max(300).optional().describe('Known, not imported, and why.'),
  })
  .superRefine((t, ctx) => {
    const add = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (t.skip !== undefined) {
      if (t.kind !== undefined || t.code !== undefined || t.value !== undefined || t.measured !== undefined) {
        add('skip', 'a skipped code has only a reason (skip), no kind, code or value');
      }
      return;
    }
    if (t.kind === undefined) {
      add('kind', 'give the evidence kind of the code, or skip: reason');
      return;
    }
    const kind = t.kind;
    if (!MAPPABLE_KINDS.has(kind)) {
      add('kind', `no FHIR resource gives evidence of kind ${kind}`);
      return;
    }
    const spec = EVIDENCE_CODES[kind];
    if (t.code !== undefined) {
      if (!spec) add('code', `evidence of kind ${kind} takes no code`);
      else if (canonicalEvidenceCode(kind, t.code) === undefined) {
        add('code', `unknown ${kind} code '${t.code}'; use one of ${spec.codes.join(', ')}`);
      }
    } else if (spec?.required) {
      add('code', `evidence of kind ${kind} needs a code (one of ${spec.codes.join(', ')})`);
    }
    if (kind === 'measurement') {
      if (t.value === undefined) add('value', 'a measurement gives weightKg or lengthCm');
      if (t.measured !== undefined && t.value !== 'lengthCm') {
        add('measured', 'only a length (lengthCm) is measured lying or standing');
      }
    } else if (t.value !== undefined || t.measured !== undefined) {
      add(t.value !== undefined ? 'value' : 'measured', `evidence of kind ${kind} carries no value here`);
    }
  })
  .transform((t) =>
    t.kind !== undefined && t.code !== undefined
      ? { ...t, code: canonicalEvidenceCode(t.kind, t.code) ?? t.code }
      : t,
  );
export type CodeMapTarget = z.infer<typeof CodeMapTarget>;

/** The codes of one code system. */
export const CodeSystemMap = z.strictObject({
  system: Uri,
  name: z.string().trim().min(1).max(80).optional(),
  systemAliases: z.array(Uri).optional().describe('Other URIs (an OID…) senders use for the system.'),
  ignoreLeadingZeros: z
    .boolean()
    .optional()
    .describe("Compare numeric codes without their leading zeros (CVX '8' is '08')."),
  codes: z.record(
    z
      .string()
      .trim()
      .min(1)
      .max(64)
      .regex(/^[^*]+\*?$/, "a code has no '*' except at its end (a pattern)"),
    CodeMapTarget,
  ),
});
export type CodeSystemMap = z.infer<typeof CodeSystemMap>;

const IdentifierSystems = z.strictObject({
  DNI: z.array(Uri).default([]),
  CUI: z.array(Uri).default([]),
  CE: z.array(Uri).default([]),
  healthInsurance: z.array(Uri).default([]),
});

const AddressRules = z.strictObject({
  ubigeoExtensions: z.array(Uri).default([]),
  districtAsUbigeo: z.boolean().default(true),
  postalCodeAsUbigeo: z.boolean().default(false),
});

/** config/interop/code-maps.yaml as written. */
export const CodeMapsFile = z
  .strictObject({
    version: z.union([z.string().trim().min(1).max(40), z.number()]).transform(String),
    identifierSystems: IdentifierSystems.prefault({}),
    address: AddressRules.prefault({}),
    evidence: z.array(CodeSystemMap).min(1),
  })
  .superRefine((file, ctx) => {
    const documents = new Map<string, string>();
    for (const type of ['DNI', 'CUI', 'CE', 'healthInsurance'] as const) {
      file.identifierSystems[type].forEach((uri, i) => {
        const other = documents.get(uri);
        if (other !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['identifierSystems', type, i],
            message: `identifier system ${uri} is already listed under ${other}`,
          });
        }
        documents.set(uri, type);
      });
    }
    const systems = new Map<string, number>();
    file.evidence.forEach((entry, i) => {
      const uris: Array<[string, PropertyKey[]]> = [
        [entry.system, ['evidence', i, 'system']],
        ...(entry.systemAliases ?? []).map((uri, j): [string, PropertyKey[]] => [
          uri,
          ['evidence', i, 'systemAliases', j],
        ]),
      ];
      for (const [uri, path] of uris) {
        const other = systems.get(uri);
        if (other !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path,
            message: `code system ${uri} is already mapped in evidence[${other}]; give each system one entry`,
          });
        }
        systems.set(uri, i);
      }
      const seen = new Map<string, string>();
      for (const key of Object.keys(entry.codes)) {
        const normal = normalizeCode(key, entry.ignoreLeadingZeros === true);
        const twin = seen.get(normal);
        if (twin !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['evidence', i, 'codes', key],
            message: `code '${key}' is the same as '${twin}'`,
          });
        }
        seen.set(normal, key);
      }
    });
  });
export type CodeMapsFile = z.infer<typeof CodeMapsFile>;

/** An identifier system's meaning: a document type, or the health-insurance number. */
export type IdentifierMeaning = 'DNI' | 'CUI' | 'CE' | 'healthInsurance';

/** A code that was found in the maps: the target and the entry that gave it. */
export interface CodeMatch {
  target: CodeMapTarget;
  /** The system's `name` in the file, or its URI. */
  systemName: string;
}

/** The code maps ready for lookups. Build with parseCodeMaps or compileCodeMaps. */
export interface CodeMaps {
  readonly version: string;
  readonly file: CodeMapsFile;
  /** The mapping of a code of a system (exact code first, then the longest `*` pattern). */
  lookup(system: string | undefined, code: string | undefined): CodeMatch | undefined;
  /** Whether the file maps codes of this system at all. */
  knowsSystem(system: string | undefined): boolean;
  /** What an identifier system holds, if the file lists it. */
  identifierMeaning(system: string | undefined): IdentifierMeaning | undefined;
}

function normalizeCode(code: string, ignoreLeadingZeros: boolean): string {
  const upper = code.trim().toUpperCase();
  return ignoreLeadingZeros && /^\d+\*?$/.test(upper) ? upper.replace(/^0+(?=\d)/, '') : upper;
}

/**
 * Index a validated code-maps file for lookups.
 * @example compileCodeMaps(file).lookup('http://hl7.org/fhir/sid/cvx', '8')?.target // { kind: 'vaccine_dose', code: 'HVB' }
 */
export function compileCodeMaps(file: CodeMapsFile): CodeMaps {
  interface SystemIndex {
    name: string;
    zeros: boolean;
    exact: Map<string, CodeMapTarget>;
    /** Longest first. */
    patterns: Array<[string, CodeMapTarget]>;
  }
  const bySystem = new Map<string, SystemIndex>();
  for (const entry of file.evidence) {
    const zeros = entry.ignoreLeadingZeros === true;
    const index: SystemIndex = { name: entry.name ?? entry.system, zeros, exact: new Map(), patterns: [] };
    for (const [key, target] of Object.entries(entry.codes)) {
      const normal = normalizeCode(key, zeros);
      if (normal.endsWith('*')) index.patterns.push([normal.slice(0, -1), target]);
      else index.exact.set(normal, target);
    }
    index.patterns.sort((a, b) => b[0].length - a[0].length);
    for (const uri of [entry.system, ...(entry.systemAliases ?? [])]) bySystem.set(uri, index);
  }
  const identifiers = new Map<string, IdentifierMeaning>();
  for (const type of ['DNI', 'CUI', 'CE', 'healthInsurance'] as const) {
    for (const uri of file.identifierSystems[type]) identifiers.set(uri, type);
  }
  return {
    version: file.version,
    file,
    lookup(system, code) {
      if (system === undefined || code === undefined) return undefined;
      const index = bySystem.get(system.trim());
      if (!index) return undefined;
      const normal = normalizeCode(code, index.zeros);
      const exact = index.exact.get(normal);
      if (exact) return { target: exact, systemName: index.name };
      const pattern = index.patterns.find(([prefix]) => normal.startsWith(prefix));
      return pattern ? { target: pattern[1], systemName: index.name } : undefined;
    },
    knowsSystem: (system) => system !== undefined && bySystem.has(system.trim()),
    identifierMeaning: (system) => (system === undefined ? undefined : identifiers.get(system.trim())),
  };
}

/**
 * Parse config/interop/code-maps.yaml. Throws a ConfigFileError (from @tejido/core) naming the
 * file, the line and the reason: YAML syntax, an unknown field, a kind FHIR cannot give, a
 * Tejido code the kind does not accept, a system or identifier URI listed twice.
 *
 * @example
 * const maps = parseCodeMaps(readFileSync('config/interop/code-maps.yaml', 'utf8'), 'code-maps.yaml');
 * maps.lookup('http://loinc.org', '718-7')?.target; // { kind: 'hemoglobin' }
 * maps.identifierMeaning('http://reniec.gob.pe/dni'); // 'DNI'
 */
export function parseCodeMaps(text: string, fileName: string): CodeMaps {
  const doc = parseYamlConfig(text, fileName, CodeMapsFile);
  // YAML reads an unquoted 08 as the number 8, and the key no longer says what was written. Such
  // a key is not found as a string in the YAML tree: locate() falls back to the codes map.
  doc.value.evidence.forEach((_, i) => {
    const codesPath = ['evidence', i, 'codes'];
    const codes = doc.locate(codesPath);
    for (const key of Object.keys(doc.value.evidence[i]!.codes)) {
      const at = doc.locate([...codesPath, key]);
      if (at.line !== codes.line || at.column !== codes.column) continue;
      const lines = text.split('\n');
      const unquoted = lines.findIndex(
        (l, n) => n + 1 >= codes.line && /^\s*[0-9][^\s:'"]*\s*:(\s|$)/.test(l),
      );
      const line = unquoted >= 0 ? unquoted + 1 : codes.line;
      throw new ConfigFileError(
        fileName,
        line,
        1,
        `${formatPath(codesPath)}: quote every code ('08', not 08): YAML read this one as the number ${key}`,
      );
    }
  });
  return compileCodeMaps(doc.value);
}
