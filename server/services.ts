import path from 'node:path';
import { assetService } from './assets/service.ts';
import { inviteService } from './auth/invites.ts';
import { authService } from './auth/service.ts';
import type { Config } from './config.ts';
import type { Database } from './db/client.ts';
import { jobRunner } from './jobs/runner.ts';
import { previewStore } from './processing/previews.ts';
import { processingService } from './processing/service.ts';
import { ROLLUP_EVERY_MS, ROLLUP_JOB, rollUpUsage } from './reports/rollup.ts';
import { reportService } from './reports/service.ts';
import { searchService } from './search/service.ts';
import { kitService } from './sharing/kits.ts';
import { SHARE_DIGEST_JOB, sharingService } from './sharing/service.ts';
import { feedbackService } from './feedback/service.ts';
import { influenceService } from './influence/service.ts';
import { notificationService } from './notifications/service.ts';
import { failedSearchBacklog } from './requests/backlog.ts';
import { requestService } from './requests/service.ts';
import { WATCH_CHECK_EVERY_MS, WATCH_CHECK_JOB, watchService } from './requests/watches.ts';
import { blobCollector } from './storage/blob-collector.ts';
import { type BlobStore, localBlobStore } from './storage/blob-store.ts';
import { taxonomyService } from './taxonomy/service.ts';
import { usageService } from './usage/service.ts';

/** Everything the routes call, built once per app from the config and the database. */
export function createServices(config: Config, database: Database, blobs: BlobStore = localBlobStore(config.dataDir)) {
  const { db } = database;
  const taxonomy = taxonomyService(db);
  const auth = authService(db);
  const invites = inviteService(db, auth, config.publicUrl);
  // Files of deleted blobs go after the delete commits, with their previews.
  const previews = previewStore(config.dataDir);
  const collector = blobCollector(db, blobs, { onRemoved: (sha256) => previews.remove(sha256) });
  const assets = assetService(db, blobs, taxonomy, collector, { requireSecondApprover: config.requireSecondApprover });
  const usage = usageService(db);
  // One runner for every domain's jobs, running as many at once as there are processing threads.
  const jobs = jobRunner(database, { concurrency: config.processingThreads });
  const processing = processingService(db, blobs, assets, jobs, config.dataDir, { threads: config.processingThreads, timeoutMs: config.processingTimeoutMs, libreOffice: config.libreOffice });
  assets.onVersionCreated((tx, version) => processing.enqueueVersion(tx, version.id));
  // Beside the files, on local disk: each process keeps its own copy, and a restart loads it instead of re-reading all text.
  const search = searchService(database, taxonomy, usage, { snapshotFile: path.join(config.dataDir, 'search', 'index.snapshot') });
  // Indexed before the request that changed the asset answers, so the next request finds it.
  assets.onChange((change) => search.assetChanged(change.assetId));
  processing.onProcessed((event) => search.assetChanged(event.assetId));
  // A relabelled term ("CFO" → "Chief Financial Officer") is searched by its new label at once.
  taxonomy.onTermChanged((facet, slug) => search.termChanged(facet, slug));
  const notifications = notificationService(db);
  const feedback = feedbackService(db, assets, taxonomy, notifications.notify);
  const reports = reportService(db, usage, { feedback });
  // Every minute, the days that ended or were written since are rolled up: a report reads them from the rollup.
  jobs.register(ROLLUP_JOB, () => rollUpUsage(db).then(() => undefined));
  jobs.schedule(ROLLUP_JOB, { everyMs: ROLLUP_EVERY_MS });
  const kits = kitService(db, assets);
  const sharing = sharingService(db, assets, usage, { publicUrl: config.publicUrl, kits, notify: notifications.notify });
  // Once a day, each sender hears what happened on their links.
  jobs.register(SHARE_DIGEST_JOB, () => sharing.sendDigests().then(() => undefined));
  jobs.schedule(SHARE_DIGEST_JOB, { everyMs: 86_400_000 });
  const requests = requestService(db, assets, taxonomy, usage, notifications.notify);
  const watches = watchService(db, search, usage, notifications.notify);
  // What an asset going live or being read may now answer: watched searches (checked once a burst settles), and
  // requests done with that asset, told once it is approved. The periodic check catches other processes' changes.
  assets.onChange(async (change) => {
    watches.assetsChanged();
    if (change.action !== 'approved') return;
    await requests.announceEnded().catch((e) => console.warn(`requests: telling how they ended failed (${(e as Error).message}); the periodic check retries`));
  });
  processing.onProcessed(() => watches.assetsChanged());
  jobs.register(WATCH_CHECK_JOB, async () => {
    await requests.announceEnded();
    await watches.check();
  });
  jobs.schedule(WATCH_CHECK_JOB, { everyMs: WATCH_CHECK_EVERY_MS });
  const influence = influenceService(db, notifications.notify);
  const backlog = (days: number, limit: number) => failedSearchBacklog(db, search, days, limit);
  return {
    config, database, blobs, collector, auth, invites, taxonomy, assets, usage, jobs, processing, search, reports, sharing, kits, notifications,
    feedback, requests, watches, backlog, influence,
  };
}

export type Services = ReturnType<typeof createServices>;
