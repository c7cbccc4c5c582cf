import request from 'supertest';
import { mockCredentials } from '@backstage/backend-test-utils';
import yaml from 'yaml';
import {
  TEST_CLUSTER,
  requestHistory,
  requestNames,
  useTemplateEnvironment,
} from '@rhcos-layering/layering-templates-tests';
import { GITHUB, gitopsForges } from './fixtures';

jest.setTimeout(120_000);

/** Where the team's CI pushes the image rebuilt for a release (the pattern of layering.rebase.image). */
const REBUILT_TAG = 'registry.example.com/platform-os/worker-custom:4.18.21';

/** Waits until `probe` answers something other than undefined, asking again every 200 ms. */
async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, limitMs = 60_000): Promise<T> {
  const until = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}

/**
 * layering.rebase.automatic against the real scaffolder: the sample cluster completed 4.18.21
 * while worker is pinned to an image built FROM 4.18.17's RHCOS, so the backend runs the rebase
 * template as a service and opens one pull request (GitHub mocked by msw), and no second one
 * while it is open.
 */
describe('automatic rebase when a release lands', () => {
  const { github } = gitopsForges();
  const env = useTemplateEnvironment(
    { github },
    {
      images: [{ image: REBUILT_TAG, labels: { 'org.opencontainers.image.version': '418.94.202507221249-0' } }],
      layering: {
        rebase: {
          automatic: true,
          image: 'registry.example.com/platform-os/{pool}-custom:{release}',
          values: { forge: GITHUB.forge, repoUrl: GITHUB.repoUrl },
          frequency: 'PT1S',
        },
      },
    },
  );
  const { branch, dir } = requestNames('rebase-image', 'worker');

  const TASK = 'layering-automatic-rebase';
  const tasks = async () =>
    (
      await request(env.backend.server)
        .get('/api/scaffolder/v2/tasks')
        .set('Authorization', mockCredentials.user.header())
    ).body.tasks as unknown[];

  it('opens one rebase pull request for the pinned worker pool, with the rebuilt image by digest', async () => {
    // As the schedule's initial delay does: check once the backend's caches have the cluster.
    await waitFor('the cluster in the backend', async () => {
      const res = await request(env.backend.server)
        .get(`/api/layering/clusters/${TEST_CLUSTER}/release`)
        .set('Authorization', mockCredentials.user.header());
      return res.status === 200 && res.body.status === 'ok' && res.body.history.length ? true : undefined;
    });
    // The pool views are built after the caches sync; the rebase looks for the pinned pool in them.
    await waitFor('the worker pool in the backend', async () => {
      const res = await request(env.backend.server)
        .get(`/api/layering/clusters/${TEST_CLUSTER}/pools/worker`)
        .set('Authorization', mockCredentials.user.header());
      return res.status === 200 && res.body.stale === false ? true : undefined;
    });
    await env.backend.triggerTask(TASK);
    const history = await waitFor('the recorded rebase request', async () => {
      const items = await requestHistory(env.backend.server, TEST_CLUSTER, 'worker');
      return items.some(r => r.kind === 'rebase' && r.outcome === 'opened') ? items : undefined;
    });
    expect(history.filter(r => r.kind === 'rebase')).toEqual([
      expect.objectContaining({
        delivery: 'pull-request',
        outcome: 'opened',
        requestedBy: 'service:default/scaffolder',
      }),
    ]);
    expect(github.pulls.map(p => p.head)).toEqual([branch]);
    const machineConfig = yaml.parse(github.files(branch)[`${dir}/machineconfig-os-layer-custom.yaml`]);
    expect(machineConfig.spec.osImageURL).toMatch(
      /^registry\.example\.com\/platform-os\/worker-custom@sha256:[0-9a-f]{64}$/,
    );
    // The custom pools inheriting worker's pin get no request of their own.
    for (const pool of ['infra', 'edge']) {
      const items = await requestHistory(env.backend.server, TEST_CLUSTER, pool);
      expect(items.filter(r => r.kind === 'rebase')).toEqual([]);
    }
    expect(await tasks()).toHaveLength(1);
  });

  it('starts no second task while the pull request is open', async () => {
    await env.backend.triggerTask(TASK);
    await env.backend.triggerTask(TASK);
    expect(await tasks()).toHaveLength(1);
    expect(github.pulls).toHaveLength(1);
  });
});
