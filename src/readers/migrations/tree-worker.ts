/**
 * Helper thread of the parse pipeline (pool.ts parseWithHelper): runs the Postgres parser (WASM)
 * over the texts it claims and posts back the parser's JSON text, untouched; the main thread
 * decodes it and does everything else (positions, PL/pgSQL, error recovery). A text the parser
 * rejects comes back as null, and the main thread parses it again the ordinary way, so errors
 * are reported exactly as without the helper.
 *
 * It calls the parser's emscripten module directly (the same exports libpg-query's parseSync
 * calls) because parseSync decodes the JSON into objects, which cannot cross threads cheaply.
 */
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { type MessagePort, workerData } from 'node:worker_threads';
import { HAS_SQL } from './parse.js';

interface PgModule {
  _malloc(n: number): number;
  _free(p: number): void;
  _wasm_parse_query_raw(p: number): number;
  _wasm_free_parse_result(p: number): void;
  getValue(p: number, type: 'i32'): number;
  lengthBytesUTF8(s: string): number;
  stringToUTF8(s: string, p: number, n: number): void;
  UTF8ToString(p: number): string;
}

const { texts, claim, port } = workerData as { texts: string[]; claim: Int32Array; port: MessagePort };

/** The parser's JSON for a text, or null when it reports an error (or the text holds no SQL). */
function tree(m: PgModule, text: string): string | null {
  if (!HAS_SQL.test(text)) return null;
  const len = m.lengthBytesUTF8(text) + 1;
  const query = m._malloc(len);
  let result = 0;
  try {
    m.stringToUTF8(text, query, len);
    result = m._wasm_parse_query_raw(query);
    if (!result) return null;
    const treePtr = m.getValue(result, 'i32');
    const errorPtr = m.getValue(result + 8, 'i32');
    if (errorPtr || !treePtr) return null;
    return m.UTF8ToString(treePtr);
  } finally {
    m._free(query);
    if (result) m._wasm_free_parse_result(result);
  }
}

// Same compilation tier as the main thread's parser (see parse.ts loadParser).
try {
  setFlagsFromString('--liftoff-only');
} catch {
  /* default tiering */
}
const factory = createRequire(import.meta.url)('libpg-query/wasm/libpg-query.js') as () => Promise<PgModule>;
const m = await factory();

// Small batches so the main thread can start decoding early; [index, tree, index, tree, ...].
let batch: (number | string | null)[] = [];
let size = 0;
for (;;) {
  const i = Atomics.add(claim, 0, 1);
  if (i >= texts.length) break;
  const text = texts[i] as string;
  batch.push(i, tree(m, text));
  size += text.length;
  if (size >= 64 * 1024) {
    port.postMessage(batch);
    batch = [];
    size = 0;
  }
}
if (batch.length > 0) port.postMessage(batch);
port.postMessage('done');
port.close();
