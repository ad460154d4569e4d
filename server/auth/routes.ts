import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { Services } from '../services.ts';
import { SESSION_COOKIE } from './authentication.ts';
import { requireRole, requireUser, userOf } from './guards.ts';
import {
  AcceptInviteBody, IdParams, Invite, InviteCreated, InviteTokenParams, LoginBody, Me, NewInviteBody, NewUserBody, OpenInvite,
  DEFAULT_TOKEN_DAYS, PasswordChangeBody, TokenBody, TokenCreated, TokenInfo, User, UserPatchBody,
} from './schemas.ts';

const authRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services: { auth, invites, config } }) => {
  const secureCookie = config.publicUrl.startsWith('https:');
  // A fresh token at every sign-in: a session id planted before login is never promoted.
  const setSession = (reply: FastifyReply, token: string) => reply.setCookie(SESSION_COOKIE, token, {
    path: '/', httpOnly: true, sameSite: 'lax', secure: secureCookie, maxAge: 30 * 86400,
  });

  app.post('/api/auth/login', {
    schema: { tags: ['auth'], body: LoginBody, response: { 200: Type.Object({ user: User }) } },
  }, async (req, reply) => {
    const { user, token } = await auth.login(req.body.email, req.body.password, req.ip);
    setSession(reply, token);
    return { user };
  });

  app.post('/api/auth/logout', { schema: { tags: ['auth'] } }, async (req, reply) => {
    if (req.sessionToken) await auth.logout(req.sessionToken);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send();
  });

  // 400, not 401, for a wrong current password: the session is fine, and 401 means "signed out" to every client.
  app.post('/api/auth/password', {
    schema: { tags: ['auth'], body: PasswordChangeBody }, preHandler: requireUser,
  }, async (req, reply) => {
    await auth.changePassword(userOf(req), req.body.currentPassword, req.body.newPassword, req.ip, req.sessionToken);
    return reply.code(204).send();
  });

  app.get('/api/me', { schema: { tags: ['auth'], response: { 200: Me } }, preHandler: requireUser }, async (req) => userOf(req));

  // Token management takes a session: the scope guard (token-scope.ts) refuses these to every API token.
  app.get('/api/auth/tokens', {
    schema: { tags: ['auth'], description: 'Your API tokens, expired ones included; never their secret.', response: { 200: Type.Object({ items: Type.Array(TokenInfo) }) } },
    preHandler: requireUser,
  }, async (req) => ({ items: await auth.listApiTokens(userOf(req)) }));

  app.post('/api/auth/tokens', {
    schema: { tags: ['auth'], description: 'A new API token, shown once. Needs a signed-in session, not a token.', body: TokenBody, response: { 201: TokenCreated } },
    preHandler: requireUser,
  }, async (req, reply) => reply.code(201).send(await auth.createApiToken(userOf(req), {
    name: req.body.name, scope: req.body.scope ?? 'read', expiresInDays: req.body.expiresInDays ?? DEFAULT_TOKEN_DAYS,
  })));

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

  app.get('/api/invites', {
    schema: { tags: ['users'], response: { 200: Type.Object({ items: Type.Array(Invite), nextCursor: Type.Null() }) } },
    preHandler: requireRole('admin'),
  }, async () => ({ items: await invites.listPending(), nextCursor: null }));

  app.post('/api/invites', {
    schema: { tags: ['users'], body: NewInviteBody, response: { 201: InviteCreated } }, preHandler: requireRole('admin'),
  }, async (req, reply) => reply.code(201).send(await invites.create(userOf(req), req.body)));

  app.delete('/api/invites/:id', { schema: { tags: ['users'], params: IdParams }, preHandler: requireRole('admin') }, async (req, reply) => {
    await invites.revoke(req.params.id);
    return reply.code(204).send();
  });

  // The invited person has no account yet: these two are public, the token is the credential.
  app.get('/api/invites/by-token/:token', {
    schema: { tags: ['users'], params: InviteTokenParams, response: { 200: OpenInvite } },
  }, async (req) => invites.open(req.params.token));

  app.post('/api/invites/by-token/:token/accept', {
    schema: { tags: ['users'], params: InviteTokenParams, body: AcceptInviteBody, response: { 200: Type.Object({ user: User }) } },
  }, async (req, reply) => {
    const { user, sessionToken } = await invites.accept(req.params.token, req.body.password, req.body.name);
    // Whoever was signed in on this browser before is signed out: it now belongs to the new account.
    if (req.sessionToken) await auth.logout(req.sessionToken);
    setSession(reply, sessionToken);
    return { user };
  });
};

export default authRoutes;
