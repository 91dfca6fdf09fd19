/**
 * Rosters (padrones nominales semaforizados) and a person's tracking page: the API shapes.
 */
import { z } from 'zod';
import { CalendarDate, Uuid } from './common';
import { TerritoryCode } from './territory';
import {
  EvidenceView,
  PathwaySubject,
  RiskCode,
  TrackingItemResult,
  TrackingReason,
  TrackingRisk,
  TrafficLight,
} from './tracking';

/** Age bands of the rosters, in completed months; pregnancies have none. */
export const AgeBand = z.enum(['0-5', '6-11', '12-23', '24-35']);
export type AgeBand = z.infer<typeof AgeBand>;

export const RosterFilters = z.object({
  territory: TerritoryCode.optional().describe('A region, province, district or village: its whole subtree.'),
  facility: Uuid.optional().describe('Households attended by this health facility.'),
  fieldWorker: Uuid.optional().describe('Households assigned to this field worker.'),
  light: TrafficLight.optional(),
  subject: PathwaySubject.optional().describe('Children or pregnancies only.'),
  overdueItem: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'an item id of the care pathway, e.g. vaccine-penta-2')
    .optional()
    .describe('Only people for whom this pathway item is overdue.'),
  ageBand: AgeBand.optional().describe('Children of this age, in completed months.'),
  risk: RiskCode.optional().describe('Only people with this risk (anemia, stunting, …).'),
  asOf: CalendarDate.optional().describe(
    'A past date: the roster as it stood that day, evaluated from the evidence known then (at most 20,000 households: narrow the territory for more).',
  ),
});
export type RosterFilters = z.infer<typeof RosterFilters>;

export const RosterQuery = RosterFilters.extend({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type RosterQuery = z.infer<typeof RosterQuery>;

export const RosterRow = z.object({
  personId: Uuid,
  householdId: Uuid,
  householdCode: z.string(),
  givenNames: z.string(),
  firstSurname: z.string(),
  secondSurname: z.string().nullable(),
  sex: z.enum(['female', 'male']),
  documentNumber: z.string().nullable(),
  subject: PathwaySubject,
  /** Birth date of a child; last menstrual period of a pregnancy. */
  anchorDate: CalendarDate,
  ageMonths: z.int().nullable().describe('Completed months of a child on asOf.'),
  gestationalWeeks: z.int().nullable().describe('Completed weeks of a pregnancy on asOf.'),
  territoryCode: z.string(),
  villageName: z.string().nullable(),
  light: TrafficLight,
  urgency: z.number(),
  overdueItems: z.array(z.string()),
  dueItems: z.array(z.string()),
  risks: z.array(z.string()),
  reasons: z.array(TrackingReason).describe('Most urgent first.'),
});
export type RosterRow = z.infer<typeof RosterRow>;

export const LightCounts = z.object({
  red: z.int(),
  amber: z.int(),
  green: z.int(),
  total: z.int(),
});
export type LightCounts = z.infer<typeof LightCounts>;

export const RosterPage = z.object({
  asOf: CalendarDate.describe('The date the statuses were computed for.'),
  counts: LightCounts.describe('Per light, for the filters without the light filter.'),
  rows: z.array(RosterRow),
  nextCursor: z.string().nullable(),
});
export type RosterPage = z.infer<typeof RosterPage>;

export const RosterExportQuery = RosterFilters.extend({
  format: z.enum(['csv', 'xlsx']).default('csv'),
  lang: z.enum(['es-PE', 'en']).default('es-PE'),
});
export type RosterExportQuery = z.infer<typeof RosterExportQuery>;

/** A measurement with its z-scores, for the growth charts. */
export const GrowthPoint = z.object({
  evidenceId: z.string(),
  date: CalendarDate,
  ageDays: z.int(),
  weightKg: z.number().nullable(),
  lengthCm: z.number().nullable(),
  measured: z.enum(['lying', 'standing']).nullable(),
  weightForAge: z.number().nullable(),
  lengthForAge: z.number().nullable(),
  weightForLength: z.number().nullable(),
  bmiForAge: z.number().nullable(),
  implausible: z.boolean().describe('WHO flags it: to be re-measured, left out of the classification.'),
});
export type GrowthPoint = z.infer<typeof GrowthPoint>;

export const HemoglobinPoint = z.object({
  evidenceId: z.string(),
  date: CalendarDate,
  hbGdl: z.number(),
  adjustedGdl: z.number().nullable().describe('Adjusted for the altitude of residence.'),
  anemia: z.enum(['none', 'mild', 'moderate', 'severe']).nullable(),
});
export type HemoglobinPoint = z.infer<typeof HemoglobinPoint>;

export const PersonTracking = z.object({
  personId: Uuid,
  householdId: Uuid,
  givenNames: z.string(),
  firstSurname: z.string(),
  secondSurname: z.string().nullable(),
  sex: z.enum(['female', 'male']),
  birthDate: CalendarDate,
  subject: PathwaySubject,
  pregnancyId: Uuid.nullable(),
  anchorDate: CalendarDate,
  altitudeM: z.number(),
  asOf: CalendarDate,
  pathway: z.object({
    code: z.string(),
    version: z.string(),
    name: z.object({ es: z.string(), en: z.string() }),
  }),
  light: TrafficLight,
  items: z.array(TrackingItemResult),
  risks: z.array(TrackingRisk),
  reasons: z.array(TrackingReason),
  evidence: z.array(EvidenceView).describe('Newest first.'),
  growth: z.array(GrowthPoint).describe('Oldest first.'),
  hemoglobin: z.array(HemoglobinPoint).describe('Oldest first.'),
});
export type PersonTracking = z.infer<typeof PersonTracking>;

export const TrackingQuery = z.object({
  asOf: CalendarDate.optional().describe('Evaluate as of this past date from the evidence known then.'),
});

export const EvidenceRecorded = z.object({
  evidence: EvidenceView,
  replayed: z.boolean().describe('The same record (id, or source and sourceRef) was stored before.'),
  light: TrafficLight.nullable().describe('The updated traffic light; null if the person is not tracked.'),
  reasons: z.array(TrackingReason),
});
export type EvidenceRecorded = z.infer<typeof EvidenceRecorded>;

export const GrowthCurveQuery = z.object({
  sex: z.enum(['female', 'male']),
});
export const GrowthIndicatorParam = z.object({
  indicator: z.enum(['weightForAge', 'lengthForAge', 'weightForLength', 'bmiForAge']),
});
export const GrowthCurves = z.object({
  indicator: z.enum(['weightForAge', 'lengthForAge', 'weightForLength', 'bmiForAge']),
  sex: z.enum(['female', 'male']),
  x: z.enum(['ageDays', 'lengthCm']),
  points: z.array(z.object({ x: z.number(), sd: z.array(z.number()).length(7) })),
});
export type GrowthCurves = z.infer<typeof GrowthCurves>;

/** Summary of the last recompute, shown above rosters. */
export const TrackingRun = z.object({
  asOf: CalendarDate.nullable(),
  computedAt: z.string().nullable(),
  persons: z.int(),
});
export type TrackingRun = z.infer<typeof TrackingRun>;

/** A care pathway in force, for filters and labels. */
export const PathwaySummary = z.object({
  code: z.string(),
  version: z.string(),
  name: z.object({ es: z.string(), en: z.string() }),
  appliesTo: PathwaySubject,
  validFrom: CalendarDate,
  items: z.array(
    z.object({
      id: z.string(),
      kind: z.string(),
      label: z.object({ es: z.string(), en: z.string() }),
      criticality: z.enum(['critical', 'normal']),
    }),
  ),
});
export type PathwaySummary = z.infer<typeof PathwaySummary>;
