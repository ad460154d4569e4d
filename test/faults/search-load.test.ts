// 200 people searching at once beside a stream of uploads, against a real server process: every search is answered
// 200 and every acknowledged upload is there afterwards. Latency is the benchmark's to judge (npm run bench
// search-load), not a test's: this machine is shared.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeRun, loadTarget, WORDS, type LoadTarget } from '../support/search-load.ts';

let target: LoadTarget;
beforeAll(async () => { target = await loadTarget(24); }, 240_000);
afterAll(() => target?.close());

it('answers 200 concurrent searchers with no error while uploads go on, and keeps every upload it acknowledged', { timeout: 120_000 }, async () => {
  // 300 a second: the server keeps up even with the other test files on the same two cores, so a search slower
  // than the load's 30 s timeout is a hung request, not a busy machine.
  const run = await target.load('search', { seconds: 10, perSecond: 300, pathOf: (n) => `/api/search?q=${encodeURIComponent(WORDS[n % WORDS.length]!)}` });
  console.log(describeRun(run));
  expect(run.errors, JSON.stringify(run.statuses)).toBe(0);
  expect(run.requests).toBeGreaterThan(1_000);
  expect(run.uploads.failed).toBe(0);
  expect(run.uploads.ok).toBeGreaterThan(0);
  for (const id of run.uploads.ids) {
    const res = await fetch(`${target.server.url}/api/assets/${id}`, { headers: { cookie: target.marketing } });
    expect(res.status).toBe(200);
  }
});
