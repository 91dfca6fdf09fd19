import type { DB } from '@tejido/db';
import type { Transaction } from 'kysely';
import type { Actor } from '../access/actor';

/**
 * Record the fields that changed between two versions of a record, one history row per
 * field. Values are compared as JSON so a date string and an equal string are equal.
 */
export async function recordChanges(
  trx: Transaction<DB>,
  actor: Actor,
  target: { entity: string; entityId: string; householdId: string | null; version: number },
  before: Record<string, unknown> | null,
  after: Record<string, unknown>,
): Promise<string[]> {
  const fields = Object.keys(after).filter(
    (f) => before === null || JSON.stringify(before[f] ?? null) !== JSON.stringify(after[f] ?? null),
  );
  if (fields.length === 0) return [];
  await trx
    .insertInto('change_history')
    .values(
      fields.map((field) => ({
        entity: target.entity,
        entity_id: target.entityId,
        household_id: target.householdId,
        version: target.version,
        field,
        old_value: before === null ? null : JSON.stringify(before[field] ?? null),
        new_value: JSON.stringify(after[field] ?? null),
        actor_kind: actor.kind,
        actor_id: actor.id,
      })),
    )
    .execute();
  return fields;
}
