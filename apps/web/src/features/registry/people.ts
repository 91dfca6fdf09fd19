import type { Person } from '@tejido/schemas';

/** Given names then surnames, as a person is called in Peru: "Rosa Elena Quispe Mamani". */
export function personName(person: Pick<Person, 'givenNames' | 'firstSurname' | 'secondSurname'>): string {
  return [person.givenNames, person.firstSurname, person.secondSurname].filter(Boolean).join(' ');
}

/** "DNI 12345678", "CUI 12345678-5", "CE 001234567"; null without a document. */
export function documentLabel(document: Person['document']): string | null {
  if (!document) return null;
  const check = document.type === 'CUI' && document.checkDigit ? `-${document.checkDigit}` : '';
  return `${document.type} ${document.number}${check}`;
}

/**
 * Whether a member has a tracking page: a child under 36 months or a woman with an ongoing
 * pregnancy, still living in the household.
 */
export function hasTracking(person: Pick<Person, 'status' | 'ageMonths' | 'sex' | 'pregnancies'>): boolean {
  if (person.status !== 'active') return false;
  if (person.ageMonths >= 0 && person.ageMonths < 36) return true;
  return person.sex === 'female' && person.pregnancies.some((p) => p.status === 'ongoing');
}
