/**
 * The primary pod of a database subchart, named the way the subchart names it, or why it cannot be
 * known from the repository.
 *
 * - `helm template` output (when helm ran and the subchart is vendored under charts/): the one
 *   StatefulSet rendered from `charts/<alias>/templates/` (the primary one when there are several).
 * - Otherwise the bitnami postgresql chart's own convention, only where it is certain (its
 *   templates/_helpers.tpl `postgresql.v1.primary.fullname` over common's `common.names.fullname`):
 *   the StatefulSet is `<alias>.fullnameOverride`, else `<release>-<nameOverride or chart name>` (the
 *   release name alone when it contains that name), truncated to 63 characters without a trailing
 *   "-", with `-<primary.name>` (default `primary`) appended when `architecture: replication`; its
 *   first pod is `<StatefulSet>-0`. An aliased dependency's chart name is its alias.
 *   Not certain, so not derived: a release name nobody declares (helm's is the command line's),
 *   templated values, `global.postgresql.fullnameOverride` (honoured by some chart versions only),
 *   and any other chart.
 */
import type { Evidence } from '../../model/service.js';
import { get, str } from './yaml.js';

export type SubchartPod = { name: string; how: string; at: Evidence[] } | { reason: string };

/** `trunc 63 | trimSuffix "-"` */
const k8sName = (s: string) => s.slice(0, 63).replace(/-$/, '');

const TEMPLATED = /\{\{/;

export interface SubchartInput {
  /** Dependency name in Chart.yaml, and its alias (the chart's name once vendored). */
  name: string;
  alias: string;
  repository?: string;
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
  if (input.name !== 'postgresql' || !/bitnami/i.test(input.repository ?? ''))
    return {
      reason: `subchart ${input.alias} (${input.repository ?? 'no repository'}) is not the bitnami postgresql chart, whose naming rollbook knows, and helm template did not render it (not vendored under charts/, or helm not run)`,
    };
  if (!input.release)
    return {
      reason: `no deployment declares the release name (the pod name starts with it): set it in rollbook.yaml (deploy.workload) or the Argo CD / Flux release`,
    };
  const sub = get(input.values, input.alias);
  const setting = (...path: string[]) => get(sub, ...path);
  if (get(input.values, 'global', 'postgresql', 'fullnameOverride') !== undefined)
    return {
      reason: `global.postgresql.fullnameOverride is set, and only some versions of the bitnami postgresql chart honour it for the primary's name`,
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
    how: `the bitnami postgresql chart names its primary StatefulSet ${sts} (${why}${replication ? `, architecture replication: -${str(setting('primary', 'name')) || 'primary'}` : ', architecture standalone'})`,
    at,
  };
}
