/**
 * Runs generated runbook scripts against stub commands: every program the plan names is replaced by a
 * stub on PATH that records its argv (NUL-separated, so any byte survives) and prints a fixed text.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { Command, Plan } from '../../src/model/plan.js';

const made: string[] = [];
// Every test file that builds sandboxes removes them when it is done.
afterAll(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

const STUB = `#!/usr/bin/env bash
{ printf 'CALL\\0'; printf '%s\\0' "\${0##*/}" "$@"; printf 'END\\0'; } >>"$RBSTUB_LOG"
shopt -s extglob
# RBSTUB_SLEEP_MATCH is an extglob pattern over "program args..." (default: every call).
# shellcheck disable=SC2053
if [[ -n "\${RBSTUB_SLEEP:-}" && "\${0##*/} $*" == \${RBSTUB_SLEEP_MATCH:-*} ]]; then sleep "$RBSTUB_SLEEP"; fi
if [[ -n "\${RBSTUB_FAIL_MATCH:-}" && "\${0##*/} $*" == *"$RBSTUB_FAIL_MATCH"* ]]; then
  echo "stub: failing on purpose" >&2
  exit 1
fi
printf '%s\\n' "\${RBSTUB_STDOUT:-rbstub-ok}"
`;

/** Every program name a plan's commands start with. */
export function programsOf(plan: Plan): string[] {
  const cmds: (Command | undefined)[] = [
    ...plan.inputs.map((i) => i.discover),
    ...plan.gates.map((g) => g.check.command),
    ...plan.runbook.flatMap((s) => [...s.commands, s.check.command]),
    ...plan.verification.checks.map((c) => c.command),
  ];
  const names = new Set<string>();
  for (const c of cmds) {
    const first = c?.argv[0];
    if (typeof first === 'string' && first !== '' && !first.includes('/')) names.add(first);
  }
  return [...names].sort();
}

export interface Sandbox {
  dir: string;
  cwd: string;
  home: string;
  logDir: string;
  stubLog: string;
  script: string;
}

/** A temp dir with the script, stubs for every program of the plan, a cwd, a HOME and a log dir. */
export function sandbox(plan: Plan, script: string): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'rollbook-sh-'));
  made.push(dir);
  const bin = join(dir, 'bin');
  const sb: Sandbox = {
    dir,
    cwd: join(dir, 'cwd'),
    home: join(dir, 'home'),
    logDir: join(dir, 'logs'),
    stubLog: join(dir, 'stub.log'),
    script: join(dir, 'rollback.sh'),
  };
  for (const d of [bin, sb.cwd, sb.home, sb.logDir]) mkdirSync(d);
  for (const name of new Set([
    ...programsOf(plan),
    'kubectl',
    'helm',
    'aws',
    'psql',
    'argocd',
    'git',
    'rbstub',
  ])) {
    writeFileSync(join(bin, name), STUB);
    chmodSync(join(bin, name), 0o755);
  }
  writeFileSync(sb.stubLog, '');
  writeFileSync(sb.script, script, { mode: 0o755 });
  return sb;
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
  calls: string[][];
}

export function runScript(
  sb: Sandbox,
  args: string[],
  answers: string[] | null,
  env: Record<string, string> = {},
): RunResult {
  const r = spawnSync('bash', [sb.script, ...args], {
    cwd: sb.cwd,
    input: answers === null ? '' : `${answers.join('\n')}\n`,
    encoding: 'utf8',
    timeout: 30_000,
    env: {
      PATH: `${join(sb.dir, 'bin')}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      HOME: sb.home,
      LANG: 'C.UTF-8',
      RBSTUB_LOG: sb.stubLog,
      ROLLBOOK_LOG_DIR: sb.logDir,
      ROLLBOOK_RETRY_DELAY: '0',
      ...env,
    },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, calls: stubCalls(sb) };
}

/** The recorded stub invocations: [program, ...argv]. */
export function stubCalls(sb: Sandbox): string[][] {
  const parts = readFileSync(sb.stubLog, 'utf8').split('\0');
  const calls: string[][] = [];
  let cur: string[] | null = null;
  for (const p of parts) {
    if (p === 'CALL') cur = [];
    else if (p === 'END' && cur) {
      calls.push(cur);
      cur = null;
    } else if (cur) cur.push(p);
  }
  return calls;
}

/** Files anywhere in the sandbox (and HOME) whose name starts with PWNED. */
export function pwned(sb: Sandbox): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const ent of readdirSync(d, { withFileTypes: true })) {
      if (ent.name.startsWith('PWNED')) found.push(join(d, ent.name));
      if (ent.isDirectory()) walk(join(d, ent.name));
    }
  };
  walk(sb.dir);
  return found;
}

export function logFiles(sb: Sandbox): string[] {
  return existsSync(sb.logDir) ? readdirSync(sb.logDir).sort() : [];
}

/** shellcheck (Debian's): required in CI, optional locally. */
export function shellcheckAvailable(): boolean {
  const r = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' });
  if (r.status === 0) return true;
  if (process.env.CI === 'true') throw new Error('shellcheck is required in CI (apt-get install shellcheck)');
  return false;
}

export function shellcheck(file: string): { status: number | null; output: string } {
  const r = spawnSync('shellcheck', ['--severity=style', '--shell=bash', file], { encoding: 'utf8' });
  return { status: r.status, output: r.stdout + r.stderr };
}

/** Appends `payload` to every free-text string of a plan (not enums, runtime variable names or programs). */
export function poison<T>(value: T, payload: string): T {
  const ENUMS = new Set(['kind', 'severity', 'risk', 'platform', 'phase', 'status', 'source']);
  const walk = (v: unknown, key: string, inInputs: boolean): unknown => {
    if (typeof v === 'string') return `${v}${payload}`;
    if (Array.isArray(v))
      return v.map((x, i) =>
        key === 'argv' && i === 0 ? x : walk(x, key === 'argv' ? 'argv-item' : key, inInputs),
      );
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        const keep = ENUMS.has(k) || k === 'var' || (inInputs && k === 'name');
        out[k] = keep ? x : walk(x, k, inInputs || k === 'inputs');
      }
      return out;
    }
    return v;
  };
  return walk(value, '', false) as T;
}

const isAuto = (c: { command?: Command; manual?: boolean }) =>
  !!c.command && c.command.argv.length > 0 && !c.manual && c.command.readOnly;

/** The runtime variables the script asks for, in its order: declared inputs, then undeclared ones. */
export function askedVars(plan: Plan): string[] {
  const names = plan.inputs.map((i) => i.name);
  const cmds: (Command | undefined)[] = [
    ...plan.inputs.map((i) => i.discover),
    ...plan.gates.map((g) => g.check.command),
    ...plan.runbook.flatMap((s) => [...s.commands, s.check.command]),
    ...plan.verification.checks.map((c) => c.command),
  ];
  for (const c of cmds)
    for (const a of c?.argv ?? []) if (typeof a !== 'string' && !names.includes(a.var)) names.push(a.var);
  return names;
}

/** Every answer a full `--yes` run asks for, in order: inputs, manual gates, data confirmations, manual actions and checks. */
export function answersFor(plan: Plan, value: (name: string) => string, token: string): string[] {
  const out = askedVars(plan).map(value);
  for (const g of plan.gates) if (!isAuto(g.check)) out.push('y');
  for (const s of plan.runbook) {
    if (s.touchesData) out.push(token);
    for (const c of s.commands) if (c.argv.length === 0) out.push('y');
    if (!isAuto(s.check)) out.push('y');
  }
  for (const c of plan.verification.checks) if (!isAuto(c)) out.push('y');
  return out;
}

/** The argv every stub must receive in a full run, in order, runtime inputs resolved. */
export function expectedCallsFor(plan: Plan, vars: Record<string, string>): string[][] {
  const argv = (c: Command) => c.argv.map((a) => (typeof a === 'string' ? a : vars[a.var]!));
  const calls: string[][] = [];
  for (const i of plan.inputs)
    if (i.discover && i.discover.argv.length > 0 && i.discover.readOnly) calls.push(argv(i.discover));
  for (const g of plan.gates) if (isAuto(g.check)) calls.push(argv(g.check.command!));
  for (const s of plan.runbook) {
    for (const c of s.commands) if (c.argv.length > 0) calls.push(argv(c));
    if (isAuto(s.check)) calls.push(argv(s.check.command!));
  }
  for (const c of plan.verification.checks) if (isAuto(c)) calls.push(argv(c.command!));
  return calls;
}

/** A stub output that satisfies every check's expected text. */
export function stdoutFor(plan: Plan): string {
  const wants = [
    ...plan.gates.map((g) => g.check),
    ...plan.runbook.map((s) => s.check),
    ...plan.verification.checks,
  ].flatMap((c) => (c.expectOutput ? [c.expectOutput] : []));
  return ['rbstub-ok', ...wants].join('\n');
}
