import yaml from 'yaml';
import {
  FakeGitHub,
  FakeGitLab,
  TEST_CLUSTER,
  clusterReader,
  expectStatus,
  poolPath,
  requestHistory,
  rerunOnOpenMergeRequest,
  runTemplate,
  useTemplateEnvironment,
} from '@internal/layering-templates-tests';
import { DIRECT, GITHUB, GITLAB, target } from './fixtures';

jest.setTimeout(120_000);

const NAME = 'layering-pause-resume-pool';

const github = new FakeGitHub({ owner: 'platform', repo: 'cluster-gitops' });
const gitlab = new FakeGitLab({ projectPath: 'platform/cluster-gitops' });

describe('template: pause or resume a pool', () => {
  const env = useTemplateEnvironment({ github, gitlab });

  it('opens a GitHub pull request that resumes the infra pool, and re-running updates it', async () => {
    const values = {
      target: target('infra'),
      reason: 'Roll out the pending build',
      operation: 'resume',
      ...GITHUB,
    };
    const task = await runTemplate(env.backend.server, NAME, values);
    expectStatus(task, 'completed');
    const branch = `layering/${TEST_CLUSTER}/infra/resume`;
    const file = `clusters/${TEST_CLUSTER}/pools/infra/machineconfigpool-infra.yaml`;
    expect(Object.keys(github.files(branch)).sort()).toEqual([
      'README.md',
      file,
    ]);
    expect(yaml.parse(github.files(branch)[file])).toEqual({
      apiVersion: 'machineconfiguration.openshift.io/v1',
      kind: 'MachineConfigPool',
      metadata: { name: 'infra' },
      spec: { paused: false },
    });
    expect(github.pulls[0]).toMatchObject({
      head: branch,
      title: `Resume pool infra on ${TEST_CLUSTER}`,
      labels: [
        'layering',
        'layering/resume',
        `cluster/${TEST_CLUSTER}`,
        'pool/infra',
      ],
      teamReviewers: ['platform'],
    });
    expect(github.pulls[0].body).toContain(
      'Sets `spec.paused: false` on MachineConfigPool `infra`',
    );
    expect(github.pulls[0].body).toContain('Roll out the pending build');
    expect(
      (await clusterReader(env.cluster).get(poolPath('infra'))).spec.paused,
    ).toBe(true);

    expectStatus(
      await runTemplate(env.backend.server, NAME, values),
      'completed',
    );
    expect(github.pulls).toHaveLength(1);
    expect(github.pulls[0].updates).toBe(1);
  });

  it('opens a GitLab merge request that pauses the worker pool, and re-running updates it', async () => {
    const task = await runTemplate(env.backend.server, NAME, {
      target: target('worker'),
      operation: 'pause',
      ...GITLAB,
    });
    expectStatus(task, 'completed');
    const branch = `layering/${TEST_CLUSTER}/worker/pause`;
    const file = `clusters/${TEST_CLUSTER}/pools/worker/machineconfigpool-worker.yaml`;
    expect(yaml.parse(gitlab.files(branch)[file]).spec).toEqual({
      paused: true,
    });
    expect(gitlab.mergeRequests).toEqual([
      expect.objectContaining({
        sourceBranch: branch,
        title: `Pause pool worker on ${TEST_CLUSTER}`,
        labels: [
          'layering',
          'layering/pause',
          `cluster/${TEST_CLUSTER}`,
          'pool/worker',
        ],
      }),
    ]);

    const { mergeRequest } = await rerunOnOpenMergeRequest(
      env.backend.server,
      gitlab,
      {
        name: NAME,
        values: {
          target: target('worker'),
          operation: 'pause',
          reason: 'Hold the workers during the audit',
          ...GITLAB,
        },
        branch,
      },
    );
    expect(Object.keys(gitlab.files(branch))).toContain(file);
    expect(mergeRequest.description).toContain(
      'Hold the workers during the audit',
    );
  });

  it('resumes and pauses directly, and says so when there is nothing to do', async () => {
    const reader = clusterReader(env.cluster);
    const resumed = await runTemplate(env.backend.server, NAME, {
      target: target('infra'),
      operation: 'resume',
      ...DIRECT,
    });
    expectStatus(resumed, 'completed');
    expect(resumed.ranSteps).toEqual(['pool-entity', 'resume']);
    expect((await reader.get(poolPath('infra'))).spec.paused).toBe(false);
    // The task page says what the form's preview said: the pending build comes first.
    expect(resumed.output.text).toEqual([
      { title: 'What happened', content: 'Pool infra is now running.' },
      {
        title: 'Pre-flight warnings',
        content: expect.stringMatching(
          /^Image build infra-[0-9a-f]+ of pool infra has not finished: no node is updated before it succeeds/,
        ),
      },
    ]);

    const paused = await runTemplate(env.backend.server, NAME, {
      target: target('worker'),
      operation: 'pause',
      ...DIRECT,
    });
    expectStatus(paused, 'completed');
    expect((await reader.get(poolPath('worker'))).spec.paused).toBe(true);

    const again = await runTemplate(env.backend.server, NAME, {
      target: target('worker'),
      operation: 'pause',
      ...DIRECT,
    });
    expectStatus(again, 'completed');
    expect(again.output.text).toEqual([
      {
        title: 'What happened',
        content: 'Pool worker was already paused; nothing was changed.',
      },
    ]);
    const history = await requestHistory(
      env.backend.server,
      TEST_CLUSTER,
      'worker',
    );
    expect(
      history.filter(r => r.kind === 'pause' && r.delivery === 'direct'),
    ).toHaveLength(1);
  });
});
