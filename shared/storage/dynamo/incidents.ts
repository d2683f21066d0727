// Incidents in the profiles table: one small item each (the document and its revision, which every write is
// conditional on), and a marker per incident not yet settled, so a run lists only those.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isSettled } from '../../alerts/incidents.js';
import type { Incident } from '../../alerts/types.js';
import type { IncidentChange } from '../alerts.js';
import { type ModelRef, modelKey } from '../profiles.js';
import { queryPage, queryPartition } from './client.js';

// Writers of one incident are the model's monitor run (under its lease) and the API's acknowledge and snooze:
// a handful of retries outlasts any realistic contention.
const MAX_ATTEMPTS = 10;

export class DynamoIncidents {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(model: ModelRef, incidentId: string): Promise<Incident | undefined> {
    const found = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `INCIDENTS#${modelKey(model)}`, sk: incidentId },
        ConsistentRead: true,
      }),
    );
    return found.Item ? (JSON.parse(found.Item.doc as string) as Incident) : undefined;
  }

  async update(model: ModelRef, incidentId: string, change: IncidentChange): Promise<Incident | undefined> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const current = await this.get(model, incidentId);
      const changed = change(current);
      if (!changed) return current;
      const next: Incident = { ...changed, incident_id: incidentId, revision: (current?.revision ?? 0) + 1 };
      // The marker goes first and leaves last: an incident that needs attention always has one.
      if (!isSettled(next)) await this.mark(model, incidentId, true);
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              pk: `INCIDENTS#${modelKey(model)}`,
              sk: incidentId,
              revision: next.revision,
              doc: JSON.stringify(next),
            },
            ConditionExpression: current ? 'revision = :read' : 'attribute_not_exists(pk)',
            ...(current ? { ExpressionAttributeValues: { ':read': current.revision } } : {}),
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) continue;
        throw error;
      }
      if (isSettled(next)) await this.mark(model, incidentId, false);
      return next;
    }
    throw new Error(`incident ${incidentId} kept changing under ${MAX_ATTEMPTS} attempts to update it`);
  }

  async list(model: ModelRef, limit: number, nextToken?: string) {
    const pk = `INCIDENTS#${modelKey(model)}`;
    const query = { tableName: this.tableName, pk, newestFirst: true };
    const page = await queryPage(this.client, query, limit, nextToken);
    return { ...page, items: page.items.map((item) => JSON.parse(item.doc as string) as Incident) };
  }

  async listActive(model: ModelRef): Promise<Incident[]> {
    const markers = await queryPartition(this.client, {
      tableName: this.tableName,
      pk: `ACTIVE_INCIDENTS#${modelKey(model)}`,
      consistentRead: true,
    });
    const found = await Promise.all(markers.map((marker) => this.get(model, marker.sk as string)));
    const active: Incident[] = [];
    for (const [index, incident] of found.entries()) {
      if (incident && !isSettled(incident)) active.push(incident);
      // A marker left by a run that died after settling its incident: tidied here.
      else await this.mark(model, markers[index]?.sk as string, false);
    }
    return active;
  }

  private async mark(model: ModelRef, incidentId: string, active: boolean): Promise<void> {
    const Key = { pk: `ACTIVE_INCIDENTS#${modelKey(model)}`, sk: incidentId };
    if (active) await this.client.send(new PutCommand({ TableName: this.tableName, Item: Key }));
    else await this.client.send(new DeleteCommand({ TableName: this.tableName, Key }));
  }
}
