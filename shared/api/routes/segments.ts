// Segment routes (contract section 10): define, list, read and delete a model's segments, and rank the
// automatic segments of a `segment_by` column by a metric in one bin.
import { defineSegment, deleteSegment, requireSegment } from '../../models/segments.js';
import { segmentBreakdown } from '../../queries/breakdown.js';
import { listSegmentViews } from '../../specs/segment-views.js';
import { queryTime } from '../query-time.js';
import { json } from '../responses.js';
import { jsonBody, modelFromPath, routesTagged } from '../route.js';
import { newRouter } from '../router.js';
import {
  breakdownQuery,
  breakdownSchema,
  modelParams,
  segmentBody,
  segmentListSchema,
  segmentParams,
  segmentSchema,
} from '../schemas.js';

const route = routesTagged('Segments');
const base = '/v1/projects/{project_id}/models/{model_id}/segments';

const put = route({
  method: 'put',
  path: `${base}/{segment_id}`,
  summary: 'Define or replace a segment of the model',
  description:
    'The events whose values pass every condition: `{"in": [...]}` or `{"min", "max"}` (inclusive) on category, bool ' +
    'or numeric input, decision or metadata columns. At most 50 per model. A new segment, or a new filter, is ' +
    'built from stored events by the next monitor run; until then it is listed as `building` and its metrics ' +
    'answer 409 `segment_not_ready`.',
  request: { params: segmentParams, body: jsonBody(segmentBody) },
  responses: { 200: json(segmentSchema, 'Replaced'), 201: json(segmentSchema, 'Created') },
});

const list = route({
  method: 'get',
  path: base,
  summary: 'Defined and automatic segments, with whether each is ready or still being built',
  request: { params: modelParams },
  responses: { 200: json(segmentListSchema, 'The segments') },
});

const breakdown = route({
  method: 'get',
  path: `${base}/breakdown`,
  summary: 'The automatic segments of a segment_by column ranked by a metric in one bin',
  description: 'Each with its value and count in the bin and in the bin before, and the change between them.',
  request: { params: modelParams, query: breakdownQuery },
  responses: { 200: json(breakdownSchema, 'The ranking') },
});

const get = route({
  method: 'get',
  path: `${base}/{segment_id}`,
  summary: 'One defined segment',
  request: { params: segmentParams },
  responses: { 200: json(segmentSchema, 'The segment') },
});

const remove = route({
  method: 'delete',
  path: `${base}/{segment_id}`,
  summary: 'Delete a defined segment',
  request: { params: segmentParams },
  responses: { 204: { description: 'Deleted' } },
});

export function segmentRoutes() {
  return newRouter()
    .openapi(list, async (c) => {
      const { services, record } = await modelFromPath(c);
      return c.json({ items: await listSegmentViews(services, record) }, 200);
    })
    .openapi(breakdown, async (c) => {
      const { services, record } = await modelFromPath(c);
      const query = c.req.valid('query');
      const at = queryTime(query.at, 'at', services.clock());
      return c.json(await segmentBreakdown(services, record, { ...query, at }), 200);
    })
    .openapi(put, async (c) => {
      const { services, record } = await modelFromPath(c);
      const { segment_id } = c.req.valid('param');
      const { segment, created } = await defineSegment(services, record, segment_id, c.req.valid('json'));
      const view = (await listSegmentViews(services, record)).find(
        (s) => s.segment_id === segment.segment_id,
      );
      return c.json(
        view ?? { ...segment, automatic: false, state: 'building' as const },
        created ? 201 : 200,
      );
    })
    .openapi(get, async (c) => {
      const { services, record } = await modelFromPath(c);
      const { segment_id } = c.req.valid('param');
      await requireSegment(services.registry, record, segment_id);
      const view = (await listSegmentViews(services, record)).find((s) => s.segment_id === segment_id);
      return c.json(view as NonNullable<typeof view>, 200);
    })
    .openapi(remove, async (c) => {
      const { services, record } = await modelFromPath(c);
      await deleteSegment(services.registry, record, c.req.valid('param').segment_id);
      return c.body(null, 204);
    });
}
