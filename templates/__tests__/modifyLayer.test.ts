import yaml from 'yaml';
import {
  TEST_CLUSTER,
  clusterReader,
  expectStatus,
  machineOSConfigPath,
  poolPath,
  requestNames,
  requestOutcomes,
  runTemplate,
} from '@rhcos-layering/layering-templates-tests';
import { DIRECT, TEMPLATE_VALUES } from './fixtures';
import { useRequestSuite } from './requestSuite';

jest.setTimeout(120_000);

const NAME = 'layering-modify-image';
const POOL = 'infra';
const {
  dir: DIR,
  branch: BRANCH,
  labels: LABELS,
} = requestNames('modify-image', POOL);
const TITLE = `Change the layered image of pool ${POOL} on ${TEST_CLUSTER}`;
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
const values = { ...TEMPLATE_VALUES[NAME], containerfile: NEW_CONTAINERFILE };

describe("template: modify a pool's layered image", () => {
  const suite = useRequestSuite({
    name: NAME,
    values,
    expected: { branch: BRANCH, title: TITLE, labels: LABELS, files: FILES },
  });
  const { env, github, gitlab } = suite;

  it('opens a GitHub pull request that shows the full new Containerfile, and re-running updates it', async () => {
    const { files, pullRequest: pr } = await suite.openPullRequest();
    expect(files[`${DIR}/Containerfile`]).toBe(NEW_CONTAINERFILE);
    expect(
      yaml.parse(files[`${DIR}/machineosconfig-${POOL}.yaml`]).spec
        .containerFile,
    ).toEqual([{ containerfileArch: 'NoArch', content: NEW_CONTAINERFILE }]);
    expect(pr.body).toContain(`Updates MachineOSConfig \`${POOL}\``);
    expect(pr.body).toContain(`\`\`\`dockerfile\n${NEW_CONTAINERFILE}\`\`\``);
    expect(pr.body).toContain('`infra-0` (pool `infra`)');

    await suite.rerunOnOpenPullRequest();
    expect(github.pulls).toHaveLength(1);
    expect(github.pulls[0].updates).toBe(1);
  });

  it('opens a GitLab merge request with the same content, and re-running updates it', async () => {
    await suite.openMergeRequest();
    expect(gitlab.mergeRequests).toHaveLength(1);

    const again = NEW_CONTAINERFILE.replace(
      'ostree container commit',
      'ostree container commit # again',
    );
    const { mergeRequest } = await suite.rerunOnOpenMergeRequest({
      values: { containerfile: again },
    });
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
    expect(await requestOutcomes(env.backend.server, POOL)).toEqual(
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
