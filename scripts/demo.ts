// `npm run demo`: seeds a running local service with a bank-churn model whose two weeks of traffic hold a canary
// of a worse model version (a `model_version` segment), a drift episode, a data integrity incident and late labels
// that reveal a performance drop (each an incident that opens and resolves), and a shift still under way in the
// newest hours (an open incident), plus the alert rules that fire, one of them against a rolling baseline. Its own
// project, so it never meets the README's session. Deterministic for a given `now` (a seeded PRNG per hour), and
// safe to re-run: existing ids answer 409.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { seededRandom } from '../shared/metrics/seeded-random.js';

export const DEMO_PROJECT = 'demo_bank';
export const DEMO_MODEL = 'churn_classifier';
export const DEMO_DATASET = 'baseline';
/** The metadata column naming the model version that scored an event, and its two values. */
export const VERSION_COLUMN = 'model_version';
export const VERSIONS = ['v1', 'v2'] as const;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const INPUTS = [
  'CreditScore',
  'Geography',
  'Gender',
  'Age',
  'Tenure',
  'Balance',
  'NumOfProducts',
  'HasCrCard',
  'IsActiveMember',
  'EstimatedSalary',
];

export interface DemoOptions {
  /** Base URL of the running service, e.g. http://127.0.0.1:8080. */
  url: string;
  adminToken: string;
  /** The end of the traffic; @default Date.now() */
  now?: number;
  /** Days of hourly traffic; @default 14 */
  days?: number;
  /** Mean events per hour (the daily rhythm swings around it); @default 12 */
  eventsPerHour?: number;
  /** @default 3000 */
  baselineRows?: number;
  /** @default 7 */
  seed?: number;
  log?: (line: string) => void;
  /** A transient progress line (the CLI rewrites one line of the terminal with it). */
  progress?: (line: string) => void;
}

export interface DemoResult {
  projectId: string;
  modelId: string;
  /** A project-scoped token to sign in to the dashboard with. */
  token: string;
  events: number;
  labels: number;
  /** Names of the alert rules in place; empty when the service has no alert routes. */
  rules: string[];
  alertRoutes: boolean;
}

type Row = Record<string, string | number | boolean | null>;

function normal(random: () => number, mean: number, sd: number): number {
  // Box-Muller; 1 - u keeps the logarithm finite.
  const u = 1 - random();
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const round2 = (x: number) => Math.round(x * 100) / 100;

interface Shift {
  /** Older, wealthier customers from a new acquisition channel: the drift episode. */
  drifted: boolean;
  /** A launch in Germany: most customers of the newest hours come from there (the open incident). */
  launch?: boolean;
}

function customer(random: () => number, shift: Shift): Row {
  const geography = random();
  const products = random();
  const drifted = shift.drifted && random() < 0.7;
  const age = Math.round(clamp(normal(random, drifted ? 58 : 39, drifted ? 7 : 10), 18, 92));
  const balance =
    random() < (drifted ? 0.05 : 0.35)
      ? 0
      : round2(clamp(normal(random, drifted ? 185_000 : 120_000, 30_000), 0, 250_000));
  const country = geography < 0.5 ? 'France' : geography < 0.75 ? 'Spain' : 'Germany';
  const row: Row = {
    CreditScore: Math.round(clamp(normal(random, 650, 95), 350, 850)),
    Geography: shift.launch && random() < 0.95 ? 'Germany' : country,
    Gender: random() < 0.55 ? 'Male' : 'Female',
    Age: age,
    Tenure: Math.floor(random() * 11),
    Balance: balance,
    NumOfProducts: products < 0.5 ? 1 : products < 0.95 ? 2 : products < 0.99 ? 3 : 4,
    HasCrCard: random() < 0.7,
    IsActiveMember: random() < 0.51,
    EstimatedSalary: round2(11 + random() * 199_979),
  };
  const score = modelLogit(row);
  row.probability_churned = Math.round(sigmoid(score) * 10_000) / 10_000;
  // The model learnt churn well for the usual population; the new channel's customers rarely churn,
  // so while they arrive its high scores for older, wealthier customers are wrong.
  row.churned = random() < (drifted ? sigmoid(-2.4) : sigmoid(1.8 * score));
  return row;
}

/**
 * The score of version v2, a retrained model that ships as a canary: its logit is squashed and shifted up, so it
 * calls churn far too often (accuracy about 0.65 against v1's 0.92 on the usual customers) and is miscalibrated.
 */
function v2Score(row: Row): number {
  return Math.round(sigmoid(0.55 * modelLogit(row) + 1) * 10_000) / 10_000;
}

function modelLogit(row: Row): number {
  const products = row.NumOfProducts as number;
  return (
    -1.7 +
    0.075 * ((row.Age as number) - 39) +
    0.000006 * ((row.Balance as number) - 76_000) -
    0.0015 * ((row.CreditScore as number) - 650) +
    (row.Geography === 'Germany' ? 0.7 : 0) +
    (row.Gender === 'Female' ? 0.45 : 0) -
    (row.IsActiveMember ? 0.9 : 0) +
    (products >= 3 ? 1.6 : products === 2 ? -0.6 : 0)
  );
}

type Bounds = Map<string, { min: number; max: number }>;

/** The baseline's range per numeric column: traffic is kept inside it, so only the incident breaks it. */
function boundsOf(rows: Row[]): Bounds {
  const bounds: Bounds = new Map();
  for (const row of rows) {
    for (const [name, value] of Object.entries(row)) {
      if (typeof value !== 'number') continue;
      const sofar = bounds.get(name);
      bounds.set(name, {
        min: Math.min(sofar?.min ?? value, value),
        max: Math.max(sofar?.max ?? value, value),
      });
    }
  }
  return bounds;
}

function keepInside(row: Row, bounds: Bounds): void {
  for (const [name, { min, max }] of bounds) {
    const value = row[name];
    if (typeof value === 'number') row[name] = clamp(value, min, max);
  }
}

/** Breaks CreditScore in most events of an hour: missing, out of range, or text. */
function corrupt(random: () => number, row: Row): void {
  const roll = random();
  if (roll < 0.4) row.CreditScore = null;
  else if (roll < 0.65) row.CreditScore = 9999;
  else if (roll < 0.75) row.CreditScore = 'N/A';
}

interface Timeline {
  first: number;
  end: number;
  /** v2 scores a share of the traffic from here until it is rolled back at canaryEnd. */
  canaryStart: number;
  canaryEnd: number;
  driftStart: number;
  driftEnd: number;
  incidentStart: number;
  incidentEnd: number;
  /** The launch runs from here to the end: its incident is still open. */
  launchStart: number;
  labelledBefore: number;
}

function timeline(now: number, days: number): Timeline {
  const end = now;
  const lastHour = Math.floor(now / HOUR_MS) * HOUR_MS;
  const driftStart = Math.floor((now - Math.min(6, days * 0.45) * DAY_MS) / HOUR_MS) * HOUR_MS;
  const incidentStart = lastHour - 40 * HOUR_MS;
  const first = lastHour - days * DAY_MS + HOUR_MS;
  return {
    first,
    end,
    canaryStart: Math.floor((first + days * 0.15 * DAY_MS) / DAY_MS) * DAY_MS,
    canaryEnd: Math.floor((first + days * 0.5 * DAY_MS) / DAY_MS) * DAY_MS,
    driftStart,
    driftEnd: driftStart + 2 * DAY_MS,
    incidentStart,
    incidentEnd: incidentStart + 4 * HOUR_MS,
    launchStart: lastHour - 5 * HOUR_MS,
    labelledBefore: now - DAY_MS,
  };
}

/** Share of the traffic the v2 canary scores. */
const CANARY_SHARE = 0.3;

/** The events of one hour, the same on every run: the PRNG is seeded by the hour itself. */
function hourEvents(hour: number, t: Timeline, seed: number, perHour: number, bounds: Bounds): Row[] {
  const random = seededRandom(Math.imul(seed, 2_654_435_761) ^ (hour / HOUR_MS));
  // Versions draw from their own stream, so the customers are those of a demo without versions.
  const versions = seededRandom(Math.imul(seed ^ 0x5eed, 2_654_435_761) ^ (hour / HOUR_MS));
  const canary = hour >= t.canaryStart && hour < t.canaryEnd;
  const hourOfDay = new Date(hour).getUTCHours();
  const weekday = new Date(hour).getUTCDay();
  const rhythm = 1 + 0.6 * Math.sin((2 * Math.PI * (hourOfDay - 9)) / 24);
  const weekly = weekday === 0 || weekday === 6 ? 0.75 : 1;
  const launch = hour >= t.launchStart;
  // The launch brings customers as well as changing where they come from.
  const boost = launch ? 2.5 : 1;
  const count = Math.max(1, Math.round(perHour * boost * rhythm * weekly * (0.85 + 0.3 * random())));
  const drifted = hour >= t.driftStart && hour < t.driftEnd;
  const incident = hour >= t.incidentStart && hour < t.incidentEnd;
  const rows: Row[] = [];
  for (let n = 0; n < count; n++) {
    const timestamp = hour + Math.floor(random() * HOUR_MS);
    if (timestamp >= t.end) continue;
    const row = customer(random, { drifted, launch });
    keepInside(row, bounds);
    if (incident) corrupt(random, row);
    const v2 = canary && versions() < CANARY_SHARE;
    row[VERSION_COLUMN] = v2 ? 'v2' : 'v1';
    if (v2) row.probability_churned = v2Score(row);
    rows.push({ event_id: `h${hour / HOUR_MS}-${n}`, event_timestamp: timestamp, ...row });
  }
  return rows;
}

/** The parts of the API's answers the seeder reads. */
interface Answer {
  status: number;
  body: {
    error?: { message?: string };
    items?: Array<{ name: string }>;
    accepted?: number;
    token?: string;
    metadata?: string[];
    monitoring?: { segment_by?: string[] };
  };
}

class DemoClient {
  constructor(
    private readonly base: string,
    private readonly token: string,
  ) {}

  async call(method: string, path: string, body?: unknown): Promise<Answer> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: Answer['body'] = {};
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = { error: { message: text } };
    }
    return { status: response.status, body: parsed };
  }

  /** Calls and throws unless the status is one of `ok` (409 is how a re-run meets what it made before). */
  async expect(method: string, path: string, body: unknown, ok: number[]): Promise<Answer['body']> {
    const answer = await this.call(method, path, body);
    if (!ok.includes(answer.status)) {
      const message = answer.body.error?.message ?? JSON.stringify(answer.body);
      throw new Error(`${method} ${path} answered ${answer.status}: ${message}`);
    }
    return answer.body;
  }
}

const isNoRoute = (answer: Answer) =>
  answer.status === 404 && String(answer.body.error?.message ?? '').startsWith('no route');

async function publishInChunks(
  client: DemoClient,
  path: string,
  rows: Row[],
  progress: (done: number) => void,
): Promise<number> {
  let accepted = 0;
  for (let i = 0; i < rows.length; i += 2000) {
    const answer = await client.expect('POST', path, rows.slice(i, i + 2000), [200]);
    accepted += answer.accepted ?? 0;
    progress(Math.min(rows.length, i + 2000));
  }
  return accepted;
}

function demoRules(): Array<Record<string, unknown>> {
  const none = { emails: [], sms: [], webhooks: [] };
  const base = { compare_to: 'raw_value', compare_bin_delta: 1, notifications: none };
  return [
    {
      ...base,
      name: 'Age drift',
      metric: 'jsd',
      columns: ['Age'],
      bin_size: 'day',
      condition: 'greater',
      warning_threshold: 0.1,
      critical_threshold: 0.2,
      priority: 'high',
    },
    {
      ...base,
      name: 'Broken inputs',
      metric: 'any_violation_count',
      columns: ['__ANY__'],
      bin_size: 'hour',
      condition: 'greater',
      warning_threshold: 2,
      critical_threshold: 10,
      priority: 'medium',
    },
    {
      ...base,
      name: 'Geography shift',
      metric: 'jsd',
      columns: ['Geography'],
      bin_size: 'hour',
      condition: 'greater',
      // Hourly bins are small (a JSD of 0.3 is common noise at a dozen events): high thresholds, a few events
      // per bin, and two breaching hours in a row before it fires.
      warning_threshold: 0.45,
      critical_threshold: 0.55,
      priority: 'medium',
      min_count: 4,
      consecutive_bins: 2,
    },
    {
      ...base,
      name: 'v2 accuracy',
      metric: 'accuracy',
      columns: [],
      segment: `${VERSION_COLUMN}=v2`,
      bin_size: 'day',
      condition: 'lesser',
      warning_threshold: 0.8,
      critical_threshold: 0.75,
      priority: 'high',
      min_count: 20,
    },
    {
      ...base,
      name: 'Balance shift (rolling)',
      metric: 'jsd',
      columns: ['Balance'],
      // Each day against the two days before it: a change shows as it starts and ends, whatever the training
      // data held; once the days before are alike again, the incident resolves.
      baseline: 'previous:2',
      bin_size: 'day',
      condition: 'greater',
      warning_threshold: 0.2,
      critical_threshold: 0.3,
      priority: 'medium',
      min_count: 50,
    },
    {
      ...base,
      name: 'Accuracy drop',
      metric: 'accuracy',
      columns: [],
      bin_size: 'day',
      condition: 'lesser',
      warning_threshold: 0.8,
      critical_threshold: 0.7,
      priority: 'high',
      // A day whose labels have barely begun (the newest, just after midnight) says nothing yet.
      min_count: 30,
    },
  ];
}

/**
 * One automatic segment per model version (`segment_by`) and a defined segment of German customers, before any
 * event is published, so they are built as the events are folded rather than rebuilt from them afterwards.
 */
async function defineSegments(admin: DemoClient, model: string): Promise<string> {
  const germany = await admin.call('PUT', `${model}/segments/germany`, {
    name: 'Customers in Germany',
    filter: { Geography: { in: ['Germany'] } },
  });
  if (isNoRoute(germany)) return 'this service has no segments route yet, so the demo defines none';
  if (germany.status !== 200 && germany.status !== 201) {
    throw new Error(`PUT segments/germany answered ${germany.status}: ${germany.body.error?.message}`);
  }
  const info = await admin.expect('GET', model, undefined, [200]);
  if (!info.metadata?.includes(VERSION_COLUMN)) {
    return `germany only: ${DEMO_MODEL} was registered by an earlier demo without ${VERSION_COLUMN} (start from an empty data dir to see versions)`;
  }
  if (!info.monitoring?.segment_by?.includes(VERSION_COLUMN)) {
    await admin.expect('PUT', `${model}/monitoring`, { segment_by: [VERSION_COLUMN] }, [200]);
    // The new config takes over while the model has no events, so nothing is rebuilt later.
    await admin.expect('POST', '/v1/monitor/run', undefined, [200]);
  }
  return `${VERSION_COLUMN}=${VERSIONS.join(', ')} (segment_by) and germany`;
}

export async function seedDemo(options: DemoOptions): Promise<DemoResult> {
  const log = options.log ?? (() => {});
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  const progress = options.progress ?? (() => {});
  const seed = options.seed ?? 7;
  const t = timeline(options.now ?? Date.now(), options.days ?? 14);
  const admin = new DemoClient(options.url.replace(/\/$/, ''), options.adminToken);
  const model = `/v1/projects/${DEMO_PROJECT}/models/${DEMO_MODEL}`;

  await admin.expect('POST', '/v1/projects', { project_id: DEMO_PROJECT }, [201, 409]);
  const baselineRandom = seededRandom(seed);
  const versionRandom = seededRandom(seed ^ 0x5eed);
  // The training data of both versions, so each has an automatic segment of its own (values not in the baseline
  // would fall into model_version=__OTHER__).
  const baseline = Array.from({ length: options.baselineRows ?? 3000 }, () => ({
    ...customer(baselineRandom, { drifted: false }),
    [VERSION_COLUMN]: versionRandom() < CANARY_SHARE ? 'v2' : 'v1',
  }));
  const datasetPath = `/v1/projects/${DEMO_PROJECT}/datasets/${DEMO_DATASET}`;
  // Asked first: a PUT of a dataset that exists is answered 409 before its body is read, and the socket closes.
  if ((await admin.call('GET', datasetPath)).status === 404) {
    await admin.expect('PUT', datasetPath, baseline, [201, 409]);
  }
  await admin.expect(
    'PUT',
    model,
    {
      dataset_id: DEMO_DATASET,
      task: 'binary_classification',
      inputs: INPUTS,
      outputs: ['probability_churned'],
      targets: ['churned'],
      metadata: [VERSION_COLUMN],
    },
    [201, 409],
  );
  const bounds = boundsOf(baseline);
  log(`[${elapsed()}] project ${DEMO_PROJECT}, baseline of ${baseline.length} rows, model ${DEMO_MODEL}`);
  const segmented = await defineSegments(admin, model);
  log(`[${elapsed()}] segments: ${segmented}`);

  const events: Row[] = [];
  for (let hour = t.first; hour < t.end; hour += HOUR_MS) {
    events.push(...hourEvents(hour, t, seed, options.eventsPerHour ?? 12, bounds));
  }
  // Predictions go in without labels; the labels follow a day later as updates of the same events.
  const labels: Row[] = [];
  const predictions = events.map(({ churned, ...prediction }) => {
    if ((prediction.event_timestamp as number) < t.labelledBefore) {
      labels.push({ event_id: prediction.event_id as string, churned: churned as boolean });
    }
    return prediction;
  });
  const accepted = await publishInChunks(admin, `${model}/events/batch`, predictions, (done) =>
    progress(`events ${done}/${predictions.length}`),
  );
  log(
    `[${elapsed()}] ${predictions.length} events over ${Math.round((t.end - t.first) / DAY_MS)} days (${accepted} new)`,
  );
  await publishInChunks(admin, `${model}/events/batch?update_event=true`, labels, (done) =>
    progress(`labels ${done}/${labels.length}`),
  );
  log(`[${elapsed()}] ${labels.length} labels for events older than a day`);

  const rules: string[] = [];
  const existing = await admin.call('GET', `${model}/alert-rules`);
  const alertRoutes = !isNoRoute(existing);
  if (alertRoutes) {
    if (existing.status !== 200) throw new Error(`GET alert-rules answered ${existing.status}`);
    const names = new Set<string>((existing.body.items ?? []).map((rule) => rule.name));
    for (const rule of demoRules()) {
      if (!names.has(rule.name as string)) await admin.expect('POST', `${model}/alert-rules`, rule, [201]);
      rules.push(rule.name as string);
    }
    log(`[${elapsed()}] alert rules: ${rules.join(', ')}`);
  } else {
    log('this service has no alert routes yet: no rules were created');
  }
  progress('folding the events into metrics and evaluating the rules');
  await admin.expect('POST', '/v1/monitor/run', undefined, [200]);
  log(`[${elapsed()}] metrics folded and rules evaluated`);
  const created = await admin.expect(
    'POST',
    '/v1/tokens',
    { name: 'demo-dashboard', projects: [DEMO_PROJECT] },
    [201],
  );
  return {
    projectId: DEMO_PROJECT,
    modelId: DEMO_MODEL,
    token: created.token ?? '',
    events: predictions.length,
    labels: labels.length,
    rules,
    alertRoutes,
  };
}

async function adminTokenFromEnvironment(): Promise<string> {
  if (process.env.MODELWATCH_ADMIN_TOKEN) return process.env.MODELWATCH_ADMIN_TOKEN;
  const path = join(resolve(process.env.MODELWATCH_DATA_DIR ?? './.modelwatch'), 'admin-token');
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    throw new Error(
      `no admin token: set MODELWATCH_ADMIN_TOKEN, or start the service once so ${path} exists`,
    );
  }
}

async function main(): Promise<void> {
  const url = (process.env.MODELWATCH_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
  const health = await fetch(`${url}/health`).catch(() => undefined);
  if (!health?.ok) throw new Error(`no Modelwatch service answers at ${url}: start one with npm start`);
  const tty = process.stdout.isTTY === true;
  const clear = () => tty && process.stdout.write('\r\x1b[K');
  const result = await seedDemo({
    url,
    adminToken: await adminTokenFromEnvironment(),
    log: (line) => {
      clear();
      console.log(line);
    },
    progress: (line) => (tty ? process.stdout.write(`\r\x1b[K  ${line}…`) : undefined),
  });
  clear();
  const home = await fetch(`${url}/`).catch(() => undefined);
  const served = (home?.ok && home.headers.get('content-type')?.includes('text/html')) ?? false;
  console.log(`\nOpen the dashboard: ${url}/#/${result.projectId}/${result.modelId}`);
  console.log(
    `Sign in with this token (allowed on ${result.projectId} only; shown once):\n  ${result.token}`,
  );
  if (!served)
    console.log('(the service does not serve the dashboard yet: run npm run build:web, then restart it)');
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
