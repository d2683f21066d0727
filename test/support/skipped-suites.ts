// Suites skipped for a tool this machine lacks (moto_server, chromium, python3, a tmpfs mount) are noted here and
// listed together at the end of the run, so CI says plainly what it did not test.
import { appendFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const LIST_ENV = 'MODELWATCH_SKIPPED_SUITES_FILE';

/** Notes that `suite` was skipped, and why (printed now, and again in the summary). */
export function noteSkippedSuite(suite: string, reason: string): void {
  console.warn(`skipping ${suite}: ${reason}`);
  const file = process.env[LIST_ENV];
  if (file) appendFileSync(file, `${JSON.stringify({ suite, reason })}\n`);
}

/** vitest globalSetup: a fresh list per run, printed at the end. */
export default function setup(): () => void {
  const file = join(tmpdir(), `modelwatch-skipped-${process.pid}.ndjson`);
  rmSync(file, { force: true });
  process.env[LIST_ENV] = file;
  return () => {
    let lines: string[] = [];
    try {
      lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    } catch {}
    rmSync(file, { force: true });
    const skipped = [...new Set(lines)].map((line) => JSON.parse(line) as { suite: string; reason: string });
    if (skipped.length === 0) {
      if (process.env.CI) console.log('\nEvery suite ran: no tool was missing.');
      return;
    }
    console.log(`\n${skipped.length} suite(s) skipped for a missing tool:`);
    for (const { suite, reason } of skipped) console.log(`  - ${suite}: ${reason}`);
  };
}
