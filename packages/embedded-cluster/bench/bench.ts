/* eslint-disable no-console */
/**
 * Benchmark of the embedded cluster (not a test): a generated 5,000-node, 200-pool state.
 *
 *   yarn workspace @rhcos-layering/embedded-openshift bench
 *
 * Prints load time, list-all-nodes latency over HTTP, and how 100 concurrent node watches keep
 * up with a 500-node rollout driven by the MCO simulation, each against its target.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { Worker } from 'node:worker_threads';
import { assembleCluster } from '../src/assemble';
import { createMcoSimulator } from '../src/mco';
import { loadStateDir } from '../src/state/loadState';
import type { K8sObject } from '../src/store/types';

const POOLS = 200;
const NODES_PER_POOL = 25;
const WATCHERS = 100;
const ROLLOUT_POOLS = 20; // 20 pools x 25 nodes = 500 nodes
const SIMULATION_BUDGET_MS = 10 * 60_000;
const SAMPLES = path.resolve(__dirname, '../states/sample');
const TARGET_RENDER = 'rendered-worker-2c03a7f197b342bb224996361c223a08';

function pad(n: number, width: number) {
  return String(n).padStart(width, '0');
}

/** Write the generated state (the samples plus 200 pools of 25 nodes) into `dir`. */
export function generateState(dir: string) {
  const sample = loadStateDir(SAMPLES);
  const node = sample.objects.find(
    o => o.object.kind === 'Node' && o.object.metadata.name === 'worker-0',
  )!.object;
  const worker = sample.objects.find(
    o =>
      o.object.kind === 'MachineConfigPool' &&
      o.object.metadata.name === 'worker',
  )!.object;
  for (const file of fs.readdirSync(SAMPLES)) {
    if (file.endsWith('.yaml'))
      fs.copyFileSync(path.join(SAMPLES, file), path.join(dir, file));
  }
  const pools: K8sObject[] = [];
  const nodes: K8sObject[] = [];
  for (let p = 0; p < POOLS; p++) {
    const role = `pool-${pad(p, 3)}`;
    const pool = structuredClone(worker);
    pool.metadata = {
      name: role,
      labels: {
        [`pools.operator.machineconfiguration.openshift.io/${role}`]: '',
      },
    };
    const status = pool.status as Record<string, unknown>;
    pool.spec = {
      ...(pool.spec as object),
      machineConfigSelector: {
        matchExpressions: [
          {
            key: 'machineconfiguration.openshift.io/role',
            operator: 'In',
            values: ['worker', role],
          },
        ],
      },
      nodeSelector: {
        matchLabels: { [`node-role.kubernetes.io/${role}`]: '' },
      },
      maxUnavailable: '20%',
    };
    pool.status = {
      ...status,
      configuration: (pool.spec as { configuration: unknown }).configuration,
      machineCount: NODES_PER_POOL,
      readyMachineCount: NODES_PER_POOL,
      updatedMachineCount: NODES_PER_POOL,
      unavailableMachineCount: 0,
      degradedMachineCount: 0,
      conditions: (status.conditions as Array<Record<string, unknown>>).map(
        c => ({
          ...c,
          status: c.type === 'Updated' ? 'True' : 'False',
          message: '',
        }),
      ),
    };
    pools.push(pool);
    for (let n = 0; n < NODES_PER_POOL; n++) {
      const name = `${role}-${pad(n, 2)}`;
      const copy = structuredClone(node);
      copy.metadata = {
        ...copy.metadata,
        name,
        uid: undefined,
        labels: {
          ...copy.metadata.labels,
          'kubernetes.io/hostname': name,
          [`node-role.kubernetes.io/${role}`]: '',
        },
        annotations: {
          ...copy.metadata.annotations,
          'machineconfiguration.openshift.io/currentConfig': TARGET_RENDER,
          'machineconfiguration.openshift.io/desiredConfig': TARGET_RENDER,
        },
      };
      delete copy.metadata.uid;
      nodes.push(copy);
    }
  }
  // The bulk objects are JSON (an array per file): the state loader reads JSON with JSON.parse,
  // many times faster than YAML of the same size.
  fs.writeFileSync(path.join(dir, '50-bench-pools.json'), JSON.stringify(pools));
  fs.writeFileSync(path.join(dir, '60-bench-nodes.json'), JSON.stringify(nodes));
}

function getJson(
  url: string,
  token: string,
): Promise<{ ms: number; bytes: number; items: number }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    http
      .get(url, { headers: { authorization: `Bearer ${token}` } }, res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          const parsed = JSON.parse(body.toString('utf8')) as {
            items?: unknown[];
            rows?: unknown[];
          };
          resolve({
            ms: performance.now() - start,
            bytes: body.length,
            items: (parsed.items ?? parsed.rows ?? []).length,
          });
        });
      })
      .on('error', reject);
  });
}

/**
 * The watchers run in a worker thread, so that reading 100 streams does not compete with the
 * server and the simulation for the main thread. Times are `performance.timeOrigin + now()`,
 * comparable across threads.
 */
const WATCH_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { url, token, resourceVersion, count } = workerData;
const now = () => performance.timeOrigin + performance.now();
const watchers = [];
let connected = 0;
for (let i = 0; i < count; i++) {
  const received = new Map();
  const req = http.get(url + '/api/v1/nodes?watch=1&resourceVersion=' + resourceVersion, { headers: { authorization: 'Bearer ' + token } }, res => {
    if (++connected === count) parentPort.postMessage({ type: 'ready' });
    let buffer = '';
    res.setEncoding('utf8');
    res.on('data', chunk => {
      const t = now();
      buffer += chunk;
      let nl = buffer.indexOf('\\n');
      while (nl >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        const m = /"resourceVersion":"(\\d+)"/.exec(line);
        if (m) received.set(Number(m[1]), t);
        nl = buffer.indexOf('\\n');
      }
    });
  });
  req.on('error', () => {});
  watchers.push({ received, req });
}
parentPort.on('message', msg => {
  if (msg.type !== 'expect') return;
  const deadline = Date.now() + msg.timeoutMs;
  const check = () => {
    const done = watchers.every(w => msg.writes.every(([rv]) => w.received.has(rv)));
    if (!done && Date.now() < deadline) { setTimeout(check, 50); return; }
    const lags = [];
    let missing = 0;
    let last = 0;
    for (const w of watchers) {
      for (const [rv, written] of msg.writes) {
        const got = w.received.get(rv);
        if (got === undefined) missing++; else { lags.push(got - written); last = Math.max(last, got); }
      }
      w.req.destroy();
    }
    parentPort.postMessage({ type: 'result', lags, missing, last });
  };
  check();
});
`;

interface WatchResult {
  lags: number[];
  missing: number;
  last: number;
}

async function startWatchers(
  url: string,
  token: string,
  resourceVersion: string,
  count: number,
) {
  const worker = new Worker(WATCH_WORKER, {
    eval: true,
    workerData: { url, token, resourceVersion, count },
  });
  await new Promise<void>(resolve => worker.once('message', () => resolve()));
  return {
    collect(
      writes: Array<[number, number]>,
      timeoutMs: number,
    ): Promise<WatchResult> {
      return new Promise(resolve => {
        worker.once('message', (msg: WatchResult) => {
          void worker.terminate();
          resolve(msg);
        });
        worker.postMessage({ type: 'expect', writes, timeoutMs });
      });
    },
  };
}

const clock = () => performance.timeOrigin + performance.now();

interface WatchFigures extends WatchResult {
  nodes: number;
  events: number;
  writeMs: number;
  caughtUpMs: number;
}

/** Open the watchers, run a rollout, and collect per-event lags of every watcher. */
async function measureWatches(
  core: Awaited<ReturnType<typeof assembleCluster>>,
  token: string,
  rollout: () => Promise<number>,
): Promise<WatchFigures> {
  const writes = new Map<number, number>();
  const unsubscribe = core.store.subscribe(event => {
    if (event.resource === 'nodes')
      writes.set(Number(event.object.metadata.resourceVersion), clock());
  });
  const watchers = await startWatchers(
    core.url,
    token,
    core.store.currentResourceVersion(),
    WATCHERS,
  );
  const start = clock();
  const nodes = await rollout();
  const writeMs = clock() - start;
  unsubscribe();
  const result = await watchers.collect([...writes.entries()], 120_000);
  return {
    ...result,
    nodes,
    events: writes.size,
    writeMs,
    caughtUpMs: result.last - start,
  };
}

function printWatchFigures(label: string, f: WatchFigures) {
  console.log(
    `\n${label}: ${f.nodes} nodes updated, ${
      f.events
    } node events, ${WATCHERS} watchers (${(f.events * WATCHERS).toLocaleString(
      'en',
    )} deliveries)`,
  );
  console.log(
    `  writes took ${f.writeMs.toFixed(
      0,
    )} ms; every watcher had every event after ${f.caughtUpMs.toFixed(0)} ms`,
  );
  report('  watch lag p50', percentile(f.lags, 50), 1000);
  report('  watch lag p99', percentile(f.lags, 99), 1000);
  report(
    '  watch lag max',
    f.lags.reduce((a, b) => Math.max(a, b), 0),
    2000,
  );
  report('  missing deliveries', f.missing, 1, 'events');
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
}

function report(label: string, value: number, target: number, unit = 'ms') {
  const ratio = value / target;
  console.log(
    `${label.padEnd(44)} ${value
      .toFixed(1)
      .padStart(
        9,
      )} ${unit}   target < ${target} ${unit}   ratio ${ratio.toFixed(2)} ${
      ratio < 1 ? 'OK' : 'MISSED'
    }`,
  );
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-cluster-bench-'));
  try {
    let t = performance.now();
    generateState(dir);
    console.log(
      `generated ${POOLS} pools x ${NODES_PER_POOL} nodes in ${(
        performance.now() - t
      ).toFixed(0)} ms (${dir})`,
    );

    t = performance.now();
    const core = await assembleCluster({
      stateDir: dir,
      bookmarkIntervalMs: 60_000,
    });
    const loadMs = performance.now() - t;
    const simulator = createMcoSimulator({
      store: core.store,
      images: core.catalog,
      releases: core.releases,
      registryHost: core.registryHost,
      speed: 0,
    });
    simulator.start();
    await simulator.settle();
    const nodeCount = core.store.peekList('nodes').length;
    console.log(
      `\nloaded ${nodeCount} nodes, ${
        core.store.peekList('machineconfigpools').length
      } pools`,
    );
    report('load (parse + validate + store + listen)', loadMs, 5000);

    const token = core.tokens.admin;
    const lists = [];
    for (let i = 0; i < 5; i++)
      lists.push(await getJson(`${core.url}/api/v1/nodes`, token));
    const listMs = percentile(
      lists.map(l => l.ms),
      50,
    );
    console.log(
      `\nlist all nodes over HTTP: ${lists[0].items} items, ${(
        lists[0].bytes / 1e6
      ).toFixed(1)} MB, runs ${lists.map(l => l.ms.toFixed(0)).join(' / ')} ms`,
    );
    report('list all nodes (median of 5)', listMs, 1000);

    // Phase 1: the API server alone. 500 nodes of pools 20..39 go through the annotation steps of
    // an update (Working, rebooted, Done), 25 at a time, one node write per macrotask.
    const direct = await measureWatches(core, token, async () => {
      const names = core.store
        .peekList('nodes')
        .map(n => n.metadata.name)
        .filter(n => /^pool-0(2|3)\d-/.test(n));
      const steps: Array<Record<string, string>> = [
        {
          'machineconfiguration.openshift.io/desiredConfig':
            'rendered-bench-next',
          'machineconfiguration.openshift.io/state': 'Working',
        },
        { 'machineconfiguration.openshift.io/reason': 'rebooting' },
        {
          'machineconfiguration.openshift.io/currentConfig':
            'rendered-bench-next',
          'machineconfiguration.openshift.io/state': 'Done',
          'machineconfiguration.openshift.io/reason': '',
        },
      ];
      for (let i = 0; i < names.length; i += 25) {
        for (const annotations of steps) {
          for (const name of names.slice(i, i + 25)) {
            const node = core.store.get('nodes', name)!;
            node.metadata.annotations = {
              ...node.metadata.annotations,
              ...annotations,
            };
            core.store.update('nodes', node);
            await new Promise(resolve => setImmediate(resolve));
          }
        }
      }
      return names.length;
    });
    printWatchFigures('store-driven rollout', direct);

    // Phase 2: the same through the MCO simulation: one MachineConfig per pool for pools 0..19.
    const simulated = await measureWatches(core, token, async () => {
      for (let p = 0; p < ROLLOUT_POOLS; p++) {
        const role = `pool-${pad(p, 3)}`;
        core.store.create('machineconfigs', {
          apiVersion: 'machineconfiguration.openshift.io/v1',
          kind: 'MachineConfig',
          metadata: {
            name: `99-${role}-kargs`,
            labels: { 'machineconfiguration.openshift.io/role': role },
          },
          spec: { kernelArguments: ['bench=1'] },
        });
      }
      let budget: NodeJS.Timeout | undefined;
      const settled = await Promise.race([
        simulator.settle().then(() => true),
        new Promise<boolean>(resolve => {
          budget = setTimeout(() => resolve(false), SIMULATION_BUDGET_MS);
        }),
      ]);
      clearTimeout(budget);
      if (!settled)
        console.log(
          `  (the simulation did not settle within ${
            SIMULATION_BUDGET_MS / 1000
          } s; figures cover the events so far)`,
        );
      return core.store
        .peekList('nodes')
        .filter(
          n =>
            /^pool-0(0|1)\d-/.test(n.metadata.name) &&
            n.metadata.annotations?.[
              'machineconfiguration.openshift.io/currentConfig'
            ] !== TARGET_RENDER,
        ).length;
    });
    printWatchFigures('simulated rollout (MCO simulation, speed 0)', simulated);

    await simulator.stop();
    await core.stop();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch(error => {
    console.error(error);
    process.exit(1);
  });
}
