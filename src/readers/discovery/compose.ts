/**
 * docker compose projects: `compose.yaml` / `docker-compose.yml` plus the override files the
 * deployment merges (`compose.override.yaml`, and a production file such as
 * `docker-compose.prod.yml`), read as the files `docker compose -f … -f …` would merge.
 */
import { posix } from 'node:path';
import type {
  ComposeFacts,
  ComposeService,
  ComposeVolume,
  Evidence,
  ImageRef,
  Setting,
  Unknown,
  Workload,
  WorkloadState,
} from '../../model/service.js';
import { cmp } from '../../util/order.js';
import { CACHE_ENGINES, engineOfImage } from './data-stores.js';
import { parseImage } from './image.js';
import { lineAt } from './text.js';
import { arr, durationSeconds, get, isObj, num, type Obj, obj, str, type YamlDoc } from './yaml.js';

/** Base file names, in the order compose looks for them. */
const BASE = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];
const OVERRIDE = /^(docker-)?compose\.override\.ya?ml$/;
/** An environment-specific file: docker-compose.prod.yml, compose.production.yaml, … */
const ENV_FILE = /^(docker-)?compose\.([\w-]+)\.ya?ml$/;
const PROD = /^(prod|production|live|release|deploy)$/i;

export function isComposeFileName(name: string): boolean {
  return BASE.includes(name) || OVERRIDE.test(name) || ENV_FILE.test(name);
}

const MIGRATION =
  /\bmigrat|db:migrate|flyway|liquibase|alembic|goose\b|dbmate|sqitch|prisma\s+migrate|knex\s+migrate|sequelize/i;

interface Located<T> {
  value: T;
  at: Evidence;
}

/**
 * One project per directory holding a base compose file. `docs` maps a file (relative path) to its
 * parsed first document.
 */
export function readComposeProjects(
  docs: Map<string, YamlDoc>,
  rootName: string,
  deployText: DeployText = {},
): { workloads: Workload[]; unknowns: Unknown[] } {
  const byDir = new Map<string, string[]>();
  for (const file of docs.keys()) {
    const i = file.lastIndexOf('/');
    const dir = i < 0 ? '' : file.slice(0, i);
    byDir.set(dir, [...(byDir.get(dir) ?? []), file]);
  }
  const workloads: Workload[] = [];
  const unknowns: Unknown[] = [];
  const name = (f: string) => f.slice(f.lastIndexOf('/') + 1);
  // the directories that hold a project (a base compose file)
  const projectDirs = new Set(
    [...byDir].filter(([, fs]) => fs.some((f) => BASE.includes(name(f)))).map(([dir]) => dir),
  );
  for (const [dir, files] of [...byDir].sort(([a], [b]) => cmp(a, b))) {
    const base = BASE.map((b) => files.find((f) => name(f) === b)).find((f) => f !== undefined);
    if (!base) {
      for (const f of files)
        unknowns.push({
          subject: f,
          reason:
            'compose override without a base compose.yaml / docker-compose.yml in its directory: not read',
        });
      continue;
    }
    const chosen = [base];
    const ignored: ComposeFacts['ignoredFiles'] = [];
    for (const f of files.filter((x) => x !== base).sort(cmp)) {
      const n = name(f);
      if (BASE.includes(n))
        ignored.push({ file: f, reason: `${name(base)} takes precedence (compose reads one base file)` });
      else if (OVERRIDE.test(n)) chosen.push(f);
      else {
        const env = ENV_FILE.exec(n)?.[2] ?? '';
        if (PROD.test(env)) chosen.push(f);
        else ignored.push({ file: f, reason: `environment "${env}", not production` });
      }
    }
    // override first among the overrides (docker compose's default pair), then the production file
    chosen.sort((a, b) => rank(name(a)) - rank(name(b)));
    const w = project(dir, chosen, ignored, docs, rootName, deployText, projectDirs, unknowns);
    if (w) workloads.push(w);
  }
  return { workloads, unknowns };
}

function rank(n: string): number {
  if (BASE.includes(n)) return 0;
  if (OVERRIDE.test(n)) return 1;
  return 2;
}

/** A top-level volume as the files merge it: where it is declared, its `name:` and `external`. */
interface VolumeDef {
  at: Evidence;
  name?: Located<string>;
  external?: Located<unknown>;
}

/** Merge the services of the files, later files winning per key, keeping where each key was set. */
function mergedServices(files: string[], docs: Map<string, YamlDoc>) {
  const services = new Map<string, Map<string, Located<unknown>>>();
  const order: string[] = [];
  const volumes = new Map<string, VolumeDef>();
  let projectName: Located<string> | undefined;
  for (const f of files) {
    const doc = docs.get(f);
    if (!doc) continue;
    // compose docs, "Specify a project name": the last `name:` of the -f files
    const name = str(get(doc.value, 'name'));
    if (name) projectName = { value: name, at: doc.at(['name']) };
    for (const [svc, body] of Object.entries(obj(get(doc.value, 'services')))) {
      if (!services.has(svc)) {
        services.set(svc, new Map([['__at', { value: true, at: doc.at(['services', svc]) }]]));
        order.push(svc);
      }
      const m = services.get(svc) as Map<string, Located<unknown>>;
      for (const [k, v] of Object.entries(obj(body))) {
        const at = doc.at(['services', svc, k]);
        if (k === 'healthcheck' && isObj(v)) {
          // compose merges mappings key by key: keep where each healthcheck field was set
          const prev = obj(m.get(k)?.value);
          m.set(k, { value: { ...prev, ...v }, at: m.get(k)?.at ?? at });
          for (const sub of Object.keys(v))
            m.set(`healthcheck.${sub}`, { value: v[sub], at: doc.at(['services', svc, k, sub]) });
        } else m.set(k, { value: v, at });
      }
    }
    for (const [v, body] of Object.entries(obj(get(doc.value, 'volumes')))) {
      const def: VolumeDef = volumes.get(v) ?? { at: doc.at(['volumes', v]) };
      const name = str(get(body, 'name'));
      if (name !== undefined) def.name = { value: name, at: doc.at(['volumes', v, 'name']) };
      const external = get(body, 'external');
      if (external !== undefined) def.external = { value: external, at: doc.at(['volumes', v, 'external']) };
      volumes.set(v, def);
    }
  }
  return { services, order, volumes, projectName };
}

/**
 * Texts that may run the deployment, read for how they call docker compose: CI workflows, shell
 * scripts, Makefiles (`file` relative to the root), and the env files compose may read: the `.env`
 * of each project directory and the files a deploy command names (`--env-file`, the `.env` of a
 * `--project-directory`), keyed by their path relative to the root.
 */
export interface DeployText {
  scripts?: { file: string; text: string }[];
  envFiles?: Map<string, { file: string; text: string }>;
}

/** `docker compose` / `docker-compose` and the arguments up to the end of the shell command. */
const COMPOSE_CALL = /(?:^|[\s;&|(`])(?:docker\s+compose|docker-compose)(?=\s|$)((?:\\\n|[^;&|`\n])*)/g;
const PROJECT_ENV = /\bCOMPOSE_PROJECT_NAME\s*[=:]\s*(["']?)([^"'\s#]+)\1/g;

function unquote(t: string): string {
  return t.replace(/^(["'])(.*)\1$/, '$2');
}

/** The global options of one `docker compose` call (before its subcommand), with where it is. */
export interface ComposeCall {
  at: Evidence;
  /** The script that holds it (relative paths may be relative to its directory). */
  script: string;
  files: string[];
  /** -p / --project-name. */
  projectName?: string;
  /** --project-directory: the .env read and the directory name used. */
  projectDirectory?: string;
  /** --env-file (repeatable, later files win): replaces the project directory's .env. */
  envFiles: string[];
}

/** The global options of every docker compose call in a text (up to each call's subcommand). */
export function composeCalls(file: string, text: string): ComposeCall[] {
  const out: ComposeCall[] = [];
  for (const m of text.matchAll(COMPOSE_CALL)) {
    const tokens = (m[1] ?? '').replace(/\\\n/g, ' ').trim().split(/\s+/).filter(Boolean).map(unquote);
    const call: ComposeCall = {
      at: { file, line: lineAt(text, m.index + (m[0].length - (m[1] ?? '').length)) },
      script: file,
      files: [],
      envFiles: [],
    };
    const set = (opt: string, v: string) => {
      if (opt === 'file') call.files.push(v);
      else if (opt === 'project-name') call.projectName = v;
      else if (opt === 'project-directory') call.projectDirectory = v;
      else if (opt === 'env-file') call.envFiles.push(v);
    };
    const SHORT: Record<string, string> = { '-f': 'file', '-p': 'project-name' };
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i] as string;
      const eq = /^--(file|project-name|project-directory|env-file)=(.+)$/.exec(t);
      const long = /^--(file|project-name|project-directory|env-file)$/.exec(t)?.[1];
      const opt = SHORT[t] ?? long;
      if (eq) set(eq[1] as string, eq[2] as string);
      else if (opt && tokens[i + 1]) set(opt, tokens[++i] as string);
      else if (!t.startsWith('-')) break; // the subcommand: its own flags follow
    }
    out.push(call);
  }
  return out;
}

/**
 * How the deploy scripts run this project: the docker compose calls that target it (one of its
 * files under `-f`, or no `-f` when the repository holds one compose project), and
 * COMPOSE_PROJECT_NAME set in a file that runs such a call.
 */
function deployCalls(
  scripts: NonNullable<DeployText['scripts']>,
  files: string[],
  onlyProject: boolean,
): { calls: ComposeCall[]; env: Located<string>[] } {
  const calls: ComposeCall[] = [];
  const env: Located<string>[] = [];
  // a -f path read from the root or the script's directory, or a path ending in the file's
  const mine = (f: string, script: string) => {
    const p = f.replace(/^\.\//, '');
    const readings = commandPathReadings(f, script);
    return files.some((x) => x === p || x.endsWith(`/${p}`) || readings.includes(x));
  };
  for (const { file, text } of scripts) {
    const targeting = composeCalls(file, text).filter((c) =>
      c.files.length ? c.files.some((f) => mine(f, file)) : onlyProject,
    );
    if (!targeting.length) continue;
    calls.push(...targeting);
    for (const m of text.matchAll(PROJECT_ENV))
      env.push({ value: m[2] as string, at: { file, line: lineAt(text, m.index) } });
  }
  return { calls, env };
}

/** COMPOSE_PROJECT_NAME in an env file (the last line that sets it). */
function envFileProjectName(env: { file: string; text: string }): Located<string> | undefined {
  const lines = env.text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = /^\s*(?:export\s+)?COMPOSE_PROJECT_NAME\s*=(.*)$/.exec(lines[i] as string);
    // a value, quoted or not, and an optional " # comment" after it
    const value = unquote((m?.[1] ?? '').replace(/\s#.*$/, '').trim());
    if (m && value) return { value, at: { file: env.file, line: i + 1 } };
  }
  return undefined;
}

const dirOfPath = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');

/**
 * A path a deploy command names, relative to the repository root: the command runs from the root
 * (CI) or from its script's directory; the first reading `exists` accepts, else the root's.
 */
export function commandPath(path: string, script: string, exists: (rel: string) => boolean): string {
  const readings = commandPathReadings(path, script);
  return readings.find(exists) ?? (readings[0] as string);
}

/** The readings of a path a deploy command names: from the root, then from its script's directory. */
export function commandPathReadings(path: string, script: string): string[] {
  const clean = (p: string) =>
    p === './' || p === '.' ? '' : p.replace(/^\.\//, '').replace(/(?<!\/)\/+$/, '');
  // an absolute path is the host's, whatever directory the command runs from
  if (path.startsWith('/')) return [posix.normalize(path)];
  return [
    ...new Set([posix.normalize(path), posix.normalize(posix.join(dirOfPath(script) || '.', path))]),
  ].map(clean);
}

/** A path outside the repository (absolute, or above its root): the host's, not read. */
const outside = (p: string) => p.startsWith('/') || p === '..' || p.startsWith('../');

/** Compose's normalisation of a project name taken from a directory: lower case, [a-z0-9_-] only. */
function normaliseProject(name: string): string {
  // compose: lower-case letters, digits, dashes and underscores, starting with a letter or digit
  return name
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '')
    .replace(/^[_-]+/, '');
}

/**
 * The project name, by compose's precedence (compose-go cli/options.go: -p, then
 * COMPOSE_PROJECT_NAME from the environment, where the deploy command's own environment wins over
 * the env files, then the `name:` of the -f files (the last one wins), then the project directory's name). The
 * env files are the `--env-file` files of the deploy command (later files win) or else the `.env`
 * of the project directory; the project directory is `--project-directory`, else the compose
 * file's. A name held in a variable the deploy sets at run time, or an env file that is not in the
 * repository, is an unknown, and the next source is used.
 */
function resolveProjectName(
  dir: string,
  rootName: string,
  files: string[],
  fileName: Located<string> | undefined,
  deployText: DeployText,
  onlyProject: boolean,
  projectDirs: Set<string>,
  unknowns: Unknown[],
): NonNullable<ComposeFacts['projectName']> {
  const { calls, env } = deployCalls(deployText.scripts ?? [], files, onlyProject);
  const envFiles = deployText.envFiles ?? new Map<string, { file: string; text: string }>();
  const subject = `compose project name (${dir || '.'})`;
  const flag = calls.flatMap((c) =>
    c.projectName !== undefined ? [{ value: c.projectName, at: c.at }] : [],
  );
  // the project directory of each call (--project-directory, else the compose file's)
  const projectDir = (c: ComposeCall) =>
    c.projectDirectory === undefined
      ? dir
      : commandPath(
          c.projectDirectory,
          c.script,
          (p) => projectDirs.has(p) || envFiles.has(posix.join(p || '.', '.env')),
        );
  const dotenv: (Located<string> & { byOptions?: boolean })[] = [];
  for (const c of calls.length ? calls : [undefined]) {
    const read = c?.envFiles.length
      ? c.envFiles.map((f) => ({ named: f, path: commandPath(f, c.script, (p) => envFiles.has(p)) }))
      : [{ named: undefined, path: posix.join((c ? projectDir(c) : dir) || '.', '.env') }];
    const pd = c ? projectDir(c) : dir;
    if (c && !c.envFiles.length && outside(pd))
      unknowns.push({
        subject,
        reason: `the deploy command runs with --project-directory ${c.projectDirectory} (${c.at.file}:${c.at.line}), outside the repository: a .env there that sets COMPOSE_PROJECT_NAME would name the project (the prefix of its volumes); rollbook uses the next source. Check with docker compose ls on the host`,
        at: c.at,
      });
    let found: (Located<string> & { byOptions?: boolean }) | undefined;
    const byOptions = Boolean(c && (c.envFiles.length || c.projectDirectory !== undefined));
    for (const r of read) {
      const text = envFiles.get(r.path);
      const set = text ? envFileProjectName(text) : undefined;
      if (set) found = { ...set, ...(byOptions ? { byOptions } : {}) };
      if (!text && r.named !== undefined && c)
        unknowns.push({
          subject,
          reason: `the deploy command reads --env-file ${r.named} (${c.at.file}:${c.at.line}), which is not in the repository: if it sets COMPOSE_PROJECT_NAME, that is the project name (the prefix of its volumes); rollbook uses the next source. Check with docker compose ls on the host`,
          at: c.at,
        });
    }
    if (found && !dotenv.some((d) => d.value === found.value && d.at.file === found.at.file))
      dotenv.push(found);
  }
  const candidates: { from: NonNullable<ComposeFacts['projectName']>['from']; found: Located<string>[] }[] = [
    { from: 'flag', found: flag },
    { from: 'env', found: env },
    { from: 'dotenv', found: dotenv },
    { from: 'name', found: fileName ? [fileName] : [] },
  ];
  for (const { from, found } of candidates) {
    if (!found.length) continue;
    const literal = found.filter((f) => !f.value.includes('$'));
    const values = [...new Set(literal.map((f) => f.value))];
    const where = found.map((f) => `${f.at.file}:${f.at.line}`).join(', ');
    if (values.length !== 1 || literal.length !== found.length) {
      unknowns.push({
        subject,
        reason: `the deployment names the project ${found.map((f) => JSON.stringify(f.value)).join(', ')} (${where}): ${values.length > 1 ? 'several names' : 'set at deploy time'}, so the project name (the prefix of its volumes) is not known from the files; rollbook uses the next source. Check with docker compose ls on the host`,
        at: (found[0] as Located<string>).at,
      });
      if (values.length !== 1) continue;
    }
    const chosen = literal[0] as Located<string> & { byOptions?: boolean };
    return {
      value: from === 'name' ? chosen.value : normaliseProject(chosen.value),
      from,
      at: chosen.at,
      ...(chosen.byOptions ? { byCommandOptions: true } : {}),
    };
  }
  // the project directory's name: --project-directory's when the deploy command gives one
  const named = calls.filter((c) => c.projectDirectory !== undefined);
  const dirs = [...new Set(named.map(projectDir))];
  const base = (d: string) => (d ? (d.split('/').pop() as string) : rootName);
  if (dirs.length === 1 && named[0] && !named[0].projectDirectory?.includes('$'))
    return {
      value: normaliseProject(base(dirs[0] as string)),
      from: 'directory',
      at: named[0].at,
      byCommandOptions: true,
    };
  if (named.length)
    unknowns.push({
      subject,
      reason: `the deployment sets --project-directory ${named.map((c) => `${JSON.stringify(c.projectDirectory)} (${c.at.file}:${c.at.line})`).join(', ')}: ${dirs.length > 1 ? 'several directories' : 'set at deploy time'}, so the project name (the prefix of its volumes) is not known from the files; rollbook uses the compose file's directory. Check with docker compose ls on the host`,
      at: (named[0] as ComposeCall).at,
    });
  return { value: normaliseProject(base(dir)), from: 'directory' };
}

/** `${VAR}`, `${VAR:-default}`, `${VAR-default}` … in a name. */
const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-?+]([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/**
 * A volume's name on the docker host (Compose specification, volumes top-level element): `name` is
 * "used as is and will not be scoped with the stack name"; `external: true` looks the volume up by its
 * key ("instead of attempting to create a volume called {project_name}_db-data, Compose looks for an
 * existing volume simply called db-data"); legacy `external: {name: …}` names it; otherwise compose
 * creates `<project>_<key>`. `${COMPOSE_PROJECT_NAME}` in a name is the project name; another
 * variable takes its default, or leaves the name unknown.
 */
function composeVolume(
  key: string,
  def: VolumeDef,
  services: string[],
  project: NonNullable<ComposeFacts['projectName']>,
): ComposeVolume {
  const v: ComposeVolume = { name: key, services, at: def.at };
  const ext = def.external;
  if (ext && (ext.value === true || isObj(ext.value))) v.external = true;
  const legacy = ext && isObj(ext.value) ? str(ext.value.name) : undefined;
  const named = def.name ?? (legacy !== undefined && ext ? { value: legacy, at: ext.at } : undefined);
  if (named) {
    let unresolved = false;
    v.dockerName = named.value.replace(
      VARIABLE,
      (_m, braced: string | undefined, dflt: string | undefined, bare: string | undefined) => {
        const variable = braced ?? bare ?? '';
        if (variable === 'COMPOSE_PROJECT_NAME') return project.value;
        v.nameVariable = variable;
        if (dflt === undefined || dflt === '') unresolved = true;
        return dflt ?? '';
      },
    );
    if (unresolved) delete v.dockerName;
    v.dockerNameAt = named.at;
  } else if (v.external && ext) {
    v.dockerName = key;
    v.dockerNameAt = ext.at;
  } else {
    v.dockerName = `${project.value}_${key}`;
    if (project.at) v.dockerNameAt = project.at;
  }
  return v;
}

function secondsSetting(v: Located<unknown> | undefined): Setting<number> | undefined {
  const s = durationSeconds(v?.value);
  return s === undefined || !v ? undefined : { value: s, at: v.at };
}

function dependsOn(v: unknown): { service: string; condition: string }[] {
  if (Array.isArray(v))
    return v.flatMap((x) => (str(x) ? [{ service: str(x) as string, condition: 'service_started' }] : []));
  return Object.entries(obj(v)).map(([service, d]) => ({
    service,
    condition: str(get(d, 'condition')) ?? 'service_started',
  }));
}

function project(
  dir: string,
  files: string[],
  ignoredFiles: ComposeFacts['ignoredFiles'],
  docs: Map<string, YamlDoc>,
  rootName: string,
  deployText: DeployText,
  projectDirs: Set<string>,
  unknowns: Unknown[],
): Workload | undefined {
  const baseDoc = docs.get(files[0] as string);
  if (!baseDoc) return undefined;
  const { services, order, volumes, projectName: fileName } = mergedServices(files, docs);
  if (services.size === 0) return undefined;
  const all: ComposeService[] = order.map((name) => {
    const m = services.get(name) as Map<string, Located<unknown>>;
    const imageL = m.get('image');
    const rawImage = str(imageL?.value);
    const s: ComposeService = {
      name,
      profiles: arr(m.get('profiles')?.value).flatMap((p) => (str(p) ? [str(p) as string] : [])),
      dependsOn: dependsOn(m.get('depends_on')?.value),
      runsMigration: MIGRATION.test(
        `${name} ${JSON.stringify(m.get('command')?.value ?? '')} ${JSON.stringify(m.get('entrypoint')?.value ?? '')}`,
      ),
    };
    const at = m.get('__at')?.at;
    if (at) s.at = at;
    if (rawImage && imageL) {
      const variable = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-?][^}]*)?\}/.exec(rawImage);
      // `${APP_TAG:-1.4.2}` resolves to its default when unset: that is the reference the file pins.
      const resolved = rawImage.replace(
        /\$\{[A-Za-z_][A-Za-z0-9_]*(?::?-([^}]*))?\}/g,
        (_m, d: string | undefined) => d ?? '',
      );
      const img: ImageRef = parseImage(resolved, imageL.at);
      if (variable?.[1]) {
        s.imageVariable = variable[1];
        img.ref = rawImage;
      }
      s.image = img;
      const engine = engineOfImage(img.repository);
      if (engine) s.engine = engine;
    }
    const hcL = m.get('healthcheck');
    if (hcL && isObj(hcL.value)) {
      const hc: NonNullable<ComposeService['healthcheck']> = { at: hcL.at };
      if (hcL.value.disable === true) hc.disabled = true;
      const interval = secondsSetting(m.get('healthcheck.interval'));
      const timeout = secondsSetting(m.get('healthcheck.timeout'));
      const startPeriod = secondsSetting(m.get('healthcheck.start_period'));
      const retriesL = m.get('healthcheck.retries');
      const retries = num(retriesL?.value);
      if (interval) hc.interval = interval;
      if (timeout) hc.timeout = timeout;
      if (startPeriod) hc.startPeriod = startPeriod;
      if (retries !== undefined && retriesL) hc.retries = { value: retries, at: retriesL.at };
      s.healthcheck = hc;
    }
    const grace = durationSeconds(m.get('stop_grace_period')?.value);
    const graceL = m.get('stop_grace_period');
    if (grace !== undefined && graceL) s.stopGracePeriod = { value: grace, at: graceL.at };
    return s;
  });
  const completedBy = new Set(
    all.flatMap((s) =>
      s.dependsOn.filter((d) => d.condition === 'service_completed_successfully').map((d) => d.service),
    ),
  );
  const oneShot = all.filter((s) => completedBy.has(s.name) || (s.runsMigration && !s.engine));
  const others = all.filter(
    (s) =>
      !oneShot.includes(s) &&
      (s.engine !== undefined || (s.image === undefined && !services.get(s.name)?.has('build'))),
  );
  const apps = all.filter((s) => !oneShot.includes(s) && !others.includes(s));
  // services behind a profile that is not the default set are tools (debug shells, admin UIs)
  const rolled = apps.filter((s) => s.profiles.length === 0);
  const tools = apps.filter((s) => s.profiles.length > 0);
  const mounts = new Map<string, string[]>();
  for (const name of order) {
    const m = services.get(name) as Map<string, Located<unknown>>;
    for (const v of arr(m.get('volumes')?.value)) {
      const source = typeof v === 'string' ? v.split(':')[0] : str(get(v, 'source'));
      if (source && volumes.has(source)) mounts.set(source, [...(mounts.get(source) ?? []), name]);
    }
  }
  const projectName = resolveProjectName(
    dir,
    rootName,
    files,
    fileName,
    deployText,
    projectDirs.size === 1,
    projectDirs,
    unknowns,
  );
  const facts: ComposeFacts = {
    dir,
    files,
    ignoredFiles,
    services: rolled,
    oneShot,
    others: [...others, ...tools],
    volumes: [...volumes].map(([name, def]) => composeVolume(name, def, mounts.get(name) ?? [], projectName)),
    projectName,
  };
  if (fileName) facts.project = fileName.value;
  for (const v of facts.volumes)
    if (v.dockerName === undefined)
      unknowns.push({
        subject: `compose volume ${v.name}`,
        reason: `its name comes from \${${v.nameVariable}} at deploy time (no default in the file): the volume's name on the host is unknown, so no backup command can name it; find it with docker volume ls and back it up by hand`,
        ...(v.dockerNameAt ? { at: v.dockerNameAt } : {}),
      });
  // State of what is rolled back: named volumes an app service mounts, data-store images it runs.
  const state: WorkloadState[] = [];
  for (const v of facts.volumes)
    if (v.services.some((s) => rolled.some((r) => r.name === s)))
      state.push({ kind: 'named-volume', name: v.name, ...(v.at ? { at: v.at } : {}) });
  for (const s of rolled)
    if (s.engine && !CACHE_ENGINES.has(s.engine) && s.image)
      state.push({
        kind: 'data-image',
        name: s.image.repository,
        engine: s.engine,
        ...(s.image.at ? { at: s.image.at } : {}),
      });
  const w: Workload = {
    kind: 'ComposeProject',
    name: fileName?.value ?? (dir ? (dir.split('/').pop() as string) : rootName),
    platform: 'compose',
    at: baseDoc.at(['services']),
    images: rolled.flatMap((s) => (s.image ? [s.image] : [])),
    settings: {},
    config: [],
    compose: facts,
  };
  if (state.length) w.state = state;
  return w;
}

/**
 * The object a compose file holds when it looks like one: a `services:` map, or (an override that
 * sets only those) a top-level `volumes:` map or project `name:`.
 */
export function isComposeDoc(v: unknown): v is Obj {
  return isObj(v) && (isObj(v.services) || isObj(v.volumes) || typeof v.name === 'string');
}
