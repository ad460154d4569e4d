// HTTP load: the sales library listing under concurrent load, against /api/health (one trivial query)
// timed in the same run, so the ratio shows what listing, visibility and JSON shaping cost. Zero errors expected.
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import { testApp } from '../support/app.ts';
import { approvedAsset } from '../support/assets.ts';
import { png } from '../support/files.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const t = await testApp();
const [marketing, approver, sales] = [await t.as('marketing'), await t.as('approver'), await t.as('sales')];
for (let i = 0; i < 200; i++) {
  await approvedAsset(t, marketing, approver, { title: `Asset ${i}`, stages: ['awareness', 'evaluation'][i % 2]!, personas: 'cfo' },
    { name: `a${i}.png`, content: await png(8 + (i % 50), 8 + Math.floor(i / 50)) });
}
await t.app.listen({ port: 0, host: '127.0.0.1' });
const { port } = t.app.server.address() as AddressInfo;

async function load(title: string, path: string) {
  const result = await autocannon({ url: `http://127.0.0.1:${port}${path}`, connections: 16, duration: seconds, headers: sales });
  const errors = result.errors + result.timeouts + result.non2xx;
  console.log(`${title.padEnd(34)} ${result.requests.average.toFixed(0).padStart(6)} req/s  p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms  errors ${errors}`);
  return result.requests.average;
}

console.log(`${t.app.services.database.driver}, 16 connections, ${seconds} s each`);
const health = await load('GET /api/health (baseline)', '/api/health');
const list = await load('GET /api/assets?limit=20 (sales)', '/api/assets?limit=20');
const filtered = await load('GET /api/assets?stage=evaluation', '/api/assets?limit=20&stage=evaluation');
console.log(`ratio list/health: ${(list / health).toFixed(2)}×, filtered/health: ${(filtered / health).toFixed(2)}×`);
await t.close();
