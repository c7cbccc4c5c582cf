import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { validate } from 'jsonschema';
import yaml from 'yaml';
import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { ConfigReader } from '@backstage/config';
import { assertError, InputError } from '@backstage/errors';
import { ScmIntegrations } from '@backstage/integration';
import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import type { JsonObject } from '@backstage/types';
import type { EmbeddedCluster } from '@rhcos-layering/embedded-openshift';
import { createLayeringActions } from '.';
import {
  actionOptions,
  adminApi,
  snapshotCluster,
  startTestCluster,
} from '../__testUtils__/cluster';
import { createTestContext, readTree } from '../__testUtils__/context';
import {
  generateBadInputs,
  layerMachineConfig,
  namesField,
  type BadInputCase,
  type BaseInput,
} from '../__testUtils__/badInputs';

/**
 * Bad inputs generated from the actions' own input schemas, each run the way the scaffolder runs
 * a step (the JSON-schema check of `schema.input`, then the handler), against one embedded
 * cluster and recorded GitHub/GitLab APIs. Every case must end in an error that names the field,
 * with nothing written: no cluster object changed (the store's revision stays put), no mutating
 * forge request, no request recorded, no workspace file created.
 */

const CF = 'FROM configs AS final\nRUN dnf install -y tmux && \\\n    ostree container commit\n';
const DIGEST = 'sha256:5f2c1b0e8a4d6f7e9c3b2a1d0e8f7c6b5a4d3e2f1c0b9a8d7e6f5c4b3a2d1e0f';
const repoUrl = 'gitlab.example.com?owner=platform&repo=cluster-gitops';
const onCluster = {
  cluster: 'ocp-418',
  pool: 'worker',
  mode: 'on-cluster',
  containerfile: CF,
  pushSpec: 'registry.example.com/platform-os/worker-layered:latest',
  pushSecret: 'push-secret',
};

const BASES: Record<string, BaseInput[]> = {
  'layering:containerfile:compose': [
    { input: { cluster: 'ocp-418', mode: 'on-cluster', packages: ['tmux'] } },
    { input: { cluster: 'ocp-418', mode: 'on-cluster', containerfile: CF }, owns: ['containerfile'] },
  ],
  'layering:manifest:render': [
    { input: onCluster },
    {
      input: {
        cluster: 'ocp-418',
        pool: 'worker',
        mode: 'out-of-cluster',
        image: `registry.example.com/platform-os/worker-layered@${DIGEST}`,
      },
      owns: ['image', 'extensionsImage', 'baseImage', 'machineConfigName'],
    },
  ],
  'layering:cluster:apply': [
    {
      input: { cluster: 'ocp-418', pool: 'worker', manifests: ['m.yaml'] },
      seed: { 'm.yaml': yaml.stringify(layerMachineConfig()) },
    },
  ],
  'layering:pool:pause': [{ input: { cluster: 'ocp-418', pool: 'worker' } }],
  'layering:pool:resume': [{ input: { cluster: 'ocp-418', pool: 'worker' } }],
  'layering:build:rebuild': [{ input: { cluster: 'ocp-418', pool: 'infra' } }],
  'layering:build:delete': [{ input: { cluster: 'ocp-418', build: 'infra-0001' } }],
  'layering:layer:revert': [
    { input: { cluster: 'ocp-418', pool: 'worker' } },
    { input: { cluster: 'ocp-418', pool: 'infra', method: 'unlabel-nodes', nodes: ['worker-0'] }, owns: ['nodes'] },
    {
      input: { cluster: 'ocp-418', pool: 'worker', method: 'remove-machine-config', machineConfig: 'os-layer-worker' },
      owns: ['machineConfig'],
    },
  ],
  'layering:node:assign': [
    { input: { cluster: 'ocp-418', pool: 'canary', nodes: ['worker-1'], createPool: true } },
  ],
  'layering:request:record': [
    {
      input: {
        cluster: 'ocp-418',
        pool: 'worker',
        kind: 'revert',
        summary: 'Revert the layer',
        pullRequestUrl: 'https://gitlab.example.com/platform/cluster-gitops/-/merge_requests/7',
      },
    },
  ],
  'layering:merge-request:find': [{ input: { repoUrl, branchName: 'layering/ocp-418/worker' } }],
  'layering:merge-request:update': [
    { input: { repoUrl, mergeRequestIid: 7, title: 'Layered image', description: 'A layer' } },
  ],
};

/** Names of the errors that say "your input is wrong" (a 4xx), as opposed to a failure. */
const CLIENT_ERRORS = ['InputError', 'NotFoundError', 'ConflictError', 'NotAllowedError'];

// The actions are built here only to read their schemas; the tests build them again, wired.
const schemaActions = createLayeringActions({} as any);
const cases: BadInputCase[] = schemaActions.flatMap(action => {
  const bases = BASES[action.id];
  if (!bases) {
    throw new Error(`No valid base input for ${action.id}: add one to BASES`);
  }
  return generateBadInputs(action.id, action.schema!.input as any, bases);
});

const forgeCalls: Array<{ method: string; url: string }> = [];
const server = setupServer(
  http.all(/^https:\/\/(gitlab\.example\.com|gitlab\.com|github\.com|api\.github\.com)\//, ({ request }) =>
    HttpResponse.json({ message: `404 ${new URL(request.url).pathname} Not Found` }, { status: 404 }),
  ),
);
server.events.on('request:start', ({ request }) => {
  const { hostname } = new URL(request.url);
  if (hostname !== '127.0.0.1' && hostname !== 'localhost') {
    forgeCalls.push({ method: request.method, url: request.url });
  }
});

/** The store's revision: every write of any kind to the embedded cluster moves it. */
async function revision(cluster: EmbeddedCluster): Promise<string> {
  await cluster.settle();
  const list = await adminApi(cluster).get('/api/v1/namespaces?limit=1');
  return list.metadata.resourceVersion;
}

/** Runs one step as the scaffolder does: the schema check, then the handler. */
async function runStep(
  action: TemplateAction<any, any, any>,
  input: Record<string, unknown>,
  workspacePath: string,
): Promise<Error | undefined> {
  const checked = validate(input, action.schema!.input as any);
  if (!checked.valid) {
    return new InputError(
      `Invalid input passed to action ${action.id}, ${checked.errors.join(', ')}`,
    );
  }
  const { ctx } = await createTestContext(input as JsonObject, { workspacePath });
  try {
    await action.handler(ctx);
    return undefined;
  } catch (error) {
    assertError(error);
    return error;
  }
}

describe(`generated bad inputs (${cases.length} cases from the actions' schemas)`, () => {
  let cluster: EmbeddedCluster;
  let options: ReturnType<typeof actionOptions>;
  let actions: TemplateAction<any, any, any>[];
  let baseline: string[];

  beforeAll(async () => {
    server.listen({ onUnhandledRequest: 'bypass' });
    cluster = await startTestCluster();
    baseline = await snapshotCluster(cluster);
  }, 120_000);
  afterAll(async () => {
    server.close();
    await cluster?.stop();
  }, 60_000);
  beforeAll(() => {
    options = actionOptions(cluster);
    actions = createLayeringActions({
      ...options,
      integrations: ScmIntegrations.fromConfig(
        new ConfigReader({
          integrations: {
            gitlab: [{ host: 'gitlab.example.com', apiBaseUrl: 'https://gitlab.example.com/api/v4', token: 'glpat-test' }],
            github: [{ host: 'github.com', token: 'ghp-test' }],
          },
        }),
      ),
    });
  });

  it('generates at least 200 cases, covering every action', () => {
    const perAction = new Map<string, number>();
    for (const c of cases) {
      perAction.set(c.action, (perAction.get(c.action) ?? 0) + 1);
    }
    expect(cases.length).toBeGreaterThanOrEqual(200);
    expect([...perAction.keys()].sort()).toEqual(schemaActions.map(a => a.id).sort());
  });

  /** Runs one case; returns what went wrong, or undefined when the invariant holds. */
  async function check(c: BadInputCase): Promise<string | undefined> {
    const action = actions.find(a => a.id === c.action)!;
    const workspacePath = await fs.mkdtemp(path.join(os.tmpdir(), 'layering-bad-input-'));
    const seed = c.seed ?? {};
    for (const [file, content] of Object.entries(seed)) {
      await fs.mkdir(path.dirname(path.join(workspacePath, file)), { recursive: true });
      await fs.writeFile(path.join(workspacePath, file), content);
    }
    const before = await revision(cluster);
    const forgeBefore = forgeCalls.length;
    const recordsBefore = options.backend.records.length;
    try {
      const error = await runStep(action, c.input, workspacePath);
      const problems: string[] = [];
      if (!error) {
        problems.push('accepted');
      } else if (!CLIENT_ERRORS.includes(error.name)) {
        problems.push(`${error.name} (not an input error): ${error.message}`);
      } else if (!namesField(error.message, c.field)) {
        problems.push(`the error does not name ${c.field}: ${error.message}`);
      }
      if (error && c.bySchema !== error.message.startsWith('Invalid input passed to action')) {
        problems.push(`expected ${c.bySchema ? '' : 'not '}to be refused by the schema: ${error.message}`);
      }
      if ((await revision(cluster)) !== before) {
        problems.push('the cluster changed');
      }
      const writes = forgeCalls.slice(forgeBefore).filter(call => !['GET', 'HEAD'].includes(call.method));
      if (writes.length) {
        problems.push(`forge writes: ${writes.map(w => `${w.method} ${w.url}`).join(', ')}`);
      }
      if (options.backend.records.length !== recordsBefore) {
        problems.push('a request was recorded');
      }
      if (!isDeepStrictEqual(await readTree(workspacePath), seed)) {
        problems.push('the workspace changed');
      }
      return problems.length ? `${c.action} ${c.what}: ${problems.join('; ')}` : undefined;
    } finally {
      await fs.rm(workspacePath, { recursive: true, force: true });
    }
  }

  // One test per action, its cases in turn: hundreds of separate Jest tests cost more than the
  // cases themselves on a loaded machine. Every failing case is listed.
  const byAction = schemaActions.map(a => [a.id, cases.filter(c => c.action === a.id)] as const);
  it.each(byAction.map(([id, list]) => [id, list.length, list] as const))(
    '%s refuses all %i generated bad inputs with a field-level error and writes nothing',
    async (_id, _count, list) => {
      const failures: string[] = [];
      for (const c of list) {
        const failure = await check(c);
        if (failure) {
          failures.push(failure);
        }
      }
      expect(failures).toEqual([]);
    },
    120_000,
  );

  it('left every object the actions write as it was', async () => {
    expect(await snapshotCluster(cluster)).toEqual(baseline);
    expect(forgeCalls.filter(call => call.method !== 'GET' && call.method !== 'HEAD')).toEqual([]);
  }, 60_000);
});
