import { mkdirSync, readFileSync } from 'node:fs';
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

const SHOTS = 'test-results';

/** A day as a Peruvian spreadsheet writes it: dd/mm/yyyy, in Peru's calendar. */
function peruDay(offsetDays: number): string {
  const when = new Date(Date.now() + offsetDays * 86_400_000);
  const [y, m, d] = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Lima' }).format(when).split('-');
  return `${d}/${m}/${y}`;
}

describe('imports and record linkage in Chromium', () => {
  let tejido: RunningTejido;
  let browser: Browser;
  let page: Page;
  /** The health file of the first test, sent again by the second. */
  let csv = Buffer.alloc(0);
  const fileName = `his-e2e-${Date.now()}.csv`;

  beforeAll(async () => {
    tejido = await startTejido(18_751);
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

  async function signIn(username: string, viewport = { width: 1280, height: 900 }) {
    page = await signInPage(browser, tejido.url, username, { viewport, acceptDownloads: true });
  }

  const apiSession = (username: string) => sessionOf(tejido.url, username);

  const apiGet = <T>(cookie: string, path: string) => getJson<T>(tejido.url, cookie, path);

  /** A child of the demo registry with an identity number (CUI), as the data steward sees them. */
  async function childWithCui(): Promise<{ number: string; name: string }> {
    const steward = await apiSession('datos');
    const list = await apiGet<{ items: Array<{ id: string }> }>(steward, '/households?limit=50');
    for (const h of list.items) {
      const household = await apiGet<{
        members: Array<{
          status: string;
          givenNames: string;
          firstSurname: string;
          document?: { type: string; number: string } | null;
        }>;
      }>(steward, `/households/${h.id}`);
      const child = household.members.find((m) => m.status === 'active' && m.document?.type === 'CUI');
      if (child) return { number: child.document!.number, name: `${child.givenNames} ${child.firstSurname}` };
    }
    throw new Error('no child with a CUI in the first demo households');
  }

  /** The figure of one count of the result ("Guardados", "Rechazados"…). */
  function count(label: string) {
    return page
      .locator('dl[aria-label="Resultado"] > div')
      .filter({ has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) })
      .locator('dd');
  }

  it('lets the data steward import a health file and see its counts, its rejected row and the rejects file', async () => {
    const child = await childWithCui();
    const run = Date.now();
    csv = Buffer.from(
      [
        'numero_documento;tipo;fecha;codigo;dosis;id_registro',
        `${child.number};vacuna;${peruDay(-1)};PENTA;1;E2E-${run}-1`,
        `${child.number};vacuna;32/13/2025;PENTA;2;E2E-${run}-2`,
        `00000017;vacuna;${peruDay(-1)};BCG;1;E2E-${run}-3`,
        '',
      ].join('\r\n'),
      'utf-8',
    );

    await signIn('datos');
    await page.getByRole('link', { name: 'Importaciones' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Importar datos' }).waitFor();
    // Each kind is offered with the line that explains it.
    for (const kind of [
      'Atenciones de salud (CSV o Excel)',
      'FHIR R4 (Bundle o NDJSON)',
      'Nacimientos y CUI',
      'Matrícula y asistencia escolar',
    ])
      await page.getByRole('radio', { name: kind }).waitFor();
    expect(await page.getByRole('radio', { name: 'Atenciones de salud (CSV o Excel)' }).isChecked()).toBe(
      true,
    );

    // Nothing chosen: said next to the field, nothing sent.
    await page.getByRole('button', { name: 'Importar', exact: true }).click();
    await page.getByText('Elija el archivo que quiere importar.').waitFor();

    await page
      .locator('input[type="file"]')
      .setInputFiles({ name: fileName, mimeType: 'text/csv', buffer: csv });
    await page.getByRole('button', { name: 'Importar', exact: true }).click();
    await page.getByRole('heading', { name: `Importación de ${fileName}` }).waitFor();
    await page.getByText('Importación terminada').waitFor({ timeout: 60_000 });

    await expect.poll(() => count('Guardados').innerText()).toMatch(/^1\b/);
    expect(await count('Rechazados').innerText()).toMatch(/^1\b/);
    expect(await count('Sin vínculo').innerText()).toMatch(/^1\b/);
    expect(await count('Por revisar').innerText()).toMatch(/^0\b/);
    expect(await count('Personas actualizadas').innerText()).toMatch(/^1\b/);

    // The rejected row: its line, column, reason in words and value.
    const rejected = page.getByRole('table', { name: 'Filas rechazadas' });
    const row = rejected.getByRole('row').filter({ hasText: '32/13/2025' });
    await row.waitFor();
    expect(await row.getByRole('cell').first().innerText()).toBe('3');
    await row.getByText('fecha', { exact: true }).waitFor();
    await row.getByText('Valor no válido').waitFor();
    await page.screenshot({ path: `${SHOTS}/imports-result.png`, fullPage: true });

    // The rejects file downloads, with the rejected line and the unmatched one.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Descargar archivo de rechazos (CSV)' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/-rechazos\.csv$/);
    const rejects = readFileSync((await download.path())!, 'utf-8');
    expect(rejects).toContain('linea,estado,campo,codigo,motivo,valor,recurso');
    expect(rejects).toMatch(/\r\n3,rechazada,fecha,INVALID,/);
    expect(rejects).toMatch(/\r\n4,sin_vinculo,/);

    // The latest imports list it, and its own page opens from there.
    const recent = page.getByRole('table', { name: 'Últimas importaciones' });
    await recent.getByRole('link', { name: fileName }).click();
    await page.getByRole('heading', { level: 1, name: fileName }).waitFor();
    await page.getByText('Terminada', { exact: true }).first().waitFor();
    expect(await count('Guardados').innerText()).toMatch(/^1\b/);
  });

  it('says plainly that a file was already imported, on a phone too', async () => {
    expect(csv.length).toBeGreaterThan(0);
    await signIn('datos', { width: 360, height: 740 });
    await page.goto(`${tejido.url}/importaciones`);
    await page
      .locator('input[type="file"]')
      .setInputFiles({ name: fileName, mimeType: 'text/csv', buffer: csv });
    await page.getByRole('button', { name: 'Importar', exact: true }).click();
    await page.getByText('Este archivo ya se había importado').waitFor();
    await page.getByText(/No se guardó nada nuevo/).waitFor();
    expect(await count('Guardados').innerText()).toMatch(/^1\b/);
    await page.getByRole('table', { name: 'Filas rechazadas' }).getByText('32/13/2025').waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
    expect(overflow).toBe(false);
    await page.screenshot({ path: `${SHOTS}/imports-repeated-phone.png`, fullPage: true });
  });

  it('explains a refused file, in Spanish with the reason', async () => {
    await signIn('datos');
    await page.goto(`${tejido.url}/importaciones`);
    await page.locator('input[type="file"]').setInputFiles({
      name: 'otra-cosa.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('columna_a;columna_b\r\n1;2\r\n', 'utf-8'),
    });
    await page.getByRole('button', { name: 'Importar', exact: true }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'No se pudo importar el archivo' });
    await alert.waitFor();
    await alert.getByText(/columnas obligatorias/).waitFor();
    await alert.getByText(/lacks the column/).waitFor();
  });

  it('lets the data steward link a probable match after comparing it, and undo the link', async () => {
    const steward = await apiSession('datos');
    const list = await apiGet<{ items: Array<{ id: string }> }>(steward, '/households?limit=20');
    type Member = {
      status: string;
      ageMonths: number;
      givenNames: string;
      firstSurname: string;
      secondSurname: string | null;
      birthDate: string;
    };
    let child: Member | undefined;
    for (const h of list.items) {
      const household = await apiGet<{ members: Member[] }>(steward, `/households/${h.id}`);
      child = household.members.find((m) => m.status === 'active' && m.ageMonths < 36 && m.secondSurname);
      if (child) break;
    }
    expect(child).toBeDefined();
    const { givenNames, firstSurname, secondSurname, birthDate } = child!;
    const name = `${givenNames} ${firstSurname} ${secondSurname}`;
    const [y, m, d] = birthDate.split('-');
    // Same given names and birth date, another first surname, no sex: a probable match, not a certain one.
    const otherSurname = firstSurname === 'Quispe' ? 'Mamani' : 'Quispe';
    const reviewFile = `his-e2e-revision-${Date.now()}.csv`;
    const body = Buffer.from(
      [
        'nombres;apellido_paterno;apellido_materno;fecha_nacimiento;tipo;fecha;codigo;dosis;id_registro',
        `${givenNames};${otherSurname};${secondSurname};${d}/${m}/${y};vacuna;${peruDay(-1)};HVB;1;E2E-R-${Date.now()}`,
        '',
      ].join('\r\n'),
      'utf-8',
    );

    await signIn('datos');
    await page.goto(`${tejido.url}/importaciones`);
    await page
      .locator('input[type="file"]')
      .setInputFiles({ name: reviewFile, mimeType: 'text/csv', buffer: body });
    await page.getByRole('button', { name: 'Importar', exact: true }).click();
    await page.getByText('Importación terminada').waitFor({ timeout: 60_000 });
    expect(await count('Por revisar').innerText()).toMatch(/^1\b/);
    await page.getByRole('link', { name: 'Revisar los registros por confirmar (1)' }).click();

    // The queue opens on this import's records: the record and its candidate side by side.
    await page.getByRole('heading', { level: 1, name: 'Vinculación de registros' }).waitFor();
    await page.getByText(`Solo los registros de la importación «${reviewFile}».`).waitFor();
    const record = page.getByRole('article').filter({ hasText: reviewFile });
    const comparison = record.getByRole('table');
    await comparison.waitFor();
    await comparison.getByText('Coincidencia probable').waitFor();
    await comparison.getByText('Misma fecha').waitFor();
    await comparison.getByText('Coincide solo uno').waitFor();
    expect(await comparison.locator('[data-tone="agree"]').count()).toBeGreaterThan(0);
    expect(await comparison.locator('[data-tone="missing"]').count()).toBeGreaterThan(0);
    await page.screenshot({ path: `${SHOTS}/linkage-review.png`, fullPage: true });

    await record.getByRole('button', { name: `Vincular con ${name}` }).click();
    const confirm = page.getByRole('dialog', { name: 'Vincular el registro' });
    await confirm.getByText(/podrá deshacer el vínculo/).waitFor();
    await confirm.getByRole('button', { name: 'Vincular', exact: true }).click();
    await page.getByText(`Registro vinculado con ${name}.`).waitFor();

    // Linked: shown with the person it went to, and undone with a reason.
    await page.getByRole('tab', { name: 'Vinculados' }).click();
    const linked = page.getByRole('article').filter({ hasText: reviewFile });
    await linked.getByText(`Vinculado con ${name}`).waitFor();
    await linked.getByRole('button', { name: /^Deshacer el vínculo/ }).click();
    const undo = page.getByRole('dialog', { name: 'Deshacer el vínculo' });
    await undo.getByRole('textbox', { name: /Motivo/ }).fill('Prueba: la vacuna era de otro niño.');
    await undo.getByRole('button', { name: 'Deshacer vínculo' }).click();
    await page.getByText('Vínculo deshecho: el registro volvió a «Por revisar».').waitFor();
    await page.getByRole('tab', { name: 'Por revisar (1)' }).waitFor();
  });

  it('lets the data steward dismiss an unmatched record in the review queue', async () => {
    await signIn('datos');
    await page.getByRole('link', { name: 'Vinculación' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Vinculación de registros' }).waitFor();
    for (const tab of ['Por revisar', 'Sin vínculo', 'Vinculados', 'Duplicados'])
      await page.getByRole('tab', { name: new RegExp(`^${tab}`) }).waitFor();

    await page.getByRole('tab', { name: 'Sin vínculo' }).click();
    await page.waitForURL(/pestana=sin-vinculo/);
    const record = page.getByRole('article').filter({ hasText: fileName }).first();
    await record.waitFor();
    await record.getByText('Vacuna · BCG · Dosis 1').waitFor();
    await page.screenshot({ path: `${SHOTS}/linkage-unmatched.png`, fullPage: true });
    await record.getByRole('button', { name: /^Descartar/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Descartar el registro' });
    await dialog.getByRole('button', { name: 'Descartar' }).click();
    await dialog.getByText('Escriba el motivo (al menos 3 caracteres).').waitFor();
    await dialog
      .getByRole('textbox', { name: /Motivo/ })
      .fill('Documento de prueba, no corresponde a nadie.');
    await dialog.getByRole('button', { name: 'Descartar' }).click();
    await page.getByText('Registro descartado.').waitFor();
    await expect.poll(() => page.getByRole('article').filter({ hasText: fileName }).count()).toBe(0);

    await page.getByRole('tab', { name: 'Duplicados' }).click();
    await page.waitForURL(/pestana=duplicados/);
    // The filter's radios are hidden behind their labels (a segmented control).
    const open = page.getByRole('radio', { name: 'Por decidir' });
    await open.waitFor({ state: 'attached' });
    expect(await open.isChecked()).toBe(true);
    await expect
      .poll(
        async () =>
          (await page.getByText('No hay posibles duplicados por decidir').count()) +
          (await page.getByRole('article').count()),
        { timeout: 10_000 },
      )
      .toBeGreaterThan(0);
  });

  it('does not offer imports to a field worker', async () => {
    await signIn('gestor');
    expect(await page.getByRole('link', { name: 'Importaciones' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Vinculación' }).count()).toBe(0);
    await page.goto(`${tejido.url}/importaciones`);
    await page.getByRole('heading', { name: 'Esta sección no está disponible para su rol' }).waitFor();
  });
});
