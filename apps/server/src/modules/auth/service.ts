import { uuidv7 } from '@tejido/core';
import type { DB } from '@tejido/db';
import { DomainError, type Me, type Role, type Scope } from '@tejido/schemas';
import { type Kysely, sql } from 'kysely';
import type { Actor } from '../access/actor';
import { assertCan } from '../access/permissions';
import { recordAudit } from '../audit/service';
import { scopeOf, toMe } from '../users/service';
import { dummyHash, verifyPassword } from './passwords';
import { newSecret, secretHash } from './tokens';

export interface AuthSettings {
  sessionHours: number;
  maxFailures: number;
  lockMinutes: number;
}

export interface LoginResult {
  me: Me;
  sessionToken: string;
  expiresAt: Date;
}

/**
 * Check a username and password. Failed attempts count towards a temporary lock; the
 * answer for an unknown user, a wrong password and an inactive account is the same,
 * and takes the same time.
 */
export async function login(
  db: Kysely<DB>,
  settings: AuthSettings,
  input: { username: string; password: string; ip: string | null; userAgent: string | null },
): Promise<LoginResult> {
  const user = await db
    .selectFrom('app_user')
    .selectAll()
    .where((eb) => eb(eb.fn('lower', ['username']), '=', input.username.toLowerCase()))
    .executeTakeFirst();
  const anonymous = {
    kind: 'user',
    id: user?.id ?? null,
    name: input.username,
    role: user?.role ?? 'field_worker',
    scope: { kind: 'none' },
    ip: input.ip,
  } as Actor;

  if (!user?.active) {
    await verifyPassword(await dummyHash(), input.password);
    await recordAudit(db, { ...anonymous, id: null }, [
      { action: 'login.failed', detail: { username: input.username } },
    ]);
    throw new DomainError('INVALID_CREDENTIALS');
  }
  if (user.locked_until && user.locked_until > new Date()) {
    await recordAudit(db, anonymous, [{ action: 'login.locked', entity: 'app_user', entityId: user.id }]);
    throw new DomainError(
      'ACCOUNT_LOCKED',
      `The account is locked until ${user.locked_until.toISOString()}`,
      {
        extra: { lockedUntil: user.locked_until.toISOString() },
      },
    );
  }
  const ok = await verifyPassword(user.password_hash, input.password);
  if (!ok) {
    await db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('app_user')
        .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1) }))
        .where('id', '=', user.id)
        .returning('failed_logins')
        .executeTakeFirstOrThrow();
      const locks = updated.failed_logins >= settings.maxFailures;
      if (locks) {
        await trx
          .updateTable('app_user')
          .set({ failed_logins: 0, locked_until: new Date(Date.now() + settings.lockMinutes * 60_000) })
          .where('id', '=', user.id)
          .execute();
      }
      await recordAudit(trx, anonymous, [
        { action: locks ? 'login.lockout' : 'login.failed', entity: 'app_user', entityId: user.id },
      ]);
    });
    throw new DomainError('INVALID_CREDENTIALS');
  }

  const sessionToken = newSecret();
  const expiresAt = new Date(Date.now() + settings.sessionHours * 3_600_000);
  const actor: Actor = {
    kind: 'user',
    id: user.id,
    name: user.username,
    role: user.role,
    scope: scopeOf(user),
    ip: input.ip,
  };
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('app_user')
      .set({ failed_logins: 0, locked_until: null })
      .where('id', '=', user.id)
      .execute();
    await trx
      .insertInto('user_session')
      .values({
        token_hash: secretHash(sessionToken),
        user_id: user.id,
        expires_at: expiresAt,
        ip: input.ip,
        user_agent: input.userAgent?.slice(0, 300) ?? null,
      })
      .execute();
    await recordAudit(trx, actor, [{ action: 'login', entity: 'app_user', entityId: user.id }]);
  });
  return { me: await toMe(db, user), sessionToken, expiresAt };
}

export async function logout(db: Kysely<DB>, actor: Actor, sessionToken: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('user_session').where('token_hash', '=', secretHash(sessionToken)).execute();
    await recordAudit(trx, actor, [
      { action: 'logout', entity: 'app_user', entityId: actor.id ?? undefined },
    ]);
  });
}

/** The actor behind a session cookie, or undefined when it is unknown, expired or its account is inactive. */
export async function sessionActor(
  db: Kysely<DB>,
  sessionToken: string,
  ip: string | null,
): Promise<Actor | undefined> {
  const row = await db
    .selectFrom('user_session as s')
    .innerJoin('app_user as u', 'u.id', 's.user_id')
    .select([
      'u.id',
      'u.username',
      'u.role',
      'u.scope_kind',
      'u.scope_territory_code',
      'u.scope_institution_id',
      'u.active',
      's.expires_at',
      's.last_seen_at',
      's.token_hash',
    ])
    .where('s.token_hash', '=', secretHash(sessionToken))
    .executeTakeFirst();
  if (!row?.active || row.expires_at <= new Date()) return undefined;
  // Record activity at most once a minute: a write per request would cost more than the read.
  if (Date.now() - row.last_seen_at.getTime() > 60_000) {
    await db
      .updateTable('user_session')
      .set({ last_seen_at: sql`now()` })
      .where('token_hash', '=', row.token_hash)
      .execute();
  }
  return { kind: 'user', id: row.id, name: row.username, role: row.role, scope: scopeOf(row), ip };
}

/** The actor behind a bearer token of an institution's system. */
export async function tokenActor(
  db: Kysely<DB>,
  token: string,
  ip: string | null,
): Promise<Actor | undefined> {
  const row = await db
    .selectFrom('api_token')
    .selectAll()
    .where('token_hash', '=', secretHash(token))
    .executeTakeFirst();
  if (!row || row.revoked_at) return undefined;
  if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000) {
    await db.updateTable('api_token').set({ last_used_at: sql`now()` }).where('id', '=', row.id).execute();
  }
  return { kind: 'token', id: row.id, name: row.name, role: row.role as Role, scope: scopeOf(row), ip };
}

/** Issue a bearer token for an institution's system. The token is returned once and only its hash is kept. */
export async function createApiToken(
  db: Kysely<DB>,
  actor: Actor,
  input: { name: string; role: 'institution_agent' | 'data_steward' | 'programme_admin'; scope: Scope },
): Promise<{ id: string; token: string }> {
  assertCan(actor, 'users.manage');
  if (input.scope.kind === 'assigned' || input.scope.kind === 'none') {
    throw DomainError.field('scope.kind', 'A token is scoped to the nation, a territory or an institution');
  }
  const token = newSecret('tj_');
  const id = uuidv7();
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('api_token')
      .values({
        id,
        name: input.name,
        token_hash: secretHash(token),
        role: input.role,
        scope_kind: input.scope.kind as 'national' | 'territory' | 'institution',
        scope_territory_code: input.scope.kind === 'territory' ? input.scope.territoryCode : null,
        scope_institution_id: input.scope.kind === 'institution' ? input.scope.institutionId : null,
        created_by: actor.kind === 'user' ? actor.id : null,
      })
      .execute();
    await recordAudit(trx, actor, [
      { action: 'token.create', entity: 'api_token', entityId: id, detail: { name: input.name } },
    ]);
  });
  return { id, token };
}
