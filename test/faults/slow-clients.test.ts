// Slow and oversized clients against a real listening server, over raw sockets: nobody holds a socket forever,
// one address cannot take them all, and an upload over the limit is refused as soon as that is known.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { testApp, useTestApp } from '../support/app.ts';

const KB = 1024;
const MB = 1024 * KB;
// Loopback is a whole /8 on Linux: the slow clients come from another address than the normal traffic.
const SLOW_ADDRESS = '127.0.0.2';

const t = useTestApp({
  signIn: ['marketing'],
  config: {
    maxUploadBytes: 1 * MB, headersTimeoutMs: 1_500, bodyTimeoutMs: 1_500,
    uploadMinBytesPerSec: 32 * KB, uploadStallMs: 1_500, maxConnectionsPerAddress: 64,
  },
});
let port: number;

beforeAll(async () => {
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as AddressInfo).port;
});

const tempFiles = () => fs.readdirSync(path.join(t.config.dataDir, 'tmp'));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A raw TCP client: what it sent, what it got back, and when the server closed it. */
function connect(localAddress = '127.0.0.1') {
  const socket = net.connect({ port, host: '127.0.0.1', localAddress });
  const started = performance.now();
  const client = { socket, sent: 0, received: '', answeredAfterMs: Infinity, sentWhenAnswered: 0, closedAfterMs: Infinity };
  socket.on('data', (chunk) => {
    if (!client.received) { client.answeredAfterMs = performance.now() - started; client.sentWhenAnswered = client.sent; }
    client.received += chunk.toString('latin1');
  });
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.on('close', () => { client.closedAfterMs = performance.now() - started; resolve(); }));
  const write = (data: string | Buffer) => {
    if (socket.destroyed) return false;
    client.sent += data.length;
    return socket.write(data);
  };
  return { client, closed, write, connected: new Promise<void>((resolve) => socket.once('connect', () => resolve())) };
}

const multipartHead = (boundary: string, name: string) =>
  `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
const uploadHeaders = (boundary: string, length: number | 'chunked') => [
  'POST /api/assets HTTP/1.1', 'Host: 127.0.0.1', `Cookie: ${t.marketing.cookie}`, `Content-Type: multipart/form-data; boundary=${boundary}`,
  length === 'chunked' ? 'Transfer-Encoding: chunked' : `Content-Length: ${length}`, '', '',
].join('\r\n');

/** Probes /api/health from the normal address for `ms`; returns every latency (ms) and status. */
async function probeHealth(ms: number): Promise<{ latencies: number[]; statuses: number[] }> {
  const latencies: number[] = [];
  const statuses: number[] = [];
  const until = performance.now() + ms;
  while (performance.now() < until) {
    const started = performance.now();
    const res = await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
    statuses.push(res?.status ?? 0);
    await res?.arrayBuffer();
    latencies.push(performance.now() - started);
    await sleep(50);
  }
  return { latencies, statuses };
}

describe('slow clients', () => {
  it('keeps /api/health quick while 300 sockets from one address dribble headers and login bodies, and cuts them all off', async () => {
    const slow = Array.from({ length: 300 }, (_, i) => ({ ...connect(SLOW_ADDRESS), dribblesBody: i % 2 === 1 }));
    await Promise.all(slow.map((s) => Promise.race([s.connected, s.closed])));
    for (const s of slow) {
      s.write(s.dribblesBody
        ? 'POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{'
        : 'GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    }
    // One byte at a time, as the slowloris does (every 200 ms here, every 30 s in the wild).
    const dribble = setInterval(() => { for (const s of slow) s.write(s.dribblesBody ? ' ' : 'X'); }, 200);
    try {
      const health = await probeHealth(2_500);
      expect(health.statuses.every((status) => status === 200), `statuses ${health.statuses.join(',')}`).toBe(true);
      // The median says whether normal traffic kept its pace; the slowest probe only that none waited on the slow ones
      // (generous: this machine's cores are shared, and 300 sockets arrive at once).
      const sorted = [...health.latencies].sort((a, b) => a - b);
      expect(sorted[Math.floor(sorted.length / 2)]).toBeLessThan(150);
      expect(sorted.at(-1)).toBeLessThan(1_500);

      await Promise.all(slow.map((s) => Promise.race([s.closed, sleep(5_000)])));
      // Past the cap, sockets are closed without an answer, and before any deadline could have cut them off (the
      // time is not asserted any closer: on a busy machine 300 connections take a while to be accepted at all).
      const refused = slow.filter((s) => s.client.received === '');
      expect(refused.length).toBe(300 - 64);
      for (const s of refused) expect(s.client.closedAfterMs).toBeLessThan(1_500);
      // The 64 let in are cut off by the headers deadline (Node's 408) or the body deadline (our JSON 408).
      const admitted = slow.filter((s) => !refused.includes(s));
      expect(admitted.length).toBe(64);
      for (const s of admitted) {
        expect(s.client.closedAfterMs).toBeLessThan(5_000);
        expect(s.client.received).toMatch(/^HTTP\/1\.1 408/);
        if (s.dribblesBody) expect(s.client.received).toContain('"code":"BODY_TIMEOUT"');
      }
    } finally {
      clearInterval(dribble);
      for (const s of slow) s.client.socket.destroy();
    }
  });

  it('cuts off a stalled upload with 408 and keeps no temp file', async () => {
    const boundary = 'stall-boundary';
    const upload = connect();
    await upload.connected;
    upload.write(uploadHeaders(boundary, 600 * KB) + multipartHead(boundary, 'notes.txt'));
    upload.write(Buffer.alloc(40 * KB, 'a'));
    // …and nothing more: the client keeps the socket open and sends no byte.
    await Promise.race([upload.closed, sleep(6_000)]);
    expect(upload.client.received).toMatch(/^HTTP\/1\.1 408/);
    expect(upload.client.received).toMatch(/connection: close/i);
    expect(upload.client.received).toContain('"code":"UPLOAD_STALLED"');
    expect(upload.client.closedAfterMs).toBeLessThan(1_500 + 3_000);
    expect(tempFiles()).toEqual([]);
  });

  it('takes a slow but steady upload that keeps above the minimum rate', async () => {
    const boundary = 'steady-boundary';
    const content = Buffer.alloc(400 * KB, 'steady text\n');
    const tail = `\r\n--${boundary}--\r\n`;
    const head = multipartHead(boundary, 'steady.txt');
    const upload = connect();
    await upload.connected;
    upload.write(uploadHeaders(boundary, head.length + content.length + tail.length) + head);
    // 128 KB/s for about three seconds: four times the minimum rate (timers here run late on a busy machine), and
    // twice the stall window.
    for (let at = 0; at < content.length; at += 32 * KB) {
      upload.write(content.subarray(at, at + 32 * KB));
      await sleep(250);
    }
    upload.write(tail);
    await Promise.race([new Promise<void>((resolve) => upload.client.socket.once('data', () => resolve())), sleep(5_000)]);
    await sleep(100);
    expect(upload.client.received).toMatch(/^HTTP\/1\.1 201/);
    upload.client.socket.destroy();
  });
});

describe('CSV imports', () => {
  const csvHeaders = (length: number) => [
    'POST /api/opportunities/import HTTP/1.1', 'Host: 127.0.0.1', `Cookie: ${t.marketing.cookie}`, 'Content-Type: text/csv',
    `Content-Length: ${length}`, '', '',
  ].join('\r\n');
  const rows = (n: number) => Buffer.from(['externalId,name,amount,currency,stage,outcome,closedAt',
    ...Array.from({ length: n }, (_, i) => `CSV-${i},Deal ${i},${i}.50,EUR,Closed,won,2026-11-01`)].join('\n'));

  it('takes a CSV that streams in steadily for longer than the body deadline, as an upload', async () => {
    const csv = rows(8_000);
    const client = connect();
    await client.connected;
    client.write(csvHeaders(csv.length));
    // About 3 s at four times the minimum rate: twice the 1.5 s body deadline a JSON body gets.
    for (let at = 0; at < csv.length; at += 32 * KB) {
      client.write(csv.subarray(at, at + 32 * KB));
      await sleep(250);
    }
    await Promise.race([new Promise<void>((resolve) => client.client.socket.once('data', () => resolve())), sleep(10_000)]);
    await sleep(100);
    expect(client.client.received).toMatch(/^HTTP\/1\.1 200/);
    expect(client.client.received).toContain('"imported":8000');
    client.client.socket.destroy();
  });

  it('cuts off a stalled CSV with 408, and imports none of it', async () => {
    const csv = rows(20_000);
    const client = connect();
    await client.connected;
    client.write(csvHeaders(csv.length));
    client.write(csv.subarray(0, 40 * KB));
    // …and nothing more.
    await Promise.race([client.closed, sleep(6_000)]);
    expect(client.client.received).toMatch(/^HTTP\/1\.1 408/);
    expect(client.client.received).toContain('"code":"UPLOAD_STALLED"');
    client.client.socket.destroy();
    const first = await t.app.inject({ method: 'GET', url: '/api/opportunities/CSV-19999', headers: t.marketing });
    expect(first.statusCode).toBe(404);
  });
});

describe('uploads over the limit', () => {
  it('answers a declared 10 GB upload with 413 within a second, and closes the connection', async () => {
    const boundary = 'huge-boundary';
    const upload = connect();
    await upload.connected;
    upload.write(uploadHeaders(boundary, 10 * 1024 * MB) + multipartHead(boundary, 'huge.bin'));
    // Send as fast as the socket takes it, as a real client with a 10 GB file would.
    const chunk = Buffer.alloc(64 * KB, 1);
    const pump = () => { while (upload.write(chunk) && upload.client.sent < 200 * MB); };
    upload.client.socket.on('drain', pump);
    pump();
    await Promise.race([upload.closed, sleep(10_000)]);
    expect(upload.client.received).toMatch(/^HTTP\/1\.1 413/);
    expect(upload.client.received).toMatch(/connection: close/i);
    expect(upload.client.received).toContain('"code":"FILE_TOO_LARGE"');
    expect(upload.client.answeredAfterMs).toBeLessThan(1_000);
    expect(upload.client.closedAfterMs).toBeLessThan(3_000);
    expect(tempFiles()).toEqual([]);
  });

  // Retried: once in CI, under the load of the other test files, no reply reached the client at all (open question,
  // recorded in the closing note of issue 14); a real regression fails all three tries.
  it('answers 413 while an over-limit body of unknown length streams, long before it ends', { retry: 2 }, async () => {
    const boundary = 'stream-boundary';
    const upload = connect();
    await upload.connected;
    const chunked = (data: string | Buffer) => upload.write(Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), Buffer.from(data), Buffer.from('\r\n')]));
    upload.write(uploadHeaders(boundary, 'chunked'));
    chunked(multipartHead(boundary, 'big.txt'));
    // 8 MB planned at about 3 MB/s, for a 1 MB limit.
    for (let sent = 0; sent < 8 * MB && !upload.client.received && !upload.client.socket.destroyed; sent += 64 * KB) {
      chunked(Buffer.alloc(64 * KB, 'b'));
      await sleep(20);
    }
    await Promise.race([upload.closed, sleep(10_000)]);
    expect(upload.client.received).toMatch(/^HTTP\/1\.1 413/);
    expect(upload.client.received).toMatch(/connection: close/i);
    expect(upload.client.sentWhenAnswered).toBeLessThan(2 * MB);
    expect(upload.client.closedAfterMs).toBeLessThan(Infinity);
    expect(tempFiles()).toEqual([]);
  });
});

describe('behind a proxy', () => {
  it('caps requests in flight per forwarded address, not the proxy’s sockets', async () => {
    // Every socket comes from the proxy (127.0.0.1 here); the client is the address it forwards.
    const proxied = await testApp({ trustProxyHops: 1, maxConnectionsPerAddress: 2, bodyTimeoutMs: 3_000 });
    try {
      await proxied.app.listen({ port: 0, host: '127.0.0.1' });
      const proxiedPort = (proxied.app.server.address() as AddressInfo).port;
      const slowLogin = (client: string) => {
        const socket = net.connect({ port: proxiedPort, host: '127.0.0.1' });
        let received = '';
        socket.on('data', (chunk) => { received += chunk.toString('latin1'); });
        socket.on('error', () => {});
        socket.write(`POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-For: ${client}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`);
        return { socket, received: () => received };
      };
      const held = [slowLogin('203.0.113.7'), slowLogin('203.0.113.7')];
      await sleep(300);
      const third = slowLogin('203.0.113.7');
      for (const until = Date.now() + 5_000; !third.received() && Date.now() < until;) await sleep(50);
      expect(third.received()).toMatch(/^HTTP\/1\.1 429/);
      // Another client behind the same proxy is not affected, and neither is the proxy's own health check.
      const other = await fetch(`http://127.0.0.1:${proxiedPort}/api/auth/login`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.9' }, body: '{"email":"a@example.com","password":"wrong-password"}',
      });
      expect(other.status).toBe(401);
      expect((await fetch(`http://127.0.0.1:${proxiedPort}/api/health`)).status).toBe(200);
      for (const h of [...held, third]) h.socket.destroy();
    } finally {
      await proxied.close();
    }
  });
});
