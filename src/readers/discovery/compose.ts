/**
 * docker compose projects: `compose.yaml` / `docker-compose.yml` plus the override files the
 * deployment merges (`compose.override.yaml`, and a production file such as
 * `docker-compose.prod.yml`), read as the files `docker compose -f … -f …` would merge.
 */
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
  for (const [dir, files] of [...byDir].sort(([a], [b]) => cmp(a, b))) {
    const name = (f: string) => f.slice(f.lastIndexOf('/') + 1);
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
    const w = project(dir, chosen, ignored, docs, rootName, deployText, byDir.size, unknowns);
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
 * scripts, Makefiles (`file` relative to the root), and the `.env` of each project directory.
 */
export interface DeployText {
  scripts?: { file: string; text: string }[];
  dotenv?: Map<string, { file: string; text: string }>;
}

/** `docker compose` / `docker-compose` and the arguments up to the end of the shell command. */
const COMPOSE_CALL = /(?:^|[\s;&|(`])(?:docker\s+compose|docker-compose)(?=\s|$)((?:\\\n|[^;&|`\n])*)/g;
const PROJECT_ENV = /\bCOMPOSE_PROJECT_NAME\s*[=:]\s*(["']?)([^"'\s#]+)\1/g;

function unquote(t: string): string {
  return t.replace(/^(["'])(.*)\1$/, '$2');
}

/**
 * How the deploy scripts name the project: `-p NAME` / `--project-name NAME` on a docker compose
 * command that targets this project (one of its files under `-f`, or no `-f` when the repository
 * holds one compose project), and COMPOSE_PROJECT_NAME set in a file that runs such a command.
 */
function deployProjectNames(
  scripts: NonNullable<DeployText['scripts']>,
  files: string[],
  onlyProject: boolean,
): { flag: Located<string>[]; env: Located<string>[] } {
  const flag: Located<string>[] = [];
  const env: Located<string>[] = [];
  const mine = (f: string) => {
    const p = f.replace(/^\.\//, '');
    return files.some((x) => x === p || x.endsWith(`/${p}`));
  };
  for (const { file, text } of scripts) {
    let targets = false;
    for (const m of text.matchAll(COMPOSE_CALL)) {
      const tokens = (m[1] ?? '').replace(/\\\n/g, ' ').trim().split(/\s+/).filter(Boolean).map(unquote);
      const fs: string[] = [];
      const ps: string[] = [];
      for (let i = 0; i < tokens.length; i++) {
        const t = tokens[i] as string;
        const eq = /^--(file|project-name)=(.+)$/.exec(t);
        if (eq) (eq[1] === 'file' ? fs : ps).push(eq[2] as string);
        else if ((t === '-f' || t === '--file') && tokens[i + 1]) fs.push(tokens[++i] as string);
        else if ((t === '-p' || t === '--project-name') && tokens[i + 1]) ps.push(tokens[++i] as string);
        else if (!t.startsWith('-')) break; // the subcommand: its own flags follow
      }
      if (fs.length ? !fs.some(mine) : !onlyProject) continue;
      targets = true;
      const at = { file, line: lineAt(text, m.index + (m[0].length - (m[1] ?? '').length)) };
      for (const p of ps) flag.push({ value: p, at });
    }
    if (!targets) continue;
    for (const m of text.matchAll(PROJECT_ENV))
      env.push({ value: m[2] as string, at: { file, line: lineAt(text, m.index) } });
  }
  return { flag, env };
}

/** COMPOSE_PROJECT_NAME in a project's .env (compose reads the .env of the project directory). */
function dotenvProjectName(env: { file: string; text: string } | undefined): Located<string> | undefined {
  if (!env) return undefined;
  const lines = env.text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = /^\s*(?:export\s+)?COMPOSE_PROJECT_NAME\s*=(.*)$/.exec(lines[i] as string);
    // a value, quoted or not, and an optional " # comment" after it
    const value = unquote((m?.[1] ?? '').replace(/\s#.*$/, '').trim());
    if (m && value) return { value, at: { file: env.file, line: i + 1 } };
  }
  return undefined;
}

/** Compose's normalisation of a project name taken from a directory: lower case, [a-z0-9_-] only. */
function normaliseProject(name: string): string {
  // compose: lower-case letters, digits, dashes and underscores, starting with a letter or digit
  return name
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '')
    .replace(/^[_-]+/, '');
}

/**
 * The project name, by compose's precedence (docs, "Specify a project name"): -p, then
 * COMPOSE_PROJECT_NAME (the deploy command's environment, then the project's .env), then the last
 * top-level `name:`, then the project directory's name. A name held in a variable the deploy sets
 * at run time is an unknown, and the next source is used.
 */
function resolveProjectName(
  dir: string,
  rootName: string,
  files: string[],
  fileName: Located<string> | undefined,
  deployText: DeployText,
  onlyProject: boolean,
  unknowns: Unknown[],
): NonNullable<ComposeFacts['projectName']> {
  const { flag, env } = deployProjectNames(deployText.scripts ?? [], files, onlyProject);
  const dotenv = dotenvProjectName(deployText.dotenv?.get(dir));
  const candidates: { from: NonNullable<ComposeFacts['projectName']>['from']; found: Located<string>[] }[] = [
    { from: 'flag', found: flag },
    { from: 'env', found: env },
    { from: 'dotenv', found: dotenv ? [dotenv] : [] },
    { from: 'name', found: fileName ? [fileName] : [] },
  ];
  for (const { from, found } of candidates) {
    if (!found.length) continue;
    const literal = found.filter((f) => !f.value.includes('$'));
    const values = [...new Set(literal.map((f) => f.value))];
    const where = found.map((f) => `${f.at.file}:${f.at.line}`).join(', ');
    if (values.length !== 1 || literal.length !== found.length) {
      unknowns.push({
        subject: `compose project name (${dir || '.'})`,
        reason: `the deployment names the project ${found.map((f) => JSON.stringify(f.value)).join(', ')} (${where}): ${values.length > 1 ? 'several names' : 'set at deploy time'}, so the project name (the prefix of its volumes) is not known from the files; rollbook uses the next source. Check with docker compose ls on the host`,
        at: (found[0] as Located<string>).at,
      });
      if (values.length !== 1) continue;
    }
    const chosen = literal[0] as Located<string>;
    return { value: from === 'name' ? chosen.value : normaliseProject(chosen.value), from, at: chosen.at };
  }
  return { value: normaliseProject(dir ? (dir.split('/').pop() as string) : rootName), from: 'directory' };
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
  projects: number,
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
    projects === 1,
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
