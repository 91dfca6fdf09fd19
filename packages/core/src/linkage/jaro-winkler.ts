/**
 * Jaro-Winkler similarity (Winkler 1990, "String comparator metrics and enhanced decision
 * rules in the Fellegi-Sunter model of record linkage"), as the U.S. Census Bureau defined it
 * for names: characters match within half the longer length minus one, transpositions count
 * half, and a common prefix of up to 4 characters raises the score by 0.1 per character.
 */

// Scratch flags reused across calls: the linkage compares millions of short names.
let flagsA = new Uint8Array(64);
let flagsB = new Uint8Array(64);

/**
 * Similarity of two strings in [0, 1]: 1 when equal, 0 when either is empty or nothing matches.
 * @example jaroWinkler('MARTHA', 'MARHTA') // 0.9611…
 * @example jaroWinkler('DWAYNE', 'DUANE') // 0.84
 * @example jaroWinkler('DIXON', 'DICKSONX') // 0.8133…
 */
export function jaroWinkler(a: string, b: string): number {
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  if (a === b) return 1;
  if (la > flagsA.length) flagsA = new Uint8Array(la * 2);
  if (lb > flagsB.length) flagsB = new Uint8Array(lb * 2);
  flagsA.fill(0, 0, la);
  flagsB.fill(0, 0, lb);
  const window = Math.max(0, (Math.max(la, lb) >> 1) - 1);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const c = a.charCodeAt(i);
    const lo = i > window ? i - window : 0;
    const hi = i + window < lb - 1 ? i + window : lb - 1;
    for (let j = lo; j <= hi; j++) {
      if (flagsB[j] === 0 && b.charCodeAt(j) === c) {
        flagsA[i] = 1;
        flagsB[j] = 1;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let halfTranspositions = 0;
  let k = 0;
  for (let i = 0; i < la; i++) {
    if (flagsA[i] === 0) continue;
    while (flagsB[k] === 0) k++;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) halfTranspositions++;
    k++;
  }
  const jaro = (matches / la + matches / lb + (matches - halfTranspositions / 2) / matches) / 3;
  let prefix = 0;
  const maxPrefix = Math.min(4, la, lb);
  while (prefix < maxPrefix && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}
