/**
 * Helper thread of the parse pipeline (pool.ts parseWithHelper): runs the Postgres parser (WASM)
 * over the texts it claims and posts back the parser's JSON text, untouched, plus the parses of
 * their PL/pgSQL (see precompute); the main thread decodes them and does everything else
 * (positions, error recovery). A text the parser
 * rejects comes back as null, and the main thread parses it again the ordinary way, so errors
 * are reported exactly as without the helper.
 *
 * It calls the parser's emscripten module directly (the same exports libpg-query's parseSync
 * calls) because parseSync decodes the JSON into objects, which cannot cross threads cheaply.
 */
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { type MessagePort, workerData } from 'node:worker_threads';
import { HAS_SQL, parseSql, useParserCalls } from './parse.js';

interface PgModule {
  _malloc(n: number): number;
  _free(p: number): void;
  _wasm_parse_query_raw(p: number): number;
  _wasm_free_parse_result(p: number): void;
  _wasm_parse_plpgsql(p: number): number;
  _wasm_free_string(p: number): void;
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

/** parsePlPgSQL's JSON, or null when it reports an error. */
function plTree(m: PgModule, text: string): string | null {
  const len = m.lengthBytesUTF8(text) + 1;
  const query = m._malloc(len);
  let result = 0;
  try {
    m.stringToUTF8(text, query, len);
    result = m._wasm_parse_plpgsql(query);
    const json = result ? m.UTF8ToString(result) : '';
    return json.startsWith('{') ? json : null;
  } finally {
    m._free(query);
    if (result) m._wasm_free_string(result);
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

/**
 * PL/pgSQL (DO blocks, function bodies) is parsed again statement by statement, on the main
 * thread, by parse.ts embedded(). To take that off the main thread too, run the same code here
 * with parser calls that record every successful result, and send the recordings along.
 */
let recording: string[] = [];
const fail = (): never => {
  throw new Error('parsed on the main thread');
};
useParserCalls({
  parseSync: ((q: string) => {
    const json = tree(m, q);
    if (json === null) return fail();
    recording.push(`sql\u0000${q}`, json);
    return JSON.parse(json);
  }) as never,
  parsePlPgSQLSync: ((q: string) => {
    const json = plTree(m, q);
    if (json === null) return fail();
    recording.push(`pl\u0000${q}`, json);
    return JSON.parse(json);
  }) as never,
  scanSync: fail as never,
});

function precompute(text: string, json: string): string[] | null {
  if (!json.includes('"DoStmt"') && !json.includes('"CreateFunctionStmt"')) return null;
  recording = [];
  try {
    parseSql('', text, json);
  } catch {
    return null;
  }
  return recording.length > 0 ? recording : null;
}

// Small batches so the main thread can start decoding early: [index, tree, precomputed, ...].
let batch: (number | string | string[] | null)[] = [];
let size = 0;
for (;;) {
  const i = Atomics.add(claim, 0, 1);
  if (i >= texts.length) break;
  const text = texts[i] as string;
  const json = tree(m, text);
  batch.push(i, json, json === null ? null : precompute(text, json));
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
