/**
 * Which workload each flag belongs to, from evidence in the repository: the flag is evaluated in a
 * workload's own code (a file under its directory), the flag file sits under a workload's
 * directory, or the key's namespace names one workload (`orders.` for orders-worker). A repository
 * with one workload needs none of it: every flag is that workload's.
 */
import type { Evidence, Flag, FlagRef, FlagSource, Unknown, Workload } from '../../model/service.js';
import { cmp } from '../../util/order.js';
import { ownerOfPath } from './workload-dirs.js';

/** Why a flag belongs to a workload. */
export interface FlagBond {
  workload: Workload;
  /** The evidence, in words: "evaluated in services/checkout/src/checkout.ts:6". */
  how: string;
}

export interface BoundFlag {
  flag: Flag;
  /** The flag file it is defined in (undefined for a flag declared in rollbook.yaml only). */
  file?: string;
  bonds: FlagBond[];
}

/** A flag file and what became of its flags: the workloads they bind to, and those bound to none. */
export interface FlagFileBinding {
  file: string;
  provider: string;
  flags: BoundFlag[];
}

/** Tokens too generic to say which service a flag key belongs to (`new-`, `enable_`, `api.`). */
const GENERIC = new Set([
  'api',
  'app',
  'beta',
  'disable',
  'enable',
  'experiment',
  'feature',
  'flag',
  'kill',
  'new',
  'old',
  'server',
  'service',
  'test',
  'use',
  'web',
  'worker',
]);

const NS_SEP = /[./:]/;
const WORD_SEP = /[-_./:]/;

/**
 * The workload a flag key's namespace names: the key starts with the workload's name and a
 * separator (`checkout-api.`), or its first word is the first word of exactly one workload's name
 * (`orders.kill-async-export` → orders-worker). Generic words (`new-`, `api.`) name nothing.
 */
export function namespaceOwner(key: string, workloads: readonly Workload[]): FlagBond | undefined {
  const lower = key.toLowerCase();
  const full = workloads.filter((w) => {
    const n = w.name.toLowerCase();
    return lower.length > n.length && lower.startsWith(n) && WORD_SEP.test(lower[n.length] ?? '');
  });
  const names = new Set(full.map((w) => w.name));
  if (names.size === 1 && full.length === 1 && full[0]) {
    const n = full[0].name;
    return { workload: full[0], how: `its key starts with the workload's name "${n}"` };
  }
  if (full.length > 0) return undefined;
  const word = lower.split(WORD_SEP)[0] ?? '';
  if (word.length < 3 || GENERIC.has(word)) return undefined;
  const byWord = workloads.filter((w) => (w.name.toLowerCase().split(/[-_.]/)[0] ?? '') === word);
  if (byWord.length !== 1 || !byWord[0]) return undefined;
  const sep = key[word.length] ?? '';
  const what = NS_SEP.test(sep) ? 'key namespace' : 'key prefix';
  return {
    workload: byWord[0],
    how: `its ${what} "${key.slice(0, word.length + 1)}" names ${byWord[0].name} (no other evidence)`,
  };
}

function fileOf(f: Flag, sources: readonly FlagSource[]): string | undefined {
  return f.at?.file ?? sources.find((s) => s.provider === f.provider && s.file)?.file;
}

/**
 * Bind every discovered flag to the workloads it belongs to. Code evaluations and the file's
 * location are evidence of their own; a key namespace binds only a flag nothing else binds.
 */
export function bindFlags(
  flags: readonly Flag[],
  sources: readonly FlagSource[],
  refs: readonly FlagRef[],
  workloads: readonly Workload[],
): FlagFileBinding[] {
  const byFile = new Map<string, FlagFileBinding>();
  for (const s of sources)
    if (s.file && !byFile.has(s.file)) byFile.set(s.file, { file: s.file, provider: s.provider, flags: [] });
  const refOwners = new Map<string, FlagBond[]>();
  for (const r of refs) {
    const owner = ownerOfPath(r.at.file, workloads);
    const list = refOwners.get(r.key) ?? [];
    for (const w of owner.workloads)
      if (!list.some((b) => b.workload === w))
        list.push({ workload: w, how: `evaluated in ${r.at.file}:${r.at.line}, under ${owner.dir}` });
    refOwners.set(r.key, list);
  }
  const fileOwners = new Map<string, FlagBond[]>();
  for (const file of byFile.keys()) {
    const owner = ownerOfPath(file, workloads);
    fileOwners.set(
      file,
      owner.workloads.map((w) => ({ workload: w, how: `its file ${file} sits under ${owner.dir}` })),
    );
  }
  for (const f of flags) {
    const file = fileOf(f, sources);
    const bonds: FlagBond[] = [];
    for (const b of [...(refOwners.get(f.key) ?? []), ...(file ? (fileOwners.get(file) ?? []) : [])])
      if (!bonds.some((x) => x.workload === b.workload)) bonds.push(b);
    if (bonds.length === 0 && workloads.length === 1 && workloads[0])
      bonds.push({ workload: workloads[0], how: "the repository's only workload" });
    if (bonds.length === 0) {
      const ns = namespaceOwner(f.key, workloads);
      if (ns) bonds.push(ns);
    }
    const key = file ?? '';
    let entry = byFile.get(key);
    if (!entry) {
      entry = { file: key, provider: f.provider, flags: [] };
      byFile.set(key, entry);
    }
    entry.flags.push({ flag: f, ...(file ? { file } : {}), bonds });
  }
  const out = [...byFile.values()].sort((a, b) => cmp(a.file, b.file));
  for (const e of out) e.flags.sort((a, b) => cmp(a.flag.key, b.flag.key));
  return out;
}

/** True when `key` matches one of rollbook.yaml's `keys` (exact, or a prefix pattern ending in `*`). */
export function keyMatches(key: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => (p.endsWith('*') ? key.startsWith(p.slice(0, -1)) : key === p));
}

export interface FlagScope {
  flagSources: FlagSource[];
  flags: Flag[];
  flagRefs?: FlagRef[];
  unknowns: Unknown[];
}

function declaredBy(
  bf: BoundFlag,
  declared: { sources: readonly FlagSource[]; flags: readonly Flag[] },
): string | undefined {
  const line = (at: Evidence | undefined) => (at ? `${at.file}:${at.line}` : 'rollbook.yaml');
  const killSwitch = declared.flags.find((f) => f.key === bf.flag.key);
  if (killSwitch) return `declared in ${line(killSwitch.at)}`;
  const src = declared.sources.find((s) =>
    s.keys?.length
      ? (!s.file || s.file === bf.file) && keyMatches(bf.flag.key, s.keys)
      : s.file !== undefined && s.file === bf.file,
  );
  return src ? `declared in ${line(src.at)}` : undefined;
}

function yamlList(keys: readonly string[]): string {
  return `[${keys.map((k) => (/^[A-Za-z0-9_.-]+$/.test(k) ? k : JSON.stringify(k))).join(', ')}]`;
}

/**
 * The flags of the chosen workload: rollbook.yaml's declarations, then what binds to it. Flags bound
 * to other workloads are left out; flags bound to none are left out too, and an unknown per file says
 * which, what was checked, and the rollbook.yaml lines that would bind them. With one workload (or
 * none chosen) every flag is kept, as before binding existed.
 */
export function scopeFlags(
  declared: { sources: FlagSource[]; flags: Flag[]; refs?: FlagRef[] },
  d: { flagSources: FlagSource[]; flags: Flag[]; flagRefs: FlagRef[]; flagFiles: FlagFileBinding[] },
  chosen: Workload | undefined,
  workloads: readonly Workload[],
  ref: (w: Workload) => string,
): FlagScope {
  if (!chosen || workloads.length <= 1) {
    const have = new Set(declared.flags.map((f) => f.key));
    return {
      flagSources: declared.sources.length ? declared.sources : d.flagSources,
      flags: [...declared.flags, ...d.flags.filter((f) => !have.has(f.key))],
      ...(declared.refs?.length
        ? { flagRefs: declared.refs }
        : d.flagRefs.length
          ? { flagRefs: d.flagRefs }
          : {}),
      unknowns: [],
    };
  }
  const flags: Flag[] = [...declared.flags];
  const sources: FlagSource[] = [...declared.sources];
  const unknowns: Unknown[] = [];
  const name = ref(chosen);
  for (const file of d.flagFiles) {
    const unbound: BoundFlag[] = [];
    let mine = 0;
    for (const bf of file.flags) {
      const how = declaredBy(bf, declared) ?? bf.bonds.find((b) => b.workload === chosen)?.how;
      if (how) {
        mine++;
        if (!flags.some((f) => f.key === bf.flag.key)) flags.push({ ...bf.flag, boundBy: how });
        else {
          const i = flags.findIndex((f) => f.key === bf.flag.key);
          const f = flags[i];
          if (f) flags[i] = { ...f, boundBy: how };
        }
      } else if (bf.bonds.length === 0) unbound.push(bf);
    }
    if (mine > 0 && !sources.some((s) => s.file === file.file)) {
      const src = d.flagSources.find((s) => s.file === file.file);
      if (src) sources.push(src);
    }
    if (unbound.length === 0) continue;
    const keys = unbound.map((b) => b.flag.key);
    const switches = unbound.filter((b) => b.flag.killSwitch).map((b) => b.flag.key);
    const where = ownerOfPath(file.file, workloads).workloads.length
      ? 'the file sits in a directory several workloads share'
      : `${file.file.includes('/') ? file.file.slice(0, file.file.lastIndexOf('/')) : 'the repository root'} is no workload's directory`;
    const at = d.flagSources.find((s) => s.file === file.file)?.at ?? unbound[0]?.flag.at;
    unknowns.push({
      subject: `flags in ${file.file || file.provider}`,
      reason:
        `${keys.length} ${file.provider} flag${keys.length === 1 ? '' : 's'} bound to no workload: ${keys.join(', ')}` +
        (switches.length
          ? ` (kill switch${switches.length === 1 ? '' : 'es'} ${switches.join(', ')}: a candidate mitigation, not offered in the runbook until bound)`
          : '') +
        `. Checked: rollbook.yaml state.flags, evaluations of each key in code under a workload's own directory (none found), the file's location (${where}), and a key namespace naming exactly one workload (none). The design leaves them out. If they are ${name}'s, bind them in rollbook.yaml: deploy: { workload: ${name} } and state: { flags: [{ provider: ${file.provider}, file: ${file.file}, keys: ${yamlList(keys)} }] }`,
      ...(at ? { at } : {}),
    });
  }
  const refs = (declared.refs?.length ? declared.refs : d.flagRefs).filter((r) =>
    ownerOfPath(r.at.file, workloads).workloads.includes(chosen),
  );
  return {
    flagSources: sources,
    flags: flags.sort((a, b) => cmp(a.key, b.key)),
    ...(refs.length ? { flagRefs: refs } : {}),
    unknowns,
  };
}
