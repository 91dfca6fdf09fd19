import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type Database, migrate } from '@tejido/db';
import { sql } from 'kysely';
import pg from 'pg';
import { hashPassword } from '../apps/server/src/modules/auth/passwords';
import { loadDemo } from '../apps/server/src/modules/demo/generate';
import { startApi } from './api';
import { median, ms, option, percentile } from './stats';

const SERVER = process.env.TEJIDO_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Household search by identity number through the HTTP API (sign-in cookie, scope,
 * audit entry and all), on a demo of N households, on each engine. The floor is the same
 * lookup as one SQL query through the same driver.
 */
export async function run(args: string[]) {
  const households = Number(option(args, 'households', '100000'));
  const requests = Number(option(args, 'requests', '400'));
  const engines = option(args, 'engine', 'both');
  const rows: string[] = [];
  if (engines === 'both' || engines === 'postgres')
    rows.push(await measure('postgres', households, requests));
  if (engines === 'both' || engines === 'pglite') rows.push(await measure('pglite', households, requests));
  console.log(
    `\nHousehold search by identity number, ${households.toLocaleString('en')} households, ${requests} sequential requests after warm-up`,
  );
  console.log(
    '\n| engine | API median | API p95 | SQL floor median | ratio |\n| --- | --- | --- | --- | --- |',
  );
  for (const r of rows) console.log(r);
}

async function measure(engine: 'postgres' | 'pglite', households: number, requests: number): Promise<string> {
  let database: Database;
  let cleanup: () => Promise<void>;
  if (engine === 'postgres') {
    const name = `tejido_bench_search_${process.pid}`;
    const admin = new pg.Client({ connectionString: SERVER });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(SERVER);
    url.pathname = `/${name}`;
    database = await connect({ databaseUrl: url.toString(), poolSize: 10 });
    cleanup = async () => {
      await database.close();
      const c = new pg.Client({ connectionString: SERVER });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'tejido-bench-search-'));
    database = await connect({ dataDir: dir });
    cleanup = async () => {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    };
  }
  try {
    await migrate(database);
    const t0 = performance.now();
    await loadDemo(database, { households, seed: 11, passwordHash: await hashPassword('bench-password') });
    console.log(
      `${engine}: demo of ${households} households loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    await sql`ANALYZE`.execute(database.db);

    const sample = await sql<{ n: string }>`
      SELECT document_number AS n FROM person WHERE document_number IS NOT NULL
      ORDER BY md5(id::text) LIMIT ${requests + 50}`.execute(database.db);
    const numbers = sample.rows.map((r) => r.n);

    const server = await startApi(database);
    const { address, cookie } = server;

    const api: number[] = [];
    for (const [i, n] of numbers.entries()) {
      const t = performance.now();
      const res = await fetch(`${address}/api/v1/households?q=${n}`, { headers: { cookie } });
      const body = (await res.json()) as { items: unknown[] };
      const elapsed = performance.now() - t;
      if (!res.ok || body.items.length !== 1)
        throw new Error(`search ${n}: ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
      if (i >= 50) api.push(elapsed);
    }
    const floor: number[] = [];
    for (const [i, n] of numbers.entries()) {
      const t = performance.now();
      await sql`SELECT h.id, h.code FROM household h JOIN person p ON p.household_id = h.id WHERE p.document_number = ${n}`.execute(
        database.db,
      );
      if (i >= 50) floor.push(performance.now() - t);
    }
    await server.close();
    return `| ${engine} | ${ms(median(api))} | ${ms(percentile(api, 95))} | ${ms(median(floor))} | ${(median(api) / median(floor)).toFixed(1)}× |`;
  } finally {
    await cleanup();
  }
}
