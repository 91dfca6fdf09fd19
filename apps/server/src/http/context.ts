import type { Database } from '@tejido/db';
import type { Actor } from '../modules/access/actor';

declare module 'fastify' {
  interface FastifyInstance {
    database: Database;
  }
  interface FastifyRequest {
    /** Set by the authentication hook on every /api/v1 route that needs it. */
    actor: Actor;
  }
}

export const SESSION_COOKIE = 'tejido_session';
