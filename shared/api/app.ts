// The one Hono application: the Lambda adapter and the local Node server both serve this object.
import { requireProject } from '../auth/tokens.js';
import { projectIdSchema } from '../ids.js';
import { errorBody, handleError } from './errors.js';
import { renderApiReference } from './reference-page.js';
import { drainSmallRequest, limitRequestBody } from './request-body.js';
import { newRouter, type Router } from './router.js';
import { adminRoutes } from './routes/admin.js';
import { alertRoutes } from './routes/alerts.js';
import { datasetRoutes } from './routes/datasets.js';
import { eventRoutes } from './routes/events.js';
import { incidentRoutes } from './routes/incidents.js';
import { metricRoutes } from './routes/metrics.js';
import { modelRoutes } from './routes/models.js';
import { performanceRoutes } from './routes/performance.js';
import { projectRoutes } from './routes/projects.js';
import { segmentRoutes } from './routes/segments.js';
import { tokenRoutes } from './routes/tokens.js';
import type { Services } from './services.js';

// The body limits live with the body readers; callers (the SDK's batch splitting) import them from here.
export { MAX_FRAMED_BYTES, MAX_REQUEST_BYTES } from './request-body.js';

export function createApp(services: Services, extend?: (app: Router) => void) {
  const app = newRouter();
  app.onError(async (error, c) => {
    // An answer given before the body was read (401, 404 on an unknown model, 409 on an existing dataset)
    // drains only a small body: reading a large one whole would let anyone, without a token, fill memory.
    await drainSmallRequest(c.req.raw);
    return handleError(error, c);
  });
  app.notFound((c) => c.json(errorBody('not_found', `no route ${c.req.method} ${c.req.path}`), 404));

  app.get('/health', async (c) => {
    const health = await services.health();
    if (health.ok) return c.json({ status: 'ok' });
    c.header('retry-after', '1');
    return c.json(
      {
        status: 'unavailable',
        ...errorBody('storage_unavailable', health.reason ?? 'storage is not usable'),
      },
      503,
    );
  });
  extend?.(app);

  // Authentication comes first, so a request without a valid token never has its body read.
  app.use('/v1/*', async (c, next) => {
    c.set('services', services);
    c.set('principal', await services.auth.authenticate(c.req.header('authorization')));
    await next();
  });
  app.use('/v1/*', limitRequestBody());
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
  app.route('/', segmentRoutes());
  app.route('/', metricRoutes());
  app.route('/', performanceRoutes());
  app.route('/', alertRoutes());
  app.route('/', incidentRoutes());
  app.route('/', adminRoutes());

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
