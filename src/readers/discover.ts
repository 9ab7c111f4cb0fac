/**
 * Discovery: read what a repository already says about how it deploys (manifests, charts,
 * rollout specs, task definitions, flag files, CI workflows) into the model, with file:line
 * evidence for every fact, and list what could not be read and why.
 *
 * Platform facts are typed per mechanism (model/facts.ts): the readers under discovery/ fill the
 * blocks of their platform; this file adds what only the whole repository tells (the Argo CD
 * Application or Flux Kustomization applying a workload, a local chart's path on its HelmRelease).
 */

import { join } from 'node:path';
import { RollbookError } from '../errors.js';
import type {
  Evidence,
  ExcludedMigrationSet,
  Flag,
  FlagRef,
  FlagSource,
  ImageRef,
  MigrationBinding,
  MigrationRun,
  MigrationTool,
  Pipeline,
  Service,
  Setting,
  Signal,
  Unknown,
  Workload,
} from '../model/service.js';
import { lookupNote } from '../util/appset-lookup.js';
import { mapLimit } from '../util/map-limit.js';
import { cmp } from '../util/order.js';
import { checkNonFinite, checkNumbers, workloadNumberChecks } from './bounds.js';
import { bindRolloutAnalysis, rolloutSignals } from './discovery/analysis-runs.js';
import { applicationFor, lookupText, type RepoView } from './discovery/appset.js';
import {
  commandPathReadings,
  composeCalls,
  isComposeDoc,
  isComposeFileName,
  readComposeProjects,
} from './discovery/compose.js';
import { engineOfResource } from './discovery/data-stores.js';
import {
  isEcsService,
  isTaskDefinition,
  readEcsService,
  readTaskDefinition,
  type TaskDefinitions,
  taskDefinitionWorkload,
} from './discovery/ecs.js';
import { findMigrationRuns } from './discovery/find-migration-runs.js';
import { bindFlags, type FlagFileBinding, scopeFlags } from './discovery/flag-binding.js';
import {
  type FlagResource,
  flagResourceBonds,
  isFlagResource,
  readFlagResources,
} from './discovery/flag-resources.js';
import {
  flagRefsIn,
  isFlagd,
  isUnleashExport,
  readFlagd,
  readUnleash,
  SOURCE_EXT,
} from './discovery/flags.js';
import { fluxHelmRelease, type Manager, managerOf, managesDir } from './discovery/gitops.js';
import { type ChartInput, readChart } from './discovery/helm.js';
import { mergeValues } from './discovery/helm-render.js';
import { helmBinary, helmTemplate, unvendoredUnknowns } from './discovery/helm-template.js';
import {
  cleanPath,
  fluxValues,
  readValuesLayers,
  type ValuesContext,
  type ValuesRequest,
} from './discovery/helm-values.js';
import { herokuWorkload, isHerokuAppJson } from './discovery/heroku.js';
import { versioningOf } from './discovery/image.js';
import {
  analysisSignals,
  bindServices,
  isKubeService,
  type KObj,
  objAt,
  objectsOf,
  type PodTarget,
  podLabels,
  type ServiceCandidate,
  selects,
  serviceCandidate,
  workloadOf,
} from './discovery/k8s.js';
import { KUSTOMIZATION_FILES, resolveKustomizations } from './discovery/kustomize.js';
import { isSam, isServerless, readSam, readServerless, samStackName } from './discovery/lambda.js';
import { citedFiles, type DeployFile, FileLedger } from './discovery/ledger.js';
import {
  bindMigrationSets,
  pipelineWorkloads,
  runsWithoutSet,
  workloadRef,
} from './discovery/migration-binding.js';
import { looksLikeNomad, readNomad } from './discovery/nomad.js';
import { parseFiles } from './discovery/parse-files.js';
import { pipelineReader, unreadPipeline, unreadPipelineSystem } from './discovery/pipeline-files.js';
import { pipelineNote } from './discovery/pipelines.js';
import { resolveSamConfigs, SAMCONFIG } from './discovery/sam-config.js';
import { readSystemdUnit } from './discovery/systemd.js';
import { readText } from './discovery/text.js';
import { type RepoFile, walk } from './discovery/walk.js';
import { get, num, type PathKey, parseYaml, str, type YamlDoc } from './discovery/yaml.js';
import { findMigrationSets } from './migrations/index.js';
import { checkNames, workloadNameChecks } from './names.js';
import { serviceRoot } from './root.js';

export interface Discovery {
  workloads: Workload[];
  /**
   * Production migration sets (the same loadService reads with no rollbook.yaml), each with the
   * workloads that run it and the evidence (empty workloads: nothing binds it).
   */
  migrationDirs: {
    tool: MigrationTool;
    path: string;
    database: string;
    at?: Evidence;
    binding: MigrationBinding;
  }[];
  /** Migration folders that are not production sets (another engine, test data, examples), with why. */
  excludedMigrationDirs: ExcludedMigrationSet[];
  flagSources: FlagSource[];
  flags: Flag[];
  /** Flag keys the code evaluates (only searched when a flag file exists). */
  flagRefs: FlagRef[];
  /** Every flag file and the workloads its flags bind to (and the flags bound to none). */
  flagFiles: FlagFileBinding[];
  pipelines: Pipeline[];
  signals: Signal[];
  /** How migrations are applied (pipeline, hooks, init containers, compose, the app at startup). */
  migrationRuns: MigrationRun[];
  /**
   * Migration runs of a workload that run no set found here (what they change is unknown);
   * `toolUnknown`: rollbook cannot tell the tool (a set bound to the workload then accounts for it).
   */
  runsWithoutSet: { run: MigrationRun; workloads: string[]; toolUnknown?: true }[];
  /** History tables the service configures for its migration tool. */
  migrationTables: { tool: string; table: Setting<string> }[];
  /** Files looked at (after .gitignore). */
  files: number;
  /** Every deploy file read, with what became of it (workloads it feeds, what it holds, why it was set aside). */
  deployFiles: DeployFile[];
  unknowns: Unknown[];
  /** The workload asked for with --workload, if any (applyDiscovery selects it). */
  workload?: string;
  /** Values files beside each chart besides values.yaml (values-prod.yaml…), and who passes values to it, if anyone. */
  chartValues: { chart: string; files: string[]; passedBy?: string }[];
}

export interface DiscoverOptions {
  workload?: string;
  /** Helm values files rollbook.yaml names (deploy.valuesFiles), root-relative, applied after values.yaml. */
  valuesFiles?: { path: string; at?: Evidence }[];
  /** The namespace rollbook.yaml declares (deploy.namespace): `helm template --namespace` when no deployment names one. */
  namespace?: string;
}

/** Source files scanned for flag SDK calls at most (cheap check, not a full index). */
const MAX_SOURCE_FILES = 20_000;
const MAX_SOURCE_BYTES = 512 * 1024;

/** A compose project's .env: its variables (image tags) are not read; the compose file's defaults are. */
const COMPOSE_ENV_NOTE =
  'compose environment file: its variables are not read (image references keep the compose file defaults)';

/** Files that may run a docker compose deployment: CI workflows, shell scripts, Makefiles. */
const DEPLOY_SCRIPT =
  /(^|\/)(\.github\/workflows\/[^/]+\.ya?ml|\.gitlab-ci\.ya?ml|[^/]+\.sh|Makefile|GNUmakefile|justfile|Taskfile\.ya?ml)$/;

/** Two objects of the same kustomize variant, or of the same directory outside kustomize. */
function sameVariant(a: KObj, b: KObj): boolean {
  return a.overlay !== undefined || b.overlay !== undefined
    ? a.overlay === b.overlay
    : dirOf(a.doc.file) === dirOf(b.doc.file);
}

function dirOf(rel: string): string {
  const i = rel.lastIndexOf('/');
  return i < 0 ? '' : rel.slice(0, i);
}

function baseName(rel: string): string {
  return rel.slice(rel.lastIndexOf('/') + 1);
}

function evKey(e: Evidence | undefined): string {
  return `${e?.file ?? ''}\u0000${String(e?.line ?? 0).padStart(8, '0')}`;
}

/** Read the repository at `root`. Never throws for file contents; throws RollbookError when root is unusable. */
export async function discover(root: string, opts: DiscoverOptions = {}): Promise<Discovery> {
  const abs = serviceRoot(root);

  const { files, unknowns } = await walk(abs);
  /** Run one reader; if it fails on input it did not expect, record why instead of crashing. */
  const safely = <T>(subject: string, at: Evidence | undefined, fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (e) {
      unknowns.push({
        subject,
        reason: `could not interpret (${(e as Error)?.message ?? String(e)}); skipped`,
        ...(at ? { at } : {}),
      });
      return undefined;
    }
  };
  const dirs = new Set<string>(['']);
  for (const f of files) {
    let d = dirOf(f.rel);
    while (d && !dirs.has(d)) {
      dirs.add(d);
      d = dirOf(d);
    }
  }

  // ---- classify ----------------------------------------------------------------------------
  const chartDirs = files
    .filter((f) => baseName(f.rel) === 'Chart.yaml')
    .map((f) => dirOf(f.rel))
    .sort(cmp);
  const chartOf = (rel: string): string | undefined => {
    let best: string | undefined;
    for (const c of chartDirs)
      if ((c === '' || rel.startsWith(`${c}/`)) && (best === undefined || c.length > best.length)) best = c;
    return best;
  };
  const yamlFiles: RepoFile[] = [];
  const jsonFiles: RepoFile[] = [];
  const chartFiles = new Map<
    string,
    { chart?: RepoFile; values?: RepoFile; templates: RepoFile[]; helpers: RepoFile[]; crds: RepoFile[] }
  >();
  const procfiles: RepoFile[] = [];
  const units: RepoFile[] = [];
  const hcl: RepoFile[] = [];
  const sources: RepoFile[] = [];
  const samconfigs = new Map<string, RepoFile>();
  const unreadCi: { f: RepoFile; system: string }[] = [];
  for (const f of files) {
    const name = baseName(f.rel);
    // samconfig.toml first (sam's default name), else samconfig.yaml / .yml
    if (SAMCONFIG.test(name) && (name === 'samconfig.toml' || !samconfigs.has(dirOf(f.rel))))
      samconfigs.set(dirOf(f.rel), f);
    const chart = chartOf(f.rel);
    if (chart !== undefined) {
      const entry = chartFiles.get(chart) ?? { templates: [], helpers: [], crds: [] };
      chartFiles.set(chart, entry);
      const sub = chart === '' ? f.rel : f.rel.slice(chart.length + 1);
      if (sub === 'Chart.yaml') entry.chart = f;
      else if (sub === 'values.yaml') entry.values = f;
      else if (sub.startsWith('templates/') && /\.(ya?ml|tpl)$/.test(sub) && !baseName(sub).startsWith('_'))
        entry.templates.push(f);
      else if (sub.startsWith('templates/') && /^_.*\.tpl$/.test(baseName(sub))) entry.helpers.push(f);
      else if (sub.startsWith('crds/') && /\.ya?ml$/.test(sub)) entry.crds.push(f);
      continue;
    }
    const ciSystem = unreadPipelineSystem(f.rel);
    if (ciSystem) unreadCi.push({ f, system: ciSystem });
    else if (/\.ya?ml$/i.test(name) || name === 'Kustomization') yamlFiles.push(f);
    else if (
      /\.json$/i.test(name) &&
      !/^(package(-lock)?|tsconfig.*|composer|jsconfig|\.eslintrc|renovate|biome|lerna|nx|turbo)\.json$/.test(
        name,
      )
    )
      jsonFiles.push(f);
    else if (name === 'Procfile') procfiles.push(f);
    else if (/\.service$/.test(name)) units.push(f);
    else if (/\.(nomad|hcl)$/.test(name)) hcl.push(f);
    else if (SOURCE_EXT.test(name) && !/\.(d|min)\.[cm]?[jt]s$/.test(name)) sources.push(f);
  }

  // ---- parse YAML and JSON -----------------------------------------------------------------
  const parsed = await parseFiles([...yamlFiles, ...jsonFiles]);

  const kustomizations = new Map<string, YamlDoc>();
  const objectsByFile = new Map<string, KObj[]>();
  const workloads: Workload[] = [];
  const pipelines: Pipeline[] = [];
  const flagSources: FlagSource[] = [];
  const flags: Flag[] = [];
  const taskDefs: TaskDefinitions = new Map();
  const ecsServiceDocs: YamlDoc[] = [];
  const appJsons = new Map<string, YamlDoc>();
  const composeDocs = new Map<string, YamlDoc>();

  const ledger = new FileLedger();
  for (const { f, docs, unknowns: u, read, skipped } of parsed) {
    unknowns.push(...u);
    for (const kind of new Set(skipped ?? [])) ledger.holds(f.rel, `${kind} (not read: no rollback fact)`);
    const name = baseName(f.rel);
    // A readable YAML file is a valid kustomize resource even when it holds no object rollbook reads.
    if (read && !f.rel.endsWith('.json') && !objectsByFile.has(f.rel)) objectsByFile.set(f.rel, []);
    const ci = pipelineReader(f.rel);
    for (const doc of docs) {
      try {
        if (ci) {
          const ps = ci.read(doc);
          pipelines.push(...ps);
          ledger.holds(f.rel, pipelineNote(ci.provider, ps));
          continue;
        }
        if (
          KUSTOMIZATION_FILES.includes(name) &&
          ['Kustomization', 'Component'].includes(str(get(doc.value, 'kind')) ?? 'Kustomization') &&
          !str(get(doc.value, 'apiVersion'))?.includes('toolkit.fluxcd.io')
        ) {
          kustomizations.set(dirOf(f.rel), doc);
          ledger.holds(f.rel, str(get(doc.value, 'kind')) ?? 'Kustomization');
          continue;
        }
        if (isSam(doc.value)) {
          const config = samconfigs.get(dirOf(f.rel));
          const t = config ? await readText(config) : undefined;
          const stack = t?.ok && config ? samStackName(t.text, config.rel) : undefined;
          if (config)
            ledger.holds(
              config.rel,
              `SAM CLI configuration${stack ? `: stack ${stack} (environment default)` : ''}`,
            );
          workloads.push(
            ...readSam(doc).map((w) => (stack && w.lambda ? { ...w, lambda: { ...w.lambda, stack } } : w)),
          );
          continue;
        }
        if (/^serverless\.ya?ml$/.test(name) && isServerless(doc.value)) {
          workloads.push(...readServerless(doc));
          continue;
        }
        if (isFlagd(doc.value)) {
          const r = readFlagd(doc);
          flagSources.push(r.source);
          flags.push(...r.flags);
          continue;
        }
        if (isUnleashExport(doc.value)) {
          const r = readUnleash(doc);
          flagSources.push(r.source);
          flags.push(...r.flags);
          continue;
        }
        if (isTaskDefinition(doc.value)) {
          const td = readTaskDefinition(doc);
          if (td) {
            taskDefs.set(td.family, [...(taskDefs.get(td.family) ?? []), td]);
            ledger.holds(f.rel, `ECS task definition, family ${td.family}`);
          }
          continue;
        }
        if (isEcsService(doc.value)) {
          ecsServiceDocs.push(doc);
          continue;
        }
        if (isComposeFileName(name) && isComposeDoc(doc.value)) {
          if (doc.index === 0) composeDocs.set(f.rel, doc);
          continue;
        }
        if (name === 'app.json' && isHerokuAppJson(doc.value)) {
          appJsons.set(dirOf(f.rel), doc);
          continue;
        }
        const objs = objectsOf(doc);
        if (objs.length) objectsByFile.set(f.rel, [...(objectsByFile.get(f.rel) ?? []), ...objs]);
      } catch (e) {
        unknowns.push({
          subject: f.rel,
          reason: `could not interpret document ${doc.index + 1}: ${(e as Error).message}`,
          at: { file: f.rel, line: doc.line },
        });
      }
    }
  }

  // ---- Kubernetes objects (kustomize variants + standalone files) --------------------------
  const k = safely('kustomize', undefined, () =>
    resolveKustomizations({ kustomizations, objects: objectsByFile, dirs }),
  ) ?? {
    objects: [],
    consumed: new Set<string>(),
    nonRoot: new Set<string>(),
    filesOf: new Map<string, Set<string>>(),
    unknowns: [],
  };
  unknowns.push(...k.unknowns);
  const objects: KObj[] = [...k.objects];
  for (const [file, objs] of [...objectsByFile].sort(([a], [b]) => cmp(a, b)))
    if (!k.consumed.has(file)) objects.push(...objs);

  const group = (o: KObj) => `${o.overlay ?? ''}\u0000${o.namespace ?? ''}`;
  const byKindName = new Map<string, KObj>();
  for (const o of objects) byKindName.set(`${o.kind}/${o.name}`, o);
  const signals: Signal[] = [];
  const seenSignals = new Set<string>();
  const managers: Manager[] = [];
  // what ApplicationSet generators see: the directories, the files and the parsed JSON / YAML
  const firstDoc = new Map(parsed.map((p) => [p.f.rel, p.docs[0]?.value]));
  const docCount = new Map(parsed.map((p) => [p.f.rel, p.docs.length + (p.skipped?.length ?? 0)]));
  const repoView: RepoView = {
    dirs,
    files: files.map((f) => f.rel),
    data: (rel) => firstDoc.get(rel),
    documents: (rel) => docCount.get(rel) ?? 1,
  };
  const wlObjs: [Workload, KObj][] = [];
  /** Operators' database / broker resources: state of the workloads of the same overlay or directory. */
  const dataResources: { o: KObj; engine: string }[] = [];
  // A Deployment an Argo Rollout takes over through spec.workloadRef is the Rollout's template, not a workload.
  const referenced = new Set<KObj>();
  for (const o of objects) {
    if (o.kind !== 'Rollout') continue;
    const ref = get(o.body, 'spec', 'workloadRef');
    const target = byKindName.get(`${str(get(ref, 'kind')) ?? 'Deployment'}/${str(get(ref, 'name'))}`);
    if (target) referenced.add(target);
  }
  for (const o of objects) {
    if (referenced.has(o)) {
      ledger.holds(o.doc.file, `${o.kind}/${o.name} (the pod template of a Rollout's workloadRef)`);
      continue;
    }
    const w = safely(`${o.kind}/${o.name}`, o.doc.at(o.base), () => workloadOf(o, byKindName));
    if (w) {
      wlObjs.push([w, o]);
      continue;
    }
    for (const s of safely(`${o.kind}/${o.name}`, o.doc.at(o.base), () => analysisSignals(o)) ?? []) {
      const key = `${s.name}\u0000${evKey(s.at)}`;
      if (seenSignals.has(key)) continue;
      seenSignals.add(key);
      signals.push(s);
    }
    const engine = engineOfResource(o.apiVersion, o.kind);
    if (engine) dataResources.push({ o, engine });
    const m = safely(`${o.kind}/${o.name}`, o.doc.at(o.base), () => managerOf(o, repoView));
    if (m) managers.push(m);
    const hr = safely(`${o.kind}/${o.name}`, o.doc.at(o.base), () => fluxHelmRelease(o));
    if (hr) workloads.push(hr);
    if (!m && !hr) ledger.holds(o.doc.file, `${o.kind}/${o.origName ?? o.name}`);
  }
  // flagd definitions in ConfigMaps and OpenFeature operator resources (one flag per definition,
  // however many kustomize variants carry the object)
  const byRelFile = new Map(files.map((f) => [f.rel, f]));
  const flagResources: FlagResource[] = [];
  const resourceFlags = new Map<string, Flag>();
  const resourceSources = new Set<string>();
  for (const o of objects) {
    if (!isFlagResource(o)) continue;
    const f = byRelFile.get(o.doc.file);
    const t = f ? await readText(f) : undefined;
    const r = safely(`${o.kind}/${o.name}`, o.doc.at(o.base), () =>
      readFlagResources(o, t?.ok ? t.text : undefined),
    );
    if (!r) continue;
    unknowns.push(...r.unknowns);
    for (const res of r.resources) {
      const flagsOf = res.flags.map((fl) => {
        const id = `${evKey(fl.at)}\u0000${fl.key}`;
        const had = resourceFlags.get(id);
        if (had) return had;
        resourceFlags.set(id, fl);
        flags.push(fl);
        return fl;
      });
      flagResources.push({ ...res, flags: flagsOf });
      const sid = `${evKey(res.source.at)}\u0000${res.source.in?.key ?? ''}`;
      if (!resourceSources.has(sid)) {
        resourceSources.add(sid);
        flagSources.push(res.source);
        ledger.holds(o.doc.file, `${o.kind}/${o.origName ?? o.name}: flagd flags (${res.flags.length})`);
      }
    }
  }
  // HPAs and PDBs of the same variant and namespace (indexed: a monorepo holds thousands)
  const scalers = new Map<string, KObj[]>();
  for (const p of objects) {
    if (p.kind !== 'HorizontalPodAutoscaler' && p.kind !== 'PodDisruptionBudget') continue;
    const g = group(p);
    const list = scalers.get(g);
    if (list) list.push(p);
    else scalers.set(g, [p]);
  }
  bindObjectServices(objects, wlObjs, group, byKindName);
  const analysisTemplates = objects.filter(
    (t) =>
      t.apiVersion.startsWith('argoproj.io/') &&
      (t.kind === 'AnalysisTemplate' || t.kind === 'ClusterAnalysisTemplate'),
  );
  for (const [w, o] of wlObjs) {
    if (o.kind === 'Service') {
      workloads.push(w);
      continue;
    }
    if (o.kind === 'Rollout') {
      // the templates of the Rollout's own overlay or directory first
      const ts = [...analysisTemplates]
        .sort((a, b) => Number(!sameVariant(a, o)) - Number(!sameVariant(b, o)))
        .map((t) => ({ ...t, at: (p: PathKey[]) => objAt(t, p) }));
      bindRolloutAnalysis(w, ts);
      // its trigger signals with the args of its own runs (the template defaults otherwise)
      const rs = rolloutSignals(w, ts);
      if (w.argoRollouts && rs.signals.length) w.argoRollouts.signals = rs.signals;
      unknowns.push(...rs.unknowns);
    }
    const labels = podLabels(o);
    let pdb: Workload['disruptionBudget'] = null;
    for (const p of scalers.get(group(o)) ?? []) {
      if (p.kind === 'HorizontalPodAutoscaler') {
        const ref = get(p.body, 'spec', 'scaleTargetRef');
        if (
          str(get(ref, 'kind')) === o.kind &&
          (str(get(ref, 'name')) === o.origName || str(get(ref, 'name')) === o.name)
        ) {
          const a: NonNullable<Workload['autoscaler']> = {
            name: p.name,
            at: objAt(p, ['spec', 'scaleTargetRef']),
          };
          const min = num(get(p.body, 'spec', 'minReplicas'));
          const max = num(get(p.body, 'spec', 'maxReplicas'));
          if (min !== undefined) {
            a.minReplicas = min;
            a.minAt = objAt(p, ['spec', 'minReplicas']);
          }
          if (max !== undefined) {
            a.maxReplicas = max;
            a.maxAt = objAt(p, ['spec', 'maxReplicas']);
          }
          w.autoscaler = a;
        }
      } else if (
        p.kind === 'PodDisruptionBudget' &&
        !pdb &&
        selects(get(p.body, 'spec', 'selector'), labels)
      ) {
        pdb = { name: p.name, at: objAt(p, ['kind']) };
      }
    }
    if (o.kind !== 'DaemonSet') w.disruptionBudget = pdb;
    const mine = dataResources.filter((r) =>
      o.overlay !== undefined
        ? r.o.overlay === o.overlay
        : r.o.overlay === undefined && dirOf(r.o.doc.file) === dirOf(o.doc.file),
    );
    if (mine.length)
      w.state = [
        ...(w.state ?? []),
        ...mine.map((r) => ({
          kind: 'operator-resource' as const,
          name: `${r.o.kind}/${r.o.name}`,
          engine: r.engine,
          at: objAt(r.o, ['kind']),
        })),
      ];
    workloads.push(w);
  }

  // ---- Helm charts -------------------------------------------------------------------------
  const byRel = new Map(files.map((f) => [f.rel, f]));
  const valuesContext: ValuesContext = {
    read: async (rel) => {
      const f = byRel.get(rel);
      if (!f) return undefined;
      const t = await readText(f);
      if (!t.ok) unknowns.push(t.unknown);
      return t.ok ? t.text : undefined;
    },
    objects: objects.filter((o) => o.kind === 'ConfigMap' || o.kind === 'Secret'),
  };
  const valuesRequests: ValuesRequest[] = [
    ...descriptorValues(opts.valuesFiles ?? [], [...chartFiles.keys()], byRel, unknowns),
    ...managers.flatMap((m) => m.values ?? []),
    ...objects.flatMap((o) => safely(`${o.kind}/${o.name}`, o.doc.at(o.base), () => fluxValues(o)) ?? []),
  ];
  for (const m of managers) unknowns.push(...(m.unknowns ?? []));
  /** The helm to render charts with (ROLLBOOK_HELM, else helm on PATH), looked up at the first chart. */
  let helmBin: ReturnType<typeof helmBinary> | undefined;
  const chartValues: Discovery['chartValues'] = [];
  /** The chart workloads read with the values of a deployment. */
  const boundBy = new Map<Workload, ValuesRequest>();
  for (const [dir, cf] of [...chartFiles].sort(([a], [b]) => cmp(a, b))) {
    if (!cf.chart) continue;
    if (/(^|\/)charts\/[^/]+$/.test(dir) && chartDirs.includes(dirOf(dirOf(dir)))) {
      // vendored subchart: read as state of its parent chart (database subcharts), not a workload
      for (const f of chartFilesOf(cf))
        ledger.ignore(
          f,
          `vendored subchart of the chart in ${dirOf(dirOf(dir)) || '.'}, not a workload of its own`,
        );
      continue;
    }
    const read = async (f: RepoFile) => {
      const t = await readText(f);
      if (!t.ok) unknowns.push(t.unknown);
      return t.ok ? t.text : undefined;
    };
    const chartText = await read(cf.chart);
    if (chartText === undefined) continue;
    const chartDoc = parseYaml(cf.chart.rel, chartText);
    unknowns.push(...chartDoc.unknowns);
    const chartY = chartDoc.docs[0];
    if (!chartY) continue;
    const input: ChartInput = { dir, chart: chartY, templates: [], crds: [] };
    if (cf.values) {
      const vt = await read(cf.values);
      if (vt !== undefined) {
        const vd = parseYaml(cf.values.rel, vt);
        unknowns.push(...vd.unknowns);
        if (vd.docs[0]) input.values = vd.docs[0];
      }
    }
    // the values the deployment passes (rollbook.yaml, Argo CD, Flux), on top of values.yaml
    const chartName = str(get(chartY.value, 'name')) ?? baseName(dir);
    const req = chooseValues(
      dir,
      valuesRequests.filter((r) => r.chart === dir || r.chart === chartName),
      chartY.at(['name']),
      unknowns,
    );
    if (req) {
      const layers = await readValuesLayers(req, valuesContext);
      unknowns.push(...layers.unknowns);
      if (req.withoutDefaults) delete input.values;
      if (layers.docs.length) input.extraValues = layers.docs;
      if (req.release) input.release = req.release;
      input.valuesBy = req.by;
    }
    for (const t of cf.templates.sort((a, b) => cmp(a.rel, b.rel))) {
      const text = await read(t);
      if (text !== undefined) input.templates.push({ file: t.rel, text });
    }
    for (const t of cf.helpers.sort((a, b) => cmp(a.rel, b.rel))) {
      const text = await read(t);
      if (text !== undefined) input.helpers = [...(input.helpers ?? []), { file: t.rel, text }];
    }
    for (const c of cf.crds.sort((a, b) => cmp(a.rel, b.rel))) {
      const text = await read(c);
      if (text === undefined) continue;
      const cd = parseYaml(c.rel, text);
      unknowns.push(...cd.unknowns);
      input.crds.push(...cd.docs);
    }
    // helm on PATH: the exact manifests (local and read-only), else rollbook's own binding
    helmBin ??= helmBinary();
    // the release's namespace as the deployment declares it ({{ .Release.Namespace }}): the
    // deployment of this chart (Argo CD destination, Flux targetNamespace / the HelmRelease's
    // namespace), else rollbook.yaml deploy.namespace; helm's "default" only when nothing says
    const namespace =
      req?.namespace ?? managers.find((m) => m.namespace && managesDir(m, dir))?.namespace ?? opts.namespace;
    if (helmBin.bin && str(get(chartY.value, 'type')) !== 'library') {
      const h = await helmTemplate(
        {
          chartPath: join(abs, dir),
          chartDir: dir,
          chart: chartName,
          release: input.release ?? chartName,
          ...(namespace ? { namespace } : {}),
          values: (input.extraValues ?? []).map((d) => d.value),
        },
        { helm: helmBin.bin },
      );
      input.helm = h.ok
        ? { version: h.version, docs: h.docs, subchartDocs: h.subchartDocs }
        : { failed: h.reason };
      if (h.ok && h.unvendored) {
        const values = mergeValues([...(input.values ? [input.values] : []), ...(input.extraValues ?? [])]);
        unknowns.push(...unvendoredUnknowns(dir, chartName, chartY, values.value, h.unvendored));
      }
    } else if (helmBin.reason) input.helm = { failed: helmBin.reason };
    const r = safely(`helm chart ${dir || '.'}`, chartY.at([]), () => readChart(input)) ?? {
      workloads: [],
      unknowns: [],
    };
    unknowns.push(...r.unknowns);
    if (r.workloads.length) {
      workloads.push(...r.workloads);
      if (req) for (const w of r.workloads) boundBy.set(w, req);
      const extra = files
        .filter((f) => dirOf(f.rel) === dir && /^values[-._][\w.-]*\.ya?ml$/.test(baseName(f.rel)))
        .map((f) => f.rel)
        .sort(cmp);
      chartValues.push({ chart: dir, files: extra, ...(req ? { passedBy: req.by } : {}) });
    }
  }

  // ---- ECS, Heroku, systemd, Nomad ---------------------------------------------------------
  const usedFamilies = new Set<string>();
  for (const doc of ecsServiceDocs) {
    const w = safely(doc.file, doc.at([]), () => readEcsService(doc, taskDefs));
    if (w) {
      workloads.push(w);
      if (w.ecs?.family) usedFamilies.add(w.ecs.family);
    }
  }
  for (const [family, tds] of [...taskDefs].sort(([a], [b]) => cmp(a, b)))
    if (!usedFamilies.has(family)) workloads.push(taskDefinitionWorkload(tds));
  for (const w of workloads)
    if (w.ecs?.variantUnknown)
      unknowns.push({
        subject: `${w.kind.toLowerCase()}/${w.name}`,
        reason: `${w.ecs.variants?.length ?? 0} task definition files register family ${w.ecs.family ?? w.name} (${(w.ecs.variants ?? []).map((v) => v.file).join(', ')}) and nothing says which one runs (launchType / requiresCompatibilities); ${w.ecs.variants?.find((v) => v.used)?.file} was read: set deploy.manifests to the right file`,
        ...(w.at ? { at: w.at } : {}),
      });

  const herokuDirs = new Set([...procfiles.map((f) => dirOf(f.rel)), ...appJsons.keys()]);
  for (const dir of [...herokuDirs].sort(cmp)) {
    const pf = procfiles.find((f) => dirOf(f.rel) === dir);
    let proc: { file: string; text: string } | undefined;
    if (pf) {
      const t = await readText(pf);
      if (t.ok) proc = { file: pf.rel, text: t.text };
      else unknowns.push(t.unknown);
    }
    const w = safely(dir || '.', undefined, () => herokuWorkload(dir, proc, appJsons.get(dir)));
    if (w) workloads.push(w);
  }
  for (const f of units) {
    const t = await readText(f);
    if (!t.ok) {
      unknowns.push(t.unknown);
      continue;
    }
    const w = safely(f.rel, { file: f.rel, line: 1 }, () => readSystemdUnit(f.rel, t.text));
    if (w) workloads.push(w);
  }
  for (const f of hcl) {
    const t = await readText(f);
    if (!t.ok) {
      unknowns.push(t.unknown);
      continue;
    }
    if (!looksLikeNomad(f.rel, t.text)) continue;
    const r = await readNomad(f.rel, t.text);
    workloads.push(...r.workloads);
    unknowns.push(...r.unknowns);
  }

  // ---- docker compose projects -------------------------------------------------------------
  if (composeDocs.size) {
    // how the deployment calls docker compose (-p, COMPOSE_PROJECT_NAME) and each project's .env
    const composeDirs = new Set([...composeDocs.keys()].map(dirOf));
    const scripts: { file: string; text: string }[] = [];
    for (const f of files) {
      if (!DEPLOY_SCRIPT.test(f.rel)) continue;
      const t = await readText(f);
      if (t.ok && /docker[\s-]compose/.test(t.text)) scripts.push({ file: f.rel, text: t.text });
    }
    // the env files compose may read: each project's .env, the --env-file files and the .env of a
    // --project-directory the deploy commands name (each read as from the root or the script's directory)
    const wanted = new Set([...composeDirs].map((d) => (d ? `${d}/.env` : '.env')));
    for (const s of scripts)
      for (const call of composeCalls(s.file, s.text)) {
        const paths = [
          ...call.envFiles,
          ...(call.projectDirectory !== undefined ? [`${call.projectDirectory}/.env`] : []),
        ];
        for (const p of paths) for (const r of commandPathReadings(p, s.file)) wanted.add(r);
      }
    const envFiles = new Map<string, { file: string; text: string }>();
    for (const f of files) {
      if (!wanted.has(f.rel)) continue;
      const t = await readText(f);
      if (t.ok) envFiles.set(f.rel, { file: f.rel, text: t.text });
    }
    const c = readComposeProjects(composeDocs, baseName(abs) || 'compose', { scripts, envFiles });
    workloads.push(...c.workloads);
    unknowns.push(...c.unknowns);
  }

  // ---- Argo CD / Flux: who applies which path ----------------------------------------------
  managers.sort((a, b) => (a.tool === b.tool ? cmp(a.name, b.name) : a.tool === 'argocd' ? -1 : 1));
  const absorbed = new Set<Workload>();
  for (const w of workloads) {
    const dir =
      w.kustomize !== undefined
        ? w.kustomize.overlay === '.'
          ? ''
          : w.kustomize.overlay
        : (w.helm?.chartPath ?? dirOf(w.at?.file ?? ''));
    const m = managers.find((x) => managesDir(x, dir === '.' ? '' : dir));
    if (!m || w.kind === 'HelmRelease' || w.kind === 'Application') continue;
    if (w.platform === 'kubernetes' || w.platform === 'helm') w.platform = m.tool;
    if (m.tool === 'argocd' && m.kind === 'ApplicationSet') {
      // the generated Application's name, never the ApplicationSet's own
      const app = applicationFor(m.name, m.apps ?? [], dir === '.' ? '' : dir);
      if (app.name) w.argocd = { app: app.name, kind: m.kind };
      w.applicationSet = {
        name: m.name,
        ...(app.name ? { app: app.name } : {}),
        ...(app.unresolved ? { unresolved: app.unresolved } : {}),
        ...(m.lookup ? { lookup: m.lookup } : {}),
        at: m.nameAt ?? m.at,
      };
    } else if (m.tool === 'argocd') {
      w.argocd = { app: m.name, ...(m.kind !== 'Application' ? { kind: m.kind } : {}) };
    } else w.flux = { ...w.flux, kustomization: m.name };
    for (const key of ['autoSync', 'selfHeal', 'prune', 'timeoutSeconds'] as const) {
      const v = m.settings[key];
      if (v !== undefined && w.settings[key] === undefined) (w.settings as Record<string, unknown>)[key] = v;
    }
    if (!w.namespace && m.namespace) w.namespace = m.namespace;
  }
  // Flux HelmRelease of a chart in this repository: the chart's facts belong to the release.
  for (const hr of workloads.filter((w) => w.kind === 'HelmRelease')) {
    const chartRef = (hr.helm?.chart ?? '').replace(/^\.\//, '').replace(/\/$/, '');
    const ofChart = workloads.filter(
      (w) =>
        w.platform !== 'flux' &&
        w.helm?.chartPath !== undefined &&
        chartRef !== '' &&
        (w.helm.chartPath === chartRef || w.helm.chart === chartRef),
    );
    // the chart's own workload (its first) gives the release its facts; the release rolls back all of them
    const chart = ofChart[0];
    if (!chart) continue;
    for (const w of ofChart) absorbed.add(w);
    // read with this release's values: the chart's facts already hold them, citing where each was set
    const bound = boundBy.get(chart)?.by === `Flux HelmRelease ${hr.name}`;
    if (hr.images.length === 0 || (bound && chart.images.length > 0)) hr.images = chart.images;
    else
      hr.images = hr.images.map((img, i) => {
        const base = chart.images[i];
        if (img.repository !== '' || !base) return img;
        const merged: ImageRef = {
          ...img,
          repository: base.repository,
          ref: `${base.repository}:${img.tag}`,
        };
        return merged;
      });
    for (const [key, v] of Object.entries(chart.settings))
      if (bound || !(key in hr.settings)) (hr.settings as Record<string, unknown>)[key] = v;
    if (bound && hr.settings.replicas && !chart.settings.replicas) delete hr.settings.replicas;
    hr.config = chart.config;
    if (chart.hooks) hr.hooks = chart.hooks;
    if (chart.crds) hr.crds = chart.crds;
    if (chart.disruptionBudget !== undefined) hr.disruptionBudget = chart.disruptionBudget;
    if (chart.autoscaler) hr.autoscaler = chart.autoscaler;
    if (chart.services) hr.services = chart.services;
    if (chart.state) hr.state = chart.state;
    if (hr.helm) hr.helm.chartPath = chart.helm?.chartPath ?? '';
  }
  for (const m of managers) if (m.remote) workloads.push(m.remote);
  for (const w of workloads)
    if (w.images.some((i) => i.repository === '')) {
      w.images = w.images.filter((i) => i.repository !== '');
      unknowns.push({
        subject: `${w.kind.toLowerCase()}/${w.name}`,
        reason:
          'image tag override without a repository, and the chart is not in this repository; the image is unknown',
        ...(w.at ? { at: w.at } : {}),
      });
    }

  // names become command arguments: an invalid one is an input error where it was read
  checkNames(workloads.flatMap(workloadNameChecks));
  // durations and counts drive the runbook's estimates: out of range is an input error where it was read
  checkNumbers(workloads.flatMap(workloadNumberChecks));
  const finalWorkloads = workloads
    .filter((w) => !absorbed.has(w))
    .sort(
      (a, b) =>
        cmp(evKey(a.at), evKey(b.at)) ||
        cmp(a.kustomize?.overlay ?? '', b.kustomize?.overlay ?? '') ||
        cmp(a.name, b.name),
    );

  // ---- every deploy file, with what became of it ---------------------------------------------
  const templateFiles = new Map<string, string[]>();
  for (const o of objects)
    if (o.kind === 'AnalysisTemplate' || o.kind === 'ClusterAnalysisTemplate') {
      const key = `${o.kind === 'ClusterAnalysisTemplate' ? 'cluster:' : ''}${o.name}`;
      templateFiles.set(key, [...(templateFiles.get(key) ?? []), o.doc.file]);
    }
  for (const w of finalWorkloads) {
    // every file its facts cite (task definition variants it does not run are listed apart)
    for (const f of citedFiles(w.ecs ? { ...w, ecs: { ...w.ecs, variants: [] } } : w)) ledger.feeds(f, w);
    if (w.kustomize !== undefined)
      for (const f of k.filesOf.get(w.kustomize.overlay === '.' ? '' : w.kustomize.overlay) ?? [])
        ledger.feeds(f, w);
    const chart =
      w.helm?.chartPath !== undefined
        ? chartFiles.get(w.helm.chartPath === '.' ? '' : w.helm.chartPath)
        : undefined;
    for (const f of chart ? chartFilesOf(chart) : []) ledger.feeds(f, w);
    for (const v of w.ecs?.variants ?? []) {
      if (v.used) ledger.feeds(v.file, w);
      else ledger.ignore(v.file, `${v.note} (${workloadRef(w)})`);
    }
    for (const t of w.argoRollouts?.analysisTemplates ?? [])
      for (const f of templateFiles.get(t) ?? []) ledger.feeds(f, w);
    if (w.compose) {
      for (const f of w.compose.files) ledger.feeds(f, w);
      for (const i of w.compose.ignoredFiles) ledger.ignore(i.file, i.reason);
      const composeDirs = new Set(w.compose.files.map(dirOf));
      for (const f of files.filter(
        (x) => composeDirs.has(dirOf(x.rel)) && /^\.env(\..+)?$/.test(baseName(x.rel)),
      ))
        if (baseName(f.rel) === '.env') ledger.holds(f.rel, COMPOSE_ENV_NOTE);
        else ledger.ignore(f.rel, `${baseName(f.rel)}: docker compose reads only .env (or --env-file)`);
    }
  }
  const feeding = new Set(
    ledger
      .list(finalWorkloads)
      .filter((e) => e.workloads.length)
      .map((e) => e.file),
  );
  // .inf, .nan, 1e999 in a file a workload is read from: an input error, not a silent default
  checkNonFinite(
    parsed.filter((p) => feeding.has(p.f.rel)).flatMap((p) => p.docs.flatMap((d) => d.nonFinite ?? [])),
  );
  for (const [dir, files] of k.filesOf)
    if (![...files].some((f) => feeding.has(f)))
      for (const f of files)
        ledger.ignore(
          f,
          `part of kustomization ${dir || '.'}, whose resources hold no workload rollbook reads`,
        );
  for (const m of managers)
    ledger.holds(
      m.at.file,
      `${m.kind} ${m.name} (${m.tool === 'argocd' ? 'Argo CD' : 'Flux'}), applies ${m.paths.map((p) => p || '.').join(', ') || 'a remote source'}`,
    );

  // ---- flags the code uses ------------------------------------------------------------------
  const flagRefs: FlagRef[] = [];
  if (flags.length > 0) {
    const list = sources.slice(0, MAX_SOURCE_FILES);
    if (sources.length > MAX_SOURCE_FILES)
      unknowns.push({
        subject: 'flag usage',
        reason: `only the first ${MAX_SOURCE_FILES} source files were searched for flag evaluations`,
      });
    const refs = await mapLimit(list, 32, async (f) => {
      const t = await readText(f, MAX_SOURCE_BYTES);
      return t.ok ? flagRefsIn(f.rel, t.text) : [];
    });
    flagRefs.push(...refs.flat());
  }

  unknowns.push(...(await resolveSamConfigs(pipelines, files)));
  // CI files rollbook recognises and does not read: seen, and an unknown when a line may deploy
  for (const { f, system } of unreadCi) {
    const t = await readText(f);
    if (!t.ok) {
      unknowns.push(t.unknown);
      continue;
    }
    const r = unreadPipeline(f.rel, system, t.text);
    ledger.holds(f.rel, r.note);
    if (r.unknown) unknowns.push(r.unknown);
  }
  const migrationSets = findMigrationSets(abs);
  const runs = await findMigrationRuns({
    files,
    objects,
    yaml: parsed.map((p) => ({ file: p.f.rel, docs: p.docs })),
    workloads: finalWorkloads,
    pipelines,
  });
  const out: Discovery = {
    chartValues,
    workloads: finalWorkloads,
    migrationDirs: migrationSets.sets.map((m) => ({
      tool: m.tool,
      path: m.path,
      database: m.database,
      binding: { workloads: [], evidence: [], checked: [] },
    })),
    excludedMigrationDirs: migrationSets.excluded,
    migrationRuns: runs.runs,
    runsWithoutSet: [],
    migrationTables: runs.tables,
    flagSources: flagSources.sort((a, b) => cmp(a.file ?? '', b.file ?? '')),
    flags: flags.sort((a, b) => cmp(a.key, b.key) || cmp(evKey(a.at), evKey(b.at))),
    flagRefs: flagRefs.sort((a, b) => cmp(evKey(a.at), evKey(b.at)) || cmp(a.key, b.key)),
    flagFiles: [],
    pipelines: pipelines.sort((a, b) => cmp(a.file, b.file)),
    signals: signals.sort((a, b) => cmp(a.name, b.name) || cmp(evKey(a.at), evKey(b.at))),
    files: files.length,
    deployFiles: [],
    unknowns: dedupeUnknowns(unknowns),
  };
  const kept = new Set(finalWorkloads);
  out.flagFiles = bindFlags(
    out.flags,
    out.flagSources,
    out.flagRefs,
    finalWorkloads,
    flagResourceBonds(
      flagResources,
      wlObjs.filter(([w]) => kept.has(w)),
      objects,
    ),
  );
  for (const u of out.unknowns) if (u.at?.file) ledger.unknown(u.at.file, `${u.subject}: ${u.reason}`);
  out.deployFiles = ledger.list(finalWorkloads).filter((e) => e.file !== '');
  // what each pipeline deploys, then which workloads run each migration set
  const fed = new Map(out.deployFiles.map((e) => [e.file, e.workloads]));
  const fileWorkloads = (file: string) => fed.get(file) ?? [];
  const onlyOne = new Set(finalWorkloads.map((w) => `${w.kind}/${w.name}`)).size === 1;
  for (const p of out.pipelines) {
    const deployed = pipelineWorkloads(p, finalWorkloads, fileWorkloads);
    // a repository with one workload: its pipeline deploys it, whatever its command names
    p.deploys = [...new Set((deployed.length || !onlyOne ? deployed : finalWorkloads).map(workloadRef))];
  }
  const bindings = bindMigrationSets({
    sets: out.migrationDirs,
    workloads: finalWorkloads,
    runs: out.migrationRuns,
    pipelines: out.pipelines,
    fileWorkloads,
  });
  out.migrationDirs.forEach((m, i) => {
    m.binding = bindings[i] ?? m.binding;
  });
  out.runsWithoutSet = runsWithoutSet({
    sets: out.migrationDirs,
    workloads: finalWorkloads,
    runs: out.migrationRuns,
    pipelines: out.pipelines,
    fileWorkloads,
  });
  if (opts.workload) out.workload = opts.workload;
  return out;
}

/**
 * The Services of each workload's overlay and namespace whose selector selects its pods (a
 * Rollout's workloadRef lends it the referenced Deployment's labels). Every Kubernetes workload gets
 * a list, empty when no Service selects it (a worker).
 */
function bindObjectServices(
  objects: KObj[],
  wlObjs: [Workload, KObj][],
  group: (o: KObj) => string,
  byKindName: Map<string, KObj>,
): void {
  const services = new Map<string, ServiceCandidate[]>();
  for (const o of objects) {
    if (!isKubeService(o)) continue;
    const g = group(o);
    services.set(g, [...(services.get(g) ?? []), serviceCandidate(o)]);
  }
  const targets = new Map<string, { w: Workload; t: PodTarget }[]>();
  for (const [w, o] of wlObjs) {
    if (o.kind === 'Service') continue;
    const ref = get(o.body, 'spec', 'workloadRef');
    const tpl =
      o.kind === 'Rollout' && ref !== undefined
        ? (byKindName.get(`${str(get(ref, 'kind')) ?? 'Deployment'}/${str(get(ref, 'name'))}`) ?? o)
        : o;
    const g = group(o);
    targets.set(g, [
      ...(targets.get(g) ?? []),
      {
        w,
        t: {
          ref: `${o.kind.toLowerCase()}/${o.name}`,
          labels: podLabels(tpl),
          at: objAt(tpl, ['spec', 'template', 'metadata', 'labels']),
        },
      },
    ]);
  }
  for (const [g, list] of targets) {
    const bound = bindServices(
      services.get(g) ?? [],
      list.map((x) => x.t),
    );
    list.forEach((x, i) => {
      x.w.services = bound[i] ?? [];
    });
  }
}

/**
 * rollbook.yaml's deploy.valuesFiles as values requests: a file inside a chart directory belongs to
 * that chart; a file elsewhere to the repository's one chart (an unknown when there are several).
 * A file that does not exist is an input error where rollbook.yaml names it.
 */
function descriptorValues(
  list: { path: string; at?: Evidence }[],
  chartDirs: string[],
  byRel: Map<string, RepoFile>,
  unknowns: Unknown[],
): ValuesRequest[] {
  if (list.length === 0) return [];
  const charts = chartDirs.filter(
    (d) => !/(^|\/)charts\/[^/]+$/.test(d) || !chartDirs.includes(dirOf(dirOf(d))),
  );
  const out = new Map<string, ValuesRequest>();
  list.forEach((v, i) => {
    const rel = cleanPath(v.path);
    const at = v.at ?? { file: 'rollbook.yaml', line: 1 };
    const problem = (message: string) =>
      new RollbookError(rel.startsWith('..') ? 'INVALID_CONFIG' : 'NOT_FOUND', [
        { message, path: `deploy.valuesFiles[${i}]`, at },
      ]);
    if (rel.startsWith('..') || rel.startsWith('/'))
      throw problem(`values file "${v.path}" is outside the service root`);
    if (!byRel.has(rel)) throw problem(`values file "${v.path}" does not exist`);
    const inChart = charts
      .filter((d) => d === '' || rel.startsWith(`${d}/`))
      .sort((a, b) => b.length - a.length)[0];
    const chart = inChart ?? (charts.length === 1 ? charts[0] : undefined);
    if (chart === undefined) {
      unknowns.push({
        subject: rel,
        reason:
          charts.length === 0
            ? 'values file named in deploy.valuesFiles, but the repository holds no Helm chart; not read'
            : `values file named in deploy.valuesFiles lies in none of the ${charts.length} charts (${charts.map((c) => c || '.').join(', ')}); not read: put it beside its chart or name one chart per service`,
        at,
      });
      return;
    }
    const req = out.get(chart) ?? { chart, by: 'rollbook.yaml (deploy.valuesFiles)', layers: [], at };
    req.layers.push({ kind: 'file', path: rel, at });
    out.set(chart, req);
  });
  return [...out.values()];
}

/**
 * The values a chart is read with: rollbook.yaml's when it names some, else the one deployment's
 * that passes values to it; several deployments with no rollbook.yaml choice are an unknown.
 */
function chooseValues(
  dir: string,
  requests: ValuesRequest[],
  at: Evidence,
  unknowns: Unknown[],
): ValuesRequest | undefined {
  const own = requests.find((r) => r.by.startsWith('rollbook.yaml'));
  if (own) return own;
  if (requests.length <= 1) return requests[0];
  unknowns.push({
    subject: `helm chart ${dir || '.'}`,
    reason: `${requests.length} deployments pass values to this chart (${requests
      .map((r) => r.by)
      .sort(cmp)
      .join(
        ', ',
      )}); it was read with values.yaml alone: name the production values in rollbook.yaml deploy.valuesFiles`,
    at,
  });
  return undefined;
}

function chartFilesOf(cf: {
  chart?: RepoFile;
  values?: RepoFile;
  templates: RepoFile[];
  helpers: RepoFile[];
  crds: RepoFile[];
}): string[] {
  return [cf.chart, cf.values, ...cf.templates, ...cf.helpers, ...cf.crds]
    .filter((f): f is RepoFile => !!f)
    .map((f) => f.rel);
}

function dedupeUnknowns(list: Unknown[]): Unknown[] {
  const seen = new Set<string>();
  const out: Unknown[] = [];
  for (const u of list) {
    const key = `${u.subject}\u0000${u.reason}\u0000${evKey(u.at)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(u);
  }
  return out.sort(
    (a, b) => cmp(evKey(a.at), evKey(b.at)) || cmp(a.subject, b.subject) || cmp(a.reason, b.reason),
  );
}

// ---- workload selection and merging into the service -------------------------------------

const KIND_ALIASES: Record<string, string> = {
  deploy: 'deployment',
  deployments: 'deployment',
  sts: 'statefulset',
  statefulsets: 'statefulset',
  ds: 'daemonset',
  daemonsets: 'daemonset',
  ro: 'rollout',
  rollouts: 'rollout',
  svc: 'ecsservice',
  ksvc: 'service',
};

export { workloadRef };

/** A human label listing the workload and where it came from. */
export function workloadLabel(w: Workload): string {
  const where = w.kustomize?.overlay
    ? ` (overlay ${w.kustomize.overlay})`
    : w.at
      ? ` (${w.at.file}:${w.at.line})`
      : '';
  return `${workloadRef(w)}${where}`;
}

/** Paths that name a workload: its overlay, its chart, its manifest file and that file's directory. */
function pathsOf(w: Workload): string[] {
  const out: string[] = [];
  if (w.kustomize !== undefined) out.push(w.kustomize.overlay);
  if (w.helm?.chartPath !== undefined) out.push(w.helm.chartPath);
  if (w.compose) out.push(w.compose.dir || '.');
  if (w.at) out.push(w.at.file, dirOf(w.at.file) || '.');
  return out;
}

function cleanRef(p: string): string {
  const n = p.replace(/^(\.\/)+/, '').replace(/(?<!\/)\/+$/, '');
  return n === '' ? '.' : n;
}

/**
 * Workloads matching a reference: `name`, `kind/name`, `namespace/name`, `namespace/kind/name`, a
 * path (kustomize overlay, chart directory, manifest file or its directory), or a path followed by
 * /kind/name. Kinds accept kubectl short forms.
 */
export function matchWorkloads(workloads: Workload[], ref: string): Workload[] {
  const norm = (k: string) => {
    const l = k.toLowerCase();
    return KIND_ALIASES[l] ?? l;
  };
  const clean = cleanRef(ref);
  const parts = clean.split('/').filter(Boolean);
  const name = parts[parts.length - 1];
  const byName = workloads.filter((w) => {
    if (name !== w.name) return false;
    const kind = w.kind.toLowerCase();
    if (parts.length === 1) return true;
    if (parts.length === 2) return norm(parts[0] as string) === kind || parts[0] === w.namespace;
    if (norm(parts[parts.length - 2] as string) !== kind) return false;
    const prefix = parts.slice(0, -2).join('/');
    return (parts.length === 3 && prefix === w.namespace) || pathsOf(w).includes(prefix);
  });
  if (byName.length) return byName;
  return workloads.filter((w) => pathsOf(w).includes(clean));
}

/**
 * The shortest reference `--workload` resolves to this workload alone among `all`: kind/name,
 * namespace/kind/name, its overlay or chart path, its manifest file, a path with /kind/name.
 */
export function uniqueRef(w: Workload, all: Workload[]): string {
  const kn = `${w.kind.toLowerCase()}/${w.name}`;
  const tries = [kn, ...(w.namespace ? [`${w.namespace}/${kn}`] : [])];
  for (const p of pathsOf(w)) tries.push(p, `${p}/${kn}`);
  for (const t of tries) {
    const m = matchWorkloads(all, t);
    if (m.length === 1 && m[0] === w) return t;
  }
  return workloadRef(w);
}

/**
 * Analysis-template signals that belong to a workload: templates a Rollout references belong to
 * that Rollout only; templates nobody references apply to any workload.
 */
function signalsFor(d: Discovery, chosen: Workload | undefined): Signal[] {
  const referenced = new Map<string, Set<Workload>>();
  for (const w of d.workloads)
    for (const t of w.argoRollouts?.analysisTemplates ?? [])
      referenced.set(
        t.replace(/^cluster:/, ''),
        new Set([...(referenced.get(t.replace(/^cluster:/, '')) ?? []), w]),
      );
  // the chosen Rollout's own signals: its templates with the args its runs pass
  const own = chosen?.argoRollouts?.signals ?? [];
  const resolved = new Set(own.map((sg) => sg.name.split('/')[0] ?? ''));
  return [
    ...d.signals.filter((sg) => {
      const template = sg.name.split('/')[0] ?? '';
      if (resolved.has(template)) return false;
      const owners = referenced.get(template);
      if (!owners) return true;
      return chosen === undefined || owners.has(chosen);
    }),
    ...own,
  ].sort((a, b) => cmp(a.name, b.name) || cmp(evKey(a.at), evKey(b.at)));
}

/**
 * The production migration sets of the chosen workload, from discovery's bindings (what runs each
 * set, with evidence): `mine` is the one set bound to it (undefined unless exactly one), `bound` all
 * of them, `others` the sets bound to other workloads only, `unbound` those nothing binds. With no
 * workload chosen, the only set found is `mine`.
 */
export function migrationSetsFor(
  d: Discovery,
  s: Service,
): {
  mine?: Discovery['migrationDirs'][number];
  bound: Discovery['migrationDirs'];
  others: Discovery['migrationDirs'];
  unbound: Discovery['migrationDirs'];
} {
  const sets = d.migrationDirs;
  const chosen = s.workloads.length === 1 ? s.workloads[0] : undefined;
  if (!chosen) {
    const only = sets.length === 1 ? sets[0] : undefined;
    return only
      ? { mine: only, bound: [only], others: [], unbound: [] }
      : { bound: [], others: sets, unbound: [] };
  }
  const ref = workloadRef(chosen);
  const bound = sets.filter((m) => m.binding.workloads.includes(ref));
  const unbound = sets.filter((m) => m.binding.workloads.length === 0);
  const others = sets.filter((m) => !bound.includes(m) && !unbound.includes(m));
  return { ...(bound.length === 1 ? { mine: bound[0] } : {}), bound, others, unbound };
}

function sameVariantSet(ws: Workload[]): boolean {
  return ws.length > 1 && ws.every((w) => w.kind === ws[0]?.kind && w.name === ws[0]?.name);
}

/**
 * Merge discovery into a service the descriptor produced. Pure. The descriptor wins wherever it
 * says something; discovery fills the rest. Chooses the workload (opts.workload given to discover,
 * then deploy.workload, then the only one); when several remain, all are kept and an Unknown lists
 * the candidates and the --workload flag.
 */
export function applyDiscovery(service: Service, d: Discovery): Service {
  const s: Service = {
    ...service,
    deploy: { ...service.deploy },
    artifact: { ...service.artifact },
    unknowns: [...service.unknowns],
  };
  const requested = d.workload ?? service.deploy.workload;
  let chosen: Workload | undefined;
  let candidates = d.workloads;
  if (requested) {
    let m = matchWorkloads(d.workloads, requested);
    if (m.length > 1 && service.deploy.namespace) {
      const inNs = m.filter((w) => w.namespace === service.deploy.namespace);
      if (inNs.length) m = inNs;
    }
    if (m.length === 0 && d.workload) {
      throw new RollbookError(
        'USAGE',
        `--workload ${d.workload}: no such workload; found: ${d.workloads.map((w) => uniqueRef(w, d.workloads)).join(', ') || 'none'}`,
        'Name one of them as listed (kind/name, namespace/kind/name, or the manifest or overlay path); "rollbook discover" lists the workloads and their files.',
      );
    }
    if (m.length === 1) chosen = m[0];
    else if (m.length > 1) candidates = m;
    else
      s.unknowns.push({
        subject: 'workload',
        reason: `deploy.workload ${requested} was not found in the repository's manifests; the design uses the descriptor only`,
        ...(service.deploy.at ? { at: service.deploy.at } : {}),
      });
  } else if (d.workloads.length === 1) chosen = d.workloads[0];

  if (chosen) {
    s.workloads = service.workloads.length ? service.workloads : [chosen];
    if (!s.deploy.platform) s.deploy.platform = chosen.platform;
    // kind/name, whatever form selected it (a path, namespace/kind/name): the form commands and the planner read
    s.deploy.workload = `${chosen.kind.toLowerCase()}/${chosen.name}`;
    if (d.workloads.length > 1) s.deploy.selectedBy = uniqueRef(chosen, d.workloads);
    if (!s.deploy.namespace && chosen.namespace) s.deploy.namespace = chosen.namespace;
    if (!s.deploy.at && chosen.at) s.deploy.at = chosen.at;
    const img = chosen.images[0];
    if (img && !s.artifact.image) {
      s.artifact.image = img.repository;
      if (img.at) s.artifact.at = img.at;
    }
    if (img && !s.artifact.versioning) {
      const v = versioningOf(img);
      if (v) s.artifact.versioning = v;
    }
  } else {
    if (!service.workloads.length) s.workloads = candidates;
    if (candidates.length > 1) {
      const variants = sameVariantSet(candidates)
        ? ' (the same workload in several overlays or namespaces)'
        : '';
      s.unknowns.push({
        subject: 'workload',
        reason: `the repository holds ${candidates.length} workloads${variants}: ${candidates.map(workloadLabel).join(', ')}; pick one with --workload (${candidates.map((w) => uniqueRef(w, d.workloads)).join(', ')}) or deploy.workload in rollbook.yaml`,
      });
    } else if (candidates.length === 0 && !service.deploy.platform) {
      s.unknowns.push({
        subject: 'workload',
        reason:
          'no deployable workload found (Kubernetes manifests, Helm chart, ECS, Lambda, Cloud Run, Nomad, Heroku, systemd); set deploy.platform and deploy.workload in rollbook.yaml',
      });
    }
  }
  const generated = chosen?.applicationSet;
  if (generated?.unresolved && !s.deploy.target?.app)
    s.unknowns.push({
      subject: 'Argo CD application',
      reason: `${generated.unresolved}: the runbook asks for it (ARGOCD_APP). Name it in deploy.target.app in rollbook.yaml; ${lookupText(generated)} lists the Applications it generated (${lookupNote(generated.lookup)})`,
      at: generated.at,
    });
  const platforms = new Set(s.workloads.map((w) => w.platform));
  if (!s.deploy.platform && platforms.size === 1) s.deploy.platform = [...platforms][0];

  const flagScope = scopeFlags(
    { sources: s.flagSources, flags: s.flags, ...(s.flagRefs ? { refs: s.flagRefs } : {}) },
    d,
    {
      chosen,
      workloads: d.workloads,
      ref: (w) => uniqueRef(w, d.workloads),
      match: (r) => matchWorkloads(d.workloads, r),
      ...(service.deploy.workload ? { descriptorWorkload: service.deploy.workload } : {}),
    },
  );
  s.flagSources = flagScope.flagSources;
  s.flags = flagScope.flags;
  if (flagScope.flagRefs) s.flagRefs = flagScope.flagRefs;
  if (flagScope.repoFlagFiles) s.repoFlagFiles = flagScope.repoFlagFiles;
  s.unknowns.push(...flagScope.unknowns);
  // a pipeline whose deploy job deploys other workloads is theirs; one whose target matched no
  // workload stays on every workload (its findings say so)
  const ref = chosen ? workloadRef(chosen) : undefined;
  if (!s.pipelines.length)
    s.pipelines = d.pipelines.filter((p) => !ref || !p.deploys?.length || p.deploys.includes(ref));
  if (!s.migrationRuns?.length && d.migrationRuns.length) s.migrationRuns = d.migrationRuns;
  if (!s.deploy.pipeline && d.pipelines[0]) s.deploy.pipeline = d.pipelines[0].provider;
  const names = new Set(s.signals.map((x) => x.name));
  s.signals = [...s.signals, ...signalsFor(d, chosen).filter((x) => !names.has(x.name))];
  if (!s.deploy.manifests.length) {
    const dirs = new Set<string>();
    for (const w of s.workloads) {
      const dir = w.kustomize?.overlay ?? w.helm?.chartPath ?? (w.at ? dirOf(w.at.file) : undefined);
      if (dir !== undefined) dirs.add(dir || '.');
    }
    s.deploy.manifests = [...dirs].sort(cmp);
  }
  // Unknowns located in files that feed only other workloads, or about another workload (kind/name),
  // do not concern the chosen one.
  const others = new Set(
    chosen
      ? d.deployFiles.filter((f) => f.workloads.length && !f.workloads.includes(chosen)).map((f) => f.file)
      : [],
  );
  const chosenRef = chosen ? `${chosen.kind.toLowerCase()}/${chosen.name}` : undefined;
  const otherRefs = new Set(
    chosen
      ? d.workloads
          .filter((w) => w !== chosen)
          .map((w) => `${w.kind.toLowerCase()}/${w.name}`)
          .filter((r) => r !== chosenRef)
      : [],
  );
  s.unknowns.push(
    ...d.unknowns.filter((u) => (!u.at || !others.has(u.at.file)) && !otherRefs.has(u.subject)),
  );
  return s;
}
