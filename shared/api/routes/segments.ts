// Segment routes (contract section 10): define, list, read and delete a model's segments, and rank the
// automatic segments of a `segment_by` column by a metric in one bin.
import { createRoute } from '@hono/zod-openapi';
import { requireModel } from '../../models/models.js';
import { defineSegment, deleteSegment, requireSegment } from '../../models/segments.js';
import { segmentBreakdown } from '../../queries/breakdown.js';
import { listSegmentViews } from '../../specs/segment-views.js';
import { queryTime } from '../query-time.js';
import { errorResponses, json } from '../responses.js';
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

const base = '/v1/projects/{project_id}/models/{model_id}/segments';

const put = createRoute({
  method: 'put',
  path: `${base}/{segment_id}`,
  tags: ['Segments'],
  summary: 'Define or replace a segment of the model',
  description:
    'The events whose values pass every condition: `{"in": [...]}` or `{"min", "max"}` (inclusive) on category, bool ' +
    'or numeric input, decision or metadata columns. At most 50 per model. A new segment, or a new filter, is ' +
    'built from stored events by the next monitor run; until then it is listed as `building` and its metrics ' +
    'answer 409 `segment_not_ready`.',
  request: {
    params: segmentParams,
    body: { required: true, content: { 'application/json': { schema: segmentBody } } },
  },
  responses: {
    200: json(segmentSchema, 'Replaced'),
    201: json(segmentSchema, 'Created'),
    ...errorResponses,
  },
});

const list = createRoute({
  method: 'get',
  path: base,
  tags: ['Segments'],
  summary: 'Defined and automatic segments, with whether each is ready or still being built',
  request: { params: modelParams },
  responses: { 200: json(segmentListSchema, 'The segments'), ...errorResponses },
});

const breakdown = createRoute({
  method: 'get',
  path: `${base}/breakdown`,
  tags: ['Segments'],
  summary: 'The automatic segments of a segment_by column ranked by a metric in one bin',
  description: 'Each with its value and count in the bin and in the bin before, and the change between them.',
  request: { params: modelParams, query: breakdownQuery },
  responses: { 200: json(breakdownSchema, 'The ranking'), ...errorResponses },
});

const get = createRoute({
  method: 'get',
  path: `${base}/{segment_id}`,
  tags: ['Segments'],
  summary: 'One defined segment',
  request: { params: segmentParams },
  responses: { 200: json(segmentSchema, 'The segment'), ...errorResponses },
});

const remove = createRoute({
  method: 'delete',
  path: `${base}/{segment_id}`,
  tags: ['Segments'],
  summary: 'Delete a defined segment',
  request: { params: segmentParams },
  responses: { 204: { description: 'Deleted' }, ...errorResponses },
});

export function segmentRoutes() {
  return newRouter()
    .openapi(list, async (c) => {
      const { project_id, model_id } = c.req.valid('param');
      const services = c.get('services');
      const record = await requireModel(services.registry, project_id, model_id);
      return c.json({ items: await listSegmentViews(services, record) }, 200);
    })
    .openapi(breakdown, async (c) => {
      const { project_id, model_id } = c.req.valid('param');
      const query = c.req.valid('query');
      const services = c.get('services');
      const record = await requireModel(services.registry, project_id, model_id);
      const at = queryTime(query.at, 'at', services.clock());
      return c.json(await segmentBreakdown(services, record, { ...query, at }), 200);
    })
    .openapi(put, async (c) => {
      const { project_id, model_id, segment_id } = c.req.valid('param');
      const services = c.get('services');
      const record = await requireModel(services.registry, project_id, model_id);
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
      const { project_id, model_id, segment_id } = c.req.valid('param');
      const services = c.get('services');
      const record = await requireModel(services.registry, project_id, model_id);
      await requireSegment(services.registry, record, segment_id);
      const view = (await listSegmentViews(services, record)).find((s) => s.segment_id === segment_id);
      return c.json(view as NonNullable<typeof view>, 200);
    })
    .openapi(remove, async (c) => {
      const { project_id, model_id, segment_id } = c.req.valid('param');
      const services = c.get('services');
      const record = await requireModel(services.registry, project_id, model_id);
      await deleteSegment(services.registry, record, segment_id);
      return c.body(null, 204);
    });
}
