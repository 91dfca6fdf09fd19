import {
  AlertCreate,
  AlertDetail,
  AlertPage,
  AlertQuery,
  AlertType,
  AttachmentInfo,
  AttachmentUpload,
  AttendRequest,
  Funnel,
  FunnelQuery,
  IdParams,
  InboxQuery,
  InstitutionSuggestion,
  NoteRequest,
  ReasonRequest,
  ReferRequest,
} from '@tejido/schemas';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CommandHeaders, IDEMPOTENCY_HEADER, responses } from '../../http/responses';
import { assertCan } from '../access/permissions';
import { alertFunnel } from './funnel';
import {
  addAttachment,
  getAlert,
  getAttachment,
  inbox,
  listAlerts,
  raiseAlert,
  suggestInstitutions,
  type TransitionInput,
  transition,
} from './service';
import { alertTypeView, loadAlertTypes } from './types';

/** A body with a base64 attachment of up to 5 MiB. */
const ATTACHMENT_BODY_LIMIT = 8 * 1024 * 1024;

const STEPS = {
  refer: { body: ReferRequest, summary: 'Refer the alert to an institution (a deadline to accept starts)' },
  accept: { body: NoteRequest, summary: 'The receiving institution accepts the referral' },
  reject: { body: ReasonRequest, summary: 'The receiving institution rejects the referral, with a reason' },
  attend: {
    body: AttendRequest,
    summary: 'The receiving institution records the attention (counter-referral)',
  },
  verify: { body: NoteRequest, summary: 'The programme verifies the attention and closes the alert' },
  cancel: { body: ReasonRequest, summary: 'Cancel the alert, with a reason' },
} as const;

export const alertRoutes: FastifyPluginAsyncZod = async (app) => {
  const db = () => app.database.db;

  app.get(
    '/alert-types',
    {
      schema: {
        tags: ['alerts'],
        summary: "The programme's alert types: raised by rules or by people, with their deadlines",
        response: responses({ 200: z.array(AlertType) }),
      },
    },
    async (request) => {
      assertCan(request.actor, 'alerts.read');
      return [...loadAlertTypes().types.values()].map(alertTypeView);
    },
  );

  app.get(
    '/alerts',
    {
      schema: {
        tags: ['alerts'],
        summary: 'Alerts in your scope, the nearest deadline first, with the open ones per stage',
        querystring: AlertQuery,
        response: responses({ 200: AlertPage }),
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return listAlerts(db(), request.actor, request.query);
    },
  );

  app.get(
    '/alerts/funnel',
    {
      schema: {
        tags: ['alerts'],
        summary: 'The alert funnel (identified, referred, accepted, attended, closed) with times per stage',
        querystring: FunnelQuery,
        response: responses({ 200: Funnel }),
      },
    },
    async (request) => alertFunnel(db(), request.actor, request.query),
  );

  app.post(
    '/alerts',
    {
      bodyLimit: ATTACHMENT_BODY_LIMIT,
      schema: {
        tags: ['alerts'],
        summary:
          'Raise an alert seen at a visit (a sick child, signs of violence…), with an optional attachment',
        headers: CommandHeaders,
        body: AlertCreate,
        response: responses({ 200: AlertDetail, 201: AlertDetail }),
      },
    },
    async (request, reply) => {
      const { alert, replayed } = await raiseAlert(
        db(),
        request.actor,
        request.body,
        request.headers[IDEMPOTENCY_HEADER],
      );
      return reply
        .code(replayed ? 200 : 201)
        .header('location', `/api/v1/alerts/${alert.id}`)
        .send(alert);
    },
  );

  app.get(
    '/alerts/:id',
    {
      schema: {
        tags: ['alerts'],
        summary: 'An alert with its history, attachments and the steps you may take',
        params: IdParams,
        response: responses({ 200: AlertDetail }),
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return getAlert(db(), request.actor, request.params.id);
    },
  );

  for (const [action, step] of Object.entries(STEPS) as Array<
    [TransitionInput['action'], (typeof STEPS)[keyof typeof STEPS]]
  >) {
    app.post(
      `/alerts/:id/${action}`,
      {
        schema: {
          tags: ['alerts'],
          summary: step.summary,
          description:
            'Send the `version` you read. 409 VERSION_CONFLICT when someone acted first (with `currentVersion` and `stage`); ' +
            '409 ILLEGAL_TRANSITION when the step is not allowed in the current stage (with `allowed`).',
          params: IdParams,
          body: step.body,
          response: responses({ 200: AlertDetail }),
        },
      },
      async (request) =>
        transition(db(), request.actor, request.params.id, { action, body: request.body } as TransitionInput),
    );
  }

  app.get(
    '/alerts/:id/institutions',
    {
      schema: {
        tags: ['alerts'],
        summary: 'Institutions to refer the alert to: the competent kind and the nearest first',
        params: IdParams,
        response: responses({ 200: z.array(InstitutionSuggestion) }),
      },
    },
    async (request) => suggestInstitutions(db(), request.actor, request.params.id),
  );

  app.post(
    '/alerts/:id/attachments',
    {
      bodyLimit: ATTACHMENT_BODY_LIMIT,
      schema: {
        tags: ['alerts'],
        summary: 'Attach a photo or PDF (at most 5 MiB, base64) to an alert',
        params: IdParams,
        body: AttachmentUpload,
        response: responses({ 201: AttachmentInfo }),
      },
    },
    async (request, reply) =>
      reply.code(201).send(await addAttachment(db(), request.actor, request.params.id, request.body)),
  );

  app.get(
    '/alerts/:id/attachments/:attachmentId',
    {
      schema: {
        tags: ['alerts'],
        summary: "An alert's attachment",
        params: IdParams.extend({ attachmentId: z.uuid() }),
        produces: ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'],
        response: responses({ 200: z.any().describe('The file') }),
      },
    },
    async (request, reply) => {
      const file = await getAttachment(db(), request.actor, request.params.id, request.params.attachmentId);
      return reply
        .header('cache-control', 'private, no-store')
        .header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(file.fileName)}`)
        .type(file.contentType)
        .send(file.data);
    },
  );

  app.get(
    '/inbox',
    {
      schema: {
        tags: ['alerts'],
        summary:
          "Your institution's referrals waiting to be accepted or attended, the nearest deadline first",
        querystring: InboxQuery,
        response: responses({ 200: AlertPage }),
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return inbox(db(), request.actor, request.query);
    },
  );
};
