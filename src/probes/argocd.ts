/**
 * Argo CD: `argocd app history APP` (a table "ID  DATE  REVISION", newest last; newer CLIs print a
 * "SOURCE  URL" line first) and `argocd app get APP -o json` (an Application: status.health.status
 * Healthy/Progressing/Degraded/Suspended/Missing/Unknown, status.sync.status, and
 * status.operationState.phase Running/Terminating/Failed/Error/Succeeded).
 * Format: printApplicationHistoryTable in cmd/argocd/commands/app.go (argoproj/argo-cd) and
 * https://argo-cd.readthedocs.io/en/stable/operator-manual/health/. The controller appends a history
 * entry only when a whole (not selective, not dry-run) sync succeeds (controller/sync.go,
 * persistRevisionHistory); no entry carries health, so the history probe can fail an entry but never
 * prove one good.
 */
import { at, firstLine, jsonOf, notUnderstood, revisionNumber, str } from './read.js';
import { askPerson, fail, type Probe, pass, unknown } from './types.js';

/** One row of `argocd app history`: ID, DATE (DeployedAt), REVISION ("targetRevision (sha7)"). */
interface HistoryRow {
  id: number;
  date: string;
  revision: string;
  /** The first 7 characters of the commit, when the row shows one. */
  sha?: string;
}

export const argocdHistory: Probe = {
  id: 'argocd-history',
  platforms: ['argocd'],
  reads: 'argocd app history APP',
  format: 'https://argo-cd.readthedocs.io/en/stable/user-guide/commands/argocd_app_history/',
  passes:
    'never by itself: Argo CD records an entry only for a sync that succeeded and keeps no health, so for an earlier entry the runbook asks you whether its revision ran healthy in the window it names (yes passes, logged; no stops); a pruned entry, the newest one, or one deploying the commit running now fails',
  neverPasses:
    'argocd app history rows have no health: Argo CD writes an entry when a sync operation succeeds (controller/sync.go persistRevisionHistory), and a successful sync is not a healthy application',
  wants: true,
  read({ output, exitCode, want }) {
    if (/NotFound|not found/i.test(output) && exitCode !== 0)
      return fail(`the application does not exist: ${firstLine(output)}`);
    const lines = output.split('\n');
    const header = lines.findIndex((l) => /^ID\s+DATE\s+REVISION\b/.test(l.trim()));
    if (exitCode !== 0 || header < 0) return notUnderstood('argocd app history', exitCode, output);
    // tabwriter pads the columns with two spaces or more; a date holds single spaces
    const rows: HistoryRow[] = lines.slice(header + 1).flatMap((l) => {
      const [id = '', date = '', ...rest] = l.trim().split(/\s{2,}/);
      if (!/^\d+$/.test(id) || date === '' || rest.length === 0) return [];
      const revision = rest.join(' ');
      const sha = /\(([0-9a-f]{7})\)$/.exec(revision)?.[1];
      return [{ id: Number(id), date, revision, ...(sha ? { sha } : {}) }];
    });
    const id = revisionNumber(want);
    if (id === undefined) return unknown(`the target history ID "${want ?? ''}" is not a number`);
    const row = rows.find((r) => r.id === id);
    if (!row)
      return fail(
        `history ID ${id} is not in the history (it lists ${rows.map((r) => r.id).join(', ') || 'nothing'}): Argo CD keeps revisionHistoryLimit entries (default 10)`,
      );
    const what = `history ID ${id} (${row.date}, ${row.revision})`;
    const newest = rows.reduce((a, b) => (b.id > a.id ? b : a), row);
    if (id === newest.id) return fail(`${what} is the newest sync, the one deployed now`);
    if (row.sha !== undefined && row.sha === newest.sha)
      return fail(
        `${what} deploys commit ${row.sha}, the commit of the newest sync (ID ${newest.id}), the one running now: rolling back to it changes nothing; choose an entry with another commit`,
      );
    const next = rows.filter((r) => r.id > id).reduce((a, b) => (b.id < a.id ? b : a), newest);
    return askPerson(
      `${what} is a sync that succeeded, but Argo CD's history records no health: nothing argocd app history prints proves that revision ran healthy. It ran from ${row.date} until the sync of ID ${next.id} (${next.date})`,
      `Did ${row.revision} (history ID ${id}) run healthy from ${row.date} until ${next.date}, by your dashboards?`,
    );
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

/**
 * `argocd app get APP -o json` after `argocd app set --sync-policy none`: spec.syncPolicy.automated is
 * gone (the CLI sets it to nil: cmd/util/app.go SetAppSpecOptions, case "sync-policy" "none").
 * A parent app-of-apps that re-applies the spec brings it back: read again, it fails.
 */
export const argocdManualSync: Probe = {
  id: 'argocd-manual-sync',
  platforms: ['argocd'],
  reads: 'argocd app get -o json APP',
  format: 'https://argo-cd.readthedocs.io/en/stable/user-guide/auto_sync/',
  passes:
    'spec.syncPolicy.automated is absent: Argo CD will not sync (or self-heal) the application by itself',
  read({ output, exitCode }) {
    const doc = jsonOf(output);
    if (exitCode !== 0 || str(at(doc, 'kind')) !== 'Application')
      return notUnderstood('the Argo CD application (argocd app get -o json)', exitCode, output);
    const automated = at(doc, 'spec', 'syncPolicy', 'automated');
    if (automated !== undefined && automated !== null)
      return fail(
        `automated sync is still on (spec.syncPolicy.automated ${JSON.stringify(automated)}): a sync would undo the rollback`,
      );
    return pass('automated sync is off (no spec.syncPolicy.automated)');
  },
};
