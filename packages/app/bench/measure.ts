/*
 * One measurement of the fleet page in one signed-in browser context. Times are taken in the
 * page (performance.now() from the user's action to the first animation frame after the DOM
 * shows the answer), not by polling from the benchmark, so they hold no polling delay.
 */
import type {
  BrowserContext,
  CDPSession,
  Page,
  Request,
} from 'playwright-core';

const GRID = '[role="grid"][aria-label="Pools of the fleet"]';
const ROW = `${GRID} [role="row"][data-row-index]`;

/** An API request seen during a measured action. */
export interface SeenRequest {
  /** Path and query below /api, shortened. */
  path: string;
  /**
   * Milliseconds from the action to the request being sent: from the user's action as the page
   * saw it when `fromAction`, else from when the benchmark began the action.
   */
  start: number;
  fromAction: boolean;
  /** Milliseconds from the action to the last byte of the answer. */
  end: number;
  /** Milliseconds from the request sent to the first byte of the answer (server time + one round trip). */
  wait: number;
  /** Bytes of the answer's body as received (compressed if it was). */
  bytes: number;
  /** The answer's Server-Timing header, when it has one. */
  serverTiming?: string;
}

/** Figures of one run. */
export interface RunFigures {
  navigation: number;
  load: number;
  filter: number;
  search: number;
  /** Main-thread busy time (tasks) from the navigation to the first rows, ms. */
  navigationBusy: number;
  /** Main-thread busy time during the summary filter, ms. */
  filterBusy: number;
  firstNodes: number;
  firstRows: number;
  scrolledNodes: number;
  scrolledRows: number;
  heapBefore: number;
  heapAfter: number;
  /** API requests between the in-app navigation and its first rows. */
  navigationRequests: SeenRequest[];
  /** API requests during the summary filter. */
  filterRequests: SeenRequest[];
}

/** Signs in as guest, retrying: a backend that has just started on 10,000 pools may be slow. */
export async function signIn(page: Page, appUrl: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await page.goto(appUrl);
      const enter = page.getByRole('button', { name: 'Enter' });
      await enter.waitFor({ timeout: 300_000 });
      await enter.click();
      await page
        .locator('nav[aria-label="sidebar nav"]')
        .waitFor({ state: 'attached', timeout: 180_000 });
      return;
    } catch (error) {
      if (attempt >= 3) throw error;
      process.stdout.write(
        `sign-in attempt ${attempt} did not complete; trying again\n`,
      );
    }
  }
}

/** Opens the fleet page until its summary counts `total` pools (the backend has every pool). */
export async function waitForFleet(page: Page, appUrl: string, total: number) {
  const deadline = Date.now() + 10 * 60_000;
  let seen = -1;
  while (Date.now() < deadline) {
    await page.goto(`${appUrl}/layering`);
    const summary = page.getByRole('region', { name: 'Fleet summary' });
    const text = await summary
      .waitFor({ timeout: 300_000 })
      .then(() => summary.innerText())
      .catch(() => '');
    const match = /([\d,]+) pools in/.exec(text);
    seen = match ? Number(match[1].replace(/,/g, '')) : -1;
    if (seen >= total) {
      await page.locator(ROW).first().waitFor({ timeout: 300_000 });
      return;
    }
    await page.waitForTimeout(5000);
  }
  throw new Error(`the backend serves ${seen} of ${total} pools`);
}

type Kind = 'rows' | 'behind' | 'search';

const ARM_SCRIPT = `function (args) {
  var countText = function () {
    var el = document.querySelector('[aria-live="polite"]');
    return (el && el.textContent) || '';
  };
  var countBefore = countText();
  var start = args.startOn === 'now' ? performance.now() : undefined;
  if (args.startOn !== 'now') {
    document.addEventListener(args.startOn, function () {
      if (start === undefined) start = performance.now();
    }, { capture: true, once: true });
  }
  var met = function () {
    var rows = Array.from(document.querySelectorAll(args.grid + ' [role="row"][data-row-index]'));
    if (args.kind === 'rows') return rows.length > 0;
    if (args.kind === 'behind') return /pools · Behind$/.test(countText());
    return countText() !== countBefore && rows.length > 0 &&
      rows.every(function (r) { return (r.textContent || '').indexOf(args.needle || '') >= 0; });
  };
  // API requests as the page saw them, in ms from the action (resource timing).
  window.__benchRequests = [];
  var resources = new PerformanceObserver(function (list) {
    list.getEntries().forEach(function (e) {
      if (start === undefined || e.name.indexOf('/api/') < 0 || e.startTime < start) return;
      window.__benchRequests.push({
        url: e.name,
        start: e.startTime - start,
        sent: e.requestStart - start,
        firstByte: e.responseStart - start,
        end: e.responseEnd - start,
      });
    });
  });
  resources.observe({ type: 'resource' });
  window.__benchTimer = new Promise(function (resolve, reject) {
    var done = false;
    var observer;
    var timeout;
    var check = function () {
      if (done || start === undefined || !met()) return;
      done = true;
      observer.disconnect();
      clearTimeout(timeout);
      var from = start;
      requestAnimationFrame(function () {
        resolve(performance.now() - from);
        // Answers still arriving after the frame are not part of the action.
        setTimeout(function () { resources.disconnect(); }, 0);
      });
    };
    observer = new MutationObserver(check);
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
    timeout = setTimeout(function () {
      observer.disconnect();
      reject(new Error('the page did not show "' + args.kind + '" within 60 s'));
    }, 60000);
  });
  if (args.navigate) {
    window.history.pushState({}, '', args.navigate);
    window.dispatchEvent(new PopStateEvent('popstate'));
  }
}`;

/**
 * Arms a timer in the page: it starts at the first `startOn` event (or at once, then optionally
 * navigates in the app to `navigate`), and stops at the first animation frame after the DOM meets
 * `kind`. `window.__benchTimer` resolves with the milliseconds.
 */
async function arm(
  page: Page,
  kind: Kind,
  startOn: 'now' | 'pointerdown' | 'input',
  options: { navigate?: string; needle?: string } = {},
) {
  const args = { grid: GRID, kind, startOn, ...options };
  // Sent as source text: the benchmark runs through tsx, whose output would name the inner
  // functions with a helper that does not exist in the page.
  await page.evaluate(`(${ARM_SCRIPT})(${JSON.stringify(args)})`);
}

const timer = (page: Page) =>
  page.evaluate('window.__benchTimer') as Promise<number>;

/** JS heap in use after a forced garbage collection, in MB. */
async function heapMb(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  return (
    (metrics.find(m => m.name === 'JSHeapUsedSize')?.value ?? 0) / 1024 / 1024
  );
}

/** Main-thread time spent in tasks so far, in ms. */
async function busyMs(cdp: CDPSession): Promise<number> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return (metrics.find(m => m.name === 'TaskDuration')?.value ?? 0) * 1000;
}

const domNodes = (page: Page) =>
  page.evaluate(() => document.getElementsByTagName('*').length);
const rowCount = (page: Page) => page.locator(ROW).count();

/** Records the API requests that finish while `action` runs, relative to its start. */
async function watched<T>(
  page: Page,
  action: () => Promise<T>,
): Promise<{ value: T; requests: SeenRequest[] }> {
  const finished: Request[] = [];
  const onFinished = (request: Request) => {
    if (request.url().includes('/api/')) finished.push(request);
  };
  page.on('requestfinished', onFinished);
  const t0 = Date.now();
  let value: T;
  try {
    value = await action();
  } finally {
    page.off('requestfinished', onFinished);
  }
  // The page's own timings, from the user's action (the ones below count from when the benchmark
  // began the action, Playwright's click included).
  const inPage = ((await page.evaluate('window.__benchRequests').catch(() => [])) ?? []) as Array<{
    url: string;
    start: number;
    sent: number;
    firstByte: number;
    end: number;
  }>;
  const requests = await Promise.all(
    finished.map(async request => {
      const timing = request.timing();
      const sizes = await request
        .sizes()
        .catch(() => ({ responseBodySize: -1 }));
      const response = await request.response();
      const serverTiming = response
        ? await response.headerValue('server-timing')
        : null;
      const url = new URL(request.url());
      const path = decodeURIComponent(`${url.pathname}${url.search}`).replace(
        /^\/api/,
        '',
      );
      const seen = inPage.find(e => e.url === request.url());
      return {
        path: path.length > 70 ? `${path.slice(0, 67)}...` : path,
        start: seen ? seen.start : timing.startTime - t0,
        end: seen ? seen.end : timing.startTime + timing.responseEnd - t0,
        wait: seen ? seen.firstByte - seen.sent : timing.responseStart - timing.requestStart,
        fromAction: Boolean(seen),
        bytes: sizes.responseBodySize,
        serverTiming: serverTiming ?? undefined,
      };
    }),
  );
  return { value, requests: requests.sort((a, b) => a.start - b.start) };
}

/**
 * Makes every document loaded at /layering record when its first rows are in the DOM (at the
 * next animation frame), as `window.__benchFirstRows` in ms from the start of the navigation.
 */
export async function recordFirstRows(context: BrowserContext): Promise<void> {
  await context.addInitScript(`(function (row) {
    if (window.location.pathname !== '/layering') return;
    var observer = new MutationObserver(function () {
      if (!document.querySelector(row)) return;
      observer.disconnect();
      requestAnimationFrame(function () { window.__benchFirstRows = performance.now(); });
    });
    observer.observe(document, { childList: true, subtree: true });
  })(${JSON.stringify(ROW)})`);
}

/**
 * Measures the page once: first rows after an in-app navigation and after a full load, a
 * summary filter and a search, DOM nodes and JS heap before and after scrolling 2,000 rows.
 */
export async function measureOnce(
  context: BrowserContext,
  appUrl: string,
): Promise<RunFigures> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  // A loaded machine answers slowly: waits are long, the figures are taken in the page.
  page.setDefaultTimeout(120_000);
  page.setDefaultNavigationTimeout(120_000);
  try {
    await page.goto(appUrl);
    await page
      .locator('nav[aria-label="sidebar nav"]')
      .waitFor({ state: 'attached' });
    const heapBefore = await heapMb(cdp);

    const busy0 = await busyMs(cdp);
    const nav = await watched(page, async () => {
      await arm(page, 'rows', 'now', { navigate: '/layering' });
      return timer(page);
    });
    const navigationBusy = (await busyMs(cdp)) - busy0;
    const firstNodes = await domNodes(page);
    const firstRows = await rowCount(page);

    // Full load: the page records its first rows (see `recordFirstRows`), counted from the
    // start of the navigation.
    await page.goto(`${appUrl}/layering`, { waitUntil: 'commit' });
    const load = (await (
      await page.waitForFunction('window.__benchFirstRows', undefined, {
        timeout: 120_000,
      })
    ).jsonValue()) as number;
    const behind = page.getByRole('button', { name: /^Behind: / });
    await behind.waitFor();

    const busy1 = await busyMs(cdp);
    const filtered = await watched(page, async () => {
      await arm(page, 'behind', 'pointerdown');
      await behind.click();
      return timer(page);
    });
    const filterBusy = (await busyMs(cdp)) - busy1;
    await behind.click();
    await page.getByText(/ pools$/).waitFor();

    await arm(page, 'search', 'input', { needle: 'pool-01' });
    await page.getByRole('searchbox').fill('pool-01');
    const search = await timer(page);
    await page.getByRole('searchbox').fill('');
    await page.waitForFunction(
      grid => !document.querySelector(grid)?.textContent?.includes('Loading'),
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
    const heapAfter = await heapMb(cdp);
    return {
      navigation: nav.value,
      load,
      filter: filtered.value,
      search,
      navigationBusy,
      filterBusy,
      firstNodes,
      firstRows,
      scrolledNodes,
      scrolledRows,
      heapBefore,
      heapAfter,
      navigationRequests: nav.requests,
      filterRequests: filtered.requests,
    };
  } finally {
    await cdp.detach().catch(() => undefined);
    await page.close();
  }
}
