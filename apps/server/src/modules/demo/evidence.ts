/**
 * Evidence for the demo population: what the health information system (HIS-MINSA), RENIEC,
 * SIS and the field workers recorded for every child under 36 months and every ongoing
 * pregnancy — growth checkups with measurements, vaccine doses, hemoglobin results, iron
 * deliveries, identity documents, insurance, prenatal visits, tests and supplements.
 *
 * The events follow Peru's schedule as config/pathways/pe-minsa-child-2025.yaml and
 * pe-minsa-pregnancy-2024.yaml transcribe it (windows in days of age or gestational weeks),
 * and are drawn per household and person so that the rosters show a credible mix:
 *
 * - Care. A household's engagement and a person's own draw, shifted by where they live (towns
 *   better served than highland communities, the Amazon lowland worst), decide whether a child
 *   starts "on track" (every contact on time) and how likely each contact is otherwise. A child
 *   on track can fall off it at any age (a move, an illness, a harvest), so completeness falls
 *   with age. Calibrated so that about 40 % of the children have every item done whose window
 *   has passed — seed 001 reports 39.1 % health-package coverage (2021).
 * - Contacts. Checkups are the contacts: vaccines, iron and hemoglobin are given at them, a
 *   missed contact's doses at the next one (28 days apart at least). Children attend vaccination
 *   more than growth checkups, as in Peru.
 * - Growth. Length from the WHO length/height-for-age standard at a z drawn per child (highland
 *   communities stunting ~30 %, Amazon ~20 %, towns ~15 %, less in infancy), weight from the
 *   weight-for-length standard at a z giving ~1 % wasting. About 0.3 % of measurements carry a
 *   typing error (weight with the decimal slipped, length off by 30 cm), flagged implausible as
 *   WHO's limits say; half of them are measured again within days.
 * - Hemoglobin. The sea-level-equivalent value is drawn so that the WHO 2024 cut-off leaves
 *   about 45 % of children 6–35 months anemic (more in infancy and in highland communities),
 *   and the measured value adds back the altitude adjustment of the village. Anemic children
 *   often get iron treatment and a check three months later.
 * - Sources. Health records come from HIS-MINSA (source_ref 'HIS-<district>-<sequence>'), or
 *   now and then transcribed by the field worker from the child's card ('manual', recorded by
 *   them); documents from RENIEC, insurance from SIS.
 *
 * Every person draws from their own PRNG stream (Stream.childEvidence by person serial,
 * Stream.pregnancyEvidence by pregnancy serial), so a row never depends on how the stream is
 * chunked. Rows are CSV for COPY, produced in chunks as the household stream is walked: the
 * whole table is never in memory.
 */

import { altitudeAdjustmentGl, growthReferenceCurves, growthZScores } from '@tejido/core';
import { DAY_MS, dayString, type Moment, momentString } from './calendar';
import { CHUNK_ROWS } from './csv';
import type { HouseholdModel, HouseholdStream, PersonModel, PregnancyModel } from './households';
import { isAmazonZone, type Zone } from './places';
import { Stream } from './plan';
import { deterministicUuidv7, IdKind, Rng } from './random';

export const EVIDENCE_COLUMNS = [
  'id',
  'person_id',
  'kind',
  'date',
  'code',
  'dose',
  'weight_kg',
  'length_cm',
  'measured',
  'oedema',
  'hb_gdl',
  'implausible',
  'source',
  'source_ref',
  'recorded_by',
  'recorded_at',
] as const;

/** Children tracked: under 36 completed months, as the person rows count them (see generate.ts). */
export const TRACKED_CHILD_DAYS = 1095;

// ---------------------------------------------------------------------------------------------
// Calibration. Probits: a propensity s (household + person + place) gives P = Φ(base + s).

/** Φ offset of starting on track (every contact on time): with the lapses, ~40 % complete. */
const ON_TRACK_BASE = 0.55;
/** Mean age (days) at which a child on track falls off it, exponentially distributed. */
const LAPSE_MEAN_DAYS = 1300;
/** Weights of the household's engagement and of the person's own draw in the propensity. */
const HOUSEHOLD_WEIGHT = 0.75;
const PERSON_WEIGHT = 0.55;
/** Off track: share of attended contacts that come after the checkup's late age. */
const LATE_SHARE = 0.3;
/** Off track: a dose not given at a contact for want of stock or of the card. */
const MISSED_DOSE_SHARE = 0.04;
/** Share of hexavalent (PENTA + IPV in one dose) instead of the pentavalent and IPV series. */
const HEXA_SHARE = 0.03;
/** Health records transcribed by the field worker from the card instead of coming from HIS. */
const MANUAL_SHARE = 0.05;
/** Children with a home measurement by the field worker in the last six months. */
const FIELD_MEASUREMENT_SHARE = 0.12;
/** Measurements with a typing error (implausible), and the share of those measured again. */
const TYPO_SHARE = 0.003;
const REMEASURED_SHARE = 0.5;
/** Documented (insured) children whose RENIEC (SIS) record has not reached the system. */
const NO_DOCUMENT_RECORD_SHARE = 0.04;
const NO_INSURANCE_RECORD_SHARE = 0.04;

/** Mean HAZ at birth; the place's plateau is reached at 18 months. */
const HAZ_AT_BIRTH = -0.45;
const HAZ_PLATEAU_DAYS = 548;
const HAZ_SD = 1.05;
const WHZ_SD = 0.95;
/** Standard deviation of hemoglobin around its mean, g/dL. */
const HB_SD = 1.05;
/** Pregnancy: on-track offset and anemia (1st-trimester and third-trimester WHO cut-offs). */
const PREGNANCY_ON_TRACK_BASE = 0.35;

/** How a place shapes care and health. */
interface Place {
  /** Added to every propensity (probit scale). */
  access: number;
  /** Share of births in a facility (BCG and hepatitis B within 24 hours). */
  facilityBirth: number;
  /** Mean length/height-for-age z from 18 months on. */
  hazPlateau: number;
  /** Mean weight-for-length/height z. */
  whzMean: number;
  /** Multiplies the anemia prevalence of children by age. */
  anemia: number;
  /** Anemia prevalence in pregnancy. */
  pregnancyAnemia: number;
}

/**
 * Towns (province capitals) are best served; highland communities carry Peru's rural stunting
 * (~28 % in programme households, seed 001) and the worst anemia; the Amazon lowland has the
 * hardest access (river travel, home births), less stunting, anemia about the average.
 */
function placeOf(zone: Zone, rural: boolean): Place {
  if (!rural) {
    return {
      access: 0.35,
      facilityBirth: 0.97,
      hazPlateau: -1.0,
      whzMean: 0.35,
      anemia: 0.85,
      pregnancyAnemia: 0.15,
    };
  }
  switch (zone) {
    case 'highland':
      return {
        access: 0,
        facilityBirth: 0.86,
        hazPlateau: -1.6,
        whzMean: 0.3,
        anemia: 1.12,
        pregnancyAnemia: 0.24,
      };
    case 'valley':
      return {
        access: 0.1,
        facilityBirth: 0.9,
        hazPlateau: -1.4,
        whzMean: 0.3,
        anemia: 1.0,
        pregnancyAnemia: 0.2,
      };
    case 'lowland':
      return {
        access: -0.3,
        facilityBirth: 0.75,
        hazPlateau: -1.42,
        whzMean: 0.2,
        anemia: 0.95,
        pregnancyAnemia: 0.2,
      };
  }
}

/** Anemia prevalence of children by age at the test, before the place factor (ENDES-like). */
function childAnemiaShare(ageDays: number): number {
  if (ageDays < 365) return 0.62;
  if (ageDays < 548) return 0.53;
  if (ageDays < 731) return 0.45;
  return 0.36;
}

// ---------------------------------------------------------------------------------------------
// The child schedule (pe-minsa-child-2025.yaml), ages in days.

/** Growth checkups: [from, late, until]. They are the contacts at which everything else happens. */
const CHECKUPS: ReadonlyArray<readonly [number, number, number]> = [
  [3, 6, 6],
  [7, 13, 13],
  [14, 21, 29],
  [30, 44, 60],
  [61, 75, 90],
  [91, 105, 121],
  [122, 136, 182],
  [183, 197, 212],
  [213, 227, 273],
  [274, 288, 364],
  [365, 379, 456],
  [457, 471, 547],
  [548, 562, 638],
  [639, 653, 730],
  [731, 745, 912],
  [913, 927, 1095],
];
const M02 = 4;
const M04 = 6;
const M06 = 7;
const M07 = 8;
const M09 = 9;
const M12 = 10;
const M15 = 11;
const M18 = 12;
const M21 = 13;
const M24 = 14;
const M30 = 15;
/** Hemoglobin follow-ups (start, third month and end of supplementation; twice a year from 24 months). */
const HB_FOLLOW_UP = new Set([M09, M12, M18, M24, M30]);
/** The 6-month screening, on or after this age so that six calendar months are complete. */
const HB_SCREENING_FROM = 186;
/** Doses of the same vaccine at least this far apart (NTS 196). */
const MIN_DOSE_INTERVAL = 28;

interface VaccineSeries {
  code: string;
  /** The contact (index in CHECKUPS) at which each dose is scheduled. */
  contacts: readonly number[];
  /** Oldest age (days) at which each dose is still given (rotavirus). */
  maxAge?: readonly number[];
  amazonOnly?: boolean;
}

const SERIES: readonly VaccineSeries[] = [
  { code: 'PENTA', contacts: [M02, M04, M06] },
  { code: 'IPV', contacts: [M02, M04, M06] },
  { code: 'ROTA', contacts: [M02, M04], maxAge: [215, 243] },
  { code: 'PCV', contacts: [M02, M04, M12] },
  { code: 'FLU', contacts: [M06, M07] },
  { code: 'MMR', contacts: [M12, M18] },
  { code: 'VAR', contacts: [M12] },
  { code: 'HEPA', contacts: [M15] },
  { code: 'YF', contacts: [M15], amazonOnly: true },
  { code: 'DPT_B', contacts: [M18] },
  { code: 'OPV_B', contacts: [M18] },
];
const PENTA = 0;
const IPV = 1;
const FLU = 4;
/** Yearly influenza at 12–23 and 24–35 months: [from, late, until] (campaign months vary). */
const YEARLY_FLU: ReadonlyArray<readonly [number, number, number]> = [
  [365, 455, 730],
  [731, 821, 1094],
];
/** Iron or micronutrients from 6 months: the product of a child's courses, 45 / 35 / 20 %. */
const COURSE_CODES = ['MNP', 'IRON_SYRUP', 'IRON_DROPS'] as const;

// ---------------------------------------------------------------------------------------------
// The pregnancy schedule (pe-minsa-pregnancy-2024.yaml), gestational days.

/** Prenatal visit ranges: weeks 0–13, 14–21, 22–24, 25–32, 33–36, 37–40, as days. */
const VISIT_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0, 97],
  [98, 153],
  [154, 174],
  [175, 230],
  [231, 258],
  [259, 286],
];
const FIRST_TRIMESTER_LAST_DAY = 97;

// ---------------------------------------------------------------------------------------------
// Numbers.

function clamp(x: number, min: number, max: number): number {
  return x < min ? min : x > max ? max : x;
}

/** A standard normal draw (Box–Muller, one of the pair). */
function gaussian(rng: Rng): number {
  const u = 1 - rng.float();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.float());
}

/** Standard normal CDF (Abramowitz & Stegun 7.1.26, error below 1e-7). */
export function normalCdf(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(x * x) / 2);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

const probits = new Map<number, number>();
/** The z with Φ(z) = p, by bisection (few distinct p are asked, each once). */
export function probit(p: number): number {
  let z = probits.get(p);
  if (z === undefined) {
    let lo = -8;
    let hi = 8;
    for (let i = 0; i < 60; i++) {
      const mid = (lo + hi) / 2;
      if (normalCdf(mid) < p) lo = mid;
      else hi = mid;
    }
    z = (lo + hi) / 2;
    probits.set(p, z);
  }
  return z;
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;

// ---------------------------------------------------------------------------------------------
// WHO growth standards: the −3…+3 SD curves, interpolated linearly in z between them (exact for
// length, whose L is 1; beyond ±3 SD it is WHO's restricted rule for weight).

type Sex = 'male' | 'female';

interface Curves {
  /** Length (under 731 days) or height, per day of age: 7 values (−3…+3 SD) a row. */
  lengthForAge: Float64Array;
  /** Weight per 0.1 cm of length from 45 cm: 7 values a row. */
  weightForLength: Float64Array;
  weightForLengthRows: number;
}

const WFL_FIRST_MM = 450;
let curves: Record<Sex, Curves> | undefined;

function growthCurves(): Record<Sex, Curves> {
  if (!curves) {
    const build = (sex: Sex): Curves => {
      const flat = (indicator: 'lengthForAge' | 'weightForLength') => {
        const points = growthReferenceCurves(indicator, sex, 1);
        const out = new Float64Array(points.length * 7);
        points.forEach((p, i) => {
          out.set(p.sd, i * 7);
        });
        return out;
      };
      const weightForLength = flat('weightForLength');
      return {
        lengthForAge: flat('lengthForAge'),
        weightForLength,
        weightForLengthRows: weightForLength.length / 7,
      };
    };
    curves = { male: build('male'), female: build('female') };
  }
  return curves;
}

function atZ(table: Float64Array, row: number, z: number): number {
  const b = row * 7;
  if (z <= -3) return table[b]! + (z + 3) * (table[b + 1]! - table[b]!);
  if (z >= 3) return table[b + 6]! + (z - 3) * (table[b + 6]! - table[b + 5]!);
  const k = Math.min(5, Math.floor(z + 3));
  const f = z + 3 - k;
  return table[b + k]! + f * (table[b + k + 1]! - table[b + k]!);
}

function isImplausible(
  sex: Sex,
  ageDays: number,
  weightKg: number,
  lengthCm: number,
  measured: 'lying' | 'standing',
): boolean {
  const z = growthZScores({ sex, ageDays, weightKg, lengthCm, measured });
  return (
    z.weightForAge?.flagged === true ||
    z.lengthForAge?.flagged === true ||
    z.weightForLength?.flagged === true ||
    z.bmiForAge?.flagged === true
  );
}

// ---------------------------------------------------------------------------------------------
// The generator.

/**
 * How a record reached the system: HIS-MINSA (now and then the field worker copying the card
 * instead), the field worker at a home visit, RENIEC, SIS.
 */
const Channel = { Health: 0, FieldWorker: 1, Reniec: 2, Sis: 3 } as const;
type Channel = (typeof Channel)[keyof typeof Channel];

/** weight_kg, length_cm, measured, oedema, hb_gdl, implausible: no values. */
const NO_VALUES = ',,,,,f';
const PERU_OFFSET_MS = 5 * 3_600_000;

/**
 * Walks the household stream and produces the evidence rows as CSV chunks for COPY. Each
 * call of `chunks` restarts the numbering, so two walks give the same rows.
 */
export class EvidenceGenerator {
  private readonly salt: number;
  private readonly seed: number;
  private readonly asOfDay: number;
  /** Records are dated before the as-of day starts, as the registry's are. */
  private readonly lastDay: number;
  private readonly districtSlot = new Map<string, number>();
  private readonly curves = growthCurves();
  private hisSequence: Int32Array;
  private serial = 0;
  private parts: string[] = [];
  private readonly moment: Moment = { day: 0, second: 0 };

  // The person being generated.
  private rng: Rng = new Rng(0, 0);
  private personId = '';
  private districtCode = '';
  private slot = 0;
  private fieldWorkerId = '';
  private externalRef = '';
  private altitudeAdjustmentGdl = 0;
  private place: Place = placeOf('highland', true);

  constructor(private readonly stream: HouseholdStream) {
    const { plan } = stream;
    this.seed = plan.seed;
    this.asOfDay = plan.asOfDay;
    this.lastDay = plan.asOfDay - 1;
    this.salt = new Rng(plan.seed, Stream.evidence).next();
    plan.districts.forEach((d, i) => {
      this.districtSlot.set(d.seed.code, i);
    });
    this.hisSequence = new Int32Array(plan.districts.length);
  }

  /** CSV chunks of about `chunkRows` rows; `counter.rows` counts them. */
  *chunks(counter: { rows: number }, chunkRows = CHUNK_ROWS): Generator<string> {
    this.serial = 0;
    this.hisSequence = new Int32Array(this.hisSequence.length);
    this.parts = [];
    for (const h of this.stream.households()) {
      this.household(h);
      if (this.parts.length >= chunkRows) {
        counter.rows += this.parts.length;
        const chunk = this.parts.join('');
        this.parts = [];
        yield chunk;
      }
    }
    if (this.parts.length > 0) {
      counter.rows += this.parts.length;
      const chunk = this.parts.join('');
      this.parts = [];
      yield chunk;
    }
  }

  private household(h: HouseholdModel): void {
    let tracked = h.pregnancy !== null;
    for (const p of h.persons) if (this.asOfDay - p.birthDay < TRACKED_CHILD_DAYS) tracked = true;
    if (!tracked) return;
    const hrng = new Rng(this.seed, Stream.householdEvidence, h.index);
    const engagement = gaussian(hrng);
    this.districtCode = h.district.seed.code;
    this.slot = this.districtSlot.get(this.districtCode)!;
    this.fieldWorkerId = h.fieldWorker.user.id;
    this.place = placeOf(h.district.zone, h.village.rural);
    this.altitudeAdjustmentGdl = altitudeAdjustmentGl(h.village.altitude) / 10;
    const amazon = isAmazonZone(h.district.zone);
    for (const p of h.persons) {
      if (this.asOfDay - p.birthDay < TRACKED_CHILD_DAYS) this.child(p, engagement, amazon);
    }
    if (h.pregnancy) this.pregnancy(h, h.pregnancy, engagement);
  }

  // -------------------------------------------------------------------------------------------
  // Rows

  private record(
    kind: string,
    day: number,
    code: string,
    dose: number | '',
    values: string,
    channel: Channel,
  ): void {
    const rng = this.rng;
    let source: string;
    let ref = '';
    let by = '';
    let lag: number;
    if (channel === Channel.Health && rng.float() >= MANUAL_SHARE) {
      source = 'his_minsa';
      const n = ++this.hisSequence[this.slot]!;
      ref = `HIS-${this.districtCode}-${String(n).padStart(7, '0')}`;
      lag = rng.int(0, 10);
    } else if (channel === Channel.Health || channel === Channel.FieldWorker) {
      source = 'manual';
      by = this.fieldWorkerId;
      lag = channel === Channel.FieldWorker ? rng.int(0, 2) : rng.int(1, 21);
    } else {
      source = channel === Channel.Reniec ? 'reniec' : 'sis';
      ref = this.externalRef;
      lag = rng.int(0, 3);
    }
    const moment = this.moment;
    moment.day = Math.min(this.lastDay, day + lag);
    moment.second = rng.int(7 * 3600, 19 * 3600);
    const ms = moment.day * DAY_MS + moment.second * 1000 + PERU_OFFSET_MS;
    const id = deterministicUuidv7(ms, IdKind.evidence, this.serial++, this.salt);
    this.parts.push(
      `${id},${this.personId},${kind},${dayString(day)},${code},${dose},${values},${source},${ref},${by},${momentString(moment)}\n`,
    );
  }

  // -------------------------------------------------------------------------------------------
  // Children

  private child(p: PersonModel, engagement: number, amazon: boolean): void {
    const rng = new Rng(this.seed, Stream.childEvidence, p.serial);
    this.rng = rng;
    this.personId = this.stream.personId(p);
    const place = this.place;
    const birth = p.birthDay;
    const lastAge = this.lastDay - birth;
    const sex: Sex = p.sex;

    // --- Who this child is -----------------------------------------------------------------
    // A grandchild of the head is an adolescent mother's child: less care.
    const propensity =
      place.access +
      HOUSEHOLD_WEIGHT * engagement +
      PERSON_WEIGHT * gaussian(rng) -
      (p.relationship === 'grandchild' ? 0.3 : 0);
    const onTrack = rng.float() < normalCdf(ON_TRACK_BASE + propensity);
    const lapse = onTrack ? -LAPSE_MEAN_DAYS * Math.log(1 - rng.float()) : -1;
    // Off track: chance of coming to a contact at all (vaccination) and of a checkup there.
    const checkupAttendance = clamp(0.62 + 0.12 * propensity + 0.08 * gaussian(rng), 0.2, 0.97);
    const vaccineAttendance = clamp(checkupAttendance + 0.15 + 0.05 * gaussian(rng), checkupAttendance, 0.99);
    const facilityBirth = onTrack || rng.float() < place.facilityBirth;
    const hexa = rng.float() < HEXA_SHARE;
    const hazChild = gaussian(rng);
    const whzChild = gaussian(rng);
    const hbChild = gaussian(rng);
    const course = COURSE_CODES[rng.float() < 0.45 ? 0 : rng.float() < 0.64 ? 1 : 2];

    // --- Identity document and insurance ----------------------------------------------------
    if (p.documentNumber !== null && p.documentType !== null && rng.float() >= NO_DOCUMENT_RECORD_SHARE) {
      const within30 = onTrack || rng.float() < 0.72;
      let age = within30 ? rng.int(1, 30) : rng.int(31, 240);
      if (age > lastAge) age = rng.int(0, lastAge);
      this.externalRef = `RENIEC-${p.documentType}-${p.documentNumber}`;
      this.record('document_issued', birth + age, p.documentType, '', NO_VALUES, Channel.Reniec);
    }
    if (p.healthInsurance !== null && rng.float() >= NO_INSURANCE_RECORD_SHARE) {
      const within30 = onTrack || rng.float() < 0.8;
      let age = within30 ? rng.int(0, 30) : rng.int(31, 200);
      if (age > lastAge) age = rng.int(0, lastAge);
      this.externalRef = `SIS-${p.healthInsurance}`;
      this.record('insurance_affiliated', birth + age, 'SIS', '', NO_VALUES, Channel.Sis);
    }

    // --- Birth: BCG and hepatitis B within 24 hours when born in a facility -----------------
    let bcgPending = true;
    if (facilityBirth) {
      const day = birth + (rng.float() < 0.75 ? 0 : 1);
      this.record('vaccine_dose', day, 'BCG', 1, NO_VALUES, Channel.Health);
      this.record('vaccine_dose', day, 'HVB', 1, NO_VALUES, Channel.Health);
      bcgPending = false;
    }

    // --- Contacts: checkups, with vaccines, iron and hemoglobin ----------------------------
    const given = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const lastDoseAge = [-1e9, -1e9, -1e9, -1e9, -1e9, -1e9, -1e9, -1e9, -1e9, -1e9, -1e9];
    let screened = false;
    let ironDrops = 0;
    let course6 = 0;
    let course12 = 0;
    let lastMeasuredAge = -1;
    for (let c = 0; c < CHECKUPS.length; c++) {
      const [from, late, until] = CHECKUPS[c]!;
      if (from > lastAge) break;
      const keeping = from < lapse;
      let age: number;
      let checkup: boolean;
      if (keeping) {
        age = from + rng.int(0, late - from);
        checkup = true;
      } else {
        const u = rng.float();
        if (u >= vaccineAttendance) continue;
        checkup = u < checkupAttendance;
        age =
          until > late && rng.float() < LATE_SHARE
            ? late + 1 + rng.int(0, Math.min(until, late + 45) - late - 1)
            : from + rng.int(0, late - from);
      }
      if (age > lastAge) break;
      const day = birth + age;
      if (checkup) {
        this.measurement('growth_checkup', day, age, sex, hazChild, whzChild, Channel.Health);
        lastMeasuredAge = age;
      }
      if (bcgPending && age <= 364) {
        this.record('vaccine_dose', day, 'BCG', 1, NO_VALUES, Channel.Health);
        bcgPending = false;
      }
      for (let s = 0; s < SERIES.length; s++) {
        const series = SERIES[s]!;
        const k = given[s]!;
        if (k >= series.contacts.length || series.contacts[k]! > c) continue;
        if (hexa && s === IPV) continue;
        if (series.amazonOnly && !amazon) continue;
        let doseAge = age;
        if (doseAge - lastDoseAge[s]! < MIN_DOSE_INTERVAL) {
          doseAge = lastDoseAge[s]! + MIN_DOSE_INTERVAL + rng.int(0, 3);
        }
        const maxAge = series.maxAge?.[k];
        if (maxAge !== undefined && doseAge > maxAge) {
          given[s] = series.contacts.length; // rotavirus is no longer given
          continue;
        }
        if (doseAge > lastAge) continue;
        if (!keeping && rng.float() < MISSED_DOSE_SHARE) continue;
        const code = hexa && s === PENTA ? 'HEXA' : series.code;
        this.record('vaccine_dose', birth + doseAge, code, k + 1, NO_VALUES, Channel.Health);
        given[s] = k + 1;
        lastDoseAge[s] = doseAge;
      }
      // Iron drops from 4 months, then a course of iron or micronutrients at 6–11 and 12–23 months.
      if (checkup) {
        if (c === M04 && (keeping || rng.float() < 0.8)) {
          this.record('supplement', day, 'IRON_DROPS', ++ironDrops, NO_VALUES, Channel.Health);
        }
        if (
          (c === M06 || c === M07 || c === M09) &&
          rng.float() < (keeping ? (course6 === 0 ? 1 : 0.9) : 0.7)
        ) {
          this.record('supplement', day, course, ++course6, NO_VALUES, Channel.Health);
        }
        if (
          (c === M15 || c === M18 || c === M21) &&
          rng.float() < (keeping ? (course12 === 0 ? 1 : 0.85) : 0.6)
        ) {
          this.record('supplement', day, course, ++course12, NO_VALUES, Channel.Health);
        }
      }
      // Hemoglobin: the 6-month screening (caught up to 9 months), then follow-ups.
      if (!screened && c >= M06 && c <= M09) {
        if (rng.float() < (keeping ? 1 : checkup ? 0.85 : 0.4)) {
          const hbAge = age >= HB_SCREENING_FROM ? age : HB_SCREENING_FROM + rng.int(0, 4);
          if (hbAge <= lastAge) this.childHemoglobin(birth, hbAge, lastAge, hbChild);
          screened = true;
          continue;
        }
      }
      if (checkup && screened && HB_FOLLOW_UP.has(c) && rng.float() < (keeping ? 0.75 : 0.55)) {
        this.childHemoglobin(birth, age, lastAge, hbChild);
      }
    }

    // --- Yearly influenza (campaigns) ---------------------------------------------------------
    let lastFlu = lastDoseAge[FLU]!;
    for (const [from, late, until] of YEARLY_FLU) {
      if (from > lastAge) break;
      let age: number;
      if (from < lapse) age = from + rng.int(0, late - from - 5);
      else if (rng.float() < vaccineAttendance * 0.75) age = from + rng.int(0, until - from);
      else continue;
      if (age - lastFlu < MIN_DOSE_INTERVAL) age = lastFlu + MIN_DOSE_INTERVAL;
      if (age > lastAge || age > until) continue;
      this.record('vaccine_dose', birth + age, 'FLU', '', NO_VALUES, Channel.Health);
      lastFlu = age;
    }

    // --- A home measurement by the field worker in the last six months -----------------------
    if (lastAge >= 30 && rng.float() < FIELD_MEASUREMENT_SHARE) {
      const age = Math.max(30, lastAge - rng.int(0, 180));
      if (age !== lastMeasuredAge) {
        this.measurement('measurement', birth + age, age, sex, hazChild, whzChild, Channel.FieldWorker);
      }
    }
  }

  /** A growth checkup or a measurement, with weight and length drawn from the WHO standards. */
  private measurement(
    kind: 'growth_checkup' | 'measurement',
    day: number,
    age: number,
    sex: Sex,
    hazChild: number,
    whzChild: number,
    channel: Channel,
  ): void {
    const rng = this.rng;
    const place = this.place;
    const curves = this.curves[sex];
    const hazMean = HAZ_AT_BIRTH + (place.hazPlateau - HAZ_AT_BIRTH) * Math.min(1, age / HAZ_PLATEAU_DAYS);
    const haz = clamp(hazMean + HAZ_SD * (0.93 * hazChild + 0.37 * gaussian(rng)), -4.8, 3.5);
    // Length tracks closely from visit to visit (correlation 0.86), weight-for-length less (0.72).
    const whz = clamp(place.whzMean + WHZ_SD * (0.85 * whzChild + 0.527 * gaussian(rng)), -4.2, 3.8);
    const standing = age >= 731;
    let length = round1(atZ(curves.lengthForAge, Math.min(age, 1856), haz));
    // Under 731 days the weight-for-length table; from then weight-for-height, which is the
    // same curve 0.7 cm along (a height is 0.7 cm less than the length of the same child).
    const row = clamp(
      Math.round((standing ? length + 0.7 : length) * 10) - WFL_FIRST_MM,
      0,
      curves.weightForLengthRows - 1,
    );
    let weight = round2(atZ(curves.weightForLength, row, whz));
    const measured = standing ? 'standing' : 'lying';
    let implausible = false;
    let typo = false;
    if (rng.float() < TYPO_SHARE) {
      typo = true;
      if (rng.float() < 0.5) weight = round2(weight / 10);
      else length = round1(length < 95 ? length + 30 : length - 30);
      implausible = isImplausible(sex, age, weight, length, measured);
    } else if (haz < -3.5 || whz < -3.5 || whz > 3) {
      implausible = isImplausible(sex, age, weight, length, measured);
    }
    this.record(kind, day, '', '', `${weight},${length},${measured},,,${implausible ? 't' : 'f'}`, channel);
    if (typo && rng.float() < REMEASURED_SHARE) {
      const again = age + rng.int(2, 20);
      if (day - age + again <= this.lastDay) {
        this.measurement('measurement', day - age + again, again, sex, hazChild, whzChild, Channel.Health);
      }
    }
  }

  /**
   * A child's hemoglobin at `age` days (6 months or more): the sea-level-equivalent value around
   * the cut-off of the age group, so that the age's prevalence is anemic, plus the village's
   * altitude adjustment. An anemic child often gets iron and a check three months later.
   */
  private childHemoglobin(birth: number, age: number, lastAge: number, hbChild: number, boost = 0): void {
    const rng = this.rng;
    const cutoff = age < 731 ? 10.5 : 11;
    const share = clamp(childAnemiaShare(age) * this.place.anemia, 0.03, 0.95);
    const z = 0.75 * hbChild + 0.66 * gaussian(rng) + probit(1 - share) + boost;
    const hb = clamp(round1(cutoff + HB_SD * z + this.altitudeAdjustmentGdl), 4, 22);
    this.record('hemoglobin', birth + age, '', '', `,,,,${hb},f`, Channel.Health);
    if (boost === 0 && hb - this.altitudeAdjustmentGdl < cutoff && rng.float() < 0.6) {
      const treated = age + rng.int(0, 7);
      if (treated <= lastAge) {
        const code = age < 365 ? 'IRON_DROPS' : 'IRON_SYRUP';
        this.record('supplement', birth + treated, code, '', NO_VALUES, Channel.Health);
      }
      const check = age + rng.int(85, 100);
      if (check <= lastAge && rng.float() < 0.5) this.childHemoglobin(birth, check, lastAge, hbChild, 0.8);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Pregnancies

  private pregnancy(h: HouseholdModel, g: PregnancyModel, engagement: number): void {
    const woman = h.persons[g.person]!;
    const rng = new Rng(this.seed, Stream.pregnancyEvidence, g.serial);
    this.rng = rng;
    this.personId = this.stream.personId(woman);
    const lmp = g.lastMenstrualPeriodDay ?? g.estimatedDeliveryDay! - 280;
    const lastGa = this.lastDay - lmp;
    const ageYears = (lmp - woman.birthDay) / 365.25;
    const propensity =
      this.place.access +
      HOUSEHOLD_WEIGHT * engagement +
      PERSON_WEIGHT * gaussian(rng) -
      (ageYears < 18 ? 0.5 : ageYears < 20 ? 0.25 : 0);
    const onTrack = rng.float() < normalCdf(PREGNANCY_ON_TRACK_BASE + propensity);
    const attendance = clamp(0.72 + 0.12 * propensity + 0.08 * gaussian(rng), 0.3, 0.97);
    const hbWoman = gaussian(rng);

    // The first visit: in the first trimester when on track, often later otherwise.
    let booking: number;
    if (onTrack) {
      booking = rng.int(35, 84);
    } else {
      const r = rng.float();
      booking = r < 0.5 ? rng.int(42, 97) : r < 0.82 ? rng.int(98, 160) : rng.int(161, 230);
    }
    if (booking > lastGa) return;
    this.record('prenatal_visit', lmp + booking, '', '', NO_VALUES, Channel.Health);
    let range = 0;
    while (VISIT_RANGES[range]![1] < booking) range++;
    for (let r = range + 1; r < VISIT_RANGES.length; r++) {
      const [from, to] = VISIT_RANGES[r]!;
      const ga = rng.int(from, to);
      if (ga > lastGa) break;
      if (onTrack || rng.float() < attendance) {
        this.record('prenatal_visit', lmp + ga, '', '', NO_VALUES, Channel.Health);
      }
    }

    // First-trimester tests, at the first visit (results within a week), or later.
    const labDays = onTrack ? Math.max(0, Math.min(7, FIRST_TRIMESTER_LAST_DAY - booking)) : 14;
    const tests: ReadonlyArray<readonly [string, number]> = [
      ['URINE', 0.78],
      ['SYPHILIS', 0.9],
      ['HIV', 0.9],
      ['', 0.85], // hemoglobin
    ];
    for (const [code, share] of tests) {
      let ga: number;
      if (onTrack || rng.float() < share) ga = booking + rng.int(0, labDays);
      else if (rng.float() < 0.4) ga = booking + rng.int(15, 60);
      else continue;
      if (ga > lastGa) continue;
      if (code === '') this.pregnancyHemoglobin(lmp, ga, hbWoman);
      else this.record('prenatal_test', lmp + ga, code, '', NO_VALUES, Channel.Health);
    }
    // A second hemoglobin in the third trimester.
    const third = rng.int(196, 231);
    if (third <= lastGa && third > booking + 30 && rng.float() < (onTrack ? 0.6 : 0.4)) {
      this.pregnancyHemoglobin(lmp, third, hbWoman);
    }

    // Folic acid in the first trimester; iron with folic acid monthly from week 14.
    if (booking <= FIRST_TRIMESTER_LAST_DAY && (onTrack || rng.float() < 0.85)) {
      this.record('prenatal_supplement', lmp + booking, 'FOLIC_ACID', 1, NO_VALUES, Channel.Health);
    }
    let ga = Math.max(booking, 98) + rng.int(0, onTrack ? 10 : 30);
    let deliveries = 0;
    while (ga <= lastGa && ga <= 286 && deliveries < 8) {
      if (onTrack || rng.float() < 0.82) {
        this.record(
          'prenatal_supplement',
          lmp + ga,
          'IRON_FOLIC_ACID',
          ++deliveries,
          NO_VALUES,
          Channel.Health,
        );
      }
      ga += rng.int(28, 33);
    }
  }

  private pregnancyHemoglobin(lmp: number, ga: number, hbWoman: number): void {
    const week = Math.floor(ga / 7);
    const cutoff = week <= 12 || week >= 29 ? 11 : 10.5;
    const z = 0.8 * hbWoman + 0.6 * gaussian(this.rng) + probit(1 - this.place.pregnancyAnemia);
    const hb = clamp(round1(cutoff + 1.1 * z + this.altitudeAdjustmentGdl), 5, 22);
    this.record('hemoglobin', lmp + ga, '', '', `,,,,${hb},f`, Channel.Health);
  }
}
