// npm run bench: runs every bench/*.bench.js (each exports a default async function returning a
// Markdown section) and prints the report; also writes bench/out/report.md. Never part of npm test.

import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.js'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
// The replay benchmark compares PGlite with a real server: start a throw-away one when none is named.
let stopServer = () => {};
if (!process.env.ROLLBOOK_BENCH_DATABASE_URL && !process.env.ROLLBOOK_TEST_DATABASE_URL) {
  const r = spawnSync('bash', [join(here, '..', 'scripts', 'test-services.sh')], { encoding: 'utf8' });
  const env = Object.fromEntries([...r.stdout.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
  if (r.status === 0 && env.ROLLBOOK_TEST_DATABASE_URL) {
    process.env.ROLLBOOK_BENCH_DATABASE_URL = env.ROLLBOOK_TEST_DATABASE_URL;
    const ctl = [env.ROLLBOOK_TEST_PGCTL, '-D', env.ROLLBOOK_TEST_PGDATA, '-m', 'fast', 'stop'];
    stopServer = () => {
      const asPostgres = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--', ...ctl] : ctl;
      spawnSync(asPostgres[0], asPostgres.slice(1), { cwd: '/', stdio: 'ignore' });
    };
  } else {
    process.stderr.write('bench: no PostgreSQL server could be started; replay compares PGlite only\n');
  }
}
const sections = [
  `# rollbook benchmarks\n\nNode ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB.\n`,
];
for (const f of files) {
  const t0 = performance.now();
  process.stderr.write(`bench: ${f} ...\n`);
  const mod = await import(pathToFileURL(join(here, f)).href);
  sections.push(await mod.default());
  process.stderr.write(`bench: ${f} done in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
}
stopServer();
const report = `${sections.join('\n')}\n`;
mkdirSync(join(here, 'out'), { recursive: true });
writeFileSync(join(here, 'out', 'report.md'), report);
process.stdout.write(report);
