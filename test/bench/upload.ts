// Upload throughput: multipart over HTTP → sha256 → temp file → fsync → rename → rows, against a plain
// Node read → sha256 → write → fsync of the same file, timed in the same run. Also samples RSS to show
// memory stays flat however large the file. BENCH_UPLOAD_MB (default 512) sets the file size.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { testApp } from '../support/app.ts';

const sizeMb = Number(process.env.BENCH_UPLOAD_MB ?? 512);
const runs = 3;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-upload-'));
const source = path.join(dir, 'big.pdf');

// A PDF-shaped file (header and end marker) so it passes the content checks like a real one.
const out = fs.openSync(source, 'w');
fs.writeSync(out, '%PDF-1.7\n');
const chunk = randomBytes(8 * 1024 * 1024);
for (let written = 0; written < sizeMb * 1024 * 1024; written += chunk.length) fs.writeSync(out, chunk);
fs.writeSync(out, '\n%%EOF\n');
fs.closeSync(out);
const bytes = fs.statSync(source).size;

async function plainCopy(): Promise<number> {
  const start = performance.now();
  const hash = createHash('sha256');
  const target = path.join(dir, 'copy');
  await pipeline(fs.createReadStream(source), async function* (chunks: AsyncIterable<Buffer>) {
    for await (const c of chunks) { hash.update(c); yield c; }
  }, fs.createWriteStream(target, { flush: true }));
  hash.digest('hex');
  fs.rmSync(target);
  return performance.now() - start;
}

const t = await testApp({ maxUploadBytes: 4 * 1024 ** 3 });
const headers = await t.as('marketing');
await t.app.listen({ port: 0, host: '127.0.0.1' });
const { port } = t.app.server.address() as AddressInfo;

async function httpUpload(): Promise<number> {
  const boundary = `bench${Date.now()}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\nContent-Type: application/pdf\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const start = performance.now();
  await new Promise<void>((resolve, reject) => {
    const req = http.request({
      port, method: 'POST', path: '/api/assets',
      headers: { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': head.length + bytes + tail.length },
    }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 201 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.write(head);
    const file = fs.createReadStream(source);
    file.pipe(req, { end: false });
    file.on('end', () => req.end(tail));
  });
  return performance.now() - start;
}

let peakRss = 0;
const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 20);
const baseRss = process.memoryUsage().rss;
const plain: number[] = [];
const ours: number[] = [];
for (let i = 0; i < runs; i++) {
  plain.push(await plainCopy());
  ours.push(await httpUpload());
}
clearInterval(sampler);
await t.close();
fs.rmSync(dir, { recursive: true, force: true });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mbps = (ms: number) => (bytes / 1024 / 1024) / (ms / 1000);
const [p, o] = [median(plain), median(ours)];
console.log(`file: ${sizeMb} MB, ${runs} runs each, medians`);
console.log(`plain read → sha256 → write → fsync: ${p.toFixed(0)} ms (${mbps(p).toFixed(0)} MB/s)`);
console.log(`HTTP multipart upload, full path:    ${o.toFixed(0)} ms (${mbps(o).toFixed(0)} MB/s)`);
console.log(`ratio (ours / plain throughput): ${(p / o).toFixed(2)}×  (target ≥ 0.8×)`);
console.log(`RSS: ${(baseRss / 1e6).toFixed(0)} MB before, ${(peakRss / 1e6).toFixed(0)} MB peak while uploading (client and server in one process)`);
