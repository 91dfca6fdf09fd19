import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { todayInPeru } from '@tejido/core';
import { connect, migrate } from '@tejido/db';
import { sql } from 'kysely';
import { parseDocument } from 'yaml';
import { refreshFunnel } from '../apps/server/src/modules/alerts/funnel';
import { DEFAULT_ALERTS_DIR } from '../apps/server/src/modules/alerts/types';
import { simulateAlertHistory } from '../apps/server/src/modules/demo/alerts';
import { signIn, startApi } from './api';
import { admin, databaseUrl, loadBenchDemo, type RecomputeRun, recomputeInChild } from './server';
import { median, ms, option, percentile } from './stats';

const TARGET_ALERTS = 1_000_000;
const INBOX_REFERRALS = 10_000;

/**
 * Alerts at national scale, on PostgreSQL:
 * - rule alerts after a full recompute: `tejido recompute` with the programme's alert types
 *   against the same recompute with no rule types (the extra time, and the part spent raising
 *   and closing alerts), first when every alert is new and again when they all exist;
 * - the funnel of the region over 1,000,000 alerts with times per stage, through the API (p95);
 * - the inbox of a health facility with 10,000 open referrals, through the API (p95).
 * Options: --reuse NAME (a database kept by `npm run bench -- tracking --keep`; without it a
 * demo of --households, default 920000, is loaded and dropped), --runs R (default 3),
 * --requests Q (default 200), --api-only (only the funnel and inbox, on a database an earlier
 * run of this benchmark prepared).
 */
export async function run(args: string[]) {
  const reuse = option(args, 'reuse', '');
  const households = Number(option(args, 'households', '920000'));
  const runs = Number(option(args, 'runs', '3'));
  const requests = Number(option(args, 'requests', '200'));
  // Only the API figures, on a database an earlier run prepared (its alerts, history and inbox).
  const apiOnly = args.includes('--api-only');
  const asOf = todayInPeru();
  const name = reuse || `tejido_bench_alerts_${process.pid}`;
  if (!reuse) await admin(`CREATE DATABASE ${name}`);
  const url = databaseUrl(name);
  const database = await connect({ databaseUrl: url, poolSize: 10 });
  const noRules = mkdtempSync(join(tmpdir(), 'tejido-bench-alerts-'));
  try {
    await migrate(database);
    if (!reuse) await loadBenchDemo(database, households);
    // The same alert types without the rule ones: the recompute without rule alerts.
    const typesFile = join(DEFAULT_ALERTS_DIR, 'pe-alert-types.yaml');
    const doc = parseDocument(readFileSync(typesFile, 'utf8'));
    const types = doc.toJS() as { types: Array<{ rule?: string }> };
    doc.set(
      'types',
      types.types.filter((t) => t.rule === undefined),
    );
    writeFileSync(join(noRules, 'alert-types.yaml'), doc.toString());

    const base: RecomputeRun[] = [];
    const first: RecomputeRun[] = [];
    const steady: RecomputeRun[] = [];
    for (let i = 0; i < (apiOnly ? 0 : runs); i++) {
      await sql`TRUNCATE alert, alert_event, alert_attachment, notification, webhook_delivery,
        alert_funnel_month, alert_funnel_times, alert_funnel_dirty`.execute(database.db);
      base.push(recomputeInChild(url, asOf, noRules));
      first.push(recomputeInChild(url, asOf));
      steady.push(recomputeInChild(url, asOf));
      console.log(
        `run ${i + 1}: without rule alerts ${base.at(-1)!.seconds.toFixed(1)} s; with, all new ${first.at(-1)!.seconds.toFixed(1)} s ` +
          `(${first.at(-1)!.alerts.raised} raised in ${first.at(-1)!.alerts.seconds.toFixed(1)} s); ` +
          `with, all existing ${steady.at(-1)!.seconds.toFixed(1)} s (sync ${steady.at(-1)!.alerts.seconds.toFixed(1)} s)`,
      );
    }
    const m = (list: RecomputeRun[], f: (r: RecomputeRun) => number) => median(list.map(f));

    // A year of alert management on top, then earlier years of ended alerts up to a million.
    const t1 = performance.now();
    const history = apiOnly ? null : await simulateAlertHistory(database, { seed: 2021 });
    if (history) console.log(`alert history simulated in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
    let total = Number(
      (await sql<{ n: string }>`SELECT count(*) AS n FROM alert`.execute(database.db)).rows[0]!.n,
    );
    for (let year = 1; total < TARGET_ALERTS && year <= 5; year++) {
      await sql`
        INSERT INTO alert (id, type_code, origin, severity, sensitive, person_id, household_id, territory_code, village_code,
          health_facility_id, field_worker_id, stage, outcome, resolved_by_evidence_id, institution_id, stage_due_at,
          escalation_level, reminded, observation, counter_referral, raised_by, raised_at, referred_at, accepted_at,
          attended_at, ended_at, version, updated_at)
        SELECT gen_random_uuid(), type_code, origin, severity, sensitive, person_id, household_id, territory_code, village_code,
          health_facility_id, field_worker_id, CASE WHEN stage IN ('closed', 'cancelled') THEN stage ELSE 'closed' END,
          CASE WHEN stage IN ('closed', 'cancelled') THEN outcome ELSE 'not_tracked' END, NULL, institution_id, NULL,
          0, false, observation, counter_referral, raised_by, raised_at - ${year * 365} * interval '1 day',
          referred_at - ${year * 365} * interval '1 day', accepted_at - ${year * 365} * interval '1 day',
          attended_at - ${year * 365} * interval '1 day',
          coalesce(ended_at, attended_at, accepted_at, referred_at, raised_at + interval '60 days') - ${year * 365} * interval '1 day',
          version, now()
        FROM alert WHERE raised_at > now() - interval '365 days'
        LIMIT ${TARGET_ALERTS - total}`.execute(database.db);
      total = Number(
        (await sql<{ n: string }>`SELECT count(*) AS n FROM alert`.execute(database.db)).rows[0]!.n,
      );
    }

    // An inbox of 10,000 open referrals at the health facility of the demo's `ipress` account.
    const facility = (
      await sql<{
        id: string;
      }>`SELECT scope_institution_id AS id FROM app_user WHERE username = 'ipress'`.execute(database.db)
    ).rows[0]!.id;
    await sql`
      UPDATE alert SET stage = 'referred', institution_id = ${facility},
        referred_at = raised_at + interval '1 day', stage_due_at = now() + (random() * 72 - 24) * interval '1 hour',
        escalation_level = 0
      WHERE id IN (SELECT id FROM alert WHERE stage = 'identified' AND NOT sensitive
                   AND NOT (institution_id IS NOT DISTINCT FROM ${facility}) ORDER BY id LIMIT
                   (${INBOX_REFERRALS} - (SELECT count(*) FROM alert WHERE institution_id = ${facility}
                                          AND stage IN ('referred', 'accepted'))))`.execute(database.db);
    await sql`VACUUM ANALYZE alert`.execute(database.db);
    // The funnel's monthly sums, rebuilt for every month (as after migration 0005 or a bulk load).
    await sql`INSERT INTO alert_funnel_dirty (month)
      SELECT DISTINCT date_trunc('month', raised_at AT TIME ZONE 'America/Lima')::date FROM alert
      ON CONFLICT DO NOTHING`.execute(database.db);
    const t2 = performance.now();
    const months = await refreshFunnel(database.db);
    const rebuildSeconds = (performance.now() - t2) / 1000;
    const inboxSize = Number(
      (
        await sql<{
          n: string;
        }>`SELECT count(*) AS n FROM alert WHERE institution_id = ${facility} AND stage IN ('referred', 'accepted')`.execute(
          database.db,
        )
      ).rows[0]!.n,
    );

    const server = await startApi(database);
    const { address, cookie } = server;
    const funnel = await timed(requests, async (i) => {
      const groupBy = ['', '&groupBy=territory', '&groupBy=type'][i % 3];
      const res = await fetch(`${address}/api/v1/alerts/funnel?territory=05${groupBy}`, {
        headers: { cookie },
      });
      const body = (await res.json()) as { counts: { identified: number } };
      if (!res.ok || body.counts.identified < 1)
        throw new Error(`funnel: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
      return body.counts.identified;
    });
    const year = await timed(requests, async () => {
      const from = new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10);
      const res = await fetch(`${address}/api/v1/alerts/funnel?territory=05&from=${from}&to=${asOf}`, {
        headers: { cookie },
      });
      if (!res.ok) throw new Error(`funnel: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { counts: { identified: number } }).counts.identified;
    });
    // What the alert jobs do after a change: rebuild the changed alert's month (the busiest here).
    const busiest = (
      await sql<{
        id: string;
      }>`SELECT id FROM alert WHERE raised_at > now() - interval '20 days' ORDER BY id LIMIT 1`.execute(
        database.db,
      )
    ).rows[0]!.id;
    const oneMonth: number[] = [];
    for (let i = 0; i < 5; i++) {
      await sql`UPDATE alert SET updated_at = now() WHERE id = ${busiest}`.execute(database.db);
      const t = performance.now();
      await refreshFunnel(database.db);
      oneMonth.push(performance.now() - t);
    }
    const monthSize = Number(
      (
        await sql<{
          n: string;
        }>`SELECT count(*) AS n FROM alert WHERE raised_at >= date_trunc('month', now())`.execute(database.db)
      ).rows[0]!.n,
    );
    const agent = await signIn(address, 'ipress');
    let cursor: string | null = null;
    const inbox = await timed(requests, async (i) => {
      const stage = i % 4 === 3 ? '&stage=accepted' : '';
      const page = i % 2 === 1 && cursor ? `&cursor=${cursor}` : '';
      const res = await fetch(`${address}/api/v1/inbox?limit=50${stage}${page}`, {
        headers: { cookie: agent },
      });
      const body = (await res.json()) as { items: unknown[]; nextCursor: string | null };
      if (!res.ok) throw new Error(`inbox: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
      if (!stage) cursor = body.nextCursor;
      return body.items.length;
    });
    await server.close();

    console.log(
      `\nAlerts on PostgreSQL: ${total.toLocaleString('en')} alerts` +
        (history && first[0]
          ? `; ${base[0]!.persons.toLocaleString('en')} tracked persons; ${first[0].alerts.raised.toLocaleString('en')} rule alerts raised by a recompute; ` +
            `${history.alerts.toLocaleString('en')} in the simulated year (${history.referred.toLocaleString('en')} referred, ${history.attended.toLocaleString('en')} attended), the rest ended alerts of earlier years`
          : ''),
    );
    console.log('\n| measure | median | other |\n| --- | --- | --- |');
    if (first.length > 0) {
      console.log(
        `| tejido recompute without rule alerts (${runs} runs) | ${m(base, (r) => r.seconds).toFixed(1)} s | peak RSS ${Math.max(...base.map((r) => r.rssMiB))} MiB |`,
      );
      console.log(
        `| with rule alerts, all new (${m(first, (r) => r.alerts.raised).toLocaleString('en')} raised) | ${m(first, (r) => r.seconds).toFixed(1)} s | extra ${(m(first, (r) => r.seconds) - m(base, (r) => r.seconds)).toFixed(1)} s, of which raising ${m(first, (r) => r.alerts.seconds).toFixed(1)} s; peak RSS ${Math.max(...first.map((r) => r.rssMiB))} MiB |`,
      );
      console.log(
        `| with rule alerts, all existing (daily run) | ${m(steady, (r) => r.seconds).toFixed(1)} s | extra ${(m(steady, (r) => r.seconds) - m(base, (r) => r.seconds)).toFixed(1)} s, of which the sync ${m(steady, (r) => r.alerts.seconds).toFixed(1)} s |`,
      );
    }
    console.log(
      `| rebuild of the funnel's monthly sums, all ${months} months | ${rebuildSeconds.toFixed(1)} s | once after a bulk load; a change rebuilds its month only |`,
    );
    console.log(
      `| funnel of the region, all ${total.toLocaleString('en')} alerts, with times per stage (${funnel.times.length} requests, a third by territory, a third by type) | ${ms(median(funnel.times))} | p95 ${ms(percentile(funnel.times, 95))} |`,
    );
    console.log(
      `| funnel of the region, last 12 months (${(median(year.values)).toLocaleString('en')} alerts) | ${ms(median(year.times))} | p95 ${ms(percentile(year.times, 95))} |`,
    );
    console.log(
      `| rebuild of one month's sums after a change (${monthSize.toLocaleString('en')} alerts in it; alert jobs, not requests; 5 runs) | ${ms(median(oneMonth))} | |`,
    );
    console.log(
      `| inbox page of 50, ${inboxSize.toLocaleString('en')} open referrals (${inbox.times.length} requests, pages and stage filter) | ${ms(median(inbox.times))} | p95 ${ms(percentile(inbox.times, 95))} |`,
    );
  } finally {
    rmSync(noRules, { recursive: true, force: true });
    await database.close();
    if (reuse) console.log(`database kept: ${name}`);
    else await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

/** Time `count` requests after 20 of warm-up. */
async function timed(count: number, request: (i: number) => Promise<number>) {
  const times: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < count + 20; i++) {
    const t = performance.now();
    const value = await request(i);
    if (i >= 20) {
      times.push(performance.now() - t);
      values.push(value);
    }
  }
  return { times, values };
}
