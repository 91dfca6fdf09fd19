import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { Database } from '@tejido/db';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from './config';
import { authenticate } from './http/authenticate';
import './http/context';
import { problemFor, sendProblem, toProblem } from './http/problem';
import { alertRoutes } from './modules/alerts/routes';
import { auditRoutes } from './modules/audit/routes';
import { authRoutes } from './modules/auth/routes';
import { importRoutes } from './modules/imports/routes';
import { interopRoutes } from './modules/interop/routes';
import { notifyRoutes } from './modules/notify/routes';
import { registryRoutes } from './modules/registry/routes';
import { trackingRoutes } from './modules/tracking/routes';
import { VERSION } from './version';

export interface AppOptions {
  database: Database;
  config: Pick<
    Config,
    'sessionHours' | 'loginMaxFailures' | 'loginLockMinutes' | 'cookieSecure' | 'webDir' | 'logLevel' | 'env'
  > & { databaseUrl?: string | undefined };
  logger?: boolean;
}

const DEFAULT_WEB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../web/dist');

/** The Tejido HTTP server: API under /api/v1, its OpenAPI document, and the web app. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config, database } = options;
  const app = Fastify({
    logger: options.logger === false ? false : { level: config.logLevel },
    bodyLimit: 1024 * 1024,
    // Field devices retry; ids in URLs are UUIDs, so no path is long.
    routerOptions: { maxParamLength: 200, ignoreTrailingSlash: true },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate('database', database);
  app.decorateRequest('actor', null as never);

  // JSON only: anything else is a 415 rather than a body parsed by guesswork.
  app.removeContentTypeParser('text/plain');

  app.setErrorHandler((error, request, reply) => sendProblem(reply, toProblem(error, request)));
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    // Client-side routes of the web app get its page; files that do not exist stay 404s.
    if (
      request.method === 'GET' &&
      indexHtml &&
      !path.startsWith('/api') &&
      !path.startsWith('/assets/') &&
      !/\.\w+$/.test(path)
    ) {
      return reply.header('cache-control', 'no-cache').type('text/html').sendFile('index.html');
    }
    return sendProblem(reply, {
      ...problemFor('ROUTE_NOT_FOUND', `${request.method} ${path} is not a route of this API`),
      instance: path,
    });
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    reply.header('x-frame-options', 'DENY');
    return payload;
  });

  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Tejido API',
        version: VERSION,
        description:
          'Households, people, alerts and referrals of a territorial social-protection network. ' +
          "People sign in with a session cookie (POST /api/v1/auth/login); institutions' systems send `Authorization: Bearer <token>`. " +
          'Every error is an RFC 9457 problem document (application/problem+json) naming the field at fault.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'tejido_session' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.get(
    '/health',
    {
      config: { public: true },
      schema: {
        tags: ['health'],
        summary: 'Liveness and database check',
        response: {
          200: z.object({
            status: z.literal('ok'),
            version: z.string(),
            database: z.enum(['pglite', 'postgres']),
          }),
        },
      },
    },
    async () => {
      await database.db.selectFrom('schema_migration').select('name').limit(1).execute();
      return { status: 'ok' as const, version: VERSION, database: database.engine };
    },
  );

  await app.register(
    async (api) => {
      api.addHook('onRequest', authenticate);
      await api.register(authRoutes, {
        settings: {
          sessionHours: config.sessionHours,
          maxFailures: config.loginMaxFailures,
          lockMinutes: config.loginLockMinutes,
        },
        cookieSecure: config.cookieSecure,
      });
      await api.register(registryRoutes);
      await api.register(auditRoutes);
      await api.register(trackingRoutes);
      await api.register(alertRoutes);
      await api.register(notifyRoutes);
      await api.register(interopRoutes);
      await api.register(importRoutes, { databaseUrl: config.databaseUrl });
    },
    { prefix: '/api/v1' },
  );

  const webDir = config.webDir ? resolve(config.webDir) : DEFAULT_WEB_DIR;
  const indexHtml = existsSync(join(webDir, 'index.html'));
  if (indexHtml) {
    await app.register(fastifyStatic, {
      root: webDir,
      index: ['index.html'],
      cacheControl: false,
      // Built assets carry a content hash in their names: cache them for good; the page itself never.
      setHeaders(res, path) {
        res.setHeader(
          'cache-control',
          /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
  } else {
    app.get('/', { schema: { hide: true } }, async (_request, reply) =>
      reply
        .type('text/html')
        .send(
          '<!doctype html><meta charset="utf-8"><title>Tejido</title><p>Tejido API. The web app is not built: run <code>npm run build -w @tejido/web</code>. API docs: <a href="/api/docs">/api/docs</a>.</p>',
        ),
    );
  }
  return app;
}
