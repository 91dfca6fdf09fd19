import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  apiGet as getJson,
  launchChromium,
  type RunningTejido,
  apiSession as sessionOf,
  signInPage,
  startTejido,
} from './server';

/** A 1×1 PNG, the photo attached to the alert. */
const PIXEL_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

const SHOTS = 'test-results';

describe('alerts and referrals in Chromium', () => {
  let tejido: RunningTejido;
  let browser: Browser;
  let page: Page;
  /** The alert raised by the first test, carried through the referral. */
  let alertUrl = '';
  let householdCode = '';

  beforeAll(async () => {
    // Notifications go out in rounds of the alert jobs: every 2 s here rather than 30 s.
    process.env.TEJIDO_ALERT_JOBS_INTERVAL_MS = '2000';
    tejido = await startTejido(18_741);
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await tejido?.stop();
  });
  afterEach(async (context) => {
    if (context.task.result?.state === 'fail' && page) {
      await page.screenshot({
        path: `${SHOTS}/${context.task.name.replace(/\W+/g, '-')}.png`,
        fullPage: true,
      });
    }
    await page?.context().close();
  });

  async function signIn(username: string, viewport = { width: 1280, height: 800 }) {
    page = await signInPage(browser, tejido.url, username, { viewport });
  }

  const apiSession = (username: string) => sessionOf(tejido.url, username);

  const apiGet = <T>(cookie: string, path: string) => getJson<T>(tejido.url, cookie, path);

  /** One of the field worker's households that the health-facility agent's facility attends. */
  async function householdOfTheFacility(): Promise<{ id: string; code: string }> {
    const gestor = await apiSession('gestor');
    const ipress = await apiSession('ipress');
    const me = await apiGet<{ scope: { institutionId: string } }>(ipress, '/auth/me');
    const page = await apiGet<{ items: Array<{ id: string; code: string }> }>(gestor, '/households?limit=50');
    for (const h of page.items) {
      const household = await apiGet<{
        healthFacility: { id: string } | null;
        members: Array<{ status: string }>;
      }>(gestor, `/households/${h.id}`);
      if (
        household.healthFacility?.id === me.scope.institutionId &&
        household.members.some((m) => m.status === 'active')
      )
        return h;
    }
    throw new Error("no household of the field worker is attended by the agent's facility");
  }

  it('lets a field worker raise a "Niño o niña enferma" alert from a household page, on a phone', async () => {
    const household = await householdOfTheFacility();
    householdCode = household.code;
    await signIn('gestor', { width: 360, height: 740 });
    await page.goto(`${tejido.url}/hogares/${household.id}`);
    await page.getByRole('heading', { name: 'Alertas del hogar' }).waitFor();

    // "Nueva alerta": a button named "Registrar…" would clash with the tracking page's "Registrar".
    await page.getByRole('button', { name: 'Nueva alerta' }).click();
    const dialog = page.getByRole('dialog', { name: 'Registrar alerta' });
    await dialog.waitFor();
    await dialog.getByRole('textbox', { name: 'Tipo de alerta' }).click();
    // Only the types raised by people are offered.
    await expect(page.getByRole('option', { name: 'Vacuna vencida' }).count()).resolves.toBe(0);
    await page.getByRole('option', { name: 'Niño o niña enferma' }).click();
    await dialog.getByRole('textbox', { name: 'Persona' }).click();
    await page.getByRole('option').first().click();
    await dialog.getByRole('textbox', { name: 'Qué observó' }).fill('Fiebre alta y decaimiento desde ayer.');
    await dialog.locator('input[type="file"]').setInputFiles({
      name: 'foto.png',
      mimeType: 'image/png',
      buffer: PIXEL_PNG,
    });
    await dialog.getByRole('button', { name: 'Registrar alerta' }).click();
    await page.getByText('Alerta registrada.').waitFor();

    // The household's list shows it, and the page fits the phone.
    const list = page.getByRole('list', { name: 'Alertas del hogar' });
    await list.getByRole('link', { name: 'Niño o niña enferma' }).first().waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
    expect(overflow).toBe(false);
    await page.screenshot({ path: `${SHOTS}/alerts-household-phone.png`, fullPage: true });

    await page.getByRole('link', { name: 'Ver la alerta' }).click();
    await page.getByRole('heading', { level: 1, name: 'Niño o niña enferma' }).waitFor();
    await page.getByText('Identificada', { exact: true }).first().waitFor();
    await page
      .getByText(/vence en \d+ h/)
      .first()
      .waitFor();
    await page.getByRole('link', { name: 'foto.png' }).waitFor();
    alertUrl = page.url();
    expect(alertUrl).toMatch(/\/alertas\/[0-9a-f-]{36}$/);

    // The field worker's board holds it.
    await page.goto(`${tejido.url}/alertas?tipo=sick_child`);
    await page
      .getByRole('list', { name: 'Alertas' })
      .getByRole('link', { name: 'Niño o niña enferma' })
      .first()
      .waitFor();
    await page.screenshot({ path: `${SHOTS}/alerts-board-phone.png`, fullPage: true });
  });

  it('lets the coordinator refer it to the suggested health facility', async () => {
    expect(alertUrl).not.toBe('');
    await signIn('coordinador');
    await page.goto(alertUrl);
    await page.getByRole('heading', { name: 'Qué hacer ahora' }).waitFor();
    await page.getByRole('button', { name: 'Derivar', pressed: false }).click();
    const form = page.getByRole('form', { name: 'Derivar' });
    const institution = form.getByRole('textbox', { name: 'Institución' });
    // The competent facility nearest the household comes already chosen.
    await expect
      .poll(() => institution.inputValue(), { timeout: 10_000 })
      .toContain('Centro de Salud Ayacucho');
    await form.getByText('Competente', { exact: true }).waitFor();
    await form.getByText('En el territorio del hogar').waitFor();
    expect(await form.getByRole('textbox', { name: /Motivo para derivar/ }).count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/alerts-refer.png`, fullPage: true });
    await form.getByRole('button', { name: 'Derivar' }).click();
    await page.getByText('Alerta derivada.').waitFor();
    await page.getByText('Derivada', { exact: true }).first().waitFor();
  });

  it('tells the health-facility agent of the referral with the bell in the header', async () => {
    const ipress = await apiSession('ipress');
    await expect
      .poll(async () => (await apiGet<{ unread: number }>(ipress, '/notifications')).unread, {
        timeout: 30_000,
      })
      .toBeGreaterThan(0);
    await signIn('ipress');
    const bell = page.getByRole('button', { name: /^Notificaciones: \d+ sin leer$/ });
    await bell.click();
    const popover = page.getByRole('dialog', { name: 'Notificaciones' });
    await popover.getByText('Nueva derivación: Niño o niña enferma').first().waitFor();
    await page.screenshot({ path: `${SHOTS}/alerts-bell.png` });
    await popover.getByRole('button', { name: 'Marcar todas como leídas' }).click();
    await page.getByRole('button', { name: 'Notificaciones', exact: true }).waitFor();
  });

  it('lets the health-facility agent accept it in the inbox and record the attention', async () => {
    await signIn('ipress');
    await page.getByRole('link', { name: 'Bandeja' }).first().click();
    await page.getByRole('heading', { name: 'Bandeja de derivaciones' }).waitFor();
    await page.getByRole('tab', { name: /^Por aceptar/ }).waitFor();
    const accept = page.getByRole('button', { name: /^Aceptar: Niño o niña enferma/ }).first();
    await accept.waitFor();
    await page.screenshot({ path: `${SHOTS}/alerts-inbox.png`, fullPage: true });
    await accept.click();
    await expect.poll(() => accept.count(), { timeout: 10_000 }).toBe(0);

    await page.getByRole('tab', { name: /^Por atender/ }).click();
    await page.waitForURL(/pestana=por-atender/);
    await page
      .getByRole('button', { name: /^Registrar atención: Niño o niña enferma/ })
      .first()
      .click();
    const dialog = page.getByRole('dialog');
    await dialog
      .getByRole('textbox', { name: 'Qué se hizo' })
      .fill('Consulta médica, paracetamol y control en 48 h.');
    await dialog.getByRole('textbox', { name: 'Resultado' }).click();
    await page.getByRole('option', { name: 'En tratamiento' }).click();
    await dialog.getByRole('textbox', { name: 'Siguientes pasos' }).fill('Control el jueves.');
    await dialog.getByRole('button', { name: 'Guardar contrarreferencia' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('lets the coordinator verify and close it, with every step in the timeline', async () => {
    await signIn('coordinador');
    await page.goto(alertUrl);
    await page.getByRole('heading', { name: 'Contrarreferencia' }).first().waitFor();
    await page.getByText('Atendida', { exact: true }).first().waitFor();
    await page.getByRole('button', { name: 'Verificar y cerrar', pressed: false }).click();
    await page
      .getByRole('form', { name: 'Verificar y cerrar' })
      .getByRole('button', { name: 'Verificar y cerrar' })
      .click();
    await page.getByText('Alerta verificada y cerrada.').waitFor();
    await page.getByText('Cerrada', { exact: true }).first().waitFor();

    const steps = await page
      .locator('ol.alert-timeline > li')
      .evaluateAll((items) => items.map((li) => li.getAttribute('data-action')));
    expect(steps.filter((s) => s !== 'attach' && s !== 'remind')).toEqual([
      'raise',
      'refer',
      'accept',
      'attend',
      'verify',
    ]);
    const timeline = page.locator('ol.alert-timeline');
    await timeline.getByText('Derivada · Centro de Salud Ayacucho').waitFor();
    await timeline.getByText('De «Derivada» a «Aceptada»').waitFor();
    await timeline.getByText('Consulta médica, paracetamol y control en 48 h.').waitFor();
    await timeline.getByText('Maribel Ccahuana Rojas', { exact: false }).first().waitFor();
    await page.screenshot({ path: `${SHOTS}/alerts-closed.png`, fullPage: true });
  });

  it('shows the funnel with numbers that open the list behind them', async () => {
    await signIn('coordinador');
    await page.getByRole('link', { name: 'Embudo de alertas' }).first().click();
    await page.getByRole('heading', { name: 'Embudo de alertas' }).waitFor();
    const bars = page.getByTestId('funnel-bars');
    await bars.waitFor();
    const closed = bars.locator('li[data-stage="closed"] a');
    const identified = Number(
      (await bars.locator('li[data-stage="identified"] a').textContent())?.replace(/\D/g, ''),
    );
    expect(identified).toBeGreaterThan(0);
    expect(Number((await closed.textContent())?.replace(/\D/g, ''))).toBeGreaterThanOrEqual(1);
    await expect(bars.locator('li[data-stage="identified"]').textContent()).resolves.toContain('100 %');
    await page.getByRole('heading', { name: 'Tiempos por etapa' }).waitFor();
    await page.getByRole('textbox', { name: 'Agrupar por' }).click();
    await page.getByRole('option', { name: 'Tipo de alerta' }).click();
    await page.waitForURL(/agrupar=tipo/);
    await page.getByRole('rowheader', { name: 'Niño o niña enferma' }).waitFor();
    await page.screenshot({ path: `${SHOTS}/alerts-funnel.png`, fullPage: true });

    // The closed ones of the sick-child row open the board with the same filters, showing what the API lists.
    const row = page.getByRole('row', { name: /Niño o niña enferma/ });
    await row.getByRole('link', { name: /Cerradas/ }).click();
    await page.waitForURL(
      /\/alertas\?.*tipo=sick_child.*alcanzo=cerrada|\/alertas\?.*alcanzo=cerrada.*tipo=sick_child/,
    );
    await page.getByText('Que llegaron a «Cerrada»').waitFor();
    const table = page.getByRole('table', { name: 'Alertas' });
    await table.locator('tbody tr').first().waitFor();
    const shown = await table
      .locator('tbody tr th a')
      .evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    const coordinator = await apiSession('coordinador');
    const expected = await apiGet<{ items: Array<{ id: string }> }>(
      coordinator,
      '/alerts?type=sick_child&reached=closed&limit=50',
    );
    expect(shown).toEqual(expected.items.map((a) => `/alertas/${a.id}`));
    expect(shown).toContain(new URL(alertUrl).pathname);
    expect(householdCode).not.toBe('');
  });

  it('says so when someone else acted first, and shows the alert as it is now', async () => {
    const household = await householdOfTheFacility();
    const gestor = await apiSession('gestor');
    const raised = await fetch(`${tejido.url}/api/v1/alerts`, {
      method: 'POST',
      headers: { cookie: gestor, 'content-type': 'application/json' },
      body: JSON.stringify({
        typeCode: 'sick_child',
        householdId: household.id,
        observation: 'Tos y fiebre.',
      }),
    });
    expect(raised.status).toBe(201);
    const alert = (await raised.json()) as { id: string };

    await signIn('coordinador');
    await page.goto(`${tejido.url}/alertas/${alert.id}`);
    await page.getByRole('button', { name: 'Cancelar alerta', pressed: false }).click();
    // Meanwhile the field worker refers it.
    const suggestions = await apiGet<Array<{ id: string }>>(gestor, `/alerts/${alert.id}/institutions`);
    // A deadline reminder also moves the version, so the field worker acts on the version of now.
    const current = await apiGet<{ version: number }>(gestor, `/alerts/${alert.id}`);
    const referred = await fetch(`${tejido.url}/api/v1/alerts/${alert.id}/refer`, {
      method: 'POST',
      headers: { cookie: gestor, 'content-type': 'application/json' },
      body: JSON.stringify({ version: current.version, institutionId: suggestions[0]!.id }),
    });
    expect(referred.status).toBe(200);

    const form = page.getByRole('form', { name: 'Cancelar alerta' });
    await form.getByRole('textbox', { name: 'Motivo de la cancelación' }).fill('Registrada dos veces.');
    await form.getByRole('button', { name: 'Cancelar alerta' }).click();
    await page.getByText('Otra persona actuó antes que usted').waitFor();
    await page.getByText(/ahora está «Derivada»/).waitFor();
    // The page read the alert again: it is referred, not cancelled.
    await page.getByText('Derivada', { exact: true }).first().waitFor();
    expect(await page.getByText('Alerta cancelada.').count()).toBe(0);
  });
});
