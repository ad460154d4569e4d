import { once } from 'node:events';
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import parseRange from 'range-parser';
import { Type } from 'typebox';
import { requireRole, requireUser, userOf } from '../auth/guards.ts';
import type { CurrentUser } from '../auth/roles.ts';
import { FileMissing, Invalid } from '../errors.ts';
import type { Services } from '../services.ts';
import type { ByteRange } from '../storage/blob-store.ts';
import { attachmentHeader } from './file-name.ts';
import {
  AssetList, AssetListQuery, AssetMetadataPatch, AssetParams, AssetSchema, AuditList, CommentBody, DownloadQuery, RejectBody, ReviewCount,
} from './schemas.ts';
import type { IncomingFile } from './service.ts';
import { metadataFromFields, readUpload, refuseDeclaredOversize, type Upload, type UploadRules } from './upload.ts';

const Duplicates = Type.Array(Type.Object({
  id: Type.String(), title: Type.String(),
  match: Type.Enum(['same-file', 'looks-identical'], { description: 'the same bytes, or an image that looks the same (perceptual hash)' }),
}, { title: 'Duplicate' }));
const Created = Type.Intersect([AssetSchema, Type.Object({ duplicates: Duplicates })], { title: 'CreatedAsset' });
const uploadDoc = {
  consumes: ['multipart/form-data'],
  description: 'multipart/form-data: one `file` part plus optional metadata fields (lists repeated or comma-separated), before or after the file.',
};

const assetRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const { assets, blobs, config, usage } = services;
  const uploadRules: UploadRules = { maxBytes: config.maxUploadBytes, minBytesPerSec: config.uploadMinBytesPerSec, stallMs: config.uploadStallMs };
  const refuseOversizedUpload = refuseDeclaredOversize(config.maxUploadBytes);

  /** Runs `use` with the uploaded file and removes the temp file afterwards whatever happened (a committed file has moved away). */
  async function withUpload<T>(upload: Upload, use: (file: IncomingFile) => Promise<T>): Promise<T> {
    if (!upload.file) throw new Invalid('no file in the upload: add a part named "file"', 'NO_FILE');
    try {
      return await use(upload.file);
    } finally {
      await blobs.discard(upload.file.received);
    }
  }

  app.post('/api/assets', {
    schema: { tags: ['assets'], ...uploadDoc, response: { 201: Created } },
    onRequest: refuseOversizedUpload,
    preHandler: requireRole('marketing'),
  }, async (req, reply) => {
    const upload = await readUpload(req, blobs, uploadRules);
    const asset = await withUpload(upload, (file) => assets.create(userOf(req), metadataFromFields(upload.fields), file));
    return reply.code(201).send(asset);
  });

  app.post('/api/assets/:id/versions', {
    schema: { tags: ['assets'], ...uploadDoc, params: AssetParams, response: { 201: Created } },
    onRequest: refuseOversizedUpload,
    preHandler: requireRole('marketing'),
  }, async (req, reply) => {
    const upload = await readUpload(req, blobs, uploadRules);
    const asset = await withUpload(upload, (file) => {
      const note = upload.fields.get('note')?.at(-1) ?? '';
      upload.fields.delete('note');
      if (upload.fields.size) throw new Invalid(`a new version takes only "file" and "note"; got ${[...upload.fields.keys()].join(', ')}`, 'UNKNOWN_FIELD');
      if (note.length > 2000) throw new Invalid('note is longer than 2000 characters', 'BAD_FIELD');
      return assets.addVersion(userOf(req), req.params.id, file, note);
    });
    return reply.code(201).send(asset);
  });

  app.get('/api/assets', {
    schema: { tags: ['assets'], querystring: AssetListQuery, response: { 200: AssetList } }, preHandler: requireUser,
  }, async (req) => assets.list(userOf(req), req.query));

  app.get('/api/assets/review-count', {
    schema: { tags: ['workflow'], description: 'How many assets are waiting in review.', response: { 200: ReviewCount } },
    preHandler: requireRole('approver'),
  }, async () => assets.reviewCount());

  app.get('/api/assets/:id', {
    schema: { tags: ['assets'], params: AssetParams, response: { 200: AssetSchema } }, preHandler: requireUser,
  }, async (req) => assets.get(userOf(req), req.params.id));

  app.patch('/api/assets/:id', {
    schema: { tags: ['assets'], params: AssetParams, body: AssetMetadataPatch, response: { 200: AssetSchema } },
    preHandler: requireRole('marketing'),
  }, async (req) => assets.update(userOf(req), req.params.id, req.body));

  app.delete('/api/assets/:id', {
    schema: { tags: ['assets'], params: AssetParams }, preHandler: requireRole('marketing'),
  }, async (req, reply) => {
    await assets.remove(userOf(req), req.params.id);
    return reply.code(204).send();
  });

  app.get('/api/assets/:id/audit', {
    schema: { tags: ['assets'], params: AssetParams, response: { 200: AuditList } }, preHandler: requireRole('marketing'),
  }, async (req) => ({ items: await assets.auditTrail(userOf(req), req.params.id) }));

  const workflow = [
    ['submit', 'marketing', CommentBody, (user: CurrentUser, id: string) => assets.submit(user, id)],
    ['approve', 'approver', CommentBody, (user: CurrentUser, id: string, comment?: string) => assets.approve(user, id, comment)],
    ['reject', 'approver', RejectBody, (user: CurrentUser, id: string, comment?: string) => assets.reject(user, id, comment ?? '')],
    ['archive', 'approver', CommentBody, (user: CurrentUser, id: string, comment?: string) => assets.archive(user, id, comment)],
    ['restore', 'approver', CommentBody, (user: CurrentUser, id: string, comment?: string) => assets.restore(user, id, comment)],
  ] as const;
  for (const [action, role, body, run] of workflow) {
    app.post(`/api/assets/:id/${action}`, {
      schema: { tags: ['workflow'], params: AssetParams, body, response: { 200: AssetSchema } },
      // The comment is optional for most actions, so an empty request body is fine.
      preValidation: async (req) => { req.body ??= {}; },
      preHandler: requireRole(role),
    }, async (req) => run(userOf(req), req.params.id, req.body.comment));
  }

  app.get('/api/assets/:id/download', {
    schema: { tags: ['assets'], params: AssetParams, querystring: DownloadQuery }, preHandler: requireUser,
  }, async (req, reply) => {
    const user = userOf(req);
    const { asset, version } = await assets.downloadable(user, req.params.id, req.query.version);
    const etag = `"${version.sha256}"`;
    const range = req.headers.range ? parseRange(version.size, req.headers.range, { combine: true }) : undefined;
    const single = Array.isArray(range) && range.type === 'bytes' && range.length === 1 ? range[0]! : undefined;
    // Opened before any header is set: a missing file is then a clear error, not a download that breaks off.
    const file = range === -1 || req.headers['if-none-match'] === etag ? undefined : await openStoredFile(version.sha256, single, (error) =>
      req.log.error({ err: error, assetId: asset.id, versionId: version.id, sha256: version.sha256 }, `the stored file of asset ${asset.id} is missing`));
    reply.headers({
      'Content-Disposition': attachmentHeader(version.filename),
      'Content-Type': version.mimeType,
      ETag: etag,
      'Accept-Ranges': 'bytes',
      'Cache-Control': 'private, max-age=0, must-revalidate',
      // Uploaded files are untrusted: never rendered as a page of ours, even if opened directly.
      'Content-Security-Policy': "sandbox; default-src 'none'",
    });
    if (!file) return req.headers['if-none-match'] === etag ? reply.code(304).send() : rangeNotSatisfiable(reply, version.size);
    // A download is one event however many ranges the client fetches it in.
    if (!single || single.start === 0) {
      // The file is open already: close it if the reply goes no further.
      await usage.record(user, { assetId: asset.id, versionId: version.id, kind: 'download' }).catch((error: unknown) => { file.destroy(); throw error; });
    }
    if (single) {
      reply.code(206).header('Content-Range', `bytes ${single.start}-${single.end}/${version.size}`).header('Content-Length', single.end - single.start + 1);
      return reply.send(file);
    }
    reply.header('Content-Length', version.size);
    return reply.send(file);
  });

  /** Opens a stored file and waits until it is open; a missing one is reported once (with its asset) and answered 500. */
  async function openStoredFile(sha256: string, range: ByteRange | undefined, reportMissing: (error: Error) => void): Promise<Readable> {
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
};

function rangeNotSatisfiable(reply: FastifyReply, size: number) {
  return reply.code(416).header('Content-Range', `bytes */${size}`)
    .send({ statusCode: 416, error: 'Range Not Satisfiable', message: `the file is ${size} bytes long`, code: 'BAD_RANGE' });
}

export default assetRoutes;
