// The running server's door for the command line: with an embedded database only the server may open DATA_DIR, so
// `npm run user`, `demo`, `reprocess` and `storage` send their command here and the server runs it with its own
// services (a user added is signed in at once, demo assets are searchable at once). A Unix socket, readable and
// writable only by the account that runs the server: whoever can reach it can already read DATA_DIR.
//
// Protocol: the client sends one JSON line {command, argv}; the server answers with JSON lines {out}, {err},
// {progress} while the command runs, and one {exit} line at the end.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface ControlRequest { command: string; argv: string[] }
export type ControlMessage = { out: string } | { err: string } | { progress: string } | { exit: number };

export interface CommandOutput {
  print(line: string): void;
  warn(line: string): void;
  /** A status line that replaces the previous one on a terminal ("created 4/13 assets"). */
  progress(line: string): void;
}

export type ControlHandler = (request: ControlRequest, output: CommandOutput, signal: AbortSignal) => Promise<number>;

const MAX_REQUEST_BYTES = 64 * 1024;

/** Where the control socket of dataDir lives: in it, unless its path is too long for a socket (108 bytes on Linux). */
export function controlSocketPath(dataDir: string): string {
  const inside = path.join(dataDir, 'control.sock');
  if (Buffer.byteLength(inside) <= 100) return inside;
  return path.join(os.tmpdir(), `content-hub-${createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}.sock`);
}

/** Listens on the socket (removing a dead server's one first: the caller holds the DATA_DIR lock) and runs each request. */
export async function serveControl(socketPath: string, handle: ControlHandler, onError: (error: Error) => void): Promise<{ close(): Promise<void> }> {
  fs.rmSync(socketPath, { force: true });
  const connections = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections.add(socket);
    const aborted = new AbortController();
    socket.on('close', () => {
      connections.delete(socket);
      aborted.abort();
    });
    socket.on('error', () => socket.destroy());
    readRequest(socket).then(async (request) => {
      const send = (message: ControlMessage) => {
        if (!socket.destroyed) socket.write(`${JSON.stringify(message)}\n`);
      };
      const output: CommandOutput = { print: (out) => send({ out }), warn: (err) => send({ err }), progress: (progress) => send({ progress }) };
      let exit = 1;
      try {
        exit = await handle(request, output, aborted.signal);
      } catch (error) {
        onError(error as Error);
        output.warn(`the command failed on the server: ${(error as Error).message}`);
      }
      send({ exit });
      socket.end();
    }, (error: Error) => {
      socket.end(`${JSON.stringify({ err: error.message })}\n${JSON.stringify({ exit: 2 })}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  fs.chmodSync(socketPath, 0o600);
  server.on('error', onError);
  return {
    close: () => new Promise<void>((resolve) => {
      // A command still running is cut off: its client reports that the server stopped.
      for (const socket of connections) socket.destroy();
      server.close(() => resolve());
    }),
  };
}

function readRequest(socket: net.Socket): Promise<ControlRequest> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const end = buffered.indexOf('\n');
      if (end < 0) {
        if (buffered.length > MAX_REQUEST_BYTES) finish(new Error('request too long'));
        return;
      }
      finish(undefined, buffered.slice(0, end));
    };
    const finish = (error?: Error, line?: string) => {
      socket.off('data', onData);
      if (error) return reject(error);
      try {
        const value = JSON.parse(line!) as Partial<ControlRequest>;
        if (typeof value.command !== 'string' || !Array.isArray(value.argv) || !value.argv.every((a) => typeof a === 'string')) {
          throw new Error('expected {"command": string, "argv": string[]}');
        }
        resolve({ command: value.command, argv: value.argv });
      } catch (parseError) {
        reject(new Error(`bad request: ${(parseError as Error).message}`));
      }
    };
    socket.on('data', onData);
  });
}

export class ServerGone extends Error {}

/**
 * Sends a command to the server behind the socket and relays its output; resolves with the command's exit code.
 * Rejects with ServerGone when the server stops answering before the command ends (the outcome is then unknown).
 */
export function callControl(socketPath: string, request: ControlRequest, output: CommandOutput): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    let buffered = '';
    let exit: number | undefined;
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on('data', (chunk) => {
      buffered += chunk.toString('utf8');
      for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
        const message = JSON.parse(buffered.slice(0, end)) as ControlMessage;
        buffered = buffered.slice(end + 1);
        if ('out' in message) output.print(message.out);
        else if ('err' in message) output.warn(message.err);
        else if ('progress' in message) output.progress(message.progress);
        else exit = message.exit;
      }
    });
    socket.on('error', (error) => reject(error));
    socket.on('close', () => {
      if (exit === undefined) reject(new ServerGone('the server closed the connection before the command finished'));
      else resolve(exit);
    });
  });
}
