// The scheduled monitor: folds pending deltas of every marked model, finishes rebuilds and evaluates alert rules.
import type { Context } from 'aws-lambda';
import { awsServices } from '../compose/aws.js';
import { METRIC_NAMES } from '../shared/observability/meter.js';
import { lambdaMeter, logger, metrics } from './observability.js';

const services = awsServices();

export const handler = async (_event?: unknown, context?: Context): Promise<void> => {
  if (context) logger.addContext(context);
  const started = performance.now();
  try {
    const summary = await services.runMonitor();
    // A failed model stays marked and is retried by the next run; throwing would only repeat this one.
    for (const failed of summary.failed)
      logger.error('a model could not be brought up to date', { ...failed });
    lambdaMeter.count(METRIC_NAMES.changesFolded, summary.deltas_folded);
    lambdaMeter.count(METRIC_NAMES.changesQuarantined, summary.changes_quarantined);
    lambdaMeter.count(METRIC_NAMES.modelsFailed, summary.failed.length);
    lambdaMeter.count(METRIC_NAMES.notificationsSent, summary.notifications_sent);
    logger.info('monitor run finished', { ...summary, failed: summary.failed.length });
  } finally {
    lambdaMeter.milliseconds(METRIC_NAMES.runDuration, performance.now() - started);
    metrics.publishStoredMetrics();
  }
};
