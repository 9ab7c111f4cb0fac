import type { ArgoRolloutsFacts } from '../../src/model/facts.js';
import type { Finding } from '../../src/model/finding.js';
import type { Arg, Command } from '../../src/model/plan.js';
import type {
  EcsFacts,
  Evidence,
  PlatformId,
  RolloutSettings,
  Service,
  Setting,
  Workload,
  WorkloadFacts,
} from '../../src/model/service.js';
import type { PlatformContext, PlatformRollback } from '../../src/platforms/types.js';
import { NAME_FACT_KEYS } from '../../src/readers/names.js';
import { emptyService } from '../../src/readers/service-base.js';
import { renderCommand } from '../../src/util/shell.js';

export { renderCommand };

export const MANIFEST = 'deploy/k8s/deployment.yaml';
export const DESCRIPTOR = 'rollbook.yaml';

/**
 * The `sh -c` script (as rendered, quoted) that dumps a PostgreSQL cluster inside its container as the
 * image's superuser: bitnami images (BITNAMI_APP_NAME) use postgres and its own password, the official
 * image POSTGRES_USER; the password only reaches pg_dumpall as PGPASSWORD.
 */
export const PG_DUMPALL_SH = `'case "\${BITNAMI_APP_NAME:-}" in postgresql*) u=postgres; if [ "\${POSTGRESQL_USERNAME:-\${POSTGRES_USER:-postgres}}" = postgres ]; then pw="\${POSTGRESQL_PASSWORD:-\${POSTGRES_PASSWORD:-}}"; f="\${POSTGRESQL_PASSWORD_FILE:-\${POSTGRES_PASSWORD_FILE:-}}"; else pw="\${POSTGRESQL_POSTGRES_PASSWORD:-\${POSTGRES_POSTGRES_PASSWORD:-}}"; f="\${POSTGRESQL_POSTGRES_PASSWORD_FILE:-\${POSTGRES_POSTGRES_PASSWORD_FILE:-}}"; fi ;; *) u="\${POSTGRES_USER:-postgres}"; pw="\${POSTGRES_PASSWORD:-}"; f="\${POSTGRES_PASSWORD_FILE:-}" ;; esac; if [ -n "$f" ] && [ -r "$f" ]; then pw="$(cat -- "$f")"; fi; if [ -z "$pw" ] && [ -n "\${BITNAMI_APP_NAME:-}" ]; then echo "rollbook: no password for the postgres superuser in this container (bitnami chart: auth.enablePostgresUser off?)" >&2; fi; PGPASSWORD="$pw" pg_dumpall --username="$u" --file=/tmp/rollbook-dumpall.sql'`;

/** A setting read from the manifest at the given line. */
export function m<T>(value: T, line = 10): Setting<T> {
  return { value, at: { file: MANIFEST, line } };
}

/** A setting read from rollbook.yaml at the given line. */
export function y<T>(value: T, line = 5): Setting<T> {
  return { value, at: { file: DESCRIPTOR, line } };
}

export function service(overrides: Partial<Service> = {}): Service {
  return { ...emptyService('/repo', 'checkout-api'), descriptor: DESCRIPTOR, ...overrides };
}

export function workload(
  platform: PlatformId,
  fields: Partial<Omit<Workload, 'platform'>> = {},
  settings: RolloutSettings = {},
): Workload {
  return {
    kind: 'Deployment',
    name: 'checkout-api',
    namespace: 'shop',
    platform,
    at: { file: MANIFEST, line: 1 },
    images: [],
    config: [],
    ...fields,
    settings: { ...settings, ...fields.settings },
  };
}

/** Every block with every field: adding a fact to the model is a type error here until it is set. */
type EveryFact = {
  [B in Exclude<keyof WorkloadFacts, 'compose' | 'ecs' | 'argoRollouts'>]-?: Required<
    NonNullable<WorkloadFacts[B]>
  >;
} & { ecs: Required<Omit<EcsFacts, 'containerHealthCheck' | 'variants' | 'variantUnknown'>> } & {
  // the analysis runs' timing and signals are not names (see test/readers/analysis-runs.test.ts)
  argoRollouts: Required<
    Omit<
      ArgoRolloutsFacts,
      'backgroundAnalysis' | 'prePromotionAnalysis' | 'postPromotionAnalysis' | 'signals'
    >
  >;
};

/** Every typed platform fact of every block, each name set to `value`. */
export function everyFact(value: string): EveryFact {
  return {
    kustomize: { overlay: value },
    helm: { release: value, chart: value, chartPath: value, chartVersion: value, appVersion: value },
    argoRollouts: { analysisTemplates: [value], selector: { app: value } },
    argocd: { app: value, kind: 'ApplicationSet', source: { repoURL: value, path: value, chart: value } },
    flux: {
      helmRelease: value,
      kustomization: value,
      namespace: value,
      targetNamespace: value,
      storageNamespace: value,
    },
    ecs: {
      family: value,
      service: value,
      cluster: value,
      taskDefinition: value,
      loadBalanced: true,
      circuitBreakerRollback: true,
      alarms: [value],
      alarmRollback: true,
    },
    lambda: {
      function: value,
      logicalId: value,
      stack: value,
      alias: value,
      region: value,
      alarms: 1,
      provisionedConcurrency: 1,
      provisionedConcurrencyAt: { file: MANIFEST, line: 1 },
    },
    cloudRun: {
      service: value,
      region: value,
      revision: value,
      traffic: [{ revision: value, percent: 100 }],
      maxScale: 1,
      minScale: { value: 1, at: { file: MANIFEST, line: 1 } },
    },
    nomad: { job: value },
    heroku: { appName: value, postdeploy: value, web: value },
    applicationSet: {
      name: value,
      app: value,
      unresolved: value,
      lookup: ['argocd', 'appset', 'generate', '--', value],
      at: { file: MANIFEST, line: 1 },
    },
    vm: { unit: value, releasesDir: value, currentLink: value, restart: value },
  };
}

/** A deploy.target naming `value` under every key a platform module reads a name from (src's one table). */
export function everyTargetName(value: string): Record<string, string> {
  return Object.fromEntries(NAME_FACT_KEYS.map((k) => [k, value]));
}

export function ctxOf(
  platform: PlatformId,
  fields: Partial<Omit<Workload, 'platform'>> = {},
  settings: RolloutSettings = {},
  svc: Partial<Service> = {},
): PlatformContext {
  return { service: service(svc), workload: workload(platform, fields, settings) };
}

/** The rollback as text: one block per step, commands rendered through renderCommand. */
export function runbook(r: PlatformRollback): string {
  const lines = [`oneCommand=${r.oneCommand}`, `start: ${renderCommand(r.command)}`];
  for (const i of r.inputs)
    lines.push(`input ${i.name}: ${i.discover ? renderCommand(i.discover) : '(no discover)'}`);
  for (const s of r.steps) {
    lines.push(`[${s.id}] ${s.expectedSeconds}s/${s.maxSeconds}s`);
    for (const c of s.commands) lines.push(`  ${c.readOnly ? 'ro' : 'rw'} $ ${renderCommand(c)}`);
    if (s.check.command)
      lines.push(
        `  check $ ${renderCommand(s.check.command)}${s.check.expectOutput ? ` ~ ${s.check.expectOutput}` : ''} (timeout ${s.check.timeoutSeconds}s, retries ${s.check.retries})`,
      );
    else lines.push(`  check (manual) ${s.check.expect}`);
  }
  return lines.join('\n');
}

/** Every command a platform produces, for invariants. */
export function allCommands(history: Command, status: Command, r: PlatformRollback): Command[] {
  const out = [history, status, r.command];
  for (const i of r.inputs) if (i.discover) out.push(i.discover);
  for (const s of r.steps) {
    out.push(...s.commands);
    if (s.check.command) out.push(s.check.command);
  }
  return out;
}

export function varsOf(cmds: Command[]): string[] {
  const names = new Set<string>();
  for (const c of cmds) for (const a of c.argv) if (typeof a !== 'string') names.add(a.var);
  return [...names].sort();
}

export function argvText(argv: Arg[]): string[] {
  return argv.map((a) => (typeof a === 'string' ? a : `\${${a.var}}`));
}

/** `rule@file:line severity subject` for compact assertions. */
export function where(findings: Finding[]): string[] {
  return findings.map((f) => `${f.rule}@${ev(f.evidence[0])} ${f.severity} ${f.subject}`);
}

function ev(e: Evidence | undefined): string {
  return e ? `${e.file}:${e.line}` : '?';
}

export function rules(findings: Finding[]): string[] {
  return findings.map((f) => f.rule).sort();
}

export function byRule(findings: Finding[], rule: string): Finding {
  const f = findings.find((x) => x.rule === rule);
  if (!f) throw new Error(`no finding ${rule} in ${rules(findings).join(', ')}`);
  return f;
}

/** A StatefulSet `db` in namespace data running a data store image (`engine`): the service the backup tests plan. */
export function dataStoreService(engine: string, image: string = engine): Service {
  return service({
    name: 'db',
    deploy: { platform: 'kubernetes', manifests: [], workload: 'statefulset/db', namespace: 'data' },
    workloads: [
      workload('kubernetes', {
        kind: 'StatefulSet',
        name: 'db',
        namespace: 'data',
        state: [{ kind: 'data-image', name: image, engine }],
      }),
    ],
  });
}
