/**
 * FHIR R4 resources → Tejido import records (IncomingRecord, packages/schemas/src/imports.ts),
 * with the code mappings of config/interop/code-maps.yaml.
 *
 * Patients (and Medications) are collected first: they are small, and a clinical resource only
 * points at them. NDJSON exports may put them after the resources that point at them, so the
 * import reads a file twice: `collect` in a first pass, `map` in a second. mapFhirResources does
 * both passes over a file it can open twice.
 *
 * What a resource gives:
 * - Immunization (completed) → vaccine_dose, with dose from protocolApplied[0].doseNumber[x];
 * - Observation (final, amended, corrected) → hemoglobin (g/dL, g/L, mmol/L), measurement
 *   (weight kg/g/[lb_av], length cm/m/mm/[in_i]; lying or standing when the code says so), or a
 *   prenatal test;
 * - Encounter (finished) by type, serviceType or reasonCode → growth_checkup or prenatal_visit;
 * - Procedure (completed) → growth_checkup, prenatal_visit or prenatal_test;
 * - MedicationDispense / MedicationAdministration (completed) → supplement or prenatal_supplement;
 * - Patient, Medication: no record (collected); anything else: UNSUPPORTED.
 *
 * Patients (config/interop/code-maps.yaml says which identifier systems and ubigeo places count):
 * - document: the identifier whose system is listed under DNI, else CUI, else CE; "12345678-9"
 *   gives the number and its check character (checked: a wrong one drops the document, noted);
 *   a system listed under healthInsurance gives healthInsuranceNumber;
 * - name: the official name, else usual, else the first not old; given names joined by spaces.
 *   Surnames from the humanname-fathers-family / humanname-mothers-family extensions (on
 *   `_family` or on the name); with only the mothers-family one, the first surname is `family`
 *   without it at its end ("Quispe Mamani" − "Mamani"); without extensions a family of exactly
 *   two words is split in two ("Quispe Mamani"), anything else ("De la Cruz") is the first surname;
 * - gender male/female → sex (other, unknown: none); birthDate YYYY-MM-DD (partial: noted);
 * - territoryCode: the ubigeo of the home address (else the first current one), see code-maps.yaml.
 * References to the person: `Patient/id` (also absolute, or with _history), a Bundle `urn:uuid:`
 * fullUrl, `#id` of a contained Patient, or a logical reference `{ identifier: { system, value } }`
 * (a collected Patient with that identifier, else a person with only the document). A Patient
 * that is not in the file and no document: NOT_FOUND.
 *
 * Dates: a date (YYYY-MM-DD) is taken as is; a dateTime with a time and an offset is the
 * calendar day in Peru (UTC−5, no daylight saving) of that instant (2026-03-01T02:00:00Z →
 * 2026-02-28); a time without an offset keeps its date part. A partial date (YYYY, YYYY-MM) or
 * anything else is INVALID. Whether a date is in the future is the import pipeline's concern.
 */
import { formatCalendarDate, isCalendarDate, isValidCuiCheck } from '@tejido/core';
import type { IncomingEvidence, IncomingPerson, IncomingRecord, RowIssue, RowIssueCode } from '../imports';
import { type EvidenceKind, EvidenceValues } from '../tracking';
import type { CodeMaps, CodeMapTarget } from './code-maps';
import { type FhirReadOptions, type FhirResource, readFhirResources } from './stream';

/** What one resource gave. */
export interface FhirMapResult {
  /**
   * At most one record: the evidence with its person, or `{ line, rejected }` with every reason
   * it cannot be imported. None for a Patient or a Medication.
   */
  records: IncomingRecord[];
  /**
   * Not reasons to reject: what was left out of an accepted record (a dose number that is not a
   * number) or, for a Patient, what could not be read (a partial birth date, a DNI of 7 digits).
   */
  notes: RowIssue[];
}

type Json = Record<string, unknown>;

const UCUM = 'http://unitsofmeasure.org';
const MOTHERS_FAMILY = 'http://hl7.org/fhir/StructureDefinition/humanname-mothers-family';
const FATHERS_FAMILY = 'http://hl7.org/fhir/StructureDefinition/humanname-fathers-family';
const UBIGEO = /^\d{6}(\d{4})?$/;
const PERU_OFFSET_MINUTES = -5 * 60;
/** Words that start a compound surname ("De la Cruz"): a family of two words is then not split. */
const SURNAME_PARTICLES = new Set([
  'de',
  'del',
  'la',
  'las',
  'los',
  'y',
  'san',
  'santa',
  'da',
  'do',
  'dos',
  'van',
  'von',
]);

/** Kinds each resource type may give; a code mapped to another kind is not used for it. */
const KINDS: Readonly<Record<string, readonly EvidenceKind[]>> = {
  Immunization: ['vaccine_dose'],
  Observation: ['hemoglobin', 'measurement', 'prenatal_test'],
  Encounter: ['growth_checkup', 'prenatal_visit'],
  Procedure: ['growth_checkup', 'prenatal_visit', 'prenatal_test'],
  MedicationDispense: ['supplement', 'prenatal_supplement'],
  MedicationAdministration: ['supplement', 'prenatal_supplement'],
};

/** Units accepted for each value, lower case, with the factor to Tejido's unit. */
const UNITS = {
  hbGdl: { 'g/dl': 1, 'g/100ml': 1, 'g/l': 0.1, 'mmol/l': 1.6114 },
  weightKg: { kg: 1, g: 0.001, '[lb_av]': 0.45359237, lb: 0.45359237 },
  lengthCm: { cm: 1, mm: 0.1, m: 100, '[in_i]': 2.54, '[in_us]': 2.54, in: 2.54 },
} as const satisfies Record<string, Record<string, number>>;
const DECIMALS = { hbGdl: 2, weightKg: 3, lengthCm: 2 } as const;
const UNIT_NAMES = {
  hbGdl: 'g/dL, g/L or mmol/L',
  weightKg: 'kg, g or [lb_av]',
  lengthCm: 'cm, mm, m or [in_i]',
};

function obj(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function str(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const t = value.trim();
  return t === '' ? undefined : t;
}

function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A FHIR date or dateTime as a calendar date in Peru, or why not. */
export function fhirDateInPeru(value: string): { date: string } | { error: string } {
  const m =
    /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/.exec(
      value.trim(),
    );
  if (!m) return { error: `'${value}' is not a FHIR date` };
  if (m[3] === undefined) return { error: `'${value}' is a partial date: the day is needed` };
  const date = `${m[1]}-${m[2]}-${m[3]}`;
  if (!isCalendarDate(date)) return { error: `'${value}' is not a calendar date` };
  if (m[4] === undefined) return { date };
  const [hour, minute, second] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  if (hour > 23 || minute > 59 || second > 60) return { error: `'${value}' has an impossible time` };
  const zone = m[7];
  if (zone === undefined) return { date };
  const offset =
    zone === 'Z'
      ? 0
      : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const utcMinutes = Date.UTC(y, mo - 1, d, hour, minute) / 60_000 - offset;
  return { date: formatCalendarDate((utcMinutes + PERU_OFFSET_MINUTES) * 60_000) };
}

/** An identity document as a sender wrote it, checked and normalised. */
function parseDocument(
  type: 'DNI' | 'CUI' | 'CE',
  raw: string,
): { person: IncomingPerson } | { error: string } {
  if (type === 'CE') {
    const v = raw.replace(/[\s-]/g, '').toUpperCase();
    if (!/^[A-Z0-9]{9,12}$/.test(v))
      return { error: `'${raw}' is not a CE number (9 to 12 letters or digits)` };
    return { person: { documentType: 'CE', documentNumber: v } };
  }
  const v = raw.replace(/[\s.]/g, '').toUpperCase();
  const m = /^(\d{8})(?:-?([0-9A-K]))?$/.exec(v);
  if (!m) return { error: `'${raw}' is not a ${type} number (8 digits, and its check character if any)` };
  const number = m[1]!;
  const check = m[2];
  if (check !== undefined && !isValidCuiCheck(number, check)) {
    return { error: `'${raw}': check character ${check} does not match the number (a typing error?)` };
  }
  const person: IncomingPerson = { documentType: type, documentNumber: number };
  if (check !== undefined) person.documentCheckDigit = check;
  return { person };
}

/** The issues of one resource, all naming it. */
class Issues {
  readonly problems: RowIssue[] = [];
  readonly notes: RowIssue[] = [];
  constructor(
    readonly line: number,
    readonly resource: string,
  ) {}
  issue(code: RowIssueCode, field: string, reason: string, value?: string): RowIssue {
    const issue: RowIssue = { line: this.line, field, code, reason, resource: this.resource };
    if (value !== undefined) issue.value = value;
    return issue;
  }
  reject(code: RowIssueCode, field: string, reason: string, value?: string): void {
    this.problems.push(this.issue(code, field, reason, value));
  }
  note(code: RowIssueCode, field: string, reason: string, value?: string): void {
    this.notes.push(this.issue(code, field, reason, value));
  }
}

function label(resource: FhirResource): string {
  const id = str(resource.id);
  return id === undefined ? resource.resourceType : `${resource.resourceType}/${id}`;
}

/** A resource's identity in the sending system: identifier system|value, else Type/id, else fullUrl. */
function sourceRefOf(
  resource: FhirResource,
  fullUrl: string | undefined,
  issues: Issues,
): string | undefined {
  let ref: string | undefined;
  for (const identifier of arr(resource.identifier)) {
    const system = str(obj(identifier)?.system);
    const value = str(obj(identifier)?.value);
    if (system !== undefined && value !== undefined) {
      ref = `${system}|${value}`;
      break;
    }
  }
  ref ??= str(resource.id) === undefined ? str(fullUrl) : `${resource.resourceType}/${str(resource.id)}`;
  if (ref === undefined) {
    issues.reject(
      'MISSING',
      `${resource.resourceType}.id`,
      'no id, identifier or fullUrl: the record could not be recognised when imported again',
    );
    return undefined;
  }
  if (ref.length > 200) {
    issues.reject(
      'INVALID',
      `${resource.resourceType}.identifier`,
      'the identifier is longer than 200 characters',
      ref,
    );
    return undefined;
  }
  return ref;
}

interface CodeSource {
  concept: unknown;
  field: string;
}

/**
 * Maps FHIR resources to import records. One mapper per import (it remembers the Patients and
 * Medications it has collected).
 *
 * @example
 * const mapper = new FhirMapper(parseCodeMaps(text, 'code-maps.yaml'));
 * for await (const item of readFhirResources(open())) if (item.resource) mapper.collect(item.resource, item.line, item.fullUrl);
 * for await (const item of readFhirResources(open())) if (item.resource) store(mapper.map(item.resource, item.line, item.fullUrl));
 */
export class FhirMapper {
  private readonly patients = new Map<string, IncomingPerson>();
  private readonly medications = new Map<string, unknown>();

  constructor(readonly maps: CodeMaps) {}

  /** How many Patients have been collected. */
  get patientCount(): number {
    return new Set(this.patients.values()).size;
  }

  /**
   * First pass: remember a Patient (by Patient/id, Bundle fullUrl and each identifier) or a
   * Medication; returns what could not be read of it (notes). Other resources are ignored.
   */
  collect(resource: FhirResource, line: number, fullUrl?: string): RowIssue[] {
    if (resource.resourceType === 'Medication') {
      for (const key of this.keysOf(resource, fullUrl)) this.medications.set(key, resource.code);
      return [];
    }
    if (resource.resourceType !== 'Patient') return [];
    const issues = new Issues(line, label(resource));
    const person = this.patientPerson(resource, issues);
    for (const key of this.keysOf(resource, fullUrl)) this.patients.set(key, person);
    for (const identifier of arr(resource.identifier)) {
      const system = str(obj(identifier)?.system);
      const value = str(obj(identifier)?.value);
      if (system !== undefined && value !== undefined)
        this.patients.set(`identifier|${system}|${value}`, person);
    }
    return issues.notes;
  }

  /**
   * Second pass: the record a resource gives. A Patient or Medication already collected gives
   * nothing; one not collected yet is collected now (single-pass use) and gives its notes.
   */
  map(resource: FhirResource, line: number, fullUrl?: string): FhirMapResult {
    const type = resource.resourceType;
    if (type === 'Patient' || type === 'Medication') {
      const keys = this.keysOf(resource, fullUrl);
      const store = type === 'Patient' ? this.patients : this.medications;
      if (keys.length > 0 && keys.every((k) => store.has(k))) return { records: [], notes: [] };
      return { records: [], notes: this.collect(resource, line, fullUrl) };
    }
    const issues = new Issues(line, label(resource));
    const evidence = this.evidence(resource, fullUrl, issues);
    if (issues.problems.length > 0 || evidence === undefined) {
      if (issues.problems.length === 0) issues.reject('INVALID', type, 'the resource could not be read');
      return { records: [{ line, rejected: issues.problems }], notes: issues.notes };
    }
    return { records: [{ line, person: evidence.person, evidence: evidence.evidence }], notes: issues.notes };
  }

  /**
   * The person a reference (Reference JSON: { reference } or { identifier }) points at: the
   * collected Patient, or a person with only the document of a logical reference.
   */
  person(reference: unknown): IncomingPerson | undefined {
    const issues = new Issues(0, '');
    return this.resolvePerson({ resourceType: 'Reference', ref: reference }, 'ref', issues);
  }

  // -------------------------------------------------------------------------------------------

  private keysOf(resource: FhirResource, fullUrl: string | undefined): string[] {
    const keys: string[] = [];
    const id = str(resource.id);
    if (id !== undefined) keys.push(`${resource.resourceType}/${id}`);
    const url = str(fullUrl);
    if (url !== undefined) keys.push(url);
    return keys;
  }

  private evidence(
    r: FhirResource,
    fullUrl: string | undefined,
    issues: Issues,
  ): { person: IncomingPerson; evidence: IncomingEvidence } | undefined {
    const type = r.resourceType;
    const statuses: Record<string, readonly string[]> = {
      Immunization: ['completed'],
      Observation: ['final', 'amended', 'corrected'],
      Encounter: ['finished'],
      Procedure: ['completed'],
      MedicationDispense: ['completed'],
      MedicationAdministration: ['completed'],
    };
    const accepted = statuses[type];
    if (accepted === undefined) {
      issues.reject('UNSUPPORTED', type, `Tejido does not import ${type} resources`, type);
      return undefined;
    }
    const status = str(r.status);
    if (status === undefined) {
      issues.reject('MISSING', `${type}.status`, 'no status');
      return undefined;
    }
    if (!accepted.includes(status)) {
      issues.reject(
        'UNSUPPORTED',
        `${type}.status`,
        `status ${status}: only ${accepted.join(', ')} ${type} resources are imported`,
        status,
      );
      return undefined;
    }
    if (type === 'Immunization' && r.isSubpotent === true) {
      issues.reject('UNSUPPORTED', 'Immunization.isSubpotent', 'a subpotent dose does not count', 'true');
      return undefined;
    }

    const person = this.resolvePerson(r, type === 'Immunization' ? 'patient' : 'subject', issues);
    const target = this.target(r, issues);
    const date = this.date(r, issues);
    const sourceRef = sourceRefOf(r, fullUrl, issues);
    const values = target && type === 'Observation' ? this.values(r, target, issues) : undefined;
    if (!person || !target?.kind || !date || !sourceRef || issues.problems.length > 0) return undefined;

    const evidence: IncomingEvidence = { kind: target.kind, date, sourceRef };
    if (target.code !== undefined) evidence.code = target.code;
    if (values !== undefined) evidence.values = values;
    if (type === 'Immunization') {
      const dose = this.dose(r, issues);
      if (dose !== undefined) evidence.dose = dose;
    }
    return { person, evidence };
  }

  /** The mapped code of the resource, allowed for its type; every code that is not, reported. */
  private target(r: FhirResource, issues: Issues): CodeMapTarget | undefined {
    const type = r.resourceType;
    const sources: CodeSource[] = [];
    switch (type) {
      case 'Immunization':
        sources.push({ concept: r.vaccineCode, field: 'Immunization.vaccineCode' });
        break;
      case 'Observation':
      case 'Procedure':
        sources.push({ concept: r.code, field: `${type}.code` });
        break;
      case 'Encounter':
        for (const concept of arr(r.type)) sources.push({ concept, field: 'Encounter.type' });
        sources.push({ concept: r.serviceType, field: 'Encounter.serviceType' });
        for (const concept of arr(r.reasonCode)) sources.push({ concept, field: 'Encounter.reasonCode' });
        break;
      case 'MedicationDispense':
      case 'MedicationAdministration': {
        const concept = this.medicationConcept(r, issues);
        if (concept === null) return undefined;
        sources.push({ concept, field: `${type}.medicationCodeableConcept` });
        break;
      }
    }
    const allowed = KINDS[type] ?? [];
    const failures: RowIssue[] = [];
    let codings = 0;
    for (const { concept, field } of sources) {
      for (const coding of arr(obj(concept)?.coding)) {
        const c = obj(coding);
        const system = str(c?.system);
        const code = str(c?.code);
        if (code === undefined) continue;
        codings++;
        const value = `${system ?? ''}|${code}`;
        const display = str(c?.display);
        const named = display === undefined ? value : `${value} (${display})`;
        const match = this.maps.lookup(system, code);
        const t = match?.target;
        if (t?.kind !== undefined && allowed.includes(t.kind)) return t;
        if (t?.skip !== undefined) {
          failures.push(issues.issue('UNSUPPORTED', field, `${named} is not imported: ${t.skip}`, value));
        } else if (t?.kind !== undefined) {
          failures.push(
            issues.issue(
              'UNMAPPED_CODE',
              field,
              `${named} maps to ${t.kind}, which a ${type} does not give`,
              value,
            ),
          );
        } else if (system === undefined) {
          failures.push(issues.issue('UNMAPPED_CODE', field, `code ${code} has no system`, value));
        } else {
          const why = this.maps.knowsSystem(system)
            ? `is not in the code maps (version ${this.maps.version})`
            : `is of a code system the code maps (version ${this.maps.version}) do not list`;
          failures.push(issues.issue('UNMAPPED_CODE', field, `${named} ${why}`, value));
        }
      }
    }
    if (codings === 0) {
      const text = sources.map((s) => str(obj(s.concept)?.text)).find((t) => t !== undefined);
      const field = sources[0]?.field ?? type;
      if (text !== undefined) issues.reject('UNMAPPED_CODE', field, `only text, no code: '${text}'`, text);
      else issues.reject('MISSING', field, 'no code');
      return undefined;
    }
    issues.problems.push(...failures);
    return undefined;
  }

  /** The medication's CodeableConcept; null when a reference cannot be followed (reported). */
  private medicationConcept(r: FhirResource, issues: Issues): unknown {
    if (r.medicationCodeableConcept !== undefined) return r.medicationCodeableConcept;
    const field = `${r.resourceType}.medicationReference`;
    const ref = str(obj(r.medicationReference)?.reference);
    if (ref === undefined) {
      issues.reject('MISSING', `${r.resourceType}.medication[x]`, 'no medication');
      return null;
    }
    if (ref.startsWith('#')) {
      const contained = arr(r.contained)
        .map(obj)
        .find((c) => c?.resourceType === 'Medication' && c.id === ref.slice(1));
      if (contained) return contained.code;
    } else {
      const local = /(?:^|\/)(Medication\/[^/]+)(?:\/_history\/[^/]+)?$/.exec(ref)?.[1];
      const found =
        this.medications.get(ref) ?? (local === undefined ? undefined : this.medications.get(local));
      if (found !== undefined) return found;
    }
    issues.reject('NOT_FOUND', field, `medication ${ref} is not in the file`, ref);
    return null;
  }

  private date(r: FhirResource, issues: Issues): string | undefined {
    const type = r.resourceType;
    let value: unknown;
    let field: string;
    let missing: string;
    switch (type) {
      case 'Immunization':
        value = r.occurrenceDateTime;
        field = 'Immunization.occurrenceDateTime';
        missing = 'Immunization.occurrence[x]';
        if (value === undefined && r.occurrenceString !== undefined) {
          issues.reject(
            'INVALID',
            'Immunization.occurrenceString',
            'the date is given as text',
            String(r.occurrenceString),
          );
          return undefined;
        }
        break;
      case 'Observation':
      case 'MedicationAdministration': {
        const period = obj(r.effectivePeriod)?.start;
        value = r.effectiveDateTime ?? r.effectiveInstant ?? period;
        field =
          r.effectiveDateTime !== undefined
            ? `${type}.effectiveDateTime`
            : r.effectiveInstant !== undefined
              ? `${type}.effectiveInstant`
              : `${type}.effectivePeriod.start`;
        missing = `${type}.effective[x]`;
        break;
      }
      case 'Encounter':
        value = obj(r.period)?.start;
        field = 'Encounter.period.start';
        missing = field;
        break;
      case 'Procedure':
        value = r.performedDateTime ?? obj(r.performedPeriod)?.start;
        field =
          r.performedDateTime !== undefined
            ? 'Procedure.performedDateTime'
            : 'Procedure.performedPeriod.start';
        missing = 'Procedure.performed[x]';
        break;
      case 'MedicationDispense':
        value = r.whenHandedOver;
        field = 'MedicationDispense.whenHandedOver';
        missing = field;
        break;
      default:
        return undefined;
    }
    if (value === undefined || value === null) {
      issues.reject('MISSING', missing, 'no date');
      return undefined;
    }
    if (typeof value !== 'string') {
      issues.reject('INVALID', field, 'the date is not a string', String(value));
      return undefined;
    }
    const parsed = fhirDateInPeru(value);
    if ('error' in parsed) {
      issues.reject('INVALID', field, parsed.error, value);
      return undefined;
    }
    return parsed.date;
  }

  private dose(r: FhirResource, issues: Issues): number | undefined {
    const applied = obj(arr(r.protocolApplied)[0]);
    if (!applied) return undefined;
    const field = 'Immunization.protocolApplied[0].doseNumber[x]';
    const raw = applied.doseNumberPositiveInt ?? applied.doseNumberString;
    if (raw === undefined) return undefined;
    const n =
      typeof raw === 'number'
        ? raw
        : typeof raw === 'string' && /^\s*\d+\s*$/.test(raw)
          ? Number(raw)
          : Number.NaN;
    if (!Number.isInteger(n) || n < 1 || n > 10) {
      issues.note(
        'INVALID',
        field,
        'the dose number is not a whole number from 1 to 10; imported without it',
        String(raw),
      );
      return undefined;
    }
    return n;
  }

  private values(r: FhirResource, target: CodeMapTarget, issues: Issues): EvidenceValues | undefined {
    const key =
      target.kind === 'hemoglobin' ? 'hbGdl' : target.kind === 'measurement' ? target.value : undefined;
    if (key === undefined) return undefined;
    const q = obj(r.valueQuantity);
    if (!q) {
      const absent =
        str(obj(r.dataAbsentReason)?.text) ?? str(obj(arr(obj(r.dataAbsentReason)?.coding)[0])?.code);
      issues.reject(
        'MISSING',
        'Observation.value[x]',
        absent === undefined ? 'no valueQuantity' : `no value (data absent: ${absent})`,
      );
      return undefined;
    }
    const number = q.value;
    const unitCode = str(q.system) === undefined || str(q.system) === UCUM ? str(q.code) : undefined;
    const written = `${String(number)} ${str(q.unit) ?? unitCode ?? ''}`.trim();
    if (typeof number !== 'number' || !Number.isFinite(number)) {
      issues.reject('INVALID', 'Observation.valueQuantity.value', 'the value is not a number', written);
      return undefined;
    }
    if (q.comparator !== undefined) {
      issues.reject(
        'INVALID',
        'Observation.valueQuantity.comparator',
        `a value '${String(q.comparator)}' is not a measurement`,
        written,
      );
      return undefined;
    }
    const units: Record<string, number> = UNITS[key];
    const unit = [unitCode, str(q.unit)].find((u) => u !== undefined && units[u.toLowerCase()] !== undefined);
    if (unit === undefined) {
      const given = unitCode ?? str(q.unit);
      issues.reject(
        given === undefined ? 'MISSING' : 'INVALID',
        'Observation.valueQuantity.code',
        given === undefined ? `no unit (${UNIT_NAMES[key]})` : `unit '${given}' is not ${UNIT_NAMES[key]}`,
        written,
      );
      return undefined;
    }
    const factor = units[unit.toLowerCase()]!;
    const scale = 10 ** DECIMALS[key];
    const converted = factor === 1 ? number : Math.round(number * factor * scale) / scale;
    const values: EvidenceValues = { [key]: converted };
    if (key === 'lengthCm' && target.measured !== undefined) values.measured = target.measured;
    const checked = EvidenceValues.safeParse(values);
    if (!checked.success) {
      const message = checked.error.issues[0]?.message ?? 'out of range';
      const shown = factor === 1 ? '' : ` (${converted} after conversion)`;
      issues.reject('INVALID', 'Observation.valueQuantity', `${message}${shown}`, written);
      return undefined;
    }
    return checked.data;
  }

  /** The person of `subject` / `patient`, or a rejection why not. */
  private resolvePerson(r: FhirResource, element: string, issues: Issues): IncomingPerson | undefined {
    const field = `${r.resourceType}.${element}`;
    const ref = obj(r[element]);
    if (!ref) {
      issues.reject('MISSING', field, `no ${element}`);
      return undefined;
    }
    const reference = str(ref.reference);
    if (reference !== undefined) {
      if (reference.startsWith('#')) {
        const contained = arr(r.contained)
          .map(obj)
          .find((c) => c?.resourceType === 'Patient' && c.id === reference.slice(1));
        if (contained) return this.patientPerson(contained as FhirResource, issues);
      }
      const found = this.patients.get(reference);
      if (found) return { ...found };
      const m = /(?:^|\/)([A-Z][A-Za-z]+)\/([^/]+)(?:\/_history\/[^/]+)?$/.exec(reference);
      if (m && m[1] !== 'Patient') {
        issues.reject(
          'UNSUPPORTED',
          `${field}.reference`,
          `the ${element} is a ${m[1]}, not a Patient`,
          reference,
        );
        return undefined;
      }
      const byId = m ? this.patients.get(`Patient/${m[2]}`) : undefined;
      if (byId) return { ...byId };
    }
    const identifier = obj(ref.identifier);
    const system = str(identifier?.system);
    const value = str(identifier?.value);
    if (system !== undefined && value !== undefined) {
      const known = this.patients.get(`identifier|${system}|${value}`);
      if (known) return { ...known };
      const meaning = this.maps.identifierMeaning(system);
      if (meaning === 'healthInsurance') return { healthInsuranceNumber: value };
      if (meaning !== undefined) {
        const parsed = parseDocument(meaning, value);
        if ('person' in parsed) return parsed.person;
        issues.reject('INVALID', `${field}.identifier.value`, parsed.error, value);
        return undefined;
      }
    }
    const shown = reference ?? (value === undefined ? str(ref.display) : `${system ?? ''}|${value}`);
    issues.reject(
      'NOT_FOUND',
      field,
      reference === undefined
        ? `the ${element} is not a Patient of the file and has no identity document Tejido knows`
        : `${reference} is not in the file, and the reference carries no identity document`,
      shown,
    );
    return undefined;
  }

  private patientPerson(p: Json, issues: Issues): IncomingPerson {
    const person: IncomingPerson = {};
    // Identity documents: DNI first, then CUI, then CE.
    const documents: Array<{ type: 'DNI' | 'CUI' | 'CE'; value: string; index: number }> = [];
    arr(p.identifier).forEach((identifier, index) => {
      const system = str(obj(identifier)?.system);
      const value = str(obj(identifier)?.value);
      const meaning = this.maps.identifierMeaning(system);
      if (value === undefined || meaning === undefined) return;
      if (meaning === 'healthInsurance') person.healthInsuranceNumber ??= value;
      else documents.push({ type: meaning, value, index });
    });
    const order = { DNI: 0, CUI: 1, CE: 2 };
    documents.sort((a, b) => order[a.type] - order[b.type] || a.index - b.index);
    for (const doc of documents) {
      const parsed = parseDocument(doc.type, doc.value);
      if ('error' in parsed) {
        issues.note(
          'INVALID',
          `Patient.identifier[${doc.index}].value`,
          `${parsed.error}; not used`,
          doc.value,
        );
        continue;
      }
      if (person.documentNumber === undefined) Object.assign(person, parsed.person);
    }

    this.name(p, person);

    if (p.gender === 'male' || p.gender === 'female') person.sex = p.gender;

    const birth = str(p.birthDate);
    if (birth !== undefined) {
      const parsed = fhirDateInPeru(birth.slice(0, 10));
      if ('date' in parsed) person.birthDate = parsed.date;
      else issues.note('INVALID', 'Patient.birthDate', `${parsed.error}; not used`, birth);
    }

    const ubigeo = this.ubigeo(p, issues);
    if (ubigeo !== undefined) person.territoryCode = ubigeo;
    return person;
  }

  /** Given names and the two surnames (the rules are in the module's doc). */
  private name(p: Json, person: IncomingPerson): void {
    const names = arr(p.name)
      .map(obj)
      .filter((n) => n !== undefined);
    const name =
      names.find((n) => n.use === 'official') ??
      names.find((n) => n.use === 'usual') ??
      names.find((n) => n.use !== 'old' && n.use !== 'maiden') ??
      names[0];
    if (!name) return;
    const given = arr(name.given)
      .map(str)
      .filter((g) => g !== undefined)
      .join(' ');
    if (given !== '') person.givenNames = given;

    const extensions = [...arr(obj(name._family)?.extension), ...arr(name.extension)].map(obj);
    const ext = (url: string) => str(extensions.find((e) => e?.url === url)?.valueString);
    const fathers = ext(FATHERS_FAMILY);
    const mothers = ext(MOTHERS_FAMILY);
    const family = str(name.family)?.replace(/\s+/g, ' ');
    let first: string | undefined;
    let second: string | undefined;
    if (fathers !== undefined || mothers !== undefined) {
      second = mothers;
      if (fathers !== undefined) first = fathers;
      else if (family !== undefined && mothers !== undefined) {
        // family "Quispe Mamani" with the mothers-family "Mamani": the first surname is the rest.
        const lower = family.toLowerCase();
        const suffix = ` ${mothers.toLowerCase()}`;
        first = lower.endsWith(suffix) ? family.slice(0, family.length - suffix.length) : family;
        if (first.toLowerCase() === mothers.toLowerCase()) first = undefined;
      }
    } else if (family !== undefined) {
      const words = family.split(' ');
      if (words.length === 2 && !words.some((w) => SURNAME_PARTICLES.has(w.toLowerCase()))) {
        [first, second] = words;
      } else {
        first = family;
      }
    }
    if (first !== undefined) person.firstSurname = first;
    if (second !== undefined) person.secondSurname = second;
  }

  private ubigeo(p: Json, issues: Issues): string | undefined {
    const addresses = arr(p.address)
      .map(obj)
      .filter((a) => a !== undefined);
    const current = (a: Json) => str(obj(a.period)?.end) === undefined && a.use !== 'old';
    const address =
      addresses.find((a) => a.use === 'home' && current(a)) ?? addresses.find(current) ?? addresses[0];
    if (!address) return undefined;
    const rules = this.maps.file.address;
    const extensions = [...arr(address.extension), ...arr(obj(address._district)?.extension)].map(obj);
    for (const e of extensions) {
      if (!e || typeof e.url !== 'string' || !rules.ubigeoExtensions.includes(e.url)) continue;
      const value = str(e.valueString) ?? str(e.valueCode) ?? str(obj(e.valueCoding)?.code);
      if (value !== undefined && UBIGEO.test(value)) return value;
      issues.note(
        'INVALID',
        'Patient.address.extension',
        'the ubigeo is not 6 or 10 digits; not used',
        value,
      );
    }
    const district = str(address.district);
    if (rules.districtAsUbigeo && district !== undefined && UBIGEO.test(district)) return district;
    const postal = str(address.postalCode);
    if (rules.postalCodeAsUbigeo && postal !== undefined && UBIGEO.test(postal)) return postal;
    return undefined;
  }
}

/** One step of an import: the records and notes of one resource, or a line that could not be read. */
export interface FhirImportItem {
  line: number;
  /** The resource it is about ('Immunization/abc'), when there is one. */
  resource?: string;
  records: IncomingRecord[];
  notes: RowIssue[];
}

/**
 * Read a FHIR file (Bundle, NDJSON or one resource) twice, Patients and Medications first, and
 * give the records of every other resource. A line or entry that is not JSON comes as a
 * `rejected` record. Items with neither records nor notes are left out.
 *
 * @example
 * const maps = parseCodeMaps(readFileSync(CODE_MAPS_FILE, 'utf8'), 'code-maps.yaml');
 * for await (const item of mapFhirResources(() => createReadStream(path), maps)) {
 *   for (const record of item.records) if ('evidence' in record) await link(record);
 * }
 * @throws FhirFormatError from readFhirResources (a Bundle that is not valid JSON), in the
 *   first pass, before any record is given.
 */
export async function* mapFhirResources(
  open: () => AsyncIterable<Uint8Array | string>,
  maps: CodeMaps,
  options: FhirReadOptions & { mapper?: FhirMapper } = {},
): AsyncGenerator<FhirImportItem> {
  const mapper = options.mapper ?? new FhirMapper(maps);
  for await (const item of readFhirResources(open(), options)) {
    const r = item.resource;
    if (r?.resourceType !== 'Patient' && r?.resourceType !== 'Medication') continue;
    const notes = mapper.collect(r, item.line, item.fullUrl);
    if (notes.length > 0) yield { line: item.line, resource: label(r), records: [], notes };
  }
  for await (const item of readFhirResources(open(), options)) {
    if (item.issue) {
      yield { line: item.line, records: [{ line: item.line, rejected: [item.issue] }], notes: [] };
      continue;
    }
    const r = item.resource;
    if (!r) continue;
    const result = mapper.map(r, item.line, item.fullUrl);
    if (result.records.length > 0 || result.notes.length > 0) {
      yield { line: item.line, resource: label(r), ...result };
    }
  }
}
