/**
 * A recompute worker thread: its own connection to the PostgreSQL server, ranges of persons
 * from the main thread, one answer per range (see recompute.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { connect } from '@tejido/db';
import { loadAlertTypes } from '../alerts/types';
import { loadPathways } from './pathways';
import { processRange, type Range, RECOMPUTE_SETTINGS } from './recompute-range';

const { databaseUrl, asOf, pathwaysDir, alertsDir } = workerData as {
  databaseUrl: string;
  asOf: string;
  pathwaysDir: string;
  alertsDir: string;
};
const port = parentPort!;
// Each worker is one of the parallel lanes: no parallel plans inside it, no JIT compilation of
// queries that run once per range, and room to sort a range's subjects in memory.
const database = await connect({ databaseUrl, poolSize: 2, settings: RECOMPUTE_SETTINGS });
const set = loadPathways(pathwaysDir);
const alertRules = loadAlertTypes(alertsDir).rules;

port.on('message', async (message: { type: 'range'; range: Range } | { type: 'stop' }) => {
  if (message.type === 'stop') {
    await database.close();
    process.exit(0);
  }
  try {
    port.postMessage({
      type: 'done',
      result: await processRange(database, set, asOf, message.range, alertRules),
    });
  } catch (error) {
    port.postMessage({
      type: 'failed',
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  }
});
port.postMessage({ type: 'ready' });
