import {
  IdParams,
  NotificationView,
  WebhookCreate,
  WebhookCreated,
  WebhookDeliveryView,
  WebhookView,
} from '@tejido/schemas';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { responses } from '../../http/responses';
import {
  DeliveryParams,
  NotificationPage,
  NotificationQuery,
  ReadAllResult,
  WebhookDeliveryPage,
  WebhookDeliveryQuery,
  WebhookListQuery,
} from './schemas';
import {
  createWebhook,
  deactivateWebhook,
  listDeliveries,
  listNotifications,
  listWebhooks,
  markAllNotificationsRead,
  markNotificationRead,
  retryDelivery,
} from './service';
import { loadNotifySettings } from './settings';

export interface NotifyRoutesOptions {
  /** Accept webhook URLs on loopback and private addresses; default TEJIDO_WEBHOOK_ALLOW_PRIVATE. */
  webhookAllowPrivate?: boolean;
}

/** In-app notifications of the signed-in person, and institutions' webhook subscriptions. */
export const notifyRoutes: FastifyPluginAsyncZod<NotifyRoutesOptions> = async (app, opts) => {
  const db = () => app.database.db;
  const allowPrivate = opts.webhookAllowPrivate ?? loadNotifySettings().webhookAllowPrivate;

  app.get(
    '/notifications',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Your in-app notifications, newest first, with how many are unread',
        querystring: NotificationQuery,
        response: responses({ 200: NotificationPage }),
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return listNotifications(db(), request.actor, request.query);
    },
  );

  app.post(
    '/notifications/read-all',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Mark all your notifications read',
        response: responses({ 200: ReadAllResult }),
      },
    },
    async (request) => markAllNotificationsRead(db(), request.actor),
  );

  app.post(
    '/notifications/:id/read',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Mark one of your notifications read',
        params: IdParams,
        response: responses({ 200: NotificationView }),
      },
    },
    async (request) => markNotificationRead(db(), request.actor, request.params.id),
  );

  app.post(
    '/webhooks',
    {
      schema: {
        tags: ['webhooks'],
        summary:
          "Subscribe an institution's system to its referrals' events (institution agents: their own institution; programme staff: name it)",
        description:
          'Tejido POSTs a JSON body to the URL with the headers tejido-event, tejido-delivery and tejido-signature: ' +
          't=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>. Any answer but 2xx is retried with growing waits ' +
          '(1 minute doubling up to 6 hours, 12 attempts). The secret is shown in this answer only. ' +
          'The URL must reach a public address: loopback, private and link-local ones are refused.',
        body: WebhookCreate,
        response: responses({ 201: WebhookCreated }),
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return reply.code(201).send(await createWebhook(db(), request.actor, request.body, { allowPrivate }));
    },
  );

  app.get(
    '/webhooks',
    {
      schema: {
        tags: ['webhooks'],
        summary: "Webhook subscriptions: your institution's, or every institution's for programme staff",
        querystring: WebhookListQuery,
        response: responses({ 200: z.array(WebhookView) }),
      },
    },
    async (request) => listWebhooks(db(), request.actor, request.query),
  );

  app.delete(
    '/webhooks/:id',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Deactivate a webhook subscription; calls still owed to it are given up',
        params: IdParams,
        response: responses({ 200: WebhookView }),
      },
    },
    async (request) => deactivateWebhook(db(), request.actor, request.params.id),
  );

  app.get(
    '/webhooks/:id/deliveries',
    {
      schema: {
        tags: ['webhooks'],
        summary: "A subscription's delivery log, newest first: status, attempts, last answer",
        params: IdParams,
        querystring: WebhookDeliveryQuery,
        response: responses({ 200: WebhookDeliveryPage }),
      },
    },
    async (request) => listDeliveries(db(), request.actor, request.params.id, request.query),
  );

  app.post(
    '/webhooks/:id/deliveries/:deliveryId/retry',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Call the receiver again with a delivery now (a fresh series of attempts)',
        params: DeliveryParams,
        response: responses({ 200: WebhookDeliveryView }),
      },
    },
    async (request) => retryDelivery(db(), request.actor, request.params.id, request.params.deliveryId),
  );
};
