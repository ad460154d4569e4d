// Processing throughput: thumbnails per second of 12-megapixel JPEGs and PDF page previews per second through
// our pipeline (durable job → worker thread → sharp/PDFium → WebP on disk → row updated), against sharp and
// PDFium called directly on the same files in the same run; the ratio is our overhead. Also peak RSS and how
// fast /api/health answers while thumbnails are being made. BENCH_PHOTOS (default 12) sets the number of JPEGs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PDFiumLibrary } from '@hyzyla/pdfium';
import { PDFDocument, rgb, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';
import { testApp } from '../support/app.ts';
import { multipart } from '../support/files.ts';

const photos = Number(process.env.BENCH_PHOTOS ?? 12);
const runs = Number(process.env.BENCH_RUNS ?? 5);
const pdfPages = 24;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-processing-'));
const WEBP = { quality: 80, effort: 2 } as const;

let peakRss = 0;
const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 10);
const gc = () => (globalThis as { gc?: () => void }).gc?.();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const MB = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

// 4000 × 3000 photo-like JPEGs: shapes and gradients under sensor-like noise, each different.
console.log(`making ${photos} 12-megapixel JPEGs…`);
const files: string[] = [];
for (let i = 0; i < photos; i++) {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="4000" height="3000"><defs><linearGradient id="g"><stop offset="0" stop-color="hsl(${i * 40},60%,35%)"/><stop offset="1" stop-color="hsl(${i * 40 + 150},60%,75%)"/></linearGradient></defs>
    <rect width="4000" height="3000" fill="url(#g)"/><circle cx="${1000 + i * 150}" cy="1500" r="900" fill="#fff" opacity="0.7"/><rect x="2600" y="${400 + i * 100}" width="900" height="1400" fill="#222"/></svg>`;
  const noise = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 12 } } }).png().toBuffer();
  const file = path.join(dir, `photo-${i}.jpg`);
  await sharp(Buffer.from(svg)).composite([{ input: noise, blend: 'overlay' }]).jpeg({ quality: 88 }).toFile(file);
  files.push(file);
}
const averageSize = files.reduce((sum, f) => sum + fs.statSync(f).size, 0) / files.length;

// A deck-like PDF: text and vector shapes on every page.
const doc = await PDFDocument.create();
const font = await doc.embedFont(StandardFonts.Helvetica);
for (let p = 0; p < pdfPages; p++) {
  const page = doc.addPage([842, 595]);
  page.drawRectangle({ x: 0, y: 520, width: 842, height: 75, color: rgb(0.1, 0.3, 0.6) });
  page.drawText(`Slide ${p + 1}: quarterly pipeline review`, { x: 40, y: 545, size: 28, font, color: rgb(1, 1, 1) });
  for (let line = 0; line < 18; line++) page.drawText(`Point ${line + 1}: revenue, churn and expansion across segments, region ${p}-${line}.`, { x: 40, y: 480 - line * 24, size: 14, font });
  for (let bar = 0; bar < 8; bar++) page.drawRectangle({ x: 560 + bar * 30, y: 60, width: 22, height: 40 + ((bar * 37 + p * 11) % 300), color: rgb(0.9, 0.5, 0.1) });
}
const pdfFile = path.join(dir, 'deck.pdf');
fs.writeFileSync(pdfFile, await doc.save());

// ---- sharp directly: same resize and WebP settings as ours ----
async function sharpThumbnail(file: string) {
  await sharp(file).rotate().resize({ width: 320, height: 640, fit: 'inside', withoutEnlargement: true }).webp(WEBP).toBuffer();
}
async function direct(parallel: number): Promise<number> {
  const queue = [...files];
  const started = performance.now();
  await Promise.all(Array.from({ length: parallel }, async () => {
    for (let file = queue.shift(); file; file = queue.shift()) await sharpThumbnail(file);
  }));
  return performance.now() - started;
}

// ---- ours: the processing jobs of uploaded versions, run by `parallel` consumers on as many threads ----
async function ourApp(threads: number) {
  const t = await testApp({ processingThreads: threads, processingTimeoutMs: 120_000 });
  const headers = await t.as('marketing');
  for (const file of files) {
    const body = await multipart({}, { name: path.basename(file), content: fs.readFileSync(file) });
    const res = await t.app.inject({ method: 'POST', url: '/api/assets', headers: { ...headers, ...body.headers }, payload: body.payload });
    if (res.statusCode !== 201) throw new Error(res.body);
  }
  await t.app.services.processing.drain(); // warm-up: threads started, first results in
  return t;
}
async function ours(t: Awaited<ReturnType<typeof ourApp>>, parallel: number, probeHealth = false): Promise<{ ms: number; healthP99?: number }> {
  const { processing } = t.app.services;
  await processing.reprocess({ all: true });
  const latencies: number[] = [];
  let done = false;
  const probe = probeHealth ? (async () => {
    while (!done) {
      const started = performance.now();
      await t.app.inject({ method: 'GET', url: '/api/health' });
      latencies.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })() : Promise.resolve();
  const started = performance.now();
  await Promise.all(Array.from({ length: parallel }, () => processing.drain()));
  const ms = performance.now() - started;
  done = true;
  await probe;
  const counts = await processing.counts();
  if (counts.failed) throw new Error('a thumbnail job failed');
  return { ms, healthP99: latencies.length ? [...latencies].sort((a, b) => a - b)[Math.floor(latencies.length * 0.99)] : undefined };
}

// ---- PDF pages: PDFium + sharp directly (engine loaded once and warmed, as in a long-running process) vs our preview service ----
const pdfium = await PDFiumLibrary.init();
async function directPdf(): Promise<number> {
  const started = performance.now();
  const pdf = await pdfium.loadDocument(fs.readFileSync(pdfFile));
  for (let i = 0; i < pdfPages; i++) {
    const page = pdf.getPage(i);
    const { originalWidth, originalHeight } = page.getOriginalSize();
    const scale = Math.min(1600 / originalWidth, 1600 / originalHeight);
    const bitmap = await page.render({ scale, render: 'bitmap' });
    await sharp(Buffer.from(bitmap.data.buffer, bitmap.data.byteOffset, bitmap.data.byteLength), { raw: { width: bitmap.width, height: bitmap.height, channels: 4 } }).webp(WEBP).toBuffer();
  }
  const ms = performance.now() - started;
  pdf.destroy();
  return ms;
}

const results: Record<string, number[]> = { direct1: [], ours1: [], direct2: [], ours2: [], pdfDirect: [], pdfOurs: [] };
const peaks: Record<string, number> = {};
let healthP99 = 0;
const baseline = process.memoryUsage().rss;

// Runs interleaved (direct, ours, direct, ours…) so a busy neighbour on the machine slows both alike.
console.log(`thumbnails of ${photos} JPEGs (4000 × 3000, ${MB(averageSize)} each), ${runs} interleaved runs…`);
const t = await ourApp(2);
await direct(1); // warm-up
const phase = async (name: string, run: () => Promise<number>) => {
  gc();
  peakRss = 0;
  results[name]!.push(await run());
  peaks[name] = Math.max(peaks[name] ?? 0, peakRss);
};
for (let r = 0; r < runs; r++) {
  await phase('direct1', () => direct(1));
  await phase('ours1', async () => (await ours(t, 1)).ms);
  await phase('direct2', () => direct(2));
  await phase('ours2', async () => {
    const run = await ours(t, 2, true);
    healthP99 = Math.max(healthP99, run.healthP99 ?? 0);
    return run.ms;
  });
}

console.log(`PDF page previews (${pdfPages} pages, fit in 1600 px), ${runs} interleaved runs…`);
const headers = await t.as('marketing');
const body = await multipart({}, { name: 'deck.pdf', content: fs.readFileSync(pdfFile) });
const created = await t.app.inject({ method: 'POST', url: '/api/assets', headers: { ...headers, ...body.headers }, payload: body.payload });
const assetId = created.json().id as string;
const sha = created.json().version.sha256 as string;
await t.app.services.processing.drain();
const me = (await t.app.services.auth.findUserByEmail('marketing2@example.com'))!;
const pagesDir = path.join(t.config.dataDir, 'previews', sha);
async function oursPdf(): Promise<number> {
  // Cached pages would be free; remove them so every page is rendered.
  for (const name of fs.readdirSync(pagesDir)) if (name.startsWith('page-')) fs.rmSync(path.join(pagesDir, name));
  const started = performance.now();
  for (let page = 1; page <= pdfPages; page++) await t.app.services.processing.preview(me, assetId, page);
  return performance.now() - started;
}
await directPdf(); // warm-up
await oursPdf();
for (let r = 0; r < runs; r++) {
  await phase('pdfDirect', directPdf);
  await phase('pdfOurs', oursPdf);
}
await t.close();
pdfium.destroy();
clearInterval(sampler);
fs.rmSync(dir, { recursive: true, force: true });

const perSecond = (count: number, ms: number) => count / (ms / 1000);
const line = (label: string, count: number, unit: string, oursMs: number, directMs: number) => {
  const a = perSecond(count, oursMs);
  const b = perSecond(count, directMs);
  console.log(`${label.padEnd(34)} ours ${a.toFixed(2).padStart(6)} ${unit}/s   direct ${b.toFixed(2).padStart(6)} ${unit}/s   ratio ${(a / b).toFixed(2)}×`);
};
console.log('');
line('thumbnails, one at a time', photos, 'thumbs', median(results.ours1!), median(results.direct1!));
line('thumbnails, two in parallel', photos, 'thumbs', median(results.ours2!), median(results.direct2!));
line('PDF page previews, one at a time', pdfPages, 'pages', median(results.pdfOurs!), median(results.pdfDirect!));
console.log(`peak RSS (whole process, incl. the PGlite database and our threads; ${MB(baseline)} before any work):`);
console.log(`  thumbnails: direct ${MB(peaks.direct1!)} / ${MB(peaks.direct2!)} (1 / 2 at once), ours ${MB(peaks.ours1!)} / ${MB(peaks.ours2!)}`);
console.log(`  PDF pages:  direct ${MB(peaks.pdfDirect!)}, ours ${MB(peaks.pdfOurs!)}`);
console.log(`/api/health p99 while two thumbnail jobs run: ${healthP99.toFixed(1)} ms`);
console.log('ours = claim the durable job, read the version, worker thread (header check, thumbnail; the perceptual hash was taken at upload),');
console.log('       write thumb.webp, update the version row, tell listeners (search re-indexes the asset), complete the job;');
console.log('direct = sharp resize + WebP encode of the same file, nothing else. The machine is shared: compare ratios, not rates.');
