// Baseline upload over real HTTP: schema inference from CSV, NDJSON and JSON bodies, and the upload flow.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, clientFor, startTestService, type TestService } from '../support/local-service.js';

let service: TestService;
let admin: Client;
const base = '/v1/projects/shop/datasets';

beforeAll(async () => {
  service = await startTestService();
  admin = clientFor(service.url, service.adminToken);
  await admin.post('/v1/projects', { project_id: 'shop' });
});

afterAll(() => service.destroy());

const column = (info: { columns: Array<{ name: string }> }, name: string) =>
  info.columns.find((c) => c.name === name);

describe('baseline upload', () => {
  it('infers int, float, bool, category and str columns from CSV', async () => {
    const csv = [
      'n,x,flag,color,note',
      '1,0.5,true,red,a',
      '2,1,false,blue,',
      '3,2.25,TRUE,red,c',
      ',3,false,green,a',
    ].join('\n');
    const answer = await admin.put(`${base}/colors?max_inferred_cardinality=2`, csv, 'text/csv');
    expect(answer.status).toBe(201);
    expect(answer.body.dataset_id).toBe('colors');
    expect(answer.body.row_count).toBe(4);
    expect(column(answer.body, 'n')).toEqual({
      name: 'n',
      data_type: 'int',
      nullable: true,
      min: 1,
      max: 3,
      categories: null,
    });
    expect(column(answer.body, 'x')).toEqual({
      name: 'x',
      data_type: 'float',
      nullable: false,
      min: 0.5,
      max: 3,
      categories: null,
    });
    expect(column(answer.body, 'flag')).toMatchObject({ data_type: 'bool', min: null, max: null });
    // Three distinct colors with a limit of two: too many for a category.
    expect(column(answer.body, 'color')).toMatchObject({ data_type: 'str', categories: null });
    expect(column(answer.body, 'note')).toMatchObject({
      data_type: 'category',
      nullable: true,
      categories: ['a', 'c'],
    });
  });

  it('infers the same schema from NDJSON and from a JSON array', async () => {
    const rows = [
      { id: 1, score: 0.25, plan: 'pro', active: true },
      { id: 2, score: 0.5, plan: 'free', active: false },
      { id: 3, score: null, plan: 'pro', active: true },
    ];
    const ndjson = await admin.put(
      `${base}/nd`,
      rows.map((r) => JSON.stringify(r)).join('\n'),
      'application/x-ndjson',
    );
    const array = await admin.put(`${base}/arr`, rows, 'application/json');
    expect(ndjson.status).toBe(201);
    expect(array.status).toBe(201);
    expect(array.body.columns).toEqual(ndjson.body.columns);
    expect(column(array.body, 'plan')).toMatchObject({ data_type: 'category', categories: ['free', 'pro'] });
    expect(column(array.body, 'score')).toMatchObject({
      data_type: 'float',
      nullable: true,
      min: 0.25,
      max: 0.5,
    });
  });

  it('answers dataset info with GET', async () => {
    await admin.put(`${base}/info`, 'a,b\n1,x\n2,y\n', 'text/csv');
    const answer = await admin.get(`${base}/info`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      dataset_id: 'info',
      row_count: 2,
      columns: [
        { name: 'a', data_type: 'int', nullable: false, min: 1, max: 2, categories: null },
        { name: 'b', data_type: 'category', nullable: false, min: null, max: null, categories: ['x', 'y'] },
      ],
    });
  });

  it('answers 409 when the dataset id is taken, keeping the first baseline', async () => {
    await admin.put(`${base}/fixed`, 'a\n1\n', 'text/csv');
    const again = await admin.put(`${base}/fixed`, 'a\n1\n2\n', 'text/csv');
    expect(again.status).toBe(409);
    expect((await admin.get(`${base}/fixed`)).body.row_count).toBe(1);
  });

  it('answers 409 to a large body for an existing dataset, rather than closing the connection', async () => {
    await admin.put(`${base}/taken`, 'a\n1\n', 'text/csv');
    const body = `a,b\n${'1,2\n'.repeat(750_000)}`;
    const answer = await admin.put(`${base}/taken`, body, 'text/csv');
    expect(answer.status).toBe(409);
  });

  it('answers 404 for an unknown project or dataset', async () => {
    expect((await admin.put('/v1/projects/nowhere/datasets/dd', 'a\n1\n', 'text/csv')).status).toBe(404);
    expect((await admin.get(`${base}/missing`)).status).toBe(404);
  });

  it('answers 400 for a bad dataset id and 415 for an unknown content type', async () => {
    const badId = await admin.put(`${base}/Bad_Id`, 'a\n1\n', 'text/csv');
    expect(badId.status).toBe(400);
    expect(badId.body.error.message).toContain('dataset_id');
    const media = await admin.put(`${base}/plain`, 'a\n1\n', 'text/plain');
    expect(media.status).toBe(415);
    expect(media.body.error.message).toContain('text/csv');
  });

  it.each([
    ['a CSV row with too many cells', 'a,b\n1,2\n3,4,5\n', 'text/csv', /row/],
    ['a CSV header naming a column twice', 'a,a\n1,2\n', 'text/csv', /twice/],
    ['an NDJSON line that is not JSON', '{"a":1}\n{oops\n', 'application/x-ndjson', /row 1/],
    ['a JSON object instead of an array', '{"a": 1}', 'application/json', /upload_id/],
    ['a JSON array of numbers', '[1, 2]', 'application/json', /row 0/],
    ['a header with no rows', 'a,b\n', 'text/csv', /no rows/],
  ])('rejects %s with 400 and stores nothing', async (_case, body, type, message) => {
    const id = `bad-${Math.random().toString(36).slice(2, 8)}`.replace(/^bad-\d/, 'bad-x');
    const answer = await admin.put(`${base}/${id}`, body, type);
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(message);
    expect((await admin.get(`${base}/${id}`)).status).toBe(404);
  });
});

describe('large baselines through the upload flow', () => {
  it('answers 413 naming the upload flow when an inline body is over the request limit', async () => {
    const big = `a,b\n${'123456789,abcdefghij\n'.repeat(330_000)}`;
    const answer = await admin.put(`${base}/too-big`, big, 'text/csv');
    expect(answer.status).toBe(413);
    expect(answer.body.error.message).toContain('uploads');
  });

  it('profiles a 12 MB CSV (over the inline limit) PUT to a presigned URL, then referenced by upload_id', async () => {
    const rows = 600_000;
    const lines = ['id,amount,region,ok'];
    for (let i = 0; i < rows; i++) lines.push(`${i},${(i % 1000) / 10},r${i % 7},${i % 2 === 0}`);
    const csv = `${lines.join('\n')}\n`;
    expect(csv.length).toBeGreaterThan(6 * 1024 * 1024);

    const started = await admin.post(`${base}/big/uploads`, { content_type: 'text/csv' });
    expect(started.status).toBe(201);
    expect(started.body.method).toBe('PUT');
    const put = await fetch(started.body.url, { method: 'PUT', headers: started.body.headers, body: csv });
    expect(put.status).toBe(200);

    const answer = await admin.put(`${base}/big`, { upload_id: started.body.upload_id });
    expect(answer.status).toBe(201);
    expect(answer.body.row_count).toBe(rows);
    expect(column(answer.body, 'amount')).toMatchObject({ data_type: 'float', min: 0, max: 99.9 });
    expect(column(answer.body, 'region')).toMatchObject({
      data_type: 'category',
      categories: ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6'],
    });
    expect(column(answer.body, 'ok')).toMatchObject({ data_type: 'bool' });
  }, 120_000);

  it('refuses an upload URL whose signature was tampered with (403)', async () => {
    const started = await admin.post(`${base}/tamper/uploads`, {});
    const url = new URL(started.body.url);
    url.searchParams.set('signature', 'forged');
    const put = await fetch(url, { method: 'PUT', body: 'a\n1\n' });
    expect(put.status).toBe(403);
  });

  it('answers 404 for an unknown upload_id and 400 before any bytes arrived', async () => {
    expect((await admin.put(`${base}/nothing`, { upload_id: 'up_unknown' })).status).toBe(404);
    const started = await admin.post(`${base}/early/uploads`, {});
    const early = await admin.put(`${base}/early`, { upload_id: started.body.upload_id });
    expect(early.status).toBe(400);
    expect(early.body.error.message).toContain('upload_id');
  });
});
