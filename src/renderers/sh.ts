/**
 * `--format sh`: the plan as one executable bash runbook, the one command an on-call engineer runs.
 *
 * Every value that comes from the plan reaches the script through src/util/shell.ts (shellQuote /
 * renderArg), either as a single-quoted word passed to a fixed function (`rb_say 'text'`) or as one
 * quoted argv element of a command. Plan text never appears in comments, format strings, heredocs or
 * variable names. Runtime inputs live in RB_IN_<NAME> so they cannot clobber PATH, IFS or the
 * script's own state. The generated text is deterministic: the only clock reads happen when it runs.
 *
 * The order is the procedure's (./procedure.ts): steps in runbook order, each gate checked just
 * before the first step that needs it, each input asked just before its first use. Secret inputs are
 * read without echo and masked in everything the script prints or logs.
 */
import { RollbookError } from '../errors.js';
import type { Arg, Check, Command, Gate, Input, Plan, Step } from '../model/plan.js';
import { isValidVarName, renderArg, renderCommand, shellQuote } from '../util/shell.js';
import { readByPerson } from './check-text.js';
import { commsBlanks, commsBlocks, commsSummary, statusPageLabel } from './comms.js';
import type { Preface } from './preface.js';
import { procedure } from './procedure.js';
import { criterionLine, displayText, formatDuration } from './text.js';

export interface ShOptions {
  /**
   * Absolute path of the rollbook executable that generated the script (tried first when the script
   * calls rollbook, then `npx --no-install rollbook`, then `rollbook` on PATH).
   */
  rollbookBin?: string;
  /** Context shown before the plan (e.g. the suspect of a targeted rollback). */
  preface?: Preface;
}

const inputVar = (name: string) => `RB_IN_${name}`;

/** A non-negative whole number for bash arithmetic (anything else becomes `fallback`). */
const int = (n: number, fallback = 0) => (Number.isFinite(n) ? Math.max(0, Math.round(n)) : fallback);

/** One shell word holding display text. */
const q = (text: string) => shellQuote(displayText(text));

/** Argument words of a command, for execution (inputs in the RB_IN_ namespace; rollbook as found at run time). */
function argvWords(argv: Arg[]): string {
  for (const a of argv) {
    if (typeof a === 'string' && a.includes('\u0000'))
      throw new RollbookError(
        'INVALID_INPUT',
        'a command argument contains a NUL byte, which no shell can pass',
      );
  }
  const [first, ...rest] = argv;
  if (first === 'rollbook')
    return [`"\${rb_rollbook_cmd[@]}"`, ...rest.map((a) => renderArg(a, inputVar))].join(' ');
  return argv.map((a) => renderArg(a, inputVar)).join(' ');
}

/** The confirmation token for data steps: the service name, with control characters made visible. */
export function confirmationToken(serviceName: string): string {
  return serviceName.replace(/[\u0000-\u001f\u007f]/g, '_');
}

/** File-name-safe form of the service name for the log file. */
export function logSlug(serviceName: string): string {
  const slug = serviceName.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^[.-]+/, '');
  return slug === '' ? 'service' : slug.slice(0, 80);
}

const argVars = (args: (Arg | undefined)[]): string[] =>
  args.flatMap((a) => (a !== undefined && typeof a !== 'string' ? [a.var] : []));

function varsOf(cmd: Command | undefined): string[] {
  return cmd ? argVars(cmd.argv) : [];
}

function checkVars(c: Check): string[] {
  return [
    ...varsOf(c.command),
    ...argVars([c.listsRevision, c.schemaVersion?.target, c.freshFile, c.probe?.want]),
  ];
}

const stepVars = (s: Step) => [...s.commands.flatMap(varsOf), ...checkVars(s.check)];
const gateVars = (g: Gate) => [...(g.prepare ?? []).flatMap(varsOf), ...checkVars(g.check)];

/** All runtime variables the plan's commands use, in first-use order. */
function usedVars(plan: Plan): string[] {
  const seen = new Set<string>();
  for (const i of plan.inputs) for (const v of varsOf(i.discover)) seen.add(v);
  for (const g of plan.gates) for (const v of gateVars(g)) seen.add(v);
  for (const st of plan.runbook) for (const v of stepVars(st)) seen.add(v);
  for (const c of plan.verification.checks) for (const v of checkVars(c)) seen.add(v);
  return [...seen];
}

/** The script needs rollbook: a command runs it, or a probe reads a check's output. */
const usesRollbook = (plan: Plan) =>
  [
    ...plan.gates.flatMap((g) => [...(g.prepare ?? []), ...(g.check.command ? [g.check.command] : [])]),
    ...plan.runbook.flatMap((st) => [...st.commands, ...(st.check.command ? [st.check.command] : [])]),
  ].some((c) => c.argv[0] === 'rollbook') ||
  [
    ...plan.gates.map((g) => g.check),
    ...plan.runbook.map((st) => st.check),
    ...plan.verification.checks,
  ].some((c) => c.probe !== undefined);

// The fixed part of the script: argument parsing, answers, logging, checks, timing.
// (Written with %{ for bash's ${ so the template literal leaves it alone.)
const PRELUDE = String.raw`set -euo pipefail
# Generated by rollbook. Do not edit: regenerate with "rollbook plan --format sh".
# Exit codes: 0 done; 1 a gate, command or check failed (the abort path is printed);
#             2 usage error; 3 refused or stopped by the operator (or no answer available).

rb_usage='Usage: bash rollback.sh [--dry-run] [--yes]
  --dry-run  print every gate, step and command; run nothing
  --yes      skip the confirmation of stateless steps (data steps always ask)'
rb_dry=0
rb_yes=0
for rb_arg in "$@"; do
  case "$rb_arg" in
    --dry-run) rb_dry=1 ;;
    --yes) rb_yes=1 ;;
    -h | --help) printf '%s\n' "$rb_usage"; exit 0 ;;
    *) printf 'unknown option: %s\n%s\n' "$rb_arg" "$rb_usage" >&2; exit 2 ;;
  esac
done

rb_b='' rb_r='' rb_y='' rb_g='' rb_0=''
if [[ -t 1 ]]; then rb_b=$'\e[1m' rb_r=$'\e[1;31m' rb_y=$'\e[1;33m' rb_g=$'\e[1;32m' rb_0=$'\e[0m'; fi

# Answers come from stdin (a terminal, a pipe, a file) or, when stdin is /dev/null or closed, from
# the terminal; with neither, every question is refused.
if [[ -t 0 ]] || { [[ -e /dev/stdin && ! -c /dev/stdin ]] && { exec 3<&0; } 2>/dev/null; }; then
  exec 3<&0
elif { exec 3</dev/tty; } 2>/dev/null; then
  :
else
  exec 3</dev/null
fi

# Checks run under coreutils timeout (gtimeout on macOS with Homebrew coreutils).
rb_timeout=()
if command -v timeout >/dev/null 2>&1; then
  rb_timeout=(timeout --kill-after=5)
elif command -v gtimeout >/dev/null 2>&1; then
  rb_timeout=(gtimeout --kill-after=5)
fi

# Secrets (passwords, tokens) never reach the screen or the log: every line printed from a tool and
# every log line goes through rb_mask, which blanks each registered secret and any URL password.
rb_secrets=()
rb_mask() {
  local t=$1 s
  for s in %{rb_secrets[@]+"%{rb_secrets[@]}"}; do
    [[ -n "$s" ]] && t=%{t//"$s"/***}
  done
  printf '%s' "$t" | sed -E -e 's#(://[^/:@[:space:]]*):[^@/[:space:]]+@#\1:***@#g' -e 's#([?&]password=)[^&[:space:]]*#\1***#g'
}
rb_mask_stream() {
  local line
  while IFS= read -r line || [[ -n "$line" ]]; do
    rb_mask "$line"
    printf '\n'
  done
}

rb_log_file=''
rb_log() {
  [[ -n "$rb_log_file" ]] || return 0
  printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(rb_mask "$*")" >>"$rb_log_file"
}
rb_q() { printf '%q ' "$@"; }
rb_say() { printf '%s\n' "$1"; }
rb_kv() { printf '  %s: %s\n' "$1" "$2"; }
rb_item() { printf '  - %s\n' "$1"; }
rb_head() { printf '\n%s== %s ==%s\n' "$rb_b" "$1" "$rb_0"; }
rb_warn() { printf '%sWARNING: %s%s\n' "$rb_y" "$1" "$rb_0"; rb_log "warning: $1"; }
rb_loud() {
  printf '%s!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n!!! %s\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!%s\n' "$rb_r" "$1" "$rb_0"
  rb_log "ALERT: $1"
}
rb_ok() {
  ((rb_dry)) && return 0
  printf '%sOK: %s%s\n' "$rb_g" "$1" "$rb_0"
  rb_log "ok: $1"
}
rb_show() { printf '    $ %s\n' "$1"; }
rb_show_manual() { printf '    MANUAL: %s\n' "$1"; }
# rb_running DISPLAY: announce the manual action about to be asked for (not in --dry-run, which listed it already).
rb_running() { ((rb_dry)) || printf '  running: %s\n' "$1"; }
# rb_words ARGV...: a command as it will run, inputs filled in, words quoted only where needed, masked.
rb_words() {
  local a words=() w
  for a in "$@"; do
    if [[ "$a" =~ ^[A-Za-z0-9_@%+=:,./-]+$ ]]; then words+=("$a"); else printf -v w '%q' "$a"; words+=("$w"); fi
  done
  rb_mask "%{words[*]}"
}
# rb_running_cmd NOTE ARGV...: announce the real command about to run (secrets masked), then NOTE.
rb_running_cmd() {
  ((rb_dry)) && return 0
  local note=$1
  shift
  printf '  running: %s%s\n' "$(rb_words "$@")" "$note"
}

rb_run_marker=''
rb_started=0
rb_finish() {
  local rc=$1
  [[ -z "$rb_run_marker" ]] || rm -f "$rb_run_marker"
  if [[ -n "$rb_log_file" ]]; then
    rb_log "exit $rc"
    printf '\nLog of this run (for the postmortem): %s\n' "$rb_log_file" >&2
  fi
}
trap 'rb_finish $?' EXIT
trap 'rb_log "interrupted"; exit 130' INT TERM

rb_refuse() {
  printf '\n%sREFUSED: %s%s\n' "$rb_r" "$1" "$rb_0" >&2
  rb_log "refused: $1"
  exit 3
}

# rb_ask PROMPT: one line into rb_answer; no answer available means refusal, never a default yes.
rb_answer=''
rb_ask() {
  printf '%s ' "$1"
  if ! IFS= read -r rb_answer <&3; then
    printf '\n'
    rb_refuse 'no answer available (no terminal, stdin closed): nothing is assumed'
  fi
  rb_log "asked: $1 answered: $(rb_q "$rb_answer")"
}
# rb_ask_secret PROMPT: like rb_ask, without echo (on a terminal), and never logged.
rb_ask_secret() {
  printf '%s ' "$1"
  if ! IFS= read -rs -u 3 rb_answer; then
    printf '\n'
    rb_refuse 'no answer available (no terminal, stdin closed): nothing is assumed'
  fi
  printf '(hidden)\n'
  rb_log "asked: $1 answered: (secret, not logged)"
}

# rb_secret_input: rb_answer holds a secret. Registers it for masking. A URL keeps its user, host and
# database in rb_answer while its password leaves it: exported as PGPASSWORD (PostgreSQL) or
# REDISCLI_AUTH (Redis), so no command line carries it. Any other secret is used as typed.
rb_shown=''
# shellcheck disable=SC2034 # rb_shown is read by the code that asks a secret input
rb_secret_input() {
  rb_shown='***'
  local re='^([A-Za-z][A-Za-z0-9+.-]*)://([^:/@]*):([^@/]*)@(.*)$' pw scheme
  if [[ "$rb_answer" =~ $re ]]; then
    scheme=%{BASH_REMATCH[1]} pw=%{BASH_REMATCH[3]}
    rb_secrets+=("$pw")
    printf -v pw '%b' "%{pw//%/\\x}"
    rb_secrets+=("$pw")
    rb_shown=$(rb_mask "$rb_answer")
    case "$scheme" in
      postgres | postgresql)
        export PGPASSWORD="$pw"
        rb_answer="$scheme://%{BASH_REMATCH[2]}@%{BASH_REMATCH[4]}"
        rb_say '  (the password reaches the tools as PGPASSWORD, not on their command lines)'
        ;;
      redis | rediss)
        export REDISCLI_AUTH="$pw"
        rb_answer="$scheme://%{BASH_REMATCH[2]}@%{BASH_REMATCH[4]}"
        rb_say '  (the password reaches redis-cli as REDISCLI_AUTH, not on its command line)'
        ;;
    esac
  elif [[ "$rb_answer" == *://* && "$rb_answer" != *@* ]]; then
    rb_shown=$rb_answer # a URL without credentials (they come from the environment)
  else
    rb_secrets+=("$rb_answer")
  fi
}

rb_yes_no() {
  rb_ask "$1 [y/N]"
  case "$rb_answer" in y | Y | yes | Yes | YES) return 0 ;; *) return 1 ;; esac
}

# rb_exec ARGV...: a runbook command; stdin closed, output shown and logged.
rb_exec() {
  ((rb_dry)) && return 0
  rb_log "run: $(rb_q "$@")"
  local rc=0
  "$@" </dev/null 2>&1 | rb_mask_stream | tee -a "$rb_log_file" || rc=$?
  rb_log "exit code $rc: $(rb_q "$@")"
  return "$rc"
}

# rb_discover ARGV...: a read-only command that lists the candidates of an input.
rb_discover() {
  if ((rb_dry)); then printf '    [dry-run] not run\n'; return 0; fi
  rb_log "discover: $(rb_q "$@")"
  "$@" </dev/null 2>&1 | rb_mask_stream | tee -a "$rb_log_file" || rb_warn 'the discovery command failed; enter the value yourself'
}

# What a check reads in its command's output, set by rb_spec and the assignments after it:
#   rb_c_rules     "result<TAB>text<TAB>note": the first whose text the output contains decides
#                  (pass, fail, or accept: passes only if a data owner accepts, see rb_accept)
#   rb_c_lines     extended regular expressions that must each match a line of the output
#   rb_c_rev       a revision the output (a history, revision in the first column) must list
#   rb_c_ver_tool / rb_c_ver_want   the migration tool whose status output must show this version, not dirty
#   rb_c_fresh     a file that must have been written during this run and be non-empty
#   rb_c_probe / rb_c_probe_want    "rollbook probe" reads the output (its verdict decides), looking for this value
#   rb_c_probe_since                 ... and for something done during this run (rb_started, epoch seconds)
#   rb_c_accept_by / rb_c_losses    who may accept, and what is lost
rb_spec() {
  rb_c_rules=() rb_c_lines=() rb_c_rev='' rb_c_ver_tool='' rb_c_ver_want='' rb_c_fresh=''
  rb_c_probe='' rb_c_probe_want='' rb_c_probe_since=''
  rb_c_accept_by='' rb_c_losses=()
}
rb_spec

# rb_schema_version TOOL: reads the tool's status output on stdin; prints "VERSION" or "VERSION dirty"
# ("none" when nothing is applied). Returns 1 when the output is not understood.
rb_schema_version() {
  local tool=$1 line v='' dirty=''
  while IFS= read -r line; do
    case "$tool" in
      golang-migrate)
        if [[ "$line" =~ ^([0-9]+)( \(dirty\))?$ ]]; then v=%{BASH_REMATCH[1]} dirty=%{BASH_REMATCH[2]:+ dirty}; fi
        [[ "$line" == *'error: no migration'* ]] && v=none
        ;;
      goose) if [[ "$line" =~ version:?\ ([0-9]+) ]]; then v=%{BASH_REMATCH[1]}; fi ;;
      dbmate)
        if [[ "$line" =~ ^\[X\]\ ([0-9]+) ]]; then v=%{BASH_REMATCH[1]}; fi
        [[ "$line" =~ ^Applied:\ 0$ ]] && v=none
        ;;
    esac
  done
  [[ -n "$v" ]] || return 1
  printf '%s%s\n' "$v" "$dirty"
}

# rb_accept: the data owner accepts the listed losses by typing them; logged with who and when.
rb_accept() {
  local who l
  if ((rb_dry)); then
    printf '    [dry-run] would ask a data owner (%s) to accept the data loss\n' "$rb_c_accept_by"
    return 0
  fi
  rb_loud 'the downs restore the schema but LOSE DATA'
  rb_say 'What this rollback loses:'
  for l in %{rb_c_losses[@]+"%{rb_c_losses[@]}"}; do rb_item "$l"; done
  rb_say "Only a data owner ($rb_c_accept_by) may accept. Anything else stops here."
  rb_ask 'Your name (data owner):'
  who=$rb_answer
  [[ -n "$who" ]] || return 1
  rb_ask 'To accept the loss of the data above, type exactly: I accept the data loss'
  if [[ "$rb_answer" != 'I accept the data loss' ]]; then
    rb_log "data loss NOT accepted (answer by $(rb_q "$who") did not match)"
    return 1
  fi
  rb_log "DATA LOSS ACCEPTED by $(rb_q "$who") at $(date -u +%Y-%m-%dT%H:%M:%SZ): $(rb_q %{rb_c_losses[@]+"%{rb_c_losses[@]}"})"
  rb_ok "data loss accepted by $who"
}

# rb_probe OUT RC: rollbook reads the output with the probe rb_c_probe; its verdict decides (PASS, FAIL,
# or UNKNOWN, which never passes; CONFIRM: what the output cannot prove and a person can, asked once,
# yes logged). 0 pass, 1 fail, 2 fail for good (no retry).
rb_probe() {
  local verdict prc=0 args=(probe "$rb_c_probe" "--exit-code=$2")
  [[ -z "$rb_c_probe_want" ]] || args+=("--want=$rb_c_probe_want")
  [[ -z "$rb_c_probe_since" ]] || args+=("--since=$rb_started")
  verdict=$(printf '%s\n' "$1" | "%{rb_rollbook_cmd[@]}" "%{args[@]}" 2>&1) || prc=$?
  verdict=$(rb_mask "%{verdict%%$'\n'*}")
  rb_log "probe $rb_c_probe (exit $prc): $verdict"
  case "$verdict" in
    PASS\ *) rb_say "  -> %{verdict#PASS }"; return 0 ;;
    FAIL\ *) rb_warn "%{verdict#FAIL }"; return 1 ;;
    UNKNOWN\ *) rb_warn "$verdict"; return 1 ;;
    CONFIRM\ *)
      rb_warn "%{verdict#CONFIRM }"
      if rb_yes_no 'Confirm it (yes passes this gate and is logged; no stops here)'; then
        rb_log "confirmed by the operator: %{verdict#CONFIRM }"
        rb_say '  -> confirmed by you (logged)'
        return 0
      fi
      rb_log "not confirmed: %{verdict#CONFIRM }"
      return 2
      ;;
    *) rb_warn "UNKNOWN could not prove: rollbook probe $rb_c_probe gave no verdict (exit $prc): $verdict"; return 1 ;;
  esac
}

# rb_verdict OUT RC: 0 pass, 1 fail (worth retrying), 2 fail (final), from the spec above.
rb_verdict() {
  local out=$1 rc=$2 r result text note got want re line
  if [[ -n "$rb_c_probe" ]]; then
    rb_probe "$out" "$rc"
    return
  fi
  for r in %{rb_c_rules[@]+"%{rb_c_rules[@]}"}; do
    result=%{r%%$'\t'*} note=%{r#*$'\t'}
    text=%{note%%$'\t'*} note=%{note#*$'\t'}
    [[ "$out" == *"$text"* ]] || continue
    case "$result" in
      pass) rb_say "  -> $note"; rb_log "check outcome: $note"; return 0 ;;
      fail) rb_warn "$note"; return 1 ;;
      accept) rb_say "  -> $note"; rb_accept && return 0; return 2 ;;
    esac
  done
  if ((rc == 0 && %{#rb_c_rules[@]} > 0)); then
    rb_warn "UNKNOWN: the output matches none of the outcomes this check knows: could not prove it (read the output above)"
    return 1
  fi
  if ((rc != 0)); then
    if ((rc == 124)); then rb_warn 'check timed out'; elif ((rc == 127)); then rb_warn 'command not found (see the install hint at the top)'; else rb_warn "check exited with code $rc"; fi
    return 1
  fi
  if [[ -n "$rb_want" && "$out" != *"$rb_want"* ]]; then rb_warn "the output does not contain: $rb_want"; return 1; fi
  for re in %{rb_c_lines[@]+"%{rb_c_lines[@]}"}; do
    if ! printf '%s\n' "$out" | grep -Eq -- "$re"; then rb_warn "no line of the output matches: $re"; return 1; fi
  done
  if [[ -n "$rb_c_rev" ]]; then
    got=''
    while IFS= read -r line; do
      line=%{line#"%{line%%[![:space:]]*}"}
      if [[ "$line" == "$rb_c_rev" || "$line" == "$rb_c_rev"[[:space:]]* ]]; then got=1; fi
    done < <(printf '%s\n' "$out")
    if [[ -z "$got" ]]; then rb_warn "revision $rb_c_rev is not in the history"; return 1; fi
    rb_say "  -> revision $rb_c_rev is in the history"
  fi
  if [[ -n "$rb_c_ver_tool" ]]; then
    if ! got=$(printf '%s\n' "$out" | rb_schema_version "$rb_c_ver_tool"); then
      rb_warn "could not read a schema version in the output of $rb_c_ver_tool"
      return 1
    fi
    want=$rb_c_ver_want
    if [[ "$got" == *dirty ]]; then rb_warn "schema version $got: a migration failed half-way"; return 2; fi
    if [[ "$got" != "$want" ]]; then rb_warn "schema version is $got, the target is $want"; return 1; fi
    rb_say "  -> schema version $got equals the target, not dirty"
  fi
  return 0
}

# rb_check TIMEOUT RETRIES WANT ARGV...: a read-only check with a timeout, retried. Reads the output
# (stdout and stderr) as the spec says. A check with output rules passes only through a rule: output
# that matches none of them is unknown, never a pass. Without rules, exit 0 (and WANT, when set) passes.
rb_want=''
rb_check() {
  local t=$1 tries=$2 attempt=0 out rc v
  rb_want=$3
  shift 3
  if ((rb_dry)); then
    printf '    [dry-run] not run (timeout %ss, %s retries)\n' "$t" "$tries"
    return 0
  fi
  if [[ -n "$rb_c_fresh" ]]; then
    if [[ ! -f "$rb_c_fresh" || ! -s "$rb_c_fresh" ]]; then
      rb_warn "$rb_c_fresh does not exist or is empty"
      return 1
    fi
    if [[ ! "$rb_c_fresh" -nt "$rb_run_marker" ]]; then
      rb_warn "$rb_c_fresh was not written during this run (it is older than the start of the run): take a new backup"
      return 1
    fi
    rb_say "  -> $rb_c_fresh was written during this run and is not empty"
  fi
  (($#)) || return 0
  while :; do
    attempt=$((attempt + 1))
    rc=0
    rb_log "check (attempt $attempt, timeout %{t}s): $(rb_q "$@")"
    if ((%{#rb_timeout[@]})); then
      out=$("%{rb_timeout[@]}" "$t" "$@" </dev/null 2>&1) || rc=$?
    else
      rb_warn "no timeout command (coreutils): the check runs without its %{t}s limit"
      out=$("$@" </dev/null 2>&1) || rc=$?
    fi
    out=$(rb_mask "$out")
    if [[ -n "$out" ]]; then printf '%s\n' "$out" | sed 's/^/      | /'; fi
    printf '%s\n' "$out" >>"$rb_log_file"
    v=0
    rb_verdict "$out" "$rc" || v=$?
    if ((v == 0)); then
      rb_log "check passed"
      return 0
    fi
    if ((v == 2 || attempt > tries)); then return 1; fi
    sleep "%{ROLLBOOK_RETRY_DELAY:-5}"
  done
}

# rb_check_by_eye TIMEOUT QUESTION ARGV...: run a read-only command, show its output, and ask.
rb_check_by_eye() {
  local t=$1 question=$2 out rc=0
  shift 2
  if ((rb_dry)); then printf '    [dry-run] would run it and ask: %s [y/N]\n' "$question"; return 0; fi
  rb_log "check by eye: $(rb_q "$@")"
  if ((%{#rb_timeout[@]})); then
    out=$("%{rb_timeout[@]}" "$t" "$@" </dev/null 2>&1) || rc=$?
  else
    out=$("$@" </dev/null 2>&1) || rc=$?
  fi
  out=$(rb_mask "$out")
  if [[ -n "$out" ]]; then printf '%s\n' "$out" | sed 's/^/      | /'; fi
  printf '%s\n' "$out" >>"$rb_log_file"
  ((rc == 0)) || rb_warn "the command exited with code $rc"
  rb_yes_no "$question"
}

# The rollbook command: the installation that generated this script, then the project's own
# (npx --no-install), then one on PATH.
rb_rollbook_cmd=()
rb_find_rollbook() {
  ((%{#rb_rollbook_cmd[@]})) && return 0
  local bin=%{ROLLBOOK_BIN:-$rb_rollbook_bin}
  if [[ -n "$bin" && -x "$bin" ]]; then
    rb_rollbook_cmd=("$bin")
  elif command -v npx >/dev/null 2>&1 && npx --no-install rollbook --version >/dev/null 2>&1; then
    rb_rollbook_cmd=(npx --no-install rollbook)
  elif command -v rollbook >/dev/null 2>&1; then
    rb_rollbook_cmd=(rollbook)
  else
    rb_rollbook_cmd=(rollbook)
    rb_loud 'rollbook is not installed here: the checks that use it will fail'
    rb_say 'Install it, then start again: npm install --global rollbook (or, in the repository that has it as a dependency: npm ci, and run this script from there).'
    return 1
  fi
  rb_log "rollbook: $(rb_q "%{rb_rollbook_cmd[@]}")"
}

# rb_mitigated STEP_NO TEXT: the step's check passed and that mitigates the incident: stop here.
rb_mitigated() {
  ((rb_dry)) && return 0
  printf '\n%sMITIGATED at step %s: stop the rollback here.%s\n' "$rb_g" "$1" "$rb_0"
  rb_say "$2"
  rb_log "mitigated at step $1: $2"
  rb_comms
  exit 0
}

# rb_conditional STEP_NO QUESTION: a step that runs only under a condition; no means skip it.
rb_conditional() {
  if ((rb_dry)); then printf '    [dry-run] would ask: %s [y/N]\n' "$2"; return 0; fi
  if rb_yes_no "$2"; then return 0; fi
  rb_say "  step $1 skipped"
  rb_log "step $1 skipped: the condition does not hold"
  return 1
}

# rb_manual_check QUESTION: a check the operator confirms.
rb_manual_check() {
  if ((rb_dry)); then printf '    [dry-run] would ask: %s [y/N]\n' "$1"; return 0; fi
  rb_yes_no "$1"
}

# rb_manual_action TEXT: an action with no command; the operator confirms it is done.
rb_manual_action() {
  if ((rb_dry)); then printf '    [dry-run] would ask whether the manual action was done\n'; return 0; fi
  rb_log "manual action: $1"
  rb_yes_no 'Done (the manual action above)?'
}

rb_gate_ok=()
# rb_require_gates STEP_NO GATE_NO...: every listed gate must have passed in this run.
rb_require_gates() {
  local step=$1 g
  shift
  for g in "$@"; do
    if ((rb_dry)); then
      printf '    [dry-run] requires gate %s to have passed in this run\n' "$g"
    elif [[ "%{rb_gate_ok[$g]:-}" != 1 ]]; then
      rb_refuse "step $step needs gate $g, which has not passed in this run"
    fi
  done
}

# rb_confirm_step STEP_NO DATA TOKEN: stateless steps ask y/N unless --yes; data steps always ask for
# the service name, --yes or not.
rb_confirm_step() {
  local step=$1 data=$2 token=$3
  if ((rb_dry)); then
    if ((data)); then printf '    [dry-run] would ask to type the service name: %s\n' "$token"; fi
    return 0
  fi
  if ((data)); then
    rb_say "%{rb_r}This step changes data. Type the service name to run it (anything else stops):%{rb_0}"
    rb_ask "service name:"
    [[ "$rb_answer" == "$token" ]] || rb_refuse "step $step: the typed name does not match; stopped before any change"
    return 0
  fi
  if ((rb_yes)); then rb_log "step $step confirmed by --yes"; return 0; fi
  rb_yes_no "Run step $step now?" || rb_refuse "step $step not confirmed; stopped"
}

rb_t0=0
rb_step_start() {
  if ((rb_dry)); then printf '    [dry-run] step %s: commands and check not run\n' "$1"; return 0; fi
  rb_t0=$SECONDS
  rb_log "step $1 started"
}
# rb_step_end STEP_NO EXPECTED MAX: compare the elapsed time with the design.
rb_step_end() {
  local step=$1 expected=$2 max=$3 took
  ((rb_dry)) && return 0
  took=$((SECONDS - rb_t0))
  rb_log "step $step took %{took}s (expected %{expected}s, worst case %{max}s)"
  if ((took > max)); then
    rb_loud "step $step took %{took}s, beyond its worst case of %{max}s: the design no longer holds; consider the abort path"
  elif ((took > expected)); then
    rb_warn "step $step took %{took}s, more than the expected %{expected}s (worst case %{max}s)"
  else
    rb_ok "step $step took %{took}s (expected %{expected}s)"
  fi
}
`.replaceAll('%{', '${');

class Script {
  readonly lines: string[] = [];
  add(...ls: string[]) {
    this.lines.push(...ls);
  }
  /** rb_<fn> with each value as one quoted word. */
  call(fn: string, ...values: string[]) {
    this.lines.push([fn, ...values.map(q)].join(' '));
  }
}

function describeCheck(s: Script, check: Check, indent = '') {
  s.call('rb_kv', `${indent}check`, check.expect);
  if (check.freshFile)
    s.call('rb_kv', `${indent}fresh`, 'the file must be written during this run and not be empty');
  if (check.command && check.command.argv.length > 0) {
    s.call('rb_show', renderCommand(check.command));
    if (check.expectOutput !== undefined && check.expectOutput !== '')
      s.call('rb_kv', `${indent}passes when the output contains`, check.expectOutput);
    for (const r of check.outcomes ?? [])
      s.call('rb_kv', `${indent}output "${r.contains}"`, `${r.result}: ${r.note}`);
    s.call('rb_kv', `${indent}timeout / retries`, `${check.timeoutSeconds}s / ${check.retries}`);
  } else if (!check.freshFile) {
    s.call('rb_kv', `${indent}how`, check.command?.manual ?? 'confirmed by the operator');
  }
}

/** The assignments that tell rb_check how to read the output. */
function specWords(check: Check): string[] {
  const words = ['rb_spec'];
  const rules = (check.outcomes ?? []).map((r) =>
    shellQuote(
      `${r.result}\t${displayText(r.contains).replace(/[\t\n]/g, ' ')}\t${displayText(r.note).replace(/[\t\n]/g, ' ')}`,
    ),
  );
  if (rules.length > 0) words.push(`rb_c_rules=(${rules.join(' ')})`);
  if (check.expectLines?.length) words.push(`rb_c_lines=(${check.expectLines.map(shellQuote).join(' ')})`);
  if (check.listsRevision) words.push(`rb_c_rev=${renderArg(check.listsRevision, inputVar)}`);
  if (check.schemaVersion) {
    words.push(`rb_c_ver_tool=${shellQuote(check.schemaVersion.tool)}`);
    words.push(`rb_c_ver_want=${renderArg(check.schemaVersion.target, inputVar)}`);
  }
  if (check.freshFile) words.push(`rb_c_fresh=${renderArg(check.freshFile, inputVar)}`);
  if (check.probe) {
    words.push(`rb_c_probe=${shellQuote(check.probe.id)}`);
    if (check.probe.want !== undefined)
      words.push(`rb_c_probe_want=${renderArg(check.probe.want, inputVar)}`);
    if (check.probe.since) words.push('rb_c_probe_since=1');
  }
  if (check.acceptance) {
    words.push(`rb_c_accept_by=${q(check.acceptance.by.join(', '))}`);
    words.push(`rb_c_losses=(${check.acceptance.losses.map(q).join(' ')})`);
  }
  return words;
}

/** Shell condition (a command list) that is true when the check passes. */
function checkCondition(check: Check, retries = check.retries): string {
  const hasCommand = !!check.command && check.command.argv.length > 0;
  if (hasCommand && !check.command!.readOnly) {
    // The script only runs read-only commands on its own; anything else the operator runs and confirms.
    return `rb_manual_check ${q(`This check is not read-only, so it is not run automatically. Run it yourself: ${renderCommand(check.command!)} -- does it show: ${check.expect}?`)}`;
  }
  if (hasCommand && (check.manual || readByPerson(check))) {
    return [
      'rb_check_by_eye',
      String(Math.max(1, int(Math.ceil(check.timeoutSeconds), 60))),
      q(`Does the output above show: ${check.expect}?`),
      argvWords(check.command!.argv),
    ].join(' ');
  }
  if (hasCommand || check.freshFile) {
    const call = [
      'rb_check',
      String(Math.max(1, int(Math.ceil(check.timeoutSeconds), 60))),
      String(int(Math.floor(retries))),
      shellQuote(check.expectOutput ?? ''),
      ...(hasCommand ? [argvWords(check.command!.argv)] : []),
    ].join(' ');
    return `{ ${[...specWords(check), call].join('; ')}; }`;
  }
  return `rb_manual_check ${q(`Confirm by eye: ${check.expect}?`)}`;
}

/** A side of the window as a person checks it: the ref, and its commit when the ref is not one. */
function sideLabel(side: { ref: string; commit: string }): string {
  const id = side.commit.slice(0, 12);
  return side.commit.startsWith(side.ref) ? id : `${side.ref} (commit ${id})`;
}

/**
 * The release this runbook is for, said before anything runs: the script may be run long after it
 * was written (or regenerated by the guided command, pinned to the design's window), so the operator
 * checks that production runs `from` before going on.
 */
function releaseLine(w: Plan['window']): string | undefined {
  if (!w.to || w.from.commit === '') return undefined;
  return `rolls back ${sideLabel(w.from)} to ${sideLabel(w.to)}; production must be running ${w.from.commit.slice(0, 12)}: if production runs another version, stop and design that release (rollbook plan . --from THE_RUNNING_VERSION --format sh --out rollback.sh)`;
}

function header(s: Script, plan: Plan) {
  const svc = plan.service;
  s.add('', '# --- the plan ---');
  s.call('rb_head', `Rollback runbook: ${svc.name}`);
  s.call('rb_kv', 'window', plan.window.summary);
  const release = releaseLine(plan.window);
  if (release) s.call('rb_kv', 'release', release);
  s.call('rb_kv', 'platform', svc.platform);
  if (svc.workload) s.call('rb_kv', 'workload', svc.workload);
  if (svc.namespace) s.call('rb_kv', 'namespace', svc.namespace);
  if (svc.owners.length > 0) s.call('rb_kv', 'owners', svc.owners.join(', '));
  s.call(
    'rb_kv',
    'risk',
    plan.dataPathUnknown
      ? `HIGH: the data path is unknown (${plan.dataPathUnknown.join('; ')}); backup and verification gates come first`
      : plan.risk === 'high'
        ? 'HIGH: this rollback touches data; backup and verification gates come first'
        : 'low: stateless rollback',
  );
  s.call(
    'rb_kv',
    'estimate',
    `about ${formatDuration(plan.estimate.expectedSeconds)}, worst case ${formatDuration(plan.estimate.maxSeconds)}`,
  );
  if (plan.estimate.comparison) s.call('rb_kv', 'compared', plan.estimate.comparison);

  s.call('rb_head', 'Trigger: roll back when');
  if (plan.trigger.criteria.length === 0) s.call('rb_item', 'no trigger signal is configured');
  for (const c of plan.trigger.criteria) s.call('rb_item', criterionLine(c));
  s.call('rb_kv', 'authorized to call it', plan.trigger.authorized.join(', ') || 'not configured');
  s.call('rb_kv', 'start command', plan.trigger.command);
  s.call('rb_kv', plan.trigger.oneCommand ? 'one command' : 'NOT a one-command rollback', plan.trigger.why);

  const count = (sev: string) => plan.hazards.filter((h) => h.severity === sev).length;
  s.call('rb_head', `Hazards: ${count('error')} error, ${count('warning')} warning, ${count('info')} info`);
  for (const h of plan.hazards) {
    const at = h.evidence[0] ? ` (${h.evidence[0].file}:${h.evidence[0].line})` : '';
    s.call('rb_item', `[${h.severity}] ${h.subject}: ${h.message}${at}`);
    s.call('rb_say', `      mitigation: ${h.mitigation}`);
  }
  if (plan.unknowns.length > 0) {
    s.call('rb_head', 'Unknown (the design could not tell)');
    for (const u of plan.unknowns) s.call('rb_item', `${u.subject}: ${u.reason}`);
  }
}

/** Asks each runtime input just before its first use (the inputs its discover command needs first). */
class Inputs {
  private readonly declared: Map<string, Input>;
  private readonly asked = new Set<string>();
  constructor(
    private readonly s: Script,
    plan: Plan,
    private readonly used: Set<string>,
  ) {
    this.declared = new Map(plan.inputs.map((i) => [i.name, i]));
  }

  ask(names: string[]) {
    for (const n of names) this.one(n, new Set());
  }

  private one(name: string, path: Set<string>) {
    if (this.asked.has(name) || path.has(name)) return;
    path.add(name);
    const input = this.declared.get(name) ?? {
      name,
      description: `value of ${name} (the plan does not describe it)`,
    };
    for (const v of varsOf(input.discover)) this.one(v, path);
    this.asked.add(name);
    this.emit(input);
  }

  private emit(input: Input) {
    const { s } = this;
    if (!isValidVarName(input.name)) throw new Error(`invalid input name: ${JSON.stringify(input.name)}`);
    s.add('');
    s.call('rb_say', `Input ${input.name}: ${input.description}`);
    if (input.discover && input.discover.argv.length > 0) {
      if (input.discover.readOnly) {
        s.call('rb_say', '  candidates (read-only):');
        s.call('rb_show', renderCommand(input.discover));
        s.add(`rb_discover ${argvWords(input.discover.argv)}`);
      } else {
        s.call('rb_say', '  candidates (not read-only, so not run here; run it yourself if it is safe):');
        s.call('rb_show', renderCommand(input.discover));
      }
    }
    const prompt = input.default !== undefined ? `${input.name} [${input.default}]:` : `${input.name}:`;
    s.add(
      'if ((rb_dry)); then',
      `  rb_answer=${shellQuote(`<${input.name}>`)}`,
      `  rb_say ${q(`  [dry-run] would ask: ${prompt}`)}`,
      'else',
      `  ${input.secret ? 'rb_ask_secret' : 'rb_ask'} ${q(prompt)}`,
    );
    if (input.default !== undefined)
      s.add(`  if [[ -z "$rb_answer" ]]; then rb_answer=${shellQuote(input.default)}; fi`);
    s.add(`  [[ -n "$rb_answer" ]] || rb_refuse ${q(`${input.name} must not be empty`)}`);
    if (input.secret) {
      s.add(
        '  rb_secret_input',
        `  rb_say "  ${input.name} = $rb_shown"`,
        `  rb_log ${shellQuote(`input ${input.name} =`)} "$rb_shown"`,
      );
    } else {
      s.add(`  rb_log ${shellQuote(`input ${input.name} =`)} "$(rb_q "$rb_answer")"`);
    }
    s.add('fi');
    if (this.used.has(input.name)) s.add(`${inputVar(input.name)}=$rb_answer`);
  }
}

function gate(s: Script, plan: Plan, g: Gate, n: number, inputs: Inputs) {
  s.add('');
  inputs.ask(gateVars(g));
  s.call('rb_say', `Gate ${n}/${plan.gates.length} [${g.kind}${g.blocking ? ', blocking' : ''}]: ${g.title}`);
  if (g.status) s.call('rb_kv', 'status when designed', `${g.status}${g.reason ? ` (${g.reason})` : ''}`);
  for (const p of g.prepare ?? []) s.call('rb_kv', 'first, run', renderCommand(p));
  describeCheck(s, g.check);
  const fail = g.blocking
    ? `rb_stop_gate ${n} ${q(g.title)} ${q(g.check.expect)}`
    : `rb_warn ${q(`gate ${n} did not pass (not blocking): ${g.title}`)}`;
  // A gate nothing in the design can check: the operator's answer is logged as theirs, never as a pass.
  const condition = g.prove
    ? `rb_manual_check ${q(`rollbook could not check this (${g.reason ?? 'not checked'}). Confirm it yourself: ${g.check.expect}?`)}`
    : checkCondition(g.check);
  s.add(
    `if ${condition}; then`,
    `  rb_gate_ok[${n}]=1`,
    `  rb_ok ${q(`gate ${n}: ${g.title}${g.prove ? ' (confirmed by you, not checked by rollbook)' : ''}`)}`,
  );
  s.add('else', `  ${fail}`, 'fi');
}

function step(s: Script, plan: Plan, st: Step, n: number, inputs: Inputs) {
  const gateIndex = new Map<string, number>();
  plan.gates.forEach((g, i) => {
    if (!gateIndex.has(g.id)) gateIndex.set(g.id, i + 1);
  });
  const token = confirmationToken(plan.service.name);
  s.add('', `# step ${n}`);
  inputs.ask(stepVars(st));
  s.call(
    'rb_say',
    `${'-'.repeat(8)} Step ${n}/${plan.runbook.length}: ${st.title}${st.touchesData ? ' [CHANGES DATA]' : ''}`,
  );
  s.call(
    'rb_kv',
    'duration',
    `expected ${formatDuration(st.expectedSeconds)}, worst case ${formatDuration(st.maxSeconds)}${st.durationBasis ? ` (${st.durationBasis})` : ''}`,
  );
  s.call('rb_say', '  commands:');
  if (st.commands.length === 0) s.call('rb_say', '    (none)');
  for (const c of st.commands) {
    if (c.argv.length === 0) s.call('rb_show_manual', c.manual ?? '');
    else
      s.call(
        'rb_show',
        `${renderCommand(c)}${c.repeatUntilCheck ? `   (repeated until the check passes, at most ${c.repeatUntilCheck} times)` : ''}`,
      );
  }
  describeCheck(s, st.check);
  if (st.stopWhenCheckPasses) s.call('rb_kv', 'if it passes', st.stopWhenCheckPasses);
  s.call('rb_kv', st.stopWhenCheckPasses ? 'if not' : 'if the check fails', st.onFailure);

  // Which gates must have passed in this run. The data rule: a data step also needs a backup gate
  // and a verification gate among them, or it can never run.
  const missing = st.requiresGates.filter((id) => !gateIndex.has(id));
  const required = st.requiresGates.flatMap((id) => (gateIndex.has(id) ? [gateIndex.get(id)!] : []));
  const kinds = new Set(required.map((k) => plan.gates[k - 1]!.kind));
  const problems = missing.map((id) => `it requires gate "${id}", which is not in the plan`);
  if (st.touchesData && !kinds.has('backup'))
    problems.push('it changes data but requires no backup gate (the data rule)');
  if (st.touchesData && !kinds.has('verification'))
    problems.push('it changes data but requires no verification gate (the data rule)');
  if (st.touchesData)
    s.call('rb_kv', 'called only by', plan.trigger.authorized.join(', ') || 'not configured');
  for (const p of problems) s.call('rb_kv', 'CANNOT RUN', p);
  if (required.length > 0)
    s.call('rb_kv', 'requires gates', required.map((k) => `${k} (${plan.gates[k - 1]!.title})`).join('; '));
  if (problems.length > 0) {
    s.add(`((rb_dry)) || rb_refuse ${q(`step ${n} cannot run: ${problems.join('; ')}`)}`);
  }
  if (required.length > 0) s.add(`rb_require_gates ${n} ${required.join(' ')}`);
  const body: string[] = [];
  body.push(`rb_confirm_step ${n} ${st.touchesData ? 1 : 0} ${shellQuote(token)}`);
  body.push(`rb_step_start ${n}`);
  const abort = `rb_abort ${n} ${q(st.onFailure)}`;
  for (const c of st.commands) {
    if (c.argv.length === 0) {
      body.push(`rb_running ${q(`MANUAL: ${c.manual ?? ''}`)}`);
      body.push(`rb_manual_action ${q(c.manual ?? '')} || ${abort}`);
    } else if (c.repeatUntilCheck) {
      // Check first: a schema already at the target runs nothing; then one run per pass.
      body.push(
        'rb_n=0',
        `until ((rb_dry)) || ${checkCondition(st.check, 0)}; do`,
        `  ((rb_n < ${int(c.repeatUntilCheck, 1)})) || ${abort}`,
        '  rb_n=$((rb_n + 1))',
        `  rb_running_cmd "   (run $rb_n of at most ${int(c.repeatUntilCheck, 1)})" ${argvWords(c.argv)}`,
        `  rb_exec ${argvWords(c.argv)} || ${abort}`,
        'done',
      );
    } else {
      body.push(`rb_running_cmd '' ${argvWords(c.argv)}`);
      body.push(`rb_exec ${argvWords(c.argv)} || ${abort}`);
    }
  }
  body.push(`((rb_dry)) || rb_say '  check:'`);
  if (st.stopWhenCheckPasses) {
    body.push(
      `if ${checkCondition(st.check)}; then`,
      `  rb_mitigated ${n} ${q(st.stopWhenCheckPasses)}`,
      'else',
      `  rb_say ${q(st.onFailure)}`,
      `  rb_log ${q(`step ${n}: not mitigated, continuing`)}`,
      'fi',
    );
  } else {
    body.push(`${checkCondition(st.check)} || ${abort}`);
  }
  body.push(`rb_step_end ${n} ${int(st.expectedSeconds)} ${int(st.maxSeconds)}`);
  if (st.conditional) {
    s.add(`if rb_conditional ${n} ${q(`Run step ${n}? ${st.title}`)}; then`);
    s.add(...body.map((l) => `  ${l}`));
    s.add('fi');
  } else {
    s.add(...body);
  }
}

function verification(s: Script, plan: Plan) {
  const v = plan.verification;
  s.add('', '# --- verification ---');
  s.call('rb_head', 'Verification');
  s.call(
    'rb_say',
    `Recovery is confirmed when these signals stay on the healthy side of their thresholds for ${formatDuration(v.sustainSeconds)}:`,
  );
  if (v.signals.length === 0) s.call('rb_item', 'no signal configured: watch the service dashboards');
  for (const sig of v.signals) s.call('rb_item', `${sig.signal}: ${sig.condition}`);
  v.checks.forEach((c, i) => {
    s.call('rb_say', `Verification check ${i + 1}/${v.checks.length}:`);
    describeCheck(s, c);
    s.add(
      `if ${checkCondition(c)}; then`,
      `  rb_ok ${q(`verification check ${i + 1}`)}`,
      'else',
      `  rb_fail_verification ${q(c.expect)}`,
      'fi',
    );
  });
}

function commsFunction(s: Script, plan: Plan) {
  s.add('', '# --- status updates ---', 'rb_comms() {');
  s.add(`  rb_head 'Status updates'`);
  s.add(`  rb_say ${q(commsSummary(plan))}`);
  s.add(`  rb_kv 'data-loss statement' ${q(plan.comms.dataLossStatement)}`);
  const blanks = commsBlanks(plan);
  if (blanks.length > 0) {
    s.add(`  rb_say 'Fill in every [FILL IN: ...] blank before sending:'`);
    for (const b of blanks) s.add(`  rb_item ${q(b)}`);
  }
  for (const b of commsBlocks(plan)) {
    s.add(`  rb_say ''`, `  rb_say ${q(`--- ${b.heading} ---`)}`);
    s.add(`  rb_say ${q(`${statusPageLabel(plan)}:`)}`, `  rb_say ${q(b.statusPage)}`);
    s.add(`  rb_say 'chat:'`, `  rb_say ${q(b.chat)}`);
  }
  s.add('}');
}

function failureFunctions(s: Script, plan: Plan) {
  s.add(
    '',
    '# rb_abort STEP_NO ABORT_PATH: a step failed; print the abort path and the comms, stop.',
    'rb_abort() {',
    '  rb_loud "step $1 FAILED: do not continue with the next step"',
    `  rb_say 'Abort path:'`,
    '  rb_say "$2"',
    '  rb_log "abort path shown for step $1"',
    '  rb_comms',
    `  rb_say ${q(`Keep the IDENTIFIED update current; next update due within ${int(plan.comms.cadenceMinutes)} min.`)}`,
    '  exit 1',
    '}',
    '# rb_stop_gate GATE_NO TITLE EXPECT: a blocking gate failed; nothing has been changed.',
    'rb_stop_gate() {',
    '  rb_loud "blocking gate $1 failed: $2"',
    `  rb_kv 'it must show' "$3"`,
    `  rb_say 'Nothing has been changed. Resolve the gate, or escalate to the people authorized to call this rollback:'`,
    `  rb_say ${q(plan.trigger.authorized.join(', ') || 'not configured')}`,
    '  exit 1',
    '}',
    '# rb_fail_verification EXPECT: the rollback ran but recovery is not confirmed.',
    'rb_fail_verification() {',
    '  rb_loud "verification failed: $1"',
    `  rb_say 'The rollback ran but recovery is not confirmed: do not send RESOLVED; escalate.'`,
    '  rb_comms',
    '  exit 1',
    '}',
  );
}

export function renderSh(plan: Plan, options: ShOptions = {}): string {
  const s = new Script();
  const used = new Set(usedVars(plan));
  for (const v of used)
    if (!isValidVarName(v)) throw new Error(`invalid runtime variable name: ${JSON.stringify(v)}`);
  for (const i of plan.inputs)
    if (!isValidVarName(i.name)) throw new Error(`invalid input name: ${JSON.stringify(i.name)}`);
  s.add(
    '#!/usr/bin/env bash',
    // SC2016 ($ in single quotes) and SC1003 (backslash before a quote in single quotes) flag exactly
    // what the quoting is for: plan text, printed literally, never expanded.
    '# shellcheck disable=SC2016,SC1003 # plan text is printed literally on purpose: nothing in it is expanded',
    PRELUDE.trimEnd(),
    '',
    `rb_rollbook_bin=${shellQuote(options.rollbookBin ?? '')}`,
  );
  commsFunction(s, plan);
  failureFunctions(s, plan);
  s.add(
    '',
    '# --- the log, for the postmortem (not in --dry-run, which runs and writes nothing) ---',
    'if ((rb_dry)); then',
    `  rb_say '*** DRY RUN: every gate, step and command is printed; nothing is run ***'`,
    'else',
    `  rb_slug=${shellQuote(logSlug(plan.service.name))}`,
    `  rb_log_file="\${ROLLBOOK_LOG_DIR:-.}/rollbook-\${rb_slug}-$(date -u +%Y%m%dT%H%M%SZ).log"`,
    `  : >>"$rb_log_file" || { printf 'cannot write the log file %s\\n' "$rb_log_file" >&2; exit 2; }`,
    `  rb_log ${shellQuote('runbook started for')} ${q(plan.service.name)} "$(rb_q "$@")"`,
    `  rb_run_marker=$(mktemp "\${TMPDIR:-/tmp}/rollbook-run.XXXXXX")`,
    '  rb_started=$(date +%s)',
    'fi',
  );
  if (options.preface) {
    s.call('rb_head', options.preface.title);
    for (const [k, v] of options.preface.facts) s.call('rb_kv', k, v);
    for (const sec of options.preface.sections) {
      s.call('rb_head', sec.heading);
      for (const item of sec.items) s.call('rb_item', item);
    }
  }
  header(s, plan);
  if (usesRollbook(plan)) s.add('', '((rb_dry)) || rb_find_rollbook || :');
  const inputs = new Inputs(s, plan, used);
  s.add('', '# --- the procedure: steps in order, each gate just before the first step that needs it ---');
  s.call('rb_head', `Runbook (${plan.runbook.length} steps, ${plan.gates.length} gates)`);
  for (const item of procedure(plan)) {
    if (item.kind === 'gates') {
      s.add('', '# --- gates ---');
      s.call('rb_head', `Gates before the next step: ${item.gates.map((g) => g.n).join(', ')}`);
      for (const g of item.gates) gate(s, plan, g.gate, g.n, inputs);
    } else {
      step(s, plan, item.step, item.n, inputs);
    }
  }
  inputs.ask([...used]);
  verification(s, plan);
  s.add(
    '',
    '# --- done ---',
    'rb_comms',
    'if ((rb_dry)); then',
    `  rb_say ''`,
    `  rb_say '*** DRY RUN complete: nothing was run ***'`,
    'else',
    `  rb_ok ${q(`all steps passed. Send MONITORING now; send RESOLVED after the signals stay on the healthy side of their thresholds for ${formatDuration(plan.verification.sustainSeconds)}.`)}`,
    'fi',
    '',
  );
  return s.lines.join('\n');
}
