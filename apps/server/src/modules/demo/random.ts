/**
 * Deterministic randomness for the demo population: a seeded PRNG, UUID v7 built from it,
 * and a bijection that turns a counter into identity numbers that never collide.
 * Nothing here reads the clock or the system's random source.
 */

/** murmur3's 32-bit finaliser: a bijection on 32-bit integers that scatters bits. */
export function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * sfc32 (Chris Doty-Humphrey's Small Fast Counting generator), 128 bits of state.
 * Streams are keyed by (seed, stream, index): distinct keys give distinct initial states,
 * so every household draws its own reproducible sequence, independent of the others.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream: number, index = 0) {
    this.a = seed >>> 0;
    this.b = index >>> 0;
    this.c = (0x9e3779b9 ^ Math.imul(stream, 0x632be5ab)) >>> 0;
    this.d = 1;
    for (let i = 0; i < 12; i++) this.next();
  }

  /** A uniform unsigned 32-bit integer. */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A uniform float in [0, 1). */
  float(): number {
    return this.next() / 4294967296;
  }

  /** A uniform integer in [min, max] (both included). */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  /** A uniform float in [min, max). */
  between(min: number, max: number): number {
    return min + this.float() * (max - min);
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)]!;
  }
}

/** Pick from items with the given cumulative weights (last = total), as built by `cumulative`. */
export function pickWeighted<T>(rng: Rng, items: readonly T[], cumulativeWeights: readonly number[]): T {
  const total = cumulativeWeights[cumulativeWeights.length - 1]!;
  const x = rng.float() * total;
  let lo = 0;
  let hi = cumulativeWeights.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulativeWeights[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return items[lo]!;
}

export function cumulative(weights: readonly number[]): number[] {
  let sum = 0;
  return weights.map((w) => {
    sum += w;
    return sum;
  });
}

/**
 * Split `total` into integer parts proportional to `weights` (largest remainder), so the
 * parts add up exactly and the split does not depend on floating-point order.
 */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  const exact = weights.map((w) => (total * w) / sum);
  const parts = exact.map((x) => Math.floor(x));
  let left = total - parts.reduce((s, p) => s + p, 0);
  const order = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((p, q) => q.r - p.r || p.i - q.i);
  for (const { i } of order) {
    if (left <= 0) break;
    parts[i]! += 1;
    left -= 1;
  }
  return parts;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex32(x: number): string {
  return HEX[(x >>> 24) & 0xff]! + HEX[(x >>> 16) & 0xff]! + HEX[(x >>> 8) & 0xff]! + HEX[x & 0xff]!;
}

/** Kinds of generated rows; each has its own id space so ids are unique across tables. */
export const IdKind = {
  institution: 1,
  user: 2,
  household: 3,
  person: 4,
  pregnancy: 5,
  enrolment: 6,
  evidence: 7,
} as const;

/**
 * A UUID v7 (RFC 9562) for the `serial`-th row of a kind, stamped with `ms` (Unix
 * milliseconds). A pure function of its arguments, so any pass over the population can
 * rebuild any row's id. The last 32 bits are a bijection of (kind, serial): two rows never
 * share an id; the other 42 bits are a hash of (kind, serial, salt) and look random.
 */
export function deterministicUuidv7(ms: number, kind: number, serial: number, salt: number): string {
  const high = Math.floor(ms / 65536); // top 32 of the 48 timestamp bits
  const low = ms % 65536; // bottom 16
  const key = (((kind & 0xf) << 28) | (serial & 0x0fffffff)) >>> 0;
  const r1 = fmix32(Math.imul(key, 0x9e3779b1) ^ salt);
  const r2 = fmix32(r1 ^ 0x5bd1e995 ^ salt);
  const randA = r1 & 0x0fff; // 12 bits
  const randB = (0x80000000 | (r2 >>> 2)) >>> 0; // variant 10 + 30 bits
  const unique = fmix32(key ^ salt);
  const mid = HEX[(low >>> 8) & 0xff]! + HEX[low & 0xff]!;
  const b = hex32(randB);
  return `${hex32(high)}-${mid}-${(0x7000 | randA).toString(16)}-${b.slice(0, 4)}-${b.slice(4)}${hex32(unique)}`;
}

/**
 * A keyed bijection of [0, size): a balanced Feistel network over the smallest even number
 * of bits that covers `size`, walking the cycle until the result falls inside the range.
 * Numbers drawn from it through a counter never repeat and show no pattern (an affine map
 * would give consecutive counters evenly spaced numbers).
 */
export class Permutation {
  private readonly halfBits: number;
  private readonly mask: number;
  private readonly keys: number[];

  constructor(
    readonly size: number,
    rng: Rng,
  ) {
    if (!Number.isInteger(size) || size < 2 || size > 2 ** 30)
      throw new RangeError(`Permutation size ${size}`);
    let bits = Math.ceil(Math.log2(size));
    if (bits % 2 === 1) bits += 1;
    this.halfBits = bits / 2;
    this.mask = (1 << this.halfBits) - 1;
    this.keys = [rng.next(), rng.next(), rng.next(), rng.next()];
  }

  at(i: number): number {
    if (!Number.isInteger(i) || i < 0 || i >= this.size) {
      throw new RangeError(`Permutation index ${i} outside [0, ${this.size})`);
    }
    let x = i;
    do x = this.encrypt(x);
    while (x >= this.size);
    return x;
  }

  private encrypt(x: number): number {
    let left = x >>> this.halfBits;
    let right = x & this.mask;
    for (const key of this.keys) {
      const next = (left ^ fmix32(right ^ key)) & this.mask;
      left = right;
      right = next;
    }
    return ((left << this.halfBits) | right) >>> 0;
  }
}
