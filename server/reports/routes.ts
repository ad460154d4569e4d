// HTTP for the reports (marketing and up): each route validates its window and filters, asks the report service,
// and answers JSON or, with ?format=csv, a streamed CSV file.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireRole } from '../auth/guards.ts';
import { sendCsv } from '../http/csv-reply.ts';
import type { Services } from '../services.ts';
import {
  AssetsQuery, AssetUsageList, Coverage, CoverageQuery, Hints, HintsQuery, SearchAnalytics, SearchesQuery, Summary, SummaryQuery, Trend,
  TrendQuery, UnusedList, UnusedQuery,
} from './schemas.ts';

const tags = ['reports'];
const marketingAndUp = requireRole('marketing');

const reportRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services: { reports } }) => {
  app.get('/api/reports/summary', {
    schema: { tags, querystring: SummaryQuery, response: { 200: Summary } }, preHandler: marketingAndUp,
  }, async (req) => reports.summary(req.query.days));

  app.get('/api/reports/unused', {
    schema: { tags, querystring: UnusedQuery, response: { 200: UnusedList } }, preHandler: marketingAndUp,
  }, async (req, reply) => {
    const { days, format, limit, ...cell } = req.query;
    return format === 'csv' ? sendCsv(reply, 'unused', days, await reports.unusedCsv(days, cell)) : reports.unused(days, cell, limit);
  });

  app.get('/api/reports/assets', {
    schema: { tags, querystring: AssetsQuery, response: { 200: AssetUsageList } }, preHandler: marketingAndUp,
  }, async (req, reply) => {
    const { days, format, limit, sort, ...cell } = req.query;
    return format === 'csv' ? sendCsv(reply, 'assets', days, await reports.assetsCsv(days, cell, sort)) : reports.assets(days, cell, sort, limit);
  });

  app.get('/api/reports/coverage', {
    schema: { tags, querystring: CoverageQuery, response: { 200: Coverage } }, preHandler: marketingAndUp,
  }, async (req, reply) => {
    const { days, format } = req.query;
    return format === 'csv' ? sendCsv(reply, 'coverage', days, await reports.coverageCsv(days)) : reports.coverage(days);
  });

  app.get('/api/reports/searches', {
    schema: { tags, querystring: SearchesQuery, response: { 200: SearchAnalytics } }, preHandler: marketingAndUp,
  }, async (req, reply) => {
    const { days, format, ...cell } = req.query;
    return format === 'csv' ? sendCsv(reply, 'searches', days, await reports.searchesCsv(days, cell)) : reports.searches(days, cell);
  });

  app.get('/api/reports/trend', {
    schema: { tags, querystring: TrendQuery, response: { 200: Trend } }, preHandler: marketingAndUp,
  }, async (req, reply) => {
    const { days, format, interval } = req.query;
    return format === 'csv' ? sendCsv(reply, `trend-${interval}`, days, await reports.trendCsv(days, interval)) : reports.trend(days, interval);
  });

  app.get('/api/reports/hints', {
    schema: { tags, querystring: HintsQuery, response: { 200: Hints } }, preHandler: marketingAndUp,
  }, async (req, reply) => {
    const { days, format, limit } = req.query;
    return format === 'csv' ? sendCsv(reply, 'hints', days, await reports.hintsCsv(days)) : reports.hints(days, limit);
  });
};

export default reportRoutes;
