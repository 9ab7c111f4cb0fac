import type { ArgoRolloutsFacts, CloudRunFacts } from '../../model/facts.js';
import type {
  CanaryStep,
  ConfigRef,
  Evidence,
  ImageRef,
  RolloutSettings,
  ServiceBinding,
  Setting,
  Signal,
  Workload,
  WorkloadFacts,
  WorkloadState,
} from '../../model/service.js';
import { cmp } from '../../util/order.js';
import { analysisRunRef, metricSignals, type RolloutObject } from './analysis-runs.js';
import { CACHE_ENGINES, engineOfImage, redisPersistenceArgs } from './data-stores.js';
import { parseImage } from './image.js';
import {
  arr,
  bool,
  durationSeconds,
  get,
  isObj,
  num,
  type Obj,
  obj,
  type PathKey,
  str,
  type YamlDoc,
} from './yaml.js';

/** A Kubernetes object as read from a YAML document (a List item keeps its path inside the document). */
export interface KObj {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  body: Obj;
  doc: YamlDoc;
  /** Path of the object inside the document ([] or ['items', i]). */
  base: PathKey[];
  /** Directory of the kustomization that produced this variant (root kustomizations only). */
  overlay?: string;
  /** Image overrides from kustomize `images:` (keyed by image name as written in the manifest). */
  images?: Map<string, { newName?: string; newTag?: string; digest?: string; at: Evidence }>;
  /** ConfigMaps/Secrets produced by kustomize generators in scope: name as referenced → generated info. */
  generated?: Map<string, { name: string; hashed: boolean; at: Evidence }>;
  /** Renames applied by kustomize namePrefix/nameSuffix to objects defined in scope (old → new). */
  renames?: Map<string, string>;
  /** Name as written in its file, before namePrefix/nameSuffix. */
  origName?: string;
  /** Values set by kustomize patches / replicas, most recent last: evidence points there. */
  overrides?: { body: Obj; at: (path: PathKey[]) => Evidence }[];
}

export function objAt(o: KObj, path: PathKey[], note?: string): Evidence {
  const own = path[0] === 'kind' || path[0] === 'apiVersion' || path[0] === 'metadata';
  for (const ov of [...(o.overrides ?? [])].reverse()) {
    if (path.length > 0 && !own && get(ov.body, ...path) !== undefined) {
      const ev = ov.at(path);
      return note ? { ...ev, note } : ev;
    }
  }
  return o.doc.at([...o.base, ...path], note);
}

/** Kubernetes objects of a YAML document (including the items of a `kind: List` / `*List`). */
export function objectsOf(doc: YamlDoc): KObj[] {
  const v = doc.value;
  if (!isObj(v)) return [];
  const kind = str(v.kind);
  const apiVersion = str(v.apiVersion);
  if (!kind || !apiVersion) return [];
  if (kind === 'List' || (kind.endsWith('List') && Array.isArray(v.items))) {
    return arr(v.items).flatMap((item, i) => {
      const k = str(get(item, 'kind'));
      const a = str(get(item, 'apiVersion'));
      if (!isObj(item) || !k || !a) return [];
      return [mk(item, a, k, doc, ['items', i])];
    });
  }
  return [mk(v, apiVersion, kind, doc, [])];
}

function mk(body: Obj, apiVersion: string, kind: string, doc: YamlDoc, base: PathKey[]): KObj {
  const name = str(get(body, 'metadata', 'name')) ?? '';
  const o: KObj = { apiVersion, kind, name, origName: name, body, doc, base };
  const ns = str(get(body, 'metadata', 'namespace'));
  if (ns) o.namespace = ns;
  return o;
}

export const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Rollout']);

export function isWorkloadObject(o: KObj): boolean {
  if (o.kind === 'Rollout') return o.apiVersion.startsWith('argoproj.io/');
  if (o.kind === 'Service' && o.apiVersion.startsWith('serving.knative.dev/')) return true;
  return WORKLOAD_KINDS.has(o.kind) && o.apiVersion.startsWith('apps/');
}

function setting<T>(value: T | undefined, at: Evidence): Setting<T> | undefined {
  return value === undefined ? undefined : { value, at };
}

function put<K extends keyof RolloutSettings>(
  s: RolloutSettings,
  k: K,
  v: RolloutSettings[K] | undefined,
): void {
  if (v !== undefined) s[k] = v;
}

/** Seconds a preStop hook sleeps (exec `sleep N` or the native `sleep.seconds`). */
function preStopSleep(preStop: unknown): number | undefined {
  const native = num(get(preStop, 'sleep', 'seconds'));
  if (native !== undefined) return native;
  const cmd = arr(get(preStop, 'exec', 'command'))
    .map((x) => str(x) ?? '')
    .join(' ');
  const m = /\bsleep\s+(\d+(?:\.\d+)?)(s)?\b/.exec(cmd);
  return m ? Number(m[1]) : undefined;
}

const HASH_SUFFIX = /-[bcdfghkmtz2-9]{10}$/;

/**
 * The workload a Kubernetes object describes (Deployment, StatefulSet, DaemonSet, Argo Rollout,
 * Knative/Cloud Run Service), with every rollback-shaping setting located in its file.
 */
export function workloadOf(o: KObj, byKindName: Map<string, KObj>): Workload | undefined {
  if (!isWorkloadObject(o)) return undefined;
  const knative = o.kind === 'Service';
  const spec = obj(o.body.spec);
  let tplPath: PathKey[] = ['spec', 'template'];
  let template = obj(spec.template);
  let tplObj: KObj = o;
  if (o.kind === 'Rollout' && !isObj(spec.template) && isObj(spec.workloadRef)) {
    const ref = byKindName.get(
      `${str(get(spec, 'workloadRef', 'kind')) ?? 'Deployment'}/${str(get(spec, 'workloadRef', 'name'))}`,
    );
    if (ref) {
      tplObj = ref;
      template = obj(get(ref.body, 'spec', 'template'));
      tplPath = ['spec', 'template'];
    }
  }
  const at = (p: PathKey[], note?: string) => objAt(o, p, note);
  const tat = (p: PathKey[], note?: string) => objAt(tplObj, [...tplPath, ...p], note);
  const pod = obj(template.spec);
  const s: RolloutSettings = {};
  const platform = knative ? 'cloud-run' : o.kind === 'Rollout' ? 'argo-rollouts' : 'kubernetes';

  if (!knative) {
    put(s, 'replicas', setting(num(spec.replicas), at(['spec', 'replicas'])));
    put(s, 'minReadySeconds', setting(num(spec.minReadySeconds), at(['spec', 'minReadySeconds'])));
    put(
      s,
      'revisionHistoryLimit',
      setting(num(spec.revisionHistoryLimit), at(['spec', 'revisionHistoryLimit'])),
    );
    put(s, 'paused', setting(bool(spec.paused), at(['spec', 'paused'])));
  }
  if (o.kind === 'Deployment') {
    put(
      s,
      'progressDeadlineSeconds',
      setting(num(spec.progressDeadlineSeconds), at(['spec', 'progressDeadlineSeconds'])),
    );
    put(s, 'strategy', setting(str(get(spec, 'strategy', 'type')), at(['spec', 'strategy', 'type'])));
    const ru = ['spec', 'strategy', 'rollingUpdate'];
    put(
      s,
      'maxSurge',
      setting(surge(get(spec, 'strategy', 'rollingUpdate', 'maxSurge')), at([...ru, 'maxSurge'])),
    );
    put(
      s,
      'maxUnavailable',
      setting(surge(get(spec, 'strategy', 'rollingUpdate', 'maxUnavailable')), at([...ru, 'maxUnavailable'])),
    );
  } else if (o.kind === 'StatefulSet' || o.kind === 'DaemonSet') {
    put(
      s,
      'strategy',
      setting(str(get(spec, 'updateStrategy', 'type')), at(['spec', 'updateStrategy', 'type'])),
    );
    const ru = ['spec', 'updateStrategy', 'rollingUpdate'];
    put(
      s,
      'partition',
      setting(num(get(spec, 'updateStrategy', 'rollingUpdate', 'partition')), at([...ru, 'partition'])),
    );
    put(
      s,
      'maxUnavailable',
      setting(
        surge(get(spec, 'updateStrategy', 'rollingUpdate', 'maxUnavailable')),
        at([...ru, 'maxUnavailable']),
      ),
    );
    put(
      s,
      'maxSurge',
      setting(surge(get(spec, 'updateStrategy', 'rollingUpdate', 'maxSurge')), at([...ru, 'maxSurge'])),
    );
    if (o.kind === 'StatefulSet')
      put(
        s,
        'podManagementPolicy',
        setting(str(spec.podManagementPolicy), at(['spec', 'podManagementPolicy'])),
      );
  } else if (o.kind === 'Rollout') {
    put(
      s,
      'progressDeadlineSeconds',
      setting(num(spec.progressDeadlineSeconds), at(['spec', 'progressDeadlineSeconds'])),
    );
    const kind = isObj(get(spec, 'strategy', 'blueGreen'))
      ? 'blueGreen'
      : isObj(get(spec, 'strategy', 'canary'))
        ? 'canary'
        : undefined;
    put(s, 'strategy', setting(kind, at(['spec', 'strategy', kind ?? ''])));
    if (kind) {
      const base = ['spec', 'strategy', kind];
      const st = obj(get(spec, 'strategy', kind));
      put(s, 'maxSurge', setting(surge(st.maxSurge), at([...base, 'maxSurge'])));
      put(s, 'maxUnavailable', setting(surge(st.maxUnavailable), at([...base, 'maxUnavailable'])));
      put(
        s,
        'scaleDownDelaySeconds',
        setting(num(st.scaleDownDelaySeconds), at([...base, 'scaleDownDelaySeconds'])),
      );
      if (kind === 'blueGreen') {
        // docs/features/bluegreen.md "Configurable Features": autoPromotionEnabled (default true),
        // autoPromotionSeconds, previewReplicaCount (default: spec.replicas)
        put(
          s,
          'autoPromotionEnabled',
          setting(bool(st.autoPromotionEnabled), at([...base, 'autoPromotionEnabled'])),
        );
        put(
          s,
          'autoPromotionSeconds',
          setting(num(st.autoPromotionSeconds), at([...base, 'autoPromotionSeconds'])),
        );
        put(
          s,
          'previewReplicaCount',
          setting(num(st.previewReplicaCount), at([...base, 'previewReplicaCount'])),
        );
      }
      if (kind === 'canary') {
        const routers = Object.keys(obj(st.trafficRouting)).sort(cmp);
        put(
          s,
          'trafficRouting',
          setting(routers.length ? routers.join(',') : undefined, at([...base, 'trafficRouting'])),
        );
        put(
          s,
          'dynamicStableScale',
          setting(bool(st.dynamicStableScale), at([...base, 'dynamicStableScale'])),
        );
      }
    }
    put(
      s,
      'rollbackWindowRevisions',
      setting(num(get(spec, 'rollbackWindow', 'revisions')), at(['spec', 'rollbackWindow', 'revisions'])),
    );
  }
  put(
    s,
    'terminationGracePeriodSeconds',
    setting(num(pod.terminationGracePeriodSeconds), tat(['spec', 'terminationGracePeriodSeconds'])),
  );

  const images: ImageRef[] = [];
  const config: ConfigRef[] = [];
  const annotations = obj(get(template, 'metadata', 'annotations'));
  const checksummed = Object.keys(annotations).some((k) => /^checksum\//.test(k));
  const addConfig = (kind: 'ConfigMap' | 'Secret', name: unknown, p: PathKey[]) => {
    const n = str(name);
    if (!n || config.some((c) => c.kind === kind && c.name === n)) return;
    const gen = o.generated?.get(n);
    const renamed = o.renames?.get(`${kind}/${n}`);
    const ref: ConfigRef = {
      kind,
      name: gen?.name ?? renamed ?? n,
      versioned: gen ? gen.hashed : HASH_SUFFIX.test(n) || checksummed,
      at: tat(p),
    };
    if (gen?.hashed && ref.at) ref.at.note = 'kustomize generator: name carries a content hash';
    else if (checksummed && ref.at) ref.at.note = 'pod template has a checksum/ annotation';
    config.push(ref);
  };
  let probe = false;
  let probeAt: Evidence | undefined;
  const containerLists: [string, unknown[]][] = [
    ['containers', arr(pod.containers)],
    ['initContainers', arr(pod.initContainers)],
  ];
  for (const [list, containers] of containerLists) {
    containers.forEach((c, i) => {
      const cp: PathKey[] = ['spec', list, i];
      const image = str(get(c, 'image'));
      if (image) images.push(resolveImage(o, image, tat([...cp, 'image'])));
      arr(get(c, 'envFrom')).forEach((e, j) => {
        addConfig('ConfigMap', get(e, 'configMapRef', 'name'), [...cp, 'envFrom', j]);
        addConfig('Secret', get(e, 'secretRef', 'name'), [...cp, 'envFrom', j]);
      });
      arr(get(c, 'env')).forEach((e, j) => {
        addConfig('ConfigMap', get(e, 'valueFrom', 'configMapKeyRef', 'name'), [...cp, 'env', j]);
        addConfig('Secret', get(e, 'valueFrom', 'secretKeyRef', 'name'), [...cp, 'env', j]);
      });
      if (list !== 'containers') return;
      const rp = get(c, 'readinessProbe');
      if (isObj(rp) && !probe) {
        probe = true;
        const pp = [...cp, 'readinessProbe'];
        probeAt = tat(pp);
        put(
          s,
          'readinessInitialDelaySeconds',
          setting(num(rp.initialDelaySeconds), tat([...pp, 'initialDelaySeconds'])),
        );
        put(s, 'readinessPeriodSeconds', setting(num(rp.periodSeconds), tat([...pp, 'periodSeconds'])));
        put(
          s,
          'readinessFailureThreshold',
          setting(num(rp.failureThreshold), tat([...pp, 'failureThreshold'])),
        );
        put(
          s,
          'readinessSuccessThreshold',
          setting(num(rp.successThreshold), tat([...pp, 'successThreshold'])),
        );
      }
      const sp = get(c, 'startupProbe');
      if (isObj(sp) && !s.startupSeconds) {
        const total =
          (num(sp.initialDelaySeconds) ?? 0) +
          (num(sp.periodSeconds) ?? 10) * (num(sp.failureThreshold) ?? 3);
        const sp0 = [...cp, 'startupProbe'];
        s.startupSeconds = {
          value: total,
          at: tat(
            [...sp0, sp.failureThreshold !== undefined ? 'failureThreshold' : 'periodSeconds'],
            'worst case: initialDelay + period × failureThreshold',
          ),
        };
        s.startupExpectedSeconds = {
          value: (num(sp.initialDelaySeconds) ?? 0) + (num(sp.periodSeconds) ?? 10),
          at: tat(
            sp.periodSeconds !== undefined ? [...sp0, 'periodSeconds'] : sp0,
            'expected: initialDelay + one period',
          ),
        };
      }
      const pre = preStopSleep(get(c, 'lifecycle', 'preStop'));
      if (pre !== undefined && !s.preStopSeconds)
        s.preStopSeconds = { value: pre, at: tat([...cp, 'lifecycle', 'preStop']) };
    });
  }
  if (knative) {
    // Cloud Run always health-checks; a readiness probe is optional there.
    s.hasReadinessProbe = { value: true, at: probeAt ?? at(['spec']) };
  } else {
    s.hasReadinessProbe = { value: probe, at: probeAt ?? tat(['spec', 'containers']) };
  }
  arr(pod.volumes).forEach((v, i) => {
    addConfig('ConfigMap', get(v, 'configMap', 'name'), ['spec', 'volumes', i]);
    addConfig('Secret', get(v, 'secret', 'secretName'), ['spec', 'volumes', i]);
    arr(get(v, 'projected', 'sources')).forEach((src, j) => {
      addConfig('ConfigMap', get(src, 'configMap', 'name'), [
        'spec',
        'volumes',
        i,
        'projected',
        'sources',
        j,
      ]);
      addConfig('Secret', get(src, 'secret', 'name'), ['spec', 'volumes', i, 'projected', 'sources', j]);
    });
  });

  const state = workloadState(o, pod, images, tat);

  const facts: WorkloadFacts = {};
  if (o.overlay !== undefined) facts.kustomize = { overlay: o.overlay || '.' };
  if (o.kind === 'Rollout') {
    const names = new Set<string>();
    const collect = (v: unknown): void => {
      for (const t of arr(get(v, 'templates'))) {
        const n = str(get(t, 'templateName'));
        if (n) names.add(`${get(t, 'clusterScope') === true ? 'cluster:' : ''}${n}`);
      }
    };
    collect(get(spec, 'strategy', 'canary', 'analysis'));
    for (const st of arr(get(spec, 'strategy', 'canary', 'steps'))) collect(get(st, 'analysis'));
    collect(get(spec, 'strategy', 'blueGreen', 'prePromotionAnalysis'));
    collect(get(spec, 'strategy', 'blueGreen', 'postPromotionAnalysis'));
    if (names.size) facts.argoRollouts = { analysisTemplates: [...names].sort(cmp) };
    const self: RolloutObject = { body: o.body, at: (p) => objAt(o, p) };
    const bg = get(spec, 'strategy', 'canary', 'analysis');
    const bgPath = ['spec', 'strategy', 'canary', 'analysis'];
    if (facts.argoRollouts && isObj(bg)) {
      const run: NonNullable<ArgoRolloutsFacts['backgroundAnalysis']> = analysisRunRef(
        bg,
        (p) => at([...bgPath, ...p]),
        self,
      );
      const starting = num(get(bg, 'startingStep'));
      if (starting !== undefined) run.startingStep = { value: starting, at: at([...bgPath, 'startingStep']) };
      if (run.templates.length) facts.argoRollouts.backgroundAnalysis = run;
    }
    for (const key of ['prePromotionAnalysis', 'postPromotionAnalysis'] as const) {
      const block = get(spec, 'strategy', 'blueGreen', key);
      const path = ['spec', 'strategy', 'blueGreen', key];
      if (!facts.argoRollouts || !isObj(block)) continue;
      const run = analysisRunRef(block, (p) => at([...path, ...p]), self);
      if (run.templates.length) facts.argoRollouts[key] = run;
    }
    const labels = obj(get(spec, 'selector', 'matchLabels'));
    const selector = Object.fromEntries(
      Object.entries(labels).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
    if (facts.argoRollouts && Object.keys(selector).length) facts.argoRollouts.selector = selector;
  }
  const canarySteps: CanaryStep[] = [];
  if (o.kind === 'Rollout')
    arr(get(spec, 'strategy', 'canary', 'steps')).forEach((st, i) => {
      const stepPath = ['spec', 'strategy', 'canary', 'steps', i];
      const sat = at(stepPath);
      if (num(get(st, 'setWeight')) !== undefined)
        canarySteps.push({ kind: 'setWeight', weight: num(get(st, 'setWeight')) as number, at: sat });
      else if (get(st, 'pause') !== undefined) {
        const secs = durationSeconds(get(st, 'pause', 'duration'));
        canarySteps.push(
          secs === undefined
            ? { kind: 'pause', indefinite: true, at: sat }
            : { kind: 'pause', seconds: secs, at: sat },
        );
      } else if (get(st, 'analysis') !== undefined)
        canarySteps.push({
          kind: 'analysis',
          analysis: analysisRunRef(get(st, 'analysis'), (p) => at([...stepPath, 'analysis', ...p]), {
            body: o.body,
            at: (p) => objAt(o, p),
          }),
          at: sat,
        });
      else canarySteps.push({ kind: 'other', at: sat });
    });
  if (knative) {
    const cloudRun: CloudRunFacts = { service: o.name };
    facts.cloudRun = cloudRun;
    const region = str(get(o.body, 'metadata', 'labels', 'cloud.googleapis.com/location'));
    if (region) cloudRun.region = region;
    const revision = str(get(template, 'metadata', 'name'));
    if (revision) cloudRun.revision = revision;
    const traffic = arr(spec.traffic);
    if (traffic.length)
      cloudRun.traffic = traffic.map((t) => ({
        revision: str(get(t, 'revisionName')) ?? (get(t, 'latestRevision') === true ? 'LATEST' : '?'),
        percent: num(get(t, 'percent')) ?? 0,
      }));
    const maxScale = num(get(template, 'metadata', 'annotations', 'autoscaling.knative.dev/maxScale'));
    if (maxScale !== undefined) cloudRun.maxScale = maxScale;
    const minKey = 'autoscaling.knative.dev/minScale';
    const serviceMinKey = 'run.googleapis.com/minScale';
    const minScale = num(get(template, 'metadata', 'annotations', minKey));
    const serviceMin = num(get(o.body, 'metadata', 'annotations', serviceMinKey));
    if (minScale !== undefined)
      cloudRun.minScale = { value: minScale, at: tat(['metadata', 'annotations', minKey]) };
    else if (serviceMin !== undefined)
      cloudRun.minScale = { value: serviceMin, at: at(['metadata', 'annotations', serviceMinKey]) };
    // Cloud Run secrets: `key: latest` follows the newest secret version, which a rollback does not restore.
    const secretRefs = arr(pod.containers).flatMap((c, i) =>
      arr(get(c, 'env')).flatMap((e, j) => {
        const ref = get(e, 'valueFrom', 'secretKeyRef');
        const name = str(get(ref, 'name'));
        const key = str(get(ref, 'key'));
        return name && key ? [{ name, key, at: tat(['spec', 'containers', i, 'env', j]) }] : [];
      }),
    );
    for (const r of secretRefs) {
      const existing = config.find((c) => c.kind === 'Secret' && c.name === r.name);
      const versioned = r.key !== 'latest';
      if (existing) existing.versioned = versioned;
      if (existing?.at) existing.at.note = `secret version ${r.key}`;
    }
  }
  const w: Workload = {
    kind: o.kind,
    name: o.name,
    platform,
    at: objAt(o, ['kind']),
    images,
    settings: s,
    config: config.sort((a, b) => cmp(`${a.kind}/${a.name}`, `${b.kind}/${b.name}`)),
    ...facts,
  };
  if (o.namespace) w.namespace = o.namespace;
  if (state.length) w.state = state;
  if (canarySteps.length) w.canarySteps = canarySteps;
  return w;
}

/**
 * What the workload keeps that its rollback does not undo: volume claim templates, PVC volumes,
 * and data-store images (a Redis without a volume or persistence flags is a cache, not state).
 */
function workloadState(
  o: KObj,
  pod: Obj,
  images: ImageRef[],
  tat: (p: PathKey[], note?: string) => Evidence,
): WorkloadState[] {
  const out: WorkloadState[] = [];
  if (o.kind === 'StatefulSet')
    arr(get(o.body, 'spec', 'volumeClaimTemplates')).forEach((t, i) => {
      out.push({
        kind: 'volume-claim-template',
        name: str(get(t, 'metadata', 'name')) ?? `claim-${i}`,
        at: objAt(o, ['spec', 'volumeClaimTemplates', i]),
      });
    });
  arr(pod.volumes).forEach((v, i) => {
    const claim = str(get(v, 'persistentVolumeClaim', 'claimName'));
    if (claim) out.push({ kind: 'persistent-volume-claim', name: claim, at: tat(['spec', 'volumes', i]) });
  });
  const hasVolume = out.length > 0;
  arr(pod.containers).forEach((c, i) => {
    const image = str(get(c, 'image'));
    if (!image) return;
    const img = images.find((x) => x.ref === image.trim()) ?? parseImage(image);
    const engine = engineOfImage(img.repository) ?? engineOfImage(parseImage(image).repository);
    if (!engine) return;
    const args = [...arr(get(c, 'command')), ...arr(get(c, 'args'))].map((x) => str(x) ?? '').join(' ');
    if (CACHE_ENGINES.has(engine) && !hasVolume && !redisPersistenceArgs(args)) return;
    out.push({
      kind: 'data-image',
      name: img.repository,
      engine,
      at: tat(['spec', 'containers', i, 'image']),
    });
  });
  return out;
}

function surge(v: unknown): number | string | undefined {
  return num(v) ?? str(v);
}

/** Apply kustomize `images:` overrides to an image reference. */
function resolveImage(o: KObj, image: string, at: Evidence): ImageRef {
  const parsed = parseImage(image, at);
  const ov = o.images?.get(parsed.repository);
  if (!ov) return parsed;
  const repo = ov.newName ?? parsed.repository;
  const tag = ov.digest ? undefined : (ov.newTag ?? parsed.tag);
  const ref = `${repo}${tag ? `:${tag}` : ''}${ov.digest ? `@${ov.digest}` : ''}`;
  const out = parseImage(ref, { ...ov.at, note: `kustomize images override of ${image}` });
  return out;
}

/** Pod template labels of a workload object (for PDB and HPA matching). */
export function podLabels(o: KObj): Obj {
  return obj(get(o.body, 'spec', 'template', 'metadata', 'labels'));
}

/** Does a label selector (matchLabels only; matchExpressions are not evaluated) select these labels? */
export function selects(selector: unknown, labels: Obj): boolean {
  return labelsMatch(obj(get(selector, 'matchLabels')), labels);
}

/** A non-empty equality selector (a Service's spec.selector, a matchLabels map) whose every label the pods carry. */
export function labelsMatch(selector: Obj, labels: Obj): boolean {
  const keys = Object.keys(selector);
  if (keys.length === 0) return false;
  return keys.every((k) => {
    const want = labelValue(selector[k]);
    return want !== undefined && labelValue(labels[k]) === want;
  });
}

/** A label value as Kubernetes sees it (YAML may type `version: 2` as a number). */
function labelValue(v: unknown): string | undefined {
  return str(v) ?? (typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);
}

/** A core v1 Service (not a Knative one). */
export function isKubeService(o: KObj): boolean {
  return o.kind === 'Service' && o.apiVersion === 'v1';
}

/** A Service as a candidate for binding: its selector as a label map (empty: it selects no pods). */
export interface ServiceCandidate {
  name: string;
  namespace?: string;
  selector: Record<string, string>;
  at?: Evidence;
  selectorAt?: Evidence;
}

export function serviceCandidate(o: KObj): ServiceCandidate {
  const selector: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(get(o.body, 'spec', 'selector')))) {
    const sv = labelValue(v);
    if (sv !== undefined) selector[k] = sv;
  }
  const c: ServiceCandidate = {
    name: o.name,
    selector,
    at: objAt(o, ['kind']),
    selectorAt: objAt(o, ['spec', 'selector']),
  };
  if (o.namespace) c.namespace = o.namespace;
  return c;
}

/** A workload's pods as the Services of its namespace see them. */
export interface PodTarget {
  /** kind/name, as messages name it. */
  ref: string;
  labels: Obj;
  /** Where the pod template's labels are declared. */
  at?: Evidence;
}

/**
 * The Services selecting each target's pods: a Service binds when its selector is a non-empty subset
 * of the pod labels. All candidates and targets are of one namespace (the caller groups them). A
 * Service that also selects another target's pods lists it in `alsoSelects`, with where.
 */
export function bindServices(services: ServiceCandidate[], targets: PodTarget[]): ServiceBinding[][] {
  const selected = services.map((sv) => targets.filter((t) => labelsMatch(sv.selector, t.labels)));
  return targets.map((t) =>
    services.flatMap((sv, i) => {
      const hits = selected[i] ?? [];
      if (!hits.includes(t)) return [];
      const b: ServiceBinding = { name: sv.name, selector: sv.selector };
      if (sv.namespace) b.namespace = sv.namespace;
      if (sv.at) b.at = sv.at;
      if (sv.selectorAt) b.selectorAt = sv.selectorAt;
      const others = hits.filter((x) => x !== t);
      if (others.length)
        b.alsoSelects = others.map((x) => (x.at ? { workload: x.ref, at: x.at } : { workload: x.ref }));
      return [b];
    }),
  );
}

/**
 * Argo Rollouts AnalysisTemplate / ClusterAnalysisTemplate metrics as trigger signals, their args
 * from the template's own defaults (a Rollout that references the template resolves them with its
 * own args: analysis-runs.ts rolloutSignals).
 */
export function analysisSignals(o: KObj): Signal[] {
  if (!o.apiVersion.startsWith('argoproj.io/')) return [];
  if (o.kind !== 'AnalysisTemplate' && o.kind !== 'ClusterAnalysisTemplate') return [];
  return metricSignals({ kind: o.kind, name: o.name, body: o.body, at: (p) => objAt(o, p) });
}
