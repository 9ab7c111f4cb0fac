/**
 * Terraform: the rollback is a reverse change, so the "revision" is the bad commit to revert
 * (`git rev-list --no-walk --max-count=1 --end-of-options COMMIT --` prints the full id of the commit it
 * names, peeling an annotated tag; it prints nothing for a tree or a blob, and fails for a name that
 * is not in the clone), and "a deploy in
 * progress" is an apply holding the state lock (`terraform plan -detailed-exitcode -lock-timeout=0s`:
 * exit 0 no changes, 2 changes pending, 1 error; "Error acquiring the state lock" while an apply runs).
 * Format: https://developer.hashicorp.com/terraform/cli/commands/plan#detailed-exitcode and
 * https://developer.hashicorp.com/terraform/language/state/locking.
 */
import { firstLine, notUnderstood } from './read.js';
import { fail, type Probe, pass, unknown } from './types.js';

/**
 * The operator's BAD_COMMIT reaches git as one whole argument (a runtime value cannot carry a
 * `^{commit}` suffix), so the command peels it itself: rev-list walks commits only. Measured with
 * the real git in test/probes/git-commit-real.test.ts.
 */
export const gitCommit: Probe = {
  id: 'git-commit',
  platforms: ['terraform'],
  reads: 'git rev-list --no-walk --max-count=1 --end-of-options COMMIT --',
  format: 'https://git-scm.com/docs/git-rev-list',
  passes: 'the commit to revert exists in this clone (its full id is printed)',
  wants: true,
  read({ output, exitCode, want }) {
    const id = output.trim();
    if (exitCode !== 0)
      return fail(
        `commit ${want ?? ''} is not in this clone: ${firstLine(output) || 'git rev-list found nothing'} (git fetch first?)`,
      );
    if (id === '')
      return fail(
        `${want ?? 'the name'} is not a commit (a tree or a blob): name the commit that introduced the change`,
      );
    if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(id)) return notUnderstood('git rev-list', exitCode, output);
    return pass(`commit ${id.slice(0, 12)} exists`);
  },
};

export const terraformLock: Probe = {
  id: 'terraform-lock',
  platforms: ['terraform'],
  reads: 'terraform plan -detailed-exitcode -input=false -lock-timeout=0s',
  format: 'https://developer.hashicorp.com/terraform/cli/commands/plan#detailed-exitcode',
  passes:
    'plan runs (exit 0: no changes, or 2: changes pending): no apply holds the state lock; "Error acquiring the state lock" fails',
  read({ output, exitCode }) {
    if (/Error acquiring the state lock/i.test(output))
      return fail(
        'progressing: another terraform run holds the state lock (an apply is under way); wait for it, never force-unlock a running apply',
      );
    if (exitCode === 0) return pass('complete: no apply running, and the infrastructure matches the code');
    if (exitCode === 2)
      return pass(
        'no apply running; the plan shows pending changes (drift, or the bad change not fully applied)',
      );
    if (exitCode === 1) return unknown(`terraform plan failed: ${firstLine(output)}`);
    return notUnderstood('terraform plan -detailed-exitcode', exitCode, output);
  },
};
