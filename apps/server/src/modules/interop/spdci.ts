/**
 * Registry search for other institutions' systems in the shape of the Digital Convergence
 * Initiative's standard (SPDCI v1.0.0, synchronous search), and the same Member record for one
 * person. Every query starts from the caller's scoped households: a person outside the scope is
 * absent, in the records and in the counts alike. Every search and every read is audited.
 */
import { normalizeName, uuidv7 } from '@tejido/core';
import type { DB } from '@tejido/db';
import {
  DomainError,
  RiskCode,
  SPDCI_VERSION,
  type SpdciCareItem,
  type SpdciCareStatus,
  type SpdciIdentifier,
  type SpdciMember,
  type SpdciPredicate,
  type SpdciSearchCriteria,
  type SpdciSearchRequestItem,
  type SpdciSearchResponseItem,
  type SpdciSearchStatusReasonCode,
  type SpdciSyncSearchRequest,
  type SpdciSyncSearchResponse,
  TrackingReason,
} from '@tejido/schemas';
import { type Expression, type Kysely, type SqlBool, sql } from 'kysely';
import { z } from 'zod';
import type { Actor } from '../access/actor';
import { assertCan, can } from '../access/permissions';
import { codeRange } from '../access/scope';
import { type AuditEvent, recordAudit } from '../audit/service';
import { scopedHouseholds } from '../registry/households';
import { loadPathways, pathwayKey } from '../tracking/pathways';

/** The registry type Tejido answers for: one social registry of households and their members. */
export const TEJIDO_REG_TYPE = 'ns:org:RegistryType:Social';
/** How this server names itself in answers' headers. */
export const TEJIDO_SENDER_ID = 'tejido';

export const MAX_PAGE_SIZE = 100;
const DEFAULT_PAGE_SIZE = 20;
/** Deeper than this, a search is an export: narrow it instead. */
const MAX_OFFSET = 10_000;

/** Tejido's own identifiers in records. */
const ID_TYPE = { person: 'TEJIDO_ID', household: 'TEJIDO_ID', householdCode: 'HOUSEHOLD_CODE' } as const;

/** A search request answered with `rjct`: the reason code of the standard and a message for people. */
class Rejection extends Error {
  constructor(
    readonly code: SpdciSearchStatusReasonCode,
    message: string,
  ) {
    super(message);
  }
}

const invalid = (message: string) => new Rejection('rjct.search_criteria.invalid', message);

// ---------------------------------------------------------------------------------------------
// From search criteria to SQL

type Condition = Expression<SqlBool>;

/** What a search request asks once checked: conditions, order and page. */
interface SearchPlan {
  conditions: Condition[];
  order: Array<{ by: 'birth_date' | 'given_name' | 'surname'; direction: 'asc' | 'desc' }>;
  pageSize: number;
  pageNumber: number;
}

/**
 * Identity types of `idtype-value` and the documents each finds. The CUI is the number RENIEC
 * gives at birth and keeps on the DNI, so DNI and CUI share one number space; SPDCI's UIN is that
 * same national number. The CE is the foreigners' card.
 */
const ID_TYPES: Record<string, { documents: Array<'DNI' | 'CUI' | 'CE'>; pattern: RegExp; example: string }> =
  {
    DNI: { documents: ['DNI', 'CUI'], pattern: /^\d{8}$/, example: '8 digits' },
    CUI: { documents: ['DNI', 'CUI'], pattern: /^\d{8}$/, example: '8 digits' },
    UIN: { documents: ['DNI', 'CUI'], pattern: /^\d{8}$/, example: '8 digits' },
    CE: { documents: ['CE'], pattern: /^[A-Z0-9]{9,12}$/, example: '9 to 12 letters or digits' },
  };

/** Attributes of `predicate` and the operators each takes. */
const ATTRIBUTES = {
  given_name: ['eq'],
  surname: ['eq'],
  birth_date: ['eq', 'gt', 'ge', 'lt', 'le'],
  sex: ['eq'],
  ubigeo: ['eq'],
  programme_identifier: ['eq'],
} as const satisfies Record<string, readonly string[]>;
type Attribute = keyof typeof ATTRIBUTES;

const SORTS = { birth_date: true, given_name: true, surname: true } as const;

/**
 * Letters of Spanish and Quechua names folded as normalizeName folds them (accents off), so that
 * SQL can compare a single name field with a normalised query. Upper case is listed because
 * lower() leaves non-ASCII letters alone under the C locale.
 */
const FOLD_FROM = 'ÁÀÂÄÃÉÈÊËÍÌÎÏÓÒÔÖÕÚÙÛÜÑÇáàâäãéèêëíìîïóòôöõúùûüñç';
const FOLD_TO = [...FOLD_FROM].map((c) => c.normalize('NFD')[0]).join('');

/** A name column in the form of person.search_name: lower case, no accents, words split by one space. */
function foldedName(column: Expression<string>) {
  return sql<string>`regexp_replace(lower(translate(${column}, ${FOLD_FROM}, ${FOLD_TO})), '[^a-z0-9]+', ' ', 'g')`;
}

/**
 * Every word of the value is a whole word of the field. The first condition lets the trigram
 * index on person.search_name find the candidates; the second checks the field itself. Normalised
 * words hold only letters and digits, so they need no LIKE escaping.
 */
function nameCondition(field: 'given_name' | 'surname', value: unknown): Condition[] {
  if (typeof value !== 'string') throw invalid(`${field} takes a text value`);
  const words = normalizeName(value)
    .split(' ')
    .filter((w) => w.length > 0);
  if (!words.some((w) => w.length >= 2)) throw invalid(`Write at least two letters of the ${field}`);
  const column =
    field === 'given_name'
      ? sql.ref<string>('p.given_names')
      : sql<string>`p.first_surname || ' ' || coalesce(p.second_surname, '')`;
  const folded = sql<string>`' ' || ${foldedName(column)} || ' '`;
  return words.flatMap((w) => [
    sql<SqlBool>`p.search_name LIKE ${`%${w}%`}`,
    sql<SqlBool>`${folded} LIKE ${`% ${w} %`}`,
  ]);
}

const CalendarDay = z.iso.date();
const OPERATOR_SQL = { eq: '=', gt: '>', ge: '>=', lt: '<', le: '<=' } as const;

function predicateCondition(p: SpdciPredicate): Condition[] {
  const name = p.attribute_name;
  // hasOwn, not `in`: 'constructor' or 'toString' are no attributes.
  if (!Object.hasOwn(ATTRIBUTES, name)) {
    throw invalid(`Unknown attribute '${name}'; Tejido searches by ${Object.keys(ATTRIBUTES).join(', ')}`);
  }
  const attribute = name as Attribute;
  const operators: readonly string[] = ATTRIBUTES[attribute];
  if (!operators.includes(p.operator)) {
    throw invalid(`The operator '${p.operator}' does not apply to ${attribute}; use ${operators.join(', ')}`);
  }
  const value = p.attribute_value;
  switch (attribute) {
    case 'given_name':
    case 'surname':
      return nameCondition(attribute, value);
    case 'birth_date': {
      const day = CalendarDay.safeParse(value);
      if (!day.success) throw invalid('birth_date takes a date YYYY-MM-DD');
      const op = OPERATOR_SQL[p.operator as keyof typeof OPERATOR_SQL];
      return [sql<SqlBool>`p.birth_date ${sql.raw(op)} ${day.data}`];
    }
    case 'sex':
      if (value !== 'female' && value !== 'male') {
        throw invalid("Tejido records sex as 'female' or 'male'");
      }
      return [sql<SqlBool>`p.sex = ${value}`];
    case 'ubigeo': {
      const code = typeof value === 'number' ? String(value) : value;
      if (typeof code !== 'string' || !/^\d{2}(\d{2}(\d{2}(\d{4})?)?)?$/.test(code)) {
        throw invalid('ubigeo takes a territory code of 2, 4, 6 or 10 digits');
      }
      if (code.length === 10) return [sql<SqlBool>`h.village_code = ${code}`];
      // A region or province is the range of its district codes (see access/scope.ts).
      const range = codeRange(code);
      return range.end === null
        ? [sql<SqlBool>`h.territory_code >= ${range.start}`]
        : [sql<SqlBool>`h.territory_code >= ${range.start}`, sql<SqlBool>`h.territory_code < ${range.end}`];
    }
    case 'programme_identifier':
      if (typeof value !== 'string' || value.length === 0) {
        throw invalid('programme_identifier takes a programme code such as JUNTOS');
      }
      return [
        sql<SqlBool>`EXISTS (SELECT 1 FROM enrolment e WHERE e.household_id = h.id
          AND e.programme_code = ${value.toUpperCase()} AND e.status = 'active')`,
      ];
  }
}

/** Check the criteria of one search request and turn them into a plan; a Rejection says why not. */
export function planSearch(criteria: SpdciSearchCriteria): SearchPlan {
  if (criteria.reg_type !== undefined && criteria.reg_type !== TEJIDO_REG_TYPE) {
    throw invalid(`Tejido is a registry of type ${TEJIDO_REG_TYPE}, not ${criteria.reg_type}`);
  }
  if (criteria.response_entity === 'Group') {
    throw invalid('Tejido answers Member records (each with its household as group); ask for Member');
  }
  const conditions: Condition[] = [];
  switch (criteria.query_type) {
    case 'expression':
      throw invalid(
        "query_type 'expression' (a query language) is not supported; use 'idtype-value' or 'predicate'",
      );
    case 'idtype-value': {
      const type = criteria.query.type.toUpperCase();
      const spec = ID_TYPES[type];
      if (!spec) {
        throw invalid(
          `Unknown identifier type '${criteria.query.type}'; use ${Object.keys(ID_TYPES).join(', ')}`,
        );
      }
      const raw = criteria.query.value;
      // A number loses the leading zeros of a DNI; put them back.
      const value = typeof raw === 'number' ? String(raw).padStart(8, '0') : raw.toUpperCase();
      if (!spec.pattern.test(value)) throw invalid(`A ${type} number has ${spec.example}`);
      conditions.push(
        sql<SqlBool>`p.document_number = ${value}`,
        sql<SqlBool>`p.document_type IN (${sql.join(spec.documents)})`,
      );
      break;
    }
    case 'predicate': {
      let narrowing = false;
      for (const item of criteria.query) {
        if (item.condition === 'or' || item.condition === 'not') {
          throw invalid(`Only the condition 'and' is supported; got '${item.condition}'`);
        }
        if (item.condition === 'and' && !item.expression2) {
          throw invalid("The condition 'and' needs expression2");
        }
        if (item.condition === undefined && item.expression2) {
          throw invalid('Join expression1 and expression2 with condition: and');
        }
        for (const p of item.expression2 ? [item.expression1, item.expression2] : [item.expression1]) {
          conditions.push(...predicateCondition(p));
          if (p.attribute_name !== 'sex' && p.attribute_name !== 'programme_identifier') narrowing = true;
        }
      }
      // Sex or a programme alone would list a whole registry: that is an export, not a search.
      if (!narrowing) throw invalid('Add a given_name, a surname, a birth_date or a ubigeo');
      break;
    }
  }
  const order: SearchPlan['order'] = [];
  for (const s of criteria.sort ?? []) {
    if (!Object.hasOwn(SORTS, s.attribute_name)) {
      throw new Rejection(
        'rjct.sort.invalid',
        `Cannot sort by '${s.attribute_name}'; sort by ${Object.keys(SORTS).join(', ')}`,
      );
    }
    order.push({ by: s.attribute_name as keyof typeof SORTS, direction: s.sort_order });
  }
  if (order.length === 0)
    order.push({ by: 'surname', direction: 'asc' }, { by: 'given_name', direction: 'asc' });
  const pageSize = criteria.pagination?.page_size ?? DEFAULT_PAGE_SIZE;
  const pageNumber = criteria.pagination?.page_number ?? 1;
  if (pageSize > MAX_PAGE_SIZE) {
    throw new Rejection('rjct.pagination.invalid', `page_size is at most ${MAX_PAGE_SIZE}`);
  }
  if ((pageNumber - 1) * pageSize >= MAX_OFFSET) {
    throw new Rejection(
      'rjct.pagination.invalid',
      `Pages end at record ${MAX_OFFSET}: narrow the search rather than page further`,
    );
  }
  return { conditions, order, pageSize, pageNumber };
}

/** Run a plan in the actor's scope: the matching person ids of the page and how many match in all. */
async function runSearch(
  db: Kysely<DB>,
  actor: Actor,
  plan: SearchPlan,
): Promise<{ ids: string[]; total: number }> {
  let query = scopedHouseholds(db, actor).innerJoin('person as p', 'p.household_id', 'h.id');
  for (const c of plan.conditions) query = query.where(c);
  const { n } = await query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  const total = Number(n);
  if (total === 0 || (plan.pageNumber - 1) * plan.pageSize >= total) return { ids: [], total };
  let page = query.select('p.id');
  for (const o of plan.order) {
    if (o.by === 'birth_date') page = page.orderBy('p.birth_date', o.direction);
    else if (o.by === 'given_name') page = page.orderBy('p.given_names', o.direction);
    else page = page.orderBy('p.first_surname', o.direction).orderBy('p.second_surname', o.direction);
  }
  // The id last: equal names and dates still come in one order, so pages neither repeat nor skip.
  const rows = await page
    .orderBy('p.id')
    .limit(plan.pageSize)
    .offset((plan.pageNumber - 1) * plan.pageSize)
    .execute();
  return { ids: rows.map((r) => r.id), total };
}

// ---------------------------------------------------------------------------------------------
// Member records

const StoredReasons = z.array(TrackingReason);
const StoredRisks = z.array(RiskCode);

/** Item labels of every pathway version, by `code@version` and item id. */
function itemLabels(): Map<string, Map<string, { es: string; en: string }>> {
  const labels = new Map<string, Map<string, { es: string; en: string }>>();
  for (const p of loadPathways().pathways) {
    labels.set(pathwayKey(p), new Map(p.items.map((i) => [i.id, { es: i.label.es, en: i.label.en }])));
  }
  return labels;
}

const identifier = (type: string, value: string): SpdciIdentifier => ({
  '@type': 'Identifier',
  identifier_type: type,
  identifier_value: value,
});

/**
 * The Member records of persons the caller has already been allowed to see, in the order given.
 * Three reads whatever the page size: persons with their household and place, the households'
 * enrolments, and the stored tracking statuses.
 */
export async function loadMembers(db: Kysely<DB>, actor: Actor, personIds: string[]): Promise<SpdciMember[]> {
  if (personIds.length === 0) return [];
  const rows = await db
    .selectFrom('person as p')
    .innerJoin('household as h', 'h.id', 'p.household_id')
    .innerJoin('territory as d', 'd.code', 'h.territory_code')
    .leftJoin('territory as v', 'v.code', 'h.village_code')
    .select([
      'p.id',
      'p.household_id',
      'p.relationship',
      'p.given_names',
      'p.first_surname',
      'p.second_surname',
      'p.sex',
      'p.birth_date',
      'p.document_type',
      'p.document_number',
      'p.status',
      'p.created_at',
      'p.updated_at',
      'h.code as household_code',
      'h.territory_code',
      'h.village_code',
      'd.name as district_name',
      'v.name as village_name',
    ])
    .where('p.id', 'in', personIds)
    .execute();
  const householdIds = [...new Set(rows.map((r) => r.household_id))];
  const [enrolments, statuses] = await Promise.all([
    db
      .selectFrom('enrolment as e')
      .innerJoin('programme as g', 'g.code', 'e.programme_code')
      .select(['e.household_id', 'e.programme_code', 'g.name_es', 'e.status', 'e.start_date', 'e.end_date'])
      .where('e.household_id', 'in', householdIds)
      .orderBy('e.start_date', 'desc')
      .orderBy('e.programme_code')
      .execute(),
    can(actor, 'tracking.read')
      ? db
          .selectFrom('tracking_status')
          .select([
            'person_id',
            'subject',
            'pathway',
            'as_of',
            'light',
            'overdue_items',
            'due_items',
            'risks',
            'reasons',
          ])
          .where('person_id', 'in', personIds)
          .execute()
      : Promise.resolve([]),
  ]);
  const statusOf = new Map(statuses.map((s) => [s.person_id, s]));
  const labels = statuses.length > 0 ? itemLabels() : new Map();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return personIds.flatMap((id): SpdciMember[] => {
    const r = byId.get(id);
    if (!r) return [];
    const status = statusOf.get(id);
    let care: SpdciCareStatus | null = null;
    if (status) {
      const pathwayLabels = labels.get(status.pathway);
      const item = (itemId: string): SpdciCareItem => {
        const label = pathwayLabels?.get(itemId);
        return { item_id: itemId, label_es: label?.es ?? itemId, label_en: label?.en ?? itemId };
      };
      const reasons = typeof status.reasons === 'string' ? JSON.parse(status.reasons) : status.reasons;
      care = {
        subject: status.subject,
        pathway: status.pathway,
        as_of: status.as_of,
        traffic_light: status.light,
        overdue_items: status.overdue_items.map(item),
        due_items: status.due_items.map(item),
        risks: StoredRisks.parse(status.risks),
        reasons: StoredReasons.parse(reasons).map((x) => ({
          code: x.code,
          item_id: x.itemId ?? null,
          text_es: x.text_es,
          text_en: x.text_en,
        })),
      };
    }
    return [
      {
        '@type': 'spdci:Member',
        '@id': `urn:uuid:${r.id}`,
        member_identifier: [identifier(ID_TYPE.person, r.id)],
        demographic_info: {
          '@type': 'SRPerson',
          identifier:
            r.document_type && r.document_number ? [identifier(r.document_type, r.document_number)] : [],
          name: {
            '@type': 'Name',
            given_name: r.given_names,
            surname: [r.first_surname, r.second_surname].filter(Boolean).join(' '),
            first_surname: r.first_surname,
            second_surname: r.second_surname,
          },
          sex: r.sex,
          birth_date: r.birth_date,
        },
        relationship_head: r.relationship,
        member_status: r.status,
        registration_date: r.created_at.toISOString(),
        last_updated: r.updated_at.toISOString(),
        group: {
          '@type': 'spdci:Group',
          '@id': `urn:uuid:${r.household_id}`,
          group_identifier: [
            identifier(ID_TYPE.household, r.household_id),
            identifier(ID_TYPE.householdCode, r.household_code),
          ],
          group_type: 'household',
          place: {
            '@type': 'Place',
            ubigeo: r.village_code ?? r.territory_code,
            address: {
              '@type': 'Address',
              region_code: r.territory_code.slice(0, 2),
              sub_region_code: r.territory_code,
              locality: r.village_name ?? r.district_name,
              country_code: 'PE',
            },
          },
          programme_enrolment: enrolments
            .filter((e) => e.household_id === r.household_id)
            .map((e) => ({
              programme: { programme_identifier: e.programme_code, programme_name: e.name_es },
              enrolment_date: e.start_date,
              enrolment_status: e.status,
              status_change_date: e.end_date,
            })),
        },
        care_status: care,
      },
    ];
  });
}

/** One person's Member record (GET /persons/{id}/summary): NOT_FOUND outside the caller's scope. */
export async function getMemberSummary(db: Kysely<DB>, actor: Actor, personId: string): Promise<SpdciMember> {
  assertCan(actor, 'registry.read');
  const found = await scopedHouseholds(db, actor)
    .innerJoin('person as p', 'p.household_id', 'h.id')
    .select(['p.id', 'p.household_id'])
    .where('p.id', '=', personId)
    .executeTakeFirst();
  if (!found) throw new DomainError('NOT_FOUND', `No person ${personId} in your scope`);
  const [member] = await loadMembers(db, actor, [personId]);
  await recordAudit(db, actor, [
    {
      action: 'person.read',
      entity: 'person',
      entityId: personId,
      householdId: found.household_id,
      detail: { format: 'spdci' },
    },
  ]);
  return member!;
}

// ---------------------------------------------------------------------------------------------
// The synchronous search

/** The `purpose` a caller gave in consent or authorize (text and code), for the audit trail. */
function purposeOf(holder: Record<string, unknown> | undefined): Record<string, string> | undefined {
  const purpose = holder?.purpose;
  if (!purpose || typeof purpose !== 'object') return undefined;
  const out: Record<string, string> = {};
  for (const key of ['text', 'code'] as const) {
    const v = (purpose as Record<string, unknown>)[key];
    if (typeof v === 'string') out[key] = v.slice(0, 200);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** What the audit trail keeps of a query: the query itself, but never an unparsed expression. */
function auditedQuery(criteria: SpdciSearchCriteria): unknown {
  return criteria.query_type === 'expression' ? { type: criteria.query.type ?? null } : criteria.query;
}

/**
 * Answer a synchronous search: each search request on its own, accepted (`succ`, with a page of
 * Member records and the total) or rejected (`rjct`, with the standard's reason code), and one
 * audit entry per request saying who asked what, under which purpose, and whom it returned.
 */
export async function syncSearch(
  db: Kysely<DB>,
  actor: Actor,
  request: SpdciSyncSearchRequest,
): Promise<SpdciSyncSearchResponse> {
  assertCan(actor, 'registry.read');
  const { header, message } = request;
  const seen = new Set<string>();
  const answers: SpdciSearchResponseItem[] = [];
  const audits: AuditEvent[] = [];
  for (const item of message.search_request) {
    const answer = await answerOne(db, actor, item, seen);
    answers.push(answer.response);
    audits.push({
      action: 'person.search',
      entity: 'person',
      detail: {
        via: 'spdci',
        sender_id: header.sender_id,
        message_id: header.message_id,
        transaction_id: message.transaction_id,
        reference_id: item.reference_id,
        query_type: item.search_criteria.query_type,
        query: auditedQuery(item.search_criteria),
        status: answer.response.status,
        ...(answer.response.status_reason_code ? { reason: answer.response.status_reason_code } : {}),
        ...(answer.response.pagination ? { page: answer.response.pagination } : {}),
        ...(purposeOf(item.search_criteria.consent)
          ? { consent: purposeOf(item.search_criteria.consent) }
          : {}),
        ...(purposeOf(item.search_criteria.authorize)
          ? { authorize: purposeOf(item.search_criteria.authorize) }
          : {}),
        results: answer.ids,
      },
    });
  }
  await recordAudit(db, actor, audits);
  return {
    header: {
      version: SPDCI_VERSION,
      message_id: uuidv7(),
      message_ts: new Date().toISOString(),
      action: 'on-search',
      // The message was processed: each request carries its own status (completed counts both).
      status: 'succ',
      total_count: message.search_request.length,
      completed_count: answers.length,
      sender_id: TEJIDO_SENDER_ID,
      receiver_id: header.sender_id,
      is_msg_encrypted: false,
    },
    message: {
      transaction_id: message.transaction_id,
      correlation_id: uuidv7(),
      search_response: answers,
    },
  };
}

async function answerOne(
  db: Kysely<DB>,
  actor: Actor,
  item: SpdciSearchRequestItem,
  seen: Set<string>,
): Promise<{ response: SpdciSearchResponseItem; ids: string[] }> {
  const base = {
    reference_id: item.reference_id,
    timestamp: new Date().toISOString(),
    ...(item.locale ? { locale: item.locale } : {}),
  };
  try {
    if (seen.has(item.reference_id)) {
      throw new Rejection('rjct.reference_id.duplicate', `reference_id ${item.reference_id} came twice`);
    }
    seen.add(item.reference_id);
    const plan = planSearch(item.search_criteria);
    const { ids, total } = await runSearch(db, actor, plan);
    const records = await loadMembers(db, actor, ids);
    return {
      ids,
      response: {
        ...base,
        status: 'succ',
        data: {
          version: SPDCI_VERSION,
          reg_type: TEJIDO_REG_TYPE,
          reg_record_type: 'spdci:Member',
          reg_records: records,
        },
        pagination: { page_size: plan.pageSize, page_number: plan.pageNumber, total_count: total },
      },
    };
  } catch (error) {
    if (!(error instanceof Rejection)) throw error;
    return {
      ids: [],
      response: {
        ...base,
        status: 'rjct',
        status_reason_code: error.code,
        status_reason_message: error.message.slice(0, 999),
      },
    };
  }
}
