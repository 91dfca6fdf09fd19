/**
 * Peruvian identity numbers. The DNI and the CUI (código único de identificación, given
 * at birth) share one 8-digit number; the card prints a check character after it,
 * computed with the weights 3,2,7,6,5,4,3,2 modulo 11.
 */

const WEIGHTS = [3, 2, 7, 6, 5, 4, 3, 2] as const;
const DIGITS = ['6', '7', '8', '9', '0', '1', '1', '2', '3', '4', '5'] as const;
const LETTERS = ['K', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J'] as const;

/**
 * The numeric check digit of an 8-digit DNI/CUI number.
 * @example cuiCheckDigit('12345678') // '1'
 */
export function cuiCheckDigit(number: string): string {
  return DIGITS[checkIndex(number)]!;
}

/**
 * Whether `check` is the check character of `number`; the card may print it as a digit
 * or, on older documents, as a letter.
 * @example isValidCuiCheck('12345678', '1') // true
 */
export function isValidCuiCheck(number: string, check: string): boolean {
  const i = checkIndex(number);
  return check === DIGITS[i] || check.toUpperCase() === LETTERS[i];
}

function checkIndex(number: string): number {
  if (!/^\d{8}$/.test(number)) throw new RangeError(`A DNI/CUI number has 8 digits; got "${number}"`);
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(number[i]) * WEIGHTS[i]!;
  const key = 11 - (sum % 11);
  return key === 11 ? 0 : key;
}
