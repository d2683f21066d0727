// What a model's monitoring is and where it stands: specs and automatic segments per spec version, the model's
// state (active version, rebuild jobs, pending hours) and its lease. Specs and state grow with a model's width or
// a rebuild's span, so they go through large-items.
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { MonitorSpec } from '../../metrics/spec.js';
import {
  type AutoSegment,
  type ModelRef,
  type ModelState,
  type ModelStateStore,
  modelKey,
} from '../profiles.js';
import { writeIf } from './client.js';
import { LargeItemStore } from './large-items.js';
import { autoSegmentsKey, revisionCondition, specKey, stateKey } from './profile-keys.js';

export class DynamoModelStateStore implements ModelStateStore {
  private readonly large: LargeItemStore;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.large = new LargeItemStore(client, tableName);
  }

  async getSpec(model: ModelRef, version: number): Promise<MonitorSpec | undefined> {
    const found = await this.large.get(specKey(model, version), ['spec']);
    return found ? (JSON.parse(found.bodies.spec as string) as MonitorSpec) : undefined;
  }

  async putSpec(model: ModelRef, version: number, spec: MonitorSpec): Promise<void> {
    await this.large.put(specKey(model, version), { spec: JSON.stringify(spec) });
  }

  async getAutoSegments(model: ModelRef, version: number): Promise<AutoSegment[] | undefined> {
    const found = await this.large.get(autoSegmentsKey(model, version), ['segments']);
    return found ? (JSON.parse(found.bodies.segments as string) as AutoSegment[]) : undefined;
  }

  /** 3 columns of 51 segments with values of any length: through large-items like a spec. */
  async putAutoSegments(model: ModelRef, version: number, segments: AutoSegment[]): Promise<void> {
    await this.large.put(autoSegmentsKey(model, version), { segments: JSON.stringify(segments) });
  }

  async getState(model: ModelRef): Promise<ModelState | undefined> {
    const found = await this.large.get(stateKey(model), ['state']);
    return found ? (JSON.parse(found.bodies.state as string) as ModelState) : undefined;
  }

  /** The state's list of hours grows with a rebuild's span, so it may need parts too. */
  async putState(model: ModelRef, state: ModelState, expectedRev: number | undefined): Promise<boolean> {
    return this.large.put(
      { ...stateKey(model), rev: state.rev },
      { state: JSON.stringify(state) },
      revisionCondition(expectedRev),
    );
  }

  async acquireLease(model: ModelRef, owner: string, ms: number, now: number): Promise<boolean> {
    return writeIf(
      this.client,
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: `LEASE#${modelKey(model)}`, sk: 'LEASE', owner, expires_at: now + ms },
        ConditionExpression: 'attribute_not_exists(pk) OR #owner = :owner OR expires_at < :now',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':owner': owner, ':now': now },
      }),
    );
  }

  async releaseLease(model: ModelRef, owner: string): Promise<void> {
    await writeIf(
      this.client,
      new DeleteCommand({
        TableName: this.tableName,
        Key: { pk: `LEASE#${modelKey(model)}`, sk: 'LEASE' },
        ConditionExpression: '#owner = :owner',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':owner': owner },
      }),
    );
  }
}
