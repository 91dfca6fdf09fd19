import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type RunningTejido, signInPage, startTejido } from './server';

interface Row {
  personId: string;
  givenNames: string;
  firstSurname: string;
  light: string;
  urgency: number;
  ageMonths: number | null;
}

/** A day in Peru some days before today, as the API (yyyy-mm-dd) and the app (dd/mm/yyyy) write it. */
function daysAgoInPeru(days: number): { iso: string; text: string } {
  const iso = new Date(Date.now() - 5 * 3_600_000 - days * 86_400_000).toISOString().slice(0, 10);
  const [y, m, d] = iso.split('-');
  return { iso, text: `${d}/${m}/${y}` };
}

/** Today in Peru as the app writes it: dd/mm/yyyy. */
function todayInPeruText(): string {
  return daysAgoInPeru(0).text;
}

describe('the roster and person tracking in Chromium', () => {
  let tejido: RunningTejido;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    tejido = await startTejido(18_732);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await tejido?.stop();
  });
  afterEach(async (context) => {
    if (context.task.result?.state === 'fail' && page) {
      mkdirSync('test-results', { recursive: true });
      await page.screenshot({
        path: `test-results/${context.task.name.replace(/\W+/g, '-')}.png`,
        fullPage: true,
      });
    }
    await page?.context().close();
  });

  async function signIn(username: string, viewport = { width: 1280, height: 800 }) {
    page = await signInPage(browser, tejido.url, username, { viewport });
  }

  /** The roster as the API gives it to an account, to compare with what the page shows. */
  async function apiRoster(username: string, query: string) {
    const login = await fetch(`${tejido.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: 'demo-tejido' }),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const response = await fetch(`${tejido.url}/api/v1/rosters?${query}`, { headers: { cookie } });
    expect(response.status).toBe(200);
    return (await response.json()) as {
      asOf: string;
      counts: { total: number; red: number };
      rows: Row[];
    };
  }

  it('lists the red ones most urgent first, and opens one with its pathway and growth chart', async () => {
    await signIn('coordinador');
    await page.getByRole('link', { name: 'Padrón nominal' }).first().click();
    await page.getByRole('heading', { name: 'Padrón nominal' }).waitFor();
    await page.getByText(/Padrón al \d{2}\/\d{2}\/\d{4}/).waitFor();

    await page.getByRole('button', { name: /^Rojo: / }).click();
    await page.waitForURL(/semaforo=rojo/);
    await page.locator('button[data-light="red"][aria-pressed="true"]').waitFor();
    const table = page.getByRole('table', { name: 'Personas del padrón' });
    await table.locator('tbody tr').first().waitFor();

    // Every row is red, said in words, and in the order of urgency the server gives.
    const lights = await table
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-light')));
    expect(lights.length).toBeGreaterThan(0);
    expect(new Set(lights)).toEqual(new Set(['red']));
    await expect(
      table.locator('tbody tr').first().getByText('Rojo', { exact: true }).isVisible(),
    ).resolves.toBe(true);
    const expected = await apiRoster('coordinador', 'light=red&limit=50');
    const names = await table.locator('tbody tr th a').allTextContents();
    expect(names.slice(0, 10)).toEqual(
      expected.rows.slice(0, 10).map((r) => expect.stringContaining(`${r.givenNames} ${r.firstSurname}`)),
    );
    const urgencies = expected.rows.map((r) => r.urgency);
    expect([...urgencies].sort((a, b) => b - a)).toEqual(urgencies);

    await table.locator('tbody tr th a').first().click();
    await page.getByRole('heading', { name: 'Atenciones del paquete' }).waitFor();
    await page.getByRole('heading', { name: /^Vencidas \(\d+\)$/ }).waitFor();
    await page.getByRole('heading', { name: /^Hechas \(\d+\)$/ }).waitFor();
    const chart = page.locator('[data-indicator="weightForAge"] svg[role="img"]');
    await chart.waitFor();
    expect(await chart.locator('path[data-sd="0"]').count()).toBe(1);
    expect(await chart.locator('title').first().textContent()).toBe('Peso para la edad');
  });

  it('shows the roster as it stood 60 days ago, rebuilt from the records known then', async () => {
    await signIn('coordinador');
    await page.getByRole('link', { name: 'Padrón nominal' }).first().click();
    await page.getByText(/Padrón al \d{2}\/\d{2}\/\d{4}/).waitFor();

    const past = daysAgoInPeru(60);
    const input = page.getByRole('textbox', { name: 'Padrón al', exact: true });
    await input.fill(past.text);
    await input.press('Tab');
    await page.waitForURL(new RegExp(`[?&]al=${past.iso}(&|$)`));
    await page.getByText(`Padrón reconstruido al ${past.text} con los registros conocidos ese día`).waitFor();
    await page.getByText(`Padrón al ${past.text}`, { exact: true }).waitFor();
    await expect(input.inputValue()).resolves.toBe(past.text);

    // The counts are the past roster's, as the API gives it for that date.
    const expected = await apiRoster('coordinador', `asOf=${past.iso}&limit=1`);
    expect(expected.asOf).toBe(past.iso);
    expect(expected.counts.total).toBeGreaterThan(0);
    const all = page.getByRole('button', { name: /^Todos: \d/ });
    await all.waitFor();
    expect(await all.getAttribute('aria-label')).toContain(
      `Todos: ${expected.counts.total.toLocaleString('en-US')}`,
    );
    await page.getByRole('table', { name: 'Personas del padrón' }).locator('tbody tr').first().waitFor();

    // Printing and downloading keep the date.
    await expect(page.getByRole('link', { name: 'Imprimir' }).getAttribute('href')).resolves.toContain(
      `al=${past.iso}`,
    );
    await expect(page.getByRole('link', { name: 'Descargar Excel' }).getAttribute('href')).resolves.toContain(
      `asOf=${past.iso}`,
    );
  });

  it('records a hemoglobin of 9.0 g/dL today and shows it in the history', async () => {
    await signIn('coordinador');
    await page.goto(`${tejido.url}/padron?sujeto=ninos&edad=6-11`);
    const table = page.getByRole('table', { name: 'Personas del padrón' });
    await table.locator('tbody tr th a').first().click();
    await page.getByRole('heading', { name: 'Registrar atención' }).waitFor();

    await page.getByRole('textbox', { name: 'Qué se hizo' }).click();
    await page.getByRole('option', { name: 'Hemoglobina', exact: true }).click();
    await expect(page.getByRole('textbox', { name: 'Fecha' }).inputValue()).resolves.toBe(todayInPeruText());
    await page.getByRole('textbox', { name: 'Hemoglobina (g/dL)' }).fill('9.0');
    await page.getByRole('button', { name: 'Registrar' }).click();
    await page.getByText('Atención registrada').waitFor();
    await page.getByText('Semáforo ahora:').waitFor();

    const history = page.getByTestId('hemoglobin-history');
    const today = history.locator('tbody tr', { hasText: todayInPeruText() }).filter({ hasText: '9.0 g/dL' });
    await today.first().waitFor();
  });

  it('gives a field worker only their roster on a phone, without sideways scrolling', async () => {
    await signIn('gestor', { width: 360, height: 740 });
    await page.goto(`${tejido.url}/padron`);
    const cards = page.getByRole('list', { name: 'Personas del padrón' });
    await cards.locator('li').first().waitFor();

    const own = await apiRoster('gestor', 'limit=1');
    const all = await apiRoster('coordinador', 'limit=1');
    expect(own.counts.total).toBeGreaterThan(0);
    expect(own.counts.total).toBeLessThan(all.counts.total);
    const total = await page.getByRole('button', { name: /^Todos: / }).getAttribute('aria-label');
    expect(total).toContain(`Todos: ${own.counts.total.toLocaleString('en-US')}`);

    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
    expect(overflow).toBe(false);

    // The person page fits the phone too.
    await cards.locator('li a').first().click();
    await page.getByRole('heading', { name: 'Atenciones del paquete' }).waitFor();
    await page.getByRole('heading', { name: 'Registrar atención' }).waitFor();
    const overflowPerson = await page.evaluate(
      () => document.documentElement.scrollWidth > window.innerWidth + 1,
    );
    expect(overflowPerson).toBe(false);
  });

  it('says under the field that a weight of 0 kg is not possible', async () => {
    await signIn('gestor', { width: 360, height: 740 });
    await page.goto(`${tejido.url}/padron?sujeto=ninos`);
    const cards = page.getByRole('list', { name: 'Personas del padrón' });
    await cards.locator('li a').first().click();
    await page.getByRole('heading', { name: 'Registrar atención' }).waitFor();

    await page.getByRole('textbox', { name: 'Qué se hizo' }).click();
    await page.getByRole('option', { name: 'Control CRED', exact: true }).click();
    const weight = page.getByRole('textbox', { name: 'Peso (kg)' });
    await weight.fill('0');
    await page.getByRole('button', { name: 'Registrar' }).click();
    await page.getByText('Revise el peso: debe ser mayor que 0 y de hasta 60 kg.').waitFor();
    await expect(weight.getAttribute('aria-invalid')).resolves.toBe('true');
    expect(await page.getByText('Atención registrada').count()).toBe(0);
  });
});
