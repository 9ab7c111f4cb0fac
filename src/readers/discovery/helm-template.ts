/**
 * `helm template` of a chart of this repository, when `helm` is on PATH: local and read-only. It
 * never contacts a cluster (no `--validate`, KUBECONFIG=/dev/null), uses a throw-away HELM_* home
 * (no user repositories or plugins), runs with a timeout and an output cap, passes names after
 * `--` and only names that pass the Helm release name rule. The values layers are passed as `-f`
 * files in their order (inline values and ConfigMap values written to a temporary directory as
 * JSON, which is YAML). The output is split per template (`# Source:`), keyed by the template's
 * path in the repository. A chart helm refuses because Chart.yaml dependencies are not vendored
 * under charts/ is rendered from a throw-away copy without them (never `helm dependency build`,
 * never a download); the caller names the enabled ones as unknowns. Which helm runs, if any, is
 * ROLLBOOK_HELM's choice (helmBinary).
 */
import { execFile } from 'node:child_process';
import {
  accessSync,
  constants,
  copyFileSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { isMap, isSeq, parseDocument } from 'yaml';
import { RollbookError } from '../../errors.js';
import type { Unknown } from '../../model/service.js';
import { nameProblem } from '../names.js';
import { arr, get, str, type YamlDoc } from './yaml.js';

export interface HelmTemplateInput {
  /** Absolute path of the chart directory. */
  chartPath: string;
  /** The chart directory relative to the repository (POSIX, '' for the root). */
  chartDir: string;
  /** The chart's name (the first segment of `# Source:` paths). */
  chart: string;
  release: string;
  namespace?: string;
  /** Values layers after the chart's values.yaml, in order (later wins). */
  values: unknown[];
}

export type HelmTemplateResult =
  | {
      ok: true;
      version: string;
      docs: { file: string; text: string }[];
      /**
       * The vendored subcharts' rendered documents (charts/<name>/templates/…): not this chart's
       * workloads, but what names a database subchart's pod.
       */
      subchartDocs: { file: string; text: string }[];
      /** Dependencies helm found missing under charts/: the chart was rendered without them. */
      unvendored?: string[];
    }
  | { ok: false; reason: string };

export interface HelmTemplateOptions {
  /** The helm binary (default: helmBinary(): ROLLBOOK_HELM, else `helm` on PATH). */
  helm?: string;
  timeoutMs?: number;
  maxBytes?: number;
}

const TIMEOUT_MS = 30_000;
const MAX_BYTES = 16 * 1024 * 1024;

function executable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `helm` (or another program name) on PATH (an executable regular file), without a shell. */
export function helmOnPath(path = process.env.PATH ?? '', name = 'helm'): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (executable(candidate)) return candidate;
  }
  return undefined;
}

/** The values of ROLLBOOK_HELM that switch `helm template` off. */
const OFF = new Set(['off', '0', 'false', 'no', 'none']);

/**
 * The helm that discovery runs, from the environment: `ROLLBOOK_HELM=off` never runs one (the
 * output then depends on nothing installed on the machine), `ROLLBOOK_HELM=/path/to/helm` (or a
 * program name on PATH) runs that binary (an input error when it is not one), unset or empty:
 * `helm` on PATH. `reason` says why none runs.
 */
export function helmBinary(
  env: NodeJS.ProcessEnv = process.env,
): { bin: string; reason?: undefined } | { bin?: undefined; reason: string } {
  const chosen = env.ROLLBOOK_HELM?.trim();
  if (!chosen) {
    const bin = helmOnPath(env.PATH ?? '');
    return bin ? { bin } : { reason: 'helm is not on PATH' };
  }
  if (OFF.has(chosen.toLowerCase()))
    return { reason: `helm template is switched off (ROLLBOOK_HELM=${chosen})` };
  const bin = chosen.includes('/') ? resolve(chosen) : helmOnPath(env.PATH ?? '', chosen);
  if (bin && executable(bin)) return { bin };
  throw new RollbookError(
    'INVALID_CONFIG',
    `ROLLBOOK_HELM=${chosen}: not an executable file${chosen.includes('/') ? '' : ' on PATH'}`,
    'Set ROLLBOOK_HELM to the helm binary to run, to off (never run helm), or unset it (helm on PATH).',
  );
}

function run(
  bin: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeout: number,
  maxBuffer: number,
): Promise<{ code: number | string | null; stdout: string; stderr: string; error?: Error }> {
  return new Promise((resolve) => {
    execFile(
      bin,
      args,
      { env, timeout, maxBuffer, killSignal: 'SIGKILL', encoding: 'utf8', windowsHide: true },
      (error, stdout, stderr) => {
        resolve({
          code: error ? ((error as NodeJS.ErrnoException).code ?? 1) : 0,
          stdout,
          stderr,
          ...(error ? { error } : {}),
        });
      },
    );
  });
}

/** helm's error line ("Error: …", not the "Use --debug flag" hint after it), else its last line. */
function lastLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  const error = lines.filter((l) => l.startsWith('Error: ')).pop();
  return (error ?? lines.pop() ?? '').slice(0, 300);
}

/**
 * The dependencies `helm template` refuses a chart for because they are not under charts/ (helm's
 * own check, action.CheckDependencies: "found in Chart.yaml, but missing in charts/ directory: a, b").
 */
export function missingDependencies(stderr: string): string[] | undefined {
  const m = /found in Chart\.yaml, but missing in charts\/ directory: ([^\n]+)/.exec(stderr);
  const names = m?.[1]
    ?.split(',')
    .map((n) => n.trim())
    .filter((n) => /^[\w.-]+$/.test(n));
  return names?.length ? [...new Set(names)] : undefined;
}

/**
 * Whether helm installs a dependency with these values: its `tags` (any true tag enables it, all
 * false disable it), then its `condition` (the first path holding a boolean wins); on by default.
 */
export function dependencyEnabled(dep: unknown, values: unknown): boolean {
  let enabled = true;
  const tags = arr(get(dep, 'tags'))
    .map((t) => get(values, 'tags', str(t) ?? ''))
    .filter((v): v is boolean => typeof v === 'boolean');
  if (tags.length && !tags.includes(true)) enabled = false;
  for (const path of (str(get(dep, 'condition')) ?? '').split(',')) {
    const v = path.trim() ? get(values, ...path.trim().split('.')) : undefined;
    if (typeof v === 'boolean') return v;
  }
  return enabled;
}

/**
 * What was not rendered: one unknown per enabled dependency helm found missing under charts/, at
 * its Chart.yaml entry, naming what would render it. A dependency the values disable is no unknown
 * (helm would not render it either).
 */
export function unvendoredUnknowns(
  chartDir: string,
  chartName: string,
  chart: YamlDoc,
  values: unknown,
  missing: string[],
): Unknown[] {
  const subject = `helm chart ${chartName}`;
  const build = `helm dependency build ${chartDir || '.'}`;
  const deps = arr(get(chart.value, 'dependencies'));
  const out: Unknown[] = [];
  deps.forEach((dep, i) => {
    const name = str(get(dep, 'name'));
    if (!name || !missing.includes(name) || !dependencyEnabled(dep, values)) return;
    const alias = str(get(dep, 'alias'));
    const version = str(get(dep, 'version'));
    const repo = str(get(dep, 'repository'));
    const condition = str(get(dep, 'condition'));
    out.push({
      subject,
      reason: `subchart ${alias && alias !== name ? `${alias} (chart ${name})` : name}${version ? ` ${version}` : ''}${repo ? ` from ${repo}` : ''} is ${condition ? `enabled (${condition})` : 'declared'} but not vendored under charts/: helm template rendered the chart without it, so what it installs (workloads, Services, volumes) is not in this design; \`${build}\` would vendor it${repo && /^https?:/.test(repo) ? ' (after helm repo add of its repository)' : ''}: it downloads, rollbook never does`,
      at: chart.at(['dependencies', i, 'name']),
    });
  });
  // names Chart.yaml does not list (an apiVersion v1 chart's requirements.yaml)
  const listed = new Set(deps.map((d) => str(get(d, 'name'))));
  const others = missing.filter((n) => !listed.has(n));
  if (others.length)
    out.push({
      subject,
      reason: `subcharts ${others.join(', ')} are required but not vendored under charts/: helm template rendered the chart without them, so what they install is not in this design; \`${build}\` would vendor them: it downloads, rollbook never does`,
      at: chart.at([]),
    });
  return out;
}

/** At most this much of a chart directory is copied to render it without its missing dependencies. */
const COPY_MAX_FILES = 5_000;
const COPY_MAX_BYTES = 64 * 1024 * 1024;

/**
 * A throw-away copy of the chart at `dest` whose Chart.yaml / Chart.lock (requirements.yaml / .lock
 * of apiVersion v1 charts) no longer list the named dependencies; everything else as it is. A
 * symbolic link keeps pointing where the original does (helm follows it there too); `.git` is left
 * out. The repository is never written.
 */
export function chartWithout(chartPath: string, dest: string, names: string[]): string | { problem: string } {
  let files = 0;
  let bytes = 0;
  const copy = (from: string, to: string): string | undefined => {
    const st = lstatSync(from);
    if (++files > COPY_MAX_FILES) return `the chart holds more than ${COPY_MAX_FILES} files`;
    if (st.isSymbolicLink()) symlinkSync(resolve(dirname(from), readlinkSync(from)), to);
    else if (st.isDirectory()) {
      mkdirSync(to);
      for (const e of readdirSync(from).sort()) {
        if (e === '.git') continue;
        const problem = copy(join(from, e), join(to, e));
        if (problem) return problem;
      }
    } else if (st.isFile()) {
      bytes += st.size;
      if (bytes > COPY_MAX_BYTES) return `the chart holds more than ${COPY_MAX_BYTES / 1024 / 1024} MiB`;
      copyFileSync(from, to);
    }
    return undefined;
  };
  try {
    const problem = copy(chartPath, dest);
    if (problem) return { problem: `not rendered without them: ${problem}` };
    const drop = new Set(names);
    for (const f of ['Chart.yaml', 'Chart.lock', 'requirements.yaml', 'requirements.lock']) {
      const file = join(dest, f);
      if (!lstatSync(file, { throwIfNoEntry: false })?.isFile()) continue;
      const doc = parseDocument(readFileSync(file, 'utf8'));
      const deps = doc.get('dependencies');
      if (!isSeq(deps)) continue;
      deps.items = deps.items.filter((d) => !(isMap(d) && drop.has(String(d.get('name')))));
      writeFileSync(file, doc.toString());
    }
    return dest;
  } catch (e) {
    return { problem: `not rendered without them: ${(e as Error).message.slice(0, 200)}` };
  }
}

/** Split `helm template` output into documents keyed by the template's repository path. */
export function splitRendered(
  text: string,
  chart: string,
  chartDir: string,
  which: 'chart' | 'subcharts' = 'chart',
): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  for (const part of text.split(/^---[ \t]*$/m)) {
    const src = /^# Source: (\S+)[ \t]*$/m.exec(part)?.[1];
    if (!src?.startsWith(`${chart}/`)) continue;
    const rel = src.slice(chart.length + 1);
    // a subchart's template (charts/<name>/templates/…) is another chart's, not this one's
    const mine = rel.startsWith('templates/');
    if (which === 'chart' ? !mine : !/^charts\/[^/]+\/templates\//.test(rel)) continue;
    out.push({ file: chartDir ? `${chartDir}/${rel}` : rel, text: part });
  }
  return out;
}

export async function helmTemplate(
  input: HelmTemplateInput,
  opts: HelmTemplateOptions = {},
): Promise<HelmTemplateResult> {
  const found = opts.helm ? { bin: opts.helm } : helmBinary();
  const bin = found.bin;
  if (!bin) return { ok: false, reason: found.reason ?? 'helm is not run' };
  const bad =
    nameProblem('helm-release', input.release) ??
    (input.namespace !== undefined ? nameProblem('kubernetes-namespace', input.namespace) : undefined);
  if (bad) return { ok: false, reason: `helm template not run: ${bad}` };
  const home = mkdtempSync(join(tmpdir(), 'rollbook-helm-'));
  try {
    const files = input.values.map((v, i) => {
      const f = join(home, `values-${i}.json`);
      writeFileSync(f, JSON.stringify(v ?? {}));
      return f;
    });
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '',
      HOME: home,
      HELM_CACHE_HOME: join(home, 'cache'),
      HELM_CONFIG_HOME: join(home, 'config'),
      HELM_DATA_HOME: join(home, 'data'),
      HELM_PLUGINS: join(home, 'plugins'),
      KUBECONFIG: '/dev/null',
    };
    const args = [
      'template',
      ...(input.namespace ? ['--namespace', input.namespace] : []),
      ...files.flatMap((f) => ['--values', f]),
      '--',
      input.release,
    ];
    const version = await run(bin, ['version', '--short'], env, opts.timeoutMs ?? TIMEOUT_MS, 64 * 1024);
    const template = (chartPath: string) =>
      run(bin, [...args, chartPath], env, opts.timeoutMs ?? TIMEOUT_MS, opts.maxBytes ?? MAX_BYTES);
    let r = await template(input.chartPath);
    // Chart.yaml dependencies that `helm dependency build` never vendored (a plain git checkout):
    // render a throw-away copy without them, as helm itself names them; never download anything
    const missing = r.code === 0 ? undefined : missingDependencies(r.stderr);
    let unvendored: string[] | undefined;
    if (missing) {
      const copy = chartWithout(input.chartPath, join(home, 'chart'), missing);
      if (typeof copy !== 'string')
        return { ok: false, reason: `helm template failed: ${lastLine(r.stderr)}; ${copy.problem}` };
      unvendored = missing;
      r = await template(copy);
    }
    if (r.code !== 0) {
      const why =
        r.error && /maxBuffer/i.test(r.error.message)
          ? `its output exceeded ${Math.round((opts.maxBytes ?? MAX_BYTES) / 1024 / 1024)} MiB`
          : r.error && (r.error as NodeJS.ErrnoException & { killed?: boolean }).killed
            ? `it did not finish in ${Math.round((opts.timeoutMs ?? TIMEOUT_MS) / 1000)} s`
            : lastLine(r.stderr) || `exit ${String(r.code)}`;
      return {
        ok: false,
        reason: `helm template failed${unvendored ? ` (rendered without the unvendored subcharts ${unvendored.join(', ')})` : ''}: ${why}`,
      };
    }
    return {
      ok: true,
      version: version.code === 0 ? version.stdout.trim().split('\n')[0]?.slice(0, 40) || 'helm' : 'helm',
      docs: splitRendered(r.stdout, input.chart, input.chartDir),
      subchartDocs: splitRendered(r.stdout, input.chart, input.chartDir, 'subcharts'),
      ...(unvendored ? { unvendored } : {}),
    };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
