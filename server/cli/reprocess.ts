// npm run reprocess -- --all | --failed | --id <asset id> [--id …] [--queue-only] | --search-terms
// Queues the processing of asset versions again (after an upgrade, or to retry failures) and waits for it: run by the
// server when one owns the data (its job runner does the work), else here. --queue-only leaves the work to the
// running servers. --search-terms only works out the stored search terms of texts that have none, without reading files.
import { parseArgs } from 'node:util';
import type { Services } from '../services.ts';
import { defineCommand, UsageError, type CommandContext } from './command.ts';

const PROGRESS_EVERY_MS = 2_000;

export default defineCommand({
  usage: `usage: npm run reprocess -- (--all | --failed | --id ASSET_ID [--id …]) [--queue-only]
       npm run reprocess -- --search-terms
  --all           every version of every asset
  --failed        versions whose processing failed
  --id ID         the versions of this asset (repeatable)
  --queue-only    only queue the jobs; running servers pick them up
  --search-terms  store the search terms of extracted texts that have none (after an upgrade), so the search
                  index's first build reads those instead of the texts; files are not read again`,

  parse(argv) {
    let values;
    try {
      ({ values } = parseArgs({ args: argv, options: {
        all: { type: 'boolean' }, failed: { type: 'boolean' }, id: { type: 'string', multiple: true }, 'queue-only': { type: 'boolean' },
        'search-terms': { type: 'boolean' },
      } }));
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const selected = [values.all, values.failed, !!values.id?.length, values['search-terms']].filter(Boolean).length;
    if (selected === 0) throw new UsageError('say which versions');
    if (values['search-terms'] && selected > 1) throw new UsageError('--search-terms goes alone');
    const bad = values.id?.find((id) => !/^[0-9a-f-]{36}$/i.test(id));
    if (bad) throw new UsageError(`not an asset id: ${bad}`);
    return { all: !!values.all, failedOnly: !!values.failed, assetIds: values.id, queueOnly: !!values['queue-only'], searchTerms: !!values['search-terms'] };
  },

  async run(context, args) {
    const { services: { processing }, out } = context;
    const started = Date.now();
    const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
    if (args.searchTerms) {
      let said = 0;
      const stored = await processing.storeSearchTerms((done, total) => {
        if (Date.now() - said < PROGRESS_EVERY_MS && done < total) return;
        said = Date.now();
        out.progress(`${done.toLocaleString('en')} of ${total.toLocaleString('en')} texts`);
      });
      out.print(`stored the search terms of ${stored.toLocaleString('en')} text${stored === 1 ? '' : 's'} in ${seconds()} s`);
      return 0;
    }
    const queued = await processing.reprocess(args);
    out.print(`queued ${queued} version${queued === 1 ? '' : 's'}`);
    if (args.queueOnly || queued === 0) return 0;
    const finished = await runQueued(context);
    const counts = await processing.counts();
    if (!finished) {
      out.print(`stopped waiting after ${seconds()} s; the server goes on with ${counts.queued + counts.running} job(s)`);
      return 0;
    }
    out.print(`done in ${seconds()} s; ${counts.failed} job(s) failed in total (see preview errors on the assets)`);
    return 0;
  },
});

/** Runs the queue to its end: here, or by waiting on the server's own job runner. False when the person stopped waiting. */
async function runQueued({ services, out, signal, host }: CommandContext): Promise<boolean> {
  const { processing } = services;
  const report = () => processing.counts().then((c) => out.progress(`${c.queued} queued, ${c.running} running, ${c.failed} failed`));
  const progress = setInterval(() => void report().catch(() => {}), PROGRESS_EVERY_MS);
  try {
    if (host === 'cli' || !runsJobs(services)) {
      await processing.drain({ info: () => {}, warn: (m) => out.warn(m), error: (m) => out.warn(m) });
      return true;
    }
    while (!signal.aborted) {
      const counts = await processing.counts();
      if (counts.queued + counts.running === 0) return true;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return false;
  } finally {
    clearInterval(progress);
  }
}

// A server started with BACKGROUND_JOBS=0 runs no queue of its own, so the command drains it in the server instead.
const runsJobs = (services: Services) => services.config.backgroundJobs;
