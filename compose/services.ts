// The one composition root: every store, the authenticator and the monitor run, built from an entry point's
// endpoints. The Lambdas (compose/aws.ts), the local runner (local/service.ts) and tests differ only in what
// they pass here.

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DeliveryOptions } from '../shared/alerts/delivery.js';
import type { EmailSmsSender } from '../shared/alerts/email-sms-senders.js';
import type { RecipientDirectory } from '../shared/alerts/recipients.js';
import type { HealthReport, Services } from '../shared/api/services.js';
import { Authenticator } from '../shared/auth/tokens.js';
import type { WriteJournal } from '../shared/feed/write-journal.js';
import type { PollableFeed } from '../shared/fold/record.js';
import { emptySummary, type RunSummary, runMonitor } from '../shared/monitoring/run.js';
import type { Meter } from '../shared/observability/meter.js';
import type { AlertStore } from '../shared/storage/alerts.js';
import type { BlobStore } from '../shared/storage/blobs.js';
import { DynamoAlertStore } from '../shared/storage/dynamo/alerts.js';
import type { TableNames } from '../shared/storage/dynamo/client.js';
import { DynamoEventStore } from '../shared/storage/dynamo/events.js';
import { dynamoProfileStore } from '../shared/storage/dynamo/profiles.js';
import { DynamoQuarantineStore } from '../shared/storage/dynamo/quarantine.js';
import { DynamoRegistryStore } from '../shared/storage/dynamo/registry.js';
import type { EventStore } from '../shared/storage/events.js';
import type { ProfileStore } from '../shared/storage/profiles.js';
import type { QuarantineStore } from '../shared/storage/quarantine.js';
import type { RegistryStore } from '../shared/storage/registry.js';

export interface Stores {
  registry: RegistryStore;
  events: EventStore;
  blobs: BlobStore;
  profiles: ProfileStore;
  alerts: AlertStore;
  quarantine: QuarantineStore;
}

export interface Endpoints {
  documents: DynamoDBDocumentClient;
  tables: TableNames;
  blobs: BlobStore;
  /** Where email and SMS notifications go: SNS in AWS, an outbox file locally. */
  channel: EmailSmsSender;
  /** The hash of the admin token, read when first needed. */
  adminHash: () => Promise<string>;
  meter: Meter;
  health: () => Promise<HealthReport>;
  delivery: DeliveryOptions;
  /** Read when a message is written, since the local service learns its own address after it listens. */
  dashboardUrl: () => string | undefined;
  /** AWS: the topic's subscriptions per email address and phone number. */
  recipients?: RecipientDirectory;
  /** Local: puts each events-table write on the file feed. AWS: the table's stream does (the default). */
  journal?: WriteJournal;
  /** Local: the feed each run drains first. AWS: the stream Lambda has written the deltas already. */
  feed?: PollableFeed;
  /** Who holds model leases; the local run passes one owner per data dir so a restart takes its own back. */
  leaseOwner?: string;
  clock?: () => number;
  /** Tests: replace stores (a store that dies at a chosen call) before anything uses them. */
  wrapStores?: (stores: Stores) => Stores;
}

export function buildServices(endpoints: Endpoints): Services {
  const { documents, tables } = endpoints;
  const clock = endpoints.clock ?? Date.now;
  const built: Stores = {
    registry: new DynamoRegistryStore(documents, tables.registry),
    events: new DynamoEventStore(documents, tables.events, clock, endpoints.journal),
    blobs: endpoints.blobs,
    profiles: dynamoProfileStore(documents, tables.profiles),
    alerts: new DynamoAlertStore(documents, tables.profiles),
    quarantine: new DynamoQuarantineStore(documents, tables.profiles),
  };
  const stores = endpoints.wrapStores?.(built) ?? built;
  // One run at a time in this process: an explicit run and a background loop share it.
  let running: Promise<RunSummary> = Promise.resolve(emptySummary());
  return {
    ...stores,
    recipients: endpoints.recipients,
    auth: new Authenticator(stores.registry, endpoints.adminHash),
    clock,
    meter: endpoints.meter,
    health: endpoints.health,
    runMonitor: () => {
      running = running
        .catch(() => emptySummary())
        .then(() =>
          runMonitor(
            {
              ...stores,
              clock,
              // Built per run: the delivery budget is shared by every model one run evaluates.
              alerts: {
                alerts: stores.alerts,
                profiles: stores.profiles,
                channel: endpoints.channel,
                clock,
                dashboardUrl: endpoints.dashboardUrl(),
                delivery: endpoints.delivery,
              },
            },
            endpoints.feed,
            endpoints.leaseOwner,
          ),
        );
      return running;
    },
  };
}
