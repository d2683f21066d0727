// Drift against production baselines: `window:<start>:<end>` merges the drift counts (and, for KS and Wasserstein,
// the values) of that range, and `previous:<n>` those of the n bins before each bin; the expected distances come
// from counts made here and from scipy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Client,
  clientFor,
  seedChurnModel,
  startTestService,
  type TestService,
} from '../support/local-service.js';

let service: TestService;
let admin: Client;
const HOUR = 3_600_000;
const START = Date.UTC(2026, 7, 3, 0);
const churn = '/v1/projects/bank/models/churn';
/** Ages per hour: the distribution shifts older hour by hour. */
const AGES = [
  [25, 35, 45, 55, 38, 42],
  [35, 45, 47, 55, 58, 60],
  [45, 55, 56, 59, 61, 70, 72],
  [22, 23, 24, 41, 44, 51],
];

/** Counts in the bins (-inf, 40], (40, 50], (50, +inf). */
const countsOf = (ages: number[]) => [
  ages.filter((a) => a <= 40).length,
  ages.filter((a) => a > 40 && a <= 50).length,
  ages.filter((a) => a > 50).length,
];

/** scipy.spatial.distance.jensenshannon(p, q, base=2), written out. */
function jsd(p: number[], q: number[]): number {
  const norm = (v: number[]) => v.map((x) => x / v.reduce((s, y) => s + y, 0));
  const [a, b] = [norm(p), norm(q)];
  const kl = (x: number[], m: number[]) =>
    x.reduce((s, xi, i) => (xi > 0 ? s + xi * Math.log2(xi / (m[i] as number)) : s), 0);
  const m = a.map((ai, i) => (ai + (b[i] as number)) / 2);
  return Math.sqrt((kl(a, m) + kl(b, m)) / 2);
}

beforeAll(async () => {
  service = await startTestService();
  admin = clientFor(service.url, service.adminToken);
  await seedChurnModel(admin);
  await admin.put(`${churn}/monitoring`, { bins: { age: { edges: [40, 50] } } });
  const rows = AGES.flatMap((ages, hour) =>
    ages.map((age, i) =>
      JSON.stringify({
        event_id: `e${hour}-${i}`,
        event_timestamp: START + hour * HOUR + i,
        age,
        balance: 10,
        geography: 'France',
        tenure: 1,
        probability_churned: 0.2,
      }),
    ),
  );
  const answer = await admin.post(`${churn}/events/batch`, rows.join('\n'), 'application/x-ndjson');
  expect(answer.body.accepted).toBe(rows.length);
  await admin.post('/v1/monitor/run');
});

afterAll(() => service.destroy());

async function points(metric: string, baseline: string): Promise<Array<number | null>> {
  const answer = await admin.get(
    `${churn}/metrics?metric=${metric}&column=age&bin_size=hour&start=${START}&end=${START + 4 * HOUR}&baseline=${encodeURIComponent(baseline)}`,
  );
  expect(answer.status, answer.text).toBe(200);
  return answer.body.points.map((point: { value: number | null }) => point.value);
}

const jsdPoints = (baseline: string) => points('jsd', baseline);

describe('drift against production baselines', () => {
  it('compares each hour with the merged counts of a window', async () => {
    const window = countsOf([...(AGES[0] as number[]), ...(AGES[1] as number[])]);
    const values = await jsdPoints(`window:${START}:${new Date(START + 2 * HOUR).toISOString()}`);
    AGES.forEach((ages, hour) => {
      expect(values[hour]).toBeCloseTo(jsd(window, countsOf(ages)), 12);
    });
  });

  it('compares each hour with the one before it', async () => {
    const values = await jsdPoints('previous:1');
    expect(values[0]).toBeNull();
    for (let hour = 1; hour < AGES.length; hour++) {
      expect(values[hour]).toBeCloseTo(
        jsd(countsOf(AGES[hour - 1] as number[]), countsOf(AGES[hour] as number[])),
        12,
      );
    }
  });

  it('compares each hour with the sum of the two before it', async () => {
    const values = await jsdPoints('previous:2');
    const before = [...(AGES[1] as number[]), ...(AGES[2] as number[])];
    expect(values[3]).toBeCloseTo(jsd(countsOf(before), countsOf(AGES[3] as number[])), 12);
    expect(values[1]).toBeCloseTo(jsd(countsOf(AGES[0] as number[]), countsOf(AGES[1] as number[])), 12);
  });

  it('compares each hour with the values of a window for ks_statistic and wasserstein', async () => {
    // scipy.stats.ks_2samp(window, hour).statistic and wasserstein_distance(window, hour) / numpy.std(window), for
    // the window of hours 0 and 1: every hour keeps its raw values, so both are exact.
    const window = `window:${START}:${START + 2 * HOUR}`;
    const ks = await points('ks_statistic', window);
    const wasserstein = await points('wasserstein', window);
    [0.25, 0.25, 0.5476190476190477, 0.5].forEach((value, hour) => {
      expect(ks[hour]).toBeCloseTo(value, 12);
    });
    [0.488726409338306, 0.48872640933830597, 1.4382520046241574, 1.0589072202329963].forEach(
      (value, hour) => {
        expect(wasserstein[hour]).toBeCloseTo(value, 12);
      },
    );
  });

  it('compares each hour with the values of the hour before it for wasserstein', async () => {
    // scipy.stats.wasserstein_distance(previous, hour) / numpy.std(previous).
    expect(await points('wasserstein', 'previous:1')).toEqual([
      null,
      expect.closeTo(1.0867853340033278, 12),
      expect.closeTo(1.1242101211523838, 12),
      expect.closeTo(2.9888695342033818, 12),
    ]);
  });

  it('answers 400 for a production baseline of a metric that is not drift', async () => {
    const answer = await admin.get(
      `${churn}/metrics?metric=mean&column=age&baseline=window:${START}:${START + HOUR}`,
    );
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(/applies to drift metrics/);
  });
});
