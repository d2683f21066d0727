// Powertools for every Lambda, configured once: Logger (the Lambda context added by each entry), Metrics (EMF,
// through the Meter port) and Tracer (X-Ray segments for every AWS SDK client). The service name comes from
// POWERTOOLS_SERVICE_NAME, which the stack sets per function.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { Meter } from '../shared/observability/meter.js';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'modelwatch';

export const logger = new Logger({ serviceName });
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Modelwatch',
  serviceName,
});
export const tracer = new Tracer({ serviceName });

/** The Meter port over Powertools Metrics: values are flushed by `publishStoredMetrics` at the end of a call. */
export const lambdaMeter: Meter = {
  count: (name, value) => {
    if (value > 0) metrics.addMetric(name, MetricUnit.Count, value);
  },
  milliseconds: (name, value) => metrics.addMetric(name, MetricUnit.Milliseconds, value),
};
