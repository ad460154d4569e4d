// HTTP for influence: the CRM posts or imports its deals (marketing and up, or their API tokens); marketing reads
// which assets were shared in deals won and lost.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Readable } from 'node:stream';
import { requireRole } from '../auth/guards.ts';
import { RequestTimeout, UnsupportedType } from '../errors.ts';
import { sendCsv } from '../http/csv-reply.ts';
import { watchUploadRate } from '../http/slow-bodies.ts';
import { csvStream, onePage } from '../reports/csv.ts';
import type { Services } from '../services.ts';
import { ImportQuery, ImportSummary, Influence, InfluenceQuery, NewOpportunityBody, Opportunity, OpportunityParams } from './schemas.ts';

const tags = ['influence'];
const marketingAndUp = requireRole('marketing');

const influenceRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services: { influence, config } }) => {
  // The CSV is read as it streams in (influence/import.ts counts its size), not buffered first, and held to the
  // uploads' minimum rate rather than the body deadline (http/slow-bodies.ts STREAMED_BODY).
  app.addContentTypeParser(['text/csv', 'application/csv'], (_req, payload, done) => done(null, payload));

  app.post('/api/opportunities', {
    schema: { tags, body: NewOpportunityBody, response: { 200: Opportunity, 201: Opportunity } }, preHandler: marketingAndUp,
  }, async (req, reply) => {
    const { created, opportunity } = await influence.record(req.body);
    return reply.code(created ? 201 : 200).send(opportunity);
  });

  app.get('/api/opportunities/:externalId', {
    schema: { tags, params: OpportunityParams, response: { 200: Opportunity } }, preHandler: marketingAndUp,
  }, async (req) => influence.get(req.params.externalId));

  app.post('/api/opportunities/import', {
    schema: {
      tags, querystring: ImportQuery, response: { 200: ImportSummary },
      description: 'A text/csv body with a header row: externalId, name, amount, currency, stage, outcome, and optionally closedAt.',
    },
    preHandler: marketingAndUp,
  }, async (req) => {
    if (!/^(text|application)\/csv\b/i.test(req.headers['content-type'] ?? '')) {
      throw new UnsupportedType('send the CSV as text/csv, with a header row', 'NOT_CSV');
    }
    // No deadline for the whole file (a large export over a slow link takes long), but a minimum rate, as uploads.
    const stopWatching = watchUploadRate(req.raw, config.uploadMinBytesPerSec, config.uploadStallMs, (received) => {
      req.raw.emit('error', new RequestTimeout(
        `the CSV stalled: ${received} bytes in the last ${config.uploadStallMs / 1000} s, below the minimum of ${config.uploadMinBytesPerSec} bytes/s`, 'UPLOAD_STALLED'));
    });
    try {
      return await influence.importCsv(req.body as Readable, req.query);
    } finally {
      stopWatching();
    }
  });

  app.get('/api/reports/influence', {
    schema: { tags: [...tags, 'reports'], querystring: InfluenceQuery, response: { 200: Influence } }, preHandler: marketingAndUp,
  }, async (req, reply) => {
    const report = await influence.report(req.query.days, req.query.assetId);
    if (req.query.format !== 'csv') return report;
    const csv = csvStream<(typeof report.items)[number]>([
      { header: 'assetId', value: (row) => row.asset.id }, { header: 'title', value: (row) => row.asset.title },
      { header: 'wonDeals', value: (row) => row.wonDeals }, { header: 'lostDeals', value: (row) => row.lostDeals },
      { header: 'openDeals', value: (row) => row.openDeals }, { header: `revenueWon${report.currency ? ` (${report.currency})` : ''}`, value: (row) => row.revenueWon },
      { header: 'winRate', value: (row) => row.winRate }, { header: 'winRateLow', value: (row) => row.winRateLow }, { header: 'ranked', value: (row) => row.ranked },
    ], onePage(report.items));
    return sendCsv(reply, 'influence', req.query.days, csv);
  });
};

export default influenceRoutes;
