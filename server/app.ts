import fs from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import assetRoutes from './assets/routes.ts';
import { multipartLimits } from './assets/upload.ts';
import { authentication, SESSION_COOKIE } from './auth/authentication.ts';
import authRoutes from './auth/routes.ts';
import { SESSION_CHANNEL } from './auth/session-cache.ts';
import type { Config } from './config.ts';
import { openDatabase, type Database } from './db/client.ts';
import { isDatabaseUnavailable } from './db/unavailable.ts';
import { DomainError, TooManyRequests, Unavailable } from './errors.ts';
import { capConnectionsPerAddress, capRequestsPerClient } from './http/connections.ts';
import { titledSchemasAsComponents } from './openapi/components.ts';
import { bodyDeadline, closeWhenBodyUnread } from './http/slow-bodies.ts';
import { webDist } from './paths.ts';
import { createServices, type Services } from './services.ts';
import taxonomyRoutes from './taxonomy/routes.ts';
import usageRoutes from './usage/routes.ts';
import processingRoutes from './processing/routes.ts';
import reportRoutes from './reports/routes.ts';
import searchRoutes from './search/routes.ts';
import publicShareRoutes from './sharing/public-routes.ts';
import sharingRoutes from './sharing/routes.ts';
import feedbackRoutes from './feedback/routes.ts';
import requestRoutes from './requests/routes.ts';
import influenceRoutes from './influence/routes.ts';
import notificationRoutes from './notifications/routes.ts';
import { SEARCH_CHANNEL, SearchClosed } from './search/service.ts';

export type App = FastifyInstance & { services: Services };

/** Builds the whole service; tests call it with their own config and database (and may read its log from `logStream`). */
export async function buildApp(config: Config, database?: Database, logStream?: Writable): Promise<App> {
  const db = database ?? await openDatabase(config.databaseUrl, config.dataDir);
  const services = createServices(config, db);
  await services.taxonomy.ensureDefaults();

  const app = Fastify({
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel, ...(logStream && { stream: logStream }) },
    // A hop count, never `true`: X-Forwarded-For from the client itself is not believed (rate limits key on the address).
    trustProxy: (_address: string, hop: number) => hop < config.trustProxyHops,
    bodyLimit: 1024 * 1024,
    // No overall request deadline in Node (a 2 GB upload on a slow link is legitimate): headers have headersTimeout,
    // other bodies bodyDeadline, uploads a minimum rate (readUpload), and a socket idle for 2 minutes is closed.
    requestTimeout: 0,
    connectionTimeout: 120_000,
    keepAliveTimeout: 10_000,
    // Node checks the headers deadline on this interval (30 s by default, which would double a short deadline).
    http: { headersTimeout: config.headersTimeoutMs, connectionsCheckingInterval: Math.min(5_000, config.headersTimeoutMs / 2) },
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true },
      // ajv-formats' uuid also accepts "urn:uuid:…", which PostgreSQL's uuid type refuses (a 500 from a client's typo).
      onCreate: (ajv) => { ajv.addFormat('uuid', /^[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i); },
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  if (config.maxConnectionsPerAddress > 0) {
    if (config.trustProxyHops === 0) {
      capConnectionsPerAddress(app.server, config.maxConnectionsPerAddress, (address, open) =>
        app.log.warn({ address, open }, `refusing connections from ${address}: it already holds ${open} (MAX_CONNECTIONS_PER_ADDRESS)`));
    } else {
      // Every socket is the proxy's: cap what each forwarded client holds open instead (see capRequestsPerClient).
      app.addHook('onRequest', capRequestsPerClient(config.maxConnectionsPerAddress));
    }
  }
  app.addHook('preParsing', bodyDeadline(config.bodyTimeoutMs));
  app.addHook('onSend', closeWhenBodyUnread);

  app.decorate('services', services);

  await app.register(cookie);
  await app.register(multipart, { limits: multipartLimits(config.maxUploadBytes) });

  await app.register(swagger, {
    openapi: {
      info: { title: 'Content Hub API', version: '0.1.0', description: 'Upload, review, find and share sales and marketing content.' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
    },
    transformObject: (document) => ('openapiObject' in document ? titledSchemasAsComponents(document.openapiObject) : document.swaggerObject),
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  app.addHook('onRequest', async (_req, reply) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'same-origin');
    reply.header('X-Frame-Options', 'DENY');
    reply.header('Content-Security-Policy', "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
  });
  // After the headers above, so a refused request carries them too.
  await app.register(authentication, { auth: services.auth, publicUrl: config.publicUrl });

  app.setErrorHandler((error: FastifyError | DomainError, req, reply) => {
    if (error instanceof DomainError) {
      if (error instanceof TooManyRequests || error instanceof Unavailable) reply.header('Retry-After', String(error.retryAfterSec));
      return reply.code(error.statusCode).send({ statusCode: error.statusCode, error: httpReason(error.statusCode), message: error.message, code: error.code });
    }
    const code = (error as { code?: string }).code ?? '';
    // The database is away (restarting, backends terminated), not the request wrong: 503, and the client retries.
    if (isDatabaseUnavailable(error)) {
      req.log.warn({ err: error }, 'database unavailable');
      reply.header('Retry-After', '5');
      return reply.code(503).send({ statusCode: 503, error: 'Service Unavailable', message: 'the database is unavailable; try again shortly', code: 'DB_UNAVAILABLE' });
    }
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) {
      req.log.error({ err: error }, 'request failed');
      return reply.code(status).send({ statusCode: status, error: httpReason(status), message: 'something went wrong on our side; it has been logged', code: 'INTERNAL' });
    }
    const message = error.validation ? `invalid ${error.validationContext ?? 'input'}: ${error.message.replace(/^(body|querystring|params)\/?/, '')}` : error.message;
    return reply.code(status).send({ statusCode: status, error: httpReason(status), message, code: code || 'BAD_REQUEST' });
  });

  app.get('/api/health', { schema: { tags: ['health'] } }, async (_req, reply) => {
    try {
      await db.db.execute(sql`select 1`);
      return { status: 'ok', db: 'ok' };
    } catch {
      reply.header('Retry-After', '5');
      return reply.code(503).send({ status: 'degraded', db: 'unreachable' });
    }
  });

  await app.register(authRoutes, { services });
  await app.register(taxonomyRoutes, { services });
  await app.register(assetRoutes, { services });
  await app.register(usageRoutes, { services, perMinute: config.eventsPerMinute });
  await app.register(processingRoutes, { services });
  await app.register(searchRoutes, { services });
  await app.register(reportRoutes, { services });
  await app.register(sharingRoutes, { services });
  await app.register(publicShareRoutes, { services });
  await app.register(notificationRoutes, { services });
  await app.register(feedbackRoutes, { services });
  await app.register(requestRoutes, { services });
  await app.register(influenceRoutes, { services });

  // Other processes on the same PostgreSQL announce their asset changes here; listen before building so none is missed.
  const unlistenSearch = await db.listen(SEARCH_CHANNEL, (payload) => void services.search.remoteChange(payload), () => {
    void services.search.resync().then((n) => { if (n) app.log.info(`search: ${n} assets changed elsewhere while LISTEN was down, indexed again`); });
  });
  // Sessions ended or users changed in another process (a second server, `npm run user` on PostgreSQL).
  const unlistenSessions = await db.listen(SESSION_CHANNEL, () => services.auth.forgetSessions(), () => services.auth.forgetSessions());
  // Built in the background so the app answers at once; searches wait for it (briefly, then 503).
  services.search.start().then(
    async (report) => {
      app.log.info(report, `search index ready: ${report.assets} assets, from ${report.from === 'snapshot' ? `its snapshot and ${report.reindexed} changed since` : 'the database'}, in ${report.ms} ms`);
      const copied = await services.search.textsStored();
      if (copied) app.log.info(copied, `search: ${copied.texts} texts for snippets copied to local files in ${copied.ms} ms`);
    },
    (error) => { if (!(error instanceof SearchClosed)) app.log.error({ err: error }, 'could not build the search index'); },
  );

  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/api/') || !config.serveWeb || !['GET', 'HEAD'].includes(req.method)) {
      return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `no route ${req.method} ${req.url.split('?')[0]}`, code: 'NO_ROUTE' });
    }
    // Client-side routes of the single-page app all load index.html.
    return reply.type('text/html').header('Cache-Control', 'no-cache').send(fs.createReadStream(path.join(webDist, 'index.html')));
  });
  if (config.serveWeb && fs.existsSync(webDist)) {
    await app.register(fastifyStatic, { root: webDist, prefix: '/', wildcard: false, index: false,
      setHeaders: (reply, file) => {
        // Vite fingerprints everything under assets/, so those files never change.
        if (file.includes(`${path.sep}assets${path.sep}`)) reply.header('Cache-Control', 'public, max-age=31536000, immutable');
      } });
    app.get('/', (_req, reply) => reply.type('text/html').header('Cache-Control', 'no-cache').send(fs.createReadStream(path.join(webDist, 'index.html'))));
  }

  if (config.backgroundJobs) {
    app.addHook('onReady', () => services.processing.start(app.log));
    // Every registered kind of job (processing's among them), repeating ones included.
    app.addHook('onReady', () => services.jobs.start(app.log));
    // Its first pass finishes the deletes a crash interrupted after their commit.
    app.addHook('onReady', () => services.collector.start(app.log));
  }
  app.addHook('onClose', async () => {
    await services.collector.stop();
    await services.watches.close();
    await services.search.close();
    // The database may already be gone (that is one reason to close); stopping must still finish.
    await unlistenSearch().catch(() => {});
    await unlistenSessions().catch(() => {});
    // Before the database goes: running jobs are handed back to the queue (processing's threads end with them).
    await services.jobs.stop();
    await services.processing.close();
    // Last before the database goes: the usage events and searches still buffered are written.
    await services.usage.close();
    if (!database) await db.close();
  });
  return app as unknown as App;
}

function httpReason(status: number): string {
  return ({ 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 408: 'Request Timeout', 409: 'Conflict', 410: 'Gone', 413: 'Payload Too Large',
    415: 'Unsupported Media Type', 422: 'Unprocessable Entity', 429: 'Too Many Requests', 503: 'Service Unavailable' } as Record<number, string>)[status] ?? 'Internal Server Error';
}
