import { assetService } from './assets/service.ts';
import { authService } from './auth/service.ts';
import type { Config } from './config.ts';
import type { Database } from './db/client.ts';
import { type BlobStore, localBlobStore } from './storage/blob-store.ts';
import { taxonomyService } from './taxonomy/service.ts';
import { usageService } from './usage/service.ts';

/** Everything the routes call, built once per app from the config and the database. */
export function createServices(config: Config, database: Database, blobs: BlobStore = localBlobStore(config.dataDir)) {
  const { db } = database;
  const taxonomy = taxonomyService(db);
  const auth = authService(db);
  const assets = assetService(db, blobs, taxonomy);
  const usage = usageService(db);
  return { config, database, blobs, auth, taxonomy, assets, usage };
}

export type Services = ReturnType<typeof createServices>;
