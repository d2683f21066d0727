// Hour and day profiles per spec version and segment, stored through large-items so no width the API accepts
// makes an item outgrow DynamoDB's limit. A wide profile's columns are sections of their own
// (metrics/profile-sections.ts), so a query of some columns fetches only theirs.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { HourProfile } from '../../metrics/profile.js';
import { loadedProfile, PROFILE_LAYOUT, sectionsFor, storedProfile } from '../../metrics/profile-sections.js';
import type { HourItem, ModelRef, ProfileItemStore, ProfileRead, RollupSize } from '../profiles.js';
import { queryAll } from './client.js';
import { bodyAttributes, LargeItemStore } from './large-items.js';
import { hourKey, hourPk, revisionCondition, rollupPk } from './profile-keys.js';

const HOUR_BODIES = ['profile', 'rebuild_seen'];
/** The sectioned body holding a split profile's columns. */
const COLUMNS = 'columns';
const everySection = (available: readonly string[]) => available;

export class DynamoProfileItemStore implements ProfileItemStore {
  private readonly large: LargeItemStore;

  /** `layout`: when profiles are stored split, and in sections of what size (tests split small ones). */
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly layout = PROFILE_LAYOUT,
  ) {
    this.large = new LargeItemStore(client, tableName);
  }

  async getHour(
    model: ModelRef,
    version: number,
    hour: number,
    segment?: string,
  ): Promise<HourItem | undefined> {
    const found = await this.large.getSections(
      { pk: hourPk(model, version, segment), sk: hourKey(hour) },
      HOUR_BODIES,
      COLUMNS,
      everySection,
    );
    if (!found) return undefined;
    const { item, bodies, sections } = found;
    return {
      profile: loadedProfile(bodies.profile as string, sections),
      rev: item.rev as number,
      applied: (item.applied as string[] | undefined) ?? [],
      ...(item.rebuild_t0 !== undefined ? { rebuild_t0: item.rebuild_t0 as number } : {}),
      ...(bodies.rebuild_seen !== undefined ? { rebuild_seen: JSON.parse(bodies.rebuild_seen) } : {}),
    };
  }

  async putHour(
    model: ModelRef,
    version: number,
    hour: number,
    item: HourItem,
    expectedRev: number | undefined,
    segment?: string,
  ): Promise<boolean> {
    const stored = storedProfile(item.profile, this.layout);
    return this.large.put(
      {
        pk: hourPk(model, version, segment),
        sk: hourKey(hour),
        hour,
        rev: item.rev,
        applied: item.applied,
        rebuild_t0: item.rebuild_t0,
      },
      {
        profile: stored.body,
        rebuild_seen: item.rebuild_seen ? JSON.stringify(item.rebuild_seen) : undefined,
      },
      revisionCondition(expectedRev),
      // Named even when absent, so the sections of a split profile this one replaces are deleted.
      { [COLUMNS]: stored.sections },
    );
  }

  /** One query for the range; parts are read only for the hours whose profile has them. */
  async queryHours(
    model: ModelRef,
    version: number,
    fromHour: number,
    toHour: number,
    options: ProfileRead & { consistent?: boolean } = {},
  ): Promise<Array<{ hour: number; profile: HourProfile }>> {
    const pk = hourPk(model, version, options.segment);
    const found = await this.queryProfiles(pk, fromHour, toHour, options.columns, options.consistent);
    return found.map(({ start, profile }) => ({ hour: start, profile }));
  }

  /** Stored as an hour is, so no width makes it outgrow an item; unconditional, as it is recomputed whole. */
  async putRollup(
    size: RollupSize,
    model: ModelRef,
    version: number,
    start: number,
    profile: HourProfile,
    segment?: string,
  ): Promise<void> {
    const stored = storedProfile(profile, this.layout);
    await this.large.put(
      { pk: rollupPk(size, model, version, segment), sk: hourKey(start), hour: start },
      { profile: stored.body },
      undefined,
      { [COLUMNS]: stored.sections },
    );
  }

  queryRollups(
    size: RollupSize,
    model: ModelRef,
    version: number,
    from: number,
    to: number,
    options: ProfileRead & { consistent?: boolean } = {},
  ): Promise<Array<{ start: number; profile: HourProfile }>> {
    const pk = rollupPk(size, model, version, options.segment);
    return this.queryProfiles(pk, from, to, options.columns, options.consistent);
  }

  /** One query for the heads; then, in batches, the parts of the bodies and column sections they need. */
  private async queryProfiles(
    pk: string,
    from: number,
    to: number,
    columns: ReadonlySet<string> | undefined,
    consistent = false,
  ): Promise<Array<{ start: number; profile: HourProfile }>> {
    const profileAttributes = [...bodyAttributes('profile'), ...bodyAttributes(COLUMNS)];
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      ConsistentRead: consistent,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': pk, ':from': hourKey(from), ':to': hourKey(to) },
      ProjectionExpression: ['pk', 'sk', '#hour', ...profileAttributes.map((_, i) => `#p${i}`)].join(', '),
      ExpressionAttributeNames: {
        '#hour': 'hour',
        ...Object.fromEntries(profileAttributes.map((name, i) => [`#p${i}`, name])),
      },
    });
    const read = await this.large.resolveSections(items, ['profile'], COLUMNS, (available) =>
      sectionsFor(available, columns),
    );
    return items.map((item, index) => {
      const { bodies, sections } = read[index] as (typeof read)[number];
      return { start: item.hour as number, profile: loadedProfile(bodies.profile as string, sections) };
    });
  }

  async listHours(model: ModelRef, version: number, segment?: string): Promise<number[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': hourPk(model, version, segment) },
      ProjectionExpression: '#hour',
      ExpressionAttributeNames: { '#hour': 'hour' },
      ConsistentRead: true,
    });
    return items.map((item) => item.hour as number);
  }
}
