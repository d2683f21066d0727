// Sending the notifications a model's incidents call for, within a time budget shared by the whole run, so slow
// or dead receivers cost the other models of a run at most that budget, together. A notification is claimed just
// before it is sent: one the budget leaves unstarted stays unclaimed, and the next run sends it.
import type { AlertStore } from '../storage/alerts.js';
import type { ModelRef } from '../storage/profiles.js';
import type { SendContext } from './channels/channel.js';
import { CHANNEL_NAMES, CHANNELS, type ChannelName } from './channels/index.js';
import { PAGERDUTY_EVENTS_URL } from './channels/pagerduty.js';
import type { EmailSmsSender } from './email-sms-senders.js';
import { afterNotified, claimKeyOf } from './incidents.js';
import { dashboardLink } from './messages.js';
import type { DeliveryFailure, Incident, Notice } from './types.js';
import type { WebhookOptions } from './webhooks.js';

export interface DeliveryOptions extends WebhookOptions {
  /** Wall time a run may spend sending, across every model it evaluates. @default 10000 */
  budgetMs?: number;
  /** Notifications sent at once. @default 8 */
  concurrency?: number;
  /** Where PagerDuty events go (MODELWATCH_PAGERDUTY_URL). @default PagerDuty's Events API v2 endpoint */
  pagerdutyUrl?: string;
}

export interface DeliveryDeps {
  alerts: AlertStore;
  channel: EmailSmsSender;
  clock: () => number;
  dashboardUrl?: string;
  delivery?: DeliveryOptions;
}

/** An incident event yet to be notified, with the record of its latest bin. */
export type DueNotification = Omit<Notice, 'link'>;

export interface DeliveryOutcome {
  /** Notifications claimed and attempted (delivered, or failed with the failure on the record). */
  sent: number;
  /** Notifications the budget left unstarted: unclaimed, for the next run. */
  deferred: DueNotification[];
}

// The deps object stands for one run (every composition builds it per run): the time its deliveries have taken
// so far, counted across the models it evaluates one after the other, not the time folding took between them.
const spentByRun = new WeakMap<object, number>();
// Claiming a notification with less time than this left would only record it failed instead of deferring it.
const MIN_START_MS = 100;
// Failures name the channel as one target of it, as they always have.
const FAILURE_CHANNEL: Partial<Record<ChannelName, string>> = { emails: 'email', webhooks: 'webhook' };
// A record keeps its latest delivery failures, not an unbounded history.
const MAX_FAILURES = 50;

/** Writes a change to an incident; the engine passes one that keeps its own view of the incident current. */
export type IncidentUpdater = (
  incidentId: string,
  change: (current: Incident | undefined) => Incident | undefined,
) => Promise<Incident | undefined>;

export async function deliverDue(
  deps: DeliveryDeps,
  model: ModelRef,
  due: DueNotification[],
  update: IncidentUpdater = (id, change) => deps.alerts.updateIncident(model, id, change),
): Promise<DeliveryOutcome> {
  const outcome: DeliveryOutcome = { sent: 0, deferred: [] };
  if (due.length === 0) return outcome;
  const started = performance.now();
  const spent = spentByRun.get(deps) ?? 0;
  const deadline = started + (deps.delivery?.budgetMs ?? 10_000) - spent;
  const queue = [...due];
  let storageError: unknown;
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      if (storageError !== undefined || performance.now() >= deadline - MIN_START_MS) {
        outcome.deferred.push(next);
        continue;
      }
      try {
        if (await deliverOne(deps, update, next, deadline)) outcome.sent++;
      } catch (error) {
        // The store failed: stop starting new ones, let those in flight finish, then fail the model.
        storageError ??= error;
      }
    }
  };
  const workers = Math.max(1, Math.min(deps.delivery?.concurrency ?? 8, due.length));
  try {
    await Promise.all(Array.from({ length: workers }, worker));
  } finally {
    spentByRun.set(deps, spent + performance.now() - started);
  }
  if (storageError !== undefined) throw storageError;
  return outcome;
}

/** Claims, sends, and marks the incident notified; false when an earlier run claimed it. */
async function deliverOne(
  deps: DeliveryDeps,
  update: IncidentUpdater,
  due: DueNotification,
  deadline: number,
) {
  const { incident, record, event } = due;
  // Claim first: if a run dies after the claim, the event is marked notified rather than sent twice.
  const claimed = await deps.alerts.claimNotification(
    incident.incident_id,
    claimKeyOf(incident, event),
    deps.clock(),
  );
  const notice: Notice = { ...due, link: dashboardLink(deps.dashboardUrl, record) };
  const failures = claimed ? await sendToChannels(deps, notice, deadline) : [];
  await deps.alerts.putRecord({
    ...record,
    notified_severity: event === 'resolved' ? record.notified_severity : incident.severity,
    delivery_failures: [...record.delivery_failures, ...failures].slice(-MAX_FAILURES),
  });
  const now = deps.clock();
  await update(incident.incident_id, (current) =>
    afterNotified(current, event, incident.severity, incident.generation, now),
  );
  return claimed;
}

/** Sends to every channel the rule names; a failing target is recorded, never fatal to the run. */
async function sendToChannels(deps: DeliveryDeps, notice: Notice, deadline: number) {
  const context: SendContext = {
    messages: deps.channel,
    http: { ...deps.delivery, deadline },
    pagerdutyUrl: deps.delivery?.pagerdutyUrl || PAGERDUTY_EVENTS_URL,
  };
  const notifications = notice.rule.notifications;
  const sent = CHANNEL_NAMES.map(async (name) => {
    // Rules saved before a channel existed have no list for it.
    const targets: unknown[] = notifications[name] ?? [];
    if (targets.length === 0) return [];
    const channel = CHANNELS[name] as (typeof CHANNELS)['pagerduty'] | (typeof CHANNELS)['emails'];
    const send = notice.event === 'resolved' ? channel.resolve : channel.notify;
    const failures = await send(targets as never[], notice, context);
    return failures.map(
      (failure): DeliveryFailure => ({
        channel: FAILURE_CHANNEL[name] ?? name,
        target: failure.target,
        severity: notice.incident.severity,
        error: failure.error,
        at: deps.clock(),
      }),
    );
  });
  return (await Promise.all(sent)).flat();
}
