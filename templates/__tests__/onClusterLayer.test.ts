import yaml from 'yaml';
import type { JsonObject } from '@backstage/types';
import {
  EMPTY_POOL,
  PORTAL_GITHUB_TOKEN,
  PORTAL_GITLAB_TOKEN,
  TEST_CLUSTER,
  TEST_PUSH_SECRET,
  clusterReader,
  expectStatus,
  machineOSConfigPath,
  poolPath,
  requestHistory,
  requestNames,
  requestOutcomes,
  runTemplate,
} from '@rhcos-layering/layering-templates-tests';
import { DIRECT, GITLAB } from './fixtures';
import { useRequestSuite } from './requestSuite';

jest.setTimeout(120_000);

const NAME = 'layering-on-cluster-image';
const CONTAINERFILE =
  "FROM configs AS final\nRUN echo 'net.core.somaxconn = 1024' > /etc/sysctl.d/90-layering.conf && \\\n    ostree container commit\n";
const PUSH_SPEC = 'registry.example.com/platform-os/edge-layered:latest';
const {
  dir: DIR,
  branch: BRANCH,
  labels: LABELS,
} = requestNames('on-cluster-image', EMPTY_POOL);
const TITLE = `Layered image (on-cluster) for pool ${EMPTY_POOL} on ${TEST_CLUSTER}`;
/** What the pull request body adds to the rendered summary. */
const ROLLOUT = `\n### Roll-out\n\nBuild first, roll out later: this pull request also pauses pool \`${EMPTY_POOL}\` (machineconfigpool-${EMPTY_POOL}.yaml), so the image builds but no node reboots. Resume the pool when you are ready.\n`;

/** What the first request leaves on the branch: the build-first request also pauses the pool. */
const FILES = [
  'README.md',
  `${DIR}/Containerfile`,
  `${DIR}/SUMMARY.md`,
  `${DIR}/machineconfigpool-${EMPTY_POOL}.yaml`,
  `${DIR}/machineosconfig-${EMPTY_POOL}.yaml`,
];

const values = (extra: JsonObject = {}) => ({
  target: { cluster: TEST_CLUSTER, pool: EMPTY_POOL },
  reason: 'Raise somaxconn for the edge proxies',
  containerfile: CONTAINERFILE,
  pushSpec: PUSH_SPEC,
  pushSecret: TEST_PUSH_SECRET,
  rollout: 'build-first',
  ...extra,
});

describe('template: request an on-cluster layered image', () => {
  const suite = useRequestSuite({
    name: NAME,
    values: values(),
    expected: { branch: BRANCH, title: TITLE, labels: LABELS, files: FILES },
  });
  const { env, github, gitlab } = suite;

  it('opens a GitHub pull request with the MachineOSConfig, the Containerfile and the pause, and changes nothing on the cluster', async () => {
    const { task, files, pullRequest: pr } = await suite.openPullRequest();
    expect(task.ranSteps).toEqual([
      'pool-entity',
      'compose',
      'render',
      'pause-manifest',
      'summary',
      'publish-github',
      'label-github',
      'record',
    ]);

    expect(github.branches()).toEqual(['main', BRANCH]);
    expect(files[`${DIR}/Containerfile`]).toBe(CONTAINERFILE);
    const mosc = yaml.parse(files[`${DIR}/machineosconfig-${EMPTY_POOL}.yaml`]);
    expect(mosc).toMatchObject({
      apiVersion: 'machineconfiguration.openshift.io/v1',
      kind: 'MachineOSConfig',
      metadata: {
        name: EMPTY_POOL,
        annotations: {
          'layering.openshift.io/requested-by': 'user:default/guest',
        },
      },
      spec: {
        machineConfigPool: { name: EMPTY_POOL },
        renderedImagePushSpec: PUSH_SPEC,
        renderedImagePushSecret: { name: TEST_PUSH_SECRET },
        containerFile: [
          { containerfileArch: 'NoArch', content: CONTAINERFILE },
        ],
      },
    });
    expect(
      yaml.parse(files[`${DIR}/machineconfigpool-${EMPTY_POOL}.yaml`]),
    ).toEqual({
      apiVersion: 'machineconfiguration.openshift.io/v1',
      kind: 'MachineConfigPool',
      metadata: { name: EMPTY_POOL },
      spec: { paused: true },
    });

    expect(github.pulls).toHaveLength(1);
    expect(pr).toMatchObject({
      number: 1,
      base: 'main',
      reviewers: [],
      updates: 0,
    });
    // The body is the rendered summary (also committed as SUMMARY.md) and the roll-out.
    expect(pr.body).toBe(files[`${DIR}/SUMMARY.md`] + ROLLOUT);
    expect(pr.body).toContain(
      `## On-cluster layered image for pool \`${EMPTY_POOL}\` on \`${TEST_CLUSTER}\``,
    );
    expect(pr.body).toContain('Raise somaxconn for the edge proxies');
    expect(pr.body).toContain(`no node is in pool \`${EMPTY_POOL}\` yet`);
    expect(pr.body).toContain('### Warnings');
    expect(pr.body).toContain(CONTAINERFILE.trimEnd());
    expect(github.commitsAhead(BRANCH)).toEqual([
      `layering: on-cluster image for ${TEST_CLUSTER}/${EMPTY_POOL}`,
    ]);
    expect([...github.tokens]).toEqual([PORTAL_GITHUB_TOKEN]);

    expect(task.output.links).toEqual([
      {
        title: 'Pull request',
        icon: 'github',
        url: 'https://github.com/platform/cluster-gitops/pull/1',
      },
      {
        title: 'Pool in the catalog',
        icon: 'catalog',
        entityRef: `resource:default/${TEST_CLUSTER}-${EMPTY_POOL}`,
      },
      {
        title: 'Builds and nodes of the pool',
        icon: 'dashboard',
        url: `/catalog/default/resource/${TEST_CLUSTER}-${EMPTY_POOL}/layering`,
      },
    ]);

    const reader = clusterReader(env.cluster);
    expect(await reader.get(machineOSConfigPath(EMPTY_POOL))).toBeUndefined();
    expect((await reader.get(poolPath(EMPTY_POOL))).spec.paused).toBe(false);
    expect(
      await requestHistory(env.backend.server, TEST_CLUSTER, EMPTY_POOL),
    ).toEqual([
      expect.objectContaining({
        kind: 'on-cluster-layer',
        delivery: 'pull-request',
        outcome: 'opened',
        pullRequestUrl: 'https://github.com/platform/cluster-gitops/pull/1',
        requestedBy: 'user:default/guest',
      }),
    ]);
  });

  it('updates the same pull request when the request is made again, with a user token from the Secret field', async () => {
    const changed = CONTAINERFILE.replace('1024', '4096');
    const { task, pullRequest } = await suite.rerunOnOpenPullRequest({
      values: { containerfile: changed },
      secrets: { forgeToken: 'ghp-user-token' },
    });
    expect(github.pulls).toHaveLength(1);
    expect(pullRequest).toMatchObject({
      number: 1,
      head: BRANCH,
      title: TITLE,
      updates: 1,
      labels: LABELS,
    });
    expect(pullRequest.body).toContain(changed.trimEnd());
    expect(github.files(BRANCH)[`${DIR}/Containerfile`]).toBe(changed);
    // The branch is rebuilt on the default branch and force-pushed: one commit, the new content.
    expect(github.commitsAhead(BRANCH)).toEqual([
      `layering: on-cluster image for ${TEST_CLUSTER}/${EMPTY_POOL}`,
    ]);
    expect(github.tokens).toContain('ghp-user-token');
    // The token is a task secret: it is never logged.
    expect(task.log.join('\n')).not.toContain('ghp-user-token');
  });

  it('opens a GitLab merge request with the same files, labels and summary', async () => {
    const { task, files, mergeRequest } = await suite.openMergeRequest();
    expect(gitlab.branches()).toEqual(['main', BRANCH]);
    expect(files[`${DIR}/Containerfile`]).toBe(CONTAINERFILE);
    expect(gitlab.mergeRequests).toHaveLength(1);
    expect(mergeRequest).toMatchObject({ iid: 1, targetBranch: 'main' });
    expect(mergeRequest.description).toBe(files[`${DIR}/SUMMARY.md`] + ROLLOUT);
    expect(gitlab.commits(BRANCH)).toEqual([TITLE]);
    expect([...gitlab.tokens]).toEqual([PORTAL_GITLAB_TOKEN]);
    expect(task.output.links).toContainEqual({
      title: 'Merge request',
      icon: 'gitlab',
      url: 'https://gitlab.com/platform/cluster-gitops/-/merge_requests/1',
    });
  });

  it('updates the same merge request when the request is made again: pushes to its branch and refreshes its description', async () => {
    const changed = CONTAINERFILE.replace('1024', '8192');
    const { task, mergeRequest } = await suite.rerunOnOpenMergeRequest({
      values: { containerfile: changed, rollout: 'now' },
    });
    expect(task.ranSteps).toEqual([
      'pool-entity',
      'compose',
      'render',
      'summary',
      'gitlab-open',
      'gitlab-push',
      'gitlab-refresh',
      'record',
    ]);
    expect(gitlab.mergeRequests).toHaveLength(1);
    expect(mergeRequest).toMatchObject({
      iid: 1,
      sourceBranch: BRANCH,
      title: TITLE,
      labels: LABELS,
      updates: 1,
    });
    const files = gitlab.files(BRANCH);
    expect(files[`${DIR}/Containerfile`]).toBe(changed);
    // "Now" pauses nothing: the pause the first run added leaves the merge request.
    expect(Object.keys(files).sort()).toEqual([
      'README.md',
      `${DIR}/Containerfile`,
      `${DIR}/SUMMARY.md`,
      `${DIR}/machineosconfig-${EMPTY_POOL}.yaml`,
    ]);
    // The new request says "now": the description no longer speaks of a pause.
    expect(mergeRequest.description).toBe(
      `${
        files[`${DIR}/SUMMARY.md`]
      }\n### Roll-out\n\nNow: the nodes of the pool reboot into the new image, one at a time, as soon as the build succeeds.\n`,
    );
    expect(gitlab.commits(BRANCH)).toEqual([
      TITLE,
      `layering: on-cluster image for ${TEST_CLUSTER}/${EMPTY_POOL}`,
      'layering: remove what the request no longer changes',
    ]);
    expect(
      gitlab.calls.filter(
        c => c.startsWith('POST') && c.endsWith('/merge_requests'),
      ),
    ).toHaveLength(1);
    expect(
      (
        await requestHistory(env.backend.server, TEST_CLUSTER, EMPTY_POOL)
      ).filter(
        r =>
          r.pullRequestUrl ===
          'https://gitlab.com/platform/cluster-gitops/-/merge_requests/1',
      ),
    ).toHaveLength(2);
  });

  it('does not push or edit anything when the merge request cannot be looked up', async () => {
    const before = {
      files: gitlab.files(BRANCH),
      commits: gitlab.commits(BRANCH),
    };
    const task = await runTemplate(env.backend.server, NAME, {
      ...values(),
      ...GITLAB,
      repoUrl: 'gitlab.com?owner=platform&repo=unknown-project',
    });
    expectStatus(task, 'failed');
    expect(task.log.join('\n')).toContain(
      'GitLab answered 404 Not Found to GET merge_requests of project platform/unknown-project',
    );
    expect(task.log.join('\n')).not.toContain(PORTAL_GITLAB_TOKEN);
    expect(gitlab.files(BRANCH)).toEqual(before.files);
    expect(gitlab.commits(BRANCH)).toEqual(before.commits);
    expect(gitlab.mergeRequests).toHaveLength(1);
  });

  it('applies directly: pauses the pool first, then creates the MachineOSConfig, and the MCO builds the image', async () => {
    const reader = clusterReader(env.cluster);
    const task = await runTemplate(env.backend.server, NAME, {
      ...values(),
      ...DIRECT,
    });
    expectStatus(task, 'completed');
    expect(task.ranSteps).toEqual([
      'pool-entity',
      'compose',
      'render',
      'summary',
      'pause',
      'apply',
    ]);

    expect((await reader.get(poolPath(EMPTY_POOL))).spec.paused).toBe(true);
    const mosc = await reader.get(machineOSConfigPath(EMPTY_POOL));
    expect(mosc.spec).toMatchObject({
      machineConfigPool: { name: EMPTY_POOL },
      renderedImagePushSpec: PUSH_SPEC,
      containerFile: [{ content: CONTAINERFILE }],
    });
    expect(
      mosc.metadata.annotations['layering.openshift.io/template-run'],
    ).toBe(task.id);
    const builds = await reader.get(
      '/apis/machineconfiguration.openshift.io/v1/machineosbuilds',
    );
    expect(
      builds.items.filter(
        (b: any) => b.spec.machineOSConfig.name === EMPTY_POOL,
      ),
    ).toHaveLength(1);

    expect(task.output.links).toEqual([
      {
        title: 'Pool in the catalog',
        icon: 'catalog',
        entityRef: `resource:default/${TEST_CLUSTER}-${EMPTY_POOL}`,
      },
      {
        title: 'Builds and nodes of the pool',
        icon: 'dashboard',
        url: `/catalog/default/resource/${TEST_CLUSTER}-${EMPTY_POOL}/layering`,
      },
    ]);
    const text = task.output.text as Array<{ title: string; content: string }>;
    expect(text[0]).toEqual({
      title: 'Roll-out',
      content: expect.stringContaining('the pool is paused before the change'),
    });
    expect(text[1].content).toContain('Creates MachineOSConfig `edge`');

    expect(await requestOutcomes(env.backend.server, EMPTY_POOL)).toEqual(
      expect.arrayContaining([
        ['pause', 'direct', 'applied'],
        ['on-cluster-layer', 'direct', 'applied'],
      ]),
    );
  });

  it('refuses RHEL packages without the entitlement secret, with the field in the error and nothing changed', async () => {
    const reader = clusterReader(env.cluster);
    const before = await reader.get(poolPath('worker'));
    const task = await runTemplate(env.backend.server, NAME, {
      ...values({
        target: { cluster: TEST_CLUSTER, pool: 'worker' },
        containerfile:
          'FROM configs AS final\nRUN dnf install -y tmux && dnf clean all && ostree container commit\n',
      }),
      ...DIRECT,
    });
    expectStatus(task, 'failed');
    expect(task.log.join('\n')).toMatch(
      /containerfile: The Containerfile installs RHEL packages/,
    );
    expect(task.ranSteps).not.toContain('apply');
    expect(await reader.get(machineOSConfigPath('worker'))).toBeUndefined();
    expect(
      (await reader.get(poolPath('worker'))).metadata.resourceVersion,
    ).toBe(before.metadata.resourceVersion);
  });
});
