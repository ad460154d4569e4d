// npm run <command> -- …: runs a command where the data is. With PostgreSQL, here (the server takes many processes).
// With the embedded database, here only when no other process owns DATA_DIR (it is locked meanwhile); when a server
// owns it, the server runs the command through its control socket; when another command owns it, it is refused.
import { loadConfig, ConfigError, type Config } from '../config.ts';
import { openDatabase } from '../db/client.ts';
import { DataDirBusy, lockDataDir, type LockOwner } from '../instance/data-dir-lock.ts';
import { callControl, ServerGone, type CommandOutput } from '../instance/control-socket.ts';
import { announceFirstAdmin } from '../instance/first-admin.ts';
import { createServices } from '../services.ts';
import { UsageError } from './command.ts';
import { COMMANDS, runCommand } from './commands.ts';

/** How long a command waits for a server that is starting to open its control socket. */
const SERVER_START_WAIT_MS = 30_000;

const terminal: CommandOutput = {
  print: (line) => { endProgress(); console.log(line); },
  warn: (line) => { endProgress(); console.error(line); },
  progress(line) {
    // A terminal sees one line counting up; a log file sees each count.
    if (!process.stdout.isTTY) return console.log(line);
    process.stdout.write(`\r${line}\x1b[K`);
    progressShown = true;
  },
};
let progressShown = false;
function endProgress() {
  if (progressShown) process.stdout.write('\n');
  progressShown = false;
}

async function main(): Promise<number> {
  const [name = '', ...argv] = process.argv.slice(2);
  const command = COMMANDS[name];
  if (!command) return fail(`no command "${name}"; the commands are ${Object.keys(COMMANDS).join(', ')}`);
  try {
    command.parse(argv);
  } catch (error) {
    if (error instanceof UsageError) return fail(`${error.message}\n${command.usage}`);
    throw error;
  }
  let config: Config;
  try {
    config = loadConfig(process.env, { serveWeb: false, backgroundJobs: false, logLevel: 'warn' });
  } catch (error) {
    if (error instanceof ConfigError) return fail(`Configuration error: ${error.message}`);
    throw error;
  }
  if (config.databaseUrl) return runHere(config, name, argv);

  const started = Date.now();
  for (;;) {
    let owner: LockOwner;
    try {
      const lock = lockDataDir(config.dataDir, `npm run ${name}`);
      try {
        return await runHere(config, name, argv);
      } finally {
        lock.release();
      }
    } catch (error) {
      if (!(error instanceof DataDirBusy)) throw error;
      owner = error.owner;
    }
    if (owner.socket) {
      try {
        return await callControl(owner.socket, { command: name, argv }, terminal);
      } catch (error) {
        if (error instanceof ServerGone) {
          return fail(`${error.message}: it may have stopped. Whether "${name}" took effect is unknown; check before running it again.`);
        }
        // The socket is there but nobody answers: the server is stopping or was killed; look at the lock again.
        if (!['ECONNREFUSED', 'ENOENT'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
      }
    } else if (!owner.command.startsWith('npm start')) {
      return fail(`${new DataDirBusy(config.dataDir, owner).message}; run this again when it has finished.`);
    }
    if (Date.now() - started > SERVER_START_WAIT_MS) {
      return fail(`${new DataDirBusy(config.dataDir, owner).message}, but it does not answer on its control socket; is it stuck?`);
    }
    // A server that is starting opens its socket once its database is up.
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Opens the database itself, as the only process on it (embedded) or one of many (PostgreSQL). */
async function runHere(config: Config, name: string, argv: string[]): Promise<number> {
  const database = await openDatabase(config.databaseUrl, config.dataDir);
  const services = createServices(config, database);
  try {
    await services.taxonomy.ensureDefaults();
    // The first admin exists whatever runs first: a demo before the first start included.
    announceFirstAdmin(await services.auth.ensureAdmin(config.adminEmail, config.adminPassword), terminal.print);
    return await runCommand(services, { command: name, argv }, terminal, new AbortController().signal, 'cli');
  } finally {
    await services.jobs.stop();
    await services.processing.close();
    // What a command recorded (the demo's usage) is written before the database closes.
    await services.usage.close();
    await database.close();
  }
}

function fail(message: string): number {
  console.error(message);
  return 1;
}

process.exitCode = await main();
