// The HTTP API Lambda: the same Hono app as the local run, behind API Gateway.
import { handle } from 'hono/aws-lambda';
import { createApp } from '../shared/api/app.js';
import { awsServices } from '../shared/aws/services.js';

export const handler = handle(createApp(awsServices()));
