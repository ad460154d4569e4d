// 200 sales people searching at once while marketing uploads, against a real server process through real HTTP
// (autocannon): the load of issue 14, shared by its CI test (test/faults/search-load.test.ts: zero errors, nothing
// acknowledged lost) and its benchmark (test/bench/search-load.ts: throughput and latency against /api/health).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { multipart, pdf } from './files.ts';
import { processDatabase, serverEnv, signIn, startServer, stopServer, type ServerProcess } from './processes.ts';

export const SEARCHERS = 200;
/** autocannons the searchers are split into, each started a step of the interval later (see load()). */
const GROUPS = 10;
/** An answer slower than this counts as an error: well past any latency worth having, short of a hung request. */
const TIMEOUT_S = 30;
/** Seconds of load before latency is measured (errors count from the first request). */
const WARMUP_S = 3;
export const WORDS = ['pricing', 'security', 'case study', 'roi', 'onboarding', 'battlecard', 'compliance', 'retail', 'cfo', 'pricng', 'securty whitepaper', 'plan 2026'];
const PASSWORD = 'load-password';

export interface LoadRun {
  title: string;
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** Connection errors, timeouts and answers other than 2xx. */
  errors: number;
  statuses: Record<string, number>;
  uploads: { ok: number; failed: number; ids: string[] };
}

export interface LoadTarget {
  server: ServerProcess;
  marketing: string;
  /** One session cookie per person. */
  cookies: string[];
  /**
   * `pathOf(n)` for the n-th request; SEARCHERS connections offering `perSecond` requests a second in all, for
   * `seconds`, spread over each interval unless `inStep` (every connection at the same moment).
   */
  load(title: string, options: { seconds: number; perSecond: number; inStep?: boolean; pathOf: (n: number) => string }): Promise<LoadRun>;
  close(): Promise<void>;
}

/**
 * A server process (PGlite under its own DATA_DIR, or a throwaway database on DATABASE_URL's server) holding
 * `assets` approved PDFs, every one processed, and SEARCHERS signed-in sales people. `nodeArgs` go to its node.
 */
export async function loadTarget(assets = 60, nodeArgs: string[] = []): Promise<LoadTarget> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ch-load-'));
  const database = await processDatabase();
  // One machine plays 200 people: the per-address socket cap (64) would otherwise refuse most of them.
  const server = await startServer({ ...serverEnv(dataDir, database.url), MAX_CONNECTIONS_PER_ADDRESS: '0' }, nodeArgs);

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

  try {
    const admin = await signIn(server);
    const marketing = await person(admin, 'marketing@example.com', 'marketing');
    const approver = await person(admin, 'approver@example.com', 'approver');
    for (let i = 0; i < assets; i++) {
      const topic = WORDS[i % WORDS.length]!;
      const res = await uploadPdf(marketing, { title: `${topic} guide ${i}`, personas: ['cfo', 'cio'][i % 2]!, stages: 'evaluation' },
        `guide-${i}.pdf`, [`All about ${topic}`, `Page two of ${topic} number ${i}`]);
      const { id } = await res.json() as { id: string };
      await call(marketing, 'POST', `/api/assets/${id}/submit`, {});
      await call(approver, 'POST', `/api/assets/${id}/approve`, {});
    }
    // Searches measured on a settled library: every file processed (its text indexed), as most of a day is.
    for (let settled = false; !settled; await new Promise((resolve) => setTimeout(resolve, 500))) {
      const res = await call(marketing, 'GET', '/api/assets?limit=200');
      const { items } = await res.json() as { items: { preview: { status: string } }[] };
      settled = items.every((a) => a.preview.status !== 'pending');
    }
    // Each person signed in with a session of their own (a few at a time: each is a password hash).
    const cookies: string[] = [];
    for (let i = 0; i < SEARCHERS; i += 4) {
      cookies.push(...await Promise.all([0, 1, 2, 3].map((j) => person(admin, `seller${i + j}@example.com`, 'sales'))));
    }

    return {
      server, marketing, cookies,
      async load(title, { seconds, perSecond, inStep = false, pathOf }) {
        let stop = false;
        const uploads = { ok: 0, failed: 0, ids: [] as string[] };
        const uploading = (async () => {
          for (let i = 0; !stop; i++) {
            const res = await uploadPdf(marketing, { title: `Fresh upload ${title} ${i}` }, `fresh-${i}.pdf`, [`Fresh pricing ${title} ${i}`]).catch(() => null);
            if (res?.status === 201) {
              uploads.ok++;
              uploads.ids.push((await res.json() as { id: string }).id);
            } else {
              uploads.failed++;
              await res?.body?.cancel();
            }
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        })();
        // autocannon paces each connection on its own timer, all started together: 200 people pressing Enter in the
        // same millisecond, every interval. Real searchers are not in step, so the crowd is GROUPS autocannons
        // started a fraction of the interval apart; `inStep` keeps the worst case (one autocannon) for the bench.
        const groups = inStep ? 1 : GROUPS;
        const intervalMs = (SEARCHERS / perSecond) * 1000;
        // Latency is measured once the server is warm: its code compiled, its connections open and its sessions
        // remembered (the first second's 200 session reads and compilations are a start-up cost, not a search's).
        const steadyFrom = performance.now() + WARMUP_S * 1000;
        const latencies: number[] = [];
        let next = 0;
        const runs = await Promise.all(Array.from({ length: groups }, async (_, group) => {
          await new Promise((resolve) => setTimeout(resolve, (group * intervalMs) / groups));
          return new Promise<autocannon.Result>((resolve, reject) => autocannon({
            url: server.url, connections: SEARCHERS / groups, duration: WARMUP_S + seconds, overallRate: perSecond / groups, timeout: TIMEOUT_S,
            requests: [{
              setupRequest: (request, context: { cookie?: string; n?: number }) => {
                context.cookie ??= cookies[next++ % cookies.length];
                context.n = (context.n ?? next) + 1;
                return { ...request, method: 'GET', path: pathOf(context.n), headers: { cookie: context.cookie! } };
              },
            }],
          }, (error, result) => (error ? reject(error) : resolve(result)))
            .on('response', (_client, _status, _bytes, ms) => { if (performance.now() >= steadyFrom) latencies.push(ms); }));
        }));
        stop = true;
        await uploading;
        const statuses: Record<string, number> = {};
        let requests = 0, errors = 0;
        for (const result of runs) {
          for (const [code, count] of Object.entries(result.statusCodeStats ?? {})) statuses[code] = (statuses[code] ?? 0) + (count as { count: number }).count;
          requests += result.requests.total;
          errors += result.errors + result.timeouts + result.non2xx;
        }
        latencies.sort((a, b) => a - b);
        const percentile = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0);
        return { title, requests, perSecond: latencies.length / seconds, p50: percentile(0.5), p99: percentile(0.99), errors, statuses, uploads };
      },
      async close() {
        await stopServer(server);
        await database.drop();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stopServer(server);
    await database.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

export function describeRun(run: LoadRun): string {
  return `${run.title.padEnd(28)} ${run.perSecond.toFixed(0).padStart(5)} req/s  p50 ${run.p50} ms  p99 ${run.p99} ms  errors ${run.errors}  uploads ${run.uploads.ok} ok, ${run.uploads.failed} failed`;
}
