import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TooManyRequests } from '../errors.ts';

/**
 * Caps the sockets one remote address may hold open, at accept time: beyond `max` a new socket is closed before
 * a byte is read, so one client's hundreds of slow sockets cannot take the file descriptors everyone else needs.
 * Only for direct connections: behind a proxy every socket comes from the proxy (see `capRequestsPerClient`).
 */
export function capConnectionsPerAddress(server: Server, max: number, onRefused: (address: string, open: number) => void): void {
  const open = new Map<string, number>();
  // Told once per address while it sits at the cap, not for every refused socket (that would let a flood fill the log).
  const reported = new Set<string>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress;
    if (!address) return;
    const count = open.get(address) ?? 0;
    if (count >= max) {
      socket.destroy();
      if (!reported.has(address)) {
        reported.add(address);
        onRefused(address, count);
      }
      return;
    }
    open.set(address, count + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
      if (left < max) reported.delete(address);
    });
  });
}

/**
 * Behind a proxy the sockets are the proxy's, so capping them would cap everyone at once. What one client can still
 * hold is requests in flight (a slow body keeps its request open), keyed on the address the trusted proxy forwarded.
 * Sockets themselves are then the proxy's to limit (nginx `limit_conn`, and its request buffering stops slowloris).
 */
export function capRequestsPerClient(max: number) {
  const inFlight = new Map<string, number>();
  return async function limitRequestsInFlight(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const client = req.ip;
    const count = inFlight.get(client) ?? 0;
    if (count >= max) throw new TooManyRequests(`too many requests at once from ${client}; wait for some to finish`, 5);
    inFlight.set(client, count + 1);
    reply.raw.once('close', () => {
      const left = (inFlight.get(client) ?? 1) - 1;
      if (left > 0) inFlight.set(client, left);
      else inFlight.delete(client);
    });
  };
}
