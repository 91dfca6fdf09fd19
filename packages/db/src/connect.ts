import { mkdirSync } from 'node:fs';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { PGliteDialect } from './pglite-dialect';
import type { DB } from './tables';

export type Engine = 'pglite' | 'postgres';

export interface Database {
  readonly engine: Engine;
  readonly db: Kysely<DB>;
  /** Where the data lives, for messages: a folder for PGlite, the server URL without password otherwise. */
  readonly location: string;
  /**
   * Bulk-load CSV text into a table with COPY. The floor every bulk path is measured against.
   * `csv` yields chunks of CSV lines (no header), each ending in a newline.
   */
  copyIn(
    table: string,
    columns: readonly string[],
    csv: AsyncIterable<string> | Iterable<string>,
  ): Promise<void>;
  /** Run a COPY ... TO STDOUT query and return the CSV text (small exports and tests only). */
  copyOut(query: string): Promise<string>;
  /**
   * Run a COPY ... TO STDOUT query (text format: tab-separated, `\N` for NULL, no header) and
   * yield its lines in batches, streamed from a server; PGlite gives its result in one piece.
   */
  copyOutLines(query: string): AsyncGenerator<string[]>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** postgres://… to use a PostgreSQL server; otherwise the embedded PGlite. */
  databaseUrl?: string | undefined;
  /** Folder for PGlite data; undefined means in memory (tests). */
  dataDir?: string | undefined;
  /** Pool size for the server. */
  poolSize?: number;
  /**
   * Settings for every server session, e.g. `{ jit: 'off', work_mem: '64MB' }` for a bulk job
   * (sent as the connection's startup options; names and values are checked).
   */
  settings?: Readonly<Record<string, string>>;
}

// Dates stay as 'YYYY-MM-DD' strings: a birth date is a calendar day, not an instant, and
// a Date would shift it by the server's time zone. int8 counts fit a JS number at our sizes.
const DATE_OID = 1082;
const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** Open the database chosen by the options: PostgreSQL when a URL is given, PGlite otherwise. */
export async function connect(options: ConnectOptions = {}): Promise<Database> {
  return options.databaseUrl
    ? connectPostgres(options.databaseUrl, options.poolSize ?? 10, options.settings ?? {})
    : connectPGlite(options.dataDir);
}

async function connectPGlite(dataDir: string | undefined): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  // Loaded only here: a process on a PostgreSQL server (and its recompute workers) never needs it.
  const [{ PGlite }, { pg_trgm }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite/contrib/pg_trgm'),
  ]);
  const client = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    extensions: { pg_trgm },
    parsers: {
      [DATE_OID]: (value: string) => value,
      [INT8_OID]: (value: string) => Number(value),
      [NUMERIC_OID]: (value: string) => Number(value),
    },
  });
  const db = new Kysely<DB>({ dialect: new PGliteDialect(client) });
  return {
    engine: 'pglite',
    db,
    location: dataDir ?? 'memory',
    async copyIn(table, columns, csv) {
      const parts: string[] = [];
      for await (const chunk of csv) parts.push(chunk);
      const blob = new Blob(parts, { type: 'text/csv' });
      await db.connection().execute(async (conn) => {
        // Holding Kysely's connection keeps other requests out of PGlite while COPY runs.
        void conn;
        await client.query(`COPY ${table} (${columns.join(', ')}) FROM '/dev/blob' WITH (FORMAT csv)`, [], {
          blob,
        });
      });
    },
    async copyOut(query) {
      const result = await client.query(`COPY (${query}) TO '/dev/blob' WITH (FORMAT csv, HEADER)`);
      return result.blob ? await result.blob.text() : '';
    },
    async *copyOutLines(query) {
      const text = await db.connection().execute(async () => {
        const result = await client.query(`COPY (${query}) TO '/dev/blob'`);
        return result.blob ? await result.blob.text() : '';
      });
      yield* splitLines([text]);
    },
    async close() {
      await db.destroy();
    },
  };
}

/** Whole lines of text arriving in pieces, in batches (the last line may lack its newline). */
async function* splitLines(pieces: AsyncIterable<string> | Iterable<string>): AsyncGenerator<string[]> {
  let rest = '';
  for await (const piece of pieces) {
    const text = rest + piece;
    const end = text.lastIndexOf('\n');
    if (end === -1) {
      rest = text;
      continue;
    }
    rest = text.slice(end + 1);
    yield text.slice(0, end).split('\n');
  }
  if (rest !== '') yield [rest];
}

async function connectPostgres(
  url: string,
  poolSize: number,
  settings: Readonly<Record<string, string>>,
): Promise<Database> {
  const types = {
    getTypeParser(oid: number, format?: 'text' | 'binary') {
      if (oid === DATE_OID) return (value: string) => value;
      if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
      // biome-ignore lint/suspicious/noExplicitAny: pg's own parser table is untyped.
      return pg.types.getTypeParser(oid, format as any);
    },
  };
  const options = Object.entries(settings)
    .map(([name, value]) => {
      if (!/^[a-z_]+$/.test(name) || !/^[A-Za-z0-9_.]+$/.test(value)) {
        throw new RangeError(`not a PostgreSQL setting: ${name}=${value}`);
      }
      return `-c ${name}=${value}`;
    })
    .join(' ');
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types, ...(options ? { options } : {}) });
  // An idle connection that the server ends (a restart, pg_terminate_backend, a dropped database)
  // is removed from the pool and the next query opens a new one. Without a listener, pg would
  // raise the idle client's error as an uncaught exception and stop the process.
  pool.on('error', () => undefined);
  // Fail now with the server's message rather than on the first request.
  const probe = await pool.connect();
  probe.release();
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  const safeUrl = url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
  return {
    engine: 'postgres',
    db,
    location: safeUrl,
    async copyIn(table, columns, csv) {
      const client = await pool.connect();
      let failure: unknown;
      try {
        const stream = client.query(
          copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN WITH (FORMAT csv)`),
        );
        await new Promise<void>((resolve, reject) => {
          stream.on('error', reject);
          stream.on('finish', resolve);
          (async () => {
            for await (const chunk of csv) {
              if (!stream.write(chunk)) await new Promise((r) => stream.once('drain', r));
            }
            stream.end();
          })().catch((error: unknown) => {
            // The rows' source failed: abort the COPY (the server rolls it back) and report it.
            stream.destroy(error instanceof Error ? error : new Error(String(error)));
            reject(error);
          });
        });
      } catch (error) {
        failure = error;
        throw error;
      } finally {
        // A connection whose COPY failed halfway is closed rather than handed to the next user.
        client.release(failure !== undefined);
      }
    },
    async copyOut(query) {
      const client = await pool.connect();
      try {
        const stream = client.query(copyTo(`COPY (${query}) TO STDOUT WITH (FORMAT csv, HEADER)`));
        const chunks: Buffer[] = [];
        for await (const chunk of stream) chunks.push(chunk as Buffer);
        return Buffer.concat(chunks).toString('utf8');
      } finally {
        client.release();
      }
    },
    async *copyOutLines(query) {
      const client = await pool.connect();
      let complete = false;
      try {
        const stream = client.query(copyTo(`COPY (${query}) TO STDOUT`));
        const decoder = new TextDecoder('utf-8');
        yield* splitLines(
          (async function* () {
            for await (const chunk of stream) yield decoder.decode(chunk as Buffer, { stream: true });
          })(),
        );
        complete = true;
      } finally {
        // A COPY failed or abandoned halfway leaves the connection mid-protocol: close it.
        client.release(!complete);
      }
    },
    async close() {
      await db.destroy();
    },
  };
}
