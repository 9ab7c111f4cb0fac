/**
 * git: the revert of the bad commit, read on the branch the current one tracks
 * (`git log --format=%x1e%H%n%B -n 200 @{upstream} --`: one record per commit, newest first, the
 * full id then the raw message). `git revert` writes the message body "This reverts commit <full id>."
 * (builtin/revert.c / sequencer.c do_pick_commit); squash and rebase merges keep that line in the
 * message, a merge commit keeps the revert commit itself in the history.
 * Format: https://git-scm.com/docs/git-log#_pretty_formats and https://git-scm.com/docs/git-revert.
 */
import { firstLine, notUnderstood } from './read.js';
import { fail, type Probe, pass, unknown } from './types.js';

interface Commit {
  id: string;
  subject: string;
  /** The ids this commit's message says it reverts. */
  reverts: string[];
}

function commitsOf(output: string): Commit[] {
  return output.split('\u001e').flatMap((rec) => {
    const lines = rec.replace(/^\n+/, '').split('\n');
    const id = (lines[0] ?? '').trim();
    if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(id)) return [];
    const body = lines.slice(1).join('\n');
    const reverts = [...body.matchAll(/This reverts commit ([0-9a-f]{7,64})/g)].map((m) => m[1] ?? '');
    return [{ id, subject: (lines[1] ?? '').trim(), reverts }];
  });
}

const sameCommit = (a: string, b: string) => a.startsWith(b) || b.startsWith(a);

export const gitReverted: Probe = {
  id: 'git-reverted',
  platforms: ['argocd', 'flux', 'terraform'],
  reads: 'git log --format=%x1e%H%n%B -n 200 @{upstream} --',
  format: 'https://git-scm.com/docs/git-revert',
  passes:
    'a commit on the tracked upstream branch says "This reverts commit <the bad commit>", and no later commit reverts that revert (git fetch first when it was merged elsewhere)',
  wants: true,
  read({ output, exitCode, want }) {
    if (exitCode !== 0 && /no upstream|upstream branch .* not stored|HEAD .*detached/i.test(output))
      return unknown(
        `the current branch tracks no upstream (${firstLine(output)}): check out the branch the deploy follows (git switch BRANCH), git fetch, and check again`,
      );
    if (exitCode !== 0) return notUnderstood('git log @{upstream}', exitCode, output);
    const bad = (want ?? '').trim().toLowerCase();
    if (!/^[0-9a-f]{7,64}$/.test(bad))
      return unknown(`the bad commit "${want ?? ''}" is not a commit id (7 hex digits or more)`);
    const commits = commitsOf(output);
    if (commits.length === 0) return notUnderstood('git log (no commit)', exitCode, output);
    const i = commits.findIndex((c) => c.reverts.some((r) => sameCommit(r, bad)));
    if (i < 0) {
      const there = commits.some((c) => sameCommit(c.id, bad));
      return fail(
        `no commit of the upstream branch reverts ${bad.slice(0, 12)}${there ? ' (the bad commit is on it)' : ''}: push and merge the revert, then git fetch and check again`,
      );
    }
    const revert = commits[i] as Commit;
    const undone = commits.slice(0, i).find((c) => c.reverts.some((r) => sameCommit(r, revert.id)));
    if (undone)
      return fail(
        `the revert ${revert.id.slice(0, 12)} was itself reverted by ${undone.id.slice(0, 12)} (${undone.subject}): the bad change is back`,
      );
    return pass(
      `${revert.id.slice(0, 12)} "${revert.subject}" reverts ${bad.slice(0, 12)} on the upstream branch`,
    );
  },
};
