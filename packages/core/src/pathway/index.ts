export { epochDay, formatEpochDay } from './calendar';
export { type CompiledPathway, compilePathway } from './compile';
export {
  ADOLESCENT_BELOW_YEARS,
  type EvaluateOptions,
  evaluatePathway,
  HEMOGLOBIN_RECENT_DAYS,
  IDENTITY_DOCUMENT_DAYS,
  REGISTRY_DOCUMENT_EVIDENCE_ID,
  type TrackedPerson,
  type TrackingEvidence,
} from './evaluate';
export {
  CONDITION_ENVIRONMENT,
  OpenItemFact,
  type OpenItemFacts,
  type PersonFacts,
  RiskFact,
  type RiskFacts,
  type StatusCounts,
  TRAFFIC_LIGHT_ENVIRONMENT,
  type TrafficLightContext,
} from './facts';
export {
  type CompiledTrafficLight,
  compileTrafficLightRules,
  DEFAULT_TRAFFIC_LIGHT_RULES,
  trafficLight,
} from './traffic-light';
