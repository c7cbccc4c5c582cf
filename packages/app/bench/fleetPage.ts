/*
 * Browser benchmark of the fleet page (`yarn bench:browser`): headless Chromium (Debian's,
 * driven by playwright-core, as the end-to-end tests) on the portal's `/layering` page against a
 * backend that serves a bench fleet of 10,000 pools.
 *
 * 1. Starts the bench fleet in a child process (plugins/layering-backend/bench/fleetServer.ts:
 *    BENCH_CLUSTERS clusters × BENCH_POOLS pools, 20 × 500 by default), unless BENCH_APP_URL is
 *    set (then a portal already serving a big fleet is measured as it is).
 * 2. Starts the portal (the frontend's development server, and the backend without the watcher
 *    that restarts it on every source change) with `kubernetes.clusterLocatorMethods` pointing at the bench clusters (APP_CONFIG_ override).
 * 3. Signs in as guest and measures, in the page:
 *    - time to first rows: a full page load of /layering, and an in-app navigation to it;
 *    - time for a filter to answer: a summary button (no debounce) and the search box (with its
 *      250 ms debounce);
 *    - DOM nodes with the first rows, and after scrolling through 2,000 rows;
 *    - JS heap (used, after a forced GC) before opening the page and after the scrolling.
 *
 * Prints figures and the targets (10,000 pools shown in < 1 s, a filter answers in < 100 ms).
 * Measures; never fails on a figure. Environment: BENCH_CLUSTERS, BENCH_POOLS, BENCH_APP_URL,
 * BENCH_BACKEND_URL, CHROMIUM_PATH.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const REPO = resolve(__dirname, '../../..');
const CLUSTERS = Number(process.env.BENCH_CLUSTERS ?? 20);
const POOLS = Number(process.env.BENCH_POOLS ?? 500);
const APP_URL = process.env.BENCH_APP_URL ?? 'http://localhost:3000';
const BACKEND_URL = process.env.BENCH_BACKEND_URL ?? 'http://localhost:7007';
/** Debian's Chromium, headless, with the flags the end-to-end tests use on this closed network. */
function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
  });
}

const GRID = '[role="grid"][aria-label="Pools of the fleet"]';
const ROW = `${GRID} [role="row"][data-row-index]`;

const children: ChildProcess[] = [];

function log(message: string) {
  process.stdout.write(`${message}\n`);
}

/** Stops what the benchmark started: SIGTERM to each child's process group, SIGKILL after 10 s. */
async function stopChildren() {
  const signal = (child: ChildProcess, name: NodeJS.Signals) => {
    if (!child.pid || child.exitCode !== null || child.signalCode !== null) return;
    // Each child leads its own process group: signal the group (the portal runs several).
    try {
      process.kill(-child.pid, name);
    } catch {
      child.kill(name);
    }
  };
  children.forEach(child => signal(child, 'SIGTERM'));
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && children.some(c => c.exitCode === null && c.signalCode === null)) {
    await new Promise(r => setTimeout(r, 200));
  }
  children.forEach(child => signal(child, 'SIGKILL'));
}

interface BenchCluster {
  name: string;
  url: string;
  token: string;
}

/** The bench fleet in a child process; resolves with its clusters once they are settled. */
async function startFleet(): Promise<BenchCluster[]> {
  const child = spawn(
    'yarn',
    ['tsx', 'bench/fleetServer.ts', String(CLUSTERS), String(POOLS), String(POOLS)],
    {
      cwd: resolve(REPO, 'plugins/layering-backend'),
      stdio: ['pipe', 'pipe', 'inherit'],
      detached: true,
    },
  );
  children.push(child);
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    if (line.startsWith('{')) {
      return (JSON.parse(line) as { clusters: BenchCluster[] }).clusters;
    }
  }
  throw new Error('the bench fleet ended before it was ready');
}

/** The portal in development mode, reading the bench clusters; resolves when both ends answer. */
async function startPortal(clusters: BenchCluster[]): Promise<void> {
  const locator = [
    {
      type: 'config',
      clusters: clusters.map(c => ({
        name: c.name,
        url: c.url.replace(/^http:/, 'https:'),
        authProvider: 'serviceAccount',
        serviceAccountToken: c.token,
        // The bench clusters make a new CA per start; their TLS is not what is measured here.
        skipTLSVerify: true,
      })),
    },
  ];
  // The portal's output goes to a file: the figures stay readable, and a failed start can be read.
  mkdirSync(resolve(REPO, '.run'), { recursive: true });
  const logFile = resolve(REPO, '.run/bench-portal.log');
  const out = openSync(logFile, 'w');
  log(`portal output: ${logFile}`);
  const env = {
    ...process.env,
    BROWSER: 'none',
    APP_CONFIG_kubernetes_clusterLocatorMethods: JSON.stringify(locator),
    // app-config.yaml's OpenShift OAuth client needs a secret to start; nothing signs in with it here.
    LAYERING_EMBEDDED_OAUTH_CLIENT_SECRET:
      process.env.LAYERING_EMBEDDED_OAUTH_CLIENT_SECRET ?? randomBytes(24).toString('hex'),
  };
  // The backend runs without the development watcher, which restarts it on every change to a
  // source file of the repository; the frontend is the development server.
  const backend = spawn(
    process.execPath,
    [
      '--enable-source-maps',
      '--require',
      require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
      'src/index',
    ],
    {
      cwd: resolve(REPO, 'packages/backend'),
      // As the CLI sets it: the guest sign-in of the embedded default exists in development only.
      env: { ...env, NODE_ENV: 'development' },
      stdio: ['ignore', out, out],
      detached: true,
    },
  );
  children.push(backend);
  const child = spawn('yarn', ['workspace', 'app', 'start'], {
    cwd: REPO,
    env,
    stdio: ['ignore', out, out],
    detached: true,
  });
  children.push(child);
  const deadline = Date.now() + 15 * 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || backend.exitCode !== null) {
      throw new Error(`the portal stopped while starting; see ${logFile}`);
    }
    const ok = await Promise.all([
      fetch(`${BACKEND_URL}/.backstage/health/v1/readiness`).then(r => r.ok, () => false),
      fetch(APP_URL).then(r => r.ok, () => false),
    ]);
    if (ok.every(Boolean)) return;
    await new Promise(r => setTimeout(r, 2000));
  }
  throw new Error('the portal did not answer within 15 minutes');
}

/**
 * Signs in as guest. A backend that has just started on 10,000 pools may answer slowly, so this
 * waits longer than the end-to-end tests do, and tries again when a sign-in does not complete.
 */
async function signIn(page: Page): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await page.goto(APP_URL);
      const enter = page.getByRole('button', { name: 'Enter' });
      await enter.waitFor({ timeout: 300_000 });
      await enter.click();
      await page
        .locator('nav[aria-label="sidebar nav"]')
        .waitFor({ state: 'attached', timeout: 180_000 });
      return;
    } catch (error) {
      if (attempt >= 3) throw error;
      log(`sign-in attempt ${attempt} did not complete; trying again`);
    }
  }
}

/** JS heap in use after a forced garbage collection, in MB. */
async function heapMb(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  await cdp.detach();
  const used = metrics.find(m => m.name === 'JSHeapUsedSize')?.value ?? 0;
  return used / 1024 / 1024;
}

const domNodes = (page: Page) => page.evaluate(() => document.getElementsByTagName('*').length);
const rowCount = (page: Page) => page.locator(ROW).count();

/** Opens the fleet page until its summary counts `total` pools (the backend has every pool). */
async function waitForFleet(page: Page, total: number) {
  const deadline = Date.now() + 10 * 60_000;
  let seen = -1;
  while (Date.now() < deadline) {
    await page.goto(`${APP_URL}/layering`);
    const summary = page.getByRole('region', { name: 'Fleet summary' });
    const text = await summary
      .waitFor({ timeout: 300_000 })
      .then(() => summary.innerText())
      .catch(() => '');
    const match = /([\d,]+) pools in/.exec(text);
    seen = match ? Number(match[1].replace(/,/g, '')) : -1;
    if (seen >= total) return;
    await page.waitForTimeout(5000);
  }
  throw new Error(`the backend serves ${seen} of ${total} pools`);
}

/** Milliseconds from `action` to `condition` holding in the page. */
async function timed(action: () => Promise<unknown>, condition: () => Promise<unknown>) {
  const start = performance.now();
  await action();
  await condition();
  return performance.now() - start;
}

const ms = (n: number) => `${n.toFixed(0)} ms`;
const target = (value: number, limit: number) =>
  `${ms(value)} (target < ${ms(limit)}: ${value < limit ? 'met' : 'missed'}, ${(value / limit).toFixed(2)}× the target)`;

async function main() {
  const total = CLUSTERS * POOLS;
  if (!process.env.BENCH_APP_URL) {
    log(`starting the bench fleet: ${CLUSTERS} clusters × ${POOLS} pools = ${total} pools`);
    const clusters = await startFleet();
    log('starting the portal (development build)');
    await startPortal(clusters);
  }
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await signIn(page);
    // Also the first visit of the page, which loads what the figures below find cached.
    await waitForFleet(page, total);
    await page.locator(ROW).first().waitFor({ timeout: 300_000 });

    await page.goto(APP_URL);
    await page.locator('nav[aria-label="sidebar nav"]').waitFor({ state: 'attached' });
    const heapBefore = await heapMb(page);
    const navigation = await timed(
      () =>
        page.evaluate(() => {
          window.history.pushState({}, '', '/layering');
          window.dispatchEvent(new PopStateEvent('popstate'));
        }),
      () => page.locator(ROW).first().waitFor({ timeout: 60_000 }),
    );
    const firstNodes = await domNodes(page);
    const firstRows = await rowCount(page);

    const load = await timed(
      () => page.goto(`${APP_URL}/layering`, { waitUntil: 'commit' }),
      () => page.locator(ROW).first().waitFor({ timeout: 120_000 }),
    );

    // A filter from the summary (sent at once) and from the search box (sent after typing pauses).
    const behind = page.getByRole('button', { name: /^Behind: / });
    await behind.waitFor();
    const filter = await timed(
      () => behind.click(),
      () => page.getByText(/ pools · Behind$/).waitFor({ timeout: 30_000 }),
    );
    await behind.click();
    await page.getByText(/ pools$/).waitFor();
    const search = await timed(
      () => page.getByRole('searchbox').fill('pool-01'),
      () =>
        page.waitForFunction(
          grid => {
            const rows = document.querySelectorAll(`${grid} [role="row"][data-row-index]`);
            return rows.length > 0 && [...rows].every(r => r.textContent?.includes('pool-01'));
          },
          GRID,
          { timeout: 30_000 },
        ),
    );
    await page.getByRole('searchbox').fill('');
    await page.waitForFunction(
      grid => !document.querySelector(`${grid}`)?.textContent?.includes('Loading'),
      GRID,
    );

    // Scroll through 2,000 rows, a screen at a time, letting further pages load.
    const viewport = page.getByTestId('fleet-viewport');
    for (let top = 0; top <= 2000 * 52; top += 520) {
      await viewport.evaluate((el, y) => {
        el.scrollTop = y;
      }, top);
      await page.waitForTimeout(16);
    }
    await page.waitForFunction(
      grid => !document.querySelector(grid)?.textContent?.includes('Loading'),
      GRID,
      { timeout: 60_000 },
    );
    const scrolledNodes = await domNodes(page);
    const scrolledRows = await rowCount(page);
    const heapAfter = await heapMb(page);

    log('');
    log(`fleet page, ${total.toLocaleString('en-US')} pools (${CLUSTERS} clusters), Chromium headless, development build`);
    log(`  first rows, in-app navigation to /layering  ${target(navigation, 1000)}`);
    log(`  first rows, full page load of /layering     ${ms(load)} (includes loading and parsing the development bundle)`);
    log(`  filter answers (summary button, no debounce) ${target(filter, 100)}`);
    log(`  search answers (250 ms debounce included)   ${ms(search)}`);
    log(`  DOM nodes with the first rows               ${firstNodes} (${firstRows} rows in the DOM)`);
    log(`  DOM nodes after scrolling 2,000 rows        ${scrolledNodes} (${scrolledRows} rows in the DOM)`);
    log(`  JS heap before / after (after GC)           ${heapBefore.toFixed(1)} / ${heapAfter.toFixed(1)} MB (growth ${(heapAfter - heapBefore).toFixed(1)} MB)`);
  } finally {
    await browser.close();
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void stopChildren().finally(() => process.exit(1));
  });
}

main()
  .catch(error => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exitCode = 1;
  })
  .finally(stopChildren);
