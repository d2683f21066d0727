// The Monitor dashboard in a real browser (Debian's chromium through playwright-core) against the local
// service seeded with the demo's bank-churn model: sign-in, the model picker, the health summary, charts with
// data, bin sizes, bin details, the column view, the confusion matrix and calibration of a bin, segments and the
// comparison of two model versions and their ranking in one bin, incidents and rules, empty and error states, at desktop and phone sizes.
// Screenshots land in test/web/artifacts/.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_MODEL, DEMO_PROJECT, type DemoResult, seedDemo, VERSION_COLUMN } from '../../scripts/demo.js';
import { startTestService, type TestService } from '../support/local-service.js';
import { noteSkippedSuite } from '../support/skipped-suites.js';
import { ARTIFACTS, CHROMIUM, dashboardFor, ensureDashboardBuilt, launchChromium } from './support.js';

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  noteSkippedSuite('the dashboard browser tests', `${CHROMIUM} is absent (apt-get install chromium)`);
}

const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
const UI_TIMEOUT = 45_000;

let service: TestService;
let dashboard: { url: string; close(): Promise<void> };
let browser: Browser;
let demo: DemoResult;

beforeAll(async () => {
  if (!hasChromium) return;
  const started = Date.now();
  const build = await ensureDashboardBuilt();
  service = await startTestService();
  // A smaller demo than `npm run demo`: the same episodes over the same two weeks, fewer events per hour.
  demo = await seedDemo({
    url: service.url,
    adminToken: service.adminToken,
    eventsPerHour: 6,
    baselineRows: 800,
  });
  dashboard = await dashboardFor(service.url);
  browser = await launchChromium();
  await mkdir(ARTIFACTS, { recursive: true });
  // A project with no model yet, for the empty state.
  await fetch(`${service.url}/v1/projects`, {
    method: 'POST',
    headers: { authorization: `Bearer ${service.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ project_id: EMPTY_PROJECT }),
  });
  await seedMulticlass();
  console.log(
    `dashboard tests ready in ${Date.now() - started} ms (web/dist ${build}; ${demo.events} events, ` +
      `${demo.labels} labels, alert routes ${demo.alertRoutes ? 'present' : 'absent'}; served from ${dashboard.url})`,
  );
}, 150_000);

afterAll(async () => {
  await browser?.close();
  await dashboard?.close();
  await service?.destroy();
});

const modelHash = `#/${DEMO_PROJECT}/${DEMO_MODEL}`;
const EMPTY_PROJECT = 'empty_shop';
const DAY_MS = 86_400_000;
const V1 = `${VERSION_COLUMN}=v1`;
const V2 = `${VERSION_COLUMN}=v2`;

/** The API as the demo's token sees it, for the numbers a test expects the page to show. */
async function api<T = any>(path: string): Promise<T> {
  const response = await fetch(`${service.url}/v1/projects/${DEMO_PROJECT}/models/${DEMO_MODEL}${path}`, {
    headers: { authorization: `Bearer ${demo.token}` },
  });
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

/** Every event of the demo (or of a segment), whatever the view's range: its two weeks end now. */
async function totalTraffic(segment?: string): Promise<number> {
  const now = Date.now();
  const query = `metric=traffic&bin_size=week&start=${now - 35 * DAY_MS}&end=${now + DAY_MS}`;
  const series = await api<{ points: Array<{ value: number }> }>(
    `/metrics?${query}${segment ? `&segment=${encodeURIComponent(segment)}` : ''}`,
  );
  return series.points.reduce((sum, point) => sum + point.value, 0);
}

interface PerformancePoint {
  start: number;
  data_count: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  calibration: Array<{ count: number }>;
}

/** The performance details of one day bin, as the API answers them. */
async function performanceOf(start: number, segment?: string): Promise<PerformancePoint> {
  const query = `bin_size=day&start=${start}&end=${start + DAY_MS}${segment ? `&segment=${encodeURIComponent(segment)}` : ''}`;
  const answer = await api<{ points: PerformancePoint[] }>(`/performance?${query}`);
  return answer.points[0] as PerformancePoint;
}

/**
 * Scrolls to the performance panel until its confusion matrix is drawn, as a reader scrolls back to it: panels
 * above that finish loading after a first scroll push it down, out of view, before it ever came near the screen.
 */
async function scrollToPerformanceDetail(page: Page) {
  const panel = page.locator('[data-panel="performance-detail"]');
  await expect
    .poll(async () => {
      await panel.scrollIntoViewIfNeeded();
      return panel.locator('figure[data-chart="confusion"]').count();
    }, POLL)
    .toBeGreaterThan(0);
  return panel;
}

/** The multiclass model of the performance fixture (scikit-learn's expected matrices), in a project of its own. */
const MULTICLASS_PROJECT = 'animals';
const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/performance/performance.json', import.meta.url), 'utf8'),
) as {
  start: number;
  models: Array<{
    model_id: string;
    dataset_id: string;
    baseline: unknown[];
    model: { task: string };
    classes: string[];
    events: unknown[];
    queries: Array<{
      bin_size: string;
      points: Array<{ start: number; data_count: number; confusion: number[][] }>;
    }>;
  }>;
};
const multiclass = fixture.models.find((m) => m.model.task === 'multiclass_classification');

async function seedMulticlass(): Promise<void> {
  if (!multiclass) throw new Error('the performance fixture has no multiclass model');
  const call = async (method: string, path: string, body: unknown) => {
    const response = await fetch(`${service.url}/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${service.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status, `${method} ${path}: ${await response.clone().text()}`).toBeLessThan(300);
  };
  const project = `/projects/${MULTICLASS_PROJECT}`;
  await call('POST', '/projects', { project_id: MULTICLASS_PROJECT });
  await call('PUT', `${project}/datasets/${multiclass.dataset_id}`, multiclass.baseline);
  await call('PUT', `${project}/models/${multiclass.model_id}`, multiclass.model);
  await call('POST', `${project}/models/${multiclass.model_id}/events/batch`, multiclass.events);
  await call('POST', '/monitor/run', undefined);
}

/** The count the confusion matrix shows for an actual and a predicted class. */
const cell = (page: Page, actual: string, predicted: string) =>
  page.locator(
    `figure[data-chart="confusion"] tr[data-actual="${actual}"] td[data-predicted="${predicted}"]`,
  );

/** A page already signed in (the token in sessionStorage, as the sign-in form leaves it). */
async function signedInPage(viewport = DESKTOP, token = demo.token): Promise<Page> {
  const context = await browser.newContext({ viewport });
  await context.addInitScript({
    content: `sessionStorage.setItem('modelwatch.token', ${JSON.stringify(token)});`,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(UI_TIMEOUT);
  return page;
}

/** Waits for the named charts; with the drift table too, every request of the view has been answered. */
async function chartsLoaded(page: Page, charts = ['traffic', 'drift'], table = true): Promise<void> {
  for (const chart of charts) await page.locator(`figure[data-chart="${chart}"] canvas`).first().waitFor();
  if (table) await page.locator('[data-panel="drift-table"] table').waitFor();
}

const POLL = { timeout: UI_TIMEOUT, interval: 100 };
/** playwright-core has no expect: poll a locator's text, or an input's value, with vitest's. */
const textOf = (locator: Locator) =>
  expect.poll(async () => (await locator.first().textContent()) ?? '', POLL);
const inputValueOf = (locator: Locator) => expect.poll(() => locator.inputValue(), POLL);
const visible = (locator: Locator) => locator.first().waitFor({ state: 'visible' });
const gone = (locator: Locator) => locator.first().waitFor({ state: 'detached' });

const shot = (page: Page, name: string, fullPage = false) =>
  page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage });

/** The page's elements as the functions given to page.evaluate see them: they run in the browser. */
interface PageElement {
  getBoundingClientRect(): {
    left: number;
    right: number;
    top: number;
    bottom: number;
    width: number;
    height: number;
  };
  contains(other: PageElement): boolean;
  textContent: string | null;
}
declare const document: { querySelectorAll(css: string): Iterable<PageElement> };

/** Pairs of the matched elements whose boxes overlap by more than a pixel (hidden ones left out). */
async function overlaps(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((css) => {
    const boxes = [...document.querySelectorAll(css)]
      .map((element) => ({ element, box: element.getBoundingClientRect() }))
      .filter(({ box }) => box.width > 0 && box.height > 0);
    const found: string[] = [];
    boxes.forEach((a, i) => {
      for (const b of boxes.slice(i + 1)) {
        if (a.element.contains(b.element) || b.element.contains(a.element)) continue;
        const x = Math.min(a.box.right, b.box.right) - Math.max(a.box.left, b.box.left);
        const y = Math.min(a.box.bottom, b.box.bottom) - Math.max(a.box.top, b.box.top);
        if (x > 1 && y > 1)
          found.push(`${a.element.textContent?.slice(0, 30)} / ${b.element.textContent?.slice(0, 30)}`);
      }
    });
    return found;
  }, selector);
}

describe.skipIf(!hasChromium)('the Monitor dashboard', () => {
  it('signs in with a token, opens a model by id and draws traffic with data', async () => {
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT);
    await page.goto(`${dashboard.url}/`);
    await page.getByLabel('API token').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await textOf(page.getByRole('alert')).toContain('did not accept this token');
    await shot(page, 'signin-error-1440');

    await page.getByLabel('API token').fill(demo.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await inputValueOf(page.getByLabel('Project', { exact: true })).toBe(DEMO_PROJECT);
    await page.getByLabel('Open model by id').fill(DEMO_MODEL);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await chartsLoaded(page);

    const traffic = page.locator('figure[data-chart="traffic"]');
    expect(Number(await traffic.getAttribute('data-points'))).toBeGreaterThan(1);
    expect(Number(await traffic.getAttribute('data-nonzero'))).toBeGreaterThan(0);
    await inputValueOf(page.getByLabel('Model', { exact: true })).toBe(DEMO_MODEL);
    expect(await page.evaluate('sessionStorage.getItem("modelwatch.token")')).toBe(demo.token);
    await shot(page, 'monitor-1440');
    await shot(page, 'monitor-1440-full', true);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await visible(page.getByLabel('API token'));
    expect(await page.evaluate('sessionStorage.getItem("modelwatch.token")')).toBeNull();
    await context.close();
  }, 90_000);

  it('redraws every chart in hour bins when the bin size changes', async () => {
    const page = await signedInPage();
    await page.goto(`${dashboard.url}/${modelHash}`);
    await chartsLoaded(page, ['traffic'], false);
    const dayPoints = Number(await page.locator('figure[data-chart="traffic"]').getAttribute('data-points'));

    await page.locator('.segment label', { hasText: 'Hour' }).click();
    await textOf(page.locator('.range-summary')).toContain('hour bins');
    await expect
      .poll(async () =>
        Number(await page.locator('figure[data-chart="traffic"]').getAttribute('data-points')),
      )
      .toBeGreaterThan(dayPoints * 20);
    expect(page.url()).toContain('bin=hour');
    await page.locator('figure[data-chart="drift"] canvas').first().waitFor();
    await shot(page, 'monitor-hour-bins-1440');
    await page.context().close();
  }, 90_000);

  it("opens a bin's details when a point of the drift chart is clicked", async () => {
    const page = await signedInPage();
    await page.goto(`${dashboard.url}/${modelHash}?bin=day&range=latest`);
    await chartsLoaded(page, ['drift'], false);
    const plot = page.locator('figure[data-chart="drift"] .u-over');
    await plot.scrollIntoViewIfNeeded();
    const box = await plot.boundingBox();
    if (!box) throw new Error('the drift chart has no plot area');
    await plot.click({ position: { x: box.width * 0.5, y: box.height * 0.8 } });

    const dialog = page.locator('dialog[data-dialog="details"]');
    await visible(dialog);
    await visible(dialog.getByRole('row', { name: /Jensen-Shannon distance/ }));
    await visible(dialog.getByRole('row', { name: /Traffic \(events\)/ }));
    await shot(page, 'bin-details-1440');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await gone(dialog);
    await page.context().close();
  }, 90_000);

  it('draws the Monitor view above the fold with one metrics query and at most six API requests', async () => {
    const page = await signedInPage();
    const requests: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname.startsWith('/v1/')) requests.push(`${request.method()} ${url.pathname}`);
    });
    await page.goto(`${dashboard.url}/${modelHash}`);
    await chartsLoaded(page, ['traffic', 'performance', 'compare', 'drift', 'integrity']);
    await page.locator('[data-panel="health"] .health-list').waitFor();
    await page.locator('li[data-incident]').first().waitFor();
    // Anything asked after the draw would show within this wait.
    await page.waitForTimeout(1000);
    expect(requests.filter((r) => r.endsWith('/metrics/query'))).toHaveLength(1);
    expect(requests.filter((r) => r.endsWith('/metrics'))).toEqual([]);
    // The model's info comes from the project's list of models, not from a request of its own; the address
    // names the project, so the projects are not listed until the picker is opened.
    expect([...requests].sort()).toEqual(
      [
        `GET /v1/projects/${DEMO_PROJECT}/models`,
        ...['alert-rules', 'incidents', 'segments', 'summary'].map(
          (route) => `GET /v1/projects/${DEMO_PROJECT}/models/${DEMO_MODEL}/${route}`,
        ),
        `POST /v1/projects/${DEMO_PROJECT}/models/${DEMO_MODEL}/metrics/query`,
      ].sort(),
    );
    await textOf(page.locator('[data-panel="performance-detail"] .panel-body')).toContain(
      'load when this panel is scrolled into view',
    );
    await page.context().close();
  }, 90_000);

  it('loads the confusion matrix of the API once its panel is scrolled to', async () => {
    const page = await signedInPage();
    const performance: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.endsWith('/performance')) performance.push(request.url());
    });
    await page.goto(`${dashboard.url}/${modelHash}?bin=day&range=latest`);
    await chartsLoaded(page, ['traffic', 'performance']);
    expect(performance).toEqual([]);

    const panel = page.locator('[data-panel="performance-detail"]');
    await panel.scrollIntoViewIfNeeded();
    await panel.locator('figure[data-chart="confusion"]').waitFor();
    expect(performance).toHaveLength(1);
    const expected = await performanceOf(Number(await panel.getByLabel('Labelled bin').inputValue()));
    expect(expected.data_count).toBeGreaterThan(0);
    for (const [actual, predicted, count] of [
      ['false', 'false', expected.tn],
      ['false', 'true', expected.fp],
      ['true', 'false', expected.fn],
      ['true', 'true', expected.tp],
    ] as const) {
      expect(await cell(page, actual, predicted).getAttribute('data-count')).toBe(String(count));
    }
    await page.context().close();
  }, 90_000);

  it('lists the projects only when the project picker is opened', async () => {
    const page = await signedInPage();
    const listed: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/v1/projects') listed.push(request.url());
    });
    await page.goto(`${dashboard.url}/${modelHash}`);
    await chartsLoaded(page, ['traffic'], false);
    const picker = page.getByLabel('Project', { exact: true });
    expect(await picker.locator('option').allTextContents()).toEqual([DEMO_PROJECT]);
    expect(listed).toEqual([]);

    await picker.focus();
    await expect.poll(() => listed.length, POLL).toBe(1);
    await expect.poll(() => picker.locator('option').allTextContents(), POLL).toContain(DEMO_PROJECT);
    expect(await picker.inputValue()).toBe(DEMO_PROJECT);
    await page.context().close();
  }, 90_000);

  it("sends a token the API no longer accepts to sign in from a model's address", async () => {
    const page = await signedInPage(DESKTOP, 'mw_no_longer_valid');
    await page.goto(`${dashboard.url}/${modelHash}`);
    await visible(page.getByLabel('API token'));
    await textOf(page.locator('body')).toContain('Your token is no longer accepted');
    expect(await page.evaluate('sessionStorage.getItem("modelwatch.token")')).toBeNull();
    await page.context().close();
  }, 90_000);

  it("ranks the demo's model versions by the chosen metric in the chosen bin, as the API computes it", async () => {
    const page = await signedInPage();
    const asked: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/segments/breakdown')) asked.push(request.url());
    });
    await page.goto(`${dashboard.url}/${modelHash}?bin=day&range=latest`);
    await chartsLoaded(page, ['traffic', 'compare'], false);
    const panel = page.locator('[data-panel="breakdown"]');
    expect(await panel.getByLabel('Rank by').inputValue()).toBe(VERSION_COLUMN);
    await panel.getByLabel('Ranked metric').selectOption('accuracy');
    // Independently: each version's accuracy per day from its own series; the newest day where two have one.
    const { items: segments } = await api<{ items: Array<{ segment_id: string; automatic: boolean }> }>(
      '/segments',
    );
    const versions = segments.filter((s) => s.automatic && s.segment_id.startsWith(`${VERSION_COLUMN}=`));
    const now = Date.now();
    const series = await Promise.all(
      versions.map(({ segment_id }) =>
        api<{ points: Array<{ start: number; value: number | null; count: number }> }>(
          `/metrics?metric=accuracy&bin_size=day&start=${now - 35 * DAY_MS}&end=${now + DAY_MS}&segment=${encodeURIComponent(segment_id)}`,
        ),
      ),
    );
    const days = (series[0]?.points ?? []).map((point) => point.start);
    const valuesIn = (start: number) =>
      versions.map(({ segment_id }, i) => {
        const point = series[i]?.points.find((p) => p.start === start);
        return { segment_id, value: point?.value ?? null, count: point?.count ?? 0 };
      });
    const at = days.findLast((start) => valuesIn(start).filter((v) => v.value !== null).length >= 2);
    if (at === undefined) throw new Error('no day where two versions have an accuracy');
    const expected = valuesIn(at).sort((a, b) =>
      a.value === null ? (b.value === null ? 0 : 1) : b.value === null ? -1 : b.value - a.value,
    );

    await panel.getByLabel('Ranked bin').selectOption(String(at));
    expect(asked).toEqual([]);
    await panel.getByRole('button', { name: 'Rank' }).click();
    const items = panel.locator('li[data-segment]');
    await items.first().waitFor();
    expect(asked).toHaveLength(1);
    expect(await items.evaluateAll((list) => list.map((li) => li.getAttribute('data-segment')))).toEqual(
      expected.map((e) => e.segment_id),
    );
    for (const [i, one] of expected.entries()) {
      const item = items.nth(i);
      if (one.value === null) {
        expect(await item.getAttribute('data-value')).toBe('');
        continue;
      }
      expect(Number(await item.getAttribute('data-value'))).toBeCloseTo(one.value, 9);
      expect(await item.getAttribute('data-count')).toBe(String(one.count));
      await textOf(item).toContain(`over ${one.count.toLocaleString('en-US')} labelled events`);
    }
    await textOf(items.first()).toMatch(/^v\d+: \d\.\d+ over/);
    await textOf(panel.locator('.breakdown > p')).toContain(
      `${VERSION_COLUMN} ranked by accuracy, highest first`,
    );
    await panel.scrollIntoViewIfNeeded();
    await shot(page, 'breakdown-versions-1440');

    // Lowest first: the same values, the other way round (no value still last).
    await panel.getByLabel('Order').selectOption('asc');
    await panel.getByRole('button', { name: 'Rank' }).click();
    const ranked = expected.filter((e) => e.value !== null).reverse();
    await expect
      .poll(() => items.evaluateAll((list) => list.map((li) => li.getAttribute('data-segment'))), POLL)
      .toEqual([...ranked, ...expected.filter((e) => e.value === null)].map((e) => e.segment_id));
    await page.context().close();
  }, 90_000);

  it('names the drifting column of the demo in the health summary, with a link to its evidence', async () => {
    const page = await signedInPage();
    await page.goto(`${dashboard.url}/${modelHash}`);
    const health = page.locator('[data-panel="health"]');
    const drift = health.locator('li[data-kind="drift"]', { hasText: 'Age' });
    await visible(drift);
    await textOf(drift).toContain('noise floor');
    await visible(health.locator('li[data-kind="incident"]', { hasText: 'Geography' }));
    await shot(page, 'health-1440');
    await drift.getByRole('link', { name: 'See the column' }).click();
    await visible(page.locator('[data-column-view="Age"]'));
    expect(page.url()).toContain('column=Age');
    await page.context().close();
  }, 90_000);

  it('shows a column against its baseline: both series of the distribution, quantiles and the noise floor', async () => {
    const page = await signedInPage();
    await page.goto(`${dashboard.url}/${modelHash}?range=latest&column=Age`);
    const distribution = page.locator('figure[data-chart="distribution"]');
    await visible(distribution);
    expect(await distribution.getAttribute('data-series')).toBe('Baseline|Production');
    expect(await distribution.locator('.bar-row[data-series="Baseline"]').count()).toBeGreaterThan(1);
    expect(await distribution.locator('.bar-row[data-series="Production"]').count()).toBe(
      await distribution.locator('.bar-row[data-series="Baseline"]').count(),
    );
    await textOf(distribution.locator('figcaption')).toContain('noise floor');
    await page.locator('figure[data-chart="quantiles"] canvas').first().waitFor();
    const drift = page.locator('figure[data-chart="column-drift"]');
    await drift.locator('canvas').first().waitFor();
    expect(await drift.getAttribute('data-series')).toBe('JSD|Noise floor');
    await page.locator('figure[data-chart="column-integrity"] canvas').first().waitFor();
    await shot(page, 'column-age-1440', true);

    // A category column draws category bars, and another bin can be chosen.
    await page.goto(`${dashboard.url}/${modelHash}?range=latest&column=Geography`);
    await visible(page.locator('figure[data-chart="distribution"] tr[data-bin="Germany"]'));
    const bins = page.getByLabel('Bin', { exact: true });
    const options = await bins.locator('option').allTextContents();
    expect(options.length).toBeGreaterThan(1);
    await bins.selectOption({ index: options.length - 1 });
    await textOf(page.locator('figure[data-chart="distribution"] figcaption')).toContain(
      (options[options.length - 1] ?? '').slice(0, 10),
    );
    expect(await page.locator('figure[data-chart="quantiles"]').count()).toBe(0);
    await page.getByRole('link', { name: '← All columns' }).click();
    await chartsLoaded(page, ['traffic'], false);
    await page.context().close();
  }, 90_000);

  it('groups incidents by state and acknowledges an open one', async () => {
    expect(demo.alertRoutes, 'the demo could not create its alert rules').toBe(true);
    const page = await signedInPage();
    await page.goto(`${dashboard.url}/${modelHash}`);
    const open = page.locator('[data-group="open"] li[data-incident]', { hasText: 'Geography shift' });
    await visible(open);
    await textOf(open).toContain('Jensen-Shannon distance of Geography above the');
    await visible(page.locator('[data-group="resolved"] li[data-incident]', { hasText: 'Age drift' }));
    await visible(page.locator('[data-group="resolved"] .badge-critical').first());
    await page.locator('[data-panel="alerts"]').scrollIntoViewIfNeeded();
    await shot(page, 'incidents-1440');

    const id = await open.first().getAttribute('data-incident');
    await open.first().getByRole('button', { name: 'Acknowledge Geography shift' }).click();
    const held = page.locator(`[data-group="held"] li[data-incident="${id}"]`);
    await visible(held);
    await textOf(held).toContain('Acknowledged');
    await textOf(page.locator('.incidents-message')).toContain('acknowledged');

    await held.getByRole('button', { name: 'Snooze Geography shift' }).click();
    await textOf(page.locator('.incidents-message')).toContain('snoozed until');
    await page.context().close();
  }, 90_000);

  it('opens the bin of a model-wide incident with the incident in words', async () => {
    const page = await signedInPage();
    await page.goto(`${dashboard.url}/${modelHash}`);
    const accuracy = page.locator('li[data-incident]', { hasText: 'Accuracy drop' });
    await accuracy.first().getByRole('button', { name: 'Open bin' }).click();
    const dialog = page.locator('dialog[data-dialog="details"]');
    await textOf(dialog.locator('.alert-box')).toContain('Accuracy below the');
    await visible(dialog.locator('table').first());
    await shot(page, 'incident-details-1440');
    await page.context().close();
  }, 90_000);

  it('creates a rule, showing the API validation error in words first', async () => {
    expect(demo.alertRoutes, 'the demo could not create its alert rules').toBe(true);
    const page = await signedInPage();
    await page.goto(`${dashboard.url}/${modelHash}`);
    await page.getByRole('button', { name: 'New rule' }).click();
    const form = page.locator('dialog[data-dialog="rule"]');
    await form.getByLabel('Name').fill('Balance drift');
    await form.getByLabel('Metric').selectOption('jsd');
    await form.getByLabel('Balance').check();
    const unlabelled = await page.evaluate(`[...document.querySelectorAll('input, select, textarea')]
      .filter((control) => control.labels.length === 0 && !control.getAttribute('aria-label')
        && !control.getAttribute('aria-labelledby'))
      .map((control) => control.outerHTML)`);
    expect(unlabelled).toEqual([]);
    await form.getByRole('button', { name: 'Create rule' }).click();
    await textOf(form.getByRole('alert')).toContain('critical_threshold');
    await shot(page, 'rule-form-error-1440');

    await form.getByLabel('Critical threshold').fill('0.3');
    await form.getByLabel('Warning threshold').fill('0.15');
    await form.getByRole('button', { name: 'Create rule' }).click();
    await gone(form);
    const rule = page.locator('li[data-rule]', { hasText: 'Balance drift' });
    await visible(rule);
    await textOf(rule).toContain('Balance');

    await rule.getByLabel('Muted').check();
    await textOf(page.locator('.rules-message')).toContain('muted');
    await shot(page, 'rules-1440');
    await page.context().close();
  }, 90_000);

  it("edits a rule's critical threshold and deletes the rule", async () => {
    expect(demo.alertRoutes, 'the demo could not create its alert rules').toBe(true);
    const page = await signedInPage();
    await page.goto(`${dashboard.url}/${modelHash}`);
    await page.getByRole('button', { name: 'New rule' }).click();
    const form = page.locator('dialog[data-dialog="rule"]');
    await form.getByLabel('Name').fill('Traffic floor');
    await form.getByLabel('Metric').selectOption('traffic');
    await form.getByLabel('Fires when the value is').selectOption('lesser');
    await form.getByLabel('Critical threshold').fill('1');
    await form.getByRole('button', { name: 'Create rule' }).click();
    const rule = page.locator('li[data-rule]', { hasText: 'Traffic floor' });
    await visible(rule);

    await rule.getByRole('button', { name: 'Edit rule Traffic floor' }).click();
    expect(await form.getByLabel('Metric').isDisabled()).toBe(true);
    await form.getByLabel('Critical threshold').fill('2');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await gone(form);
    await textOf(rule).toContain('critical 2');

    page.once('dialog', (dialog) => void dialog.accept());
    await rule.getByRole('button', { name: 'Delete rule Traffic floor' }).click();
    await textOf(page.locator('.rules-message')).toContain('deleted');
    await gone(rule);
    await page.context().close();
  }, 90_000);

  it('says in words that alerts are unavailable when the service has no alert routes, and still draws charts', async () => {
    const page = await signedInPage();
    const noRoute = (path: string) => ({
      status: 404,
      contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'not_found', message: `no route GET ${path}` } }),
    });
    await page.route(/\/(alert-rules|alerts|incidents)(\?|$)/, (route) =>
      route.fulfill(noRoute(new URL(route.request().url()).pathname)),
    );
    await page.goto(`${dashboard.url}/${modelHash}`);
    await textOf(page.locator('[data-panel="alerts"] [role="alert"]')).toContain('Alerts are not available');
    await chartsLoaded(page, ['traffic'], false);
    expect(
      Number(await page.locator('figure[data-chart="traffic"]').getAttribute('data-nonzero')),
    ).toBeGreaterThan(0);
    expect(await page.getByRole('button', { name: 'New rule' }).isDisabled()).toBe(true);
    await page.locator('[data-panel="alerts"]').scrollIntoViewIfNeeded();
    await shot(page, 'alerts-unavailable-1440');
    await page.context().close();
  }, 90_000);

  it('fits a phone screen without sideways scrolling or overlaps', async () => {
    const page = await signedInPage(PHONE);
    await page.goto(`${dashboard.url}/${modelHash}`);
    await chartsLoaded(page);
    await page.locator('[data-panel="health"] .health-list').waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    for (const label of ['Project', 'Model', 'Open model by id', 'Time range', 'Segment', 'Drift metric']) {
      await visible(page.getByLabel(label, { exact: true }));
    }
    const controls = '.topbar .field, .topbar button, .controls .segment, .controls .field, .controls button';
    expect(await overlaps(page, controls)).toEqual([]);
    expect(await overlaps(page, '.health-item .badge, .health-text, .health-item .evidence')).toEqual([]);
    expect(await overlaps(page, '.panel')).toEqual([]);
    await scrollToPerformanceDetail(page);
    await page.locator('figure[data-chart="calibration"]').waitFor();
    expect(await overlaps(page, '[data-panel="breakdown"] .field, [data-panel="breakdown"] button')).toEqual(
      [],
    );
    expect(await overlaps(page, '[data-panel="compare"] .field')).toEqual([]);
    await shot(page, 'monitor-390');
    await shot(page, 'monitor-390-full', true);

    await page.goto(`${dashboard.url}/${modelHash}?range=latest&column=Age`);
    await visible(page.locator('figure[data-chart="distribution"]'));
    await page.locator('figure[data-chart="column-drift"] canvas').first().waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    expect(await overlaps(page, '.bar-name, .bar-track, .bar-value')).toEqual([]);
    await shot(page, 'column-390-full', true);
    await page.context().close();
  }, 90_000);

  it('shows an empty project how to send a first event', async () => {
    const page = await signedInPage(DESKTOP, service.adminToken);
    await page.goto(`${dashboard.url}/#/${EMPTY_PROJECT}`);
    const guide = page.locator('[data-panel="first-event"]');
    await visible(guide);
    await textOf(guide).toContain(`curl -H "authorization: Bearer $TOKEN"`);
    await textOf(guide).toContain(`/v1/projects/${EMPTY_PROJECT}/models/my_model/events`);
    await shot(page, 'empty-project-1440');
    await page.context().close();
  }, 90_000);

  it("lists the project's models in the model picker without an id being typed", async () => {
    const page = await signedInPage();
    await page.goto(`${dashboard.url}/#/${DEMO_PROJECT}`);
    const picker = page.getByLabel('Model', { exact: true });
    await expect
      .poll(() => picker.locator('option').allTextContents(), POLL)
      .toEqual(['Choose a model…', DEMO_MODEL]);
    await visible(page.locator('.model-links').getByRole('link', { name: DEMO_MODEL }));
    await picker.selectOption(DEMO_MODEL);
    await chartsLoaded(page, ['traffic'], false);
    expect(page.url()).toContain(modelHash);
    await page.context().close();
  }, 90_000);

  it('shows the confusion matrix of the chosen bin with the counts the API answers, and its calibration plot', async () => {
    const page = await signedInPage();
    await page.goto(`${dashboard.url}/${modelHash}?bin=day&range=latest`);
    const panel = await scrollToPerformanceDetail(page);
    const bin = panel.getByLabel('Labelled bin');
    const at = Number(await bin.inputValue());
    const expected = await performanceOf(at);
    expect(expected.data_count).toBeGreaterThan(0);
    const counts = [
      ['false', 'false', expected.tn],
      ['false', 'true', expected.fp],
      ['true', 'false', expected.fn],
      ['true', 'true', expected.tp],
    ] as const;
    for (const [actual, predicted, count] of counts) {
      expect(await cell(page, actual, predicted).getAttribute('data-count')).toBe(String(count));
      await textOf(cell(page, actual, predicted).locator('.count')).toBe(count.toLocaleString('en-US'));
    }
    // Row shares: the negatives predicted negative, as a share of all actual negatives.
    const share = await cell(page, 'false', 'false').locator('.share').textContent();
    expect(Number(share?.replace('%', ''))).toBeCloseTo((100 * expected.tn) / (expected.tn + expected.fp), 0);
    await textOf(panel.locator('figure[data-chart="confusion"] .matrix-title')).toContain(
      `${expected.data_count.toLocaleString('en-US')} labelled events`,
    );

    const calibration = panel.locator('figure[data-chart="calibration"]');
    const filled = expected.calibration.filter((bucket) => bucket.count > 0).length;
    expect(await calibration.locator('circle[data-bucket]').count()).toBe(filled);
    expect(filled).toBeGreaterThan(0);
    await visible(calibration.locator('line[data-diagonal]'));
    await textOf(calibration.locator('figcaption')).toContain('Expected calibration error in this bin');
    await panel.scrollIntoViewIfNeeded();
    await shot(page, 'performance-detail-1440');

    // Another bin from the label coverage bars: the matrix follows it.
    const bars = panel.locator('figure[data-chart="label-coverage"] rect.pickable');
    expect(await bars.count()).toBeGreaterThan(3);
    const other = bars.first();
    const otherStart = Number(await other.getAttribute('data-start'));
    await other.click();
    await inputValueOf(bin).toBe(String(otherStart));
    const first = await performanceOf(otherStart);
    await expect
      .poll(() => cell(page, 'true', 'true').getAttribute('data-count'), POLL)
      .toBe(String(first.tp));
    const points = first.calibration.filter((bucket) => bucket.count > 0).length;
    expect(points).toBeGreaterThan(3);
    expect(await calibration.locator('circle[data-bucket]').count()).toBe(points);
    await page.context().close();
  }, 90_000);

  it("shows a multiclass model's confusion matrix in its class order, as scikit-learn counts it", async () => {
    const page = await signedInPage(DESKTOP, service.adminToken);
    const range = `range=custom&start=${fixture.start}&end=${fixture.start + 3 * DAY_MS}`;
    await page.goto(`${dashboard.url}/#/${MULTICLASS_PROJECT}/${multiclass?.model_id}?bin=day&${range}`);
    const panel = await scrollToPerformanceDetail(page);
    const expected = multiclass?.queries.find((q) => q.bin_size === 'day')?.points[1];
    if (!multiclass || !expected) throw new Error('the fixture has no second day');
    await panel.getByLabel('Labelled bin').selectOption(String(expected.start));
    const classes = multiclass.classes;
    const headers = await panel.locator('figure[data-chart="confusion"] thead th').allTextContents();
    expect(headers).toEqual(['Actual ╲ predicted', ...classes, 'Total']);
    for (const [i, actual] of classes.entries()) {
      for (const [j, predicted] of classes.entries()) {
        await expect
          .poll(() => cell(page, actual, predicted).getAttribute('data-count'), POLL)
          .toBe(String(expected.confusion[i]?.[j]));
      }
    }
    await textOf(panel.locator('.matrix-title')).toContain(`${expected.data_count} labelled events`);
    // A multiclass model has no calibration plot.
    expect(await panel.locator('figure[data-chart="calibration"]').count()).toBe(0);
    await panel.scrollIntoViewIfNeeded();
    await shot(page, 'multiclass-confusion-1440');
    await page.context().close();
  }, 90_000);

  it('restricts every panel to the segment picked, and keeps it in the address', async () => {
    const page = await signedInPage();
    await page.goto(`${dashboard.url}/${modelHash}?bin=day&range=latest`);
    await chartsLoaded(page, ['traffic'], false);
    const caption = page.locator('figure[data-chart="traffic"] figcaption');
    const all = await totalTraffic();
    await textOf(caption).toContain(`${all.toLocaleString('en-US')} events in the range`);
    const picker = page.getByLabel('Segment', { exact: true });
    const options = await picker.locator('option').allTextContents();
    expect(options).toEqual(
      expect.arrayContaining([
        'All events',
        'Customers in Germany',
        `${VERSION_COLUMN} = v1`,
        `${VERSION_COLUMN} = v2`,
      ]),
    );

    const bodies: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/metrics/query')) bodies.push(request.postData() ?? '');
    });
    await picker.selectOption(V2);
    const v2 = await totalTraffic(V2);
    expect(v2).toBeGreaterThan(0);
    expect(v2).toBeLessThan(all);
    await textOf(caption).toContain(`${v2.toLocaleString('en-US')} events in the range`);
    await textOf(page.locator('.range-summary')).toContain(`segment ${VERSION_COLUMN} = v2 only`);
    expect(page.url()).toContain(`segment=${encodeURIComponent(V2)}`);
    expect(bodies).toHaveLength(1);
    expect(JSON.parse(bodies[0] as string).queries).toEqual(
      expect.arrayContaining([{ metric: 'traffic', segment: V2 }]),
    );
    // The confusion matrix is v2's too.
    await scrollToPerformanceDetail(page);
    const bin = page.getByLabel('Labelled bin');
    await expect.poll(async () => Number(await bin.inputValue()), POLL).toBeGreaterThan(0);
    const expected = await performanceOf(Number(await bin.inputValue()), V2);
    await textOf(page.locator('figure[data-chart="confusion"] .matrix-title')).toContain(
      `${expected.data_count.toLocaleString('en-US')} labelled events`,
    );
    await shot(page, 'segment-v2-1440');

    // A reload keeps the segment; All events goes back.
    await page.reload();
    await textOf(caption).toContain(`${v2.toLocaleString('en-US')} events in the range`);
    await page.getByLabel('Segment', { exact: true }).selectOption('');
    await textOf(caption).toContain(`${all.toLocaleString('en-US')} events in the range`);
    expect(page.url()).not.toContain('segment=');
    await page.context().close();
  }, 90_000);

  it('compares the two model versions of the demo in one chart, v2 below v1', async () => {
    const page = await signedInPage();
    await page.goto(`${dashboard.url}/${modelHash}?bin=day&range=latest`);
    const panel = page.locator('[data-panel="compare"]');
    const chart = panel.locator('figure[data-chart="compare"]');
    await chart.locator('canvas').first().waitFor();
    expect(await panel.getByLabel('Compare by').inputValue()).toBe(VERSION_COLUMN);
    expect(await panel.getByLabel('Compared metric').inputValue()).toBe('accuracy');
    expect(await chart.getAttribute('data-series')).toBe(`${VERSION_COLUMN} = v1|${VERSION_COLUMN} = v2`);
    expect(Number(await chart.getAttribute('data-nonzero'))).toBeGreaterThan(2);
    // Independently: the days where both versions have an accuracy, and how many of them v2 lost.
    const now = Date.now();
    const range = `bin_size=day&start=${now - 35 * DAY_MS}&end=${now + DAY_MS}`;
    const accuracy = (segment: string) =>
      api<{ points: Array<{ start: number; value: number | null }> }>(
        `/metrics?metric=accuracy&${range}&segment=${encodeURIComponent(segment)}`,
      );
    const [a, b] = await Promise.all([accuracy(V1), accuracy(V2)]);
    const both = a.points
      .map((point, i) => [point.value, b.points[i]?.value] as const)
      .filter(([x, y]) => x !== null && y !== null && y !== undefined);
    const lower = both.filter(([x, y]) => (y as number) < (x as number)).length;
    expect(both.length).toBeGreaterThan(2);
    expect(lower).toBeGreaterThan(both.length / 2);
    await textOf(chart.locator('figcaption')).toContain(
      `v2 was below v1 in ${lower} of the ${both.length} bins`,
    );

    // Side by side in the numbers table: one column per version.
    await chart.locator('summary', { hasText: 'Show the numbers' }).click();
    const headers = await chart.locator('table thead th').allTextContents();
    expect(headers).toEqual(['Bin (UTC)', `${VERSION_COLUMN} = v1`, `${VERSION_COLUMN} = v2`]);
    await panel.scrollIntoViewIfNeeded();
    await shot(page, 'compare-versions-1440');

    // Another metric of the same two versions.
    await panel.getByLabel('Compared metric').selectOption('traffic');
    await textOf(chart.locator('figcaption')).toContain('Traffic (events) in the newest bin with both');
    await page.context().close();
  }, 90_000);

  it('tells the segment and rolling-baseline rules of the demo in words, and their incidents', async () => {
    const page = await signedInPage();
    await page.goto(`${dashboard.url}/${modelHash}`);
    const rolling = page.locator('li[data-rule]', { hasText: 'Balance shift (rolling)' });
    await textOf(rolling).toContain('against the previous 2 bins');
    const canary = page.locator('li[data-rule]', { hasText: 'v2 accuracy' });
    await textOf(canary).toContain(`in segment ${VERSION_COLUMN} = v2`);
    const resolved = page.locator('[data-group="resolved"] li[data-incident]', { hasText: 'v2 accuracy' });
    await textOf(resolved).toContain(`in segment ${VERSION_COLUMN} = v2 below the`);
    await visible(page.locator('[data-group="resolved"] li[data-incident]', { hasText: 'Balance shift' }));
    await page.locator('[data-panel="alerts"]').scrollIntoViewIfNeeded();
    await shot(page, 'segment-incidents-1440');
    await page.context().close();
  }, 90_000);

  it('creates a drift rule on a segment against the bins just before each bin', async () => {
    const page = await signedInPage();
    await page.goto(`${dashboard.url}/${modelHash}`);
    await page.getByRole('button', { name: 'New rule' }).click();
    const form = page.locator('dialog[data-dialog="rule"]');
    await form.getByLabel('Name').fill('v2 balance, rolling');
    await form.getByLabel('Metric').selectOption('jsd');
    await form.getByLabel('Balance').check();
    await form.getByLabel('Segment').selectOption(V2);
    await form.getByLabel('Drift compared with').selectOption('previous');
    await form.getByLabel('Bins before').fill('3');
    await form.getByLabel('Critical threshold').fill('0.4');
    await form.getByRole('button', { name: 'Create rule' }).click();
    await gone(form);
    const rule = page.locator('li[data-rule]', { hasText: 'v2 balance, rolling' });
    await textOf(rule).toContain(`in segment ${VERSION_COLUMN} = v2 against the previous 3 bins`);
    const id = await rule.getAttribute('data-rule');
    expect(await api(`/alert-rules/${id}`)).toMatchObject({ segment: V2, baseline: 'previous:3' });
    await page.context().close();
  }, 90_000);

  for (const [name, viewport] of [
    ['1440x900', DESKTOP],
    ['390x844', PHONE],
  ] as const) {
    it(`keeps the rule form's buttons within a ${name} screen without scrolling`, async () => {
      const page = await signedInPage(viewport);
      await page.goto(`${dashboard.url}/${modelHash}`);
      await page.getByRole('button', { name: 'New rule' }).click();
      const form = page.locator('dialog[data-dialog="rule"]');
      await visible(form);
      for (const label of ['Create rule', 'Cancel']) {
        const box = await form.getByRole('button', { name: label }).boundingBox();
        if (!box) throw new Error(`the ${label} button has no box`);
        expect(box.y, label).toBeGreaterThanOrEqual(0);
        expect(box.y + box.height, label).toBeLessThanOrEqual(viewport.height);
        expect(box.x + box.width, label).toBeLessThanOrEqual(viewport.width);
      }
      // With the API's error shown, they are still in view.
      await form.getByRole('button', { name: 'Create rule' }).click();
      await textOf(form.getByRole('alert')).toContain('The rule was not saved');
      const box = await form.getByRole('button', { name: 'Create rule' }).boundingBox();
      expect((box?.y ?? 0) + (box?.height ?? 0)).toBeLessThanOrEqual(viewport.height);
      await shot(page, `rule-form-${name}`);
      await page.context().close();
    }, 90_000);
  }

  it('does not add an unknown model id to the picker', async () => {
    const page = await signedInPage();
    await page.goto(`${dashboard.url}/#/${DEMO_PROJECT}`);
    await page.getByLabel('Open model by id').fill('no_such_model');
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await textOf(page.getByRole('alert')).toContain('There is no model no_such_model');
    const options = await page.getByLabel('Model', { exact: true }).locator('option').allTextContents();
    expect(options).not.toContain('no_such_model');
    expect(options).toContain(DEMO_MODEL);
    await shot(page, 'unknown-model-1440');
    await page.context().close();
  }, 90_000);

  it('says in words when the metrics or the summary cannot be read, and draws the rest', async () => {
    const page = await signedInPage();
    const failure = {
      status: 503,
      contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'storage_unavailable', message: 'storage is restarting' } }),
    };
    await page.route(/\/metrics\/query$/, (route) => route.fulfill(failure));
    await page.goto(`${dashboard.url}/${modelHash}`);
    await textOf(page.locator('[data-panel="traffic"] [role="alert"]')).toContain('storage is restarting');
    await textOf(page.locator('[data-panel="drift-table"] [role="alert"]')).toContain(
      'storage is restarting',
    );
    await visible(page.locator('li[data-incident]'));
    await shot(page, 'metrics-error-1440');
    await page.context().close();

    const other = await signedInPage();
    await other.route(/\/summary\?/, (route) => route.fulfill(failure));
    await other.goto(`${dashboard.url}/${modelHash}?range=7d`);
    await textOf(other.locator('[data-panel="health"] [role="alert"]')).toContain('storage is restarting');
    await chartsLoaded(other, ['traffic'], false);
    await shot(other, 'summary-error-1440');
    await other.context().close();
  }, 90_000);
});
