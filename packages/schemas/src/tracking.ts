/**
 * Nominal tracking: the evidence of what happened to a child or a pregnant woman, the care
 * pathway they are compared with (parsed from config/pathways/*.yaml), the traffic-light rules,
 * and the result of the comparison. The evaluation itself is in @tejido/core (pathway/).
 */
import { z } from 'zod';
import { CalendarDate, Uuid } from './common';
import { DocumentType } from './person';

// ---------------------------------------------------------------------------------------------
// Evidence

export const EvidenceKind = z.enum([
  'growth_checkup',
  'vaccine_dose',
  'hemoglobin',
  'measurement',
  'supplement',
  'document_issued',
  'insurance_affiliated',
  'prenatal_visit',
  'prenatal_test',
  'prenatal_supplement',
]);
export type EvidenceKind = z.infer<typeof EvidenceKind>;

/**
 * Vaccines of the national schedule. HEXA (hexavalent) counts for both pentavalent and IPV in
 * the pathway files; OPV is an oral polio dose of the primary series, OPV_B the booster.
 */
export const VaccineCode = z.enum([
  'BCG',
  'HVB',
  'PENTA',
  'HEXA',
  'IPV',
  'OPV',
  'ROTA',
  'PCV',
  'FLU',
  'MMR',
  'VAR',
  'HEPA',
  'YF',
  'DPT_B',
  'OPV_B',
]);
export type VaccineCode = z.infer<typeof VaccineCode>;

export const SupplementCode = z.enum(['IRON_DROPS', 'IRON_SYRUP', 'MNP']);
export type SupplementCode = z.infer<typeof SupplementCode>;

/** First-trimester tests other than hemoglobin (a hemoglobin result is its own evidence kind). */
export const PrenatalTestCode = z.enum(['URINE', 'SYPHILIS', 'HIV']);
export type PrenatalTestCode = z.infer<typeof PrenatalTestCode>;

export const PrenatalSupplementCode = z.enum(['FOLIC_ACID', 'IRON_FOLIC_ACID']);
export type PrenatalSupplementCode = z.infer<typeof PrenatalSupplementCode>;

export const InsuranceCode = z.enum(['SIS', 'ESSALUD', 'OTHER']);
export type InsuranceCode = z.infer<typeof InsuranceCode>;

/**
 * The closed list of codes each evidence kind accepts. A kind absent here takes no code.
 * `required` kinds are meaningless without one (which vaccine? which test?).
 */
export const EVIDENCE_CODES: Partial<
  Record<
    EvidenceKind,
    { codes: readonly string[]; required: boolean; aliases: Readonly<Record<string, string>> }
  >
> = {
  vaccine_dose: {
    codes: VaccineCode.options,
    required: true,
    // HIS-MINSA (CPT-style) codes, from DOMAIN-health.md, and the Spanish abbreviation of MMR.
    aliases: {
      '90670': 'PCV',
      '90677': 'PCV',
      '90681': 'ROTA',
      '90712': 'OPV',
      '90713': 'IPV',
      '90722': 'PENTA',
      '90723': 'PENTA',
      SPR: 'MMR',
    },
  },
  supplement: {
    codes: SupplementCode.options,
    required: true,
    aliases: { '99199.17': 'IRON_DROPS', '99199.19': 'MNP' },
  },
  prenatal_test: { codes: PrenatalTestCode.options, required: true, aliases: {} },
  prenatal_supplement: { codes: PrenatalSupplementCode.options, required: true, aliases: {} },
  document_issued: { codes: DocumentType.options, required: false, aliases: {} },
  insurance_affiliated: { codes: InsuranceCode.options, required: false, aliases: {} },
};

/**
 * The canonical code of an evidence record, resolving the HIS aliases; undefined when the code
 * is not one the kind accepts.
 * @example canonicalEvidenceCode('vaccine_dose', '90722') // 'PENTA'
 * @example canonicalEvidenceCode('vaccine_dose', 'pcv') // 'PCV'
 */
export function canonicalEvidenceCode(kind: EvidenceKind, code: string): string | undefined {
  const spec = EVIDENCE_CODES[kind];
  if (!spec) return undefined;
  const upper = code.trim().toUpperCase();
  if (spec.codes.includes(upper)) return upper;
  return spec.aliases[upper];
}

/** Where a record came from; with `sourceRef`, what makes a re-import recognisable. */
export const EvidenceSource = z.enum(['manual', 'his_minsa', 'reniec', 'sis', 'fhir', 'file_import']);
export type EvidenceSource = z.infer<typeof EvidenceSource>;

/**
 * Measured values. The ranges are physical limits (a typing error, refused); values that are
 * possible but biologically implausible for the child are accepted and flagged at evaluation.
 */
export const EvidenceValues = z.strictObject({
  weightKg: z
    .number()
    .gt(0, 'A weight must be above 0 kg')
    .max(60, 'A weight above 60 kg is not possible here')
    .optional(),
  lengthCm: z
    .number()
    .min(35, 'A length below 35 cm is not possible')
    .max(130, 'A length above 130 cm is not possible here')
    .optional(),
  measured: z.enum(['lying', 'standing']).optional().describe('How the length/height was taken.'),
  oedema: z.boolean().optional().describe('Bilateral pitting oedema.'),
  hbGdl: z
    .number()
    .min(3, 'Hemoglobin below 3 g/dL is not possible')
    .max(25, 'Hemoglobin above 25 g/dL is not possible')
    .optional(),
});
export type EvidenceValues = z.infer<typeof EvidenceValues>;

const KINDS_WITH_VALUES = new Set<EvidenceKind>(['hemoglobin', 'measurement', 'growth_checkup']);
const KINDS_WITH_DOSE = new Set<EvidenceKind>(['vaccine_dose', 'supplement', 'prenatal_supplement']);

const EvidenceFields = z.object({
  id: Uuid,
  personId: Uuid,
  kind: EvidenceKind,
  date: CalendarDate,
  code: z.string().trim().min(1).max(20).optional(),
  dose: z.int().min(1).max(10).optional().describe('Dose or delivery number, when the source says it.'),
  values: EvidenceValues.optional(),
  source: EvidenceSource,
  sourceRef: z.string().trim().min(1).max(200).nullish(),
});

/** The rules that tie code, dose and values to the kind, naming the field at fault. */
export interface EvidenceShape {
  kind: EvidenceKind;
  code?: string | undefined;
  dose?: number | undefined;
  values?: EvidenceValues | undefined;
}

/**
 * What is wrong with an evidence record's code, dose and values for its kind (none: []), each
 * with the path of the field at fault. Used by the API's schema and by the importers, which
 * check a million rows without building zod issues for the good ones.
 * @example evidenceIssues({ kind: 'vaccine_dose' }) // [{ path: ['code'], message: 'Evidence of kind vaccine_dose needs a code' }]
 */
export function evidenceIssues(e: EvidenceShape): Array<{ path: string[]; message: string }> {
  const issues: Array<{ path: string[]; message: string }> = [];
  const kind = e.kind;
  const spec = EVIDENCE_CODES[kind];
  if (e.code !== undefined) {
    if (!spec) {
      issues.push({ path: ['code'], message: `Evidence of kind ${kind} takes no code` });
    } else if (canonicalEvidenceCode(kind, e.code) === undefined) {
      issues.push({
        path: ['code'],
        message: `Unknown ${kind} code '${e.code}'; use one of ${spec.codes.join(', ')}`,
      });
    }
  } else if (spec?.required) {
    issues.push({ path: ['code'], message: `Evidence of kind ${kind} needs a code` });
  }
  if (e.dose !== undefined && !KINDS_WITH_DOSE.has(kind)) {
    issues.push({ path: ['dose'], message: `Evidence of kind ${kind} has no dose number` });
  }
  if (e.values !== undefined && !KINDS_WITH_VALUES.has(kind)) {
    issues.push({ path: ['values'], message: `Evidence of kind ${kind} carries no values` });
  }
  if (kind === 'hemoglobin' && e.values?.hbGdl === undefined) {
    issues.push({ path: ['values', 'hbGdl'], message: 'A hemoglobin result needs hbGdl' });
  }
  if (e.values?.hbGdl !== undefined && kind !== 'hemoglobin') {
    issues.push({ path: ['values', 'hbGdl'], message: 'Record hemoglobin as kind hemoglobin' });
  }
  if (kind === 'measurement' && e.values?.weightKg === undefined && e.values?.lengthCm === undefined) {
    issues.push({ path: ['values'], message: 'A measurement needs weightKg or lengthCm' });
  }
  return issues;
}

function checkEvidence(e: EvidenceShape, ctx: z.RefinementCtx): void {
  for (const issue of evidenceIssues(e))
    ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
}

function canonical<T extends { kind: EvidenceKind; code?: string | undefined }>(e: T): T {
  return e.code === undefined ? e : { ...e, code: canonicalEvidenceCode(e.kind, e.code) };
}

/**
 * One fact about a person: a vaccine given, a checkup, a hemoglobin result, a measurement, a
 * supplement delivered, a document issued, an insurance affiliation, a prenatal visit or test.
 * Append-only. `code` is stored canonical: HIS codes such as 90722 become PENTA.
 */
export const Evidence = EvidenceFields.superRefine(checkEvidence).transform(canonical);
export type Evidence = z.infer<typeof Evidence>;

/**
 * A record to add for a person (POST /persons/{id}/evidence). `id` lets an offline client
 * retry without a duplicate; `source` and `sourceRef` identify a record of an outside
 * system, so that sending it twice stores it once.
 */
export const EvidenceCreate = EvidenceFields.omit({ personId: true })
  .extend({ id: Uuid.optional(), source: EvidenceSource.default('manual') })
  .superRefine(checkEvidence)
  .transform(canonical);
export type EvidenceCreate = z.input<typeof EvidenceCreate>;

/** A stored record as the API shows it. */
export const EvidenceView = z.object({
  id: Uuid,
  personId: Uuid,
  kind: EvidenceKind,
  date: CalendarDate,
  code: z.string().nullable(),
  dose: z.int().nullable(),
  values: EvidenceValues.nullable(),
  implausible: z
    .boolean()
    .describe('WHO flags the measurement as biologically implausible: to be re-measured.'),
  source: EvidenceSource,
  sourceRef: z.string().nullable(),
  recordedAt: z.string(),
});
export type EvidenceView = z.infer<typeof EvidenceView>;

// ---------------------------------------------------------------------------------------------
// Care pathways (config/pathways/*.yaml)

/** Who an item or a pathway is for: a child (ages in days) or a pregnancy (gestational weeks). */
export const PathwaySubject = z.enum(['child', 'pregnancy']);
export type PathwaySubject = z.infer<typeof PathwaySubject>;

export const PathwayItemKind = z.enum([
  'growth_checkup',
  'vaccine',
  'hemoglobin_screening',
  'iron_supplementation',
  'identity_document',
  'health_insurance',
  'prenatal_visit',
  'prenatal_test',
  'prenatal_supplement',
]);
export type PathwayItemKind = z.infer<typeof PathwayItemKind>;

export const Criticality = z.enum(['critical', 'normal']);
export type Criticality = z.infer<typeof Criticality>;

/** A label in both languages. `esGender` makes the Spanish reasons agree ("vacuna vencida", "control vencido"). */
export const ItemLabel = z.strictObject({
  es: z.string().trim().min(1).max(120),
  en: z.string().trim().min(1).max(120),
  esGender: z
    .enum(['f', 'm'])
    .optional()
    .describe('Grammatical gender of the Spanish label; masculine when absent.'),
});
export type ItemLabel = z.infer<typeof ItemLabel>;

const WINDOW_KEYS = ['from', 'due', 'late', 'until'] as const;

/**
 * When an item applies, in days of age (child) or completed gestational weeks (pregnancy):
 * upcoming before `from`, due from `from` to `late`, overdue after `late`; `due` is the target
 * the field worker aims at. With `until`, an item not done by then is closed (not applicable,
 * `missed`): a later checkup supersedes it, a rotavirus dose is no longer given.
 */
export const PathwayWindow = z
  .strictObject({
    from: z.int().min(0),
    due: z.int().min(0),
    late: z.int().min(0),
    until: z.int().min(0).optional(),
  })
  .superRefine((w, ctx) => {
    for (let i = 1; i < WINDOW_KEYS.length; i++) {
      const key = WINDOW_KEYS[i]!;
      const prev = WINDOW_KEYS[i - 1]!;
      const value = w[key];
      if (value !== undefined && value < w[prev]!) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `window out of order: ${key} (${value}) is before ${prev} (${w[prev]}); use from ≤ due ≤ late ≤ until`,
        });
      }
    }
  });
export type PathwayWindow = z.infer<typeof PathwayWindow>;

/**
 * What evidence satisfies an item:
 * - `kind` and optionally `codes` (any of them) select the records;
 * - `dose: n`: the n-th record in date order (doses closer than `minIntervalDays` to the previous
 *   counted one do not count; a record whose own dose number is n or more also satisfies it);
 * - `count: n`: at least n such records (same spacing rule);
 * - otherwise one record is enough;
 * - `withinWindow`: only records dated inside the item's window (from … until) count, and each
 *   record satisfies one such item only (a checkup at 65 days is the 2-month checkup, not also
 *   the 1-month one). Without it a record of any date up to the evaluation date counts.
 */
export const EvidenceRequirement = z
  .strictObject({
    kind: EvidenceKind,
    codes: z.array(z.string().trim().min(1)).min(1).optional(),
    dose: z.int().min(1).max(10).optional(),
    count: z.int().min(1).max(50).optional(),
    minIntervalDays: z.int().min(0).max(3650).optional(),
    withinWindow: z.boolean().optional(),
  })
  .superRefine((r, ctx) => {
    if (r.dose !== undefined && r.count !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['count'], message: 'give dose or count, not both' });
    }
    const spec = EVIDENCE_CODES[r.kind];
    r.codes?.forEach((code, i) => {
      if (!spec) {
        ctx.addIssue({
          code: 'custom',
          path: ['codes', i],
          message: `evidence of kind ${r.kind} has no codes`,
        });
      } else if (!spec.codes.includes(code)) {
        ctx.addIssue({
          code: 'custom',
          path: ['codes', i],
          message: `unknown ${r.kind} code '${code}'; use one of ${spec.codes.join(', ')}`,
        });
      }
    });
  });
export type EvidenceRequirement = z.infer<typeof EvidenceRequirement>;

const ItemId = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]{0,63}$/,
    'an item id is lower-case letters, digits, dots, dashes or underscores',
  );

export const PathwayItem = z.strictObject({
  id: ItemId,
  label: ItemLabel,
  kind: PathwayItemKind,
  appliesTo: PathwaySubject.optional().describe("Defaults to the pathway's appliesTo."),
  window: PathwayWindow,
  criticality: Criticality,
  criticalAfterDays: z
    .int()
    .min(0)
    .optional()
    .describe('A normal item overdue by this many days or more counts as critical.'),
  satisfiedBy: EvidenceRequirement,
  condition: z
    .string()
    .trim()
    .min(1)
    .max(2000)
    .optional()
    .describe('CEL over `person`: the item applies only when true (e.g. person.amazon).'),
});
export type PathwayItemInput = z.input<typeof PathwayItem>;

// Upper bounds keep a typo (2400 weeks) from producing absurd dates.
const MAX_WINDOW = { child: 366 * 18, pregnancy: 45 } as const;

/** A care pathway as written in config/pathways/<code>-<version>.yaml. */
export const Pathway = z
  .strictObject({
    code: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{1,63}$/, 'a pathway code is lower-case letters, digits and dashes'),
    version: z.union([z.string().trim().min(1).max(40), z.number()]).transform(String),
    name: z.strictObject({ es: z.string().trim().min(1).max(200), en: z.string().trim().min(1).max(200) }),
    validFrom: CalendarDate,
    appliesTo: PathwaySubject,
    source: z.string().trim().max(500).optional().describe('The norm the pathway transcribes.'),
    items: z.array(PathwayItem).min(1),
  })
  .superRefine((p, ctx) => {
    const seen = new Set<string>();
    p.items.forEach((item, i) => {
      if (seen.has(item.id)) {
        ctx.addIssue({ code: 'custom', path: ['items', i, 'id'], message: `duplicate item id '${item.id}'` });
      }
      seen.add(item.id);
      const subject = item.appliesTo ?? p.appliesTo;
      for (const key of WINDOW_KEYS) {
        const value = item.window[key];
        if (value !== undefined && value > MAX_WINDOW[subject]) {
          ctx.addIssue({
            code: 'custom',
            path: ['items', i, 'window', key],
            message: `${key} ${value} is beyond ${MAX_WINDOW[subject]} ${subject === 'child' ? 'days of age' : 'gestational weeks'}`,
          });
        }
      }
    });
  })
  .transform((p) => ({
    ...p,
    items: p.items.map((item) => ({ ...item, appliesTo: item.appliesTo ?? p.appliesTo })),
  }));
export type Pathway = z.infer<typeof Pathway>;
export type PathwayItem = Pathway['items'][number];

// ---------------------------------------------------------------------------------------------
// Traffic light (config/pathways/traffic-light.yaml)

export const TrafficLight = z.enum(['green', 'amber', 'red']);
export type TrafficLight = z.infer<typeof TrafficLight>;

export const TrafficLightRule = z.strictObject({
  light: TrafficLight,
  when: z
    .string()
    .trim()
    .min(1)
    .max(4000)
    .describe('CEL over items, risks, person and counts; true or false.'),
  description: z.strictObject({ es: z.string().trim().min(1), en: z.string().trim().min(1) }).optional(),
});
export type TrafficLightRule = z.infer<typeof TrafficLightRule>;

/** Rules tried in order; the first whose `when` is true gives the light, `otherwise` if none. */
export const TrafficLightRules = z.strictObject({
  version: z.union([z.string().trim().min(1).max(40), z.number()]).transform(String),
  rules: z.array(TrafficLightRule).min(1),
  otherwise: TrafficLight.default('green'),
});
export type TrafficLightRules = z.infer<typeof TrafficLightRules>;

// ---------------------------------------------------------------------------------------------
// Result of an evaluation

export const TrackingItemStatus = z.enum(['done', 'due', 'overdue', 'upcoming', 'not_applicable']);
export type TrackingItemStatus = z.infer<typeof TrackingItemStatus>;

export const TrackingItemResult = z.object({
  itemId: z.string(),
  kind: PathwayItemKind,
  label: ItemLabel,
  status: TrackingItemStatus,
  criticality: Criticality.describe('As it stands today: a normal item long overdue may count as critical.'),
  window: PathwayWindow,
  dueDate: CalendarDate,
  lateDate: CalendarDate,
  evidenceIds: z.array(z.string()).describe('The records that satisfy the item, when done.'),
  daysOverdue: z.int().describe('Days past lateDate when overdue, 0 otherwise.'),
  missed: z.boolean().describe('Closed without evidence: its window (until) has passed.'),
});
export type TrackingItemResult = z.infer<typeof TrackingItemResult>;

export const RiskCode = z.enum([
  'anemia',
  'stunting',
  'wasting',
  'underweight',
  'no_identity_document',
  'adolescent_mother',
  'implausible_measurement',
]);
export type RiskCode = z.infer<typeof RiskCode>;

export const RiskSeverity = z.enum(['mild', 'moderate', 'severe']);
export type RiskSeverity = z.infer<typeof RiskSeverity>;

export const TrackingRisk = z.object({
  code: RiskCode,
  severity: RiskSeverity,
  detail: z.string().describe('Technical detail for staff, in English: values, dates.'),
  evidenceId: z.string().optional().describe('The record the risk was found in.'),
  treated: z.boolean().optional().describe('Anemia: a supplement was given on or after the result.'),
});
export type TrackingRisk = z.infer<typeof TrackingRisk>;

export const TrackingReason = z.object({
  code: z.union([z.enum(['item_overdue', 'item_due']), RiskCode]),
  itemId: z.string().optional(),
  text_es: z.string(),
  text_en: z.string(),
});
export type TrackingReason = z.infer<typeof TrackingReason>;

export const TrackingResult = z.object({
  personId: z.string(),
  pathwayCode: z.string(),
  pathwayVersion: z.string(),
  rulesVersion: z.string(),
  asOf: CalendarDate,
  light: TrafficLight,
  urgency: z.number().describe('Higher is more urgent: the light first, then the most urgent reason.'),
  items: z.array(TrackingItemResult),
  risks: z.array(TrackingRisk),
  reasons: z.array(TrackingReason).describe('Most urgent first.'),
  alerts: z
    .array(z.string())
    .optional()
    .describe('Rule alert types that fire (when the evaluation was given alert rules).'),
});
export type TrackingResult = z.infer<typeof TrackingResult>;
