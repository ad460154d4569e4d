// Runs in a worker thread: everything that parses an uploaded file happens here, so a slow or hostile file
// costs this thread (which the pool can terminate), never the event loop that answers HTTP.
import { parentPort } from 'node:worker_threads';
import sharp from 'sharp';
import { Unreadable } from '../errors.ts';
import { emptyAnalysis, type Analysis } from './extractors/analysis.ts';
import { analyseImage, renderImagePreview } from './extractors/image.ts';
import { mediaDuration } from './extractors/media.ts';
import { analyseOffice, OFFICE_TYPES } from './extractors/office.ts';
import { analysePdf, renderPdfPage } from './extractors/pdf.ts';
import { plainText } from './extractors/plain-text.ts';
import { openZip } from './extractors/zip.ts';
import { packTextTerms } from '../search/text-terms.ts';
import { MAX_TEXT_CHARS } from './limits.ts';
import type { Task, TaskReply } from './worker-pool.ts';

// Decoded images are used once; caching them would only grow this thread.
sharp.cache(false);

const LEGACY_OFFICE = new Set(['application/msword', 'application/vnd.ms-excel', 'application/vnd.ms-powerpoint']);
const PLAIN_TEXT = new Set(['text/plain', 'text/markdown', 'text/csv', 'application/rtf']);

async function analyse(file: string, mimeType: string, thumbFile: string, hashImage: boolean): Promise<Analysis> {
  if (mimeType === 'application/pdf') return analysePdf(file, thumbFile);
  if (mimeType.startsWith('image/')) return analyseImage(file, mimeType, thumbFile, hashImage);
  if (OFFICE_TYPES.has(mimeType)) return analyseOffice(file, mimeType, thumbFile);
  const result = emptyAnalysis();
  if (PLAIN_TEXT.has(mimeType)) {
    const { text, truncated } = await plainText(file, mimeType);
    result.text = text;
    if (truncated) result.meta.textTruncated = true;
  } else if (mimeType.startsWith('video/') || mimeType.startsWith('audio/')) {
    result.durationSec = await mediaDuration(file, mimeType);
    result.wants = 'media-frame';
  } else if (LEGACY_OFFICE.has(mimeType)) {
    result.wants = 'office-render';
  } else if (mimeType === 'application/zip') {
    // What an archive holds is worth finding by name.
    const zip = await openZip(file);
    try {
      const names = zip.names();
      result.meta.entries = names.length;
      result.text = names.join('\n').slice(0, MAX_TEXT_CHARS);
    } finally {
      zip.close();
    }
  }
  return result;
}

async function run(task: Task): Promise<unknown> {
  switch (task.type) {
    case 'analyse':
      return analyse(task.file, task.mimeType, task.thumbFile, task.hashImage ?? true);
    case 'render-page':
      return task.mimeType === 'application/pdf'
        ? renderPdfPage(task.file, task.page, task.outFile)
        : renderImagePreview(task.file, task.mimeType, task.page, task.outFile);
    case 'search-terms':
      return packTextTerms(task.text);
  }
}

parentPort!.on('message', async ({ id, task }: { id: number; task: Task }) => {
  let reply: TaskReply;
  let fatal = false;
  try {
    reply = { id, ok: true, result: await run(task) };
  } catch (error) {
    // A WebAssembly abort (PDFium out of its 2 GB heap) leaves the engine unusable: answer, then let a fresh thread take over.
    fatal = error instanceof WebAssembly.RuntimeError;
    const unreadable = error instanceof Unreadable || fatal;
    const message = fatal ? 'the PDF engine gave up on this file (it needs more memory than we allow)'
      : error instanceof Error ? error.message : String(error);
    reply = { id, ok: false, error: { message, code: error instanceof Unreadable ? error.code : fatal ? 'ENGINE_ABORTED' : 'ERROR', unreadable } };
  }
  parentPort!.postMessage(reply);
  if (fatal) process.exit(1);
});

parentPort!.postMessage({ ready: true });
