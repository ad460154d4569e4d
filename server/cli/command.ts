// What a command of `npm run <name>` is: it parses its arguments in the shell's process, and runs with the services
// of whichever process owns the data: its own (PostgreSQL, or an embedded database nobody else has open) or the
// running server's, through its control socket (instance/control-socket.ts).
import type { CommandOutput } from '../instance/control-socket.ts';
import type { Services } from '../services.ts';

export class UsageError extends Error {}

export interface CommandContext {
  services: Services;
  out: CommandOutput;
  /** Fires when the person gives up (Ctrl-C on a command the server runs): long waits stop, written data stays. */
  signal: AbortSignal;
  /** 'cli' when the command opened the database itself; 'server' when the running server runs it with its own. */
  host: 'cli' | 'server';
}

export interface CliCommand<Args> {
  usage: string;
  /** Throws UsageError on arguments that do not make a command. */
  parse(argv: string[]): Args;
  /** Resolves with the exit code. */
  run(context: CommandContext, args: Args): Promise<number>;
}

export const defineCommand = <Args>(command: CliCommand<Args>): CliCommand<Args> => command;
