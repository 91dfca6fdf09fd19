import { DomainError } from '@tejido/schemas';
import type { FastifyRequest } from 'fastify';
import { sessionActor, tokenActor } from '../modules/auth/service';
import { SESSION_COOKIE } from './context';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route answers without a signed-in actor (login, health). */
    public?: boolean;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Resolve the actor from a bearer token (institutions' systems) or the session cookie
 * (people). Cookie-authenticated changes must come from our own origin.
 */
export async function authenticate(request: FastifyRequest): Promise<void> {
  if (request.routeOptions.config.public) return;
  const db = request.server.database.db;
  const header = request.headers.authorization;
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    const actor = m ? await tokenActor(db, m[1]!, request.ip) : undefined;
    if (!actor) throw new DomainError('NOT_AUTHENTICATED', 'The bearer token is unknown or revoked');
    request.actor = actor;
    return;
  }
  const token = request.cookies[SESSION_COOKIE];
  const actor = token ? await sessionActor(db, token, request.ip) : undefined;
  if (!actor)
    throw new DomainError('NOT_AUTHENTICATED', 'Sign in first: the session is missing or has expired');
  if (UNSAFE.has(request.method)) {
    const origin = request.headers.origin;
    if (origin && new URL(origin).host !== request.headers.host) {
      throw new DomainError('FORBIDDEN', 'Cross-site request refused');
    }
  }
  request.actor = actor;
}
