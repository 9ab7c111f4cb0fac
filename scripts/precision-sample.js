// node scripts/precision-sample.js [--seed N] [--count N]: a reproducible random sample of
// `rollbook migrations analyze` findings, printed with the statement each one cites, for checking
// by hand (the result goes to docs/verify.md with the seed). Corpora: the bench corpus
// (bench/migrations-analyze generator, 300 migrations) and every example. Run after `npm run build`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateCorpus } from '../bench/migrations-analyze.bench.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { seed: { type: 'string' }, count: { type: 'string' } } });
const SEED = Number(values.seed ?? 20261201);
const COUNT = Number(values.count ?? 50);

/** mulberry32, the PRNG the bench corpus uses. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function analyze(dir) {
  const r = spawnSync(
    process.execPath,
    [join(ROOT, 'bin/rollbook.js'), 'migrations', 'analyze', dir, '--format', 'json'],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    },
  );
  if (r.status !== 0 && r.status !== 1) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

const work = mkdtempSync(join(tmpdir(), 'rollbook-precision-'));
try {
  const corpus = join(work, 'bench');
  mkdirSync(join(corpus, 'migrations'), { recursive: true });
  generateCorpus(join(corpus, 'migrations'), 300);
  const dirs = [
    ['bench', corpus],
    ...readdirSync(join(ROOT, 'examples'))
      .sort()
      .map((e) => [e, join(ROOT, 'examples', e)]),
  ];
  const all = [];
  for (const [label, dir] of dirs) {
    const report = analyze(dir);
    for (const f of report.entries) if (f.type === 'finding') all.push({ label, dir, ...f });
  }
  const next = rng(SEED);
  const picked = new Set();
  while (picked.size < Math.min(COUNT, all.length)) picked.add(Math.floor(next() * all.length));
  process.stdout.write(`seed ${SEED}: ${picked.size} of ${all.length} findings\n\n`);
  let n = 0;
  for (const i of [...picked].sort((a, b) => a - b)) {
    const f = all[i];
    const lines = readFileSync(join(f.dir, f.file), 'utf8').split('\n');
    const around = lines.slice(Math.max(0, f.line - 1), f.line + 2).join(' ⏎ ');
    n++;
    process.stdout.write(
      `${n}. [${f.label}] ${f.file}:${f.line} ${f.severity ?? ''} ${f.rule} ${f.subject ?? ''}\n   SQL: ${around.slice(0, 240)}\n   ${f.message}\n\n`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
