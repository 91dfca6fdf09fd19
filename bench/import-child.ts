/**
 * One `runImport` in a process of its own, so that its peak memory is its own: prints one JSON
 * line with the phases' times, the batch's counts and the peak RSS. Used by bench/imports.ts.
 * Usage: node --import tsx bench/import-child.ts KIND FILE  (DATABASE_URL set)
 */
import { basename } from 'node:path';
import { connect } from '@tejido/db';
import { systemActor } from '../apps/server/src/modules/access/actor';
import { runImport } from '../apps/server/src/modules/imports/pipeline';
import { getBatch } from '../apps/server/src/modules/imports/service';

const [kind, path] = process.argv.slice(2) as ['health', string];
const url = process.env.DATABASE_URL;
if (!url || !path) throw new Error('usage: DATABASE_URL=… import-child.ts KIND FILE');
const database = await connect({ databaseUrl: url, poolSize: 4 });
const actor = systemActor('bench');
const started = performance.now();
const phases: Record<string, number> = {};
const rss: Record<string, number> = {};
let phase = 'reading';
let phaseStart = started;
const outcome = await runImport(database, {
  kind,
  path,
  fileName: basename(path),
  actor,
  databaseUrl: url,
  onProgress: (p) => {
    if (p.phase !== phase) {
      phases[phase] = (performance.now() - phaseStart) / 1000;
      rss[phase] = process.resourceUsage().maxRSS / 1024;
      phase = p.phase;
      phaseStart = performance.now();
    }
  },
});
const total = (performance.now() - started) / 1000;
phases[phase] = (performance.now() - phaseStart) / 1000;
const batch = await getBatch(database.db, actor, outcome.batchId);
await database.close();
console.log(
  JSON.stringify({
    seconds: total,
    phases,
    alreadyImported: outcome.alreadyImported,
    counts: batch.counts,
    batchId: batch.id,
    rssMiB: process.resourceUsage().maxRSS / 1024,
    // Peak RSS by the end of each phase (the statuses phase may run a recompute with worker threads).
    rssByPhase: rss,
  }),
);
process.exit(0);
