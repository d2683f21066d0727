// One structured logger for every Lambda (Powertools), configured once from POWERTOOLS_* environment variables.
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'modelwatch' });
