/**
 * Read-only git access: resolve refs, list a tree, read blobs, compare two commits (`git rev-parse`,
 * `git ls-tree`, `git cat-file`, `git diff-tree`, `git tag --merged`, `git rev-list`). Never
 * fetches, checks out or writes: the working tree, the index and refs are untouched
 * (GIT_OPTIONAL_LOCKS=0).
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { promisify } from 'node:util';
import { isRollbookError, RollbookError } from '../errors.js';
import { cmp } from '../util/order.js';

const run = promisify(execFile);

const ENV = { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };

export async function git(root: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run('git', ['-C', root, '-c', 'core.quotePath=false', ...args], {
      env: ENV,
      maxBuffer: 256 * 1024 * 1024,
      encoding: 'utf8',
    });
    return stdout;
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT')
      throw new RollbookError('GIT', 'git is not installed (needed to read --from/--to)');
    throw new RollbookError('GIT', `git ${args[0]} failed: ${(err.stderr ?? err.message).trim()}`);
  }
}

/** A git command's exit code and output, for the commands whose exit code is the answer (extra env: e.g. a temporary GIT_INDEX_FILE). */
export async function gitExit(
  root: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('git', ['-C', root, '-c', 'core.quotePath=false', ...args], {
      env: { ...ENV, ...env },
      maxBuffer: 256 * 1024 * 1024,
      encoding: 'utf8',
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stdout?: string; stderr?: string; code?: unknown };
    if (err.code === 'ENOENT')
      throw new RollbookError('GIT', 'git is not installed (needed to read --from/--to)');
    return {
      code: typeof err.code === 'number' ? err.code : 1,
      stdout: err.stdout ?? '',
      stderr: err.stderr ?? err.message,
    };
  }
}

/** A git command's success, for the commands whose exit code is the answer. */
async function gitOk(root: string, args: string[]): Promise<boolean> {
  try {
    await git(root, args);
    return true;
  } catch (e) {
    if (isRollbookError(e) && /not installed/.test(e.message)) throw e;
    return false;
  }
}

/** What git says about the directory: a repository or not, commits or none, shallow or complete. */
export interface RepoState {
  /** The directory is inside a git work tree. */
  isRepo: boolean;
  /** HEAD names a commit (false in a repository without commits). */
  hasCommits: boolean;
  /** A shallow clone (CI's default depth 1): history and tags may be missing. */
  shallow: boolean;
  /** HEAD's branch, or undefined when HEAD is detached. */
  branch?: string;
  head?: string;
}

export async function repoState(root: string): Promise<RepoState> {
  // The usual case (a repository with commits) in one git process: inside a work tree, shallow, the
  // commit HEAD names, and HEAD's full ref name ("HEAD" when detached). git is spawned for each
  // answer otherwise, and a command asks this several times (each ref it resolves).
  const one = await gitExit(root, [
    'rev-parse',
    '--is-inside-work-tree',
    '--is-shallow-repository',
    'HEAD^{commit}',
    '--symbolic-full-name',
    'HEAD',
  ]);
  const lines = one.stdout.split('\n');
  const [, shallowOut, headOut, refOut] = lines;
  if (one.code === 0 && lines.length === 5 && /^[0-9a-f]{40,64}$/.test(headOut ?? '')) {
    const branch = refOut?.startsWith('refs/heads/') ? refOut.slice('refs/heads/'.length) : '';
    return {
      isRepo: true,
      hasCommits: true,
      shallow: shallowOut === 'true',
      ...(branch ? { branch } : {}),
      head: headOut as string,
    };
  }
  // not a repository, or no commits yet: ask one thing at a time
  if (!(await gitOk(root, ['rev-parse', '--is-inside-work-tree'])))
    return { isRepo: false, hasCommits: false, shallow: false };
  const head = await git(root, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']).catch(() => '');
  const shallow = (await git(root, ['rev-parse', '--is-shallow-repository']).catch(() => 'false')).trim();
  const branch = (await git(root, ['symbolic-ref', '--quiet', '--short', 'HEAD']).catch(() => '')).trim();
  return {
    isRepo: true,
    hasCommits: head.trim() !== '',
    shallow: shallow === 'true',
    ...(branch ? { branch } : {}),
    ...(head.trim() ? { head: head.trim() } : {}),
  };
}

/** The commit a ref names, or RollbookError (exit 2, one line) when it names none. */
export async function resolveRef(root: string, ref: string): Promise<string> {
  if (ref === '' || ref.startsWith('-') || /[\0\n]/.test(ref))
    throw new RollbookError('USAGE', `invalid git ref "${ref}"`);
  const found = await gitExit(root, [
    'rev-parse',
    '--verify',
    '--quiet',
    '--end-of-options',
    `${ref}^{commit}`,
  ]);
  if (found.code === 0 && found.stdout.trim() !== '') return found.stdout.trim();
  // what went wrong, said from the repository's state (asked only on this path)
  const state = await repoState(root);
  if (!state.isRepo)
    throw new RollbookError('GIT', `${root} is not inside a git repository (--from/--to need one)`);
  throw new RollbookError(
    'GIT',
    `unknown git ref "${ref}"${!state.hasCommits ? ' (the repository has no commits yet)' : ''}`,
    state.shallow
      ? 'This is a shallow clone: fetch the history and tags first (git fetch --tags --unshallow, or in CI checkout with fetch-depth: 0).'
      : 'Name a branch, tag or commit that exists locally (git fetch --tags first).',
  );
}

/** True when `ancestor` is reachable from `descendant` (a commit is its own ancestor). */
export function isAncestor(root: string, ancestor: string, descendant: string): Promise<boolean> {
  return gitOk(root, ['merge-base', '--is-ancestor', ancestor, descendant]);
}

/** Number of commits reachable from `head` and not from `base` (undefined when history is missing). */
export async function countCommits(root: string, base: string, head: string): Promise<number | undefined> {
  try {
    return Number((await git(root, ['rev-list', '--count', `${base}..${head}`])).trim());
  } catch {
    return undefined;
  }
}

/** A tag and the commit it names. */
export interface TagRef {
  name: string;
  commit: string;
}

/** Tags reachable from `commit` (matching `pattern`, a git glob, when given), with their commits. */
export async function tagsMerged(root: string, commit: string, pattern?: string): Promise<TagRef[]> {
  const out = await git(root, [
    'tag',
    '--merged',
    commit,
    '--format=%(refname:strip=2)%00%(*objectname)%00%(objectname)',
    ...(pattern ? ['--list', pattern] : []),
  ]);
  const tags: TagRef[] = [];
  for (const line of out.split('\n')) {
    if (!line) continue;
    const [name, peeled, direct] = line.split('\0');
    if (name) tags.push({ name, commit: peeled || direct || '' });
  }
  return tags;
}

/** How a file differs between two commits. */
export type FileStatus = 'added' | 'modified' | 'deleted' | 'type-changed';

export interface ChangedFile {
  /** Path relative to `root`, POSIX separators. */
  path: string;
  status: FileStatus;
}

const STATUS: Record<string, FileStatus> = { A: 'added', M: 'modified', D: 'deleted', T: 'type-changed' };

/**
 * The files that differ between `base` and `head` under `root` (renames are a deletion and an
 * addition), sorted by path. `git diff-tree --relative`: paths are relative to root and files
 * outside it are left out.
 */
export async function changedFiles(
  root: string,
  base: string,
  head: string,
  paths: string[] = [],
): Promise<ChangedFile[]> {
  const out = await git(root, [
    'diff-tree',
    '-r',
    '-z',
    '--no-renames',
    '--name-status',
    '--relative',
    base,
    head,
    '--',
    ...paths,
  ]);
  const parts = out.split('\0');
  const files: ChangedFile[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const status = STATUS[parts[i] ?? ''];
    const path = parts[i + 1];
    if (status && path) files.push({ path, status });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** One hunk of a diff: where it starts at `head` and the lines it removed and added. */
export interface Hunk {
  /** 1-based first line of the hunk at head (for a pure deletion: the line after which it was). */
  line: number;
  removed: string[];
  added: string[];
}

/** The hunks (no context lines) of each file that differs between base and head, by path. */
export async function diffHunks(
  root: string,
  base: string,
  head: string,
  paths: string[],
): Promise<Map<string, Hunk[]>> {
  const result = new Map<string, Hunk[]>();
  if (paths.length === 0) return result;
  const out = await git(root, [
    'diff-tree',
    '-r',
    '-p',
    '-U0',
    '--no-color',
    '--no-renames',
    '--no-ext-diff',
    '--relative',
    base,
    head,
    '--',
    ...paths,
  ]);
  let file: string | undefined;
  let hunk: Hunk | undefined;
  let oldFile: string | undefined;
  for (const line of out.split('\n')) {
    if (line.startsWith('diff --git ')) {
      file = undefined;
      oldFile = undefined;
      hunk = undefined;
    } else if (line.startsWith('--- ') && !hunk) {
      oldFile = line === '--- /dev/null' ? undefined : line.slice(6);
    } else if (line.startsWith('+++ ') && !hunk) {
      file = line === '+++ /dev/null' ? oldFile : line.slice(6);
      if (file !== undefined && !result.has(file)) result.set(file, []);
    } else if (line.startsWith('@@ ')) {
      const m = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
      if (!m || file === undefined) continue;
      hunk = { line: Math.max(1, Number(m[1]) + (m[2] === '0' ? 1 : 0)), removed: [], added: [] };
      result.get(file)?.push(hunk);
    } else if (hunk && line.startsWith('-')) hunk.removed.push(line.slice(1));
    else if (hunk && line.startsWith('+')) hunk.added.push(line.slice(1));
  }
  return result;
}

/** Files under `paths` that differ from HEAD in the working tree or are untracked (git status, read only). */
export async function uncommittedFiles(root: string, paths: string[]): Promise<string[]> {
  const out = await git(root, [
    'status',
    '--porcelain=v1',
    '-z',
    '--untracked-files=all',
    '--no-renames',
    '--',
    ...(paths.length ? paths : ['.']),
  ]);
  const prefix = (await git(root, ['rev-parse', '--show-prefix'])).trim();
  const files: string[] = [];
  for (const rec of out.split('\0')) {
    if (rec.length < 4) continue;
    const full = rec.slice(3);
    if (full.startsWith(prefix)) files.push(full.slice(prefix.length));
  }
  return [...new Set(files)].sort(cmp);
}

export interface TreeEntry {
  /** Path relative to `root`, POSIX separators. */
  path: string;
  oid: string;
}

/** Files (blobs) under `paths` (relative to root) at a commit. */
export async function listTree(root: string, commit: string, paths: string[]): Promise<TreeEntry[]> {
  const out = await git(root, ['ls-tree', '-r', '-z', commit, '--', ...(paths.length ? paths : ['.'])]);
  const entries: TreeEntry[] = [];
  for (const rec of out.split('\0')) {
    if (!rec) continue;
    const tab = rec.indexOf('\t');
    const [, type, oid] = rec.slice(0, tab).split(' ');
    if (type !== 'blob' || !oid) continue;
    entries.push({ path: rec.slice(tab + 1), oid });
  }
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Blob contents by object id, read with one `git cat-file --batch`. */
export async function readBlobs(root: string, oids: string[]): Promise<Map<string, Buffer>> {
  const unique = [...new Set(oids)];
  const result = new Map<string, Buffer>();
  if (unique.length === 0) return result;
  const child = spawn('git', ['-C', root, 'cat-file', '--batch'], {
    env: ENV,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const chunks: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => chunks.push(c));
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const done = new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
  child.stdin.end(`${unique.join('\n')}\n`);
  const code = await done;
  if (code !== 0) throw new RollbookError('GIT', `git cat-file failed: ${stderr.trim()}`);
  const buf = Buffer.concat(chunks);
  let pos = 0;
  for (const oid of unique) {
    const nl = buf.indexOf(0x0a, pos);
    const header = buf.subarray(pos, nl).toString('utf8');
    const [got, , size] = header.split(' ');
    if (got !== oid || size === undefined)
      throw new RollbookError('GIT', `git cat-file: unexpected "${header}"`);
    const start = nl + 1;
    const end = start + Number(size);
    result.set(oid, buf.subarray(start, end));
    pos = end + 1;
  }
  return result;
}

/**
 * Copy the files under `paths` at a commit into `dest` (a temporary directory), keeping their
 * paths relative to root. Returns the paths written. Only `dest` is written.
 */
export async function materialize(
  root: string,
  commit: string,
  paths: string[],
  dest: string,
): Promise<string[]> {
  const entries = await listTree(root, commit, paths);
  const blobs = await readBlobs(
    root,
    entries.map((e) => e.oid),
  );
  for (const e of entries) {
    if (e.path.split('/').includes('..')) continue;
    const target = join(dest, ...e.path.split('/'));
    if (!target.startsWith(dest + sep)) continue;
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, blobs.get(e.oid) ?? Buffer.alloc(0));
  }
  return entries.map((e) => e.path);
}
