import { uuidv7 } from '@tejido/core';
import type { DB } from '@tejido/db';
import { DomainError, type Me, type Scope, UserCreate } from '@tejido/schemas';
import type { Kysely, Selectable } from 'kysely';
import type { Actor } from '../access/actor';
import { assertCan } from '../access/permissions';
import { recordAudit } from '../audit/service';
import { hashPassword } from '../auth/passwords';

type UserRow = Selectable<DB['app_user']>;

export function scopeOf(row: {
  scope_kind: UserRow['scope_kind'];
  scope_territory_code: string | null;
  scope_institution_id: string | null;
}): Scope {
  switch (row.scope_kind) {
    case 'territory':
      return { kind: 'territory', territoryCode: row.scope_territory_code! };
    case 'institution':
      return { kind: 'institution', institutionId: row.scope_institution_id! };
    default:
      return { kind: row.scope_kind };
  }
}

/** A readable name for a scope: the territory's or institution's name. */
export async function describeScope(db: Kysely<DB>, scope: Scope): Promise<string> {
  switch (scope.kind) {
    case 'territory': {
      const t = await db
        .selectFrom('territory')
        .select('name')
        .where('code', '=', scope.territoryCode)
        .executeTakeFirst();
      return t?.name ?? scope.territoryCode;
    }
    case 'institution': {
      const i = await db
        .selectFrom('institution')
        .select('name')
        .where('id', '=', scope.institutionId)
        .executeTakeFirst();
      return i?.name ?? scope.institutionId;
    }
    case 'national':
      return 'national';
    case 'assigned':
      return 'assigned';
    case 'none':
      return 'none';
  }
}

export async function toMe(db: Kysely<DB>, row: UserRow): Promise<Me> {
  const scope = scopeOf(row);
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    scope,
    scopeLabel: await describeScope(db, scope),
    locale: row.locale,
  };
}

/** Which scope kinds fit a role: a field worker works on assigned households, an auditor sees nobody. */
const SCOPES_BY_ROLE: Record<UserCreate['role'], Scope['kind'][]> = {
  field_worker: ['assigned'],
  coordinator: ['territory', 'national'],
  institution_agent: ['institution'],
  case_worker: ['territory'],
  data_steward: ['national', 'territory'],
  programme_admin: ['national'],
  auditor: ['none'],
};

/** Create a staff account (command line or programme administrators). */
export async function createUser(db: Kysely<DB>, actor: Actor, input: UserCreate): Promise<Me> {
  assertCan(actor, 'users.manage');
  const data = UserCreate.parse(input);
  if (!SCOPES_BY_ROLE[data.role].includes(data.scope.kind)) {
    throw DomainError.field(
      'scope.kind',
      `A ${data.role} needs a scope of kind ${SCOPES_BY_ROLE[data.role].join(' or ')}`,
    );
  }
  const passwordHash = await hashPassword(data.password);
  return db.transaction().execute(async (trx) => {
    if (data.scope.kind === 'territory') {
      const code = data.scope.territoryCode;
      const t = await trx.selectFrom('territory').select('code').where('code', '=', code).executeTakeFirst();
      if (!t) throw DomainError.field('scope.territoryCode', `No territory with code ${code}`);
    }
    if (data.scope.kind === 'institution') {
      const id = data.scope.institutionId;
      const i = await trx.selectFrom('institution').select('id').where('id', '=', id).executeTakeFirst();
      if (!i) throw DomainError.field('scope.institutionId', `No institution with id ${id}`);
    }
    const taken = await trx
      .selectFrom('app_user')
      .select('id')
      .where((eb) => eb(eb.fn('lower', ['username']), '=', data.username.toLowerCase()))
      .executeTakeFirst();
    if (taken) throw DomainError.field('username', 'This username is taken', 'DUPLICATE');
    const row = await trx
      .insertInto('app_user')
      .values({
        id: uuidv7(),
        username: data.username,
        display_name: data.displayName,
        role: data.role,
        scope_kind: data.scope.kind,
        scope_territory_code: data.scope.kind === 'territory' ? data.scope.territoryCode : null,
        scope_institution_id: data.scope.kind === 'institution' ? data.scope.institutionId : null,
        password_hash: passwordHash,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, [
      {
        action: 'user.create',
        entity: 'app_user',
        entityId: row.id,
        detail: { username: row.username, role: row.role },
      },
    ]);
    return toMe(trx, row);
  });
}
