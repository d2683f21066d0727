// Contract sections 1-3 over real HTTP: health, tokens, projects and who may see what.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, clientFor, startTestService, type TestService } from '../support/local-service.js';

let service: TestService;
let admin: Client;

beforeAll(async () => {
  service = await startTestService();
  admin = clientFor(service.url, service.adminToken);
  await admin.post('/v1/projects', { project_id: 'alpha' });
  await admin.post('/v1/projects', { project_id: 'beta' });
});

afterAll(() => service.destroy());

describe('health', () => {
  it('answers 200 {"status":"ok"} without a token', async () => {
    const answer = await clientFor(service.url).get('/health');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'ok' });
  });
});

describe('authentication', () => {
  it('answers 401 in the error shape when no token is sent', async () => {
    const answer = await clientFor(service.url).get('/v1/projects');
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe('unauthorized');
    expect(answer.body.error.message).toMatch(/token/i);
  });

  it('answers 401 for an unknown token, even one shaped like a real one', async () => {
    const fake = `mw.tok_${'a'.repeat(16)}.${'b'.repeat(43)}`;
    expect((await clientFor(service.url, 'nope').get('/v1/projects')).status).toBe(401);
    expect((await clientFor(service.url, fake).get('/v1/projects')).status).toBe(401);
  });

  it('checks the token before validating the body', async () => {
    const answer = await clientFor(service.url).post('/v1/projects', 'not json');
    expect(answer.status).toBe(401);
  });
});

describe('projects', () => {
  it('creates a project with 201 and answers 409 for the same id', async () => {
    const created = await admin.post('/v1/projects', { project_id: 'gamma' });
    expect(created.status).toBe(201);
    expect(created.body.project_id).toBe('gamma');
    const again = await admin.post('/v1/projects', { project_id: 'gamma' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_exists');
  });

  it.each([
    ['too short', 'a'],
    ['starting with a digit', '1abc'],
    ['with capitals', 'Alpha'],
    ['with a slash', 'a/b'],
    ['65 characters long', `a${'b'.repeat(64)}`],
  ])('rejects a project id %s with 400 naming project_id', async (_case, projectId) => {
    const answer = await admin.post('/v1/projects', { project_id: projectId });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toContain('project_id');
  });

  it('rejects a body that is not JSON with 400', async () => {
    const answer = await admin.post('/v1/projects', '{"project_id": ');
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('invalid_request');
  });

  it('lists projects in pages joined by next_token', async () => {
    const first = await admin.get('/v1/projects?limit=1');
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.next_token).toEqual(expect.any(String));
    const ids: string[] = [];
    let token: string | undefined;
    do {
      const page = await admin.get(
        `/v1/projects?limit=2${token ? `&next_token=${encodeURIComponent(token)}` : ''}`,
      );
      ids.push(...page.body.items.map((p: { project_id: string }) => p.project_id));
      token = page.body.next_token;
    } while (token);
    expect(ids).toEqual(expect.arrayContaining(['alpha', 'beta']));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('rejects a next_token it did not give out with 400', async () => {
    const answer = await admin.get('/v1/projects?next_token=garbage!');
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toContain('next_token');
  });
});

describe('project-scoped tokens', () => {
  let scoped: Client;
  let tokenId: string;

  beforeAll(async () => {
    const created = await admin.post('/v1/tokens', { name: 'alpha publisher', projects: ['alpha'] });
    expect(created.status).toBe(201);
    tokenId = created.body.token_id;
    scoped = clientFor(service.url, created.body.token);
  });

  it('shows the secret once and never stores it', async () => {
    const created = await admin.post('/v1/tokens', { name: 'one-off', projects: ['beta'] });
    expect(created.body.token).toMatch(/^mw\./);
    const { readFile, readdir } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const dbDir = join(service.dataDir, 'dynamodb');
    const files = await readdir(dbDir);
    const contents = await Promise.all(
      files.map((f) => readFile(join(dbDir, f)).catch(() => Buffer.alloc(0))),
    );
    const secret = String(created.body.token).split('.')[2] as string;
    expect(contents.some((c) => c.includes(secret))).toBe(false);
  });

  it('sees only its own projects in the project list', async () => {
    const answer = await scoped.get('/v1/projects');
    expect(answer.status).toBe(200);
    expect(answer.body.items.map((p: { project_id: string }) => p.project_id)).toEqual(['alpha']);
  });

  it('works on its project (200) and gets 403 on another, existing or not', async () => {
    await admin.put('/v1/projects/alpha/datasets/d1', 'x,y\n1,2\n', 'text/csv');
    expect((await scoped.get('/v1/projects/alpha/datasets/d1')).status).toBe(200);
    const other = await scoped.get('/v1/projects/beta/datasets/d1');
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('forbidden');
    const missing = await scoped.get('/v1/projects/nosuchproject/datasets/d1');
    expect(missing.status).toBe(403);
  });

  it('cannot create projects or tokens (403)', async () => {
    expect((await scoped.post('/v1/projects', { project_id: 'delta' })).status).toBe(403);
    expect((await scoped.post('/v1/tokens', { name: 'x', projects: ['alpha'] })).status).toBe(403);
  });

  it('is refused with 401 once revoked', async () => {
    const created = await admin.post('/v1/tokens', { name: 'short-lived', projects: ['alpha'] });
    const shortLived = clientFor(service.url, created.body.token);
    expect((await shortLived.get('/v1/projects')).status).toBe(200);
    expect((await admin.delete(`/v1/tokens/${created.body.token_id}`)).status).toBe(204);
    expect((await shortLived.get('/v1/projects')).status).toBe(401);
    expect((await admin.delete(`/v1/tokens/${created.body.token_id}`)).status).toBe(404);
  });

  it('cannot be created for a project that does not exist (404 naming it)', async () => {
    const answer = await admin.post('/v1/tokens', { name: 'x', projects: ['nowhere'] });
    expect(answer.status).toBe(404);
    expect(answer.body.error.message).toContain('nowhere');
  });

  it('needs a name and at least one project (400 naming the field)', async () => {
    const noProjects = await admin.post('/v1/tokens', { name: 'x', projects: [] });
    expect(noProjects.status).toBe(400);
    expect(noProjects.body.error.message).toContain('projects');
    const noName = await admin.post('/v1/tokens', { projects: ['alpha'] });
    expect(noName.status).toBe(400);
    expect(noName.body.error.message).toContain('name');
  });

  it('keeps the scoped token usable while others are revoked', async () => {
    expect(tokenId).toMatch(/^tok_/);
    expect((await scoped.get('/v1/projects')).status).toBe(200);
  });
});

describe('API description', () => {
  it('serves an OpenAPI document that names every contract route', async () => {
    const answer = await clientFor(service.url).get('/openapi.json');
    expect(answer.status).toBe(200);
    const paths = Object.keys(answer.body.paths);
    for (const path of [
      '/v1/projects',
      '/v1/tokens',
      '/v1/projects/{project_id}/datasets/{dataset_id}',
      '/v1/projects/{project_id}/models/{model_id}',
      '/v1/projects/{project_id}/models/{model_id}/monitoring',
      '/v1/projects/{project_id}/models/{model_id}/events',
      '/v1/projects/{project_id}/models/{model_id}/events/batch',
      '/v1/projects/{project_id}/models/{model_id}/events/{event_id}',
    ]) {
      expect(paths).toContain(path);
    }
  });

  it('renders a readable API reference page', async () => {
    const response = await fetch(`${service.url}/docs`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<h2 id="Events">Events</h2>');
    expect(html).toContain('/v1/projects/{project_id}/models/{model_id}/events/batch');
  });

  it('answers 404 in the error shape for a route that does not exist', async () => {
    const answer = await admin.get('/v1/nothing-here');
    expect(answer.status).toBe(404);
    expect(answer.body.error.code).toBe('not_found');
  });
});
