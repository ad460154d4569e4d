import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AssetService } from '../assets/service.ts';
import { extensionOf } from '../assets/file-name.ts';
import type { VersionMeta } from '../assets/queries.ts';
import type { Viewer } from '../access/visibility.ts';
import type { Db, Tx } from '../db/client.ts';
import { NotFound, Unreadable } from '../errors.ts';
import type { GaveUp, Job, JobRunner } from '../jobs/runner.ts';
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
import { findCommand, runCommand } from './tools.ts';
import { WorkerCrashed, workerPool } from './worker-pool.ts';

export const PROCESS_VERSION = 'process-version';

/** Bumped when rendering changes, so browsers drop pictures cached under the old ETags. */
const RENDERING = 1;
/** Texts read at once by storeSearchTerms: a few megabytes. */
const SEARCH_TERMS_BATCH = 100;

export interface ProcessingOptions {
  /** Extraction threads (the job runner runs as many jobs at once). */
  threads: number;
  /** Time limit of one extraction task (and of LibreOffice or ffmpeg on one file). */
  timeoutMs: number;
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
 * Background processing of uploads: a durable job per new version (registered with the job runner), run on worker
 * threads, results written to the version (pages, dimensions, duration, text, perceptual hash, meta) and pictures
 * under DATA_DIR/previews. Also serves thumbnails and page previews, rendering pages on first request.
 */
export function processingService(db: Db, blobs: BlobStore, assets: AssetService, jobs: JobRunner, dataDir: string, options: ProcessingOptions) {
  const maxAttempts = options.maxAttempts ?? 3;
  const previews = previewStore(dataDir);
  let log: ProcessingLog = silent;
  const listeners: ProcessedListener[] = [];
  let pool: ReturnType<typeof workerPool> | undefined;
  const threads = () => (pool ??= workerPool({ size: options.threads, timeoutMs: options.timeoutMs, onStderr: (line) => log.warn(`processing thread: ${line}`) }));

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

  /** What marketing reads when a job gives up. */
  function reasonOf(error: unknown, attempts: number): string {
    if (error instanceof Unreadable) return error.message;
    if (error instanceof WorkerCrashed) return `processing crashed on this file (${attempts} ${attempts === 1 ? 'try' : 'tries'}); it may be damaged or too complex`;
    return `processing failed: ${(error as Error)?.message ?? String(error)}`;
  }

  /** A version whose job failed for good shows why, and search hears of it. */
  async function versionGaveUp(job: Job, end: GaveUp) {
    const versionId = (job.payload as { versionId?: string }).versionId;
    if (!versionId) return;
    if (end.cause === 'interrupted') {
      await markFailed(db, versionId, `processing was interrupted ${job.attempts} times; the file may be too heavy to process`, 'INTERRUPTED');
      return;
    }
    const { error } = end;
    await markFailed(db, versionId, end.reason, error instanceof Unreadable ? error.code : error instanceof WorkerCrashed ? 'CRASHED' : 'FAILED');
    const version = await versionToProcess(db, versionId);
    if (version) await notify({ assetId: version.assetId, versionId, status: 'failed' });
  }

  /** Ends the threads (a running job's task fails at once); the next task starts new ones. */
  async function closeThreads() {
    await pool?.close();
    pool = undefined;
  }

  jobs.register(PROCESS_VERSION, {
    run: processVersion,
    // A file's own fault (unreadable, too slow) would fail the same way again; crashes and I/O errors may not.
    describeFailure: (error, job) => ({ reason: reasonOf(error, job.attempts), retry: !(error instanceof Unreadable) }),
    gaveUp: versionGaveUp,
    interrupt: closeThreads,
  });

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

  async function shown(user: Viewer, assetId: string, versionNumber?: number) {
    const { asset, version } = await assets.downloadable(user, assetId, versionNumber);
    if (version.previewStatus === 'pending') throw new NotFound('the preview is still being made; try again in a moment', 'PREVIEW_PENDING');
    return { asset, version, meta: (version.meta ?? {}) as Record<string, unknown> };
  }

  const service = {
    /** Adds the processing job of a new version inside the upload's transaction. */
    async enqueueVersion(tx: Tx, versionId: string, force = false) {
      await jobs.enqueue(tx, PROCESS_VERSION, force ? { versionId, force } : { versionId }, { maxAttempts });
    },

    /** Hears of every version processed (search indexes its text). */
    onProcessed(listener: ProcessedListener) {
      listeners.push(listener);
    },

    /** With background jobs on: logs to the server's log, and removes the pictures of files that are gone. */
    async start(logger: ProcessingLog = silent) {
      log = logger;
      void previews.collectGarbage((sha) => blobs.exists(sha)).then((n) => n && log.info(`removed ${n} unused preview folders and cards`), () => {});
    },

    /** Ends the extraction threads (at shutdown; the job runner has handed running jobs back by then). */
    close: closeThreads,

    /** Runs every due job to the end (the job runner's drain, this domain's logging too): tests and the reprocess command use it. */
    async drain(logger?: ProcessingLog) {
      if (logger) log = logger;
      await jobs.drain(logger);
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
    async thumbnail(user: Viewer, assetId: string, versionNumber?: number): Promise<Picture> {
      const { asset, version, meta } = await shown(user, assetId, versionNumber);
      if (version.previewStatus === 'ready' && meta.thumbnail === 'image') {
        const file = previews.thumbnail(version.sha256);
        if (await fileExists(file)) return { etag: `"t${RENDERING}-${version.sha256}"`, file };
      }
      return cardFor(asset.kind, asset.title, version, 'thumbnail', cardNote(version));
    },

    /** Page N (from 1) as a WebP up to 1600 px, rendered on first request and kept. */
    async preview(user: Viewer, assetId: string, page = 1, versionNumber?: number): Promise<Picture> {
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

    /** Processing jobs per state, for operators. */
    counts: () => jobs.counts([PROCESS_VERSION]),
  };
  return service;
}

export type ProcessingService = ReturnType<typeof processingService>;
