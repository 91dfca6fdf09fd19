import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { testEngine } from '@tejido/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
const dataDir = mkdtempSync(join(tmpdir(), 'tejido-cli-'));
const serverUrl = process.env.TEJIDO_TEST_DATABASE_URL;
const databaseName = `tejido_cli_${process.pid}`;
/** On the server engine the command line gets a database of its own, as a deployment would. */
const databaseUrl = serverUrl ? Object.assign(new URL(serverUrl), { pathname: `/${databaseName}` }).href : '';

async function admin(sql: string) {
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

function tejido(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'apps/server/src/cli.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, TEJIDO_DATA_DIR: dataDir, DATABASE_URL: databaseUrl, ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe(`the tejido command line (${testEngine})`, () => {
  beforeAll(async () => {
    if (serverUrl) await admin(`CREATE DATABASE ${databaseName}`);
  });
  afterAll(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    if (serverUrl) await admin(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
  });

  it('migrates an empty database, then reports it up to date', () => {
    const first = tejido(['migrate']);
    expect(first.out).toContain('Applied: 0001_foundation.sql');
    expect(first.code).toBe(0);
    expect(tejido(['migrate']).out).toContain('up to date');
  });

  it('loads a demo of the size asked, and refuses to load it twice', () => {
    const r = tejido(['demo', '--households', '60', '--seed', '7']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Demo loaded in [\d.]+ s: 60 households, \d+ persons/);
    expect(r.out).toContain('coordinador');
    const again = tejido(['demo', '--households', '60']);
    expect(again.code).toBe(2);
    expect(again.out).toContain('already has data');
    const bad = tejido(['demo', '--households', 'many']);
    expect(bad.code).not.toBe(0);
    expect(bad.out).toContain('a positive whole number');
  });

  it('creates an account and refuses a role that does not exist', () => {
    const ok = tejido(
      ['user', 'add', '--username', 'rquispe', '--name', 'Rosa Quispe', '--role', 'programme_admin'],
      { TEJIDO_NEW_PASSWORD: 'una-clave-larga' },
    );
    expect(ok.out).toMatch(/Created rquispe \(programme_admin/);
    const bad = tejido(['user', 'add', '--username', 'x', '--name', 'X', '--role', 'jefe'], {
      TEJIDO_NEW_PASSWORD: 'una-clave-larga',
    });
    expect(bad.code).toBe(2);
    expect(bad.out).toContain('--role must be one of');
  });

  it('verifies the audit trail', () => {
    const r = tejido(['audit', 'verify']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Audit trail intact: \d+ entries verified/);
  });

  it.skipIf(serverUrl)('refuses to open a data folder another live process holds', () => {
    writeFileSync(
      join(dataDir, 'tejido.lock'),
      JSON.stringify({
        pid: process.pid,
        port: 8080,
        command: 'tejido start',
        since: new Date().toISOString(),
      }),
    );
    const r = tejido(['migrate']);
    expect(r.code).toBe(2);
    expect(r.out).toContain('is in use by Tejido (tejido start');
    rmSync(join(dataDir, 'tejido.lock'));
  });

  it('stops at start with a clear message on a wrong setting', () => {
    const r = tejido(['migrate'], { PORT: 'eighty' });
    expect(r.code).toBe(2);
    expect(r.out).toContain('PORT');
  });
});
