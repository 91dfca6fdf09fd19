/** Random bytes are drawn 4 KiB at a time: one call to the generator per 256 ids. */
const POOL_BYTES = 4096;
let pool = new Uint8Array(0);
let poolAt = POOL_BYTES;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds then random bits, so ids
 * created on a phone offline are unique and still sort by creation time.
 * @example uuidv7() // '0193a5c4-7d1e-7b3a-9f2c-5d8e1a2b3c4d'
 */
export function uuidv7(now: number = Date.now()): string {
  if (poolAt + 10 > POOL_BYTES) {
    if (pool.length === 0) pool = new Uint8Array(POOL_BYTES);
    crypto.getRandomValues(pool);
    poolAt = 0;
  }
  const r = pool;
  const at = poolAt;
  poolAt += 10;
  // The time: 48 bits, big-endian, in two parts a double holds exactly.
  const high = Math.floor(now / 2 ** 24);
  const low = now % 2 ** 24;
  const t =
    HEX[(high >>> 16) & 0xff]! +
    HEX[(high >>> 8) & 0xff]! +
    HEX[high & 0xff]! +
    HEX[(low >>> 16) & 0xff]! +
    HEX[(low >>> 8) & 0xff]! +
    HEX[low & 0xff]!;
  return (
    `${t.slice(0, 8)}-${t.slice(8, 12)}-` +
    `${HEX[0x70 | (r[at]! & 0x0f)]}${HEX[r[at + 1]!]}-` +
    `${HEX[0x80 | (r[at + 2]! & 0x3f)]}${HEX[r[at + 3]!]}-` +
    `${HEX[r[at + 4]!]}${HEX[r[at + 5]!]}${HEX[r[at + 6]!]}${HEX[r[at + 7]!]}${HEX[r[at + 8]!]}${HEX[r[at + 9]!]}`
  );
}
