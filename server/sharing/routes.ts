// HTTP for senders (sales and up): make a share link, list one's links, see a link's visits, revoke it; and pitch kits.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireUser, userOf } from '../auth/guards.ts';
import type { Services } from '../services.ts';
import {
  CreatedShare, Kit, KitList, KitParams, KitPatch, NewKitBody, NewShareBody, ShareDetail, ShareList, ShareListQuery, ShareParams,
} from './schemas.ts';

const tags = ['sharing'];

const sharingRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services: { sharing, kits } }) => {
  app.post('/api/shares', {
    schema: { tags, body: NewShareBody, response: { 201: CreatedShare } }, preHandler: requireUser,
  }, async (req, reply) => reply.code(201).send(await sharing.create(userOf(req), req.body)));

  app.get('/api/shares', {
    schema: { tags, querystring: ShareListQuery, response: { 200: ShareList } }, preHandler: requireUser,
  }, async (req) => ({ items: await sharing.list(userOf(req), req.query.all === true) }));

  app.get('/api/shares/:id', {
    schema: { tags, params: ShareParams, response: { 200: ShareDetail } }, preHandler: requireUser,
  }, async (req) => sharing.detail(userOf(req), req.params.id));

  app.delete('/api/shares/:id', {
    schema: { tags, params: ShareParams }, preHandler: requireUser,
  }, async (req, reply) => {
    await sharing.revoke(userOf(req), req.params.id);
    return reply.code(204).send();
  });

  // Pitch kits.
  const kitTags = ['kits'];
  app.get('/api/collections', { schema: { tags: kitTags, response: { 200: KitList } }, preHandler: requireUser },
    async (req) => ({ items: await kits.list(userOf(req)) }));

  app.post('/api/collections', { schema: { tags: kitTags, body: NewKitBody, response: { 201: Kit } }, preHandler: requireUser },
    async (req, reply) => reply.code(201).send(await kits.create(userOf(req), { ...req.body, shared: req.body.shared ?? false })));

  app.get('/api/collections/:id', { schema: { tags: kitTags, params: KitParams, response: { 200: Kit } }, preHandler: requireUser },
    async (req) => kits.get(userOf(req), req.params.id));

  app.patch('/api/collections/:id', { schema: { tags: kitTags, params: KitParams, body: KitPatch, response: { 200: Kit } }, preHandler: requireUser },
    async (req) => kits.update(userOf(req), req.params.id, req.body));

  app.delete('/api/collections/:id', { schema: { tags: kitTags, params: KitParams }, preHandler: requireUser }, async (req, reply) => {
    await kits.remove(userOf(req), req.params.id);
    return reply.code(204).send();
  });
};

export default sharingRoutes;
