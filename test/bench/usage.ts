// Usage benchmark: every report over 10 million events, 100,000 assets and 1 million searches on PostgreSQL, read
// from the raw events and then with the daily rollup, and the same reports on PGlite at 1 million events; then
// sustained ingestion through POST /api/events against GET /api/health in the same run. Prints p50/p95 per report
// and the ratios.
//
//   npm run bench usage            (USAGE_BENCH_EVENTS=1000000 for a quicker run; USAGE_BENCH_PGLITE=0 skips PGlite)
//
// Uses a throwaway database on the server of DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) and
// drops it at the end; USAGE_BENCH_DATABASE=name keeps the data there and reuses it on the next run.
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { sql } from 'drizzle-orm';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { openDatabase, type Database } from '../../server/db/client.ts';
import { rows } from '../../server/reports/measures.ts';
import { reportService } from '../../server/reports/service.ts';
import { taxonomyService } from '../../server/taxonomy/service.ts';
import { rollUpUsage } from '../../server/reports/rollup.ts';
import { benchDatabase } from './database.ts';
import { loadUsageData, type UsageBenchSize } from './usage-data.ts';

const EVENTS = Number(process.env.USAGE_BENCH_EVENTS || 10_000_000);
const ASSETS = Number(process.env.USAGE_BENCH_ASSETS || 100_000);
const SEARCHES = Number(process.env.USAGE_BENCH_SEARCHES || Math.round(EVENTS / 10));
const RUNS = Number(process.env.USAGE_BENCH_RUNS || 10);
const PGLITE_EVENTS = Number(process.env.USAGE_BENCH_PGLITE_EVENTS ?? 1_000_000);
const INGEST_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
/** Events in each POST /api/events/batch. */
const BATCH = Number(process.env.USAGE_BENCH_BATCH || 50);
/** USAGE_BENCH_REPORTS=0 times ingestion alone (on kept data: USAGE_BENCH_DATABASE). */
const REPORTS = process.env.USAGE_BENCH_REPORTS !== '0';
/** USAGE_BENCH_RAW=0 skips timing the reports on the raw events (minutes at 10M events). */
const RAW = process.env.USAGE_BENCH_RAW !== '0';
const DAYS = 365;

const log = (line: string) => console.log(line);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;

/** Each report as the dashboard asks for it, over the default 90-day window. */
function dashboardReports(reports: ReturnType<typeof reportService>): [string, () => Promise<unknown>][] {
  return [
    ['summary', () => reports.summary(90)],
    ['unused (50)', () => reports.unused(90, {}, 50)],
    ['assets (-uses, 50)', () => reports.assets(90, {}, '-uses', 50)],
    ['coverage', () => reports.coverage(90)],
    ['searches', () => reports.searches(90, {})],
    ['trend (day)', () => reports.trend(90, 'day')],
    ['hints (50)', () => reports.hints(90, 50)],
  ];
}

/** p50 and p95 of each report, RUNS runs each after one warm-up run. */
async function timeReports(database: Database, title: string, rollup: boolean): Promise<Map<string, { p50: number; p95: number }>> {
  const reports = reportService(database.db, { flush: async () => {} }, { rollup });
  const figures = new Map<string, { p50: number; p95: number }>();
  log(`\n${title}`);
  for (const [name, report] of dashboardReports(reports)) {
    await report();
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      await report();
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const result = { p50: quantile(times, 0.5), p95: quantile(times, 0.95) };
    figures.set(name, result);
    log(`  ${name.padEnd(22)} p50 ${result.p50.toFixed(1).padStart(8)} ms   p95 ${result.p95.toFixed(1).padStart(8)} ms`);
  }
  return figures;
}

async function withRollup(database: Database, title: string, size: UsageBenchSize) {
  const raw = RAW ? await timeReports(database, `${title}, from the raw events:`, false) : new Map<string, { p50: number; p95: number }>();
  const started = performance.now();
  let days = 0;
  for (let run = await rollUpUsage(database.db); run.days > 0; run = await rollUpUsage(database.db)) days += run.days;
  // As autovacuum would after a large import: the planner needs the rollup's statistics.
  await database.db.execute(sql`analyze usage_daily`);
  await database.db.execute(sql`analyze search_shown_daily`);
  log(`\nrollup of ${days} days built in ${seconds(performance.now() - started)} (${size.events.toLocaleString('en')} events)`);
  const fast = await timeReports(database, `${title}, with the rollup:`, true);
  log('');
  for (const [name, before] of raw) {
    const after = fast.get(name)!;
    log(`  ${name.padEnd(22)} p95 ${before.p95.toFixed(0).padStart(6)} → ${after.p95.toFixed(0).padStart(5)} ms   ${(before.p95 / after.p95).toFixed(1)}× faster`);
  }
}

async function onPostgres() {
  const { name, url, reuse, done } = await benchDatabase('USAGE_BENCH_DATABASE', 'ch_bench_usage');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'content-hub-bench-'));
  const size = { assets: ASSETS, events: EVENTS, searches: SEARCHES, days: DAYS };
  let database: Database | undefined;
  try {
    database = await openDatabase(url, dataDir);
    log(`usage benchmark on PostgreSQL: ${EVENTS.toLocaleString('en')} events, ${ASSETS.toLocaleString('en')} assets, ${SEARCHES.toLocaleString('en')} searches over ${DAYS} days, ${os.availableParallelism()} cores`);
    if (reuse) log(`reusing the data in database ${name}`);
    else await load(database, size);
    if (REPORTS) await withRollup(database, `PostgreSQL at ${EVENTS.toLocaleString('en')} events`, size);
    await ingestion(database, dataDir);
  }
  finally {
    await database?.close();
    await done();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function load(database: Database, size: UsageBenchSize) {
  const started = performance.now();
  await taxonomyService(database.db).ensureDefaults();
  await loadUsageData(database.db, size, (line) => log(`  loaded ${line} (${seconds(performance.now() - started)})`));
}

/** The same reports on the embedded database, at PGLITE_EVENTS events. */
async function onPglite() {
  if (PGLITE_EVENTS === 0) return;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'content-hub-bench-'));
  const size = { assets: ASSETS, events: PGLITE_EVENTS, searches: Math.round(PGLITE_EVENTS / 10), days: DAYS };
  const database = await openDatabase('memory://', dataDir);
  try {
    log(`\nusage benchmark on PGlite: ${PGLITE_EVENTS.toLocaleString('en')} events, ${ASSETS.toLocaleString('en')} assets, ${size.searches.toLocaleString('en')} searches`);
    await load(database, size);
    await withRollup(database, `PGlite at ${PGLITE_EVENTS.toLocaleString('en')} events`, size);
  } finally {
    await database.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * POST /api/events from 50 sales users, each request a view of a random used asset, with 16 connections for
 * INGEST_SECONDS; then POST /api/events/batch with BATCH events a request, as a client queueing its events sends
 * them; then GET /api/health the same way, as the baseline. The events rate limit is lifted.
 */
async function ingestion(database: Database, dataDir: string) {
  const config = loadConfig({}, { dataDir, serveWeb: false, logLevel: 'silent', backgroundJobs: false, eventsPerMinute: 1_000_000 });
  const app = await buildApp(config, database);
  try {
    const password = 'correct horse battery';
    const cookies: string[] = [];
    for (let i = 0; i < 50; i++) {
      const email = `ingest${i}-${process.pid}@bench`;
      await app.services.auth.createUser({ email, name: `Ingest ${i}`, role: 'sales', password });
      const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
      cookies.push(String([res.headers['set-cookie']].flat().find((c) => c?.startsWith('ch_session='))).split(';')[0]!);
    }
    const assetIds = (await rows<{ id: string }>(database.db, sql`select id from assets order by id limit 35000`)).map((row) => row.id);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)]!;
    const written = async () => (await rows<{ n: number }>(database.db, sql`select count(*)::int as n from usage_events`))[0]!.n;
    const post = (path: string, body: () => unknown) => autocannon({
      url: `http://127.0.0.1:${port}`, connections: 16, duration: INGEST_SECONDS,
      requests: [{
        method: 'POST', path,
        setupRequest: (request) => ({
          ...request, body: JSON.stringify(body()),
          headers: { ...request.headers, 'content-type': 'application/json', cookie: pick(cookies) },
        }),
      }],
    });
    const view = () => ({ assetId: pick(assetIds), kind: 'view' });

    const line = (title: string, result: autocannon.Result, perRequest = 1) => {
      const failed = result.errors + result.timeouts + result.non2xx;
      const codes = Object.entries(result.statusCodeStats ?? {}).filter(([code]) => !code.startsWith('2')).map(([code, { count }]) => `${count}× ${code}`);
      const events = perRequest > 1 ? `  = ${(result.requests.average * perRequest).toFixed(0)} events/s` : '';
      log(`  ${title.padEnd(26)} ${result.requests.average.toFixed(0).padStart(6)} req/s${events}   p50 ${result.latency.p50} ms   p99 ${result.latency.p99} ms   ` +
        `failed ${failed} (${result.errors} connection errors, ${result.timeouts} timeouts${codes.length ? `, ${codes.join(', ')}` : ''})`);
    };
    log(`\ningestion, 16 connections, ${INGEST_SECONDS} s each:`);
    let before = await written();
    const single = await post('/api/events', view);
    await app.services.usage.flush();
    line('POST /api/events', single);
    log(`  ${' '.repeat(26)} ${((await written()) - before).toLocaleString('en')} events written (a person's repeat of an asset within 10 s counts once)`);
    before = await written();
    const batched = await post('/api/events/batch', () => ({ events: Array.from({ length: BATCH }, view) }));
    await app.services.usage.flush();
    line(`POST /api/events/batch (${BATCH})`, batched, BATCH);
    log(`  ${' '.repeat(26)} ${((await written()) - before).toLocaleString('en')} events written`);
    const health = await autocannon({ url: `http://127.0.0.1:${port}/api/health`, connections: 16, duration: INGEST_SECONDS });
    line('GET /api/health', health);
    log(`  events/health ${(single.requests.average / health.requests.average).toFixed(2)}× in requests; batched events/s against health req/s ${(batched.requests.average * BATCH / health.requests.average).toFixed(2)}×`);
  } finally {
    await app.close();
  }
}

await onPostgres();
if (REPORTS) await onPglite();
