import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AssetService } from '../assets/service.ts';
import { extensionOf } from '../assets/file-name.ts';
import type { VersionMeta } from '../assets/queries.ts';
import type { CurrentUser } from '../auth/roles.ts';
import type { Database, Tx } from '../db/client.ts';
import { isDatabaseUnavailable } from '../db/unavailable.ts';
import { NotFound, Unreadable } from '../errors.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import { cardKey, renderCard, type CardContent } from './card.ts';
import type { Analysis, PreviewSource } from './extractors/analysis.ts';
import { previewShape } from './preview-pages.ts';
import { fileExists, writeFileAtomic } from './files.ts';
import { previewStore } from './previews.ts';
import {
  markFailed, processedTwin, saveAnalysis, saveSearchTerms, stampedVersionTexts, versionIds, versionsWithoutSearchTerms, versionToProcess,
  type VersionToProcess,
} from './queries.ts';
import { JOBS_CHANNEL, jobQueue, type Job } from './queue.ts';
import { findCommand, runCommand } from './tools.ts';
import { WorkerCrashed, workerPool } from './worker-pool.ts';

export const PROCESS_VERSION = 'process-version';

/** Bumped when rendering changes, so browsers drop pictures cached under the old ETags. */
const RENDERING = 1;
/** Texts read at once by storeSearchTerms: a few megabytes. */
const SEARCH_TERMS_BATCH = 100;

export interface ProcessingOptions {
  /** Extraction threads, and so jobs run at once by this process. */
  threads: number;
  /** Time limit of one extraction task (and of LibreOffice or ffmpeg on one file). */
  timeoutMs: number;
  /** How often a running job proves its process is alive. */
  heartbeatMs?: number;
  /** A running job with no heartbeat for this long belongs to a dead process. */
  abandonedAfterMs?: number;
  /** Polling interval when no notification arrives. */
  pollMs?: number;
  retryBaseMs?: number;
  /** Attempts of one processing job (file faults are never retried; crashes and I/O errors are). */
  maxAttempts?: number;
  /** Render Office files with LibreOffice when it is installed (LIBREOFFICE=off says no); default yes. */
  libreOffice?: boolean;
}

export interface ProcessingLog { info(message: string): void; warn(message: string): void; error(message: string): void }
const silent: ProcessingLog = { info() {}, warn() {}, error() {} };

/** A WebP on disk to send, with its ETag. */
export interface Picture { etag: string; file: string }

export type ProcessedListener = (event: { assetId: string; versionId: string; status: 'ready' | 'failed' }) => void | Promise<void>;

/**
 * Background processing of uploads: a durable job per new version, run on worker threads, results written to
 * the version (pages, dimensions, duration, text, perceptual hash, meta) and pictures under DATA_DIR/previews.
 * Also serves thumbnails and page previews, rendering pages on first request.
 */
export function processingService(database: Database, blobs: BlobStore, assets: AssetService, dataDir: string, options: ProcessingOptions) {
  const { db } = database;
  const heartbeatMs = options.heartbeatMs ?? 10_000;
  const abandonedAfterMs = options.abandonedAfterMs ?? Math.max(60_000, 3 * heartbeatMs);
  const pollMs = options.pollMs ?? 2_000;
  const maxAttempts = options.maxAttempts ?? 3;
  const queue = jobQueue(db, { retryBaseMs: options.retryBaseMs });
  const previews = previewStore(dataDir);
  let log: ProcessingLog = silent;
  const listeners: ProcessedListener[] = [];
  let pool: ReturnType<typeof workerPool> | undefined;
  const threads = () => (pool ??= workerPool({ size: options.threads, timeoutMs: options.timeoutMs, onStderr: (line) => log.warn(`processing thread: ${line}`) }));

  // The poller's state.
  let running = false;
  let stopping = false;
  let pumping = false;
  const inFlight = new Map<number, Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let unlisten: (() => Promise<void>) | undefined;
  let lastHousekeeping = 0;
  let bootRecoveryDone = false;
  /**
   * A claim failed on a lost connection (it may have committed), or a job's end could not be recorded: jobs marked
   * ours that nothing here runs may exist. The next pump puts them back rather than wait out the heartbeat timeout.
   */
  let orphansPossible = false;
  const rendering = new Map<string, Promise<void>>();

  async function notify(event: Parameters<ProcessedListener>[0]) {
    for (const listener of listeners) {
      try {
        await listener(event);
      } catch (error) {
        log.warn(`a processing listener failed: ${(error as Error).message}`);
      }
    }
  }

  /**
   * LibreOffice renders Office files to PDF, for a preview of every page, when it is installed (and not turned off).
   * Without it the thumbnail embedded in the file (often 256 px) or the card stands in.
   */
  async function renderWithLibreOffice(version: VersionToProcess, file: string, analysis: Analysis): Promise<Analysis> {
    const soffice = options.libreOffice === false ? undefined : await findCommand('soffice') ?? await findCommand('libreoffice');
    if (!soffice) return analysis;
    const work = await fs.mkdtemp(path.join(os.tmpdir(), 'content-hub-soffice-'));
    try {
      // LibreOffice picks the import filter by extension, and wants a profile of its own per run.
      const input = path.join(work, `input.${extensionOf(version.filename) || 'bin'}`);
      await fs.copyFile(file, input);
      await runCommand(soffice, ['--headless', '--norestore', '--nolockcheck', `-env:UserInstallation=file://${work}/profile`,
        '--convert-to', 'pdf', '--outdir', work, input], { timeoutMs: options.timeoutMs, cwd: work });
      const pdfFile = previews.convertedPdf(version.sha256);
      // LibreOffice exits 0 even when it could not load the file; only the missing PDF tells.
      const converted = await fs.readFile(path.join(work, 'input.pdf')).catch(() => {
        throw new Error('LibreOffice could not open the file and made no PDF of it');
      });
      await writeFileAtomic(pdfFile, converted);
      const pdf = await threads().run<Analysis>({ type: 'analyse', file: pdfFile, mimeType: 'application/pdf', thumbFile: previews.thumbnail(version.sha256) });
      return {
        // A PDF whose first page could not be drawn keeps the file's own thumbnail, if it had one.
        ...analysis, thumbnail: pdf.thumbnail === 'image' ? 'image' : analysis.thumbnail, preview: 'converted-pdf',
        pages: analysis.pages ?? pdf.pages, text: analysis.text || pdf.text,
        meta: { ...analysis.meta, renderedWith: 'LibreOffice', previewPages: pdf.pages },
      };
    } catch (error) {
      // The card is a fine fallback; the reason stays in meta for whoever looks.
      log.warn(`LibreOffice could not render version ${version.id}: ${(error as Error).message}`);
      return { ...analysis, meta: { ...analysis.meta, renderError: (error as Error).message.slice(0, 300) } };
    } finally {
      await fs.rm(work, { recursive: true, force: true });
    }
  }

  /** ffmpeg gives the duration and, for video, a poster frame, when it is installed. */
  async function frameWithFfmpeg(version: VersionToProcess, file: string, analysis: Analysis): Promise<Analysis> {
    const [ffmpeg, ffprobe] = await Promise.all([findCommand('ffmpeg'), findCommand('ffprobe')]);
    let result = analysis;
    try {
      if (ffprobe && result.durationSec === null) {
        const seconds = Number((await runCommand(ffprobe, ['-v', 'error', '-show_entries', 'format=duration', '-of', 'default=nw=1:nk=1', file], { timeoutMs: options.timeoutMs })).trim());
        if (Number.isFinite(seconds) && seconds > 0) result = { ...result, durationSec: Math.round(seconds * 1000) / 1000 };
      }
      if (ffmpeg && version.mimeType.startsWith('video/')) {
        const poster = previews.poster(version.sha256);
        await fs.mkdir(path.dirname(poster), { recursive: true });
        const at = result.durationSec && result.durationSec < 2 ? 0 : 1;
        await runCommand(ffmpeg, ['-nostdin', '-v', 'error', '-y', '-ss', String(at), '-i', file, '-frames:v', '1', '-f', 'image2', '-c:v', 'png', poster], { timeoutMs: options.timeoutMs });
        const frame = await threads().run<Analysis>({ type: 'analyse', file: poster, mimeType: 'image/png', thumbFile: previews.thumbnail(version.sha256) });
        result = { ...result, thumbnail: 'image', preview: 'poster', width: frame.width, height: frame.height, meta: { ...result.meta, framedWith: 'ffmpeg' } };
      }
    } catch (error) {
      log.warn(`ffmpeg could not read version ${version.id}: ${(error as Error).message}`);
      result = { ...result, meta: { ...result.meta, renderError: (error as Error).message.slice(0, 300) } };
    }
    return result;
  }

  /** The job: analyse one version's file and store what was found. */
  async function processVersion(job: Job) {
    const { versionId, force } = job.payload as { versionId: string; force?: boolean };
    const version = await versionToProcess(db, versionId);
    if (!version) return; // deleted since: nothing to do
    const file = blobs.pathOf(version.sha256);
    if (!(await fileExists(file))) throw new Unreadable('the stored file is missing; upload it again', 'BLOB_MISSING');

    const twin = force ? undefined : await processedTwin(db, version.sha256, version.id);
    const twinMeta = (twin?.meta ?? {}) as Record<string, unknown>;
    if (twin && (twinMeta.thumbnail !== 'image' || await fileExists(previews.thumbnail(version.sha256)))) {
      // Identical bytes were processed already (the same file in another asset): same results, same pictures.
      const { thumbnail, preview, previewPages, ...meta } = twinMeta;
      await saveAnalysis(db, version.id, {
        pages: twin.pages, width: twin.width, height: twin.height, durationSec: twin.durationSec, text: twin.text, phash: twin.phash,
        searchTerms: twin.searchTerms,
        thumbnail: thumbnail === 'image' ? 'image' : 'card', preview: (preview as PreviewSource | undefined) ?? 'card',
        previewPages: typeof previewPages === 'number' ? previewPages : null, meta,
      });
    } else {
      if (force) await previews.removePages(version.sha256);
      let analysis = await threads().run<Analysis>({
        type: 'analyse', file, mimeType: version.mimeType, thumbFile: previews.thumbnail(version.sha256), hashImage: !version.phash,
      });
      if (analysis.wants === 'office-render') analysis = await renderWithLibreOffice(version, file, analysis);
      if (analysis.wants === 'media-frame') analysis = await frameWithFfmpeg(version, file, analysis);
      const { wants: _wants, ...stored } = analysis;
      // In a thread: tokenizing a long text would hold up the event loop for a good part of a second.
      const searchTerms = stored.text ? await threads().run<string | null>({ type: 'search-terms', text: stored.text }) : null;
      await saveAnalysis(db, version.id, { ...stored, searchTerms });
    }
    await notify({ assetId: version.assetId, versionId: version.id, status: 'ready' });
  }

  const handlers: Record<string, (job: Job) => Promise<void>> = { [PROCESS_VERSION]: processVersion };

  /** What marketing reads when a job gives up. */
  function reasonOf(error: unknown, attempts: number): string {
    if (error instanceof Unreadable) return error.message;
    if (error instanceof WorkerCrashed) return `processing crashed on this file (${attempts} ${attempts === 1 ? 'try' : 'tries'}); it may be damaged or too complex`;
    return `processing failed: ${(error as Error)?.message ?? String(error)}`;
  }

  async function runJob(job: Job): Promise<void> {
    const beat = setInterval(() => void queue.heartbeat(job).catch(() => {}), heartbeatMs);
    beat.unref();
    try {
      const handler = handlers[job.kind];
      if (!handler) throw new Unreadable(`no handler for jobs of kind ${job.kind}`, 'UNKNOWN_JOB');
      await handler(job);
      await queue.complete(job);
    } catch (error) {
      // A shutdown released the job for the next process: its failure here is not the file's.
      if (stopping) return;
      await recordFailure(job, error);
    } finally {
      clearInterval(beat);
    }
  }

  /**
   * Records why a job ended badly. Never throws: when the database is away the record cannot be written, and the
   * job stays claimed without heartbeat until the next pump puts it back (or, failing that, housekeeping once it
   * looks abandoned): it is not lost.
   */
  async function recordFailure(job: Job, error: unknown) {
    try {
      if (isDatabaseUnavailable(error)) {
        // The database went away under the job: not the file's fault, so no attempt is spent on it.
        await queue.release([job.id]);
        log.warn(`job ${job.id} (${job.kind}) interrupted, the database is unavailable; it will run again`);
        return;
      }
      const reason = reasonOf(error, job.attempts);
      const retry = !(error instanceof Unreadable);
      const outcome = await queue.fail(job, reason, retry);
      log[outcome === 'failed' ? 'warn' : 'info'](`job ${job.id} (${job.kind}) ${outcome === 'failed' ? 'failed' : 'will be retried'}: ${reason}`);
      const versionId = (job.payload as { versionId?: string }).versionId;
      if (outcome === 'failed' && versionId) {
        await markFailed(db, versionId, reason, error instanceof Unreadable ? error.code : error instanceof WorkerCrashed ? 'CRASHED' : 'FAILED');
        const version = await versionToProcess(db, versionId);
        if (version) await notify({ assetId: version.assetId, versionId, status: 'failed' });
      }
    } catch (recordError) {
      orphansPossible = true;
      log.warn(`could not record how job ${job.id} (${job.kind}) ended (${(recordError as Error).message}); it will run again`);
    }
  }

  /** Claims jobs while threads are free; called on notifications, on a timer and when a job ends. */
  async function pump() {
    // Until interrupted jobs are recovered, claiming could mistake our own fresh work for a dead process's.
    if (!running || pumping || !bootRecoveryDone) return;
    pumping = true;
    try {
      if (orphansPossible) {
        const released = await queue.releaseUnless([...inFlight.keys()]);
        orphansPossible = false;
        if (released) log.info(`put back ${released} job(s) left claimed when the database connection dropped`);
      }
      while (running && inFlight.size < options.threads) {
        const job = await queue.claim();
        if (!job) break;
        // runJob records its own failures; a rejection still escaping here must not become an unhandled one (process exit).
        const work = runJob(job).catch((error: unknown) => log.error(`job ${job.id} (${job.kind}) ended unexpectedly: ${(error as Error)?.message ?? String(error)}`)).finally(() => {
          inFlight.delete(job.id);
          void pump();
        });
        inFlight.set(job.id, work);
      }
    } catch (error) {
      if (isDatabaseUnavailable(error)) orphansPossible = true;
      log.warn(`could not claim jobs: ${(error as Error).message}`);
    } finally {
      pumping = false;
    }
  }

  async function recoverAbandoned(olderThanMs: number) {
    const { requeued, failed } = await queue.recoverAbandoned(olderThanMs);
    if (requeued.length) log.info(`put ${requeued.length} interrupted job(s) back in the queue`);
    for (const job of failed) {
      const versionId = (job.payload as { versionId?: string }).versionId;
      if (versionId) await markFailed(db, versionId, `processing was interrupted ${job.attempts} times; the file may be too heavy to process`, 'INTERRUPTED');
    }
  }

  /** PGlite is one process's database: whatever it left running died with it. On PostgreSQL, only jobs without heartbeat. */
  async function recoverAtBoot() {
    try {
      await recoverAbandoned(database.driver === 'pglite' ? 0 : abandonedAfterMs);
      bootRecoveryDone = true;
    } catch (error) {
      // The database may be away at boot; housekeeping tries again and the server starts regardless.
      log.warn(`could not look for interrupted jobs yet: ${(error as Error).message}`);
    }
  }

  async function housekeeping() {
    if (!bootRecoveryDone) await recoverAtBoot();
    if (Date.now() - lastHousekeeping < 60_000) return;
    lastHousekeeping = Date.now();
    try {
      await recoverAbandoned(abandonedAfterMs);
      await queue.prune();
    } catch (error) {
      log.warn(`job housekeeping failed: ${(error as Error).message}`);
    }
  }

  async function cardFor(assetKind: string, title: string, version: VersionMeta, size: 'thumbnail' | 'preview', note?: string): Promise<Picture> {
    const content: CardContent = { kind: assetKind, extension: extensionOf(version.filename), title, note };
    const key = cardKey(content, size);
    const file = previews.card(key);
    if (!(await fileExists(file))) await writeFileAtomic(file, await renderCard(content, size));
    return { etag: `"c${RENDERING}-${key}"`, file };
  }

  function cardNote(version: VersionMeta): string | undefined {
    const meta = (version.meta ?? {}) as Record<string, unknown>;
    if (meta.passwordRequired) return 'Password-protected';
    if (version.previewStatus === 'failed') return 'No preview';
    return undefined;
  }

  /** Renders a page once however many requests ask for it at the same moment. */
  async function renderPage(outFile: string, render: () => Promise<unknown>) {
    let pending = rendering.get(outFile);
    if (!pending) {
      pending = render().then(() => undefined).finally(() => rendering.delete(outFile));
      rendering.set(outFile, pending);
    }
    await pending;
  }

  async function shown(user: CurrentUser, assetId: string, versionNumber?: number) {
    const { asset, version } = await assets.downloadable(user, assetId, versionNumber);
    if (version.previewStatus === 'pending') throw new NotFound('the preview is still being made; try again in a moment', 'PREVIEW_PENDING');
    return { asset, version, meta: (version.meta ?? {}) as Record<string, unknown> };
  }

  const service = {
    queue,

    /** Adds the processing job of a new version inside the upload's transaction. */
    async enqueueVersion(tx: Tx, versionId: string, force = false) {
      await queue.enqueue(tx, PROCESS_VERSION, force ? { versionId, force } : { versionId }, maxAttempts);
    },

    /** Hears of every version processed (search indexes its text). */
    onProcessed(listener: ProcessedListener) {
      listeners.push(listener);
    },

    /** Starts the background consumer: recovers jobs of dead processes, then claims work as it arrives. */
    async start(logger: ProcessingLog = silent) {
      if (running) return;
      log = logger;
      running = true;
      stopping = false;
      await recoverAtBoot();
      lastHousekeeping = Date.now();
      try {
        unlisten = await database.listen(JOBS_CHANNEL, () => void pump());
      } catch (error) {
        log.warn(`no job notifications, polling only: ${(error as Error).message}`);
      }
      timer = setInterval(() => {
        void pump();
        void housekeeping();
      }, pollMs);
      timer.unref();
      void pump();
      void previews.collectGarbage((sha) => blobs.exists(sha)).then((n) => n && log.info(`removed ${n} unused preview folders and cards`), () => {});
    },

    /** Stops claiming, hands running jobs back to the queue and ends the threads. */
    async stop() {
      running = false;
      stopping = true;
      clearInterval(timer);
      try {
        await unlisten?.();
      } catch { /* the database is gone already: nothing to unsubscribe from */ }
      unlisten = undefined;
      try {
        await queue.release([...inFlight.keys()]);
      } catch { /* the database may be gone already; the jobs then come back as abandoned */ }
      await pool?.close();
      pool = undefined;
      await Promise.allSettled(inFlight.values());
      stopping = false;
    },

    /** Runs every due job to the end, waiting out short retry delays: tests and the reprocess command use it. */
    async drain(logger?: ProcessingLog) {
      if (logger) log = logger;
      for (;;) {
        const job = await queue.claim();
        if (job) {
          await runJob(job);
          continue;
        }
        await Promise.allSettled(inFlight.values());
        const due = await queue.nextDueAt();
        const wait = due ? due.getTime() - Date.now() : Infinity;
        if (wait > 5_000) return;
        await new Promise((resolve) => setTimeout(resolve, Math.max(10, wait)));
      }
    },

    /** Queues the versions again (after an upgrade, or to retry failures); returns how many. */
    async reprocess(selection: { all?: boolean; assetIds?: string[]; failedOnly?: boolean }): Promise<number> {
      const ids = await versionIds(db, selection);
      for (let i = 0; i < ids.length; i += 500) {
        await db.transaction(async (tx) => {
          for (const id of ids.slice(i, i + 500)) await service.enqueueVersion(tx, id, true);
        });
      }
      return ids.length;
    },

    /**
     * Stores the search terms of versions whose text has none in the current form (see text-terms.ts) without
     * reading their files again: after an upgrade, so the search index's first build reads terms, not texts.
     * `onProgress` hears how many are done; returns how many were stored.
     */
    async storeSearchTerms(onProgress?: (done: number, total: number) => void): Promise<number> {
      const ids = await versionsWithoutSearchTerms(db);
      let stored = 0;
      for (let i = 0; i < ids.length; i += SEARCH_TERMS_BATCH) {
        const versions = await stampedVersionTexts(db, ids.slice(i, i + SEARCH_TERMS_BATCH));
        // Packed in the extraction threads, side by side; each text is tokenized once.
        const packed = await Promise.all(versions.map((v) => threads().run<string | null>({ type: 'search-terms', text: v.text })));
        for (const [k, version] of versions.entries()) if (await saveSearchTerms(db, version.id, version.stamp, packed[k]!)) stored++;
        onProgress?.(Math.min(ids.length, i + SEARCH_TERMS_BATCH), ids.length);
      }
      return stored;
    },

    /** The ~320 px thumbnail of what this user may see of an asset; the generated card when there is no picture. */
    async thumbnail(user: CurrentUser, assetId: string, versionNumber?: number): Promise<Picture> {
      const { asset, version, meta } = await shown(user, assetId, versionNumber);
      if (version.previewStatus === 'ready' && meta.thumbnail === 'image') {
        const file = previews.thumbnail(version.sha256);
        if (await fileExists(file)) return { etag: `"t${RENDERING}-${version.sha256}"`, file };
      }
      return cardFor(asset.kind, asset.title, version, 'thumbnail', cardNote(version));
    },

    /** Page N (from 1) as a WebP up to 1600 px, rendered on first request and kept. */
    async preview(user: CurrentUser, assetId: string, page = 1, versionNumber?: number): Promise<Picture> {
      const { asset, version } = await shown(user, assetId, versionNumber);
      const { source, pages: pageCount } = previewShape(version);
      if (page > pageCount) {
        throw new NotFound(pageCount === 1 ? `there is one page to preview; page ${page} does not exist` : `there are ${pageCount} pages to preview; page ${page} does not exist`, 'NO_SUCH_PAGE');
      }
      // The card also stands in when the pictures were lost (previews folder wiped): never a broken image.
      if (source === 'card' || (source === 'thumbnail' && !(await fileExists(previews.thumbnail(version.sha256))))) {
        return cardFor(asset.kind, asset.title, version, 'preview', cardNote(version));
      }
      if (source === 'thumbnail') return { etag: `"t${RENDERING}-${version.sha256}"`, file: previews.thumbnail(version.sha256) };
      const outFile = previews.page(version.sha256, page);
      if (!(await fileExists(outFile))) {
        const [file, mimeType] = source === 'pdf' ? [blobs.pathOf(version.sha256), 'application/pdf']
          : source === 'converted-pdf' ? [previews.convertedPdf(version.sha256), 'application/pdf']
            : source === 'poster' ? [previews.poster(version.sha256), 'image/png']
              : [blobs.pathOf(version.sha256), version.mimeType];
        if (!(await fileExists(file))) return cardFor(asset.kind, asset.title, version, 'preview', cardNote(version));
        await renderPage(outFile, () => threads().run({ type: 'render-page', file, mimeType, page, outFile }));
      }
      return { etag: `"p${RENDERING}-${version.sha256}-${page}"`, file: outFile };
    },

    /** Queue counts, for operators. */
    counts: () => queue.counts(),
  };
  return service;
}

export type ProcessingService = ReturnType<typeof processingService>;
