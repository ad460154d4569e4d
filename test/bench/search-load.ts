// npm run bench search-load: 200 sales people searching at once while marketing uploads, through real HTTP
// (autocannon), against GET /api/health under the same load in the same run. Issue 14's target: zero errors and p99
// of search under 100 ms. The server runs as its own process, as `npm start` does (autocannon in the same event loop
// would take half of the server's time). PGlite by default; PostgreSQL when DATABASE_URL is set.
// BENCH_SECONDS sets each run's length (30 s, after 3 s of warm-up), BENCH_RATE the searches offered a second (500),
// BENCH_PROFILE=<dir> writes the server's CPU profile there (open it in Chrome's DevTools).
// The searchers are spread over each interval as independent people are; the last run has them all in step (every
// one of the 200 pressing Enter in the same millisecond), the worst case, where p99 is the time to drain 200 at once.
import { describeRun, loadTarget, SEARCHERS, WORDS } from '../support/search-load.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 30);
// Each searcher sends a query every 400 ms (a search-as-you-type pace, sustained): 500 searches a second in all.
const perSecond = Number(process.env.BENCH_RATE ?? 500);
const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];

const target = await loadTarget(60, profile);
try {
  console.log(`${process.env.DATABASE_URL ? 'postgres' : 'pglite'} (server in its own process), ${SEARCHERS} people offering ${perSecond}/s, ${seconds} s each`);
  const health = await target.load('GET /api/health (baseline)', { seconds, perSecond, pathOf: () => '/api/health' });
  console.log(describeRun(health));
  const search = await target.load('GET /api/search', { seconds, perSecond, pathOf: (n) => `/api/search?q=${encodeURIComponent(WORDS[n % WORDS.length]!)}` });
  console.log(describeRun(search));
  console.log(`search/health: ${(search.perSecond / health.perSecond).toFixed(2)}× the throughput, p99 ${search.p99} ms (target under 100 ms), ${(search.p99 / health.p99).toFixed(2)}× health's`);
  const inStep = await target.load('GET /api/search, all in step', { seconds, perSecond, inStep: true, pathOf: (n) => `/api/search?q=${encodeURIComponent(WORDS[n % WORDS.length]!)}` });
  console.log(describeRun(inStep));
} finally {
  await target.close();
}
