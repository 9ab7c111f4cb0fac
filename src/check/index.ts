/**
 * `rollbook check` as a library call: the change since a base (the merge-base with the default
 * branch, or what CI names) reviewed against the next rollback. Reads git and the working tree,
 * runs the rules over what changed (added and edited migrations, manifests, flag files,
 * ConfigMaps/Secrets, workflows), applies rollbook.yaml `rules`/`ignore` and inline ignores, and
 * cites where the previous version's code still uses what the change drops or renames.
 */
import { join } from 'node:path';
import type { CheckChange, CheckFinding, CheckOutcome, CheckReport } from '../model/check.js';
import type { Finding, Rule } from '../model/finding.js';
import type { ReleaseChange } from '../model/release.js';
import type { Migration, Service } from '../model/service.js';
import { resolveBase } from '../readers/change-base.js';
import { findDescriptor, readDescriptor } from '../readers/descriptor.js';
import { changedFiles, git, listTree, tagsMerged, uncommittedFiles } from '../readers/git.js';
import { type IgnoreDirective, readIgnoreDirectives } from '../readers/ignore-comments.js';
import { loadService } from '../readers/load-service.js';
import { searchPreviousCode } from '../readers/previous-code.js';
import { compareVersionTags, readRelease } from '../readers/release.js';
import { serviceRoot } from '../readers/root.js';
import { readTextFile } from '../readers/text-file.js';
import { RULES, runRules } from '../rules/index.js';
import { cmp, sortFindings } from '../util/order.js';
import { applyPolicy, type CheckConfig, checkRuleIds, DIRECTIVE_RULES, ignoredPath } from './policy.js';

export interface CheckOptions {
  /** --base REF; default: GITHUB_BASE_REF in a pull request, else the default branch. */
  base?: string;
  /** Environment (CI variables); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Resolve dir against this directory (default process.cwd()). */
  cwd?: string;
}

const MAX_TEXT_BYTES = 4 * 1024 * 1024;

/** Rules whose subject is a name the previous version may still use (table or table.column). */
const NAME_RULES = new Set(['drop-column', 'rename-column', 'drop-table', 'rename-table']);

const filesOf = (m: Migration): string[] =>
  [m.up?.file, m.down?.file, m.at.file].filter((f): f is string => !!f);

/** rollbook.yaml `rules` and `ignore`, with where each entry was written. */
function readConfig(root: string): CheckConfig {
  const file = findDescriptor(root);
  if (!file) return { rules: {}, ignore: [], at: () => ({ file: 'rollbook.yaml', line: 1, col: 1 }) };
  const { descriptor, locate } = readDescriptor(root, file);
  return {
    rules: descriptor.rules ?? {},
    ignore: descriptor.ignore ?? [],
    at: (path) => locate(path),
  };
}

/** The release tag (newest first) that already holds each file, among tags reachable from `commit`. */
async function releasedIn(root: string, commit: string, files: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (files.length === 0) return out;
  const tags = (await tagsMerged(root, commit))
    .filter((t) => /^v?\d+(\.\d+)*(-[0-9A-Za-z.-]+)?$/.test(t.name))
    .sort((a, b) => compareVersionTags(b.name, a.name));
  for (const tag of tags.slice(0, 20)) {
    const present = new Set((await listTree(root, tag.commit, files)).map((e) => e.path));
    for (const f of files) if (present.has(f) && !out.has(f)) out.set(f, tag.name);
    if (out.size === files.length) break;
  }
  return out;
}

/** Review the change in `dir` since its base. Throws RollbookError (exit 2) on bad input. */
export async function check(dir: string | undefined, opts: CheckOptions = {}): Promise<CheckReport> {
  const root = serviceRoot(dir, opts.cwd);
  const env = opts.env ?? process.env;
  const config = readConfig(root);
  const base = await resolveBase(root, { ...(opts.base !== undefined ? { base: opts.base } : {}), env });
  const pathPrefix = (await git(root, ['rev-parse', '--show-prefix'])).trim().replace(/\/$/, '');

  // parse only the files of the change: a long history costs a directory listing, not a parse
  const touched = new Set([
    ...(await changedFiles(root, base.mergeBase, base.head)).map((f) => f.path),
    ...(await uncommittedFiles(root, [])),
  ]);
  const service = await loadService(root, { release: false, parse: (file) => touched.has(file) });
  const release = await readRelease(root, service, { from: 'HEAD', to: base.mergeBase });
  const skip = ignoredPath(config);
  const changes: ReleaseChange[] = release.changes.filter((c) => skip(c.file) === undefined);
  const changed = new Set(changes.map((c) => c.file));
  // an added migration's change names its up file: its down counts too
  const migrationsChanged = new Set(
    changes
      .filter((c) => c.kind === 'migration' && c.migration)
      .map((c) => `${c.migration?.set}\u0000${c.migration?.version}`),
  );
  for (const file of release.uncommitted) if (skip(file) === undefined) changed.add(file);
  const kept = service.migrations.map((s) => ({
    ...s,
    migrations: s.migrations.filter(
      (m) => migrationsChanged.has(`${s.path}\u0000${m.version}`) || filesOf(m).some((f) => changed.has(f)),
    ),
  }));
  // an added migration is reviewed whole (up and down); an edited one only in the files edited
  for (const s of kept)
    for (const m of s.migrations)
      if (migrationsChanged.has(`${s.path}\u0000${m.version}`)) for (const f of filesOf(m)) changed.add(f);

  // the tag a released migration edited or deleted since the base shipped in
  const edited = changes.filter((c) => c.kind === 'released-migration-edited');
  const tags = await releasedIn(
    root,
    base.mergeBase,
    edited.map((c) => c.file),
  );
  for (const c of edited) {
    const tag = tags.get(c.file);
    if (tag) c.releasedIn = tag;
  }

  const reviewed: Service = { ...service, migrations: kept, release: { ...release, changes } };
  const rules: readonly Rule[] = RULES;
  const raw: Finding[] = runRules(reviewed, rules).filter((f) => {
    const file = f.evidence[0]?.file;
    return file !== undefined && changed.has(file);
  });

  // inline ignores in the files of the change (reading them also refuses binary files: exit 2)
  const directives: IgnoreDirective[] = [];
  for (const file of [...changed].sort(cmp)) {
    if (changes.some((c) => c.file === file && c.status === 'deleted')) continue;
    let text: string;
    try {
      text = readTextFile(join(root, file), { maxBytes: MAX_TEXT_BYTES, display: file, root });
    } catch (e) {
      // gone, or not a file rollbook reads (a link out of the repository, a FIFO): no directives
      if ((e as { code?: string }).code === 'NOT_FOUND') continue;
      throw e;
    }
    directives.push(...readIgnoreDirectives(file, text));
  }
  checkRuleIds([...rules.map((r) => r.meta.id), ...DIRECTIVE_RULES.map((r) => r.id)], config, directives);
  const policy = applyPolicy(raw, directives, config);

  // the previous version's code, for every name the change drops or renames
  const exclude = service.migrations.map((s) => s.path);
  const findings: CheckFinding[] = [];
  for (const f of policy.findings) {
    if (!NAME_RULES.has(f.rule)) {
      findings.push(f);
      continue;
    }
    const parts = f.subject.replace(/"/g, '').split('.');
    const isColumn = f.rule.includes('column');
    const identifier = parts.at(-1) ?? f.subject;
    const previousVersion = await searchPreviousCode(root, base.mergeBase, identifier, {
      exclude,
      what: isColumn ? 'column' : 'table',
    });
    findings.push({ ...f, previousVersion });
  }

  const unknowns: CheckReport['unknowns'] = [];
  for (const s of kept)
    for (const m of s.migrations)
      for (const file of [m.up, m.down])
        for (const e of file?.errors ?? [])
          unknowns.push({
            subject: `migration ${m.version} (${file?.direction})`,
            reason: `PostgreSQL's parser rejects it: ${e.message}; its rollback hazards are unknown until it parses`,
            at: e.at,
          });
  for (const s of service.migrations)
    for (const sk of s.skipped)
      if (changed.has(sk.file))
        unknowns.push({ subject: sk.file, reason: sk.reason, at: { file: sk.file, line: 1 } });

  const sorted = sortFindings(findings) as CheckFinding[];
  const count = (sev: Finding['severity']) => sorted.filter((f) => f.severity === sev).length;
  const outcome: CheckOutcome = count('error') > 0 ? 'fail' : unknowns.length > 0 ? 'unknown' : 'pass';
  const checkChanges: CheckChange[] = [
    ...changes.map((c) => ({ file: c.file, status: c.status, kind: c.kind })),
    ...release.uncommitted
      .filter((f) => skip(f) === undefined)
      .map((file) => ({ file, status: 'uncommitted', kind: 'migration' })),
  ];
  return {
    base: { ref: base.ref, how: base.how, commit: base.commit, mergeBase: base.mergeBase },
    head: base.head,
    pathPrefix,
    changes: checkChanges,
    findings: sorted,
    ignored: policy.ignored,
    rules: [...rules.map((r) => r.meta), ...DIRECTIVE_RULES].sort((a, b) =>
      a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
    ),
    unknowns,
    outcome,
    summary: {
      error: count('error'),
      warning: count('warning'),
      info: count('info'),
      ignored: policy.ignored.length,
      files: checkChanges.length,
    },
  };
}
