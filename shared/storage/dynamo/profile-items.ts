// Hour and day profiles per spec version and segment, stored through large-items so no width the API accepts
// makes an item outgrow DynamoDB's limit.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { deserializeProfile, type HourProfile, serializeProfile } from '../../metrics/profile.js';
import type { HourItem, ModelRef, ProfileItemStore } from '../profiles.js';
import { queryAll } from './client.js';
import { bodyAttributes, LargeItemStore } from './large-items.js';
import { dayPk, hourKey, hourPk, revisionCondition } from './profile-keys.js';

const HOUR_BODIES = ['profile', 'rebuild_seen'];

export class DynamoProfileItemStore implements ProfileItemStore {
  private readonly large: LargeItemStore;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.large = new LargeItemStore(client, tableName);
  }

  async getHour(
    model: ModelRef,
    version: number,
    hour: number,
    segment?: string,
  ): Promise<HourItem | undefined> {
    const found = await this.large.get(
      { pk: hourPk(model, version, segment), sk: hourKey(hour) },
      HOUR_BODIES,
    );
    if (!found) return undefined;
    const { item, bodies } = found;
    return {
      profile: deserializeProfile(bodies.profile as string),
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
        profile: serializeProfile(item.profile),
        rebuild_seen: item.rebuild_seen ? JSON.stringify(item.rebuild_seen) : undefined,
      },
      revisionCondition(expectedRev),
    );
  }

  /** One query for the range; parts are read only for the hours whose profile has them. */
  async queryHours(
    model: ModelRef,
    version: number,
    fromHour: number,
    toHour: number,
    options: { consistent?: boolean; segment?: string } = {},
  ): Promise<Array<{ hour: number; profile: HourProfile }>> {
    const pk = hourPk(model, version, options.segment);
    const found = await this.queryProfiles(pk, fromHour, toHour, options.consistent);
    return found.map(({ start, profile }) => ({ hour: start, profile }));
  }

  /** Stored as an hour is, so no width makes it outgrow an item; unconditional, as it is recomputed whole. */
  async putDay(
    model: ModelRef,
    version: number,
    day: number,
    profile: HourProfile,
    segment?: string,
  ): Promise<void> {
    await this.large.put(
      { pk: dayPk(model, version, segment), sk: hourKey(day), hour: day },
      { profile: serializeProfile(profile) },
    );
  }

  async queryDays(
    model: ModelRef,
    version: number,
    fromDay: number,
    toDay: number,
    segment?: string,
  ): Promise<Array<{ day: number; profile: HourProfile }>> {
    const found = await this.queryProfiles(dayPk(model, version, segment), fromDay, toDay);
    return found.map(({ start, profile }) => ({ day: start, profile }));
  }

  private async queryProfiles(
    pk: string,
    from: number,
    to: number,
    consistent = false,
  ): Promise<Array<{ start: number; profile: HourProfile }>> {
    const profileAttributes = bodyAttributes('profile');
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
    const bodies = await this.large.resolve(items, ['profile']);
    return items.map((item, index) => ({
      start: item.hour as number,
      profile: deserializeProfile(bodies[index]?.profile as string),
    }));
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
