import {
  mockServices,
  registerMswTestHooks,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { DatabaseRequestStore } from '../services/RequestStore';
import { prRequest, recordingLogger } from './__testUtils__/forgeBackend';
import { ForgeApi } from './forgeApi';
import { ForgePoller } from './ForgePoller';
import { ForgeRecorder } from './ForgeRecorder';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const server = setupServer();
registerMswTestHooks(server);

const GITHUB_API = 'https://api.github.com/repos/acme/fleet-config/pulls/7';
const GITLAB_API =
  'https://gitlab.example.com/api/v4/projects/platform%2Ffleet%2Fconfig/merge_requests/3';

const integrations = ScmIntegrations.fromConfig(
  new ConfigReader({
    integrations: {
      github: [{ host: 'github.com', token: 'ghp-test-token' }],
      gitlab: [
        {
          host: 'gitlab.example.com',
          apiBaseUrl: 'https://gitlab.example.com/api/v4',
          token: 'glpat-test-token',
        },
      ],
    },
  }),
);

function openPull(overrides: Record<string, unknown> = {}) {
  return {
    number: 7,
    html_url: 'https://github.com/acme/fleet-config/pull/7',
    state: 'open',
    merged: false,
    created_at: '2030-01-01T09:00:00Z',
    user: { login: 'portal-bot' },
    ...overrides,
  };
}

describe('ForgePoller', () => {
  let now: number;

  async function setup() {
    const knex = await databases.init('SQLITE_3');
    const requests = await DatabaseRequestStore.create(
      mockServices.database({ knex }),
    );
    const log = recordingLogger();
    const recorder = new ForgeRecorder({ requests, logger: log.logger });
    const poller = new ForgePoller({
      requests,
      api: new ForgeApi({ integrations, now: () => now }),
      recorder,
      logger: log.logger,
      now: () => now,
      backoff: { baseMs: 60_000, capMs: 300_000 },
    });
    return { requests, poller, lines: log.lines };
  }

  beforeEach(() => {
    now = Date.parse('2030-01-01T12:00:00Z');
  });

  it('records approved and merged from the GitHub API once, however often it polls', async () => {
    const { requests, poller } = await setup();
    const { record } = await requests.add(prRequest());
    const seenAuth: Array<string | null> = [];
    server.use(
      http.get(GITHUB_API, ({ request }) => {
        seenAuth.push(request.headers.get('authorization'));
        return HttpResponse.json(
          openPull({
            state: 'closed',
            merged: true,
            merged_at: '2030-01-01T10:00:00Z',
            merged_by: { login: 'carol' },
          }),
          { headers: { 'x-ratelimit-remaining': '4999' } },
        );
      }),
      http.get(`${GITHUB_API}/reviews`, () =>
        HttpResponse.json([
          {
            state: 'COMMENTED',
            user: { login: 'dave' },
            submitted_at: '2030-01-01T09:10:00Z',
          },
          {
            state: 'APPROVED',
            user: { login: 'carol' },
            submitted_at: '2030-01-01T09:30:00Z',
          },
        ]),
      ),
    );
    expect(await poller.run()).toEqual({
      checked: 1,
      recorded: 2,
      deferred: 0,
      failed: 0,
    });
    const stored = await requests.get(record.id);
    expect(stored?.outcome).toBe('merged');
    expect(stored?.events?.map(e => [e.type, e.by])).toEqual([
      ['opened', 'user:default/alice'],
      ['approved', 'github:carol'],
      ['merged', 'github:carol'],
    ]);
    expect(seenAuth[0]).toBe('Bearer ghp-test-token');
    // Merged is final: the next poll has nothing left to ask about.
    expect(await poller.run()).toEqual({
      checked: 0,
      recorded: 0,
      deferred: 0,
      failed: 0,
    });
  });

  it('records nothing twice while a pull request stays open and approved', async () => {
    const { requests, poller } = await setup();
    const { record } = await requests.add(prRequest());
    server.use(
      http.get(GITHUB_API, () => HttpResponse.json(openPull())),
      http.get(`${GITHUB_API}/reviews`, () =>
        HttpResponse.json([
          {
            state: 'APPROVED',
            user: { login: 'carol' },
            submitted_at: '2030-01-01T09:30:00Z',
          },
        ]),
      ),
    );
    expect((await poller.run()).recorded).toBe(1);
    expect((await poller.run()).recorded).toBe(0);
    expect((await requests.get(record.id))?.events?.map(e => e.type)).toEqual([
      'opened',
      'approved',
    ]);
  });

  it('backs off a host on 429, exponentially and capped, and asks again once the time is up', async () => {
    const { requests, poller, lines } = await setup();
    const { record } = await requests.add(prRequest());
    let calls = 0;
    let throttle = true;
    server.use(
      http.get(GITHUB_API, () => {
        calls += 1;
        return throttle
          ? new HttpResponse(null, { status: 429 })
          : HttpResponse.json(
              openPull({
                state: 'closed',
                merged: true,
                merged_at: '2030-01-01T10:00:00Z',
              }),
            );
      }),
      http.get(`${GITHUB_API}/reviews`, () => HttpResponse.json([])),
    );
    expect(await poller.run()).toMatchObject({ failed: 1, recorded: 0 });
    expect(calls).toBe(1);
    expect(poller.backingOffUntil('github.com')).toBe(now + 60_000);
    expect(
      lines.find(l => l.message.includes('backing off'))?.meta,
    ).toMatchObject({
      host: 'github.com',
      status: 429,
      waitSeconds: 60,
    });

    // Within the back-off the host is not asked at all.
    now += 59_000;
    expect(await poller.run()).toMatchObject({ deferred: 1, failed: 0 });
    expect(calls).toBe(1);

    // After it, asked again; refused again: twice as long.
    now += 2_000;
    await poller.run();
    expect(calls).toBe(2);
    expect(poller.backingOffUntil('github.com')).toBe(now + 120_000);
    // ... and never longer than the cap.
    for (let i = 0; i < 4; i++) {
      now = poller.backingOffUntil('github.com')! + 1;
      await poller.run();
    }
    expect(poller.backingOffUntil('github.com')).toBe(now + 300_000);

    throttle = false;
    now = poller.backingOffUntil('github.com')! + 1;
    expect(await poller.run()).toMatchObject({ checked: 1, failed: 0 });
    expect((await requests.get(record.id))?.outcome).toBe('merged');
    expect(poller.backingOffUntil('github.com')).toBeUndefined();
    expect(JSON.stringify(lines)).not.toContain('ghp-test-token');
  });

  it('waits as long as Retry-After says on 403, and until the reset when the limit is spent', async () => {
    const { requests, poller } = await setup();
    await requests.add(prRequest());
    let answer: 'forbidden' | 'spent' = 'forbidden';
    server.use(
      http.get(GITHUB_API, () =>
        answer === 'forbidden'
          ? new HttpResponse(null, {
              status: 403,
              headers: { 'retry-after': '600' },
            })
          : HttpResponse.json(openPull(), {
              headers: {
                'x-ratelimit-remaining': '0',
                'x-ratelimit-reset': String(now / 1000 + 900),
              },
            }),
      ),
      http.get(`${GITHUB_API}/reviews`, () =>
        HttpResponse.json([], {
          headers: {
            'x-ratelimit-remaining': '0',
            'x-ratelimit-reset': String(now / 1000 + 900),
          },
        }),
      ),
    );
    await poller.run();
    expect(poller.backingOffUntil('github.com')).toBe(now + 600_000);
    answer = 'spent';
    now += 600_001;
    expect(await poller.run()).toMatchObject({ checked: 1 });
    expect(poller.backingOffUntil('github.com')).toBe(now + 900_000);
  });

  it('records a GitLab merge request merged, with its approvers, using the integration token', async () => {
    const { requests, poller } = await setup();
    const url =
      'https://gitlab.example.com/platform/fleet/config/-/merge_requests/3';
    const { record } = await requests.add(prRequest({ pullRequestUrl: url }));
    const tokens: Array<string | null> = [];
    server.use(
      http.get(GITLAB_API, ({ request }) => {
        tokens.push(request.headers.get('private-token'));
        return HttpResponse.json({
          iid: 3,
          web_url: url,
          state: 'merged',
          created_at: '2030-01-01T09:00:00Z',
          merged_at: '2030-01-01T11:00:00Z',
          merge_user: { username: 'dora' },
          author: { username: 'portal-bot' },
        });
      }),
      http.get(`${GITLAB_API}/approvals`, () =>
        HttpResponse.json({ approved_by: [{ user: { username: 'erin' } }] }),
      ),
    );
    await poller.run();
    const stored = await requests.get(record.id);
    expect(stored?.outcome).toBe('merged');
    expect(stored?.events?.map(e => [e.type, e.by])).toEqual([
      ['opened', 'user:default/alice'],
      ['merged', 'gitlab:dora'],
      ['approved', 'gitlab:erin'],
    ]);
    expect(tokens).toEqual(['glpat-test-token']);
  });

  it('does not ask hosts it has no integration for', async () => {
    const { requests, poller } = await setup();
    await requests.add(
      prRequest({
        pullRequestUrl: 'https://git.internal.example/acme/fleet/pull/1',
      }),
    );
    expect(await poller.run()).toEqual({
      checked: 0,
      recorded: 0,
      deferred: 0,
      failed: 0,
    });
  });
});
