/**
 * Which workloads run each migration set, from evidence in the repository (rollbook.yaml's
 * state.migrations is applied by loadService and always wins):
 *   1. a migration run found for the workload: its Kubernetes Job / init container / Helm hook,
 *      compose migration service, Procfile release phase or startup migrator runs the set's tool
 *      on the set's folder; a CI job that does binds the set to the workloads the same pipeline's
 *      deploy job deploys;
 *   2. the set's path sits with one workload's own files (services/checkout/db is checkout's);
 *   3. the repository holds one workload (its variants in several overlays count as one).
 * A set nothing binds has no workloads, and `checked` says what was looked at.
 */
import type {
  DeployTarget,
  Evidence,
  MigrationBinding,
  MigrationRun,
  MigrationTool,
  Pipeline,
  Workload,
} from '../../model/service.js';
import { ownerOfPath } from './workload-dirs.js';

/** The reference `--workload` accepts for a workload, and the one bindings name: [namespace/]kind/name. */
export function workloadRef(w: Workload): string {
  return `${w.namespace ? `${w.namespace}/` : ''}${w.kind.toLowerCase()}/${w.name}`;
}

const dirOf = (rel: string) => (rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '');
const at = (e: Evidence | undefined) => (e ? `${e.file}:${e.line}` : '');

/** The same workload in several overlays or namespaces is one workload here. */
const group = (w: Workload) => `${w.kind.toLowerCase()}/${w.name}`;

/** The paths a workload is read from: overlay, chart, compose project, manifest file and its directory. */
function homePaths(w: Workload): string[] {
  const out: string[] = [];
  if (w.kustomize !== undefined && w.kustomize.overlay !== '.') out.push(w.kustomize.overlay);
  if (w.helm?.chartPath) out.push(w.helm.chartPath);
  if (w.compose?.dir) out.push(w.compose.dir);
  if (w.at) {
    out.push(w.at.file);
    if (dirOf(w.at.file)) out.push(dirOf(w.at.file));
  }
  return out;
}

const under = (p: string, dir: string) => p === dir || p.startsWith(`${dir}/`);

/**
 * The compose projects `docker compose up` names: by one of their files, or the project directory,
 * or (when neither can be told: a host's path) the repository's only project; narrowed to those
 * holding a service it names.
 */
function composeWorkloads(t: DeployTarget, workloads: Workload[]): Workload[] {
  const projects = workloads.filter((w) => w.compose !== undefined);
  const v = t.value;
  const named = /\.ya?ml$/.test(v)
    ? projects.filter((w) => w.compose?.files.includes(v))
    : v === ''
      ? new Set(projects.map(group)).size === 1
        ? projects
        : []
      : projects.filter((w) => (w.compose?.dir || '.') === v);
  if (!t.services?.length) return named;
  return named.filter((w) => {
    const f = w.compose;
    const all = f ? [...f.services, ...f.oneShot, ...f.others].map((s) => s.name) : [];
    return t.services?.some((s) => all.includes(s));
  });
}

/** The workloads a deploy command's target names (by name, kind/name, path or image). */
export function targetWorkloads(
  t: DeployTarget,
  workloads: Workload[],
  fileWorkloads: (file: string) => Workload[],
): Workload[] {
  const v = t.value;
  if (t.kind === 'compose') return composeWorkloads(t, workloads);
  if (t.kind === 'stack') return workloads.filter((w) => w.lambda?.stack === v);
  // resolved by discovery into the stack and template of its environment
  if (t.kind === 'sam-config') return [];
  if (t.kind === 'template') {
    // the template file itself, or the templates of the directory the command runs in
    const dir = v === '.' ? '' : v;
    return workloads.filter(
      (w) => w.platform === 'lambda' && w.at !== undefined && (w.at.file === v || dirOf(w.at.file) === dir),
    );
  }
  if (t.kind === 'kind-name') return workloads.filter((w) => group(w) === v);
  if (t.kind === 'image') return workloads.filter((w) => w.images.some((i) => i.repository === v));
  if (t.kind === 'path') {
    if (v === '.' || v === '') return [];
    const fed = fileWorkloads(v);
    return workloads.filter(
      (w) =>
        fed.includes(w) ||
        homePaths(w).some((p) => under(p, v) || (w.kustomize?.overlay === p && under(v, p))),
    );
  }
  return workloads.filter(
    (w) =>
      w.name === v ||
      w.ecs?.service === v ||
      w.ecs?.family === v ||
      w.helm?.release === v ||
      w.argocd?.app === v ||
      w.flux?.helmRelease === v ||
      w.flux?.kustomization === v ||
      w.lambda?.function === v ||
      w.cloudRun?.service === v ||
      w.nomad?.job === v ||
      w.heroku?.appName === v,
  );
}

/**
 * The workloads a pipeline's deploy job deploys: the union of what each of its targets names. Empty
 * when it names none or none matches.
 */
export function pipelineWorkloads(
  p: Pipeline,
  workloads: Workload[],
  fileWorkloads: (file: string) => Workload[] = () => [],
): Workload[] {
  // an image names every overlay that runs it: only when nothing more precise (a name, a path) matched
  const union = (ts: DeployTarget[]) => {
    const out = new Set<Workload>();
    for (const t of ts) for (const w of targetWorkloads(t, workloads, fileWorkloads)) out.add(w);
    return workloads.filter((w) => out.has(w));
  };
  const precise = union((p.targets ?? []).filter((t) => t.kind !== 'image'));
  return precise.length ? precise : union((p.targets ?? []).filter((t) => t.kind === 'image'));
}

export interface BindingInputs {
  sets: { tool: MigrationTool; path: string }[];
  workloads: Workload[];
  runs: MigrationRun[];
  /** Pipelines, with `deploys` filled (pipelineWorkloads). */
  pipelines: Pipeline[];
  /** The workloads a deploy file feeds (discovery's ledger). */
  fileWorkloads?: (file: string) => Workload[];
}

/** Does a command (its tool and the folder it names) run this set? `only`: the set is its tool's only one. */
function runsSet(
  cmd: { tool?: string; dir?: string },
  set: { tool: MigrationTool; path: string },
  only: boolean,
): 'yes' | 'no' | 'ambiguous' {
  if (cmd.dir !== undefined) {
    const dir = cmd.dir.replace(/^\/+/, '');
    const same = cmd.dir === set.path || (cmd.dir.startsWith('/') && `/${dir}`.endsWith(`/${set.path}`));
    if (same && (cmd.tool === undefined || cmd.tool === set.tool)) return 'yes';
    // a container path (/migrations) says nothing about the repository's folders
    if (!cmd.dir.startsWith('/')) return 'no';
  }
  if (cmd.tool === undefined || cmd.tool !== set.tool) return 'no';
  return only ? 'yes' : 'ambiguous';
}

/** The workloads a migration run belongs to (its manifest, chart, compose file, Procfile or directory). */
function runOwners(r: MigrationRun, inp: BindingInputs): Workload[] {
  const fed = inp.fileWorkloads?.(r.at.file) ?? [];
  if (r.workload) {
    const named = inp.workloads.filter((w) => group(w) === r.workload);
    const inFile = named.filter((w) => fed.includes(w));
    return inFile.length ? inFile : named;
  }
  if (r.mode === 'helm-hook')
    return inp.workloads.filter((w) =>
      (w.hooks ?? []).some((h) => h.at?.file === r.at.file && h.at?.line === r.at.line),
    );
  if (fed.length) return fed;
  // code and scripts: the workload whose own directory holds the file
  const owner = ownerOfPath(r.at.file, inp.workloads).workloads;
  if (owner.length) return owner;
  const groups = new Set(inp.workloads.map(group));
  return groups.size === 1 ? inp.workloads : [];
}

/**
 * Migration runs that run no set found in the repository, with the workloads they belong to: what
 * they change is unknown. A run of a known tool none of whose sets it runs (`rails db:migrate` in a
 * Procfile with no rails migrations read), and a run whose tool rollbook cannot tell (a compose
 * migration service of the app's own image, a Helm hook Job, a CI job running ./scripts/migrate.sh):
 * `toolUnknown` says so, and the caller drops such a run when a set is bound to the workload (it
 * most likely runs that set). A CI migration command belongs to the workloads its pipeline deploys.
 */
export function runsWithoutSet(
  inp: BindingInputs,
): { run: MigrationRun; workloads: string[]; toolUnknown?: true }[] {
  const runsOne = (cmd: { tool?: string; dir?: string }) =>
    inp.sets.some(
      (set) => runsSet(cmd, set, inp.sets.filter((x) => x.tool === set.tool).length === 1) !== 'no',
    );
  const out = new Map<string, { run: MigrationRun; workloads: string[]; toolUnknown?: true }>();
  const add = (r: MigrationRun, owners: Workload[]) => {
    if (!owners.length || runsOne(r)) return;
    const key = `${at(r.at)}\u0000${r.detail}`;
    const refs = [...new Set([...(out.get(key)?.workloads ?? []), ...owners.map(workloadRef)])];
    out.set(key, { run: r, workloads: refs, ...(r.tool === undefined ? { toolUnknown: true } : {}) });
  };
  for (const r of inp.runs) if (r.mode !== 'pipeline') add(r, runOwners(r, inp));
  for (const p of inp.pipelines)
    for (const cmd of p.migrations ?? [])
      add(
        {
          mode: 'pipeline',
          ...(cmd.tool ? { tool: cmd.tool } : {}),
          detail: `${p.provider} ${p.file} job ${cmd.job}: ${cmd.command}`,
          ...(cmd.dir ? { dir: cmd.dir } : {}),
          at: cmd.at,
        },
        inp.workloads.filter((w) => (p.deploys ?? []).includes(workloadRef(w))),
      );
  return [...out.values()];
}

/** The binding of each set (in the order given). */
export function bindMigrationSets(inp: BindingInputs): MigrationBinding[] {
  const fileWorkloads = inp.fileWorkloads ?? (() => []);
  const groups = new Set(inp.workloads.map(group));
  return inp.sets.map((set) => {
    const only = inp.sets.filter((s) => s.tool === set.tool).length === 1;
    const checked: string[] = [];
    const evidence: MigrationBinding['evidence'] = [];
    const bound = new Set<Workload>();
    const result = (by: MigrationBinding['by']): MigrationBinding => ({
      workloads: [...new Set(inp.workloads.filter((w) => bound.has(w)).map(workloadRef))],
      ...(by ? { by } : {}),
      evidence,
      checked,
    });
    // 1. migration runs found for a workload (the pipeline's through the workloads it deploys)
    for (const r of inp.runs) {
      if (r.mode === 'pipeline') continue;
      const m = runsSet(r, set, only);
      if (m === 'no') continue;
      const owners = runOwners(r, inp);
      if (m === 'ambiguous') {
        checked.push(
          `${r.detail} (${at(r.at)}) runs ${r.tool} without naming a folder, and the repository holds several ${set.tool} sets`,
        );
        continue;
      }
      if (owners.length === 0) {
        checked.push(`${r.detail} (${at(r.at)}) runs it, but belongs to no workload found`);
        continue;
      }
      for (const w of owners) bound.add(w);
      evidence.push({
        detail: `${r.detail} (${r.mode}) in ${[...new Set(owners.map(workloadRef))].join(', ')}`,
        at: r.at,
      });
    }
    let by: MigrationBinding['by'] = bound.size ? 'migration-run' : undefined;
    for (const p of inp.pipelines)
      for (const cmd of p.migrations ?? []) {
        const m = runsSet(cmd, set, only);
        if (m === 'no') continue;
        const where = `${p.provider} ${p.file} job ${cmd.job}: ${cmd.command}`;
        if (m === 'ambiguous') {
          checked.push(`${where} names no folder, and the repository holds several ${set.tool} sets`);
          continue;
        }
        const deploys = inp.workloads.filter((w) => (p.deploys ?? []).includes(workloadRef(w)));
        if (deploys.length === 0) {
          checked.push(
            `${where} runs it, but the pipeline's deploy job ${p.deployJob ?? '?'}${p.deployCommand ? ` (${p.deployCommand})` : ''} deploys no workload found in the repository`,
          );
          continue;
        }
        for (const w of deploys) bound.add(w);
        by ??= 'pipeline';
        evidence.push({
          detail: `${where}, in the pipeline whose deploy job ${p.deployJob ?? '?'} deploys ${[...new Set(deploys.map(workloadRef))].join(', ')}`,
          at: cmd.at,
        });
      }
    if (bound.size) return result(by);
    if (checked.length === 0)
      checked.push(
        `no migration run names it (Kubernetes Job, init container, Helm hook, compose service, Procfile release phase, startup migrator, CI job)`,
      );
    // 2. the set sits with one workload's own files (services/checkout/db is checkout's)
    const near = ownerOfPath(`${set.path}/-`, inp.workloads);
    if (near.workloads.length) {
      for (const w of near.workloads) bound.add(w);
      evidence.push({
        detail: `${set.path} is nearest the own files of ${[...new Set(near.workloads.map(workloadRef))].join(', ')} (${near.dir ?? '.'}/) and no other workload's`,
        ...(near.workloads[0]?.at ? { at: near.workloads[0].at } : {}),
      });
      return result('path');
    }
    checked.push(`its path is in no workload's own directory`);
    // 3. the repository's only workload
    if (groups.size === 1) {
      for (const w of inp.workloads) bound.add(w);
      evidence.push({ detail: `the repository's only workload` });
      return result('only-workload');
    }
    return result(undefined);
  });
}
