/**
 * The service model: what readers produce and every other layer consumes.
 * Types only. Every fact that came from a file carries `at` (its evidence), so that any
 * hazard can cite file:line.
 */

import type {
  AnalysisRunFacts,
  ArgocdFacts,
  ArgoRolloutsFacts,
  CloudRunFacts,
  FluxFacts,
  HelmFacts,
  HerokuFacts,
  KustomizeFacts,
  LambdaFacts,
  NomadFacts,
  VmFacts,
} from './facts.js';
import type { Release } from './release.js';

/** Where a fact came from. `file` is relative to the service root, POSIX separators. */
export interface Evidence {
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column, when known. */
  col?: number;
  /** Short excerpt or explanation, when useful. */
  note?: string;
}

export const PLATFORM_IDS = [
  'kubernetes',
  'helm',
  'argo-rollouts',
  'argocd',
  'flux',
  'ecs',
  'lambda',
  'cloud-run',
  'nomad',
  'heroku',
  'vm',
  'terraform',
  'compose',
] as const;
export type PlatformId = (typeof PLATFORM_IDS)[number];

/** Platforms whose commands target a Kubernetes cluster (a namespace and a kube context). */
export const KUBE_PLATFORMS: ReadonlySet<PlatformId> = new Set([
  'kubernetes',
  'helm',
  'argo-rollouts',
  'argocd',
  'flux',
]);

/** Platforms whose commands take a kube context (kubectl --context, helm --kube-context, flux --context); argocd talks to its server. */
export const KUBE_CONTEXT_PLATFORMS: ReadonlySet<PlatformId> = new Set([
  'kubernetes',
  'helm',
  'argo-rollouts',
  'flux',
]);

export const VERSIONING_MODES = ['git-sha', 'semver', 'digest', 'mutable-tag'] as const;
export type Versioning = (typeof VERSIONING_MODES)[number];

/** A value with the place it was read from. `source: 'default'` marks a platform default. */
export interface Setting<T = number | string | boolean> {
  value: T;
  at?: Evidence;
}

/**
 * Values that shape how a rollback runs and how long it takes. Readers fill what the files say;
 * platforms apply their documented defaults for the rest and report which values drove the estimate.
 * All durations are in seconds.
 */
export interface RolloutSettings {
  replicas?: Setting<number>;
  /** Integer or percentage string ("25%"). */
  maxSurge?: Setting<number | string>;
  maxUnavailable?: Setting<number | string>;
  /** Deployment: RollingUpdate | Recreate; StatefulSet/DaemonSet: RollingUpdate | OnDelete; Rollout: canary | blueGreen. */
  strategy?: Setting<string>;
  minReadySeconds?: Setting<number>;
  progressDeadlineSeconds?: Setting<number>;
  terminationGracePeriodSeconds?: Setting<number>;
  /** Seconds a preStop hook sleeps, when it is a plain sleep. */
  preStopSeconds?: Setting<number>;
  readinessInitialDelaySeconds?: Setting<number>;
  readinessPeriodSeconds?: Setting<number>;
  readinessFailureThreshold?: Setting<number>;
  readinessSuccessThreshold?: Setting<number>;
  /** True when a readiness probe (or the platform's health check) exists at all. */
  hasReadinessProbe?: Setting<boolean>;
  startupSeconds?: Setting<number>;
  /** Kubernetes startupProbe: the expected startup is one period (startupSeconds is the worst case). */
  startupExpectedSeconds?: Setting<number>;
  imagePullSeconds?: Setting<number>;
  revisionHistoryLimit?: Setting<number>;
  paused?: Setting<boolean>;
  podManagementPolicy?: Setting<string>;
  partition?: Setting<number>;
  /** Helm / kubectl / platform wait timeout. */
  timeoutSeconds?: Setting<number>;
  historyMax?: Setting<number>;
  /** ECS / load balancers. */
  deregistrationDelaySeconds?: Setting<number>;
  healthCheckGracePeriodSeconds?: Setting<number>;
  minimumHealthyPercent?: Setting<number>;
  maximumPercent?: Setting<number>;
  circuitBreaker?: Setting<boolean>;
  /** Argo Rollouts. */
  rollbackWindowRevisions?: Setting<number>;
  scaleDownDelaySeconds?: Setting<number>;
  /** strategy.blueGreen.autoPromotionEnabled (default true); false: the rollout waits for a manual promote. */
  autoPromotionEnabled?: Setting<boolean>;
  /** strategy.blueGreen.autoPromotionSeconds: a timed pause before the active Service switches. */
  autoPromotionSeconds?: Setting<number>;
  /** strategy.blueGreen.previewReplicaCount: the preview ReplicaSet's size before promotion. */
  previewReplicaCount?: Setting<number>;
  /** strategy.canary.trafficRouting: the router (nginx, istio, alb…); unset = a basic canary (replica weights). */
  trafficRouting?: Setting<string>;
  /** strategy.canary.dynamicStableScale: the stable ReplicaSet shrinks as the canary's weight grows. */
  dynamicStableScale?: Setting<boolean>;
  /** Argo CD / Flux. */
  autoSync?: Setting<boolean>;
  selfHeal?: Setting<boolean>;
  prune?: Setting<boolean>;
  remediation?: Setting<boolean>;
  /** Nomad. */
  maxParallel?: Setting<number>;
  autoRevert?: Setting<boolean>;
  canary?: Setting<number>;
  /** Heroku release phase, VM restart. */
  releasePhase?: Setting<string>;
  restartSeconds?: Setting<number>;
}

export interface ImageRef {
  /** As written, e.g. ghcr.io/acme/api:1.4.2 or ghcr.io/acme/api@sha256:... */
  ref: string;
  repository: string;
  tag?: string;
  digest?: string;
  at?: Evidence;
}

/** A ConfigMap, Secret, parameter or env file a workload reads. */
export interface ConfigRef {
  kind: string;
  name: string;
  /** True when the name changes with the content (kustomize generator hash, Helm checksum annotation). */
  versioned: boolean;
  at?: Evidence;
}

/** One deployable thing found in the repository or named in rollbook.yaml. */
export interface Workload extends WorkloadFacts {
  /** Deployment, StatefulSet, DaemonSet, Rollout, HelmRelease, Application, ECSService, Function, ... */
  kind: string;
  name: string;
  namespace?: string;
  platform: PlatformId;
  at?: Evidence;
  images: ImageRef[];
  settings: RolloutSettings;
  config: ConfigRef[];
  /** Helm hooks of the chart (discovery). */
  hooks?: HelmHook[];
  /** CustomResourceDefinitions shipped with the workload's chart (discovery). */
  crds?: CrdRef[];
  /** The HorizontalPodAutoscaler targeting it (discovery). */
  autoscaler?: {
    name: string;
    minReplicas?: number;
    maxReplicas?: number;
    at?: Evidence;
    /** Where minReplicas / maxReplicas were set (a values file for a chart). */
    minAt?: Evidence;
    maxAt?: Evidence;
  };
  /** The PodDisruptionBudget selecting its pods; null = discovery looked and found none; undefined = not known. */
  disruptionBudget?: { name: string; at?: Evidence } | null;
  /**
   * The Kubernetes Services whose selector selects its pods (same namespace; discovery). `[]` means
   * discovery looked and none does (a worker); undefined means not known (not a Kubernetes workload,
   * or a selector rollbook could not evaluate: then an unknown says so).
   */
  services?: ServiceBinding[];
  /** Data the workload holds that a rollback of its template does not undo (discovery). */
  state?: WorkloadState[];
  /** Argo Rollouts canary steps, in order (discovery). */
  canarySteps?: CanaryStep[];
}

/** A Kubernetes Service routing traffic to a workload's pods: its selector is a non-empty subset of their labels. */
export interface ServiceBinding {
  name: string;
  namespace?: string;
  /** spec.selector as rendered (label → value). */
  selector: Record<string, string>;
  /** The Service's declaration (its `kind:` line). */
  at?: Evidence;
  /** Its spec.selector. */
  selectorAt?: Evidence;
  /**
   * Other workloads whose pods the same selector matches (blue/green pairs, a shared `app:` label):
   * rolling back this workload alone changes the traffic mix behind the Service.
   */
  alsoSelects?: { workload: string; at?: Evidence }[];
}

/**
 * Typed platform facts, one optional block per deploy mechanism (src/model/facts.ts). Blocks, not a
 * union keyed by `platform`: facts stack (an Argo CD Application deploying a Helm chart of Rollouts
 * carries argocd, helm and argoRollouts facts) and discovery moves a workload from kubernetes or
 * helm to the GitOps tool that applies it. A block's required fields are what its platform needs.
 */
export interface WorkloadFacts {
  kustomize?: KustomizeFacts;
  helm?: HelmFacts;
  argoRollouts?: ArgoRolloutsFacts;
  argocd?: ArgocdFacts;
  flux?: FluxFacts;
  ecs?: EcsFacts;
  lambda?: LambdaFacts;
  cloudRun?: CloudRunFacts;
  nomad?: NomadFacts;
  heroku?: HerokuFacts;
  vm?: VmFacts;
  /** docker compose facts (platform compose). */
  compose?: ComposeFacts;
  /** The Argo CD ApplicationSet whose generated Application syncs this workload (discovery). */
  applicationSet?: ApplicationSetOrigin;
}

/**
 * An ApplicationSet's generated Application: its name as rendered from the generator's parameters,
 * or why it could not be (then the Application is a declared input: deploy.target.app).
 */
export interface ApplicationSetOrigin {
  /** The ApplicationSet's own name (never an Application's). */
  name: string;
  /** The generated Application that syncs the workload, when it could be rendered. */
  app?: string;
  /** Why the generated name is not known and what would tell it. */
  unresolved?: string;
  /**
   * A read-only command that lists the Applications it generated: `kubectl get
   * applications.argoproj.io -l …` when its template sets literal labels, else `argocd appset
   * generate FILE` (the server renders the generators without creating anything).
   */
  lookup?: string[];
  /** The template's metadata.name. */
  at: Evidence;
}

/** ECS facts: names for the aws commands, and what a duration needs (seconds; ECS defaults apply where unset). */
export interface EcsFacts {
  /** The task definition family. */
  family?: string;
  /** The ECS service name (undefined for a task definition no service file runs). */
  service?: string;
  /** Cluster name (the last part of an ARN). */
  cluster?: string;
  /** The task definition the service names (`family:revision` or `family`). */
  taskDefinition?: string;
  /** false: the service declares no load balancer (a worker); undefined: not known. */
  loadBalanced?: boolean;
  /** deploymentCircuitBreaker.rollback, when set. */
  circuitBreakerRollback?: boolean;
  /** CloudWatch alarms of the deployment configuration, and whether they roll back. */
  alarms?: string[];
  alarmRollback?: boolean;
  containerHealthCheck?: {
    interval?: Setting<number>;
    timeout?: Setting<number>;
    retries?: Setting<number>;
    startPeriod?: Setting<number>;
    at?: Evidence;
  };
  /** Task definition files registering the family (variants: EC2 / Fargate, per environment), each with what became of it. */
  variants?: { file: string; at?: Evidence; used: boolean; note: string }[];
  /** Several variants and nothing tells which one the service runs (the first by file was read). */
  variantUnknown?: boolean;
}

/** One step of an Argo Rollouts canary. */
export interface CanaryStep {
  kind: 'setWeight' | 'pause' | 'analysis' | 'other';
  weight?: number;
  /** Pause duration; undefined with `indefinite` for a pause without duration (waits for a promote). */
  seconds?: number;
  indefinite?: boolean;
  /** kind 'analysis': the AnalysisRun the step starts and waits for. */
  analysis?: AnalysisRunFacts;
  at?: Evidence;
}

/** A docker compose project as deployed: the files `-f` names and what each service is. */
export interface ComposeFacts {
  /** Project directory (relative to the service root, '' for the root). */
  dir: string;
  /** Compose files in the order `docker compose -f` takes them: base first, then overrides. */
  files: string[];
  /** Files found in the directory but not part of this deployment (another environment), with why. */
  ignoredFiles: { file: string; reason: string }[];
  /** The `name:` of the project, when set (the last compose file that sets it wins). */
  project?: string;
  /**
   * The project name docker compose runs the deployment under, and what decided it (compose docs,
   * "Specify a project name", highest first): `-p` in the deploy command, COMPOSE_PROJECT_NAME in
   * its environment or the env files (its --env-file, else the project directory's .env), the
   * top-level `name:`, else the project directory's name (its --project-directory, else the compose
   * file's). `byCommandOptions`: the deploy command's --env-file or --project-directory decided it,
   * so a command without those options would name another project.
   */
  projectName?: {
    value: string;
    from: 'flag' | 'env' | 'dotenv' | 'name' | 'directory';
    at?: Evidence;
    byCommandOptions?: boolean;
  };
  /** Services rolled back: they run the service's own images. */
  services: ComposeService[];
  /** Run-to-completion services others wait for (`service_completed_successfully`): migrations, seeders. */
  oneShot: ComposeService[];
  /** Data stores and other services a rollback leaves alone. */
  others: ComposeService[];
  /** Named volumes (top-level `volumes:`) with the services mounting them. */
  volumes: ComposeVolume[];
}

/** A top-level `volumes:` entry. */
export interface ComposeVolume {
  /** The key in the compose file (what services mount). */
  name: string;
  services: string[];
  at?: Evidence;
  /**
   * The volume's name on the docker host (Compose specification, volumes top-level element): `name:`
   * (or the legacy `external: {name: …}`) as is, never project-prefixed; the key itself for
   * `external: true`; else `<project>_<key>`. Undefined when a variable without a default decides it.
   */
  dockerName?: string;
  /** Where dockerName comes from: the `name:` / `external` line, or what decided the project name. */
  dockerNameAt?: Evidence;
  /** `external: true`: created and managed outside the project (compose never creates it). */
  external?: boolean;
  /** The variable the name reads at deploy time (`name: ${DATA_VOLUME:-ledger-data}` → DATA_VOLUME). */
  nameVariable?: string;
}

export interface ComposeService {
  name: string;
  image?: ImageRef;
  /** The variable the image tag comes from (`${APP_TAG:-1.4.2}` → APP_TAG). */
  imageVariable?: string;
  profiles: string[];
  /** Docker healthcheck, in seconds (defaults apply where undefined). */
  healthcheck?: {
    interval?: Setting<number>;
    timeout?: Setting<number>;
    retries?: Setting<number>;
    startPeriod?: Setting<number>;
    disabled?: boolean;
    at?: Evidence;
  };
  stopGracePeriod?: Setting<number>;
  /** Services it waits for and how (`service_healthy`, `service_completed_successfully`, `service_started`). */
  dependsOn: { service: string; condition: string }[];
  /** The service's command or name says it runs schema migrations. */
  runsMigration: boolean;
  /** Data store engine, when it runs one. */
  engine?: string;
  at?: Evidence;
}

/** How a workload holds data: each one a reason its rollback is a data rollback. */
export const WORKLOAD_STATE_KINDS = [
  'volume-claim-template',
  'persistent-volume-claim',
  'named-volume',
  'data-image',
  'data-subchart',
  'operator-resource',
] as const;
export type WorkloadStateKind = (typeof WORKLOAD_STATE_KINDS)[number];

/** One piece of state a workload holds (a volume, a database image, a database subchart, an operator's CR). */
export interface WorkloadState {
  kind: WorkloadStateKind;
  /** Claim or volume name, image repository, subchart name, or Kind/name of the custom resource. */
  name: string;
  /** The data store when known: postgres, mysql, mongodb, redis, kafka, rabbitmq, elasticsearch, ... */
  engine?: string;
  at?: Evidence;
  /**
   * A database subchart's primary pod, as the subchart names it (helm template output or the chart's
   * own naming convention, where certain), or why it cannot be known from the repository.
   */
  pod?: { name: string; how: string; at: Evidence[] } | { reason: string };
}

/** A Helm hook resource (helm.sh/hook annotation) found in a chart's templates. */
export interface HelmHook {
  kind: string;
  name: string;
  /** pre-install, pre-upgrade, post-upgrade, pre-rollback, ... */
  events: string[];
  /** The hook looks like it runs schema migrations (command/args/name mention a migration tool). */
  runsMigration: boolean;
  /** The migration tool its command runs, when rollbook recognises it (golang-migrate, dbmate, flyway, goose…). */
  tool?: string;
  /** That command, as read from the template (`migrate -path /migrations … up`). */
  command?: string;
  deletePolicy?: string;
  at?: Evidence;
}

/** A CRD shipped by a chart: under crds/ (never upgraded or rolled back) or in templates/ (versioned with the release). */
export interface CrdRef {
  name: string;
  inTemplates: boolean;
  at?: Evidence;
}

/** A flag key the code evaluates (found by grepping common SDK calls). */
export interface FlagRef {
  key: string;
  at: Evidence;
  /**
   * Evaluated in code no workload owns (a shared library, a root `pkg/`): kept on every workload of a
   * repository of several, since any of them may import it (discovery, for keys no flag file defines).
   */
  shared?: boolean;
}

export interface Deploy {
  platform?: PlatformId;
  /** e.g. deployment/checkout-api, a Helm release, an ECS service. */
  workload?: string;
  namespace?: string;
  /** The kube context the cluster commands target (rollbook.yaml deploy.context or --context). */
  context?: string;
  /**
   * The --workload reference that selects the workload alone when the repository holds several:
   * every rollbook command the design prints for a person to run passes it.
   */
  selectedBy?: string;
  manifests: string[];
  /** Helm values files the deploy passes after the chart's values.yaml (rollbook.yaml deploy.valuesFiles). */
  valuesFiles?: { path: string; at?: Evidence }[];
  pipeline?: string;
  /** Cluster / region / project / app names for platforms that need one. */
  target?: Record<string, string>;
  at?: Evidence;
}

export interface Artifact {
  image?: string;
  versioning?: Versioning;
  at?: Evidence;
}

/** Migration tools rollbook reads (the values of state.migrations.tool). */
export const MIGRATION_TOOLS = [
  'golang-migrate',
  'dbmate',
  'goose',
  'flyway',
  'sqitch',
  'prisma',
  'diesel',
  'liquibase',
  'plain',
  'db-migrate',
  'knex',
  'custom',
] as const;
export type MigrationTool = (typeof MIGRATION_TOOLS)[number] | 'unknown';

/** One SQL statement of a migration file, as the real Postgres parser saw it. */
export interface SqlStatement {
  /** The statement text (without trailing semicolon). */
  text: string;
  /** libpg-query's JSON node for the statement (the value of `stmts[i].stmt`), or undefined for unparsed text. */
  ast?: unknown;
  at: Evidence;
  /**
   * Set for statements found inside PL/pgSQL: a DO block, a function body, or a constant string
   * run by EXECUTE. `runsAtMigration` is true for DO blocks and for bodies of functions the same
   * file calls; false for function bodies that only run when the application calls them.
   */
  embedded?: { in: 'do' | 'function'; function?: string; dynamic: boolean; runsAtMigration: boolean };
}

export interface MigrationFile {
  file: string;
  direction: 'up' | 'down';
  statements: SqlStatement[];
  /** Parse problems, each located. */
  errors: { message: string; at: Evidence }[];
  /** The file exists but holds no statements (often used to mark "irreversible"). */
  empty: boolean;
  /** What the reader changed to parse the file (psql meta-commands, template placeholders), located. */
  notes?: { message: string; at: Evidence }[];
}

export interface Migration {
  /** Version id as the tool orders it (e.g. 20240101120000, V3, 0004). */
  version: string;
  name: string;
  up?: MigrationFile;
  down?: MigrationFile;
  at: Evidence;
}

export interface MigrationSet {
  tool: MigrationTool;
  /** Directory (relative to the service root). */
  path: string;
  database: string;
  /** Target server major version, if known. */
  serverVersion?: number;
  migrations: Migration[];
  /** Files found but not understood, with the reason (unknowns: never silently dropped). */
  skipped: { file: string; reason: string }[];
  /** Files under the set's folder that are known not to be migrations (README, sqitch.conf, manifest.json…). */
  ignored?: { file: string; reason: string }[];
  /**
   * How the set was chosen: named in rollbook.yaml, the only production set found, or one of several
   * found (then no runbook command targets it: which one runs against DATABASE_URL is unknown).
   */
  selection?: 'descriptor' | 'only' | 'one-of-several' | 'unbound';
  /** Why the set belongs to the workload designed (discovery's binding: what runs it, where). */
  boundBy?: MigrationBinding;
  /** The tool has no down migrations for this set (Prisma, a versioned manifest): revert = restore or fix forward. */
  forwardOnly?: boolean;
  /** The tool's own history table when the service configures a non-default one, with where. */
  historyTable?: Setting<string>;
  at?: Evidence;
}

/**
 * Which workloads run a migration set, and the evidence: a migration run found for the workload
 * (Kubernetes Job / init container / Helm hook, compose service, Procfile release phase, startup
 * migrator, a CI job running the tool on that folder in the pipeline that deploys the workload), the
 * set's path under the workload's own directory, or the repository's only workload. An empty list:
 * nothing in the repository binds it (`checked` says what was looked at).
 */
export interface MigrationBinding {
  /** The workloads (kind/name, with namespace when known: `rollbook discover`'s references). */
  workloads: string[];
  by?: 'migration-run' | 'pipeline' | 'path' | 'only-workload';
  /** What binds it, each with where it was read. */
  evidence: { detail: string; at?: Evidence }[];
  /** What was checked when nothing (or nothing unambiguous) binds it. */
  checked: string[];
}

/** A folder of migrations that is not the production set (another engine, test data, examples). */
export interface ExcludedMigrationSet {
  tool: MigrationTool;
  path: string;
  /** Why it is not the production set. */
  reason: string;
  /** Files under the folder (none replayed, none given a command). */
  files: string[];
}

/** How schema migrations are applied in production, with the evidence it was read from. */
export type MigrationRunMode =
  | 'pipeline'
  | 'helm-hook'
  | 'argocd-hook'
  | 'init-container'
  | 'compose-service'
  | 'release-phase'
  | 'startup';

export interface MigrationRun {
  mode: MigrationRunMode;
  /** The tool that runs them, when known (golang-migrate, goose, prisma, rails…). */
  tool?: string;
  /** What was found, e.g. "m.Up() in main.go", "command: migrate -path … up". */
  detail: string;
  /**
   * The runner refuses to start when the database is at a version its files do not contain
   * (golang-migrate's Up() with a newer database): an app-only rollback crash-loops.
   */
  refusesNewerDatabase?: boolean;
  /** The workload whose manifest holds the run (kind/name: an init container's Deployment). */
  workload?: string;
  /** Compose services (or other workloads, by name) the run happens before. */
  before?: string[];
  /** The migrations folder the command names (`-path X`, `--migrations-dir X`), as written. */
  dir?: string;
  at: Evidence;
}

export interface Flag {
  key: string;
  provider: string;
  /** A flag that turns a feature off fast: the mitigation that beats a rollback. */
  killSwitch: boolean;
  defaultVariant?: string;
  state?: string;
  /** Unleash activation strategies / flagd targeting, as short descriptions. */
  strategies?: string[];
  /**
   * Why the flag belongs to this service's workload when the repository holds several (discovery):
   * "evaluated in services/checkout/src/checkout.ts:6, under services/checkout", "declared in rollbook.yaml".
   */
  boundBy?: string;
  at?: Evidence;
}

export interface FlagSource {
  provider: string;
  file?: string;
  /** The flag keys of this service in the file (rollbook.yaml): exact keys or prefixes ending in `*`; absent = every flag. */
  keys?: string[];
  /** The kill switches this declaration names (rollbook.yaml `killSwitches`; each is also a Flag). */
  killSwitches?: string[];
  /**
   * The workloads this declaration binds its flags to (rollbook.yaml `workloads`: name, kind/name,
   * namespace/kind/name or a path, as --workload takes them); absent = the descriptor's deploy.workload.
   */
  workloads?: string[];
  /**
   * The Kubernetes object holding the definitions inside `file` (discovery): a ConfigMap and its data
   * key, or an OpenFeature operator resource (FeatureFlag, FeatureFlagConfiguration).
   */
  in?: { kind: string; name: string; key?: string };
  at?: Evidence;
}

export interface Cache {
  name: string;
  store: string;
  keyVersioned?: boolean;
  ttl?: string;
  /** TTL in seconds, when it could be parsed. */
  ttlSeconds?: number;
  at?: Evidence;
}

export type QueueCompatibility =
  | 'BACKWARD'
  | 'BACKWARD_TRANSITIVE'
  | 'FORWARD'
  | 'FORWARD_TRANSITIVE'
  | 'FULL'
  | 'FULL_TRANSITIVE'
  | 'NONE';

export interface Queue {
  name: string;
  format?: string;
  compatibility?: QueueCompatibility;
  /** What this service does with the queue. Unknown means both are assumed. */
  role?: 'producer' | 'consumer' | 'both';
  at?: Evidence;
}

export interface DataWrite {
  store: string;
  dualWrite?: boolean;
  external?: boolean;
  description?: string;
  at?: Evidence;
}

export interface Dependency {
  name: string;
  relation?: string;
  compatibility?: string;
  at?: Evidence;
}

/** Which way a signal is bad: the comparison with its threshold that calls for a rollback. */
export const SIGNAL_OPS = ['>', '>=', '<', '<='] as const;
export type SignalOp = (typeof SIGNAL_OPS)[number];

export interface Signal {
  name: string;
  query?: string;
  threshold?: number;
  /**
   * The direction that calls for a rollback (`value op threshold`): `>` for an error ratio, `<` for
   * a success rate. Absent when nobody said and the name does not tell.
   */
  op?: SignalOp;
  /** Duration string as written ("5m"). */
  for?: string;
  forSeconds?: number;
  /** Argo Rollouts analysis: the rollback condition holds over this many measurements, `interval` apart. */
  measurements?: { count: number; interval: string };
  /** Where the signal came from: rollbook.yaml, an Argo Rollouts AnalysisTemplate, ... */
  source?: string;
  /** Name the conditions use for the measured value (the metric of an AnalysisTemplate); default `name`. */
  metric?: string;
  /** An AnalysisTemplate's conditions as written, when no single comparison could be read from them. */
  expression?: { success?: string; failure?: string };
  /** Human description of where the condition comes from ("success when result[0] >= 0.95; every 1m"). */
  condition?: string;
  at?: Evidence;
}

export interface Roles {
  rollback: string[];
  dataRollback: string[];
  at?: Evidence;
}

export interface Comms {
  channel?: string;
  statusPage?: boolean;
  at?: Evidence;
}

export interface PastRollback {
  date: string;
  minutes: number;
  note?: string;
  at?: Evidence;
}

export interface History {
  procedure?: string;
  pastRollbacks: PastRollback[];
  at?: Evidence;
}

export interface Pipeline {
  provider: string;
  file: string;
  /** Job that deploys, if found. */
  deployJob?: string;
  /** Migrations run in the pipeline before the rollout. */
  migratesBeforeDeploy?: boolean;
  /** Image tag used by the pipeline is the commit SHA (immutable). */
  immutableTag?: boolean;
  /** The deploy job's command that deploys (e.g. `aws ecs update-service --service orders-worker …`). */
  deployCommand?: string;
  /** What the deploy job names as its target (`--service X`, `deployment/X`, `-f path`, `cd overlay`, an image). */
  targets?: DeployTarget[];
  /**
   * The workloads the deploy job deploys (rollbook discover's references), matched from `targets`;
   * empty when none matched (the job's findings then concern every workload, and say so).
   */
  deploys?: string[];
  /** Migration commands the pipeline runs (a migrate job, or a line of the deploy job), with where. */
  migrations?: { job: string; command: string; tool?: string; dir?: string; at: Evidence }[];
  at?: Evidence;
}

/** One target a pipeline's deploy command names. */
export interface DeployTarget {
  /**
   * name: a service / release / app / function name; kind-name: `deployment/X`; path: a manifest,
   * chart, overlay or directory; image: an image repository; compose: the compose file (`-f`) or
   * project directory of `docker compose up` ('' when only the repository's one project can be meant);
   * stack: a CloudFormation stack name (`sam deploy --stack-name`); template: the SAM template or
   * serverless.yml a `sam deploy` / `serverless deploy` reads, or the directory it runs in;
   * sam-config: the samconfig file `sam deploy` reads (`--config-file`, else the project's
   * samconfig.toml) and its environment `env`, resolved by discovery into the stack and template of
   * that environment's table.
   */
  kind: 'name' | 'kind-name' | 'path' | 'image' | 'compose' | 'stack' | 'template' | 'sam-config';
  value: string;
  /** sam-config: the environment (`--config-env`, default `default`). */
  env?: string;
  /** sam-config: named on the command line (`--config-env` / `--config-file`), so a missing table is an unknown. */
  explicit?: boolean;
  /** compose: the services `docker compose up` names (none: every service of the project). */
  services?: string[];
}

/** A synthetic request that proves the service works end to end (read-only, e.g. GET /healthz). */
export interface Synthetic {
  name: string;
  url: string;
  /** Expected HTTP status (default 200). */
  expectStatus?: number;
  at?: Evidence;
}

/** Something the design could not determine, and why. */
export interface Unknown {
  subject: string;
  reason: string;
  at?: Evidence;
}

export interface Service {
  name: string;
  /**
   * The release the design is about (from, to, what changed), when it was read. Its absence means
   * the service was read without git (a library caller that did not ask for a window).
   */
  release?: Release;
  /** Absolute path of the repository root that was read. */
  root: string;
  /** rollbook.yaml path relative to root, when one was read. */
  descriptor?: string;
  owners: string[];
  deploy: Deploy;
  artifact: Artifact;
  workloads: Workload[];
  migrations: MigrationSet[];
  flagSources: FlagSource[];
  flags: Flag[];
  caches: Cache[];
  queues: Queue[];
  writes: DataWrite[];
  dependencies: Dependency[];
  signals: Signal[];
  roles: Roles;
  comms: Comms;
  history: History;
  pipelines: Pipeline[];
  /** Synthetic checks for recovery verification (optional: older producers of Service omit it). */
  synthetics?: Synthetic[];
  unknowns: Unknown[];
  /** Flag keys the code evaluates (discovery), to compare with the flag files. */
  flagRefs?: FlagRef[];
  /**
   * Every flag file read in the repository, whichever workload its flags belong to (discovery, when a
   * workload was chosen among several): what a key the code evaluates is missing from.
   */
  repoFlagFiles?: string[];
  /** Migration folders that are not production sets, with why (never replayed, never given a command). */
  excludedMigrations?: ExcludedMigrationSet[];
  /** Migration runs of the chosen workload that run no set found in the repository (data path unknown). */
  migrationsNotFound?: MigrationRun[];
  /** How migrations are applied (pipeline, hook, init container, compose, the app at startup…). */
  migrationRuns?: MigrationRun[];
}
