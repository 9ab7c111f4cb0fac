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
  /** Bonds known per flag beforehand: the workloads mounting the ConfigMap or resource that holds it. */
  held: ReadonlyMap<Flag, FlagBond[]> = new Map(),
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
    const mounted = held.get(f) ?? [];
    // the workloads mounting its ConfigMap say more than the directory of the manifest holding it
    for (const b of [
      ...mounted,
      ...(refOwners.get(f.key) ?? []),
      ...(file && mounted.length === 0 ? (fileOwners.get(file) ?? []) : []),
    ])
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
  /** Every flag file of the repository (set when a workload was chosen among several). */
  repoFlagFiles?: string[];
  unknowns: Unknown[];
}

/** The workload chosen, and how rollbook.yaml's flag declarations name workloads. */
export interface ScopeContext {
  chosen: Workload | undefined;
  workloads: readonly Workload[];
  /** The reference that selects a workload alone: what the YAML an unknown proposes names. */
  ref: (w: Workload) => string;
  /** The workloads a rollbook.yaml reference names, as --workload resolves it. */
  match: (ref: string) => readonly Workload[];
  /** rollbook.yaml deploy.workload: the workload of a declaration that names none. */
  descriptorWorkload?: string;
}

/** Whose flags a rollbook.yaml declaration says they are: the chosen workload's, others', or it does not say. */
type Claim = 'mine' | 'others' | 'unsaid';

function claimOf(src: FlagSource, ctx: ScopeContext): Claim {
  const refs = src.workloads?.length ? src.workloads : ctx.descriptorWorkload ? [ctx.descriptorWorkload] : [];
  if (refs.length === 0) return 'unsaid';
  const chosen = ctx.chosen;
  return chosen && refs.some((r) => ctx.match(r).includes(chosen)) ? 'mine' : 'others';
}

/** The declarations that name a flag: as a kill switch, by key (exact or prefix*), or by its file. */
function declarationsOf(key: string, file: string | undefined, sources: readonly FlagSource[]): FlagSource[] {
  return sources.filter(
    (s) =>
      s.killSwitches?.includes(key) ||
      (s.keys?.length
        ? (!s.file || s.file === file) && keyMatches(key, s.keys)
        : s.file !== undefined && s.file === file),
  );
}

const lineOf = (at: Evidence | undefined) => (at ? `${at.file}:${at.line}` : 'rollbook.yaml');

/** A YAML flow list of keys or workload references, quoting what a plain scalar cannot hold. */
export function yamlList(keys: readonly string[]): string {
  return `[${keys.map((k) => (/^[A-Za-z0-9_./-]+$/.test(k) ? k : JSON.stringify(k))).join(', ')}]`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Where a declaration sits and what it names, for an unknown: "rollbook.yaml:7 (flagd flags/flags.json)". */
function describeDeclaration(src: FlagSource): string {
  const what = [src.provider, src.file, src.keys?.length ? `keys ${src.keys.join(', ')}` : undefined]
    .filter(Boolean)
    .join(' ');
  return `${lineOf(src.at)} (${what})`;
}

/**
 * The flags of the chosen workload. A rollbook.yaml declaration (state.flags[]) binds its flags to the
 * workloads it names (`workloads:`, else deploy.workload); one that names none binds nothing in a
 * repository of several workloads, where code evaluations, the file's location and (alone) a key
 * namespace decide. Flags bound to other workloads are left out; flags bound to none are left out too,
 * and an unknown per file (or per declaration) says which, what was checked, and the rollbook.yaml lines
 * that would bind them. Evaluations in code no workload owns are kept (marked shared) when no flag file
 * defines the key. With one workload (or none chosen) every flag is kept, as before binding existed.
 */
export function scopeFlags(
  declared: { sources: FlagSource[]; flags: Flag[]; refs?: FlagRef[] },
  d: { flagSources: FlagSource[]; flags: Flag[]; flagRefs: FlagRef[]; flagFiles: FlagFileBinding[] },
  ctx: ScopeContext,
): FlagScope {
  const { chosen, workloads } = ctx;
  const unknowns: Unknown[] = [];
  const names = workloads.map((w) => ctx.ref(w)).join(', ');
  for (const s of declared.sources)
    for (const r of s.workloads ?? [])
      if (ctx.match(r).length === 0)
        unknowns.push({
          subject: `flags in ${s.at?.file ?? 'rollbook.yaml'}`,
          reason: `workloads names ${r}, which is no workload of the repository (found: ${names || 'none'}): the declaration binds its flags to the others it names only. Name one as --workload takes it (kind/name, namespace/kind/name, or the manifest / overlay path)`,
          ...(s.at ? { at: s.at } : {}),
        });
  const claims = new Map(declared.sources.map((s) => [s, claimOf(s, ctx)] as const));
  const claim = (s: FlagSource) => claims.get(s) ?? 'unsaid';
  if (!chosen || workloads.length <= 1) {
    // one workload: a declaration that names another workload (a typo: it is not in the repository) binds nothing
    const kept = chosen ? declared.sources.filter((s) => claim(s) !== 'others') : declared.sources;
    const dropped = (f: Flag) => {
      const decl = declared.sources.filter((s) => s.killSwitches?.includes(f.key));
      return decl.length > 0 && decl.every((s) => !kept.includes(s));
    };
    const mineDeclared = declared.flags.filter((f) => !dropped(f));
    const have = new Set(mineDeclared.map((f) => f.key));
    return {
      flagSources: kept.length ? kept : d.flagSources,
      flags: [...mineDeclared, ...d.flags.filter((f) => !have.has(f.key))],
      ...(declared.refs?.length
        ? { flagRefs: declared.refs }
        : d.flagRefs.length
          ? { flagRefs: d.flagRefs }
          : {}),
      unknowns,
    };
  }
  const name = ctx.ref(chosen);
  const flags: Flag[] = [];
  const bind = (f: Flag, how: string) => {
    const i = flags.findIndex((x) => x.key === f.key);
    const had = flags[i];
    if (had) flags[i] = { ...had, boundBy: how };
    else flags.push({ ...f, boundBy: how });
  };
  const declaredHow = (key: string, decl: readonly FlagSource[]): string | undefined => {
    const src = decl.find((s) => claim(s) === 'mine');
    if (!src) return undefined;
    const ks = src.killSwitches?.includes(key)
      ? declared.flags.find((f) => f.key === key && f.at)?.at
      : undefined;
    return `declared in ${lineOf(ks ?? src.at)}`;
  };
  const allRefs = declared.refs?.length ? declared.refs : d.flagRefs;
  const inFiles = new Set(d.flagFiles.flatMap((f) => f.flags.map((b) => b.flag.key)));
  const bound = new Set<FlagSource>();

  // kill switches rollbook.yaml declares that no flag file read defines (a provider without a file)
  for (const f of declared.flags) {
    const decl = declared.sources.filter((s) => s.killSwitches?.includes(f.key));
    const how = declaredHow(f.key, decl);
    if (how) {
      bind(f, how);
      continue;
    }
    if (inFiles.has(f.key)) continue; // the file's flag, decided below with the file's evidence
    for (const r of allRefs) {
      if (r.key !== f.key) continue;
      const owner = ownerOfPath(r.at.file, workloads);
      if (!owner.workloads.includes(chosen)) continue;
      bind(f, `evaluated in ${r.at.file}:${r.at.line}, under ${owner.dir}`);
      for (const s of decl) bound.add(s);
      break;
    }
  }

  const sources: FlagSource[] = declared.sources.filter((s) => claim(s) === 'mine');
  for (const file of d.flagFiles) {
    const unbound: BoundFlag[] = [];
    const unsaid = new Set<FlagSource>();
    let mine = 0;
    for (const bf of file.flags) {
      const decl = declarationsOf(bf.flag.key, bf.file, declared.sources);
      const how = declaredHow(bf.flag.key, decl) ?? bf.bonds.find((b) => b.workload === chosen)?.how;
      if (how) {
        mine++;
        bind(bf.flag, how);
      } else if (bf.bonds.length === 0 && !decl.some((s) => claim(s) === 'others')) {
        unbound.push(bf);
        for (const s of decl) if (claim(s) === 'unsaid') unsaid.add(s);
      }
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
    const fix = unsaid.size
      ? `${[...unsaid].map(describeDeclaration).join(' and ')} declare${unsaid.size === 1 ? 's' : ''} them without saying which workload (no workloads:, no deploy.workload), and the repository holds ${plural(workloads.length, 'workload')}: if they are ${name}'s, add workloads: [${name}] there`
      : `If they are ${name}'s, bind them in rollbook.yaml: state: { flags: [{ provider: ${file.provider}, file: ${file.file}, keys: ${yamlList(keys)}, workloads: ${yamlList([name])} }] }`;
    unknowns.push({
      subject: `flags in ${file.file || file.provider}`,
      reason:
        `${keys.length} ${file.provider} flag${keys.length === 1 ? '' : 's'} bound to no workload: ${keys.join(', ')}` +
        (switches.length
          ? ` (kill switch${switches.length === 1 ? '' : 'es'} ${switches.join(', ')}: a candidate mitigation, not offered in the runbook until bound)`
          : '') +
        `. Checked: rollbook.yaml state.flags (a declaration binds to the workloads it names), evaluations of each key in code under a workload's own directory (none found), the file's location (${where}), and a key namespace naming exactly one workload (none). The design leaves them out. ${fix}`,
      ...(at ? { at } : {}),
    });
  }

  // declarations no flag file read covers: a provider without a file, a file rollbook cannot read
  const read = new Set(d.flagFiles.map((f) => f.file));
  for (const s of declared.sources) {
    if (claim(s) === 'mine' || (s.file !== undefined && read.has(s.file))) continue;
    const owner = s.file !== undefined ? ownerOfPath(s.file, workloads) : undefined;
    if (bound.has(s) || owner?.workloads.includes(chosen)) {
      if (!sources.includes(s)) sources.push(s);
      continue;
    }
    if (claim(s) === 'others' || owner?.workloads.length) continue;
    // a kill switch another workload's code evaluates is that workload's
    const elsewhere = (s.killSwitches ?? []).every((k) =>
      allRefs.some((r) => r.key === k && ownerOfPath(r.at.file, workloads).workloads.length > 0),
    );
    if (s.killSwitches?.length && elsewhere) continue;
    unknowns.push({
      subject: `flags in ${s.at?.file ?? 'rollbook.yaml'}`,
      reason: `${describeDeclaration(s)} declares ${s.killSwitches?.length ? `kill switch${s.killSwitches.length === 1 ? '' : 'es'} ${s.killSwitches.join(', ')}` : 'a flag provider'} without saying which workload (no workloads:, no deploy.workload), and the repository holds ${plural(workloads.length, 'workload')}. Checked: evaluations in a workload's own code (none found)${s.file ? `, the file's location (no workload's directory)` : ''}. The design leaves it out. If it is ${name}'s, add workloads: [${name}] to it`,
      ...(s.at ? { at: s.at } : {}),
    });
  }

  const defined = new Set([...d.flags.map((f) => f.key), ...declared.flags.map((f) => f.key)]);
  const refs: FlagRef[] = [];
  for (const r of allRefs) {
    const owners = ownerOfPath(r.at.file, workloads).workloads;
    if (owners.includes(chosen)) refs.push(r);
    // code no workload owns may run in any of them: a key no flag file defines is kept, marked shared
    else if (owners.length === 0 && !defined.has(r.key)) refs.push({ ...r, shared: true });
  }
  const repoFlagFiles = [
    ...new Set([...d.flagSources, ...declared.sources].flatMap((s) => (s.file ? [s.file] : []))),
  ].sort(cmp);
  return {
    flagSources: sources,
    flags: flags.sort((a, b) => cmp(a.key, b.key)),
    ...(refs.length ? { flagRefs: refs } : {}),
    ...(repoFlagFiles.length ? { repoFlagFiles } : {}),
    unknowns,
  };
}
