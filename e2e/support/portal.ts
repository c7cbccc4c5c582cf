import { chromium, Browser, Page } from 'playwright-core';
import { mkdirSync } from 'fs';
import { resolve } from 'path';

/** Where the portal started by scripts/e2e.sh serves the app and the backend. */
export const APP_URL = process.env.E2E_APP_URL ?? 'http://localhost:3000';
export const BACKEND_URL =
  process.env.E2E_BACKEND_URL ?? 'http://localhost:7007';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Launches Debian's Chromium headless with the flags this closed network needs. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
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

/** Opens the app and signs in as guest (the embedded default's sign-in). */
export async function signIn(page: Page): Promise<void> {
  // Every page load fetches the development build's large bundle: with both cores busy (load
  // average near 30) it took longer than Playwright's default 30 s, and whole test files failed.
  page.setDefaultNavigationTimeout(120_000);
  await page.goto(APP_URL);
  const enter = page.getByRole('button', { name: 'Enter' });
  await enter.waitFor({ timeout: 60000 });
  await enter.click();
  await page
    .locator('nav[aria-label="sidebar nav"]')
    .waitFor({ state: 'attached', timeout: 60000 });
}

/**
 * Fails when the page shows one of Backstage's error panels or the app's crash screen.
 * Waits for the network to settle first so lazily loaded content has rendered.
 */
export async function expectNoErrorPanel(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  const panels = page.locator(
    '[data-testid="error-panel"], [class*="MuiAlert-standardError"], [class*="ErrorPanel"]',
  );
  const found = (await panels.allInnerTexts()).filter(t => t.trim().length > 0);
  if (found.length > 0) {
    throw new Error(`error shown on ${page.url()}:\n${found.join('\n---\n')}`);
  }
}

/** Saves a full-page screenshot under .run/screenshots for a person to look at. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = resolve(__dirname, '../../.run/screenshots');
  mkdirSync(dir, { recursive: true });
  const path = `${dir}/${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}
