/*
 * Browser benchmark of the fleet page (`yarn bench:browser`): headless Chromium (Debian's,
 * driven by playwright-core, as the end-to-end tests) on the portal's `/layering` page against a
 * backend that serves a bench fleet of 10,000 pools, in the development build and in the
 * production build of the app.
 *
 * 1. Starts the bench fleet in a child process (plugins/layering-backend/bench/fleetServer.ts:
 *    BENCH_CLUSTERS clusters × BENCH_POOLS pools, 20 × 500 by default), unless BENCH_APP_URL is
 *    set (then a portal already serving a big fleet is measured as it is, as one build).
 * 2. Builds the app for production (`yarn build` in packages/app; BENCH_SKIP_BUILD=1 uses the
 *    packages/app/dist already there) and starts the portal: one backend on BENCH_BACKEND_PORT
 *    (7207) whose app plugin serves the production build, and the frontend's development server
 *    on BENCH_DEV_PORT (3207), both reading the bench clusters (APP_CONFIG_ overrides).
 * 3. Signs in as guest in each build and measures, BENCH_RUNS times (3) taking turns between the
 *    builds, then prints the median of each figure per build and the production/development ratio:
 *    - time to first rows: an in-app navigation to /layering, and a full page load of it;
 *    - time for a filter to answer: a summary button (no debounce) and the search box (its
 *      debounce included);
 *    - main-thread busy time during the navigation and the filter (React rendering and the rest);
 *    - DOM nodes with the first rows, and after scrolling through 2,000 rows;
 *    - JS heap (used, after a forced GC) before opening the page and after the scrolling;
 *    - the API requests of the navigation and of the filter: when each was sent and answered, the
 *      server's wait, and its bytes (which requests the first rows waited for).
 *
 * Times are taken in the page, from the user's action to the first animation frame after the DOM
 * shows the answer. Targets: 10,000 pools shown in < 1 s, a filter answers in < 100 ms. Measures;
 * never fails on a figure. Environment: BENCH_CLUSTERS, BENCH_POOLS, BENCH_RUNS, BENCH_BUILDS
 * (`development,production`), BENCH_SKIP_BUILD, BENCH_BACKEND_PORT, BENCH_DEV_PORT,
 * CHROMIUM_PATH; BENCH_SERVE=1 only starts the fleet and the portal and keeps them up, and
 * BENCH_APP_URL (`http://…`, or `development=http://…,production=http://…`) measures portals
 * already serving the bench fleet instead of starting them.
 */
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import {
  measureOnce,
  recordFirstRows,
  signIn,
  waitForFleet,
  type RunFigures,
  type SeenRequest,
} from './measure';
import { buildApp, log, startFleet, startPortal, stopChildren } from './portal';

const CLUSTERS = Number(process.env.BENCH_CLUSTERS ?? 20);
const POOLS = Number(process.env.BENCH_POOLS ?? 500);
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const BUILDS = (process.env.BENCH_BUILDS ?? 'development,production')
  .split(',')
  .map(b => b.trim())
  .filter((b): b is Build => b === 'development' || b === 'production');
const BACKEND_PORT = Number(process.env.BENCH_BACKEND_PORT ?? 7207);
const DEV_PORT = Number(process.env.BENCH_DEV_PORT ?? 3207);

type Build = 'development' | 'production';

/** Debian's Chromium, headless, with the flags the end-to-end tests use on this closed network. */
function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
  });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const ms = (n: number) => `${n.toFixed(0)} ms`;
const pad = (text: string, width: number) => text.padEnd(width);

interface Measured {
  build: Build | 'as served';
  url: string;
  runs: RunFigures[];
}

function requestLines(title: string, requests: SeenRequest[]): string[] {
  if (!requests.length) return [`    ${title}: none`];
  return [
    `    ${title} (sent → answered, from the action (* from the benchmark's start of it), server wait, bytes received):`,
    ...requests.map(
      r =>
        `      ${pad(`${ms(r.start)} → ${ms(r.end)}${r.fromAction ? '' : ' *'}`, 20)} ${pad(ms(r.wait), 8)} ${pad(
          r.bytes >= 0 ? `${(r.bytes / 1024).toFixed(1)} kB` : '?',
          10,
        )} ${r.path}${r.serverTiming ? ` [${r.serverTiming}]` : ''}`,
    ),
  ];
}

function report(measured: Measured[], total: number) {
  const figure = (m: Measured, pick: (r: RunFigures) => number) => median(m.runs.map(pick));
  const rows: Array<{ label: string; pick: (r: RunFigures) => number; unit: string; target?: number }> = [
    { label: 'first rows, in-app navigation', pick: r => r.navigation, unit: 'ms', target: 1000 },
    { label: 'first rows, full page load', pick: r => r.load, unit: 'ms' },
    { label: 'filter answers (summary button)', pick: r => r.filter, unit: 'ms', target: 100 },
    { label: 'search answers (debounce included)', pick: r => r.search, unit: 'ms' },
    { label: 'main thread busy, navigation', pick: r => r.navigationBusy, unit: 'ms' },
    { label: 'main thread busy, filter', pick: r => r.filterBusy, unit: 'ms' },
    { label: 'DOM nodes with the first rows', pick: r => r.firstNodes, unit: '' },
    { label: 'DOM nodes after 2,000 rows scrolled', pick: r => r.scrolledNodes, unit: '' },
    { label: 'rows in the DOM (first / scrolled)', pick: r => r.firstRows, unit: '' },
    { label: 'JS heap before (after GC)', pick: r => r.heapBefore, unit: 'MB' },
    { label: 'JS heap growth after scrolling', pick: r => r.heapAfter - r.heapBefore, unit: 'MB' },
  ];
  const fmt = (value: number, unit: string) =>
    unit === 'MB' ? `${value.toFixed(1)} MB` : `${value.toFixed(0)}${unit ? ` ${unit}` : ''}`;
  log('');
  log(
    `fleet page, ${total.toLocaleString('en-US')} pools (${CLUSTERS} clusters), Chromium headless, median of ${RUNS} run(s)`,
  );
  log(`  ${pad('', 38)} ${measured.map(m => pad(m.build, 22)).join(' ')}${measured.length === 2 ? 'ratio' : ''}`);
  for (const row of rows) {
    const values = measured.map(m => figure(m, row.pick));
    const cells = values.map((v, i) => {
      let text = fmt(v, row.unit);
      if (row.label.startsWith('rows in the DOM')) {
        text = `${v.toFixed(0)} / ${figure(measured[i], r => r.scrolledRows).toFixed(0)}`;
      }
      if (row.target) {
        text += ` (${(v / row.target).toFixed(2)}×)`;
      }
      return pad(text, 22);
    });
    const ratio =
      values.length === 2 && values[0] > 0 ? `${(values[1] / values[0]).toFixed(2)}` : '';
    log(`  ${pad(row.label, 38)} ${cells.join(' ')}${ratio}`);
  }
  log('  (×: the figure over its target — first rows < 1,000 ms, filter < 100 ms; ratio: production / development)');
  for (const m of measured) {
    const all = (pick: (r: RunFigures) => number) => m.runs.map(r => pick(r).toFixed(0)).join(', ');
    log('');
    log(`  ${m.build} (${m.url}), every run:`);
    log(`    first rows, in-app navigation: ${all(r => r.navigation)} ms`);
    log(`    first rows, full page load:    ${all(r => r.load)} ms`);
    log(`    filter (summary button):       ${all(r => r.filter)} ms`);
    log(`    search:                        ${all(r => r.search)} ms`);
    const last = m.runs[m.runs.length - 1];
    for (const line of requestLines('API requests of the last navigation', last.navigationRequests)) log(line);
    for (const line of requestLines('API requests of the last filter', last.filterRequests)) log(line);
  }
}

async function main() {
  const total = CLUSTERS * POOLS;
  const targets: Array<{ build: Measured['build']; url: string }> = [];
  if (process.env.BENCH_APP_URL) {
    // `http://…` (one portal, measured as it is) or `development=http://…,production=http://…`.
    for (const part of process.env.BENCH_APP_URL.split(',')) {
      const [name, url] = part.includes('=') ? part.split('=', 2) : ['as served', part];
      targets.push({ build: name.trim() as Measured['build'], url: url.trim() });
    }
  } else {
    if (!BUILDS.length) throw new Error('BENCH_BUILDS names no build (development, production)');
    const production = BUILDS.includes('production');
    if (production && process.env.BENCH_SKIP_BUILD !== '1') {
      log('building the app for production (packages/app: yarn build)');
      const t0 = Date.now();
      await buildApp();
      log(`  built in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    }
    log(`starting the bench fleet: ${CLUSTERS} clusters × ${POOLS} pools = ${total} pools`);
    const clusters = await startFleet(CLUSTERS, POOLS);
    log(`starting the portal (${BUILDS.join(' and ')} build)`);
    const urls = await startPortal(clusters, {
      backendPort: BACKEND_PORT,
      devPort: BUILDS.includes('development') ? DEV_PORT : undefined,
      production,
    });
    for (const build of BUILDS) {
      targets.push({ build, url: build === 'production' ? urls.backend : urls.development! });
    }
    if (process.env.BENCH_SERVE === '1') {
      // Only serves, until interrupted: measure it with BENCH_APP_URL from another shell.
      log(`serving: BENCH_APP_URL=${targets.map(t => `${t.build}=${t.url}`).join(',')}`);
      await new Promise(() => undefined);
    }
  }

  const browser = await launchBrowser();
  try {
    const contexts: BrowserContext[] = [];
    for (const t of targets) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
      await recordFirstRows(context);
      const page = await context.newPage();
      log(`signing in to ${t.url} (${t.build}) and waiting for the backend to serve every pool`);
      await signIn(page, t.url);
      // Also the first visit of the page, which loads what the figures below find cached.
      await waitForFleet(page, t.url, total);
      await page.close();
      contexts.push(context);
    }
    const measured: Measured[] = targets.map(t => ({ ...t, runs: [] }));
    for (let run = 1; run <= RUNS; run++) {
      for (const [i, m] of measured.entries()) {
        let figures: RunFigures;
        try {
          figures = await measureOnce(contexts[i], m.url);
        } catch (error) {
          // A loaded machine can stall one run; the others still count.
          log(`run ${run}, ${m.build}: failed (${String(error).split('\n')[0]})`);
          continue;
        }
        m.runs.push(figures);
        log(
          `run ${run}, ${m.build}: first rows ${ms(figures.navigation)} (navigation) / ${ms(
            figures.load,
          )} (load), filter ${ms(figures.filter)}, search ${ms(figures.search)}`,
        );
      }
    }
    report(
      measured.filter(m => m.runs.length > 0),
      total,
    );
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
