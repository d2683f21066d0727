// Batches single events into batch requests: flushed when maxRows are waiting, every flushIntervalMs, on
// close(), and (in a long-lived Node process) when the process is about to exit.
import type { BatchResult, PublishBatchOptions } from './batch.js';
import type { Row } from './sources.js';
import type { TimeInput } from './types.js';

/** What the publisher needs of the client (kept narrow so it is easy to test and to wrap). */
export interface BatchPublishing {
  publishBatch(
    projectId: string,
    modelId: string,
    rows: Row[],
    options?: PublishBatchOptions,
  ): Promise<BatchResult>;
}

export interface BufferedPublisherOptions {
  /** Flush as soon as this many events wait. @default 500 */
  maxRows?: number;
  /** Flush waiting events at least this often; 0 turns the timer off. @default 1000 */
  flushIntervalMs?: number;
  /** Flush on the process's `beforeExit` (Node only; in Lambda call flush() before returning). @default true */
  flushOnExit?: boolean;
  /** Events kept for a later flush when a flush fails; beyond it the oldest are dropped. @default 100000 */
  maxPendingRows?: number;
  /** Called with each flush's result (rows the service rejected are in `errors`). */
  onFlush?: (result: BatchResult) => void;
  /** Called when a background flush fails. @default console.error */
  onError?: (error: unknown) => void;
}

// Names no model column is likely to use, so an event's own fields never collide with them.
const ID_FIELD = '__event_id';
/** The little of Node's `process` used, looked up at run time so the SDK also loads where there is none. */
type ExitHooks = {
  on?(event: 'beforeExit', listener: () => void): unknown;
  off?(event: 'beforeExit', listener: () => void): unknown;
};
const processHooks = (): ExitHooks | undefined => (globalThis as { process?: ExitHooks }).process;
const TIMESTAMP_FIELD = '__event_timestamp';

export class BufferedPublisher {
  private pendingRows: Row[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  private readonly timer: ReturnType<typeof setInterval> | undefined;
  private readonly exitHandler: (() => void) | undefined;
  private closed = false;
  private backgroundQueued = false;
  private readonly maxRows: number;
  private readonly maxPendingRows: number;

  constructor(
    private readonly client: BatchPublishing,
    private readonly projectId: string,
    private readonly modelId: string,
    private readonly options: BufferedPublisherOptions = {},
  ) {
    this.maxRows = Math.max(1, options.maxRows ?? 500);
    this.maxPendingRows = Math.max(this.maxRows, options.maxPendingRows ?? 100_000);
    const interval = options.flushIntervalMs ?? 1000;
    if (interval > 0) {
      this.timer = setInterval(() => this.flushInBackground(), interval);
      // The timer alone must not keep a process alive; beforeExit catches what it would have sent.
      (this.timer as { unref?: () => void }).unref?.();
    }
    const proc = processHooks();
    if ((options.flushOnExit ?? true) && typeof proc?.on === 'function') {
      let exiting = false;
      this.exitHandler = () => {
        // Once only: a flush that fails at exit must not schedule flushes forever.
        if (exiting || this.pendingRows.length === 0) return;
        exiting = true;
        this.flushInBackground();
      };
      proc.on('beforeExit', this.exitHandler);
    }
  }

  /** Events waiting to be sent. */
  get pending(): number {
    return this.pendingRows.length;
  }

  /**
   * Queues one event and returns its event id (generated when not given). The event time is taken now
   * when not given, so a late flush does not move it.
   */
  publish(
    event: Record<string, unknown>,
    options: { eventId?: string; eventTimestamp?: TimeInput } = {},
  ): string {
    if (this.closed) throw new Error('BufferedPublisher: publish after close()');
    const eventId = options.eventId ?? globalThis.crypto.randomUUID();
    const time = options.eventTimestamp ?? Date.now();
    const timestamp = time instanceof Date ? time.getTime() : time;
    this.pendingRows.push({ ...event, [ID_FIELD]: eventId, [TIMESTAMP_FIELD]: timestamp });
    if (this.pendingRows.length >= this.maxRows) this.flushInBackground();
    return eventId;
  }

  /** Sends every waiting event; resolves with what the service answered. Flushes never overlap. */
  flush(): Promise<BatchResult> {
    const run = this.chain.then(() => this.sendPending());
    this.chain = run.catch(() => {});
    return run;
  }

  /** Flushes and stops the timer and exit hook; the publisher takes no more events. */
  async close(): Promise<BatchResult> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    if (this.exitHandler) processHooks()?.off?.('beforeExit', this.exitHandler);
    return this.flush();
  }

  private flushInBackground(): void {
    // One background flush waiting at a time: while the service is slow or down, publish() must not pile
    // up a flush per event.
    if (this.pendingRows.length === 0 || this.backgroundQueued) return;
    this.backgroundQueued = true;
    this.flush().catch((error: unknown) => this.reportError(error));
  }

  private reportError(error: unknown): void {
    (this.options.onError ?? defaultOnError)(error);
  }

  private async sendPending(): Promise<BatchResult> {
    this.backgroundQueued = false;
    const rows = this.pendingRows.splice(0, this.pendingRows.length);
    if (rows.length === 0) return { rows: 0, accepted: 0, rejected: 0, errors: [], error_counts: {} };
    try {
      const result = await this.client.publishBatch(this.projectId, this.modelId, rows, {
        idField: ID_FIELD,
        timestampField: TIMESTAMP_FIELD,
        timestampFormat: 'infer',
        chunkRows: this.maxRows,
      });
      this.options.onFlush?.(result);
      return result;
    } catch (error) {
      // Every row has its id already, so sending them again later can never count one twice.
      this.pendingRows.unshift(...rows);
      const excess = this.pendingRows.length - this.maxPendingRows;
      if (excess > 0) {
        this.pendingRows.splice(0, excess);
        this.reportError(
          new Error(`BufferedPublisher: dropped the ${excess} oldest events (over maxPendingRows)`),
        );
      }
      throw error;
    }
  }
}

function defaultOnError(error: unknown): void {
  console.error(
    `modelwatch: a buffered flush failed (events kept for the next one): ${(error as Error)?.message ?? error}`,
  );
}
