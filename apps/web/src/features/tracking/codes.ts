import type {
  AgeBand,
  DocumentType,
  EvidenceKind,
  InsuranceCode,
  PathwaySubject,
  PrenatalSupplementCode,
  PrenatalTestCode,
  RiskCode,
  SupplementCode,
  TrafficLight,
  VaccineCode,
} from '@tejido/schemas';

/**
 * The closed lists of the tracking API that the web app needs as values (for selects and to
 * read the address). The web app imports only types from @tejido/schemas, so each list is
 * written here and checked against its schema type: a code added to the schema and not here
 * fails the type check instead of silently missing from a select.
 */
function every<T extends string>() {
  return <const L extends readonly T[]>(
    list: L & ([Exclude<T, L[number]>] extends [never] ? unknown : { missing: Exclude<T, L[number]> }),
  ): L => list;
}

export const LIGHTS = every<TrafficLight>()(['red', 'amber', 'green']);
export const SUBJECTS = every<PathwaySubject>()(['child', 'pregnancy']);
export const AGE_BANDS = every<AgeBand>()(['0-5', '6-11', '12-23', '24-35']);
export const RISKS = every<RiskCode>()([
  'anemia',
  'stunting',
  'wasting',
  'underweight',
  'no_identity_document',
  'adolescent_mother',
  'implausible_measurement',
]);

export const VACCINES = every<VaccineCode>()([
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
export const SUPPLEMENTS = every<SupplementCode>()(['IRON_DROPS', 'IRON_SYRUP', 'MNP']);
export const PRENATAL_TESTS = every<PrenatalTestCode>()(['URINE', 'SYPHILIS', 'HIV']);
export const PRENATAL_SUPPLEMENTS = every<PrenatalSupplementCode>()(['FOLIC_ACID', 'IRON_FOLIC_ACID']);
export const INSURANCES = every<InsuranceCode>()(['SIS', 'ESSALUD', 'OTHER']);
export const DOCUMENTS = every<DocumentType>()(['DNI', 'CUI', 'CE']);

export const EVIDENCE_KINDS = every<EvidenceKind>()([
  'growth_checkup',
  'measurement',
  'vaccine_dose',
  'hemoglobin',
  'supplement',
  'document_issued',
  'insurance_affiliated',
  'prenatal_visit',
  'prenatal_test',
  'prenatal_supplement',
]);

export function isOneOf<T extends string>(list: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (list as readonly string[]).includes(value);
}
