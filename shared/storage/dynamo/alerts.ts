// Alert rules, records and notification claims in the profiles table.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AlertRecord, AlertRule, Severity } from '../../alerts/types.js';
import { InvalidInput } from '../../errors.js';
import type { AlertStore } from '../alerts.js';
import { type ModelRef, modelKey } from '../profiles.js';
import { decodeNextToken, encodeNextToken, queryAll } from './client.js';

const pad = (value: number) => String(value).padStart(15, '0');
const recordSk = (binStart: number, ruleId: string, column: string | null) =>
  `${pad(binStart)}#${ruleId}#${column ?? ''}`;
// Documents are kept as JSON strings: thresholds and values may be numbers DynamoDB cannot hold.
const strip = <T>(item: Record<string, unknown>) => JSON.parse(item.doc as string) as T;

export class DynamoAlertStore implements AlertStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async putRule(rule: AlertRule): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: `RULES#${modelKey(rule)}`, sk: rule.rule_id, doc: JSON.stringify(rule) },
      }),
    );
  }

  async getRule(model: ModelRef, ruleId: string): Promise<AlertRule | undefined> {
    const result = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `RULES#${modelKey(model)}`, sk: ruleId },
        ConsistentRead: true,
      }),
    );
    return result.Item ? strip<AlertRule>(result.Item) : undefined;
  }

  async listRules(model: ModelRef): Promise<AlertRule[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `RULES#${modelKey(model)}` },
      ConsistentRead: true,
    });
    return items.map((item) => strip<AlertRule>(item)).sort((a, b) => a.created_at - b.created_at);
  }

  async deleteRule(model: ModelRef, ruleId: string): Promise<boolean> {
    const result = await this.client.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: { pk: `RULES#${modelKey(model)}`, sk: ruleId },
        ReturnValues: 'ALL_OLD',
      }),
    );
    return result.Attributes !== undefined;
  }

  async getRecord(
    model: ModelRef,
    binStart: number,
    ruleId: string,
    column: string | null,
  ): Promise<AlertRecord | undefined> {
    const result = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `ALERTS#${modelKey(model)}`, sk: recordSk(binStart, ruleId, column) },
        ConsistentRead: true,
      }),
    );
    return result.Item ? strip<AlertRecord>(result.Item) : undefined;
  }

  async putRecord(record: AlertRecord): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: `ALERTS#${modelKey(record)}`,
          sk: recordSk(record.bin_start, record.rule_id, record.column),
          doc: JSON.stringify(record),
        },
      }),
    );
  }

  async listRecords(model: ModelRef, start: number, end: number, limit: number, nextToken?: string) {
    const startKey = decodeNextToken(nextToken);
    if (startKey === null || (startKey && startKey.pk !== `ALERTS#${modelKey(model)}`)) {
      throw new InvalidInput('next_token is not a token this route gave out');
    }
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': `ALERTS#${modelKey(model)}`,
          ':from': pad(Math.max(0, start)),
          ':to': `${pad(Math.max(0, end - 1))}#\uffff`,
        },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: startKey,
      }),
    );
    return {
      items: (result.Items ?? []).map((item) => strip<AlertRecord>(item)),
      nextToken: encodeNextToken(result.LastEvaluatedKey),
    };
  }

  async claimNotification(alertId: string, severity: Severity, now: number): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: `NOTIFY#${alertId}`, sk: severity, claimed_at: now },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
