/**
 * A person's care status as a FHIR R4 Bundle for health systems: the Patient, an Immunization
 * per vaccine dose, Observations for hemoglobin, weight and length/height, and for a tracked child
 * or pregnant woman a CarePlan with every pathway item (done, due, overdue…) and the traffic
 * light, plus a Flag when the light is amber or red. The content comes from getTracking, so it is
 * evaluated, scoped and audited exactly as the person's tracking page.
 */
import { createHash } from 'node:crypto';
import { todayInPeru, uuidv7 } from '@tejido/core';
import type { DB } from '@tejido/db';
import {
  DomainError,
  type EvidenceView,
  type HemoglobinPoint,
  type PersonTracking,
  type TrackingItemResult,
  type TrafficLight,
  type VaccineCode,
} from '@tejido/schemas';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Actor } from '../access/actor';
import { assertCan, can } from '../access/permissions';
import { recordAudit } from '../audit/service';
import { scopedHouseholds } from '../registry/households';
import { getTracking } from '../tracking/service';

export const FHIR_CONTENT_TYPE = 'application/fhir+json';

/** Naming and code systems. Tejido's own live under https://tejido.dev/fhir/. */
export const SYSTEM = {
  dni: 'http://reniec.gob.pe/dni',
  cui: 'http://reniec.gob.pe/cui',
  ce: 'http://migraciones.gob.pe/ce',
  person: 'https://tejido.dev/fhir/sid/person',
  evidence: 'https://tejido.dev/fhir/sid/evidence',
  source: 'https://tejido.dev/fhir/sid/source/',
  vaccine: 'https://tejido.dev/fhir/CodeSystem/vaccine',
  pathway: 'https://tejido.dev/fhir/CodeSystem/pathway',
  pathwayItem: 'https://tejido.dev/fhir/CodeSystem/pathway-item',
  itemStatus: 'https://tejido.dev/fhir/CodeSystem/pathway-item-status',
  trafficLight: 'https://tejido.dev/fhir/CodeSystem/traffic-light',
  trafficLightExtension: 'https://tejido.dev/fhir/StructureDefinition/traffic-light',
  cvx: 'http://hl7.org/fhir/sid/cvx',
  loinc: 'http://loinc.org',
  ucum: 'http://unitsofmeasure.org',
  identifierType: 'http://terminology.hl7.org/CodeSystem/v2-0203',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  interpretation: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation',
  flagCategory: 'http://terminology.hl7.org/CodeSystem/flag-category',
  mothersFamily: 'http://hl7.org/fhir/StructureDefinition/humanname-mothers-family',
} as const;

// ---------------------------------------------------------------------------------------------
// The FHIR R4 shapes this export writes (a subset of each resource)

interface Coding {
  system: string;
  code: string;
  display?: string;
  version?: string;
}
interface CodeableConcept {
  coding?: Coding[];
  text?: string;
}
interface Reference {
  reference: string;
}
interface Identifier {
  use?: 'official' | 'secondary';
  type?: CodeableConcept;
  system: string;
  value: string;
}
interface Quantity {
  value: number;
  unit: string;
  system: string;
  code: string;
}
interface Annotation {
  text: string;
}

export type FhirPatient = {
  resourceType: 'Patient';
  id: string;
  identifier: Identifier[];
  active: boolean;
  name: Array<{
    use: 'official';
    text: string;
    family: string;
    _family?: { extension: Array<{ url: string; valueString: string }> };
    given: string[];
  }>;
  gender: 'female' | 'male';
  birthDate: string;
  deceasedBoolean?: true;
};

export type FhirImmunization = {
  resourceType: 'Immunization';
  id: string;
  identifier: Identifier[];
  status: 'completed';
  vaccineCode: CodeableConcept;
  patient: Reference;
  occurrenceDateTime: string;
  recorded: string;
  protocolApplied?: Array<{ doseNumberPositiveInt: number }>;
};

export type FhirObservation = {
  resourceType: 'Observation';
  id: string;
  identifier: Identifier[];
  status: 'final';
  category: CodeableConcept[];
  code: CodeableConcept;
  subject: Reference;
  effectiveDateTime: string;
  issued: string;
  valueQuantity: Quantity;
  method?: CodeableConcept;
  interpretation?: CodeableConcept[];
  note?: Annotation[];
};

export type FhirCarePlan = {
  resourceType: 'CarePlan';
  id: string;
  extension: Array<{ url: string; valueCode: TrafficLight }>;
  status: 'active';
  intent: 'plan';
  category: CodeableConcept[];
  title: string;
  description: string;
  subject: Reference;
  period: { start: string };
  activity: Array<{
    outcomeReference?: Reference[];
    detail: {
      code: CodeableConcept;
      status: 'not-started' | 'completed' | 'stopped';
      statusReason: CodeableConcept;
      scheduledPeriod: { start: string; end: string };
    };
  }>;
};

export type FhirFlag = {
  resourceType: 'Flag';
  id: string;
  status: 'active';
  category: CodeableConcept[];
  code: CodeableConcept;
  subject: Reference;
  period: { start: string };
};

export type FhirResource = FhirPatient | FhirImmunization | FhirObservation | FhirCarePlan | FhirFlag;

export type FhirBundle = {
  resourceType: 'Bundle';
  id: string;
  meta: { lastUpdated: string };
  type: 'collection';
  timestamp: string;
  entry: Array<{ fullUrl: string; resource: FhirResource }>;
};

/** The response schema: the envelope is checked, the resources pass as built above. */
export const FhirBundleSchema = z
  .looseObject({
    resourceType: z.literal('Bundle'),
    id: z.string(),
    meta: z.object({ lastUpdated: z.string() }),
    type: z.literal('collection'),
    timestamp: z.string(),
    entry: z.array(
      z.object({
        fullUrl: z.string(),
        resource: z.looseObject({ resourceType: z.string(), id: z.string() }),
      }),
    ),
  })
  .describe('A FHIR R4 Bundle of type collection (application/fhir+json).');

// ---------------------------------------------------------------------------------------------
// Vaccines

/**
 * Tejido's vaccine codes with their Spanish names (as the web app shows them) and the CDC's CVX
 * code. Where the record does not say the product, the CVX "unspecified formulation" code is
 * used (rotavirus, pneumococcal conjugate, influenza, hepatitis A, yellow fever, oral polio);
 * Peru's pentavalent is the WHO-prequalified whole-cell vaccine, CVX 198.
 */
export const VACCINES: Record<VaccineCode, { display: string; cvx: [string, string] }> = {
  BCG: { display: 'BCG', cvx: ['19', 'BCG'] },
  HVB: { display: 'Hepatitis B (HVB)', cvx: ['08', 'Hep B, adolescent or pediatric'] },
  PENTA: { display: 'Pentavalente', cvx: ['198', 'DTP-hepB-Hib Pentavalent Non-US'] },
  HEXA: { display: 'Hexavalente', cvx: ['146', 'DTaP,IPV,Hib,HepB'] },
  IPV: { display: 'Polio inyectable (IPV)', cvx: ['10', 'IPV'] },
  OPV: { display: 'Polio oral (APO)', cvx: ['182', 'OPV, Unspecified'] },
  ROTA: { display: 'Rotavirus', cvx: ['122', 'rotavirus, unspecified formulation'] },
  PCV: { display: 'Neumococo', cvx: ['152', 'Pneumococcal Conjugate, unspecified formulation'] },
  FLU: { display: 'Influenza', cvx: ['88', 'influenza, unspecified formulation'] },
  MMR: { display: 'SPR (sarampión, paperas y rubéola)', cvx: ['03', 'MMR'] },
  VAR: { display: 'Varicela', cvx: ['21', 'varicella'] },
  HEPA: { display: 'Hepatitis A', cvx: ['31', 'Hep A, pediatric, unspecified formulation'] },
  YF: { display: 'Fiebre amarilla', cvx: ['184', 'Yellow fever, unspecified formulation'] },
  DPT_B: { display: 'Refuerzo DPT', cvx: ['01', 'DTP'] },
  OPV_B: { display: 'Refuerzo polio oral (APO)', cvx: ['182', 'OPV, Unspecified'] },
};

// ---------------------------------------------------------------------------------------------
// Building the bundle (pure)

/**
 * A stable UUID for a resource derived from a record (weight and height of one checkup, the care
 * plan of one evaluation): the same export twice names its resources the same way.
 */
export function derivedUuid(seed: string): string {
  const h = createHash('sha1').update(`tejido:${seed}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export interface ExportedPerson {
  id: string;
  givenNames: string;
  firstSurname: string;
  secondSurname: string | null;
  sex: 'female' | 'male';
  birthDate: string;
  status: 'active' | 'moved_out' | 'deceased' | 'merged';
  document: { type: 'DNI' | 'CUI' | 'CE'; number: string } | null;
}

function patient(p: ExportedPerson): FhirPatient {
  const identifier: Identifier[] = [];
  if (p.document) {
    const { type, number } = p.document;
    identifier.push({
      use: 'official',
      type: {
        // v2-0203: NI national unique individual identifier; PRC permanent resident card.
        coding: [{ system: SYSTEM.identifierType, code: type === 'CE' ? 'PRC' : 'NI' }],
        text: type,
      },
      system: type === 'DNI' ? SYSTEM.dni : type === 'CUI' ? SYSTEM.cui : SYSTEM.ce,
      value: number,
    });
  }
  identifier.push({ use: 'secondary', system: SYSTEM.person, value: p.id });
  // `family` is the whole family name, as HL7 asks for Spanish names; the extension marks the
  // second surname as the one that comes from the mother.
  const family = [p.firstSurname, p.secondSurname].filter(Boolean).join(' ');
  return {
    resourceType: 'Patient',
    id: p.id,
    identifier,
    active: p.status === 'active',
    name: [
      {
        use: 'official',
        text: `${p.givenNames} ${family}`,
        family,
        ...(p.secondSurname
          ? { _family: { extension: [{ url: SYSTEM.mothersFamily, valueString: p.secondSurname }] } }
          : {}),
        given: p.givenNames.split(/\s+/).filter((g) => g.length > 0),
      },
    ],
    gender: p.sex,
    birthDate: p.birthDate,
    ...(p.status === 'deceased' ? { deceasedBoolean: true as const } : {}),
  };
}

function recordIdentifiers(e: EvidenceView): Identifier[] {
  const ids: Identifier[] = [{ system: SYSTEM.evidence, value: e.id }];
  if (e.sourceRef) ids.push({ system: `${SYSTEM.source}${e.source}`, value: e.sourceRef });
  return ids;
}

function immunization(e: EvidenceView, subject: Reference): FhirImmunization {
  const code = e.code ?? 'UNKNOWN';
  const known = VACCINES[code as VaccineCode];
  const coding: Coding[] = [{ system: SYSTEM.vaccine, code, ...(known ? { display: known.display } : {}) }];
  if (known) coding.push({ system: SYSTEM.cvx, code: known.cvx[0], display: known.cvx[1] });
  return {
    resourceType: 'Immunization',
    id: e.id,
    identifier: recordIdentifiers(e),
    status: 'completed',
    vaccineCode: { coding, text: known?.display ?? code },
    patient: subject,
    occurrenceDateTime: e.date,
    recorded: e.recordedAt,
    ...(e.dose ? { protocolApplied: [{ doseNumberPositiveInt: e.dose }] } : {}),
  };
}

const category = (code: 'vital-signs' | 'laboratory', display: string): CodeableConcept[] => [
  { coding: [{ system: SYSTEM.observationCategory, code, display }] },
];

const IMPLAUSIBLE: Annotation = {
  text: 'Biologically implausible by the WHO limits: to be measured again; left out of the classification.',
};

const ANEMIA_INTERPRETATION = {
  none: { code: 'N', display: 'Normal' },
  mild: { code: 'L', display: 'Low' },
  moderate: { code: 'L', display: 'Low' },
  severe: { code: 'LL', display: 'Critical low' },
} as const;

/** The Observations of one record: hemoglobin (718-7), weight (29463-7), length or height (8302-2). */
function observations(
  e: EvidenceView,
  subject: Reference,
  hb: HemoglobinPoint | undefined,
): FhirObservation[] {
  const v = e.values;
  if (!v) return [];
  const base = {
    resourceType: 'Observation' as const,
    identifier: recordIdentifiers(e),
    status: 'final' as const,
    subject,
    effectiveDateTime: e.date,
    issued: e.recordedAt,
  };
  const out: FhirObservation[] = [];
  if (v.hbGdl !== undefined) {
    const interpretation: CodeableConcept[] = [];
    if (hb?.anemia) {
      const i = ANEMIA_INTERPRETATION[hb.anemia];
      interpretation.push({
        coding: [{ system: SYSTEM.interpretation, code: i.code, display: i.display }],
        text:
          hb.anemia === 'none'
            ? `No anemia (${hb.adjustedGdl} g/dL adjusted for altitude)`
            : `Anemia, ${hb.anemia} (${hb.adjustedGdl} g/dL adjusted for altitude)`,
      });
    }
    out.push({
      ...base,
      id: derivedUuid(`${e.id}/hemoglobin`),
      category: category('laboratory', 'Laboratory'),
      code: {
        coding: [{ system: SYSTEM.loinc, code: '718-7', display: 'Hemoglobin [Mass/volume] in Blood' }],
        text: 'Hemoglobina',
      },
      valueQuantity: { value: v.hbGdl, unit: 'g/dL', system: SYSTEM.ucum, code: 'g/dL' },
      ...(interpretation.length > 0 ? { interpretation } : {}),
    });
  }
  if (v.weightKg !== undefined) {
    out.push({
      ...base,
      id: derivedUuid(`${e.id}/weight`),
      category: category('vital-signs', 'Vital Signs'),
      code: { coding: [{ system: SYSTEM.loinc, code: '29463-7', display: 'Body weight' }], text: 'Peso' },
      valueQuantity: { value: v.weightKg, unit: 'kg', system: SYSTEM.ucum, code: 'kg' },
      ...(e.implausible ? { note: [IMPLAUSIBLE] } : {}),
    });
  }
  if (v.lengthCm !== undefined) {
    out.push({
      ...base,
      id: derivedUuid(`${e.id}/length`),
      category: category('vital-signs', 'Vital Signs'),
      code: {
        coding: [{ system: SYSTEM.loinc, code: '8302-2', display: 'Body height' }],
        text: v.measured === 'standing' ? 'Talla' : 'Longitud',
      },
      valueQuantity: { value: v.lengthCm, unit: 'cm', system: SYSTEM.ucum, code: 'cm' },
      ...(v.measured
        ? { method: { text: v.measured === 'lying' ? 'Lying (recumbent length)' : 'Standing height' } }
        : {}),
      ...(e.implausible ? { note: [IMPLAUSIBLE] } : {}),
    });
  }
  return out;
}

const LIGHT_DISPLAY: Record<TrafficLight, { en: string; es: string }> = {
  green: { en: 'Green', es: 'verde' },
  amber: { en: 'Amber', es: 'ámbar' },
  red: { en: 'Red', es: 'rojo' },
};

const ITEM_STATUS = {
  done: { status: 'completed', display: 'Done' },
  due: { status: 'not-started', display: 'Due' },
  overdue: { status: 'not-started', display: 'Overdue' },
  upcoming: { status: 'not-started', display: 'Upcoming' },
} as const;

function activity(
  item: TrackingItemResult,
  references: Map<string, string[]>,
): FhirCarePlan['activity'][number] {
  const state =
    item.status === 'not_applicable'
      ? { status: 'stopped' as const, display: 'Missed' }
      : ITEM_STATUS[item.status];
  const outcome = item.evidenceIds.flatMap((id) => references.get(id) ?? []);
  return {
    ...(outcome.length > 0 ? { outcomeReference: outcome.map((reference) => ({ reference })) } : {}),
    detail: {
      code: {
        coding: [{ system: SYSTEM.pathwayItem, code: item.itemId, display: item.label.es }],
        text: item.label.es,
      },
      status: state.status,
      statusReason: {
        coding: [
          {
            system: SYSTEM.itemStatus,
            code: item.status === 'not_applicable' ? 'missed' : item.status,
            display: state.display,
          },
        ],
        text: item.status === 'overdue' ? `Overdue by ${item.daysOverdue} days` : state.display,
      },
      scheduledPeriod: { start: item.dueDate, end: item.lateDate },
    },
  };
}

function carePlan(t: PersonTracking, subject: Reference, references: Map<string, string[]>): FhirCarePlan {
  const light = LIGHT_DISPLAY[t.light];
  const reasons = t.reasons.map((r) => r.text_es);
  return {
    resourceType: 'CarePlan',
    id: derivedUuid(`${t.personId}/careplan/${t.pathway.code}@${t.pathway.version}/${t.asOf}`),
    extension: [{ url: SYSTEM.trafficLightExtension, valueCode: t.light }],
    status: 'active',
    intent: 'plan',
    category: [
      {
        coding: [
          {
            system: SYSTEM.pathway,
            code: t.pathway.code,
            version: t.pathway.version,
            display: t.pathway.name.es,
          },
        ],
        text: t.pathway.name.es,
      },
    ],
    title: t.pathway.name.es,
    description: `Semáforo ${light.es} al ${t.asOf}${reasons.length > 0 ? `: ${reasons.join('; ')}` : ''}`,
    subject,
    period: { start: t.anchorDate },
    // Items whose condition does not apply (yellow fever outside the Amazon) are left out; an item
    // whose window closed without evidence stays, as stopped ("missed").
    activity: t.items
      .filter((i) => i.status !== 'not_applicable' || i.missed)
      .map((i) => activity(i, references)),
  };
}

function flag(t: PersonTracking, subject: Reference): FhirFlag {
  const light = LIGHT_DISPLAY[t.light];
  return {
    resourceType: 'Flag',
    id: derivedUuid(`${t.personId}/flag/${t.asOf}`),
    status: 'active',
    category: [{ coding: [{ system: SYSTEM.flagCategory, code: 'clinical', display: 'Clinical' }] }],
    code: {
      coding: [{ system: SYSTEM.trafficLight, code: t.light, display: light.en }],
      text: `Semáforo ${light.es}: ${t.reasons.map((r) => r.text_es).join('; ')}`,
    },
    subject,
    period: { start: t.asOf },
  };
}

/**
 * The bundle of one person. `collection`, not `searchset`: it answers no search (no matches,
 * no paging, no `search.mode`), it is one person's record put together for another system;
 * nor `document`, which needs a Composition and an attester Tejido cannot be.
 */
export function buildFhirBundle(
  person: ExportedPerson,
  evidence: EvidenceView[],
  tracking: PersonTracking | null,
  now = new Date(),
): FhirBundle {
  const subject: Reference = { reference: `urn:uuid:${person.id}` };
  const entry: FhirBundle['entry'] = [{ fullUrl: subject.reference, resource: patient(person) }];
  const hemoglobin = new Map((tracking?.hemoglobin ?? []).map((h) => [h.evidenceId, h]));
  // Oldest first, as a record reads; the care plan points at the resources of its evidence.
  const references = new Map<string, string[]>();
  const add = (evidenceId: string, resource: FhirImmunization | FhirObservation) => {
    const fullUrl = `urn:uuid:${resource.id}`;
    entry.push({ fullUrl, resource });
    references.set(evidenceId, [...(references.get(evidenceId) ?? []), fullUrl]);
  };
  const ordered = [...evidence].sort(
    (a, b) => a.date.localeCompare(b.date) || a.recordedAt.localeCompare(b.recordedAt),
  );
  for (const e of ordered) {
    if (e.kind === 'vaccine_dose') add(e.id, immunization(e, subject));
    for (const o of observations(e, subject, hemoglobin.get(e.id))) add(e.id, o);
  }
  if (tracking) {
    const plan = carePlan(tracking, subject, references);
    entry.push({ fullUrl: `urn:uuid:${plan.id}`, resource: plan });
    if (tracking.light !== 'green') {
      const f = flag(tracking, subject);
      entry.push({ fullUrl: `urn:uuid:${f.id}`, resource: f });
    }
  }
  const at = now.toISOString();
  return {
    resourceType: 'Bundle',
    id: uuidv7(),
    meta: { lastUpdated: at },
    type: 'collection',
    timestamp: at,
    entry,
  };
}

// ---------------------------------------------------------------------------------------------
// Reading

/**
 * Evidence of a person who is not tracked (an adult, a child past 36 months), who has no
 * tracking page to read it from. The person has been checked to be in scope; records retracted
 * as linked by mistake are left out, as getTracking leaves them out.
 */
async function untrackedEvidence(db: Kysely<DB>, personId: string): Promise<EvidenceView[]> {
  const rows = await db
    .selectFrom('evidence as e')
    .selectAll('e')
    .where('e.person_id', '=', personId)
    .where('e.date', '<=', todayInPeru())
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('evidence_retraction as r')
            .select('r.evidence_id')
            .whereRef('r.evidence_id', '=', 'e.id'),
        ),
      ),
    )
    .orderBy('e.date', 'desc')
    .orderBy('e.recorded_at', 'desc')
    .execute();
  return rows.map((r) => {
    const values: NonNullable<EvidenceView['values']> = {};
    if (r.weight_kg !== null) values.weightKg = r.weight_kg;
    if (r.length_cm !== null) values.lengthCm = r.length_cm;
    if (r.measured !== null) values.measured = r.measured as 'lying' | 'standing';
    if (r.oedema !== null) values.oedema = r.oedema;
    if (r.hb_gdl !== null) values.hbGdl = r.hb_gdl;
    return {
      id: r.id,
      personId: r.person_id,
      kind: r.kind as EvidenceView['kind'],
      date: r.date,
      code: r.code,
      dose: r.dose,
      values: Object.keys(values).length > 0 ? values : null,
      implausible: r.implausible,
      source: r.source as EvidenceView['source'],
      sourceRef: r.source_ref,
      recordedAt: r.recorded_at.toISOString(),
    };
  });
}

/**
 * GET /persons/{id}/fhir. NOT_FOUND outside the caller's scope. A tracked person's content is
 * their tracking page (getTracking, which audits it as `tracking.read`); a person not tracked
 * still gets the Patient and the evidence there is. The export itself is audited as
 * `person.export`, since it discloses identity documents the tracking page does not show.
 */
export async function personFhirBundle(db: Kysely<DB>, actor: Actor, personId: string): Promise<FhirBundle> {
  assertCan(actor, 'registry.read');
  const row = await scopedHouseholds(db, actor)
    .innerJoin('person as p', 'p.household_id', 'h.id')
    .select([
      'p.id',
      'p.household_id',
      'p.given_names',
      'p.first_surname',
      'p.second_surname',
      'p.sex',
      'p.birth_date',
      'p.status',
      'p.document_type',
      'p.document_number',
    ])
    .where('p.id', '=', personId)
    .executeTakeFirst();
  if (!row) throw new DomainError('NOT_FOUND', `No person ${personId} in your scope`);
  let tracking: PersonTracking | null = null;
  let evidence: EvidenceView[] = [];
  // Evidence is tracking data: a role that may not read tracking gets the Patient alone.
  if (can(actor, 'tracking.read')) {
    try {
      tracking = await getTracking(db, actor, personId, undefined);
    } catch (error) {
      // In scope (checked above), so NOT_FOUND here means "not tracked today".
      if (!(error instanceof DomainError && error.code === 'NOT_FOUND')) throw error;
    }
    evidence = tracking ? tracking.evidence : await untrackedEvidence(db, personId);
  }
  const bundle = buildFhirBundle(
    {
      id: row.id,
      givenNames: row.given_names,
      firstSurname: row.first_surname,
      secondSurname: row.second_surname,
      sex: row.sex,
      birthDate: row.birth_date,
      status: row.status,
      document:
        row.document_type && row.document_number
          ? { type: row.document_type, number: row.document_number }
          : null,
    },
    evidence,
    tracking,
  );
  await recordAudit(db, actor, [
    {
      action: 'person.export',
      entity: 'person',
      entityId: personId,
      householdId: row.household_id,
      detail: { format: 'fhir', tracked: tracking !== null, resources: bundle.entry.length },
    },
  ]);
  return bundle;
}
