/**
 * An in-memory index of registry persons for record linkage. Comparing a record with every
 * person is out of reach (10^5 records × 10^6 persons), so the index groups persons into
 * blocks by keys that a true match almost always shares, and scores only the persons of the
 * record's blocks. Several passes with different keys cover each other's failures: a typo in
 * a surname leaves the given-name-and-date block, a swapped day and month leave the surname
 * blocks, a wrong date leaves the surnames-and-given-name block.
 *
 * Memory: a person is 8 Int32 slots in one typed array (references to name features shared by
 * everyone who bears the name: a million persons bear a few thousand distinct names, plus the
 * birth date and sex), and each pass is a hash table of 32-bit keys over its persons'
 * positions in one Int32Array. A million persons take about 160 MiB, their ids included.
 */
import {
  birthDateNumber,
  type ComparisonCache,
  compileWeights,
  type GivenFeature,
  newFieldResults,
  newValueStats,
  type PreparedRecord,
  prepareGivenNames,
  prepareRecord,
  prepareSurname,
  prepareTerritory,
  reasonsOf,
  type SurnameFeature,
  scorePrepared,
  sexCode,
  splitOf,
  type TerritoryFeature,
  type ValueStats,
} from './compare';
import { DEFAULT_LINKAGE_PARAMETERS, type LinkageParameters } from './parameters';
import type { LinkPerson, LinkRecord, LinkScore } from './types';

/** The blocking fields of a record or person: ids of phonetic keys (-1 missing, -2 unknown to the index). */
interface KeyFields {
  given: number;
  s1: number;
  s2: number;
  y: number;
  m: number;
  d: number;
  sex: number;
  province: number;
}

function mix(h: number, v: number): number {
  let k = Math.imul(v | 0, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const key3 = (pass: number, a: number, b: number, c: number) => finish(mix(mix(mix(pass, a), b), c));
const key4 = (pass: number, a: number, b: number, c: number, d: number) =>
  finish(mix(mix(mix(mix(pass, a), b), c), d));
const key6 = (pass: number, a: number, b: number, c: number, d: number, e: number) =>
  finish(mix(mix(mix(mix(mix(pass, a), b), c), d), e));

/**
 * A blocking pass: the key of a person (-1 when the person lacks its fields) and the keys a
 * record looks up (a record without sex looks up both).
 */
interface BlockingPass {
  name: string;
  personKey(f: KeyFields): number;
  recordKeys(f: KeyFields, out: number[]): void;
}

const lo = (a: number, b: number) => (a < b ? a : b);
const hi = (a: number, b: number) => (a < b ? b : a);

const PASSES: readonly BlockingPass[] = [
  {
    // Both surnames in either order, the birth year and sex: tolerant of swapped surnames and date typos within the year.
    name: 'surnames + birth year + sex',
    personKey: (f) => (f.s1 >= 0 && f.y > 0 ? key4(1, lo(f.s1, f.s2), hi(f.s1, f.s2), f.y, f.sex) : -1),
    recordKeys(f, out) {
      if (f.s1 < 0 || f.y === 0) return;
      if (f.sex !== 2) out.push(key4(1, lo(f.s1, f.s2), hi(f.s1, f.s2), f.y, 1));
      if (f.sex !== 1) out.push(key4(1, lo(f.s1, f.s2), hi(f.s1, f.s2), f.y, 2));
    },
  },
  {
    // A second surname missing or misspelt, a date wrong within the year.
    name: 'first surname + first given name + birth year',
    personKey: (f) => (f.s1 >= 0 && f.given >= 0 && f.y > 0 ? key4(2, f.s1, f.given, f.y, 0) : -1),
    recordKeys(f, out) {
      if (f.s1 >= 0 && f.given >= 0 && f.y > 0) out.push(key4(2, f.s1, f.given, f.y, 0));
    },
  },
  {
    // A first surname misspelt; a record with one surname may carry the mother's (the person's second).
    name: 'second surname + first given name + birth year',
    personKey: (f) => (f.s2 >= 0 && f.given >= 0 && f.y > 0 ? key4(3, f.s2, f.given, f.y, 0) : -1),
    recordKeys(f, out) {
      const s = f.s2 === -1 ? f.s1 : f.s2;
      if (s >= 0 && f.given >= 0 && f.y > 0) out.push(key4(3, s, f.given, f.y, 0));
    },
  },
  {
    // Day and month in either order.
    name: 'first given name + birth date',
    personKey: (f) => (f.given >= 0 && f.d > 0 ? key4(4, f.given, f.y, lo(f.m, f.d), hi(f.m, f.d)) : -1),
    recordKeys(f, out) {
      if (f.given >= 0 && f.d > 0) out.push(key4(4, f.given, f.y, lo(f.m, f.d), hi(f.m, f.d)));
    },
  },
  {
    name: 'birth date + sex + province',
    personKey: (f) =>
      f.d > 0 && f.sex > 0 && f.province >= 0
        ? key6(5, f.y, lo(f.m, f.d), hi(f.m, f.d), f.sex, f.province)
        : -1,
    recordKeys(f, out) {
      if (f.d === 0 || f.province < 0) return;
      if (f.sex !== 2) out.push(key6(5, f.y, lo(f.m, f.d), hi(f.m, f.d), 1, f.province));
      if (f.sex !== 1) out.push(key6(5, f.y, lo(f.m, f.d), hi(f.m, f.d), 2, f.province));
    },
  },
  {
    // No date at all: for records whose date is missing or wrong.
    name: 'surnames + first given name',
    personKey: (f) => (f.s1 >= 0 && f.given >= 0 ? key3(6, lo(f.s1, f.s2), hi(f.s1, f.s2), f.given) : -1),
    recordKeys(f, out) {
      if (f.s1 >= 0 && f.given >= 0) out.push(key3(6, lo(f.s1, f.s2), hi(f.s1, f.s2), f.given));
    },
  },
];

/**
 * Each person takes STRIDE Int32 slots side by side, so scoring a candidate reads one cache
 * line rather than one per field (the candidates of a record are scattered over the index).
 */
const STRIDE = 8;
const F_GIVEN = 0;
const F_S1 = 1;
const F_S2 = 2;
const F_TERRITORY = 3;
/** YYYYMMDD, 0 when missing. */
const F_BIRTH = 4;
/** 1 female, 2 male, 0 missing. */
const F_SEX = 5;
/** Marks a person already gathered for the current query. */
const F_STAMP = 6;

/** One pass's blocks: sorted distinct keys, where each key's persons start, and the persons. */
interface Blocks {
  keys: Uint32Array;
  /** Open-addressing table from a key's low bits to its block number + 1 (0: empty). */
  slots: Int32Array;
  starts: Int32Array;
  members: Int32Array;
  /** Persons added since the table was built. */
  delta: Map<number, number[]>;
}

/** Stable LSD radix sort of (key, value) pairs by key, 16 bits at a time. */
function sortPairs(keys: Uint32Array, values: Int32Array): void {
  const n = keys.length;
  const k2 = new Uint32Array(n);
  const v2 = new Int32Array(n);
  const count = new Int32Array(65537);
  for (let i = 0; i < n; i++) count[(keys[i]! & 0xffff) + 1]!++;
  for (let b = 0; b < 65536; b++) count[b + 1]! += count[b]!;
  for (let i = 0; i < n; i++) {
    const j = count[keys[i]! & 0xffff]!++;
    k2[j] = keys[i]!;
    v2[j] = values[i]!;
  }
  count.fill(0);
  for (let i = 0; i < n; i++) count[(k2[i]! >>> 16) + 1]!++;
  for (let b = 0; b < 65536; b++) count[b + 1]! += count[b]!;
  for (let i = 0; i < n; i++) {
    const j = count[k2[i]! >>> 16]!++;
    keys[j] = k2[i]!;
    values[j] = v2[i]!;
  }
}

/** Counters a caller can pass to follow the blocking's work. */
export interface LinkageCounters {
  /** Persons scored. */
  candidates: number;
  /** Blocks skipped for holding more persons than `blocking.maxBlockSize`. */
  cappedBlocks: number;
}

export interface MatchOptions {
  /** Leave this person out (when looking for duplicates of a registry person). */
  excludePersonId?: string;
  counters?: LinkageCounters;
}

/**
 * The registry persons, indexed for linkage. Add persons with `add`; the blocks are built on
 * the first query (or by `build`) and kept up to date as more persons are added.
 */
export class LinkIndex {
  readonly params: LinkageParameters;
  #size = 0;
  #capacity = 0;
  #ids: string[] = [];
  #positions = new Map<string, number>();
  /** The persons side by side, STRIDE slots each (see F_*). */
  #data = new Int32Array(0);

  // Distinct raw values, each with its prepared feature (null when it says nothing: "RN", "").
  #givenRaw: string[] = [];
  #givens: (GivenFeature | null)[] = [];
  #givenIds = new Map<string, number>();
  #surnameRaw: string[] = [];
  #surnames: (SurnameFeature | null)[] = [];
  #surnameIds = new Map<string, number>();
  #territoryRaw: string[] = [];
  #territories: (TerritoryFeature | null)[] = [];
  #territoryIds = new Map<string, number>();

  // Blocking ids of phonetic keys and provinces; frequencies of values.
  #keyIds = new Map<string, number>();
  #provinceIds = new Map<string, number>();
  #givenTable = { total: 0 };
  #surnameTable = { total: 0 };
  #districtTable = { total: 0 };
  #givenStats = new Map<string, ValueStats>();
  #surnameStats = new Map<string, ValueStats>();
  #districtStats = new Map<string, ValueStats>();

  // Name comparisons remembered across records, by the record's name (see #cacheFor).
  #givenMemo = new Map<string, Map<GivenFeature, number>>();
  #surnameMemo = new Map<string, Map<SurnameFeature, number>>();
  #memoEntries = 0;

  #blocks: Blocks[] | null = null;
  #built = 0;
  #inDelta = 0;
  #stamp = 0;
  #candidates = new Int32Array(1024);

  constructor(params: LinkageParameters = DEFAULT_LINKAGE_PARAMETERS) {
    this.params = params;
  }

  /** How many persons the index holds. */
  get size(): number {
    return this.#size;
  }

  has(id: string): boolean {
    return this.#positions.has(id);
  }

  /**
   * Add a registry person. Ids are unique: adding one twice throws.
   * @example const index = new LinkIndex(); index.add({ id: 'p1', givenNames: 'Rosa', firstSurname: 'Quispe' }); index.size // 1
   */
  add(person: LinkPerson): void {
    if (this.#positions.has(person.id)) throw new RangeError(`Person ${person.id} is already in the index`);
    const pos = this.#size;
    if (pos === this.#capacity) this.#grow();
    this.#ids.push(person.id);
    this.#positions.set(person.id, pos);
    this.#data[pos * STRIDE + F_GIVEN] = this.#internGiven(person.givenNames ?? '');
    let first = this.#internSurname(person.firstSurname ?? '');
    let second = person.secondSurname == null ? -1 : this.#internSurname(person.secondSurname);
    if (this.#surnames[first] == null && second >= 0 && this.#surnames[second] != null) {
      first = second;
      second = -1;
    }
    this.#data[pos * STRIDE + F_S1] = first;
    this.#data[pos * STRIDE + F_S2] = second;
    this.#data[pos * STRIDE + F_BIRTH] = birthDateNumber(person.birthDate);
    this.#data[pos * STRIDE + F_SEX] = sexCode(person.sex);
    this.#data[pos * STRIDE + F_TERRITORY] =
      person.territoryCode == null ? -1 : this.#internTerritory(person.territoryCode);
    this.#count(pos);
    this.#size = pos + 1;
  }

  /**
   * The person with this id, as added (the birth date as 'YYYY-MM-DD').
   * @example index.person('p1')?.givenNames // 'Rosa'
   */
  person(id: string): LinkPerson | undefined {
    const pos = this.#positions.get(id);
    return pos === undefined ? undefined : this.#personAt(pos);
  }

  /** Build the blocks now rather than on the first query (to time them, or before serving). */
  build(): void {
    this.#sync();
  }

  /**
   * The ids of the persons in the record's blocks (each once), without scoring them.
   * @example index.candidates({ givenNames: 'Rosa', firstSurname: 'Quispe', birthDate: '2021-03-07' })
   */
  candidates(record: LinkRecord, options: MatchOptions = {}): string[] {
    const { fields } = this.#prepare(record);
    const n = this.#collect(fields, options);
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(this.#ids[this.#candidates[i]!]!);
    return out;
  }

  /** The best-scoring persons of the record's blocks, best first (see `bestMatches`). */
  bestMatches(record: LinkRecord, limit = 5, options: MatchOptions = {}): LinkScore[] {
    if (limit < 1) return [];
    const { prepared, fields } = this.#prepare(record);
    const n = this.#collect(fields, options);
    const w = compileWeights(this.params);
    const cache = this.#cacheFor(prepared);
    const view: PreparedRecord = { given: null, s1: null, s2: null, birth: 0, sex: 0, territory: null };
    const topWeight: number[] = [];
    const topPos: number[] = [];
    for (let i = 0; i < n; i++) {
      const pos = this.#candidates[i]!;
      this.#view(pos, view);
      const floor = topWeight.length === limit ? topWeight[limit - 1]! : Number.NEGATIVE_INFINITY;
      const weight = scorePrepared(prepared, view, w, cache, null, floor);
      if (topWeight.length === limit && weight <= floor) continue;
      let j = topWeight.length < limit ? topWeight.length : limit - 1;
      while (j > 0 && topWeight[j - 1]! < weight) {
        topWeight[j] = topWeight[j - 1]!;
        topPos[j] = topPos[j - 1]!;
        j--;
      }
      topWeight[j] = weight;
      topPos[j] = pos;
    }
    this.#memoEntries += cache.size();
    const results = newFieldResults();
    return topPos.map((pos) => {
      this.#view(pos, view);
      const weight = scorePrepared(prepared, view, w, null, results);
      return { personId: this.#ids[pos]!, weight, reasons: reasonsOf(results) };
    });
  }

  /** The blocks of each pass: how many, how many persons in the largest, how many over the cap. */
  blockingSummary(): { pass: string; blocks: number; largest: number; overCap: number }[] {
    this.#sync();
    const cap = this.params.blocking.maxBlockSize;
    return PASSES.map((pass, p) => {
      const b = this.#blocks![p]!;
      let largest = 0;
      let overCap = 0;
      for (let i = 0; i < b.keys.length; i++) {
        const size = b.starts[i + 1]! - b.starts[i]!;
        if (size > largest) largest = size;
        if (size > cap) overCap++;
      }
      return { pass: pass.name, blocks: b.keys.length + b.delta.size, largest, overCap };
    });
  }

  #grow(): void {
    const capacity = Math.max(1024, this.#capacity * 2);
    const data = new Int32Array(capacity * STRIDE);
    data.set(this.#data);
    this.#data = data;
    this.#capacity = capacity;
  }

  #keyId(key: string): number {
    let id = this.#keyIds.get(key);
    if (id === undefined) {
      id = this.#keyIds.size;
      this.#keyIds.set(key, id);
    }
    return id;
  }

  #internGiven(raw: string): number {
    let ref = this.#givenIds.get(raw);
    if (ref === undefined) {
      const feature = prepareGivenNames(raw);
      if (feature) {
        const key = feature.keys[0]!;
        let stats = this.#givenStats.get(key);
        if (!stats) {
          stats = newValueStats(this.#givenTable);
          this.#givenStats.set(key, stats);
        }
        feature.stats = stats;
        feature.blockId = this.#keyId(key);
      }
      ref = this.#givens.length;
      this.#givens.push(feature);
      this.#givenRaw.push(raw);
      this.#givenIds.set(raw, ref);
    }
    return ref;
  }

  #internSurname(raw: string): number {
    let ref = this.#surnameIds.get(raw);
    if (ref === undefined) {
      const feature = prepareSurname(raw);
      if (feature) {
        let stats = this.#surnameStats.get(feature.key);
        if (!stats) {
          stats = newValueStats(this.#surnameTable);
          this.#surnameStats.set(feature.key, stats);
        }
        feature.stats = stats;
        feature.blockId = this.#keyId(feature.key);
      }
      ref = this.#surnames.length;
      this.#surnames.push(feature);
      this.#surnameRaw.push(raw);
      this.#surnameIds.set(raw, ref);
    }
    return ref;
  }

  #internTerritory(raw: string): number {
    let ref = this.#territoryIds.get(raw);
    if (ref === undefined) {
      const feature = prepareTerritory(raw);
      if (feature) {
        if (feature.district !== null) {
          let stats = this.#districtStats.get(feature.district);
          if (!stats) {
            stats = newValueStats(this.#districtTable);
            this.#districtStats.set(feature.district, stats);
          }
          feature.stats = stats;
        }
        if (feature.province !== null) {
          let id = this.#provinceIds.get(feature.province);
          if (id === undefined) {
            id = this.#provinceIds.size;
            this.#provinceIds.set(feature.province, id);
          }
          feature.blockId = id;
        }
      }
      ref = this.#territories.length;
      this.#territories.push(feature);
      this.#territoryRaw.push(raw);
      this.#territoryIds.set(raw, ref);
    }
    return ref;
  }

  /** Count the person's values in the frequency tables. */
  #count(pos: number): void {
    const given = this.#givens[this.#data[pos * STRIDE + F_GIVEN]!];
    if (given?.stats) {
      given.stats.count++;
      this.#givenTable.total++;
    }
    const s1 = this.#surnames[this.#data[pos * STRIDE + F_S1]!];
    if (s1?.stats) {
      s1.stats.count++;
      this.#surnameTable.total++;
    }
    const s2 =
      this.#data[pos * STRIDE + F_S2]! >= 0 ? this.#surnames[this.#data[pos * STRIDE + F_S2]!] : null;
    if (s2?.stats) {
      s2.stats.count++;
      this.#surnameTable.total++;
    }
    const t =
      this.#data[pos * STRIDE + F_TERRITORY]! >= 0
        ? this.#territories[this.#data[pos * STRIDE + F_TERRITORY]!]
        : null;
    if (t?.stats) {
      t.stats.count++;
      this.#districtTable.total++;
    }
  }

  #personAt(pos: number): LinkPerson {
    const birth = this.#data[pos * STRIDE + F_BIRTH]!;
    const sex = this.#data[pos * STRIDE + F_SEX]!;
    const s2 = this.#data[pos * STRIDE + F_S2]!;
    const t = this.#data[pos * STRIDE + F_TERRITORY]!;
    return {
      id: this.#ids[pos]!,
      givenNames: this.#givenRaw[this.#data[pos * STRIDE + F_GIVEN]!]!,
      firstSurname: this.#surnameRaw[this.#data[pos * STRIDE + F_S1]!]!,
      secondSurname: s2 >= 0 ? this.#surnameRaw[s2]! : null,
      sex: sex === 1 ? 'female' : sex === 2 ? 'male' : null,
      birthDate:
        birth === 0
          ? null
          : `${Math.floor(birth / 10000)}-${String(Math.floor(birth / 100) % 100).padStart(2, '0')}-${String(birth % 100).padStart(2, '0')}`,
      territoryCode: t >= 0 ? this.#territoryRaw[t]! : null,
    };
  }

  /** Point `view` at the features of the person at `pos`. */
  #view(pos: number, view: PreparedRecord): void {
    view.given = this.#givens[this.#data[pos * STRIDE + F_GIVEN]!] ?? null;
    view.s1 = this.#surnames[this.#data[pos * STRIDE + F_S1]!] ?? null;
    const s2 = this.#data[pos * STRIDE + F_S2]!;
    view.s2 = s2 >= 0 ? (this.#surnames[s2] ?? null) : null;
    view.birth = this.#data[pos * STRIDE + F_BIRTH]!;
    view.sex = this.#data[pos * STRIDE + F_SEX]!;
    const t = this.#data[pos * STRIDE + F_TERRITORY]!;
    view.territory = t >= 0 ? (this.#territories[t] ?? null) : null;
  }

  #personFields(pos: number, f: KeyFields): void {
    const given = this.#givens[this.#data[pos * STRIDE + F_GIVEN]!];
    f.given = given ? given.blockId : -1;
    const s1 = this.#surnames[this.#data[pos * STRIDE + F_S1]!];
    f.s1 = s1 ? s1.blockId : -1;
    const s2ref = this.#data[pos * STRIDE + F_S2]!;
    const s2 = s2ref >= 0 ? this.#surnames[s2ref] : null;
    f.s2 = s2 ? s2.blockId : -1;
    setDate(f, this.#data[pos * STRIDE + F_BIRTH]!);
    f.sex = this.#data[pos * STRIDE + F_SEX]!;
    const t = this.#data[pos * STRIDE + F_TERRITORY]!;
    const territory = t >= 0 ? this.#territories[t] : null;
    f.province = territory ? territory.blockId : -1;
  }

  /** Prepare a record, and its blocking fields in the index's ids (-2: a key no person has). */
  #prepare(record: LinkRecord): { prepared: PreparedRecord; fields: KeyFields } {
    this.#sync();
    const prepared = prepareRecord(record);
    const id = (key: string | undefined) => (key === undefined ? -1 : (this.#keyIds.get(key) ?? -2));
    const province = prepared.territory?.province;
    const fields: KeyFields = {
      given: id(prepared.given?.keys[0]),
      s1: id(prepared.s1?.key),
      s2: id(prepared.s2?.key),
      y: 0,
      m: 0,
      d: 0,
      sex: prepared.sex,
      province: province == null ? -1 : (this.#provinceIds.get(province) ?? -2),
    };
    setDate(fields, prepared.birth);
    // Both surnames in the one field ("Quispe Mamani"): block on them as two.
    const split =
      prepared.s1 !== null && prepared.s2 === null && fields.s1 === -2 ? splitOf(prepared.s1) : null;
    if (split !== null) {
      fields.s1 = id(split[0].key);
      fields.s2 = id(split[1].key);
    }
    return { prepared, fields };
  }

  /**
   * The memo of the record's names: comparisons of "Rosa" with the index's given names are the
   * same for every record of a Rosa. Cleared when it grows past about a million entries.
   */
  #cacheFor(prepared: PreparedRecord): ComparisonCache & { size(): number } {
    if (this.#memoEntries > 1_000_000) {
      this.#givenMemo.clear();
      this.#surnameMemo.clear();
      this.#memoEntries = 0;
    }
    const memo = <F>(table: Map<string, Map<F, number>>, key: string | undefined) => {
      if (key === undefined) return null;
      let m = table.get(key);
      if (!m) {
        m = new Map();
        table.set(key, m);
      }
      return m;
    };
    const given = memo(this.#givenMemo, prepared.given?.full);
    const s1 = memo(this.#surnameMemo, prepared.s1?.norm);
    const s2 = memo(this.#surnameMemo, prepared.s2?.norm);
    const before = (given?.size ?? 0) + (s1?.size ?? 0) + (s2?.size ?? 0);
    return {
      given,
      s1,
      s2,
      size: () => (given?.size ?? 0) + (s1?.size ?? 0) + (s2?.size ?? 0) - before,
    };
  }

  /** Gather the record's candidates into #candidates; returns how many. */
  #collect(f: KeyFields, options: MatchOptions): number {
    const exclude =
      options.excludePersonId === undefined ? -1 : (this.#positions.get(options.excludePersonId) ?? -1);
    const cap = this.params.blocking.maxBlockSize;
    if (this.#stamp === 0x7fffffff) {
      for (let pos = 0; pos < this.#size; pos++) this.#data[pos * STRIDE + F_STAMP] = 0;
      this.#stamp = 0;
    }
    const stamp = ++this.#stamp;
    const data = this.#data;
    let n = 0;
    const keys: number[] = [];
    for (let p = 0; p < PASSES.length; p++) {
      const blocks = this.#blocks![p]!;
      keys.length = 0;
      PASSES[p]!.recordKeys(f, keys);
      for (const key of keys) {
        const i = findKey(blocks, key);
        const start = i >= 0 ? blocks.starts[i]! : 0;
        const end = i >= 0 ? blocks.starts[i + 1]! : 0;
        const extra = blocks.delta.get(key);
        if (end - start + (extra?.length ?? 0) > cap) {
          if (options.counters) options.counters.cappedBlocks++;
          continue;
        }
        if (n + (end - start) + (extra?.length ?? 0) > this.#candidates.length) {
          const bigger = new Int32Array(
            Math.max(this.#candidates.length * 2, n + end - start + (extra?.length ?? 0)),
          );
          bigger.set(this.#candidates.subarray(0, n));
          this.#candidates = bigger;
        }
        for (let j = start; j < end; j++) {
          const pos = blocks.members[j]!;
          if (data[pos * STRIDE + F_STAMP] !== stamp && pos !== exclude) {
            data[pos * STRIDE + F_STAMP] = stamp;
            this.#candidates[n++] = pos;
          }
        }
        if (extra) {
          for (const pos of extra) {
            if (data[pos * STRIDE + F_STAMP] !== stamp && pos !== exclude) {
              data[pos * STRIDE + F_STAMP] = stamp;
              this.#candidates[n++] = pos;
            }
          }
        }
      }
    }
    if (options.counters) options.counters.candidates += n;
    return n;
  }

  /** Bring the blocks up to date: rebuild them when many persons were added, else file the new ones in the deltas. */
  #sync(): void {
    const pending = this.#size - this.#built;
    if (this.#blocks === null || pending > Math.max(4096, this.#built / 16)) {
      this.#rebuild();
      return;
    }
    if (this.#inDelta === this.#size) return;
    const f: KeyFields = { given: 0, s1: 0, s2: 0, y: 0, m: 0, d: 0, sex: 0, province: 0 };
    for (let pos = this.#inDelta; pos < this.#size; pos++) {
      this.#personFields(pos, f);
      for (let p = 0; p < PASSES.length; p++) {
        const key = PASSES[p]!.personKey(f);
        if (key < 0) continue;
        const delta = this.#blocks[p]!.delta;
        const list = delta.get(key);
        if (list) list.push(pos);
        else delta.set(key, [pos]);
      }
    }
    this.#inDelta = this.#size;
  }

  #rebuild(): void {
    const n = this.#size;
    const f: KeyFields = { given: 0, s1: 0, s2: 0, y: 0, m: 0, d: 0, sex: 0, province: 0 };
    const all = new Float64Array(n);
    this.#blocks = PASSES.map((pass) => {
      let count = 0;
      for (let pos = 0; pos < n; pos++) {
        this.#personFields(pos, f);
        const key = pass.personKey(f);
        all[pos] = key;
        if (key >= 0) count++;
      }
      const keys = new Uint32Array(count);
      const members = new Int32Array(count);
      let k = 0;
      for (let pos = 0; pos < n; pos++) {
        if (all[pos]! >= 0) {
          keys[k] = all[pos]!;
          members[k++] = pos;
        }
      }
      sortPairs(keys, members);
      let distinct = 0;
      for (let i = 0; i < count; i++) if (i === 0 || keys[i] !== keys[i - 1]) distinct++;
      const unique = new Uint32Array(distinct);
      const starts = new Int32Array(distinct + 1);
      let u = 0;
      for (let i = 0; i < count; i++) {
        if (i === 0 || keys[i] !== keys[i - 1]) {
          unique[u] = keys[i]!;
          starts[u++] = i;
        }
      }
      starts[distinct] = count;
      let size = 16;
      while (size < distinct * 2) size *= 2;
      const slots = new Int32Array(size);
      const mask = size - 1;
      for (let b = 0; b < distinct; b++) {
        let i = unique[b]! & mask;
        while (slots[i] !== 0) i = (i + 1) & mask;
        slots[i] = b + 1;
      }
      return { keys: unique, slots, starts, members, delta: new Map<number, number[]>() };
    });
    this.#built = n;
    this.#inDelta = n;
  }
}

function setDate(f: KeyFields, birth: number): void {
  f.y = Math.floor(birth / 10000);
  f.m = Math.floor(birth / 100) % 100;
  f.d = birth % 100;
}

/** The block number of a key, or -1. */
function findKey(blocks: Blocks, key: number): number {
  const { slots, keys } = blocks;
  const mask = slots.length - 1;
  let i = key & mask;
  for (;;) {
    const b = slots[i]!;
    if (b === 0) return -1;
    if (keys[b - 1] === key) return b - 1;
    i = (i + 1) & mask;
  }
}

/**
 * The best-scoring registry persons for a record, best first, at most `limit` (keep it at
 * least 2: `decideLink` compares the best with the runner-up). Pass `excludePersonId` to
 * look for duplicates of a registry person without finding the person itself.
 * @example
 * const scores = bestMatches(index, { givenNames: 'Rosa', firstSurname: 'Kispe', secondSurname: 'Mamani', birthDate: '2021-03-07' });
 * decideLink(scores).decision // 'link', 'review' or 'non_link'
 */
export function bestMatches(
  index: LinkIndex,
  record: LinkRecord,
  limit = 5,
  options: MatchOptions = {},
): LinkScore[] {
  return index.bestMatches(record, limit, options);
}
