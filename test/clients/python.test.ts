// The Python client's own unittest suite (clients/python/tests), run against a started local service.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../support/local-service.js';
import { noteSkippedSuite } from '../support/skipped-suites.js';

const pythonDir = fileURLToPath(new URL('../../clients/python', import.meta.url));
const python = spawnSync('python3', ['--version'], { encoding: 'utf8' });
const missingPython = python.error || python.status !== 0 ? 'python3 is not installed' : null;
if (missingPython) noteSkippedSuite('the Python client tests', missingPython);

describe.skipIf(missingPython)('the Python client', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService();
  });

  afterAll(() => service?.destroy());

  it('passes its unittest suite against the live service', async () => {
    const env = {
      ...process.env,
      MODELWATCH_URL: service.url,
      MODELWATCH_TOKEN: service.adminToken,
      PYTHONPATH: pythonDir,
      PYTHONDONTWRITEBYTECODE: '1',
    };
    const run = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const child = spawn('python3', ['-m', 'unittest', 'discover', '-v', '-s', 'tests'], {
        cwd: pythonDir,
        env,
      });
      let output = '';
      child.stdout.on('data', (piece: Buffer) => {
        output += piece.toString();
      });
      child.stderr.on('data', (piece: Buffer) => {
        output += piece.toString();
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, output }));
    });
    if (run.code !== 0) console.log(run.output);
    expect(run.code).toBe(0);
    expect(run.output).toMatch(/^OK/m);
    expect(run.output).not.toMatch(/ClientTest\)\s*\.\.\.\s*skipped 'MODELWATCH_URL/);
  });
});
