import { promises as fs } from 'node:fs';
import yaml from 'yaml';
import type { EmbeddedCluster } from '@rhcos-layering/embedded-openshift';
import { buildMachineOSConfig } from '@rhcos-layering/plugin-layering-common';
import { createClusterApplyAction } from './clusterApply';
import { createManifestRenderAction } from './manifestRender';
import { actionOptions, adminApi, startTestCluster } from '../__testUtils__/cluster';
import { createTestContext, loggedText, outputsOf, readTree } from '../__testUtils__/context';

const USERNAME = 'robot$layering-push';
const PASSWORD = 'S3cr3t-Pa55-7f1c9d';
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const AUTH = b64(`${USERNAME}:${PASSWORD}`);
const DOCKER_CONFIG = JSON.stringify({ auths: { 'registry.example.com': { auth: AUTH } } });
/** Every form a credential could leak in. */
const FORBIDDEN = [USERNAME, PASSWORD, b64(PASSWORD), b64(USERNAME), AUTH, b64(DOCKER_CONFIG)];

const CONTAINERFILE =
  'FROM configs AS final\nRUN dnf install -y tmux && \\\n    dnf clean all && \\\n    ostree container commit\n';

function expectNoSecret(where: string, text: string) {
  for (const secret of FORBIDDEN) {
    if (text.includes(secret)) {
      throw new Error(`${where} contains a credential (${secret.slice(0, 4)}…)`);
    }
  }
}

describe('secrets only travel through ctx.secrets to the cluster', () => {
  let cluster: EmbeddedCluster;

  beforeEach(async () => {
    // The push secret does not exist yet: the action creates it from the task secrets.
    cluster = await startTestCluster({ secrets: ['etc-pki-entitlement'] });
  });
  afterEach(async () => {
    await cluster.stop();
  });

  async function run(options: ReturnType<typeof actionOptions>, onCheckpoint?: (key: string) => void) {
    const secrets = { registryUsername: USERNAME, registryPassword: PASSWORD };
    const render = await createTestContext(
      {
        cluster: 'ocp-418',
        pool: 'worker',
        mode: 'on-cluster' as const,
        containerfile: CONTAINERFILE,
        pushSpec: 'registry.example.com/platform-os/worker-layered:latest',
        pushSecret: 'worker-push',
        validateOnCluster: false,
      },
      { secrets },
    );
    // Rendering checks the secret names; this one is created by the apply step.
    await expect(createManifestRenderAction(options).handler(render.ctx)).rejects.toThrow(
      'pushSecret: Secret worker-push does not exist in openshift-machine-config-operator',
    );
    const apply = await createTestContext(
      { cluster: 'ocp-418', pool: 'worker', manifests: ['manifests/machineosconfig-worker.yaml'], pushSecretFromCredentials: true },
      { secrets, workspacePath: render.workspacePath, onCheckpoint },
    );
    // Write the manifest the way a pull request would carry it.
    await fs.mkdir(`${render.workspacePath}/manifests`, { recursive: true });
    await fs.writeFile(
      `${render.workspacePath}/manifests/machineosconfig-worker.yaml`,
      yaml.stringify(
        buildMachineOSConfig(
          {
            pool: 'worker',
            renderedImagePushSpec: 'registry.example.com/platform-os/worker-layered:latest',
            renderedImagePushSecret: 'worker-push',
            containerFiles: [{ arch: 'NoArch', content: CONTAINERFILE }],
          },
          'v1',
        ),
      ),
    );
    return { render, apply };
  }

  it('creates the push secret and leaks it nowhere: logs, outputs, files, summary, checkpoints, records', async () => {
    const options = actionOptions(cluster);
    const { render, apply } = await run(options);

    await createClusterApplyAction(options).handler(apply.ctx);

    const secret = await adminApi(cluster).get(
      '/api/v1/namespaces/openshift-machine-config-operator/secrets/worker-push',
    );
    expect(secret.type).toBe('kubernetes.io/dockerconfigjson');
    expect(Buffer.from(secret.data['.dockerconfigjson'], 'base64').toString()).toBe(DOCKER_CONFIG);

    expectNoSecret('action logs', loggedText(apply.logger) + loggedText(render.logger));
    expectNoSecret('cluster client logs', loggedText(options.clientLogger));
    expectNoSecret('outputs', JSON.stringify([outputsOf(apply.output), outputsOf(render.output)]));
    expectNoSecret('workspace files', JSON.stringify(await readTree(apply.workspacePath)));
    expectNoSecret('checkpoint values', JSON.stringify(apply.checkpointValues));
    expectNoSecret('request records', JSON.stringify(options.backend.records));
    expect(outputsOf(apply.output).changed).toBe(true);
  });

  it('removes the secret it created and leaks nothing when a later write fails', async () => {
    const options = actionOptions(cluster, { config: { maxRetries: 0 } });
    const { apply } = await run(options, key => {
      if (key.includes('MachineOSConfig.worker.')) cluster.throttle(1);
    });

    const error = await createClusterApplyAction(options).handler(apply.ctx).catch(e => e);

    expect(error.message).toMatch(/429/);
    expectNoSecret('error', `${error.message} ${error.stack}`);
    expectNoSecret('action logs', loggedText(apply.logger));
    expectNoSecret('request records', JSON.stringify(options.backend.records));
    expect(
      await adminApi(cluster).get('/api/v1/namespaces/openshift-machine-config-operator/secrets/worker-push'),
    ).toBeUndefined();
  });

  it('asks for the task secrets by name when they are missing', async () => {
    const options = actionOptions(cluster);
    const { apply } = await run(options);
    apply.ctx.secrets = {};
    await expect(createClusterApplyAction(options).handler(apply.ctx)).rejects.toThrow(
      'pushSecretFromCredentials: the task secrets registryUsername and registryPassword are required',
    );
  });
});
