// HTTP for feedback on content: anyone who sees an asset gives it; marketing and up read it.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireRole, requireUser, userOf } from '../auth/guards.ts';
import type { Services } from '../services.ts';
import { AssetFeedback, AssetParams, Feedback, MyFeedback, NewFeedbackBody } from './schemas.ts';

const tags = ['feedback'];

const feedbackRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services: { feedback } }) => {
  app.post('/api/assets/:id/feedback', {
    schema: { tags, params: AssetParams, body: NewFeedbackBody, response: { 201: Feedback } }, preHandler: requireUser,
  }, async (req, reply) => reply.code(201).send(await feedback.give(userOf(req), req.params.id, req.body)));

  app.get('/api/assets/:id/feedback', {
    schema: { tags, params: AssetParams, response: { 200: AssetFeedback } }, preHandler: requireRole('marketing'),
  }, async (req) => feedback.ofAsset(userOf(req), req.params.id));

  app.get('/api/assets/:id/feedback/mine', {
    schema: { tags, params: AssetParams, response: { 200: MyFeedback } }, preHandler: requireUser,
  }, async (req) => feedback.mine(userOf(req), req.params.id));
};

export default feedbackRoutes;
