// npm run reprocess -- --all | --failed | --id <asset id> [--id …] [--queue-only] | --search-terms
// Queues the processing of asset versions again (after an upgrade, or to retry failures) and runs it here,
// unless --queue-only leaves it to the running servers (PostgreSQL; an embedded database has one process only).
// --search-terms only works out the stored search terms of texts that have none, without reading files again.
import { parseArgs } from 'node:util';
import { buildApp } from '../app.ts';
import { ConfigError, loadConfig } from '../config.ts';

const usage = `usage: npm run reprocess -- (--all | --failed | --id ASSET_ID [--id …]) [--queue-only]
       npm run reprocess -- --search-terms
  --all           every version of every asset
  --failed        versions whose processing failed
  --id ID         the versions of this asset (repeatable)
  --queue-only    only queue the jobs; running servers pick them up (PostgreSQL)
  --search-terms  store the search terms of extracted texts that have none (after an upgrade), so the search
                  index's first build reads those instead of the texts; files are not read again`;

async function main() {
  let values;
  try {
    ({ values } = parseArgs({ options: {
      all: { type: 'boolean' }, failed: { type: 'boolean' }, id: { type: 'string', multiple: true }, 'queue-only': { type: 'boolean' },
      'search-terms': { type: 'boolean' }, help: { type: 'boolean' },
    } }));
  } catch (error) {
    return fail(`${(error as Error).message}\n${usage}`);
  }
  const selected = [values.all, values.failed, !!values.id?.length, values['search-terms']].filter(Boolean).length;
  if (values.help || selected === 0 || (values['search-terms'] && selected > 1)) return fail(usage);
  const bad = values.id?.find((id) => !/^[0-9a-f-]{36}$/i.test(id));
  if (bad) return fail(`not an asset id: ${bad}`);

  let config;
  try {
    config = loadConfig(process.env, { serveWeb: false, backgroundJobs: false, logLevel: 'warn' });
  } catch (error) {
    if (error instanceof ConfigError) return fail(`Configuration error: ${error.message}`);
    throw error;
  }
  const app = await buildApp(config);
  const { processing } = app.services;
  try {
    if (values['search-terms']) {
      const started = Date.now();
      let said = 0;
      const stored = await processing.storeSearchTerms((done, total) => {
        if (Date.now() - said < 2_000 && done < total) return;
        said = Date.now();
        console.log(`  ${done.toLocaleString('en')} of ${total.toLocaleString('en')} texts`);
      });
      console.log(`stored the search terms of ${stored.toLocaleString('en')} text${stored === 1 ? '' : 's'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return;
    }
    const queued = await processing.reprocess({ all: values.all, failedOnly: values.failed, assetIds: values.id });
    console.log(`queued ${queued} version${queued === 1 ? '' : 's'}`);
    if (values['queue-only'] || queued === 0) return;
    const started = Date.now();
    const progress = setInterval(() => {
      void processing.counts().then((c) => console.log(`  ${c.queued} queued, ${c.running} running, ${c.failed} failed`));
    }, 5_000);
    await processing.drain({ info: () => {}, warn: (m) => console.warn(m), error: (m) => console.error(m) });
    clearInterval(progress);
    const counts = await processing.counts();
    console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s; ${counts.failed} job(s) failed in total (see preview errors on the assets)`);
  } finally {
    await app.close();
  }
}

function fail(message: string): void {
  console.error(message);
  process.exitCode = 1;
}

await main();
