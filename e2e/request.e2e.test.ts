import { Browser, Page } from 'playwright-core';
import {
  APP_URL,
  expectNoErrorPanel,
  launchBrowser,
  screenshot,
  signIn,
} from './support/portal';

/**
 * The request flow in the portal: fill the on-cluster layered image form for a pool, apply it
 * directly (the guest is a platform admin in the embedded default), watch the scaffolder task
 * finish, then see the pool's card report the build on the embedded cluster and the roll-out.
 */
describe('on-cluster layered image request', () => {
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

  it('lists the layering templates on the Create page', async () => {
    await page.goto(`${APP_URL}/create`);
    for (const title of [
      'Request an on-cluster layered image',
      'Request an out-of-cluster layered image',
    ]) {
      await page.getByText(title, { exact: true }).first().waitFor();
    }
    await expectNoErrorPanel(page);
  });

  it('requests an image for ocp-419/worker and sees it build and roll out', async () => {
    // The pool page's "Request a change" link opens the form prefilled with the pool.
    const formData = encodeURIComponent(
      JSON.stringify({ target: { cluster: 'ocp-419', pool: 'worker' } }),
    );
    await page.goto(
      `${APP_URL}/create/templates/default/layering-on-cluster-image?formData=${formData}`,
    );
    await page.getByText('Cluster and pool').first().waitFor();
    await page
      .getByLabel('Reason')
      .fill('Add the sysctl tuning the storage team asked for');
    await screenshot(page, 'request-form-pool');
    await page.getByRole('button', { name: 'Next' }).click();

    // Image content: the default Containerfile is valid; the editor shows no error.
    await page.getByText('Containerfile').first().waitFor();
    await page.getByRole('button', { name: 'Next' }).click();

    // Build: where the MCO pushes, and with which secret (present on the cluster).
    await page
      .getByLabel('Push spec')
      .fill('registry.example.com/platform-os/worker-layered:latest');
    await page.getByLabel('Push secret').fill('infra-os-images-push');
    await page.getByRole('button', { name: 'Next' }).click();

    // Roll-out: now.
    await page.getByLabel(/^Now: each node/).check();
    await page.getByRole('button', { name: 'Next' }).click();

    // Direct apply: shown because the guest may apply directly. The embedded default has no
    // GitHub or GitLab token, so the pull request cannot be chosen and the field says why.
    await page
      .getByText(
        /No GitHub or GitLab integration with a token is configured in this portal: add integrations\.github/,
      )
      .waitFor();
    expect(
      await page
        .getByLabel("Pull request to the cluster's GitOps repository")
        .isDisabled(),
    ).toBe(true);
    await screenshot(page, 'request-form-delivery');
    // Going on with the (unavailable) pull request is refused, with the error shown once under
    // the field (the form lists the validator's errors; the field does not repeat them).
    await page.getByRole('button', { name: 'Next' }).click();
    const refusal = page.getByText(/^A pull request cannot be opened\./);
    await refusal.first().waitFor();
    expect(await refusal.count()).toBe(1);
    // The radio input is visually hidden behind its label (Backstage UI): click the label.
    await page
      .locator('label', { hasText: 'Apply to the cluster now' })
      .click();
    expect(await page.getByLabel('Apply to the cluster now').isChecked()).toBe(
      true,
    );
    // Once direct is chosen the refused step goes on (the field marks itself invalid for
    // assistive technology only, so the browser does not block the form's submit).
    await page.getByRole('button', { name: /Review/ }).click();

    await page.getByRole('button', { name: 'Request the image' }).click();

    // The task page: every step finishes.
    await page
      .waitForURL(/\/create\/tasks\//, { timeout: 60_000 })
      .catch(async e => {
        await screenshot(page, 'request-before-task');
        throw e;
      });
    // The template's output links appear once every step has finished.
    await page
      .getByRole('link', { name: /Builds and nodes of the pool/i })
      .or(page.getByRole('button', { name: /Builds and nodes of the pool/i }))
      .first()
      .waitFor({ timeout: 120_000 });
    await expectNoErrorPanel(page);
    await screenshot(page, 'request-task');

    // The pool's card: on-cluster layering by MachineOSConfig worker, a build, then the roll-out.
    await page.goto(`${APP_URL}/catalog/default/resource/ocp-419-worker`);
    await page.getByRole('heading', { name: 'Image layering' }).waitFor();
    const body = page.locator('body');
    await body
      .getByText(/On-cluster layering \(worker\)/)
      .waitFor({ timeout: 120_000 });
    await body
      .getByText(/^Build (prepared|building|succeeded)$/)
      .waitFor({ timeout: 120_000 });
    await body.getByText('Build succeeded').waitFor({ timeout: 120_000 });
    await body
      .getByText('2 of 2 machines updated')
      .waitFor({ timeout: 180_000 });
    await expectNoErrorPanel(page);
    await screenshot(page, 'request-pool-card');
  });

  it('starts the modify form from what ocp-419/worker has now, and previews its revert', async () => {
    // Runs after the request above: the pool has a MachineOSConfig now.
    const formData = encodeURIComponent(
      JSON.stringify({ target: { cluster: 'ocp-419', pool: 'worker' } }),
    );
    await page.goto(
      `${APP_URL}/create/templates/default/layering-modify-image?formData=${formData}`,
    );
    await page.getByText('Cluster and pool').first().waitFor();
    await page.getByLabel('Reason').fill('Tune one more sysctl');
    await page.getByRole('button', { name: 'Next' }).click();

    // The Containerfile the request above created (the template's default).
    await page
      .getByText(/Prefilled with the current Containerfile of pool worker/)
      .waitFor();
    await expect(
      page.locator('textarea').first().inputValue(),
    ).resolves.toContain('net.core.somaxconn = 1024');
    await page.getByRole('button', { name: 'Next' }).click();

    // Push spec and secret come from the pool's MachineOSConfig: each field says so once it
    // shows the pool's value (they are answered separately), so wait for both.
    await page
      .getByText("From the pool's MachineOSConfig worker")
      .nth(1)
      .waitFor();
    expect(await page.getByLabel('Push spec').inputValue()).toBe(
      'registry.example.com/platform-os/worker-layered:latest',
    );
    expect(await page.getByLabel('Push secret').inputValue()).toBe(
      'infra-os-images-push',
    );
    await screenshot(page, 'modify-form-prefilled');
    await expectNoErrorPanel(page);

    // The revert form says what a revert of this pool would do, before anything is requested.
    await page.goto(
      `${APP_URL}/create/templates/default/layering-revert-image?formData=${formData}`,
    );
    await page.getByText('Cluster and pool').first().waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
    // The form detects how the pool is layered (its MachineOSConfig): nothing to choose.
    await page
      .getByText(/Reverts pool worker by removing MachineOSConfig worker/)
      .waitFor();
    await page
      .getByText(/reboot back into the base image/)
      .first()
      .waitFor();
    await screenshot(page, 'revert-form-preview');
    await expectNoErrorPanel(page);
  });
});
