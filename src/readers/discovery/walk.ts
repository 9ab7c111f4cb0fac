import { readdirSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import type { Unknown } from '../../model/service.js';
import { type ReadBudget, readBoundedText, readBudget, TOTAL_READ_FILES } from '../text-file.js';

/** A file found under the repository root. `rel` is relative to the root, POSIX separators. */
export interface RepoFile {
  rel: string;
  abs: string;
  /** Bytes, when already known (the walker does not stat every file; readers stat what they read). */
  size?: number;
  /** The repository's real root: the file is not read when its real path leaves it. */
  root?: string;
  /** What the whole walk may still read (shared by its files). */
  budget?: ReadBudget;
}

export interface WalkResult {
  files: RepoFile[];
  unknowns: Unknown[];
}

/** Directories never worth reading (besides .gitignore'd paths). */
const ALWAYS_SKIP = new Set(['.git', 'node_modules', '.hg', '.svn', '.terraform', '.venv', '__pycache__']);

function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

function isInside(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);
}

interface Scope {
  /** Directory (relative, POSIX, '' for root) the .gitignore sits in. */
  base: string;
  ig: Ignore;
}

function ignoredBy(scopes: Scope[], rel: string, isDir: boolean): boolean {
  for (const s of scopes) {
    const sub = s.base === '' ? rel : rel.slice(s.base.length + 1);
    if (sub === '') continue;
    if (s.ig.ignores(isDir ? `${sub}/` : sub)) return true;
  }
  return false;
}

/**
 * Every file under `root`, deterministic order, honouring .gitignore files (root and nested).
 * Symbolic links are never followed: a link inside the repository points at files that are read
 * directly anyway; links that leave the root, dangle or loop are reported in `unknowns`.
 */
export async function walk(root: string, maxFiles = TOTAL_READ_FILES): Promise<WalkResult> {
  const realRoot = await realpath(root);
  const files: RepoFile[] = [];
  const unknowns: Unknown[] = [];
  const budget = readBudget();
  let over = 0;

  async function visit(dirRel: string, scopes: Scope[]): Promise<void> {
    const dirAbs = dirRel === '' ? realRoot : join(realRoot, dirRel);
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(dirAbs, { withFileTypes: true });
    } catch (e) {
      unknowns.push({
        subject: dirRel || '.',
        reason: `directory not readable (${(e as NodeJS.ErrnoException).code ?? 'error'}); skipped`,
      });
      return;
    }
    let local = scopes;
    if (entries.some((e) => e.name === '.gitignore' && e.isFile())) {
      const r = readBoundedText(join(dirAbs, '.gitignore'), {
        maxBytes: 1024 * 1024,
        root: realRoot,
        budget,
      });
      if (r.ok) local = [...scopes, { base: dirRel, ig: ignore().add(r.text) }];
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs: string[] = [];
    for (const e of entries) {
      const rel = dirRel === '' ? e.name : `${dirRel}/${e.name}`;
      if (e.isDirectory()) {
        if (ALWAYS_SKIP.has(e.name) || ignoredBy(local, rel, true)) continue;
        subdirs.push(rel);
      } else if (e.isSymbolicLink()) {
        if (ignoredBy(local, rel, false)) continue;
        const reason = await symlinkReason(join(dirAbs, e.name), realRoot);
        if (reason) unknowns.push({ subject: rel, reason, at: { file: rel, line: 1 } });
      } else if (e.isFile()) {
        if (ignoredBy(local, rel, false)) continue;
        if (files.length >= maxFiles) over++;
        else files.push({ rel: toPosix(rel), abs: join(dirAbs, e.name), root: realRoot, budget });
      }
    }
    for (const d of subdirs) await visit(d, local);
  }

  await visit('', []);
  if (over > 0)
    unknowns.push({
      subject: '.',
      reason: `more than ${maxFiles} files in the repository: ${over} not read (the first ${maxFiles} in path order were)`,
    });
  const byRel = (a: { rel?: string; subject?: string }, b: { rel?: string; subject?: string }) => {
    const x = a.rel ?? a.subject ?? '';
    const y = b.rel ?? b.subject ?? '';
    return x < y ? -1 : x > y ? 1 : 0;
  };
  files.sort(byRel);
  unknowns.sort(byRel);
  return { files, unknowns };
}

/** Why a symlink is worth reporting (null: it points inside the root and its target is read directly). */
async function symlinkReason(abs: string, realRoot: string): Promise<string | null> {
  let target: string;
  try {
    target = await realpath(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return 'symlink loop; not followed';
    if (code === 'ENOENT') return 'dangling symlink; skipped';
    return `symlink not resolvable (${code ?? 'error'}); skipped`;
  }
  if (!isInside(target, realRoot)) return 'symlink points outside the repository; not followed';
  try {
    const st = await stat(abs);
    if (st.isDirectory()) {
      const linkDir = await realpath(join(abs, '..'));
      if (isInside(linkDir, target))
        return 'symlink loop (points at one of its own parent directories); not followed';
    }
  } catch {
    return 'symlink not readable; skipped';
  }
  return null;
}

export function relPath(root: string, abs: string): string {
  return toPosix(relative(root, abs));
}
