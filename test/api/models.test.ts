// Model registration and monitoring config over real HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHURN_BASELINE_CSV,
  CHURN_MODEL,
  type Client,
  clientFor,
  startTestService,
  type TestService,
} from '../support/local-service.js';

let service: TestService;
let admin: Client;
const models = '/v1/projects/bank/models';

beforeAll(async () => {
  service = await startTestService();
  admin = clientFor(service.url, service.adminToken);
  await admin.post('/v1/projects', { project_id: 'bank' });
  await admin.put('/v1/projects/bank/datasets/baseline', CHURN_BASELINE_CSV, 'text/csv');
  await admin.put(
    '/v1/projects/bank/datasets/iris',
    [
      'a,b,species,p_setosa,p_versicolor,p_virginica,y',
      '1,2.5,setosa,0.8,0.1,0.1,1.5',
      '2,3.5,virginica,0.1,0.2,0.7,2.5',
    ].join('\n'),
    'text/csv',
  );
});

afterAll(() => service.destroy());

describe('model registration', () => {
  it('registers a binary model with 201 and default threshold, class order and retention', async () => {
    const answer = await admin.put(`${models}/churn`, CHURN_MODEL);
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({
      project_id: 'bank',
      model_id: 'churn',
      task: 'binary_classification',
      binary_classification_threshold: 0.5,
      target_class_order: [false, true],
      retention_days: 180,
      monitoring: { bins: {} },
    });
  });

  it('answers 409 for a model id that exists and keeps the first registration', async () => {
    await admin.put(`${models}/fixed`, CHURN_MODEL);
    const again = await admin.put(`${models}/fixed`, {
      ...CHURN_MODEL,
      binary_classification_threshold: 0.9,
    });
    expect(again.status).toBe(409);
    expect((await admin.get(`${models}/fixed`)).body.binary_classification_threshold).toBe(0.5);
  });

  it('returns model info with its monitoring config', async () => {
    await admin.put(`${models}/info`, CHURN_MODEL);
    const answer = await admin.get(`${models}/info`);
    expect(answer.status).toBe(200);
    expect(answer.body.inputs).toEqual(CHURN_MODEL.inputs);
    expect(answer.body.monitoring).toMatchObject({ bins: {}, version: 1 });
  });

  it('registers a multiclass model whose outputs follow the class order', async () => {
    const answer = await admin.put(`${models}/iris-clf`, {
      dataset_id: 'iris',
      task: 'multiclass_classification',
      inputs: ['a', 'b'],
      outputs: ['p_setosa', 'p_versicolor', 'p_virginica'],
      targets: ['species'],
      target_class_order: ['setosa', 'versicolor', 'virginica'],
    });
    expect(answer.status).toBe(201);
  });

  it('registers a regression model', async () => {
    const answer = await admin.put(`${models}/iris-reg`, {
      dataset_id: 'iris',
      task: 'regression',
      inputs: ['a'],
      outputs: ['b'],
      targets: ['y'],
      retention_days: 30,
    });
    expect(answer.status).toBe(201);
    expect(answer.body.retention_days).toBe(30);
  });

  it.each([
    ['an input missing from the dataset', { ...CHURN_MODEL, inputs: ['age', 'income'] }, 'income'],
    ['a column in two roles', { ...CHURN_MODEL, metadata: ['age'] }, 'age'],
    [
      'two outputs for a binary model',
      { ...CHURN_MODEL, outputs: ['probability_churned', 'balance'] },
      'outputs',
    ],
    ['a non-numeric output', { ...CHURN_MODEL, outputs: ['geography'] }, 'geography'],
    ['an unknown task', { ...CHURN_MODEL, task: 'ranking' }, 'task'],
    [
      'a threshold above 1',
      { ...CHURN_MODEL, binary_classification_threshold: 1.5 },
      'binary_classification_threshold',
    ],
    ['no inputs', { ...CHURN_MODEL, inputs: [] }, 'inputs'],
    ['a retention of 0 days', { ...CHURN_MODEL, retention_days: 0 }, 'retention_days'],
    ['a missing dataset_id', { ...CHURN_MODEL, dataset_id: undefined }, 'dataset_id'],
  ])('rejects %s with 400 naming it', async (_case, body, named) => {
    const answer = await admin.put(`${models}/bad`, body);
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toContain(named);
    expect((await admin.get(`${models}/bad`)).status).toBe(404);
  });

  it('rejects a multiclass model whose outputs do not match its classes', async () => {
    const answer = await admin.put(`${models}/bad-multi`, {
      dataset_id: 'iris',
      task: 'multiclass_classification',
      inputs: ['a'],
      outputs: ['p_setosa', 'p_versicolor'],
      targets: ['species'],
      target_class_order: ['setosa', 'versicolor', 'virginica'],
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toContain('outputs');
  });

  it('answers 404 for an unknown dataset, project or model', async () => {
    expect((await admin.put(`${models}/m1`, { ...CHURN_MODEL, dataset_id: 'nothing' })).status).toBe(404);
    expect((await admin.put('/v1/projects/nowhere/models/m1', CHURN_MODEL)).status).toBe(404);
    expect((await admin.get(`${models}/unknown`)).status).toBe(404);
  });
});

describe('monitoring config', () => {
  beforeAll(async () => {
    await admin.put(`${models}/binned`, CHURN_MODEL);
  });

  it('sets drift bin edges per numeric column and bumps the config version', async () => {
    const answer = await admin.put(`${models}/binned/monitoring`, { bins: { age: { edges: [30, 40, 50] } } });
    expect(answer.status).toBe(200);
    expect(answer.body.monitoring.bins).toEqual({ age: { edges: [30, 40, 50] } });
    expect(answer.body.monitoring.version).toBe(2);
    expect((await admin.get(`${models}/binned`)).body.monitoring.bins.age.edges).toEqual([30, 40, 50]);
  });

  it.each([
    ['edges that do not increase', { age: { edges: [3, 2] } }, 'bins.age.edges'],
    ['a category column', { geography: { edges: [1] } }, 'bins.geography'],
    ['a column that is not an input or output', { churned: { edges: [1] } }, 'bins.churned'],
    ['an empty edge list', { age: { edges: [] } }, 'edges'],
    ['a non-numeric edge', { age: { edges: ['a'] } }, 'edges'],
  ])('rejects %s with 400 naming the field', async (_case, bins, named) => {
    const answer = await admin.put(`${models}/binned/monitoring`, { bins });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toContain(named);
  });

  it('answers 404 for an unknown model', async () => {
    expect((await admin.put(`${models}/ghost/monitoring`, { bins: {} })).status).toBe(404);
  });
});

describe('the model list', () => {
  it("lists a project's models in id order, a page at a time", async () => {
    await admin.post('/v1/projects', { project_id: 'listed' });
    await admin.put('/v1/projects/listed/datasets/baseline', CHURN_BASELINE_CSV, 'text/csv');
    for (const id of ['zeta', 'alpha', 'mid']) {
      const body = { dataset_id: 'baseline', task: 'not_set', inputs: ['age'] };
      expect((await admin.put(`/v1/projects/listed/models/${id}`, body)).status).toBe(201);
    }

    const first = await admin.get('/v1/projects/listed/models?limit=2');
    const rest = await admin.get(`/v1/projects/listed/models?limit=2&next_token=${first.body.next_token}`);

    expect(first.body.items.map((m: { model_id: string }) => m.model_id)).toEqual(['alpha', 'mid']);
    expect(rest.body.items.map((m: { model_id: string }) => m.model_id)).toEqual(['zeta']);
    expect(first.body.items[0].monitoring.version).toBeGreaterThan(0);
  });

  it('answers 404 for an unknown project and 400 for a token from another list', async () => {
    expect((await admin.get('/v1/projects/nowhere/models')).status).toBe(404);
    const foreign = await admin.get('/v1/projects?limit=1');
    const token =
      foreign.body.next_token ??
      Buffer.from(JSON.stringify({ pk: 'PROJECTS', sk: 'x' })).toString('base64url');
    expect((await admin.get(`/v1/projects/listed/models?next_token=${token}`)).status).toBe(400);
  });
});
