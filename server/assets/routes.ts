import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireRole, requireUser, userOf } from '../auth/guards.ts';
import type { CurrentUser } from '../auth/roles.ts';
import { Invalid } from '../errors.ts';
import type { Services } from '../services.ts';
import {
  AssetList, AssetListQuery, AssetMetadataPatch, AssetParams, AssetSchema, AuditList, CommentBody, DownloadQuery, RejectBody, ReviewCount,
} from './schemas.ts';
import { sendVersionFile } from './file-reply.ts';
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
    return sendVersionFile(req, reply, blobs, version, {
      onSend: () => usage.record(user, { assetId: asset.id, versionId: version.id, kind: 'download' }),
      reportMissing: (error) => req.log.error({ err: error, assetId: asset.id, versionId: version.id, sha256: version.sha256 }, `the stored file of asset ${asset.id} is missing`),
    });
  });
};

export default assetRoutes;
