// What every route shares, so a route file says only what is particular to each route: declarations get their
// tag and the error answers every route documents; handlers start from the model their path names, and list
// routes answer pages in one shape.
import { createRoute, type RouteConfig, z } from '@hono/zod-openapi';
import { requireModel } from '../models/models.js';
import type { ModelRef } from '../storage/profiles.js';
import type { ModelRecord } from '../storage/registry.js';
import { errorResponses } from './responses.js';
import type { Services } from './services.js';

/** A route as its file declares it: the error answers every route gives are added. */
interface RouteSpec {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  description?: string;
  request?: RouteConfig['request'];
  /** The route's own answers: its success, and errors beyond those of every route (409, 413, 415). */
  responses: RouteConfig['responses'];
}

type Declared<S extends RouteSpec> = S & {
  tags: string[];
  responses: S['responses'] & typeof errorResponses;
};

/** Declares the routes of one tag of the OpenAPI document. */
export function routesTagged(tag: string) {
  return <S extends RouteSpec>({ method, path, summary, description, request, responses }: S) =>
    createRoute({
      method,
      path,
      tags: [tag],
      summary,
      ...(description === undefined ? {} : { description }),
      ...(request === undefined ? {} : { request }),
      responses: { ...responses, ...errorResponses },
      // The spreads above lose createRoute's inference; the route is the spec with its tag and error answers.
    }) as unknown as Declared<S>;
}

/** A JSON request body, required unless said otherwise. */
export function jsonBody<T extends z.ZodType>(schema: T, required = true) {
  return { required, content: { 'application/json': { schema } } };
}

/** A page of a list: its items, and the token of the next page when there is one. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), next_token: z.string().optional() });
}

/** Items a list route answers when its query names no `limit`. */
const DEFAULT_PAGE_SIZE = 100;

/** A list route's answer: the page `list` gives for the query's `limit` and `next_token`, each item through `view`. */
export async function listPage<T, V = T>(
  query: { limit?: number; next_token?: string },
  list: (limit: number, nextToken?: string) => Promise<{ items: T[]; nextToken?: string }>,
  view: (item: T) => V = (item) => item as unknown as V,
): Promise<{ items: V[]; next_token?: string }> {
  const page = await list(query.limit ?? DEFAULT_PAGE_SIZE, query.next_token);
  const items = page.items.map(view);
  return page.nextToken ? { items, next_token: page.nextToken } : { items };
}

/** The handler context of a route whose path names a model. */
interface ModelPathContext {
  req: { valid(target: 'param'): ModelRef };
  get(key: 'services'): Services;
}

/** The services, and the model the path names: a 404 when it, or its project, does not exist. */
export async function modelFromPath(
  c: ModelPathContext,
): Promise<{ services: Services; record: ModelRecord; ref: ModelRef }> {
  const { project_id, model_id } = c.req.valid('param');
  const services = c.get('services');
  const record = await requireModel(services.registry, project_id, model_id);
  return { services, record, ref: { project_id, model_id } };
}
