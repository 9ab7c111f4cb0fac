/**
 * Helm: `helm history RELEASE -o json` (an array of {revision, updated, status, chart, app_version,
 * description}) and `helm status RELEASE -o json` (info.status: deployed, failed, pending-install,
 * pending-upgrade, pending-rollback, superseded, uninstalling, uninstalled, unknown).
 * Format: https://helm.sh/docs/helm/helm_history/ and pkg/release/status.go in helm/helm.
 */
import {
  at,
  firstLine,
  isObject,
  type Json,
  jsonOf,
  notUnderstood,
  num,
  revisionNumber,
  str,
} from './read.js';
import { fail, type Probe, type ProbeInput, type ProbeVerdict, pass, unknown } from './types.js';

const notFound = (output: string) => /release: not found/i.test(output);

/** The rows of `helm history -o json` and the wanted revision, or the verdict when either is missing. */
function historyOf(input: ProbeInput): { rows: Json[]; rev: number } | ProbeVerdict {
  const { output, exitCode, want } = input;
  if (notFound(output)) return fail(`the release does not exist: ${firstLine(output)}`);
  const doc = jsonOf(output);
  if (exitCode !== 0 || !Array.isArray(doc)) return notUnderstood('helm history -o json', exitCode, output);
  const rev = revisionNumber(want);
  if (rev === undefined) return unknown(`the target revision "${want ?? ''}" is not a revision number`);
  return { rows: doc.filter(isObject), rev };
}

export const helmHistory: Probe = {
  id: 'helm-history',
  platforms: ['helm', 'flux'],
  reads: 'helm history RELEASE -n NAMESPACE -o json',
  format: 'https://helm.sh/docs/helm/helm_history/',
  passes:
    'the history lists the target revision, and it is an earlier release that worked (superseded, or still marked deployed after a failed upgrade), not a failed or pending one, not the newest',
  wants: true,
  read(input) {
    const h = historyOf(input);
    if ('outcome' in h) return h;
    const { rows, rev } = h;
    const listed = rows.map((r) => num(r.revision)).filter((n): n is number => n !== undefined);
    const row = rows.find((r) => num(r.revision) === rev);
    if (!row)
      return fail(
        `revision ${rev} is not in the history (it lists ${listed.length ? `${Math.min(...listed)}..${Math.max(...listed)}` : 'nothing'}): pruned by --history-max, or never deployed`,
      );
    const status = str(row.status) ?? 'unknown';
    const what = `revision ${rev} (${str(row.chart) ?? '?'}, app ${str(row.app_version) ?? '?'}, ${status}: ${str(row.description) ?? ''})`;
    if (status === 'deployed' && rev === Math.max(...listed))
      return fail(`${what} is the newest release, the one running now: choose the last good one before it`);
    if (status === 'failed' || status.startsWith('pending'))
      return fail(`${what} never became a working release: choose an earlier one`);
    if (status === 'uninstalling' || status === 'uninstalled')
      return fail(`${what} was uninstalled: helm rollback cannot return to it`);
    // superseded, or deployed but not the newest (the last good one after a failed upgrade); any
    // other status (unknown, or one a newer helm adds) proves nothing
    if (status !== 'superseded' && status !== 'deployed')
      return unknown(`${what}: rollbook does not know whether a release in status ${status} worked`);
    return pass(`${what} is in the history`);
  },
};

export const helmStatus: Probe = {
  id: 'helm-status',
  platforms: ['helm'],
  reads: 'helm status RELEASE -n NAMESPACE -o json',
  format: 'https://helm.sh/docs/helm/helm_status/',
  passes:
    'info.status is deployed (complete) or failed (stalled: passes, the usual reason to roll back); pending-* means an operation is under way',
  read({ output, exitCode }) {
    if (notFound(output)) return fail(`the release does not exist: ${firstLine(output)}`);
    const doc = jsonOf(output);
    const status = str(at(doc, 'info', 'status'));
    if (exitCode !== 0 || !status) return notUnderstood('helm status -o json', exitCode, output);
    const rev = num(at(doc, 'version'));
    const desc = str(at(doc, 'info', 'description'));
    const which = `revision ${rev ?? '?'}${desc ? ` (${desc})` : ''}`;
    switch (status) {
      case 'deployed':
        return pass(`complete: ${which} is deployed, no operation in progress`);
      case 'failed':
        return pass(`stalled: ${which} failed; nothing is in progress (the usual reason to roll back)`);
      case 'pending-install':
      case 'pending-upgrade':
      case 'pending-rollback':
        return fail(
          `progressing: ${which} is ${status}: a helm operation is under way, or was interrupted; wait for it, and if nothing runs see the helm-pending-upgrade hazard`,
        );
      case 'uninstalling':
      case 'uninstalled':
        return fail(`the release is ${status}: there is nothing to roll back`);
      default:
        return unknown(
          `the release status is ${status}: rollbook does not know what it means for a rollback`,
        );
    }
  },
};

/**
 * After `helm rollback RELEASE N`: helm writes a new revision (current + 1) with the target's chart,
 * values and manifest and the description "Rollback to N", pending-rollback until done, then deployed
 * (or failed, with the description replaced by the error) — pkg/action/rollback.go prepareRollback /
 * performRollback in helm/helm. Read from `helm history -o json`: the newest revision is that one,
 * deployed, and its chart and app version are those of revision N.
 */
export const helmRolledBack: Probe = {
  id: 'helm-rolled-back',
  platforms: ['helm', 'flux'],
  reads: 'helm history RELEASE -n NAMESPACE -o json',
  format: 'https://helm.sh/docs/helm/helm_history/',
  passes:
    'the newest revision is deployed with the description "Rollback to N" (N the chosen revision), and its chart and app version are those of revision N',
  wants: true,
  read(input) {
    const h = historyOf(input);
    if ('outcome' in h) return h;
    const { rev } = h;
    const rows = h.rows.filter((r) => num(r.revision) !== undefined);
    if (rows.length === 0)
      return notUnderstood('helm history -o json (no revision)', input.exitCode, input.output);
    const newest = rows.reduce((a, b) => ((num(b.revision) ?? 0) > (num(a.revision) ?? 0) ? b : a));
    const status = str(newest.status) ?? 'unknown';
    const desc = str(newest.description) ?? '';
    const what = `the newest revision ${num(newest.revision)} (${str(newest.chart) ?? '?'}, app ${str(newest.app_version) ?? '?'}, ${status}: ${desc})`;
    if (status === 'pending-rollback') return fail(`progressing: ${what}: the rollback is still running`);
    if (desc !== `Rollback to ${rev}`)
      return fail(
        `${what} is not the rollback to revision ${rev}${status === 'failed' ? ': the rollback failed' : ''}`,
      );
    if (status !== 'deployed') return fail(`${what}: the rollback did not complete`);
    const target = rows.find((r) => num(r.revision) === rev);
    if (!target)
      return unknown(
        `${what} is the rollback to revision ${rev}, but revision ${rev} is no longer in the history to compare its chart with`,
      );
    const same = (k: 'chart' | 'app_version') => str(newest[k]) === str(target[k]);
    if (!same('chart') || !same('app_version'))
      return fail(
        `${what} does not carry revision ${rev}'s chart ${str(target.chart) ?? '?'}, app ${str(target.app_version) ?? '?'}`,
      );
    return pass(`${what}: revision ${rev}'s chart and app version are deployed`);
  },
};
