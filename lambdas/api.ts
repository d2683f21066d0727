// The HTTP API Lambda: the same Hono app as the local run, behind API Gateway.
import type { Context } from 'aws-lambda';
import { handle, type LambdaEvent } from 'hono/aws-lambda';
import { awsServices } from '../compose/aws.js';
import { createApp } from '../shared/api/app.js';
import { logger, metrics } from './observability.js';

const serve = handle(createApp(awsServices()));

export const handler = async (event: LambdaEvent, context: Context) => {
  logger.addContext(context);
  try {
    return await serve(event, context);
  } finally {
    // The ingest counts the routes recorded through the meter.
    metrics.publishStoredMetrics();
  }
};
