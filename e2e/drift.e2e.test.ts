import { execFileSync } from 'child_process';
import { resolve } from 'path';
import { Browser, Page } from 'playwright-core';
import {
  APP_URL,
  expectNoErrorPanel,
  launchBrowser,
  screenshot,
  signIn,
} from './support/portal';

const kubeconfig = resolve(__dirname, '../.run/portal/ocp-418.kubeconfig');

function kubectl(...args: string[]): string {
  return execFileSync('kubectl', ['--kubeconfig', kubeconfig, ...args], {
    encoding: 'utf8',
  });
}

/**
 * A pool page shows the layering card with the pool's drift; upgrading the cluster (as a cluster
 * admin would, with kubectl against the embedded cluster) changes what the card says without a
 * page reload.
 */
describe('drift card on a pool page', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
    await signIn(page);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('shows the fleet page with every cluster', async () => {
    await page.goto(`${APP_URL}/layering`);
    for (const cluster of ['ocp-417', 'ocp-418', 'ocp-419', 'sno-419']) {
      await page
        .locator('[role="grid"]')
        .getByText(cluster, { exact: true })
        .first()
        .waitFor();
    }
    await expectNoErrorPanel(page);
    await screenshot(page, 'fleet');
  });

  it('follows a cluster upgrade on the pinned worker pool without a reload', async () => {
    await page.goto(`${APP_URL}/catalog/default/resource/ocp-418-worker`);
    await page.getByRole('heading', { name: 'Image layering' }).waitFor();
    // The overview shows one layering card; its texts are unique on the page.
    const card = page.locator('body');
    await card.getByText(/4\.18\.21 · RHCOS 418\.94\.202507221249-0/).waitFor();
    // The sample scenario: the worker image was built FROM 4.18.17's RHCOS, one release behind.
    // Both drift lines say so (what the nodes run, and where the pool goes once rolled out).
    await card
      .getByText(/4\.18\.17's RHCOS .*1 release behind 4\.18\.21/)
      .first()
      .waitFor();
    await card
      .getByText('Pinned by MachineConfig os-layer-custom', { exact: false })
      .waitFor();
    await expectNoErrorPanel(page);
    await screenshot(page, 'pool-card-before-upgrade');

    // Mark the page so a reload would be detected.
    await page.evaluate(() => {
      (window as unknown as { __noReload: boolean }).__noReload = true;
    });

    kubectl(
      'patch',
      'clusterversion',
      'version',
      '--type',
      'merge',
      '-p',
      '{"spec":{"desiredUpdate":{"version":"4.18.24","image":null}}}',
    );

    // The release moves to 4.18.24 and the pinned pool stays behind, further than before.
    await card.getByText(/4\.18\.24 · RHCOS/).waitFor({ timeout: 120_000 });
    await card
      .getByText(/4\.18\.17's RHCOS .*2 releases behind 4\.18\.24/)
      .first()
      .waitFor({ timeout: 60_000 });
    expect(
      await page.evaluate(
        () => (window as unknown as { __noReload?: boolean }).__noReload,
      ),
    ).toBe(true);
    await expectNoErrorPanel(page);
    await screenshot(page, 'pool-card-after-upgrade');
  });
});
