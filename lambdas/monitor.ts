// The scheduled monitor: folds pending deltas of every marked model and finishes rebuilds.
import { logger } from '../shared/aws/logger.js';
import { awsServices } from '../shared/aws/services.js';

const services = awsServices();

export const handler = async (): Promise<void> => {
  const summary = await services.runMonitor();
  logger.info('monitor run finished', { ...summary });
};
