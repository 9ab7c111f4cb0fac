/**
 * flagd definitions held in Kubernetes objects, as flagd and the OpenFeature operator deploy them:
 * a ConfigMap data key holding flags.json / flagd.json content (mounted into the flagd container,
 * `flagd start --uri file:/etc/flagd/flags.json`), or the operator's custom resources
 * (core.openfeature.dev `FeatureFlag` spec.flagSpec, `FeatureFlagConfiguration` spec.featureFlagSpec,
 * an object or, in v1alpha1, a JSON string). Their flags bind to the workloads whose pods mount the
 * ConfigMap, name the resource in an `openfeature.dev/featureflagconfiguration` or (through a
 * FeatureFlagSource) `openfeature.dev/featureflagsource` annotation, or run flagd with
 * `--uri core.openfeature.dev/NS/NAME`.
 */
import type { Evidence, Flag, FlagSource, Unknown, Workload } from '../../model/service.js';
import type { FlagBond } from './flag-binding.js';
import { isFlagd, readFlagd } from './flags.js';
import { type KObj, objAt } from './k8s.js';
import {
  arr,
  get,
  isObj,
  mayHoldFlags,
  obj,
  type PathKey,
  parseYamlDocuments,
  str,
  type YamlDoc,
} from './yaml.js';

/** The operator's flag resources and the field that holds their flagd definitions. */
const CR_SPEC: Record<string, string> = {
  FeatureFlag: 'flagSpec',
  FeatureFlagConfiguration: 'featureFlagSpec',
};
const OPENFEATURE = 'core.openfeature.dev/';

/** flagd definitions read from one Kubernetes object (one ConfigMap key, one custom resource). */
export interface FlagResource {
  o: KObj;
  source: FlagSource;
  flags: Flag[];
}

export function isFlagResource(o: KObj): boolean {
  if (o.kind === 'ConfigMap') return isObj(o.body.data);
  return o.apiVersion.startsWith(OPENFEATURE) && CR_SPEC[o.kind] !== undefined;
}

function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++)
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  return { line, col: offset - last };
}

/**
 * flagd definitions in a string of a manifest (a ConfigMap key, a v1alpha1 featureFlagSpec). A
 * literal block scalar (`key: |`) keeps its lines: each flag cites its own line of the file; any
 * other string cites the key. Definitions that do not parse are an unknown at the file's
 * line:col, and none of their flags is read (flagd refuses the whole source too).
 */
function embedded(
  o: KObj,
  path: PathKey[],
  raw: string,
  fileText: string | undefined,
  subject: string,
): { doc?: YamlDoc; unknowns: Unknown[] } {
  const file = o.doc.file;
  const keyAt = objAt(o, path);
  const lines = fileText?.split('\n') ?? [];
  const keyLine = lines[keyAt.line - 1] ?? '';
  const literal = /:[ \t]*\|[-+0-9]*[ \t]*(#.*)?\r?$/.test(keyLine);
  const firstContent = lines.slice(keyAt.line).find((l) => l.trim() !== '') ?? '';
  const indent = literal ? firstContent.length - firstContent.trimStart().length : 0;
  const place = (line: number, col: number): Evidence =>
    literal ? { file, line: keyAt.line + line, col: col + indent } : { ...keyAt };
  const where = (e: Evidence) => `${e.file}:${e.line}${e.col ? `:${e.col}` : ''}`;
  const bad = (at: Evidence, why: string): { unknowns: Unknown[] } => ({
    unknowns: [
      {
        subject,
        reason: `flagd definitions in ${subject} are not valid at ${where(at)}: ${why}; its flags are not read (flagd refuses the source too). Fix the JSON there`,
        at,
      },
    ],
  });
  const parsed = parseYamlDocuments(file, raw);
  const err = parsed.unknowns[0];
  if (err) {
    const why = /^invalid YAML at \S+: (.*?)(; document skipped)?$/.exec(err.reason)?.[1] ?? err.reason;
    return bad(place(err.at?.line ?? 1, err.at?.col ?? 1), why);
  }
  const inner = parsed.docs[0];
  if (!inner) return { unknowns: [] };
  if (raw.trimStart().startsWith('{'))
    try {
      JSON.parse(raw);
    } catch (e) {
      // the YAML reader accepts what JSON does not (a trailing comma); flagd parses JSON
      const msg = (e as Error).message;
      const pos = /at position (\d+)/.exec(msg)?.[1];
      const at = pos !== undefined ? lineCol(raw, Number(pos)) : undefined;
      return bad(at ? place(at.line, at.col) : { ...keyAt }, msg.split('\n')[0] ?? msg);
    }
  return {
    unknowns: [],
    doc: {
      file,
      index: o.doc.index,
      line: keyAt.line,
      value: inner.value,
      at(p, note) {
        const i = inner.at(p);
        const e = place(i.line, i.col ?? 1);
        return note ? { ...e, note } : e;
      },
    },
  };
}

/** The flagd definitions of a ConfigMap (one resource per data key holding them) or of an operator resource. */
export function readFlagResources(
  o: KObj,
  fileText: string | undefined,
): { resources: FlagResource[]; unknowns: Unknown[] } {
  const resources: FlagResource[] = [];
  const unknowns: Unknown[] = [];
  const add = (doc: YamlDoc, inKey?: string) => {
    const r = readFlagd(doc);
    if (r.flags.length === 0) return;
    r.source.in = { kind: o.kind, name: o.name, ...(inKey ? { key: inKey } : {}) };
    resources.push({ o, source: r.source, flags: r.flags });
  };
  if (o.kind === 'ConfigMap') {
    for (const [key, v] of Object.entries(obj(o.body.data))) {
      if (typeof v !== 'string' || !mayHoldFlags(v)) continue;
      const subject = `ConfigMap ${o.name} key ${key}`;
      const e = embedded(o, ['data', key], v, fileText, subject);
      unknowns.push(...e.unknowns);
      if (e.doc && isFlagd(e.doc.value)) add(e.doc, key);
    }
    return { resources, unknowns };
  }
  const field = CR_SPEC[o.kind];
  if (!field) return { resources, unknowns };
  const spec = get(o.body, 'spec', field);
  const path: PathKey[] = ['spec', field];
  if (typeof spec === 'string') {
    const e = embedded(o, path, spec, fileText, `${o.kind} ${o.name} spec.${field}`);
    unknowns.push(...e.unknowns);
    if (e.doc && isObj(get(e.doc.value, 'flags'))) add(e.doc);
  } else if (isObj(spec) && isObj(spec.flags))
    add({
      file: o.doc.file,
      index: o.doc.index,
      line: objAt(o, path).line,
      value: spec,
      at: (p, note) => objAt(o, [...path, ...p], note),
    });
  return { resources, unknowns };
}

/** `NAME` or `NS/NAME` items of an openfeature.dev annotation (comma separated). */
function refsOf(value: unknown, ns: string | undefined): { name: string; namespace?: string }[] {
  return (str(value) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const i = s.indexOf('/');
      const namespace = i >= 0 ? s.slice(0, i) : ns;
      return { name: i >= 0 ? s.slice(i + 1) : s, ...(namespace ? { namespace } : {}) };
    });
}

const sameNs = (a: string | undefined, b: string | undefined) =>
  a === undefined || b === undefined || a === b;

/** Both of one kustomize variant, or of one directory outside kustomize. */
function sameVariant(a: KObj, b: KObj): boolean {
  if (a.overlay !== undefined || b.overlay !== undefined) return a.overlay === b.overlay;
  const dir = (f: string) => f.slice(0, Math.max(0, f.lastIndexOf('/')));
  return dir(a.doc.file) === dir(b.doc.file);
}

const cite = (e: Evidence | undefined) => (e ? `${e.file}:${e.line}` : '');

/**
 * Which workloads each resource's flags belong to: the pods that mount the ConfigMap (a volume or a
 * projected source), that name the resource in the operator's annotations, or whose flagd container
 * syncs it (`--uri core.openfeature.dev/NS/NAME`). Among resources of one name, those of the
 * workload's own kustomize variant (or directory) are taken first.
 */
export function flagResourceBonds(
  resources: readonly FlagResource[],
  workloads: readonly (readonly [Workload, KObj])[],
  objects: readonly KObj[],
): Map<Flag, FlagBond[]> {
  const out = new Map<Flag, FlagBond[]>();
  const bind = (r: FlagResource, w: Workload, how: string) => {
    for (const f of r.flags) {
      const list = out.get(f) ?? [];
      if (!list.some((b) => b.workload === w)) list.push({ workload: w, how });
      out.set(f, list);
    }
  };
  const named = (kinds: readonly string[], name: string, ns: string | undefined, near: KObj) => {
    const all = resources.filter(
      (r) => kinds.includes(r.o.kind) && r.o.name === name && sameNs(r.o.namespace, ns),
    );
    const mine = all.filter((r) => sameVariant(r.o, near));
    return mine.length ? mine : all;
  };
  const sourcesObjs = objects.filter(
    (x) =>
      x.apiVersion.startsWith(OPENFEATURE) &&
      (x.kind === 'FeatureFlagSource' || x.kind === 'FlagSourceConfiguration'),
  );
  for (const [w, o] of workloads) {
    const ns = o.namespace ?? w.namespace;
    const ref = `${w.kind}/${w.name}`;
    for (const c of w.config) {
      if (c.kind !== 'ConfigMap') continue;
      for (const r of named(['ConfigMap'], c.name, ns, o))
        bind(
          r,
          w,
          `its ConfigMap ${r.o.name} (${cite(r.source.at)}) is mounted by ${ref}${c.at ? ` at ${cite(c.at)}` : ''}`,
        );
    }
    const meta = obj(get(o.body, 'spec', 'template', 'metadata', 'annotations'));
    const annotationsAt = objAt(o, ['spec', 'template', 'metadata', 'annotations']);
    for (const item of refsOf(meta['openfeature.dev/featureflagconfiguration'], ns))
      for (const r of named(['FeatureFlagConfiguration', 'FeatureFlag'], item.name, item.namespace, o))
        bind(
          r,
          w,
          `${ref} names ${r.o.kind} ${r.o.name} in its openfeature.dev/featureflagconfiguration annotation (${cite(annotationsAt)})`,
        );
    for (const key of ['openfeature.dev/featureflagsource', 'openfeature.dev/flagsourceconfiguration'])
      for (const item of refsOf(meta[key], ns))
        for (const src of sourcesObjs.filter(
          (x) => x.name === item.name && sameNs(x.namespace, item.namespace),
        ))
          for (const s of arr(get(src.body, 'spec', 'sources'))) {
            const provider = str(get(s, 'provider')) ?? 'kubernetes';
            if (provider !== 'kubernetes' && provider !== 'flagd-proxy') continue;
            for (const target of refsOf(get(s, 'source'), src.namespace ?? ns))
              for (const r of named(
                ['FeatureFlag', 'FeatureFlagConfiguration'],
                target.name,
                target.namespace,
                o,
              ))
                bind(
                  r,
                  w,
                  `${ref} names ${src.kind} ${src.name} in its ${key} annotation (${cite(annotationsAt)}), whose sources read ${r.o.kind} ${r.o.name}`,
                );
          }
    // a flagd container syncing the resource itself: --uri core.openfeature.dev/NS/NAME
    arr(get(o.body, 'spec', 'template', 'spec', 'containers')).forEach((c, i) => {
      const words = [...arr(get(c, 'command')), ...arr(get(c, 'args'))].map((x) => str(x) ?? '');
      for (const wd of words)
        for (const m of wd.matchAll(/core\.openfeature\.dev\/([a-z0-9.-]+)\/([a-z0-9.-]+)/g))
          for (const r of named(['FeatureFlag', 'FeatureFlagConfiguration'], m[2] ?? '', m[1], o))
            bind(
              r,
              w,
              `${ref} runs flagd syncing ${r.o.kind} ${r.o.name} (${cite(objAt(o, ['spec', 'template', 'spec', 'containers', i]))})`,
            );
    });
  }
  return out;
}
