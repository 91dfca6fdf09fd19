import { decideLink, type LinkageCounters, LinkIndex, type LinkPerson, type LinkRecord } from '@tejido/core';
import {
  FEMALE_ADULT,
  FEMALE_OLDER,
  FEMALE_YOUNG,
  MALE_ADULT,
  MALE_OLDER,
  MALE_YOUNG,
  SURNAMES,
} from '../apps/server/src/modules/demo/names';
import { cumulative, pickWeighted, Rng } from '../apps/server/src/modules/demo/random';
import { ms, option } from './stats';

/**
 * Probabilistic record linkage at national scale: a registry of N persons with Peruvian names
 * (families, siblings and twins sharing surnames, Quispe and Mamani everywhere), and M incoming
 * records without identity numbers, most of them copies of registry persons with the errors of
 * real files, the rest persons the registry does not hold (held-out members of registered
 * families among them, so their siblings and twins are there to be mistaken for them).
 * With the truth known, it measures the automatic links' precision and recall and what the
 * review queue holds, along with time and memory.
 *
 * npm run bench -- linkage [--persons 1000000] [--records 100000] [--seed 7]
 */
export async function run(args: string[]) {
  const persons = Number(option(args, 'persons', '1000000'));
  const records = Number(option(args, 'records', '100000'));
  const seed = Number(option(args, 'seed', '7'));

  const t0 = performance.now();
  const gen = new Population(seed, persons, records);
  const index = new LinkIndex();
  let addMs = 0;
  for (const chunk of gen.registry()) {
    const t = performance.now();
    for (const p of chunk) index.add(p);
    addMs += performance.now() - t;
  }
  const genMs = performance.now() - t0 - addMs;
  const tb = performance.now();
  index.build();
  const blocksMs = performance.now() - tb;
  const memAfterBuild = process.memoryUsage();
  const incoming = gen.records;

  // Matching, with the truth kept aside.
  const counters: LinkageCounters = { candidates: 0, cappedBlocks: 0 };
  const outcome = {
    links: 0,
    correctLinks: 0,
    wrongPerson: 0,
    notInRegistry: 0,
    reviews: 0,
    reviewBestTrue: 0,
    reviewShown: 0,
    reviewNotInRegistry: 0,
    nonLinks: 0,
    missed: 0,
  };
  const byTag = new Map<string, { records: number; linked: number; reviewed: number }>();
  const tm = performance.now();
  for (const r of incoming) {
    const scores = index.bestMatches(r.record, 3, { counters });
    const { decision, best } = decideLink(scores, index.params);
    const inRegistry = r.truth !== null;
    if (decision === 'link') {
      outcome.links++;
      if (best!.personId === r.truth) outcome.correctLinks++;
      else if (inRegistry) outcome.wrongPerson++;
      else outcome.notInRegistry++;
    } else if (decision === 'review') {
      outcome.reviews++;
      if (!inRegistry) outcome.reviewNotInRegistry++;
      else if (best!.personId === r.truth) outcome.reviewBestTrue++;
      if (inRegistry && scores.some((s) => s.personId === r.truth)) outcome.reviewShown++;
    } else {
      outcome.nonLinks++;
      if (inRegistry) outcome.missed++;
    }
    if (inRegistry) {
      for (const tag of r.tags.length > 0 ? r.tags : ['none']) {
        const t = byTag.get(tag) ?? { records: 0, linked: 0, reviewed: 0 };
        t.records++;
        if (decision === 'link' && best!.personId === r.truth) t.linked++;
        else if (decision === 'review' && scores.some((s) => s.personId === r.truth)) t.reviewed++;
        byTag.set(tag, t);
      }
    }
  }
  const matchMs = performance.now() - tm;

  // Blocking recall on a sample: is the true person among the candidates at all?
  let sampled = 0;
  let found = 0;
  for (const r of incoming.slice(0, 10_000)) {
    if (r.truth === null) continue;
    sampled++;
    if (index.candidates(r.record).includes(r.truth)) found++;
  }

  const matchable = incoming.filter((r) => r.truth !== null).length;
  const peak = process.resourceUsage().maxRSS * 1024;
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  const n = (x: number) => x.toLocaleString('en');
  const ratio = (a: number, b: number) => (b === 0 ? '—' : (a / b).toFixed(4));
  const s = (msValue: number) => `${(msValue / 1000).toFixed(1)} s`;

  console.log(
    `\nRecord linkage, ${n(index.size)} registry persons in ${gen.districtCount} districts of 25 regions, ${n(incoming.length)} records (${n(matchable)} of registry persons, ${n(incoming.length - matchable)} of persons not in it), seed ${seed}`,
  );
  console.log('\n| measure | value |\n| --- | --- |');
  const row = (a: string, b: string) => console.log(`| ${a} | ${b} |`);
  row('generation of the population and records', s(genMs));
  row('index build: add persons', s(addMs));
  row('index build: blocks', s(blocksMs));
  row('matching (blocks, scoring, decision)', `${s(matchMs)} (${ms(matchMs / incoming.length)} per record)`);
  row('build + matching', s(addMs + blocksMs + matchMs));
  row(
    'candidate pairs scored',
    `${n(counters.candidates)} (${(counters.candidates / incoming.length).toFixed(0)} per record)`,
  );
  row('blocks skipped (over the cap)', n(counters.cappedBlocks));
  row('true person among the candidates (first 10,000 records)', `${ratio(found, sampled)}`);
  row(
    'memory after build (heap used / array buffers / RSS)',
    `${mib(memAfterBuild.heapUsed)} / ${mib(memAfterBuild.arrayBuffers)} / ${mib(memAfterBuild.rss)}`,
  );
  row('peak RSS', mib(peak));
  row(
    'automatic links',
    `${n(outcome.links)}: ${n(outcome.correctLinks)} right, ${n(outcome.wrongPerson)} to the wrong person, ${n(outcome.notInRegistry)} of persons not in the registry`,
  );
  row('precision of automatic links', ratio(outcome.correctLinks, outcome.links));
  row('recall of automatic links', ratio(outcome.correctLinks, matchable));
  row(
    'sent to review',
    `${n(outcome.reviews)}: true person best ${n(outcome.reviewBestTrue)}, among the 3 shown ${n(outcome.reviewShown)}, not in the registry ${n(outcome.reviewNotInRegistry)}`,
  );
  row('no link', `${n(outcome.nonLinks)} (${n(outcome.missed)} of them in the registry)`);
  row('recall if reviews are resolved right', ratio(outcome.correctLinks + outcome.reviewShown, matchable));

  console.log('\nBy error in the record (records of registry persons; a record may have several)\n');
  console.log(
    '| error | records | linked right | to review with the person shown | missed |\n| --- | --- | --- | --- | --- |',
  );
  for (const [tag, t] of [...byTag.entries()].sort((a, b) => b[1].records - a[1].records)) {
    console.log(
      `| ${tag} | ${n(t.records)} | ${ratio(t.linked, t.records)} | ${ratio(t.reviewed, t.records)} | ${ratio(t.records - t.linked - t.reviewed, t.records)} |`,
    );
  }
  console.log('\nBlocking passes\n\n| pass | blocks | largest | over the cap |\n| --- | --- | --- | --- |');
  for (const b of index.blockingSummary())
    console.log(`| ${b.pass} | ${n(b.blocks)} | ${n(b.largest)} | ${n(b.overCap)} |`);
}

/** PRNG streams of the generator. */
const Stream = { territory: 1, household: 2, record: 3 } as const;

/** Birth dates are drawn back from this day (no clock: the bench is reproducible). */
const REFERENCE_DAY = Date.UTC(2025, 5, 30) / 86_400_000;

interface District {
  code: string;
  villages: number;
}

interface Incoming {
  record: LinkRecord;
  /** The registry person the record is of, or null for a person not in the registry. */
  truth: string | null;
  tags: string[];
}

type Generation = 'older' | 'adult' | 'young';

const GIVEN: Record<'female' | 'male', Record<Generation, readonly string[]>> = {
  female: { older: FEMALE_OLDER, adult: FEMALE_ADULT, young: FEMALE_YOUNG },
  male: { older: MALE_OLDER, adult: MALE_ADULT, young: MALE_YOUNG },
};

/** Spellings that registries use for the same Quechua or Spanish name (lower case, no accents). */
const VARIANTS: Record<string, readonly string[]> = {
  quispe: ['quispi', 'kispe', 'qhispe', 'quespe'],
  huaman: ['guaman', 'waman', 'huamman'],
  huamani: ['guamani', 'wamani', 'huamany'],
  mamani: ['mamany'],
  condori: ['kondori', 'cundori'],
  huanca: ['wanka', 'guanca', 'huanka'],
  ccori: ['cori', 'qori', 'qqori'],
  ccahuana: ['cahuana', 'qahuana', 'ccahuanna'],
  yupanqui: ['yupanki'],
  huaraca: ['guaraca', 'waraka'],
  allcca: ['allca', 'alcca'],
  ccente: ['cente', 'qente'],
  anccasi: ['ancasi', 'anqasi'],
  cusi: ['kusi', 'ccusi'],
  yauri: ['yaure', 'yaury'],
  auccatoma: ['aucatoma', 'awqatoma'],
  huayhua: ['wayhua', 'guayhua', 'waywa'],
  pomasoncco: ['pomasonco', 'pumasoncco'],
  cconislla: ['conislla', 'qonislla'],
  llamocca: ['llamoca', 'llamoqa'],
  huachaca: ['guachaca', 'wachaka'],
  curi: ['kuri', 'ccuri'],
  canchari: ['kanchari'],
  taipe: ['taype'],
  sulca: ['sullca', 'sulka'],
  pillaca: ['pillacca', 'pillaka'],
  quicano: ['quicaño', 'kicaño'],
  janampa: ['hanampa'],
  achallma: ['achalma'],
  rimachi: ['rimachy'],
  gonzales: ['gonzalez'],
  gutierrez: ['gutierres'],
  chavez: ['chaves'],
  sanchez: ['sanches'],
  killa: ['quilla'],
  wayra: ['huayra'],
  kusi: ['cusi'],
  illari: ['yllari'],
  illapa: ['yllapa'],
  sayri: ['sairi'],
  jhon: ['john', 'jon'],
  jhoel: ['joel'],
  jhordan: ['jordan'],
  brayan: ['bryan'],
  yeny: ['jenny', 'yenny'],
  yanet: ['janet', 'yaneth'],
  janeth: ['yaneth', 'janet'],
  thalia: ['talia'],
  yasmin: ['jazmin'],
  dilan: ['dylan'],
  edith: ['edit'],
  ruth: ['rut'],
  lidia: ['lydia'],
  elizabeth: ['elisabeth', 'elizabet'],
  maritza: ['maritsa'],
  gladys: ['gladis'],
  freddy: ['fredy'],
  wilber: ['wilver'],
  inti: ['indi'],
  nayra: ['naira'],
  sisa: ['zisa'],
};

const plain = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
const titleCase = (s: string) =>
  s.replace(/(^|[\s-])(\p{L})/gu, (_m, sep: string, c: string) => sep + c.toUpperCase());

class Population implements Places {
  readonly records: Incoming[] = [];
  private readonly districts: District[] = [];
  private readonly districtWeights: number[];
  private readonly provinces = new Map<string, District[]>();
  private readonly surnameWeights: number[];
  private readonly recordChance: number;
  private readonly householdHoldOut = 0.004;
  private readonly memberHoldOut: number;
  private serial = 0;

  get districtCount(): number {
    return this.districts.length;
  }

  constructor(
    private readonly seed: number,
    private readonly persons: number,
    records: number,
  ) {
    const rng = new Rng(seed, Stream.territory);
    const weights: number[] = [];
    for (let region = 1; region <= 25; region++) {
      const provinces = rng.int(2, 6);
      for (let p = 1; p <= provinces; p++) {
        const province = `${pad(region, 2)}${pad(p, 2)}`;
        const list: District[] = [];
        const count = rng.int(2, 7);
        for (let d = 1; d <= count; d++) {
          const district = { code: `${province}${pad(d, 2)}`, villages: rng.int(3, 25) };
          list.push(district);
          this.districts.push(district);
          weights.push(Math.exp(rng.between(0, 3)));
        }
        this.provinces.set(province, list);
      }
    }
    this.districtWeights = cumulative(weights);
    this.surnameWeights = cumulative(SURNAMES.map(([, w]) => w));
    // About 87 % of the records are of registry persons, the rest of held-out persons.
    this.recordChance = Math.min(1, (0.87 * records) / persons);
    this.memberHoldOut = Math.max(0, (0.13 * records) / persons - this.householdHoldOut * 1.1);
  }

  /** The registry, in chunks, until it holds `persons`; records are drawn on the way. */
  *registry(): Generator<LinkPerson[]> {
    let added = 0;
    let household = 0;
    while (added < this.persons) {
      const chunk: LinkPerson[] = [];
      while (chunk.length < 10_000 && added + chunk.length < this.persons) {
        const rng = new Rng(this.seed, Stream.household, household);
        const members = this.household(rng);
        const heldOut = rng.chance(this.householdHoldOut);
        for (const m of members) {
          if (added + chunk.length >= this.persons) break;
          if (heldOut || rng.chance(this.memberHoldOut)) {
            this.records.push(this.perturb(m, null));
          } else {
            chunk.push(m);
            if (rng.chance(this.recordChance)) this.records.push(this.perturb(m, m.id));
          }
        }
        household++;
      }
      added += chunk.length;
      yield chunk;
    }
  }

  private person(
    rng: Rng,
    sex: 'female' | 'male',
    ageDays: number,
    surnames: [string, string],
    territoryCode: string,
    avoid: readonly string[] = [],
  ): LinkPerson {
    const day = REFERENCE_DAY - ageDays;
    const birthDate = new Date(day * 86_400_000).toISOString().slice(0, 10);
    const year = Number(birthDate.slice(0, 4));
    const generation: Generation = year < 1975 ? 'older' : year < 2005 ? 'adult' : 'young';
    const names = GIVEN[sex][generation];
    let given = rng.pick(names);
    for (let i = 0; i < 5 && avoid.includes(given); i++) given = rng.pick(names);
    if (!given.includes(' ') && rng.chance(0.25)) {
      const second = rng.pick(names);
      if (second !== given && !second.includes(' ')) given = `${given} ${second}`;
    }
    return {
      id: `P${(this.serial++).toString(36).padStart(6, '0')}`,
      givenNames: given,
      firstSurname: surnames[0],
      secondSurname: surnames[1],
      sex,
      birthDate,
      territoryCode,
    };
  }

  private surname(rng: Rng): string {
    return pickWeighted(rng, SURNAMES, this.surnameWeights)[0];
  }

  /** A family: mother, often a father, children (many of them young, some twins), sometimes a grandparent. */
  private household(rng: Rng): LinkPerson[] {
    const district = pickWeighted(rng, this.districts, this.districtWeights);
    const code = () =>
      rng.chance(0.8) ? `${district.code}${pad(rng.int(1, district.villages), 4)}` : district.code;
    const home = code();
    const year = 365.25;
    const motherAge = rng.int(17, 49);
    const mother = this.person(
      rng,
      'female',
      Math.floor((motherAge + rng.float()) * year),
      [this.surname(rng), this.surname(rng)],
      home,
    );
    const members = [mother];
    let childSurnames: [string, string] = [mother.firstSurname, mother.secondSurname!];
    if (rng.chance(0.75)) {
      const fatherAge = Math.min(80, Math.max(18, motherAge + rng.int(-2, 10)));
      const father = this.person(
        rng,
        'male',
        Math.floor((fatherAge + rng.float()) * year),
        [this.surname(rng), this.surname(rng)],
        home,
      );
      members.push(father);
      childSurnames = [father.firstSurname, mother.firstSurname];
    }
    if (rng.chance(0.3)) {
      const grandmother = rng.chance(0.5);
      const age = Math.min(80, motherAge + rng.int(18, 35));
      members.push(
        this.person(
          rng,
          grandmother ? 'female' : 'male',
          Math.floor((age + rng.float()) * year),
          grandmother ? [mother.secondSurname!, this.surname(rng)] : [mother.firstSurname, this.surname(rng)],
          home,
        ),
      );
    }
    const maxChildAge = Math.min(17, motherAge - 16);
    const children = pickWeighted(rng, [0, 1, 2, 3, 4, 5], [8, 33, 63, 83, 94, 100]);
    const names: string[] = [];
    for (let c = 0; c < children; c++) {
      // Many young children: ages skewed towards 0.
      const ageDays = Math.floor(maxChildAge * year * rng.float() ** 1.5);
      const sex = rng.chance(0.5) ? 'female' : 'male';
      const child = this.person(rng, sex, ageDays, childSurnames, home, names);
      names.push(child.givenNames);
      members.push(child);
      if (rng.chance(0.02)) {
        const twin = this.person(
          rng,
          rng.chance(0.5) ? 'female' : 'male',
          ageDays,
          childSurnames,
          home,
          names,
        );
        names.push(twin.givenNames);
        members.push(twin);
      }
    }
    return members;
  }

  /** An incoming record of a person, with the errors of real files. */
  private perturb(p: LinkPerson, truth: string | null): Incoming {
    const rng = new Rng(this.seed, Stream.record, this.records.length);
    const tags: string[] = [];
    const record = perturbRecord(rng, p, this, tags);
    return { record, truth, tags };
  }

  otherDistrictInProvince(rng: Rng, district: string): string | null {
    const others = (this.provinces.get(district.slice(0, 4)) ?? []).filter((x) => x.code !== district);
    return others.length > 0 ? rng.pick(others).code : null;
  }

  anyDistrict(rng: Rng): string {
    return pickWeighted(rng, this.districts, this.districtWeights).code;
  }
}

/** Where a record's territory may move to. */
interface Places {
  otherDistrictInProvince(rng: Rng, district: string): string | null;
  anyDistrict(rng: Rng): string;
}

/** Made-up ubigeos for persons from elsewhere (a demo's registry): districts 01–09 of a province, 25 regions. */
const ANY_PLACES: Places = {
  otherDistrictInProvince: (rng, district) => {
    const code = `${district.slice(0, 4)}${pad(rng.int(1, 9), 2)}`;
    return code === district ? null : code;
  },
  anyDistrict: (rng) => `${pad(rng.int(1, 25), 2)}${pad(rng.int(1, 6), 2)}${pad(rng.int(1, 7), 2)}`,
};

/**
 * A record of the person as another file would hold it, with the errors of real files
 * (typos, Quechua spellings, swapped or missing surnames, dates off, a move), for benchmarks
 * of linkage by name: this one and bench/imports.ts.
 */
export function perturbForLinkage(rng: Rng, person: LinkPerson): LinkRecord {
  return perturbRecord(rng, person, ANY_PLACES, []);
}

/** `perturbForLinkage`, noting in `tags` each error made. */
function perturbRecord(rng: Rng, p: LinkPerson, places: Places, tags: string[]): LinkRecord {
  const tag = (t: string) => tags.push(t);
  let given = p.givenNames;
  const ageYears = p.birthDate ? (REFERENCE_DAY - Date.parse(p.birthDate) / 86_400_000) / 365.25 : 99;
  if (ageYears < 1 && rng.chance(0.05)) {
    given = `RN ${p.firstSurname}`;
    tag('given: RN placeholder');
  } else {
    if (given.includes(' ') && rng.chance(0.12)) {
      given = given.split(' ')[0]!;
      tag('given: second dropped');
    }
    if (rng.chance(0.05)) {
      const v = variant(rng, given);
      if (v !== given) {
        given = v;
        tag('given: spelling variant');
      }
    }
    if (rng.chance(0.04)) {
      given = typo(rng, given);
      tag('given: typo');
    }
  }

  let first = p.firstSurname;
  let second: string | null = p.secondSurname ?? null;
  const vary = (s: string) => {
    if (rng.chance(0.06)) {
      const v = variant(rng, s);
      if (v !== s) {
        tag('surname: Quechua/spelling variant');
        s = v;
      }
    }
    if (rng.chance(0.025)) {
      tag('surname: typo');
      s = typo(rng, s);
    }
    if (plain(s) === 'de la cruz' && rng.chance(0.5)) {
      tag('surname: particle dropped/added');
      s = rng.chance(0.5) ? 'Cruz' : 'de la Cruz';
    }
    return s;
  };
  first = vary(first);
  if (second !== null) second = vary(second);
  if (second !== null && rng.chance(0.04)) {
    [first, second] = [second, first];
    tag('surnames swapped');
  }
  if (second !== null && rng.chance(0.06)) {
    second = null;
    tag('second surname missing');
  } else if (second !== null && rng.chance(0.01)) {
    first = `${first} ${second}`;
    second = null;
    tag('both surnames in one field');
  }

  let birthDate: string | null = p.birthDate ?? null;
  const u = rng.float();
  if (birthDate !== null) {
    const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
    if (u < 0.025 && d <= 12 && d !== m) {
      birthDate = `${y}-${pad(d, 2)}-${pad(m, 2)}`;
      tag('date: day/month swapped');
    } else if (u < 0.055) {
      const shift = rng.pick([-3, -2, -1, 1, 2, 3]);
      birthDate = new Date(Date.UTC(y, m - 1, d + shift)).toISOString().slice(0, 10);
      tag('date: ±3 days');
    } else if (u < 0.075) {
      birthDate = digitTypo(rng, birthDate);
      tag('date: one-digit typo');
    } else if (u < 0.095) {
      birthDate = null;
      tag('date: missing');
    } else if (u < 0.1) {
      birthDate = new Date(Date.UTC(y, m - 1, d + rng.int(30, 700))).toISOString().slice(0, 10);
      tag('date: wrong');
    }
  }

  let sex: LinkPerson['sex'] = p.sex;
  const us = rng.float();
  if (us < 0.04) {
    sex = null;
    tag('sex: missing');
  } else if (us < 0.045) {
    sex = sex === 'female' ? 'male' : 'female';
    tag('sex: wrong');
  }

  let territoryCode: string | null = p.territoryCode
    ? p.territoryCode.slice(0, rng.chance(0.5) ? 10 : 6)
    : null;
  const ut = rng.float();
  if (territoryCode !== null) {
    if (ut < 0.07) {
      const other = places.otherDistrictInProvince(rng, territoryCode.slice(0, 6));
      if (other !== null) {
        territoryCode = other;
        tag('territory: other district, same province');
      }
    } else if (ut < 0.09) {
      territoryCode = places.anyDistrict(rng);
      tag('territory: moved');
    } else if (ut < 0.14) {
      territoryCode = null;
      tag('territory: missing');
    }
  }

  // Accents: most files drop them, a few add them where the registry has none.
  const accents = (s: string) => {
    if (rng.chance(0.6)) return plain(s).replace(/(^|\s)\w/g, (c) => c.toUpperCase());
    if (rng.chance(0.05)) return s.replace(/[aeiou](?=[^aeiou]*$)/, (v) => `${v}\u0301`.normalize('NFC'));
    return s;
  };
  return {
    givenNames: accents(given),
    firstSurname: accents(first),
    secondSurname: second === null ? null : accents(second),
    sex,
    birthDate,
    territoryCode,
  };
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** A spelling variant of one of the words, if the table knows one. */
function variant(rng: Rng, text: string): string {
  const words = text.split(' ');
  const candidates = words.map((w, i) => [i, VARIANTS[plain(w)]] as const).filter(([, v]) => v !== undefined);
  if (candidates.length === 0) return text;
  const [i, options] = rng.pick(candidates);
  words[i] = titleCase(rng.pick(options!));
  return words.join(' ');
}

/** One keyboard slip: a letter replaced, dropped, doubled or swapped with the next. */
function typo(rng: Rng, text: string): string {
  if (text.length < 3) return text;
  const i = rng.int(1, text.length - 2);
  const letters = 'aeioulnrstmcdp';
  switch (rng.int(0, 3)) {
    case 0:
      return text.slice(0, i) + rng.pick([...letters]) + text.slice(i + 1);
    case 1:
      return text.slice(0, i) + text.slice(i + 1);
    case 2:
      return text.slice(0, i) + text[i] + text.slice(i);
    default:
      return text.slice(0, i) + text[i + 1] + text[i] + text.slice(i + 2);
  }
}

/** One digit of a 'YYYY-MM-DD' date changed, still a real date. */
function digitTypo(rng: Rng, date: string): string {
  for (let attempt = 0; attempt < 20; attempt++) {
    const positions = [2, 3, 5, 6, 8, 9];
    const i = rng.pick(positions);
    const changed = date.slice(0, i) + String(rng.int(0, 9)) + date.slice(i + 1);
    const t = Date.parse(`${changed}T00:00:00Z`);
    if (changed !== date && !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === changed)
      return changed;
  }
  return date;
}
