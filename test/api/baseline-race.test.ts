// Two baselines PUT to one dataset id at once, over real HTTP: one 201, one 409, and the dataset reads as the 201.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadDataset } from '../../shared/datasets/datasets.js';
import { type Client, clientFor, startTestService, type TestService } from '../support/local-service.js';

let service: TestService;
let admin: Client;
const project = 'race';
const datasets = `/v1/projects/${project}/datasets`;

const BASELINE_A = {
  csv: 'age,income,score\n31,1000.5,0.2\n45,2000,0.7\n52,1500.25,0.4\n',
  columns: ['age', 'income', 'score'],
  rows: 3,
};
const BASELINE_B = {
  csv: 'height,weight,bmi,label\n170,65,22.5,a\n182,80,24.1,b\n165,55,20.2,a\n175,90,29.4,c\n190,85,23.5,b\n',
  columns: ['height', 'weight', 'bmi', 'label'],
  rows: 5,
};

beforeAll(async () => {
  service = await startTestService();
  admin = clientFor(service.url, service.adminToken);
  await admin.post('/v1/projects', { project_id: project });
});

afterAll(() => service.destroy());

/** Every blob file stored for a dataset, relative to its folder. */
async function blobFilesOf(datasetId: string): Promise<string[]> {
  const folder = join(service.dataDir, 'blobs', 'baselines', project, datasetId);
  const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(folder.length + 1));
}

describe('two baselines PUT to one dataset id at once', () => {
  const rounds = Array.from({ length: 25 }, (_, round) => round);

  it.each(rounds)('round %i: one 201, one 409, and the dataset reads as the 201', async (round) => {
    const datasetId = `both-${round}`;

    const answers = await Promise.all([
      admin.put(`${datasets}/${datasetId}`, BASELINE_A.csv, 'text/csv'),
      admin.put(`${datasets}/${datasetId}`, BASELINE_B.csv, 'text/csv'),
    ]);

    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409]);
    const winner = answers.find((answer) => answer.status === 201);
    const loser = answers.find((answer) => answer.status === 409);
    expect(loser?.body.error.code).toBe('already_exists');
    const expected = winner?.body.row_count === BASELINE_A.rows ? BASELINE_A : BASELINE_B;
    expect(winner?.body.columns.map((column: { name: string }) => column.name)).toEqual(expected.columns);
    const stored = await admin.get(`${datasets}/${datasetId}`);
    expect(stored.status).toBe(200);
    expect(stored.body).toEqual(winner?.body);
  });

  it('registers a model on the winner from the winner’s columns only', async () => {
    const answers = await Promise.all([
      admin.put(`${datasets}/modelled`, BASELINE_A.csv, 'text/csv'),
      admin.put(`${datasets}/modelled`, BASELINE_B.csv, 'text/csv'),
    ]);
    const winner = answers.find((answer) => answer.status === 201)?.body;
    const [won, lost] =
      winner?.row_count === BASELINE_A.rows ? [BASELINE_A, BASELINE_B] : [BASELINE_B, BASELINE_A];
    const modelOn = (columns: string[]) => ({
      dataset_id: 'modelled',
      task: 'regression',
      inputs: [columns[0]],
      outputs: [columns[1]],
      targets: [columns[2]],
    });

    const onWinner = await admin.put(`/v1/projects/${project}/models/on-winner`, modelOn(won.columns));
    const onLoser = await admin.put(`/v1/projects/${project}/models/on-loser`, modelOn(lost.columns));

    expect(onWinner.status).toBe(201);
    expect(onWinner.body.inputs).toEqual([won.columns[0]]);
    expect(onLoser.status).toBe(400);
    expect(onLoser.body.error.message).toContain(lost.columns[0]);
  });

  it('keeps only the winner’s blobs', async () => {
    await Promise.all([
      admin.put(`${datasets}/tidy`, BASELINE_A.csv, 'text/csv'),
      admin.put(`${datasets}/tidy`, BASELINE_B.csv, 'text/csv'),
    ]);
    const record = await service.services.registry.getDataset(project, 'tidy');

    const files = await blobFilesOf('tidy');

    expect(files.sort()).toEqual(
      ['profile.json', 'raw', 'values.f64'].map((name) => `${record?.upload_id}/${name}`),
    );
  });
});

describe('a dataset id claimed by a PUT that never finished', () => {
  const claimOf = (datasetId: string, expiresAt: number) => ({
    project_id: project,
    dataset_id: datasetId,
    upload_id: 'bl_crashed',
    expires_at: expiresAt,
  });

  it('answers 409 while the claim holds', async () => {
    await service.services.registry.claimDataset(claimOf('held', Date.now() + 60_000), Date.now());

    const answer = await admin.put(`${datasets}/held`, BASELINE_A.csv, 'text/csv');

    expect(answer.status).toBe(409);
    expect(answer.body.error.message).toContain('being uploaded');
  });

  it('takes the id over once the claim has expired', async () => {
    await service.services.registry.claimDataset(claimOf('stuck', Date.now() - 1), Date.now() - 60_000);

    const answer = await admin.put(`${datasets}/stuck`, BASELINE_A.csv, 'text/csv');

    expect(answer.status).toBe(201);
    expect((await admin.get(`${datasets}/stuck`)).body).toEqual(answer.body);
  });

  it('still stores exactly one baseline when a slow PUT outlives its claim and another takes over', async () => {
    // The slow PUT claims the id, then stalls mid-body until the fast one, arriving after its claim expired, is done.
    const deps = service.services;
    let releaseBody: () => void = () => undefined;
    const bodyReleased = new Promise<void>((resolve) => {
      releaseBody = resolve;
    });
    const slowBody = Readable.from(
      (async function* () {
        yield Buffer.from('age,income,score\n31,1000.5,0.2\n');
        await bodyReleased;
        yield Buffer.from('45,2000,0.7\n52,1500.25,0.4\n');
      })(),
    );
    const slow = uploadDataset(deps, project, 'overtaken', { body: slowBody, format: 'csv' }, 100).then(
      (info) => ({ info, error: undefined }),
      (error: Error) => ({ info: undefined, error }),
    );
    await expect.poll(() => blobFilesOf('overtaken'), { timeout: 5_000 }).not.toEqual([]);
    const later = { ...deps, clock: () => Date.now() + 16 * 60_000 };

    const fast = await uploadDataset(
      later,
      project,
      'overtaken',
      { body: Readable.from([BASELINE_B.csv]), format: 'csv' },
      100,
    );
    releaseBody();
    const slowOutcome = await slow;

    expect(fast.row_count).toBe(BASELINE_B.rows);
    expect(slowOutcome.error?.name).toBe('AlreadyExists');
    expect((await admin.get(`${datasets}/overtaken`)).body).toEqual(fast);
    const record = await deps.registry.getDataset(project, 'overtaken');
    expect((await blobFilesOf('overtaken')).every((file) => file.startsWith(`${record?.upload_id}/`))).toBe(
      true,
    );
  });
});
