import { execFileSync } from 'child_process';
import { createHmac, randomUUID } from 'crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { Browser, Locator, Page } from 'playwright-core';
import { parseAllDocuments } from 'yaml';
import {
  FAKE_FORGE,
  fakeForgeDir,
  readFakeForge,
  type FakeForgePull,
} from './support/fakeForge';
import {
  APP_URL,
  BACKEND_URL,
  expectNoErrorPanel,
  launchBrowser,
  screenshot,
  signIn,
} from './support/portal';

/**
 * The review loop end to end: a template run opens a pull request on the (fake) GitHub, signed
 * webhooks say it was approved and then merged, the pull request's files are applied to the
 * embedded cluster as a GitOps controller would, the embedded MCO builds and rolls out, and the
 * pool tab shows the whole timeline of the request, live (no reload). The requester was told
 * of each step by Backstage notifications.
 *
 * The pool is ocp-419/infra, which no other end-to-end test touches: it is layered on the
 * cluster (MachineOSConfig infra), so the request is a modification of its Containerfile.
 */

jest.setTimeout(600_000);

const CLUSTER = 'ocp-419';
const POOL = 'infra';
const kubeconfig = resolve(__dirname, `../.run/portal/${CLUSTER}.kubeconfig`);
/** A sysctl for the storage team (no RHEL package: this cluster has no entitled builds). */
const CONTAINERFILE =
  "FROM configs AS final\nRUN echo 'vm.dirty_ratio = 10' > /etc/sysctl.d/90-infra-storage.conf && \\\n    ostree container commit\n";
const REVIEWER = 'octo-reviewer';
const MERGER = 'octo-merger';
/** The field manager a Flux-style controller writes with (server-side apply). */
const GITOPS_MANAGER = 'kustomize-controller';

/** Polls `probe` until it answers something truthy; fails with `what` after `timeoutMs`. */
async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise(r => setTimeout(r, 500));
  }
}

function kubectl(...args: string[]): string {
  return execFileSync('kubectl', ['--kubeconfig', kubeconfig, ...args], {
    encoding: 'utf8',
  });
}

/** A Backstage token of the guest, as the app's sign-in gets it. */
async function guestToken(): Promise<string> {
  const res = await fetch(`${BACKEND_URL}/api/auth/guest/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  if (!res.ok) {
    throw new Error(`guest sign-in: ${res.status} ${await res.text()}`);
  }
  const body = (await res.json()) as { backstageIdentity: { token: string } };
  return body.backstageIdentity.token;
}

async function backendJson<T>(
  token: string,
  path: string,
  init: RequestInit = {},
): Promise<T> {
  const res = await fetch(`${BACKEND_URL}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      ...init.headers,
    },
  });
  if (!res.ok) {
    throw new Error(
      `${init.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`,
    );
  }
  return (await res.json()) as T;
}

interface RequestRecord {
  id: string;
  pullRequestUrl?: string | null;
  summary?: string | null;
  events?: Array<{ type: string; at: string; by?: string; detail?: string }>;
}

/** POSTs a GitHub webhook to the portal's events ingress, signed as GitHub signs it. */
async function postWebhook(
  event: string,
  payload: unknown,
  secret: string,
): Promise<Response> {
  const body = JSON.stringify(payload);
  const signature = `sha256=${createHmac('sha256', secret)
    .update(body)
    .digest('hex')}`;
  return fetch(`${BACKEND_URL}/api/events/http/github`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': signature,
    },
    body,
  });
}

/** The pull request object of a webhook payload, as GitHub writes it. */
function pullRequestPayload(
  pr: FakeForgePull,
  openedAt: string,
  extra: Record<string, unknown> = {},
) {
  return {
    number: pr.number,
    html_url: pr.url,
    url: `https://api.github.com/repos/${FAKE_FORGE.owner}/${FAKE_FORGE.repo}/pulls/${pr.number}`,
    title: pr.title,
    state: 'open',
    merged: false,
    created_at: openedAt,
    user: { login: 'layering-portal' },
    head: { ref: pr.head },
    base: { ref: pr.base },
    ...extra,
  };
}

const repository = {
  full_name: `${FAKE_FORGE.owner}/${FAKE_FORGE.repo}`,
  name: FAKE_FORGE.repo,
  owner: { login: FAKE_FORGE.owner },
};

/** POSTs the webhook of `pr` closed by a merge of `login` now, signed with `secret`. */
function postMergeWebhook(
  pr: FakeForgePull,
  openedAt: string,
  login: string,
  secret: string,
): Promise<Response> {
  const now = new Date().toISOString();
  return postWebhook(
    'pull_request',
    {
      action: 'closed',
      pull_request: pullRequestPayload(pr, openedAt, {
        state: 'closed',
        merged: true,
        merged_at: now,
        merged_by: { login },
        closed_at: now,
      }),
      repository,
      sender: { login },
    },
    secret,
  );
}

describe('the review loop of a layering request', () => {
  const forgeDir = fakeForgeDir();
  const secret = process.env.LAYERING_E2E_GITHUB_WEBHOOK_SECRET;
  let browser: Browser;
  let page: Page;
  let token: string;
  /** Filled by the first test, used by the ones after it. */
  let pr: FakeForgePull;
  let record: RequestRecord;
  let timeline: Locator;

  beforeAll(async () => {
    if (!forgeDir || !secret) {
      throw new Error(
        'Run through scripts/e2e.sh: it sets LAYERING_E2E_FORGE_DIR and LAYERING_E2E_GITHUB_WEBHOOK_SECRET and starts the portal with the fake GitHub',
      );
    }
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
    await signIn(page);
    token = await guestToken();
  });

  afterAll(async () => {
    await browser?.close();
  });

  /** The step of the request's timeline, by the label the timeline gives it. */
  const step = (label: string, status: string) =>
    timeline.locator(`li[aria-label="${label}: ${status}"]`);

  it('opens a pull request from the modify template and shows it opened on the pool tab', async () => {
    // The portal has no GitHub token of its own (so the form offers no pull request): the
    // requester gives one, as the template's "Your token" field allows.
    const { id: taskId } = await backendJson<{ id: string }>(
      token,
      '/api/scaffolder/v2/tasks',
      {
        method: 'POST',
        body: JSON.stringify({
          templateRef: 'template:default/layering-modify-image',
          values: {
            target: { cluster: CLUSTER, pool: POOL },
            reason:
              'The storage team asked for a lower dirty ratio on the infra nodes',
            containerfile: CONTAINERFILE,
            pushSpec: 'registry.example.com/platform-os/infra-layered:latest',
            pushSecret: 'infra-os-images-push',
            baseImagePullSecret: 'global-pull-secret-copy',
            rollout: 'now',
            delivery: 'pull-request',
            forge: 'github',
            repoUrl: `${FAKE_FORGE.host}?owner=${FAKE_FORGE.owner}&repo=${FAKE_FORGE.repo}`,
          },
          secrets: { forgeToken: `e2e-${randomUUID()}` },
        }),
      },
    );

    const status = await waitFor(
      'the template run to end',
      async () => {
        const task = await backendJson<{ status: string }>(
          token,
          `/api/scaffolder/v2/tasks/${taskId}`,
        );
        return ['completed', 'failed', 'cancelled'].includes(task.status)
          ? task.status
          : undefined;
      },
      120_000,
    );
    if (status !== 'completed') {
      // Say why: the task's log names the step and its error.
      const events = await backendJson<Array<{ body: { message?: string } }>>(
        token,
        `/api/scaffolder/v2/tasks/${taskId}/events`,
      );
      throw new Error(
        `The template run ${status}:\n${events
          .map(e => e.body.message)
          .filter(Boolean)
          .slice(-5)
          .join('\n')}`,
      );
    }

    // The task page in the browser: the finished run links to its pull request.
    await page.goto(`${APP_URL}/create/tasks/${taskId}`);
    await page
      .getByRole('link', { name: 'Pull request', exact: true })
      .or(page.getByRole('button', { name: 'Pull request', exact: true }))
      .first()
      .waitFor({ timeout: 60_000 });
    await expectNoErrorPanel(page);
    await screenshot(page, 'review-loop-task');

    // The fake GitHub holds the pull request and the files of its branch.
    const state = await waitFor(
      'the pull request on the fake GitHub',
      async () => {
        const written = readFakeForge(forgeDir!);
        return written?.pulls.length ? written : undefined;
      },
      10_000,
    );
    expect(state.pulls).toHaveLength(1);
    pr = state.pulls[0];
    expect(pr.head).toBe(`layering/${CLUSTER}/${POOL}/modify-image`);
    expect(pr.labels).toEqual(
      expect.arrayContaining([`cluster/${CLUSTER}`, `pool/${POOL}`]),
    );
    const mosc =
      pr.files[
        `clusters/${CLUSTER}/pools/${POOL}/machineosconfig-${POOL}.yaml`
      ];
    expect(mosc).toContain('vm.dirty_ratio = 10');

    // The request history names the pull request and says it was opened.
    const { items } = await backendJson<{ items: RequestRecord[] }>(
      token,
      `/api/layering/clusters/${CLUSTER}/pools/${POOL}/requests`,
    );
    record = items.find(r => r.pullRequestUrl === pr.url)!;
    expect(record).toBeDefined();
    expect(record.events?.map(e => e.type)).toEqual(['opened']);

    // The pool tab follows the pool's signal channel: a change signalled before the page
    // subscribed is only seen at the next one, so the webhooks wait until it has subscribed.
    const channel = `layering:pool:${CLUSTER}/${POOL}`;
    let onSubscribed: () => void = () => undefined;
    const subscribed = new Promise<void>(done => {
      onSubscribed = done;
    });
    page.on('websocket', ws =>
      ws.on('framesent', ({ payload }) => {
        const text = typeof payload === 'string' ? payload : payload.toString();
        if (
          text.includes('"subscribe"') &&
          text.includes(JSON.stringify(channel))
        ) {
          onSubscribed();
        }
      }),
    );

    // The pool tab: one timeline for the request, opened and waiting for the rest.
    await page.goto(
      `${APP_URL}/catalog/default/resource/${CLUSTER}-${POOL}/layering`,
    );
    timeline = page.locator(
      `section[aria-label="Timeline of ${record.summary}"]`,
    );
    await step('Opened', 'opened').waitFor({ timeout: 60_000 });
    await step('Approved', 'waiting').waitFor();
    await step('Rollout', 'waiting').waitFor();
    await expectNoErrorPanel(page);
    await waitFor(
      `the pool tab's subscription to ${channel}`,
      async () =>
        Promise.race([
          subscribed.then(() => true),
          new Promise<false>(r => setTimeout(() => r(false), 1_000)),
        ]),
      60_000,
    );
    // From here on the page must follow without a reload.
    await page.evaluate(() => {
      (window as unknown as { __noReload: boolean }).__noReload = true;
    });
  });

  it('records the approval and the merge from signed GitHub webhooks, live', async () => {
    const openedAt = record.events![0].at;
    // A webhook with a wrong signature is refused and changes nothing.
    const forged = await postMergeWebhook(
      pr,
      openedAt,
      'mallory',
      `${secret}-wrong`,
    );
    expect(forged.status).toBe(403);

    const approvedAt = new Date().toISOString();
    const approval = await postWebhook(
      'pull_request_review',
      {
        action: 'submitted',
        review: {
          id: 1,
          state: 'approved',
          user: { login: REVIEWER },
          submitted_at: approvedAt,
          html_url: `${pr.url}#pullrequestreview-1`,
        },
        pull_request: pullRequestPayload(pr, openedAt),
        repository,
        sender: { login: REVIEWER },
      },
      secret!,
    );
    expect(approval.status).toBe(202);
    await step('Approved', 'approved').waitFor({ timeout: 60_000 });
    await timeline.getByText(`by github:${REVIEWER}`).waitFor();
    expect(await step('Merged', 'waiting').count()).toBe(1);

    const merge = await postMergeWebhook(pr, openedAt, MERGER, secret!);
    expect(merge.status).toBe(202);
    await step('Merged', 'merged').waitFor({ timeout: 60_000 });
    await timeline.getByText(`by github:${MERGER}`).waitFor();
    // The forged merge before did not count: nobody named mallory appears.
    expect(await timeline.getByText('mallory').count()).toBe(0);
    // Merged is not applied: nothing reached the cluster yet.
    expect(await step('Applied', 'waiting').count()).toBe(1);
    await expectNoErrorPanel(page);
  });

  it('follows the merged files onto the cluster: applied, built and rolled out, live', async () => {
    const nodes = kubectl(
      'get',
      'nodes',
      '-l',
      `node-role.kubernetes.io/${POOL}`,
      '-o',
      'name',
    )
      .split('\n')
      .filter(Boolean).length;
    expect(nodes).toBeGreaterThan(0);

    // What a GitOps controller does after the merge: apply the YAML files of the merged branch.
    const manifests = Object.entries(pr.files).filter(
      ([path]) =>
        path.startsWith(`clusters/${CLUSTER}/pools/${POOL}/`) &&
        /\.ya?ml$/.test(path),
    );
    expect(manifests.map(([path]) => path)).toEqual([
      `clusters/${CLUSTER}/pools/${POOL}/machineosconfig-${POOL}.yaml`,
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'review-loop-'));
    try {
      for (const [path, content] of manifests) {
        // Every file holds Kubernetes objects (kubectl would refuse anything else).
        for (const doc of parseAllDocuments(content)) {
          expect(doc.errors).toEqual([]);
        }
        writeFileSync(join(dir, path.split('/').pop()!), content);
      }
      const out = kubectl(
        'apply',
        '--server-side',
        `--field-manager=${GITOPS_MANAGER}`,
        '--force-conflicts',
        '-f',
        dir,
      );
      expect(out).toMatch(/machineosconfig.* serverside-applied/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    await step('Applied', 'applied').waitFor({ timeout: 120_000 });
    await timeline
      .getByText(
        new RegExp(
          `MachineOSConfig ${POOL} \\(sha256:[0-9a-f]{12}\\) written by ${GITOPS_MANAGER} \\(GitOps\\)`,
        ),
      )
      .waitFor();
    await step('Build', 'succeeded').waitFor({ timeout: 240_000 });
    await timeline
      .getByText(
        new RegExp(
          `MachineOSBuild ${POOL}-\\S+ succeeded in \\d+( min \\d+)? s`,
        ),
      )
      .waitFor();
    await step('Rollout', 'done').waitFor({ timeout: 300_000 });
    await timeline.getByText(`${nodes} of ${nodes} nodes updated`).waitFor();

    // Every step of the request happened, and the page followed without a reload.
    for (const [label, status] of [
      ['Opened', 'opened'],
      ['Approved', 'approved'],
      ['Merged', 'merged'],
      ['Applied', 'applied'],
      ['Build', 'succeeded'],
      ['Rollout', 'done'],
    ]) {
      expect(await step(label, status).count()).toBe(1);
    }
    expect(
      await page.evaluate(
        () => (window as unknown as { __noReload?: boolean }).__noReload,
      ),
    ).toBe(true);
    await expectNoErrorPanel(page);
    await timeline.scrollIntoViewIfNeeded();
    await screenshot(page, 'review-loop-timeline');

    // The history the timeline shows, in the order it happened.
    const { items } = await backendJson<{ items: RequestRecord[] }>(
      token,
      `/api/layering/clusters/${CLUSTER}/pools/${POOL}/requests`,
    );
    const types = items
      .find(r => r.id === record.id)!
      .events!.map(e => e.type)
      .filter(t => t !== 'build-started' && t !== 'rollout-progress');
    expect(types).toEqual([
      'opened',
      'approved',
      'merged',
      'applied',
      'build-succeeded',
      'rollout-done',
    ]);
  });

  it('told the requester along the way, in Backstage notifications', async () => {
    const where = `${record.summary} on ${CLUSTER}/${POOL}`;
    const wanted = [
      `Pull request approved by github:${REVIEWER}: ${where}`,
      `Pull request merged by github:${MERGER}: ${where}`,
      `Build succeeded: ${where}`,
      `Rollout done: ${where}`,
    ];
    // Sent when each event was recorded; the last one may still be on its way.
    const titles = await waitFor(
      "the guest's notifications of the request",
      async () => {
        const { notifications } = await backendJson<{
          notifications: Array<{ payload: { title: string } }>;
        }>(token, '/api/notifications/notifications?limit=200');
        const found = notifications.map(n => n.payload.title);
        return wanted.every(t => found.includes(t)) ? found : undefined;
      },
      60_000,
    );
    expect(titles.filter(t => t.includes('mallory'))).toEqual([]);

    // The newest of them on the notifications page.
    await page.goto(`${APP_URL}/notifications`);
    await page
      .getByText(`Rollout done: ${where}`)
      .first()
      .waitFor({ timeout: 60_000 });
    await expectNoErrorPanel(page);
    await screenshot(page, 'review-loop-notifications');
  });
});
