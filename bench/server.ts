/**
 * What the benchmarks on a PostgreSQL server share: the server, statements on its maintenance
 * database, a database of their own, the demo loaded into it, and `tejido recompute` in a
 * process of its own (so that its peak memory is its own).
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { Database } from '@tejido/db';
import pg from 'pg';
import { hashPassword } from '../apps/server/src/modules/auth/passwords';
import { loadDemo } from '../apps/server/src/modules/demo/generate';

export const SERVER = process.env.TEJIDO_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ROOT = resolve(import.meta.dirname, '..');

/** Run a statement on the server's maintenance database (CREATE and DROP DATABASE). */
export async function admin(statement: string): Promise<void> {
  const c = new pg.Client({ connectionString: SERVER });
  await c.connect();
  try {
    await c.query(statement);
  } finally {
    await c.end();
  }
}

/** The URL of a database on the benchmark server. */
export function databaseUrl(name: string): string {
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The deterministic demo (seed 2021), its accounts' password `bench-password`; prints how long it took. */
export async function loadBenchDemo(database: Database, households: number): Promise<void> {
  const t0 = performance.now();
  await loadDemo(database, { households, seed: 2021, passwordHash: await hashPassword('bench-password') });
  console.log(
    `demo of ${households.toLocaleString('en')} households loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
}

export interface RecomputeRun {
  seconds: number;
  persons: number;
  rssMiB: number;
  alerts: { raised: number; closed: number; seconds: number };
}

/** `tejido recompute` of a server database in a child process (alert types from `alertsDir` when given). */
export function recomputeInChild(url: string, asOf: string, alertsDir?: string): RecomputeRun {
  const env = { ...process.env, DATABASE_URL: url, ...(alertsDir ? { TEJIDO_ALERTS_DIR: alertsDir } : {}) };
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/recompute-child.ts', asOf], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) throw new Error(`recompute failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}
