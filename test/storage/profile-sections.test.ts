// A wide profile is stored as a core and column sections (metrics/profile-sections.ts), so a query of some columns
// fetches only theirs. Against dynalite: the layout, what a selective read fetches, replacing split and whole
// profiles, a query racing a write, and every metric answering over split profiles as over whole ones.
import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rollUp, stateHolder } from '../../shared/fold/rollups.js';
import { absorbEvent, emptyProfile, type HourProfile, mergeProfiles } from '../../shared/metrics/profile.js';
import { PROFILE_LAYOUT, type ProfileLayout } from '../../shared/metrics/profile-sections.js';
import { METRIC_IDS, metricDefinition } from '../../shared/metrics/registry.js';
import { seededRandom } from '../../shared/metrics/seeded-random.js';
import { buildMonitorSpec, type MonitorSpec } from '../../shared/metrics/spec.js';
import { columnDistribution } from '../../shared/queries/distributions.js';
import { performanceDetails } from '../../shared/queries/performance.js';
import { queryMetrics } from '../../shared/queries/query.js';
import type { ColumnProfile, ModelInfo } from '../../shared/schema/types.js';
import type { SpecDeps } from '../../shared/specs/specs.js';
import type { TableNames } from '../../shared/storage/dynamo/client.js';
import {
  ITEM_LIMIT_BYTES,
  type Item,
  itemBytes,
  sectionsOf,
} from '../../shared/storage/dynamo/large-items.js';
import { dynamoProfileStore } from '../../shared/storage/dynamo/profiles.js';
import type { ModelState, ProfileStore } from '../../shared/storage/profiles.js';
import type { ModelRecord } from '../../shared/storage/registry.js';
import { startTestDynamo, type TestDynamo } from '../support/test-dynamo.js';

const TABLES: TableNames = { registry: 'ps-registry', events: 'ps-events', profiles: 'ps-profiles' };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.UTC(2026, 5, 1);
/** Every profile split, every column a section of its own (or sharing one by hash). */
const SPLIT_ALL: ProfileLayout = { splitFromBytes: 0, sectionBytes: 1 };

let dynamo: TestDynamo;
let documents: DynamoDBDocumentClient;

beforeAll(async () => {
  dynamo = await startTestDynamo(TABLES);
  ({ documents } = dynamo);
});

afterAll(() => dynamo?.close());

/** A binary model with `numeric` float inputs, a category, a bool, its score and its label. */
function binaryModel(id: string, numeric: number): { info: ModelInfo; spec: MonitorSpec } {
  const rand = seededRandom(numeric);
  const names = Array.from({ length: numeric }, (_, i) => `x${i}`);
  const sorted: Record<string, Float64Array> = {};
  const numericColumn = (name: string, max: number): ColumnProfile => {
    const values = Float64Array.from({ length: 400 }, () => rand() * max).sort();
    sorted[name] = values;
    return {
      name,
      data_type: 'float',
      nullable: false,
      min: 0,
      max,
      categories: null,
      value_count: 400,
      deciles: [1, 2, 3, 4, 5, 6, 7, 8, 9].map((d) => values[d * 40] as number),
      category_counts: null,
      bool_counts: null,
    };
  };
  const flag = (name: string, nullable: boolean): ColumnProfile => ({
    name,
    data_type: 'bool',
    nullable,
    min: null,
    max: null,
    categories: null,
    value_count: 400,
    deciles: null,
    category_counts: null,
    bool_counts: [200, 200],
  });
  const columns: ColumnProfile[] = [
    ...names.map((name) => numericColumn(name, 100)),
    {
      name: 'colour',
      data_type: 'category',
      nullable: false,
      min: null,
      max: null,
      categories: ['red', 'green', 'blue'],
      value_count: 400,
      deciles: null,
      category_counts: [200, 100, 100],
      bool_counts: null,
    },
    flag('flag', false),
    numericColumn('score', 1),
    flag('label', true),
  ];
  const info: ModelInfo = {
    project_id: 'sections',
    model_id: id,
    dataset_id: 'base',
    task: 'binary_classification',
    inputs: [...names, 'colour', 'flag'],
    outputs: ['score'],
    targets: ['label'],
    decisions: [],
    metadata: [],
    binary_classification_threshold: 0.5,
    target_class_order: [false, true],
    retention_days: 180,
    created_at: 0,
  };
  const dataset = { dataset_id: 'base', row_count: 400, columns };
  return { info, spec: buildMonitorSpec(info, dataset, { bins: {}, version: 1 }, sorted) };
}

/** An hour of `count` events, drifting with the hour so series differ from bin to bin. */
function hourOf(spec: MonitorSpec, hour: number, count: number): HourProfile {
  const rand = seededRandom(hour + 1);
  const profile = emptyProfile(spec);
  const colours = ['red', 'green', 'blue', 'purple'];
  for (let i = 0; i < count; i++) {
    const event: Record<string, unknown> = {};
    for (const column of spec.columns) {
      if (column.name.startsWith('x')) event[column.name] = rand() * (100 + hour * 3) - hour;
    }
    event.colour = colours[Math.floor(rand() * (3 + (hour % 2)))];
    event.flag = rand() < 0.5;
    event.score = rand();
    // Some labels missing: performance counts only labelled events.
    if (rand() < 0.8) event.label = rand() < (event.score as number);
    if (i % 17 === 0) event.x0 = 'not a number';
    absorbEvent(profile, spec, event, 1);
  }
  return profile;
}

/** Keys of the items BatchGet fetched, counted per call of `documents` wrapped by this. */
function countingParts(client: DynamoDBDocumentClient): {
  client: DynamoDBDocumentClient;
  parts: () => number;
} {
  let parts = 0;
  const counting = new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return async (command: { input?: { RequestItems?: Record<string, { Keys?: unknown[] }> } }) => {
        for (const request of Object.values(command.input?.RequestItems ?? {}))
          parts += request.Keys?.length ?? 0;
        return target.send(command as never);
      };
    },
  });
  return { client: counting, parts: () => parts };
}

async function rawItem(pk: string, sk: string): Promise<Item | undefined> {
  const result = await documents.send(
    new GetCommand({ TableName: TABLES.profiles, Key: { pk, sk }, ConsistentRead: true }),
  );
  return result.Item;
}

async function partItems(pk: string, sk: string): Promise<Item[]> {
  const result = await documents.send(
    new QueryCommand({
      TableName: TABLES.profiles,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `PART#${pk}#${sk}#columns` },
      ConsistentRead: true,
    }),
  );
  return result.Items ?? [];
}

const hourSk = (hour: number) => String(hour).padStart(15, '0');

/** Indexes of the columns a selective read left unread: reading their state throws. */
function unreadColumns(profile: HourProfile): number[] {
  return profile.columns.flatMap((tally, index) => {
    try {
      void tally.drift_counts;
      return [];
    } catch {
      return [index];
    }
  });
}

describe('a profile too wide to read whole', () => {
  const { info, spec } = binaryModel('wide', 300);
  const model = { project_id: info.project_id, model_id: info.model_id };
  const profile = hourOf(spec, 0, 300);

  it('is stored as a core and column sections, every item under the limit, and read back whole', async () => {
    const profiles = dynamoProfileStore(documents, TABLES.profiles);
    expect(await profiles.putHour(model, 1, START, { profile, rev: 1, applied: ['a'] }, undefined)).toBe(
      true,
    );

    const head = (await rawItem('PROF#sections/wide#1', hourSk(START))) as Item;
    const sections = sectionsOf(head, 'columns');
    expect(sections.length).toBeGreaterThan(3);
    for (const item of [head, ...(await partItems(head.pk as string, head.sk as string))])
      expect(itemBytes(item)).toBeLessThan(ITEM_LIMIT_BYTES);
    // The head holds no column's state: its size does not grow with the width.
    expect(itemBytes(head)).toBeLessThan(64 * 1024);

    expect(await profiles.getHour(model, 1, START)).toEqual({ profile, rev: 1, applied: ['a'] });
    expect(await profiles.queryHours(model, 1, START, START)).toEqual([{ hour: START, profile }]);
  });

  it('fetches only the sections of the columns a query names, and leaves the others unread', async () => {
    const counting = countingParts(documents);
    const profiles = dynamoProfileStore(counting.client, TABLES.profiles);
    await profiles.putHour(model, 1, START + HOUR, { profile, rev: 1, applied: [] }, undefined);

    const before = counting.parts();
    const whole = await profiles.queryHours(model, 1, START, START + HOUR);
    const wholeParts = counting.parts() - before;
    const [first, second] = await profiles.queryHours(model, 1, START, START + HOUR, {
      columns: new Set(['x7']),
    });
    const selectiveParts = counting.parts() - before - wholeParts;

    // One section per hour, against every section of both.
    expect(selectiveParts).toBe(2);
    expect(wholeParts).toBeGreaterThan(8);
    const x7 = spec.columns.findIndex((column) => column.name === 'x7');
    expect(first?.profile.columns[x7]).toEqual(profile.columns[x7]);
    expect(first?.profile.traffic).toBe(profile.traffic);
    expect(first?.profile.performance).toEqual(profile.performance);
    const unread = unreadColumns(first?.profile as HourProfile);
    expect(unread.length).toBeGreaterThan(200);
    expect(unread).not.toContain(x7);
    expect(() => JSON.stringify(first?.profile)).toThrow(/was not read from storage/);

    // Merging partial profiles: the columns read add up, the others stay unread.
    const merged = mergeProfiles(first?.profile as HourProfile, second?.profile as HourProfile);
    const expected = mergeProfiles(whole[0]?.profile as HourProfile, whole[1]?.profile as HourProfile);
    expect(merged.columns[x7]).toEqual(expected.columns[x7]);
    expect(merged.traffic).toBe(2 * profile.traffic);
    expect(unreadColumns(merged)).toEqual(unread);
  });

  it('deletes the sections of the profile a write replaces, whether the new one is split or whole', async () => {
    const profiles = dynamoProfileStore(documents, TABLES.profiles);
    const at = START + 2 * HOUR;
    await profiles.putHour(model, 1, at, { profile, rev: 1, applied: [] }, undefined);
    const firstParts = await partItems('PROF#sections/wide#1', hourSk(at));
    expect(firstParts.length).toBeGreaterThan(3);

    const busier = hourOf(spec, 2, 350);
    expect(await profiles.putHour(model, 1, at, { profile: busier, rev: 2, applied: [] }, 1)).toBe(true);
    const secondParts = await partItems('PROF#sections/wide#1', hourSk(at));
    const firstIds = new Set(firstParts.map((part) => part.write_id));
    expect(secondParts.some((part) => firstIds.has(part.write_id))).toBe(false);

    const { spec: narrowSpec } = binaryModel('wide', 3);
    const narrow = hourOf(narrowSpec, 2, 5);
    expect(await profiles.putHour(model, 1, at, { profile: narrow, rev: 3, applied: [] }, 2)).toBe(true);
    expect(await partItems('PROF#sections/wide#1', hourSk(at))).toEqual([]);
    expect((await profiles.getHour(model, 1, at))?.profile).toEqual(narrow);
  });

  it('reads the profile that replaced the one a query saw, when the sections it saw are gone', async () => {
    const profiles = dynamoProfileStore(documents, TABLES.profiles);
    const at = START + 3 * HOUR;
    await profiles.putHour(model, 1, at, { profile, rev: 1, applied: [] }, undefined);
    const replacement = hourOf(spec, 3, 320);
    // Between the query of heads and the fetch of their sections, another writer replaces the hour.
    let raced = false;
    const racing = new Proxy(documents, {
      get(target, property, receiver) {
        if (property !== 'send') return Reflect.get(target, property, receiver);
        return async (command: { constructor: { name: string } }) => {
          if (command.constructor.name === 'BatchGetCommand' && !raced) {
            raced = true;
            await profiles.putHour(model, 1, at, { profile: replacement, rev: 2, applied: [] }, 1);
          }
          return target.send(command as never);
        };
      },
    });
    const [read] = await dynamoProfileStore(racing, TABLES.profiles).queryHours(model, 1, at, at, {
      columns: new Set(['x3', 'score']),
    });
    expect(raced).toBe(true);
    const x3 = spec.columns.findIndex((column) => column.name === 'x3');
    expect(read?.profile.columns[x3]).toEqual(replacement.columns[x3]);
    expect(read?.profile.traffic).toBe(replacement.traffic);
  });
});

describe('metrics over split profiles', () => {
  const { info, spec } = binaryModel('same', 4);
  const model = { project_id: info.project_id, model_id: info.model_id };
  const record = { info, monitoring: { version: 1 } } as unknown as ModelRecord;
  const stores: Record<'whole' | 'split', ProfileStore> = {} as never;
  const depsOf = (profiles: ProfileStore) =>
    ({ profiles, registry: undefined, blobs: undefined }) as unknown as SpecDeps;

  beforeAll(async () => {
    stores.whole = dynamoProfileStore(documents, `${TABLES.profiles}`, PROFILE_LAYOUT);
    stores.split = dynamoProfileStore(documents, TABLES.profiles, SPLIT_ALL);
    for (const [kind, profiles] of Object.entries(stores)) {
      const of = { ...model, model_id: `same-${kind}` };
      for (let h = 0; h < 72; h += 1) {
        if (h % 5 === 3) continue; // some empty hours
        await profiles.putHour(
          of,
          1,
          START + h * HOUR,
          { profile: hourOf(spec, h, 20 + (h % 7)), rev: 1, applied: [] },
          undefined,
        );
      }
      await profiles.putSpec(of, 1, spec);
      const state: ModelState = { active_version: 1, rebuild: null, rev: 1 };
      await profiles.putState(of, state, undefined);
      await rollUp(profiles, of, stateHolder(profiles, of, state), async () => {});
    }
    const head = await rawItem('PROF#sections/same-split#1', hourSk(START));
    expect(sectionsOf(head as Item, 'columns').length).toBeGreaterThan(4);
  });

  const recordOf = (kind: string) =>
    ({ ...record, info: { ...info, model_id: `same-${kind}` } }) as ModelRecord;

  it('answers every metric, column and baseline as over whole profiles', async () => {
    const queries = METRIC_IDS.flatMap((metric) => {
      const definition = metricDefinition(metric);
      if (!definition.tasks.includes('binary_classification')) return [];
      const columns = definition.perColumn ? definition.columnsAllowed(spec) : [undefined];
      const baselines = definition.comparesBaseline
        ? [undefined, 'previous:3', `window:${START}:${START + DAY}`]
        : [undefined];
      return columns.flatMap((column) => baselines.map((baseline) => ({ metric, column, baseline })));
    });
    expect(queries.length).toBeGreaterThan(50);
    for (const bin_size of ['hour', 'day'] as const) {
      const ask = (kind: 'whole' | 'split') =>
        queryMetrics(depsOf(stores[kind]), recordOf(kind), {
          bin_size,
          start: START + DAY,
          end: START + 3 * DAY,
          queries,
        });
      expect(await ask('split')).toEqual(await ask('whole'));
      // One series at a time reads one column's sections: each must still match.
      for (const query of queries.slice(0, 40)) {
        const one = (kind: 'whole' | 'split') =>
          queryMetrics(depsOf(stores[kind]), recordOf(kind), {
            bin_size,
            start: START + DAY,
            end: START + 3 * DAY,
            queries: [query],
          });
        expect(await one('split')).toEqual(await one('whole'));
      }
    }
  });

  it('answers distributions and performance details as over whole profiles', async () => {
    const range = { bin_size: 'hour' as const, start: START, end: START + 2 * DAY };
    for (const column of ['x2', 'colour', 'flag', 'score']) {
      const distribution = (kind: 'whole' | 'split') =>
        columnDistribution(depsOf(stores[kind]), recordOf(kind), { ...range, column });
      expect(await distribution('split')).toEqual(await distribution('whole'));
    }
    const details = (kind: 'whole' | 'split') =>
      performanceDetails(depsOf(stores[kind]), recordOf(kind), range);
    expect(await details('split')).toEqual(await details('whole'));
  });
});
