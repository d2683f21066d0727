// The one Hono application: the Lambda adapter and the local Node server both serve this object.
import { bodyLimit } from 'hono/body-limit';
import { requireProject } from '../auth/tokens.js';
import { PayloadTooLarge } from '../errors.js';
import { projectIdSchema } from '../ids.js';
import { errorBody, handleError } from './errors.js';
import { renderApiReference } from './reference-page.js';
import { newRouter, type Router } from './router.js';
import { alertRoutes } from './routes/alerts.js';
import { datasetRoutes } from './routes/datasets.js';
import { eventRoutes } from './routes/events.js';
import { metricRoutes } from './routes/metrics.js';
import { modelRoutes } from './routes/models.js';
import { projectRoutes } from './routes/projects.js';
import { tokenRoutes } from './routes/tokens.js';
import type { Services } from './services.js';

/** The Lambda's synchronous payload limit; the local run enforces the same so both behave alike. */
export const MAX_REQUEST_BYTES = 6 * 1024 * 1024;

export function createApp(services: Services, extend?: (app: Router) => void) {
  const app = newRouter();
  app.onError(async (error, c) => {
    // An answer given before the body was read (409 on an existing dataset, 404 on an unknown model) must
    // still read it: a client still sending would otherwise see the connection closed, not the answer.
    const request = c.req.raw;
    if (request.body && !request.bodyUsed && !request.body.locked)
      await request.arrayBuffer().catch(() => undefined);
    return handleError(error, c);
  });
  app.notFound((c) => c.json(errorBody('not_found', `no route ${c.req.method} ${c.req.path}`), 404));

  app.get('/health', (c) => c.json({ status: 'ok' }));
  extend?.(app);

  app.use(
    '/v1/*',
    bodyLimit({
      maxSize: MAX_REQUEST_BYTES,
      onError: () => {
        throw new PayloadTooLarge(
          `the request body is over ${MAX_REQUEST_BYTES} bytes; split a batch, or upload a large baseline through POST .../datasets/{dataset_id}/uploads`,
        );
      },
    }),
  );
  app.use('/v1/*', async (c, next) => {
    c.set('services', services);
    c.set('principal', await services.auth.authenticate(c.req.header('authorization')));
    await next();
  });
  // Access is checked before existence, so a scoped token learns nothing about other projects.
  app.use('/v1/projects/:project_id/*', async (c, next) => {
    const projectId = c.req.param('project_id');
    if (projectIdSchema.safeParse(projectId).success) requireProject(c.get('principal'), projectId);
    await next();
  });

  app.route('/', projectRoutes());
  app.route('/', tokenRoutes());
  app.route('/', datasetRoutes());
  app.route('/', modelRoutes());
  app.route('/', eventRoutes());
  app.route('/', metricRoutes());
  app.route('/', alertRoutes());

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  const documentConfig = {
    openapi: '3.0.3',
    info: {
      title: 'Modelwatch API',
      version: '1.0.0',
      description:
        'Monitor deployed ML models: publish events, and read drift, performance, data integrity and traffic metrics.',
    },
    security: [{ bearer: [] }],
  };
  app.doc('/openapi.json', documentConfig);
  app.get('/docs', (c) => c.html(renderApiReference(app.getOpenAPIDocument(documentConfig))));
  return app;
}

export type App = ReturnType<typeof createApp>;
