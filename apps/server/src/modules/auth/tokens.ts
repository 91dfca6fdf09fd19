import { createHash, randomBytes } from 'node:crypto';

/** A new secret for a session cookie or an API token (256 random bits). */
export function newSecret(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** What the database stores instead of the secret. */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
