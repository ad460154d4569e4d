import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireUser, userOf } from '../auth/guards.ts';
import { TooManyRequests } from '../errors.ts';
import type { Services } from '../services.ts';
import { SearchQuery, SearchResult, SuggestQuery, Suggestions } from './schemas.ts';

export interface SearchRoutesOptions {
  services: Services;
  /** Searches (and suggestions) per user per minute; generous, since the UI searches as you type. */
  perMinute?: number;
}

const searchRoutes: FastifyPluginAsyncTypebox<SearchRoutesOptions> = async (app, { services: { search }, perMinute = 600 }) => {
  // Per user, so one runaway client (or script) slows nobody else down; scoped to these routes only.
  await app.register(rateLimit, {
    max: perMinute,
    timeWindow: 60_000,
    keyGenerator: (req) => req.user?.id ?? req.ip,
    errorResponseBuilder: (_req, context) => new TooManyRequests(
      `too many searches (over ${context.max} a minute); try again in ${Math.ceil(context.ttl / 1000)} s`, Math.ceil(context.ttl / 1000)),
  });

  app.get('/api/search', {
    schema: { tags: ['search'], querystring: SearchQuery, response: { 200: SearchResult } }, preHandler: requireUser,
  }, async (req) => search.search(userOf(req), req.query));

  app.get('/api/search/suggest', {
    schema: { tags: ['search'], querystring: SuggestQuery, response: { 200: Suggestions } }, preHandler: requireUser,
  }, async (req) => search.suggest(userOf(req), req.query.q ?? ''));
};

export default searchRoutes;
