/**
 * docker compose projects: `compose.yaml` / `docker-compose.yml` plus the override files the
 * deployment merges (`compose.override.yaml`, and a production file such as
 * `docker-compose.prod.yml`), read as the files `docker compose -f … -f …` would merge.
 */
import type {
  ComposeFacts,
  ComposeService,
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
    const w = project(dir, chosen, ignored, docs, rootName);
    if (w) workloads.push(w);
  }
  return { workloads, unknowns };
}

function rank(n: string): number {
  if (BASE.includes(n)) return 0;
  if (OVERRIDE.test(n)) return 1;
  return 2;
}

/** Merge the services of the files, later files winning per key, keeping where each key was set. */
function mergedServices(files: string[], docs: Map<string, YamlDoc>) {
  const services = new Map<string, Map<string, Located<unknown>>>();
  const order: string[] = [];
  const volumes = new Map<string, Evidence>();
  for (const f of files) {
    const doc = docs.get(f);
    if (!doc) continue;
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
    for (const v of Object.keys(obj(get(doc.value, 'volumes'))))
      if (!volumes.has(v)) volumes.set(v, doc.at(['volumes', v]));
  }
  return { services, order, volumes };
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
): Workload | undefined {
  const baseDoc = docs.get(files[0] as string);
  if (!baseDoc) return undefined;
  const { services, order, volumes } = mergedServices(files, docs);
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
  const facts: ComposeFacts = {
    dir,
    files,
    ignoredFiles,
    services: rolled,
    oneShot,
    others: [...others, ...tools],
    volumes: [...volumes].map(([name, at]) => ({ name, services: mounts.get(name) ?? [], at })),
  };
  const projectName = str(get(baseDoc.value, 'name'));
  if (projectName) facts.project = projectName;
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
    name: projectName ?? (dir ? (dir.split('/').pop() as string) : rootName),
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

/** The object a compose file holds when it looks like one (a `services:` map). */
export function isComposeDoc(v: unknown): v is Obj {
  return isObj(v) && isObj(v.services);
}
