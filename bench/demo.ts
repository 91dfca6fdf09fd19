import { createReadStream, createWriteStream, mkdtempSync, rmSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type Database, migrate } from '@tejido/db';
import pg from 'pg';
import { hashPassword } from '../apps/server/src/modules/auth/passwords';
import { loadDemo } from '../apps/server/src/modules/demo/generate';
import { option } from './stats';

const SERVER = process.env.TEJIDO_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * `tejido demo --households N` on PostgreSQL: time and peak memory. The rows it writes are
 * also captured to CSV files; the floor is a plain COPY of exactly those rows into a
 * second fresh, migrated database (same tables, same indexes).
 */
export async function run(args: string[]) {
  const households = Number(option(args, 'households', '700000'));
  const seed = Number(option(args, 'seed', '2021'));
  const dir = mkdtempSync(join(tmpdir(), 'tejido-bench-demo-'));
  const a = await freshDatabase('a');
  const b = await freshDatabase('b');
  try {
    const files: Array<{ table: string; columns: readonly string[]; file: string }> = [];
    const capturing: Database = {
      ...a.database,
      async copyIn(table, columns, csv) {
        const file = join(dir, `${files.length}-${table}.csv`);
        files.push({ table, columns, file });
        const out = createWriteStream(file);
        await a.database.copyIn(table, columns, tee(csv, out));
        await new Promise((r) => out.end(r));
      },
    };
    const tables: string[] = [];
    const passwordHash = await hashPassword('bench-password');
    const rssBefore = process.resourceUsage().maxRSS;
    const t0 = performance.now();
    const summary = await loadDemo(capturing, {
      households,
      seed,
      passwordHash,
      onProgress: (e) =>
        tables.push(`| ${e.step} | ${e.rows.toLocaleString('en')} | ${e.seconds.toFixed(1)} s |`),
    });
    const demoSeconds = (performance.now() - t0) / 1000;
    const peakRss = process.resourceUsage().maxRSS / 1024;

    const t1 = performance.now();
    for (const f of files) {
      await b.database.copyIn(
        f.table,
        f.columns,
        createReadStream(f.file, { encoding: 'utf8', highWaterMark: 1 << 20 }),
      );
    }
    const floorSeconds = (performance.now() - t1) / 1000;

    console.log(
      `\nDemo of ${households.toLocaleString('en')} households on PostgreSQL: ${summary.persons.toLocaleString('en')} persons, ${summary.pregnancies.toLocaleString('en')} pregnancies, ${summary.enrolments.toLocaleString('en')} enrolments`,
    );
    console.log('\n| step | rows | time |\n| --- | --- | --- |');
    for (const t of tables) console.log(t);
    console.log('\n| measure | value |\n| --- | --- |');
    console.log(`| tejido demo (generate + COPY + indexes) | ${demoSeconds.toFixed(1)} s |`);
    console.log(`| floor: COPY of the same rows into the same schema | ${floorSeconds.toFixed(1)} s |`);
    console.log(`| ratio | ${(demoSeconds / floorSeconds).toFixed(2)}× |`);
    console.log(
      `| peak memory of the process (max RSS) | ${peakRss.toFixed(0)} MiB (before the load: ${(rssBefore / 1024).toFixed(0)} MiB) |`,
    );
  } finally {
    await a.drop();
    await b.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function* tee(csv: AsyncIterable<string> | Iterable<string>, out: WriteStream): AsyncIterable<string> {
  for await (const chunk of csv) {
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
    yield chunk;
  }
}

async function freshDatabase(suffix: string) {
  const name = `tejido_bench_demo_${suffix}_${process.pid}`;
  const admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  const database = await connect({ databaseUrl: url.toString(), poolSize: 4 });
  await migrate(database);
  return {
    database,
    async drop() {
      await database.close();
      const c = new pg.Client({ connectionString: SERVER });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
