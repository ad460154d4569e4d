// HTTP for the notification centre: a person's own notifications, and marking them read.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireUser, userOf } from '../auth/guards.ts';
import type { Services } from '../services.ts';

const Notification = Type.Object({
  id: Type.String(), kind: Type.String(), title: Type.String(), body: Type.Union([Type.String(), Type.Null()]),
  link: Type.Union([Type.String(), Type.Null()]), createdAt: Type.String({ format: 'date-time' }),
  readAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  // The contract's names (API.md) for the same facts.
  text: Type.String({ description: 'The title, and the body after a dash' }), at: Type.String({ format: 'date-time' }), read: Type.Boolean(),
}, { title: 'Notification' });
const NotificationParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false });
const NotificationList = Type.Object({ unread: Type.Integer({ minimum: 0 }), items: Type.Array(Notification) });
const ReadBody = Type.Object({
  ids: Type.Optional(Type.Array(Type.String({ format: 'uuid' }), { maxItems: 200, description: 'Without ids: all of them' })),
}, { additionalProperties: false });

const notificationRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services: { notifications } }) => {
  app.get('/api/notifications', {
    schema: { tags: ['notifications'], response: { 200: NotificationList } }, preHandler: requireUser,
  }, async (req) => notifications.list(userOf(req)));

  app.post('/api/notifications/read', {
    schema: { tags: ['notifications'], body: ReadBody }, preHandler: requireUser,
    // An empty body marks all read.
    preValidation: async (req) => { req.body ??= {}; },
  }, async (req, reply) => {
    await notifications.markRead(userOf(req), req.body.ids);
    return reply.code(204).send();
  });

  app.post('/api/notifications/:id/read', {
    schema: { tags: ['notifications'], params: NotificationParams }, preHandler: requireUser,
  }, async (req, reply) => {
    await notifications.markRead(userOf(req), [req.params.id]);
    return reply.code(204).send();
  });
};

export default notificationRoutes;
