import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

const ROOT = resolve(import.meta.dirname, '..');

export interface RunningTejido {
  url: string;
  stop(): Promise<void>;
}

/** Start a real Tejido (embedded database, small demo) exactly as `npm start` does. */
export async function startTejido(port: number, households = 300): Promise<RunningTejido> {
  if (!existsSync(join(ROOT, 'apps/web/dist/index.html'))) {
    throw new Error('The web app is not built: run `npm run build -w @tejido/web` (npm install does it).');
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'tejido-e2e-'));
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'apps/server/src/cli.ts', 'start'],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        TEJIDO_DATA_DIR: dataDir,
        TEJIDO_DEMO_HOUSEHOLDS: String(households),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`tejido start exited with code ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      // not yet listening
    }
    if (Date.now() > deadline) throw new Error('Tejido did not answer /health within 120 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium, headless, kept off the network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.TEJIDO_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Sign in through the API and return a member with an identity number, to search for in the browser. */
export async function findSearchableMember(
  url: string,
): Promise<{ document: string; householdCode: string; name: string }> {
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'coordinador', password: 'demo-tejido' }),
  });
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const page = (await (await fetch(`${url}/api/v1/households?limit=20`, { headers: { cookie } })).json()) as {
    items: Array<{ id: string; code: string }>;
  };
  for (const h of page.items) {
    const household = (await (
      await fetch(`${url}/api/v1/households/${h.id}`, { headers: { cookie } })
    ).json()) as {
      members: Array<{ document: { number: string } | null; givenNames: string; firstSurname: string }>;
    };
    const member = household.members.find((m) => m.document);
    if (member)
      return {
        document: member.document!.number,
        householdCode: h.code,
        name: `${member.givenNames} ${member.firstSurname}`,
      };
  }
  throw new Error('no member with an identity number in the first households');
}

/** The password of every demo account in the browser suite. */
const DEMO_PASSWORD = 'demo-tejido';

/**
 * A page signed in to a demo account, in Spanish. Waits for the home page unless told not to
 * (a test of the sign-in itself); the caller closes the page's context.
 */
export async function signInPage(
  browser: Browser,
  url: string,
  username: string,
  options: {
    viewport?: { width: number; height: number };
    acceptDownloads?: boolean;
    waitForHome?: boolean;
  } = {},
): Promise<Page> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 800 },
    locale: 'es-PE',
    acceptDownloads: options.acceptDownloads ?? false,
  });
  const page = await context.newPage();
  await page.goto(`${url}/`);
  await page.getByLabel(/^Usuario/).fill(username);
  await page.getByLabel(/^Contraseña/).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Ingresar' }).click();
  if (options.waitForHome !== false)
    await page.getByRole('link', { name: 'Padrón nominal' }).first().waitFor();
  return page;
}

/** The session cookie of a demo account, for checking pages against the API. */
export async function apiSession(url: string, username: string): Promise<string> {
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  if (login.status !== 200) throw new Error(`sign-in of ${username}: ${login.status}`);
  return login.headers.get('set-cookie')!.split(';')[0]!;
}

/** GET an API path (after /api/v1) with a session; anything but 200 fails the test. */
export async function apiGet<T>(url: string, cookie: string, path: string): Promise<T> {
  const response = await fetch(`${url}/api/v1${path}`, { headers: { cookie } });
  if (response.status !== 200) throw new Error(`GET ${path}: ${response.status}`);
  return (await response.json()) as T;
}
