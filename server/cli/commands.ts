// The commands of `npm run <name>`, by name: the shell entry (cli/main.ts) and the server's control socket both run
// them from here, so a command behaves the same wherever it runs.
import type { ControlRequest, CommandOutput } from '../instance/control-socket.ts';
import type { Services } from '../services.ts';
import { UsageError, type CliCommand, type CommandContext } from './command.ts';
import demo from './demo.ts';
import reprocess from './reprocess.ts';
import storage from './storage.ts';
import user from './user.ts';

// Each command has its own argument type; the registry only passes what a command's parse returned to its own run.
export const COMMANDS: Record<string, CliCommand<unknown>> = { demo, reprocess, storage, user };

/** Parses and runs one command with these services; a usage error prints the usage and exits 1. */
export async function runCommand(services: Services, request: ControlRequest, out: CommandOutput, signal: AbortSignal, host: CommandContext['host']): Promise<number> {
  const command = COMMANDS[request.command];
  if (!command) {
    out.warn(`no command ${request.command}; the commands are ${Object.keys(COMMANDS).join(', ')}`);
    return 1;
  }
  let args;
  try {
    args = command.parse(request.argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    out.warn(`${error.message}\n${command.usage}`);
    return 1;
  }
  return command.run({ services, out, signal, host }, args);
}
