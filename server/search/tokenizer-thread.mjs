// Threads start as plain Node (which cannot strip types before Node 22): load the TypeScript entry through tsx.
import { workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

await tsImport(workerData.entry, import.meta.url);
