import { buildApp } from './app.ts';
import { runCommand } from './cli/commands.ts';
import { ConfigError, loadConfig } from './config.ts';
import { isDatabaseUnavailable } from './db/unavailable.ts';
import { controlSocketPath, serveControl } from './instance/control-socket.ts';
import { DataDirBusy, lockDataDir, type DataDirLock } from './instance/data-dir-lock.ts';
import { announceFirstAdmin } from './instance/first-admin.ts';
import { removeStaleTempFiles, TEMP_FILE_MAX_AGE_MS } from './storage/blob-store.ts';

// postgres.js 3.4.9 can still reject a promise nobody holds when a backend dies mid-query (its issues #1154 and #1208,
// partly patched in patches/): a lost database connection is no reason to stop serving, the pool reconnects and the
// requests meanwhile answer 503. Any other unhandled rejection is a bug and still ends the process.
process.on('unhandledRejection', (reason) => {
  if (isDatabaseUnavailable(reason)) {
    console.warn(`database connection lost outside a request: ${(reason as Error).message}`);
    return;
  }
  console.error(reason);
  process.exit(1);
});

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  // The embedded database takes one process: this one, while it runs. Commands reach it through the control socket.
  let lock: DataDirLock | undefined;
  if (!config.databaseUrl) {
    try {
      lock = lockDataDir(config.dataDir, 'npm start');
    } catch (error) {
      if (!(error instanceof DataDirBusy)) throw error;
      console.error(`Cannot start: ${error.message}.\nStop it first, or give this one another DATA_DIR.`);
      process.exit(1);
    }
  }
  const app = await buildApp(config);
  const admin = await app.services.auth.ensureAdmin(config.adminEmail, config.adminPassword);
  if (admin) app.log.warn(`created the first admin ${admin.email}`);
  announceFirstAdmin(admin, console.log);
  // Not listening yet: with DATA_DIR locked, no upload can be in flight, so every temp file is a crashed one's.
  const removed = await removeStaleTempFiles(app.services.blobs, lock ? 0 : TEMP_FILE_MAX_AGE_MS);
  if (removed) app.log.info(`removed ${removed} temp files left by an interrupted upload`);

  let control: { close(): Promise<void> } | undefined;
  if (lock) {
    const socket = controlSocketPath(config.dataDir);
    control = await serveControl(socket, (request, out, signal) => {
      app.log.info(`running \`npm run ${request.command}\` for the command line`);
      return runCommand(app.services, request, out, signal, 'server');
    }, (error) => app.log.error({ err: error }, 'control socket'));
    lock.update({ socket });
  }

  let closing = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (closing) process.exit(1);
      closing = true;
      app.log.info(`${signal}: finishing open requests`);
      const close = async () => {
        await control?.close();
        await app.close();
        // Last, once the database is closed: the next process may open it from here on.
        lock?.release();
      };
      close().then(() => process.exit(0), () => process.exit(1));
    });
  }
  await app.listen({ port: config.port, host: config.host });
  console.log(`Content Hub is running at ${config.publicUrl}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
