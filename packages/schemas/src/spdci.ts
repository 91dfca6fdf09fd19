/**
 * The message envelopes of the Digital Convergence Initiative's registry standard (SPDCI v1.0.0,
 * `registry_core_api` and `social_api`), as far as Tejido implements it: the synchronous search
 * (`POST /registry/sync/search`) answering Member records. Field names are the standard's
 * (snake_case); what Tejido adds to a record (`group`, `care_status`, `member_status`) is named
 * the same way. The server's interop module says what is supported and what is refused.
 */
import { z } from 'zod';
import { CalendarDate } from './common';
import { PersonStatus, Relationship, Sex } from './person';
import { PathwaySubject, RiskCode, TrafficLight } from './tracking';

/** The version of the standard Tejido speaks. */
export const SPDCI_VERSION = '1.0.0';
/** Most search requests one message may carry. */
export const SPDCI_MAX_SEARCH_REQUESTS = 20;

/** ISO 8601 with a time zone, as the standard's DateTime (2026-11-23T10:00:00-05:00). */
const SpdciDateTime = z.iso.datetime({ offset: true, error: 'An ISO 8601 date-time with a time zone' });

// ---------------------------------------------------------------------------------------------
// Request

/** MsgHeader_V1.0.0 of a search request. */
export const SpdciRequestHeader = z.object({
  version: z
    .string()
    .regex(/^1\.\d+\.\d+$/, 'Tejido speaks version 1.x.x of the standard')
    .default(SPDCI_VERSION),
  message_id: z.string().trim().min(1).max(99),
  message_ts: SpdciDateTime,
  action: z.literal('search', { error: "The action of /registry/sync/search is 'search'" }),
  sender_id: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .describe('Recorded in the audit trail; the bearer token says who calls.'),
  sender_uri: z.string().max(2000).optional().describe('Ignored: Tejido answers synchronously only.'),
  receiver_id: z.string().max(200).optional(),
  total_count: z
    .int()
    .min(1)
    .max(SPDCI_MAX_SEARCH_REQUESTS)
    .describe('How many search requests the message carries.'),
  is_msg_encrypted: z
    .literal(false, { error: 'Tejido does not accept encrypted messages: the connection is TLS' })
    .default(false),
  meta: z.looseObject({}).optional(),
});
export type SpdciRequestHeader = z.infer<typeof SpdciRequestHeader>;

export const SpdciQueryType = z.enum(['idtype-value', 'expression', 'predicate']);
export type SpdciQueryType = z.infer<typeof SpdciQueryType>;

/** AttributeValue: the standard allows any JSON scalar or object. */
export const SpdciAttributeValue = z.union([z.string().max(200), z.number(), z.boolean(), z.looseObject({})]);
export type SpdciAttributeValue = z.infer<typeof SpdciAttributeValue>;

/** IdentifierTypeValue: the query of `idtype-value`. */
export const SpdciIdTypeValue = z.object({
  type: z.string().trim().min(1).max(40).describe('DNI, CUI, CE, or UIN (the RENIEC number: DNI or CUI).'),
  value: z.union([z.string().trim().min(1).max(40), z.int().nonnegative()]),
});
export type SpdciIdTypeValue = z.infer<typeof SpdciIdTypeValue>;

export const SpdciOperator = z.enum(['gt', 'lt', 'eq', 'ge', 'le', 'in']);
export type SpdciOperator = z.infer<typeof SpdciOperator>;

/** ExpPredicate: one attribute compared with a value. */
export const SpdciPredicate = z.object({
  attribute_name: z.string().trim().min(1).max(60),
  operator: SpdciOperator,
  attribute_value: SpdciAttributeValue,
});
export type SpdciPredicate = z.infer<typeof SpdciPredicate>;

/** ExpPredicateWithCondition: the items of the query of `predicate`. */
export const SpdciPredicateWithCondition = z.object({
  seq_num: z.number().optional(),
  expression1: SpdciPredicate,
  condition: z.enum(['and', 'or', 'not']).optional(),
  expression2: SpdciPredicate.optional(),
});
export type SpdciPredicateWithCondition = z.infer<typeof SpdciPredicateWithCondition>;

/** ExpTemplate: the query of `expression` (a query language Tejido does not run). */
export const SpdciExpressionQuery = z.looseObject({
  type: z.string().max(200).optional(),
  value: z.unknown().optional(),
});

export const SpdciSort = z.object({
  attribute_name: z.string().trim().min(1).max(60),
  sort_order: z.enum(['asc', 'desc']).default('asc'),
});
export type SpdciSort = z.infer<typeof SpdciSort>;

/** PaginationRequest; pages count from 1. */
export const SpdciPaginationRequest = z.object({
  page_size: z.int().min(1),
  page_number: z.int().min(1).default(1),
});
export type SpdciPaginationRequest = z.infer<typeof SpdciPaginationRequest>;

/** Consent and Authorize: free-form in the standard; their `purpose` goes to the audit trail. */
const SpdciPurposeHolder = z.looseObject({});

const criteriaFields = {
  version: z.string().max(20).optional(),
  reg_type: z.string().max(200).optional(),
  reg_sub_type: z.string().max(200).optional(),
  reg_event_type: z.string().max(200).optional(),
  response_entity: z.enum(['Group', 'Member']).optional(),
  sort: z.array(SpdciSort).max(5).optional(),
  pagination: SpdciPaginationRequest.optional(),
  consent: SpdciPurposeHolder.optional(),
  authorize: SpdciPurposeHolder.optional(),
};

/** search_criteria: the shape of `query` follows `query_type`. */
export const SpdciSearchCriteria = z.discriminatedUnion('query_type', [
  z.object({ ...criteriaFields, query_type: z.literal('idtype-value'), query: SpdciIdTypeValue }),
  z.object({
    ...criteriaFields,
    query_type: z.literal('predicate'),
    query: z.array(SpdciPredicateWithCondition).min(1).max(20),
  }),
  z.object({ ...criteriaFields, query_type: z.literal('expression'), query: SpdciExpressionQuery }),
]);
export type SpdciSearchCriteria = z.infer<typeof SpdciSearchCriteria>;

/** ISO 639 language code; the standard says three letters, its examples use two. */
const SpdciLocale = z.string().regex(/^[a-z]{2,3}$/, 'An ISO 639 language code');

export const SpdciSearchRequestItem = z.object({
  reference_id: z.string().trim().min(1).max(99),
  timestamp: SpdciDateTime,
  search_criteria: SpdciSearchCriteria,
  locale: SpdciLocale.optional(),
});
export type SpdciSearchRequestItem = z.infer<typeof SpdciSearchRequestItem>;

/** SearchRequest: the message of a search. */
export const SpdciSearchRequest = z.object({
  transaction_id: z.string().trim().min(1).max(99),
  search_request: z.array(SpdciSearchRequestItem).min(1).max(SPDCI_MAX_SEARCH_REQUESTS),
});
export type SpdciSearchRequest = z.infer<typeof SpdciSearchRequest>;

/** The body of POST /registry/sync/search. */
export const SpdciSyncSearchRequest = z
  .object({
    signature: z.string().max(10_000).optional().describe('Not verified: the bearer token authenticates.'),
    header: SpdciRequestHeader,
    message: SpdciSearchRequest,
  })
  .superRefine((m, ctx) => {
    if (m.header.total_count !== m.message.search_request.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['header', 'total_count'],
        message: `total_count is ${m.header.total_count} but the message carries ${m.message.search_request.length} search requests`,
      });
    }
  });
export type SpdciSyncSearchRequest = z.infer<typeof SpdciSyncSearchRequest>;

// ---------------------------------------------------------------------------------------------
// Records

export const SpdciIdentifier = z.object({
  '@type': z.literal('Identifier'),
  identifier_type: z.string(),
  identifier_value: z.string(),
});
export type SpdciIdentifier = z.infer<typeof SpdciIdentifier>;

/** Name: `surname` holds both surnames, as the standard asks; Tejido adds each one apart. */
export const SpdciName = z.object({
  '@type': z.literal('Name'),
  given_name: z.string(),
  surname: z.string(),
  first_surname: z.string(),
  second_surname: z.string().nullable(),
});
export type SpdciName = z.infer<typeof SpdciName>;

/** SRPerson: who the member is. */
export const SpdciPerson = z.object({
  '@type': z.literal('SRPerson'),
  identifier: z.array(SpdciIdentifier).describe('Identity documents: DNI, CUI or CE.'),
  name: SpdciName,
  sex: Sex,
  birth_date: CalendarDate,
});
export type SpdciPerson = z.infer<typeof SpdciPerson>;

/** Address (OpenID claims), by ubigeo; Tejido gives no street address to other systems. */
export const SpdciAddress = z.object({
  '@type': z.literal('Address'),
  region_code: z.string(),
  sub_region_code: z.string().describe('The district (ubigeo, 6 digits).'),
  locality: z.string().describe('The village (centro poblado) or, when unknown, the district.'),
  country_code: z.literal('PE'),
});

export const SpdciProgrammeEnrolment = z.object({
  programme: z.object({ programme_identifier: z.string(), programme_name: z.string() }),
  enrolment_date: CalendarDate,
  enrolment_status: z.enum(['active', 'suspended', 'ended']),
  status_change_date: CalendarDate.nullable().describe('When it ended, if it did.'),
});
export type SpdciProgrammeEnrolment = z.infer<typeof SpdciProgrammeEnrolment>;

/** Group: the member's household. */
export const SpdciGroup = z.object({
  '@type': z.literal('spdci:Group'),
  '@id': z.string(),
  group_identifier: z.array(SpdciIdentifier),
  group_type: z.literal('household'),
  place: z.object({
    '@type': z.literal('Place'),
    ubigeo: z.string().describe('The village code (10 digits) or the district code (6).'),
    address: SpdciAddress,
  }),
  programme_enrolment: z.array(SpdciProgrammeEnrolment),
});
export type SpdciGroup = z.infer<typeof SpdciGroup>;

export const SpdciCareItem = z.object({ item_id: z.string(), label_es: z.string(), label_en: z.string() });
export type SpdciCareItem = z.infer<typeof SpdciCareItem>;

/** Tejido's addition: the stored status of a child under 36 months or a pregnant woman. */
export const SpdciCareStatus = z.object({
  subject: PathwaySubject,
  pathway: z.string().describe('The care pathway and its version, code@version.'),
  as_of: CalendarDate,
  traffic_light: TrafficLight,
  overdue_items: z.array(SpdciCareItem),
  due_items: z.array(SpdciCareItem),
  risks: z.array(RiskCode),
  reasons: z
    .array(
      z.object({
        code: z.string(),
        item_id: z.string().nullable(),
        text_es: z.string(),
        text_en: z.string(),
      }),
    )
    .describe('Most urgent first.'),
});
export type SpdciCareStatus = z.infer<typeof SpdciCareStatus>;

/** Member: a person of the registry with their household and, when tracked, their care status. */
export const SpdciMember = z.object({
  '@type': z.literal('spdci:Member'),
  '@id': z.string(),
  member_identifier: z.array(SpdciIdentifier),
  demographic_info: SpdciPerson,
  relationship_head: Relationship,
  member_status: PersonStatus,
  registration_date: z.string(),
  last_updated: z.string(),
  group: SpdciGroup,
  care_status: SpdciCareStatus.nullable().describe('Null when the person is not tracked.'),
});
export type SpdciMember = z.infer<typeof SpdciMember>;

// ---------------------------------------------------------------------------------------------
// Response

export const SpdciSearchStatusReasonCode = z.enum([
  'rjct.reference_id.invalid',
  'rjct.reference_id.duplicate',
  'rjct.timestamp.invalid',
  'rjct.search_criteria.invalid',
  'rjct.filter.invalid',
  'rjct.sort.invalid',
  'rjct.pagination.invalid',
  'rjct.search.too_many_records_found',
]);
export type SpdciSearchStatusReasonCode = z.infer<typeof SpdciSearchStatusReasonCode>;

/** MsgCallbackHeader_V1.0.0 of the answer. */
export const SpdciResponseHeader = z.object({
  version: z.literal(SPDCI_VERSION),
  message_id: z.string(),
  message_ts: z.string(),
  action: z.literal('on-search'),
  status: z.enum(['rcvd', 'pdng', 'succ', 'rjct']),
  status_reason_code: z.string().optional(),
  status_reason_message: z.string().max(999).optional(),
  total_count: z.int().describe('Search requests in the message.'),
  completed_count: z.int().describe('Search requests answered, accepted or rejected.'),
  sender_id: z.string(),
  receiver_id: z.string(),
  is_msg_encrypted: z.literal(false),
});
export type SpdciResponseHeader = z.infer<typeof SpdciResponseHeader>;

export const SpdciPagination = z.object({
  page_size: z.int(),
  page_number: z.int(),
  total_count: z.int(),
});
export type SpdciPagination = z.infer<typeof SpdciPagination>;

export const SpdciSearchResponseItem = z.object({
  reference_id: z.string(),
  timestamp: z.string(),
  status: z.enum(['succ', 'rjct']),
  status_reason_code: SpdciSearchStatusReasonCode.optional(),
  status_reason_message: z.string().max(999).optional(),
  data: z
    .object({
      version: z.literal(SPDCI_VERSION),
      reg_type: z.string(),
      reg_record_type: z.literal('spdci:Member'),
      reg_records: z.array(SpdciMember),
    })
    .optional(),
  pagination: SpdciPagination.optional(),
  locale: z.string().optional(),
});
export type SpdciSearchResponseItem = z.infer<typeof SpdciSearchResponseItem>;

export const SpdciSearchResponse = z.object({
  transaction_id: z.string(),
  correlation_id: z.string(),
  search_response: z.array(SpdciSearchResponseItem),
});
export type SpdciSearchResponse = z.infer<typeof SpdciSearchResponse>;

/** The answer of POST /registry/sync/search. */
export const SpdciSyncSearchResponse = z.object({
  header: SpdciResponseHeader,
  message: SpdciSearchResponse,
});
export type SpdciSyncSearchResponse = z.infer<typeof SpdciSyncSearchResponse>;
