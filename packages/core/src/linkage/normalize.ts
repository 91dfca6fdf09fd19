/**
 * Names as the linkage compares them. Registries in Peru write the same name in many ways:
 * with or without accents, "De La Cruz" or "Cruz", "Vda. de Quispe" for a widow, "RN" for a
 * newborn not yet named. These functions keep what identifies a person and drop the rest.
 */

/**
 * Words that join or qualify surnames and given names without identifying anyone: "de",
 * "del", "de la", "de los", "y", "vda. de" (viuda de). A compound surname keeps its other
 * words as one unit ("Ruiz de Castilla" → "ruiz castilla").
 */
const PARTICLES: ReadonlySet<string> = new Set([
  'de',
  'del',
  'la',
  'las',
  'lo',
  'los',
  'y',
  'e',
  'vda',
  'viuda',
]);

/**
 * Given names that stand for "no name yet": RN (recién nacido) and NN (no name) in birth and
 * health files, often followed by the mother's name ("RN de Rosa Quispe").
 */
const PLACEHOLDER_FIRST_WORDS: ReadonlySet<string> = new Set(['rn', 'nn', 'sn', 'nd']);
const PLACEHOLDER_NAMES: ReadonlySet<string> = new Set([
  'recien nacido',
  'recien nacida',
  'sin nombre',
  'no registra',
  'no tiene',
  'ninguno',
  'desconocido',
]);

/**
 * Lower case, accents removed (ñ → n), apostrophes dropped (Q'ori → qori), anything that is
 * not a letter turned into a single space.
 * @example normalizeForLinkage("  Q'ORI-Ñaupa, María ") // 'qori naupa maria'
 */
export function normalizeForLinkage(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’‘`´]/g, '')
    .replace(/[^a-z]+/g, ' ')
    .trim();
}

/**
 * The normalised words of a name without its particles. A name made only of particles
 * keeps them, so it is never lost.
 * @example linkageName('Vda. de Quispe') // ['quispe']
 * @example linkageName('De La Cruz') // ['cruz']
 * @example linkageName('María de los Ángeles') // ['maria', 'angeles']
 */
export function linkageName(text: string): string[] {
  return linkageWords(normalizeForLinkage(text));
}

/** `linkageName` of a text already normalised. */
export function linkageWords(normalized: string): string[] {
  if (normalized === '') return [];
  const words = normalized.split(' ');
  const kept = words.filter((w) => !PARTICLES.has(w));
  return kept.length > 0 ? kept : words;
}

/**
 * Whether given names say "not named yet" (RN, NN, "recién nacido"): such a record carries
 * no evidence about the given names, for or against.
 * @example isPlaceholderGivenNames('RN de Rosa Quispe') // true
 * @example isPlaceholderGivenNames('Rosa') // false
 */
export function isPlaceholderGivenNames(text: string): boolean {
  return isPlaceholderNormalized(normalizeForLinkage(text));
}

/** `isPlaceholderGivenNames` of a text already normalised. */
export function isPlaceholderNormalized(normalized: string): boolean {
  if (normalized === '') return true;
  const [a, b] = normalized.split(' ', 2);
  // "R.N." comes out as two one-letter words.
  const first = a!.length === 1 && b?.length === 1 ? a! + b : a!;
  return PLACEHOLDER_FIRST_WORDS.has(first) || PLACEHOLDER_NAMES.has(normalized);
}
