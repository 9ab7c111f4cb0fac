/**
 * The SAM CLI configuration file (samconfig.toml, or samconfig.yaml / .yml): environments of
 * commands of parameters, `[ENV.deploy.parameters]` over `[ENV.global.parameters]` (AWS SAM
 * developer guide, "AWS SAM CLI configuration file": command parameters win over global ones; the
 * environment without --config-env is `default`). `sam deploy --config-env prod` deploys the stack
 * `stack_name` of `[prod.deploy.parameters]`, from its `template_file`.
 */
import { posix } from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import type { DeployTarget, Pipeline, Unknown } from '../../model/service.js';
import { cleanPath } from './helm-values.js';
import { readText } from './text.js';
import type { RepoFile } from './walk.js';
import { get, obj, str } from './yaml.js';

/** What one environment of a samconfig deploys. */
export interface SamEnvironment {
  stack?: string;
  /** `template_file` (or `template`) as written, relative to the config file's directory. */
  template?: string;
}

export type SamConfig = { ok: true; envs: Map<string, SamEnvironment> } | { ok: false; reason: string };

/** A samconfig file's name. */
export const SAMCONFIG = /^samconfig\.(toml|ya?ml)$/;

/** Every environment of a samconfig's text (TOML unless the file name says YAML). */
export function readSamConfig(file: string, text: string): SamConfig {
  let value: unknown;
  try {
    value = /\.ya?ml$/.test(file) ? parseYaml(text) : parseToml(text);
  } catch (e) {
    const where = e instanceof TomlError ? `:${e.line}:${e.column}` : '';
    return { ok: false, reason: `${file}${where}: not valid ${/\.ya?ml$/.test(file) ? 'YAML' : 'TOML'}` };
  }
  const envs = new Map<string, SamEnvironment>();
  for (const [env, commands] of Object.entries(obj(value))) {
    const params = {
      ...obj(get(commands, 'global', 'parameters')),
      ...obj(get(commands, 'deploy', 'parameters')),
    };
    const e: SamEnvironment = {};
    const stack = str(params.stack_name);
    const template = str(params.template_file) ?? str(params.template);
    if (stack) e.stack = stack;
    if (template) e.template = template;
    if (e.stack || e.template) envs.set(env, e);
  }
  return { ok: true, envs };
}

/**
 * Resolve each pipeline's sam-config targets into the stack and template of the environment it
 * names (a samconfig.yaml / .yml stands in when the project has no samconfig.toml). An environment
 * named on the command line that the file lacks, or a file that cannot be read, is an unknown.
 */
export async function resolveSamConfigs(pipelines: Pipeline[], files: RepoFile[]): Promise<Unknown[]> {
  const byRel = new Map(files.map((f) => [f.rel, f]));
  const cache = new Map<string, { file?: string; config: SamConfig }>();
  const load = async (path: string) => {
    const hit = cache.get(path);
    if (hit) return hit;
    const dir = posix.dirname(path);
    const candidates =
      posix.basename(path) === 'samconfig.toml'
        ? ['samconfig.toml', 'samconfig.yaml', 'samconfig.yml'].map((n) => (dir === '.' ? n : `${dir}/${n}`))
        : [path];
    const f = candidates.map((c) => byRel.get(c)).find((x) => x !== undefined);
    let got: { file?: string; config: SamConfig };
    if (!f) got = { config: { ok: false, reason: `${path} not found in the repository` } };
    else {
      const t = await readText(f);
      got = {
        file: f.rel,
        config: t.ok ? readSamConfig(f.rel, t.text) : { ok: false, reason: t.unknown.reason },
      };
    }
    cache.set(path, got);
    return got;
  };
  const unknowns: Unknown[] = [];
  for (const p of pipelines) {
    const added: DeployTarget[] = [];
    for (const t of p.targets ?? []) {
      if (t.kind !== 'sam-config') continue;
      const env = t.env ?? 'default';
      const { file, config } = await load(t.value);
      const e = config.ok ? config.envs.get(env) : undefined;
      if (!e) {
        if (t.explicit)
          unknowns.push({
            subject: `${p.provider} ${p.deployJob ?? p.file}: sam deploy --config-env ${env}`,
            reason: config.ok
              ? `${file} has no stack_name in [${env}.deploy.parameters] or [${env}.global.parameters]: the stack it deploys is unknown`
              : `${config.reason}: the stack it deploys is unknown`,
            ...(p.at ? { at: p.at } : {}),
          });
        continue;
      }
      if (e.stack) added.push({ kind: 'stack', value: e.stack });
      if (e.template && file && !/^[a-z]+:\/\//.test(e.template))
        added.push({
          kind: 'template',
          value: cleanPath(posix.join(posix.dirname(file), e.template)) || '.',
        });
    }
    const fresh = added.filter(
      (a) => !(p.targets ?? []).some((t) => t.kind === a.kind && t.value === a.value),
    );
    if (fresh.length) p.targets = [...(p.targets ?? []), ...fresh];
  }
  return unknowns;
}
