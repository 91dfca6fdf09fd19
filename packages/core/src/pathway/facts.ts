/**
 * What the CEL rules of care pathways can see. Two environments share the person's facts:
 * item conditions (`person` only) and traffic-light rules (`items`, `risks`, `person`, `counts`).
 * Field names here are the vocabulary of the rule files: keep config/pathways/traffic-light.yaml
 * and the pathway files in step (their tests compile every rule against these declarations).
 */
import { RuleEnvironment } from '../rules';

/** Facts about the person on the evaluation date. Optional facts are absent when unknown: test them with has(). */
export interface PersonFacts {
  kind: 'child' | 'pregnancy';
  sex?: 'male' | 'female' | undefined;
  /** Child: days of age. */
  ageDays?: number | undefined;
  /** Pregnancy: completed gestational weeks. */
  gestationalWeeks?: number | undefined;
  altitudeM: number;
  /** Lives in an Amazon region where yellow fever vaccination applies. */
  amazon: boolean;
  motherAgeYears?: number | undefined;
  birthWeightKg?: number | undefined;
  gestationalWeeksAtBirth?: number | undefined;
  hasIdentityDocument: boolean;
}

/** An item that asks for action: status due or overdue. */
export interface OpenItemFacts {
  itemId: string;
  kind: string;
  status: 'due' | 'overdue';
  criticality: 'critical' | 'normal';
  daysOverdue: number;
  daysUntilLate: number;
}

export interface RiskFacts {
  code: string;
  severity: string;
  /** Anemia: a supplement was given on or after the result (treatment started). */
  treated?: boolean;
}

export interface StatusCounts {
  done: number;
  due: number;
  overdue: number;
  upcoming: number;
  notApplicable: number;
  missed: number;
}

/**
 * An open item built directly for CEL (days as BigInt, CEL's integers): the evaluation creates
 * these instead of plain OpenItemFacts so that no conversion runs per item and per person.
 */
export class OpenItemFact {
  readonly itemId: string;
  readonly kind: string;
  readonly status: string;
  readonly criticality: string;
  readonly daysOverdue: bigint;
  readonly daysUntilLate: bigint;
  constructor(
    itemId: string,
    kind: string,
    status: string,
    criticality: string,
    daysOverdue: number,
    daysUntilLate: number,
  ) {
    this.itemId = itemId;
    this.kind = kind;
    this.status = status;
    this.criticality = criticality;
    this.daysOverdue = BigInt(daysOverdue);
    this.daysUntilLate = BigInt(daysUntilLate);
  }
}

/** A risk built directly for CEL (see OpenItemFact). */
export class RiskFact {
  readonly code: string;
  readonly severity: string;
  readonly treated: boolean;
  constructor(code: string, severity: string, treated = false) {
    this.code = code;
    this.severity = severity;
    this.treated = treated;
  }
}

export interface TrafficLightContext {
  items: ReadonlyArray<OpenItemFacts | OpenItemFact>;
  risks: ReadonlyArray<RiskFacts | RiskFact>;
  person: PersonFacts;
  counts: StatusCounts;
}

const PERSON_TYPE = {
  kind: 'string',
  sex: 'string',
  ageDays: 'int',
  gestationalWeeks: 'int',
  altitudeM: 'double',
  amazon: 'bool',
  motherAgeYears: 'int',
  birthWeightKg: 'double',
  gestationalWeeksAtBirth: 'int',
  hasIdentityDocument: 'bool',
} as const;

/** Environment of pathway item conditions: `person`. */
export const CONDITION_ENVIRONMENT = new RuleEnvironment<{ person: PersonFacts }>({
  types: { Person: PERSON_TYPE },
  variables: { person: 'Person' },
});

/**
 * Environment of traffic-light rules. `items` holds the open items only (due or overdue):
 * a light is about what must be done, and leaving the done, upcoming and not-applicable items
 * out keeps a rule at about a microsecond instead of tens (cel-js spends ~0.3 µs per element
 * it iterates); `counts` says how many items are in each status.
 */
export const TRAFFIC_LIGHT_ENVIRONMENT = new RuleEnvironment<TrafficLightContext>({
  types: {
    Person: PERSON_TYPE,
    Item: {
      ctor: OpenItemFact,
      fields: {
        itemId: 'string',
        kind: 'string',
        status: 'string',
        criticality: 'string',
        daysOverdue: 'int',
        daysUntilLate: 'int',
      },
    },
    Risk: { ctor: RiskFact, fields: { code: 'string', severity: 'string', treated: 'bool' } },
    Counts: { done: 'int', due: 'int', overdue: 'int', upcoming: 'int', notApplicable: 'int', missed: 'int' },
  },
  variables: { items: 'list<Item>', risks: 'list<Risk>', person: 'Person', counts: 'Counts' },
});
