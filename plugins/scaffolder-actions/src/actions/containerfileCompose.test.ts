import type { EmbeddedCluster } from '@rhcos-layering/embedded-openshift';
import { DockerfileParser } from 'dockerfile-ast';
import { createContainerfileComposeAction } from './containerfileCompose';
import { actionOptions, startTestCluster } from '../__testUtils__/cluster';
import { createTestContext, outputsOf } from '../__testUtils__/context';

const RELEASE_RHCOS =
  'quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:435b8c0780f7b69e0b12b71926005340cc501e074c76bfc5c06b1ed711479b56';

describe('layering:containerfile:compose', () => {
  let cluster: EmbeddedCluster;

  beforeAll(async () => {
    cluster = await startTestCluster();
  });
  afterAll(async () => {
    await cluster.stop();
  });

  it('composes an on-cluster Containerfile that starts FROM configs AS final', async () => {
    const action = createContainerfileComposeAction(actionOptions(cluster));
    const { ctx, output } = await createTestContext({
      cluster: 'ocp-418',
      mode: 'on-cluster' as const,
      repoRpms: ['https://dl.fedoraproject.org/pub/epel/epel-release-latest-9.noarch.rpm'],
      packages: ['htop'],
      enableUnits: ['rngd.service'],
    });

    await action.handler(ctx);

    const { containerfile, needsEntitlement, baseImage } = outputsOf(output) as {
      containerfile: string;
      needsEntitlement: boolean;
      baseImage?: string;
    };
    const froms = DockerfileParser.parse(containerfile).getFROMs();
    expect(froms).toHaveLength(1);
    expect(froms[0].getImage()).toBe('configs');
    expect(froms[0].getBuildStage()).toBe('final');
    expect(containerfile).toContain('epel-release-latest-9.noarch.rpm');
    expect(containerfile).toContain('systemctl enable rngd.service');
    expect(containerfile).toContain('ostree container commit');
    expect(baseImage).toBeUndefined();
    expect(needsEntitlement).toBe(false);
  });

  it('starts an out-of-cluster Containerfile FROM the release rhel-coreos image by digest', async () => {
    const action = createContainerfileComposeAction(actionOptions(cluster));
    const { ctx, output, checkpoints } = await createTestContext({
      cluster: 'ocp-418',
      mode: 'out-of-cluster' as const,
      rpmUrls: ['https://hotfix.example.com/rhcos/haproxy-2.8.10-1.el9.x86_64.rpm'],
    });

    await action.handler(ctx);

    const outputs = outputsOf(output) as Record<string, string>;
    expect(outputs.baseImage).toBe(RELEASE_RHCOS);
    expect(outputs.releaseVersion).toBe('4.18.21');
    expect(DockerfileParser.parse(outputs.containerfile).getFROMs()[0].getImage()).toBe(
      RELEASE_RHCOS,
    );
    expect(checkpoints).toEqual(['layering.containerfile.compose.release.ocp-418']);
  });

  it('checks a raw Containerfile and returns its warnings', async () => {
    const action = createContainerfileComposeAction(actionOptions(cluster));
    const { ctx, output } = await createTestContext({
      cluster: 'ocp-418',
      mode: 'on-cluster' as const,
      containerfile:
        'FROM configs AS final\nRUN dnf install -y kernel-rt-core && \\\n    ostree container commit\n',
    });

    await action.handler(ctx);

    const outputs = outputsOf(output) as { warnings: string[]; containerfile: string };
    expect(outputs.containerfile).toContain('kernel-rt-core');
    expect(outputs.warnings.join('\n')).toMatch(/real-time kernel/);
  });

  it('refuses a raw on-cluster Containerfile that does not end in the configs stage', async () => {
    const action = createContainerfileComposeAction(actionOptions(cluster));
    const { ctx, output } = await createTestContext({
      cluster: 'ocp-418',
      mode: 'on-cluster' as const,
      containerfile: `FROM ${RELEASE_RHCOS}\nRUN dnf install -y tmux && ostree container commit\n`,
    });

    await expect(action.handler(ctx)).rejects.toThrow(/containerfile: .*configs/i);
    expect(output).not.toHaveBeenCalled();
  });

  it('refuses RPM URLs that point at loopback or metadata addresses unless allow-listed', async () => {
    const refusing = createContainerfileComposeAction(actionOptions(cluster));
    const { ctx } = await createTestContext({
      cluster: 'ocp-418',
      mode: 'on-cluster' as const,
      rpmUrls: ['https://169.254.169.254/latest/pkg.rpm'],
    });
    await expect(refusing.handler(ctx)).rejects.toThrow(/rpmUrls\[0\]: .*metadata address/);

    const allowing = createContainerfileComposeAction(
      actionOptions(cluster, { config: { allowedUrlHosts: ['10.0.0.5'] } }),
    );
    const allowed = await createTestContext({
      cluster: 'ocp-418',
      mode: 'on-cluster' as const,
      rpmUrls: ['https://10.0.0.5/mirror/pkg-1.0-1.el9.x86_64.rpm'],
    });
    await allowing.handler(allowed.ctx);
    expect(outputsOf(allowed.output).containerfile).toContain('https://10.0.0.5/mirror/pkg-1.0-1.el9.x86_64.rpm');
  });

  it('refuses a raw Containerfile together with structured fields', async () => {
    const action = createContainerfileComposeAction(actionOptions(cluster));
    const { ctx } = await createTestContext({
      cluster: 'ocp-418',
      mode: 'on-cluster' as const,
      containerfile: 'FROM configs AS final\n',
      packages: ['tmux'],
    });
    await expect(action.handler(ctx)).rejects.toThrow(/either a complete Containerfile or the structured fields/);
  });

  it('produces the same Containerfile in a dry run, without anything else', async () => {
    const action = createContainerfileComposeAction(actionOptions(cluster));
    const input = { cluster: 'ocp-418', mode: 'on-cluster' as const, packages: ['tmux'] };
    const real = await createTestContext(input);
    const dry = await createTestContext(input, { isDryRun: true });
    await action.handler(real.ctx);
    await action.handler(dry.ctx);
    expect(outputsOf(dry.output)).toEqual(outputsOf(real.output));
  });

  it('takes the base image from the backend release route when the cluster ConfigMap cannot be read', async () => {
    const other = await startTestCluster({
      edit: o => (o.kind === 'ConfigMap' && o.metadata.name === 'machine-config-osimageurl' ? { ...o, data: {} } : o),
    });
    try {
      const options = actionOptions(other);
      options.backend.release = {
        cluster: 'ocp-418',
        status: 'ok',
        stale: false,
        version: '4.18.21',
        baseImage: RELEASE_RHCOS,
        rhcosVersion: '418.94.202507221249-0',
        history: [],
      };
      const { ctx, output } = await createTestContext({
        cluster: 'ocp-418',
        mode: 'out-of-cluster' as const,
        packages: ['tmux'],
      });
      await createContainerfileComposeAction(options).handler(ctx);
      expect(outputsOf(output)).toMatchObject({ baseImage: RELEASE_RHCOS, releaseVersion: '4.18.21' });
    } finally {
      await other.stop();
    }
  });
});
