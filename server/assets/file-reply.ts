// Sends a stored version's file: ranges (a resumed or seeking download), ETag revalidation, and a missing file as a
// clear error before any header is set. The signed-in download and the share link's download both send it this way.
import { once } from 'node:events';
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import parseRange from 'range-parser';
import { FileMissing } from '../errors.ts';
import type { BlobStore, ByteRange } from '../storage/blob-store.ts';
import { attachmentHeader } from './file-name.ts';
import type { VersionMeta } from './queries.ts';

export interface FileReplyOptions {
  /** `inline` plays a video in the page; the default is a download. */
  disposition?: 'attachment' | 'inline';
  cacheControl?: string;
  /** Called once the file is open and about to be sent from its start (not for a range resumed from the middle): a use. */
  onSend?: () => Promise<void>;
  /** Logs a stored file that is missing (with its asset). */
  reportMissing: (error: Error) => void;
}

export async function sendVersionFile(req: FastifyRequest, reply: FastifyReply, blobs: BlobStore, version: VersionMeta, options: FileReplyOptions) {
  const etag = `"${version.sha256}"`;
  const range = req.headers.range ? parseRange(version.size, req.headers.range, { combine: true }) : undefined;
  const single = Array.isArray(range) && range.type === 'bytes' && range.length === 1 ? range[0]! : undefined;
  // Opened before any header is set: a missing file is then a clear error, not a download that breaks off.
  const file = range === -1 || req.headers['if-none-match'] === etag ? undefined : await openStoredFile(blobs, version.sha256, single, options.reportMissing);
  reply.headers({
    'Content-Disposition': options.disposition === 'inline' ? 'inline' : attachmentHeader(version.filename),
    'Content-Type': version.mimeType,
    ETag: etag,
    'Accept-Ranges': 'bytes',
    'Cache-Control': options.cacheControl ?? 'private, max-age=0, must-revalidate',
    // Uploaded files are untrusted: never rendered as a page of ours, even if opened directly.
    'Content-Security-Policy': "sandbox; default-src 'none'",
  });
  if (!file) return req.headers['if-none-match'] === etag ? reply.code(304).send() : rangeNotSatisfiable(reply, version.size);
  // A download is one event however many ranges the client fetches it in.
  if (options.onSend && (!single || single.start === 0)) {
    // The file is open already: close it if the reply goes no further.
    await options.onSend().catch((error: unknown) => { file.destroy(); throw error; });
  }
  if (single) {
    reply.code(206).header('Content-Range', `bytes ${single.start}-${single.end}/${version.size}`).header('Content-Length', single.end - single.start + 1);
    return reply.send(file);
  }
  reply.header('Content-Length', version.size);
  return reply.send(file);
}

/** Opens a stored file and waits until it is open; a missing one is reported once and answered 500. */
async function openStoredFile(blobs: BlobStore, sha256: string, range: ByteRange | undefined, reportMissing: (error: Error) => void): Promise<Readable> {
  const stream = blobs.read(sha256, range);
  // The local store's streams say when the file is open; another driver's stream is used as it comes.
  if (!(stream instanceof fs.ReadStream)) return stream;
  try {
    await once(stream, 'ready');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    reportMissing(error as Error);
    throw new FileMissing('the stored file of this asset is missing; an administrator can list such files with `npm run storage scan`', 'FILE_MISSING');
  }
  return stream;
}

function rangeNotSatisfiable(reply: FastifyReply, size: number) {
  return reply.code(416).header('Content-Range', `bytes */${size}`)
    .send({ statusCode: 416, error: 'Range Not Satisfiable', message: `the file is ${size} bytes long`, code: 'BAD_RANGE' });
}
