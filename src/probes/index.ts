/**
 * The probes, in a sorted registry, and `runProbe`: what `rollbook probe ID` does (the generated
 * runbook pipes a read-only platform command's output to it). Pure: output in, verdict out.
 */
import { cmp } from '../util/order.js';
import { rolloutsAborted, rolloutsHistory, rolloutsPhase } from './argo-rollouts.js';
import { argocdApp, argocdHistory, argocdManualSync } from './argocd.js';
import { dynamodbBackup, redisBgsave, s3Versioning } from './backup.js';
import { cloudRunRevisions, cloudRunService, cloudRunTraffic } from './cloud-run.js';
import { composeImages, composePs, composeUp, dockerManifest } from './compose.js';
import { ecsDeployments, ecsTaskDefinition } from './ecs.js';
import { fluxReady, fluxReconciled, fluxSuspended } from './flux.js';
import { gitReverted } from './git.js';
import { helmHistory, helmRolledBack, helmStatus } from './helm.js';
import { herokuLatestRelease, herokuReleases, herokuRolledBack } from './heroku.js';
import { statefulsetUpdated, statefulsetUpdating } from './kubernetes.js';
import { lambdaAlias, lambdaAliasAt, lambdaVersions } from './lambda.js';
import { nomadDeployment, nomadHistory } from './nomad.js';
import { currentLink, releaseDirs, systemdState } from './systemd.js';
import { gitCommit, terraformLock } from './terraform.js';
import type { Probe, ProbeInput, ProbeVerdict } from './types.js';

export type { Probe, ProbeInput, ProbeVerdict } from './types.js';

export const PROBES: readonly Probe[] = [
  rolloutsHistory,
  rolloutsPhase,
  rolloutsAborted,
  argocdApp,
  argocdHistory,
  argocdManualSync,
  cloudRunRevisions,
  cloudRunService,
  cloudRunTraffic,
  composeImages,
  currentLink,
  composePs,
  composeUp,
  dockerManifest,
  dynamodbBackup,
  redisBgsave,
  s3Versioning,
  ecsDeployments,
  ecsTaskDefinition,
  fluxReady,
  fluxReconciled,
  fluxSuspended,
  gitReverted,
  gitCommit,
  helmHistory,
  helmRolledBack,
  helmStatus,
  herokuLatestRelease,
  herokuReleases,
  herokuRolledBack,
  lambdaAlias,
  lambdaAliasAt,
  lambdaVersions,
  nomadDeployment,
  nomadHistory,
  releaseDirs,
  statefulsetUpdated,
  statefulsetUpdating,
  systemdState,
  terraformLock,
].sort((a, b) => cmp(a.id, b.id));

const BY_ID = new Map(PROBES.map((p) => [p.id, p]));

export function probeById(id: string): Probe | undefined {
  return BY_ID.get(id);
}

export interface ProbeReport extends ProbeVerdict {
  probe: string;
}

/** Reads one command's output with the probe `id`. A probe that wants a value and got none is unknown. */
export function runProbe(id: string, input: ProbeInput): ProbeReport {
  const probe = BY_ID.get(id);
  if (!probe) throw new Error(`unknown probe ${id}`);
  if (probe.wants && (input.want === undefined || input.want.trim() === ''))
    return { probe: id, outcome: 'unknown', note: 'no value to look for was given (--want)' };
  return { probe: id, ...probe.read(input) };
}

/**
 * The one-line verdict the runbook reads: PASS/FAIL/UNKNOWN, then the note; an unknown a person can
 * settle reads `CONFIRM <question> (<note>)`, which the runbook turns into a yes/no question.
 */
export function probeText(r: ProbeReport): string {
  if (r.outcome === 'unknown' && r.confirm) return `CONFIRM ${r.confirm} (${r.note})\n`;
  const word = r.outcome === 'pass' ? 'PASS' : r.outcome === 'fail' ? 'FAIL' : 'UNKNOWN could not prove:';
  return `${word} ${r.note}\n`;
}
