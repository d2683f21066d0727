// Views of a model over a time range, each from one read of its profiles: a column's distribution over its
// drift bins, and the model's health summary.
import { columnDistribution } from '../../queries/distributions.js';
import { modelSummary } from '../../queries/summary.js';
import { DAY_MS } from '../../time/bins.js';
import { queryTime } from '../query-time.js';
import { json } from '../responses.js';
import { modelFromPath, routesTagged } from '../route.js';
import { newRouter } from '../router.js';
import {
  distributionSchema,
  distributionsQuery,
  modelParams,
  summaryQuery,
  summarySchema,
} from '../schemas.js';
import type { Services } from '../services.js';

const route = routesTagged('Metrics');

const distributions = route({
  method: 'get',
  path: '/v1/projects/{project_id}/models/{model_id}/distributions',
  summary: "A column's distribution over its drift bins, per time bin",
  description:
    'The drift bins of an input or output column (numeric `(lower, upper]`, with null for an infinite end; ' +
    'category: the baseline categories then `__OTHER__`; bool: false, true), the baseline proportion per bin, ' +
    "and each time bin's counts (zeros in a bin without data). A str column has no drift bins: 400. " +
    '`segment` restricts the counts to a segment, and its baseline to the baseline rows passing its filter.',
  request: { params: modelParams, query: distributionsQuery },
  responses: { 200: json(distributionSchema, 'The distribution') },
});

const summary = route({
  method: 'get',
  path: '/v1/projects/{project_id}/models/{model_id}/summary',
  summary: "A model's health over a range",
  description:
    'Traffic per bin; per input and output column the latest and worst `jsd` and `any_violation_percentage` with ' +
    'their bins; the latest value of each performance metric of the task with its `data_count`; label coverage ' +
    'per bin (`data_count / traffic`); and the alert records of the range that are not resolved (at most 500).',
  request: { params: modelParams, query: summaryQuery },
  responses: { 200: json(summarySchema, 'The summary') },
});

export function rangeOf(services: Services, query: { start?: string; end?: string }) {
  const end = queryTime(query.end, 'end', services.clock());
  return { start: queryTime(query.start, 'start', end - 7 * DAY_MS), end };
}

export function modelViewRoutes() {
  return newRouter()
    .openapi(distributions, async (c) => {
      const { services, record } = await modelFromPath(c);
      const query = c.req.valid('query');
      const answer = await columnDistribution(services, record, {
        column: query.column,
        segment: query.segment,
        bin_size: query.bin_size,
        ...rangeOf(services, query),
      });
      return c.json(answer, 200);
    })
    .openapi(summary, async (c) => {
      const { services, record } = await modelFromPath(c);
      const query = c.req.valid('query');
      const answer = await modelSummary(services, record, {
        bin_size: query.bin_size,
        ...rangeOf(services, query),
      });
      return c.json(answer, 200);
    });
}
