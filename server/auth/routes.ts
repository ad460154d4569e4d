import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Services } from '../services.ts';
import { requireRole, requireUser, SESSION_COOKIE, userOf } from './guards.ts';
import { IdParams, LoginBody, Me, NewUserBody, TokenBody, TokenCreated, TokenInfo, User, UserPatchBody } from './schemas.ts';

const authRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services: { auth, config } }) => {
  const secureCookie = config.publicUrl.startsWith('https:');

  app.post('/api/auth/login', {
    schema: { tags: ['auth'], body: LoginBody, response: { 200: Type.Object({ user: User }) } },
  }, async (req, reply) => {
    const { user, token } = await auth.login(req.body.email, req.body.password, req.ip);
    // A fresh token at every sign-in: a session id planted before login is never promoted.
    reply.setCookie(SESSION_COOKIE, token, {
      path: '/', httpOnly: true, sameSite: 'lax', secure: secureCookie, maxAge: 30 * 86400,
    });
    return { user };
  });

  app.post('/api/auth/logout', { schema: { tags: ['auth'] } }, async (req, reply) => {
    if (req.sessionToken) await auth.logout(req.sessionToken);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send();
  });

  app.get('/api/me', { schema: { tags: ['auth'], response: { 200: Me } }, preHandler: requireUser }, async (req) => userOf(req));

  app.get('/api/auth/tokens', { schema: { tags: ['auth'], response: { 200: Type.Object({ items: Type.Array(TokenInfo) }) } }, preHandler: requireUser },
    async (req) => ({ items: await auth.listApiTokens(userOf(req)) }));

  app.post('/api/auth/tokens', { schema: { tags: ['auth'], body: TokenBody, response: { 201: TokenCreated } }, preHandler: requireUser },
    async (req, reply) => reply.code(201).send(await auth.createApiToken(userOf(req), req.body.name)));

  app.delete('/api/auth/tokens/:id', { schema: { tags: ['auth'], params: IdParams }, preHandler: requireUser }, async (req, reply) => {
    await auth.deleteApiToken(userOf(req), req.params.id);
    return reply.code(204).send();
  });

  app.get('/api/users', {
    schema: { tags: ['users'], response: { 200: Type.Object({ items: Type.Array(User), nextCursor: Type.Null() }) } },
    preHandler: requireRole('admin'),
  }, async () => ({ items: await auth.listUsers(), nextCursor: null }));

  app.post('/api/users', {
    schema: { tags: ['users'], body: NewUserBody, response: { 201: User } }, preHandler: requireRole('admin'),
  }, async (req, reply) => reply.code(201).send(await auth.createUser(req.body)));

  app.patch('/api/users/:id', {
    schema: { tags: ['users'], params: IdParams, body: UserPatchBody, response: { 200: User } }, preHandler: requireRole('admin'),
  }, async (req) => auth.updateUser(userOf(req), req.params.id, req.body));
};

export default authRoutes;
