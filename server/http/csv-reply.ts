// A report's CSV as a download: named for the report and its window, never cached.
import type { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';

export function sendCsv(reply: FastifyReply, report: string, days: number, csv: Readable) {
  return reply.type('text/csv; charset=utf-8')
    .header('Content-Disposition', `attachment; filename="${report}-${days}d-${new Date().toISOString().slice(0, 10)}.csv"`)
    .header('Cache-Control', 'no-store')
    .send(csv);
}
