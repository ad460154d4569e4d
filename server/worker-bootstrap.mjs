// Worker threads start as plain Node: load the TypeScript entry through tsx (Node 20 cannot strip types).
import { workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

await tsImport(workerData.entry, import.meta.url);
