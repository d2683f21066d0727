// Rule evaluation for one bin, as pure functions: the compared value and the severity it reaches.
import type { AlertRule, Severity } from './types.js';

export interface Comparison {
  /** What is compared with the thresholds: the metric, or its relative change. */
  compared: number;
  severity: Severity | null;
  /** The threshold crossed (critical when critical, else warning), or critical when none is. */
  threshold: number;
}

/**
 * `raw_value` compares the metric; `time_period` its relative change against the value compare_bin_delta bins
 * earlier, which is undefined (no comparison) when that value is null or 0.
 */
export function comparedValue(
  rule: Pick<AlertRule, 'compare_to'>,
  value: number | null,
  earlier: number | null,
): number | null {
  if (value === null) return null;
  if (rule.compare_to === 'raw_value') return value;
  if (earlier === null || earlier === 0) return null;
  return (value - earlier) / Math.abs(earlier);
}

export function compare(
  rule: Pick<AlertRule, 'condition' | 'warning_threshold' | 'critical_threshold'>,
  compared: number,
): Comparison {
  const breaches = (threshold: number) =>
    rule.condition === 'greater' ? compared > threshold : compared < threshold;
  if (breaches(rule.critical_threshold))
    return { compared, severity: 'critical', threshold: rule.critical_threshold };
  if (rule.warning_threshold !== null && breaches(rule.warning_threshold)) {
    return { compared, severity: 'warning', threshold: rule.warning_threshold };
  }
  return { compared, severity: null, threshold: rule.critical_threshold };
}

const RANK: Record<Severity, number> = { warning: 1, critical: 2 };

/** Whether `severity` is news after `notified`: a first severity, or a higher one (as incidents escalate). */
export function shouldNotify(severity: Severity | null, notified: Severity | null): severity is Severity {
  if (severity === null) return false;
  return notified === null || RANK[severity] > RANK[notified];
}
