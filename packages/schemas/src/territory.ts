import { z } from 'zod';
import { Latitude, Longitude, Uuid } from './common';

export const TerritoryLevel = z.enum(['region', 'province', 'district', 'village']);
export type TerritoryLevel = z.infer<typeof TerritoryLevel>;

export const TerritoryCode = z
  .string()
  .regex(/^\d{2}(\d{2}(\d{2}(\d{4})?)?)?$/, 'A territory code has 2, 4, 6 or 10 digits');

export const Territory = z.object({
  code: TerritoryCode,
  name: z.string(),
  level: TerritoryLevel,
  parentCode: z.string().nullable(),
  altitudeM: z.number().int().nullable(),
  rural: z.boolean(),
  latitude: Latitude.nullable(),
  longitude: Longitude.nullable(),
});
export type Territory = z.infer<typeof Territory>;

export const InstitutionKind = z.enum([
  'health_facility',
  'identity_office',
  'womens_emergency_centre',
  'school',
  'employment_office',
  'municipal_social_office',
  'child_protection_office',
]);
export type InstitutionKind = z.infer<typeof InstitutionKind>;

export const Institution = z.object({
  id: Uuid,
  code: z.string(),
  name: z.string(),
  kind: InstitutionKind,
  territoryCode: z.string(),
  address: z.string().nullable(),
  phone: z.string().nullable(),
});
export type Institution = z.infer<typeof Institution>;

export const Programme = z.object({ code: z.string(), nameEs: z.string(), nameEn: z.string() });
export type Programme = z.infer<typeof Programme>;
