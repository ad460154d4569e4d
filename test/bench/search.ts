// Search benchmark: 100,000 assets of 1,000–5,000 words in PostgreSQL, each text with the search terms processing
// stores beside it (text-terms.ts), the index built through the real boot path,
// then 500 fixed queries through the real search path and, in the same run, through PostgreSQL full-text search
// (tsvector + GIN, ts_rank, LIMIT 20) on the same data. Prints the build time (from the database, as at a first
// boot, and from the saved snapshot after 1 % of the assets changed, as at a restart), heap, p50/p95/p99 and the ratio.
//
//   npm run bench search                         (SEARCH_BENCH_ASSETS=10000 for a quick run)
//
// Uses a throwaway database on the server of DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test)
// and drops it at the end. SEARCH_BENCH_DATABASE=name keeps the data in that database and, when it is already
// there, reuses it: loading 100,000 assets takes most of a run, and tuning the index needs only the queries.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import postgres from 'postgres';
import type { CurrentUser } from '../../server/auth/roles.ts';
import { openDatabase, type Database } from '../../server/db/client.ts';
import { MemorySearchIndex } from '../../server/search/memory-index.ts';
import { parseQuery } from '../../server/search/query-parser.ts';
import { packTextTerms } from '../../server/search/text-terms.ts';
import { searchService, type SearchParams } from '../../server/search/service.ts';
import { taxonomyService } from '../../server/taxonomy/service.ts';
import { usageService, type UsageService } from '../../server/usage/service.ts';
import { benchDatabase } from './database.ts';
import { benchQueries, corpusAsset, PRODUCTS, vocabulary, type BenchQuery, type Vocabulary } from './corpus/prose.ts';

const ASSETS = Number(process.env.SEARCH_BENCH_ASSETS || 100_000);
const QUERIES = 500;
const BUILD_RUNS = Number(process.env.SEARCH_BENCH_BUILDS || 3);
const DAY = 86_400_000;

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const log = (line: string) => console.log(line);

/** One value for PostgreSQL's COPY text format. */
function copyValue(value: string | number | boolean | null): string {
  if (value === null) return '\\N';
  if (typeof value !== 'string') return String(value);
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}
const copyRow = (values: (string | number | boolean | null)[]) => `${values.map(copyValue).join('\t')}\n`;

/**
 * to_tsvector('simple', text) for this corpus's text (letters, digits, spaces and . , only): each run of letters
 * or digits, lower-cased, with its 1-based position (PostgreSQL keeps 255 positions per word at most).
 */
function simpleTsvector(text: string): string {
  const positions = new Map<string, number[]>();
  let position = 0;
  for (const [word] of text.matchAll(/[\p{L}\p{N}]+/gu)) {
    position++;
    const lexeme = word.toLowerCase();
    const list = positions.get(lexeme);
    if (!list) positions.set(lexeme, [position]);
    else if (list.length < 255) list.push(position);
  }
  let out = '';
  for (const [lexeme, list] of positions) out += `${out ? ' ' : ''}'${lexeme}':${list.join(',')}`;
  return out;
}
const textArray = (items: string[]) => `{${items.map((t) => `"${t.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;

async function copy(sql: postgres.ReservedSql, statement: string, rows: () => Iterable<string>) {
  const writable = await sql.unsafe(statement).writable();
  // Rows in chunks: one stream write per row would cost more than the rows themselves.
  async function* chunks() {
    let chunk = '';
    for (const row of rows()) {
      chunk += row;
      if (chunk.length > 1 << 20) { yield chunk; chunk = ''; }
    }
    if (chunk) yield chunk;
  }
  await pipeline(Readable.from(chunks()), writable);
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)]!;
const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 0.5);
function summary(latencies: number[]) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), p99: percentile(sorted, 0.99), max: sorted.at(-1)! };
}
const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 1)} ms`;

/** The real schema filled through COPY, and PostgreSQL's full-text index over the same data. */
async function loadCorpus(database: Database, sql: postgres.Sql, vocab: Vocabulary) {
  const taxonomy = taxonomyService(database.db);
  // --- Data: the real schema, filled through COPY ---
  await taxonomy.ensureDefaults();
  for (const product of PRODUCTS) await taxonomy.addTerm('product', product);
  const termIds = new Map((await sql<{ id: string; facet_key: string; slug: string }[]>`select id, facet_key, slug from terms`)
    .map((t) => [`${t.facet_key}:${t.slug}`, t.id]));
  const [owner] = await sql<{ id: string }[]>`insert into users (email, name, role, password_hash) values ('owner@bench', 'Owner', 'marketing', 'x') returning id`;
  const [salesRow] = await sql<{ id: string }[]>`insert into users (email, name, role, password_hash) values ('sales@bench', 'Sales', 'sales', 'x') returning id`;
  const assetIds = Array.from({ length: ASSETS }, () => randomUUID());
  const versionIds = Array.from({ length: ASSETS }, () => randomUUID());
  const now = Date.now();
  const load = performance.now();
  const connection = await sql.reserve();
  // Rows reference each other both ways (asset ↔ version); load with foreign-key triggers off, as pg_restore does.
  await connection`set session_replication_role = replica`;
  let textChars = 0;
  await copy(connection, 'copy blobs (sha256, size) from stdin', function* () {
    for (let i = 0; i < ASSETS; i++) yield copyRow([i.toString(16).padStart(64, '0'), 100_000 + i]);
  });
  await copy(connection, `copy assets (id, title, description, kind, status, owner_id, tags, expires_at, created_at, updated_at,
    approved_at, approved_by, current_version_id, approved_version_id) from stdin`, function* () {
    for (let i = 0; i < ASSETS; i++) {
      const a = corpusAsset(vocab, i, { text: false });
      // 92 % live; the rest drafts, archived or expired, which sales must never see.
      const mix = i % 100;
      const status = mix < 95 && mix >= 92 ? 'draft' : mix < 97 && mix >= 95 ? 'archived' : 'approved';
      const approved = status !== 'draft';
      const at = new Date(now - a.ageDays * DAY).toISOString();
      const expires = mix >= 97 && mix < 99 ? new Date(now - DAY).toISOString() : null;
      yield copyRow([assetIds[i]!, a.title, a.description, a.kind, status, owner!.id, textArray(a.tags), expires, at, at,
        approved ? at : null, approved ? owner!.id : null, versionIds[i]!, approved ? versionIds[i]! : null]);
    }
  });
  await copy(connection, 'copy asset_terms (asset_id, term_id) from stdin', function* () {
    for (let i = 0; i < ASSETS; i++) {
      const a = corpusAsset(vocab, i, { text: false });
      const slugs = [...a.personas.map((s) => `persona:${s}`), ...a.stages.map((s) => `stage:${s}`), ...a.products.map((s) => `product:${s}`),
        ...a.industries.map((s) => `industry:${s}`), `language:${a.language}`];
      for (const slug of slugs) yield copyRow([assetIds[i]!, termIds.get(slug)!]);
    }
  });
  let events = 0;
  await copy(connection, 'copy usage_events (asset_id, version_id, user_id, kind, counted, at) from stdin', function* () {
    for (let i = 0; i < ASSETS; i++) {
      const a = corpusAsset(vocab, i, { text: false });
      for (let u = 0; u < a.uses; u++) {
        events++;
        yield copyRow([assetIds[i]!, versionIds[i]!, salesRow!.id, u % 3 ? 'view' : 'download', true, new Date(now - ((u * 7919) % 90) * DAY - u * 1000).toISOString()]);
      }
    }
  });
  // The text, in chunks. PostgreSQL's own to_tsvector over 2 GB takes longer than everything else in this run put
  // together, so the benchmark writes the text's tsvector itself (what to_tsvector('simple') gives for this corpus:
  // lower-cased runs of letters and digits with their positions; checked against PostgreSQL on a sample below)
  // and PostgreSQL computes the title and description parts.
  await sql`create table bench_fts (asset_id uuid primary key, tsv tsvector not null)`;
  await sql`create table bench_text_vectors (version_id uuid primary key, tsv tsvector not null)`;
  const vectorising: Promise<unknown>[] = [];
  const chunk = Math.ceil(ASSETS / 20);
  for (let from = 0; from < ASSETS; from += chunk) {
    const to = Math.min(ASSETS, from + chunk);
    const vectors: string[] = [];
    // With the terms processing stores beside each text (text-terms.ts), as an upload's processing would.
    await copy(connection, `copy asset_versions (id, asset_id, number, sha256, filename, mime_type, size, text, search_terms, preview_status, uploaded_by)
      from stdin`, function* () {
      for (let i = from; i < to; i++) {
        const a = corpusAsset(vocab, i);
        textChars += a.text.length;
        vectors.push(copyRow([versionIds[i]!, simpleTsvector(a.text)]));
        yield copyRow([versionIds[i]!, assetIds[i]!, 1, i.toString(16).padStart(64, '0'), a.filename, 'application/pdf', 100_000 + i, a.text, packTextTerms(a.text), 'ready', owner!.id]);
      }
    });
    await copy(connection, 'copy bench_text_vectors (version_id, tsv) from stdin', () => vectors);
    const ids = assetIds.slice(from, to);
    vectorising.push(sql`insert into bench_fts
      select a.id, setweight(to_tsvector('simple', a.title), 'A')
        || setweight(to_tsvector('simple', a.description || ' ' || array_to_string(a.tags, ' ') || ' ' || v.filename), 'B')
        || t.tsv
      from assets a join asset_versions v on v.id = a.current_version_id join bench_text_vectors t on t.version_id = v.id
      where a.id = any(${ids}::uuid[])`);
  }
  await connection`set session_replication_role = origin`;
  connection.release();
  await Promise.all(vectorising);
  const sample = versionIds.filter((_, i) => i % Math.max(1, Math.floor(ASSETS / 200)) === 0);
  const [check] = await sql<{ differ: number }[]>`select count(*)::int as differ from asset_versions v join bench_text_vectors t on t.version_id = v.id
    where v.id = any(${sample}::uuid[]) and to_tsvector('simple', v.text) <> t.tsv`;
  if (check!.differ) throw new Error(`${check!.differ} of ${sample.length} precomputed text vectors differ from PostgreSQL's to_tsvector('simple')`);
  await sql`drop table bench_text_vectors`;
  await sql`analyze`;
  log(`data: ${ASSETS.toLocaleString('en')} assets, ${mb(textChars)} of text (1,000–5,000 words each), ${events.toLocaleString('en')} usage events, `
    + `loaded with their tsvectors in ${seconds(performance.now() - load)} (text vectors equal to PostgreSQL's to_tsvector on a ${sample.length}-document sample)`);

  // --- PostgreSQL full-text search on the same data ---
  const ftsBuild = performance.now();
  await sql.begin(async (tx) => {
    await tx`set local maintenance_work_mem = '1GB'`;
    await tx`create index bench_fts_gin on bench_fts using gin (tsv)`;
  });
  await sql`analyze bench_fts`;
  log(`PostgreSQL GIN index built in ${seconds(performance.now() - ftsBuild)}`);

}

async function main() {
  const started = performance.now();
  const { name, url, reuse, done } = await benchDatabase('SEARCH_BENCH_DATABASE', 'ch_bench_search');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'content-hub-bench-'));
  let database: Database | undefined;
  let sql: postgres.Sql | undefined;
  let stop: () => Promise<void> = async () => {};
  let usage: UsageService | undefined;
  try {
    database = await openDatabase(url, dataDir);
    sql = postgres(url, { max: 4, onnotice: () => {} });
    log(`search benchmark: ${ASSETS.toLocaleString('en')} assets, ${QUERIES} queries, ${os.availableParallelism()} cores, Node ${process.version}`);

    const taxonomy = taxonomyService(database.db);
    usage = usageService(database.db);
    const vocab = vocabulary();
    if (reuse) {
      // Data loaded by an older version of this benchmark may lack the stored terms: the build then reads the text.
      const [terms] = await sql<{ n: number; all: number }[]>`select count(search_terms)::int as n, count(*)::int as all from asset_versions`;
      log(`reusing the data in database ${name} (${terms!.n.toLocaleString('en')} of ${terms!.all.toLocaleString('en')} versions with stored search terms)`);
    }
    else await loadCorpus(database, sql, vocab);
    const [salesRow] = await sql<{ id: string }[]>`select id from users where email = 'sales@bench'`;
    const sales: CurrentUser = { id: salesRow!.id, email: 'sales@bench', name: 'Sales', role: 'sales' };

    // --- Our index, built by the search service from the database, as at a first boot ---
    gc();
    const heapBefore = process.memoryUsage();
    const snapshotFile = path.join(dataDir, 'search', 'index.snapshot');
    // In a function of its own, so nothing keeps this first index alive once the restart below has its own.
    const firstBuildMs = await (async () => {
      const index = new MemorySearchIndex();
      const cold = searchService(database!, taxonomy, usage, { index, snapshotFile });
      stop = () => cold.close();
      const started = performance.now();
      await cold.start();
      const elapsed = performance.now() - started;
      log(`index: first built from the database in ${seconds(elapsed)} (${index.size.toLocaleString('en')} assets, ${index.documents.toLocaleString('en')} documents, `
        + `${index.terms.toLocaleString('en')} terms)`);
      const copied = await cold.textsStored();
      if (copied) log(`texts for snippets copied to the text store in the background in ${seconds(copied.ms)} (${copied.texts.toLocaleString('en')} texts)`);
      const closeStarted = performance.now();
      await cold.close();
      stop = async () => {};
      log(`snapshot of ${mb(fs.statSync(snapshotFile).size)}, saved in the background after the build and again once the texts were copied; `
        + `closing took ${seconds(performance.now() - closeStarted)}`);
      return elapsed;
    })();
    // The build again, without a snapshot to write or texts to copy, for a median: one build on a noisy machine
    // says little.
    const buildRuns = [firstBuildMs];
    for (let run = 1; run < BUILD_RUNS; run++) {
      gc();
      const again = searchService(database, taxonomy, usage, { index: new MemorySearchIndex() });
      stop = () => again.close();
      const started = performance.now();
      await again.start();
      buildRuns.push(performance.now() - started);
      await again.close();
      stop = async () => {};
    }
    const buildMs = median(buildRuns);
    log(`index: built from the database in ${seconds(buildMs)}, the median of ${BUILD_RUNS} builds (${buildRuns.map(seconds).join(', ')})`);

    // --- A restart: the snapshot, and a catch-up on 1 % of the assets changed meanwhile ---
    const churn = Math.ceil(ASSETS / 100);
    await sql`update assets set updated_at = updated_at where id in (select id from assets order by id limit ${churn})`;
    const index = new MemorySearchIndex();
    const search = searchService(database, taxonomy, usage, { index, snapshotFile });
    stop = () => search.close();
    const restartStarted = performance.now();
    const boot = await search.start();
    const restartMs = performance.now() - restartStarted;
    gc();
    gc();
    const heapAfter = process.memoryUsage();
    const heldBytes = heapAfter.heapUsed + heapAfter.arrayBuffers;
    log(`restart: ready from the ${boot.from} in ${seconds(restartMs)}, ${boot.reindexed.toLocaleString('en')} changed assets read again; `
      + `heap used ${mb(heapAfter.heapUsed)} + array buffers ${mb(heapAfter.arrayBuffers)} = ${mb(heldBytes)} `
      + `(index alone ${mb(heldBytes - heapBefore.heapUsed - heapBefore.arrayBuffers)}), RSS ${mb(heapAfter.rss)}`);

    // --- Queries ---
    const queries = benchQueries(vocab, QUERIES);
    const paramsOf = (query: BenchQuery): SearchParams => ({ q: query.q, ...query.filters, limit: 20, offset: 0 });
    const ftsQuery = async (query: BenchQuery) => {
      const words = parseQuery(query.q).words;
      const tsquery = words.map((w) => `${w.text}${w.prefix ? ':*' : ''}`).join(' & ');
      const facets = Object.entries(query.filters).filter(([facet]) => facet !== 'kind');
      const kinds = query.filters.kind;
      return sql!`select f.asset_id, ts_rank(f.tsv, query) as rank
        from bench_fts f join assets a on a.id = f.asset_id, to_tsquery('simple', ${tsquery}) query
        where f.tsv @@ query and a.approved_version_id is not null and a.status <> 'archived' and (a.expires_at is null or a.expires_at > now())
        ${kinds ? sql!`and a.kind = any(${kinds})` : sql!``}
        ${facets.length ? sql!`and ${facets.map(([facet, slugs]) => sql!`exists (select 1 from asset_terms x join terms t on t.id = x.term_id
            where x.asset_id = a.id and t.facet_key = ${facet} and t.slug = any(${slugs!}))`).reduce((a, b) => sql!`${a} and ${b}`)}` : sql!``}
        order by rank desc limit 20`;
    };
    // Warm up the JIT and both caches of PostgreSQL with other queries, then measure cold: our caches are cleared
    // before every query, so repeated queries in the set are not answered from a cache.
    const warmups = benchQueries(vocab, 150, 99);
    for (const query of warmups) await search.search(sales, paramsOf(query));
    for (const query of warmups.slice(0, 40)) await ftsQuery(query);
    const ours: number[] = [];
    const oursIndexOnly: number[] = [];
    const byType = new Map<string, number[]>();
    let totalHits = 0;
    for (const query of queries) {
      index.clearCaches();
      const t0 = performance.now();
      const result = await search.search(sales, paramsOf(query));
      const elapsed = performance.now() - t0;
      ours.push(elapsed);
      totalHits += result.total;
      byType.set(query.type, [...(byType.get(query.type) ?? []), elapsed]);
      index.clearCaches();
      const t1 = performance.now();
      index.query({ query: parseQuery(query.q), audience: 'sales', filters: query.filters, limit: 20, offset: 0, now: Date.now() });
      oursIndexOnly.push(performance.now() - t1);
    }
    const fts: number[] = [];
    let ftsHits = 0;
    for (const query of queries) {
      const t0 = performance.now();
      ftsHits += (await ftsQuery(query)).length;
      fts.push(performance.now() - t0);
    }

    const a = summary(ours);
    const i = summary(oursIndexOnly);
    const p = summary(fts);
    log('');
    log('                                   p50        p95        p99        max');
    const row = (label: string, s: ReturnType<typeof summary>) => log(`${label.padEnd(30)} ${ms(s.p50).padStart(10)} ${ms(s.p95).padStart(10)} ${ms(s.p99).padStart(10)} ${ms(s.max).padStart(10)}`);
    row('ours, GET /api/search path', a);
    row('ours, index query only', i);
    row('PostgreSQL FTS (ts_rank, 20)', p);
    log('');
    log(`ratio ours/PostgreSQL at p95: ${(a.p95 / p.p95).toFixed(3)} (target ≤ 0.2); at p50: ${(a.p50 / p.p50).toFixed(3)}`);
    log(`ours by query type, p95: ${[...byType].map(([type, list]) => `${type} ${ms(summary(list).p95)} (${list.length})`).join(', ')}`);
    log(`average matches per query: ours ${(totalHits / QUERIES).toFixed(0)} (all, with typos and completions), PostgreSQL ${(ftsHits / QUERIES).toFixed(1)} (first 20)`);
    const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED');
    log(`targets: p95 ≤ 10 ms ${verdict(a.p95 <= 10)}; ≤ ⅕ PostgreSQL ${verdict(a.p95 <= p.p95 / 5)}; `
      + `build ≤ 30 s: from the database ${verdict(buildMs <= 30_000)}, restart from the snapshot ${verdict(restartMs <= 30_000)}; `
      + `heap ≤ 1.5 GB ${verdict(heldBytes <= 1.5 * 1024 ** 3)}`);
    log(`benchmark took ${seconds(performance.now() - started)}`);
  } finally {
    await stop();
    await usage?.close();
    await sql?.end({ timeout: 5 });
    await database?.close();
    await done();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
