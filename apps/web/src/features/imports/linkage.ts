import type { LinkReviewView } from '@tejido/schemas';

/**
 * How the reasons of a linkage score read to a data steward: each field's outcome as words
 * and a tone (agrees, partly agrees, disagrees, missing), the score as a band, and the short
 * summary of an imported record as its parts. Pure functions, tested in Node.
 */

export type LinkReason = LinkReviewView['candidates'][number]['reasons'][number];
export type LinkCandidate = LinkReviewView['candidates'][number];

/** The fields a score compares, in the order they are shown. */
export const REASON_FIELDS = ['document', 'givenNames', 'surnames', 'birthDate', 'sex', 'territory'] as const;
export type ReasonField = (typeof REASON_FIELDS)[number];

/**
 * Every outcome the linkage gives per field (`@tejido/core` linkage/types.ts, and the import
 * pipeline's document checks). Each has a label in both languages (linkage.test.ts checks it).
 */
export const OUTCOMES: Record<ReasonField, readonly string[]> = {
  document: ['exact'],
  givenNames: ['exact', 'phonetic', 'similar', 'first_name', 'one_name', 'different', 'missing'],
  surnames: [
    'both_agree',
    'both_similar',
    'both_agree_swapped',
    'first_agrees_second_missing',
    'one_agrees',
    'different',
    'missing',
  ],
  birthDate: [
    'exact',
    'day_month_swapped',
    'near',
    'same_year_month',
    'different',
    'missing',
    'contradicts_document',
  ],
  sex: ['agree', 'disagree', 'missing'],
  territory: ['same_district', 'same_province', 'same_region', 'different', 'missing'],
};

export type ReasonTone = 'agree' | 'partial' | 'disagree' | 'missing';

/** Outcomes where the two say the same. */
const AGREE = new Set(['exact', 'both_agree', 'agree', 'same_district']);
/** Outcomes where the two say otherwise. */
const DISAGREE = new Set(['different', 'disagree', 'contradicts_document']);
/** Outcomes where the two say nearly the same, or the same in part. */
const PARTIAL = new Set([
  'phonetic',
  'similar',
  'first_name',
  'one_name',
  'both_similar',
  'both_agree_swapped',
  'first_agrees_second_missing',
  'one_agrees',
  'day_month_swapped',
  'near',
  'same_year_month',
  'same_province',
  'same_region',
]);

/**
 * Whether the two agree on a field (agree), nearly or in part (partial: a similar name, one of
 * two surnames, a swapped day and month), not at all (disagree), or cannot be compared
 * (missing on either side). The weight, shown beside it, says how much that counts.
 *
 * @example reasonTone({ field: 'birthDate', outcome: 'day_month_swapped', weight: 8.97 }) // 'partial'
 */
export function reasonTone(reason: Pick<LinkReason, 'outcome' | 'weight'>): ReasonTone {
  if (reason.outcome === 'missing') return 'missing';
  if (DISAGREE.has(reason.outcome)) return 'disagree';
  if (AGREE.has(reason.outcome)) return 'agree';
  if (PARTIAL.has(reason.outcome)) return 'partial';
  // An outcome this page does not know: its weight says which side it is on.
  return reason.weight < 0 ? 'disagree' : 'partial';
}

export function isReasonField(field: string): field is ReasonField {
  return (REASON_FIELDS as readonly string[]).includes(field);
}

/** The reasons of a candidate by field (the first of each). */
export function reasonsByField(reasons: readonly LinkReason[]): Partial<Record<ReasonField, LinkReason>> {
  const out: Partial<Record<ReasonField, LinkReason>> = {};
  for (const r of reasons) {
    if (isReasonField(r.field) && !(r.field in out)) out[r.field] = r;
  }
  return out;
}

/** Above this many bits a record is linked without review; from the lower one it is held for review. */
export const LINK_THRESHOLD = 24;
export const REVIEW_THRESHOLD = 15;

export type ScoreBand = 'document' | 'high' | 'probable' | 'low';

/**
 * How strong a candidate is: found by the identity number (its other data disagreeing), or by
 * the weight of names, sex, birth date and territory against the linkage thresholds.
 *
 * @example scoreBand({ weight: 18.4, reasons: [] }) // 'probable'
 */
export function scoreBand(candidate: Pick<LinkCandidate, 'weight' | 'reasons'>): ScoreBand {
  if (candidate.reasons.some((r) => r.field === 'document' && r.outcome === 'exact')) return 'document';
  if (candidate.weight >= LINK_THRESHOLD) return 'high';
  if (candidate.weight >= REVIEW_THRESHOLD) return 'probable';
  return 'low';
}

/** A weight in bits with its sign: +8.2, −7.6, 0.0. */
export function formatWeight(weight: number): string {
  if (!Number.isFinite(weight)) return '—';
  const rounded = Math.round(weight * 10) / 10;
  const digits = Math.abs(rounded).toFixed(1);
  return rounded > 0 ? `+${digits}` : rounded < 0 ? `\u2212${digits}` : digits;
}

/** What an imported record says, as parts the page can translate. */
export type RecordSummary =
  | {
      type: 'evidence';
      kind: string;
      code: string | null;
      dose: number | null;
      values: Array<[string, string]>;
      date: string | null;
    }
  | { type: 'school'; schoolCode: string; period: string; enrolled: boolean }
  | { type: 'birth'; certificate: string }
  | { type: 'text'; text: string };

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The server's short summary of a held record, read back into its parts: "vaccine_dose PENTA
 * #2 2026-03-05", "school 0234567 2026-03 (not enrolled)", "birth certificate 100200300".
 * Anything else is kept as text.
 *
 * @example summaryParts('hemoglobin hb_gdl=10.2 2026-03-05')
 * // { type: 'evidence', kind: 'hemoglobin', code: null, dose: null, values: [['hb_gdl', '10.2']], date: '2026-03-05' }
 */
export function summaryParts(summary: string): RecordSummary {
  const text = summary.trim();
  const birth = /^birth certificate (\S+)$/.exec(text);
  if (birth) return { type: 'birth', certificate: birth[1]! };
  const school = /^school (\S+) (\S+)( \(not enrolled\))?$/.exec(text);
  if (school) return { type: 'school', schoolCode: school[1]!, period: school[2]!, enrolled: !school[3] };
  const tokens = text.split(/\s+/);
  const kind = tokens[0] ?? '';
  if (!/^[a-z_]+$/.test(kind)) return { type: 'text', text };
  let date: string | null = null;
  if (tokens.length > 1 && ISO_DAY.test(tokens[tokens.length - 1]!)) date = tokens.pop()!;
  let code: string | null = null;
  let dose: number | null = null;
  const values: Array<[string, string]> = [];
  for (const token of tokens.slice(1)) {
    const eq = token.indexOf('=');
    if (/^#\d+$/.test(token)) dose = Number(token.slice(1));
    else if (eq > 0) values.push([token.slice(0, eq), token.slice(eq + 1)]);
    else if (code === null) code = token;
    else return { type: 'text', text };
  }
  return { type: 'evidence', kind, code, dose, values, date };
}

/** A record's or a person's names as one line; null when none is known. */
export function fullName(p: {
  givenNames: string | null;
  firstSurname: string | null;
  secondSurname: string | null;
}): string | null {
  const name = [p.givenNames, p.firstSurname, p.secondSurname].filter(Boolean).join(' ');
  return name || null;
}
