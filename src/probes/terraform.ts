/**
 * Terraform: the rollback is a reverse change, so the "revision" is the bad commit to revert
 * (`git rev-parse --verify --end-of-options COMMIT^{commit}` prints its full id), and "a deploy in
 * progress" is an apply holding the state lock (`terraform plan -detailed-exitcode -lock-timeout=0s`:
 * exit 0 no changes, 2 changes pending, 1 error; "Error acquiring the state lock" while an apply runs).
 * Format: https://developer.hashicorp.com/terraform/cli/commands/plan#detailed-exitcode and
 * https://developer.hashicorp.com/terraform/language/state/locking.
 */
import { firstLine, notUnderstood } from './read.js';
import { fail, type Probe, pass, unknown } from './types.js';

export const gitCommit: Probe = {
  id: 'git-commit',
  platforms: ['terraform'],
  reads: 'git rev-parse --verify --end-of-options COMMIT^{commit}',
  format: 'https://git-scm.com/docs/git-rev-parse#Documentation/git-rev-parse.txt---verify',
  passes: 'the commit to revert exists in this clone (its full id is printed)',
  wants: true,
  read({ output, exitCode, want }) {
    const id = output.trim();
    if (exitCode !== 0)
      return fail(
        `commit ${want ?? ''} is not in this clone: ${firstLine(output) || 'git rev-parse found nothing'} (git fetch first?)`,
      );
    if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(id))
      return notUnderstood('git rev-parse --verify', exitCode, output);
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
