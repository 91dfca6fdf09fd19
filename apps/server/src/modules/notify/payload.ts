import type { AlertEventTable } from '@tejido/db';
import type { WebhookEvent } from '@tejido/schemas';
import type { Selectable } from 'kysely';
import type { AlertTypeSet } from '../alerts/types';
import type { WebhookPayload } from './schemas';

/** The alert's columns a webhook payload is made of (read by the dispatcher). */
export interface PayloadAlert {
  id: string;
  type_code: string;
  origin: 'rule' | 'person';
  severity: 'low' | 'medium' | 'high' | 'critical';
  sensitive: boolean;
  stage: string;
  stage_due_at: Date | null;
  escalation_level: number;
  institution_id: string | null;
  territory_code: string;
  field_worker_id: string | null;
  observation: string | null;
  raised_at: Date;
  referred_at: Date | null;
  accepted_at: Date | null;
  attended_at: Date | null;
  ended_at: Date | null;
  outcome: string | null;
  person_id: string | null;
  household_id: string;
  household_code: string;
  address: string | null;
  reference: string | null;
  household_phone: string | null;
  village_code: string | null;
  village_name: string | null;
  given_names: string | null;
  first_surname: string | null;
  second_surname: string | null;
  document_type: string | null;
  document_number: string | null;
  birth_date: string | null;
  sex: string | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * What an institution's system receives. Institutions are the receivers of their referrals,
 * sensitive ones included, so the payload names the person, the document and where the
 * household lives: what they need to attend. Computed once, when the event is dispatched,
 * and stored with the delivery: every retry sends the same bytes.
 */
export function buildWebhookPayload(
  deliveryId: string,
  event: WebhookEvent,
  row: Selectable<AlertEventTable>,
  a: PayloadAlert,
  institution: { id: string; code: string; name: string } | null,
  types: AlertTypeSet,
): WebhookPayload {
  const type = types.types.get(a.type_code);
  const detail =
    row.detail !== null && typeof row.detail === 'object' && !Array.isArray(row.detail)
      ? (row.detail as Record<string, unknown>)
      : null;
  return {
    id: deliveryId,
    event,
    sequence: Number(row.seq),
    occurredAt: row.at.toISOString(),
    action: row.action,
    fromStage: row.from_stage,
    toStage: row.to_stage,
    reason: row.reason,
    detail,
    institution: institution ? { id: institution.id, code: institution.code, name: institution.name } : null,
    alert: {
      id: a.id,
      typeCode: a.type_code,
      typeName: type ? type.name : null,
      origin: a.origin,
      severity: a.severity,
      sensitive: a.sensitive,
      stage: a.stage,
      outcome: a.outcome,
      stageDueAt: iso(a.stage_due_at),
      escalationLevel: a.escalation_level,
      institutionId: a.institution_id,
      observation: a.observation,
      raisedAt: a.raised_at.toISOString(),
      referredAt: iso(a.referred_at),
      acceptedAt: iso(a.accepted_at),
      attendedAt: iso(a.attended_at),
      endedAt: iso(a.ended_at),
      person:
        a.person_id && a.given_names !== null && a.first_surname !== null
          ? {
              id: a.person_id,
              givenNames: a.given_names,
              firstSurname: a.first_surname,
              secondSurname: a.second_surname,
              documentType: a.document_type,
              documentNumber: a.document_number,
              birthDate: a.birth_date,
              sex: a.sex,
            }
          : null,
      household: {
        id: a.household_id,
        code: a.household_code,
        territoryCode: a.territory_code,
        villageCode: a.village_code,
        villageName: a.village_name,
        address: a.address,
        reference: a.reference,
        phone: a.household_phone,
      },
    },
  };
}
