// npm run bench search-load: 200 sales people searching at once while marketing uploads, through real HTTP
// (autocannon), against GET /api/health under the same load in the same run. Issue 14's target: zero errors and p99
// of search under 100 ms. BENCH_SECONDS sets each run's length (15 s), BENCH_RATE the searches offered a second (1,000).
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import { tokenHash } from '../../server/auth/service.ts';
import { sessions, users } from '../../server/db/schema.ts';
import { testApp } from '../support/app.ts';
import { approvedAsset } from '../support/assets.ts';
import { multipart, pdf } from '../support/files.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const SEARCHERS = 200;
// Each searcher types a query about every 200 ms: 1,000 searches a second in all, as 200 people would at their busiest.
const SEARCHES_PER_SECOND = Number(process.env.BENCH_RATE ?? 1_000);
const WORDS = ['pricing', 'security', 'case study', 'roi', 'onboarding', 'battlecard', 'compliance', 'retail', 'cfo', 'pricng', 'securty whitepaper', 'plan 2026'];

// One machine plays 200 people: the per-address socket cap (64) would otherwise refuse most of them.
const t = await testApp({ logLevel: 'silent', maxConnectionsPerAddress: 0 });
const marketing = await t.as('marketing');
const approver = await t.as('approver');
for (let i = 0; i < 60; i++) {
  const topic = WORDS[i % WORDS.length]!;
  await approvedAsset(t, marketing, approver, { title: `${topic} guide ${i}`, personas: ['cfo', 'cio'][i % 2]!, stages: 'evaluation' },
    { name: `guide-${i}.pdf`, content: await pdf([`All about ${topic}`, `Page two of ${topic} number ${i}`]) });
}
await t.app.services.processing.drain();
// Two hundred people signed in: rows written directly, since 200 password hashes would take longer than the run.
const { db } = t.app.services.database;
const people = await db.insert(users).values(Array.from({ length: SEARCHERS }, (_, i) => ({
  email: `seller${i}@example.com`, name: `Seller ${i}`, role: 'sales' as const, passwordHash: 'unused',
}))).returning({ id: users.id });
const tokens = people.map(() => randomBytes(24).toString('base64url'));
await db.insert(sessions).values(people.map((p, i) => ({ tokenHash: tokenHash(tokens[i]!), userId: p.id, expiresAt: new Date(Date.now() + 3600_000) })));
const cookies = tokens.map((token) => `ch_session=${token}`);
await t.app.listen({ port: 0, host: '127.0.0.1' });
const baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;

/** 200 connections, each one person with its own session, offering SEARCHES_PER_SECOND requests in all, uploads beside. */
async function load(title: string, pathOf: (n: number) => string) {
  let stop = false;
  const uploads = { ok: 0, failed: 0 };
  const uploading = (async () => {
    for (let i = 0; !stop; i++) {
      const body = await multipart({ title: `Fresh upload ${i}` }, { name: `fresh-${i}.pdf`, content: await pdf([`Fresh pricing ${i}`]) });
      const res = await fetch(`${baseUrl}/api/assets`, { method: 'POST', headers: { ...marketing, ...body.headers }, body: new Uint8Array(body.payload) });
      if (res.status === 201) uploads.ok++;
      else uploads.failed++;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  let next = 0;
  const result = await autocannon({
    url: baseUrl, connections: SEARCHERS, duration: SECONDS, overallRate: SEARCHES_PER_SECOND,
    requests: [{
      setupRequest: (request, context: { cookie?: string; n?: number }) => {
        context.cookie ??= cookies[next++ % cookies.length];
        context.n = (context.n ?? next) + 1;
        return { ...request, method: 'GET', path: pathOf(context.n), headers: { cookie: context.cookie! } };
      },
    }],
  });
  stop = true;
  await uploading;
  const errors = result.errors + result.timeouts + result.non2xx;
  console.log(`${title.padEnd(28)} ${result.requests.average.toFixed(0).padStart(5)} req/s  p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms  errors ${errors}  uploads ${uploads.ok} ok, ${uploads.failed} failed`);
  return result;
}

console.log(`${t.app.services.database.driver}, ${SEARCHERS} connections offering ${SEARCHES_PER_SECOND}/s, ${SECONDS} s each`);
const health = await load('GET /api/health (baseline)', () => '/api/health');
const search = await load('GET /api/search', (n) => `/api/search?q=${encodeURIComponent(WORDS[n % WORDS.length]!)}`);
console.log(`search/health: ${(search.requests.average / health.requests.average).toFixed(2)}× the throughput, p99 ${search.latency.p99} ms (target under 100 ms)`);
await t.close();
