/**
 * The household stream: every household of the demo, generated in order from its own PRNG
 * stream, with its members, an ongoing pregnancy when there is one, and its programme
 * enrolments. Iterating twice gives the same households, so each table's COPY can walk the
 * stream again instead of holding the population in memory.
 */

import { dayYear, type Moment, momentMs } from './calendar';
import {
  FEMALE_ADULT,
  FEMALE_OLDER,
  FEMALE_YOUNG,
  LOWLAND_REFERENCES,
  MALE_ADULT,
  MALE_OLDER,
  MALE_YOUNG,
  REFERENCES,
  RURAL_SECTORS,
  STREETS,
  SURNAMES,
} from './names';
import type { DemoPlan, DistrictPlan, FieldWorkerPlan, VillagePlan } from './plan';
import { Stream } from './plan';
import { cumulative, deterministicUuidv7, IdKind, Permutation, pickWeighted, Rng } from './random';

export type Relationship = 'head' | 'spouse' | 'child' | 'grandchild' | 'parent';
export type Sex = 'female' | 'male';
export type ProgrammeCode = 'JUNTOS' | 'CUNA_MAS' | 'PENSION65' | 'QALI_WARMA' | 'CONTIGO';

export interface PersonModel {
  serial: number;
  relationship: Relationship;
  givenNames: string;
  firstSurname: string;
  secondSurname: string;
  sex: Sex;
  birthDay: number;
  documentType: 'DNI' | 'CUI' | null;
  /** 8-digit number shared by DNI and CUI; null without a document. */
  documentNumber: number | null;
  /** SIS affiliation: the document number, or a live-birth certificate (CNV) number. */
  healthInsurance: string | null;
  created: Moment;
}

export interface PregnancyModel {
  serial: number;
  /** Index of the pregnant woman in `persons`. */
  person: number;
  lastMenstrualPeriodDay: number | null;
  estimatedDeliveryDay: number | null;
  created: Moment;
}

export interface EnrolmentModel {
  serial: number;
  programme: ProgrammeCode;
  status: 'active' | 'suspended' | 'ended';
  startDay: number;
  endDay: number | null;
  created: Moment;
}

export interface HouseholdModel {
  index: number;
  district: DistrictPlan;
  village: VillagePlan;
  fieldWorker: FieldWorkerPlan;
  address: string;
  reference: string | null;
  latitude: number;
  longitude: number;
  phone: string | null;
  created: Moment;
  updated: Moment;
  persons: PersonModel[];
  pregnancy: PregnancyModel | null;
  enrolments: EnrolmentModel[];
}

const YEAR = 365.25;
/** Household sizes 2–9 with a mean of about 5.4 (rural Andean households with young children). */
const SIZES = [2, 3, 4, 5, 6, 7, 8, 9];
const SIZE_WEIGHTS = cumulative([4, 10, 18, 22, 19, 13, 8, 6]);
const SURNAME_ITEMS = SURNAMES.map(([s]) => s);
const SURNAME_WEIGHTS = cumulative(SURNAMES.map(([, w]) => w));
/** Numbers of the older DNI series (people born up to 2002) and of the CUI series after it. */
const OLD_SERIES_BASE = 10_000_000;
const NEW_SERIES_BASE = 60_000_000;
const SERIES_SIZE = 40_000_000;
const CNV_BASE = 1_000_000_000;
const CNV_SIZE = 900_000_000;

/** Salts and permutations shared by every pass over the stream. */
export class HouseholdStream {
  readonly salt: { household: number; person: number; pregnancy: number; enrolment: number };
  private readonly oldSeries: Permutation;
  private readonly newSeries: Permutation;
  private readonly cnv: Permutation;

  constructor(readonly plan: DemoPlan) {
    const rng = new Rng(plan.seed, Stream.documents);
    this.oldSeries = new Permutation(SERIES_SIZE, rng);
    this.newSeries = new Permutation(SERIES_SIZE, rng);
    this.cnv = new Permutation(CNV_SIZE, rng);
    this.salt = { household: rng.next(), person: rng.next(), pregnancy: rng.next(), enrolment: rng.next() };
  }

  householdId(h: HouseholdModel): string {
    return deterministicUuidv7(momentMs(h.created), IdKind.household, h.index, this.salt.household);
  }

  personId(p: PersonModel): string {
    return deterministicUuidv7(momentMs(p.created), IdKind.person, p.serial, this.salt.person);
  }

  pregnancyId(p: PregnancyModel): string {
    return deterministicUuidv7(momentMs(p.created), IdKind.pregnancy, p.serial, this.salt.pregnancy);
  }

  enrolmentId(e: EnrolmentModel): string {
    return deterministicUuidv7(momentMs(e.created), IdKind.enrolment, e.serial, this.salt.enrolment);
  }

  /** Every household in order. Counters restart on each call, so each pass is identical. */
  *households(): Generator<HouseholdModel> {
    const counters: Counters = { person: 0, pregnancy: 0, enrolment: 0, oldSeries: 0, newSeries: 0, cnv: 0 };
    let index = 0;
    for (const district of this.plan.districts) {
      let workerIndex = 0;
      let workerLeft = district.fieldWorkers[0]?.households ?? 0;
      for (const village of district.villages) {
        for (let v = 0; v < village.households; v++) {
          while (workerLeft === 0) {
            workerIndex += 1;
            workerLeft = district.fieldWorkers[workerIndex]!.households;
          }
          workerLeft -= 1;
          yield this.household(index, district, village, district.fieldWorkers[workerIndex]!, counters);
          index += 1;
        }
      }
    }
  }

  private household(
    index: number,
    district: DistrictPlan,
    village: VillagePlan,
    fieldWorker: FieldWorkerPlan,
    counters: Counters,
  ): HouseholdModel {
    const rng = new Rng(this.plan.seed, Stream.household, index);
    const asOf = this.plan.asOfDay;
    const lastDay = asOf - 1; // records are created before the as-of day starts
    const created: Moment = { day: asOf - rng.int(20, 2900), second: workingSecond(rng) };
    const persons = composeMembers(rng, asOf, created);
    const teenDaughter = persons.teenDaughter;
    const members = persons.members;

    // --- Documents, insurance and when each member was registered ---------------------
    let updated = created;
    for (const p of members) {
      p.serial = counters.person++;
      const ageDays = asOf - p.birthDay;
      const ageYears = ageDays / YEAR;
      const undocumented =
        ageDays < 365
          ? rng.chance(0.08)
          : ageYears < 6
            ? rng.chance(0.025)
            : ageYears < 18
              ? rng.chance(0.015)
              : rng.chance(ageYears >= 65 ? 0.04 : 0.015);
      if (!undocumented) {
        p.documentType = ageYears < 6 ? 'CUI' : 'DNI';
        p.documentNumber =
          dayYear(p.birthDay) <= 2002
            ? OLD_SERIES_BASE + this.oldSeries.at(counters.oldSeries++)
            : NEW_SERIES_BASE + this.newSeries.at(counters.newSeries++);
      }
      if (ageYears < 18 ? rng.chance(0.92) : rng.chance(0.65)) {
        p.healthInsurance =
          p.documentNumber !== null
            ? String(p.documentNumber)
            : `CNV${CNV_BASE + this.cnv.at(counters.cnv++)}`;
      }
      if (p.birthDay > created.day) {
        p.created = { day: Math.min(lastDay, p.birthDay + rng.int(2, 45)), second: workingSecond(rng) };
        if (p.created.day > updated.day) updated = p.created;
      }
    }

    // --- An ongoing pregnancy ----------------------------------------------------------
    let pregnancy: PregnancyModel | null = null;
    if (persons.childlessCouple || rng.chance(0.1)) {
      const weeks = rng.int(4, 38);
      const lmp = asOf - (weeks * 7 + rng.int(0, 6));
      const mother = persons.mother;
      // The mother can be pregnant again if she gave birth at least three months before conceiving.
      let youngestChildDays = Number.POSITIVE_INFINITY;
      let teens = 0;
      for (const p of members) {
        if (p.relationship !== 'child') continue;
        youngestChildDays = Math.min(youngestChildDays, asOf - p.birthDay);
        if (isTeenGirl(p, asOf) && p !== teenDaughter) teens += 1;
      }
      const motherCan = asOf - mother.birthDay <= 45 * YEAR && youngestChildDays > asOf - lmp + 90;
      let who: PersonModel | null = null;
      if (teens > 0 && (rng.chance(0.5) || !motherCan)) {
        let k = rng.int(0, teens - 1);
        for (const p of members) {
          if (p.relationship === 'child' && isTeenGirl(p, asOf) && p !== teenDaughter && k-- === 0) who = p;
        }
      } else if (motherCan) {
        who = mother;
      }
      if (who) {
        const shape = rng.float();
        const onlyEdd = shape < 0.15;
        const both = shape >= 0.15 && shape < 0.6;
        const pCreated = { day: Math.min(lastDay, lmp + rng.int(45, 95)), second: workingSecond(rng) };
        pregnancy = {
          serial: counters.pregnancy++,
          person: members.indexOf(who),
          lastMenstrualPeriodDay: onlyEdd ? null : lmp,
          estimatedDeliveryDay: onlyEdd || both ? lmp + 280 : null,
          created: pCreated,
        };
        if (pCreated.day > updated.day) updated = pCreated;
      }
    }

    // --- Programme enrolments ----------------------------------------------------------
    const enrolments: EnrolmentModel[] = [];
    const juntos = rng.float();
    if (juntos < 0.9) {
      enrol(
        rng,
        counters,
        enrolments,
        lastDay,
        'JUNTOS',
        rng.chance(0.06) ? 'suspended' : 'active',
        created.day,
        null,
      );
    } else if (juntos < 0.93) {
      enrol(
        rng,
        counters,
        enrolments,
        lastDay,
        'JUNTOS',
        'ended',
        created.day,
        created.day + rng.int(180, 1500),
      );
    }
    let youngestChildBirth = Number.NEGATIVE_INFINITY;
    let schoolAge = false;
    let eldest: PersonModel | null = null;
    for (const p of members) {
      const age = asOf - p.birthDay;
      if (age < 1095) youngestChildBirth = Math.max(youngestChildBirth, p.birthDay);
      if (age >= 3 * YEAR && age < 18 * YEAR) schoolAge = true;
      if (age >= 65 * YEAR && (eldest === null || p.birthDay < eldest.birthDay)) eldest = p;
    }
    if (youngestChildBirth > Number.NEGATIVE_INFINITY && rng.chance(0.28)) {
      const start = Math.max(created.day, youngestChildBirth + rng.int(0, 120));
      enrol(rng, counters, enrolments, lastDay, 'CUNA_MAS', 'active', start, null);
    }
    if (schoolAge && rng.chance(0.45)) {
      const start = Math.max(created.day, Date.UTC(dayYear(asOf) - rng.int(0, 3), 2, 1) / 86_400_000);
      enrol(rng, counters, enrolments, lastDay, 'QALI_WARMA', 'active', start, null);
    }
    if (eldest && rng.chance(0.8)) {
      const turned65 = eldest.birthDay + Math.round(65 * YEAR);
      enrol(
        rng,
        counters,
        enrolments,
        lastDay,
        'PENSION65',
        'active',
        Math.max(created.day, turned65) + rng.int(30, 400),
        null,
      );
    }
    if (rng.chance(0.015))
      enrol(rng, counters, enrolments, lastDay, 'CONTIGO', 'active', asOf - rng.int(60, 1400), null);

    // --- Where the household lives ---------------------------------------------------------
    const lowland = district.zone === 'lowland';
    let address: string;
    if (!village.rural) {
      address = `${rng.pick(STREETS)} ${rng.int(1, 14) * 100 + rng.int(0, 99)}`;
    } else if (lowland) {
      address = rng.chance(0.5)
        ? `Mz. ${String.fromCharCode(65 + rng.int(0, 9))} Lt. ${rng.int(1, 24)}, ${village.name}`
        : `Calle Principal s/n, ${village.name}`;
    } else {
      const r = rng.float();
      address =
        r < 0.4
          ? `Comunidad de ${village.name} s/n`
          : r < 0.8
            ? `${rng.pick(RURAL_SECTORS)}, ${village.name}`
            : `${village.name} s/n`;
    }
    const reference = rng.chance(0.88)
      ? lowland && rng.chance(0.6)
        ? rng.pick(LOWLAND_REFERENCES)
        : rng.pick(REFERENCES)
      : null;
    const latitude = Math.round((village.latitude + rng.between(-0.006, 0.006)) * 1e6) / 1e6;
    const longitude = Math.round((village.longitude + rng.between(-0.006, 0.006)) * 1e6) / 1e6;
    const phone = rng.chance(0.7) ? `9${String(rng.int(0, 99_999_999)).padStart(8, '0')}` : null;

    return {
      index,
      district,
      village,
      fieldWorker,
      address,
      reference,
      latitude,
      longitude,
      phone,
      created,
      updated,
      persons: members,
      pregnancy,
      enrolments,
    };
  }
}

interface Counters {
  person: number;
  pregnancy: number;
  enrolment: number;
  oldSeries: number;
  newSeries: number;
  cnv: number;
}

function workingSecond(rng: Rng): number {
  return rng.int(7 * 3600, 18 * 3600);
}

function isTeenGirl(p: PersonModel, asOf: number): boolean {
  const age = asOf - p.birthDay;
  return p.sex === 'female' && age >= 15 * YEAR && age < 20 * YEAR;
}

function enrol(
  rng: Rng,
  counters: Counters,
  enrolments: EnrolmentModel[],
  lastDay: number,
  programme: ProgrammeCode,
  status: EnrolmentModel['status'],
  startDay: number,
  endDay: number | null,
): void {
  const start = Math.min(lastDay, startDay);
  enrolments.push({
    serial: counters.enrolment++,
    programme,
    status,
    startDay: start,
    endDay: endDay === null ? null : Math.max(start, Math.min(lastDay, endDay)),
    created: { day: start, second: rng.int(8 * 3600, 17 * 3600) },
  });
}

function surname(rng: Rng): string {
  return pickWeighted(rng, SURNAME_ITEMS, SURNAME_WEIGHTS);
}

function addPerson(
  rng: Rng,
  asOf: number,
  created: Moment,
  members: PersonModel[],
  relationship: Relationship,
  sex: Sex,
  ageDays: number,
  firstSurname: string,
  secondSurname: string,
): PersonModel {
  const birthDay = asOf - Math.max(1, Math.round(ageDays));
  const p: PersonModel = {
    serial: 0,
    relationship,
    givenNames: givenName(rng, sex, dayYear(birthDay)),
    firstSurname,
    secondSurname,
    sex,
    birthDay,
    documentType: null,
    documentNumber: null,
    healthInsurance: null,
    created,
  };
  members.push(p);
  return p;
}

/** Years of age to days, with a random day within the year. */
function yearsToDays(rng: Rng, years: number): number {
  return years * YEAR + rng.int(0, 300);
}

interface Members {
  members: PersonModel[];
  mother: PersonModel;
  teenDaughter: PersonModel | null;
  childlessCouple: boolean;
}

/**
 * Who lives in the household: a head of 20–60, often a spouse, children whose ages fit
 * their mother's, sometimes the head's parents, and now and then a daughter's baby.
 */
function composeMembers(rng: Rng, asOf: number, created: Moment): Members {
  const size = pickWeighted(rng, SIZES, SIZE_WEIGHTS);
  let couple: boolean;
  let grandparents = 0;
  let children: number;
  let childlessCouple = false;
  if (size === 2) {
    couple = rng.chance(0.3);
    childlessCouple = couple;
    children = couple ? 0 : 1;
  } else {
    couple = rng.chance(0.78);
    let slots = size - 1 - (couple ? 1 : 0);
    if (slots >= 3 && rng.chance(0.16)) {
      grandparents = rng.chance(0.65) ? 1 : 2;
      slots -= grandparents;
    }
    children = slots;
  }
  const youngDraw = rng.float();
  const young = Math.min(youngDraw < 0.22 ? 0 : youngDraw < 0.72 ? 1 : 2, children);
  const older = children - young;

  // Ages in days of the children under 36 months (well inside: at most 1,085 days), youngest first.
  let youngA = -1;
  let youngB = -1;
  if (young === 1) youngA = rng.int(5, 1085);
  if (young === 2) {
    youngA = rng.int(5, 700);
    youngB = youngA + rng.int(300, 1085 - youngA);
  }
  // A daughter who became a mother young: her baby (the youngest) is the head's grandchild.
  const teenMother = older >= 1 && young >= 1 && rng.chance(0.07);
  const babyAge = teenMother ? youngA : -1;
  const ownYoung: number[] = [];
  if (youngB >= 0) ownYoung.push(youngB);
  if (youngA >= 0 && !teenMother) ownYoung.push(youngA);

  // Older children's ages in years, from youngest to oldest, 1.2–3.2 years apart.
  const olderAges: number[] = [];
  let prev = ownYoung.length > 0 ? ownYoung[0]! / YEAR : rng.between(1.2, 2.5);
  const gapMax = Math.min(3.2, 23 / Math.max(1, older));
  for (let k = 0; k < older; k++) {
    prev = Math.max(prev + rng.between(1.2, gapMax), 3.05 + rng.float() * 0.5);
    olderAges.push(prev);
  }
  if (teenMother) {
    olderAges[older - 1] = Math.max(olderAges[older - 1]!, babyAge / YEAR + rng.between(15.2, 19.5));
  }
  let youngestOwn = Number.POSITIVE_INFINITY;
  let oldestOwn = Number.NEGATIVE_INFINITY;
  for (const d of ownYoung) {
    youngestOwn = Math.min(youngestOwn, d / YEAR);
    oldestOwn = Math.max(oldestOwn, d / YEAR);
  }
  for (const y of olderAges) {
    youngestOwn = Math.min(youngestOwn, y);
    oldestOwn = Math.max(oldestOwn, y);
  }
  const hasChildren = ownYoung.length + olderAges.length > 0;

  // The mother's and father's ages follow from the children's.
  const femaleHead = !couple || rng.chance(0.12);
  let motherAge: number;
  if (!hasChildren) {
    motherAge = rng.between(18, 32);
  } else {
    const min = Math.max(oldestOwn + 16, femaleHead ? 20 : 18);
    const max = Math.max(min, Math.min(youngestOwn + 44, femaleHead ? 60 : 58, min + 16));
    motherAge = min + (max - min) * rng.float() ** 1.4;
  }
  if (femaleHead) motherAge = Math.max(20, motherAge);
  let fatherAge = motherAge + rng.between(-2, 9);
  fatherAge = Math.max(fatherAge, hasChildren ? oldestOwn + 17 : 0, femaleHead ? 18 : 20);
  if (!femaleHead) fatherAge = Math.min(fatherAge, 60);

  const members: PersonModel[] = [];
  let mother: PersonModel;
  let father: PersonModel | null = null;
  let head: PersonModel;
  if (femaleHead) {
    mother = addPerson(
      rng,
      asOf,
      created,
      members,
      'head',
      'female',
      yearsToDays(rng, motherAge),
      surname(rng),
      surname(rng),
    );
    head = mother;
    if (couple) {
      father = addPerson(
        rng,
        asOf,
        created,
        members,
        'spouse',
        'male',
        yearsToDays(rng, fatherAge),
        surname(rng),
        surname(rng),
      );
    }
  } else {
    father = addPerson(
      rng,
      asOf,
      created,
      members,
      'head',
      'male',
      yearsToDays(rng, fatherAge),
      surname(rng),
      surname(rng),
    );
    head = father;
    mother = addPerson(
      rng,
      asOf,
      created,
      members,
      'spouse',
      'female',
      yearsToDays(rng, motherAge),
      surname(rng),
      surname(rng),
    );
  }
  if (grandparents > 0) {
    // The head's parents: the father carries the head's first surname, the mother the second.
    const headAge = (asOf - head.birthDay) / YEAR;
    const both = grandparents === 2;
    const grandmother = both || rng.chance(0.7);
    if (both || !grandmother) {
      const age = Math.min(92, headAge + rng.between(19, 34));
      addPerson(
        rng,
        asOf,
        created,
        members,
        'parent',
        'male',
        yearsToDays(rng, age),
        head.firstSurname,
        surname(rng),
      );
    }
    if (grandmother) {
      const age = Math.min(92, headAge + rng.between(19, 34));
      addPerson(
        rng,
        asOf,
        created,
        members,
        'parent',
        'female',
        yearsToDays(rng, age),
        head.secondSurname,
        surname(rng),
      );
    }
  }
  // Children of the couple (or of the single mother and an absent father), oldest first.
  const childFirst = father ? father.firstSurname : surname(rng);
  let teenDaughter: PersonModel | null = null;
  for (let k = older - 1; k >= 0; k--) {
    const first = teenMother && k === older - 1;
    const sex: Sex = first || rng.chance(0.5) ? 'female' : 'male';
    const ageDays = olderAges[k]! * YEAR + rng.int(0, 120);
    const child = addPerson(
      rng,
      asOf,
      created,
      members,
      'child',
      sex,
      ageDays,
      childFirst,
      mother.firstSurname,
    );
    if (first) teenDaughter = child;
  }
  for (const ageDays of ownYoung) {
    const sex: Sex = rng.chance(0.5) ? 'female' : 'male';
    addPerson(rng, asOf, created, members, 'child', sex, ageDays, childFirst, mother.firstSurname);
  }
  if (teenDaughter) {
    const sex: Sex = rng.chance(0.5) ? 'female' : 'male';
    addPerson(
      rng,
      asOf,
      created,
      members,
      'grandchild',
      sex,
      babyAge,
      surname(rng),
      teenDaughter.firstSurname,
    );
  }
  return { members, mother, teenDaughter, childlessCouple };
}

function givenName(rng: Rng, sex: Sex, birthYear: number): string {
  const list =
    sex === 'female'
      ? birthYear < 1975
        ? FEMALE_OLDER
        : birthYear < 2005
          ? FEMALE_ADULT
          : FEMALE_YOUNG
      : birthYear < 1975
        ? MALE_OLDER
        : birthYear < 2005
          ? MALE_ADULT
          : MALE_YOUNG;
  const first = rng.pick(list);
  if (first.includes(' ') || !rng.chance(0.18)) return first;
  const second = rng.pick(list);
  return second === first || second.includes(' ') ? first : `${first} ${second}`;
}
