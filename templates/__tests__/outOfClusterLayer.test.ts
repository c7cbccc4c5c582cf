import yaml from 'yaml';
import {
  EMPTY_POOL,
  FakeGitHub,
  FakeGitLab,
  TEST_CLUSTER,
  clusterReader,
  expectStatus,
  machineConfigPath,
  poolPath,
  requestHistory,
  rerunOnOpenMergeRequest,
  runTemplate,
  useTemplateEnvironment,
} from '@internal/layering-templates-tests';
import {
  DIRECT,
  EDGE_IMAGE,
  GITHUB,
  GITLAB,
  OUT_OF_CLUSTER_CONTAINERFILE,
  RELEASE_BASE_IMAGE,
  TEMPLATE_VALUES,
} from './fixtures';

jest.setTimeout(120_000);

const NAME = 'layering-out-of-cluster-image';
const DIR = `clusters/${TEST_CLUSTER}/pools/${EMPTY_POOL}`;
const BRANCH = `layering/${TEST_CLUSTER}/${EMPTY_POOL}/out-of-cluster-image`;
const TITLE = `Layered image (out-of-cluster) for pool ${EMPTY_POOL} on ${TEST_CLUSTER}`;
const LABELS = [
  'layering',
  'layering/out-of-cluster-image',
  `cluster/${TEST_CLUSTER}`,
  `pool/${EMPTY_POOL}`,
];
/** What the pull request body adds to the rendered summary. */
const ROLLOUT = `\n### Roll-out\n\nRoll out later: this pull request also pauses pool \`${EMPTY_POOL}\` (machineconfigpool-${EMPTY_POOL}.yaml), so the MachineConfig renders but no node reboots. Resume the pool when you are ready.\n`;
const MC = `os-layer-${EMPTY_POOL}`;
const FILES = [
  'README.md',
  `${DIR}/Containerfile`,
  `${DIR}/SUMMARY.md`,
  `${DIR}/machineconfig-${MC}.yaml`,
  `${DIR}/machineconfigpool-${EMPTY_POOL}.yaml`,
];

const github = new FakeGitHub({ owner: 'platform', repo: 'cluster-gitops' });
const gitlab = new FakeGitLab({ projectPath: 'platform/cluster-gitops' });

describe('template: request an out-of-cluster layered image', () => {
  const env = useTemplateEnvironment({ github, gitlab });

  it('opens a GitHub pull request with the osImageURL MachineConfig by digest, and re-running updates it', async () => {
    const task = await runTemplate(env.backend.server, NAME, {
      ...TEMPLATE_VALUES[NAME],
      ...GITHUB,
    });
    expectStatus(task, 'completed');
    const files = github.files(BRANCH);
    expect(Object.keys(files).sort()).toEqual(FILES);
    expect(yaml.parse(files[`${DIR}/machineconfig-${MC}.yaml`])).toMatchObject({
      apiVersion: 'machineconfiguration.openshift.io/v1',
      kind: 'MachineConfig',
      metadata: {
        name: MC,
        labels: { 'machineconfiguration.openshift.io/role': EMPTY_POOL },
        annotations: { 'layering.openshift.io/base-image': RELEASE_BASE_IMAGE },
      },
      spec: { osImageURL: EDGE_IMAGE },
    });
    expect(files[`${DIR}/Containerfile`]).toBe(OUT_OF_CLUSTER_CONTAINERFILE);
    expect(github.pulls).toHaveLength(1);
    expect(github.pulls[0]).toMatchObject({
      head: BRANCH,
      title: TITLE,
      labels: LABELS,
      teamReviewers: ['platform'],
    });
    expect(github.pulls[0].body).toBe(files[`${DIR}/SUMMARY.md`] + ROLLOUT);
    expect(github.pulls[0].body).toContain(
      `setting \`osImageURL\` to \`${EDGE_IMAGE}\``,
    );
    expect(github.pulls[0].body).toContain('in sync');
    expect(
      await clusterReader(env.cluster).get(machineConfigPath(MC)),
    ).toBeUndefined();

    const again = await runTemplate(env.backend.server, NAME, {
      ...TEMPLATE_VALUES[NAME],
      ...GITHUB,
    });
    expectStatus(again, 'completed');
    expect(github.pulls).toHaveLength(1);
    expect(github.pulls[0].updates).toBe(1);
    expect(Object.keys(github.files(BRANCH)).sort()).toEqual(FILES);
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
    expect(gitlab.mergeRequests[0].description).toBe(
      gitlab.files(BRANCH)[`${DIR}/SUMMARY.md`] + ROLLOUT,
    );

    const { mergeRequest } = await rerunOnOpenMergeRequest(
      env.backend.server,
      gitlab,
      {
        name: NAME,
        values: {
          ...TEMPLATE_VALUES[NAME],
          reason: 'Second thoughts on the kernel setting',
          ...GITLAB,
        },
        branch: BRANCH,
      },
    );
    expect(Object.keys(gitlab.files(BRANCH)).sort()).toEqual(FILES);
    expect(gitlab.files(BRANCH)[`${DIR}/SUMMARY.md`]).toContain(
      'Second thoughts on the kernel setting',
    );
    expect(mergeRequest.description).toBe(
      gitlab.files(BRANCH)[`${DIR}/SUMMARY.md`] + ROLLOUT,
    );
  });

  it('refuses an image given by tag, in the form schema', async () => {
    const res = await runTemplate(env.backend.server, NAME, {
      ...TEMPLATE_VALUES[NAME],
      ...DIRECT,
      image: 'registry.example.com/platform-os/edge-custom:latest',
    }).catch((error: Error) => error);
    expect(String(res)).toMatch(/Creating the task answered 400.*image/);
  });

  it('applies directly: pauses the pool, then creates the MachineConfig', async () => {
    const reader = clusterReader(env.cluster);
    const task = await runTemplate(env.backend.server, NAME, {
      ...TEMPLATE_VALUES[NAME],
      ...DIRECT,
    });
    expectStatus(task, 'completed');
    expect(task.ranSteps).toEqual([
      'pool-entity',
      'render',
      'summary',
      'pause',
      'apply',
    ]);
    expect((await reader.get(poolPath(EMPTY_POOL))).spec.paused).toBe(true);
    const mc = await reader.get(machineConfigPath(MC));
    expect(mc.spec.osImageURL).toBe(EDGE_IMAGE);
    expect(mc.metadata.labels['machineconfiguration.openshift.io/role']).toBe(
      EMPTY_POOL,
    );
    const history = await requestHistory(
      env.backend.server,
      TEST_CLUSTER,
      EMPTY_POOL,
    );
    expect(history.map(r => [r.kind, r.delivery, r.outcome])).toEqual(
      expect.arrayContaining([
        ['pause', 'direct', 'applied'],
        ['out-of-cluster-layer', 'direct', 'applied'],
        ['out-of-cluster-layer', 'pull-request', 'opened'],
      ]),
    );
  });
});
