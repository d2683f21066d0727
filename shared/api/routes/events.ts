// Event routes: publish or update one event, publish or update a batch, and read a stored event.
import { readRows, tableFormatOf } from '../../bodies/records.js';
import { publishBatch } from '../../events/batch.js';
import { getEvent, publishEvent } from '../../events/publish.js';
import { METRIC_NAMES } from '../../observability/meter.js';
import { bodyStream } from '../request-body.js';
import { conflictResponse, json, mediaResponses } from '../responses.js';
import { jsonBody, modelFromPath, routesTagged } from '../route.js';
import { newRouter } from '../router.js';
import {
  batchAnswerSchema,
  batchQuery,
  eventParams,
  modelParams,
  publishAnswerSchema,
  publishBody,
  storedEventSchema,
} from '../schemas.js';

const route = routesTagged('Events');
const events = '/v1/projects/{project_id}/models/{model_id}/events';

const publish = route({
  method: 'post',
  path: events,
  summary: 'Publish one event, or update one by event_id',
  description:
    'Insert: `event` holds inputs and outputs (and may hold targets, decisions, metadata); an existing event_id answers 409. ' +
    'Update (`update_event: true`): only target, decision and metadata columns; null clears one; the timestamp never changes. ' +
    'One event is at most 128 KiB of JSON with values nested at most 32 deep (400 `event_too_large`, `value_too_deep`).',
  request: { params: modelParams, body: jsonBody(publishBody) },
  responses: { 200: json(publishAnswerSchema, 'Stored'), ...conflictResponse, ...mediaResponses },
});

const batch = route({
  method: 'post',
  path: `${events}/batch`,
  summary: 'Publish or update many events',
  description:
    'Each row is handled as the single-event route would handle it; a rejected row never stops the others. ' +
    '`errors` lists the first 1,000 rejected rows; `error_counts` counts every one by code. ' +
    'Bodies: at most 4 MiB, and JSON or CSV at most 5.5 MiB once escaped as a JSON string (see docs/api.md, Limits).',
  request: {
    params: modelParams,
    query: batchQuery,
    body: {
      required: true,
      content: {
        'application/x-ndjson': { schema: { type: 'string' as const } },
        'text/csv': { schema: { type: 'string' as const } },
        'application/json': { schema: { type: 'array' as const, items: { type: 'object' as const } } },
      },
    },
  },
  responses: { 200: json(batchAnswerSchema, 'Rows accepted and rejected'), ...mediaResponses },
});

const get = route({
  method: 'get',
  path: `${events}/{event_id}`,
  summary: 'The stored event',
  request: { params: eventParams },
  responses: { 200: json(storedEventSchema, 'The event') },
});

export function eventRoutes() {
  return newRouter()
    .openapi(publish, async (c) => {
      const { services, record } = await modelFromPath(c);
      const answer = await publishEvent(services, record, c.req.valid('json'));
      services.meter.count(METRIC_NAMES.eventsAccepted, 1);
      return c.json(answer, 200);
    })
    .openapi(batch, async (c) => {
      const query = c.req.valid('query');
      const format = tableFormatOf(c.req.header('content-type'));
      const { services, record } = await modelFromPath(c);
      const answer = await publishBatch(services, record, readRows(bodyStream(c), format), {
        update: query.update_event,
        idField: query.id_field,
        timestampField: query.timestamp_field,
        timestampFormat: query.timestamp_format,
        typeCells: format === 'csv',
      });
      services.meter.count(METRIC_NAMES.eventsAccepted, answer.accepted);
      services.meter.count(METRIC_NAMES.eventsRejected, answer.rejected);
      return c.json(answer, 200);
    })
    .openapi(get, async (c) => {
      const { services, record } = await modelFromPath(c);
      const stored = await getEvent(services, record, c.req.valid('param').event_id);
      return c.json(
        { event_id: stored.event_id, event_timestamp: stored.event_timestamp, event: stored.event },
        200,
      );
    });
}
