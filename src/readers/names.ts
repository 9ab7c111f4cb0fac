/**
 * Names are data, never options. Every value read from the repository that becomes an argument of
 * a command in a generated runbook (a chart name, deploy.workload, deploy.target.*, an Argo CD
 * Application, an ECS family, a Nomad job, a systemd unit…) is checked here against what its
 * platform allows, at the point it is read: an invalid name is a located input error (exit 2).
 * No valid name begins with "-", so none can reach a tool as an option; where the tool supports it,
 * the platform modules also pass positional names after "--". The table is documented in
 * docs/names.md and tested case by case in test/readers/names.test.ts.
 */
import { type Problem, RollbookError } from '../errors.js';
import { factAttributes } from '../model/facts.js';
import type { Evidence, PlatformId, Workload } from '../model/service.js';

export interface NameKindSpec {
  /** What the platform calls it. */
  title: string;
  /** The rule in words (shown in the error). */
  rule: string;
  pattern: RegExp;
  max: number;
  /** A valid example (the test table checks it passes). */
  example: string;
}

const DNS_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS_SUBDOMAIN = `${DNS_LABEL}(\\.${DNS_LABEL})*`;

/** The name kinds, one per platform rule (docs/names.md lists the same table). */
export const NAME_KINDS = {
  'kubernetes-name': {
    title: 'Kubernetes object name (DNS-1123 subdomain)',
    rule: 'lowercase letters, digits, "-" and ".", starting and ending with a letter or digit, at most 253 characters',
    pattern: new RegExp(`^${DNS_SUBDOMAIN}$`),
    max: 253,
    example: 'checkout-api',
  },
  'kubernetes-namespace': {
    title: 'Kubernetes namespace (DNS-1123 label)',
    rule: 'lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters',
    pattern: new RegExp(`^${DNS_LABEL}$`),
    max: 63,
    example: 'shop',
  },
  'helm-release': {
    title: 'Helm release name',
    rule: 'lowercase letters, digits, "-" and ".", starting and ending with a letter or digit, at most 53 characters',
    pattern: new RegExp(`^${DNS_SUBDOMAIN}$`),
    max: 53,
    example: 'catalog-web',
  },
  'argocd-app': {
    title: 'Argo CD Application name (optionally NAMESPACE/NAME)',
    rule: 'a Kubernetes object name, optionally prefixed with its namespace and "/"',
    pattern: new RegExp(`^(${DNS_LABEL}/)?${DNS_SUBDOMAIN}$`),
    max: 317,
    example: 'argocd/checkout-api',
  },
  'ecs-name': {
    title: 'ECS cluster, service or task definition family',
    rule: 'letters, digits, "-" and "_", not starting with "-", at most 255 characters; or an ARN',
    pattern: /^([A-Za-z0-9_][A-Za-z0-9_-]*|arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:[a-z-]+\/[A-Za-z0-9_/-]+)$/,
    max: 255,
    example: 'checkout-api',
  },
  'lambda-function': {
    title: 'Lambda function name',
    rule: 'letters, digits, "-" and "_", not starting with "-", at most 64 characters; or a function ARN',
    pattern: /^([A-Za-z0-9_][A-Za-z0-9_-]*|arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+)$/,
    max: 140,
    example: 'notifier',
  },
  'lambda-alias': {
    title: 'Lambda alias name',
    rule: 'letters, digits, "-" and "_", not starting with "-" and not only digits, at most 128 characters',
    pattern: /^(?!\d+$)[A-Za-z0-9_][A-Za-z0-9_-]*$/,
    max: 128,
    example: 'live',
  },
  'aws-region': {
    title: 'AWS region',
    rule: 'a region code such as us-east-1',
    pattern: /^[a-z]{2}(-[a-z]+)+-\d+$/,
    max: 32,
    example: 'eu-west-1',
  },
  'cloud-run-service': {
    title: 'Cloud Run service name',
    rule: 'lowercase letters, digits and "-", starting with a letter and not ending with "-", at most 63 characters',
    pattern: /^[a-z]([-a-z0-9]*[a-z0-9])?$/,
    max: 63,
    example: 'checkout-api',
  },
  'gcp-project': {
    title: 'Google Cloud project id',
    rule: 'lowercase letters, digits and "-", starting with a letter, 6 to 30 characters (optionally DOMAIN:ID)',
    pattern: /^([a-z0-9][a-z0-9.-]*:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/,
    max: 100,
    example: 'acme-prod',
  },
  'gcp-region': {
    title: 'Google Cloud region',
    rule: 'a region code such as europe-west1',
    pattern: /^[a-z]+(-[a-z]+)+\d+$/,
    max: 32,
    example: 'europe-west1',
  },
  'nomad-job': {
    title: 'Nomad job id',
    rule: 'letters, digits, "-", "_", ".", "@" and "/", not starting with "-" or "/", at most 128 characters',
    pattern: /^[A-Za-z0-9_.@][A-Za-z0-9_.@/-]*$/,
    max: 128,
    example: 'checkout-api',
  },
  'nomad-region': {
    title: 'Nomad region',
    rule: 'letters, digits, "-" and "_", not starting with "-"',
    pattern: /^[A-Za-z0-9_][A-Za-z0-9_-]*$/,
    max: 128,
    example: 'global',
  },
  'systemd-unit': {
    title: 'systemd unit name',
    rule: 'letters, digits, ":", "-", "_", ".", "@" and "\\", not starting with "-", at most 256 characters',
    pattern: /^[A-Za-z0-9:_.@\\][A-Za-z0-9:_.@\\-]*$/,
    max: 256,
    example: 'checkout-api.service',
  },
  'heroku-app': {
    title: 'Heroku app name',
    rule: 'lowercase letters, digits and "-", starting with a letter and ending with a letter or digit, at most 30 characters',
    pattern: /^[a-z]([a-z0-9-]*[a-z0-9])?$/,
    max: 30,
    example: 'checkout-api',
  },
  'compose-service': {
    title: 'docker compose service or project name',
    rule: 'letters, digits, "-", "_" and ".", starting with a letter or digit',
    pattern: /^[A-Za-z0-9][A-Za-z0-9_.-]*$/,
    max: 255,
    example: 'web',
  },
  'dynamodb-table': {
    title: 'DynamoDB table name',
    rule: 'letters, digits, "_", "-" and ".", 3 to 255 characters, not starting with "-"',
    pattern: /^[A-Za-z0-9_.][A-Za-z0-9_.-]{2,254}$/,
    max: 255,
    example: 'shipments',
  },
  's3-bucket': {
    title: 'S3 bucket name',
    rule: 'lowercase letters, digits, "." and "-", starting and ending with a letter or digit, 3 to 63 characters',
    pattern: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
    max: 63,
    example: 'acme-receipts',
  },
  'terraform-workspace': {
    title: 'Terraform workspace',
    rule: 'letters, digits, "-", "_" and ".", starting with a letter, digit or "_"',
    pattern: /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/,
    max: 90,
    example: 'production',
  },
  host: {
    title: 'SSH host ([USER@]HOST)',
    rule: 'a host name or address, optionally USER@, not starting with "-"',
    pattern: /^([A-Za-z0-9_][A-Za-z0-9_.-]*@)?[A-Za-z0-9_[][A-Za-z0-9_.:%\]-]*$/,
    max: 255,
    example: 'deploy@app1.internal',
  },
  path: {
    title: 'path in the repository or on the host',
    rule: 'no control characters, not starting with "-"',
    pattern: /^[^-\s][^\p{Cc}]*$/u,
    max: 4096,
    example: 'deploy/k8s',
  },
  name: {
    title: 'name (no platform rule known)',
    rule: 'letters, digits, "-", "_", ".", ":", "@", "/" and "+", not starting with "-", at most 253 characters',
    pattern: /^[A-Za-z0-9_.@][A-Za-z0-9_.:@/+-]*$/,
    max: 253,
    example: 'checkout-api',
  },
} as const satisfies Record<string, NameKindSpec>;

export type NameKind = keyof typeof NAME_KINDS;

/** Control characters (C0, DEL, C1) and bidirectional overrides: never part of a name. */
const CONTROL = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

function shown(value: string): string {
  return JSON.stringify(value).replace(
    /[\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Why `value` is not a valid name of this kind, or undefined when it is. */
export function nameProblem(kind: NameKind, value: string): string | undefined {
  const spec: NameKindSpec = NAME_KINDS[kind];
  if (value === '') return `empty ${spec.title}`;
  if (CONTROL.test(value)) return `${spec.title} ${shown(value)} contains a control character`;
  if (value.startsWith('-'))
    return `${spec.title} ${shown(value)} begins with "-": it would reach the tool as an option`;
  if (value.length > spec.max) return `${spec.title} is longer than ${spec.max} characters`;
  if (!spec.pattern.test(value)) return `invalid ${spec.title} ${shown(value)}`;
  return undefined;
}

/** One name to check: its kind, its value and where it was read. */
export interface NameCheck {
  kind: NameKind;
  value: string;
  at?: Evidence;
  /** The field, e.g. deploy.target.release or metadata.name. */
  path?: string;
}

/** Every problem of the list, deduplicated, in input order. */
export function nameProblems(checks: NameCheck[]): Problem[] {
  const seen = new Set<string>();
  const out: Problem[] = [];
  for (const c of checks) {
    const message = nameProblem(c.kind, c.value);
    if (message === undefined) continue;
    const key = `${c.at?.file}:${c.at?.line}:${c.path}:${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const p: Problem = { message, expected: NAME_KINDS[c.kind].rule };
    if (c.at) p.at = c.at;
    if (c.path) p.path = c.path;
    out.push(p);
  }
  return out;
}

/** Throws one input error (exit 2) listing every invalid name, each with its location. */
export function checkNames(checks: NameCheck[]): void {
  const problems = nameProblems(checks);
  if (problems.length === 0) return;
  throw new RollbookError(
    'INVALID_NAME',
    problems.slice(0, 20),
    'Names become command arguments in the runbook; fix the name in the file (see docs/names.md).',
  );
}

// ---------------------------------------------------------------------------------------------
// Which kind a value is, by platform and field

/** The kind of a workload's own name (its `name`, deploy.workload's name part) on each platform. */
export const WORKLOAD_NAME_KIND: Readonly<Record<PlatformId, NameKind>> = {
  kubernetes: 'kubernetes-name',
  helm: 'helm-release',
  'argo-rollouts': 'kubernetes-name',
  argocd: 'kubernetes-name',
  flux: 'kubernetes-name',
  ecs: 'ecs-name',
  lambda: 'lambda-function',
  'cloud-run': 'cloud-run-service',
  nomad: 'nomad-job',
  heroku: 'heroku-app',
  vm: 'name',
  terraform: 'name',
  compose: 'compose-service',
};

const KUBE_FAMILY = new Set<PlatformId | undefined>([
  'kubernetes',
  'helm',
  'argo-rollouts',
  'argocd',
  'flux',
  undefined,
]);

type KindOf = NameKind | ((platform: PlatformId | undefined) => NameKind);
const kubeNamespace: KindOf = (p) => (KUBE_FAMILY.has(p) ? 'kubernetes-namespace' : 'name');

/**
 * The one table of name facts: every key (a typed fact under its flat name, model/facts.ts
 * factAttributes, or a deploy.target key) that platform modules put into commands, with the kind
 * of name it holds. Facts that never become an argument (hooks, crds, chart…) are not here.
 */
const NAME_FACT_KINDS: Readonly<Record<string, KindOf>> = {
  namespace: kubeNamespace,
  targetNamespace: kubeNamespace,
  fluxNamespace: kubeNamespace,
  storageNamespace: kubeNamespace,
  release: 'helm-release',
  helmRelease: 'helm-release',
  app: (p) => (p === 'heroku' ? 'heroku-app' : 'argocd-app'),
  application: 'argocd-app',
  parentApp: 'argocd-app',
  appName: 'heroku-app',
  rollout: 'kubernetes-name',
  kustomization: 'kubernetes-name',
  cluster: 'ecs-name',
  family: 'ecs-name',
  service: (p) => (p === 'cloud-run' ? 'cloud-run-service' : p === 'ecs' ? 'ecs-name' : 'name'),
  region: (p) => (p === 'cloud-run' ? 'gcp-region' : p === 'nomad' ? 'nomad-region' : 'aws-region'),
  project: 'gcp-project',
  function: 'lambda-function',
  functionName: 'lambda-function',
  alias: 'lambda-alias',
  job: 'nomad-job',
  unit: 'systemd-unit',
  host: 'host',
  workspace: 'terraform-workspace',
  dir: 'path',
  workingDir: 'path',
  deployTo: 'path',
  deployDir: 'path',
  releasesDir: 'path',
  path: 'path',
  manifest: 'path',
};

/** Every key of a name fact (tests build workloads and deploy targets from this list). */
export const NAME_FACT_KEYS: readonly string[] = Object.keys(NAME_FACT_KINDS);

/**
 * The kind of a platform fact (typed workload fact by its flat key, or deploy.target key) that
 * platform modules put into commands; undefined for facts that never become an argument.
 */
export function attributeKind(platform: PlatformId | undefined, key: string): NameKind | undefined {
  const k = Object.hasOwn(NAME_FACT_KINDS, key) ? NAME_FACT_KINDS[key] : undefined;
  return typeof k === 'function' ? k(platform) : k;
}

/** deploy.workload: "kind/name" or "name"; the name part is checked as the platform's workload name. */
export function workloadRefChecks(
  platform: PlatformId | undefined,
  ref: string,
  at: Evidence | undefined,
  path: string,
): NameCheck[] {
  const slash = ref.indexOf('/');
  const kind: NameKind = platform ? WORKLOAD_NAME_KIND[platform] : 'name';
  const base = at ? { at } : {};
  if (slash <= 0 || platform === 'argocd' || platform === 'nomad')
    return [{ kind: slash > 0 && platform === 'argocd' ? 'argocd-app' : kind, value: ref, path, ...base }];
  return [
    { kind: 'name', value: ref.slice(0, slash), path, ...base },
    { kind, value: ref.slice(slash + 1), path, ...base },
  ];
}

/** Every name of a discovered workload that a platform module may put into a command. */
export function workloadNameChecks(w: Workload): NameCheck[] {
  const at = w.at ? { at: w.at } : {};
  const checks: NameCheck[] = [
    { kind: WORKLOAD_NAME_KIND[w.platform], value: w.name, path: `${w.kind} name`, ...at },
  ];
  if (w.namespace !== undefined)
    checks.push({
      kind: attributeKind(w.platform, 'namespace') ?? 'name',
      value: w.namespace,
      path: 'namespace',
      ...at,
    });
  for (const [key, value] of factAttributes(w)) {
    const kind = attributeKind(w.platform, key);
    if (kind && value !== '') checks.push({ kind, value, path: key, ...at });
  }
  for (const sv of w.services ?? [])
    checks.push({
      kind: 'kubernetes-name',
      value: sv.name,
      path: 'Service name',
      ...(sv.at ? { at: sv.at } : at),
    });
  for (const s of [...(w.compose?.services ?? []), ...(w.compose?.oneShot ?? [])])
    checks.push({
      kind: 'compose-service',
      value: s.name,
      path: 'compose service',
      ...(s.at ? { at: s.at } : at),
    });
  if (w.compose?.project !== undefined)
    checks.push({ kind: 'compose-service', value: w.compose.project, path: 'compose project name', ...at });
  for (const f of w.compose?.files ?? [])
    checks.push({ kind: 'path', value: f, path: 'compose file', ...at });
  return checks;
}
