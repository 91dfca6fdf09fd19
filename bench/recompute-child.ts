/**
 * Run by the tracking and alerts benchmarks in a process of its own: one `recompute` of the
 * database in DATABASE_URL (alert types from TEJIDO_ALERTS_DIR when set), then its time, persons,
 * rule alerts and the process's peak memory (worker threads included) as one JSON line.
 */
import { connect } from '@tejido/db';
import { recompute } from '../apps/server/src/modules/tracking/recompute';

const asOf = process.argv[2]!;
const url = process.env.DATABASE_URL!;
const database = await connect({ databaseUrl: url, poolSize: 4 });
const r = await recompute(database, { asOf, databaseUrl: url });
await database.close();
console.log(
  JSON.stringify({
    seconds: r.seconds,
    persons: r.persons,
    alerts: r.alerts,
    rssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
