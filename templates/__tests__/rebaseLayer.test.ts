import yaml from 'yaml';
import {
  FakeGitHub,
  FakeGitLab,
  TEST_CLUSTER,
  clusterReader,
  expectStatus,
  machineConfigPath,
  requestHistory,
  rerunOnOpenMergeRequest,
  runTemplate,
  useTemplateEnvironment,
} from '@internal/layering-templates-tests';
import {
  DIRECT,
  GITHUB,
  GITLAB,
  REBASED_WORKER_IMAGE,
  RELEASE_BASE_IMAGE,
  TEMPLATE_VALUES,
} from './fixtures';

jest.setTimeout(120_000);

const NAME = 'layering-rebase-image';
const POOL = 'worker';
const MC = 'os-layer-custom';
const DIR = `clusters/${TEST_CLUSTER}/pools/${POOL}`;
const BRANCH = `layering/${TEST_CLUSTER}/${POOL}/rebase-image`;
const TITLE = `Rebase pool ${POOL} on ${TEST_CLUSTER} onto release 4.18.21`;
const LABELS = [
  'layering',
  'layering/rebase-image',
  `cluster/${TEST_CLUSTER}`,
  `pool/${POOL}`,
];
/** What the pull request body adds to the rendered summary. */
const ROLLOUT = `\n### Roll-out\n\nNow: the nodes of the pool reboot into the rebased image, one at a time, once this is merged and synced.\n`;
const FILES = [
  'README.md',
  `${DIR}/SUMMARY.md`,
  `${DIR}/machineconfig-${MC}.yaml`,
];

const github = new FakeGitHub({ owner: 'platform', repo: 'cluster-gitops' });
const gitlab = new FakeGitLab({ projectPath: 'platform/cluster-gitops' });

describe("template: rebase a pool's image onto the cluster's release", () => {
  const env = useTemplateEnvironment({ github, gitlab });

  it('opens a GitHub pull request that moves the existing MachineConfig to the rebuilt image, and re-running updates it', async () => {
    const task = await runTemplate(env.backend.server, NAME, {
      ...TEMPLATE_VALUES[NAME],
      ...GITHUB,
    });
    expectStatus(task, 'completed');
    const files = github.files(BRANCH);
    expect(Object.keys(files).sort()).toEqual(FILES);
    expect(yaml.parse(files[`${DIR}/machineconfig-${MC}.yaml`])).toMatchObject({
      kind: 'MachineConfig',
      metadata: {
        name: MC,
        labels: { 'machineconfiguration.openshift.io/role': POOL },
        annotations: {
          'layering.openshift.io/base-release': '4.18.21',
          'layering.openshift.io/base-image': RELEASE_BASE_IMAGE,
        },
      },
      spec: { osImageURL: REBASED_WORKER_IMAGE },
    });
    const [pr] = github.pulls;
    expect(pr).toMatchObject({
      head: BRANCH,
      title: TITLE,
      labels: LABELS,
      teamReviewers: ['platform'],
    });
    expect(pr.body).toBe(files[`${DIR}/SUMMARY.md`] + ROLLOUT);
    // The worker change reaches the custom pools that inherit worker MachineConfigs.
    expect(pr.body).toContain(
      'Custom pool `infra` inherits worker MachineConfigs',
    );
    expect(pr.body).toContain('`worker-0` (pool `worker`)');

    expectStatus(
      await runTemplate(env.backend.server, NAME, {
        ...TEMPLATE_VALUES[NAME],
        ...GITHUB,
      }),
      'completed',
    );
    expect(github.pulls).toHaveLength(1);
    expect(github.pulls[0].updates).toBe(1);
  });

  it('opens a GitLab merge request with the same files and labels, and re-running updates it', async () => {
    const task = await runTemplate(env.backend.server, NAME, {
      ...TEMPLATE_VALUES[NAME],
      ...GITLAB,
    });
    expectStatus(task, 'completed');
    expect(Object.keys(gitlab.files(BRANCH)).sort()).toEqual(FILES);
    expect(gitlab.mergeRequests).toEqual([
      expect.objectContaining({
        sourceBranch: BRANCH,
        title: TITLE,
        labels: LABELS,
      }),
    ]);

    const { mergeRequest } = await rerunOnOpenMergeRequest(
      env.backend.server,
      gitlab,
      {
        name: NAME,
        values: {
          ...TEMPLATE_VALUES[NAME],
          reason: 'Rebased again after a respin',
          ...GITLAB,
        },
        branch: BRANCH,
      },
    );
    expect(Object.keys(gitlab.files(BRANCH)).sort()).toEqual(FILES);
    expect(mergeRequest.description).toContain('Rebased again after a respin');
  });

  it('applies directly: the MachineConfig points at the rebuilt image', async () => {
    const task = await runTemplate(env.backend.server, NAME, {
      ...TEMPLATE_VALUES[NAME],
      ...DIRECT,
    });
    expectStatus(task, 'completed');
    expect(task.ranSteps).toEqual([
      'pool-entity',
      'render',
      'summary',
      'apply',
    ]);
    const mc = await clusterReader(env.cluster).get(machineConfigPath(MC));
    expect(mc.spec.osImageURL).toBe(REBASED_WORKER_IMAGE);
    const history = await requestHistory(
      env.backend.server,
      TEST_CLUSTER,
      POOL,
    );
    expect(history.map(r => [r.kind, r.delivery, r.outcome])).toEqual(
      expect.arrayContaining([
        ['rebase', 'direct', 'applied'],
        ['rebase', 'pull-request', 'opened'],
      ]),
    );
  });
});
