// The fuzz harness: generates cases (./inputs.js), runs each in a worker child process
// (./worker.js) under a time limit, a heap limit and an RSS watchdog, classifies the result,
// minimises one reproducer per distinct failure and writes it to the output directory.
//
// Classes: ok (exit 0 or 1, output contracts hold); input-error (exit 2 with a clear message, no
// stack, nothing on stdout and no --out file: fine); crash (internal error, a stack trace, another exit code, a dead worker); hang
// (over the time limit); over-memory (RSS over the limit, or the heap limit reached); bad-output
// (a raw control character, invalid JSON, a plan off its schema, a script that fails bash -n or
// shellcheck, or a hostile value executed by the script's dry run).

import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { caseArbitrary, generateCase, KINDS, loadSeeds } from './inputs.js';

const HERE = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(HERE, '../..');
export const CLASSES = ['ok', 'input-error', 'crash', 'hang', 'over-memory', 'bad-output'];
export const FAILURES = ['crash', 'hang', 'over-memory', 'bad-output'];
const MiB = 2 ** 20;

/** The length of a case file's content: a string, or { base64 } for bytes (./inputs.js). */
const sizeOf = (content) => (typeof content === 'string' ? content.length : content.base64.length);

/** The class of one result (pure). */
export function classify(r, limits) {
  if (r.timedOut) return 'hang';
  if (
    r.overMemory ||
    r.maxRSS > limits.memoryBytes ||
    /heap out of memory|Reached heap limit/i.test(r.stderr ?? '')
  )
    return 'over-memory';
  if (r.crashed) return 'crash';
  const stderr = r.stderr ?? '';
  if (/internal error|^\s+at .+[:(]\d+:\d+\)?$/m.test(stderr)) return 'crash';
  if (r.code !== 0 && r.code !== 1 && r.code !== 2) return 'crash';
  // exit 2 is a fine answer to bad input only with one message and nothing half-written (worker.js)
  if (r.problems?.length) return 'bad-output';
  if (r.code === 2) return 'input-error';
  return 'ok';
}

/** An input error names where the problem is: `file:line[:col]` in the message. */
export function hasLocation(stderr) {
  return /rollbook: [^\n]*?[^\s:]+:\d+(?::\d+)?: /.test(stderr ?? '');
}

/**
 * What makes two failures the same bug: the class and the first line of what went wrong, without
 * numbers; for a hang or a blow-up (no message), the command and the largest file of the case.
 */
export function signature(cls, r, c) {
  if ((cls === 'hang' || cls === 'over-memory') && c) {
    const [largest] = Object.entries(c.files).sort((a, b) => sizeOf(b[1]) - sizeOf(a[1]));
    return `${cls}: ${c.args[0]} on ${largest ? largest[0].replace(/\d+/g, 'N') : 'an empty repository'}`;
  }
  const what = r.crashed ?? r.problems?.[0] ?? (r.stderr ?? '').split('\n').find((l) => l.trim()) ?? '';
  const frame = (r.crashed ?? r.stderr ?? '').match(/^\s+at .+$/m)?.[0] ?? '';
  const norm = `${what} ${frame}`
    .replace(/<repo>\S*/g, '<path>')
    .replace(/\d+/g, 'N')
    .slice(0, 300);
  return `${cls}: ${norm}`;
}

class Worker {
  constructor(limits) {
    this.limits = limits;
    this.work = mkdtempSync(join(tmpdir(), 'rollbook-fuzz-'));
    this.stderr = '';
    this.child = fork(join(HERE, 'worker.js'), [], {
      execArgv: [`--max-old-space-size=${limits.heapMiB}`],
      env: {
        ...process.env,
        PATH: `/usr/local/bin:/usr/bin:/bin:${process.env.PATH}`,
        RBFUZZ_WORK: this.work,
        LC_ALL: 'C.UTF-8',
      },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child.stderr.on('data', (d) => {
      this.stderr = (this.stderr + d).slice(-8000);
    });
    this.ready = new Promise((ok, fail) => {
      this.child.once('message', (m) => (m.ready ? ok() : fail(new Error('worker did not start'))));
      this.child.once('exit', (code) =>
        fail(new Error(`worker exited during start (${code}): ${this.stderr}`)),
      );
    });
    this.cases = 0;
  }

  /** CPU seconds the worker has used (user + system), from /proc: a busy machine does not make a hang. */
  cpu() {
    try {
      const fields = readFileSync(`/proc/${this.child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      return 0;
    }
  }

  rss() {
    try {
      const m = readFileSync(`/proc/${this.child.pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
      return m ? Number(m[1]) * 1024 : 0;
    } catch {
      return 0;
    }
  }

  /** Runs one case; never throws. A dead worker is reported in the result (the caller replaces it). */
  run(c, id, shellcheck) {
    this.cases++;
    return new Promise((done) => {
      let peak = 0;
      const cpu0 = this.cpu();
      const finish = (r) => {
        clearTimeout(timer);
        clearInterval(watch);
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
        done({ ...r, maxRSS: Math.max(r.maxRSS ?? 0, peak) });
      };
      const onMessage = (m) => {
        if (m.id !== id) return;
        if (m.crashed) finish({ crashed: m.crashed, dead: true });
        else finish(m);
      };
      const onExit = (code, signal) =>
        finish({ dead: true, crashed: `worker died (${signal ?? code})`, stderr: this.stderr });
      // A hang: more CPU time than the limit, or (blocked, e.g. on a FIFO) more wall time than wallMs.
      const timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        finish({ timedOut: true, dead: true, hang: 'wall' });
      }, this.limits.wallMs);
      const watch = setInterval(() => {
        if (this.cpu() - cpu0 > this.limits.timeoutMs / 1000) {
          this.child.kill('SIGKILL');
          finish({ timedOut: true, dead: true, hang: 'cpu' });
          return;
        }
        const rss = this.rss();
        peak = Math.max(peak, rss);
        if (rss > this.limits.memoryBytes) {
          this.child.kill('SIGKILL');
          finish({ overMemory: true, dead: true });
        }
      }, 100);
      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
      this.child.send({ id, files: c.files, args: c.args, shellcheck });
    });
  }

  stop() {
    try {
      this.child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
    rmSync(this.work, { recursive: true, force: true });
  }
}

/** A pool of one or more workers; a worker is replaced after it dies and every `recycle` cases. */
class Pool {
  constructor(limits, size) {
    this.limits = limits;
    this.free = [];
    this.size = size;
    this.waiting = [];
  }

  async take() {
    if (this.free.length > 0) return this.free.pop();
    if (this.size > 0) {
      this.size--;
      const w = new Worker(this.limits);
      await w.ready;
      return w;
    }
    return new Promise((ok) => this.waiting.push(ok));
  }

  async give(w, dead) {
    let next = w;
    if (dead || w.cases >= this.limits.recycle) {
      w.stop();
      next = new Worker(this.limits);
      await next.ready;
    }
    const waiter = this.waiting.shift();
    if (waiter) waiter(next);
    else this.free.push(next);
  }

  async run(c, id, shellcheck = false) {
    const w = await this.take();
    const t0 = performance.now();
    const r = await w.run(c, id, shellcheck);
    r.wallMs = performance.now() - t0;
    if (!r.dead && w.rss() > this.limits.memoryBytes / 2) r.recycle = true;
    await this.give(w, r.dead || r.recycle);
    return r;
  }

  close() {
    for (const w of this.free) w.stop();
    this.free = [];
  }
}

/** Delta debugging: drop files, then chunks of lines, then chunks of characters, while the class stays the same. */
async function minimise(c, cls, sig, attempt, budget) {
  let cur = c;
  let left = budget;
  const same = async (cand) => {
    if (left-- <= 0) return false;
    const r = await attempt(cand);
    return r.cls === cls && (cls === 'hang' || cls === 'over-memory' || r.sig === sig);
  };
  for (const p of Object.keys(cur.files)) {
    if (Object.keys(cur.files).length <= 1 || left <= 0) break;
    const files = { ...cur.files };
    delete files[p];
    if (await same({ ...cur, files })) cur = { ...cur, files };
  }
  for (const p of Object.keys(cur.files)) {
    if (typeof cur.files[p] !== 'string') continue; // bytes ({ base64 }) are kept whole
    for (const sep of ['\n', '']) {
      let parts = sep ? cur.files[p].split('\n') : [...cur.files[p]];
      if (!sep && parts.length > 50_000) continue;
      let chunk = Math.max(1, Math.floor(parts.length / 2));
      while (chunk >= 1 && left > 0) {
        let changed = false;
        for (let i = 0; i < parts.length && left > 0; i += chunk) {
          const cand = [...parts.slice(0, i), ...parts.slice(i + chunk)];
          const files = { ...cur.files, [p]: cand.join(sep) };
          if (await same({ ...cur, files })) {
            cur = { ...cur, files };
            parts = cand;
            changed = true;
            i -= chunk;
          }
        }
        if (!changed) chunk = Math.floor(chunk / 2);
      }
    }
  }
  return cur;
}

function writeReproducer(outDir, cls, sig, c, r, meta) {
  const id = createHash('sha256').update(sig).digest('hex').slice(0, 10);
  const dir = join(outDir, `${cls}-${id}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'repo'), { recursive: true });
  for (const [rel, content] of Object.entries(c.files)) {
    const path = join(dir, 'repo', rel.replace(/\u0000/g, '_'));
    if (!path.startsWith(join(dir, 'repo'))) continue;
    try {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, typeof content === 'string' ? content : Buffer.from(content.base64, 'base64'));
    } catch {
      /* kept in case.json */
    }
  }
  const command = `node bin/rollbook.js ${c.args.join(' ')} ${join(dir, 'repo')}`;
  writeFileSync(
    join(dir, 'case.json'),
    `${JSON.stringify({ class: cls, signature: sig, command, ...meta, kind: c.kind, from: c.from, args: c.args, result: { code: r.code, stderr: r.stderr, problems: r.problems, crashed: r.crashed, ms: r.ms, maxRSS: r.maxRSS }, files: c.files }, null, 2)}\n`,
  );
  return dir;
}

/**
 * Runs a campaign. Options: seed, runs, jobs (workers), timeoutMs (CPU time per case), wallMs (wall
 * time per case, for cases blocked without using CPU), memoryBytes, heapMiB, outDir
 * (undefined: no reproducers written), minimise (budget of re-runs per distinct failure; 0 = off),
 * shellcheckEvery (run shellcheck on every n-th generated script; 0 = never), history (include | skip |
 * only: the commands over git history), kinds (the kinds of repository, ./inputs.js KINDS), log (progress lines),
 * signal (an AbortSignal: stop starting cases; the report covers the cases run).
 */
export async function fuzz(options = {}) {
  const o = {
    seed: 15,
    runs: 100,
    jobs: 1,
    timeoutMs: 10_000,
    wallMs: 120_000,
    memoryBytes: 1024 * MiB,
    heapMiB: 1536,
    recycle: 300,
    outDir: undefined,
    minimise: 60,
    shellcheckEvery: 10,
    history: 'include',
    kinds: KINDS,
    log: () => {},
    ...options,
  };
  const limits = {
    timeoutMs: o.timeoutMs,
    wallMs: o.wallMs,
    memoryBytes: o.memoryBytes,
    heapMiB: o.heapMiB,
    recycle: o.recycle,
  };
  const arb = caseArbitrary(loadSeeds(ROOT), o.history, o.kinds);
  const kinds = {};
  const pool = new Pool(limits, o.jobs);
  const counts = Object.fromEntries(CLASSES.map((k) => [k, 0]));
  const failures = new Map();
  let located = 0;
  // input errors that name no file:line, by their first line without numbers (to read, not a failure)
  const unlocated = new Map();
  let peak = { rss: 0, index: -1, args: [] };
  let slowest = { ms: 0, index: -1, args: [] };
  let shCount = 0;
  const t0 = performance.now();
  let next = 0;
  let done = 0;

  const attempt = async (c) => {
    const r = await pool.run(c, `m${Math.random()}`);
    const cls = classify(r, limits);
    return { r, cls, sig: signature(cls, r, c) };
  };

  const lane = async () => {
    while (next < o.runs && !o.signal?.aborted) {
      const index = next++;
      const c = generateCase(arb, o.seed, index);
      const isSh = c.args.includes('sh');
      const shellcheck = isSh && o.shellcheckEvery > 0 && shCount++ % o.shellcheckEvery === 0;
      let r = await pool.run(c, `c${index}`, shellcheck);
      let cls = classify(r, limits);
      // A hang or an over-memory verdict is confirmed in a fresh worker (the machine may be busy),
      // the first few times for each signature.
      // (The worker's CPU time also counts its GC and compiler threads, which a heavy earlier case
      // can keep busy: a CPU-time hang is confirmed too.)
      if ((cls === 'hang' || cls === 'over-memory') && (failures.get(signature(cls, r, c))?.count ?? 0) < 3) {
        const again = await pool.run(c, `r${index}`, shellcheck);
        if (classify(again, limits) !== cls) {
          r = again;
          cls = classify(again, limits);
        }
      }
      counts[cls]++;
      kinds[c.kind] = (kinds[c.kind] ?? 0) + 1;
      if (cls === 'input-error' && hasLocation(r.stderr)) located++;
      else if (cls === 'input-error') {
        const first = (r.stderr ?? '').split('\n')[0].replace(/\d+/g, 'N').slice(0, 160);
        unlocated.set(first, (unlocated.get(first) ?? 0) + 1);
      }
      if ((r.maxRSS ?? 0) > peak.rss) peak = { rss: r.maxRSS, index, args: c.args, kind: c.kind };
      if ((r.ms ?? 0) > slowest.ms) slowest = { ms: r.ms, index, args: c.args, kind: c.kind };
      if (FAILURES.includes(cls)) {
        const sig = signature(cls, r, c);
        const f = failures.get(sig) ?? { cls, sig, count: 0, first: index, case: c, result: r };
        f.count++;
        failures.set(sig, f);
        o.log(`case ${index} (${c.kind}${c.from ? ` ${c.from}` : ''}; ${c.args.join(' ')}): ${sig}`);
      }
      done++;
      if (done % 250 === 0)
        o.log(
          `${done}/${o.runs} in ${((performance.now() - t0) / 1000).toFixed(0)} s: ${CLASSES.map((k) => `${k} ${counts[k]}`).join(', ')}`,
        );
    }
  };
  try {
    await Promise.all(Array.from({ length: o.jobs }, lane));
    const wallMs = performance.now() - t0;
    const reproducers = [];
    if (o.outDir) {
      mkdirSync(o.outDir, { recursive: true });
      for (const f of failures.values()) {
        const small =
          o.minimise > 0
            ? await minimise(
                f.case,
                f.cls,
                f.sig,
                attempt,
                f.cls === 'hang' ? Math.min(o.minimise, 12) : o.minimise,
              )
            : f.case;
        reproducers.push(
          writeReproducer(o.outDir, f.cls, f.sig, small, f.result, {
            seed: o.seed,
            index: f.first,
            count: f.count,
          }),
        );
      }
    }
    return {
      seed: o.seed,
      runs: done,
      counts,
      kinds,
      located,
      unlocated: [...unlocated.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)),
      wallMs,
      peak,
      slowest,
      failures: [...failures.values()],
      reproducers,
    };
  } finally {
    pool.close();
  }
}

export function formatReport(report, options) {
  const c = report.counts;
  const lines = [
    `rollbook fuzz: seed ${report.seed}, ${report.runs} inputs in ${(report.wallMs / 1000).toFixed(1)} s (${options.jobs} worker${options.jobs === 1 ? '' : 's'}, time limit ${options.timeoutMs / 1000} s CPU / ${(options.wallMs ?? 120_000) / 1000} s wall, memory limit ${Math.round(options.memoryBytes / MiB)} MiB; history commands: ${options.history ?? 'include'})`,
    `  inputs        ${Object.entries(report.kinds ?? {})
      .sort((a, b) => (a[0] < b[0] ? -1 : 1))
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}`,
    `  ok            ${c.ok}`,
    `  input error   ${c['input-error']} (${report.located} naming file:line)`,
    `  crash         ${c.crash}`,
    `  hang          ${c.hang}`,
    `  over memory   ${c['over-memory']}`,
    `  bad output    ${c['bad-output']}`,
    `  peak RSS ${Math.round(report.peak.rss / MiB)} MiB (case ${report.peak.index}: ${report.peak.kind}, ${report.peak.args.join(' ')}); slowest ${(report.slowest.ms / 1000).toFixed(2)} s (case ${report.slowest.index}: ${report.slowest.kind}, ${report.slowest.args.join(' ')})`,
  ];
  for (const [first, n] of (report.unlocated ?? []).slice(0, 12))
    lines.push(`  input error without file:line, ${n}×: ${first}`);
  for (const f of report.failures) lines.push(`  ${f.count}× ${f.sig} (first: case ${f.first})`);
  for (const r of report.reproducers) lines.push(`  reproducer: ${r}`);
  return `${lines.join('\n')}\n`;
}
