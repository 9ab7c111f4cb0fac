import type { FluxFacts, HelmFacts } from '../../model/facts.js';
import type { Evidence, ImageRef, RolloutSettings, Unknown, Workload } from '../../model/service.js';
import { type GeneratedApp, generatedApps, type RepoView } from './appset.js';
import { argoValues, cleanPath, type ValuesRequest } from './helm-values.js';
import { parseImage } from './image.js';
import { type KObj, objAt } from './k8s.js';
import { arr, bool, durationSeconds, get, isObj, num, obj, str } from './yaml.js';

/** Something that continuously applies a path of this repository (Argo CD, Flux). */
export interface Manager {
  tool: 'argocd' | 'flux';
  kind: string;
  name: string;
  /** Paths it applies (POSIX, relative to the root, no ./ or trailing slash). */
  paths: string[];
  /** An ApplicationSet's generated Applications (name and source path as rendered from its generators). */
  apps?: GeneratedApp[];
  /** Where an ApplicationSet's template names its Applications (template.metadata.name). */
  nameAt?: Evidence;
  /** A read-only command that lists an ApplicationSet's generated Applications (appsetLookup). */
  lookup?: string[];
  namespace?: string;
  settings: RolloutSettings;
  at: Evidence;
  /** Set when the manager deploys something not in this repository (a Helm repo chart, a remote path). */
  remote?: Workload;
  /** Helm values it passes to a chart of this repository (Argo CD `helm.valueFiles`, `values`, `valuesObject`, `parameters`). */
  values?: ValuesRequest[];
  /** What it names that could not be read (values files of other sources). */
  unknowns?: Unknown[];
}

export function managesDir(m: Manager, dir: string): boolean {
  return m.paths.some((p) => p === '' || dir === p || dir.startsWith(`${p}/`));
}

/**
 * How to list what an ApplicationSet generated, read-only: its template's literal labels select
 * them (`kubectl get applications.argoproj.io -l`, in the template's or the ApplicationSet's
 * namespace, else every namespace); without labels, `argocd appset generate -- FILE` asks the Argo
 * CD API server to render the generators of the ApplicationSet in FILE and prints the Applications
 * (a table; `-o yaml` for the manifests), creating nothing (argo-cd
 * cmd/argocd/commands/applicationset.go NewApplicationSetGenerateCommand, added in v2.13 by
 * argoproj/argo-cd#19518; server/applicationset Generate still checks the caller may create
 * ApplicationSets in the project). It reads every YAML document of FILE as an ApplicationSet and
 * refuses a file of more than one ("Input file must contain one ApplicationSet"): for such a file the
 * Applications are listed with the ApplicationSet that owns each (its ownerReference), from the cluster.
 */
export function appsetLookup(o: KObj, documents = 1): string[] {
  const meta = obj(get(o.body, 'spec', 'template', 'metadata'));
  const labels = Object.entries(obj(meta.labels)).flatMap(([k, v]) => {
    const s = str(v);
    return s !== undefined && !/\{\{/.test(k) && !/\{\{/.test(s) && /^[-A-Za-z0-9_./]+$/.test(k)
      ? [`${k}=${s}`]
      : [];
  });
  if (labels.length === 0)
    return documents > 1
      ? [
          'kubectl',
          'get',
          'applications.argoproj.io',
          '-A',
          '-o',
          'custom-columns=NAMESPACE:.metadata.namespace,NAME:.metadata.name,APPLICATIONSET:.metadata.ownerReferences[0].name',
        ]
      : ['argocd', 'appset', 'generate', '--', o.doc.file];
  const ns = [str(meta.namespace), o.namespace].find((n) => n !== undefined && n !== '' && !/\{\{/.test(n));
  return [
    'kubectl',
    'get',
    'applications.argoproj.io',
    ...(ns ? ['-n', ns] : ['-A']),
    '-l',
    labels.sort().join(','),
  ];
}

/** Argo CD Application / ApplicationSet, Flux Kustomization / HelmRelease. */
export function managerOf(o: KObj, repo: RepoView): Manager | undefined {
  const dirs = repo.dirs;
  const at = (p: (string | number)[], note?: string) => objAt(o, p, note);
  if (o.apiVersion.startsWith('argoproj.io/') && (o.kind === 'Application' || o.kind === 'ApplicationSet')) {
    const specPath = o.kind === 'Application' ? ['spec'] : ['spec', 'template', 'spec'];
    const spec = obj(get(o.body, ...specPath));
    const sources = isObj(spec.source) ? [spec.source] : arr(spec.sources);
    const paths: string[] = [];
    let remote: Workload | undefined;
    const auto = get(spec, 'syncPolicy', 'automated');
    const s: RolloutSettings = {};
    const sp = [...specPath, 'syncPolicy'];
    s.autoSync = {
      value: isObj(auto) && bool(get(auto, 'enabled')) !== false,
      at: at(isObj(auto) ? [...sp, 'automated'] : [...specPath]),
    };
    if (isObj(auto)) {
      s.selfHeal = {
        value: bool(auto.selfHeal) === true,
        at: at([...sp, 'automated', auto.selfHeal !== undefined ? 'selfHeal' : ''].filter(Boolean)),
      };
      s.prune = {
        value: bool(auto.prune) === true,
        at: at([...sp, 'automated', auto.prune !== undefined ? 'prune' : ''].filter(Boolean)),
      };
    }
    const values: ValuesRequest[] = [];
    const unknowns: Unknown[] = [];
    sources.forEach((src, i) => {
      const p = str(get(src, 'path'));
      if (p && !/\{\{/.test(p) && isObj(get(src, 'helm'))) {
        const srcPath = isObj(spec.source) ? [...specPath, 'source'] : [...specPath, 'sources', i];
        const v = argoValues(o, src, srcPath, cleanPath(p));
        unknowns.push(...v.unknowns);
        const ns = str(get(spec, 'destination', 'namespace'));
        // Argo CD names the release after the Application unless helm.releaseName says otherwise
        const release = v.release ?? (o.kind === 'Application' ? o.name : undefined);
        values.push({
          chart: cleanPath(p),
          by: `Argo CD ${o.kind} ${o.name}`,
          ...(release && !/\{\{/.test(release) ? { release } : {}),
          ...(ns && !/\{\{/.test(ns) ? { namespace: ns } : {}),
          layers: v.layers,
          at: at([...srcPath, 'helm']),
        });
      }
      if (p && !/\{\{/.test(p) && dirs.has(cleanPath(p))) paths.push(cleanPath(p));
      else if (p && /\{\{/.test(p) && o.kind === 'ApplicationSet') {
        // the paths its generated Applications sync (below)
      } else if (!remote) {
        const chart = str(get(src, 'chart'));
        const images: ImageRef[] = [];
        const srcPath = isObj(spec.source) ? [...specPath, 'source'] : [...specPath, 'sources', i];
        const params = arr(get(src, 'helm', 'parameters'));
        const tagIdx = params.findIndex((x) => str(get(x, 'name')) === 'image.tag');
        const repoIdx = params.findIndex((x) => str(get(x, 'name')) === 'image.repository');
        const vo = obj(get(src, 'helm', 'valuesObject'));
        const repo = str(get(params[repoIdx], 'value')) ?? str(get(vo, 'image', 'repository'));
        const tag = str(get(params[tagIdx], 'value')) ?? str(get(vo, 'image', 'tag'));
        if (repo) images.push(parseImage(`${repo}${tag ? `:${tag}` : ''}`, at([...srcPath, 'helm'])));
        remote = {
          kind: o.kind,
          name: o.name,
          platform: 'argocd',
          at: at(['kind']),
          images,
          settings: s,
          config: [],
          argocd: {
            app: o.name,
            source: {
              repoURL: str(get(src, 'repoURL')) ?? '',
              ...(p ? { path: p } : {}),
              ...(chart ? { chart } : {}),
            },
          },
        };
        const ns = str(get(spec, 'destination', 'namespace'));
        if (ns) remote.namespace = ns;
      }
    });
    const m: Manager = { tool: 'argocd', kind: o.kind, name: o.name, paths, settings: s, at: at(['kind']) };
    if (o.kind === 'ApplicationSet') {
      m.apps = generatedApps(o.body, repo);
      m.nameAt = at(['spec', 'template', 'metadata', 'name']);
      m.lookup = appsetLookup(o, repo.documents?.(o.doc.file));
      for (const a of m.apps)
        if (a.path !== undefined && dirs.has(a.path) && !paths.includes(a.path)) paths.push(a.path);
    }
    const ns = str(get(spec, 'destination', 'namespace'));
    if (ns && !/\{\{/.test(ns)) m.namespace = ns;
    if (remote && paths.length === 0) m.remote = remote;
    if (values.length) m.values = values;
    if (unknowns.length) m.unknowns = unknowns;
    return m;
  }
  if (o.apiVersion.startsWith('kustomize.toolkit.fluxcd.io/') && o.kind === 'Kustomization') {
    const spec = obj(o.body.spec);
    const p = cleanPath(str(spec.path) ?? '');
    const s: RolloutSettings = {
      autoSync: {
        value: bool(spec.suspend) !== true,
        at: at(['spec', spec.suspend !== undefined ? 'suspend' : 'interval']),
      },
      prune: { value: bool(spec.prune) === true, at: at(['spec', 'prune']) },
      // Flux re-applies the desired state on every interval: a manual change is reverted like selfHeal.
      selfHeal: {
        value: bool(spec.suspend) !== true,
        at: at(['spec', 'interval'], 'Flux reconciles every interval'),
      },
    };
    const t = durationSeconds(spec.timeout);
    if (t !== undefined) s.timeoutSeconds = { value: t, at: at(['spec', 'timeout']) };
    const m: Manager = {
      tool: 'flux',
      kind: o.kind,
      name: o.name,
      paths: [p],
      settings: s,
      at: at(['kind']),
    };
    const ns = str(spec.targetNamespace);
    if (ns) m.namespace = ns;
    return m;
  }
  return undefined;
}

/** A Flux HelmRelease as a workload (platform flux). */
export function fluxHelmRelease(o: KObj): Workload | undefined {
  if (!o.apiVersion.startsWith('helm.toolkit.fluxcd.io/') || o.kind !== 'HelmRelease') return undefined;
  const at = (p: (string | number)[], note?: string) => objAt(o, p, note);
  const spec = obj(o.body.spec);
  const s: RolloutSettings = {};
  const rem = obj(get(spec, 'upgrade', 'remediation'));
  const retries = num(rem.retries);
  if (isObj(get(spec, 'upgrade', 'remediation'))) {
    const on = (retries ?? 0) > 0 || bool(rem.remediateLastFailure) === true;
    s.remediation = {
      value: on,
      at: at(
        ['spec', 'upgrade', 'remediation'],
        `strategy ${str(rem.strategy) ?? 'rollback'}, retries ${retries ?? 0}`,
      ),
    };
  }
  const maxHistory = num(spec.maxHistory);
  if (maxHistory !== undefined) s.historyMax = { value: maxHistory, at: at(['spec', 'maxHistory']) };
  const timeout = durationSeconds(spec.timeout);
  if (timeout !== undefined) s.timeoutSeconds = { value: timeout, at: at(['spec', 'timeout']) };
  s.autoSync = {
    value: bool(spec.suspend) !== true,
    at: at(['spec', spec.suspend !== undefined ? 'suspend' : 'interval']),
  };
  s.selfHeal = {
    value: bool(spec.suspend) !== true,
    at: at(['spec', 'interval'], 'Flux reconciles every interval'),
  };
  const replicas = num(get(spec, 'values', 'replicaCount'));
  if (replicas !== undefined) s.replicas = { value: replicas, at: at(['spec', 'values', 'replicaCount']) };
  const images: ImageRef[] = [];
  const repo = str(get(spec, 'values', 'image', 'repository'));
  const tag = str(get(spec, 'values', 'image', 'tag'));
  if (repo)
    images.push(
      parseImage(
        `${repo}${tag ? `:${tag}` : ''}`,
        at(['spec', 'values', 'image', tag ? 'tag' : 'repository']),
      ),
    );
  // Only a tag override: the repository comes from the chart's values (merged when the chart is local).
  else if (tag)
    images.push({ ref: `:${tag}`, repository: '', tag, at: at(['spec', 'values', 'image', 'tag']) });
  const chart = str(get(spec, 'chart', 'spec', 'chart')) ?? '';
  const helm: HelmFacts = {
    // Flux names the release [targetNamespace-]name unless spec.releaseName says otherwise
    release:
      str(spec.releaseName) ??
      (str(spec.targetNamespace) ? `${str(spec.targetNamespace)}-${o.name}` : o.name),
    chart,
  };
  const cv = str(get(spec, 'chart', 'spec', 'version'));
  if (cv) helm.chartVersion = cv;
  const flux: FluxFacts = { helmRelease: o.name };
  // Helm keeps the release in the HelmRelease's namespace (spec.storageNamespace), not the target's
  if (o.namespace) flux.namespace = o.namespace;
  const tns = str(spec.targetNamespace);
  if (tns) flux.targetNamespace = tns;
  const sns = str(spec.storageNamespace);
  if (sns) flux.storageNamespace = sns;
  const w: Workload = {
    kind: 'HelmRelease',
    name: o.name,
    platform: 'flux',
    at: at(['kind']),
    images,
    settings: s,
    config: [],
    helm,
    flux,
  };
  const ns = str(spec.targetNamespace) ?? o.namespace;
  if (ns) w.namespace = ns;
  return w;
}
