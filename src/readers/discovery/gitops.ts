import type { FluxFacts, HelmFacts } from '../../model/facts.js';
import type { Evidence, ImageRef, RolloutSettings, Unknown, Workload } from '../../model/service.js';
import { argoValues, cleanPath, type ValuesRequest } from './helm-values.js';
import { parseImage } from './image.js';
import { type KObj, objAt } from './k8s.js';
import { matchPath } from './path-match.js';
import { arr, bool, durationSeconds, get, isObj, num, obj, str } from './yaml.js';

/** Something that continuously applies a path of this repository (Argo CD, Flux). */
export interface Manager {
  tool: 'argocd' | 'flux';
  kind: string;
  name: string;
  /** Paths it applies (POSIX, relative to the root, no ./ or trailing slash) or ApplicationSet globs. */
  paths: (string | { glob: string })[];
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
  return m.paths.some((p) => {
    if (typeof p !== 'string') {
      // no regular expression from input: a glob of many `*` made a backtracking regex hang
      const parts = dir.split('/');
      for (let i = 1; i <= parts.length; i++) if (matchPath(p.glob, parts.slice(0, i).join('/'))) return true;
      return false;
    }
    return p === '' || dir === p || dir.startsWith(`${p}/`);
  });
}

/** Argo CD Application / ApplicationSet, Flux Kustomization / HelmRelease. */
export function managerOf(o: KObj, dirs: Set<string>): Manager | undefined {
  const at = (p: (string | number)[], note?: string) => objAt(o, p, note);
  if (o.apiVersion.startsWith('argoproj.io/') && (o.kind === 'Application' || o.kind === 'ApplicationSet')) {
    const specPath = o.kind === 'Application' ? ['spec'] : ['spec', 'template', 'spec'];
    const spec = obj(get(o.body, ...specPath));
    const sources = isObj(spec.source) ? [spec.source] : arr(spec.sources);
    const paths: Manager['paths'] = [];
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
        for (const g of arr(get(o.body, 'spec', 'generators'))) {
          for (const d of arr(get(g, 'git', 'directories'))) {
            const dp = str(get(d, 'path'));
            if (dp && get(d, 'exclude') !== true)
              paths.push(dp.includes('*') ? { glob: cleanPath(dp) } : cleanPath(dp));
          }
        }
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
