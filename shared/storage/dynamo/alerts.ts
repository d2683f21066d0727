// Alert rules, records, incidents and notification claims in the profiles table. Rules name up to 500 columns and
// records carry delivery errors, so their documents go through large-items rather than trusting them to stay small.
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AlertRecord, AlertRule, Incident } from '../../alerts/types.js';
import type { AlertStore, IncidentChange } from '../alerts.js';
import { type ModelRef, modelKey } from '../profiles.js';
import { queryPage, queryPartition, writeIf } from './client.js';
import { DynamoIncidents } from './incidents.js';
import { type Item, LargeItemStore, partKeysOf } from './large-items.js';

const pad = (value: number) => String(value).padStart(15, '0');
const recordSk = (binStart: number, ruleId: string, column: string | null) =>
  `${pad(binStart)}#${ruleId}#${column ?? ''}`;
// Documents are kept as JSON strings: thresholds and values may be numbers DynamoDB cannot hold.
const DOC = ['doc'];

export class DynamoAlertStore implements AlertStore {
  private readonly large: LargeItemStore;
  private readonly incidents: DynamoIncidents;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.large = new LargeItemStore(client, tableName);
    this.incidents = new DynamoIncidents(client, tableName);
  }

  async putRule(rule: AlertRule): Promise<void> {
    await this.large.put({ pk: `RULES#${modelKey(rule)}`, sk: rule.rule_id }, { doc: JSON.stringify(rule) });
  }

  async getRule(model: ModelRef, ruleId: string): Promise<AlertRule | undefined> {
    const found = await this.large.get({ pk: `RULES#${modelKey(model)}`, sk: ruleId }, DOC);
    return found ? (JSON.parse(found.bodies.doc as string) as AlertRule) : undefined;
  }

  async listRules(model: ModelRef): Promise<AlertRule[]> {
    const items = await queryPartition(this.client, {
      tableName: this.tableName,
      pk: `RULES#${modelKey(model)}`,
      consistentRead: true,
    });
    const rules = await this.documents<AlertRule>(items);
    return rules.sort((a, b) => a.created_at - b.created_at);
  }

  async deleteRule(model: ModelRef, ruleId: string): Promise<boolean> {
    const result = await this.client.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: { pk: `RULES#${modelKey(model)}`, sk: ruleId },
        ReturnValues: 'ALL_OLD',
      }),
    );
    if (result.Attributes) await this.large.deleteParts(partKeysOf(result.Attributes, 'doc'));
    return result.Attributes !== undefined;
  }

  async getRecord(
    model: ModelRef,
    binStart: number,
    ruleId: string,
    column: string | null,
  ): Promise<AlertRecord | undefined> {
    const key = { pk: `ALERTS#${modelKey(model)}`, sk: recordSk(binStart, ruleId, column) };
    const found = await this.large.get(key, DOC);
    return found ? (JSON.parse(found.bodies.doc as string) as AlertRecord) : undefined;
  }

  async putRecord(record: AlertRecord): Promise<void> {
    await this.large.put(
      { pk: `ALERTS#${modelKey(record)}`, sk: recordSk(record.bin_start, record.rule_id, record.column) },
      { doc: JSON.stringify(record) },
    );
  }

  async listRecords(model: ModelRef, start: number, end: number, limit: number, nextToken?: string) {
    const query = {
      tableName: this.tableName,
      pk: `ALERTS#${modelKey(model)}`,
      sk: {
        condition: 'sk BETWEEN :from AND :to',
        values: { ':from': pad(Math.max(0, start)), ':to': `${pad(Math.max(0, end - 1))}#\uffff` },
      },
      newestFirst: true,
    };
    const page = await queryPage(this.client, query, limit, nextToken);
    return { ...page, items: await this.documents<AlertRecord>(page.items) };
  }

  private async documents<T>(items: Item[]): Promise<T[]> {
    const bodies = await this.large.resolve(items, DOC);
    return bodies.map((body) => JSON.parse(body.doc as string) as T);
  }

  getIncident(model: ModelRef, incidentId: string): Promise<Incident | undefined> {
    return this.incidents.get(model, incidentId);
  }

  updateIncident(model: ModelRef, incidentId: string, change: IncidentChange): Promise<Incident | undefined> {
    return this.incidents.update(model, incidentId, change);
  }

  listIncidents(model: ModelRef, limit: number, nextToken?: string) {
    return this.incidents.list(model, limit, nextToken);
  }

  listActiveIncidents(model: ModelRef): Promise<Incident[]> {
    return this.incidents.listActive(model);
  }

  async claimNotification(subjectId: string, state: string, now: number): Promise<boolean> {
    return writeIf(
      this.client,
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: `NOTIFY#${subjectId}`, sk: state, claimed_at: now },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }
}
