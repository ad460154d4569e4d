import type { FastifyRequest } from 'fastify';
import { Compile } from 'typebox/compile';
import { DomainError, Invalid, RequestTimeout, TooLarge, UnsupportedType } from '../errors.ts';
import { watchUploadRate } from '../http/slow-bodies.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import { safeFileName } from './file-name.ts';
import { AssetMetadataPatch } from './schemas.ts';
import type { IncomingFile } from './service.ts';

const LIST_FIELDS = new Set(['personas', 'stages', 'products', 'industries', 'tags']);
const TEXT_FIELDS = new Set(['title', 'description', 'language', 'expiresAt']);
const checkMetadata = Compile(AssetMetadataPatch);

export interface Upload { fields: Map<string, string[]>; file: IncomingFile | undefined }

/** What an upload must keep to: its size, and a minimum rate so a stalled client does not hold its socket forever. */
export interface UploadRules { maxBytes: number; minBytesPerSec: number; stallMs: number }

/** Explicit multipart limits: one file per request, a handful of small fields (CVE-2023-25576). */
export function multipartLimits(maxBytes: number) {
  // One byte over the limit reaches the blob store, which refuses it there and then; at the limit itself busboy
  // would truncate the file and read the rest of the body silently before anyone noticed.
  return { fileSize: maxBytes + 1, files: 1, fields: 40, parts: 42, fieldSize: 64 * 1024, headerPairs: 200 };
}

/** The most a multipart body can carry besides the file: every field at its limit, plus part headers and boundaries. */
function multipartOverhead(): number {
  const { fields, parts, fieldSize } = multipartLimits(0);
  return fields * fieldSize + parts * 16 * 1024;
}

/**
 * Route onRequest hook: an upload whose declared Content-Length cannot fit the limit gets 413 before a byte of its
 * body is read (the reply closes the connection; see closeWhenBodyUnread). A body without a length is counted as it streams.
 */
export function refuseDeclaredOversize(maxBytes: number) {
  return async function refuseOversizedUpload(req: FastifyRequest): Promise<void> {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes + multipartOverhead()) throw tooLarge(maxBytes);
  };
}

const tooLarge = (maxBytes: number) => new TooLarge(`the file is larger than the ${formatBytes(maxBytes)} limit`, 'FILE_TOO_LARGE');

// What busboy throws for a body that is not the multipart it claims to be: the client's mistake, not ours.
const MALFORMED_MULTIPART = /boundary not found|needle cannot|unexpected end of multipart data|terminated early/i;

/**
 * Reads a multipart upload: the file is streamed to the blob store's temp area (never held in memory),
 * fields may come before or after it. On any failure the temp file is gone before this throws.
 */
export async function readUpload(req: FastifyRequest, blobs: BlobStore, rules: UploadRules): Promise<Upload> {
  if (!req.isMultipart()) throw new UnsupportedType('send the file as multipart/form-data with a "file" part', 'NOT_MULTIPART');
  const { maxBytes } = rules;
  const fields = new Map<string, string[]>();
  let file: IncomingFile | undefined;
  const stopWatching = watchUploadRate(req.raw, rules.minBytesPerSec, rules.stallMs, (received) => {
    const stalled = new RequestTimeout(
      `the upload stalled: ${formatBytes(received)} in the last ${rules.stallMs / 1000} s, below the minimum of ${formatBytes(rules.minBytesPerSec)}/s`, 'UPLOAD_STALLED');
    // The multipart reader listens for request errors: it fails the file stream being written, whose temp file goes.
    if (req.raw.listenerCount('error') > 0) req.raw.emit('error', stalled);
    else req.raw.socket.destroy();
  });
  try {
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file') {
          part.file.resume();
          throw new Invalid(`the file goes in a part named "file", not "${part.fieldname}"`, 'BAD_FIELD');
        }
        const received = await blobs.receive(part.file, maxBytes, () => tooLarge(maxBytes));
        file = { received, fileName: safeFileName(part.filename) };
        if (part.file.truncated) throw tooLarge(maxBytes);
      } else {
        fields.set(part.fieldname, [...(fields.get(part.fieldname) ?? []), String(part.value)]);
      }
    }
  } catch (error) {
    if (file) await blobs.discard(file.received);
    if (!(error instanceof DomainError) && error instanceof Error && MALFORMED_MULTIPART.test(error.message)) {
      throw new Invalid(`the multipart body could not be read (${error.message}); send it as multipart/form-data with its boundary, complete`, 'BAD_MULTIPART');
    }
    throw error;
  } finally {
    stopWatching();
  }
  return { fields, file };
}

/** Turns the form fields of an upload into validated asset metadata (lists may be repeated or comma-separated). */
export function metadataFromFields(fields: Map<string, string[]>, allowed: Set<string> = new Set([...LIST_FIELDS, ...TEXT_FIELDS])): AssetMetadataPatch {
  const meta: Record<string, unknown> = {};
  for (const [name, values] of fields) {
    if (!allowed.has(name)) throw new Invalid(`unknown field "${name}"; fields are ${[...allowed, 'file'].join(', ')}`, 'UNKNOWN_FIELD');
    if (LIST_FIELDS.has(name)) {
      meta[name] = values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
    } else if (TEXT_FIELDS.has(name)) {
      const value = values.at(-1)!;
      if (name === 'language' || name === 'expiresAt') meta[name] = value.trim() === '' ? null : value.trim();
      else if (name === 'title' && value.trim() === '') continue;
      else meta[name] = value;
    }
  }
  if (!checkMetadata.Check(meta)) {
    const [first] = checkMetadata.Errors(meta);
    throw new Invalid(`invalid field ${first?.instancePath.replace(/^\//, '').replace(/\/\d+$/, '') || ''}: ${first?.message ?? 'bad value'}`, 'BAD_FIELD');
  }
  return meta as AssetMetadataPatch;
}

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}
