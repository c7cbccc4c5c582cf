import yaml from 'yaml';
import {
  TEST_CLUSTER,
  clusterReader,
  expectStatus,
  openMergeRequest,
  openPullRequest,
  poolPath,
  requestHistory,
  requestNames,
  rerunOnOpenMergeRequest,
  rerunOnOpenPullRequest,
  runTemplate,
  useTemplateEnvironment,
} from '@rhcos-layering/layering-templates-tests';
import { DIRECT, GITHUB, GITLAB, gitopsForges, target } from './fixtures';

jest.setTimeout(120_000);

const NAME = 'layering-pause-resume-pool';

const { github, gitlab } = gitopsForges();

describe('template: pause or resume a pool', () => {
  const env = useTemplateEnvironment({ github, gitlab });

  it('opens a GitHub pull request that resumes the infra pool, and re-running updates it', async () => {
    const values = {
      target: target('infra'),
      reason: 'Roll out the pending build',
      operation: 'resume',
      ...GITHUB,
    };
    const { branch, dir, labels } = requestNames('resume', 'infra');
    const file = `${dir}/machineconfigpool-infra.yaml`;
    const { files, pullRequest } = await openPullRequest(
      env.backend.server,
      github,
      {
        name: NAME,
        values,
        expected: {
          branch,
          title: `Resume pool infra on ${TEST_CLUSTER}`,
          labels,
          files: ['README.md', file],
        },
      },
    );
    expect(yaml.parse(files[file])).toEqual({
      apiVersion: 'machineconfiguration.openshift.io/v1',
      kind: 'MachineConfigPool',
      metadata: { name: 'infra' },
      spec: { paused: false },
    });
    expect(pullRequest.body).toContain(
      'Sets `spec.paused: false` on MachineConfigPool `infra`',
    );
    expect(pullRequest.body).toContain('Roll out the pending build');
    expect(
      (await clusterReader(env.cluster).get(poolPath('infra'))).spec.paused,
    ).toBe(true);

    await rerunOnOpenPullRequest(env.backend.server, github, {
      name: NAME,
      values,
      branch,
    });
    expect(github.pulls).toHaveLength(1);
    expect(github.pulls[0].updates).toBe(1);
  });

  it('opens a GitLab merge request that pauses the worker pool, and re-running updates it', async () => {
    const { branch, dir, labels } = requestNames('pause', 'worker');
    const file = `${dir}/machineconfigpool-worker.yaml`;
    const { files } = await openMergeRequest(env.backend.server, gitlab, {
      name: NAME,
      values: { target: target('worker'), operation: 'pause', ...GITLAB },
      expected: {
        branch,
        title: `Pause pool worker on ${TEST_CLUSTER}`,
        labels,
        files: ['README.md', file],
      },
    });
    expect(yaml.parse(files[file]).spec).toEqual({ paused: true });
    expect(gitlab.mergeRequests).toHaveLength(1);

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
