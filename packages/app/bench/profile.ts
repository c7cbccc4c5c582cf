/*
 * Where the browser's time goes on the fleet page: a CPU profile of the main thread during an
 * in-app navigation to /layering (until the first rows) and during a summary filter, summed by
 * package or source file and by function, self time. Runs against a portal already serving the
 * bench fleet (start one with `BENCH_SERVE=1 yarn bench:browser`):
 *
 *   BENCH_APP_URL=http://localhost:3207 yarn tsx packages/app/bench/profile.ts
 *
 * The development build names functions and files; the production build names only chunks.
 * Prints the top entries; writes the profiles to .run/fleet-*.cpuprofile (Chrome DevTools opens them).
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type CDPSession, type Page } from 'playwright-core';
import { signIn, waitForFleet } from './measure';
import { REPO, log } from './portal';

const APP_URL = process.env.BENCH_APP_URL ?? 'http://localhost:3207';
const TOTAL = Number(process.env.BENCH_CLUSTERS ?? 20) * Number(process.env.BENCH_POOLS ?? 500);
const ROW = '[role="grid"][aria-label="Pools of the fleet"] [role="row"][data-row-index]';
const TOP = Number(process.env.PROFILE_TOP ?? 25);

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code comes from: the npm package, or the repository's file. */
function origin(url: string): string {
  if (!url) return '(native / idle / GC)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const match = /(plugins|packages)\/[^?]*/.exec(url);
  return match ? match[0] : url.replace(/^.*\//, '');
}

function summarize(title: string, profile: Profile) {
  const byNode = new Map(profile.nodes.map(n => [n.id, n]));
  const selfByOrigin = new Map<string, number>();
  const selfByFunction = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byNode.get(id);
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    if (!node || node.callFrame.functionName === '(idle)') return;
    total += dt;
    const o = origin(node.callFrame.url);
    selfByOrigin.set(o, (selfByOrigin.get(o) ?? 0) + dt);
    const f = `${node.callFrame.functionName || '(anonymous)'} ${o}:${node.callFrame.lineNumber + 1}`;
    selfByFunction.set(f, (selfByFunction.get(f) ?? 0) + dt);
  });
  const top = (m: Map<string, number>) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, TOP).map(([k, v]) => `    ${v.toFixed(0).padStart(6)} ms  ${k}`);
  log('');
  log(`${title}: ${total.toFixed(0)} ms of main-thread samples (not idle)`);
  log('  self time by origin:');
  top(selfByOrigin).forEach(line => log(line));
  log('  self time by function:');
  top(selfByFunction).forEach(line => log(line));
}

async function profiled<T>(cdp: CDPSession, name: string, action: () => Promise<T>) {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  const value = await action();
  const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: Profile };
  mkdirSync(resolve(REPO, '.run'), { recursive: true });
  writeFileSync(resolve(REPO, `.run/fleet-${name}.cpuprofile`), JSON.stringify(profile));
  return { value, profile };
}

async function firstRowsAfterNavigation(page: Page) {
  const start = Date.now();
  await page.evaluate(() => {
    window.history.pushState({}, '', '/layering');
    window.dispatchEvent(new PopStateEvent('popstate'));
  });
  await page.locator(ROW).first().waitFor({ timeout: 120_000 });
  return Date.now() - start;
}

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    page.setDefaultTimeout(120_000);
    await signIn(page, APP_URL);
    await waitForFleet(page, APP_URL, TOTAL);
    await page.goto(APP_URL);
    await page.locator('nav[aria-label="sidebar nav"]').waitFor({ state: 'attached' });
    const cdp = await page.context().newCDPSession(page);
    const nav = await profiled(cdp, 'navigation', () => firstRowsAfterNavigation(page));
    summarize(`in-app navigation to the first rows (${nav.value} ms seen by the benchmark)`, nav.profile);
    const behind = page.getByRole('button', { name: /^Behind: / });
    await behind.waitFor();
    const filter = await profiled(cdp, 'filter', async () => {
      const start = Date.now();
      await behind.click();
      await page.getByText(/ pools · Behind$/).waitFor();
      return Date.now() - start;
    });
    summarize(`summary filter (${filter.value} ms seen by the benchmark)`, filter.profile);
  } finally {
    await browser.close();
  }
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exitCode = 1;
});
