import { randomBytes } from 'node:crypto';
import { uuidv7 } from '@tejido/core';
import type { DB } from '@tejido/db';
import {
  DomainError,
  type NotificationView,
  type WebhookCreate,
  type WebhookCreated,
  type WebhookDeliveryView,
  WebhookEvent,
  type WebhookView,
} from '@tejido/schemas';
import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import type { Actor } from '../access/actor';
import { assertCan } from '../access/permissions';
import { recordAudit } from '../audit/service';
import { webhookUrlRefusal } from './address';
import type {
  NotificationPage,
  NotificationQuery,
  WebhookDeliveryPage,
  WebhookDeliveryQuery,
  WebhookListQuery,
} from './schemas';
import { isInFlight } from './webhooks';

/**
 * A person's in-app notifications, and institutions' webhook subscriptions with their
 * delivery log. Role checks are here until permissions.ts has `notifications.read` and
 * `webhooks.manage`.
 */

// ---------------------------------------------------------------------------------------------
// Keyset cursors: (created_at, id) of the last row, newest first.

function encodeCursor(at: Date, id: string): string {
  return Buffer.from(`${at.getTime()}.${id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { at: Date; id: string } {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^(\d{1,15})\.([0-9a-f-]{36})$/i.exec(text);
  if (!m) throw DomainError.field('cursor', 'Invalid cursor');
  return { at: new Date(Number(m[1])), id: m[2]! };
}

// ---------------------------------------------------------------------------------------------
// Notifications

/** Notifications belong to people's accounts, not to institutions' tokens nor to Tejido itself. */
function personOf(actor: Actor): string {
  if (actor.kind !== 'user' || !actor.id) {
    throw new DomainError('FORBIDDEN', 'Notifications belong to the accounts of people');
  }
  return actor.id;
}

type NotificationRow = Pick<
  Selectable<DB['notification']>,
  'id' | 'kind' | 'subject' | 'body' | 'alert_id' | 'created_at' | 'read_at'
>;

function notificationView(r: NotificationRow): NotificationView {
  return {
    id: r.id,
    kind: r.kind,
    subject: r.subject,
    body: r.body,
    alertId: r.alert_id,
    createdAt: r.created_at.toISOString(),
    readAt: r.read_at ? r.read_at.toISOString() : null,
  };
}

const NOTIFICATION_COLUMNS = ['id', 'kind', 'subject', 'body', 'alert_id', 'created_at', 'read_at'] as const;

/** The signed-in person's in-app notifications, newest first, with the unread count. */
export async function listNotifications(
  db: Kysely<DB>,
  actor: Actor,
  q: NotificationQuery,
): Promise<NotificationPage> {
  const userId = personOf(actor);
  let query = db
    .selectFrom('notification')
    .select(NOTIFICATION_COLUMNS)
    .where('user_id', '=', userId)
    .where('channel', '=', 'in_app')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(q.limit + 1);
  if (q.unread) query = query.where('read_at', 'is', null);
  if (q.cursor) {
    const c = decodeCursor(q.cursor);
    query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(c.at, c.id)));
  }
  const [rows, unread] = await Promise.all([
    query.execute(),
    db
      .selectFrom('notification')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', userId)
      .where('channel', '=', 'in_app')
      .where('read_at', 'is', null)
      .executeTakeFirstOrThrow(),
  ]);
  const page = rows.slice(0, q.limit);
  // Messages may name people: reading them is recorded, an empty page is not.
  if (page.length > 0) {
    await recordAudit(db, actor, [
      { action: 'notification.list', entity: 'notification', detail: { count: page.length } },
    ]);
  }
  const last = page.at(-1);
  return {
    items: page.map(notificationView),
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.created_at, last.id) : null,
    unread: Number(unread.n),
  };
}

/** Mark one of the person's notifications read (again is harmless). */
export async function markNotificationRead(
  db: Kysely<DB>,
  actor: Actor,
  id: string,
): Promise<NotificationView> {
  const userId = personOf(actor);
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('notification')
      .set((eb) => ({ read_at: eb.fn.coalesce('read_at', eb.val(new Date())) }))
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .where('channel', '=', 'in_app')
      .returning(NOTIFICATION_COLUMNS)
      .executeTakeFirst();
    if (!row) throw new DomainError('NOT_FOUND', 'No such notification of yours');
    await recordAudit(trx, actor, [{ action: 'notification.read', entity: 'notification', entityId: id }]);
    return notificationView(row);
  });
}

export async function markAllNotificationsRead(db: Kysely<DB>, actor: Actor): Promise<{ updated: number }> {
  const userId = personOf(actor);
  return db.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable('notification')
      .set({ read_at: new Date() })
      .where('user_id', '=', userId)
      .where('channel', '=', 'in_app')
      .where('read_at', 'is', null)
      .executeTakeFirst();
    const updated = Number(r.numUpdatedRows);
    if (updated > 0) {
      await recordAudit(trx, actor, [
        { action: 'notification.read_all', entity: 'notification', detail: { count: updated } },
      ]);
    }
    return { updated };
  });
}

// ---------------------------------------------------------------------------------------------
// Webhooks

/**
 * Who manages webhooks: an institution's agents (people or the institution's system with its
 * token) for their own institution, programme staff for any. Returns the institution the actor
 * is bound to, or null for programme staff.
 */
function webhookManager(actor: Actor): { institutionId: string | null } {
  assertCan(actor, 'webhooks.manage');
  if (actor.scope.kind === 'institution') return { institutionId: actor.scope.institutionId };
  if (actor.role === 'programme_admin' || actor.kind === 'system') return { institutionId: null };
  throw new DomainError('FORBIDDEN', 'An institution agent needs an institution scope to manage webhooks');
}

type SubscriptionRow = Selectable<DB['webhook_subscription']>;

const Events = z.array(WebhookEvent);

function webhookView(r: SubscriptionRow): WebhookView {
  return {
    id: r.id,
    institutionId: r.institution_id,
    url: r.url,
    // Parsed at the boundary: an event name Tejido no longer knows fails loudly.
    events: Events.parse(r.events),
    active: r.active,
    createdAt: r.created_at.toISOString(),
  };
}

/** A subscription the actor may manage; NOT_FOUND otherwise (never a 403 that confirms it exists). */
async function getSubscription(db: Kysely<DB>, actor: Actor, id: string): Promise<SubscriptionRow> {
  const { institutionId } = webhookManager(actor);
  let query = db.selectFrom('webhook_subscription').selectAll().where('id', '=', id);
  if (institutionId) query = query.where('institution_id', '=', institutionId);
  const row = await query.executeTakeFirst();
  if (!row) throw new DomainError('NOT_FOUND', 'No such webhook subscription');
  return row;
}

export interface WebhookCreateOptions {
  /**
   * Accept URLs whose host is localhost or a loopback, private or link-local address
   * (TEJIDO_WEBHOOK_ALLOW_PRIVATE); refused unless said.
   */
  allowPrivate?: boolean;
}

/**
 * Subscribe an institution's system; the secret is shown in this answer only. A URL that
 * names localhost or a non-public address is refused (unless allowed): the agent of an
 * institution must not make Tejido call into its own network. Names are checked again, resolved,
 * at each delivery (webhooks.ts).
 */
export async function createWebhook(
  db: Kysely<DB>,
  actor: Actor,
  body: WebhookCreate,
  options: WebhookCreateOptions = {},
): Promise<WebhookCreated> {
  const { institutionId: own } = webhookManager(actor);
  if (!options.allowPrivate) {
    const refusal = webhookUrlRefusal(body.url);
    if (refusal) throw DomainError.field('url', refusal);
  }
  let institutionId: string;
  if (own) {
    if (body.institutionId && body.institutionId !== own) {
      throw new DomainError('FORBIDDEN', "An institution's agent subscribes for their own institution only");
    }
    institutionId = own;
  } else {
    if (!body.institutionId) throw DomainError.field('institutionId', 'Name the institution to subscribe');
    institutionId = body.institutionId;
  }
  const institution = await db
    .selectFrom('institution')
    .select('id')
    .where('id', '=', institutionId)
    .executeTakeFirst();
  if (!institution) throw DomainError.field('institutionId', 'No such institution', 'NOT_FOUND');
  const secret = `whsec_${randomBytes(32).toString('base64url')}`;
  const id = uuidv7();
  const events = [...new Set(body.events)];
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('webhook_subscription')
      .values({
        id,
        institution_id: institutionId,
        url: body.url,
        secret,
        events,
        created_by: actor.id,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, [
      {
        action: 'webhook.create',
        entity: 'webhook_subscription',
        entityId: id,
        detail: { institutionId, url: body.url, events },
      },
    ]);
    return { ...webhookView(row), secret };
  });
}

export async function listWebhooks(
  db: Kysely<DB>,
  actor: Actor,
  q: WebhookListQuery,
): Promise<WebhookView[]> {
  const { institutionId: own } = webhookManager(actor);
  if (own && q.institutionId && q.institutionId !== own) {
    throw new DomainError('FORBIDDEN', "An institution's agent sees their own institution's webhooks only");
  }
  const institutionId = own ?? q.institutionId;
  let query = db.selectFrom('webhook_subscription').selectAll().orderBy('created_at', 'desc').orderBy('id');
  if (institutionId) query = query.where('institution_id', '=', institutionId);
  const rows = await query.limit(1000).execute();
  await recordAudit(db, actor, [
    {
      action: 'webhook.list',
      entity: 'webhook_subscription',
      detail: { institutionId: institutionId ?? null },
    },
  ]);
  return rows.map(webhookView);
}

/** Stop calling a subscriber; its calls still owed are given up. */
export async function deactivateWebhook(db: Kysely<DB>, actor: Actor, id: string): Promise<WebhookView> {
  await getSubscription(db, actor, id);
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('webhook_subscription')
      .set({ active: false })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx
      .updateTable('webhook_delivery')
      .set({ status: 'failed', last_error: 'the subscription was deactivated' })
      .where('subscription_id', '=', id)
      .where('status', '=', 'pending')
      .execute();
    await recordAudit(trx, actor, [
      { action: 'webhook.deactivate', entity: 'webhook_subscription', entityId: id },
    ]);
    return webhookView(row);
  });
}

type DeliveryRow = Pick<
  Selectable<DB['webhook_delivery']>,
  | 'id'
  | 'event'
  | 'status'
  | 'attempts'
  | 'last_status'
  | 'last_error'
  | 'created_at'
  | 'next_attempt_at'
  | 'delivered_at'
>;

const DELIVERY_COLUMNS = [
  'id',
  'event',
  'status',
  'attempts',
  'last_status',
  'last_error',
  'created_at',
  'next_attempt_at',
  'delivered_at',
] as const;

function deliveryView(r: DeliveryRow): WebhookDeliveryView {
  return {
    id: r.id,
    event: WebhookEvent.parse(r.event),
    status: r.status,
    attempts: r.attempts,
    lastStatus: r.last_status,
    lastError: r.last_error,
    createdAt: r.created_at.toISOString(),
    nextAttemptAt: r.status === 'pending' ? r.next_attempt_at.toISOString() : null,
    deliveredAt: r.delivered_at ? r.delivered_at.toISOString() : null,
  };
}

/** A subscription's delivery log, newest first. */
export async function listDeliveries(
  db: Kysely<DB>,
  actor: Actor,
  subscriptionId: string,
  q: WebhookDeliveryQuery,
): Promise<WebhookDeliveryPage> {
  await getSubscription(db, actor, subscriptionId);
  let query = db
    .selectFrom('webhook_delivery')
    .select(DELIVERY_COLUMNS)
    .where('subscription_id', '=', subscriptionId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(q.limit + 1);
  if (q.status) query = query.where('status', '=', q.status);
  if (q.cursor) {
    const c = decodeCursor(q.cursor);
    query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(c.at, c.id)));
  }
  const rows = await query.execute();
  const page = rows.slice(0, q.limit);
  await recordAudit(db, actor, [
    {
      action: 'webhook.deliveries',
      entity: 'webhook_subscription',
      entityId: subscriptionId,
      detail: { count: page.length },
    },
  ]);
  const last = page.at(-1);
  return {
    items: page.map(deliveryView),
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.created_at, last.id) : null,
  };
}

/**
 * Call again now: a failed delivery gets a fresh series of attempts; a delivered one is sent
 * again (a receiver that lost it). Refused while the subscription is inactive, and while the
 * delivery is being sent (a deliverer holds its lease): it would reach the receiver twice.
 */
export async function retryDelivery(
  db: Kysely<DB>,
  actor: Actor,
  subscriptionId: string,
  deliveryId: string,
): Promise<WebhookDeliveryView> {
  const subscription = await getSubscription(db, actor, subscriptionId);
  if (!subscription.active) throw new DomainError('CONFLICT', 'The subscription is deactivated');
  return db.transaction().execute(async (trx) => {
    // Locked: a deliverer taking it now waits for this transaction, and then finds it due.
    const current = await trx
      .selectFrom('webhook_delivery')
      .select(['status', 'last_error', 'next_attempt_at'])
      .where('id', '=', deliveryId)
      .where('subscription_id', '=', subscriptionId)
      .forUpdate()
      .executeTakeFirst();
    if (!current) throw new DomainError('NOT_FOUND', 'No such delivery of this subscription');
    const now = new Date();
    if (isInFlight(current, now)) {
      throw new DomainError(
        'CONFLICT',
        'The delivery is being sent right now: wait for its outcome in the delivery log, then retry if it failed',
      );
    }
    const row = await trx
      .updateTable('webhook_delivery')
      .set({ status: 'pending', attempts: 0, next_attempt_at: now, delivered_at: null })
      .where('id', '=', deliveryId)
      .returning(DELIVERY_COLUMNS)
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, [
      {
        action: 'webhook.retry',
        entity: 'webhook_delivery',
        entityId: deliveryId,
        detail: { subscriptionId },
      },
    ]);
    return deliveryView(row);
  });
}
