/**
 * Probabilistic record linkage (Fellegi-Sunter) of incoming records without an identity
 * number against the persons of the registry: names normalised and keyed for Peruvian
 * Spanish and Quechua, field comparisons with agreement levels weighed in bits, blocking
 * for scale, and the link / review / no-link decision.
 */
export { bestMatches, type LinkageCounters, LinkIndex, type MatchOptions } from './blocking';
export { birthDateNumber, compareRecords } from './compare';
export { decideLink } from './decide';
export { jaroWinkler } from './jaro-winkler';
export { isPlaceholderGivenNames, linkageName, normalizeForLinkage } from './normalize';
export {
  DEFAULT_LINKAGE_PARAMETERS,
  type LevelProbabilities,
  type LinkageParameters,
  levelWeight,
  linkageWeights,
} from './parameters';
export { phoneticKey } from './phonetic';
export * from './types';
