// Fuzz worker: a long-lived child process (started by ./harness.js with a heap limit) that runs
// cases one at a time, in process, through the CLI's main() exactly as the binary does, and checks
// the output contracts: no raw control or bidi character; JSON parses (and a plan matches its
// schema); a generated script passes `bash -n` (and shellcheck when asked) and its --dry-run in a
// sandbox executes no hostile value (the canary file never appears). Reports one message per case.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
// The build under test: dist/, or a copy (RBFUZZ_DIST) so a long campaign is not changed by a rebuild.
const DIST = resolve(process.env.RBFUZZ_DIST ?? join(ROOT, 'dist'));
const { main } = await import(pathToFileURL(join(DIST, 'cli/main.js')).href);
const { planJsonSchema } = await import(pathToFileURL(join(DIST, 'renderers/plan-schema.js')).href);

const CANARY = 'rbfuzz-canary';
const UNSAFE =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|\r(?!\n)/;
const work = process.env.RBFUZZ_WORK ?? mkdtempSync(join(tmpdir(), 'rollbook-fuzz-'));
process.env.CI = 'true';
process.env.GIT_CEILING_DIRECTORIES = tmpdir();
let current;

/** A case file's content: a string, or { base64 } for bytes that are not text (./inputs.js). */
function bytesOf(content) {
  return typeof content === 'string' ? content : Buffer.from(content.base64, 'base64');
}

function materialize(dir, files) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [rel, content] of Object.entries(files)) {
    const path = join(dir, rel.replace(/\u0000/g, '_'));
    if (!path.startsWith(`${dir}/`)) continue;
    try {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, bytesOf(content));
    } catch {
      // a name the filesystem refuses (too long, a file where a directory must be): skip it
    }
  }
}

function unsafeAt(text) {
  const m = UNSAFE.exec(text);
  return m
    ? `U+${m[0].codePointAt(0).toString(16).padStart(4, '0')} at ${m.index}: ${JSON.stringify(text.slice(Math.max(0, m.index - 30), m.index + 10))}`
    : undefined;
}

// The canary commands create a file named exactly CANARY in the working directory (input file
// names may contain the token itself: they are not evidence).
function canaryIn(dir) {
  return existsSync(join(dir, CANARY));
}

function checkScript(script, shellcheck) {
  const problems = [];
  const sandbox = join(work, 'sandbox');
  rmSync(sandbox, { recursive: true, force: true });
  mkdirSync(sandbox);
  const file = join(sandbox, 'rollback.sh');
  writeFileSync(file, script);
  const syntax = spawnSync('bash', ['-n', file], { encoding: 'utf8', timeout: 20_000 });
  if (syntax.status !== 0) problems.push(`bash -n: ${syntax.stderr.slice(0, 300)}`);
  const dry = spawnSync('bash', [file, '--dry-run'], {
    cwd: sandbox,
    encoding: 'utf8',
    timeout: 30_000,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH, HOME: sandbox, LC_ALL: 'C.UTF-8' },
  });
  if (canaryIn(sandbox) || canaryIn(join(work, 'repo')))
    problems.push('a hostile value was executed by the dry run');
  const shown = unsafeAt(dry.stdout ?? '') ?? unsafeAt(dry.stderr ?? '');
  if (shown) problems.push(`dry run printed an unsafe character: ${shown}`);
  if (shellcheck) {
    const sc = spawnSync('shellcheck', ['--severity=style', '--shell=bash', file], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    if (sc.error?.code !== 'ENOENT' && sc.status !== 0)
      problems.push(`shellcheck: ${(sc.stdout + sc.stderr).slice(0, 300)}`);
  }
  return problems;
}

/** Where `--out FILE` writes, relative to the worker's directory (the CLI's cwd); undefined: stdout. */
function outFile(args) {
  const i = args.indexOf('--out');
  return i >= 0 ? join(work, args[i + 1]) : undefined;
}

function checkOutput(args, code, stdout, stderr, shellcheck) {
  const problems = [];
  const raw = unsafeAt(stdout) ?? unsafeAt(stderr);
  if (raw) problems.push(`unsafe character in the output: ${raw}`);
  const out = outFile(args);
  if (code === 2) {
    // bad input: one clear message on stderr, nothing half-written (no stdout, no --out file)
    if (!stderr.startsWith('rollbook: '))
      problems.push(`exit 2 without a "rollbook: " message: ${JSON.stringify(stderr.slice(0, 200))}`);
    if (stdout !== '') problems.push(`exit 2 after writing ${stdout.length} characters to stdout`);
    if (out && existsSync(out)) problems.push(`exit 2 left ${args[args.indexOf('--out') + 1]} written`);
  }
  if (code > 1) return problems;
  if (out) {
    if (!existsSync(out))
      problems.push(`exit ${code} without writing --out ${args[args.indexOf('--out') + 1]}`);
    else stdout = readFileSync(out, 'utf8');
  }
  const format = args[args.indexOf('--format') + 1];
  if (args.includes('--format') && format === 'json') {
    let doc;
    try {
      doc = JSON.parse(stdout);
    } catch (e) {
      problems.push(`invalid JSON: ${e.message}`);
    }
    if (doc && args[0] === 'plan') {
      const r = planJsonSchema.safeParse(doc);
      if (!r.success)
        problems.push(`plan JSON does not match its schema: ${JSON.stringify(r.error.issues.slice(0, 2))}`);
    }
  }
  if (args[0] === 'plan' && format === 'sh') problems.push(...checkScript(stdout, shellcheck));
  return problems;
}

const GIT = ['-c', 'user.name=fuzz', '-c', 'user.email=fuzz@example.invalid', '-c', 'commit.gpgsign=false'];

/** `git init`, an empty commit tagged rbfuzz-base, then every file of the case in a second commit. */
function commitCase(dir) {
  const git = (...a) => {
    const r = spawnSync('git', [...GIT, ...a], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`git ${a[0]}: ${r.stderr}`);
  };
  git('init', '-q', '-b', 'main');
  git('commit', '-q', '--allow-empty', '--no-verify', '-m', 'base');
  git('tag', 'rbfuzz-base');
  git('add', '-A');
  git('commit', '-q', '--allow-empty', '--no-verify', '-m', 'case');
}

async function run(msg) {
  const dir = join(work, 'repo');
  materialize(dir, msg.files);
  const out = outFile(msg.args);
  if (out) rmSync(out, { force: true });
  // commands that read git history (check, gates, migrations verify): the case as one commit on an empty base
  if (msg.args.includes('rbfuzz-base')) commitCase(dir);
  let stdout = '';
  let stderr = '';
  const io = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: work };
  const t0 = performance.now();
  const code = await main([...msg.args, dir], io);
  const ms = performance.now() - t0;
  const problems = checkOutput(msg.args, code, stdout, stderr, msg.shellcheck);
  return {
    id: msg.id,
    code,
    ms,
    stdoutBytes: stdout.length,
    stdoutHead: stdout.slice(0, 2000),
    stderr: stderr.slice(0, 4000).replaceAll(dir, '<repo>'),
    problems,
    maxRSS: process.resourceUsage().maxRSS * 1024,
  };
}

process.on('uncaughtException', (e) => {
  process.send?.({ id: current, crashed: `uncaught exception: ${e?.stack ?? e}` });
  process.exit(70);
});
process.on('unhandledRejection', (e) => {
  process.send?.({ id: current, crashed: `unhandled rejection: ${e?.stack ?? e}` });
  process.exit(70);
});
process.on('message', async (msg) => {
  if (msg === 'stop') process.exit(0);
  current = msg.id;
  process.send(await run(msg));
});
process.send({ ready: true });
