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
import type { Arg, Check, Command, Gate, Plan, Step } from '../../src/model/plan.js';
import { readByPerson } from '../../src/renderers/check-text.js';
import { procedure } from '../../src/renderers/procedure.js';

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
# pg_dump writes the file named after --file, as the real one does
if [[ "\${0##*/}" == pg_dump ]]; then
  prev=''
  for a in "$@"; do
    if [[ "$prev" == --file* ]]; then printf 'PGDMP stub\\n' >"$a"; fi
    prev=$a
  done
fi
# sh -c 'out="$1"; …' sh FILE …: the script writes FILE (the saved create-backup responses), as the real one does
if [[ "\${0##*/}" == sh && "\${1:-}" == -c* && "\${2:-}" == *'out="$1"'* && -n "\${4:-}" ]]; then printf 'stub\\n' >"$4"; fi
# rollbook probe (the real one is tested in test/probes): a verdict, PASS unless RBSTUB_PROBE says otherwise
if [[ "\${0##*/}" == rollbook && "\${1:-}" == probe ]]; then
  printf '%s\\n' "\${RBSTUB_PROBE:-PASS stub verdict}"
  [[ "\${RBSTUB_PROBE:-PASS}" == PASS* ]]
  exit
fi
printf '%s\\n' "\${RBSTUB_STDOUT:-rbstub-ok}"
exit "\${RBSTUB_EXIT:-0}"
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
    'rollbook',
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
      ROLLBOOK_BIN: join(sb.dir, 'bin', 'rollbook'),
      ...env,
    },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, calls: stubCalls(sb) };
}

/** How a recorded `rollbook probe … --since=EPOCH` argument reads in expected calls. */
export const RUN_START_ARG = '--since=<run start>';

/** The recorded stub invocations: [program, ...argv]. */
export function stubCalls(sb: Sandbox): string[][] {
  const parts = readFileSync(sb.stubLog, 'utf8').split('\0');
  const calls: string[][] = [];
  let cur: string[] | null = null;
  for (const p of parts) {
    if (p === 'CALL') cur = [];
    else if (p === 'END' && cur) {
      // the run's start time differs from run to run
      calls.push(cur.map((a) => (/^--since=\d+$/.test(a) ? RUN_START_ARG : a)));
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
  // tool and result are enums; expectLines are regular expressions and outcome `contains` texts are
  // tool output the planner matches (constants, never user input): left as they are.
  const ENUMS = new Set([
    'kind',
    'severity',
    'risk',
    'platform',
    'phase',
    'status',
    'source',
    'tool',
    'result',
    'expectLines',
    'contains',
  ]);
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

/** A check the script runs without asking (a read-only command, or a fresh-file test). */
const isAuto = (c: Check) =>
  !c.manual &&
  !readByPerson(c) &&
  ((!!c.command && c.command.argv.length > 0 && c.command.readOnly) || (!c.command && !!c.freshFile));
/**
 * A read-only command check a person reads (manual, or nothing reads its output and its exit code does
 * not decide): the script runs it, shows the output, then asks.
 */
const isByEye = (c: Check) =>
  (!!c.manual || readByPerson(c)) && !!c.command && c.command.argv.length > 0 && c.command.readOnly;

const argVars = (args: (Arg | undefined)[]) =>
  args.flatMap((a) => (a !== undefined && typeof a !== 'string' ? [a.var] : []));
const cmdVars = (c: Command | undefined) => (c ? argVars(c.argv) : []);
const checkVars = (c: Check) => [
  ...cmdVars(c.command),
  ...argVars([c.listsRevision, c.schemaVersion?.target, c.freshFile, c.probe?.want]),
];

/** What the script does, in its order: each item's runtime variables first, then the item. */
type Walked = { vars: string[] } & ({ gate: Gate } | { step: Step });
function walk(plan: Plan): Walked[] {
  return procedure(plan).flatMap((item): Walked[] =>
    item.kind === 'gates'
      ? item.gates.map((g) => ({
          vars: [...(g.gate.prepare ?? []).flatMap(cmdVars), ...checkVars(g.gate.check)],
          gate: g.gate,
        }))
      : [{ vars: [...item.step.commands.flatMap(cmdVars), ...checkVars(item.step.check)], step: item.step }],
  );
}

/** The runtime variables the script asks for, in its order (an input's discover inputs first). */
export function askedVars(plan: Plan): string[] {
  const byName = new Map(plan.inputs.map((i) => [i.name, i]));
  const names: string[] = [];
  const visit = (v: string, path: Set<string>) => {
    if (names.includes(v) || path.has(v)) return;
    path.add(v);
    for (const d of cmdVars(byName.get(v)?.discover)) visit(d, path);
    names.push(v);
  };
  for (const item of walk(plan)) for (const v of item.vars) visit(v, new Set());
  for (const c of plan.verification.checks) for (const v of checkVars(c)) visit(v, new Set());
  return names;
}

/**
 * Inputs come in askedVars order: asking for some variables asks everything up to the last of them
 * not asked yet (an input's discover inputs come before it).
 */
function asker(order: string[], onAsk: (name: string) => void): (vars: string[]) => void {
  const asked = new Set<string>();
  return (vars) => {
    const last = Math.max(-1, ...vars.map((v) => order.indexOf(v)));
    for (const v of order.slice(0, last + 1))
      if (!asked.has(v)) {
        asked.add(v);
        onAsk(v);
      }
  };
}

/** Every answer a full `--yes` run asks for, in order: inputs as first used, gates, confirmations, manual actions and checks. */
export function answersFor(plan: Plan, value: (name: string) => string, token: string): string[] {
  const out: string[] = [];
  const ask = asker(askedVars(plan), (v) => out.push(value(v)));
  for (const item of walk(plan)) {
    ask(item.vars);
    if ('gate' in item) {
      if (!isAuto(item.gate.check)) out.push('y');
      continue;
    }
    const s = item.step;
    if (s.conditional) out.push('y');
    if (s.touchesData) out.push(token);
    for (const c of s.commands) if (c.argv.length === 0) out.push('y');
    // a kill switch that worked ends the run: answer that it did not
    if (!isAuto(s.check)) out.push(s.stopWhenCheckPasses ? 'n' : 'y');
  }
  ask(askedVars(plan));
  for (const c of plan.verification.checks) if (!isAuto(c)) out.push('y');
  return out;
}

/** The argv every stub must receive in a full run, in order, runtime inputs resolved. */
export function expectedCallsFor(plan: Plan, vars: Record<string, string>): string[][] {
  const argv = (c: Command) => c.argv.map((a) => (typeof a === 'string' ? a : vars[a.var]!));
  const byName = new Map(plan.inputs.map((i) => [i.name, i]));
  const calls: string[][] = [];
  const ask = asker(askedVars(plan), (v) => {
    const d = byName.get(v)?.discover;
    if (d && d.argv.length > 0 && d.readOnly) calls.push(argv(d));
  });
  const checkCalls = (c: Check) => {
    if ((isAuto(c) || isByEye(c)) && c.command && c.command.argv.length > 0) {
      calls.push(argv(c.command));
      // the probe reads the output (the stubs exit 0)
      if (c.probe && isAuto(c))
        calls.push([
          'rollbook',
          'probe',
          c.probe.id,
          '--exit-code=0',
          ...(c.probe.want !== undefined
            ? [`--want=${argv({ argv: [c.probe.want], readOnly: true })[0]}`]
            : []),
          ...(c.probe.since ? [RUN_START_ARG] : []),
        ]);
    }
  };
  for (const item of walk(plan)) {
    ask(item.vars);
    if ('gate' in item) {
      checkCalls(item.gate.check);
      continue;
    }
    for (const c of item.step.commands) {
      // repeated commands: the check runs first, passes with the stub's version, and nothing runs
      if (c.repeatUntilCheck) checkCalls(item.step.check);
      else if (c.argv.length > 0) calls.push(argv(c));
    }
    checkCalls(item.step.check);
  }
  ask(askedVars(plan));
  for (const c of plan.verification.checks) checkCalls(c);
  return calls;
}

/** The schema version the stubs report (TARGET_SCHEMA_VERSION is answered with it). */
export const STUB_SCHEMA_VERSION = '42';

/** A stub output that satisfies every check: expected texts, a pass rule's text, table lines, the revision and the version. */
export function stdoutFor(plan: Plan, vars: Record<string, string> = {}): string {
  const checks = [
    ...plan.gates.map((g) => g.check),
    ...plan.runbook.map((s) => s.check),
    ...plan.verification.checks,
  ];
  const lines = ['rbstub-ok'];
  for (const c of checks) {
    if (c.expectOutput) lines.push(c.expectOutput);
    // a check with output rules passes only through a rule: the text of its first pass rule
    const passing = c.outcomes?.find((r) => r.result === 'pass');
    if (passing) lines.push(passing.contains);
    for (const re of c.expectLines ?? []) {
      const table = /TABLE \[\^ \]\+ (.+)\( \|\$\)$/.exec(re)?.[1]?.replace(/\\(.)/g, '$1');
      const anyTable = re === '^[0-9]+; [0-9]+ [0-9]+ TABLE ';
      lines.push(
        table
          ? `1; 1259 1 TABLE public ${table} owner`
          : anyTable
            ? '1; 1259 1 TABLE public t owner'
            : re.replace(/^\^/, ''),
      );
    }
    if (c.listsRevision && typeof c.listsRevision !== 'string' && vars[c.listsRevision.var] !== undefined)
      lines.push(`${vars[c.listsRevision.var]}  <none>`);
  }
  lines.push(`[X] ${STUB_SCHEMA_VERSION}_stub.sql`, STUB_SCHEMA_VERSION);
  return lines.join('\n');
}
