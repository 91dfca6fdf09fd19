/**
 * The parameters of the Fellegi-Sunter model: for each field and agreement level, m (how often
 * the level is seen when record and person are the same person) and u (how often it is seen
 * for two persons taken at random). A level weighs log2(m/u) bits; a comparison weighs the sum
 * of its fields' levels.
 */
import type {
  BirthDateOutcome,
  GivenNamesOutcome,
  SexOutcome,
  SurnamesOutcome,
  TerritoryOutcome,
} from './types';

/** m and u of one agreement level. */
export interface LevelProbabilities {
  m: number;
  u: number;
}

type Levels<O extends string> = Record<Exclude<O, 'missing'>, LevelProbabilities>;

export interface LinkageParameters {
  givenNames: Levels<GivenNamesOutcome>;
  surnames: Levels<SurnamesOutcome>;
  birthDate: Levels<BirthDateOutcome>;
  sex: Levels<SexOutcome>;
  territory: Levels<TerritoryOutcome>;
  /** Jaro-Winkler similarity from which two names count as the same name mistyped. */
  similarity: { givenNames: number; surnames: number };
  /**
   * Value-specific u (Winkler's frequency-based matching): in an index, agreement on a value
   * shared by a fraction f of the registry weighs log2(average u / f) more than the average
   * (less when f is above the average: Quispe agreeing is weaker evidence than Tincopa).
   */
  frequency: {
    enabled: boolean;
    /** Below this many values the registry is too small to estimate frequencies: no adjustment. */
    minTotal: number;
    /** The least frequency assumed, so a value seen once does not weigh without bound. */
    floor: number;
    /** Bounds of the adjustment of one field, in bits. */
    maxBoost: number;
    maxPenalty: number;
    /** The average u the level weights assume: Σ f² over values. */
    givenNamesU: number;
    surnameU: number;
    districtU: number;
  };
  thresholds: {
    /** Weight from which the best candidate is linked automatically. */
    upper: number;
    /** Weight from which the best candidate goes to a data steward; below, no link. */
    lower: number;
    /** A would-be link goes to review when the runner-up is within this many bits of the best. */
    margin: number;
    /** A would-be link goes to review when the given names disagree outright (twins). */
    linkNeedsGivenNames: boolean;
  };
  blocking: {
    /** A block with more persons than this is skipped: its key says too little (Quispe born in 2020). */
    maxBlockSize: number;
  };
}

/**
 * Reasoned estimates, not fitted to any data set; tune them on a clerically reviewed sample
 * of each deployment's own imports (the EM algorithm can also estimate m from unlabelled pairs).
 *
 * - u is the chance that two persons taken at random agree at that level: for an exact
 *   agreement it is Σ f² over the field's values (birth dates spread over 80 years with
 *   more children: about 1 in 10,000; about 2 % for one surname, given Quispe, Mamani,
 *   Huamán, Condori; 1 % for the district of a registry spread over some hundred districts).
 *   Lesser levels count the values within reach (±3 days and one-digit typos: about 40 of
 *   some 29,000 dates).
 * - m is how often registry and record of one person agree at that level: most records copy
 *   names and dates right; the rest show the errors seen in Peruvian files (surnames swapped
 *   or the second one missing in about 1 in 20 records, day and month swapped, the second
 *   given name left out, a district changed by a move). The m of each field add up to 1 over
 *   its levels (missing aside: a missing value weighs 0).
 * - Frequencies: in an index, agreeing on a value weighs by that value's own frequency
 *   (`frequency`), so the average u above only matters for values of average frequency.
 * - Thresholds: a record copied without error weighs 30–42 bits against its person; each
 *   field gone wrong costs 4–10 bits, so one error leaves about 24–34 and two errors 15–28.
 *   The best candidate of a person who is not in the registry (a sibling, a namesake born
 *   elsewhere) rarely reaches 24 bits; twins (same surnames, birth date and home, given names
 *   disagreeing: −7.6) reach 24–28, and `linkNeedsGivenNames` keeps them out of automatic
 *   links. So: link from 24 bits (one error, or two small ones), review from 15, and review
 *   when the runner-up is within 5 bits (odds of 32:1 are too close to call). On the
 *   synthetic benchmark (bench/linkage.ts: a million persons, 100,000 records) they give a
 *   precision of 0.9995 and a recall of 0.966 for automatic links, and any upper threshold
 *   from 21 to 25 keeps precision ≥ 0.98 and recall ≥ 0.95 there. Namesakes multiply with the
 *   registry: for one much larger than a million persons, raise `upper` by about a bit for
 *   each doubling, and check both thresholds on a reviewed sample of real imports.
 */
export const DEFAULT_LINKAGE_PARAMETERS: LinkageParameters = {
  givenNames: {
    exact: { m: 0.8, u: 0.004 },
    phonetic: { m: 0.06, u: 0.001 },
    similar: { m: 0.04, u: 0.003 },
    first_name: { m: 0.08, u: 0.008 },
    one_name: { m: 0.015, u: 0.004 },
    different: { m: 0.005, u: 0.98 },
  },
  surnames: {
    both_agree: { m: 0.8, u: 0.0004 },
    both_similar: { m: 0.08, u: 0.0003 },
    both_agree_swapped: { m: 0.02, u: 0.0004 },
    first_agrees_second_missing: { m: 0.05, u: 0.001 },
    one_agrees: { m: 0.04, u: 0.08 },
    different: { m: 0.01, u: 0.92 },
  },
  birthDate: {
    exact: { m: 0.88, u: 0.0001 },
    day_month_swapped: { m: 0.015, u: 0.00003 },
    near: { m: 0.05, u: 0.0015 },
    same_year_month: { m: 0.015, u: 0.001 },
    different: { m: 0.04, u: 0.9974 },
  },
  sex: {
    agree: { m: 0.98, u: 0.5 },
    disagree: { m: 0.02, u: 0.5 },
  },
  territory: {
    same_district: { m: 0.8, u: 0.01 },
    same_province: { m: 0.08, u: 0.03 },
    same_region: { m: 0.05, u: 0.06 },
    different: { m: 0.07, u: 0.9 },
  },
  similarity: { givenNames: 0.88, surnames: 0.9 },
  frequency: {
    enabled: true,
    minTotal: 1000,
    floor: 0.0001,
    maxBoost: 2,
    maxPenalty: 4,
    givenNamesU: 0.004,
    surnameU: 0.02,
    districtU: 0.01,
  },
  thresholds: { upper: 24, lower: 15, margin: 5, linkNeedsGivenNames: true },
  blocking: { maxBlockSize: 1000 },
};

/**
 * The weight of a level in bits: log2(m/u).
 * @example levelWeight({ m: 0.8, u: 0.01 }) // 6.32…
 */
export function levelWeight(level: LevelProbabilities): number {
  return Math.log2(level.m / level.u);
}

/**
 * Every level's weight in bits, by field, before frequency adjustments (for a legend beside
 * the reasons a data steward reads). Missing values weigh 0.
 * @example linkageWeights().birthDate.exact // 13.1…
 */
export function linkageWeights(
  params: LinkageParameters = DEFAULT_LINKAGE_PARAMETERS,
): Record<'givenNames' | 'surnames' | 'birthDate' | 'sex' | 'territory', Record<string, number>> {
  const table = (levels: Record<string, LevelProbabilities>) => {
    const out: Record<string, number> = {};
    for (const [name, level] of Object.entries(levels)) out[name] = levelWeight(level);
    out.missing = 0;
    return out;
  };
  return {
    givenNames: table(params.givenNames),
    surnames: table(params.surnames),
    birthDate: table(params.birthDate),
    sex: table(params.sex),
    territory: table(params.territory),
  };
}
