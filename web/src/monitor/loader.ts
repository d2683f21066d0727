// Fetches metric series for one model: answers cached by query, at most a few requests in flight (the local
// service computes each series on one thread, so more in parallel only queues there), and queued requests of
// a view the user has left are dropped before they are sent.
import { type ApiClient, type SeriesQuery, seriesPath } from '../api/client.js';
import type { ModelInfo, Series } from '../api/types.js';

const IN_FLIGHT = 3;

interface Job {
  run: () => Promise<void>;
  drop: () => void;
}

/** The request was dropped before it was sent, because the view it was for has changed. */
export class Dropped extends Error {
  constructor() {
    super('dropped: the view changed before this request was sent');
    this.name = 'Dropped';
  }
}

export class SeriesLoader {
  private readonly cache = new Map<string, Promise<Series>>();
  private readonly queue: Job[] = [];
  private active = 0;

  constructor(
    private readonly api: ApiClient,
    readonly model: ModelInfo,
  ) {}

  /** Drops every queued request: call when the view's range or bins change. */
  dropQueued(): void {
    for (const job of this.queue.splice(0)) job.drop();
  }

  /** Forgets cached answers, e.g. after a monitor run or when the user asks to refresh. */
  clear(): void {
    this.dropQueued();
    this.cache.clear();
  }

  series(query: SeriesQuery): Promise<Series> {
    const key = seriesPath(this.model, query);
    const cached = this.cache.get(key);
    if (cached) return cached;
    // A failed or dropped answer is not kept, so asking again retries it. A drop forgets at once, so a view
    // asking for the same series right after gets a new request rather than the dropped one.
    const forget = () => {
      if (this.cache.get(key) === promise) this.cache.delete(key);
    };
    const promise: Promise<Series> = new Promise<Series>((resolve, reject) => {
      this.queue.push({
        run: () => this.api.series(this.model, query).then(resolve, reject),
        drop: () => {
          forget();
          reject(new Dropped());
        },
      });
    });
    this.cache.set(key, promise);
    promise.catch(forget);
    this.pump();
    return promise;
  }

  private pump(): void {
    while (this.active < IN_FLIGHT) {
      const job = this.queue.shift();
      if (!job) return;
      this.active++;
      job.run().finally(() => {
        this.active--;
        this.pump();
      });
    }
  }
}
