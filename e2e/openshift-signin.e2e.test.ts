import { readFileSync } from 'fs';
import { resolve } from 'path';
import { parse } from 'yaml';
import { Browser, Page } from 'playwright-core';
import {
  APP_URL,
  expectNoErrorPanel,
  launchBrowser,
  screenshot,
  signIn,
} from './support/portal';

/** sno-419's API server and its admin token, from the kubeconfig scripts/start.sh wrote. */
function snoAdmin(): { server: string; token: string } {
  const file = resolve(__dirname, '../.run/portal/sno-419.kubeconfig');
  const config = parse(readFileSync(file, 'utf8'));
  const context = config.contexts.find((c: { name: string }) => c.name === 'sno-419').context;
  const cluster = config.clusters.find((c: { name: string }) => c.name === context.cluster).cluster;
  const user = config.users.find((u: { name: string }) => u.name === context.user).user;
  // The same port speaks plain HTTP; the admin hooks need no TLS here.
  return { server: cluster.server.replace(/^https:/, 'http:'), token: user.token };
}

interface AuditEvent {
  verb: string;
  user: { username: string };
  objectRef: { resource?: string; name?: string };
  responseStatus: { code: number };
  requestReceivedTimestamp: string;
}

/** Polls `probe` until it gives a truthy answer or `timeoutMs` has passed. */
async function waitFor<T>(probe: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value || Date.now() > deadline) return value;
    await new Promise(r => setTimeout(r, 500));
  }
}

async function poolWrites(since: string): Promise<AuditEvent[]> {
  const { server, token } = snoAdmin();
  const answer = await fetch(`${server}/_sim/audit`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const { items } = (await answer.json()) as { items: AuditEvent[] };
  return items.filter(
    e =>
      e.objectRef.resource === 'machineconfigpools' &&
      e.objectRef.name === 'master' &&
      e.verb === 'patch' &&
      e.requestReceivedTimestamp >= since,
  );
}

/**
 * Writing as the person: sno-419's writer is `authProvider: oidc`, so a direct change asks the
 * person to sign in to OpenShift (the embedded cluster's OAuth server, through the portal's
 * `openshift` auth provider) and the action writes with that token. The cluster's audit log then
 * names the person, not the portal's service account.
 */
describe('direct apply with the person’s OpenShift account', () => {
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

  async function pauseOrResume(operation: 'pause' | 'resume', login: boolean) {
    const formData = encodeURIComponent(
      JSON.stringify({ target: { cluster: 'sno-419', pool: 'master' }, operation }),
    );
    await page.goto(
      `${APP_URL}/create/templates/default/layering-pause-resume-pool?formData=${formData}`,
    );
    await page.getByText('Cluster and pool').first().waitFor({ timeout: 60_000 });
    await page.getByLabel('Reason').fill(`e2e: ${operation} as the person`);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('What to do').first().waitFor();
    await page.getByRole('button', { name: 'Next' }).click();

    await page.locator('label', { hasText: 'Apply to the cluster now' }).click();
    await page
      .getByText(/takes direct changes only from people: sign in to OpenShift/)
      .waitFor({ timeout: 60_000 });
    if (!login) {
      // The portal keeps the OpenShift session: the token comes without a second login.
      await page.getByRole('button', { name: 'Sign in to OpenShift' }).click();
    } else {
      await screenshot(page, 'openshift-signin-needed');
      const [popup] = await Promise.all([
        page.waitForEvent('popup', { timeout: 60_000 }),
        page.getByRole('button', { name: 'Sign in to OpenShift' }).click(),
      ]);
      // The embedded cluster's login form, reached through the portal's auth backend.
      await popup.getByLabel('Username').waitFor({ timeout: 60_000 });
      await screenshot(popup, 'openshift-signin-login-form');
      await popup.getByLabel('Username').fill('guest');
      await popup.getByLabel('Password').fill(process.env.LAYERING_EMBEDDED_OAUTH_PASSWORD ?? '');
      await popup.getByRole('button', { name: 'Log in' }).click();
    }
    await page.getByText(/Signed in to OpenShift: the change to cluster sno-419/).waitFor({
      timeout: 60_000,
    });
    await page.getByRole('button', { name: /Review/ }).click();
    await page.getByRole('button', { name: 'Request' }).click();
    await page.waitForURL(/\/create\/tasks\//, { timeout: 60_000 });
    // The output appears once every step has finished: the pool changed, as the person.
    await page
      .getByText(`Pool master is now ${operation === 'pause' ? 'paused' : 'running'}.`)
      .waitFor({ timeout: 120_000 });
  }

  it('asks the person to sign in to OpenShift, then pauses sno-419/master as them', async () => {
    const since = new Date().toISOString();
    await pauseOrResume('pause', true);
    const done = await waitFor(
      async () => (await poolWrites(since)).some(e => e.responseStatus.code === 200),
      120_000,
    );
    expect(done).toBe(true);
    await expectNoErrorPanel(page);
    await screenshot(page, 'openshift-signin-task');
    const writes = await poolWrites(since);
    // Every write of the pause is the person's, none the portal's service account's.
    expect(writes.map(e => e.user.username)).toEqual(writes.map(() => 'guest'));
  });

  it('resumes it again with the same sign-in, without asking twice', async () => {
    const since = new Date().toISOString();
    await pauseOrResume('resume', false);
    const done = await waitFor(
      async () => (await poolWrites(since)).some(e => e.responseStatus.code === 200),
      120_000,
    );
    expect(done).toBe(true);
    const writes = await poolWrites(since);
    expect(writes.map(e => e.user.username)).toEqual(writes.map(() => 'guest'));
  });
});
