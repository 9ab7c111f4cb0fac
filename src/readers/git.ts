/**
 * Read-only git access: resolve refs, list a tree, read blobs (`git rev-parse`, `git ls-tree`,
 * `git cat-file`). Never touches the working tree, the index or refs (GIT_OPTIONAL_LOCKS=0).
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { promisify } from 'node:util';
import { RollbookError } from '../errors.js';

const run = promisify(execFile);

const ENV = { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };

export async function git(root: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run('git', ['-C', root, ...args], {
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

/** The commit a ref names, or RollbookError (exit 2) when it names none. */
export async function resolveRef(root: string, ref: string): Promise<string> {
  if (ref === '' || ref.startsWith('-') || /[\0\n]/.test(ref))
    throw new RollbookError('USAGE', `invalid git ref "${ref}"`);
  try {
    await git(root, ['rev-parse', '--is-inside-work-tree']);
  } catch {
    throw new RollbookError('GIT', `${root} is not inside a git repository (--from/--to need one)`);
  }
  try {
    return (
      await git(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`])
    ).trim();
  } catch {
    throw new RollbookError(
      'GIT',
      `unknown git ref "${ref}"`,
      'Name a branch, tag or commit that exists locally (git fetch first).',
    );
  }
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
