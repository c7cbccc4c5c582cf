import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startEmbeddedCluster } from './cluster';
import { SAMPLE_STATE } from './__testUtils__/testCluster';

const run = promisify(execFile);

jest.setTimeout(60_000);

describe('startEmbeddedCluster', () => {
  it('starts the API server with the simulation, serves kubectl and stops cleanly', async () => {
    const dir = fs.mkdtempSync(
      path.join(os.tmpdir(), 'embedded-cluster-start-'),
    );
    const cluster = await startEmbeddedCluster({
      name: 'ocp-test',
      stateDir: SAMPLE_STATE,
      speed: 0,
    });
    try {
      await cluster.settle();
      expect(cluster.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(cluster.registryUrl).toBe(cluster.url);
      expect(cluster.registryHost).toBe(cluster.url.slice('http://'.length));
      expect(cluster.tokens.admin).not.toBe(cluster.tokens.readOnly);
      const kubeconfig = path.join(dir, 'kubeconfig');
      await cluster.writeKubeconfig(kubeconfig);
      expect(fs.statSync(kubeconfig).mode & 0o777).toBe(0o600);
      const { stdout } = await run('kubectl', [
        '--kubeconfig',
        kubeconfig,
        '--cache-dir',
        path.join(dir, 'cache'),
        'get',
        'mcp',
        '-o',
        'name',
      ]);
      expect(stdout.trim().split('\n')).toEqual([
        'machineconfigpool.machineconfiguration.openshift.io/infra',
        'machineconfigpool.machineconfiguration.openshift.io/master',
        'machineconfigpool.machineconfiguration.openshift.io/worker',
      ]);
      const hook = await fetch(`${cluster.url}/_sim/settle`, {
        method: 'POST',
        headers: { authorization: `Bearer ${cluster.tokens.admin}` },
      });
      expect(hook.status).toBe(200);
      const denied = await fetch(`${cluster.url}/_sim/settle`, {
        method: 'POST',
        headers: { authorization: `Bearer ${cluster.tokens.readOnly}` },
      });
      expect(denied.status).toBe(403);
    } finally {
      await cluster.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
