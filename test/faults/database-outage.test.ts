// PostgreSQL going away under load: backends terminated on the shared server (what a failover or an operator's
// pg_terminate_backend does to the app's connections), and a server of the test's own restarted, crashed and
// started again for real (the port refuses connections meanwhile). Either way the process never exits, every
// request gets 2xx or 503 with Retry-After, and once the database answers again every upload and every usage event
// that was acknowledged is there: uploads download byte for byte and get processed, events are in usage_events.
// Only the test's own database (and its own server) are touched: other test files share the PostgreSQL server.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { png } from '../support/files.ts';
import { postgresBinaries, privatePostgres, type PrivatePostgres } from '../support/private-postgres.ts';
import { downloadSha, serverEnv, signIn, startServer, stopServer, waitFor, type ServerProcess } from '../support/processes.ts';

const serverUrl = process.env.DATABASE_URL;
const LOAD_MS = 12_000;
const TERMINATE_EVERY_MS = 1_500;

interface Outcome { statuses: Record<number, number>; acknowledged: number; events: number }

/**
 * Searches, lists, health checks, uploads and a usage event per upload against `server` for LOAD_MS while `fault`
 * runs; then checks that nothing acknowledged was lost, reading usage_events through `database`.
 */
async function underFaults(server: ServerProcess, database: postgres.Sql, work: string, fault: (until: number) => Promise<void>): Promise<Outcome> {
  const cookie = await signIn(server);
  const statuses = new Map<number, number>();
  const failures: string[] = [];
  const acknowledged: { id: string; sha256: string }[] = [];
  const events: string[] = [];
  const until = Date.now() + LOAD_MS;

  const judge = (what: string, res: Response) => {
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    if (res.status === 503 && !res.headers.get('retry-after')) failures.push(`${what}: 503 without Retry-After`);
    if (!(res.status >= 200 && res.status < 300) && res.status !== 503) failures.push(`${what}: ${res.status}`);
  };
  const request = async (what: string, url: string, init?: RequestInit) => {
    try {
      const res = await fetch(`${server.url}${url}`, { ...init, headers: { cookie, ...init?.headers } });
      judge(what, res);
      await res.arrayBuffer();
      return res.status;
    } catch (error) {
      failures.push(`${what}: no answer (${(error as Error).message})`);
      return 0;
    }
  };

  async function reader() {
    while (Date.now() < until) {
      await request('search', '/api/search?q=quarterly');
      await request('list', '/api/assets?limit=20');
      await request('health', '/api/health');
      // Both readers are one person, whose searches are capped at 600 a minute (a 429 that is right, not a fault).
      await new Promise((resolve) => setTimeout(resolve, 125));
    }
  }

  async function uploader(n: number) {
    for (let i = 0; Date.now() < until; i++) {
      const file = path.join(work, `chart-${n}-${i}.png`);
      const content = await png(40 + i, 30 + n, { r: (i * 7) % 256, g: (n * 50) % 256, b: 99 });
      fs.writeFileSync(file, content);
      try {
        const form = new FormData();
        form.append('title', `Quarterly chart ${n}-${i}`);
        form.append('file', await fs.openAsBlob(file), `chart-${n}-${i}.png`);
        const res = await fetch(`${server.url}/api/assets`, { method: 'POST', headers: { cookie }, body: form });
        judge('upload', res);
        const body = (await res.json()) as { id: string; version: { sha256: string } };
        if (res.status !== 201) continue;
        expect(body.version.sha256).toBe(createHash('sha256').update(content).digest('hex'));
        acknowledged.push({ id: body.id, sha256: body.version.sha256 });
        // One view of each new asset (one per asset: repeats within seconds are one use, not recorded twice).
        const status = await request('event', '/api/events', {
          method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ assetId: body.id, kind: 'view' }),
        });
        if (status === 202) events.push(body.id);
      } catch (error) {
        failures.push(`upload: no answer (${(error as Error).message})`);
      }
    }
  }

  await Promise.all([reader(), reader(), uploader(1), uploader(2), fault(until)]);
  if (failures.length) console.log(server.output().slice(-3000));
  expect(failures).toEqual([]);
  expect(server.exitedYet()).toBe(false);
  expect(acknowledged.length).toBeGreaterThan(5);

  // Back by itself: the next requests are served, each acknowledged upload is there byte for byte and processed.
  await waitFor(async () => (await fetch(`${server.url}/api/health`)).status === 200, 20_000, 'the service to be healthy again');
  for (const { id, sha256 } of acknowledged) expect(await downloadSha(server, cookie, id)).toEqual({ status: 200, sha256 });
  // Acknowledged events were held while the database was away and written once it was back.
  await expect.poll(async () => {
    const [row] = await database`select count(distinct asset_id)::int as n from usage_events where asset_id = any(${events}::uuid[])`;
    return row!.n as number;
  }, { timeout: 20_000, interval: 250 }).toBe(events.length);
  // Jobs cut off by a terminated backend run again (the ones whose end could not be recorded, too).
  await waitFor(async () => {
    for (const { id } of acknowledged) {
      const res = await fetch(`${server.url}/api/assets/${id}`, { headers: { cookie } });
      if (((await res.json()) as { preview: { status: string } }).preview.status !== 'ready') return false;
    }
    return true;
  }, 30_000, 'every acknowledged upload to be processed');
  expect(server.exitedYet()).toBe(false);
  return { statuses: Object.fromEntries(statuses), acknowledged: acknowledged.length, events: events.length };
}

describe.skipIf(!serverUrl)('PostgreSQL backends terminated under load', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'content-hub-outage-'));
  const databaseName = `ch_outage_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  let admin: postgres.Sql | undefined;
  let database: postgres.Sql | undefined;
  let server: ServerProcess | undefined;

  afterAll(async () => {
    if (server) await stopServer(server, 'SIGKILL');
    await database?.end();
    await admin?.unsafe(`drop database if exists ${databaseName} with (force)`);
    await admin?.end();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('keeps serving (2xx or 503), never exits, and loses nothing it acknowledged', async () => {
    admin = postgres(serverUrl!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${databaseName}`);
    const url = new URL(serverUrl!);
    url.pathname = `/${databaseName}`;
    database = postgres(url.toString(), { max: 1, onnotice: () => {} });
    server = await startServer(serverEnv(path.join(work, 'data'), url.toString()));

    let terminated = 0;
    const outcome = await underFaults(server, database, work, async (until) => {
      while (Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, TERMINATE_EVERY_MS));
        const [row] = await admin!`select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
          where datname = ${databaseName} and pid <> pg_backend_pid()`;
        terminated += row!.n as number;
      }
    });
    expect(terminated).toBeGreaterThan(10);
    console.log(`outage test: ${terminated} backends terminated; answers ${JSON.stringify(outcome.statuses)}; ${outcome.acknowledged} uploads, ${outcome.events} events acknowledged`);
  }, 120_000);
});

// Once, in the PostgreSQL pass of CI (the PGlite pass has no server to restart).
const binaries = serverUrl ? postgresBinaries() : undefined;

describe.skipIf(!binaries)('a PostgreSQL server restarted, crashed and started again under load', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'content-hub-restart-'));
  let postgresServer: PrivatePostgres | undefined;
  let database: postgres.Sql | undefined;
  let server: ServerProcess | undefined;

  afterAll(async () => {
    if (server) await stopServer(server, 'SIGKILL');
    await database?.end({ timeout: 1 });
    await postgresServer?.destroy();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('keeps serving (2xx or 503), never exits, and loses nothing it acknowledged', async () => {
    postgresServer = await privatePostgres(binaries!);
    database = postgres(postgresServer.url, { max: 1, onnotice: () => {} });
    server = await startServer(serverEnv(path.join(work, 'data'), postgresServer.url));

    const outcome = await underFaults(server, database, work, async () => {
      const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      await pause(2_000);
      await postgresServer!.restart();
      await pause(2_500);
      // A crash: no shutdown checkpoint, the port refused for 2 s, recovery from the WAL on start.
      await postgresServer!.stop('immediate');
      await pause(2_000);
      await postgresServer!.start();
    });
    expect(outcome.statuses[503]).toBeGreaterThan(0);
    console.log(`restart test: answers ${JSON.stringify(outcome.statuses)}; ${outcome.acknowledged} uploads, ${outcome.events} events acknowledged`);
  }, 120_000);
});
