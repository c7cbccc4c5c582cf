import yaml from 'yaml';
import {
  TEST_CLUSTER,
  clusterReader,
  expectStatus,
  machineConfigPath,
  requestNames,
  requestOutcomes,
  runTemplate,
} from '@rhcos-layering/layering-templates-tests';
import {
  DIRECT,
  REBASED_WORKER_IMAGE,
  RELEASE_BASE_IMAGE,
  TEMPLATE_VALUES,
} from './fixtures';
import { useRequestSuite } from './requestSuite';

jest.setTimeout(120_000);

const NAME = 'layering-rebase-image';
const POOL = 'worker';
const MC = 'os-layer-custom';
const {
  dir: DIR,
  branch: BRANCH,
  labels: LABELS,
} = requestNames('rebase-image', POOL);
const TITLE = `Rebase pool ${POOL} on ${TEST_CLUSTER} onto release 4.18.21`;
/** What the pull request body adds to the rendered summary. */
const ROLLOUT = `\n### Roll-out\n\nNow: the nodes of the pool reboot into the rebased image, one at a time, once this is merged and synced.\n`;
const FILES = [
  'README.md',
  `${DIR}/SUMMARY.md`,
  `${DIR}/machineconfig-${MC}.yaml`,
];

describe("template: rebase a pool's image onto the cluster's release", () => {
  const suite = useRequestSuite({
    name: NAME,
    expected: { branch: BRANCH, title: TITLE, labels: LABELS, files: FILES },
  });
  const { env, github, gitlab } = suite;

  it('opens a GitHub pull request that moves the existing MachineConfig to the rebuilt image, and re-running updates it', async () => {
    const { files, pullRequest: pr } = await suite.openPullRequest();
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
    expect(pr.body).toBe(files[`${DIR}/SUMMARY.md`] + ROLLOUT);
    // The worker change reaches the custom pools that inherit worker MachineConfigs.
    expect(pr.body).toContain(
      'Custom pool `infra` inherits worker MachineConfigs',
    );
    expect(pr.body).toContain('`worker-0` (pool `worker`)');

    await suite.rerunOnOpenPullRequest();
    expect(github.pulls).toHaveLength(1);
    expect(github.pulls[0].updates).toBe(1);
  });

  it('opens a GitLab merge request with the same files and labels, and re-running updates it', async () => {
    await suite.openMergeRequest();
    expect(gitlab.mergeRequests).toHaveLength(1);

    const { mergeRequest } = await suite.rerunOnOpenMergeRequest({
      values: { reason: 'Rebased again after a respin' },
    });
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
    expect(await requestOutcomes(env.backend.server, POOL)).toEqual(
      expect.arrayContaining([
        ['rebase', 'direct', 'applied'],
        ['rebase', 'pull-request', 'opened'],
      ]),
    );
  });
});
