// Metric routes: a metric as a time series, many series in one request, and the monitor run that brings every
// metric up to date. Distributions and the model summary live in model-views.ts.
import { requireAdmin } from '../../auth/tokens.js';
import { InvalidInput } from '../../errors.js';
import { queryMetrics } from '../../queries/query.js';
import { metricSeries } from '../../queries/series.js';
import { DAY_MS } from '../../time/bins.js';
import { describeValidationError } from '../errors.js';
import { queryTime } from '../query-time.js';
import { json } from '../responses.js';
import { jsonBody, modelFromPath, routesTagged } from '../route.js';
import { newRouter } from '../router.js';
import {
  metricsQuery,
  metricsQueryAnswer,
  metricsQueryBody,
  modelParams,
  runSummarySchema,
  seriesSchema,
} from '../schemas.js';
import { modelViewRoutes, rangeOf } from './model-views.js';

const route = routesTagged('Metrics');

const series = route({
  method: 'get',
  path: '/v1/projects/{project_id}/models/{model_id}/metrics',
  summary: 'A metric as a time series, one point per bin in [start, end)',
  description:
    'Metric ids: jsd, psi (per input/output column); traffic; null/type/range/any_violation_count and _percentage ' +
    '(per column or `__ANY__`); data_count and the performance metrics of the model task. A bin with no data has ' +
    'count 0 and, except for counts, value null.',
  request: { params: modelParams, query: metricsQuery },
  responses: { 200: json(seriesSchema, 'The series') },
});

const many = route({
  method: 'post',
  path: '/v1/projects/{project_id}/models/{model_id}/metrics/query',
  summary: 'Many metric series over one range in one request (at most 500)',
  description:
    'Answers one series per query, in order, each exactly as GET .../metrics answers it. The profiles of the range ' +
    'are read once, so the cost grows with the number of bins, not with the number of queries. An invalid query ' +
    'is a 400 naming its index (`queries[3].column`). A query may name a `segment` and, for drift metrics (jsd, psi, hellinger, chi_squared_p_value, ks_statistic, wasserstein), a `baseline` (`dataset`, `window:<start>:<end>`, `previous:<n>`).',
  request: { params: modelParams, body: jsonBody(metricsQueryBody) },
  responses: { 200: json(metricsQueryAnswer, 'The series, one per query') },
});

const run = route({
  method: 'post',
  path: '/v1/monitor/run',
  summary: 'Process everything pending now (admin token)',
  description:
    'Folds every change published so far into the metrics and finishes pending rebuilds, synchronously. In AWS the same work runs on a schedule. ' +
    'A change that cannot be folded is quarantined (GET /v1/admin/quarantine); a model whose metrics cannot be computed is listed in `failed` and retried by the next run, and the others are still brought up to date.',
  responses: { 200: json(runSummarySchema, 'Done') },
});

/** A body time: epoch ms as a number, or a string read as the query string's times are. */
function bodyTime(value: number | string | undefined, field: string, fallback: number): number {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new InvalidInput(`${field} must be whole epoch milliseconds`);
    return value;
  }
  return queryTime(value, field, fallback);
}

/** Zod's path `queries.3.metric` as the contract writes it: `queries[3].metric`. */
function bracketIndexes(message: string): string {
  return message.replace(/^([\w.]+?)\.(\d+)(?=[.:\s])/, '$1[$2]');
}

export function metricRoutes() {
  return newRouter()
    .openapi(series, async (c) => {
      const { services, record } = await modelFromPath(c);
      const query = c.req.valid('query');
      const answer = await metricSeries(services, record, {
        metric: query.metric,
        column: query.column,
        segment: query.segment,
        baseline: query.baseline,
        bin_size: query.bin_size,
        ...rangeOf(services, query),
      });
      return c.json(answer, 200);
    })
    .openapi(
      many,
      async (c) => {
        const { services, record } = await modelFromPath(c);
        const body = c.req.valid('json');
        const end = bodyTime(body.end, 'end', services.clock());
        const start = bodyTime(body.start, 'start', end - 7 * DAY_MS);
        const answer = await queryMetrics(services, record, {
          bin_size: body.bin_size,
          start,
          end,
          queries: body.queries,
        });
        return c.json(answer, 200);
      },
      (result) => {
        if (!result.success) {
          throw new InvalidInput(bracketIndexes(describeValidationError(result.error, result.target)));
        }
        return undefined;
      },
    )
    .openapi(run, async (c) => {
      requireAdmin(c.get('principal'));
      return c.json(await c.get('services').runMonitor(), 200);
    })
    .route('/', modelViewRoutes());
}
