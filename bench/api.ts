/**
 * The HTTP API of a benchmark database: a production-configured server on a free port, signed
 * in as one of the demo's accounts (`coordinador` unless told; password `bench-password`, as the
 * benchmarks load the demo).
 */
import type { Database } from '@tejido/db';
import { buildApp } from '../apps/server/src/app';

export interface BenchApi {
  address: string;
  /** The session cookie header of the signed-in coordinator. */
  cookie: string;
  close(): Promise<void>;
}

export async function startApi(database: Database, username = 'coordinador'): Promise<BenchApi> {
  const app = await buildApp({
    database,
    logger: false,
    config: {
      env: 'production',
      sessionHours: 1,
      loginMaxFailures: 5,
      loginLockMinutes: 1,
      cookieSecure: false,
      webDir: '/nonexistent',
      logLevel: 'silent',
    },
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return { address, cookie: await signIn(address, username), close: () => app.close() };
}

/** Sign in as a demo account on a running API; the session cookie header. */
export async function signIn(address: string, username: string): Promise<string> {
  const login = await fetch(`${address}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'bench-password' }),
  });
  if (!login.ok) throw new Error(`login failed: ${login.status} ${await login.text()}`);
  return login.headers.get('set-cookie')!.split(';')[0]!;
}
