import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findSearchableMember, launchChromium, type RunningTejido, signInPage, startTejido } from './server';

describe('the office web app in Chromium', () => {
  let tejido: RunningTejido;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    tejido = await startTejido(18_731);
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
    page = await signInPage(browser, tejido.url, username, { viewport, waitForHome: false });
  }

  it('signs in, searches a household by identity number and opens it', async () => {
    const member = await findSearchableMember(tejido.url);
    await signIn('coordinador');
    await page.getByRole('link', { name: 'Hogares' }).first().click();
    await page.getByLabel('DNI, código de hogar o nombre').fill(member.document);
    await page.getByRole('button', { name: 'Buscar' }).click();
    const result = page.getByText(member.householdCode).first();
    await result.waitFor();
    await result.click();
    await page.getByRole('heading', { name: new RegExp(member.householdCode) }).waitFor();
    await expect(page.getByText(member.document).first().isVisible()).resolves.toBe(true);
    await page
      .getByText(/Miembros \(\d+\)/)
      .first()
      .waitFor();
  });

  it('switches to English and back', async () => {
    await signIn('coordinador');
    await page.getByRole('link', { name: 'Hogares' }).first().waitFor();
    await page.locator('label:has-text("English")').first().click();
    await page.getByRole('link', { name: 'Households' }).first().waitFor();
    await page.locator('label:has-text("Español")').first().click();
    await page.getByRole('link', { name: 'Hogares' }).first().waitFor();
  });

  it('gives an auditor the audit trail and nothing else', async () => {
    await signIn('auditor');
    await page.getByRole('link', { name: 'Auditoría' }).first().waitFor();
    expect(await page.getByRole('link', { name: 'Hogares' }).count()).toBe(0);
  });

  it('lands a field worker on their own households, on a phone screen', async () => {
    await signIn('gestor', { width: 360, height: 740 });
    await page
      .getByText(/HH-\d+/)
      .first()
      .waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
    expect(overflow).toBe(false);
  });

  it('refuses a wrong password with a clear message', async () => {
    const context = await browser.newContext({ locale: 'es-PE' });
    page = await context.newPage();
    await page.goto(`${tejido.url}/ingresar`);
    await page.getByLabel(/^Usuario/).fill('coordinador');
    await page.getByLabel(/^Contraseña/).fill('wrong-password');
    await page.getByRole('button', { name: 'Ingresar' }).click();
    await page.getByText('Usuario o contraseña incorrectos', { exact: false }).waitFor();
  });
});
