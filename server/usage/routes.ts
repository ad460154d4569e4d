// HTTP for usage: the events the web app reports (views, clicks from a search, copied links, presenting).
import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireUser, userOf } from '../auth/guards.ts';
import { TooManyRequests } from '../errors.ts';
import type { Services } from '../services.ts';
import { BROWSER_EVENT_KINDS } from './uses.ts';

export interface UsageRoutesOptions {
  services: Services;
  /** Events per person per minute (config.eventsPerMinute). */
  perMinute?: number;
}

const EventBody = Type.Object({
  assetId: Type.String({ format: 'uuid' }),
  kind: Type.Enum([...BROWSER_EVENT_KINDS]),
  queryId: Type.Optional(Type.String({ format: 'uuid' })),
}, { additionalProperties: false });

const usageRoutes: FastifyPluginAsyncTypebox<UsageRoutesOptions> = async (app, { services: { assets, usage }, perMinute = 300 }) => {
  // Per person, and scoped to this plugin's route: a client flooding events is slowed alone, and neither its own
  // searches and downloads nor anyone else's events are.
  await app.register(rateLimit, {
    max: perMinute,
    timeWindow: 60_000,
    keyGenerator: (req) => req.user?.id ?? req.ip,
    errorResponseBuilder: (_req, context) => new TooManyRequests(
      `too many usage events (over ${context.max} a minute); try again in ${Math.ceil(context.ttl / 1000)} s`, Math.ceil(context.ttl / 1000)),
  });

  app.post('/api/events', {
    schema: { tags: ['usage'], body: EventBody, response: { 202: Type.Object({ accepted: Type.Boolean() }) } },
    preHandler: requireUser,
  }, async (req, reply) => {
    const user = userOf(req);
    // Only assets the user can see: events about hidden assets are a 404 like everything else.
    const { version } = await assets.downloadable(user, req.body.assetId);
    await usage.record(user, { assetId: req.body.assetId, versionId: version.id, kind: req.body.kind, queryId: req.body.queryId });
    return reply.code(202).send({ accepted: true });
  });
};

export default usageRoutes;
