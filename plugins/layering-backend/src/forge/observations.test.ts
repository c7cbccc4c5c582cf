import {
  forgeTime,
  fromGithubWebhook,
  fromGitlabWebhook,
} from './observations';
import { parsePullRequestUrl, samePullRequest } from './pullRequestRef';

describe('parsePullRequestUrl', () => {
  it.each([
    [
      'https://github.com/acme/fleet/pull/7',
      'github',
      'github.com',
      'acme/fleet',
      7,
    ],
    [
      'https://github.com/acme/fleet/pull/7/files#diff',
      'github',
      'github.com',
      'acme/fleet',
      7,
    ],
    [
      'https://api.github.com/repos/acme/fleet/pulls/7',
      'github',
      'github.com',
      'acme/fleet',
      7,
    ],
    [
      'https://ghe.example.com/api/v3/repos/acme/fleet/pulls/12',
      'github',
      'ghe.example.com',
      'acme/fleet',
      12,
    ],
    [
      'https://gitlab.com/group/sub/project/-/merge_requests/3',
      'gitlab',
      'gitlab.com',
      'group/sub/project',
      3,
    ],
    [
      'https://gitlab.com/api/v4/projects/group%2Fsub%2Fproject/merge_requests/3',
      'gitlab',
      'gitlab.com',
      'group/sub/project',
      3,
    ],
  ])('reads %s', (url, forge, host, project, number) => {
    expect(parsePullRequestUrl(url)).toEqual({ forge, host, project, number });
  });

  it.each([
    'https://github.com/acme/fleet',
    'https://github.com/acme/fleet/pull/0',
    'https://github.com/acme/fleet/issues/abc',
    'ftp://github.com/acme/fleet/pull/1',
    'not a url',
    '',
  ])('refuses %s', url => {
    expect(parsePullRequestUrl(url)).toBeUndefined();
  });

  it('compares host, project (without case) and number', () => {
    const a = parsePullRequestUrl('https://github.com/Acme/Fleet/pull/7')!;
    expect(
      samePullRequest(
        a,
        parsePullRequestUrl('https://api.github.com/repos/acme/fleet/pulls/7')!,
      ),
    ).toBe(true);
    expect(
      samePullRequest(
        a,
        parsePullRequestUrl('https://github.com/acme/fleet/pull/70')!,
      ),
    ).toBe(false);
    expect(
      samePullRequest(
        a,
        parsePullRequestUrl('https://ghe.example.com/acme/fleet/pull/7')!,
      ),
    ).toBe(false);
  });
});

describe('forge webhook payloads', () => {
  const pr = {
    html_url: 'https://github.com/acme/fleet/pull/7',
    created_at: '2030-01-01T09:00:00Z',
    user: { login: 'bot' },
    state: 'open',
  };

  it('keeps only opened and closed pull request actions', () => {
    expect(
      fromGithubWebhook('github.pull_request', {
        action: 'edited',
        pull_request: pr,
      }),
    ).toBeUndefined();
    expect(
      fromGithubWebhook('github.pull_request', {
        action: 'reopened',
        pull_request: pr,
      }),
    ).toBeUndefined();
    expect(
      fromGithubWebhook('github.pull_request', {
        action: 'opened',
        pull_request: pr,
      })?.events,
    ).toEqual([
      {
        type: 'opened',
        at: '2030-01-01T09:00:00.000Z',
        by: 'github:bot',
        url: pr.html_url,
      },
    ]);
  });

  it('keeps approving reviews only', () => {
    const review = (state: string) =>
      fromGithubWebhook('github.pull_request_review', {
        action: 'submitted',
        review: {
          state,
          user: { login: 'carol' },
          submitted_at: '2030-01-01T09:30:00Z',
        },
        pull_request: pr,
      });
    expect(review('commented')).toBeUndefined();
    expect(review('changes_requested')).toBeUndefined();
    expect(review('approved')?.events).toEqual([
      { type: 'approved', at: '2030-01-01T09:30:00.000Z', by: 'github:carol' },
    ]);
  });

  it('reads GitLab merge request actions and ignores the rest', () => {
    const mr = (action: string) =>
      fromGitlabWebhook({
        object_kind: 'merge_request',
        user: { username: 'dora' },
        object_attributes: {
          url: 'https://gitlab.com/g/p/-/merge_requests/3',
          action,
          updated_at: '2030-01-04 10:00:00 UTC',
        },
      });
    expect(mr('update')).toBeUndefined();
    expect(mr('unapproved')).toBeUndefined();
    expect(mr('approved')?.events).toEqual([
      {
        type: 'approved',
        at: '2030-01-04T10:00:00.000Z',
        by: 'gitlab:dora',
        url: 'https://gitlab.com/g/p/-/merge_requests/3',
      },
    ]);
    expect(mr('close')?.events[0]).toMatchObject({
      type: 'closed',
      detail: 'closed without merge',
    });
  });

  it('ignores payloads without a pull request URL it can read', () => {
    expect(
      fromGithubWebhook('github.pull_request', { action: 'closed' }),
    ).toBeUndefined();
    expect(fromGithubWebhook('github.pull_request', null)).toBeUndefined();
    expect(
      fromGitlabWebhook({
        object_attributes: { url: 'nope', action: 'merge' },
      }),
    ).toBeUndefined();
  });

  it('reads forge times, and uses now for missing or unreadable ones', () => {
    const now = () => new Date('2030-02-02T00:00:00Z');
    expect(forgeTime('2030-01-04 10:00:00 UTC', now)).toBe(
      '2030-01-04T10:00:00.000Z',
    );
    expect(forgeTime('2030-01-04T10:00:00+02:00', now)).toBe(
      '2030-01-04T08:00:00.000Z',
    );
    expect(forgeTime(undefined, now)).toBe('2030-02-02T00:00:00.000Z');
    expect(forgeTime('soon', now)).toBe('2030-02-02T00:00:00.000Z');
  });
});
