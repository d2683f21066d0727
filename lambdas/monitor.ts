// The scheduled monitor: folds pending deltas of every marked model and finishes rebuilds.
import { logger } from '../shared/aws/logger.js';
import { awsServices } from '../shared/aws/services.js';

const services = awsServices();

export const handler = async (): Promise<void> => {
  const summary = await services.runMonitor();
  // A failed model stays marked and is retried by the next run; throwing would only repeat this one.
  for (const failed of summary.failed) logger.error('a model could not be brought up to date', { ...failed });
  logger.info('monitor run finished', { ...summary, failed: summary.failed.length });
};
