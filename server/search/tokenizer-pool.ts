import { Worker } from 'node:worker_threads';
import { threadScript } from '../worker-threads.ts';
import type { DocumentBody } from './document-tokens.ts';
import { usableTerms } from './text-terms.ts';
import type { TokenizeReply, TokenizeRequest } from './tokenizer-thread.ts';

const tokenizerScript = threadScript(new URL('./tokenizer-thread.ts', import.meta.url));

export interface TokenizedDocuments {
  /** Packed terms of each document in order (see document-tokens.ts), numbered in the thread's dictionary. */
  packed: Int32Array;
  /** Thread term number → index term number. */
  translate: Int32Array;
}

interface Thread {
  worker: Worker;
  translate: Int32Array;
  known: number;
  waiting: Map<number, { resolve: (batch: TokenizedDocuments) => void; reject: (error: Error) => void }>;
}

/**
 * Tokenizer threads for the boot build: tokenizing is most of the cost of indexing 300 million words, and
 * it parallelises; the main thread keeps the one dictionary and appends the postings.
 */
export class TokenizerPool {
  private threads: Thread[] = [];
  private next = 0;
  private nextId = 1;
  private failure: Error | null = null;

  /** `intern` gives the index's number for a word (adding it when new). */
  constructor(size: number, private intern: (term: string) => number) {
    for (let i = 0; i < size; i++) this.threads.push(this.spawn());
  }

  private spawn(): Thread {
    const worker = new Worker(tokenizerScript.filename, { ...tokenizerScript.options, resourceLimits: { maxOldGenerationSizeMb: 1024 } });
    const thread: Thread = { worker, translate: new Int32Array(1 << 16), known: 0, waiting: new Map() };
    worker.on('message', (message: TokenizeReply | { ready: true }) => {
      if ('ready' in message) return;
      // Replies of one thread arrive in order, so its new words are known before any later batch uses them.
      if (thread.known + message.newTerms.length > thread.translate.length) {
        let size = thread.translate.length * 2;
        while (size < thread.known + message.newTerms.length) size *= 2;
        const grown = new Int32Array(size);
        grown.set(thread.translate);
        thread.translate = grown;
      }
      for (const term of message.newTerms) thread.translate[thread.known++] = this.intern(term);
      const waiting = thread.waiting.get(message.id);
      thread.waiting.delete(message.id);
      waiting?.resolve({ packed: message.packed, translate: thread.translate });
    });
    const fail = (error: Error) => {
      this.failure ??= error;
      for (const waiting of thread.waiting.values()) waiting.reject(error);
      thread.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => { if (code !== 0) fail(new Error(`a tokenizer thread stopped (exit code ${code})`)); });
    return thread;
  }

  get size(): number {
    return this.threads.length;
  }

  /** Tokenizes documents (their text or stored terms, as a string or UTF-8 bytes) on the next thread in turn. */
  tokenize(documents: { metadata: [number, string][]; body: DocumentBody }[], averageLength: number): Promise<TokenizedDocuments> {
    if (this.failure) return Promise.reject(this.failure);
    const thread = this.threads[this.next++ % this.threads.length]!;
    const id = this.nextId++;
    // Byte texts go in one buffer that is moved to the thread: each may be a view into a larger buffer of the
    // database driver, which posting it as it is would copy whole.
    const parts = documents.map(({ metadata, body }) => (usableTerms(body.terms) ? { metadata, terms: true, source: body.terms } : { metadata, terms: false, source: body.text }));
    let size = 0;
    for (const { source } of parts) if (source instanceof Uint8Array) size += source.length;
    const bytes = size ? new Uint8Array(size) : null;
    let at = 0;
    const request: TokenizeRequest = {
      id, averageLength, bytes,
      documents: parts.map(({ metadata, terms, source }) => {
        if (!(source instanceof Uint8Array)) return { metadata, terms, text: source, bytes: null };
        bytes!.set(source, at);
        at += source.length;
        return { metadata, terms, text: null, bytes: [at - source.length, at] };
      }),
    };
    return new Promise((resolve, reject) => {
      thread.waiting.set(id, { resolve, reject });
      thread.worker.postMessage(request, bytes ? [bytes.buffer] : []);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
    this.threads = [];
  }
}
