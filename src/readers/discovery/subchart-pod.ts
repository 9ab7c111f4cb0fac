/**
 * The primary pod of a database subchart, named the way the subchart names it, or why it cannot be
 * known from the repository.
 *
 * - `helm template` output (when helm ran and the subchart is vendored under charts/): the one
 *   StatefulSet rendered from `charts/<alias>/templates/` (the primary one when there are several).
 * - Otherwise the bitnami chart's own convention, only where it is certain. The bitnami postgresql,
 *   mysql and mariadb charts name their primary StatefulSet alike (bitnami/charts:
 *   bitnami/postgresql/templates/_helpers.tpl `postgresql.v1.primary.fullname`,
 *   bitnami/mysql/templates/_helpers.tpl `mysql.primary.fullname`, bitnami/mariadb/templates/_helpers.tpl
 *   `mariadb.primary.fullname`, each over bitnami/common's `common.names.fullname`; the StatefulSet's
 *   `metadata.name` in templates/primary/statefulset.yaml is that helper):
 *   `<alias>.fullnameOverride`, else `<release>-<nameOverride or chart name>` (the release name alone
 *   when it contains that name), truncated to 63 characters without a trailing "-", with
 *   `-<primary.name>` (values.yaml default `primary`) appended when `architecture: replication`; its
 *   first pod is `<StatefulSet>-0`. An aliased dependency's chart name is its alias.
 *   Not certain, so not derived: a release name nobody declares (helm's is the command line's),
 *   templated values, `global.<chart>.fullnameOverride` (honoured by some chart versions only), a
 *   dependency version older than the chart's first major with this naming (postgresql 11, mysql 8,
 *   mariadb 9: before them `master`/`slave` names).
 * - bitnami redis (bitnami/charts bitnami/redis/templates/master/application.yaml): the master is
 *   `kind: {{ .Values.master.kind }}` (StatefulSet by default) named `<common.names.fullname>-master`,
 *   in both architectures, unless `architecture: replication` runs Sentinel (`sentinel.enabled`): then
 *   the `-node` StatefulSet's pods elect the master and no name is certain. A `master.kind: Deployment`
 *   is exec'd as `deploy/<name>`; a DaemonSet is not named. Since chart 14 (`architecture`).
 * - bitnami mongodb (bitnami/charts bitnami/mongodb/templates/standalone/dep-sts.yaml,
 *   replicaset/statefulset.yaml): `architecture: standalone` (default) is a Deployment named
 *   `<mongodb.fullname>` (a StatefulSet with `useStatefulSet: true`), `replicaset` a StatefulSet of that
 *   name whose `-0` pod is a member (the dump reads that member). Since chart 10 (`architecture`).
 * Any other chart keeps the DB_POD input.
 */
import type { Evidence } from '../../model/service.js';
import { get, str } from './yaml.js';

/**
 * `name` is a pod, or with `deployment` a Deployment (its pod names are random: commands go through
 * `deploy/<name>`).
 */
export type SubchartPod =
  | { name: string; how: string; at: Evidence[]; deployment?: true }
  | { reason: string };

/** `trunc 63 | trimSuffix "-"` */
const k8sName = (s: string) => s.slice(0, 63).replace(/-$/, '');

const TEMPLATED = /\{\{/;

/**
 * The bitnami charts whose primary StatefulSet rollbook names: chart → its naming helper and the first
 * chart major that has it (architecture standalone | replication, primary.name).
 */
const BITNAMI_PRIMARY: Record<string, { helper: string; since: number }> = {
  mariadb: { helper: 'mariadb.primary.fullname', since: 9 },
  mongodb: { helper: 'mongodb.fullname', since: 10 },
  mysql: { helper: 'mysql.primary.fullname', since: 8 },
  postgresql: { helper: 'postgresql.v1.primary.fullname', since: 11 },
  redis: { helper: 'common.names.fullname + "-master"', since: 14 },
};

/** The values that name the primary, per chart (besides fullnameOverride and nameOverride). */
const NAMING_VALUES: Record<string, string[][]> = {
  mariadb: [['architecture'], ['primary', 'name']],
  mongodb: [['architecture'], ['useStatefulSet']],
  mysql: [['architecture'], ['primary', 'name']],
  postgresql: [['architecture'], ['primary', 'name']],
  redis: [['architecture'], ['sentinel', 'enabled'], ['master', 'kind']],
};

/** The major version a dependency's version constraint pins (`12.x.x`, `~9.3.0`, `^11`), if it pins one. */
function pinnedMajor(version: string | undefined): number | undefined {
  const m = /^[~^=v]?(\d+)(?:\.(?:\d+|[xX*])){0,2}(?:-[\w.]+)?$/.exec((version ?? '').trim());
  return m ? Number(m[1]) : undefined;
}

export interface SubchartInput {
  /** Dependency name in Chart.yaml, and its alias (the chart's name once vendored). */
  name: string;
  alias: string;
  repository?: string;
  /** The dependency's version constraint in Chart.yaml. */
  version?: string;
  /** Where the dependency is declared. */
  at?: Evidence;
  /** The release name, when a deployment declares it (undefined: assumed, so not certain). */
  release?: string;
  /** The merged values of the parent chart, and where a values path is set. */
  values: Record<string, unknown>;
  valueAt: (path: string[]) => Evidence | undefined;
  /** `helm template` output by repository path, when helm rendered the chart. */
  rendered?: { file: string; text: string }[];
  chartDir: string;
}

/** metadata.name of one rendered document (the first `name:` indented under `metadata:`). */
function metadataName(doc: string): string | undefined {
  const lines = doc.split('\n');
  const start = lines.findIndex((l) => l.trimEnd() === 'metadata:');
  if (start < 0) return undefined;
  for (const l of lines.slice(start + 1)) {
    if (!/^[ \t]/.test(l)) return undefined;
    const t = l.trim();
    if (!t.startsWith('name:')) continue;
    const v = t
      .slice(5)
      .trim()
      .replace(/^["'](.*)["']$/, '$1');
    return /^[a-z0-9][-a-z0-9.]*$/.test(v) ? v : undefined;
  }
  return undefined;
}

function fromHelm(input: SubchartInput): SubchartPod | undefined {
  const prefix = `${input.chartDir ? `${input.chartDir}/` : ''}charts/${input.alias}/templates/`;
  const sts = (input.rendered ?? []).flatMap((d) => {
    if (!d.file.startsWith(prefix)) return [];
    return d.text
      .split(/^---.*$/m)
      .filter((t) => /^kind:\s*StatefulSet\s*$/m.test(t))
      .flatMap((t) => {
        const name = metadataName(t);
        return name ? [{ file: d.file, name }] : [];
      });
  });
  const one = sts.length === 1 ? sts[0] : sts.find((s) => /primary/.test(s.file) || /-primary$/.test(s.name));
  if (!one) return undefined;
  return {
    name: `${one.name}-0`,
    how: `helm template rendered StatefulSet ${one.name} from ${one.file}`,
    at: [{ file: one.file, line: 1 }],
  };
}

export function subchartPrimaryPod(input: SubchartInput): SubchartPod {
  const helm = fromHelm(input);
  if (helm) return helm;
  const chart = BITNAMI_PRIMARY[input.name];
  if (!chart || !/bitnami/i.test(input.repository ?? ''))
    return {
      reason: `subchart ${input.alias} (${input.name}, ${input.repository ?? 'no repository'}) is not a bitnami postgresql, mysql, mariadb, redis or mongodb chart, whose naming rollbook knows, and helm template did not render it (not vendored under charts/, or helm not run)`,
    };
  const major = pinnedMajor(input.version);
  if (major !== undefined && major < chart.since)
    return {
      reason: `the bitnami ${input.name} chart ${input.version} predates ${chart.helper} (version ${chart.since}): its older releases name the StatefulSet differently (master/slave)`,
    };
  if (!input.release)
    return {
      reason: `no deployment declares the release name (the pod name starts with it): set it in rollbook.yaml (deploy.workload) or the Argo CD / Flux release`,
    };
  const sub = get(input.values, input.alias);
  const setting = (...path: string[]) => get(sub, ...path);
  if (get(input.values, 'global', input.name, 'fullnameOverride') !== undefined)
    return {
      reason: `global.${input.name}.fullnameOverride is set, and only some versions of the bitnami ${input.name} chart honour it for the primary's name`,
    };
  const naming = [['fullnameOverride'], ['nameOverride'], ...(NAMING_VALUES[input.name] ?? [])];
  const flags = new Set(['sentinel.enabled', 'useStatefulSet']);
  if (
    naming.some((p) => {
      const v = setting(...p);
      if (v === undefined) return false;
      return flags.has(p.join('.')) ? typeof v !== 'boolean' : typeof v !== 'string' || TEMPLATED.test(v);
    })
  )
    return {
      reason: `a naming value of ${input.alias} (${naming.map((p) => p.join('.')).join(', ')}) is templated or not of its type`,
    };
  const fullnameOverride = str(setting('fullnameOverride'));
  const nameOverride = str(setting('nameOverride'));
  const name = nameOverride || input.alias;
  const fullname = k8sName(
    fullnameOverride || (input.release.includes(name) ? input.release : `${input.release}-${name}`),
  );
  const architecture = str(setting('architecture'));
  const primary = primaryOf(input.name, fullname, architecture, setting);
  if ('reason' in primary) return primary;
  const { object, kind, shape } = primary;
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(object))
    return { reason: `the derived ${kind} name ${object} is not a valid Kubernetes name` };
  const at: Evidence[] = [
    ...(input.at ? [input.at] : []),
    ...naming.flatMap((p) => {
      const e = setting(...p) !== undefined ? input.valueAt([input.alias, ...p]) : undefined;
      return e ? [e] : [];
    }),
  ];
  const why = fullnameOverride
    ? `${input.alias}.fullnameOverride`
    : `release ${input.release} + ${nameOverride ? `${input.alias}.nameOverride ${nameOverride}` : `chart name ${name}`}`;
  const how = `the bitnami ${input.name} chart names its ${input.name === 'mongodb' && architecture === 'replicaset' ? 'replica set' : 'primary'} ${kind} ${object} (${chart.helper}: ${why}, ${shape})`;
  return kind === 'Deployment'
    ? { name: object, how, at, deployment: true }
    : { name: `${object}-0`, how, at };
}

/** The object holding a bitnami chart's primary, from its fullname and architecture values. */
function primaryOf(
  chart: string,
  fullname: string,
  architecture: string | undefined,
  setting: (...path: string[]) => unknown,
): { object: string; kind: 'StatefulSet' | 'Deployment'; shape: string } | { reason: string } {
  if (chart === 'redis') {
    // the chart's default architecture is replication
    if ((architecture ?? 'replication') === 'replication' && setting('sentinel', 'enabled') === true)
      return {
        reason:
          'the bitnami redis chart with architecture replication and sentinel.enabled runs a -node StatefulSet whose master Sentinel elects: which pod holds it is known only at run time (ask Sentinel: SENTINEL get-master-addr-by-name)',
      };
    const kind = str(setting('master', 'kind')) ?? 'StatefulSet';
    if (kind !== 'StatefulSet' && kind !== 'Deployment')
      return {
        reason: `the bitnami redis chart runs its master as a ${kind} (master.kind): one pod per node`,
      };
    return {
      object: k8sName(`${fullname}-master`),
      kind,
      shape: `architecture ${architecture ?? 'replication'}, master.kind ${kind}: -master`,
    };
  }
  if (chart === 'mongodb') {
    if (architecture === 'replicaset')
      return { object: fullname, kind: 'StatefulSet', shape: 'architecture replicaset: pod -0 is a member' };
    const sts = setting('useStatefulSet') === true;
    return {
      object: fullname,
      kind: sts ? 'StatefulSet' : 'Deployment',
      shape: `architecture standalone${sts ? ', useStatefulSet' : ''}`,
    };
  }
  const replication = architecture === 'replication';
  const primaryName = str(setting('primary', 'name')) || 'primary';
  return replication
    ? {
        object: k8sName(`${fullname}-${primaryName}`),
        kind: 'StatefulSet',
        shape: `architecture replication: -${primaryName}`,
      }
    : { object: fullname, kind: 'StatefulSet', shape: 'architecture standalone' };
}
