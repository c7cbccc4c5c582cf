import yaml from 'yaml';
import {
  EMPTY_POOL,
  TEST_CLUSTER,
  clusterReader,
  expectStatus,
  machineConfigPath,
  poolPath,
  requestNames,
  requestOutcomes,
  runTemplate,
} from '@rhcos-layering/layering-templates-tests';
import {
  DIRECT,
  EDGE_IMAGE,
  OUT_OF_CLUSTER_CONTAINERFILE,
  RELEASE_BASE_IMAGE,
  TEMPLATE_VALUES,
} from './fixtures';
import { useRequestSuite } from './requestSuite';

jest.setTimeout(120_000);

const NAME = 'layering-out-of-cluster-image';
const {
  dir: DIR,
  branch: BRANCH,
  labels: LABELS,
} = requestNames('out-of-cluster-image', EMPTY_POOL);
const TITLE = `Layered image (out-of-cluster) for pool ${EMPTY_POOL} on ${TEST_CLUSTER}`;
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

describe('template: request an out-of-cluster layered image', () => {
  const suite = useRequestSuite({
    name: NAME,
    expected: { branch: BRANCH, title: TITLE, labels: LABELS, files: FILES },
  });
  const { env, github, gitlab } = suite;

  it('opens a GitHub pull request with the osImageURL MachineConfig by digest, and re-running updates it', async () => {
    const { files, pullRequest: pr } = await suite.openPullRequest();
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
    expect(pr.body).toBe(files[`${DIR}/SUMMARY.md`] + ROLLOUT);
    expect(pr.body).toContain(`setting \`osImageURL\` to \`${EDGE_IMAGE}\``);
    expect(pr.body).toContain('in sync');
    expect(
      await clusterReader(env.cluster).get(machineConfigPath(MC)),
    ).toBeUndefined();

    await suite.rerunOnOpenPullRequest();
    expect(github.pulls).toHaveLength(1);
    expect(github.pulls[0].updates).toBe(1);
    expect(Object.keys(github.files(BRANCH)).sort()).toEqual(FILES);
  });

  it('opens a GitLab merge request with the same files and labels, and re-running updates it', async () => {
    const { files, mergeRequest: opened } = await suite.openMergeRequest();
    expect(gitlab.mergeRequests).toHaveLength(1);
    expect(opened.description).toBe(files[`${DIR}/SUMMARY.md`] + ROLLOUT);

    const { mergeRequest } = await suite.rerunOnOpenMergeRequest({
      values: { reason: 'Second thoughts on the kernel setting' },
    });
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
    expect(await requestOutcomes(env.backend.server, EMPTY_POOL)).toEqual(
      expect.arrayContaining([
        ['pause', 'direct', 'applied'],
        ['out-of-cluster-layer', 'direct', 'applied'],
        ['out-of-cluster-layer', 'pull-request', 'opened'],
      ]),
    );
  });
});
