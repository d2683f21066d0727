// Everything a request handler may reach, built once per process by the Lambda entry or the local runner.
import type { RecipientDirectory } from '../alerts/recipients.js';
import type { Authenticator } from '../auth/tokens.js';
import type { RunSummary } from '../monitoring/run.js';
import type { Meter } from '../observability/meter.js';
import type { AlertStore } from '../storage/alerts.js';
import type { BlobStore } from '../storage/blobs.js';
import type { EventStore } from '../storage/events.js';
import type { ProfileStore } from '../storage/profiles.js';
import type { QuarantineStore } from '../storage/quarantine.js';
import type { RegistryStore } from '../storage/registry.js';

export interface Services {
  registry: RegistryStore;
  events: EventStore;
  blobs: BlobStore;
  profiles: ProfileStore;
  alerts: AlertStore;
  /** AWS: subscriptions of the alerts topic per email address and phone number; absent locally (outbox). */
  recipients?: RecipientDirectory;
  /** Changes the fold set aside (GET /v1/admin/quarantine). */
  quarantine: QuarantineStore;
  auth: Authenticator;
  clock: () => number;
  /** Counts what requests do (events accepted and rejected): CloudWatch metrics in AWS. */
  meter: Meter;
  /** Whether storage can take reads and writes now: what GET /health answers. */
  health(): Promise<HealthReport>;
  /** Processes everything pending now: what POST /v1/monitor/run does. */
  runMonitor(): Promise<RunSummary>;
}

export interface HealthReport {
  ok: boolean;
  /** Why storage is not usable, when it is not. */
  reason?: string;
}
