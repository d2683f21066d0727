// Sending the notifications a model's evaluation found due, within a time budget shared by the whole run, so
// slow or dead receivers cost the other models of a run at most that budget, together. A notification is claimed
// just before it is sent: one the budget leaves unstarted stays unclaimed, and the next run sends it.
import type { AlertStore } from '../storage/alerts.js';
import type { MessageChannel } from './channels.js';
import { dashboardLink, emailBody, emailSubject, smsText } from './messages.js';
import type { AlertRecord, AlertRule, DeliveryFailure } from './types.js';
import { postWebhook, type WebhookOptions } from './webhooks.js';

export interface DeliveryOptions extends WebhookOptions {
  /** Wall time a run may spend sending, across every model it evaluates. @default 10000 */
  budgetMs?: number;
  /** Notifications sent at once. @default 8 */
  concurrency?: number;
}

export interface DeliveryDeps {
  alerts: AlertStore;
  channel: MessageChannel;
  clock: () => number;
  dashboardUrl?: string;
  delivery?: DeliveryOptions;
}

/** A record whose severity is yet to be notified. */
export interface DueNotification {
  rule: AlertRule;
  record: AlertRecord;
}

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

export async function deliverDue(deps: DeliveryDeps, due: DueNotification[]): Promise<DeliveryOutcome> {
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
        if (await deliverOne(deps, next, deadline)) outcome.sent++;
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

/** Claims, sends, and marks the record notified with any failures; false when an earlier run claimed it. */
async function deliverOne(deps: DeliveryDeps, { rule, record }: DueNotification, deadline: number) {
  // Claim first: if a run dies after the claim, the state is marked notified rather than sent twice.
  const claimed = await deps.alerts.claimNotification(record.alert_id, record.severity, deps.clock());
  const failures = claimed ? await sendToChannels(deps, rule, record, deadline) : [];
  await deps.alerts.putRecord({
    ...record,
    notified_severity: record.severity,
    delivery_failures: [...record.delivery_failures, ...failures],
  });
  return claimed;
}

/** Sends to every channel of the rule; a failing channel is recorded, never fatal to the run. */
async function sendToChannels(
  deps: DeliveryDeps,
  rule: AlertRule,
  record: AlertRecord,
  deadline: number,
): Promise<DeliveryFailure[]> {
  const failures: DeliveryFailure[] = [];
  const failed = (channel: DeliveryFailure['channel'], target: string, error: unknown) =>
    failures.push({
      channel,
      target,
      severity: record.severity,
      error: (error as Error).message,
      at: deps.clock(),
    });
  const { emails, sms, webhooks } = rule.notifications;
  const link = dashboardLink(deps.dashboardUrl, record);
  const base = { alert_id: record.alert_id, severity: record.severity };
  // Emails and SMS one after the other, as before; webhooks meanwhile, each on its own.
  const messages = async () => {
    if (emails.length > 0) {
      await deps.channel
        .send(
          {
            ...base,
            channel: 'email',
            to: emails,
            subject: emailSubject(record),
            text: emailBody(record, link),
          },
          record,
        )
        .catch((error) => failed('email', emails.join(','), error));
    }
    if (sms.length > 0) {
      await deps.channel
        .send({ ...base, channel: 'sms', to: sms, text: smsText(record) }, record)
        .catch((error) => failed('sms', sms.join(','), error));
    }
  };
  const sends: Array<Promise<unknown>> = [messages()];
  for (const url of webhooks) {
    sends.push(
      postWebhook(url, record, rule.webhook_secret, deps.delivery, deadline).catch((error) =>
        failed('webhook', url, error),
      ),
    );
  }
  await Promise.all(sends);
  return failures;
}
