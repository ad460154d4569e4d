// npm run bench search-load: 200 sales people searching at once while marketing uploads, through real HTTP
// (autocannon), against GET /api/health under the same load in the same run. Issue 14's target: zero errors and p99
// of search under 100 ms. The server runs as its own process, as `npm start` does (autocannon in the same event loop
// would take half of the server's time). PGlite by default; PostgreSQL when DATABASE_URL is set.
// BENCH_SECONDS sets each run's length (15 s), BENCH_RATE the searches offered a second (1,000).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { multipart, pdf } from '../support/files.ts';
import { processDatabase, serverEnv, signIn, startServer, stopServer, type ServerProcess } from '../support/processes.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const SEARCHERS = 200;
// Each searcher types a query about every 200 ms: 1,000 searches a second in all, as 200 people would at their busiest.
const SEARCHES_PER_SECOND = Number(process.env.BENCH_RATE ?? 1_000);
const WORDS = ['pricing', 'security', 'case study', 'roi', 'onboarding', 'battlecard', 'compliance', 'retail', 'cfo', 'pricng', 'securty whitepaper', 'plan 2026'];
const PASSWORD = 'bench-password';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ch-bench-load-'));
const database = await processDatabase();
// One machine plays 200 people: the per-address socket cap (64) would otherwise refuse most of them.
// BENCH_PROFILE=<dir> writes the server's CPU profile there (open it in Chrome's DevTools).
const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
const server = await startServer({ ...serverEnv(dataDir, database.url), MAX_CONNECTIONS_PER_ADDRESS: '0' }, profile);

async function call(cookie: string, method: string, url: string, body?: unknown): Promise<Response> {
  const res = await fetch(`${server.url}${url}`, {
    method, headers: { cookie, ...(body !== undefined && { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status >= 400) throw new Error(`${method} ${url} answered ${res.status}: ${await res.text()}`);
  return res;
}

async function person(admin: string, email: string, role: string): Promise<string> {
  await call(admin, 'POST', '/api/users', { email, name: email.split('@')[0], role, password: PASSWORD });
  return signIn(server, email, PASSWORD);
}

async function uploadPdf(cookie: string, fields: Record<string, string>, name: string, pages: string[]): Promise<Response> {
  const body = await multipart(fields, { name, content: await pdf(pages) });
  return fetch(`${server.url}/api/assets`, { method: 'POST', headers: { cookie, ...body.headers }, body: new Uint8Array(body.payload) });
}

async function seed(s: ServerProcess) {
  const admin = await signIn(s);
  const marketing = await person(admin, 'marketing@example.com', 'marketing');
  const approver = await person(admin, 'approver@example.com', 'approver');
  for (let i = 0; i < 60; i++) {
    const topic = WORDS[i % WORDS.length]!;
    const res = await uploadPdf(marketing, { title: `${topic} guide ${i}`, personas: ['cfo', 'cio'][i % 2]!, stages: 'evaluation' },
      `guide-${i}.pdf`, [`All about ${topic}`, `Page two of ${topic} number ${i}`]);
    const { id } = await res.json() as { id: string };
    await call(marketing, 'POST', `/api/assets/${id}/submit`, {});
    await call(approver, 'POST', `/api/assets/${id}/approve`, {});
  }
  // Searches measured on a settled library: every file processed (its text indexed), as most of a day is.
  for (let settled = false; !settled; await new Promise((resolve) => setTimeout(resolve, 500))) {
    const res = await call(marketing, 'GET', '/api/assets?limit=100');
    const { items } = await res.json() as { items: { preview: { status: string } }[] };
    settled = items.every((a) => a.preview.status !== 'pending');
  }
  // Two hundred people, each signed in with a session of their own (a few at a time: each is a password hash).
  const cookies: string[] = [];
  for (let i = 0; i < SEARCHERS; i += 4) {
    cookies.push(...await Promise.all([0, 1, 2, 3].map((j) => person(admin, `seller${i + j}@example.com`, 'sales'))));
  }
  return { marketing, cookies };
}

/** 200 connections, each one person with its own session, offering SEARCHES_PER_SECOND requests in all, uploads beside. */
async function load(title: string, marketing: string, cookies: string[], pathOf: (n: number) => string) {
  let stop = false;
  const uploads = { ok: 0, failed: 0 };
  const uploading = (async () => {
    for (let i = 0; !stop; i++) {
      const res = await uploadPdf(marketing, { title: `Fresh upload ${title} ${i}` }, `fresh-${i}.pdf`, [`Fresh pricing ${title} ${i}`]);
      if (res.status === 201) uploads.ok++;
      else uploads.failed++;
      await res.body?.cancel();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  let next = 0;
  const result = await autocannon({
    url: server.url, connections: SEARCHERS, duration: SECONDS, overallRate: SEARCHES_PER_SECOND,
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

try {
  const { marketing, cookies } = await seed(server);
  console.log(`${database.url ? 'postgres' : 'pglite'} (server in its own process), ${SEARCHERS} people offering ${SEARCHES_PER_SECOND}/s, ${SECONDS} s each`);
  const health = await load('GET /api/health (baseline)', marketing, cookies, () => '/api/health');
  const search = await load('GET /api/search', marketing, cookies, (n) => `/api/search?q=${encodeURIComponent(WORDS[n % WORDS.length]!)}`);
  console.log(`search/health: ${(search.requests.average / health.requests.average).toFixed(2)}× the throughput, p99 ${search.latency.p99} ms (target under 100 ms)`);
} finally {
  await stopServer(server);
  await database.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
