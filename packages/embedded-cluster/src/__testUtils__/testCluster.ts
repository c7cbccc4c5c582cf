import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile, spawn } from 'node:child_process';
import {
  assembleCluster,
  AssembledCluster,
  AssembleOptions,
} from '../assemble';

/** The sample state (`states/sample`: the shared reference samples, the base of `ocp-418`). */
export const SAMPLE_STATE = path.resolve(__dirname, '../../states/sample');

/** A cluster (API server, store, registry; no simulation) on a free port, with a kubeconfig. */
export interface TestCluster {
  cluster: AssembledCluster;
  kubeconfig: string;
  dir: string;
  kubectl(
    args: string[],
    options?: { input?: string; context?: string },
  ): Promise<{ code: number; stdout: string; stderr: string }>;
  stop(): Promise<void>;
}

export async function startTestCluster(
  options: Partial<AssembleOptions> = {},
): Promise<TestCluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-cluster-test-'));
  const cluster = await assembleCluster({
    stateDir: SAMPLE_STATE,
    port: 0,
    ...options,
  });
  const kubeconfig = path.join(dir, 'kubeconfig');
  await cluster.writeKubeconfig(kubeconfig);
  const kubectl: TestCluster['kubectl'] = (args, opts = {}) =>
    new Promise(resolve => {
      const child = execFile(
        'kubectl',
        [
          '--kubeconfig',
          kubeconfig,
          '--cache-dir',
          path.join(dir, 'cache'),
          ...(opts.context ? ['--context', opts.context] : []),
          ...args,
        ],
        { timeout: 60_000 },
        (error, stdout, stderr) => {
          resolve({
            code: error ? Number((error as { code?: number }).code ?? 1) : 0,
            stdout,
            stderr,
          });
        },
      );
      if (opts.input !== undefined) {
        child.stdin?.end(opts.input);
      }
    });
  return {
    cluster,
    kubeconfig,
    dir,
    kubectl,
    async stop() {
      await cluster.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Run a long-lived kubectl (e.g. `get -w`) and wait for output lines matching conditions. */
export function streamKubectl(t: TestCluster, args: string[]) {
  const child = spawn('kubectl', [
    '--kubeconfig',
    t.kubeconfig,
    '--cache-dir',
    path.join(t.dir, 'cache'),
    ...args,
  ]);
  let output = '';
  const waiters: Array<{
    test: (out: string) => boolean;
    resolve: () => void;
  }> = [];
  const check = () => {
    for (const w of [...waiters]) {
      if (w.test(output)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout.on('data', chunk => {
    output += String(chunk);
    check();
  });
  child.stderr.on('data', chunk => {
    output += String(chunk);
    check();
  });
  return {
    get output() {
      return output;
    },
    waitFor(test: (out: string) => boolean): Promise<void> {
      return new Promise(resolve => {
        waiters.push({ test, resolve });
        check();
      });
    },
    stop(): Promise<void> {
      return new Promise(resolve => {
        if (child.exitCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    },
  };
}
