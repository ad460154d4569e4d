import fs from 'node:fs';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { AssetParams } from '../assets/schemas.ts';
import { requireUser, userOf } from '../auth/guards.ts';
import type { Services } from '../services.ts';
import type { Picture } from './service.ts';

const ThumbnailQuery = Type.Object({
  v: Type.Optional(Type.Integer({ minimum: 1, description: 'version number (default: the one you are shown)' })),
}, { additionalProperties: false });
const PreviewQuery = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, default: 1 })),
  v: Type.Optional(Type.Integer({ minimum: 1, description: 'version number (default: the one you are shown)' })),
}, { additionalProperties: false });

/**
 * Re-encoded WebP only, never the uploaded bytes, so showing it inline is safe. Cached per user (visibility changes)
 * briefly by default; the ETag makes revalidation cheap.
 */
export function sendPicture(picture: Picture, ifNoneMatch: string | undefined, reply: FastifyReply, cacheControl = 'private, max-age=60') {
  reply.headers({
    'Content-Type': 'image/webp',
    ETag: picture.etag,
    'Cache-Control': cacheControl,
    'Content-Security-Policy': "sandbox; default-src 'none'",
  });
  if (ifNoneMatch === picture.etag) return reply.code(304).send();
  return reply.send(fs.createReadStream(picture.file));
}

const processingRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const { processing } = services;

  app.get('/api/assets/:id/thumbnail', {
    schema: {
      tags: ['assets'], params: AssetParams, querystring: ThumbnailQuery,
      description: 'image/webp about 320 px wide; 404 while the upload is still being processed. A generated card when the file has no picture.',
    },
    preHandler: requireUser,
  }, async (req, reply) => sendPicture(await processing.thumbnail(userOf(req), req.params.id, req.query.v), req.headers['if-none-match'], reply));

  app.get('/api/assets/:id/preview', {
    schema: {
      tags: ['assets'], params: AssetParams, querystring: PreviewQuery,
      description: 'image/webp up to 1600 px of page N (default 1) or of the image itself; rendered on first request.',
    },
    preHandler: requireUser,
  }, async (req, reply) => sendPicture(await processing.preview(userOf(req), req.params.id, req.query.page, req.query.v), req.headers['if-none-match'], reply));
};

export default processingRoutes;
