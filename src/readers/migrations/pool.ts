/**
 * Parse many SQL texts: inline, with one helper thread that runs the parser while the main thread
 * decodes its output (the default for many files on ≥ 2 cores), or in a
 * pool of worker threads when ROLLBOOK_PARSE_WORKERS asks for one (the WASM parser is CPU-bound
 * and independent per file). Results come back in job order; a failed worker falls back to
 * parsing its share inline, so the outcome never depends on the threads.
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { loadParser, type Origin, type ParsedSql, parseSql } from './parse.js';

export interface Job {
  file: string;
  text: string;
  /** Where `text` starts in the file, when it is a section of it (default 1:1). */
  origin?: Origin;
}

function parseOne(j: Job, tree?: string): ParsedSql {
  try {
    return parseSql(j.file, j.text, tree, j.origin);
  } catch (e) {
    return {
      statements: [],
      errors: [
        {
          message: `the parser failed: ${(e as Error)?.message ?? String(e)}`,
          at: { file: j.file, line: 1, col: 1 },
        },
      ],
    };
  }
}

function inline(jobs: Job[]): ParsedSql[] {
  return jobs.map((j) => parseOne(j));
}

/**
 * ROLLBOOK_PARSE_WORKERS=1: one helper thread, always. Unset: a helper thread for ≥ 64 files on
 * a machine with ≥ 2 cores (below that, starting the thread costs more than it saves: ~0.1 s
 * CPU for a second isolate and parser). Measured on 2 cores, 2,400 files, load average ~2:
 * wall 1.34 s vs 1.66 s inline, CPU 2.21 s vs 2.20 s.
 */
function helperWanted(jobs: number): boolean {
  // The worker script exists only in the compiled package (dist/…/tree-worker.js).
  if (!import.meta.url.endsWith('.js') || jobs < 2) return false;
  const env = process.env.ROLLBOOK_PARSE_WORKERS;
  if (env === '1') return true;
  if (env !== undefined && env !== '') return false;
  return jobs >= 64 && availableParallelism() >= 2;
}

/**
 * Two threads on one queue: both claim the next text from a shared counter; the helper
 * (tree-worker.ts) only runs the WASM parser and posts the parser's JSON back, the main thread
 * decodes those trees (JSON, positions, PL/pgSQL) as they arrive and parses texts itself when
 * none are waiting, so the split balances itself whatever the helper's speed.
 */
async function parseWithHelper(jobs: Job[]): Promise<ParsedSql[]> {
  const results: (ParsedSql | undefined)[] = new Array(jobs.length);
  const claim = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  let finished = false; // the helper said done, failed, or exited
  let worker: Worker | undefined;
  try {
    worker = new Worker(new URL('./tree-worker.js', import.meta.url), {
      workerData: { texts: jobs.map((j) => j.text), claim, port: port2 },
      transferList: [port2],
    });
    worker.once('error', () => {
      finished = true;
    });
    worker.once('exit', () => {
      finished = true;
    });
  } catch {
    finished = true;
  }
  const drain = (): boolean => {
    let got = false;
    for (let m = receiveMessageOnPort(port1); m; m = receiveMessageOnPort(port1)) {
      got = true;
      const msg = m.message as 'done' | (number | string | null)[];
      if (msg === 'done') {
        finished = true;
        continue;
      }
      for (let k = 0; k < msg.length; k += 2) {
        const i = msg[k] as number;
        const tree = msg[k + 1] as string | null;
        results[i] = parseOne(jobs[i] as Job, tree ?? undefined);
      }
    }
    return got;
  };
  await loadParser();
  for (;;) {
    if (drain()) continue;
    const i = Atomics.add(claim, 0, 1);
    if (i >= jobs.length) break;
    results[i] = parseOne(jobs[i] as Job);
  }
  // the helper's last claims
  while (!finished) {
    if (!drain()) await new Promise((r) => setTimeout(r, 1));
  }
  drain();
  port1.close();
  if (worker) void worker.terminate();
  // anything the helper claimed but never delivered (it failed): parse it here
  return results.map((r, i) => r ?? parseOne(jobs[i] as Job));
}

/**
 * Worker count: ROLLBOOK_PARSE_WORKERS=N (N ≥ 2 for a pool of N threads; 0 = inline; 1 or unset:
 * see helperWanted).
 * Off by default: each worker loads and warms up its own WASM parser and the results cross the
 * thread boundary as JSON, so a pool costs ~40% more CPU in total (2,400 files: 4.3 s vs 2.9 s)
 * and only shortens the wall time on a machine with idle cores.
 */
function workerCount(jobs: number): number {
  // The worker script exists only in the compiled package (dist/…/parse-worker.js).
  if (!import.meta.url.endsWith('.js')) return 0;
  const n = Number(process.env.ROLLBOOK_PARSE_WORKERS ?? 0);
  if (!Number.isInteger(n) || n < 2 || jobs < 2) return 0;
  return Math.min(n, 16, Math.ceil(jobs / 50));
}

function runWorker(jobs: Job[]): Promise<ParsedSql[]> {
  return new Promise((resolve) => {
    let done = false;
    const worker = new Worker(new URL('./parse-worker.js', import.meta.url), { workerData: { jobs } });
    const fallback = () => {
      if (done) return;
      done = true;
      resolve(inline(jobs));
    };
    worker.once('message', (results: string) => {
      if (done) return;
      done = true;
      resolve(JSON.parse(results) as ParsedSql[]);
      void worker.terminate();
    });
    worker.once('error', fallback);
    worker.once('exit', fallback);
  });
}

export async function parseMany(jobs: Job[]): Promise<ParsedSql[]> {
  if (helperWanted(jobs.length)) return parseWithHelper(jobs);
  const n = Math.min(workerCount(jobs.length), jobs.length);
  if (n < 1) {
    await loadParser();
    return inline(jobs);
  }
  // contiguous batches of about equal text size
  const total = jobs.reduce((s, j) => s + j.text.length, 0);
  const batches: Job[][] = [];
  let cur: Job[] = [];
  let size = 0;
  for (const j of jobs) {
    cur.push(j);
    size += j.text.length;
    if (size >= (total / n) * (batches.length + 1) && batches.length < n - 1) {
      batches.push(cur);
      cur = [];
    }
  }
  batches.push(cur);
  const results = await Promise.all(batches.map((b) => (b.length ? runWorker(b) : Promise.resolve([]))));
  return results.flat();
}
