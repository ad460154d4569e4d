// HTTP for share-link visitors, no sign-in: GET /s/:token (the page), and under it the pictures of its pages, the
// file (when downloads are allowed), the media for a player, and heartbeats. Every one of them opens the link
// again, so a revoked or expired link is refused (410) on the next request, whatever the visitor holds.
// Guessing is slowed per address (req.ip: X-Forwarded-For counts only through the trusted hops), and more so for
// tokens that open nothing.
import { randomBytes } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { sendVersionFile } from '../assets/file-reply.ts';
import { DomainError, NotFound, TooManyRequests } from '../errors.ts';
import { sendPicture } from '../processing/routes.ts';
import type { Services } from '../services.ts';
import { endedPage, pageCsp, sharePage } from './public-page.ts';
import { HeartbeatBody } from './schemas.ts';
import { LinkEnded, type OpenedShare } from './service.ts';

export interface PublicShareRoutesOptions {
  services: Services;
  /** Requests per address per minute on /s/ (a page, its pictures and heartbeats). */
  perMinute?: number;
  /** Tokens that open nothing, per address per 10 minutes, before the address is refused. */
  missesPer10Min?: number;
}

const TokenParams = Type.Object({ token: Type.String({ maxLength: 100 }) }, { additionalProperties: false });
const AssetParams = Type.Object({ token: Type.String({ maxLength: 100 }), assetId: Type.String({ format: 'uuid' }) }, { additionalProperties: false });
const PageParams = Type.Object({ ...AssetParams.properties, page: Type.Integer({ minimum: 1, maximum: 100_000 }) }, { additionalProperties: false });
const FileQuery = Type.Object({ visit: Type.Optional(Type.String({ format: 'uuid' })) }, { additionalProperties: false });

const MISS_WINDOW_MS = 10 * 60_000;

const publicShareRoutes: FastifyPluginAsyncTypebox<PublicShareRoutesOptions> = async (app, { services, perMinute = 300, missesPer10Min = 20 }) => {
  const { sharing, processing, blobs } = services;
  await app.register(rateLimit, {
    max: perMinute, timeWindow: 60_000, keyGenerator: (req) => req.ip,
    errorResponseBuilder: (_req, context) => new TooManyRequests(`too many requests; try again in ${Math.ceil(context.ttl / 1000)} s`, Math.ceil(context.ttl / 1000)),
  });

  /** Per address, when its tokens that opened nothing were tried (kept for MISS_WINDOW_MS). */
  const misses = new Map<string, number[]>();
  function recentMisses(address: string, at: number): number[] {
    const kept = (misses.get(address) ?? []).filter((when) => at - when < MISS_WINDOW_MS);
    if (kept.length) misses.set(address, kept); else misses.delete(address);
    return kept;
  }

  /** Opens the link of a request, after checking its address has not been guessing. */
  async function openLink(req: FastifyRequest, token: string): Promise<OpenedShare> {
    const at = Date.now();
    const tried = recentMisses(req.ip, at);
    if (tried.length >= missesPer10Min) {
      const wait = Math.ceil((tried[0]! + MISS_WINDOW_MS - at) / 1000);
      throw new TooManyRequests(`too many links that do not exist were tried from this address; try again in ${wait} s`, wait);
    }
    try {
      return await sharing.open(token);
    } catch (error) {
      if (error instanceof NotFound) {
        misses.set(req.ip, [...tried, at]);
        if (misses.size > 100_000) misses.delete(misses.keys().next().value!);
      }
      throw error;
    }
  }

  // Nothing under /s/ is for search engines or for other sites' referrers.
  app.addHook('onRequest', async (req, reply) => {
    if (!req.url.startsWith('/s/')) return;
    reply.header('X-Robots-Tag', 'noindex, nofollow');
    reply.header('Referrer-Policy', 'no-referrer');
  });

  app.get('/s/:token', { schema: { hide: true, params: TokenParams } }, async (req, reply) => {
    const nonce = randomBytes(16).toString('base64');
    reply.header('Content-Security-Policy', pageCsp(nonce)).header('Cache-Control', 'no-store');
    const html = (status: number, body: string) => reply.code(status).type('text/html; charset=utf-8').send(req.method === 'HEAD' ? '' : body);
    let opened: OpenedShare;
    try {
      opened = await openLink(req, req.params.token);
    } catch (error) {
      if (error instanceof LinkEnded) {
        return html(410, endedPage(nonce, error.status === 'revoked' ? 'This link was withdrawn' : 'This link has expired', 'The content it shared is no longer available here.', error.sender));
      }
      if (error instanceof DomainError && error.statusCode === 404) return html(404, endedPage(nonce, 'No such link', 'Check that the whole link was copied.'));
      throw error;
    }
    const visitId = await sharing.startVisit(opened, { method: req.method, userAgent: req.headers['user-agent'], address: req.ip });
    const shown = await sharing.shownAssets(opened);
    if (shown.length === 0) {
      return html(410, endedPage(nonce, 'This content is no longer available', 'What this link shared has been retired or has expired.', opened.sender));
    }
    return html(200, sharePage({ base: `/s/${req.params.token}`, visitId, nonce, sender: opened.sender, allowDownload: opened.share.allowDownload, assets: shown }));
  });

  // Pictures are revalidated on every view (no-cache): a revoked link shows nothing more, even from the browser's cache.
  app.get('/s/:token/a/:assetId/pages/:page', { schema: { hide: true, params: PageParams } }, async (req, reply) => {
    const opened = await openLink(req, req.params.token);
    return sendPicture(await processing.preview(opened.principal, req.params.assetId, req.params.page), req.headers['if-none-match'], reply, 'private, no-cache');
  });

  app.get('/s/:token/a/:assetId/thumbnail', { schema: { hide: true, params: AssetParams } }, async (req, reply) => {
    const opened = await openLink(req, req.params.token);
    return sendPicture(await processing.thumbnail(opened.principal, req.params.assetId), req.headers['if-none-match'], reply, 'private, no-cache');
  });

  /** The file, for a download (when the sender allowed them) or for the page's player (video and audio only). */
  async function sendFile(req: FastifyRequest, reply: FastifyReply, opened: OpenedShare, assetId: string, as: 'download' | 'media', visitId?: string) {
    const found = as === 'download' ? await sharing.download(opened, assetId, visitId) : await services.assets.downloadable(opened.principal, assetId);
    if (as === 'media' && !/^(video|audio)\//.test(found.version.mimeType)) throw new NotFound('only video and audio play on the page', 'NOT_MEDIA');
    return sendVersionFile(req, reply, blobs, found.version, {
      disposition: as === 'media' ? 'inline' : 'attachment', cacheControl: 'private, no-cache',
      reportMissing: (error) => req.log.error({ err: error, assetId, sha256: found.version.sha256 }, `the stored file of asset ${assetId} is missing`),
    });
  }

  app.get('/s/:token/a/:assetId/file', { schema: { hide: true, params: AssetParams, querystring: FileQuery } }, async (req, reply) =>
    sendFile(req, reply, await openLink(req, req.params.token), req.params.assetId, 'download', req.query.visit));

  app.get('/s/:token/a/:assetId/media', { schema: { hide: true, params: AssetParams } }, async (req, reply) =>
    sendFile(req, reply, await openLink(req, req.params.token), req.params.assetId, 'media'));

  // sendBeacon posts text/plain; its body is the heartbeat's JSON, checked against the schema like any other body.
  app.addContentTypeParser('text/plain', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_req, body, done) => {
    try {
      done(null, JSON.parse(String(body)));
    } catch {
      done(Object.assign(new Error('the heartbeat is not JSON'), { statusCode: 400, code: 'BAD_HEARTBEAT' }), undefined);
    }
  });

  app.post('/s/:token/beat', { schema: { hide: true, params: TokenParams, body: HeartbeatBody } }, async (req, reply) => {
    const opened = await openLink(req, req.params.token);
    await sharing.beat(opened, req.body);
    return reply.code(204).send();
  });
};

export default publicShareRoutes;
