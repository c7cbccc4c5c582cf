import yaml from 'yaml';
import {
  FakeGitHub,
  FakeGitLab,
  TEST_CLUSTER,
  clusterReader,
  expectStatus,
  machineOSConfigPath,
  poolPath,
  requestHistory,
  rerunOnOpenMergeRequest,
  runTemplate,
  useTemplateEnvironment,
} from '@internal/layering-templates-tests';
import { DIRECT, GITHUB, GITLAB, TEMPLATE_VALUES } from './fixtures';

jest.setTimeout(120_000);

const NAME = 'layering-modify-image';
const POOL = 'infra';
const DIR = `clusters/${TEST_CLUSTER}/pools/${POOL}`;
const BRANCH = `layering/${TEST_CLUSTER}/${POOL}/modify-image`;
const TITLE = `Change the layered image of pool ${POOL} on ${TEST_CLUSTER}`;
const LABELS = [
  'layering',
  'layering/modify-image',
  `cluster/${TEST_CLUSTER}`,
  `pool/${POOL}`,
];
/** The infra image today plus one more package-free change: the whole file replaces the old one. */
const NEW_CONTAINERFILE =
  "FROM configs AS final\nRUN echo 'vm.max_map_count = 262144' > /etc/sysctl.d/91-infra.conf && \\\n    ostree container commit\n";
const FILES = [
  'README.md',
  `${DIR}/Containerfile`,
  `${DIR}/SUMMARY.md`,
  `${DIR}/machineconfigpool-${POOL}.yaml`,
  `${DIR}/machineosconfig-${POOL}.yaml`,
];

const github = new FakeGitHub({ owner: 'platform', repo: 'cluster-gitops' });
const gitlab = new FakeGitLab({ projectPath: 'platform/cluster-gitops' });
const values = { ...TEMPLATE_VALUES[NAME], containerfile: NEW_CONTAINERFILE };

describe("template: modify a pool's layered image", () => {
  const env = useTemplateEnvironment({ github, gitlab });

  it('opens a GitHub pull request that shows the full new Containerfile, and re-running updates it', async () => {
    const task = await runTemplate(env.backend.server, NAME, {
      ...values,
      ...GITHUB,
    });
    expectStatus(task, 'completed');
    const files = github.files(BRANCH);
    expect(Object.keys(files).sort()).toEqual(FILES);
    expect(files[`${DIR}/Containerfile`]).toBe(NEW_CONTAINERFILE);
    expect(
      yaml.parse(files[`${DIR}/machineosconfig-${POOL}.yaml`]).spec
        .containerFile,
    ).toEqual([{ containerfileArch: 'NoArch', content: NEW_CONTAINERFILE }]);
    const [pr] = github.pulls;
    expect(pr).toMatchObject({
      head: BRANCH,
      title: TITLE,
      labels: LABELS,
      teamReviewers: ['platform'],
    });
    expect(pr.body).toContain(`Updates MachineOSConfig \`${POOL}\``);
    expect(pr.body).toContain(`\`\`\`dockerfile\n${NEW_CONTAINERFILE}\`\`\``);
    expect(pr.body).toContain('`infra-0` (pool `infra`)');

    expectStatus(
      await runTemplate(env.backend.server, NAME, { ...values, ...GITHUB }),
      'completed',
    );
    expect(github.pulls).toHaveLength(1);
    expect(github.pulls[0].updates).toBe(1);
  });

  it('opens a GitLab merge request with the same content, and re-running updates it', async () => {
    const task = await runTemplate(env.backend.server, NAME, {
      ...values,
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

    const again = NEW_CONTAINERFILE.replace(
      'ostree container commit',
      'ostree container commit # again',
    );
    const { mergeRequest } = await rerunOnOpenMergeRequest(
      env.backend.server,
      gitlab,
      {
        name: NAME,
        values: { ...values, containerfile: again, ...GITLAB },
        branch: BRANCH,
      },
    );
    expect(gitlab.files(BRANCH)[`${DIR}/Containerfile`]).toBe(again);
    expect(Object.keys(gitlab.files(BRANCH)).sort()).toEqual(FILES);
    expect(mergeRequest.description).toContain(
      `\`\`\`dockerfile\n${again}\`\`\``,
    );
  });

  it('applies directly: the MachineOSConfig gets the new Containerfile and the paused pool stays paused', async () => {
    const reader = clusterReader(env.cluster);
    const task = await runTemplate(env.backend.server, NAME, {
      ...values,
      ...DIRECT,
    });
    expectStatus(task, 'completed');
    const mosc = await reader.get(machineOSConfigPath(POOL));
    expect(mosc.spec.containerFile).toEqual([
      expect.objectContaining({ content: NEW_CONTAINERFILE }),
    ]);
    expect((await reader.get(poolPath(POOL))).spec.paused).toBe(true);
    const history = await requestHistory(
      env.backend.server,
      TEST_CLUSTER,
      POOL,
    );
    expect(history.map(r => [r.kind, r.delivery, r.outcome])).toEqual(
      expect.arrayContaining([
        ['modify', 'direct', 'applied'],
        ['modify', 'pull-request', 'opened'],
      ]),
    );
  });

  it('refuses content the on-cluster build cannot use, before anything is written', async () => {
    const reader = clusterReader(env.cluster);
    const before = await reader.get(machineOSConfigPath(POOL));
    const task = await runTemplate(env.backend.server, NAME, {
      ...values,
      ...DIRECT,
      containerfile:
        'FROM registry.example.com/somewhere/else:latest\nRUN true\n',
    });
    expectStatus(task, 'failed');
    expect(task.log.join('\n')).toMatch(/containerfile/);
    expect(
      (await reader.get(machineOSConfigPath(POOL))).metadata.resourceVersion,
    ).toBe(before.metadata.resourceVersion);
  });
});
