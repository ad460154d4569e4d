import type { IncomingMessage } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequestTimeout } from '../errors.ts';

/** Bodies their routes read as streams and hold to a minimum rate (`watchUploadRate`): file uploads, CSV imports. */
export const STREAMED_BODY = /^\s*(multipart\/|text\/csv\b|application\/csv\b)/i;

/**
 * preParsing hook: a body that Fastify reads itself (JSON and the like, at most `bodyLimit`) must have arrived within
 * `deadlineMs` of the request's start, or the request gets 408. Streamed bodies (STREAMED_BODY) are left alone: their
 * routes hold them to a minimum rate instead, since a large file may take hours.
 */
export function bodyDeadline(deadlineMs: number) {
  return async function limitBodyTime(req: FastifyRequest, _reply: FastifyReply, payload: Readable): Promise<Readable> {
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    if (!hasBody || STREAMED_BODY.test(req.headers['content-type'] ?? '')) return payload;
    const timed = new PassThrough();
    const timer = setTimeout(() => {
      payload.unpipe(timed);
      timed.destroy(new RequestTimeout(`the request body did not arrive within ${deadlineMs / 1000} s`, 'BODY_TIMEOUT'));
    }, deadlineMs);
    timer.unref();
    payload.once('end', () => clearTimeout(timer));
    // pipe() forwards neither errors nor a premature close; without this the parser would wait for the timer.
    payload.once('error', (error) => timed.destroy(error));
    payload.once('close', () => { if (!payload.readableEnded) timed.destroy(); });
    timed.once('close', () => clearTimeout(timer));
    payload.pipe(timed);
    return timed;
  };
}

/**
 * Calls `onStall` once if the client sends less than `minBytesPerSec` over any `windowMs` while the body is being read.
 * Measured on the socket, so no listener is added to the body stream. A window in which our side holds unread data
 * (the disk or the event loop is the slow one) does not count against the client. Returns a function that stops it.
 */
export function watchUploadRate(raw: IncomingMessage, minBytesPerSec: number, windowMs: number, onStall: (received: number) => void): () => void {
  const socket = raw.socket;
  // Injected test requests have a stand-in socket that counts nothing.
  if (minBytesPerSec <= 0 || typeof socket?.bytesRead !== 'number') return () => {};
  const stepMs = Math.min(1000, Math.max(50, windowMs / 4));
  const stepsPerWindow = Math.ceil(windowMs / stepMs);
  const needed = (minBytesPerSec * windowMs) / 1000;
  let samples = [socket.bytesRead];
  const timer = setInterval(() => {
    if (raw.complete || socket.destroyed) return stop();
    if (raw.readableLength > 0) {
      samples = [socket.bytesRead];
      return;
    }
    samples.push(socket.bytesRead);
    if (samples.length <= stepsPerWindow) return;
    samples.shift();
    const received = samples.at(-1)! - samples[0]!;
    if (received < needed) {
      stop();
      onStall(received);
    }
  }, stepMs);
  timer.unref();
  function stop() { clearInterval(timer); }
  return stop;
}

/**
 * onSend hook: a reply sent before its request body has all arrived (413 on a 10 GB upload, 408 on a stalled one,
 * 401 on an upload without a session) closes the connection, so Node does not read the rest of the body to keep the
 * socket alive. Node ends the socket once the reply is flushed; a client that never reads it is cut off shortly after.
 */
export async function closeWhenBodyUnread(req: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
  // `complete` is false until the body has been parsed to its end (injected test requests do not have it at all).
  if (req.raw.complete === false) {
    reply.header('Connection', 'close');
    const socket = req.raw.socket;
    reply.raw.once('finish', () => { setTimeout(() => socket.destroy(), 2_000).unref(); });
  }
  return payload;
}
