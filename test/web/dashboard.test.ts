// The Monitor dashboard in a real browser (Debian's chromium through playwright-core) against the local
// service seeded with the demo's bank-churn model: sign-in, charts with data, bin sizes, bin details, alerts
// and rules, at desktop and phone sizes. Screenshots land in test/web/artifacts/.
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

const DESKTOP = { width: 1280, height: 800 };
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

/** A page already signed in (the token in sessionStorage, as the sign-in form leaves it). */
async function signedInPage(viewport = DESKTOP): Promise<Page> {
  const context = await browser.newContext({ viewport });
  await context.addInitScript({
    content: `sessionStorage.setItem('modelwatch.token', ${JSON.stringify(demo.token)});`,
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

describe.skipIf(!hasChromium)('the Monitor dashboard', () => {
  it('signs in with a token, opens a model by id and draws traffic with data', async () => {
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT);
    await page.goto(`${dashboard.url}/`);
    await page.getByLabel('API token').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await textOf(page.getByRole('alert')).toContain('did not accept this token');
    await shot(page, 'signin-error-1280');

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
    await shot(page, 'monitor-1280');
    await shot(page, 'monitor-1280-full', true);

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
    await shot(page, 'monitor-hour-bins-1280');
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
    await shot(page, 'bin-details-1280');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await gone(dialog);
    await page.context().close();
  }, 90_000);

  it('lists fired alerts newest first and opens one', async () => {
    expect(demo.alertRoutes, 'the demo could not create its alert rules').toBe(true);
    const page = await signedInPage();
    await page.goto(`${dashboard.url}/${modelHash}`);
    const alerts = page.locator('li[data-alert]');
    await alerts.first().waitFor();
    const starts = (
      await alerts.evaluateAll((items) => items.map((item) => item.getAttribute('data-bin-start')))
    ).map(Number);
    expect(starts.length).toBeGreaterThan(0);
    expect([...starts].sort((a, b) => b - a)).toEqual(starts);
    await visible(page.locator('li[data-alert] .badge-critical').first());

    await alerts.first().getByRole('button', { name: 'Open bin' }).click();
    const dialog = page.locator('dialog[data-dialog="details"]');
    await textOf(dialog.locator('.alert-box')).toContain('alert');
    await visible(dialog.locator('table').first());
    await shot(page, 'alert-details-1280');
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
    await shot(page, 'rule-form-error-1280');

    await form.getByLabel('Critical threshold').fill('0.3');
    await form.getByLabel('Warning threshold').fill('0.15');
    await form.getByRole('button', { name: 'Create rule' }).click();
    await gone(form);
    const rule = page.locator('li[data-rule]', { hasText: 'Balance drift' });
    await visible(rule);
    await textOf(rule).toContain('Balance');

    await rule.getByLabel('Muted').check();
    await textOf(page.locator('.rules-message')).toContain('muted');
    await shot(page, 'rules-1280');
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
    await page.route(/\/(alert-rules|alerts)(\?|$)/, (route) =>
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
    await shot(page, 'alerts-unavailable-1280');
    await page.context().close();
  }, 90_000);

  it('fits a phone screen without sideways scrolling', async () => {
    const page = await signedInPage(PHONE);
    await page.goto(`${dashboard.url}/${modelHash}`);
    await chartsLoaded(page);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    for (const label of ['Project', 'Model', 'Open model by id', 'Time range', 'Drift metric']) {
      await visible(page.getByLabel(label, { exact: true }));
    }
    await shot(page, 'monitor-390');
    await shot(page, 'monitor-390-full', true);
    await page.context().close();
  }, 90_000);
});
