// The registry table: projects, datasets, models with their monitoring config, tokens and uploads.

import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { AlreadyExists, InvalidInput } from '../../errors.js';
import type { MonitoringConfig } from '../../schema/types.js';
import type {
  DatasetRecord,
  ModelRecord,
  ProjectRecord,
  RegistryStore,
  TokenRecord,
  UploadRecord,
} from '../registry.js';
import { decodeNextToken, encodeNextToken } from './client.js';

const PROJECTS = 'PROJECTS';
const projectKey = (projectId: string) => `P#${projectId}`;

export class DynamoRegistryStore implements RegistryStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

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
    const startKey = decodeNextToken(nextToken);
    if (startKey === null || (startKey && startKey.pk !== PROJECTS)) {
      throw new InvalidInput('next_token is not a token this route gave out');
    }
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': PROJECTS },
        Limit: limit,
        ExclusiveStartKey: startKey,
      }),
    );
    const items = (result.Items ?? []).map((item) => documentOf<ProjectRecord>(item));
    return { items, nextToken: encodeNextToken(result.LastEvaluatedKey) };
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

  async createModel(model: ModelRecord): Promise<void> {
    await this.putNew(
      { pk: projectKey(model.info.project_id), sk: `MODEL#${model.info.model_id}`, ...model },
      `model '${model.info.model_id}' already exists in project '${model.info.project_id}'`,
    );
  }

  async getModel(projectId: string, modelId: string): Promise<ModelRecord | undefined> {
    return this.get<ModelRecord>(projectKey(projectId), `MODEL#${modelId}`);
  }

  async setMonitoringConfig(projectId: string, modelId: string, config: MonitoringConfig): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: projectKey(projectId), sk: `MODEL#${modelId}` },
        UpdateExpression: 'SET monitoring = :config',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':config': JSON.stringify(config) },
      }),
    );
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

  private async get<T>(pk: string, sk: string): Promise<T | undefined> {
    const result = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk, sk }, ConsistentRead: true }),
    );
    return result.Item ? documentOf<T>(result.Item) : undefined;
  }

  private async putNew(item: Record<string, unknown>, conflictMessage: string): Promise<void> {
    const { pk, sk, ...document } = item;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk, sk, data: JSON.stringify(document) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new AlreadyExists(conflictMessage);
      throw error;
    }
  }
}

/**
 * Registry documents are stored as one JSON string: baseline minima, thresholds or class labels may be numbers
 * DynamoDB cannot hold, and column names such as `constructor` must stay plain keys. A model's monitoring config
 * is a separate attribute so it can be replaced on its own.
 */
function documentOf<T>(item: Record<string, unknown>): T {
  const document = JSON.parse(item.data as string) as Record<string, unknown>;
  if (typeof item.monitoring === 'string') document.monitoring = JSON.parse(item.monitoring);
  return document as T;
}
