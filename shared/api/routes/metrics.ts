// Metric routes: a metric as a time series, and the monitor run that brings every metric up to date.
import { createRoute } from '@hono/zod-openapi';
import { requireAdmin } from '../../auth/tokens.js';
import { requireModel } from '../../models/models.js';
import { metricSeries } from '../../monitoring/series.js';
import { DAY_MS } from '../../time/bins.js';
import { queryTime } from '../query-time.js';
import { errorResponses, json } from '../responses.js';
import { newRouter } from '../router.js';
import { metricsQuery, modelParams, runSummarySchema, seriesSchema } from '../schemas.js';

const series = createRoute({
  method: 'get',
  path: '/v1/projects/{project_id}/models/{model_id}/metrics',
  tags: ['Metrics'],
  summary: 'A metric as a time series, one point per bin in [start, end)',
  description:
    'Metric ids: jsd, psi (per input/output column); traffic; null/type/range/any_violation_count and _percentage ' +
    '(per column or `__ANY__`); data_count and the performance metrics of the model task. A bin with no data has ' +
    'count 0 and, except for counts, value null.',
  request: { params: modelParams, query: metricsQuery },
  responses: { 200: json(seriesSchema, 'The series'), ...errorResponses },
});

const run = createRoute({
  method: 'post',
  path: '/v1/monitor/run',
  tags: ['Metrics'],
  summary: 'Process everything pending now (admin token)',
  description:
    'Folds every change published so far into the metrics and finishes pending rebuilds, synchronously. In AWS the same work runs on a schedule. ' +
    'A change that cannot be folded is quarantined (GET /v1/admin/quarantine); a model whose metrics cannot be computed is listed in `failed` and retried by the next run, and the others are still brought up to date.',
  responses: { 200: json(runSummarySchema, 'Done'), ...errorResponses },
});

export function metricRoutes() {
  return newRouter()
    .openapi(series, async (c) => {
      const { project_id, model_id } = c.req.valid('param');
      const query = c.req.valid('query');
      const services = c.get('services');
      const record = await requireModel(services.registry, project_id, model_id);
      const end = queryTime(query.end, 'end', services.clock());
      const start = queryTime(query.start, 'start', end - 7 * DAY_MS);
      const answer = await metricSeries(services, record, {
        metric: query.metric,
        column: query.column,
        bin_size: query.bin_size,
        start,
        end,
      });
      return c.json(answer, 200);
    })
    .openapi(run, async (c) => {
      requireAdmin(c.get('principal'));
      return c.json(await c.get('services').runMonitor(), 200);
    });
}
