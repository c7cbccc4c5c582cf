import { Browser, Page } from 'playwright-core';
import {
  APP_URL,
  expectNoErrorPanel,
  launchBrowser,
  screenshot,
  signIn,
} from './support/portal';

describe('the portal on the embedded default', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await signIn(page);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('shows the home page', async () => {
    await page.goto(`${APP_URL}/`);
    await page.getByText('OpenShift RHCOS image layering').waitFor();
    await expectNoErrorPanel(page);
    await screenshot(page, 'home');
  });

  it('shows the catalog with the fleet system', async () => {
    await page.goto(`${APP_URL}/catalog?filters[kind]=system`);
    await page.getByRole('link', { name: 'openshift-fleet' }).waitFor();
    await expectNoErrorPanel(page);
    await screenshot(page, 'catalog');
  });

  it('shows the Create page', async () => {
    await page.goto(`${APP_URL}/create`);
    await page
      .getByRole('heading', { name: /Create|Templates/i })
      .first()
      .waitFor();
    await expectNoErrorPanel(page);
    await screenshot(page, 'create');
  });
});
