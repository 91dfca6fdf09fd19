import type { PathwaySubject, PathwaySummary, RosterRow, TrackingReason } from '@tejido/schemas';
import type { TFunction } from 'i18next';
import type { AppLocale } from '../../app/format';
import { translateOr } from '../../i18n/dynamic';

/** A reason of a traffic light in the interface language. */
export function reasonText(reason: TrackingReason, locale: AppLocale): string {
  return locale === 'en' ? reason.text_en : reason.text_es;
}

/** A label of the pathway files ({ es, en }) in the interface language. */
export function labelText(label: { es: string; en: string }, locale: AppLocale): string {
  return locale === 'en' ? label.en : label.es;
}

/** "14 meses" for a child, "Gestante, 23 semanas" for a pregnancy. */
export function rosterAgeText(
  row: Pick<RosterRow, 'subject' | 'ageMonths' | 'gestationalWeeks'>,
  t: TFunction,
): string {
  if (row.subject === 'pregnancy') {
    return row.gestationalWeeks === null
      ? t('subject.pregnancy')
      : t('roster.gestationWeeks', { count: row.gestationalWeeks });
  }
  return row.ageMonths === null ? '—' : t('roster.ageMonths', { count: row.ageMonths });
}

/** A vaccine, supplement, test, insurance or document code in words; the code itself when unknown. */
export function codeText(code: string, t: TFunction): string {
  return translateOr(t, `evidence.code.${code}`, code);
}

/** The items of the care pathways in force, for a select: grouped by pathway, each id once. */
export function pathwayItemOptions(
  pathways: PathwaySummary[],
  subject: PathwaySubject | '',
  locale: AppLocale,
): { group: string; items: { value: string; label: string }[] }[] {
  const seen = new Set<string>();
  // The newest version of a pathway first, so its labels are the ones shown.
  const ordered = [...pathways].sort((a, b) => b.validFrom.localeCompare(a.validFrom));
  const groups: { group: string; items: { value: string; label: string }[] }[] = [];
  for (const pathway of ordered) {
    if (subject && pathway.appliesTo !== subject) continue;
    const items = pathway.items
      .filter((item) => !seen.has(item.id))
      .map((item) => {
        seen.add(item.id);
        return { value: item.id, label: labelText(item.label, locale) };
      });
    if (items.length > 0) groups.push({ group: labelText(pathway.name, locale), items });
  }
  return groups;
}
