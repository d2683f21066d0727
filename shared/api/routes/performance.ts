// Performance details of a classification model per time bin: the confusion matrix (binary: tp, fp, tn, fn at the
// model's threshold) and the calibration buckets, read from the same profiles as the metrics.
import { performanceDetails } from '../../queries/performance.js';
import { json } from '../responses.js';
import { modelFromPath, routesTagged } from '../route.js';
import { newRouter } from '../router.js';
import { modelParams, performanceQuery, performanceSchema } from '../schemas.js';
import { rangeOf } from './model-views.js';

const route = routesTagged('Metrics');

const performance = route({
  method: 'get',
  path: '/v1/projects/{project_id}/models/{model_id}/performance',
  summary: 'Confusion matrix and calibration per time bin (classification models)',
  description:
    'Per time bin in [start, end): `data_count` and the confusion matrix in `target_class_order` (rows actual, ' +
    'columns predicted). Binary models add `tp`, `fp`, `tn`, `fn` at the model threshold and 10 calibration ' +
    'buckets of the score (count, mean predicted probability, share of actual positives). Bins without data ' +
    'hold zeros. A regression model, or one without a task, answers 400 `not_classification`. `segment` ' +
    'restricts the counts to a segment.',
  request: { params: modelParams, query: performanceQuery },
  responses: { 200: json(performanceSchema, 'The performance details') },
});

export function performanceRoutes() {
  return newRouter().openapi(performance, async (c) => {
    const { services, record } = await modelFromPath(c);
    const query = c.req.valid('query');
    const answer = await performanceDetails(services, record, {
      bin_size: query.bin_size,
      segment: query.segment,
      ...rangeOf(services, query),
    });
    return c.json(answer, 200);
  });
}
