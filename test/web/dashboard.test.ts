// The Monitor dashboard in a real browser (Debian's chromium through playwright-core) against the local
// service seeded with the demo's bank-churn model: sign-in, the health summary, charts with data, bin sizes, bin
// details, the column view, incidents and rules, empty and error states, at desktop and phone sizes.
// Screenshots land in test/web/artifacts/.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_MODEL, DEMO_PROJECT, type DemoResult, seedDemo } from '../../scripts/demo.js';
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

  it('draws the Monitor view with one metrics query and at most six API requests', async () => {
    const page = await signedInPage();
    const requests: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname.startsWith('/v1/')) requests.push(`${request.method()} ${url.pathname}`);
    });
    await page.goto(`${dashboard.url}/${modelHash}`);
    await chartsLoaded(page, ['traffic', 'performance', 'drift', 'integrity']);
    await page.locator('[data-panel="health"] .health-list').waitFor();
    await page.locator('li[data-incident]').first().waitFor();
    expect(requests.filter((r) => r.endsWith('/metrics/query'))).toHaveLength(1);
    expect(requests.filter((r) => r.endsWith('/metrics'))).toEqual([]);
    expect(requests.length, requests.join('\n')).toBeLessThanOrEqual(6);
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
    for (const label of ['Project', 'Model', 'Open model by id', 'Time range', 'Drift metric']) {
      await visible(page.getByLabel(label, { exact: true }));
    }
    const controls = '.topbar .field, .topbar button, .controls .segment, .controls .field, .controls button';
    expect(await overlaps(page, controls)).toEqual([]);
    expect(await overlaps(page, '.health-item .badge, .health-text, .health-item .evidence')).toEqual([]);
    expect(await overlaps(page, '.panel')).toEqual([]);
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

  it('does not add an unknown model id to the picker', async () => {
    const page = await signedInPage();
    await page.goto(`${dashboard.url}/#/${DEMO_PROJECT}`);
    await page.getByLabel('Open model by id').fill('no_such_model');
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await textOf(page.getByRole('alert')).toContain('There is no model no_such_model');
    const options = await page.getByLabel('Model', { exact: true }).locator('option').allTextContents();
    expect(options).not.toContain('no_such_model');
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
