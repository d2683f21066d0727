// The registry table: projects, datasets, models with their monitoring config, tokens and uploads. Documents go
// through large-items: a model's column types and drift bins grow with its width.

import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { AlreadyExists, NotFound } from '../../errors.js';
import type {
  DatasetClaim,
  DatasetRecord,
  ModelMonitoring,
  ModelRecord,
  ProjectRecord,
  RegistryStore,
  SegmentRecord,
  TokenRecord,
  UploadRecord,
} from '../registry.js';
import { queryPage, queryPartition, skBeginsWith } from './client.js';
import { type Bodies, LargeItemStore } from './large-items.js';

const PROJECTS = 'PROJECTS';
const projectKey = (projectId: string) => `P#${projectId}`;
const BODIES = ['data', 'monitoring'];
/** Segments sort under their model, so listing a model's segments is one query. */
const segmentSk = (modelId: string, segmentId = '') => `SEGMENT#${modelId}#${segmentId}`;

export class DynamoRegistryStore implements RegistryStore {
  private readonly large: LargeItemStore;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.large = new LargeItemStore(client, tableName);
  }

  async createProject(project: ProjectRecord): Promise<void> {
    await this.putNew(
      { pk: PROJECTS, sk: project.project_id, ...project },
      `project '${project.project_id}' already exists`,
    );
  }

  async getProject(projectId: string): Promise<ProjectRecord | undefined> {
    return this.get<ProjectRecord>(PROJECTS, projectId);
  }

  async listProjects(
    limit: number,
    nextToken?: string,
  ): Promise<{ items: ProjectRecord[]; nextToken?: string }> {
    const page = await queryPage(this.client, { tableName: this.tableName, pk: PROJECTS }, limit, nextToken);
    return { ...page, items: await this.documents<ProjectRecord>(page.items) };
  }

  async createDataset(dataset: DatasetRecord): Promise<void> {
    await this.putNew(
      { pk: projectKey(dataset.project_id), sk: `DATASET#${dataset.dataset_id}`, ...dataset },
      `dataset '${dataset.dataset_id}' already exists in project '${dataset.project_id}'`,
    );
  }

  async getDataset(projectId: string, datasetId: string): Promise<DatasetRecord | undefined> {
    return this.get<DatasetRecord>(projectKey(projectId), `DATASET#${datasetId}`);
  }

  /**
   * A claim is its own item with plain attributes, apart from the dataset document, so the condition can read its
   * expiry and a reader of the dataset never sees it. It is compared, not left to TTL: TTL deletes lag by days.
   */
  async claimDataset(claim: DatasetClaim, now: number): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: projectKey(claim.project_id),
            sk: `CLAIM#DATASET#${claim.dataset_id}`,
            upload_id: claim.upload_id,
            expires_at: claim.expires_at,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR expires_at < :now',
          ExpressionAttributeValues: { ':now': now },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new AlreadyExists(
          `dataset '${claim.dataset_id}' is being uploaded to project '${claim.project_id}' by another request; baselines are immutable`,
        );
      }
      throw error;
    }
  }

  async releaseDatasetClaim(projectId: string, datasetId: string, uploadId: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: projectKey(projectId), sk: `CLAIM#DATASET#${datasetId}` },
          ConditionExpression: 'upload_id = :upload',
          ExpressionAttributeValues: { ':upload': uploadId },
        }),
      );
    } catch (error) {
      // Expired and taken over by a later PUT: that claim is not ours to release.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async createModel(model: ModelRecord): Promise<void> {
    await this.putNew(
      { pk: projectKey(model.info.project_id), sk: `MODEL#${model.info.model_id}`, ...model },
      `model '${model.info.model_id}' already exists in project '${model.info.project_id}'`,
    );
  }

  async getModel(projectId: string, modelId: string): Promise<ModelRecord | undefined> {
    return this.get<ModelRecord>(projectKey(projectId), `MODEL#${modelId}`);
  }

  async setMonitoringConfig(projectId: string, modelId: string, config: ModelMonitoring): Promise<void> {
    const updated = await this.large.update(
      { pk: projectKey(projectId), sk: `MODEL#${modelId}` },
      { monitoring: JSON.stringify(config) },
      { ConditionExpression: 'attribute_exists(pk)' },
    );
    if (!updated) throw new NotFound(`model '${modelId}' does not exist in project '${projectId}'`);
  }

  /** Unconditional: the domain decides between create and replace; a filter change names fresh profiles. */
  async putSegment(segment: SegmentRecord): Promise<void> {
    await this.large.put(
      { pk: projectKey(segment.project_id), sk: segmentSk(segment.model_id, segment.segment_id) },
      { data: JSON.stringify(segment) },
    );
  }

  async getSegment(
    projectId: string,
    modelId: string,
    segmentId: string,
  ): Promise<SegmentRecord | undefined> {
    return this.get<SegmentRecord>(projectKey(projectId), segmentSk(modelId, segmentId));
  }

  async listModels(
    projectId: string,
    limit: number,
    nextToken?: string,
  ): Promise<{ items: ModelRecord[]; nextToken?: string }> {
    const query = {
      tableName: this.tableName,
      pk: projectKey(projectId),
      sk: skBeginsWith('MODEL#'),
      consistentRead: true,
    };
    const page = await queryPage(this.client, query, limit, nextToken);
    return { ...page, items: await this.documents<ModelRecord>(page.items) };
  }

  async listSegments(projectId: string, modelId: string): Promise<SegmentRecord[]> {
    const items = await queryPartition(this.client, {
      tableName: this.tableName,
      pk: projectKey(projectId),
      sk: skBeginsWith(segmentSk(modelId)),
      consistentRead: true,
    });
    return this.documents<SegmentRecord>(items);
  }

  async deleteSegment(projectId: string, modelId: string, segmentId: string): Promise<boolean> {
    const result = await this.client.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: { pk: projectKey(projectId), sk: segmentSk(modelId, segmentId) },
        ReturnValues: 'ALL_OLD',
      }),
    );
    return result.Attributes !== undefined;
  }

  async putToken(token: TokenRecord): Promise<void> {
    await this.putNew({ pk: `TOKEN#${token.token_id}`, sk: 'TOKEN', ...token }, 'token id collision');
  }

  async getToken(tokenId: string): Promise<TokenRecord | undefined> {
    return this.get<TokenRecord>(`TOKEN#${tokenId}`, 'TOKEN');
  }

  async deleteToken(tokenId: string): Promise<boolean> {
    const result = await this.client.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: { pk: `TOKEN#${tokenId}`, sk: 'TOKEN' },
        ReturnValues: 'ALL_OLD',
      }),
    );
    return result.Attributes !== undefined;
  }

  async putUpload(upload: UploadRecord): Promise<void> {
    await this.putNew(
      { pk: projectKey(upload.project_id), sk: `UPLOAD#${upload.upload_id}`, ...upload },
      'upload id collision',
    );
  }

  async getUpload(projectId: string, uploadId: string): Promise<UploadRecord | undefined> {
    return this.get<UploadRecord>(projectKey(projectId), `UPLOAD#${uploadId}`);
  }

  /** The documents of listed items, their bodies read from parts where they are not inline. */
  private async documents<T>(items: Record<string, unknown>[]): Promise<T[]> {
    const bodies = await this.large.resolve(items, BODIES);
    return bodies.map((body) => documentOf<T>(body));
  }

  private async get<T>(pk: string, sk: string): Promise<T | undefined> {
    const found = await this.large.get({ pk, sk }, BODIES);
    return found ? documentOf<T>(found.bodies) : undefined;
  }

  private async putNew(item: Record<string, unknown>, conflictMessage: string): Promise<void> {
    const { pk, sk, ...document } = item;
    const created = await this.large.put(
      { pk: pk as string, sk: sk as string },
      { data: JSON.stringify(document) },
      { ConditionExpression: 'attribute_not_exists(pk)' },
    );
    if (!created) throw new AlreadyExists(conflictMessage);
  }
}

/**
 * Registry documents are stored as one JSON string: baseline minima, thresholds or class labels may be numbers
 * DynamoDB cannot hold, and column names such as `constructor` must stay plain keys. A model's monitoring config
 * is a separate attribute so it can be replaced on its own.
 */
function documentOf<T>(bodies: Bodies): T {
  const document = JSON.parse(bodies.data as string) as Record<string, unknown>;
  if (bodies.monitoring !== undefined) document.monitoring = JSON.parse(bodies.monitoring);
  return document as T;
}
