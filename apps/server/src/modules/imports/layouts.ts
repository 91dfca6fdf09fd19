/**
 * The documented column layouts of the spreadsheet imports (health evidence, births, school)
 * and the mapping files that adapt another system's layout to them. A layout turns one row of
 * text fields into an import record, or into the reasons it cannot be one, naming the column.
 * The layouts are documented in docs/imports.md; keep the two together.
 */
import { createHash } from 'node:crypto';
import { isCalendarDate, isValidCuiCheck, parseYamlConfig, todayInPeru } from '@tejido/core';
import {
  canonicalEvidenceCode,
  type EvidenceKind,
  type EvidenceValues,
  evidenceIssues,
  type IncomingPerson,
  type IncomingRecord,
  type RowIssue,
} from '@tejido/schemas';
import { z } from 'zod';
import { ImportFileError } from './files';
import { excelSerialToDate } from './xlsx-read';

export type TabularKind = 'health' | 'births' | 'school';

interface Column {
  /** The documented name (Spanish, as the health and education systems name them). */
  name: string;
  /** Other headers read as this column (English names, common variants). */
  aliases: readonly string[];
  required?: boolean;
}

const PERSON_COLUMNS: readonly Column[] = [
  { name: 'tipo_documento', aliases: ['tipo_doc', 'document_type'] },
  { name: 'numero_documento', aliases: ['num_doc', 'nro_documento', 'dni', 'document_number'] },
  { name: 'digito_verificacion', aliases: ['digito', 'check_digit'] },
  { name: 'nombres', aliases: ['given_names', 'nombre'] },
  { name: 'apellido_paterno', aliases: ['primer_apellido', 'first_surname'] },
  { name: 'apellido_materno', aliases: ['segundo_apellido', 'second_surname'] },
  { name: 'sexo', aliases: ['sex'] },
  { name: 'fecha_nacimiento', aliases: ['birth_date', 'fec_nac'] },
  { name: 'ubigeo', aliases: ['territory_code', 'distrito'] },
];

export const LAYOUTS: Record<TabularKind, readonly Column[]> = {
  health: [
    ...PERSON_COLUMNS,
    { name: 'id_registro', aliases: ['source_ref', 'id_atencion'] },
    { name: 'tipo', aliases: ['kind', 'tipo_registro'], required: true },
    { name: 'fecha', aliases: ['date', 'fecha_atencion'], required: true },
    { name: 'codigo', aliases: ['code'] },
    { name: 'dosis', aliases: ['dose'] },
    { name: 'peso_kg', aliases: ['peso', 'weight_kg'] },
    { name: 'talla_cm', aliases: ['talla', 'length_cm'] },
    { name: 'posicion', aliases: ['measured'] },
    { name: 'edema', aliases: ['oedema'] },
    { name: 'hemoglobina', aliases: ['hb', 'hb_gdl'] },
    { name: 'establecimiento', aliases: ['renaes', 'health_facility'] },
  ],
  births: [
    { name: 'numero_cnv', aliases: ['cnv', 'certificate_number'], required: true },
    { name: 'fecha_nacimiento', aliases: ['birth_date'], required: true },
    { name: 'sexo', aliases: ['sex'], required: true },
    { name: 'nombres', aliases: ['given_names'] },
    { name: 'apellido_paterno', aliases: ['first_surname'] },
    { name: 'apellido_materno', aliases: ['second_surname'] },
    { name: 'ubigeo', aliases: ['territory_code'] },
    { name: 'cui', aliases: ['numero_documento', 'document_number'] },
    { name: 'digito_verificacion', aliases: ['check_digit'] },
    { name: 'fecha_emision', aliases: ['issued_on', 'fecha_inscripcion'] },
    { name: 'tipo_documento_madre', aliases: ['mother_document_type'] },
    { name: 'numero_documento_madre', aliases: ['dni_madre', 'mother_document_number'] },
  ],
  school: [
    ...PERSON_COLUMNS,
    { name: 'codigo_modular', aliases: ['school_code', 'cod_mod'], required: true },
    { name: 'periodo', aliases: ['period', 'anio'], required: true },
    { name: 'grado', aliases: ['grade'] },
    { name: 'matriculado', aliases: ['enrolled'] },
    { name: 'dias_asistidos', aliases: ['attendance_days', 'asistencia'] },
    { name: 'dias_lectivos', aliases: ['school_days'] },
    { name: 'id_registro', aliases: ['source_ref'] },
  ],
};

/**
 * A mapping file (YAML) for a system whose columns are named otherwise: which of its headers is
 * each documented column, how its values are written, and which source it is.
 */
export const ImportMapping = z.strictObject({
  layout: z.enum(['health', 'births', 'school']),
  /** documented column → the file's header. */
  columns: z.record(z.string(), z.string().min(1)).default({}),
  /** For a column, the file's values → the documented ones (e.g. tipo: { VAC: vacuna }). */
  values: z.record(z.string(), z.record(z.string(), z.string())).default({}),
  dateFormat: z.enum(['yyyy-mm-dd', 'dd/mm/yyyy', 'mm/dd/yyyy']).optional(),
  source: z.enum(['his_minsa', 'reniec', 'sis', 'file_import']).optional(),
});
export type ImportMapping = z.infer<typeof ImportMapping>;

/** Parse a mapping file; an error names the file, its line and the reason. */
export function parseImportMapping(text: string, fileName: string, kind: TabularKind): ImportMapping {
  const doc = parseYamlConfig(text, fileName, ImportMapping);
  const known = new Set(LAYOUTS[kind].map((c) => c.name));
  if (doc.value.layout !== kind)
    doc.fail(['layout'], `layout: this mapping is for ${doc.value.layout} files, not ${kind}`);
  for (const name of [...Object.keys(doc.value.columns), ...Object.keys(doc.value.values)]) {
    if (!known.has(name)) {
      doc.fail(
        Object.hasOwn(doc.value.columns, name) ? ['columns', name] : ['values', name],
        `${name}: not a column of the ${kind} layout (${[...known].join(', ')})`,
      );
    }
  }
  return doc.value;
}

const keys = new Map<string, string>();

/**
 * A header (or a word value such as a kind) as compared: lower case, no accents, spaces and
 * dashes as underscores. Remembered: a file repeats the same few values a million times.
 */
function headerKey(text: string): string {
  let key = keys.get(text);
  if (key === undefined) {
    key = normalizeKey(text);
    if (keys.size < 10_000) keys.set(text, key);
  }
  return key;
}

function normalizeKey(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .trim()
    .toLowerCase()
    .replace(/[\s\-.]+/g, '_');
}

const EVIDENCE_KIND_WORDS: Record<string, EvidenceKind> = {
  cred: 'growth_checkup',
  control_cred: 'growth_checkup',
  control: 'growth_checkup',
  growth_checkup: 'growth_checkup',
  vacuna: 'vaccine_dose',
  vaccine: 'vaccine_dose',
  vaccine_dose: 'vaccine_dose',
  hemoglobina: 'hemoglobin',
  hemoglobin: 'hemoglobin',
  dosaje_hb: 'hemoglobin',
  medicion: 'measurement',
  antropometria: 'measurement',
  measurement: 'measurement',
  suplemento: 'supplement',
  supplement: 'supplement',
  documento: 'document_issued',
  document_issued: 'document_issued',
  seguro: 'insurance_affiliated',
  insurance_affiliated: 'insurance_affiliated',
  atencion_prenatal: 'prenatal_visit',
  control_prenatal: 'prenatal_visit',
  prenatal_visit: 'prenatal_visit',
  examen_prenatal: 'prenatal_test',
  prenatal_test: 'prenatal_test',
  suplemento_prenatal: 'prenatal_supplement',
  prenatal_supplement: 'prenatal_supplement',
};

export type DateFormat = NonNullable<ImportMapping['dateFormat']>;

/**
 * A calendar date from the ways spreadsheets write one: 2026-03-05, 05/03/2026 (day first, as in
 * Peru, unless the mapping says otherwise), 5-3-2026, or an Excel serial day number.
 */
export function parseDate(
  text: string,
  format: DateFormat | undefined,
  fromXlsx: boolean,
): string | undefined {
  const t = text.trim();
  // The common cases first, without a regular expression: dd/mm/yyyy and yyyy-mm-dd in full.
  if (t.length === 10 && format !== 'mm/dd/yyyy') {
    const c2 = t.charCodeAt(2);
    if (
      (c2 === 47 || c2 === 45) &&
      t.charCodeAt(5) === c2 &&
      digitsAt(t, 0, 2) &&
      digitsAt(t, 3, 5) &&
      digitsAt(t, 6, 10)
    ) {
      const date = `${t.slice(6, 10)}-${t.slice(3, 5)}-${t.slice(0, 2)}`;
      return isCalendarDate(date) ? date : undefined;
    }
    if (
      format !== 'dd/mm/yyyy' &&
      t.charCodeAt(4) === 45 &&
      t.charCodeAt(7) === 45 &&
      digitsAt(t, 0, 4) &&
      digitsAt(t, 5, 7) &&
      digitsAt(t, 8, 10)
    ) {
      return isCalendarDate(t) ? t : undefined;
    }
  }
  let parts: [string, string, string] | undefined;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$/.exec(t);
  const slashed = /^(\d{1,2})[/-](\d{1,2})[/-](\d{4})(?: .*)?$/.exec(t);
  if (iso && format !== 'dd/mm/yyyy' && format !== 'mm/dd/yyyy') parts = [iso[1]!, iso[2]!, iso[3]!];
  else if (slashed) {
    parts =
      format === 'mm/dd/yyyy'
        ? [slashed[3]!, slashed[1]!, slashed[2]!]
        : [slashed[3]!, slashed[2]!, slashed[1]!];
  } else if (fromXlsx) return excelSerialToDate(t);
  if (!parts) return undefined;
  const date = `${parts[0]}-${parts[1].padStart(2, '0')}-${parts[2].padStart(2, '0')}`;
  return isCalendarDate(date) ? date : undefined;
}

function digitsAt(t: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = t.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** A measured value of a row within its physical limits; a row issue and undefined otherwise. */
function measuredNumber(
  row: RowFields,
  line: number,
  issues: RowIssue[],
  column: string,
  min: number,
  max: number,
  message: string,
): number | undefined {
  const text = row.get(column);
  if (!text) return undefined;
  const n = parseNumber(text);
  if (n === undefined) {
    issues.push({ line, field: column, code: 'INVALID', reason: 'Not a number', value: text });
    return undefined;
  }
  if (n < min || n > max) {
    issues.push({ line, field: column, code: 'INVALID', reason: message, value: text });
    return undefined;
  }
  return n;
}

/** A decimal number written with a point or a comma: 9.5, 9,5, -3, 12. */
export function parseNumber(text: string): number | undefined {
  const t = text.trim();
  const n = t.length;
  let i = t.charCodeAt(0) === 45 ? 1 : 0;
  const start = i;
  while (i < n && digitsAt(t, i, i + 1)) i++;
  if (i === start) return undefined;
  if (i === n) return Number(t);
  const separator = t.charCodeAt(i);
  if (separator !== 46 && separator !== 44) return undefined;
  const fraction = i + 1;
  if (fraction === n || !digitsAt(t, fraction, n)) return undefined;
  return Number(separator === 44 ? `${t.slice(0, i)}.${t.slice(fraction)}` : t);
}

const YES = new Set(['si', 'sí', 's', 'yes', 'y', 'true', '1', 'x', 'verdadero']);
const NO = new Set(['no', 'n', 'false', '0', 'falso']);

/** The fields of one row, by documented column, with the mapping's value translations. */
class RowFields {
  constructor(
    private readonly index: Map<string, number>,
    private readonly values: ImportMapping['values'],
    readonly fields: string[],
  ) {}
  get(name: string): string {
    const i = this.index.get(name);
    if (i === undefined) return '';
    const raw = (this.fields[i] ?? '').trim();
    const translated = this.values[name]?.[raw];
    return translated ?? raw;
  }
}

/**
 * A layout bound to a file's header: resolves each documented column to its position, refusing
 * the file when a required one is missing (the wrong kind of file, usually).
 */
export class TabularLayout {
  private readonly index = new Map<string, number>();
  private readonly today = todayInPeru();
  readonly source: 'his_minsa' | 'reniec' | 'sis' | 'file_import';

  constructor(
    readonly kind: TabularKind,
    header: readonly string[],
    readonly mapping: ImportMapping | undefined,
    private readonly fromXlsx: boolean,
  ) {
    const positions = new Map<string, number>();
    header.forEach((h, i) => {
      const key = headerKey(h);
      if (key && !positions.has(key)) positions.set(key, i);
    });
    const missing: string[] = [];
    for (const column of LAYOUTS[kind]) {
      const mapped = mapping?.columns[column.name];
      const candidates = mapped ? [headerKey(mapped)] : [column.name, ...column.aliases];
      const at = candidates.map((c) => positions.get(c)).find((p) => p !== undefined);
      if (at !== undefined) this.index.set(column.name, at);
      else if (column.required) missing.push(mapped ? `${column.name} (mapped to "${mapped}")` : column.name);
    }
    if (missing.length > 0) {
      throw new ImportFileError(
        `This is not a ${kind} file in the documented layout: the header lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}. ` +
          'Rename the columns or give a mapping file.',
        'header',
      );
    }
    if (kind === 'health' && !this.index.has('numero_documento') && !this.index.has('apellido_paterno')) {
      throw new ImportFileError(
        'A health file must say whom each row is about: a numero_documento column, or nombres, apellido_paterno and fecha_nacimiento',
        'header',
      );
    }
    this.source = mapping?.source ?? (kind === 'births' ? 'reniec' : 'his_minsa');
  }

  /** The columns found, documented name → position, for the batch's record. */
  columns(): Record<string, number> {
    return Object.fromEntries(this.index);
  }

  record(line: number, fields: string[]): IncomingRecord {
    const row = new RowFields(this.index, this.mapping?.values ?? {}, fields);
    const issues: RowIssue[] = [];
    const person = this.person(line, row, issues);
    if (this.kind === 'health') {
      const evidence = this.evidence(line, row, issues);
      if (issues.length > 0 || !evidence) return { line, rejected: issues };
      return { line, person, evidence };
    }
    if (this.kind === 'births') {
      const birth = this.birth(line, row, person, issues);
      if (issues.length > 0 || !birth) return { line, rejected: issues };
      return { line, person, birth };
    }
    const school = this.school(line, row, issues);
    if (issues.length > 0 || !school) return { line, rejected: issues };
    return { line, person, school };
  }

  private date(row: RowFields, column: string, line: number, issues: RowIssue[], required: boolean) {
    const text = row.get(column);
    if (!text) {
      if (required) issues.push({ line, field: column, code: 'MISSING', reason: 'The date is missing' });
      return undefined;
    }
    const date = parseDate(text, this.mapping?.dateFormat, this.fromXlsx);
    if (!date) {
      issues.push({
        line,
        field: column,
        code: 'INVALID',
        reason: 'Not a date (use dd/mm/yyyy or yyyy-mm-dd)',
        value: text,
      });
      return undefined;
    }
    if (date > this.today) {
      issues.push({ line, field: column, code: 'INVALID', reason: 'The date is in the future', value: text });
      return undefined;
    }
    return date;
  }

  private person(line: number, row: RowFields, issues: RowIssue[]): IncomingPerson {
    const person: IncomingPerson = {};
    const docColumn = this.kind === 'births' ? 'cui' : 'numero_documento';
    const number = row.get(docColumn).replace(/[\s.-]/g, '');
    if (number) {
      const type =
        (this.kind === 'births' ? 'CUI' : row.get('tipo_documento').toUpperCase()) ||
        (/^\d{8}$/.test(number) ? 'DNI' : '');
      if (type !== 'DNI' && type !== 'CUI' && type !== 'CE') {
        issues.push({
          line,
          field: 'tipo_documento',
          code: 'INVALID',
          reason: 'The document type is DNI, CUI or CE',
          value: type,
        });
      } else if ((type === 'DNI' || type === 'CUI') && !/^\d{8}$/.test(number)) {
        issues.push({
          line,
          field: docColumn,
          code: 'INVALID',
          reason: 'A DNI or CUI number has 8 digits',
          value: number,
        });
      } else if (type === 'CE' && !/^[A-Z0-9]{9,12}$/i.test(number)) {
        issues.push({
          line,
          field: docColumn,
          code: 'INVALID',
          reason: 'A CE number has 9 to 12 letters or digits',
          value: number,
        });
      } else {
        const check = row.get('digito_verificacion');
        if (check && type !== 'CE' && (!/^[0-9A-Ka-k]$/.test(check) || !isValidCuiCheck(number, check))) {
          issues.push({
            line,
            field: 'digito_verificacion',
            code: 'INVALID',
            reason: 'The check digit does not match the number: one of them was mistyped',
            value: `${number}-${check}`,
          });
        } else {
          person.documentType = type;
          person.documentNumber = type === 'CE' ? number.toUpperCase() : number;
          if (check) person.documentCheckDigit = check.toUpperCase();
        }
      }
    }
    const given = row.get('nombres');
    const first = row.get('apellido_paterno');
    const second = row.get('apellido_materno');
    if (given) person.givenNames = given;
    if (first) person.firstSurname = first;
    if (second) person.secondSurname = second;
    const sex = row.get('sexo').toLowerCase();
    if (sex) {
      if (['f', 'femenino', 'female', 'mujer', '2'].includes(sex)) person.sex = 'female';
      else if (['m', 'masculino', 'male', 'hombre', 'varon', 'varón', '1'].includes(sex)) person.sex = 'male';
      else issues.push({ line, field: 'sexo', code: 'INVALID', reason: 'Sex is F or M', value: sex });
    } else if (this.kind === 'births') {
      issues.push({ line, field: 'sexo', code: 'MISSING', reason: 'The sex of the newborn is missing' });
    }
    const birth = this.date(row, 'fecha_nacimiento', line, issues, this.kind === 'births');
    if (birth) person.birthDate = birth;
    const ubigeo = row.get('ubigeo');
    if (ubigeo) {
      if (/^\d{6}(\d{4})?$/.test(ubigeo)) person.territoryCode = ubigeo;
      else
        issues.push({
          line,
          field: 'ubigeo',
          code: 'INVALID',
          reason: 'An ubigeo has 6 digits (district) or 10 (village)',
          value: ubigeo,
        });
    }
    if (
      this.kind !== 'births' &&
      !person.documentNumber &&
      !issues.some((i) => i.field === 'numero_documento')
    ) {
      if (!person.firstSurname || !person.birthDate || !person.givenNames) {
        issues.push({
          line,
          field: 'numero_documento',
          code: 'MISSING',
          reason:
            'Without an identity number the row needs names, first surname and birth date to find the person',
        });
      }
    }
    return person;
  }

  private evidence(line: number, row: RowFields, issues: RowIssue[]) {
    const kindText = row.get('tipo');
    const kind = EVIDENCE_KIND_WORDS[headerKey(kindText)];
    if (!kind) {
      issues.push({
        line,
        field: 'tipo',
        code: kindText ? 'UNMAPPED_CODE' : 'MISSING',
        reason: kindText
          ? 'Unknown kind of record (see the layout: cred, vacuna, hemoglobina, medicion, suplemento…)'
          : 'The kind of record is missing',
        ...(kindText ? { value: kindText } : {}),
      });
    }
    const date = this.date(row, 'fecha', line, issues, true);
    const codeText = row.get('codigo');
    const doseText = row.get('dosis');
    const values: EvidenceValues = {};
    const weight = measuredNumber(
      row,
      line,
      issues,
      'peso_kg',
      Number.MIN_VALUE,
      60,
      'A weight must be above 0 and at most 60 kg',
    );
    const length = measuredNumber(
      row,
      line,
      issues,
      'talla_cm',
      35,
      130,
      'A length must be between 35 and 130 cm',
    );
    const hb = measuredNumber(
      row,
      line,
      issues,
      'hemoglobina',
      3,
      25,
      'Hemoglobin must be between 3 and 25 g/dL',
    );
    if (weight !== undefined) values.weightKg = weight;
    if (length !== undefined) values.lengthCm = length;
    if (hb !== undefined) values.hbGdl = hb;
    const position = headerKey(row.get('posicion'));
    if (position) {
      if (['echado', 'acostado', 'decubito', 'lying', 'l'].includes(position)) values.measured = 'lying';
      else if (['de_pie', 'parado', 'standing', 'h', 'p'].includes(position)) values.measured = 'standing';
      else
        issues.push({
          line,
          field: 'posicion',
          code: 'INVALID',
          reason: 'The position is echado or de pie',
          value: position,
        });
    }
    const oedema = row.get('edema').toLowerCase();
    if (oedema) {
      if (YES.has(oedema)) values.oedema = true;
      else if (NO.has(oedema)) values.oedema = false;
      else
        issues.push({ line, field: 'edema', code: 'INVALID', reason: 'Oedema is sí or no', value: oedema });
    }
    let dose: number | undefined;
    if (doseText) {
      const n = parseNumber(doseText);
      if (n === undefined || !Number.isInteger(n) || n < 1 || n > 10) {
        issues.push({
          line,
          field: 'dosis',
          code: 'INVALID',
          reason: 'A dose number is a whole number from 1 to 10',
          value: doseText,
        });
      } else dose = n;
    }
    if (!kind || !date || issues.length > 0) return undefined;
    const shape = {
      kind,
      ...(codeText ? { code: codeText } : {}),
      ...(dose !== undefined ? { dose } : {}),
      ...(Object.keys(values).length > 0 ? { values } : {}),
    };
    for (const issue of evidenceIssues(shape)) {
      const field = FIELD_OF_PATH[issue.path.join('.')] ?? 'tipo';
      const unmapped = issue.path[0] === 'code' && codeText !== '';
      issues.push({
        line,
        field,
        code: unmapped ? 'UNMAPPED_CODE' : issue.path[0] === 'code' ? 'MISSING' : 'INVALID',
        reason: issue.message,
        ...(field === 'codigo' && codeText ? { value: codeText } : {}),
      });
    }
    if (issues.length > 0) return undefined;
    const code = codeText ? canonicalEvidenceCode(kind, codeText) : undefined;
    const facility = row.get('establecimiento');
    const ref = row.get('id_registro');
    return {
      kind,
      date,
      ...(code ? { code } : {}),
      ...(dose !== undefined ? { dose } : {}),
      ...(shape.values ? { values: shape.values } : {}),
      sourceRef: ref
        ? facility
          ? `${facility}:${ref}`
          : ref
        : contentRef([
            row.get('tipo_documento'),
            row.get('numero_documento'),
            row.get('nombres'),
            row.get('apellido_paterno'),
            row.get('fecha_nacimiento'),
            kind,
            date,
            code ?? '',
            String(dose ?? ''),
            JSON.stringify(values),
            facility,
          ]),
    };
  }

  private birth(line: number, row: RowFields, person: IncomingPerson, issues: RowIssue[]) {
    const certificate = row.get('numero_cnv').replace(/\s/g, '');
    if (!certificate)
      issues.push({
        line,
        field: 'numero_cnv',
        code: 'MISSING',
        reason: 'The live-birth certificate number is missing',
      });
    else if (!/^\d{6,12}$/.test(certificate)) {
      issues.push({
        line,
        field: 'numero_cnv',
        code: 'INVALID',
        reason: 'A live-birth certificate number has 6 to 12 digits',
        value: certificate,
      });
    }
    const issued = this.date(row, 'fecha_emision', line, issues, false);
    if (issued && person.birthDate && issued < person.birthDate) {
      issues.push({
        line,
        field: 'fecha_emision',
        code: 'INVALID',
        reason: 'The document was issued before the birth',
        value: issued,
      });
    }
    const motherNumber = row.get('numero_documento_madre').replace(/[\s.-]/g, '');
    const motherType = (row.get('tipo_documento_madre').toUpperCase() || 'DNI') as 'DNI' | 'CUI' | 'CE';
    let mother: IncomingPerson | undefined;
    if (motherNumber) {
      if (motherType === 'CE' ? !/^[A-Z0-9]{9,12}$/i.test(motherNumber) : !/^\d{8}$/.test(motherNumber)) {
        issues.push({
          line,
          field: 'numero_documento_madre',
          code: 'INVALID',
          reason: 'Not a valid document number',
          value: motherNumber,
        });
      } else mother = { documentType: motherType, documentNumber: motherNumber };
    }
    if (issues.length > 0) return undefined;
    return {
      certificateNumber: certificate,
      ...(mother ? { mother } : {}),
      ...(issued ? { issuedOn: issued } : {}),
      sourceRef: `cnv:${certificate}`,
    };
  }

  private school(line: number, row: RowFields, issues: RowIssue[]) {
    const schoolCode = row.get('codigo_modular');
    if (!/^\d{7}$/.test(schoolCode)) {
      issues.push({
        line,
        field: 'codigo_modular',
        code: schoolCode ? 'INVALID' : 'MISSING',
        reason: 'A school code (código modular) has 7 digits',
        ...(schoolCode ? { value: schoolCode } : {}),
      });
    }
    const period = row.get('periodo');
    if (!/^\d{4}(-(0[1-9]|1[0-2]))?$/.test(period) || period.slice(0, 7) > this.today.slice(0, 7)) {
      issues.push({
        line,
        field: 'periodo',
        code: period ? 'INVALID' : 'MISSING',
        reason: 'A period is a year (2026) or a month (2026-03), not in the future',
        ...(period ? { value: period } : {}),
      });
    }
    const enrolledText = row.get('matriculado').toLowerCase();
    let enrolled = true;
    if (enrolledText) {
      if (YES.has(enrolledText)) enrolled = true;
      else if (NO.has(enrolledText)) enrolled = false;
      else
        issues.push({
          line,
          field: 'matriculado',
          code: 'INVALID',
          reason: 'Enrolled is sí or no',
          value: enrolledText,
        });
    }
    const days = (column: string, max: number) => {
      const text = row.get(column);
      if (!text) return undefined;
      const n = parseNumber(text);
      if (n === undefined || !Number.isInteger(n) || n < 0 || n > max) {
        issues.push({
          line,
          field: column,
          code: 'INVALID',
          reason: `A number of days from 0 to ${max}`,
          value: text,
        });
        return undefined;
      }
      return n;
    };
    const attendance = days('dias_asistidos', 366);
    const schoolDays = days('dias_lectivos', 366);
    if (attendance !== undefined && schoolDays !== undefined && attendance > schoolDays) {
      issues.push({
        line,
        field: 'dias_asistidos',
        code: 'INVALID',
        reason: 'More days attended than school days',
        value: String(attendance),
      });
    }
    if (schoolDays === 0)
      issues.push({
        line,
        field: 'dias_lectivos',
        code: 'INVALID',
        reason: 'A period has at least one school day',
        value: '0',
      });
    if (issues.length > 0) return undefined;
    const grade = row.get('grado');
    const ref = row.get('id_registro');
    return {
      schoolCode,
      period,
      ...(grade ? { grade } : {}),
      enrolled,
      ...(attendance !== undefined ? { attendanceDays: attendance } : {}),
      ...(schoolDays !== undefined ? { schoolDays } : {}),
      sourceRef: ref
        ? `${schoolCode}:${ref}`
        : contentRef([
            row.get('numero_documento'),
            row.get('nombres'),
            row.get('apellido_paterno'),
            row.get('fecha_nacimiento'),
            schoolCode,
            period,
          ]),
    };
  }
}

const FIELD_OF_PATH: Record<string, string> = {
  code: 'codigo',
  dose: 'dosis',
  values: 'tipo',
  'values.hbGdl': 'hemoglobina',
};

/** A source reference for a row without one: the same facts give the same reference. */
function contentRef(parts: string[]): string {
  return `row:${createHash('sha1').update(parts.join('\u001f')).digest('hex')}`;
}
