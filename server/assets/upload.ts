import type { FastifyRequest } from 'fastify';
import { Compile } from 'typebox/compile';
import { Invalid, TooLarge, UnsupportedType } from '../errors.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import { safeFileName } from './file-name.ts';
import { AssetMetadataPatch } from './schemas.ts';
import type { IncomingFile } from './service.ts';

const LIST_FIELDS = new Set(['personas', 'stages', 'products', 'industries', 'tags']);
const TEXT_FIELDS = new Set(['title', 'description', 'language', 'expiresAt']);
const checkMetadata = Compile(AssetMetadataPatch);

export interface Upload { fields: Map<string, string[]>; file: IncomingFile | undefined }

/**
 * Reads a multipart upload: the file is streamed to the blob store's temp area (never held in memory),
 * fields may come before or after it. On any failure the temp file is gone before this throws.
 */
export async function readUpload(req: FastifyRequest, blobs: BlobStore, maxBytes: number): Promise<Upload> {
  if (!req.isMultipart()) throw new UnsupportedType('send the file as multipart/form-data with a "file" part', 'NOT_MULTIPART');
  const fields = new Map<string, string[]>();
  let file: IncomingFile | undefined;
  const tooLarge = () => new TooLarge(`the file is larger than the ${formatBytes(maxBytes)} limit`, 'FILE_TOO_LARGE');
  try {
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file') {
          part.file.resume();
          throw new Invalid(`the file goes in a part named "file", not "${part.fieldname}"`, 'BAD_FIELD');
        }
        const received = await blobs.receive(part.file, maxBytes, tooLarge);
        file = { received, fileName: safeFileName(part.filename) };
        if (part.file.truncated) throw tooLarge();
      } else {
        fields.set(part.fieldname, [...(fields.get(part.fieldname) ?? []), String(part.value)]);
      }
    }
  } catch (error) {
    if (file) await blobs.discard(file.received);
    throw error;
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
