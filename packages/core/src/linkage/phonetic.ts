/**
 * A phonetic key for Peruvian Spanish and Quechua/Aymara names written in Spanish spelling.
 *
 * Quechua and Aymara names reach the registries through clerks who spell the same sounds in
 * several ways: the uvular /q/ as "cc", "qq", "q", "k" or "c" (Ccori, Qori, Cori), /w/ as
 * "hu", "gu" or "w" (Huamán, Guamán, Wamán), and Quechua's three vowels /a i u/ as a, e/i,
 * o/u (Quispe/Quispi, Condori/Cundori). The key writes each of those groups with one symbol:
 *
 * - k: c before a, o, u or a consonant; cc, qq, kk; q; qu before e, i; k
 * - s: s, z, x; c before e, i
 * - c: ch
 * - w: hu or gu before a vowel (gu only before a, o: "Guillermo" keeps its g), w
 * - j: j; g before e, i
 * - y: ll; y before a vowel. A y that ends a word or precedes a consonant is the vowel i
 *   (Mamany = Mamani)
 * - b: b, v. m: n before b, p, v
 * - h is silent elsewhere (Qhispe = Quispe, Jhon = Jon, Thalía = Talía)
 * - vowels: a; e and i → i; o and u → u
 * - a symbol repeated is written once (rr → r, Allcca → ayka).
 */

import { normalizeForLinkage } from './normalize';

const VOWEL = /[aeiou]/;

function isVowel(c: string | undefined): boolean {
  return c !== undefined && VOWEL.test(c);
}

function wordKey(w: string): string {
  let out = '';
  let last = '';
  const emit = (code: string) => {
    if (code !== last) out += code;
    last = code;
  };
  for (let i = 0; i < w.length; i++) {
    const c = w[i]!;
    const n = w[i + 1];
    const n2 = w[i + 2];
    switch (c) {
      case 'a':
        emit('a');
        break;
      case 'e':
      case 'i':
        emit('i');
        break;
      case 'o':
      case 'u':
        emit('u');
        break;
      case 'y':
        emit(isVowel(n) ? 'y' : 'i');
        break;
      case 'b':
      case 'v':
        emit('b');
        break;
      case 'c':
        if (n === 'h') {
          emit('c');
          i++;
        } else if (n === 'e' || n === 'i' || (n === 'y' && isVowel(n2))) emit('s');
        else emit('k');
        break;
      case 'k':
        emit('k');
        break;
      case 'q':
        emit('k');
        if (n === 'u' && (n2 === 'e' || n2 === 'i')) i++;
        break;
      case 'g':
        if (n === 'u' && (n2 === 'a' || n2 === 'o')) {
          emit('w');
          i++;
        } else if (n === 'u' && (n2 === 'e' || n2 === 'i')) {
          emit('g');
          i++;
        } else if (n === 'e' || n === 'i') emit('j');
        else emit('g');
        break;
      case 'h':
        if (n === 'u' && isVowel(n2)) {
          emit('w');
          i++;
        }
        // otherwise silent
        break;
      case 'l':
        if (n === 'l') {
          emit('y');
          i++;
        } else emit('l');
        break;
      case 's':
      case 'z':
      case 'x':
        emit('s');
        break;
      case 'n':
        emit(n === 'b' || n === 'p' || n === 'v' ? 'm' : 'n');
        break;
      case 'w':
        emit('w');
        // "wu" before a vowel is the same w (Wuaman)
        if (n === 'u' && isVowel(n2)) i++;
        break;
      default:
        emit(c);
    }
  }
  return out;
}

/**
 * The phonetic key of a name: each normalised word keyed (see the rules above), words joined
 * by a space.
 * @example phoneticKey('Quispe') === phoneticKey('Qhispi') // true ('kispi')
 * @example phoneticKey('Huamán') // 'waman'
 * @example phoneticKey('Ccori') === phoneticKey('Qori') // true ('kuri')
 */
export function phoneticKey(word: string): string {
  const normalized = normalizeForLinkage(word);
  if (normalized === '') return '';
  return normalized.split(' ').map(wordKey).join(' ');
}

/** The key of words already normalised (a-z only), without separators: compound surnames as one unit. */
export function phoneticKeyOfWords(words: readonly string[]): string {
  let out = '';
  for (const w of words) out += wordKey(w);
  return out;
}
