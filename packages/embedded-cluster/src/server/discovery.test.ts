import path from 'node:path';
import { startTestCluster, TestCluster } from '../__testUtils__/testCluster';
import { compareApiVersions } from './discovery';

const MCO_GROUP = 'machineconfiguration.openshift.io';
const OCP_417 = path.resolve(__dirname, '../../states/ocp-417');

jest.setTimeout(120_000);

describe('compareApiVersions', () => {
  it('orders GA before beta before alpha, newer first', () => {
    expect(
      ['v1alpha1', 'v1beta1', 'foo', 'v2beta1', 'v1', 'v2', 'v1alpha2'].sort(
        compareApiVersions,
      ),
    ).toEqual([
      'v2',
      'v1',
      'v2beta1',
      'v1beta1',
      'v1alpha2',
      'v1alpha1',
      'foo',
    ]);
  });
});

describe('discovery of a cluster serving MachineOSConfig at v1alpha1 (4.17)', () => {
  let t: TestCluster;

  beforeAll(async () => {
    t = await startTestCluster({ stateDir: OCP_417 });
  });
  afterAll(async () => {
    await t.stop();
  });

  const get = async (p: string, accept?: string) => {
    const res = await fetch(`${t.cluster.url}${p}`, {
      headers: {
        authorization: `Bearer ${t.cluster.tokens.readOnly}`,
        ...(accept ? { accept } : {}),
      },
    });
    expect(res.status).toBe(200);
    return (await res.json()) as Record<string, unknown>;
  };

  const EXPECTED_GROUP = {
    name: MCO_GROUP,
    versions: [
      { groupVersion: `${MCO_GROUP}/v1`, version: 'v1' },
      { groupVersion: `${MCO_GROUP}/v1alpha1`, version: 'v1alpha1' },
    ],
    preferredVersion: { groupVersion: `${MCO_GROUP}/v1`, version: 'v1' },
  };

  it('lists the group once in /apis with both versions, v1 preferred', async () => {
    const list = (await get('/apis')) as {
      groups: Array<{ name: string }>;
    };
    const names = list.groups.map(g => g.name);
    expect(new Set(names).size).toBe(names.length);
    expect(list.groups.filter(g => g.name === MCO_GROUP)).toEqual([
      EXPECTED_GROUP,
    ]);
  });

  it('describes the group with both versions at /apis/<group>', async () => {
    expect(await get(`/apis/${MCO_GROUP}`)).toEqual({
      kind: 'APIGroup',
      apiVersion: 'v1',
      ...EXPECTED_GROUP,
    });
  });

  it('serves each version its own kinds', async () => {
    const kinds = async (version: string) =>
      (
        (await get(`/apis/${MCO_GROUP}/${version}`)) as {
          resources: Array<{ name: string; kind: string }>;
        }
      ).resources
        .filter(r => !r.name.includes('/'))
        .map(r => r.kind)
        .sort();
    expect(await kinds('v1')).toEqual(
      expect.arrayContaining(['MachineConfig', 'MachineConfigPool']),
    );
    expect(await kinds('v1')).not.toContain('MachineOSConfig');
    expect(await kinds('v1alpha1')).toEqual([
      'MachineOSBuild',
      'MachineOSConfig',
    ]);
  });

  it('lists the group once with both versions in aggregated discovery', async () => {
    const doc = (await get(
      '/apis',
      'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
    )) as {
      items: Array<{
        metadata: { name: string };
        versions: Array<{
          version: string;
          resources: Array<{
            resource: string;
            responseKind: { version: string };
          }>;
        }>;
      }>;
    };
    const groups = doc.items.filter(i => i.metadata.name === MCO_GROUP);
    expect(groups).toHaveLength(1);
    expect(groups[0].versions.map(v => v.version)).toEqual(['v1', 'v1alpha1']);
    const alpha = groups[0].versions[1];
    expect(alpha.resources.map(r => r.resource).sort()).toEqual([
      'machineosbuilds',
      'machineosconfigs',
    ]);
    expect(alpha.resources.map(r => r.responseKind.version)).toEqual([
      'v1alpha1',
      'v1alpha1',
    ]);
  });

  it('lets kubectl find the v1alpha1 and the v1 kinds', async () => {
    const mosc = await t.kubectl([
      'get',
      'machineosconfigs',
      '-o',
      'jsonpath={.items[*].apiVersion} {.items[*].metadata.name}',
    ]);
    expect({ code: mosc.code, stderr: mosc.stderr }).toEqual({
      code: 0,
      stderr: '',
    });
    expect(mosc.stdout).toBe(`${MCO_GROUP}/v1alpha1 infra`);
    const mcp = await t.kubectl(['get', 'mcp', '-o', 'name']);
    expect({ code: mcp.code, stderr: mcp.stderr }).toEqual({
      code: 0,
      stderr: '',
    });
    expect(mcp.stdout).toContain(
      'machineconfigpool.machineconfiguration.openshift.io/worker',
    );
    const resources = await t.kubectl([
      'api-resources',
      `--api-group=${MCO_GROUP}`,
      '-o',
      'name',
    ]);
    expect(resources.code).toBe(0);
    expect(resources.stdout.trim().split('\n').sort()).toEqual([
      `machineconfigpools.${MCO_GROUP}`,
      `machineconfigs.${MCO_GROUP}`,
      `machineosbuilds.${MCO_GROUP}`,
      `machineosconfigs.${MCO_GROUP}`,
    ]);
  });
});
