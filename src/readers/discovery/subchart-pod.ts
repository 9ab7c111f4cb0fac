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
 *   mariadb 9: before them `master`/`slave` names), and any other chart (redis, mongodb… keep DB_POD).
 */
import type { Evidence } from '../../model/service.js';
import { get, str } from './yaml.js';

export type SubchartPod = { name: string; how: string; at: Evidence[] } | { reason: string };

/** `trunc 63 | trimSuffix "-"` */
const k8sName = (s: string) => s.slice(0, 63).replace(/-$/, '');

const TEMPLATED = /\{\{/;

/**
 * The bitnami charts whose primary StatefulSet rollbook names: chart → its naming helper and the first
 * chart major that has it (architecture standalone | replication, primary.name).
 */
const BITNAMI_PRIMARY: Record<string, { helper: string; since: number }> = {
  mariadb: { helper: 'mariadb.primary.fullname', since: 9 },
  mysql: { helper: 'mysql.primary.fullname', since: 8 },
  postgresql: { helper: 'postgresql.v1.primary.fullname', since: 11 },
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
      reason: `subchart ${input.alias} (${input.name}, ${input.repository ?? 'no repository'}) is not a bitnami postgresql, mysql or mariadb chart, whose naming rollbook knows, and helm template did not render it (not vendored under charts/, or helm not run)`,
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
  const texts = [
    setting('fullnameOverride'),
    setting('nameOverride'),
    setting('architecture'),
    setting('primary', 'name'),
  ];
  if (texts.some((v) => v !== undefined && (typeof v !== 'string' || TEMPLATED.test(v))))
    return {
      reason: `a naming value of ${input.alias} (fullnameOverride, nameOverride, architecture, primary.name) is templated or not a string`,
    };
  const fullnameOverride = str(setting('fullnameOverride'));
  const nameOverride = str(setting('nameOverride'));
  const name = nameOverride || input.alias;
  const fullname = k8sName(
    fullnameOverride || (input.release.includes(name) ? input.release : `${input.release}-${name}`),
  );
  const replication = str(setting('architecture')) === 'replication';
  const sts = replication ? k8sName(`${fullname}-${str(setting('primary', 'name')) || 'primary'}`) : fullname;
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(sts))
    return { reason: `the derived StatefulSet name ${sts} is not a valid Kubernetes name` };
  const at: Evidence[] = [
    ...(input.at ? [input.at] : []),
    ...[['fullnameOverride'], ['nameOverride'], ['architecture'], ['primary', 'name']].flatMap((p) => {
      const e = setting(...p) !== undefined ? input.valueAt([input.alias, ...p]) : undefined;
      return e ? [e] : [];
    }),
  ];
  const why = fullnameOverride
    ? `${input.alias}.fullnameOverride`
    : `release ${input.release} + ${nameOverride ? `${input.alias}.nameOverride ${nameOverride}` : `chart name ${name}`}`;
  return {
    name: `${sts}-0`,
    how: `the bitnami ${input.name} chart names its primary StatefulSet ${sts} (${chart.helper}: ${why}${replication ? `, architecture replication: -${str(setting('primary', 'name')) || 'primary'}` : ', architecture standalone'})`,
    at,
  };
}
