// Random requests for every route of the contract: mostly near-valid ones (a valid request with one part
// replaced, dropped or corrupted) so they reach the storage code, and plain junk for the parsers.
import fc from 'fast-check';
import { CHURN_MODEL } from '../support/local-service.js';

export type Auth =
  | { kind: 'admin' }
  | { kind: 'scoped' }
  | { kind: 'none' }
  | { kind: 'header'; value: string };

export interface Attempt {
  method: string;
  path: string;
  body?: string;
  contentType?: string;
  auth: Auth;
}

/** The project holding data the random requests must not reach: no generator here names it. */
export const UNTOUCHED_PROJECT = 'vault';

/**
 * Only `__proto__` is left out of random field names: a JavaScript object literal cannot hold it as a plain key,
 * so a test could not send it the way a client would. Every other Object.prototype name is fair game.
 */
const PROTOTYPE_NAMES = new Set(['__proto__']);

function withoutPrototypeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPrototypeKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !PROTOTYPE_NAMES.has(key))
      .map(([key, inner]) => [key, withoutPrototypeKeys(inner)]),
  );
}

// ---- values

const printable = (constraints: { minLength?: number; maxLength?: number } = {}) =>
  fc.string({
    unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
    ...constraints,
  });
const anyJson = fc.jsonValue({ maxDepth: 3 }).map(withoutPrototypeKeys);
const anyObject = fc.object({ maxDepth: 2 }).map(withoutPrototypeKeys);
const identifierLike = fc.stringMatching(/^[a-z][a-z0-9_-]{1,20}$/);

/** Any finite number, including ones DynamoDB could not hold as a number attribute. */
const storableNumber = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));

const CHURN_COLUMNS = [
  ...CHURN_MODEL.inputs,
  ...CHURN_MODEL.outputs,
  ...CHURN_MODEL.targets,
  ...CHURN_MODEL.decisions,
  ...CHURN_MODEL.metadata,
];
const fieldName = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...CHURN_COLUMNS) },
  { weight: 1, arbitrary: fc.string({ minLength: 1 }).filter((name) => !PROTOTYPE_NAMES.has(name)) },
);
const columnValue = fc.oneof(
  storableNumber,
  fc.boolean(),
  fc.constantFrom('France', 'Spain', 'keep'),
  anyJson,
);

const eventTime = fc.oneof(
  fc.integer({ min: 0, max: Date.UTC(9999, 0) }),
  fc
    .date({ min: new Date(0), max: new Date(Date.UTC(9999, 0)), noInvalidDate: true })
    .map((d) => d.toISOString()),
);
const anyTime = fc.oneof(
  eventTime,
  storableNumber,
  fc.constantFrom('2026-01-01', '2026-01-01 10:00', 'last tuesday', '', '1e11', '0x10', '-1'),
  fc.string(),
);

/** A valid value of a record, with sometimes one field replaced by any JSON, or dropped. */
function mutated<T extends Record<string, unknown>>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 2, arbitrary: valid },
    {
      weight: 2,
      arbitrary: valid.chain((value) =>
        fc
          .record({ key: fc.constantFrom(...Object.keys(value), 'extra'), replacement: anyJson })
          .map(({ key, replacement }) => ({ ...value, [key]: replacement })),
      ),
    },
    {
      weight: 1,
      arbitrary: valid.chain((value) =>
        fc.constantFrom(...Object.keys(value)).map((key) => {
          const { [key]: _dropped, ...rest } = value;
          return rest;
        }),
      ),
    },
  );
}

// ---- path segments, queries, tokens, content types

const RAW_SEGMENTS = [
  '',
  '%',
  '%zz',
  '%E0%A4%A',
  '%2F',
  '%2e%2e',
  '%00',
  '%C0%AF',
  '%252F',
  'a%20b',
  '%F0%9F%98%80',
  "!$&'()*+,;=:@",
  '~',
  'A',
  'x'.repeat(300),
];

/** A path segment: random ids, unicode and control characters percent-encoded, broken escapes. */
const segment = fc.oneof(
  identifierLike.filter((id) => id !== UNTOUCHED_PROJECT),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).map(encodeURIComponent),
  fc
    .string({
      unit: fc.integer({ min: 0, max: 0x9f }).map((c) => String.fromCharCode(c)),
      minLength: 1,
      maxLength: 8,
    })
    .map(encodeURIComponent),
  fc.constantFrom(...RAW_SEGMENTS),
);
const mostly = <T>(value: T, other: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 3, arbitrary: fc.constant(value) }, { weight: 1, arbitrary: other });
const projectSegment = mostly('bank', segment);
const modelSegment = mostly('churn', segment);
const eventIdSegment = fc.oneof(
  fc.constantFrom('seeded-1', 'seeded-2'),
  segment,
  printable({ minLength: 1, maxLength: 140 }).map(encodeURIComponent),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 140 }).map(encodeURIComponent),
);
/** Datasets made by random requests all start with "fz"; model bodies never name one. */
const datasetSegment = fc.oneof(
  fc.constant('baseline'),
  identifierLike.map((id) => `fz${id}`),
  segment.filter((s) => !s.startsWith('fz')),
);

function queryOf(known: Record<string, fc.Arbitrary<string>> = {}): fc.Arbitrary<string> {
  const toQuery = (params: Record<string, string | undefined>) => {
    const pairs = Object.entries(params).filter((pair): pair is [string, string] => pair[1] !== undefined);
    return pairs.length === 0 ? '' : `?${new URLSearchParams(pairs)}`;
  };
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant('') },
    { weight: 2, arbitrary: fc.record(known, { requiredKeys: [] }).map(toQuery) },
    { weight: 1, arbitrary: fc.dictionary(fc.string(), fc.string(), { maxKeys: 4 }).map(toQuery) },
    {
      weight: 1,
      arbitrary: printable({ maxLength: 40 }).map((raw) => `?${raw}`),
    },
  );
}

const auth: fc.Arbitrary<Auth> = fc.oneof(
  { weight: 8, arbitrary: fc.constant({ kind: 'admin' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'scoped' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
  {
    weight: 1,
    arbitrary: fc
      .oneof(
        printable(),
        printable().map((token) => `Bearer ${token}`),
      )
      .map((value) => ({ kind: 'header' as const, value })),
  },
);

const contentType = fc.oneof(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'text/csv',
    'TEXT/CSV',
    'application/x-ndjson',
    'application/ndjson',
    'application/jsonl',
    'text/plain',
    'multipart/form-data; boundary=x',
    '',
  ),
  printable({ maxLength: 40 }),
);

// ---- bodies

interface Body {
  body?: string;
  contentType?: string;
}

/** A JSON route's body: mostly near-valid, else any JSON, non-JSON text, or any body under any type. */
function jsonBody(nearValid: fc.Arbitrary<unknown>): fc.Arbitrary<Body> {
  const asJson = (value: unknown): Body => ({
    body: JSON.stringify(value) ?? 'null',
    contentType: 'application/json',
  });
  return fc.oneof(
    { weight: 6, arbitrary: nearValid.map(asJson) },
    { weight: 1, arbitrary: anyJson.map(asJson) },
    { weight: 1, arbitrary: anyObject.map(asJson) },
    { weight: 1, arbitrary: fc.string().map((text) => ({ body: text, contentType: 'application/json' })) },
    {
      weight: 1,
      arbitrary: fc.record(
        { body: fc.option(fc.string(), { nil: undefined }), contentType },
        { requiredKeys: [] },
      ),
    },
  );
}

const eventRow = fc
  .record({
    event_id: fc.oneof(printable({ minLength: 1, maxLength: 40 }), fc.constantFrom('seeded-1', 'seeded-2')),
    event_timestamp: eventTime,
    fields: fc.dictionary(fieldName, columnValue, { maxKeys: 8 }),
  })
  .map(({ fields, ...row }) => withoutPrototypeKeys({ ...fields, ...row }) as Record<string, unknown>);
const tableRow = fc.oneof({ weight: 3, arbitrary: mutated(eventRow) }, { weight: 1, arbitrary: anyJson });

const csvCell = fc.oneof(
  fc.constant(''),
  storableNumber.map(String),
  fc.constantFrom('true', 'false', 'France', '2026-01-01T00:00:00Z', '1700000000000'),
  fc.string().map((text) => `"${text.replaceAll('"', '""')}"`),
  fc.string(),
);
const quotedIfNeeded = (name: string) => (/[",\r\n]/.test(name) ? `"${name.replaceAll('"', '""')}"` : name);

/** CSV text: mostly rectangular with a header of field names, sometimes ragged, sometimes any text. */
const csvText = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .uniqueArray(fc.oneof(fieldName, fc.constantFrom('event_id', 'event_timestamp')), {
        minLength: 1,
        maxLength: 7,
      })
      .chain((header) =>
        fc.record({
          header: fc.constant(header),
          rows: fc.array(fc.array(csvCell, { minLength: header.length, maxLength: header.length }), {
            maxLength: 8,
          }),
          newline: fc.constantFrom('\n', '\r\n'),
        }),
      )
      .map(({ header, rows, newline }) =>
        [header.map(quotedIfNeeded).join(','), ...rows.map((cells) => cells.join(','))].join(newline),
      ),
  },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.array(csvCell, { maxLength: 5 }), { maxLength: 5 })
      .map((rows) => rows.map((cells) => cells.join(',')).join('\n')),
  },
  { weight: 1, arbitrary: fc.string() },
);

const ndjsonText = fc
  .array(
    fc.oneof(
      { weight: 4, arbitrary: tableRow.map((row) => JSON.stringify(row) ?? '') },
      { weight: 1, arbitrary: fc.string() },
    ),
    { maxLength: 8 },
  )
  .chain((lines) => fc.constantFrom(lines.join('\n'), lines.join('\r\n'), `${lines.join('\n')}\n\n`));

const jsonArrayText = fc.oneof(
  { weight: 4, arbitrary: fc.array(tableRow, { maxLength: 8 }).map((rows) => JSON.stringify(rows)) },
  {
    weight: 1,
    arbitrary: fc.array(tableRow, { minLength: 1, maxLength: 6 }).chain((rows) => {
      const text = JSON.stringify(rows);
      return fc.nat({ max: text.length - 1 }).map((cut) => text.slice(0, cut));
    }),
  },
  { weight: 1, arbitrary: anyJson.map((value) => JSON.stringify(value) ?? '') },
);

/** A table body for a dataset or a batch: CSV, NDJSON or JSON text, under its own type or another. */
const tableBody: fc.Arbitrary<Body> = fc.oneof(
  { weight: 3, arbitrary: csvText.map((body) => ({ body, contentType: 'text/csv' })) },
  { weight: 3, arbitrary: ndjsonText.map((body) => ({ body, contentType: 'application/x-ndjson' })) },
  { weight: 3, arbitrary: jsonArrayText.map((body) => ({ body, contentType: 'application/json' })) },
  { weight: 1, arbitrary: fc.record({ body: fc.oneof(csvText, ndjsonText, jsonArrayText), contentType }) },
  {
    weight: 1,
    arbitrary: fc.record(
      { body: fc.option(fc.string(), { nil: undefined }), contentType },
      { requiredKeys: [] },
    ),
  },
);

const inputsOf = (columns: string[]) => fc.subarray(columns, { minLength: 1 });
const extras = {
  decisions: fc.subarray(['decision']),
  metadata: fc.subarray(['segment']),
  retention_days: fc.integer({ min: 1, max: 3650 }),
};

/** Registrations that are valid for the churn baseline, one per task. */
const validModel = fc.oneof(
  fc.record({
    dataset_id: fc.constant('baseline'),
    task: fc.constant('binary_classification'),
    inputs: inputsOf(['age', 'balance', 'geography', 'tenure']),
    outputs: fc.constant(['probability_churned']),
    targets: fc.constant(['churned']),
    binary_classification_threshold: fc.double({ min: 0.01, max: 1, noNaN: true }),
    ...extras,
  }),
  fc.record({
    dataset_id: fc.constant('baseline'),
    task: fc.constant('regression'),
    inputs: inputsOf(['age', 'geography', 'tenure']),
    outputs: fc.constant(['probability_churned']),
    targets: fc.constant(['balance']),
    ...extras,
  }),
  fc.record({
    dataset_id: fc.constant('baseline'),
    task: fc.constant('multiclass_classification'),
    inputs: fc.constant(['age']),
    outputs: fc.constant(['probability_churned', 'balance', 'tenure']),
    targets: fc.constant(['geography']),
    target_class_order: fc.constant(['France', 'Germany', 'Spain']),
    ...extras,
  }),
  fc.record({
    dataset_id: fc.constant('baseline'),
    task: fc.constant('not_set'),
    inputs: inputsOf(CHURN_COLUMNS),
    target_class_order: fc.array(fc.oneof(printable(), fc.integer(), fc.boolean()), { maxLength: 3 }),
  }),
);

const validMonitoring = fc.record({
  bins: fc
    .dictionary(
      fc.constantFrom('age', 'balance', 'tenure', 'probability_churned'),
      fc
        .uniqueArray(storableNumber, { minLength: 1, maxLength: 6 })
        .map((edges) => ({ edges: edges.sort((a, b) => a - b) })),
      { maxKeys: 3 },
    )
    .map(withoutPrototypeKeys),
});

const validEvent = fc.record({
  event: fc.dictionary(fieldName, columnValue, { maxKeys: 9 }).map(withoutPrototypeKeys),
  event_id: fc.oneof(printable({ minLength: 1, maxLength: 40 }), fc.constantFrom('seeded-1', 'seeded-2')),
  update_event: fc.oneof(
    { weight: 3, arbitrary: fc.constant(false) },
    { weight: 1, arbitrary: fc.constant(true) },
  ),
  event_timestamp: fc.oneof({ weight: 3, arbitrary: eventTime }, { weight: 1, arbitrary: anyTime }),
});

const batchQuery = queryOf({
  update_event: fc.oneof(fc.constantFrom('true', 'false'), fc.string()),
  id_field: fc.oneof(fc.constantFrom('event_id', 'age', 'nope'), fc.string()),
  timestamp_field: fc.oneof(fc.constantFrom('event_timestamp', 'tenure'), fc.string()),
  timestamp_format: fc.oneof(fc.constantFrom('infer', 'epoch_ms', 'epoch_s', 'iso8601'), fc.string()),
});

// ---- the routes of the contract

const modelPath = (p: string, m: string) => `/v1/projects/${p}/models/${m}`;

export const ROUTES: Array<{ route: string; attempts: fc.Arbitrary<Attempt> }> = [
  {
    route: 'POST /v1/projects',
    attempts: fc
      .record({
        body: jsonBody(mutated(fc.record({ project_id: identifierLike.map((id) => `fz${id}`) }))),
        auth,
      })
      .map(({ body, auth }) => ({ method: 'POST', path: '/v1/projects', ...body, auth })),
  },
  {
    route: 'GET /v1/projects',
    attempts: fc
      .record({
        query: queryOf({ limit: fc.oneof(fc.integer().map(String), fc.string()), next_token: fc.string() }),
        auth,
      })
      .map(({ query, auth }) => ({ method: 'GET', path: `/v1/projects${query}`, auth })),
  },
  {
    route: 'POST /v1/tokens',
    attempts: fc
      .record({
        body: jsonBody(
          mutated(
            fc.record({
              name: fc.string({ minLength: 1, maxLength: 200 }),
              projects: fc.array(fc.oneof(fc.constant('bank'), identifierLike), {
                minLength: 1,
                maxLength: 3,
              }),
            }),
          ),
        ),
        auth,
      })
      .map(({ body, auth }) => ({ method: 'POST', path: '/v1/tokens', ...body, auth })),
  },
  {
    route: 'DELETE /v1/tokens/{token_id}',
    attempts: fc
      .record({ id: fc.oneof(segment, fc.constant('tok_AAAAAAAAAAAAAAAA')), auth })
      .map(({ id, auth }) => ({ method: 'DELETE', path: `/v1/tokens/${id}`, auth })),
  },
  {
    route: 'PUT /v1/projects/{p}/datasets/{d}',
    attempts: fc
      .record({
        p: projectSegment,
        d: datasetSegment,
        query: queryOf({ max_inferred_cardinality: fc.oneof(fc.integer().map(String), fc.string()) }),
        body: fc.oneof(
          { weight: 4, arbitrary: tableBody },
          { weight: 1, arbitrary: jsonBody(mutated(fc.record({ upload_id: fc.string() }))) },
        ),
        auth,
      })
      .map(({ p, d, query, body, auth }) => ({
        method: 'PUT',
        path: `/v1/projects/${p}/datasets/${d}${query}`,
        ...body,
        auth,
      })),
  },
  {
    route: 'GET /v1/projects/{p}/datasets/{d}',
    attempts: fc
      .record({ p: projectSegment, d: datasetSegment, query: queryOf(), auth })
      .map(({ p, d, query, auth }) => ({
        method: 'GET',
        path: `/v1/projects/${p}/datasets/${d}${query}`,
        auth,
      })),
  },
  {
    route: 'POST /v1/projects/{p}/datasets/{d}/uploads',
    attempts: fc
      .record({
        p: projectSegment,
        d: datasetSegment,
        body: jsonBody(mutated(fc.record({ content_type: contentType }))),
        auth,
      })
      .map(({ p, d, body, auth }) => ({
        method: 'POST',
        path: `/v1/projects/${p}/datasets/${d}/uploads`,
        ...body,
        auth,
      })),
  },
  {
    route: 'PUT /v1/projects/{p}/models/{m}',
    attempts: fc
      .record({ p: projectSegment, m: segment, body: jsonBody(mutated(validModel)), auth })
      .map(({ p, m, body, auth }) => ({ method: 'PUT', path: modelPath(p, m), ...body, auth })),
  },
  {
    route: 'GET /v1/projects/{p}/models/{m}',
    attempts: fc
      .record({ p: projectSegment, m: modelSegment, query: queryOf(), auth })
      .map(({ p, m, query, auth }) => ({ method: 'GET', path: `${modelPath(p, m)}${query}`, auth })),
  },
  {
    route: 'PUT /v1/projects/{p}/models/{m}/monitoring',
    attempts: fc
      .record({ p: projectSegment, m: modelSegment, body: jsonBody(mutated(validMonitoring)), auth })
      .map(({ p, m, body, auth }) => ({
        method: 'PUT',
        path: `${modelPath(p, m)}/monitoring`,
        ...body,
        auth,
      })),
  },
  {
    route: 'POST /v1/projects/{p}/models/{m}/events',
    attempts: fc
      .record({ p: projectSegment, m: modelSegment, body: jsonBody(mutated(validEvent)), auth })
      .map(({ p, m, body, auth }) => ({ method: 'POST', path: `${modelPath(p, m)}/events`, ...body, auth })),
  },
  {
    route: 'POST /v1/projects/{p}/models/{m}/events/batch',
    attempts: fc
      .record({ p: projectSegment, m: modelSegment, query: batchQuery, body: tableBody, auth })
      .map(({ p, m, query, body, auth }) => ({
        method: 'POST',
        path: `${modelPath(p, m)}/events/batch${query}`,
        ...body,
        auth,
      })),
  },
  {
    route: 'GET /v1/projects/{p}/models/{m}/events/{event_id}',
    attempts: fc
      .record({ p: projectSegment, m: modelSegment, id: eventIdSegment, auth })
      .map(({ p, m, id, auth }) => ({ method: 'GET', path: `${modelPath(p, m)}/events/${id}`, auth })),
  },
];
