import {
  FakeGitHub,
  FakeGitLab,
  TEST_CLUSTER,
  clusterReader,
  expectStatus,
  machineConfigPath,
  machineOSConfigPath,
  requestHistory,
  rerunOnOpenMergeRequest,
  runTemplate,
  useTemplateEnvironment,
} from '@internal/layering-templates-tests';
import { DIRECT, GITHUB, GITLAB, TEMPLATE_VALUES, target } from './fixtures';

jest.setTimeout(120_000);

const NAME = 'layering-revert-image';
const POOL = 'infra';
const DIR = `clusters/${TEST_CLUSTER}/pools/${POOL}`;
const BRANCH = `layering/${TEST_CLUSTER}/${POOL}/revert-image`;
const TITLE = `Revert pool ${POOL} on ${TEST_CLUSTER} to the base image`;
const LABELS = [
  'layering',
  'layering/revert-image',
  `cluster/${TEST_CLUSTER}`,
  `pool/${POOL}`,
];

/** The GitOps repository as the on-cluster request left it. */
const repoFiles = {
  'README.md': '# GitOps\n',
  [`${DIR}/machineosconfig-${POOL}.yaml`]: 'kind: MachineOSConfig\n',
  [`${DIR}/Containerfile`]: 'FROM configs AS final\n',
  [`${DIR}/SUMMARY.md`]: '## On-cluster layered image\n',
};

const github = new FakeGitHub({
  owner: 'platform',
  repo: 'cluster-gitops',
  files: repoFiles,
});
const gitlab = new FakeGitLab({
  projectPath: 'platform/cluster-gitops',
  files: repoFiles,
});

describe('template: revert a pool to the base image', () => {
  const env = useTemplateEnvironment({ github, gitlab });

  it('opens a GitHub pull request that deletes the MachineOSConfig and its Containerfile, and re-running updates it', async () => {
    const task = await runTemplate(env.backend.server, NAME, {
      ...TEMPLATE_VALUES[NAME],
      ...GITHUB,
    });
    expectStatus(task, 'completed');
    const files = github.files(BRANCH);
    expect(Object.keys(files).sort()).toEqual([
      'README.md',
      `${DIR}/REVERTED.md`,
      `${DIR}/SUMMARY.md`,
    ]);
    expect(files[`${DIR}/REVERTED.md`]).toContain(
      'Removed MachineOSConfig infra and its Containerfile',
    );
    expect(files[`${DIR}/REVERTED.md`]).toContain(
      'Reason: The infra pool no longer needs its own image',
    );
    const [pr] = github.pulls;
    expect(pr).toMatchObject({
      head: BRANCH,
      title: TITLE,
      labels: LABELS,
      teamReviewers: ['platform'],
    });
    expect(pr.body).toContain(
      'Deletes MachineOSConfig `infra` and its Containerfile',
    );
    expect(pr.body).toContain('Every node of pool `infra` reboots');
    expect(
      await clusterReader(env.cluster).get(machineOSConfigPath(POOL)),
    ).toBeDefined();

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

  it('opens a GitLab merge request that deletes the same files, and re-running updates it', async () => {
    const task = await runTemplate(env.backend.server, NAME, {
      ...TEMPLATE_VALUES[NAME],
      ...GITLAB,
    });
    expectStatus(task, 'completed');
    expect(Object.keys(gitlab.files(BRANCH)).sort()).toEqual([
      'README.md',
      `${DIR}/SUMMARY.md`,
    ]);
    expect(gitlab.mergeRequests).toEqual([
      expect.objectContaining({
        sourceBranch: BRANCH,
        title: TITLE,
        labels: LABELS,
      }),
    ]);
    expect(gitlab.mergeRequests[0].description).toContain(
      'Deletes MachineOSConfig `infra`',
    );

    const { mergeRequest } = await rerunOnOpenMergeRequest(
      env.backend.server,
      gitlab,
      {
        name: NAME,
        values: {
          ...TEMPLATE_VALUES[NAME],
          reason: 'The image broke the infra nodes',
          ...GITLAB,
        },
        branch: BRANCH,
      },
    );
    // The branch already deletes the same files: nothing new is pushed.
    expect(Object.keys(gitlab.files(BRANCH)).sort()).toEqual([
      'README.md',
      `${DIR}/SUMMARY.md`,
    ]);
    expect(mergeRequest.description).toContain(
      'The image broke the infra nodes',
    );
  });

  it('reverts directly: deletes the MachineOSConfig of an on-cluster pool', async () => {
    const task = await runTemplate(env.backend.server, NAME, {
      ...TEMPLATE_VALUES[NAME],
      ...DIRECT,
    });
    expectStatus(task, 'completed');
    expect(task.ranSteps).toEqual(['pool-entity', 'revert']);
    expect(
      await clusterReader(env.cluster).get(machineOSConfigPath(POOL)),
    ).toBeUndefined();
    const text = task.output.text as Array<{ title: string; content: string }>;
    expect(text).toEqual([
      {
        title: 'What happened',
        content: expect.stringContaining('Removed MachineOSConfig/infra.'),
      },
    ]);
    expect(
      await requestHistory(env.backend.server, TEST_CLUSTER, POOL),
    ).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'revert',
          delivery: 'direct',
          outcome: 'applied',
        }),
      ]),
    );
  });

  it('reverts directly: deletes the osImageURL MachineConfig of an out-of-cluster pool and warns about inheriting pools', async () => {
    const task = await runTemplate(env.backend.server, NAME, {
      ...TEMPLATE_VALUES[NAME],
      ...DIRECT,
      target: target('worker'),
      layeredAs: 'out-of-cluster',
      machineConfigName: 'os-layer-custom',
    });
    expectStatus(task, 'completed');
    expect(
      await clusterReader(env.cluster).get(
        machineConfigPath('os-layer-custom'),
      ),
    ).toBeUndefined();
    const [text] = task.output.text as Array<{ content: string }>;
    expect(text.content).toContain('Removed MachineConfig/os-layer-custom.');
    expect(text.content).toContain('custom pools');
  });
});
