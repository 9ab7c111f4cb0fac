/**
 * `helm template` of a chart of this repository, when `helm` is on PATH: local and read-only. It
 * never contacts a cluster (no `--validate`, KUBECONFIG=/dev/null), uses a throw-away HELM_* home
 * (no user repositories or plugins), runs with a timeout and an output cap, passes names after
 * `--` and only names that pass the Helm release name rule. The values layers are passed as `-f`
 * files in their order (inline values and ConfigMap values written to a temporary directory as
 * JSON, which is YAML). The output is split per template (`# Source:`), keyed by the template's
 * path in the repository.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { RollbookError } from '../../errors.js';
import { nameProblem } from '../names.js';

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
  | { ok: true; version: string; docs: { file: string; text: string }[] }
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

/** Split `helm template` output into documents keyed by the template's repository path. */
export function splitRendered(
  text: string,
  chart: string,
  chartDir: string,
): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  for (const part of text.split(/^---[ \t]*$/m)) {
    const src = /^# Source: (\S+)[ \t]*$/m.exec(part)?.[1];
    if (!src?.startsWith(`${chart}/`)) continue;
    const rel = src.slice(chart.length + 1);
    // a subchart's template is another chart's, not this one's
    if (!rel.startsWith('templates/')) continue;
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
      input.chartPath,
    ];
    const version = await run(bin, ['version', '--short'], env, opts.timeoutMs ?? TIMEOUT_MS, 64 * 1024);
    const r = await run(bin, args, env, opts.timeoutMs ?? TIMEOUT_MS, opts.maxBytes ?? MAX_BYTES);
    if (r.code !== 0) {
      const why =
        r.error && /maxBuffer/i.test(r.error.message)
          ? `its output exceeded ${Math.round((opts.maxBytes ?? MAX_BYTES) / 1024 / 1024)} MiB`
          : r.error && (r.error as NodeJS.ErrnoException & { killed?: boolean }).killed
            ? `it did not finish in ${Math.round((opts.timeoutMs ?? TIMEOUT_MS) / 1000)} s`
            : (r.stderr.trim().split('\n').pop() ?? `exit ${String(r.code)}`).slice(0, 300);
      return { ok: false, reason: `helm template failed: ${why}` };
    }
    return {
      ok: true,
      version: version.code === 0 ? version.stdout.trim().split('\n')[0]?.slice(0, 40) || 'helm' : 'helm',
      docs: splitRendered(r.stdout, input.chart, input.chartDir),
    };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
