/**
 * The form of a name used for search: lower case, accents and punctuation removed,
 * single spaces. "Quispe Ñaupa, María-José" → "quispe naupa maria jose".
 * @example normalizeName('  María  Ñaupa ') // 'maria naupa'
 */
export function normalizeName(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * The search form of a person's full name, given names first.
 * @example personSearchName({ givenNames: 'Rosa', firstSurname: 'Mamani', secondSurname: 'Ccori' }) // 'rosa mamani ccori'
 */
export function personSearchName(p: {
  givenNames: string;
  firstSurname: string;
  secondSurname?: string | null;
}): string {
  return normalizeName([p.givenNames, p.firstSurname, p.secondSurname ?? ''].join(' '));
}
