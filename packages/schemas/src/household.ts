import { z } from 'zod';
import { CalendarDate, Latitude, Longitude, OptionalText, Page, PageQuery, Phone, Uuid } from './common';
import { Person, PersonCreate } from './person';
import { TerritoryCode } from './territory';

export const EnrolmentStatus = z.enum(['active', 'suspended', 'ended']);

export const Enrolment = z.object({
  id: Uuid,
  programmeCode: z.string(),
  programmeName: z.string(),
  status: EnrolmentStatus,
  startDate: CalendarDate,
  endDate: CalendarDate.nullable(),
  version: z.number().int(),
});
export type Enrolment = z.infer<typeof Enrolment>;

export const EnrolmentCreate = z.object({
  id: Uuid.optional(),
  programmeCode: z.string().trim().min(1).max(30),
  startDate: CalendarDate,
});
export type EnrolmentCreate = z.infer<typeof EnrolmentCreate>;

export const EnrolmentUpdate = z.object({
  version: z.number().int().positive(),
  status: EnrolmentStatus,
  endDate: CalendarDate.nullable().optional(),
});
export type EnrolmentUpdate = z.infer<typeof EnrolmentUpdate>;

const householdFields = {
  territoryCode: TerritoryCode.describe(
    'District (6 digits) or village (10 digits) code; a village sets both.',
  ),
  address: OptionalText(200),
  reference: OptionalText(200),
  latitude: Latitude.nullable().optional(),
  longitude: Longitude.nullable().optional(),
  phone: Phone.nullable().optional(),
  healthFacilityId: Uuid.nullable().optional(),
  fieldWorkerId: Uuid.nullable().optional(),
};

export const HouseholdCreate = z.object({
  id: Uuid.optional().describe('Client-generated UUID v7; the server makes one when absent.'),
  code: z
    .string()
    .trim()
    .regex(/^[A-Z0-9-]{4,30}$/i, '4 to 30 letters, digits or dashes')
    .optional()
    .describe('Programme household code; generated when absent.'),
  ...householdFields,
  members: z.array(PersonCreate).max(30).default([]),
  enrolments: z.array(EnrolmentCreate).max(10).default([]),
});
export type HouseholdCreate = z.infer<typeof HouseholdCreate>;

export const HouseholdUpdate = z
  .object({
    version: z.number().int().positive(),
    ...householdFields,
    status: z.enum(['active', 'inactive']),
  })
  .partial()
  .required({ version: true });
export type HouseholdUpdate = z.infer<typeof HouseholdUpdate>;

const TerritoryRef = z.object({ code: z.string(), name: z.string() });

export const Household = z.object({
  id: Uuid,
  code: z.string(),
  territory: TerritoryRef.describe('District'),
  province: TerritoryRef,
  region: TerritoryRef,
  village: TerritoryRef.nullable(),
  altitudeM: z.number().int().nullable(),
  rural: z.boolean(),
  address: z.string().nullable(),
  reference: z.string().nullable(),
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
  phone: z.string().nullable(),
  healthFacility: z.object({ id: Uuid, name: z.string() }).nullable(),
  fieldWorker: z.object({ id: Uuid, name: z.string() }).nullable(),
  status: z.enum(['active', 'inactive']),
  members: z.array(Person),
  enrolments: z.array(Enrolment),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Household = z.infer<typeof Household>;

export const HouseholdSummary = z.object({
  id: Uuid,
  code: z.string(),
  headName: z.string().nullable(),
  territoryCode: z.string(),
  districtName: z.string(),
  villageName: z.string().nullable(),
  memberCount: z.number().int(),
  childrenUnder36Months: z.number().int(),
  ongoingPregnancies: z.number().int(),
  programmes: z.array(z.string()),
  matchedPerson: z
    .object({ id: Uuid, name: z.string(), document: z.string().nullable() })
    .nullable()
    .describe('The member that matched the search, when the search was by person.'),
});
export type HouseholdSummary = z.infer<typeof HouseholdSummary>;

export const HouseholdSearchQuery = PageQuery.extend({
  q: z
    .string()
    .trim()
    .max(100)
    .optional()
    .describe("An identity number (8 digits), a household code, or words of a member's name."),
  territory: TerritoryCode.optional().describe('Only households in this territory (any level).'),
  programme: z.string().max(30).optional(),
});
export type HouseholdSearchQuery = z.infer<typeof HouseholdSearchQuery>;

export const HouseholdPage = Page(HouseholdSummary);
export type HouseholdPage = z.infer<typeof HouseholdPage>;

export const ChangeEntry = z.object({
  id: z.number().int(),
  entity: z.string(),
  entityId: Uuid,
  version: z.number().int(),
  field: z.string(),
  oldValue: z.unknown(),
  newValue: z.unknown(),
  actorKind: z.enum(['user', 'token', 'system']),
  actorName: z.string().nullable(),
  changedAt: z.string(),
});
export type ChangeEntry = z.infer<typeof ChangeEntry>;
export const ChangePage = Page(ChangeEntry);
export type ChangePage = z.infer<typeof ChangePage>;
