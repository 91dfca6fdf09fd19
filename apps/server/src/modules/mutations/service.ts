import type { DB } from '@tejido/db';
import { DomainError } from '@tejido/schemas';
import type { Kysely, Transaction } from 'kysely';
import type { Actor } from '../access/actor';

/**
 * Run a command at most once per client mutation id. A phone that syncs the same command
 * twice (it never heard the first answer) gets the first result back, not a second record.
 * The mutation row commits in the same transaction as the change.
 */
export async function runCommand<T>(
  db: Kysely<DB>,
  actor: Actor,
  mutationId: string | undefined,
  kind: string,
  command: (trx: Transaction<DB>) => Promise<T>,
): Promise<{ result: T; replayed: boolean }> {
  if (!mutationId) return { result: await db.transaction().execute(command), replayed: false };
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.transaction().execute(async (trx) => {
        const previous = await trx
          .selectFrom('mutation')
          .selectAll()
          .where('id', '=', mutationId)
          .executeTakeFirst();
        if (previous) {
          if (previous.kind !== kind || previous.actor_id !== actor.id) {
            throw DomainError.field(
              'Idempotency-Key',
              'This key was already used for another command',
              'CONFLICT',
            );
          }
          return { result: previous.result as T, replayed: true };
        }
        const result = await command(trx);
        await trx
          .insertInto('mutation')
          .values({ id: mutationId, actor_id: actor.id, kind, result: JSON.stringify(result) })
          .execute();
        return { result, replayed: false };
      });
    } catch (error) {
      // Two deliveries of the same command raced: the loser reads the winner's result.
      if (attempt === 0 && isUniqueViolation(error, 'mutation_pkey')) continue;
      throw error;
    }
  }
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = error as { code?: string; constraint?: string; message?: string };
  if (e?.code !== '23505') return false;
  return (
    constraint === undefined || e.constraint === constraint || (e.message?.includes(constraint) ?? false)
  );
}
