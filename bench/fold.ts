// `npm run bench:fold`: the fold's throughput on one core with statistics on, beside a vectorized numpy computation
// of the same hour profile (bench/fold-numpy.py) in the same run: alternating passes over the same events, best and
// median of each. With BENCH_COMPARE_DIR set to another checkout (with its node_modules), each round also folds
// with that checkout's code, for a before/after in one run. BENCH_FOLD_EVENTS sets the number of events.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { exactValue } from '../shared/metrics/exact-sum.js';
import { absorbBatch, absorbEvent, emptyProfile, type HourProfile } from '../shared/metrics/profile.js';
import { seededRandom } from '../shared/metrics/seeded-random.js';
import { buildMonitorSpec, type MonitorSpec } from '../shared/metrics/spec.js';
import type { ColumnProfile, DatasetProfile, ModelInfo } from '../shared/schema/types.js';

type Values = Record<string, unknown>;

export interface TwentyColumnModel {
  spec: MonitorSpec;
  event: (r: () => number) => Values;
  /** Numeric monitored columns, the score last. */
  numeric: string[];
  categories: string[];
}

/**
 * A binary model with 20 monitored columns: 14 numeric inputs, 4 categories, 1 bool, and the score; with
 * `numericInputs`, that many numeric inputs instead of 14 (a wide model).
 */
export function twentyColumnModel(
  build: typeof buildMonitorSpec = buildMonitorSpec,
  numericInputs = 14,
): TwentyColumnModel {
  const numeric = Array.from({ length: numericInputs }, (_, i) => `x${i}`);
  const categories = ['c0', 'c1', 'c2', 'c3'];
  const rand = seededRandom(7);
  const baselineValues: Record<string, Float64Array> = {};
  const columns: ColumnProfile[] = numeric.map((name) => {
    const values = Float64Array.from({ length: 5000 }, () => rand() * 100).sort();
    baselineValues[name] = values;
    const deciles = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((d) => values[d * 500] as number);
    return {
      name,
      data_type: 'float',
      nullable: false,
      min: 0,
      max: 100,
      categories: null,
      value_count: 5000,
      deciles,
      category_counts: null,
      bool_counts: null,
    };
  });
  for (const name of categories) {
    columns.push({
      name,
      data_type: 'category',
      nullable: false,
      min: null,
      max: null,
      categories: ['a', 'b', 'c', 'd', 'e'],
      value_count: 5000,
      deciles: null,
      category_counts: [1000, 1000, 1000, 1000, 1000],
      bool_counts: null,
    });
  }
  columns.push({
    name: 'flag',
    data_type: 'bool',
    nullable: false,
    min: null,
    max: null,
    categories: null,
    value_count: 5000,
    deciles: null,
    category_counts: null,
    bool_counts: [2500, 2500],
  });
  const score = Float64Array.from({ length: 5000 }, () => rand()).sort();
  baselineValues.score = score;
  columns.push({
    name: 'score',
    data_type: 'float',
    nullable: false,
    min: 0,
    max: 1,
    categories: null,
    value_count: 5000,
    deciles: [1, 2, 3, 4, 5, 6, 7, 8, 9].map((d) => score[d * 500] as number),
    category_counts: null,
    bool_counts: null,
  });
  columns.push({
    name: 'label',
    data_type: 'bool',
    nullable: true,
    min: null,
    max: null,
    categories: null,
    value_count: 5000,
    deciles: null,
    category_counts: null,
    bool_counts: [2500, 2500],
  });
  const model: ModelInfo = {
    project_id: 'bench',
    model_id: 'model',
    dataset_id: 'base',
    task: 'binary_classification',
    inputs: [...numeric, ...categories, 'flag'],
    outputs: ['score'],
    targets: ['label'],
    decisions: [],
    metadata: [],
    binary_classification_threshold: 0.5,
    target_class_order: [false, true],
    retention_days: 180,
    created_at: 0,
  };
  const dataset: DatasetProfile = { dataset_id: 'base', row_count: 5000, columns };
  const spec = build(model, dataset, { bins: {}, version: 1 }, baselineValues);
  const letters = ['a', 'b', 'c', 'd', 'e', 'z'];
  const event = (r: () => number) => {
    const values: Record<string, unknown> = {};
    for (const name of numeric) values[name] = r() * 110 - 5;
    for (const name of categories) values[name] = letters[Math.floor(r() * letters.length)];
    values.flag = r() < 0.5;
    values.score = r();
    values.label = r() < 0.4;
    return values;
  };
  return { spec, event, numeric: [...numeric, 'score'], categories };
}

/** Folds `events` into a new profile with `fold`; column values per second. */
function rateOf(
  events: Values[],
  spec: MonitorSpec,
  fold: (profile: HourProfile) => void,
  make = emptyProfile,
) {
  const profile = make(spec);
  const started = performance.now();
  fold(profile);
  const seconds = (performance.now() - started) / 1000;
  return { rate: (events.length * spec.columns.length) / seconds, profile };
}

export function eventsOf(model: TwentyColumnModel, count: number): Values[] {
  const rand = seededRandom(11);
  return Array.from({ length: count }, () => model.event(rand));
}

/** Best and median of several passes over the same parsed events: a shared machine adds noise, not speed. */
export function summary(rates: number[]): { best: number; median: number } {
  const sorted = [...rates].sort((a, b) => a - b);
  return { best: sorted.at(-1) as number, median: sorted[Math.floor((sorted.length - 1) / 2)] as number };
}

/** The per-event fold (absorbEvent, as compaction calls it), PASSES passes after one warm-up pass. */
export function foldThroughput(count = 100_000): { best: number; median: number; events: number } {
  const model = twentyColumnModel();
  const events = eventsOf(model, count);
  const rates: number[] = [];
  for (let pass = 0; pass <= PASSES; pass++) {
    const { rate } = rateOf(events, model.spec, (profile) => {
      for (const values of events) absorbEvent(profile, model.spec, values, 1);
    });
    if (pass > 0) rates.push(rate);
  }
  return { ...summary(rates), events: count };
}

export const PASSES = 6;
const BATCH = 1_000;

/** The columns numpy reads (as a batch script would have them) and the spec it needs, written to `dir`. */
async function writeColumns(dir: string, model: TwentyColumnModel, events: Values[]): Promise<void> {
  const columns = model.spec.columns.map((column) => {
    const numeric = column.data_type === 'float' || column.data_type === 'int';
    const kind = numeric ? 'numeric' : column.data_type === 'category' ? 'category' : 'bool';
    return {
      name: column.name,
      kind,
      edges: column.drift?.layout === 'numeric' ? column.drift.edges : null,
      low: column.min ?? Number.MIN_SAFE_INTEGER,
      high: column.max ?? Number.MAX_SAFE_INTEGER,
      grid_edges: column.baseline?.edges ?? null,
      shift: column.baseline?.mean ?? 0,
      categories: column.categories,
    };
  });
  const target = model.spec.target as string;
  const spec = { columns, target, score: model.spec.outputs[0], threshold: model.spec.threshold };
  await writeFile(join(dir, 'spec.json'), JSON.stringify(spec));
  for (const column of columns) {
    const values = events.map((event) => event[column.name]);
    if (column.kind === 'numeric') {
      await writeFile(join(dir, `${column.name}.f64`), Float64Array.from(values as number[]));
    } else if (column.kind === 'category') {
      await writeFile(join(dir, `${column.name}.json`), JSON.stringify(values));
    } else await writeFile(join(dir, `${column.name}.u8`), Uint8Array.from(values.map(Number)));
  }
  await writeFile(join(dir, `${target}.u8`), Uint8Array.from(events.map((event) => Number(event[target]))));
}

/** bench/fold-numpy.py, kept running and driven one command at a time. */
class NumpySide {
  private readonly lines: AsyncIterator<string>;
  private constructor(private readonly child: ChildProcess) {
    this.lines = createInterface({ input: child.stdout as NonNullable<ChildProcess['stdout']> })[
      Symbol.asyncIterator
    ]();
  }

  static async start(dir: string): Promise<NumpySide | string> {
    const python = process.env.BENCH_PYTHON ?? 'python3';
    const script = resolve(import.meta.dirname, 'fold-numpy.py');
    const child = spawn(python, [script, dir], { stdio: ['pipe', 'pipe', 'inherit'] });
    const side = new NumpySide(child);
    try {
      await side.ask('pass');
      return side;
    } catch (error) {
      child.kill();
      return `${python} with numpy did not run (${(error as Error).message}); set BENCH_PYTHON`;
    }
  }

  async ask(command: string): Promise<string> {
    this.child.stdin?.write(`${command}\n`);
    const next = await this.lines.next();
    if (next.done) throw new Error(`no answer to ${command}`);
    return next.value;
  }

  close(): void {
    this.child.stdin?.end('quit\n');
  }
}

/** Where numpy's profile and the fold's differ: counts must be equal, sums within 1e-9 (numpy's are rounded). */
function differences(numpy: Record<string, unknown>, profile: HourProfile, spec: MonitorSpec): string[] {
  const found: string[] = [];
  const same = (what: string, a: unknown, b: unknown) => {
    if (JSON.stringify(a) !== JSON.stringify(b))
      found.push(`${what}: numpy ${JSON.stringify(a)}, fold ${JSON.stringify(b)}`);
  };
  const close = (what: string, numpyValue: unknown, b: number) => {
    const a = numpyValue as number;
    if (!(Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b), 1)))
      found.push(`${what}: numpy ${a}, fold ${b}`);
  };
  const store = (s: { offset: number; counts: number[] }) =>
    s.counts.length === 0 ? [] : [s.offset, s.counts];
  const columns = numpy.columns as Record<string, Record<string, unknown>>;
  spec.columns.forEach((column, index) => {
    const ours = profile.columns[index];
    const theirs = columns[column.name];
    if (!ours || !theirs) return;
    const name = column.name;
    same(`${name} drift`, theirs.drift, ours.drift_counts);
    same(
      `${name} integrity`,
      [theirs.nulls, theirs.types, theirs.ranges],
      [ours.integrity.null_violations, ours.integrity.type_violations, ours.integrity.range_violations],
    );
    const stats = ours.numeric;
    if (!stats) return;
    same(
      `${name} count, extremes`,
      [theirs.count, theirs.min, theirs.max, theirs.min_count, theirs.max_count],
      [stats.count, stats.min, stats.max, stats.min_count, stats.max_count],
    );
    close(`${name} sum`, theirs.sum, exactValue(stats.sum));
    close(`${name} sum of squares`, theirs.sum_squares, exactValue(stats.sum_squares));
    const sketch = stats.sketch;
    same(
      `${name} sketch`,
      [theirs.zero, theirs.positive, theirs.negative, theirs.at_centre, theirs.above, theirs.below],
      [
        sketch.zero,
        store(sketch.positive),
        store(sketch.negative),
        sketch.at_centre,
        store(sketch.above),
        store(sketch.below),
      ],
    );
    same(
      `${name} grid`,
      [theirs.grid_counts, theirs.grid_positions],
      [stats.grid?.counts, stats.grid?.positions],
    );
    close(`${name} below the grid`, theirs.below_sum, exactValue(stats.grid?.below_sum ?? []));
    close(`${name} above the grid`, theirs.above_sum, exactValue(stats.grid?.above_sum ?? []));
  });
  same('traffic', numpy.traffic, profile.traffic);
  same('__ANY__', numpy.all_columns, profile.all_columns);
  const tally = profile.performance;
  const performance = numpy.performance as Record<string, unknown>;
  if (tally?.task === 'binary_classification') {
    same(
      'confusion',
      [
        performance.true_negatives,
        performance.false_positives,
        performance.false_negatives,
        performance.true_positives,
      ],
      [tally.true_negatives, tally.false_positives, tally.false_negatives, tally.true_positives],
    );
    close('log loss sum', performance.log_loss_sum, exactValue(tally.log_loss_sum));
    const cells = (c: { first_cell: number; counts: number[] }) =>
      c.counts.length === 0 ? [] : [c.first_cell, c.counts];
    same(
      'score cells',
      [performance.positive_scores, performance.negative_scores],
      [cells(tally.positive_scores), cells(tally.negative_scores)],
    );
    same(
      'calibration',
      [performance.calibration_count, performance.calibration_positives],
      [tally.calibration.map((bucket) => bucket.count), tally.calibration.map((bucket) => bucket.positives)],
    );
    tally.calibration.forEach((bucket, index) => {
      const sums = performance.calibration_probability_sum as number[];
      close(`calibration ${index} sum`, sums[index], exactValue(bucket.probability_sum));
    });
  }
  return found;
}

type Fold = { name: string; run: () => number };

async function main(): Promise<void> {
  const count = Number(process.env.BENCH_FOLD_EVENTS ?? 100_000);
  const model = twentyColumnModel();
  const spec = model.spec;
  const events = eventsOf(model, count);
  const batches = Array.from({ length: Math.ceil(count / BATCH) }, (_, i) =>
    events.slice(i * BATCH, (i + 1) * BATCH),
  );
  let batchProfile: HourProfile | undefined;
  const folds: Fold[] = [
    {
      name: 'absorbEvent, event by event',
      run: () =>
        rateOf(events, spec, (profile) => {
          for (const values of events) absorbEvent(profile, spec, values, 1);
        }).rate,
    },
    {
      name: `absorbBatch, batches of ${BATCH.toLocaleString('en')}`,
      run: () =>
        rateOf(events, spec, (profile) => {
          for (const batch of batches) absorbBatch(profile, spec, batch, 1);
        }).rate,
    },
    {
      name: `absorbBatch, one batch of ${count.toLocaleString('en')}`,
      run: () => {
        const { rate, profile } = rateOf(events, spec, (p) => absorbBatch(p, spec, events, 1));
        batchProfile = profile;
        return rate;
      },
    },
  ];
  const compareDir = process.env.BENCH_COMPARE_DIR;
  if (compareDir) {
    const root = pathToFileURL(`${resolve(compareDir)}/`);
    const other = await import(new URL('shared/metrics/profile.ts', root).href);
    const otherSpec = twentyColumnModel(
      (await import(new URL('shared/metrics/spec.ts', root).href)).buildMonitorSpec,
    ).spec;
    folds.push({
      name: `absorbEvent of ${compareDir}`,
      run: () =>
        rateOf(
          events,
          otherSpec,
          (profile) => {
            for (const values of events) other.absorbEvent(profile, otherSpec, values, 1);
          },
          other.emptyProfile,
        ).rate,
    });
  }
  const dir = await mkdtemp(join(tmpdir(), 'modelwatch-fold-'));
  try {
    await writeColumns(dir, model, events);
    const numpy = await NumpySide.start(dir);
    if (typeof numpy !== 'string') {
      folds.push({ name: 'numpy, vectorized (bench/fold-numpy.py)', run: () => Number.NaN });
    }
    const rates = new Map<string, number[]>(folds.map((fold) => [fold.name, []]));
    // One warm-up round, then alternating rounds, so load on the shared machine falls on every side alike.
    for (let round = 0; round <= PASSES; round++) {
      for (const fold of folds) {
        const rate =
          typeof numpy !== 'string' && fold.name.startsWith('numpy')
            ? (count * spec.columns.length) / Number(await numpy.ask('pass'))
            : fold.run();
        if (round > 0) rates.get(fold.name)?.push(rate);
      }
    }
    const millions = (rate: number) => `${(rate / 1e6).toFixed(1)} M`;
    console.log(
      `fold of ${count.toLocaleString('en')} events x ${spec.columns.length} columns (statistics on), one core, ${PASSES} alternating passes, column values/s:`,
    );
    const numpyMedian =
      typeof numpy === 'string' ? undefined : summary(rates.get(folds.at(-1)?.name ?? '') ?? []).median;
    for (const fold of folds) {
      const { best, median } = summary(rates.get(fold.name) ?? []);
      const ratio = numpyMedian === undefined ? '' : `, ${(median / numpyMedian).toFixed(2)}x numpy`;
      console.log(`  ${fold.name}: best ${millions(best)}, median ${millions(median)}${ratio}`);
    }
    if (typeof numpy === 'string') console.log(`  numpy: ${numpy}`);
    else {
      const theirs = JSON.parse(await numpy.ask('profile'));
      const found = batchProfile ? differences(theirs, batchProfile, spec) : ['no profile'];
      console.log(
        found.length === 0
          ? '  numpy computed the same hour profile (every count equal, sums within 1e-9)'
          : `  numpy's profile differs: ${found.slice(0, 5).join('; ')}`,
      );
      numpy.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
