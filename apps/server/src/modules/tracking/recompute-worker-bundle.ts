/**
 * The recompute workers' code as one JavaScript file. Tejido runs its TypeScript sources through
 * tsx, and a worker thread that registers tsx itself spent seconds transpiling and loading before
 * its first range (two workers booting at once: 5 s of a 2-core machine). esbuild bundles the
 * worker entry and everything it imports in a fraction of that, and the workers load plain
 * JavaScript.
 */
import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ENTRY = fileURLToPath(new URL('./recompute-worker.ts', import.meta.url));

export interface WorkerScript {
  url: URL;
  remove(): void;
}

/** Bundle the worker entry into a file of its own (removed by `remove`). */
export async function workerScript(): Promise<WorkerScript> {
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // The embedded database is imported lazily and never by a worker; pg's native binding is optional.
    external: ['@electric-sql/pglite', '@electric-sql/pglite/*', 'pg-native'],
    // CommonJS dependencies (pg) require Node's built-in modules.
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: 'silent',
  });
  const file = join(tmpdir(), `tejido-recompute-worker-${randomUUID()}.mjs`);
  writeFileSync(file, result.outputFiles[0]!.contents);
  return { url: pathToFileURL(file), remove: () => rmSync(file, { force: true }) };
}
