// Fetches metric series for one model. The series a view asks for within one turn of the event loop go out
// together as one `POST .../metrics/query` per range and bin size, whatever their segments (the service reads
// the range's profiles once, whatever the number of series). Answers are cached by query; asks still waiting for their batch are dropped
// when the view changes. A service without the query route gets one GET per series, a few at a time.

import type { ApiClient } from '../api/client.js';
import { ApiError, type RangeQuery, type SeriesQuery, seriesPath } from '../api/client.js';
import type { ModelInfo, Series } from '../api/types.js';

/** The route's own limit on queries per request. */
const MAX_QUERIES = 500;
/** Fallback only: GET requests in flight at once. */
const IN_FLIGHT = 3;

/** The request was dropped before it was sent, because the view it was for has changed. */
export class Dropped extends Error {
  constructor() {
    super('dropped: the view changed before this request was sent');
    this.name = 'Dropped';
  }
}

interface Ask {
  query: SeriesQuery;
  key: string;
  resolve: (series: Series) => void;
  reject: (error: unknown) => void;
}

export class SeriesLoader {
  private readonly cache = new Map<string, Promise<Series>>();
  private pending: Ask[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** False once the service has answered that it has no `metrics/query` route. */
  private batched = true;
  private active = 0;
  private readonly singles: Array<() => Promise<void>> = [];

  constructor(
    private readonly api: ApiClient,
    readonly model: ModelInfo,
  ) {}

  /** Drops every ask not yet sent: call when the view's range or bins change. */
  dropQueued(): void {
    const dropped = this.pending.splice(0);
    for (const ask of dropped) {
      this.forget(ask.key);
      ask.reject(new Dropped());
    }
    this.singles.splice(0);
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
    const promise = new Promise<Series>((resolve, reject) => {
      this.pending.push({ query, key, resolve, reject });
    });
    // A failed or dropped answer is not kept, so asking again retries it.
    promise.catch(() => this.forget(key, promise));
    this.cache.set(key, promise);
    this.timer ??= setTimeout(() => this.flush(), 0);
    return promise;
  }

  private forget(key: string, promise?: Promise<Series>): void {
    if (!promise || this.cache.get(key) === promise) this.cache.delete(key);
  }

  private flush(): void {
    this.timer = undefined;
    const asks = this.pending.splice(0);
    const groups = new Map<string, Ask[]>();
    for (const ask of asks) {
      const { bin_size, start, end } = ask.query;
      const group = `${bin_size}|${start}|${end}`;
      groups.set(group, [...(groups.get(group) ?? []), ask]);
    }
    for (const group of groups.values()) {
      for (let i = 0; i < group.length; i += MAX_QUERIES) void this.send(group.slice(i, i + MAX_QUERIES));
    }
  }

  private async send(asks: Ask[]): Promise<void> {
    if (!this.batched) return this.sendSingly(asks);
    const first = asks[0] as Ask;
    const range: RangeQuery = {
      bin_size: first.query.bin_size,
      start: first.query.start,
      end: first.query.end,
    };
    try {
      const series = await this.api.seriesMany(
        this.model,
        range,
        asks.map(({ query: { metric, column, segment } }) => ({
          metric,
          ...(column === undefined ? {} : { column }),
          ...(segment === undefined ? {} : { segment }),
        })),
      );
      asks.forEach((ask, i) => {
        const answer = series[i];
        if (answer) ask.resolve(answer);
        else
          ask.reject(
            new ApiError(200, 'short_answer', `The API answered no series for ${ask.query.metric}.`),
          );
      });
    } catch (error) {
      if (error instanceof ApiError && error.isNoRoute) {
        this.batched = false;
        return this.sendSingly(asks);
      }
      // One query the service refuses (invalid, an unknown segment, a segment still being built) fails the
      // request: ask each alone, so the others still draw.
      if (error instanceof ApiError && [400, 404, 409].includes(error.status) && asks.length > 1) {
        for (const ask of asks) void this.send([ask]);
        return;
      }
      for (const ask of asks) ask.reject(error);
    }
  }

  private sendSingly(asks: Ask[]): void {
    for (const ask of asks) {
      this.singles.push(() => this.api.series(this.model, ask.query).then(ask.resolve, ask.reject));
    }
    this.pump();
  }

  private pump(): void {
    while (this.active < IN_FLIGHT) {
      const job = this.singles.shift();
      if (!job) return;
      this.active++;
      job().finally(() => {
        this.active--;
        this.pump();
      });
    }
  }
}
