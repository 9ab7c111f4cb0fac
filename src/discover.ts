/**
 * `rollbook discover` as a library function: what the repository says about how the service
 * deploys (workloads, migrations, flags, pipelines, signals), every deploy file with what became of
 * it, the config findings, and what could not be read. `--workload` narrows it to one workload.
 */
import { basename } from 'node:path';
import type { Finding } from './model/finding.js';
import type { Outcome } from './model/outcome.js';
import type { Workload } from './model/service.js';
import { applyDiscovery, type Discovery, discover, uniqueRef, workloadRef } from './readers/discover.js';
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

export async function discoverRepository(opts: DiscoverCommandOptions = {}): Promise<DiscoverReport> {
  const dir = serviceRoot(opts.dir, opts.cwd);
  const d = await discover(dir, opts.workload ? { workload: opts.workload } : {});
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
    flagFiles,
    discovery: { ...d, workloads: service.workloads, unknowns: service.unknowns },
    workloads: service.workloads.map((w) => ({ workload: w, ref: workloadRef(w), select: select(w) })),
    ...(chosen ? { chosen } : {}),
    deployFiles,
    findings,
    outcome: findings.some((f) => f.severity === 'error') ? 'fail' : 'pass',
  };
}
