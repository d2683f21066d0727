// What an alert rule on a segment or against a window or rolling baseline compares, through the same series path
// as GET .../metrics. A segment not built yet, or deleted, holds no data for the rule: it never fires on partial
// counts, and the hours a segment's rebuild completes are evaluated again once it is ready.
import type { RuleBinReader, RuleBins } from '../alerts/engine.js';
import type { SegmentedRule } from '../alerts/rules.js';
import { InvalidInput, NotFound } from '../errors.js';
import { computeMetric, metricDefinition } from '../metrics/registry.js';
import type { MonitorSpec } from '../metrics/spec.js';
import { parseBaseline } from '../queries/baselines.js';
import { queryMetrics, type Series } from '../queries/query.js';
import { profilesByBin } from '../queries/series.js';
import { SegmentNotReady } from '../specs/segment-resolve.js';
import { listSegmentViews } from '../specs/segment-views.js';
import type { SpecDeps } from '../specs/specs.js';
import type { ModelRecord } from '../storage/registry.js';

const NO_DATA: RuleBins = { has: () => false, metricAt: () => ({ value: null, count: 0 }) };

/**
 * What rules compare: for a rule on the whole model against its dataset, the model's own bins merged from hour
 * profiles (the version being evaluated); otherwise the series GET .../metrics would answer.
 */
export function ruleBinReader(
  deps: SpecDeps,
  record: ModelRecord,
  version: number,
  spec: MonitorSpec,
): RuleBinReader {
  const model = { project_id: record.info.project_id, model_id: record.info.model_id };
  return async (rule, from, to) => {
    const { segment, baseline } = rule as SegmentedRule;
    if (segment === undefined && baseline === undefined) {
      const byBin = await profilesByBin(deps.profiles, model, version, rule.bin_size, from, to);
      return {
        has: (bin) => byBin.has(bin),
        metricAt(bin, column) {
          const profile = byBin.get(bin);
          return profile
            ? computeMetric(rule.metric, profile, spec, column ?? undefined)
            : { value: null, count: 0 };
        },
      };
    }
    const columns: Array<string | undefined> = rule.columns.length > 0 ? rule.columns : [undefined];
    let series: Series[];
    try {
      ({ series } = await queryMetrics(deps, record, {
        bin_size: rule.bin_size,
        start: from,
        end: to,
        queries: [
          { metric: 'traffic', segment },
          ...columns.map((column) => ({ metric: rule.metric, column, segment, baseline })),
        ],
      }));
    } catch (error) {
      if (error instanceof SegmentNotReady || error instanceof NotFound) return NO_DATA;
      throw error;
    }
    const pointsOf = (one: Series | undefined) =>
      new Map((one?.points ?? []).map((point) => [point.start, point]));
    const traffic = pointsOf(series[0]);
    const byColumn = new Map(columns.map((column, i) => [column ?? null, pointsOf(series[i + 1])]));
    return {
      has: (bin) => (traffic.get(bin)?.count ?? 0) > 0,
      metricAt(bin, column) {
        const point = byColumn.get(column)?.get(bin);
        return point ? { value: point.value, count: point.count } : { value: null, count: 0 };
      },
    };
  };
}

/** A rule's segment must exist (it may still be building) and its baseline must suit its metric. */
export async function checkRuleScope(
  deps: SpecDeps,
  record: ModelRecord,
  rule: { metric: string; segment?: string; baseline?: string },
): Promise<void> {
  if (rule.baseline !== undefined) {
    let choice: ReturnType<typeof parseBaseline>;
    try {
      choice = parseBaseline(rule.baseline);
    } catch (error) {
      throw new InvalidInput(`baseline: ${(error as Error).message}`);
    }
    if (choice.kind !== 'dataset' && !metricDefinition(rule.metric).comparesBaseline)
      throw new InvalidInput(`baseline: ${rule.baseline} applies to drift metrics, not ${rule.metric}`);
  }
  if (rule.segment === undefined) return;
  const known = (await listSegmentViews(deps, record)).some((view) => view.segment_id === rule.segment);
  const configured = record.monitoring.segment_by?.some((column) => rule.segment?.startsWith(`${column}=`));
  if (!known && !configured)
    throw new InvalidInput(`segment: '${rule.segment}' is not a segment of model '${record.info.model_id}'`);
}
