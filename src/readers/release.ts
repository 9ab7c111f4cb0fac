/**
 * The release reader: resolve `from` and `to` in git and list what changed between them that a
 * rollback cares about. Read only (rev-parse, tag --merged, rev-list, diff-tree, ls-tree, cat-file,
 * status): never fetches, checks out or writes.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { RollbookError } from '../errors.js';
import type {
  ChangeKind,
  FlagChanges,
  Release,
  ReleaseChange,
  ReleaseRef,
  TargetSchema,
  ValueChange,
} from '../model/release.js';
import type { Migration, MigrationSet, Service } from '../model/service.js';
import { cmp } from '../util/order.js';
import {
  type ChangedFile,
  changedFiles,
  countCommits,
  diffHunks,
  type Hunk,
  isAncestor,
  listTree,
  materialize,
  readBlobs,
  refMoves,
  repoState,
  resolveRef,
  tagsMerged,
  uncommittedFiles,
} from './git.js';
import { loadMigrationSets, type MigrationSpec } from './migrations/index.js';

export interface ReleaseOptions {
  /** The version to roll back (default: HEAD). */
  from?: string;
  /** The target version (default: the newest release tag reachable from `from`, other than itself). */
  to?: string;
  /** Release tags: a git glob (rollbook.yaml `release.tags`); default: version-like tags. */
  tags?: string;
}

const VERSION_TAG = /^v?\d+(\.\d+)*(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

interface ParsedVersion {
  nums: number[];
  pre: string[];
}

function parseVersion(tag: string): ParsedVersion | undefined {
  const m = /(\d+(?:\.\d+)*)(?:-([0-9A-Za-z.-]+))?/.exec(tag);
  if (!m?.[1]) return undefined;
  return { nums: m[1].split('.').map(Number), pre: m[2] ? m[2].split('.') : [] };
}

/** Order tags as versions (1.10.0 after 1.9.0; a pre-release before its release); names break ties. */
export function compareVersionTags(a: string, b: string): number {
  const va = parseVersion(a);
  const vb = parseVersion(b);
  if (!va || !vb) return va ? 1 : vb ? -1 : a < b ? -1 : a > b ? 1 : 0;
  for (let i = 0; i < Math.max(va.nums.length, vb.nums.length); i++) {
    const d = (va.nums[i] ?? 0) - (vb.nums[i] ?? 0);
    if (d !== 0) return d;
  }
  if (va.pre.length === 0 || vb.pre.length === 0) {
    const d = (va.pre.length === 0 ? 1 : 0) - (vb.pre.length === 0 ? 1 : 0);
    if (d !== 0) return d;
  }
  for (let i = 0; i < Math.max(va.pre.length, vb.pre.length); i++) {
    const x = va.pre[i];
    const y = vb.pre[i];
    if (x === undefined || y === undefined) return x === undefined ? -1 : 1;
    const nx = /^\d+$/.test(x) ? Number(x) : undefined;
    const ny = /^\d+$/.test(y) ? Number(y) : undefined;
    if (nx !== undefined && ny !== undefined && nx !== ny) return nx - ny;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

const short = (commit: string) => commit.slice(0, 7);

/** The window of a release: its two commits, before anything is read from the trees. */
export interface ReleaseWindow {
  from: ReleaseRef;
  to?: ReleaseRef;
  unscopedReason?: string;
  shallow: boolean;
  /** False outside a git repository or in one without commits. */
  git: boolean;
}

/**
 * Resolve `from` and `to`. Unknown refs are RollbookError (exit 2, one line); `from` older than
 * `to` is a usage error saying which is which. Without git, commits or tags the window is returned
 * unscoped with the reason, said once.
 */
export async function resolveWindow(root: string, opts: ReleaseOptions = {}): Promise<ReleaseWindow> {
  const state = await repoState(root);
  const named = opts.from !== undefined || opts.to !== undefined;
  if (!state.isRepo || !state.hasCommits) {
    if (named) {
      // resolveRef says "not a git repository" / "unknown ref ... no commits yet"
      await resolveRef(root, (opts.from ?? opts.to) as string);
    }
    return {
      from: { ref: 'working tree', commit: '', short: '', chosen: 'head', how: 'the files on disk' },
      unscopedReason: !state.isRepo
        ? 'not a git repository: the version running now and the rollback target are unknown, so every migration-derived claim covers the whole history'
        : 'the repository has no commits yet: there is no release to roll back to',
      shallow: false,
      git: false,
    };
  }
  const fromCommit = opts.from !== undefined ? await resolveRef(root, opts.from) : (state.head as string);
  const fromRef: ReleaseRef =
    opts.from !== undefined
      ? await argumentRef(root, opts.from, fromCommit, '--from', opts.tags)
      : {
          ref: 'HEAD',
          commit: fromCommit,
          short: short(fromCommit),
          chosen: 'head',
          how: state.branch ? `HEAD on branch ${state.branch}` : 'detached HEAD',
        };
  const base: ReleaseWindow = { from: fromRef, shallow: state.shallow, git: true };
  if (opts.to !== undefined) {
    const toCommit = await resolveRef(root, opts.to);
    if (toCommit !== fromCommit && (await isAncestor(root, fromCommit, toCommit))) {
      throw new RollbookError(
        'USAGE',
        `--from ${fromRef.ref} (${short(fromCommit)}) is older than --to ${opts.to} (${short(toCommit)})`,
        '--from is the version to roll back (running now, the newer one); --to is the target, the last good (older) version. Swap them.',
      );
    }
    return { ...base, to: await argumentRef(root, opts.to, toCommit, '--to', opts.tags) };
  }
  const releaseTags = (await tagsMerged(root, fromCommit, opts.tags))
    .filter((t) => opts.tags !== undefined || VERSION_TAG.test(t.name))
    .sort((a, b) => compareVersionTags(b.name, a.name));
  // HEAD released as a tag: a later command names it by the tag, which does not move with HEAD
  const headTag = fromRef.chosen === 'head' ? releaseTags.find((t) => t.commit === fromCommit) : undefined;
  if (headTag) base.from = { ...fromRef, tag: headTag.name };
  const tags = releaseTags.filter((t) => t.commit !== fromCommit);
  const prev = tags[0];
  const which = opts.tags !== undefined ? `release.tags: ${opts.tags}` : 'version-like tags';
  if (!prev) {
    return {
      ...base,
      unscopedReason: state.shallow
        ? `no release tag (${which}) is reachable from ${fromRef.ref} in this shallow clone: fetch the history and tags (git fetch --tags --unshallow; in CI, checkout with fetch-depth: 0) or name the target with --to`
        : `no release tag (${which}) is reachable from ${fromRef.ref}: name the target with --to REF, or tag releases`,
    };
  }
  return {
    ...base,
    to: {
      ref: prev.name,
      commit: prev.commit,
      short: short(prev.commit),
      chosen: 'previous-tag',
      how: `newest release tag reachable from ${fromRef.ref} (${which}, ordered as versions)`,
    },
  };
}

const SQLISH = /(\.sql|^sqitch\.plan|^sqitch\.conf|^migration_lock\.toml)$/;
const DESCRIPTORS = ['rollbook.yaml', 'rollbook.yml'];

function specsOf(sets: MigrationSet[]): MigrationSpec[] {
  return sets
    .filter((s) => s.tool !== 'unknown')
    .map((s) => ({
      tool: s.tool,
      path: s.path,
      database: s.database,
      ...(s.serverVersion !== undefined ? { version: s.serverVersion } : {}),
      ...(s.at ? { at: s.at } : {}),
    }));
}

/**
 * A side named on the command line. A branch (or HEAD, main~1) moves: a command printed now for
 * later use names its release tag when one is at the commit, else the commit (planner stableRef);
 * a tag or a commit id is carried as typed.
 */
async function argumentRef(
  root: string,
  ref: string,
  commit: string,
  how: '--from' | '--to',
  pattern: string | undefined,
): Promise<ReleaseRef> {
  const r: ReleaseRef = { ref, commit, short: short(commit), chosen: 'argument', how };
  if (!(await refMoves(root, ref, commit))) return r;
  r.moving = true;
  const tag = (await tagsMerged(root, commit, pattern))
    .filter((t) => t.commit === commit && (pattern !== undefined || VERSION_TAG.test(t.name)))
    .sort((a, b) => compareVersionTags(b.name, a.name))[0];
  if (tag) r.tag = tag.name;
  return r;
}

/**
 * The migration sets at a commit, at the locations `sets` (read from the working tree's rollbook.yaml
 * and discovery) name — never from that commit's own descriptor. A location missing at the commit
 * gives an empty set. Files are copied to a temporary directory (the only thing written) and read as
 * usual; evidence paths stay relative to root.
 */
export async function migrationSetsAt(
  root: string,
  commit: string,
  sets: MigrationSet[],
): Promise<MigrationSet[]> {
  const tmp = mkdtempSync(join(tmpdir(), 'rollbook-at-'));
  try {
    const paths = [...new Set(sets.filter((s) => s.tool !== 'unknown').map((s) => s.path))];
    const sub = paths.filter((p) => p !== '.');
    if (sub.length > 0) await materialize(root, commit, sub, tmp);
    if (paths.includes('.')) {
      const files = (await listTree(root, commit, [])).map((e) => e.path);
      const pick = files.filter((f) => !f.includes('/') && SQLISH.test(f));
      if (pick.length > 0) await materialize(root, commit, pick, tmp);
    }
    const out: MigrationSet[] = [];
    for (const spec of specsOf(sets)) {
      const path = spec.path as string;
      if (path !== '.' && !existsSync(join(tmp, path))) {
        const set = sets.find((s) => s.path === path) as MigrationSet;
        out.push({ ...set, migrations: [], skipped: [] });
        continue;
      }
      const orig = sets.find((s) => s.path === path);
      for (const loaded of await loadMigrationSets(tmp, [spec]))
        out.push(orig?.selection ? { ...loaded, selection: orig.selection } : loaded);
    }
    return out;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const inSet = (set: MigrationSet, file: string) =>
  set.path === '.' || file === set.path || file.startsWith(`${set.path}/`);

function filesOf(m: Migration): string[] {
  return [...new Set([m.up?.file, m.down?.file, m.at.file].filter((f): f is string => Boolean(f)))];
}

const WORKFLOW =
  /^(\.github\/workflows\/.+\.ya?ml|\.gitlab-ci\.yml|\.gitlab\/.+\.ya?ml|Jenkinsfile|\.circleci\/.+|azure-pipelines\.ya?ml|bitbucket-pipelines\.yml|\.buildkite\/.+|\.drone\.yml|cloudbuild\.ya?ml|buildspec\.ya?ml|\.travis\.yml)$/;
const CONFIG_NAME =
  /(^|\/)(\.env(\.[^/]+)?|[^/]*\.env|config(map)?s?\/[^/]+|[^/]*(configmap|secret)[^/]*\.(ya?ml|json)|values[^/]*\.ya?ml|application[^/]*\.(ya?ml|properties))$/i;
const MANIFEST_NAME =
  /(^|\/)((docker-)?compose[^/]*\.ya?ml|Chart\.yaml|templates\/[^/]+\.(ya?ml|tpl)|kustomization\.ya?ml|[^/]*\.(tf|hcl|nomad)|task-?definition[^/]*\.json|app\.json|Procfile|serverless\.ya?ml|template\.ya?ml|service\.ya?ml|[^/]+\.service|Dockerfile[^/]*)$/i;
const FIELDS: [string, RegExp][] = [
  ['image', /^\s*(?:-\s*)?"?image"?\s*:/],
  ['replicas', /^\s*"?(replicas|replicaCount|desiredCount|count)"?\s*:/],
  ['probes', /^\s*"?(readinessProbe|livenessProbe|startupProbe|healthcheck|healthCheck)"?\s*:/],
  ['strategy', /^\s*"?(strategy|rollingUpdate|maxSurge|maxUnavailable|minReadySeconds)"?\s*:/],
  [
    'config refs',
    /^\s*(?:-\s*)?"?(configMapRef|secretRef|configMapKeyRef|secretKeyRef|envFrom|configMap|secret|env_file)"?\s*:/,
  ],
  ['env', /^\s*(?:-\s*)?"?(env|environment)"?\s*:|^\s*-\s*name\s*:/],
];

const KEY = /^[A-Za-z_][\w.-]*$/;
const VALUE = /^[^"\s,#{}[\]]+$/;

/** `key: value` (YAML, also as a list item), `"key": "value",` (JSON) or `key = value` (HCL-like): [key, value]. */
function scalarLine(line: string): [string, string] | undefined {
  let t = line.trim();
  if (t.startsWith('- ')) t = t.slice(2).trim();
  const i = t.search(/[:=]/);
  if (i <= 0) return undefined;
  const key = t
    .slice(0, i)
    .trim()
    .replace(/^"(.*)"$/, '$1');
  let value = t.slice(i + 1);
  const hash = value.indexOf(' #');
  if (hash >= 0) value = value.slice(0, hash);
  value = value
    .trim()
    .replace(/,$/, '')
    .trim()
    .replace(/^"(.*)"$/, '$1')
    .replace(/^'(.*)'$/, '$1');
  return KEY.test(key) && VALUE.test(value) ? [key, value] : undefined;
}

/**
 * Scalar values changed in place: per hunk, the n-th removed `key: value` line of a key paired with
 * the n-th added line of the same key (YAML, JSON and HCL-like `key = value`), when the value differs.
 */
export function valueChanges(file: string, hunks: Hunk[] | undefined): ValueChange[] {
  const out: ValueChange[] = [];
  for (const h of hunks ?? []) {
    const removed = new Map<string, string[]>();
    for (const l of h.removed) {
      const m = scalarLine(l);
      if (m) removed.set(m[0], [...(removed.get(m[0]) ?? []), m[1]]);
    }
    const seen = new Map<string, number>();
    h.added.forEach((l, i) => {
      const m = scalarLine(l);
      if (!m) return;
      const [key, after] = m;
      const n = seen.get(key) ?? 0;
      seen.set(key, n + 1);
      const before = removed.get(key)?.[n];
      if (before !== undefined && before !== after) out.push({ file, key, before, after, line: h.line + i });
    });
  }
  return out;
}

function manifestFields(hunks: Hunk[] | undefined): string[] {
  const found = new Set<string>();
  for (const h of hunks ?? [])
    for (const line of [...h.removed, ...h.added])
      for (const [name, re] of FIELDS) if (re.test(line)) found.add(name);
  return FIELDS.map(([n]) => n).filter((n) => found.has(n));
}

/** Flag key → its default (defaultVariant, state, enabled), for the flag formats rollbook reads. */
function flagDefaults(text: string | undefined): Map<string, string> | undefined {
  if (text === undefined) return new Map();
  let v: unknown;
  try {
    v = parseYaml(text);
  } catch {
    return undefined;
  }
  const out = new Map<string, string>();
  const o = v as Record<string, unknown> | null;
  if (o && typeof o === 'object' && o.flags && typeof o.flags === 'object' && !Array.isArray(o.flags)) {
    for (const [k, def] of Object.entries(o.flags as Record<string, Record<string, unknown>>))
      out.set(k, JSON.stringify([def?.defaultVariant ?? null, def?.state ?? null]));
    return out;
  }
  if (o && typeof o === 'object' && Array.isArray(o.features)) {
    for (const f of o.features as Record<string, unknown>[])
      if (typeof f?.name === 'string') out.set(f.name, JSON.stringify([f.enabled ?? null]));
    return out;
  }
  return undefined;
}

function flagChanges(before: string | undefined, after: string | undefined): FlagChanges | undefined {
  const a = flagDefaults(before);
  const b = flagDefaults(after);
  if (!a || !b) return undefined;
  return {
    added: [...b.keys()].filter((k) => !a.has(k)).sort(cmp),
    removed: [...a.keys()].filter((k) => !b.has(k)).sort(cmp),
    defaultChanged: [...b.keys()].filter((k) => a.has(k) && a.get(k) !== b.get(k)).sort(cmp),
  };
}

const KIND_ORDER: ChangeKind[] = [
  'migration',
  'released-migration-edited',
  'flags',
  'manifest',
  'config',
  'workflow',
  'descriptor',
];

/** Blob text of some files at a commit. */
async function textsAt(root: string, commit: string, files: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (files.length === 0) return out;
  const entries = await listTree(root, commit, files);
  const blobs = await readBlobs(
    root,
    entries.map((e) => e.oid),
  );
  for (const e of entries) out.set(e.path, blobs.get(e.oid)?.toString('utf8') ?? '');
  return out;
}

interface Classified {
  file: ChangedFile;
  kind: ChangeKind;
  migration?: { set: MigrationSet; m?: Migration };
}

/**
 * Classify the files changed between to and from. `setsAtFrom` are the migration sets as they are at
 * `from`; the service gives the manifests, flag files and pipelines the working tree names.
 */
function classify(
  files: ChangedFile[],
  service: Service,
  setsAtFrom: MigrationSet[],
  headTexts: Map<string, string>,
): { classified: Classified[]; other: number } {
  const byFile = new Map<string, { set: MigrationSet; m: Migration }>();
  for (const set of setsAtFrom)
    for (const m of set.migrations) for (const f of filesOf(m)) byFile.set(f, { set, m });
  const manifests = new Set<string>();
  for (const w of service.workloads) if (w.at?.file) manifests.add(w.at.file);
  const manifestDirs = service.deploy.manifests.map((p) => p.replace(/^\.\//, '').replace(/\/$/, ''));
  // a manifest holding flags in a ConfigMap or FeatureFlag resource stays a manifest or config change
  const holders = new Set(service.flagSources.flatMap((f) => (f.in && f.file ? [f.file] : [])));
  const flagFiles = new Set(
    [...service.flagSources.map((f) => f.file), ...service.flags.map((f) => f.at?.file)].filter(
      (f): f is string => Boolean(f) && !holders.has(f as string),
    ),
  );
  const pipelines = new Set(service.pipelines.map((p) => p.file));
  // a local chart's values and templates are part of the Helm release: helm rollback reverts them
  const chartDirs = [
    ...new Set(service.workloads.flatMap((w) => (w.helm?.chartPath ? [w.helm.chartPath] : []))),
  ];
  const inChart = (p: string) =>
    chartDirs.some((d) =>
      d === '.' ? /^(values[^/]*\.ya?ml|Chart\.yaml|templates\/.+)$/.test(p) : p.startsWith(`${d}/`),
    );
  const classified: Classified[] = [];
  let other = 0;
  for (const file of files) {
    const p = file.path;
    const owner = byFile.get(p);
    const set = owner?.set ?? setsAtFrom.find((s) => s.tool !== 'unknown' && inSet(s, p));
    const sqlish = SQLISH.test(p.split('/').at(-1) ?? '');
    if (set && (owner || sqlish)) {
      classified.push({
        file,
        kind: file.status === 'added' ? 'migration' : 'released-migration-edited',
        migration: owner ? { set, m: owner.m } : { set },
      });
      continue;
    }
    const text = headTexts.get(p) ?? '';
    let kind: ChangeKind | undefined;
    if (DESCRIPTORS.includes(p)) kind = 'descriptor';
    else if (flagFiles.has(p)) kind = 'flags';
    else if (WORKFLOW.test(p) || pipelines.has(p)) kind = 'workflow';
    else if (inChart(p)) kind = 'manifest';
    else if (
      /^[ \t]*kind:[ \t]*(ConfigMap|Secret|SealedSecret|ExternalSecret)\b/m.test(text) ||
      CONFIG_NAME.test(p)
    )
      kind = 'config';
    else if (
      manifests.has(p) ||
      manifestDirs.some((d) => d && (p === d || p.startsWith(`${d}/`))) ||
      MANIFEST_NAME.test(p) ||
      (/\.(ya?ml|json)$/i.test(p) && /^[ \t]*kind:[ \t]*\w/m.test(text) && /apiVersion/.test(text))
    )
      kind = 'manifest';
    if (kind) classified.push({ file, kind });
    else other++;
  }
  return { classified, other };
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "Rolling back 3f2a1c (HEAD) → v2.14.0: 12 commits, 2 migrations, 1 flag change". */
export function releaseSummary(r: Omit<Release, 'summary'>): string {
  const from = r.from.commit ? `${r.from.short} (${r.from.ref})` : r.from.ref;
  if (!r.to) return `Rolling back ${from} → unknown target: ${r.unscopedReason ?? 'no window'}`;
  const to = r.to.ref === r.to.short ? r.to.short : `${r.to.ref} (${r.to.short})`;
  const count = (k: ChangeKind) => r.changes.filter((c) => c.kind === k).length;
  const flagChangesN = r.changes
    .filter((c) => c.kind === 'flags')
    .reduce(
      (n, c) =>
        n + (c.flags ? c.flags.added.length + c.flags.removed.length + c.flags.defaultChanged.length : 1),
      0,
    );
  const parts = [
    r.commits !== undefined ? plural(r.commits, 'commit') : 'commits unknown',
    plural(count('migration'), 'migration'),
  ];
  if (count('released-migration-edited') > 0)
    parts.push(
      plural(count('released-migration-edited'), 'released migration edited', 'released migrations edited'),
    );
  if (flagChangesN > 0) parts.push(plural(flagChangesN, 'flag change'));
  if (count('manifest') > 0) parts.push(plural(count('manifest'), 'manifest'));
  if (count('config') > 0) parts.push(plural(count('config'), 'config file'));
  if (count('workflow') > 0) parts.push(plural(count('workflow'), 'workflow'));
  if (count('descriptor') > 0) parts.push('rollbook.yaml changed');
  return `Rolling back ${from} → ${to}: ${parts.join(', ')}`;
}

function changeSummary(c: Classified, hunks: Hunk[] | undefined, flags?: FlagChanges): string {
  const verb = c.file.status === 'added' ? 'added' : c.file.status === 'deleted' ? 'deleted' : 'changed';
  const m = c.migration?.m;
  switch (c.kind) {
    case 'migration':
      return m ? `migration ${m.version} ${m.name} added: the rollback crosses it` : `migration file added`;
    case 'released-migration-edited':
      return `migration ${m ? `${m.version} ${m.name} ` : 'file '}${verb} after it was released: databases that already ran it differ from the file`;
    case 'flags': {
      if (!flags) return `flag file ${verb}`;
      const parts = [
        flags.added.length ? `added ${flags.added.join(', ')}` : '',
        flags.removed.length ? `removed ${flags.removed.join(', ')}` : '',
        flags.defaultChanged.length ? `default changed ${flags.defaultChanged.join(', ')}` : '',
      ].filter(Boolean);
      return `flags ${parts.length ? parts.join('; ') : 'file changed (no flag added, removed or re-defaulted)'}`;
    }
    case 'manifest': {
      const fields = manifestFields(hunks);
      return `manifest ${verb}${fields.length ? `: ${fields.join(', ')}` : ''}`;
    }
    case 'config':
      return `config ${verb}: a rollback of the app does not revert it`;
    case 'workflow':
      return `CI/deploy workflow ${verb}`;
    case 'descriptor':
      return `rollbook.yaml ${verb}`;
  }
}

/**
 * Read the release: resolve the window, then list what changed in it, classified with the working
 * tree's knowledge of the service (migration locations, manifests, flag files, pipelines).
 * `setsAtFrom` are the migration sets at `from` (the working tree's when from is HEAD).
 */
export async function readRelease(
  root: string,
  service: Service,
  opts: ReleaseOptions = {},
  setsAtFrom: MigrationSet[] = service.migrations,
  window?: ReleaseWindow,
): Promise<Release> {
  const w = window ?? (await resolveWindow(root, opts));
  const setPaths = [...new Set(service.migrations.filter((s) => s.tool !== 'unknown').map((s) => s.path))];
  const head = w.git ? (await repoState(root)).head : undefined;
  const uncommitted =
    w.git && w.from.commit === head && setPaths.length > 0 ? await uncommittedFiles(root, setPaths) : [];
  const base: Omit<Release, 'summary'> = {
    from: w.from,
    scoped: false,
    changes: [],
    otherFiles: 0,
    uncommitted,
    shallow: w.shallow,
    targetSchema: [],
  };
  if (!w.to) {
    const r = { ...base, ...(w.unscopedReason ? { unscopedReason: w.unscopedReason } : {}) };
    return { ...r, summary: releaseSummary(r) };
  }
  const to = w.to;
  const files = await changedFiles(root, to.commit, w.from.commit);
  const candidates = files.filter((f) => f.status !== 'deleted' && /\.(ya?ml|json)$/i.test(f.path));
  const headTexts = await textsAt(
    root,
    w.from.commit,
    candidates.map((f) => f.path),
  );
  const { classified, other } = classify(files, service, setsAtFrom, headTexts);

  // one change per crossed migration (its up and down files are added together)
  const seen = new Set<string>();
  const kept = classified.filter((c) => {
    if (c.kind !== 'migration' || !c.migration?.m) return true;
    const key = `${c.migration.set.path}\u0000${c.migration.m.version}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const hunks = await diffHunks(
    root,
    to.commit,
    w.from.commit,
    kept
      .filter((c) => c.file.status === 'modified' || c.file.status === 'type-changed')
      .map((c) => c.file.path),
  );
  const flagFiles = kept.filter((c) => c.kind === 'flags').map((c) => c.file.path);
  const [flagsBefore, flagsAfter] = await Promise.all([
    textsAt(root, to.commit, flagFiles),
    textsAt(root, w.from.commit, flagFiles),
  ]);
  const changes: ReleaseChange[] = kept.map((c) => {
    const file =
      c.migration?.m && c.kind === 'migration' ? (c.migration.m.up?.file ?? c.file.path) : c.file.path;
    const h = hunks.get(c.file.path);
    const flags = c.kind === 'flags' ? flagChanges(flagsBefore.get(file), flagsAfter.get(file)) : undefined;
    const at =
      c.file.status === 'deleted'
        ? { file, line: 1, note: `deleted since ${to.ref}: the line is at ${to.ref}` }
        : { file, line: h?.[0]?.line ?? 1 };
    const change: ReleaseChange = {
      kind: c.kind,
      file,
      status: c.file.status,
      at,
      summary: changeSummary(c, h, flags),
    };
    if (c.migration?.m) change.migration = { set: c.migration.set.path, version: c.migration.m.version };
    if (flags) change.flags = flags;
    if (c.kind === 'manifest') {
      const fields = manifestFields(h);
      if (fields.length) change.fields = fields;
    }
    return change;
  });
  changes.sort(
    (a, b) =>
      KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0),
  );
  const crossed = new Set(
    changes
      .filter((c) => c.kind === 'migration' && c.migration)
      .map((c) => `${c.migration?.set}\u0000${c.migration?.version}`),
  );
  // files committed at from: a migration only in the working tree is not part of either version
  const tracked = new Set((await listTree(root, w.from.commit, setPaths)).map((e) => e.path));
  const targetSchema: TargetSchema[] = setsAtFrom
    .filter((s) => s.tool !== 'unknown')
    .map((s) => {
      const atTo = s.migrations.filter(
        (m) => !crossed.has(`${s.path}\u0000${m.version}`) && filesOf(m).some((f) => tracked.has(f)),
      );
      const last = atTo.at(-1);
      return last
        ? { set: s.path, tool: s.tool, version: last.version, name: last.name, at: last.at }
        : { set: s.path, tool: s.tool, version: null };
    });
  const commits = await countCommits(root, to.commit, w.from.commit);
  const valueChanged = changes
    .filter((c) => c.kind === 'manifest' || c.kind === 'config')
    .flatMap((c) => valueChanges(c.file, hunks.get(c.file)));
  const r: Omit<Release, 'summary'> = {
    ...base,
    to,
    scoped: true,
    ...(commits !== undefined ? { commits } : {}),
    changes,
    ...(valueChanged.length ? { valueChanges: valueChanged } : {}),
    otherFiles: other,
    targetSchema,
  };
  return { ...r, summary: releaseSummary(r) };
}

/** The migrations a release crosses (added since `to`), per set; the sets keep their other fields. */
export function crossedMigrations(sets: MigrationSet[], release: Release): MigrationSet[] {
  if (!release.scoped) return sets;
  const crossed = new Set(
    release.changes
      .filter((c) => c.kind === 'migration' && c.migration)
      .map((c) => `${c.migration?.set}\u0000${c.migration?.version}`),
  );
  return sets.map((s) => ({
    ...s,
    migrations: s.migrations.filter((m) => crossed.has(`${s.path}\u0000${m.version}`)),
  }));
}
