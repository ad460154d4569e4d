// HTTP for content requests, the failed-search backlog and "tell me when this exists": anyone asks, votes and
// watches; marketing works the board and reads the backlog.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireRole, requireUser, userOf } from '../auth/guards.ts';
import type { Services } from '../services.ts';
import {
  Backlog, BacklogQuery, ContentRequest, IdParams, NewRequestBody, QueryIdParams, RequestList, RequestListQuery, RequestPatchBody,
  SearchWatch, SearchWatchList, VoteResult,
} from './schemas.ts';

const tags = ['requests'];

const requestRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services: { requests, watches, backlog } }) => {

  app.post('/api/requests', {
    schema: { tags, body: NewRequestBody, response: { 201: ContentRequest } }, preHandler: requireUser,
  }, async (req, reply) => reply.code(201).send(await requests.create(userOf(req), req.body)));

  app.get('/api/requests', {
    schema: { tags, querystring: RequestListQuery, response: { 200: RequestList } }, preHandler: requireUser,
  }, async (req) => requests.list(userOf(req), req.query));

  app.get('/api/requests/backlog', {
    schema: { tags, querystring: BacklogQuery, response: { 200: Backlog } }, preHandler: requireRole('marketing'),
  }, async (req) => ({ items: await backlog(req.query.days, req.query.limit) }));

  app.get('/api/requests/:id', {
    schema: { tags, params: IdParams, response: { 200: ContentRequest } }, preHandler: requireUser,
  }, async (req) => requests.get(userOf(req), req.params.id));

  app.patch('/api/requests/:id', {
    schema: { tags, params: IdParams, body: RequestPatchBody, response: { 200: ContentRequest } }, preHandler: requireRole('marketing'),
  }, async (req) => requests.update(userOf(req), req.params.id, req.body));

  app.post('/api/requests/:id/votes', {
    schema: { tags, params: IdParams, response: { 200: VoteResult, 201: VoteResult } }, preHandler: requireUser,
  }, async (req, reply) => {
    const { added, ...vote } = await requests.vote(userOf(req), req.params.id);
    return reply.code(added ? 201 : 200).send(vote);
  });

  app.delete('/api/requests/:id/votes', {
    schema: { tags, params: IdParams }, preHandler: requireUser,
  }, async (req, reply) => {
    await requests.unvote(userOf(req), req.params.id);
    return reply.code(204).send();
  });

  app.post('/api/searches/:queryId/watch', {
    schema: { tags, params: QueryIdParams, response: { 200: SearchWatch, 201: SearchWatch } }, preHandler: requireUser,
  }, async (req, reply) => {
    const { created, watch } = await watches.watch(userOf(req), req.params.queryId);
    return reply.code(created ? 201 : 200).send(watch);
  });

  app.delete('/api/searches/:queryId/watch', {
    schema: { tags, params: QueryIdParams }, preHandler: requireUser,
  }, async (req, reply) => {
    await watches.unwatch(userOf(req), req.params.queryId);
    return reply.code(204).send();
  });

  app.get('/api/searches/watches', {
    schema: { tags, response: { 200: SearchWatchList } }, preHandler: requireUser,
  }, async (req) => watches.mine(userOf(req)));
};

export default requestRoutes;
