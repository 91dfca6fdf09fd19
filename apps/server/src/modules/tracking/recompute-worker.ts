/**
 * A recompute worker thread: its own connection to the PostgreSQL server, ranges of persons
 * from the main thread, one answer per range (see recompute.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { connect } from '@tejido/db';
import { loadPathways } from './pathways';
import { processRange, type Range } from './recompute';

const { databaseUrl, asOf, pathwaysDir } = workerData as {
  databaseUrl: string;
  asOf: string;
  pathwaysDir: string;
};
const port = parentPort!;
const database = await connect({ databaseUrl, poolSize: 2 });
const set = loadPathways(pathwaysDir);

port.on('message', async (message: { type: 'range'; range: Range } | { type: 'stop' }) => {
  if (message.type === 'stop') {
    await database.close();
    process.exit(0);
  }
  try {
    port.postMessage({ type: 'done', result: await processRange(database, set, asOf, message.range) });
  } catch (error) {
    port.postMessage({
      type: 'failed',
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  }
});
port.postMessage({ type: 'ready' });
