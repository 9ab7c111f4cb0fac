import { posix } from 'node:path';
import type { Evidence, Unknown } from '../../model/service.js';
import { cmp } from '../../util/order.js';
import type { KObj } from './k8s.js';
import {
  arr,
  bool,
  get,
  isObj,
  num,
  type Obj,
  obj,
  type PathKey,
  parseYaml,
  str,
  type YamlDoc,
} from './yaml.js';

export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

export interface KustomizeInput {
  /** dir (relative, POSIX, '' = root) → the kustomization document. */
  kustomizations: Map<string, YamlDoc>;
  /** file (relative) → the Kubernetes objects it holds. */
  objects: Map<string, KObj[]>;
  /** Every directory that exists (relative), to tell a missing resource from a plain directory. */
  dirs: Set<string>;
}

export interface KustomizeResult {
  /** Objects of every root kustomization (one that no other kustomization uses), with overlay set. */
  objects: KObj[];
  /** Files consumed by some kustomization (resources and patches): not standalone objects. */
  consumed: Set<string>;
  /** Kustomization directories used by another kustomization. */
  nonRoot: Set<string>;
  /** Every file each root kustomization reads (its own, resources, patches, nested kustomizations). */
  filesOf: Map<string, Set<string>>;
  unknowns: Unknown[];
}

interface Built {
  objs: KObj[];
  files: Set<string>;
  generated: Map<string, { name: string; hashed: boolean; at: Evidence }>;
}

function join(dir: string, p: string): string {
  return posix.normalize(dir === '' ? p : `${dir}/${p}`).replace(/\/$/, '');
}

function deepMerge(base: unknown, patch: unknown): unknown {
  if (patch === null) return undefined; // SMP: null deletes
  if (isObj(base) && isObj(patch)) {
    const out: Obj = { ...base };
    for (const [k, v] of Object.entries(patch)) {
      if (k.startsWith('$patch')) continue;
      const merged = deepMerge(base[k], v);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    }
    return out;
  }
  if (
    Array.isArray(base) &&
    Array.isArray(patch) &&
    patch.every((x) => isObj(x) && typeof x.name === 'string')
  ) {
    const out = [...base];
    for (const item of patch as Obj[]) {
      const idx = out.findIndex((b) => isObj(b) && b.name === item.name);
      if (idx >= 0) out[idx] = deepMerge(out[idx], item);
      else out.push(item);
    }
    return out;
  }
  return patch;
}

/**
 * Resolve every kustomization like `kustomize build` would, for what shapes a rollback:
 * resources (files and directories, recursively), strategic-merge patches, `replicas`, `images`
 * overrides, config/secret generators (content-hashed names unless disabled), namePrefix,
 * nameSuffix and namespace. Remote resources and JSON 6902 patches are reported as unknowns.
 */
export function resolveKustomizations(input: KustomizeInput): KustomizeResult {
  const consumed = new Set<string>();
  const nonRoot = new Set<string>();
  const unknowns: Unknown[] = [];
  const cache = new Map<string, Built>();

  const build = (dir: string, stack: string[]): Built => {
    const hit = cache.get(dir);
    if (hit) return hit;
    const doc = input.kustomizations.get(dir)!;
    const k = obj(doc.value);
    const objs: KObj[] = [];
    const files = new Set<string>([doc.file]);
    const generated = new Map<string, { name: string; hashed: boolean; at: Evidence }>();
    const entries: [string, PathKey[]][] = [];
    for (const field of ['resources', 'bases', 'components']) {
      arr(k[field]).forEach((r, i) => {
        const s = str(r);
        if (s) entries.push([s, [field, i]]);
      });
    }
    for (const [res, path] of entries) {
      if (
        /^[a-z]+:\/\//i.test(res) ||
        /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(res) ||
        res.includes('?ref=')
      ) {
        unknowns.push({ subject: res, reason: 'remote kustomize resource; not fetched', at: doc.at(path) });
        continue;
      }
      const target = join(dir, res);
      if (input.objects.has(target)) {
        consumed.add(target);
        files.add(target);
        objs.push(...(input.objects.get(target) ?? []).map((o) => ({ ...o })));
      } else if (input.kustomizations.has(target)) {
        nonRoot.add(target);
        if (stack.includes(target)) {
          unknowns.push({ subject: target, reason: 'kustomization cycle; not followed', at: doc.at(path) });
          continue;
        }
        const inner = build(target, [...stack, target]);
        objs.push(...inner.objs.map((o) => ({ ...o })));
        for (const f of inner.files) files.add(f);
        for (const [n, g] of inner.generated) generated.set(n, g);
      } else if (input.dirs.has(target)) {
        unknowns.push({
          subject: target,
          reason: 'kustomize resource directory without a kustomization.yaml',
          at: doc.at(path),
        });
      } else {
        unknowns.push({
          subject: target,
          reason: 'kustomize resource not found (or not readable)',
          at: doc.at(path),
        });
      }
    }

    // generators
    const globalNoHash = bool(get(k, 'generatorOptions', 'disableNameSuffixHash')) === true;
    for (const field of ['configMapGenerator', 'secretGenerator'] as const) {
      arr(k[field]).forEach((g, i) => {
        const name = str(get(g, 'name'));
        if (!name) return;
        const noHash = bool(get(g, 'options', 'disableNameSuffixHash')) ?? globalNoHash;
        generated.set(name, { name, hashed: !noHash, at: doc.at([field, i]) });
      });
    }

    // patches (strategic merge, from files or inline)
    const patches: { body: Obj; at: (p: PathKey[]) => Evidence; target?: Obj }[] = [];
    const jsonPatches: { ops: Obj[]; target: Obj; at: Evidence }[] = [];
    const addPatchFile = (file: string, path: PathKey[], target?: Obj) => {
      const f = join(dir, file);
      const pobjs = input.objects.get(f);
      consumed.add(f);
      files.add(f);
      if (!pobjs) {
        unknowns.push({
          subject: f,
          reason: 'kustomize patch file not found or not a Kubernetes object',
          at: doc.at(path),
        });
        return;
      }
      for (const p of pobjs) {
        const entry: { body: Obj; at: (pp: PathKey[]) => Evidence; target?: Obj } = {
          body: p.body,
          at: (pp) => p.doc.at([...p.base, ...pp]),
        };
        if (target) entry.target = target;
        patches.push(entry);
      }
    };
    arr(k.patchesStrategicMerge).forEach((p, i) => {
      const s = str(p);
      if (s && !s.includes('\n')) addPatchFile(s, ['patchesStrategicMerge', i]);
    });
    arr(k.patches).forEach((p, i) => {
      const file = str(get(p, 'path'));
      const target = isObj(get(p, 'target')) ? obj(get(p, 'target')) : undefined;
      if (file) {
        const f = join(dir, file);
        if (input.objects.has(f)) addPatchFile(file, ['patches', i], target);
        else {
          consumed.add(f);
          files.add(f);
          unknowns.push({
            subject: f,
            reason: 'JSON 6902 (or unreadable) kustomize patch; not applied',
            at: doc.at(['patches', i]),
          });
        }
      } else if (str(get(p, 'patch'))) {
        const at = doc.at(['patches', i, 'patch']);
        const inline = inlinePatch(doc.file, str(get(p, 'patch')) as string);
        if (inline && !Array.isArray(inline))
          patches.push({ body: inline, at: () => at, ...(target ? { target } : {}) });
        else if (inline && target) jsonPatches.push({ ops: inline, target, at });
        else
          unknowns.push({
            subject: `${dir || '.'}/patches[${i}]`,
            reason: inline
              ? 'inline JSON 6902 kustomize patch without a target; not applied'
              : 'inline kustomize patch that is neither a strategic merge patch nor JSON 6902 operations; not applied',
            at: doc.at(['patches', i]),
          });
      }
    });
    arr(k.helmCharts).forEach((h, i) => {
      unknowns.push({
        subject: `${dir || '.'}/helmCharts[${i}]`,
        reason: `kustomize helmCharts inflation (${str(get(h, 'name')) ?? 'chart'}) is not rendered; its resources are unknown`,
        at: doc.at(['helmCharts', i]),
      });
    });
    arr(k.patchesJson6902).forEach((_p, i) => {
      unknowns.push({
        subject: `${dir || '.'}/patchesJson6902[${i}]`,
        reason: 'JSON 6902 kustomize patch; not applied',
        at: doc.at(['patchesJson6902', i]),
      });
    });
    for (const p of patches) {
      const kind = str(p.target?.kind) ?? str(p.body.kind);
      const name = str(p.target?.name) ?? str(get(p.body, 'metadata', 'name'));
      for (const o of objs) {
        // a target without a name selects every object of its kind
        if (o.kind !== kind || (name !== undefined && (o.origName ?? o.name) !== name)) continue;
        const { metadata: _meta, ...rest } = p.body;
        o.body = deepMerge(o.body, rest) as Obj;
        o.overrides = [...(o.overrides ?? []), { body: p.body, at: p.at }];
      }
    }
    for (const jp of jsonPatches) {
      const kind = str(jp.target.kind);
      const name = str(jp.target.name);
      for (const o of objs) {
        if (
          (kind !== undefined && o.kind !== kind) ||
          (name !== undefined && (o.origName ?? o.name) !== name)
        )
          continue;
        o.body = structuredClone(o.body); // the base's objects are shared by its overlays
        for (const op of jp.ops) {
          const changed = applyJsonOp(o.body, op);
          if (changed) o.overrides = [...(o.overrides ?? []), { body: changed, at: () => jp.at }];
        }
      }
    }
    arr(k.replicas).forEach((r, i) => {
      const name = str(get(r, 'name'));
      const count = num(get(r, 'count'));
      if (!name || count === undefined) return;
      for (const o of objs) {
        if ((o.origName ?? o.name) !== name || !isObj(o.body.spec)) continue;
        o.body = { ...o.body, spec: { ...obj(o.body.spec), replicas: count } };
        o.overrides = [
          ...(o.overrides ?? []),
          { body: { spec: { replicas: count } }, at: () => doc.at(['replicas', i, 'count']) },
        ];
      }
    });

    // images
    const imgs = arr(k.images);
    if (imgs.length) {
      for (const o of objs) {
        const m = new Map(o.images ?? []);
        imgs.forEach((im, i) => {
          const name = str(get(im, 'name'));
          if (!name) return;
          const ov: { newName?: string; newTag?: string; digest?: string; at: Evidence } = {
            at: doc.at(['images', i]),
          };
          const prev = m.get(name);
          const newName = str(get(im, 'newName'));
          const newTag = str(get(im, 'newTag'));
          const digest = str(get(im, 'digest'));
          if (newName ?? prev?.newName) ov.newName = (newName ?? prev?.newName) as string;
          if (newTag ?? prev?.newTag) ov.newTag = (newTag ?? prev?.newTag) as string;
          if (digest ?? prev?.digest) ov.digest = (digest ?? prev?.digest) as string;
          m.set(name, ov);
        });
        o.images = m;
      }
    }

    // names and namespace
    const prefix = str(k.namePrefix) ?? '';
    const suffix = str(k.nameSuffix) ?? '';
    const ns = str(k.namespace);
    const renames = new Map<string, string>();
    for (const o of objs) {
      if (prefix || suffix) {
        o.name = `${prefix}${o.name}${suffix}`;
        if (o.kind === 'ConfigMap' || o.kind === 'Secret')
          renames.set(`${o.kind}/${o.origName ?? o.name}`, o.name);
      }
      if (
        ns &&
        o.kind !== 'Namespace' &&
        o.kind !== 'CustomResourceDefinition' &&
        !o.kind.startsWith('Cluster')
      )
        o.namespace = ns;
    }
    for (const [n, g] of generated) {
      generated.set(n, { ...g, name: `${prefix}${g.name}${suffix}` });
    }
    for (const o of objs) {
      const r = new Map(o.renames ?? []);
      for (const [key, value] of r) r.set(key, `${prefix}${value}${suffix}`);
      for (const [key, value] of renames) if (!r.has(key)) r.set(key, value);
      o.renames = r;
      o.generated = generated;
    }
    const built = { objs, files, generated };
    cache.set(dir, built);
    return built;
  };

  const dirs = [...input.kustomizations.keys()].sort(cmp);
  for (const d of dirs) build(d, [d]);
  const objects: KObj[] = [];
  const filesOf = new Map<string, Set<string>>();
  for (const d of dirs) {
    if (nonRoot.has(d)) continue;
    for (const o of cache.get(d)?.objs ?? []) objects.push({ ...o, overlay: d });
    filesOf.set(d, cache.get(d)?.files ?? new Set());
  }
  return { objects, consumed, nonRoot, filesOf, unknowns };
}

/**
 * An inline `patches[].patch`: a strategic merge patch (a mapping) or JSON 6902 operations (a list
 * of `{op, path, value}`); undefined when it is neither or does not parse.
 */
function inlinePatch(file: string, text: string): Obj | Obj[] | undefined {
  const value = parseYaml(file, text).docs[0]?.value;
  if (isObj(value)) return value;
  if (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((x) => isObj(x) && typeof x.op === 'string' && typeof x.path === 'string')
  )
    return value as Obj[];
  return undefined;
}

/**
 * Apply one JSON 6902 operation (add, replace, remove) to an object body in place. Returns the
 * patched sub-tree as an override body (so evidence for those paths cites the patch), or undefined
 * when the operation does not apply (test, move, copy, or a path that does not exist).
 */
function applyJsonOp(body: Obj, op: Obj): Obj | undefined {
  const kind = str(op.op);
  const keys = (str(op.path) ?? '')
    .split('/')
    .slice(1)
    .map((k) => k.replaceAll('~1', '/').replaceAll('~0', '~'));
  if (keys.length === 0 || !['add', 'replace', 'remove'].includes(kind ?? '')) return undefined;
  let cur: unknown = body;
  for (const k of keys.slice(0, -1)) {
    const next: unknown = Array.isArray(cur) ? cur[Number(k)] : isObj(cur) ? cur[k] : undefined;
    if (next === undefined && kind === 'add' && isObj(cur)) cur[k] = {};
    cur = Array.isArray(cur) ? cur[Number(k)] : isObj(cur) ? cur[k] : undefined;
    if (!isObj(cur) && !Array.isArray(cur)) return undefined;
  }
  const last = keys[keys.length - 1] as string;
  if (Array.isArray(cur)) {
    const i = last === '-' ? cur.length : Number(last);
    if (!Number.isInteger(i) || i < 0 || i > cur.length) return undefined;
    if (kind === 'remove') cur.splice(i, 1);
    else if (kind === 'add') cur.splice(i, 0, op.value);
    else cur[i] = op.value;
  } else if (isObj(cur)) {
    if (kind === 'remove') delete cur[last];
    else cur[last] = op.value;
  } else return undefined;
  if (kind === 'remove') return undefined;
  // the override body: the path down to the new value, so objAt cites the patch for it
  let out: unknown = op.value;
  for (const k of [...keys].reverse())
    out = /^\d+$/.test(k) ? Object.assign([], { [Number(k)]: out }) : { [k]: out };
  return out as Obj;
}
