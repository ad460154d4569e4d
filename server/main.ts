import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { removeStaleTempFiles } from './storage/blob-store.ts';

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
  const app = await buildApp(config);
  const admin = await app.services.auth.ensureAdmin(config.adminEmail, config.adminPassword);
  if (admin?.generatedPassword) {
    // Printed once, on the first boot only; change it after signing in.
    app.log.warn(`created the first admin: ${admin.email} / ${admin.generatedPassword} (shown only now)`);
    console.log(`\n  First admin: ${admin.email}\n  Password:    ${admin.generatedPassword}\n`);
  } else if (admin) {
    app.log.info(`created the first admin ${admin.email}`);
  }
  const removed = await removeStaleTempFiles(config.dataDir);
  if (removed) app.log.info(`removed ${removed} temp files left by an interrupted upload`);

  let closing = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (closing) process.exit(1);
      closing = true;
      app.log.info(`${signal}: finishing open requests`);
      app.close().then(() => process.exit(0), () => process.exit(1));
    });
  }
  await app.listen({ port: config.port, host: config.host });
  console.log(`Content Hub is running at ${config.publicUrl}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
