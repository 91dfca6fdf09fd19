import { isValidCuiCheck } from '@tejido/core';
import { z } from 'zod';
import { CalendarDate, OptionalText, RequiredText, Uuid } from './common';

export const Sex = z.enum(['female', 'male']);
export type Sex = z.infer<typeof Sex>;

export const Relationship = z.enum([
  'head',
  'spouse',
  'child',
  'grandchild',
  'parent',
  'sibling',
  'other_relative',
  'non_relative',
]);
export type Relationship = z.infer<typeof Relationship>;

export const DocumentType = z.enum(['DNI', 'CUI', 'CE']);
export type DocumentType = z.infer<typeof DocumentType>;

/** `merged`: a duplicate the data steward merged into another person (kept, no longer tracked). */
export const PersonStatus = z.enum(['active', 'moved_out', 'deceased', 'merged']);

/**
 * An identity document. DNI and CUI: 8 digits, the CUI with its check character (also
 * accepted on a DNI and then verified); CE (foreigners): 9 to 12 letters or digits.
 */
export const IdentityDocument = z
  .object({
    type: DocumentType,
    number: z.string().trim(),
    checkDigit: z
      .string()
      .trim()
      .regex(/^[0-9A-Ka-k]$/, 'One digit or letter')
      .nullable()
      .optional(),
  })
  .superRefine((d, ctx) => {
    if (d.type === 'CE') {
      if (!/^[A-Z0-9]{9,12}$/i.test(d.number))
        ctx.addIssue({
          code: 'custom',
          path: ['number'],
          message: 'A CE number has 9 to 12 letters or digits',
        });
      return;
    }
    if (!/^\d{8}$/.test(d.number)) {
      ctx.addIssue({ code: 'custom', path: ['number'], message: `A ${d.type} number has exactly 8 digits` });
      return;
    }
    if (d.type === 'CUI' && !d.checkDigit) {
      ctx.addIssue({ code: 'custom', path: ['checkDigit'], message: 'A CUI needs its check digit' });
      return;
    }
    if (d.checkDigit && !isValidCuiCheck(d.number, d.checkDigit)) {
      ctx.addIssue({
        code: 'custom',
        path: ['checkDigit'],
        message: 'The check digit does not match the number',
      });
    }
  });
export type IdentityDocument = z.infer<typeof IdentityDocument>;

const personFields = {
  relationship: Relationship,
  givenNames: RequiredText(100),
  firstSurname: RequiredText(60),
  secondSurname: OptionalText(60),
  sex: Sex,
  birthDate: CalendarDate,
  document: IdentityDocument.nullable().optional(),
  healthInsuranceNumber: z
    .string()
    .trim()
    .regex(/^[0-9A-Z-]{6,20}$/i, '6 to 20 letters, digits or dashes')
    .nullable()
    .optional(),
};

export const PersonCreate = z.object({
  id: Uuid.optional().describe('Client-generated UUID v7; the server makes one when absent.'),
  ...personFields,
});
export type PersonCreate = z.infer<typeof PersonCreate>;

export const PersonUpdate = z
  .object({
    version: z.number().int().positive().describe('The version read; a stale version is refused with 409.'),
    ...personFields,
    status: PersonStatus,
  })
  .partial()
  .required({ version: true });
export type PersonUpdate = z.infer<typeof PersonUpdate>;

export const Pregnancy = z.object({
  id: Uuid,
  personId: Uuid,
  lastMenstrualPeriod: CalendarDate.nullable(),
  estimatedDeliveryDate: CalendarDate.nullable(),
  gestationalWeeks: z.number().int().nullable().describe('Completed weeks today, while ongoing.'),
  status: z.enum(['ongoing', 'delivered', 'lost']),
  endedOn: CalendarDate.nullable(),
  version: z.number().int(),
});
export type Pregnancy = z.infer<typeof Pregnancy>;

export const PregnancyCreate = z
  .object({
    id: Uuid.optional(),
    lastMenstrualPeriod: CalendarDate.nullable().optional(),
    estimatedDeliveryDate: CalendarDate.nullable().optional(),
  })
  .refine((p) => p.lastMenstrualPeriod || p.estimatedDeliveryDate, {
    message: 'Give the last menstrual period or the estimated delivery date',
    path: ['lastMenstrualPeriod'],
  });
export type PregnancyCreate = z.infer<typeof PregnancyCreate>;

export const PregnancyUpdate = z.object({
  version: z.number().int().positive(),
  lastMenstrualPeriod: CalendarDate.nullable().optional(),
  estimatedDeliveryDate: CalendarDate.nullable().optional(),
  status: z.enum(['ongoing', 'delivered', 'lost']).optional(),
  endedOn: CalendarDate.nullable().optional(),
});
export type PregnancyUpdate = z.infer<typeof PregnancyUpdate>;

export const Person = z.object({
  id: Uuid,
  householdId: Uuid,
  relationship: Relationship,
  givenNames: z.string(),
  firstSurname: z.string(),
  secondSurname: z.string().nullable(),
  sex: Sex,
  birthDate: CalendarDate,
  ageMonths: z.number().int().describe('Completed months of age today (Peru time).'),
  document: z
    .object({ type: DocumentType, number: z.string(), checkDigit: z.string().nullable() })
    .nullable(),
  healthInsuranceNumber: z.string().nullable(),
  status: PersonStatus,
  pregnancies: z.array(Pregnancy),
  version: z.number().int(),
});
export type Person = z.infer<typeof Person>;
