/**
 * Argo CD: `argocd app history APP` (a table "ID  DATE  REVISION", newest last; newer CLIs print a
 * "SOURCE  URL" line first) and `argocd app get APP -o json` (an Application: status.health.status
 * Healthy/Progressing/Degraded/Suspended/Missing/Unknown, status.sync.status, and
 * status.operationState.phase Running/Terminating/Failed/Error/Succeeded).
 * Format: printApplicationHistoryTable in cmd/argocd/commands/app.go (argoproj/argo-cd) and
 * https://argo-cd.readthedocs.io/en/stable/operator-manual/health/.
 */
import { at, firstLine, jsonOf, notUnderstood, revisionNumber, str } from './read.js';
import { fail, type Probe, pass, unknown } from './types.js';

export const argocdHistory: Probe = {
  id: 'argocd-history',
  platforms: ['argocd'],
  reads: 'argocd app history APP',
  format: 'https://argo-cd.readthedocs.io/en/stable/user-guide/commands/argocd_app_history/',
  passes:
    'the history table lists the target history ID and it is not the newest entry (the one deployed now)',
  wants: true,
  read({ output, exitCode, want }) {
    if (/NotFound|not found/i.test(output) && exitCode !== 0)
      return fail(`the application does not exist: ${firstLine(output)}`);
    const lines = output.split('\n');
    const header = lines.findIndex((l) => /^ID\s+DATE\s+REVISION\b/.test(l.trim()));
    if (exitCode !== 0 || header < 0) return notUnderstood('argocd app history', exitCode, output);
    const rows = lines
      .slice(header + 1)
      .map((l) => /^(\d+)\s+(\S.*)$/.exec(l.trim()))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ id: Number(m[1]), rest: (m[2] ?? '').replace(/\s+/g, ' ') }));
    const id = revisionNumber(want);
    if (id === undefined) return unknown(`the target history ID "${want ?? ''}" is not a number`);
    const row = rows.find((r) => r.id === id);
    if (!row)
      return fail(
        `history ID ${id} is not in the history (it lists ${rows.map((r) => r.id).join(', ') || 'nothing'}): Argo CD keeps revisionHistoryLimit entries (default 10)`,
      );
    const newest = Math.max(...rows.map((r) => r.id));
    if (id === newest) return fail(`history ID ${id} (${row.rest}) is the newest sync, the one deployed now`);
    return pass(`history ID ${id} (${row.rest}) is in the history`);
  },
};

export const argocdApp: Probe = {
  id: 'argocd-app',
  platforms: ['argocd'],
  reads: 'argocd app get APP -o json',
  format: 'https://argo-cd.readthedocs.io/en/stable/operator-manual/health/',
  passes:
    'no sync operation is Running and health is Healthy (complete) or Degraded/Missing (stalled: passes, the usual reason to roll back); Progressing fails',
  read({ output, exitCode }) {
    const doc = jsonOf(output);
    const health = str(at(doc, 'status', 'health', 'status'));
    if (exitCode !== 0 || !health) return notUnderstood('argocd app get -o json', exitCode, output);
    const sync = str(at(doc, 'status', 'sync', 'status')) ?? 'unknown';
    const phase = str(at(doc, 'status', 'operationState', 'phase'));
    const opMsg = str(at(doc, 'status', 'operationState', 'message'));
    const healthMsg = str(at(doc, 'status', 'health', 'message'));
    const state = `health ${health}, sync ${sync}${phase ? `, last operation ${phase}${opMsg ? ` (${opMsg})` : ''}` : ''}`;
    if (phase === 'Running' || phase === 'Terminating')
      return fail(
        `progressing: a sync operation is ${phase} (${state}); wait for it or terminate it (argocd app terminate-op) first`,
      );
    switch (health) {
      case 'Healthy':
        return pass(`complete: ${state}`);
      case 'Progressing':
        return fail(
          `progressing: ${state}${healthMsg ? `: ${healthMsg}` : ''}; wait for it, or treat it as stalled once it stops moving`,
        );
      case 'Degraded':
      case 'Missing':
        return pass(`stalled: ${state}${healthMsg ? `: ${healthMsg}` : ''} (the usual reason to roll back)`);
      case 'Suspended':
        return pass(`suspended: ${state} (a paused rollout or suspended job: nothing is progressing)`);
      default:
        return unknown(`health is ${health}: Argo CD could not assess the application (${state})`);
    }
  },
};
