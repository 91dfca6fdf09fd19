import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, option } from './stats';

/**
 * `npm start` from nothing: a fresh data folder, so the time includes creating the
 * embedded database, migrating it and loading the 2,000-household demo, until /health
 * answers. The floor is the same start on a folder that already holds the data.
 */
export async function run(args: string[]) {
  const runs = Number(option(args, 'runs', '3'));
  const households = option(args, 'households', '2000');
  const fresh: number[] = [];
  const again: number[] = [];
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'tejido-bench-start-'));
    try {
      fresh.push(await timeStart(dir, households, 18_400 + i));
      again.push(await timeStart(dir, households, 18_500 + i));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log('\n| start | median | runs |\n| --- | --- | --- |');
  console.log(
    `| fresh data folder (migrate + ${households}-household demo) | ${(median(fresh) / 1000).toFixed(1)} s | ${fresh.map((t) => (t / 1000).toFixed(1)).join(', ')} |`,
  );
  console.log(
    `| existing data folder (floor) | ${(median(again) / 1000).toFixed(1)} s | ${again.map((t) => (t / 1000).toFixed(1)).join(', ')} |`,
  );
  console.log(`\nratio fresh / existing: ${(median(fresh) / median(again)).toFixed(1)}×`);
}

async function timeStart(dataDir: string, households: string, port: number): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/cli.ts', 'start'], {
    env: {
      ...process.env,
      PORT: String(port),
      TEJIDO_DATA_DIR: dataDir,
      TEJIDO_DEMO_HOUSEHOLDS: households,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`tejido start exited with ${child.exitCode}`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/health`);
        if (res.ok) return performance.now() - started;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}
