// Everything a request handler may reach, built once per process by the Lambda entry or the local runner.
import type { Authenticator } from '../auth/tokens.js';
import type { ChangeFeed } from '../feed/change-feed.js';
import type { RunSummary } from '../monitoring/run.js';
import type { AlertStore } from '../storage/alerts.js';
import type { BlobStore } from '../storage/blobs.js';
import type { EventStore } from '../storage/events.js';
import type { ProfileStore } from '../storage/profiles.js';
import type { RegistryStore } from '../storage/registry.js';

export interface Services {
  registry: RegistryStore;
  events: EventStore;
  blobs: BlobStore;
  feed: ChangeFeed;
  profiles: ProfileStore;
  alerts: AlertStore;
  auth: Authenticator;
  clock: () => number;
  /** Processes everything pending now: what POST /v1/monitor/run does. */
  runMonitor(): Promise<RunSummary>;
}
