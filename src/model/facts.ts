/**
 * Typed platform facts: what discovery read about a workload for one deploy mechanism, parsed once
 * (numbers as numbers, lists as lists) where it was read. Each block is an optional field of
 * Workload (see WorkloadFacts in service.ts); a block's required fields are the facts its platform
 * module needs, so discovery cannot forget one without a type error.
 *
 * rollbook.yaml's `deploy.target` stays a map of names (the user's words); platform modules read
 * their block first, then the target (platforms/common.ts).
 */

import type { Evidence, Setting, Signal, Workload } from './service.js';

/** The kustomize overlay that produced a workload. */
export interface KustomizeFacts {
  /** Overlay directory relative to the service root; '.' for the root. */
  overlay: string;
}

/** A Helm chart in this repository, or the chart a Flux HelmRelease / Argo CD Application installs. */
export interface HelmFacts {
  /** The release name `helm` commands take. */
  release: string;
  /** Chart name or reference ('' when a HelmRelease names none). */
  chart: string;
  /** The chart's directory in this repository ('.' for the root), when it is local. */
  chartPath?: string;
  chartVersion?: string;
  appVersion?: string;
}

/** An Argo Rollouts Rollout. */
export interface ArgoRolloutsFacts {
  /** Analysis templates it references, sorted; `cluster:` prefix for ClusterAnalysisTemplates. */
  analysisTemplates: string[];
  /**
   * strategy.canary.analysis: the background AnalysisRun, started at `startingStep` (0-based index
   * of the step it starts with; from the first step when unset) and run alongside the steps until the
   * rollout completes (the controller then stops it) or a metric fails (the rollout aborts).
   */
  backgroundAnalysis?: AnalysisRunFacts & { startingStep?: Setting<number> };
  /**
   * strategy.blueGreen.prePromotionAnalysis: the AnalysisRun started once the preview ReplicaSet is
   * fully available, before the active Service switches (docs/features/bluegreen.md, "Sequence of
   * Events"); Failed or Error aborts, Inconclusive pauses.
   */
  prePromotionAnalysis?: AnalysisRunFacts;
  /** strategy.blueGreen.postPromotionAnalysis: the AnalysisRun started after the active Service switched. */
  postPromotionAnalysis?: AnalysisRunFacts;
  /**
   * spec.selector.matchLabels: the controller copies them onto every AnalysisRun it creates (Argo
   * Rollouts v1.6+, argoproj/argo-rollouts#2903), so `kubectl get analysisrun -l` finds this Rollout's runs.
   */
  selector?: Record<string, string>;
  /**
   * The trigger signals of the templates this Rollout references, their `{{args.…}}` resolved the
   * way the controller resolves them for this Rollout's runs (an arg only the cluster knows stays a
   * named placeholder `<args.NAME>`; discovery adds an unknown per placeholder).
   */
  signals?: Signal[];
}

/**
 * An AnalysisRun a Rollout starts (an inline `analysis` step, the background analysis): the templates
 * it merges and, once discovery bound them to the AnalysisTemplates of the repository, their metrics.
 */
export interface AnalysisRunFacts {
  /** Templates as referenced, in order; `cluster:` prefix for ClusterAnalysisTemplates (clusterScope). */
  templates: string[];
  /** The metrics of the referenced templates found in the repository, in template order. */
  metrics: AnalysisMetricFacts[];
  /** Referenced templates no file of the repository defines: their metrics are not known. */
  missing: string[];
  /**
   * args the Rollout passes with a value: `value`, or `valueFrom.fieldRef` of a field the manifest
   * holds (metadata.name, metadata.labels['k'], spec.…) resolved from the Rollout's own manifest.
   */
  args?: Record<string, Setting<string>>;
  /**
   * args whose value exists only in the cluster, when the controller creates the run
   * (`podTemplateHashValue`, a `fieldRef` to status.… or to a label the manifest lacks): what each is.
   */
  runtimeArgs?: Record<string, { what: string; at?: Evidence }>;
  /** The `analysis:` block in the Rollout. */
  at?: Evidence;
}

/**
 * One metric of an AnalysisTemplate, as it times the AnalysisRun (the controller's rules, pkg/apis/
 * rollouts/v1alpha1 Metric): measurements start after `initialDelay`, the next one `interval` after
 * the previous finished; the metric completes after `count` measurements. No count and no interval:
 * one measurement. An interval without count: it runs until it fails or the run is terminated.
 * Durations are seconds; each value cites where it was set (the template, or the Rollout's args).
 */
export interface AnalysisMetricFacts {
  /** The template it comes from (`cluster:` prefix for a ClusterAnalysisTemplate). */
  template: string;
  name: string;
  /** The provider key (prometheus, datadog, web, job…). */
  provider: string;
  count?: Setting<number>;
  interval?: Setting<number>;
  initialDelay?: Setting<number>;
  failureLimit?: Setting<number>;
  inconclusiveLimit?: Setting<number>;
  consecutiveErrorLimit?: Setting<number>;
  /** Job provider: the Job's spec.activeDeadlineSeconds (how long one measurement may run). */
  jobDeadline?: Setting<number>;
  /** A field whose value could not be read (an arg without a value, not a duration): field → as written. */
  unresolved?: Record<string, string>;
  /** Why the controller rejects the metric (e.g. count > 1 without interval), when it does. */
  invalid?: string;
  /** The metric's entry in the template. */
  at?: Evidence;
}

/** The Argo CD Application (or ApplicationSet) that applies a workload. */
export interface ArgocdFacts {
  /** Application name. */
  app: string;
  /** The managing object's kind when it is not an Application (ApplicationSet). */
  kind?: string;
  /** An Application whose source is outside this repository: where it points. */
  source?: { repoURL: string; path?: string; chart?: string };
}

/** The Flux object that applies a workload. */
export interface FluxFacts {
  /** The HelmRelease object's name (a HelmRelease workload). */
  helmRelease?: string;
  /** The Kustomization that applies the workload's path. */
  kustomization?: string;
  /** The HelmRelease's own namespace (where Helm stores the release unless storageNamespace says). */
  namespace?: string;
  /** spec.targetNamespace: where the chart's objects go. */
  targetNamespace?: string;
  /** spec.storageNamespace: where Helm stores the release. */
  storageNamespace?: string;
}

/** A Lambda function (SAM or Serverless Framework). */
export interface LambdaFacts {
  /** Function name. */
  function: string;
  /** SAM logical id of the resource. */
  logicalId?: string;
  /** The CloudFormation stack `sam deploy` deploys it in (samconfig.toml's stack_name next to the template). */
  stack?: string;
  /** The alias traffic goes through; undefined when the template publishes none. */
  alias?: string;
  region?: string;
  /** Number of CloudWatch alarms of the DeploymentPreference. */
  alarms?: number;
  /** ProvisionedConcurrentExecutions of the published version. */
  provisionedConcurrency?: number;
  /** Where provisionedConcurrency is set. */
  provisionedConcurrencyAt?: Evidence;
}

/** A Cloud Run (Knative) service. */
export interface CloudRunFacts {
  service: string;
  region?: string;
  /** The revision name the template pins. */
  revision?: string;
  /** Traffic split: revision name (LATEST for latestRevision, ? when unnamed) and percent. */
  traffic?: { revision: string; percent: number }[];
  maxScale?: number;
  /**
   * Minimum instances: autoscaling.knative.dev/minScale of the revision template, else the
   * service-level run.googleapis.com/minScale annotation, where it is set.
   */
  minScale?: Setting<number>;
}

export interface NomadFacts {
  job: string;
}

export interface HerokuFacts {
  /** The app name guessed from app.json or the directory. */
  appName: string;
  /** app.json scripts.postdeploy. */
  postdeploy?: string;
  /** Procfile web command. */
  web?: string;
}

/** A systemd unit deploying symlinked releases. */
export interface VmFacts {
  unit: string;
  releasesDir?: string;
  currentLink?: string;
  /** The unit's Restart= policy. */
  restart?: string;
}

/**
 * The facts as `key=value` strings under their historical attribute names, sorted by key: what
 * `rollbook discover` shows and name validation checks. The one table of fact keys.
 */
export function factAttributes(w: Workload): [key: string, value: string][] {
  const out: [string, string | undefined][] = [
    ['overlay', w.kustomize?.overlay],
    ['analysisTemplates', w.argoRollouts?.analysisTemplates.join(',')],
    ['app', w.argocd?.app],
    ['argocdKind', w.argocd?.kind],
    ['path', w.argocd?.source?.path],
    ['repoURL', w.argocd?.source?.repoURL],
    ['kustomization', w.flux?.kustomization],
    ['helmRelease', w.flux?.helmRelease],
    ['fluxNamespace', w.flux?.namespace],
    ['targetNamespace', w.flux?.targetNamespace],
    ['storageNamespace', w.flux?.storageNamespace],
    ['release', w.helm?.release],
    ['chart', w.helm?.chart ?? w.argocd?.source?.chart],
    ['chartPath', w.helm?.chartPath],
    ['chartVersion', w.helm?.chartVersion],
    ['appVersion', w.helm?.appVersion],
    ['service', w.ecs?.service ?? w.cloudRun?.service],
    ['cluster', w.ecs?.cluster],
    ['taskDefinition', w.ecs?.taskDefinition],
    ['family', w.ecs?.family],
    ['loadBalancer', w.ecs?.loadBalanced === false ? 'none' : undefined],
    ['circuitBreakerRollback', w.ecs?.circuitBreakerRollback?.toString()],
    ['alarms', w.ecs?.alarms?.join(',') ?? w.lambda?.alarms?.toString()],
    ['alarmRollback', w.ecs?.alarmRollback?.toString()],
    ['function', w.lambda?.function],
    ['logicalId', w.lambda?.logicalId],
    ['alias', w.lambda?.alias],
    ['aliasMissing', w.lambda && w.lambda.alias === undefined ? 'true' : undefined],
    ['provisionedConcurrency', w.lambda?.provisionedConcurrency?.toString()],
    ['region', w.lambda?.region ?? w.cloudRun?.region],
    ['revision', w.cloudRun?.revision],
    ['traffic', w.cloudRun?.traffic?.map((t) => `${t.revision}=${t.percent}`).join(',')],
    ['maxScale', w.cloudRun?.maxScale?.toString()],
    ['minScale', w.cloudRun?.minScale?.value.toString()],
    ['job', w.nomad?.job],
    ['appName', w.heroku?.appName],
    ['postdeploy', w.heroku?.postdeploy],
    ['web', w.heroku?.web],
    ['unit', w.vm?.unit],
    ['releasesDir', w.vm?.releasesDir],
    ['currentLink', w.vm?.currentLink],
    ['restart', w.vm?.restart],
  ];
  return out
    .filter((e): e is [string, string] => e[1] !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
