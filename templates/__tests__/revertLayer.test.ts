import {
  TEST_CLUSTER,
  clusterReader,
  expectStatus,
  machineConfigPath,
  machineOSConfigPath,
  requestHistory,
  requestNames,
  runTemplate,
} from '@rhcos-layering/layering-templates-tests';
import { DIRECT, TEMPLATE_VALUES, target } from './fixtures';
import { useRequestSuite } from './requestSuite';

jest.setTimeout(120_000);

const NAME = 'layering-revert-image';
const POOL = 'infra';
const {
  dir: DIR,
  branch: BRANCH,
  labels: LABELS,
} = requestNames('revert-image', POOL);
const TITLE = `Revert pool ${POOL} on ${TEST_CLUSTER} to the base image`;

/** The GitOps repository as the on-cluster request left it. */
const repoFiles = {
  'README.md': '# GitOps\n',
  [`${DIR}/machineosconfig-${POOL}.yaml`]: 'kind: MachineOSConfig\n',
  [`${DIR}/Containerfile`]: 'FROM configs AS final\n',
  [`${DIR}/SUMMARY.md`]: '## On-cluster layered image\n',
};
/** What a merge request leaves on its branch: the MachineOSConfig and its Containerfile go. */
const FILES = ['README.md', `${DIR}/SUMMARY.md`];

describe('template: revert a pool to the base image', () => {
  const suite = useRequestSuite({
    name: NAME,
    expected: { branch: BRANCH, title: TITLE, labels: LABELS, files: FILES },
    repoFiles,
  });
  const { env, github, gitlab } = suite;

  it('opens a GitHub pull request that deletes the MachineOSConfig and its Containerfile, and re-running updates it', async () => {
    const { files, pullRequest: pr } = await suite.openPullRequest({
      expected: {
        files: ['README.md', `${DIR}/REVERTED.md`, `${DIR}/SUMMARY.md`],
      },
    });
    expect(files[`${DIR}/REVERTED.md`]).toContain(
      'Removed MachineOSConfig infra and its Containerfile',
    );
    expect(files[`${DIR}/REVERTED.md`]).toContain(
      'Reason: The infra pool no longer needs its own image',
    );
    expect(pr.body).toContain(
      'Deletes MachineOSConfig `infra` and its Containerfile',
    );
    expect(pr.body).toContain('Every node of pool `infra` reboots');
    expect(
      await clusterReader(env.cluster).get(machineOSConfigPath(POOL)),
    ).toBeDefined();

    await suite.rerunOnOpenPullRequest();
    expect(github.pulls).toHaveLength(1);
    expect(github.pulls[0].updates).toBe(1);
  });

  it('opens a GitLab merge request that deletes the same files, and re-running updates it', async () => {
    const { mergeRequest: opened } = await suite.openMergeRequest();
    expect(gitlab.mergeRequests).toHaveLength(1);
    expect(opened.description).toContain('Deletes MachineOSConfig `infra`');

    const { mergeRequest } = await suite.rerunOnOpenMergeRequest({
      values: { reason: 'The image broke the infra nodes' },
    });
    // The branch already deletes the same files: nothing new is pushed.
    expect(Object.keys(gitlab.files(BRANCH)).sort()).toEqual(FILES);
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
