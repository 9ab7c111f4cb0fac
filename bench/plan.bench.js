// Times `rollbook plan` (the built binary, as a user runs it) on each bundled example.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const examples = ['catalog-web', 'checkout-api', 'orders-worker', 'storefront'];
const RUNS = 7;

function time(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [join(root, 'bin/rollbook.js'), ...args], {
    cwd: root,
    encoding: 'utf8',
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`rollbook ${args.join(' ')} failed: ${r.stderr}`);
  return ms;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export default async function () {
  const rows = [
    '## rollbook plan on the examples',
    '',
    `Wall time of the built CLI (process start included), median of ${RUNS} runs.`,
    '',
    '| example | md (ms) | json (ms) |',
    '|---|---|---|',
  ];
  for (const ex of examples) {
    const dir = join('examples', ex);
    time(['plan', dir]);
    const md = median(Array.from({ length: RUNS }, () => time(['plan', dir])));
    const json = median(Array.from({ length: RUNS }, () => time(['plan', dir, '--format', 'json'])));
    rows.push(`| ${ex} | ${md.toFixed(0)} | ${json.toFixed(0)} |`);
  }
  return `${rows.join('\n')}\n`;
}
