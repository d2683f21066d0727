// `npm run bench:dashboard`: the Monitor view of the demo model in Debian's chromium (playwright-core): the time
// from navigation until the view is drawn (health summary, the four charts, the version comparison, the columns
// table and the incidents) and the API requests it took; then the time from scrolling to the confusion matrix
// until it is drawn with its calibration plot; then the same for the column view. The local service runs in this
// process on a fresh data dir, seeded with `npm run demo`'s data.
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { DEMO_MODEL, DEMO_PROJECT, seedDemo } from '../scripts/demo.js';
import { CHROMIUM, dashboardFor, ensureDashboardBuilt, launchChromium } from '../test/web/support.js';
import { startBenchService } from './local-service.js';

/** The browser's window, in functions that run in the page (this program is typed for Node). */
interface BrowserWindow {
  document: { querySelector(selector: string): { scrollIntoView(): void } | null };
}

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const VIEWPORT = { width: 1440, height: 900 };

interface View {
  hash: string;
  /** What "drawn" means: every one of these is on the page. */
  ready: string[];
  /** A panel that loads once scrolled to, and what "drawn" means for it. */
  scrolled?: { panel: string; ready: string[] };
}

const VIEWS: Record<'monitor' | 'column', View> = {
  monitor: {
    hash: `#/${DEMO_PROJECT}/${DEMO_MODEL}`,
    ready: [
      '[data-panel="health"] .health-list',
      'figure[data-chart="traffic"] canvas',
      'figure[data-chart="performance"] canvas',
      'figure[data-chart="drift"] canvas',
      'figure[data-chart="integrity"] canvas',
      'figure[data-chart="compare"] canvas',
      '[data-panel="drift-table"] table',
      '[data-panel="alerts"] li[data-incident]',
    ],
    scrolled: {
      panel: '[data-panel="performance-detail"]',
      ready: ['figure[data-chart="confusion"] table', 'figure[data-chart="calibration"] circle'],
    },
  },
  column: {
    hash: `#/${DEMO_PROJECT}/${DEMO_MODEL}?range=latest&column=Age`,
    ready: [
      'figure[data-chart="distribution"] .bar-row',
      'figure[data-chart="quantiles"] canvas',
      'figure[data-chart="column-drift"] canvas',
      'figure[data-chart="column-integrity"] canvas',
    ],
  },
};

interface Run {
  ms: number;
  requests: string[];
  /** From the scroll to the panel below until it is drawn, and the requests that took. */
  scrolled?: { ms: number; requests: string[] };
}

/** Milliseconds on the browser's clock (from navigation start) when every selector is on the page. */
async function drawnAt(page: Page, selectors: string[]): Promise<number> {
  const handle = await page.waitForFunction(
    (wanted) =>
      wanted.every((s) => (globalThis as unknown as BrowserWindow).document.querySelector(s)) &&
      performance.now(),
    selectors,
    { timeout: 60_000, polling: 'raf' },
  );
  return (await handle.jsonValue()) as number;
}

async function measure(browser: Browser, url: string, token: string, view: keyof typeof VIEWS): Promise<Run> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  await context.addInitScript({
    content: `sessionStorage.setItem('modelwatch.token', ${JSON.stringify(token)});`,
  });
  const page: Page = await context.newPage();
  const requests: string[] = [];
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (path.startsWith('/v1/'))
      requests.push(`${request.method()} ${path.replace(/^.*\/models\/[^/]+/, '…')}`);
  });
  await page.goto(`${url}/${VIEWS[view].hash}`);
  // The browser's own clock from navigation start, polled every animation frame.
  const ms = await drawnAt(page, VIEWS[view].ready);
  // Anything asked after the view is drawn counts too.
  await page.waitForTimeout(1000);
  const drawn = [...requests];
  const below = VIEWS[view].scrolled;
  let scrolled: Run['scrolled'];
  if (below) {
    const from = (await page.evaluate((panel) => {
      (globalThis as unknown as BrowserWindow).document.querySelector(panel)?.scrollIntoView();
      return performance.now();
    }, below.panel)) as number;
    const at = await drawnAt(page, below.ready);
    await page.waitForTimeout(500);
    scrolled = { ms: at - from, requests: requests.slice(drawn.length) };
  }
  await context.close();
  return { ms, requests: drawn, scrolled };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is absent: apt-get install chromium`);
  const build = await ensureDashboardBuilt();
  const { service, close } = await startBenchService('modelwatch-bench-dashboard-');
  let browser: Browser | undefined;
  try {
    const seeding = Date.now();
    const demo = await seedDemo({ url: service.url, adminToken: 'bench' });
    console.log(
      `demo seeded in ${((Date.now() - seeding) / 1000).toFixed(1)} s: ${demo.events} events, ${demo.labels} labels (web/dist ${build})`,
    );
    const dashboard = await dashboardFor(service.url);
    browser = await launchChromium();
    // One run to warm the service's caches and the browser, not counted.
    await measure(browser, dashboard.url, demo.token, 'monitor');
    for (const view of Object.keys(VIEWS) as Array<keyof typeof VIEWS>) {
      const runs: Run[] = [];
      for (let i = 0; i < RUNS; i++) runs.push(await measure(browser, dashboard.url, demo.token, view));
      const times = runs.map((run) => run.ms);
      const counts = runs.map((run) => run.requests.length);
      console.log(
        `\n${view} view, ${RUNS} runs: drawn in median ${Math.round(median(times))} ms ` +
          `(min ${Math.round(Math.min(...times))}, max ${Math.round(Math.max(...times))}); ` +
          `${Math.max(...counts)} API requests at most`,
      );
      for (const request of runs[0]?.requests ?? []) console.log(`  ${request}`);
      const scrolled = runs.flatMap((run) => (run.scrolled ? [run.scrolled] : []));
      if (scrolled.length > 0) {
        const after = scrolled.map((one) => one.ms);
        console.log(
          `  then scrolled to the confusion matrix: drawn in median ${Math.round(median(after))} ms ` +
            `(min ${Math.round(Math.min(...after))}, max ${Math.round(Math.max(...after))}) with ` +
            `${Math.max(...scrolled.map((one) => one.requests.length))} more request(s): ${scrolled[0]?.requests.join(', ')}`,
        );
      }
    }
    await dashboard.close();
  } finally {
    await browser?.close();
    await close();
  }
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
