// Dataset routes: baseline upload (inline, or by reference to a presigned upload) and dataset info.
import type { z } from '@hono/zod-openapi';
import { DEFAULT_MAX_INFERRED_CARDINALITY } from '../../baselines/infer.js';
import { firstSignificantByte, isRecord, tableFormatOf } from '../../bodies/records.js';
import { completeUpload, getDatasetInfo, startUpload, uploadDataset } from '../../datasets/datasets.js';
import { InvalidInput } from '../../errors.js';
import { readAll } from '../../storage/blobs.js';
import { bodyStream } from '../request-body.js';
import { conflictResponse, json, mediaResponses } from '../responses.js';
import { jsonBody, routesTagged } from '../route.js';
import { newRouter } from '../router.js';
import { datasetInfoSchema, datasetParams, datasetQuery, startUploadBody, uploadSchema } from '../schemas.js';

const tableBody = {
  required: true,
  description:
    'The baseline rows: CSV with a header, NDJSON (one JSON object per line), or a JSON array of objects. ' +
    'Alternatively `{"upload_id": "..."}` (application/json) to profile a file PUT to a presigned upload URL.',
  content: {
    'text/csv': { schema: { type: 'string' as const } },
    'application/x-ndjson': { schema: { type: 'string' as const } },
    'application/json': {
      schema: {
        oneOf: [
          { type: 'array' as const, items: { type: 'object' as const } },
          {
            type: 'object' as const,
            properties: { upload_id: { type: 'string' as const } },
            required: ['upload_id'],
          },
        ],
      },
    },
  },
};

const route = routesTagged('Datasets');
const dataset = '/v1/projects/{project_id}/datasets/{dataset_id}';

const upload = route({
  method: 'put',
  path: dataset,
  summary: 'Upload a baseline dataset and infer its schema',
  request: { params: datasetParams, query: datasetQuery, body: tableBody },
  responses: { 201: json(datasetInfoSchema, 'Created'), ...conflictResponse, ...mediaResponses },
});

const get = route({
  method: 'get',
  path: dataset,
  summary: 'Dataset info: row count and inferred columns',
  request: { params: datasetParams },
  responses: { 200: json(datasetInfoSchema, 'Dataset info') },
});

const start = route({
  method: 'post',
  path: `${dataset}/uploads`,
  summary: 'Start an upload of a baseline too large for one request (up to 100 MB)',
  description:
    'Answers a URL to PUT the file to, with the headers to send. Then `PUT .../datasets/{dataset_id}` with ' +
    '`{"upload_id": "..."}` profiles it.',
  request: { params: datasetParams, body: jsonBody(startUploadBody, false) },
  responses: { 201: json(uploadSchema, 'Upload started') },
});

export function datasetRoutes() {
  return newRouter()
    .openapi(upload, async (c) => {
      const { project_id, dataset_id } = c.req.valid('param');
      const maxCardinality =
        c.req.valid('query').max_inferred_cardinality ?? DEFAULT_MAX_INFERRED_CARDINALITY;
      const services = c.get('services');
      const format = tableFormatOf(c.req.header('content-type'));
      let body = bodyStream(c);
      if (format === 'json') {
        const peeked = await firstSignificantByte(body);
        body = peeked.rest;
        if (peeked.byte === '{') {
          const uploadId = uploadIdOf((await readAll(body)).toString('utf8'));
          const info = await completeUpload(services, project_id, dataset_id, uploadId, maxCardinality);
          return c.json(info, 201);
        }
      }
      const info = await uploadDataset(services, project_id, dataset_id, { body, format }, maxCardinality);
      return c.json(info, 201);
    })
    .openapi(get, async (c) => {
      const { project_id, dataset_id } = c.req.valid('param');
      return c.json(await getDatasetInfo(c.get('services'), project_id, dataset_id), 200);
    })
    .openapi(start, async (c) => {
      const { project_id, dataset_id } = c.req.valid('param');
      const { content_type } = c.req.valid('json') as Partial<z.infer<typeof startUploadBody>>;
      const answer = await startUpload(
        c.get('services'),
        project_id,
        dataset_id,
        tableFormatOf(content_type ?? 'text/csv'),
      );
      return c.json(answer, 201);
    });
}

/** The shape `startUpload` gives out; anything else could never name an upload, and an over-long one is no key. */
const UPLOAD_ID = /^[A-Za-z0-9_-]{1,128}$/;

function uploadIdOf(text: string): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InvalidInput('the request body is not valid JSON');
  }
  if (!isRecord(value) || typeof value.upload_id !== 'string' || value.upload_id === '') {
    throw new InvalidInput('upload_id is required (a JSON object body refers to a presigned upload)');
  }
  if (!UPLOAD_ID.test(value.upload_id)) {
    throw new InvalidInput('upload_id is not an id that POST .../uploads gives out');
  }
  return value.upload_id;
}
