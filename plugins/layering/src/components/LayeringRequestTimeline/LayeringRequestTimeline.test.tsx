import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import type { LayeringRequestRecord } from '@rhcos-layering/plugin-layering-common';
import { LayeringRequestTimeline } from './LayeringRequestTimeline';
import { timelineSteps } from './timelineSteps';

const PR = 'https://github.com/acme/fleet-config/pull/12';

const merged: LayeringRequestRecord = {
  id: 'req-12',
  cluster: 'ocp-418',
  pool: 'infra',
  kind: 'modify',
  delivery: 'pull-request',
  pullRequestUrl: PR,
  taskId: 'task-12',
  requestedBy: 'user:default/alice',
  createdAt: '2026-12-05T09:00:00Z',
  outcome: 'merged',
  summary: 'Add usbguard to infra',
  events: [
    {
      type: 'opened',
      at: '2026-12-05T09:00:00Z',
      by: 'user:default/alice',
      url: PR,
    },
    { type: 'approved', at: '2026-12-05T09:20:00Z', by: 'github:bob' },
    { type: 'approved', at: '2026-12-05T09:25:00Z', by: 'github:carol' },
    { type: 'merged', at: '2026-12-05T09:30:00Z', by: 'github:bob' },
    {
      type: 'applied',
      at: '2026-12-05T09:31:00Z',
      detail:
        'MachineOSConfig infra (sha256:0123456789ab) written by argocd-controller (GitOps)',
    },
    {
      type: 'build-started',
      at: '2026-12-05T09:31:05Z',
      detail: 'MachineOSBuild infra-1',
    },
    {
      type: 'build-succeeded',
      at: '2026-12-05T09:36:00Z',
      detail: 'MachineOSBuild infra-1 succeeded in 4 min 55 s',
    },
    {
      type: 'rollout-progress',
      at: '2026-12-05T09:40:00Z',
      detail: '1 of 2 nodes updated',
    },
  ],
};

describe('timelineSteps', () => {
  it('shows the review and the cluster steps, each with its newest event', () => {
    const steps = timelineSteps(merged);
    expect(steps.map(s => [s.id, s.status])).toEqual([
      ['opened', 'opened'],
      ['approved', 'approved'],
      ['merged', 'merged'],
      ['applied', 'applied'],
      ['build', 'succeeded'],
      ['rollout', 'rolling'],
    ]);
    expect(steps[1].by).toBe('github:bob, github:carol');
    expect(steps[2].url).toBe(PR);
    expect(steps[5].detail).toBe('1 of 2 nodes updated');
  });

  it('ends at a closed pull request, and a direct request without review or build steps', () => {
    const closed = timelineSteps({
      ...merged,
      outcome: 'closed',
      events: [
        merged.events![0],
        { type: 'closed', at: '2026-12-05T10:00:00Z', by: 'github:bob' },
      ],
    });
    expect(closed.map(s => [s.id, s.status])).toEqual([
      ['opened', 'opened'],
      ['approved', 'waiting'],
      ['merged', 'closed without merge'],
    ]);
    const direct = timelineSteps({
      ...merged,
      kind: 'out-of-cluster-layer',
      delivery: 'direct',
      pullRequestUrl: null,
      events: [
        { type: 'applied', at: '2026-12-05T10:00:00Z' },
        {
          type: 'rollout-degraded',
          at: '2026-12-05T10:05:00Z',
          detail: '1 of 3 nodes updated: disk full',
        },
      ],
    });
    expect(direct.map(s => [s.id, s.status, s.tone])).toEqual([
      ['applied', 'applied', 'success'],
      ['rollout', 'degraded', 'danger'],
    ]);
  });
});

describe('LayeringRequestTimeline', () => {
  it('renders one timeline per request, newest first, with times, people, details and links', async () => {
    const older: LayeringRequestRecord = {
      ...merged,
      id: 'req-11',
      createdAt: '2026-12-01T09:00:00Z',
      outcome: 'superseded',
      summary: 'Add tmux to infra',
      events: [{ type: 'opened', at: '2026-12-01T09:00:00Z' }],
    };
    await renderInTestApp(
      <LayeringRequestTimeline requests={[older, merged]} />,
    );
    const timelines = screen.getAllByRole('region', { name: /^Timeline of / });
    expect(timelines.map(t => t.getAttribute('aria-label'))).toEqual([
      'Timeline of Add usbguard to infra',
      'Timeline of Add tmux to infra',
    ]);
    const steps = within(timelines[0]).getAllByRole('listitem');
    expect(steps.map(s => s.getAttribute('aria-label'))).toEqual([
      'Opened: opened',
      'Approved: approved',
      'Merged: merged',
      'Applied: applied',
      'Build: succeeded',
      'Rollout: rolling',
    ]);
    expect(within(steps[2]).getByText('by github:bob')).toBeInTheDocument();
    expect(
      within(steps[2]).getByRole('link', { name: 'Pull request' }),
    ).toHaveAttribute('href', PR);
    expect(
      within(steps[4]).getByText(
        'MachineOSBuild infra-1 succeeded in 4 min 55 s',
      ),
    ).toBeInTheDocument();
    expect(
      within(steps[5]).getByText('1 of 2 nodes updated'),
    ).toBeInTheDocument();
    expect(
      within(timelines[1]).getByText('superseded by a newer request'),
    ).toBeInTheDocument();
    expect(
      within(timelines[1]).getByRole('listitem', { name: 'Rollout: waiting' }),
    ).toBeInTheDocument();
  });

  it('says so when the pool has no requests', async () => {
    await renderInTestApp(<LayeringRequestTimeline requests={[]} />);
    expect(
      screen.getByText('No requests were made through the portal.'),
    ).toBeInTheDocument();
  });
});
