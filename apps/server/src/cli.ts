import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { basename } from 'node:path';
import { ConfigFileError, isCalendarDate, todayInPeru } from '@tejido/core';
import { connect, type Database, migrate } from '@tejido/db';
import { ImportKind, Role, Scope } from '@tejido/schemas';
import { Command, InvalidArgumentError } from 'commander';
import { buildApp } from './app';
import { type Config, ConfigError, loadConfig } from './config';
import { DataFolderBusyError, lockDataFolder } from './data-lock';
import { DEMO_ACCOUNTS } from './demo-accounts';
import { systemActor } from './modules/access/actor';
import { loadAlertTypes } from './modules/alerts/types';
import { verifyAuditChain } from './modules/audit/service';
import { hashPassword } from './modules/auth/passwords';
import { simulateAlertHistory } from './modules/demo/alerts';
import { loadDemo } from './modules/demo/generate';
import { CsvSyntaxError } from './modules/imports/csv';
import { findDuplicates } from './modules/imports/dedupe';
import { ImportFileError } from './modules/imports/files';
import { ImportBusyError, markInterruptedImports, runImport } from './modules/imports/pipeline';
import { getBatch, rejectsCsv } from './modules/imports/service';
import { startAlertJobs } from './modules/notify/jobs';
import { loadPathways } from './modules/tracking/pathways';
import { RecomputeBusyError, recompute } from './modules/tracking/recompute';
import { createUser } from './modules/users/service';
import { VERSION } from './version';

/** Open the configured database for a command; on the embedded database, take the data folder first. */
async function open(
  config: Config,
  command: string,
  port: number | null = null,
): Promise<{ database: Database; release: () => void }> {
  const release = config.databaseUrl ? () => {} : lockDataFolder(config.dataDir, command, port);
  try {
    const database = await connect({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      poolSize: config.poolSize,
    });
    return { database, release };
  } catch (error) {
    release();
    throw error;
  }
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a positive whole number');
  return n;
}

function calendarDate(value: string): string {
  if (!isCalendarDate(value)) throw new InvalidArgumentError('a date YYYY-MM-DD');
  return value;
}

async function isEmpty(database: Database): Promise<boolean> {
  const row = await database.db.selectFrom('territory').select('code').limit(1).executeTakeFirst();
  return row === undefined;
}

async function runDemo(database: Database, config: Config, households: number, seed: number) {
  const started = Date.now();
  const summary = await loadDemo(database, {
    households,
    seed,
    passwordHash: await hashPassword(config.demoPassword),
  });
  const tracked = await recompute(database, { asOf: todayInPeru(), databaseUrl: config.databaseUrl });
  const alerts = await simulateAlertHistory(database, { seed });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `Demo loaded in ${seconds} s: ${summary.households} households, ${summary.persons} persons, ` +
      `${tracked.persons} tracked (${tracked.lights.red} red, ${tracked.lights.amber} amber, ${tracked.lights.green} green), ` +
      `${summary.childrenUnder36Months} children under 36 months, ${summary.pregnancies} pregnancies, ` +
      `${summary.institutions} institutions, ${summary.territories} territories; ` +
      `${alerts.alerts} alerts (${alerts.raisedByPeople} raised at visits), ${alerts.referred} referred, ${alerts.attended} attended.`,
  );
  printDemoAccounts(config);
}

function printDemoAccounts(config: Config) {
  console.log(`\nDemo accounts (password for all: ${config.demoPassword}):`);
  for (const a of DEMO_ACCOUNTS) console.log(`  ${a.username.padEnd(22)} ${a.description}`);
  console.log('');
}

const program = new Command();
program.name('tejido').description('Tejido: territorial social-protection network').version(VERSION);

program
  .command('start')
  .description(
    'Migrate the database, load the demo into an empty embedded database, and serve the API and web app',
  )
  .action(async () => {
    const config = loadConfig();
    const { database, release } = await open(config, 'tejido start', config.port);
    const applied = await migrate(database);
    if (applied.length > 0) console.log(`Migrated: ${applied.join(', ')}`);
    if (config.demo && (await isEmpty(database))) {
      console.log(
        `Empty database: loading the demo (${config.demoHouseholds} households, seed ${config.demoSeed})…`,
      );
      await runDemo(database, config, config.demoHouseholds, config.demoSeed);
    } else if (config.demo) {
      printDemoAccounts(config);
    }
    // A faulty pathway or alert-types file stops the start here, with its file, line and reason.
    loadPathways();
    loadAlertTypes();
    const run = await database.db.selectFrom('tracking_run').select('as_of').executeTakeFirst();
    if (run && run.as_of < todayInPeru()) {
      if (database.engine === 'pglite') {
        const r = await recompute(database, { asOf: todayInPeru() });
        console.log(
          `Statuses were as of ${run.as_of}: recomputed ${r.persons} as of ${r.asOf} in ${r.seconds.toFixed(1)} s.`,
        );
      } else {
        console.warn(
          `Tracking statuses are as of ${run.as_of}: run \`tejido recompute\` daily (e.g. from cron).`,
        );
      }
    }
    const interrupted = await markInterruptedImports(database);
    if (interrupted > 0)
      console.warn(
        `${interrupted} import(s) had been interrupted: import the same file again to complete it.`,
      );
    const app = await buildApp({ database, config });
    // Deadlines, reminders, escalations, notifications and webhook deliveries, every 30 s.
    const jobs = startAlertJobs({ database, config, log: app.log });
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      app.log.info(`${signal}: stopping`);
      await jobs.stop();
      await app.close();
      await database.close();
      release();
      process.exit(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
    await app.listen({ port: config.port, host: config.host });
    console.log(
      `Tejido is serving on http://localhost:${config.port} (database: ${database.engine} at ${database.location})`,
    );
  });

program
  .command('migrate')
  .description('Apply the database migrations not yet applied')
  .action(async () => {
    const config = loadConfig();
    const { database, release } = await open(config, 'tejido migrate');
    try {
      const applied = await migrate(database);
      console.log(applied.length > 0 ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
    } finally {
      await database.close();
      release();
    }
  });

program
  .command('demo')
  .description('Load a deterministic demo population into an empty database')
  .option('--households <n>', 'number of households', positiveInt, 2000)
  .option('--seed <s>', 'random seed (same seed, same population)', positiveInt, 2021)
  .action(async (options: { households: number; seed: number }) => {
    const config = loadConfig();
    const { database, release } = await open(config, 'tejido demo');
    try {
      await migrate(database);
      if (!(await isEmpty(database))) {
        throw new UsageError('The database already has data: the demo loads into an empty database only.');
      }
      await runDemo(database, config, options.households, options.seed);
    } finally {
      await database.close();
      release();
    }
  });

program
  .command('recompute')
  .description('Recompute the tracking status of every child and pregnant woman (a new day, a new pathway)')
  .option('--as-of <date>', 'the date to evaluate as of, YYYY-MM-DD (default: today in Peru)', calendarDate)
  .option('--workers <n>', 'worker threads on a PostgreSQL server (default: one per core)', positiveInt)
  .action(async (options: { asOf?: string; workers?: number }) => {
    const config = loadConfig();
    const asOf = options.asOf ?? todayInPeru();
    if (asOf > todayInPeru()) throw new UsageError('--as-of cannot be in the future');
    const { database, release } = await open(config, 'tejido recompute');
    try {
      await migrate(database);
      const r = await recompute(database, {
        asOf,
        databaseUrl: config.databaseUrl,
        ...(options.workers ? { workers: options.workers } : {}),
      });
      console.log(
        `Recomputed ${r.persons} tracked persons as of ${r.asOf} in ${r.seconds.toFixed(1)} s ` +
          `(${r.lights.red} red, ${r.lights.amber} amber, ${r.lights.green} green; ${r.ranges} ranges, ${r.workers || 1} ${r.workers > 1 ? 'workers' : 'worker'}); ` +
          `rule alerts: ${r.alerts.raised} raised, ${r.alerts.closed} closed in ${r.alerts.seconds.toFixed(1)} s.`,
      );
    } finally {
      await database.close();
      release();
    }
  });

const user = program.command('user').description('Manage staff accounts');
user
  .command('add')
  .description('Create a staff account')
  .requiredOption('--username <username>')
  .requiredOption('--name <display name>')
  .requiredOption('--role <role>', `one of: ${Role.options.join(', ')}`)
  .option('--territory <code>', 'territory scope (coordinator, case_worker, data_steward)')
  .option('--institution <id>', 'institution scope (institution_agent)')
  .option('--national', 'national scope (programme_admin, data_steward, coordinator)')
  .option('--password-stdin', 'read the password from standard input instead of TEJIDO_NEW_PASSWORD')
  .action(
    async (options: {
      username: string;
      name: string;
      role: string;
      territory?: string;
      institution?: string;
      national?: boolean;
      passwordStdin?: boolean;
    }) => {
      const role = Role.safeParse(options.role);
      if (!role.success) throw new UsageError(`--role must be one of: ${Role.options.join(', ')}`);
      const scope = Scope.parse(
        options.territory
          ? { kind: 'territory', territoryCode: options.territory }
          : options.institution
            ? { kind: 'institution', institutionId: options.institution }
            : options.national
              ? { kind: 'national' }
              : role.data === 'field_worker'
                ? { kind: 'assigned' }
                : role.data === 'auditor'
                  ? { kind: 'none' }
                  : { kind: 'national' },
      );
      const password = options.passwordStdin ? (await readStdin()).trim() : process.env.TEJIDO_NEW_PASSWORD;
      if (!password)
        throw new UsageError('Give the password through TEJIDO_NEW_PASSWORD or --password-stdin.');
      const config = loadConfig();
      const { database, release } = await open(config, 'tejido user add');
      try {
        await migrate(database);
        const me = await createUser(database.db, systemActor('tejido user add'), {
          username: options.username,
          displayName: options.name,
          password,
          role: role.data,
          scope,
        });
        console.log(`Created ${me.username} (${me.role}, ${me.scopeLabel}), id ${me.id}`);
      } finally {
        await database.close();
        release();
      }
    },
  );

program
  .command('alerts')
  .description(
    'Run the alert jobs once: deadline reminders and escalations, notifications and webhook deliveries (for cron when the server runs elsewhere)',
  )
  .action(async () => {
    const config = loadConfig();
    const { database, release } = await open(config, 'tejido alerts');
    try {
      await migrate(database);
      const jobs = startAlertJobs({ database, config, log: console });
      await jobs.runOnce();
      await jobs.stop();
      console.log('Alert jobs done: deadlines checked, notifications and webhooks sent.');
    } finally {
      await database.close();
      release();
    }
  });

program
  .command('import')
  .description(
    'Import a file from another system: kind health (CSV/XLSX), fhir (Bundle JSON or NDJSON), births or school; ' +
      'the same file twice stores nothing new, an interrupted import is completed by running it again',
  )
  .argument('<kind>', 'health, fhir, births or school')
  .argument('<file>', 'the file to import')
  .option('--mapping <file>', 'a mapping file (YAML) for a layout other than the documented one')
  .option('--no-statuses', 'leave the tracking statuses to the next recompute')
  .option('--rejects <file>', 'write the rejected and held rows to this CSV file')
  .action(
    async (
      kind: string,
      file: string,
      options: { mapping?: string; statuses: boolean; rejects?: string },
    ) => {
      const parsedKind = ImportKind.safeParse(kind);
      if (!parsedKind.success)
        throw new UsageError(`Unknown kind "${kind}": use health, fhir, births or school`);
      if (!existsSync(file)) throw new UsageError(`No such file: ${file}`);
      const config = loadConfig();
      const { database, release } = await open(config, 'tejido import');
      const bar = progressBar();
      try {
        await migrate(database);
        // The command line is run by whoever administers the server: the batch and audit name them.
        const actor = systemActor(`tejido import (${userInfo().username})`);
        const outcome = await runImport(database, {
          kind: parsedKind.data,
          path: file,
          fileName: basename(file),
          mapping: options.mapping
            ? { text: readFileSync(options.mapping, 'utf8'), fileName: basename(options.mapping) }
            : undefined,
          actor,
          databaseUrl: config.databaseUrl,
          refreshStatuses: options.statuses,
          onProgress: bar.update,
        });
        bar.done();
        const b = await getBatch(database.db, actor, outcome.batchId);
        if (outcome.alreadyImported) {
          console.log(
            `This file was imported on ${b.startedAt.slice(0, 10)} (batch ${b.id}): nothing new stored.`,
          );
        }
        const c = b.counts;
        console.log(
          `${outcome.resumed ? 'Completed the interrupted import' : 'Imported'} ${b.fileName} (${b.format}${b.encoding ? `, ${b.encoding}` : ''}${b.delimiter ? `, delimiter "${b.delimiter === '\t' ? 'tab' : b.delimiter}"` : ''}) in ${outcome.seconds.toFixed(1)} s: ` +
            `${c.read} rows read, ${c.imported} stored, ${c.duplicates} already stored, ${c.rejected} rejected, ` +
            `${c.review} for review, ${c.unmatched} unmatched; linked ${c.linkedByDocument} by identity number and ${c.linkedByAttributes} by name and birth date; ` +
            `${c.personsTouched} persons updated. Batch ${b.id}.`,
        );
        if (options.rejects) {
          const out = createWriteStream(options.rejects);
          for await (const piece of rejectsCsv(database.db, actor, b.id)) out.write(piece);
          await new Promise<void>((resolve, reject) =>
            out.end((error?: Error | null) => (error ? reject(error) : resolve())),
          );
          console.log(`Rejected and held rows written to ${options.rejects}.`);
        } else if (c.rejected + c.review + c.unmatched > 0) {
          console.log('Add --rejects FILE to write the rejected and held rows with their reasons.');
        }
      } catch (error) {
        bar.done();
        if (
          error instanceof ImportFileError ||
          error instanceof CsvSyntaxError ||
          error instanceof ImportBusyError
        ) {
          throw new UsageError(
            `${basename(file)}: ${error.message.replace(/\.$/, '')}. Nothing was imported.`,
          );
        }
        throw error;
      } finally {
        await database.close();
        release();
      }
    },
  );

program
  .command('dedupe')
  .description(
    "Find likely duplicate persons in the registry (same person registered twice) for the data steward's queue",
  )
  .action(async () => {
    const config = loadConfig();
    const { database, release } = await open(config, 'tejido dedupe');
    const bar = progressBar();
    try {
      await migrate(database);
      const actor = systemActor(`tejido dedupe (${userInfo().username})`);
      const r = await findDuplicates(database, actor, {
        onProgress: (done, total) => bar.update({ phase: 'linking', done, total }),
      });
      bar.done();
      console.log(
        `Compared ${r.persons} persons in ${r.seconds.toFixed(1)} s: ${r.pairs} new likely duplicate pairs for review (GET /api/v1/duplicates).`,
      );
    } finally {
      await database.close();
      release();
    }
  });

/** A progress bar on a terminal; a line every 10 % otherwise. */
function progressBar() {
  const tty = process.stderr.isTTY;
  let lastPhase = '';
  let lastTenth = -1;
  const names = {
    reading: 'Reading and storing',
    linking: 'Linking by name and birth date',
    statuses: 'Updating statuses',
  };
  return {
    update(p: { phase: 'reading' | 'linking' | 'statuses'; done: number; total: number }) {
      const share = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
      if (tty) {
        const width = 30;
        const filled = Math.round(share * width);
        process.stderr.write(
          `\r${names[p.phase].padEnd(32)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)} %  ${p.done.toLocaleString('en')}/${p.total.toLocaleString('en')}   `,
        );
      } else {
        const tenth = Math.floor(share * 10);
        if (p.phase !== lastPhase || tenth !== lastTenth) {
          process.stderr.write(`${names[p.phase]}: ${(share * 100).toFixed(0)} % (${p.done}/${p.total})\n`);
          lastTenth = tenth;
        }
      }
      lastPhase = p.phase;
    },
    done() {
      if (tty && lastPhase) process.stderr.write('\n');
      lastPhase = '';
    },
  };
}

const auditCommand = program.command('audit').description('The audit trail');
auditCommand
  .command('verify')
  .description('Recompute the hash chain of the audit trail and report the first broken entry')
  .action(async () => {
    const config = loadConfig();
    const { database, release } = await open(config, 'tejido audit verify');
    try {
      const result = await verifyAuditChain(database.db);
      if (result.ok) console.log(`Audit trail intact: ${result.entries} entries verified.`);
      else {
        console.error(
          `Audit trail BROKEN at entry ${result.firstBroken!.seq}: ${result.firstBroken!.reason} (${result.entries} entries verified before it).`,
        );
        process.exitCode = 3;
      }
    } finally {
      await database.close();
      release();
    }
  });

class UsageError extends Error {}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

program.parseAsync().catch((error: unknown) => {
  if (
    error instanceof ConfigError ||
    error instanceof DataFolderBusyError ||
    error instanceof UsageError ||
    error instanceof RecomputeBusyError ||
    error instanceof ConfigFileError
  ) {
    console.error(error.message);
    process.exit(2);
  }
  const e = error as { code?: string; errors?: Array<{ field: string; message: string }>; message?: string };
  if (e?.errors?.length) {
    console.error(`${e.message}\n${e.errors.map((x) => `  ${x.field}: ${x.message}`).join('\n')}`);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});
