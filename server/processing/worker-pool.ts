import { Worker } from 'node:worker_threads';
import { threadScript } from '../worker-threads.ts';
import { Unreadable } from '../errors.ts';

/** Work sent to an extraction thread (see extract-worker.ts). */
export type Task =
  /** `hashImage` false: the upload already took the image's perceptual hash, so the thumbnail needs one pipeline only. */
  | { type: 'analyse'; file: string; mimeType: string; thumbFile: string; hashImage?: boolean }
  | { type: 'render-page'; file: string; mimeType: string; page: number; outFile: string }
  /** The extracted text's words and counts, stored for the search index (see search/text-terms.ts). */
  | { type: 'search-terms'; text: string };

export type TaskReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { message: string; code: string; unreadable: boolean } };

export interface WorkerPoolOptions {
  /** Threads running at most at once. */
  size: number;
  /** A task running longer than this has its thread terminated. */
  timeoutMs: number;
  /** Idle threads end after this long (they hold a PDF engine and image buffers). */
  idleMs?: number;
  /** Where the threads' stderr goes (PDFium prints its complaints there). */
  onStderr?: (line: string) => void;
}

/** A thread died under a task (out of memory, native crash): worth another try, unlike an Unreadable file. */
export class WorkerCrashed extends Error {}

interface Waiting { task: Task; timeoutMs: number; resolve: (value: unknown) => void; reject: (error: Error) => void }
interface Slot { worker: Worker; ready: boolean; current?: Waiting & { id: number; timer: NodeJS.Timeout }; idleTimer?: NodeJS.Timeout }

const thread = threadScript(new URL('./extract-worker.ts', import.meta.url));

/**
 * A few long-lived threads for file parsing, each task under a time limit: past it, the thread is
 * terminated (the only way to stop a parser stuck in a loop) and the task fails as "took too long".
 */
export function workerPool(options: WorkerPoolOptions) {
  const slots = new Set<Slot>();
  const waiting: Waiting[] = [];
  let nextId = 1;
  let closed = false;

  function spawn(): Slot {
    const worker = new Worker(thread.filename, {
      ...thread.options,
      // A JavaScript heap limit per thread; PDFium's WebAssembly heap has its own 2 GB ceiling.
      resourceLimits: { maxOldGenerationSizeMb: 512, maxYoungGenerationSizeMb: 64 },
      stderr: true,
      stdout: true,
    });
    const slot: Slot = { worker, ready: false };
    worker.stderr.setEncoding('utf8').on('data', (chunk: string) => options.onStderr?.(chunk.trimEnd()));
    worker.stdout.resume();
    worker.on('message', (message: { ready: true } | TaskReply) => {
      if ('ready' in message) {
        slot.ready = true;
        dispatch();
        return;
      }
      const current = slot.current;
      if (!current || current.id !== message.id) return;
      clearTimeout(current.timer);
      slot.current = undefined;
      if (message.ok) current.resolve(message.result);
      else current.reject(message.error.unreadable ? new Unreadable(message.error.message, message.error.code) : new Error(message.error.message));
      idle(slot);
      dispatch();
    });
    const lost = (reason: string) => {
      if (!slots.delete(slot)) return;
      clearTimeout(slot.idleTimer);
      if (slot.current) {
        clearTimeout(slot.current.timer);
        slot.current.reject(new WorkerCrashed(`the processing thread stopped (${reason})`));
        slot.current = undefined;
      }
      dispatch();
    };
    worker.on('error', (error) => lost(error.message));
    worker.on('exit', (code) => lost(`exit code ${code}`));
    slots.add(slot);
    return slot;
  }

  function idle(slot: Slot) {
    clearTimeout(slot.idleTimer);
    slot.worker.unref();
    slot.idleTimer = setTimeout(() => {
      if (!slot.current && slots.delete(slot)) void slot.worker.terminate();
    }, options.idleMs ?? 30_000);
    slot.idleTimer.unref();
  }

  function start(slot: Slot, job: Waiting) {
    clearTimeout(slot.idleTimer);
    slot.worker.ref();
    const id = nextId++;
    const timer = setTimeout(() => {
      if (slot.current?.id !== id) return;
      slot.current = undefined;
      slots.delete(slot);
      void slot.worker.terminate();
      job.reject(new Unreadable(`processing took longer than ${Math.round(job.timeoutMs / 100) / 10} s and was stopped (the file may be built to stall the parser)`, 'TOO_SLOW'));
      dispatch();
    }, job.timeoutMs);
    slot.current = { ...job, id, timer };
    slot.worker.postMessage({ id, task: job.task });
  }

  function dispatch() {
    while (waiting.length > 0 && !closed) {
      const free = [...slots].find((s) => s.ready && !s.current);
      if (free) {
        start(free, waiting.shift()!);
        continue;
      }
      // Threads still starting will take the waiting tasks when ready.
      const starting = [...slots].filter((s) => !s.ready).length;
      if (slots.size < options.size && starting < waiting.length) {
        spawn();
        continue;
      }
      return;
    }
  }

  return {
    /** Runs a task on a thread; rejects with Unreadable for a file's own fault (including "took too long"). */
    run<T>(task: Task, timeoutMs = options.timeoutMs): Promise<T> {
      if (closed) return Promise.reject(new Error('the processing pool is shut down'));
      return new Promise<T>((resolve, reject) => {
        waiting.push({ task, timeoutMs, resolve: resolve as (value: unknown) => void, reject });
        dispatch();
      });
    },

    get threads() {
      return slots.size;
    },

    async close() {
      closed = true;
      for (const job of waiting.splice(0)) job.reject(new Error('the processing pool is shut down'));
      const all = [...slots];
      slots.clear();
      for (const slot of all) {
        clearTimeout(slot.idleTimer);
        if (slot.current) {
          clearTimeout(slot.current.timer);
          slot.current.reject(new WorkerCrashed('the processing pool is shut down'));
        }
      }
      await Promise.all(all.map((slot) => slot.worker.terminate()));
    },
  };
}

export type WorkerPool = ReturnType<typeof workerPool>;
