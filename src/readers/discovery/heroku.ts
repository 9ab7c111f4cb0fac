import type { HerokuFacts } from '../../model/facts.js';
import type { RolloutSettings, Workload } from '../../model/service.js';
import { nameProblem } from '../names.js';
import { get, isObj, obj, str, type YamlDoc } from './yaml.js';

/** Procfile process types (`web: ...`, `release: ...`) with their lines. */
export function readProcfile(text: string): Map<string, { command: string; line: number }> {
  const out = new Map<string, { command: string; line: number }>();
  text.split(/\r?\n/).forEach((l, i) => {
    const m = /^([A-Za-z0-9_-]+):(.+)$/.exec(l);
    const command = m?.[2]?.trim();
    if (m?.[1] && command) out.set(m[1], { command, line: i + 1 });
  });
  return out;
}

export function isHerokuAppJson(v: unknown): boolean {
  return (
    isObj(v) &&
    (isObj(v.formation) ||
      isObj(v.scripts) ||
      Array.isArray(v.addons) ||
      isObj(v.buildpacks) ||
      Array.isArray(v.buildpacks)) &&
    !('dependencies' in v) &&
    !('devDependencies' in v)
  );
}

/**
 * app.json's `name` is a display name ("Small Sharp Tool") and a directory name is a guess: neither
 * is known to be the Heroku app, so both are turned into a valid app name (the runbook asks to
 * confirm it) rather than refused.
 */
function herokuAppGuess(text: string): string {
  if (nameProblem('heroku-app', text) === undefined) return text;
  const slug = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, 30)
    .replace(/(?<!-)-+$/, '');
  return slug === '' ? 'app' : slug;
}

/** A Heroku app: Procfile (release phase) and app.json (name, formation, postdeploy). */
export function herokuWorkload(
  dir: string,
  procfile: { file: string; text: string } | undefined,
  appJson: YamlDoc | undefined,
): Workload | undefined {
  const procs = procfile ? readProcfile(procfile.text) : new Map();
  if (!procfile && !appJson) return undefined;
  const s: RolloutSettings = {};
  const release = procs.get('release');
  if (release && procfile)
    s.releasePhase = { value: release.command, at: { file: procfile.file, line: release.line } };
  const app = obj(appJson?.value);
  const name = herokuAppGuess(str(app.name) ?? (dir.split('/').pop() || 'app'));
  const heroku: HerokuFacts = { appName: name };
  const post = str(get(app, 'scripts', 'postdeploy'));
  if (post) heroku.postdeploy = post;
  const web = procs.get('web');
  if (web) heroku.web = web.command;
  const qty = get(app, 'formation', 'web', 'quantity');
  if (typeof qty === 'number' && appJson)
    s.replicas = { value: qty, at: appJson.at(['formation', 'web', 'quantity']) };
  return {
    kind: 'HerokuApp',
    name,
    platform: 'heroku',
    at: procfile
      ? { file: procfile.file, line: (release ?? web)?.line ?? 1 }
      : (appJson?.at(['name']) ?? { file: 'app.json', line: 1 }),
    images: [],
    settings: s,
    config: [],
    heroku,
  };
}
