// Shared pieces of the client tests: a service seeded through raw HTTP, fetch wrappers that fail on purpose,
// and traffic summed from the metrics route.
import { type Client, seedChurnModel } from '../support/local-service.js';

export const HOUR_MS = 3_600_000;
/** A whole UTC hour two days ago: complete, and well inside the retention period. */
export const PAST_HOUR = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 48 * HOUR_MS;

export const prediction = (extra: Record<string, unknown> = {}) => ({
  age: 40,
  balance: 1200.5,
  geography: 'France',
  tenure: 3,
  probability_churned: 0.42,
  ...extra,
});

/** Every traffic count of a model over [start, end), summed. */
export async function trafficBetween(
  admin: Client,
  project: string,
  model: string,
  start: number,
  end: number,
) {
  const path = `/v1/projects/${project}/models/${model}/metrics?metric=traffic&bin_size=day&start=${start}&end=${end}`;
  const answer = await admin.get(path);
  if (answer.status !== 200) throw new Error(`traffic: ${answer.text}`);
  return (answer.body.points as Array<{ value: number }>).reduce((sum, point) => sum + point.value, 0);
}

export { seedChurnModel };

/** A fetch that answers `status` to the first `failures` calls, then delegates to the real fetch. */
export function failingFetch(failures: number, status = 503) {
  const calls: string[] = [];
  const fetchFn: typeof fetch = async (input, init) => {
    calls.push(`${init?.method ?? 'GET'} ${String(input)}`);
    if (calls.length <= failures) {
      const body = JSON.stringify({ error: { code: 'unavailable', message: 'try again' } });
      return new Response(body, { status, headers: { 'content-type': 'application/json' } });
    }
    return fetch(input, init);
  };
  return { fetch: fetchFn, calls };
}

/** A fetch whose first matching request reaches the service, but whose answer is lost on the way back. */
export function losingFirstAnswer(matches: (url: string) => boolean) {
  let lost = 0;
  const fetchFn: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (lost === 0 && matches(String(input))) {
      lost++;
      await response.arrayBuffer();
      return new Response('upstream timed out', { status: 504 });
    }
    return response;
  };
  return { fetch: fetchFn, lostCount: () => lost };
}
