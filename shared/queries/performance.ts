// What a confusion matrix and a calibration plot need, per time bin, from the same merged bin profiles the
// metrics and distributions read: binary counts at the model's threshold and the 10 calibration buckets, or the
// multiclass confusion matrix in target_class_order.
import { DomainError } from '../errors.js';
import { exactValue } from '../metrics/exact-sum.js';
import { type BinaryTally, CALIBRATION_BUCKETS } from '../metrics/performance/binary-tally.js';
import type { MulticlassTally } from '../metrics/performance/multiclass-tally.js';
import type { ClassLabel } from '../metrics/spec.js';
import { resolveSegment } from '../specs/segment-resolve.js';
import type { SpecDeps } from '../specs/specs.js';
import type { ModelRecord } from '../storage/registry.js';
import type { BinSize } from '../time/bins.js';
import { openRange, readBins } from './bin-profiles.js';

export interface PerformanceQuery {
  bin_size: BinSize;
  start: number;
  end: number;
  segment?: string;
}

export interface CalibrationBucketView {
  /** The bucket holds scores p with min(floor(10 p), 9) = its index: [lower, upper), the last one closed. */
  lower: number;
  upper: number;
  count: number;
  /** Mean of the scores in the bucket; null when it is empty. */
  mean_predicted: number | null;
  /** Share of actual positives in the bucket; null when it is empty. */
  mean_label: number | null;
}

export interface PerformancePoint {
  start: number;
  /** Events with a usable target and output: what every count below adds up to. */
  data_count: number;
  /** confusion[actual][predicted], both in `classes` order. */
  confusion: number[][];
  tp?: number;
  fp?: number;
  tn?: number;
  fn?: number;
  calibration?: CalibrationBucketView[];
}

export interface PerformanceDetails {
  task: 'binary_classification' | 'multiclass_classification';
  bin_size: BinSize;
  segment: string | null;
  /** target_class_order: binary [negative, positive], multiclass the classes in output order. */
  classes: ClassLabel[];
  /** Binary: a score at or above it predicts the positive class; null for multiclass. */
  threshold: number | null;
  points: PerformancePoint[];
}

/** A model whose task has no confusion matrix: regression and not_set. */
export class NotClassification extends DomainError {
  constructor(message: string) {
    super(400, 'not_classification', message);
  }
}

export async function performanceDetails(
  deps: SpecDeps,
  record: ModelRecord,
  query: PerformanceQuery,
): Promise<PerformanceDetails> {
  const { task, model_id } = record.info;
  if (task !== 'binary_classification' && task !== 'multiclass_classification') {
    const what = task === 'regression' ? 'a regression model' : 'a model without a task';
    throw new NotClassification(
      `model ${model_id} is ${what}: performance details (confusion matrix, calibration) exist for ` +
        'binary and multiclass classification only; read its metrics from GET .../metrics',
    );
  }
  const range = await openRange(deps, record, query.bin_size, query.start, query.end);
  if (query.segment !== undefined) {
    range.segment = await resolveSegment(deps, record, range.state, range.version, query.segment);
  }
  // The confusion and calibration tallies are the profile's own: no column is read.
  const bins = await readBins(deps.profiles, range, new Set());
  const { spec } = range;
  const classes = spec.target_class_order;
  const binary = task === 'binary_classification';
  return {
    task,
    bin_size: query.bin_size,
    segment: query.segment ?? null,
    classes,
    threshold: binary ? spec.threshold : null,
    points: range.starts.map((start) => {
      const tally = bins.get(start)?.performance ?? null;
      return binary
        ? binaryPoint(start, tally?.task === 'binary_classification' ? tally : null)
        : multiclassPoint(start, tally?.task === 'multiclass_classification' ? tally : null, classes.length);
    }),
  };
}

function binaryPoint(start: number, tally: BinaryTally | null): PerformancePoint {
  const tp = tally?.true_positives ?? 0;
  const fp = tally?.false_positives ?? 0;
  const tn = tally?.true_negatives ?? 0;
  const fn = tally?.false_negatives ?? 0;
  const calibration = Array.from({ length: CALIBRATION_BUCKETS }, (_, index): CalibrationBucketView => {
    const bucket = tally?.calibration[index];
    const count = bucket?.count ?? 0;
    return {
      lower: index / CALIBRATION_BUCKETS,
      upper: (index + 1) / CALIBRATION_BUCKETS,
      count,
      mean_predicted: bucket && count > 0 ? exactValue(bucket.probability_sum) / count : null,
      mean_label: bucket && count > 0 ? bucket.positives / count : null,
    };
  });
  return {
    start,
    data_count: tally?.data_count ?? 0,
    // [negative, positive] rows and columns, as multiclass answers it.
    confusion: [
      [tn, fp],
      [fn, tp],
    ],
    tp,
    fp,
    tn,
    fn,
    calibration,
  };
}

function multiclassPoint(start: number, tally: MulticlassTally | null, classCount: number): PerformancePoint {
  const confusion = Array.from({ length: classCount }, (_, actual) =>
    Array.from({ length: classCount }, (_, predicted) => tally?.confusion[actual]?.[predicted] ?? 0),
  );
  return { start, data_count: tally?.data_count ?? 0, confusion };
}
