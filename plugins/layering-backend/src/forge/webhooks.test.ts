import { TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import { eventually } from '../__testUtils__/testBackend';
import {
  GITHUB_SECRET,
  GITLAB_SECRET,
  githubSignature,
  prRequest,
  startForgeBackend,
} from './__testUtils__/forgeBackend';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const PR_URL = 'https://github.com/acme/fleet-config/pull/7';

function pullRequestPayload(action: string, pr: Record<string, unknown> = {}) {
  return {
    action,
    number: 7,
    pull_request: {
      number: 7,
      html_url: PR_URL,
      url: 'https://api.github.com/repos/acme/fleet-config/pulls/7',
      state: action === 'closed' ? 'closed' : 'open',
      created_at: '2030-01-01T09:00:00Z',
      user: { login: 'portal-bot' },
      merged: false,
      ...pr,
    },
    repository: { full_name: 'acme/fleet-config' },
    sender: { login: 'bob' },
  };
}

describe('forge webhooks through the events backend', () => {
  let backend: Awaited<ReturnType<typeof startForgeBackend>>;

  beforeEach(async () => {
    backend = await startForgeBackend(databases);
  });

  afterEach(async () => {
    await backend.backend.stop();
  });

  function postGithub(event: string, payload: unknown, signature?: string) {
    const body = JSON.stringify(payload);
    return request(backend.backend.server)
      .post('/api/events/http/github')
      .set('content-type', 'application/json')
      .set('x-github-event', event)
      .set('x-hub-signature-256', signature ?? githubSignature(body))
      .send(body);
  }

  it('records approved and merged (and by whom) from signed GitHub webhooks, and tells the requester and the pool owner', async () => {
    const { record } = await backend.requests.add(prRequest());
    const approved = await postGithub('pull_request_review', {
      action: 'submitted',
      review: {
        state: 'approved',
        user: { login: 'carol' },
        submitted_at: '2030-01-01T09:30:00Z',
        html_url: `${PR_URL}#pullrequestreview-1`,
      },
      pull_request: pullRequestPayload('opened').pull_request,
    });
    expect(approved.status).toBeLessThan(300);
    const merged = await postGithub(
      'pull_request',
      pullRequestPayload('closed', {
        merged: true,
        merged_at: '2030-01-01T10:00:00Z',
        merged_by: { login: 'carol' },
      }),
    );
    expect(merged.status).toBeLessThan(300);

    const stored = await eventually(async () => {
      const current = await backend.requests.get(record.id);
      expect(current?.outcome).toBe('merged');
      return current!;
    });
    expect(stored.events).toEqual([
      expect.objectContaining({ type: 'opened', by: 'user:default/alice' }),
      expect.objectContaining({
        type: 'approved',
        by: 'github:carol',
        at: '2030-01-01T09:30:00.000Z',
      }),
      expect.objectContaining({
        type: 'merged',
        by: 'github:carol',
        at: '2030-01-01T10:00:00.000Z',
        url: PR_URL,
      }),
    ]);

    await eventually(async () => {
      expect(backend.sent.map(n => n.payload.title)).toEqual([
        expect.stringMatching(/^Pull request opened/),
        expect.stringMatching(/^Pull request approved by github:carol/),
        expect.stringMatching(/^Pull request merged by github:carol/),
      ]);
    });
    const notice = backend.sent[2];
    expect(notice.recipients).toEqual({
      type: 'entity',
      entityRef: ['user:default/alice', 'group:default/platform'],
    });
    expect(notice.payload.link).toBe(PR_URL);
    expect(notice.payload.description).toContain(
      'http://portal.example.com/catalog/default/resource/ocp-418-worker',
    );

    // The same delivery again (GitHub retries) records nothing new.
    await postGithub(
      'pull_request',
      pullRequestPayload('closed', {
        merged: true,
        merged_at: '2030-01-01T10:00:00Z',
        merged_by: { login: 'carol' },
      }),
    );
    await new Promise(resolve => setImmediate(resolve));
    expect((await backend.requests.get(record.id))?.events).toHaveLength(3);
  });

  it('refuses a webhook with a bad signature and records nothing', async () => {
    const { record } = await backend.requests.add(prRequest());
    const payload = pullRequestPayload('closed', {
      merged: true,
      merged_at: '2030-01-01T10:00:00Z',
      merged_by: { login: 'mallory' },
    });
    const forged = await postGithub(
      'pull_request',
      payload,
      githubSignature(JSON.stringify(payload), 'not-the-secret'),
    );
    expect(forged.status).toBe(403);
    const unsigned = await request(backend.backend.server)
      .post('/api/events/http/github')
      .set('content-type', 'application/json')
      .set('x-github-event', 'pull_request')
      .send(JSON.stringify(payload));
    expect(unsigned.status).toBe(403);
    // A signed delivery afterwards is recorded: the refused ones above never reached the store.
    await postGithub('pull_request_review', {
      action: 'submitted',
      review: {
        state: 'approved',
        user: { login: 'carol' },
        submitted_at: '2030-01-01T09:30:00Z',
      },
      pull_request: pullRequestPayload('opened').pull_request,
    });
    const stored = await eventually(async () => {
      const current = await backend.requests.get(record.id);
      expect(current?.events?.map(e => e.type)).toContain('approved');
      return current!;
    });
    expect(stored.outcome).toBe('opened');
    expect(stored.events?.map(e => e.type)).toEqual(['opened', 'approved']);
  });

  it('records a pull request closed without merge', async () => {
    const { record } = await backend.requests.add(prRequest());
    await postGithub(
      'pull_request',
      pullRequestPayload('closed', { closed_at: '2030-01-02T08:00:00Z' }),
    );
    const stored = await eventually(async () => {
      const current = await backend.requests.get(record.id);
      expect(current?.outcome).toBe('closed');
      return current!;
    });
    expect(stored.events?.at(-1)).toEqual({
      type: 'closed',
      at: '2030-01-02T08:00:00.000Z',
      by: 'github:bob',
      detail: 'closed without merge',
      url: PR_URL,
    });
    // Closed is not a notice people get (only opened, approved, merged).
    expect(backend.sent.map(n => n.payload.title)).toEqual([
      expect.stringMatching(/^Pull request opened/),
    ]);
  });

  it('marks the first request superseded when a second one for the pool opens', async () => {
    const first = await backend.requests.add(prRequest());
    const second = await backend.requests.add(
      prRequest({
        taskId: 'task-2',
        pullRequestUrl: 'https://github.com/acme/fleet-config/pull/8',
      }),
    );
    const older = await backend.requests.get(first.record.id);
    expect(older?.outcome).toBe('superseded');
    expect(older?.events?.at(-1)).toMatchObject({
      type: 'superseded',
      url: 'https://github.com/acme/fleet-config/pull/8',
    });
    // The webhook for the newer one's merge moves only the newer one.
    await postGithub('pull_request', {
      ...pullRequestPayload('closed', {
        merged: true,
        merged_at: '2030-01-03T10:00:00Z',
        merged_by: { login: 'carol' },
      }),
      pull_request: {
        ...pullRequestPayload('closed').pull_request,
        number: 8,
        html_url: 'https://github.com/acme/fleet-config/pull/8',
        merged: true,
        merged_at: '2030-01-03T10:00:00Z',
        merged_by: { login: 'carol' },
      },
    });
    await eventually(async () => {
      expect((await backend.requests.get(second.record.id))?.outcome).toBe(
        'merged',
      );
    });
    expect((await backend.requests.get(first.record.id))?.outcome).toBe(
      'superseded',
    );
  });

  it('ignores and logs a webhook for a pull request no request opened, without its payload', async () => {
    const { record } = await backend.requests.add(prRequest());
    const secretish = 'token-in-a-pull-request-body';
    await postGithub('pull_request', {
      ...pullRequestPayload('closed', { merged: true, body: secretish }),
      pull_request: {
        ...pullRequestPayload('closed').pull_request,
        number: 99,
        html_url: 'https://github.com/acme/fleet-config/pull/99',
        merged: true,
        body: secretish,
      },
    });
    const line = await eventually(async () => {
      const found = backend.lines.find(l =>
        l.message.includes('no layering request opened'),
      );
      expect(found).toBeDefined();
      return found!;
    });
    expect(line.meta).toMatchObject({
      host: 'github.com',
      project: 'acme/fleet-config',
      number: 99,
    });
    expect(JSON.stringify(backend.lines)).not.toContain(secretish);
    expect(JSON.stringify(backend.lines)).not.toContain(GITHUB_SECRET);
    expect(
      (await backend.requests.get(record.id))?.events?.map(e => e.type),
    ).toEqual(['opened']);
  });

  it('records a GitLab merge request merged, with the token checked', async () => {
    const url =
      'https://gitlab.example.com/platform/fleet/config/-/merge_requests/3';
    const { record } = await backend.requests.add(
      prRequest({ pullRequestUrl: url }),
    );
    const payload = {
      object_kind: 'merge_request',
      event_type: 'merge_request',
      user: { username: 'dora' },
      project: { path_with_namespace: 'platform/fleet/config' },
      object_attributes: {
        iid: 3,
        url,
        action: 'merge',
        state: 'merged',
        updated_at: '2030-01-04 10:00:00 UTC',
      },
    };
    const refused = await request(backend.backend.server)
      .post('/api/events/http/gitlab')
      .set('content-type', 'application/json')
      .set('x-gitlab-token', 'wrong')
      .send(JSON.stringify(payload));
    expect(refused.status).toBe(403);
    const accepted = await request(backend.backend.server)
      .post('/api/events/http/gitlab')
      .set('content-type', 'application/json')
      .set('x-gitlab-token', GITLAB_SECRET)
      .set('x-gitlab-event', 'Merge Request Hook')
      .send(JSON.stringify(payload));
    expect(accepted.status).toBeLessThan(300);
    const stored = await eventually(async () => {
      const current = await backend.requests.get(record.id);
      expect(current?.outcome).toBe('merged');
      return current!;
    });
    expect(stored.events?.at(-1)).toEqual({
      type: 'merged',
      at: '2030-01-04T10:00:00.000Z',
      by: 'gitlab:dora',
      url,
    });
  });
});

describe('forge webhooks without a secret', () => {
  it('have no ingress at all, so nothing unsigned gets in', async () => {
    const { backend, requests } = await startForgeBackend(databases, {
      config: { events: { useEventBus: 'never' } },
    });
    try {
      const { record } = await requests.add(prRequest());
      const body = JSON.stringify({
        action: 'closed',
        pull_request: {
          html_url: PR_URL,
          state: 'closed',
          merged: true,
          merged_at: '2030-01-01T10:00:00Z',
        },
      });
      for (const topic of ['github', 'gitlab']) {
        const response = await request(backend.server)
          .post(`/api/events/http/${topic}`)
          .set('content-type', 'application/json')
          .set('x-github-event', 'pull_request')
          .send(body);
        expect(response.status).toBe(404);
      }
      expect((await requests.get(record.id))?.outcome).toBe('opened');
    } finally {
      await backend.stop();
    }
  });
});
