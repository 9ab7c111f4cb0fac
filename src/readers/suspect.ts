/**
 * The suspect reader: resolve a suspect commit or range, list its commits and the collateral (what a
 * platform rollback to before it would also undo), and test whether reverting only the suspect
 * applies on top of `from`. Read only: git plumbing (rev-parse, rev-list, diff-tree, ls-tree,
 * cat-file, merge-tree, read-tree into a temporary GIT_INDEX_FILE, merge-file on temp copies).
 * The working tree, the index and refs are never touched.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRollbookError, RollbookError } from '../errors.js';
import type { FlagChanges, Release, ReleaseChange } from '../model/release.js';
import type { MigrationSet, Service } from '../model/service.js';
import type { RevertTest, SuspectContents, TargetCommit } from '../model/target.js';
import { changedFiles, git, gitExit, isAncestor, readBlobs, resolveRef } from './git.js';
import { readRelease } from './release.js';

const short = (c: string) => c.slice(0, 7);

/** The suspect's bounds: base (excluded, what a rollback goes back to) and head (its newest commit). */
export interface SuspectBounds {
  ref: string;
  base: string;
  head: string;
}

async function resolveSuspectRef(root: string, ref: string, side: string): Promise<string> {
  try {
    return await resolveRef(root, ref);
  } catch (e) {
    if (isRollbookError(e))
      throw new RollbookError(
        e.code,
        `--suspect: ${e.message}${side ? ` (${side} of the range)` : ''}`,
        e.hint ?? 'Name a commit or a range A..B that exists locally.',
      );
    throw e;
  }
}

/**
 * Resolve `--suspect`: a commit (its first parent is the base) or a range A..B (A is the base).
 * The suspect must be in `from`'s history: a usage error says so otherwise.
 */
export async function resolveSuspect(
  root: string,
  ref: string,
  from: { ref: string; commit: string },
): Promise<SuspectBounds> {
  if (ref.includes('...'))
    throw new RollbookError(
      'USAGE',
      `--suspect ${ref}: a symmetric range (A...B) is not a suspect`,
      'Name one commit, or a range A..B (the commits after A up to and including B).',
    );
  let base: string;
  let head: string;
  const dots = ref.indexOf('..');
  if (dots >= 0) {
    const a = ref.slice(0, dots);
    const b = ref.slice(dots + 2);
    if (a === '' || b === '')
      throw new RollbookError('USAGE', `--suspect ${ref}: name both ends of the range (A..B)`);
    base = await resolveSuspectRef(root, a, 'start');
    head = await resolveSuspectRef(root, b, 'end');
    if (base === head || !(await isAncestor(root, base, head)))
      throw new RollbookError(
        'USAGE',
        `--suspect ${ref}: ${a} is not an ancestor of ${b}, so the range holds no commit`,
        'A range A..B means the commits after A up to and including B: A must be older than B.',
      );
  } else {
    head = await resolveSuspectRef(root, ref, '');
    const parents = (await git(root, ['rev-list', '--parents', '-n', '1', head])).trim().split(' ').slice(1);
    if (!parents[0])
      throw new RollbookError(
        'USAGE',
        `--suspect ${ref} (${short(head)}) is the first commit of the repository: there is no version before it to go back to`,
      );
    base = parents[0];
  }
  if (!(await isAncestor(root, head, from.commit)))
    throw new RollbookError(
      'USAGE',
      `--suspect ${ref} (${short(head)}) is not an ancestor of --from ${from.ref} (${short(from.commit)}): it is not part of the version to roll back`,
      'Name a suspect in the history of the running version, or name the running version with --from REF.',
    );
  return { ref, base, head };
}

/** Commits in base..head, oldest first, with their message subject, author and date. */
export async function commitsBetween(
  root: string,
  base: string,
  head: string,
): Promise<Omit<TargetCommit, 'changes' | 'migrations' | 'flags'>[]> {
  const out = await git(root, [
    'rev-list',
    '--reverse',
    '--no-commit-header',
    '--format=%H%x00%P%x00%an%x00%aI%x00%s',
    `${base}..${head}`,
  ]);
  const commits: Omit<TargetCommit, 'changes' | 'migrations' | 'flags'>[] = [];
  for (const line of out.split('\n')) {
    if (!line) continue;
    const [commit = '', parents = '', author = '', date = '', subject = ''] = line.split('\0');
    commits.push({
      commit,
      short: short(commit),
      subject,
      author,
      date,
      merge: parents.trim().split(' ').length > 1,
    });
  }
  return commits;
}

/** Commits whose changes the report details; beyond this, commits are listed without their changes. */
export const MAX_DETAILED_COMMITS = 100;

function ref(commit: string, how: string) {
  return { ref: short(commit), commit, short: short(commit), chosen: 'argument' as const, how };
}

/** What changed between two commits that a rollback cares about (the release reader's classification). */
export async function changesBetween(
  root: string,
  service: Service,
  sets: MigrationSet[],
  base: string,
  head: string,
): Promise<Release> {
  return readRelease(root, service, {}, sets, {
    from: ref(head, 'suspect'),
    to: ref(base, 'before the suspect'),
    shallow: false,
    git: true,
  });
}

const noFlags = (): FlagChanges => ({ added: [], removed: [], defaultChanged: [] });

function mergeFlags(changes: ReleaseChange[]): FlagChanges {
  const f = noFlags();
  for (const c of changes) {
    if (!c.flags) continue;
    f.added.push(...c.flags.added);
    f.removed.push(...c.flags.removed);
    f.defaultChanged.push(...c.flags.defaultChanged);
  }
  const uniq = (a: string[]) => [...new Set(a)].sort();
  return { added: uniq(f.added), removed: uniq(f.removed), defaultChanged: uniq(f.defaultChanged) };
}

function migrationsOf(changes: ReleaseChange[]): { set: string; version: string; file: string }[] {
  return changes.flatMap((c) =>
    c.kind === 'migration' && c.migration
      ? [{ set: c.migration.set, version: c.migration.version, file: c.file }]
      : [],
  );
}

/** The commits of base..head with what each changes (the first MAX_DETAILED_COMMITS in detail). */
export async function detailedCommits(
  root: string,
  service: Service,
  sets: MigrationSet[],
  base: string,
  head: string,
): Promise<TargetCommit[]> {
  const list = await commitsBetween(root, base, head);
  const out: TargetCommit[] = [];
  for (const [i, c] of list.entries()) {
    if (i >= MAX_DETAILED_COMMITS) {
      out.push({ ...c, changes: [], migrations: [], flags: noFlags() });
      continue;
    }
    const parent = (await git(root, ['rev-list', '--parents', '-n', '1', c.commit])).trim().split(' ')[1];
    const changes = parent ? (await changesBetween(root, service, sets, parent, c.commit)).changes : [];
    out.push({ ...c, changes, migrations: migrationsOf(changes), flags: mergeFlags(changes) });
  }
  return out;
}

/** What the suspect contains, by kind: every changed file, code being what no other kind claims. */
export async function suspectContents(
  root: string,
  release: Release,
  sets: MigrationSet[],
  base: string,
  head: string,
): Promise<SuspectContents> {
  const files = await changedFiles(root, base, head);
  const claimed = new Set(release.changes.map((c) => c.file));
  const inSets = (p: string) =>
    sets.some((s) => s.tool !== 'unknown' && s.path !== '.' && (p === s.path || p.startsWith(`${s.path}/`)));
  const of = (...kinds: ReleaseChange['kind'][]) =>
    release.changes.filter((c) => kinds.includes(c.kind)).map((c) => c.file);
  return {
    code: files.map((f) => f.path).filter((p) => !claimed.has(p) && !inSets(p)),
    config: of('config'),
    manifests: of('manifest'),
    migrations: migrationsOf(release.changes),
    flags: mergeFlags(release.changes),
    other: of('workflow', 'descriptor', 'released-migration-edited'),
  };
}

/** "git version 2.39.5" → [2, 39]. */
function versionOf(text: string): [number, number] {
  const m = /(\d+)\.(\d+)/.exec(text);
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
}

/** `git merge-tree --merge-base` (git 2.40+): the real merge machinery, objects only. */
async function mergeTreeRevert(root: string, base: string, head: string, onto: string): Promise<string[]> {
  const r = await gitExit(root, [
    'merge-tree',
    '--write-tree',
    '--name-only',
    '--no-messages',
    '-z',
    `--merge-base=${head}`,
    onto,
    base,
  ]);
  if (r.code === 0) return [];
  if (r.code !== 1) throw new RollbookError('GIT', `git merge-tree failed: ${r.stderr.trim()}`);
  const parts = r.stdout.split('\0').slice(1);
  const end = parts.indexOf('');
  return [...new Set(end < 0 ? parts : parts.slice(0, end))].sort();
}

/**
 * The same three-way merge without merge-tree --merge-base (git < 2.40): `git read-tree -m` into a
 * temporary index resolves the trivial cases, then each file changed on both sides is merged with
 * `git merge-file` on temporary copies. Only the temp directory is written.
 */
async function indexRevert(root: string, base: string, head: string, onto: string): Promise<string[]> {
  const tmp = mkdtempSync(join(tmpdir(), 'rollbook-revert-'));
  const env = { GIT_INDEX_FILE: join(tmp, 'index') };
  try {
    const rt = await gitExit(root, ['read-tree', '-m', '-i', '--aggressive', head, onto, base], env);
    if (rt.code !== 0) throw new RollbookError('GIT', `git read-tree failed: ${rt.stderr.trim()}`);
    const ls = await gitExit(root, ['ls-files', '-u', '-z', '--full-name', '--', ':/'], env);
    if (ls.code !== 0) throw new RollbookError('GIT', `git ls-files failed: ${ls.stderr.trim()}`);
    const stages = new Map<string, Map<string, string>>();
    for (const rec of ls.stdout.split('\0')) {
      if (!rec) continue;
      const tab = rec.indexOf('\t');
      const [, oid = '', stage = ''] = rec.slice(0, tab).split(' ');
      const path = rec.slice(tab + 1);
      if (!stages.has(path)) stages.set(path, new Map());
      stages.get(path)?.set(stage, oid);
    }
    const conflicts: string[] = [];
    for (const [path, s] of stages) {
      const [b, o, t] = [s.get('1'), s.get('2'), s.get('3')];
      if (!b || !o || !t) {
        conflicts.push(path); // added/deleted on one side, changed on the other
        continue;
      }
      const blobs = await readBlobs(root, [b, o, t]);
      const files = ['base', 'ours', 'theirs'].map((n) => join(tmp, n));
      [b, o, t].forEach((oid, i) => {
        writeFileSync(files[i] as string, blobs.get(oid) ?? Buffer.alloc(0));
      });
      const m = await gitExit(root, ['merge-file', '-p', '-q', files[1], files[0], files[2]] as string[]);
      if (m.code !== 0) conflicts.push(path);
    }
    return conflicts.sort();
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Would `git revert` of the suspect apply on top of `onto`? The revert is the three-way merge
 * base = suspect head, ours = onto, theirs = suspect base (a range is reverted as one change).
 */
export async function testRevert(
  root: string,
  suspect: { base: string; head: string },
  onto: string,
): Promise<RevertTest> {
  const version = (await git(root, ['version'])).trim();
  const [major, minor] = versionOf(version);
  const mergeTree = major > 2 || (major === 2 && minor >= 40);
  const conflicts = mergeTree
    ? await mergeTreeRevert(root, suspect.base, suspect.head, onto)
    : await indexRevert(root, suspect.base, suspect.head, onto);
  return {
    method: mergeTree ? 'merge-tree' : 'temporary-index',
    gitVersion: version.replace(/^git version /, ''),
    base: suspect.head,
    ours: onto,
    theirs: suspect.base,
    clean: conflicts.length === 0,
    conflicts,
  };
}
