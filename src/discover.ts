/**
 * `rollbook discover` as a library function: what the repository says about how the service
 * deploys (workloads, migrations, flags, pipelines, signals), every deploy file with what became of
 * it, the config findings, and what could not be read. `--workload` narrows it to one workload.
 */
import { basename } from 'node:path';
import type { Finding } from './model/finding.js';
import type { Outcome } from './model/outcome.js';
import type { Evidence, Workload } from './model/service.js';
import type { DeclaredItem } from './readers/declared.js';
import {
  applyDiscovery,
  type Discovery,
  discover,
  matchWorkloads,
  uniqueRef,
  workloadRef,
} from './readers/discover.js';
import { readServiceInputs } from './readers/load-service.js';
import { serviceRoot } from './readers/root.js';
import { emptyService } from './readers/service-base.js';
import { runRules } from './rules/index.js';
import { cmp } from './util/order.js';

export interface DiscoverCommandOptions {
  /** The service directory as given (default "."), resolved against cwd. */
  dir?: string;
  cwd?: string;
  /** kind/name, namespace/kind/name, or a manifest / overlay / chart path. */
  workload?: string;
}

/** What became of one deploy file, relative to the chosen workload. */
export type DeployFileStatus =
  | 'chosen'
  | 'other-workload'
  | 'workload'
  | 'supporting'
  | 'ignored'
  | 'unknown';

export interface DiscoverReport {
  /** The directory's name. */
  name: string;
  /**
   * rollbook.yaml (when there is one) and every item it declares that changes the design, as
   * `plan` reads them; `found` says what discovery found where the declaration overrides it.
   */
  inputs: { descriptor: string | undefined; declared: DeclaredItem[] };
  /** Discovery as the service sees it: the chosen workload alone when one is chosen, its unknowns only. */
  discovery: Discovery;
  /** The workloads shown, each with its reference and the `--workload` value that selects it alone. */
  workloads: { workload: Workload; ref: string; select: string }[];
  chosen?: Workload;
  deployFiles: { file: string; status: DeployFileStatus; workloads: string[]; notes: string[] }[];
  /** Every flag file: the workloads its flags bind to (with why) and the flags bound to none. */
  flagFiles: {
    file: string;
    provider: string;
    /** `--workload` values of the workloads its flags bind to. */
    workloads: string[];
    flags: { key: string; killSwitch: boolean; boundTo: { workload: string; how: string }[] }[];
    /** Keys bound to no workload (a design leaves them out and says so in its unknowns). */
    unbound: string[];
  }[];
  findings: Finding[];
  /** fail when a config finding is an error. */
  outcome: Outcome;
}

const at = (e: Evidence | undefined) => (e ? ` (${e.file}:${e.line})` : '');

/**
 * Where a declaration overrides what discovery found, what discovery found (`found`): the
 * platform, workload, namespace, application, release, pipeline and image of the workload
 * (the chosen one, the one deploy.workload names, or the only one), the migration sets, the flag
 * files and same-named signals. Pure.
 */
export function overrides(items: DeclaredItem[], d: Discovery, chosen?: Workload): DeclaredItem[] {
  const named = items.find((i) => i.key === 'deploy.workload');
  const byDecl = named ? matchWorkloads(d.workloads, named.value) : [];
  const w =
    chosen ?? (byDecl.length === 1 ? byDecl[0] : d.workloads.length === 1 ? d.workloads[0] : undefined);
  const refs = d.workloads.map((x) => uniqueRef(x, d.workloads));
  const platforms = [...new Set(d.workloads.map((x) => x.platform))];
  const declaredSets = items.filter((i) => i.key === 'state.migrations').map((i) => i.value.split(' ')[0]);
  const setText = (m: Discovery['migrationDirs'][number]) => `${m.path} (${m.tool})${at(m.at)}`;
  const undeclaredSets = d.migrationDirs.filter((m) => !declaredSets.includes(m.path));
  const differs = (found: string | undefined, value: string) => found !== undefined && found !== value;
  const foundFor = (i: DeclaredItem): string | undefined => {
    const v = i.value;
    switch (i.key) {
      case 'deploy.platform': {
        const p = w?.platform ?? (platforms.length === 1 ? platforms[0] : undefined);
        return differs(p, v) ? `${p}${w ? ` (${workloadRef(w)}${at(w.at)})` : ''}` : undefined;
      }
      case 'deploy.workload':
        return byDecl.length === 0
          ? `no such workload; the repository holds ${refs.join(', ') || 'none'}`
          : undefined;
      case 'deploy.namespace':
        return differs(w?.namespace, v)
          ? `${w?.namespace} (${w ? workloadRef(w) : ''}${at(w?.at)})`
          : undefined;
      case 'deploy.target.app':
        return differs(w?.argocd?.app, v) ? `Argo CD application ${w?.argocd?.app}` : undefined;
      case 'deploy.target.release':
        return differs(w?.helm?.release, v) ? `Helm release ${w?.helm?.release}` : undefined;
      case 'deploy.pipeline': {
        const ps = [...new Set(d.pipelines.map((p) => p.provider))];
        return ps.length && !ps.includes(v)
          ? d.pipelines.map((p) => `${p.provider} (${p.file})`).join(', ')
          : undefined;
      }
      case 'artifact.image': {
        const img = w?.images[0];
        return differs(img?.repository, v) ? `${img?.repository}${at(img?.at)}` : undefined;
      }
      case 'state.migrations': {
        const path = v.split(' ')[0];
        const open = v.indexOf(' (');
        const tool = open < 0 ? undefined : v.slice(open + 2, v.indexOf(')', open));
        const same = d.migrationDirs.find((m) => m.path === path);
        const notes: string[] = [];
        if (same && tool && tool !== 'tool detected' && tool !== same.tool)
          notes.push(`${same.tool} at ${path}${at(same.at)}`);
        if (!same && d.migrationDirs.length === 0) notes.push('no migration set at that path');
        // the sets discovery found that the declaration replaces, said once (on the first set)
        if (undeclaredSets.length && declaredSets.indexOf(path) === 0)
          notes.push(
            `${undeclaredSets.map(setText).join(', ')}, not read: the declared sets replace discovery's`,
          );
        return notes.length ? notes.join('; ') : undefined;
      }
      case 'state.flags': {
        const file = v.slice(0, v.lastIndexOf(' ('));
        const same = d.flagSources.find((f) => f.file === file);
        const provider = v.endsWith(')') ? v.slice(v.lastIndexOf(' (') + 2, -1) : undefined;
        if (same) return differs(same.provider, provider ?? '') ? `${same.provider} at ${file}` : undefined;
        return d.flagSources.length
          ? `${d.flagSources.map((f) => `${f.file ?? '(no file)'} (${f.provider})`).join(', ')}`
          : undefined;
      }
      case 'signals': {
        const name = v.split(' ')[0];
        const s = d.signals.find((x) => x.name === name);
        return s
          ? `${s.name}${s.threshold !== undefined ? ` ${s.op ?? '?'} ${s.threshold}` : ''}${s.source ? ` from ${s.source}` : ''}${at(s.at)}`
          : undefined;
      }
      default:
        return undefined;
    }
  };
  return items.map((i) => {
    const found = foundFor(i);
    return found ? { ...i, found } : i;
  });
}

export async function discoverRepository(opts: DiscoverCommandOptions = {}): Promise<DiscoverReport> {
  const dir = serviceRoot(opts.dir, opts.cwd);
  // the inputs plan reads with (rollbook.yaml's deploy.namespace, deploy.valuesFiles), by the same path
  const inputs = readServiceInputs(dir, opts.workload ? { workload: opts.workload } : {});
  const d = await discover(dir, inputs.discover);
  const name = basename(dir);
  const service = applyDiscovery(emptyService(dir, name), d);
  const chosen = service.workloads.length === 1 ? service.workloads[0] : undefined;
  const findings = runRules(service);
  const select = (w: Workload) => uniqueRef(w, d.workloads);
  const deployFiles = d.deployFiles.map((f) => {
    const status: DeployFileStatus = f.workloads.length
      ? !chosen
        ? 'workload'
        : f.workloads.includes(chosen)
          ? 'chosen'
          : 'other-workload'
      : f.unknowns.length
        ? 'unknown'
        : f.ignored.length
          ? 'ignored'
          : 'supporting';
    return {
      file: f.file,
      status,
      workloads: f.workloads.map(select),
      notes: [
        ...f.ignored,
        ...f.holds,
        // a file that feeds a workload lists its unknowns in the Unknowns section only
        ...(f.workloads.length
          ? f.unknowns.length
            ? [`${f.unknowns.length} unknown(s): see Unknowns`]
            : []
          : f.unknowns),
      ],
    };
  });
  const flagFiles = d.flagFiles.map((f) => {
    const flags = f.flags.map((bf) => ({
      key: bf.flag.key,
      killSwitch: bf.flag.killSwitch,
      boundTo: bf.bonds.map((b) => ({ workload: select(b.workload), how: b.how })),
    }));
    return {
      file: f.file,
      provider: f.provider,
      workloads: [...new Set(flags.flatMap((x) => x.boundTo.map((b) => b.workload)))].sort(cmp),
      flags,
      unbound: flags.filter((x) => x.boundTo.length === 0).map((x) => x.key),
    };
  });
  return {
    name,
    inputs: { descriptor: inputs.file, declared: overrides(inputs.declared, d, chosen) },
    flagFiles,
    discovery: { ...d, workloads: service.workloads, unknowns: service.unknowns },
    workloads: service.workloads.map((w) => ({ workload: w, ref: workloadRef(w), select: select(w) })),
    ...(chosen ? { chosen } : {}),
    deployFiles,
    findings,
    outcome: findings.some((f) => f.severity === 'error') ? 'fail' : 'pass',
  };
}
