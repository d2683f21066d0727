// `npx tsx bench/distance-accuracy.ts`: how close `wasserstein` and `ks_statistic` come to scipy, by drift size and
// by the column's offset from 0 (test/fixtures/metrics/baselines.json, `accuracy`: std 1, means 0, 100 and 1e4,
// bins of 1,000 and 50 values shifted by 0 to 2 std), against the dataset baseline and against a production window
// of 2,000 values, also with both moved 5 std past the dataset baseline (beyond its grid: only the sketches tell
// the values apart there). Windows are also measured with sketches centred on 0 (as sketches were before they had
// a centre), and with BENCH_COMPARE_DIR set to another checkout, the dataset baseline with that checkout's code.
// Prints a markdown table of the largest error per row: relative (% of scipy's value) and absolute (in std).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as profiles from '../shared/metrics/profile.js';
import * as registry from '../shared/metrics/registry.js';
import * as specs from '../shared/metrics/spec.js';

interface Expected {
  ks: number;
  wasserstein: number;
}
interface Row {
  offset: number;
  drift: number;
  bin: 'bin_1000' | 'bin_50';
  dataset: Expected;
  window: Expected;
  far_window: Expected;
}
interface Accuracy {
  z: Record<'baseline' | 'window' | 'bin_1000' | 'bin_50', number[]>;
  offsets: number[];
  drifts: number[];
  far: number;
  expected: Row[];
}

interface Code {
  profiles: typeof profiles;
  registry: typeof registry;
  specs: typeof specs;
}

const accuracy = (
  JSON.parse(readFileSync(new URL('../test/fixtures/metrics/baselines.json', import.meta.url), 'utf8')) as {
    accuracy: Accuracy;
  }
).accuracy;

function specOf(code: Code, values: number[], centred: boolean) {
  const sorted = Float64Array.from(values).sort();
  const spec = code.specs.buildMonitorSpec(
    {
      project_id: 'bench',
      model_id: 'accuracy',
      dataset_id: 'baseline',
      task: 'not_set',
      inputs: ['x'],
      outputs: [],
      targets: [],
      decisions: [],
      metadata: [],
      binary_classification_threshold: 0.5,
      target_class_order: [],
      retention_days: 180,
      created_at: 0,
    },
    {
      dataset_id: 'baseline',
      row_count: sorted.length,
      columns: [
        {
          name: 'x',
          data_type: 'float',
          nullable: false,
          min: sorted[0] as number,
          max: sorted.at(-1) as number,
          categories: null,
          value_count: sorted.length,
          deciles: [1, 2, 3, 4, 5, 6, 7, 8, 9].map((d) => sorted[d * 200] as number),
          category_counts: null,
          bool_counts: null,
        },
      ],
    },
    null,
    { x: sorted },
  );
  const column = spec.columns[0];
  // The sketches' centre is the spec's baseline mean: 0 gives the uncentred sketch.
  if (!centred && column?.baseline) column.baseline = { ...column.baseline, mean: 0 };
  return spec;
}

function folded(code: Code, spec: specs.MonitorSpec, values: number[]) {
  const profile = code.profiles.emptyProfile(spec);
  for (const x of values) code.profiles.absorbEvent(profile, spec, { x }, 1);
  return profile;
}

type Measure = 'dataset' | 'window' | 'window, centre 0' | 'far window' | 'far window, centre 0';

/** Largest relative and absolute errors of wasserstein, and absolute of ks, per (measure, offset, bin). */
function errors(code: Code, measure: Measure) {
  const results: Array<{ offset: number; bin: string; relative: number; absolute: number; ks: number }> = [];
  for (const offset of accuracy.offsets) {
    const spec = specOf(
      code,
      accuracy.z.baseline.map((z) => offset + z),
      !measure.endsWith('centre 0'),
    );
    const far = measure.startsWith('far');
    const window = folded(
      code,
      spec,
      accuracy.z.window.map((z) => (far ? offset + (z + accuracy.far) : offset + z)),
    ).columns[0]?.numeric;
    for (const bin of ['bin_1000', 'bin_50'] as const) {
      let [relative, absolute, ks] = [0, 0, 0];
      for (const row of accuracy.expected.filter((r) => r.offset === offset && r.bin === bin)) {
        const shift = far ? accuracy.far + row.drift : row.drift;
        const profile = folded(
          code,
          spec,
          accuracy.z[bin].map((z) => offset + (z + shift)),
        );
        const against = measure === 'dataset' ? undefined : window;
        const expected = measure === 'dataset' ? row.dataset : far ? row.far_window : row.window;
        const compute = (id: string) =>
          code.registry.computeMetric(id, profile, spec, 'x', against as never).value as number;
        const error = Math.abs(compute('wasserstein') - expected.wasserstein);
        relative = Math.max(relative, error / expected.wasserstein);
        absolute = Math.max(absolute, error);
        ks = Math.max(ks, Math.abs(compute('ks_statistic') - expected.ks));
      }
      results.push({ offset, bin, relative, absolute, ks });
    }
  }
  return results;
}

async function main(): Promise<void> {
  const ours: Code = { profiles, registry, specs };
  const measures: Array<[string, Code, Measure]> = [
    ['dataset baseline', ours, 'dataset'],
    ['window baseline', ours, 'window'],
    ['window baseline, sketch centred on 0', ours, 'window, centre 0'],
    ['window and bin 5 std past the dataset baseline', ours, 'far window'],
    ['the same, sketch centred on 0', ours, 'far window, centre 0'],
  ];
  const compareDir = process.env.BENCH_COMPARE_DIR;
  if (compareDir) {
    const root = pathToFileURL(`${resolve(compareDir)}/`);
    const load = async (path: string) => import(new URL(path, root).href);
    const other: Code = {
      profiles: await load('shared/metrics/profile.ts'),
      registry: await load('shared/metrics/registry.ts'),
      specs: await load('shared/metrics/spec.ts'),
    };
    measures.unshift([`dataset baseline, ${compareDir}`, other, 'dataset']);
  }
  console.log(
    `drifts ${accuracy.drifts.join(', ')} std; largest error over them, wasserstein relative / absolute (std), ks absolute`,
  );
  console.log('| baseline | mean | bin | wasserstein, % | wasserstein, std | ks |');
  console.log('|---|---|---|---|---|---|');
  for (const [name, code, measure] of measures) {
    for (const { offset, bin, relative, absolute, ks } of errors(code, measure)) {
      const values = [(100 * relative).toFixed(2), absolute.toExponential(1), ks.toExponential(1)];
      console.log(`| ${name} | ${offset} | ${bin.slice(4)} | ${values.join(' | ')} |`);
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
