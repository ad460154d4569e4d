// A tokenizer thread for the boot build: turns documents into packed terms numbered in its own dictionary,
// and sends each new word's text once, so the main thread can map its numbers to the index's.
import { parentPort } from 'node:worker_threads';
import { TermDictionary } from './dictionary.ts';
import { DocumentTokenizer, Int32Builder } from './document-tokens.ts';

/**
 * A document's text (or its stored terms, when `terms`) is a string, or bytes [start, end) of the request's
 * `bytes` (UTF-8, moved, not copied).
 */
export interface TokenizeRequest {
  id: number;
  averageLength: number;
  documents: { metadata: [number, string][]; terms: boolean; text: string | null; bytes: [number, number] | null }[];
  bytes: Uint8Array | null;
}
export interface TokenizeReply { id: number; newTerms: string[]; packed: Int32Array }

const dictionary = new TermDictionary();
const tokenizer = new DocumentTokenizer(dictionary);
const out = new Int32Builder();
let sent = 0;

parentPort!.on('message', (request: TokenizeRequest) => {
  for (const { metadata, terms, text, bytes } of request.documents) {
    const source = bytes ? request.bytes!.subarray(bytes[0], bytes[1]) : text;
    tokenizer.tokenize(metadata, terms ? { text: null, terms: source } : { text: source }, out, request.averageLength);
  }
  const packed = out.take();
  const newTerms = dictionary.text.slice(sent);
  sent = dictionary.size;
  const reply: TokenizeReply = { id: request.id, newTerms, packed };
  parentPort!.postMessage(reply, [packed.buffer as ArrayBuffer]);
});
parentPort!.postMessage({ ready: true });
