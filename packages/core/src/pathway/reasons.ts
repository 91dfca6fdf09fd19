/**
 * Reasons in the words of a field worker, in Spanish (Peru) and English, and their urgency.
 * Urgency orders the reasons of a person and, through the top one, the persons of a roster:
 * severe risks first, then late critical items, serious risks, other late items, critical items
 * coming due, the remaining risk factors, and last the other items due now (listed so that an
 * amber light always says why).
 */
import type { ItemLabel, RiskSeverity, TrackingReason } from '@tejido/schemas';

export interface RankedReason {
  reason: TrackingReason;
  urgency: number;
}

const URGENCY = {
  severeRisk: 900,
  overdueCritical: 800,
  seriousRisk: 700,
  overdueNormal: 600,
  milderRisk: 500,
  dueCritical: 400,
  otherRisk: 300,
  dueNormal: 200,
} as const;

function days(n: number, es: boolean): string {
  if (es) return n === 1 ? '1 día' : `${n} días`;
  return n === 1 ? '1 day' : `${n} days`;
}

/** Decimal comma for Spanish. */
function decimal(x: number, digits: number, es: boolean): string {
  const s = x.toFixed(digits);
  return es ? s.replace('.', ',') : s;
}

/** 'dd/mm/aaaa', as dates are written in Peru. */
function spanishDate(iso: string): string {
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
}

export function overdueReason(
  itemId: string,
  label: ItemLabel,
  daysOverdue: number,
  critical: boolean,
): RankedReason {
  const late = label.esGender === 'f' ? 'vencida' : 'vencido';
  // More days late is more urgent, within the band (capped so a band never spills into the next).
  const within = Math.min(daysOverdue, 999) / 1000;
  return {
    urgency: (critical ? URGENCY.overdueCritical : URGENCY.overdueNormal) + within,
    reason: {
      code: 'item_overdue',
      itemId,
      text_es: `${label.es} ${late} hace ${days(daysOverdue, true)}`,
      text_en: `${label.en} overdue by ${days(daysOverdue, false)}`,
    },
  };
}

export function dueReason(
  itemId: string,
  label: ItemLabel,
  daysUntilLate: number,
  critical: boolean,
): RankedReason {
  const es =
    daysUntilLate === 0
      ? 'vence hoy'
      : daysUntilLate === 1
        ? 'vence mañana'
        : `vence en ${days(daysUntilLate, true)}`;
  const en =
    daysUntilLate === 0
      ? 'late after today'
      : daysUntilLate === 1
        ? 'late after tomorrow'
        : `late in ${days(daysUntilLate, false)}`;
  return {
    // Closer to its late date is more urgent.
    urgency:
      (critical ? URGENCY.dueCritical : URGENCY.dueNormal) + (999 - Math.min(daysUntilLate, 999)) / 1000,
    reason: {
      code: 'item_due',
      itemId,
      text_es: `${label.es} pendiente: ${es}`,
      text_en: `${label.en} due: ${en}`,
    },
  };
}

const SEVERITY_ES_F = { mild: 'leve', moderate: 'moderada', severe: 'severa' } as const;
const SEVERITY_EN = { mild: 'Mild', moderate: 'Moderate', severe: 'Severe' } as const;

export function anemiaReason(severity: RiskSeverity, adjustedGdl: number): RankedReason {
  return {
    urgency:
      severity === 'severe' ? URGENCY.severeRisk : URGENCY.seriousRisk + (severity === 'moderate' ? 0.5 : 0),
    reason: {
      code: 'anemia',
      text_es: `Anemia ${SEVERITY_ES_F[severity]} (Hb ajustada ${decimal(adjustedGdl, 1, true)} g/dL)`,
      text_en: `${SEVERITY_EN[severity]} anemia (adjusted Hb ${decimal(adjustedGdl, 1, false)} g/dL)`,
    },
  };
}

/** Growth deficits: stunting (length/height-for-age), wasting (weight-for-length/height), underweight (weight-for-age). */
export function growthReason(
  code: 'stunting' | 'wasting' | 'underweight',
  severity: 'moderate' | 'severe',
  z: number | undefined,
  heightStandard: boolean,
  oedema: boolean,
): RankedReason {
  const severe = severity === 'severe';
  const zEs = z === undefined ? '' : ` ${decimal(z, 1, true)} DE`;
  const zEn = z === undefined ? '' : ` z ${decimal(z, 1, false)}`;
  let es: string;
  let en: string;
  if (code === 'stunting') {
    es = `Desnutrición crónica${severe ? ' severa' : ''} (talla para la edad${zEs})`;
    en = `${severe ? 'Severe stunting' : 'Stunting'} (${heightStandard ? 'height' : 'length'}-for-age${zEn})`;
  } else if (code === 'wasting') {
    es = oedema
      ? 'Desnutrición aguda severa (edema)'
      : `Desnutrición aguda${severe ? ' severa' : ''} (peso para la talla${zEs})`;
    en = oedema
      ? 'Severe wasting (oedema)'
      : `${severe ? 'Severe wasting' : 'Wasting'} (weight-for-${heightStandard ? 'height' : 'length'}${zEn})`;
  } else {
    es = oedema
      ? 'Desnutrición global severa (edema)'
      : `Desnutrición global${severe ? ' severa' : ''} (peso para la edad${zEs})`;
    en = oedema
      ? 'Severe underweight (oedema)'
      : `${severe ? 'Severe underweight' : 'Underweight'} (weight-for-age${zEn})`;
  }
  // Underweight alone says less than stunting or wasting: it ranks below them.
  const urgency = severe
    ? URGENCY.severeRisk
    : code === 'underweight'
      ? URGENCY.milderRisk
      : URGENCY.seriousRisk;
  return { urgency, reason: { code, text_es: es, text_en: en } };
}

export function implausibleReason(kind: 'growth' | 'hemoglobin', date: string): RankedReason {
  return {
    urgency: URGENCY.otherRisk + 0.5,
    reason: {
      code: 'implausible_measurement',
      text_es:
        kind === 'growth'
          ? `Medición improbable del ${spanishDate(date)}: volver a medir`
          : `Hemoglobina improbable del ${spanishDate(date)}: repetir el examen`,
      text_en:
        kind === 'growth'
          ? `Implausible measurement on ${date}: to be re-measured`
          : `Implausible hemoglobin on ${date}: to be repeated`,
    },
  };
}

export function noIdentityDocumentReason(ageDays: number): RankedReason {
  // Days are what the 30-day rule counts; past two months, months read better.
  const months = Math.floor(ageDays / 30.4375);
  const es = ageDays < 61 ? `${ageDays} días de nacido` : `${months} meses`;
  const en = ageDays < 61 ? `${ageDays} days of age` : `${months} months of age`;
  return {
    urgency: URGENCY.seriousRisk,
    reason: {
      code: 'no_identity_document',
      text_es: `Sin DNI a los ${es}`,
      text_en: `No identity document at ${en}`,
    },
  };
}

export function adolescentMotherReason(ageYears: number, pregnant: boolean): RankedReason {
  return {
    urgency: URGENCY.otherRisk,
    reason: {
      code: 'adolescent_mother',
      text_es: pregnant
        ? `Gestante adolescente (${ageYears} años)`
        : `Madre adolescente (${ageYears} años al nacer el niño)`,
      text_en: pregnant
        ? `Pregnant adolescent (${ageYears} years old)`
        : `Adolescent mother (${ageYears} at the child's birth)`,
    },
  };
}
