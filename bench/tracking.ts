import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { todayInPeru } from '@tejido/core';
import { connect, type Database, migrate } from '@tejido/db';
import { sql } from 'kysely';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { recompute } from '../apps/server/src/modules/tracking/recompute';
import { startApi } from './api';
import { admin, databaseUrl, loadBenchDemo, recomputeInChild } from './server';
import { median, ms, option, percentile } from './stats';

/**
 * Nominal tracking at scale, on PostgreSQL by default:
 * - `tejido recompute` of every tracked person (children under 36 months and pregnancies with
 *   their evidence), timed in its own process with its peak memory, against the floor of one
 *   plain sequential read of the evidence table (COPY of all of it to the client);
 * - recording evidence through the API until the status is updated (median);
 * - a roster page of 50 rows with a district and a light filter through the API (p95).
 * Options: --households N (default 920000, about 1,000,000 tracked), --engine postgres|pglite,
 * --keep (leave the database for another run) and --reuse NAME (measure an existing one),
 * --runs R (recomputes, default 3; 0 for the API figures only), --requests Q (default 300).
 */
export async function run(args: string[]) {
  const engine = option(args, 'engine', 'postgres');
  const households = Number(option(args, 'households', engine === 'pglite' ? '46000' : '920000'));
  const runs = Number(option(args, 'runs', '3'));
  const requests = Number(option(args, 'requests', '300'));
  const reuse = option(args, 'reuse', '');
  const keep = args.includes('--keep');
  const asOf = todayInPeru();
  const target = await openTarget(engine, reuse, keep);
  const { database } = target;
  try {
    // A kept database gets the migrations that came after it was loaded.
    await migrate(database);
    if (!reuse) await loadBenchDemo(database, households);
    const counts = await sql<{ evidence: string; persons: string }>`
      SELECT (SELECT count(*) FROM evidence) AS evidence, (SELECT count(*) FROM person) AS persons`.execute(
      database.db,
    );
    const evidenceRows = Number(counts.rows[0]!.evidence);

    // Floor: one sequential read of the whole evidence table to the client.
    const floor: number[] = [];
    const recomputes: Array<{ seconds: number; persons: number; rssMiB: number }> = [];
    for (let i = 0; i < runs; i++) {
      floor.push(await readEvidence(database, target.url));
      recomputes.push(
        engine === 'pglite' ? await recomputeInProcess(database, asOf) : recomputeInChild(target.url!, asOf),
      );
      console.log(
        `run ${i + 1}: floor ${s(floor.at(-1)!)}, recompute ${recomputes.at(-1)!.seconds.toFixed(1)} s, ${recomputes.at(-1)!.rssMiB} MiB`,
      );
    }
    // --runs 0: the API figures only, on the statuses the database holds.
    const persons =
      recomputes[0]?.persons ??
      Number(
        (await sql<{ n: string }>`SELECT count(*) AS n FROM tracking_status`.execute(database.db)).rows[0]!.n,
      );
    const recomputeMedian = runs > 0 ? median(recomputes.map((r) => r.seconds * 1000)) : Number.NaN;
    const floorMedian = runs > 0 ? median(floor) : Number.NaN;

    // The API: roster pages and evidence updates, through HTTP with a session.
    const server = await startApi(database);
    const { address, cookie } = server;

    const districts = (
      await sql<{ code: string }>`SELECT code FROM territory WHERE level = 'district' ORDER BY code`.execute(
        database.db,
      )
    ).rows.map((r) => r.code);
    const lights = ['red', 'amber', 'green'];
    const roster: number[] = [];
    let rows = 0;
    for (let i = 0; i < requests + 20; i++) {
      const url = `${address}/api/v1/rosters?territory=${districts[i % districts.length]}&light=${lights[i % 3]}&limit=50`;
      const t = performance.now();
      const res = await fetch(url, { headers: { cookie } });
      const body = (await res.json()) as { rows: unknown[] };
      const elapsed = performance.now() - t;
      if (!res.ok) throw new Error(`roster: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
      if (i >= 20) {
        roster.push(elapsed);
        rows += body.rows.length;
      }
    }

    const sample = await sql<{ id: string }>`
      SELECT s.person_id AS id FROM tracking_status s WHERE s.subject = 'child'
      ORDER BY md5(s.person_id::text) LIMIT ${requests + 20}`.execute(database.db);
    const update: number[] = [];
    for (const [i, { id }] of sample.rows.entries()) {
      const t = performance.now();
      const res = await fetch(`${address}/api/v1/persons/${id}/evidence`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'hemoglobin', date: asOf, values: { hbGdl: 10.4 } }),
      });
      const body = (await res.json()) as { light?: string };
      const elapsed = performance.now() - t;
      if (res.status !== 201 || !body.light)
        throw new Error(`evidence: ${res.status} ${JSON.stringify(body)}`);
      if (i >= 20) update.push(elapsed);
    }
    await server.close();

    console.log(
      `\nNominal tracking on ${engine}: ${persons.toLocaleString('en')} tracked persons, ${evidenceRows.toLocaleString('en')} evidence records (${(evidenceRows / persons).toFixed(1)} per person), ${Number(counts.rows[0]!.persons).toLocaleString('en')} persons in the registry`,
    );
    console.log('\n| measure | median | other |\n| --- | --- | --- |');
    if (runs > 0)
      console.log(
        `| tejido recompute (${runs} runs) | ${(recomputeMedian / 1000).toFixed(1)} s | runs ${recomputes.map((r) => r.seconds.toFixed(1)).join(', ')} s; peak RSS ${Math.max(...recomputes.map((r) => r.rssMiB))} MiB |`,
      );
    if (runs > 0)
      console.log(
        `| floor: sequential read of the evidence table (COPY to the client) | ${(floorMedian / 1000).toFixed(1)} s | ratio ${(recomputeMedian / floorMedian).toFixed(2)}× |`,
      );
    console.log(
      `| new evidence → status through the API (${update.length} requests) | ${ms(median(update))} | p95 ${ms(percentile(update, 95))} |`,
    );
    console.log(
      `| roster page, district + light filter, 50 rows (${roster.length} requests) | ${ms(median(roster))} | p95 ${ms(percentile(roster, 95))}; ${(rows / roster.length).toFixed(0)} rows a page on average |`,
    );
  } finally {
    await target.close();
  }
}

function s(msValue: number): string {
  return `${(msValue / 1000).toFixed(1)} s`;
}

interface Target {
  database: Database;
  url: string | undefined;
  dataDir: string | undefined;
  close(): Promise<void>;
}

async function openTarget(engine: string, reuse: string, keep: boolean): Promise<Target> {
  if (engine === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'tejido-bench-tracking-'));
    const database = await connect({ dataDir: dir });
    return {
      database,
      url: undefined,
      dataDir: dir,
      async close() {
        await database.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = reuse || `tejido_bench_tracking_${process.pid}`;
  if (!reuse) await admin(`CREATE DATABASE ${name}`);
  const url = databaseUrl(name);
  const database = await connect({ databaseUrl: url, poolSize: 10 });
  return {
    database,
    url,
    dataDir: undefined,
    async close() {
      await database.close();
      if (keep || reuse) console.log(`database kept: ${name} (--reuse ${name})`);
      else await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** The floor: stream every evidence row to the client and throw it away. */
async function readEvidence(database: Database, url: string | undefined): Promise<number> {
  const t = performance.now();
  if (url) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const stream = client.query(copyTo('COPY evidence TO STDOUT'));
      let bytes = 0;
      for await (const chunk of stream) bytes += (chunk as Buffer).length;
      if (bytes === 0) throw new Error('the evidence table is empty');
    } finally {
      await client.end();
    }
  } else {
    await database.copyOut('SELECT * FROM evidence');
  }
  return performance.now() - t;
}

/** The embedded database belongs to this process: recompute here; memory is the whole process's. */
async function recomputeInProcess(database: Database, asOf: string) {
  const r = await recompute(database, { asOf });
  return {
    seconds: r.seconds,
    persons: r.persons,
    rssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}
