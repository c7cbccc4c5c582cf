import {
  startTestCluster,
  streamKubectl,
  TestCluster,
} from '../__testUtils__/testCluster';

const columns = (line: string) => line.trim().split(/\s{2,}/);

const MC = (image: string) => `apiVersion: machineconfiguration.openshift.io/v1
kind: MachineConfig
metadata:
  name: 99-worker-os-image
  labels:
    machineconfiguration.openshift.io/role: worker
spec:
  osImageURL: ${image}
`;
const IMAGE_A = `registry.example.com/platform-os/worker-custom@sha256:${'a'.repeat(
  64,
)}`;
const IMAGE_B = `registry.example.com/platform-os/worker-custom@sha256:${'b'.repeat(
  64,
)}`;

jest.setTimeout(120_000);

describe('the API server driven by the real kubectl', () => {
  let t: TestCluster;

  beforeAll(async () => {
    t = await startTestCluster({
      tokens: {
        admin: 'admin-token-kubectl',
        readOnly: 'read-only-token-kubectl',
      },
    });
  });
  afterAll(async () => {
    await t.stop();
  });

  it('prints machine config pools with the CRD printer columns', async () => {
    const { code, stdout, stderr } = await t.kubectl(['get', 'mcp']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const [header, ...rows] = stdout.trim().split('\n');
    expect(columns(header)).toEqual([
      'NAME',
      'CONFIG',
      'UPDATED',
      'UPDATING',
      'DEGRADED',
      'MACHINECOUNT',
      'READYMACHINECOUNT',
      'UPDATEDMACHINECOUNT',
      'DEGRADEDMACHINECOUNT',
      'AGE',
    ]);
    const worker = rows.map(columns).find(r => r[0] === 'worker');
    expect(worker?.slice(0, 9)).toEqual([
      'worker',
      'rendered-worker-fed93cf413d5175f10acebcc448c80c3',
      'False',
      'True',
      'False',
      '2',
      '1',
      '1',
      '0',
    ]);
  });

  it('prints machine OS builds and nodes like a real cluster', async () => {
    const builds = await t.kubectl(['get', 'machineosbuild']);
    expect(columns(builds.stdout.split('\n')[0])).toEqual([
      'NAME',
      'PREPARED',
      'BUILDING',
      'SUCCEEDED',
      'INTERRUPTED',
      'FAILED',
      'AGE',
    ]);
    expect(builds.stdout).toMatch(
      /infra-35bd\S+\s+False\s+False\s+True\s+False\s+False/,
    );
    const nodes = await t.kubectl(['get', 'nodes']);
    expect(columns(nodes.stdout.split('\n')[0])).toEqual([
      'NAME',
      'STATUS',
      'ROLES',
      'AGE',
      'VERSION',
    ]);
    expect(nodes.stdout).toMatch(
      /worker-1\s+Ready,SchedulingDisabled\s+worker\s/,
    );
    expect(nodes.stdout).toMatch(/master-0\s+Ready\s+control-plane,master\s/);
  });

  it('knows the short names and serves one MachineOSConfig version', async () => {
    const { stdout } = await t.kubectl([
      'api-resources',
      '--api-group',
      'machineconfiguration.openshift.io',
    ]);
    expect(stdout).toMatch(
      /machineconfigpools\s+mcp\s+machineconfiguration.openshift.io\/v1\s+false\s+MachineConfigPool/,
    );
    expect(stdout).toMatch(/machineconfigs\s+mc\s/);
    expect(stdout).toMatch(
      /machineosconfigs\s+machineconfiguration.openshift.io\/v1\s/,
    );
    expect(stdout).not.toMatch(/v1alpha1/);
  });

  it('applies, updates, labels, patches and deletes', async () => {
    const created = await t.kubectl(['apply', '-f', '-'], {
      input: MC(IMAGE_A),
    });
    expect(created.stdout.trim()).toBe(
      'machineconfig.machineconfiguration.openshift.io/99-worker-os-image created',
    );
    const unchanged = await t.kubectl(['apply', '-f', '-'], {
      input: MC(IMAGE_A),
    });
    expect(unchanged.stdout.trim()).toBe(
      'machineconfig.machineconfiguration.openshift.io/99-worker-os-image unchanged',
    );
    const configured = await t.kubectl(['apply', '-f', '-'], {
      input: MC(IMAGE_B),
    });
    expect(configured.stdout.trim()).toBe(
      'machineconfig.machineconfiguration.openshift.io/99-worker-os-image configured',
    );
    const image = await t.kubectl([
      'get',
      'mc',
      '99-worker-os-image',
      '-o',
      'jsonpath={.spec.osImageURL} {.metadata.generation}',
    ]);
    expect(image.stdout).toBe(`${IMAGE_B} 2`);

    expect(
      (
        await t.kubectl(['label', 'node', 'worker-0', 'team=platform'])
      ).stdout.trim(),
    ).toBe('node/worker-0 labeled');
    expect(
      (
        await t.kubectl(['get', 'nodes', '-l', 'team=platform', '-o', 'name'])
      ).stdout.trim(),
    ).toBe('node/worker-0');
    expect((await t.kubectl(['cordon', 'worker-0'])).stdout.trim()).toBe(
      'node/worker-0 cordoned',
    );
    expect(
      (
        await t.kubectl([
          'get',
          'nodes',
          '--field-selector',
          'spec.unschedulable=true',
          '-o',
          'name',
        ])
      ).stdout
        .trim()
        .split('\n'),
    ).toEqual(['node/worker-0', 'node/worker-1']);
    await t.kubectl(['uncordon', 'worker-0']);

    const patched = await t.kubectl([
      'patch',
      'mcp',
      'worker',
      '--type',
      'merge',
      '-p',
      '{"spec":{"paused":true}}',
    ]);
    expect(patched.stdout.trim()).toBe(
      'machineconfigpool.machineconfiguration.openshift.io/worker patched',
    );
    expect(
      (
        await t.kubectl([
          'get',
          'mcp',
          'worker',
          '-o',
          'jsonpath={.spec.paused}',
        ])
      ).stdout,
    ).toBe('true');

    const deleted = await t.kubectl(['delete', 'mc', '99-worker-os-image']);
    expect(deleted.stdout.trim()).toBe(
      'machineconfig.machineconfiguration.openshift.io "99-worker-os-image" deleted',
    );
    const gone = await t.kubectl(['get', 'mc', '99-worker-os-image']);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toContain(
      'machineconfigs.machineconfiguration.openshift.io "99-worker-os-image" not found',
    );
  });

  it('applies core kinds with strategic merge patches and no warnings', async () => {
    const cm = (data: string) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: demo
  namespace: openshift-machine-config-operator
data:
  ${data}
`;
    expect(
      await t.kubectl(['apply', '-f', '-'], { input: cm('a: "1"') }),
    ).toMatchObject({ code: 0, stderr: '' });
    const changed = await t.kubectl(['apply', '-f', '-'], {
      input: cm('b: "2"'),
    });
    expect(changed).toMatchObject({
      code: 0,
      stderr: '',
      stdout: 'configmap/demo configured\n',
    });
    const data = await t.kubectl([
      'get',
      'cm',
      'demo',
      '-n',
      'openshift-machine-config-operator',
      '-o',
      'jsonpath={.data}',
    ]);
    expect(JSON.parse(data.stdout)).toEqual({ b: '2' });
    expect(
      (await t.kubectl(['annotate', 'mcp', 'infra', 'owner=platform'])).stderr,
    ).toBe('');
  });

  it('server-side applies and reports conflicts with other managers', async () => {
    const first = await t.kubectl(
      ['apply', '--server-side', '--field-manager', 'team-a', '-f', '-'],
      { input: MC(IMAGE_A) },
    );
    expect(first.stdout.trim()).toBe(
      'machineconfig.machineconfiguration.openshift.io/99-worker-os-image serverside-applied',
    );
    const conflict = await t.kubectl(
      ['apply', '--server-side', '--field-manager', 'team-b', '-f', '-'],
      { input: MC(IMAGE_B) },
    );
    expect(conflict.code).not.toBe(0);
    expect(conflict.stderr).toContain('conflict with "team-a"');
    expect(conflict.stderr).toContain('.spec.osImageURL');
    const forced = await t.kubectl(
      [
        'apply',
        '--server-side',
        '--force-conflicts',
        '--field-manager',
        'team-b',
        '-f',
        '-',
      ],
      { input: MC(IMAGE_B) },
    );
    expect(forced.code).toBe(0);
    const dry = await t.kubectl(
      [
        'apply',
        '--server-side',
        '--dry-run=server',
        '--field-manager',
        'team-b',
        '-f',
        '-',
      ],
      { input: MC(IMAGE_A) },
    );
    expect(dry.stdout).toContain('(server dry run)');
    expect(
      (
        await t.kubectl([
          'get',
          'mc',
          '99-worker-os-image',
          '-o',
          'jsonpath={.spec.osImageURL}',
        ])
      ).stdout,
    ).toBe(IMAGE_B);
    await t.kubectl(['delete', 'mc', '99-worker-os-image']);
  });

  it('rejects invalid objects with the field that is wrong', async () => {
    const bad = await t.kubectl([
      'patch',
      'mcp',
      'worker',
      '--type',
      'merge',
      '-p',
      '{"spec":{"paused":"yes"}}',
    ]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('spec.paused');
    expect(bad.stderr).toContain('must be of type boolean');
    const unknown = await t.kubectl(['apply', '-f', '-'], {
      input: `${MC(IMAGE_A)}  notAField: 1\n`,
    });
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('unknown field "spec.notAField"');
  });

  it('streams changes to `get -w`', async () => {
    const watch = streamKubectl(t, [
      'get',
      'mcp',
      'infra',
      '-w',
      '-o',
      'custom-columns=NAME:.metadata.name,PAUSED:.spec.paused',
    ]);
    await watch.waitFor(out => /infra\s+true/.test(out));
    await t.kubectl([
      'patch',
      'mcp',
      'infra',
      '--type',
      'merge',
      '-p',
      '{"spec":{"paused":false}}',
    ]);
    await watch.waitFor(out => /infra\s+false/.test(out));
    await watch.stop();
    expect(watch.output.trim().split('\n').map(columns)).toEqual([
      ['NAME', 'PAUSED'],
      ['infra', 'true'],
      ['infra', 'false'],
    ]);
  });

  it('prints a new table row for every change while watching', async () => {
    const watch = streamKubectl(t, ['get', 'mcp', '-w']);
    await watch.waitFor(out => (out.match(/^master\s/gm) ?? []).length === 1);
    await t.kubectl(['label', 'mcp', 'master', 'watched=yes']);
    await watch.waitFor(out => (out.match(/^master\s/gm) ?? []).length === 2);
    await watch.stop();
    const lines = watch.output.trim().split('\n');
    expect(columns(lines[0]).slice(0, 3)).toEqual([
      'NAME',
      'CONFIG',
      'UPDATED',
    ]);
    expect(lines.map(l => columns(l)[0])).toEqual([
      'NAME',
      'infra',
      'master',
      'worker',
      'master',
    ]);
  });

  it('lets the read-only context read but not write, and hides Secret data', async () => {
    await t.kubectl([
      'create',
      'secret',
      'generic',
      'pull-secret',
      '-n',
      'openshift-machine-config-operator',
      '--from-literal=token=s3cr3t',
    ]);
    const asAdmin = await t.kubectl([
      'get',
      'secret',
      'pull-secret',
      '-n',
      'openshift-machine-config-operator',
      '-o',
      'jsonpath={.data.token}',
    ]);
    expect(Buffer.from(asAdmin.stdout, 'base64').toString()).toBe('s3cr3t');
    const ro = { context: 'embedded-read-only' };
    const read = await t.kubectl(
      [
        'get',
        'secret',
        'pull-secret',
        '-n',
        'openshift-machine-config-operator',
        '-o',
        'json',
      ],
      ro,
    );
    expect(read.code).toBe(0);
    expect(JSON.parse(read.stdout)).not.toHaveProperty('data');
    const applied = await t.kubectl(['apply', '-f', '-'], {
      input:
        'apiVersion: v1\nkind: Secret\nmetadata:\n  name: applied\n  namespace: openshift-machine-config-operator\nstringData:\n  password: hunter2\n',
    });
    expect(applied.code).toBe(0);
    const appliedRead = await t.kubectl(
      [
        'get',
        'secret',
        'applied',
        '-n',
        'openshift-machine-config-operator',
        '-o',
        'json',
      ],
      ro,
    );
    expect(appliedRead.stdout).not.toContain('hunter2');
    expect(appliedRead.stdout).not.toContain(
      Buffer.from('hunter2').toString('base64'),
    );
    const write = await t.kubectl(['label', 'node', 'worker-0', 'x=y'], ro);
    expect(write.code).not.toBe(0);
    expect(write.stderr).toContain('Forbidden');
    const pods = await t.kubectl(['delete', 'pod', 'nope', '-n', 'default']);
    expect(pods.stderr).toContain('Forbidden');
  });
});
