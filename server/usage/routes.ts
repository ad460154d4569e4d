// HTTP for usage: the events the web app reports (views, clicks from a search, copied links, presenting).
import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireUser, userOf } from '../auth/guards.ts';
import { NotFound, TooManyRequests } from '../errors.ts';
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
}, { additionalProperties: false, title: 'UsageEvent' });

/** Most events one request may carry: a page hidden after a minute of clicking sends them together. */
export const MAX_EVENTS_PER_BATCH = 100;

const EventBatchBody = Type.Object({
  events: Type.Array(EventBody, { minItems: 1, maxItems: MAX_EVENTS_PER_BATCH }),
}, { additionalProperties: false });

const EventBatchReply = Type.Object({
  accepted: Type.Integer({ description: 'Events recorded (a repeat within seconds is accepted and counted once).' }),
  refused: Type.Array(Type.Object({
    index: Type.Integer({ description: 'Position of the event in `events`.' }),
    assetId: Type.String(),
    code: Type.Literal('ASSET_NOT_FOUND'),
  }), { description: 'Events about assets the user cannot see (or that do not exist): not recorded.' }),
});

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
    const versionId = await assets.shownVersion(user, req.body.assetId);
    if (versionId === undefined) throw new NotFound('no such asset', 'ASSET_NOT_FOUND');
    await usage.record(user, { ...req.body, versionId });
    return reply.code(202).send({ accepted: true });
  });

  // Several events in one request (one visibility query for all): what a client that queues its events sends.
  app.post('/api/events/batch', {
    schema: { tags: ['usage'], body: EventBatchBody, response: { 202: EventBatchReply } },
    preHandler: requireUser,
  }, async (req, reply) => {
    const user = userOf(req);
    const { events } = req.body;
    const shown = await assets.shownVersions(user, events.map((event) => event.assetId));
    const refused: { index: number; assetId: string; code: 'ASSET_NOT_FOUND' }[] = [];
    for (const [index, event] of events.entries()) {
      const versionId = shown.get(event.assetId);
      if (versionId === undefined) refused.push({ index, assetId: event.assetId, code: 'ASSET_NOT_FOUND' });
      else await usage.record(user, { ...event, versionId });
    }
    return reply.code(202).send({ accepted: events.length - refused.length, refused });
  });
};

export default usageRoutes;
