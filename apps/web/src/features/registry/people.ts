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
