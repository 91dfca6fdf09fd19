import { LoginRequest, Me, type Role, Scope } from '@tejido/schemas';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SESSION_COOKIE } from '../../http/context';
import { responses } from '../../http/responses';
import { toMe } from '../users/service';
import { type AuthSettings, createApiToken, login, logout } from './service';

export interface AuthRouteOptions {
  settings: AuthSettings;
  cookieSecure: boolean;
}

export const authRoutes: FastifyPluginAsyncZod<AuthRouteOptions> = async (app, options) => {
  app.post(
    '/auth/login',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with username and password; sets the session cookie',
        body: LoginRequest,
        response: responses({ 200: Me }),
      },
    },
    async (request, reply) => {
      const result = await login(app.database.db, options.settings, {
        ...request.body,
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? null,
      });
      reply.setCookie(SESSION_COOKIE, result.sessionToken, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: options.cookieSecure,
        expires: result.expiresAt,
      });
      return result.me;
    },
  );

  app.post(
    '/auth/logout',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign out: ends the session',
        response: responses({ 204: z.null() }),
      },
    },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) await logout(app.database.db, request.actor, token);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/auth/me',
    { schema: { tags: ['auth'], summary: 'The signed-in account', response: responses({ 200: Me }) } },
    async (request) => {
      const db = app.database.db;
      const user = await db
        .selectFrom('app_user')
        .selectAll()
        .where('id', '=', request.actor.id ?? '')
        .executeTakeFirst();
      if (user) return toMe(db, user);
      // A bearer token describes itself.
      return {
        id: request.actor.id!,
        username: request.actor.name,
        displayName: request.actor.name,
        role: request.actor.role as Role,
        scope: request.actor.scope,
        scopeLabel: request.actor.scope.kind,
        locale: 'es-PE' as const,
      };
    },
  );

  app.post(
    '/api-tokens',
    {
      schema: {
        tags: ['auth'],
        summary: "Issue a bearer token for an institution's system (programme administrators)",
        body: z.object({
          name: z.string().trim().min(3).max(100),
          role: z.enum(['institution_agent', 'data_steward', 'programme_admin']),
          scope: Scope,
        }),
        response: responses({
          201: z.object({ id: z.uuid(), token: z.string().describe('Shown once; store it now.') }),
        }),
      },
    },
    async (request, reply) => {
      const result = await createApiToken(app.database.db, request.actor, request.body);
      return reply.code(201).send(result);
    },
  );
};
