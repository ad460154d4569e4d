import path from 'node:path';
import type { WorkerOptions } from 'node:worker_threads';

// Node 20 cannot run TypeScript in a thread by itself: from source the entry is loaded through tsx by a tiny
// bootstrap; `npm start` runs the esbuild bundle in dist/, where each thread entry is bundled beside main.js.
const runningFromSource = import.meta.url.endsWith('.ts');
const bootstrap = new URL('./worker-bootstrap.mjs', import.meta.url);

/** The script and workerData that start a thread running `entry` (a .ts module). */
export function threadScript(entry: URL): { filename: URL; options: Pick<WorkerOptions, 'workerData'> } {
  if (runningFromSource) return { filename: bootstrap, options: { workerData: { entry: entry.href } } };
  return { filename: new URL(`./${path.basename(entry.pathname, '.ts')}.js`, import.meta.url), options: {} };
}
