import type { HelmFacts } from '../../model/facts.js';
import type {
  ConfigRef,
  CrdRef,
  Evidence,
  HelmHook,
  RolloutSettings,
  Unknown,
  Workload,
  WorkloadState,
} from '../../model/service.js';
import { cmp } from '../../util/order.js';
import { CACHE_ENGINES, engineOfChart, engineOfImage, OPERATOR_KIND_NAMES } from './data-stores.js';
import {
  type ChartNames,
  chartNames,
  type Defines,
  mergeValues,
  parseDefines,
  type Rendered,
  renderTemplate,
  type ValuesSource,
} from './helm-render.js';
import { parseImage } from './image.js';
import { type KObj, objectsOf, podLabels, selects, workloadOf } from './k8s.js';
import { lineAt } from './text.js';
import { get, metadataValue, num, obj, parseYaml, parseYamlDocuments, str, type YamlDoc } from './yaml.js';

export interface ChartInput {
  /** Chart directory (relative, POSIX). */
  dir: string;
  chart: YamlDoc;
  values?: YamlDoc;
  /** Values the deployment passes on top of values.yaml (later layers win). */
  extraValues?: YamlDoc[];
  /** Release name the deployment gives (default: the chart's name). */
  release?: string;
  /** Who passes the extra values and the release name, for messages (`Flux HelmRelease web`). */
  valuesBy?: string;
  /** The chart as `helm template` rendered it (templates by repository path), or why it was not. */
  helm?: { version: string; docs: { file: string; text: string }[] } | { failed: string };

  /** templates/** files as text (relative path → text). */
  templates: { file: string; text: string }[];
  /** templates/_*.tpl helper files (named templates such as `x.selectorLabels`). */
  helpers?: { file: string; text: string }[];
  /** crds/** documents. */
  crds: YamlDoc[];
}

interface Chunk {
  file: string;
  text: string;
  /** 1-based line of the chunk start in its file. */
  line: number;
}

const WORKLOAD = /^(Deployment|StatefulSet|DaemonSet|Rollout)$/;
const MIGRATION =
  /\bmigrat|db:migrate|flyway|liquibase|alembic|goose\b|dbmate|sqitch|prisma\s+migrate|knex\s+migrate|sequelize|schema[-_ ]?(update|upgrade)/i;

function chunks(file: string, text: string): Chunk[] {
  const out: Chunk[] = [];
  const re = /^---.*$/gm;
  let last = 0;
  let line = 1;
  for (const m of text.matchAll(re)) {
    const part = text.slice(last, m.index);
    out.push({ file, text: part, line });
    line += lineAt(part, part.length) - 1;
    last = (m.index ?? 0) + m[0].length;
  }
  out.push({ file, text: text.slice(last), line });
  return out.filter((c) => /^[ \t]*kind:/m.test(c.text));
}

function lineIn(c: Chunk, re: RegExp): number {
  const m = re.exec(c.text);
  return m ? c.line + lineAt(c.text, m.index) - 1 : c.line;
}

function kindOf(c: Chunk): string | undefined {
  return /^kind:\s*["']?([A-Za-z]+)/m.exec(c.text)?.[1];
}

/**
 * A resource name as the chart writes it, with the usual helpers filled in for a release named
 * like the chart (`include "x.fullname"` and `.Release.Name` → the chart name); other template
 * expressions stay as written.
 */
export function renderName(raw: string, names: ChartNames): string {
  return raw
    .trim()
    .replace(/^["']|["']$/g, '')
    .replace(/\{\{-?\s*(?:include|template)\s+"[^"]*\.fullname"\s+\.\s*-?\}\}/g, names.fullname)
    .replace(/\{\{-?\s*(?:include|template)\s+"[^"]*\.name"\s+\.\s*-?\}\}/g, names.chart)
    .replace(/\{\{-?\s*\.Release\.Name\s*-?\}\}/g, names.release)
    .replace(/\{\{-?\s*\.Chart\.Name\s*-?\}\}/g, names.chart);
}

function nameOf(c: Chunk, names: ChartNames): string {
  return renderName(metadataValue(c.text, 'name') || '(unnamed)', names);
}

/**
 * A Helm chart read without rendering its Go templates: Chart.yaml and values.yaml as YAML, the
 * templates as text (resource kinds, hook annotations, probes, checksum annotations, CRDs).
 */
export function readChart(input: ChartInput): { workload?: Workload; unknowns: Unknown[] } {
  const chart = obj(input.chart.value);
  const name = str(chart.name) ?? input.dir.split('/').pop() ?? 'chart';
  const unknowns: Unknown[] = [];
  if (str(chart.type) === 'library') return { unknowns };
  const names = chartNames(name, input.release);
  const source = mergeValues([...(input.values ? [input.values] : []), ...(input.extraValues ?? [])]);
  const values = obj(source.value);
  const vat = (path: string[]): Evidence | undefined => source.at(path);
  const all = input.templates.flatMap((t) => chunks(t.file, t.text));
  const hooks: HelmHook[] = [];
  const crds: CrdRef[] = [];
  const workloads: Chunk[] = [];
  const pdbs: Chunk[] = [];
  const hpas: Chunk[] = [];
  for (const c of all) {
    const kind = kindOf(c);
    if (!kind) continue;
    const hook = /["']?helm\.sh\/hook["']?:\s*["']?([^"'\n]+)/.exec(c.text);
    if (hook?.[1]) {
      const h: HelmHook = {
        kind,
        name: nameOf(c, names),
        events: hook[1]
          .split(',')
          .map((e) => e.trim())
          .filter(Boolean)
          .sort(cmp),
        runsMigration: MIGRATION.test(c.text),
        at: { file: c.file, line: lineIn(c, /helm\.sh\/hook["']?:/), note: hook[0].trim() },
      };
      const del = /["']?helm\.sh\/hook-delete-policy["']?:\s*["']?([^"'\n]+)/.exec(c.text);
      if (del?.[1]) h.deletePolicy = del[1].trim();
      hooks.push(h);
      continue;
    }
    if (kind === 'CustomResourceDefinition') {
      crds.push({
        name: nameOf(c, names),
        inTemplates: true,
        at: { file: c.file, line: lineIn(c, /^kind:/m) },
      });
    } else if (WORKLOAD.test(kind)) workloads.push(c);
    else if (kind === 'PodDisruptionBudget') pdbs.push(c);
    else if (kind === 'HorizontalPodAutoscaler') hpas.push(c);
  }
  for (const d of input.crds) {
    const n = str(get(d.value, 'metadata', 'name'));
    if (n) crds.push({ name: n, inTemplates: false, at: d.at(['kind']) });
  }

  // the chart's own workload: the one named like the release (`x.fullname`), else the first
  const main = workloads.find((c) => nameOf(c, names) === names.fullname) ?? workloads[0];
  const defines = parseDefines(input.helpers ?? []);
  const s: RolloutSettings = {};
  const replicas = num(values.replicaCount) ?? num(values.replicas);
  const rk = values.replicaCount !== undefined ? 'replicaCount' : 'replicas';
  if (replicas !== undefined) s.replicas = { value: replicas, at: vat([rk]) as Evidence };
  const rhl = num(values.revisionHistoryLimit);
  if (rhl !== undefined)
    s.revisionHistoryLimit = { value: rhl, at: vat(['revisionHistoryLimit']) as Evidence };
  const config: ConfigRef[] = [];
  if (main) {
    const at = (re: RegExp): Evidence => ({ file: main.file, line: lineIn(main, re) });
    const probe = /readinessProbe/.test(main.text);
    const valuesProbe = values.readinessProbe;
    s.hasReadinessProbe = {
      value:
        probe &&
        (valuesProbe === undefined ||
          (typeof valuesProbe === 'object' && valuesProbe !== null && Object.keys(valuesProbe).length > 0) ||
          /readinessProbe:[ \t]*\r?\n[ \t]+\w/.test(main.text)),
      at: probe ? at(/readinessProbe/) : at(/^kind:/m),
    };
    if (/type:\s*["']?Recreate/.test(main.text))
      s.strategy = { value: 'Recreate', at: at(/type:\s*["']?Recreate/) };
    const lit = /revisionHistoryLimit:\s*(\d+)\s*$/m.exec(main.text);
    if (lit?.[1]) s.revisionHistoryLimit = { value: Number(lit[1]), at: at(/revisionHistoryLimit:/) };
    if (/podManagementPolicy:\s*["']?Parallel/.test(main.text))
      s.podManagementPolicy = { value: 'Parallel', at: at(/podManagementPolicy:/) };
    const checksum = /checksum\/[\w.-]+["']?:/.test(main.text);
    for (const m of main.text.matchAll(
      /(configMap(?:Ref|KeyRef)?|secret(?:Ref|KeyRef)?):[ \t]*\r?\n[ \t]+(?:name|secretName):[ \t]*(\S.*)$/gm,
    )) {
      const kind = (m[1] ?? '').startsWith('secret') ? 'Secret' : 'ConfigMap';
      const n = renderName(m[2] ?? '', names);
      if (config.some((c) => c.kind === kind && c.name === n)) continue;
      config.push({
        kind,
        name: n,
        versioned: checksum,
        at: {
          file: main.file,
          line: main.line + lineAt(main.text, m.index ?? 0) - 1,
          note: checksum ? 'pod template has a checksum/ annotation' : 'templated name',
        },
      });
    }
  }
  const bound = main ? bindToValues(input, main, source, names, defines) : undefined;
  if (bound?.workload) {
    // Rendered against the values: every fact cites the values file (or template line) that set it.
    for (const [k, v] of Object.entries(bound.workload.settings)) (s as Record<string, unknown>)[k] = v;
    // the template decides whether replicas is set at all (`if not .Values.autoscaling.enabled`)
    if (!bound.workload.settings.replicas) delete s.replicas;
  }
  const imageV = obj(values.image);
  const images = [];
  const repo = str(imageV.repository) ?? (typeof values.image === 'string' ? values.image : undefined);
  if (repo) {
    let tag = str(imageV.tag);
    let tagAt = vat(['image', imageV.tag !== undefined ? 'tag' : 'repository']);
    const appVersion = str(chart.appVersion);
    if (
      (tag === undefined || tag === '') &&
      appVersion &&
      all.some((c) => /\.Chart\.AppVersion/.test(c.text))
    ) {
      tag = appVersion;
      tagAt = input.chart.at(['appVersion'], 'image tag defaults to the chart appVersion');
    }
    const registry = str(imageV.registry);
    const full = `${registry ? `${registry}/` : ''}${repo}${tag ? `:${tag}` : ''}${str(imageV.digest) ? `@${str(imageV.digest)}` : ''}`;
    images.push(parseImage(full, tagAt));
  }
  const helm: HelmFacts = { chart: name, chartPath: input.dir || '.', release: names.release };
  const version = str(chart.version);
  if (version) helm.chartVersion = version;
  const appVersion = str(chart.appVersion);
  if (appVersion) helm.appVersion = appVersion;
  const w: Workload = {
    kind: main ? (kindOf(main) ?? 'Deployment') : 'HelmChart',
    name,
    platform: 'helm',
    at: input.chart.at(['name']),
    images,
    settings: s,
    config,
    helm,
    hooks: hooks.sort(
      (a, b) => cmp(a.at?.file ?? '', b.at?.file ?? '') || (a.at?.line ?? 0) - (b.at?.line ?? 0),
    ),
    crds,
  };
  const scaling = attachToWorkload(input, { main, bound, hpas, pdbs, source, names, defines, values });
  w.disruptionBudget = scaling.pdb;
  if (scaling.hpa) w.autoscaler = scaling.hpa;
  unknowns.push(...scaling.unknowns);
  const state = chartState(input, main, all, values, images, names);
  if (state.length) w.state = state;
  const missing = [...new Set([...(bound?.rendered.missing ?? []), ...scaling.missing])];
  if (input.helm && 'docs' in input.helm) {
    // exact manifests: nothing approximated, but say which helm rendered them
    if (!bound?.exact)
      unknowns.push({
        subject: `helm chart ${name}`,
        reason: `helm template (${input.helm.version}) rendered no ${main ? kindOf(main) : 'workload'} from ${main?.file ?? 'the templates'} with these values; the facts come from rollbook's own binding`,
        at: input.chart.at(['name']),
      });
  } else
    unknowns.push({
      subject: `helm chart ${name}`,
      reason: `${input.helm && 'failed' in input.helm ? input.helm.failed : 'helm is not run'}: the workload template was bound to ${[...new Set(source.files)].join(' + ') || 'no values file'}${input.valuesBy ? ` (the values of ${input.valuesBy})` : ''} by rollbook (conditions other than a values path are assumed true, helpers other than fullname, name and whole-line includes of _helpers.tpl are placeholders)${missing.length ? `; values the templates read but no values file sets (approximated by template defaults or platform defaults): ${missing.map((m) => `.Values.${m}`).join(', ')}` : ''}; ${input.release ? `the release name ${input.release} comes from ${input.valuesBy ?? 'the deployment'}` : 'the release name is assumed to be the chart name'}`,
      at: input.chart.at(['name']),
    });
  return { workload: w, unknowns };
}

/** The value at a dotted `.Values` path (`primary.persistence.enabled`). */
function valueAt(values: unknown, path: string): unknown {
  let v: unknown = values;
  for (const k of path.split('.').filter(Boolean)) v = get(v, k);
  return v;
}

/**
 * The `.Values` paths guarding a position by `{{ if .Values.x }}` blocks still open there: a
 * block whose condition is false in values.yaml removes what it guards.
 */
function disabledGuard(text: string, pos: number, values: unknown): string | undefined {
  const open: string[] = [];
  for (const m of text.slice(0, pos).matchAll(/\{\{-?\s*(if|with|range|end|else)\b([^}]*)\}\}/g)) {
    if (m[1] === 'if' || m[1] === 'with' || m[1] === 'range') open.push(m[1] === 'if' ? (m[2] ?? '') : '');
    else if (m[1] === 'end') open.pop();
    else if (m[1] === 'else' && open.length) open[open.length - 1] = '';
  }
  for (const cond of open) {
    const ref = /^\s*\.Values\.([\w.]+)\s*-?$/.exec(cond);
    if (ref?.[1] && valueAt(values, ref[1]) === false) return ref[1];
  }
  return undefined;
}

/** State the chart's workload holds: claim templates, PVC volumes, data-store images, database subcharts, operators' CRs. */
function chartState(
  input: ChartInput,
  main: Chunk | undefined,
  all: Chunk[],
  values: Record<string, unknown>,
  images: ReturnType<typeof parseImage>[],
  names: ChartNames,
): WorkloadState[] {
  const out: WorkloadState[] = [];
  if (main) {
    const at = (index: number): Evidence => ({
      file: main.file,
      line: main.line + lineAt(main.text, index) - 1,
    });
    const vct = /^([ \t]*)volumeClaimTemplates:/m.exec(main.text);
    if (vct && disabledGuard(main.text, vct.index, values) === undefined) {
      const claims = [
        ...main.text
          .slice(vct.index)
          .matchAll(/^[ \t]*(?:-[ \t]*)?metadata:[ \t]*\r?\n[ \t]+name:[ \t]*(\S.*)$/gm),
      ];
      const first = claims[0]?.[1];
      out.push({
        kind: 'volume-claim-template',
        name: first ? renderName(first, names) : 'data',
        at: at(vct.index + (vct[1]?.length ?? 0)),
      });
    }
    for (const m of main.text.matchAll(/persistentVolumeClaim:[ \t]*\r?\n[ \t]+claimName:[ \t]*(\S.*)$/gm)) {
      if (disabledGuard(main.text, m.index ?? 0, values) !== undefined) continue;
      out.push({
        kind: 'persistent-volume-claim',
        name: renderName(m[1] ?? '', names),
        at: at(m.index ?? 0),
      });
    }
  }
  const persistence =
    out.length > 0 ||
    Object.values(values).some((v) => get(v, 'enabled') === true && get(v, 'size') !== undefined) ||
    get(values, 'persistence', 'enabled') === true;
  for (const img of images) {
    const engine = engineOfImage(img.repository);
    if (!engine || (CACHE_ENGINES.has(engine) && !persistence)) continue;
    const st: WorkloadState = { kind: 'data-image', name: img.repository, engine };
    if (img.at) st.at = img.at;
    out.push(st);
  }
  const deps = Array.isArray(get(input.chart.value, 'dependencies'))
    ? (get(input.chart.value, 'dependencies') as unknown[])
    : [];
  deps.forEach((dep, i) => {
    const depName = str(get(dep, 'name'));
    const alias = str(get(dep, 'alias')) ?? depName;
    const engine = depName ? engineOfChart(depName) : undefined;
    if (!depName || !engine) return;
    const condition = str(get(dep, 'condition'));
    const enabled = condition
      ? condition
          .split(',')
          .map((c) => valueAt(values, c.trim()))
          .find((v) => typeof v === 'boolean')
      : undefined;
    if (enabled === false) return;
    if (CACHE_ENGINES.has(engine) && valueAt(values, `${alias}.master.persistence.enabled`) === false) return;
    out.push({
      kind: 'data-subchart',
      name: alias ?? depName,
      engine,
      at: input.chart.at(
        ['dependencies', i, 'name'],
        `subchart ${depName}${str(get(dep, 'version')) ? ` ${str(get(dep, 'version'))}` : ''}`,
      ),
    });
  });
  for (const c of all) {
    const kind = kindOf(c);
    if (!kind || !OPERATOR_KIND_NAMES.has(kind)) continue;
    out.push({
      kind: 'operator-resource',
      name: `${kind}/${nameOf(c, names)}`,
      engine: OPERATOR_KIND_NAMES.get(kind) ?? kind.toLowerCase(),
      at: { file: c.file, line: lineIn(c, /^kind:/m) },
    });
  }
  return out;
}

/** A parsed document whose evidence points at the template line or values line each rendered line came from. */
function remap(doc: YamlDoc, r: Rendered, file: string): YamlDoc {
  return {
    ...doc,
    file,
    at(path, note) {
      const e = doc.at(path, note);
      const src = r.lines[e.line - 1];
      if (!src) return e;
      return note ? { ...src, note } : { ...src };
    },
  };
}

/** The first object of `kind` in the file holding `chunk`, rendered against the values. */
function bindObject(
  input: ChartInput,
  chunk: Chunk,
  values: ValuesSource,
  names: ChartNames,
  kind: string,
  defines: Defines,
): { o: KObj; rendered: Rendered; exact?: boolean } | undefined {
  const text = input.templates.find((t) => t.file === chunk.file)?.text;
  if (text === undefined) return undefined;
  const rendered = renderTemplate(chunk.file, text, values, names, defines);
  const parsed = parseYaml(chunk.file, rendered.text);
  // the object of this chunk: of its kind, named as the chunk names it (a file may hold several)
  const want = nameOf(chunk, names);
  const candidates = parsed.docs.flatMap((d) =>
    objectsOf(remap(d, rendered, chunk.file)).filter((o) => o.kind === kind),
  );
  const approx = candidates.find((o) => o.name === want) ?? candidates[0];
  const helm = input.helm && 'docs' in input.helm ? input.helm : undefined;
  if (!helm) return approx ? { o: approx, rendered } : undefined;
  const name = approx?.name;
  for (const r of helm.docs.filter((x) => x.file === chunk.file)) {
    for (const d of parseYamlDocuments(chunk.file, r.text).docs) {
      const objs = objectsOf(d).filter((o) => o.kind === kind);
      const o = objs.find((x) => x.name === name) ?? objs[0];
      if (o) return { o: { ...o, doc: exactDoc(d, approx, chunk, helm.version) }, rendered, exact: true };
    }
  }
  // helm rendered no such object (a condition the values turn off)
  return undefined;
}

/**
 * A document of `helm template` output whose evidence is the values line rollbook's own binding
 * found for the same value, else the template with a note (the values line is then unknown).
 */
function exactDoc(d: YamlDoc, approx: KObj | undefined, chunk: Chunk, version: string): YamlDoc {
  return {
    ...d,
    file: chunk.file,
    at(path, note) {
      const same =
        approx !== undefined &&
        JSON.stringify(get(d.value, ...path)) ===
          JSON.stringify(get(approx.body, ...path.slice(approx.base.length)));
      if (same && approx) return approx.doc.at(path, note);
      return {
        file: chunk.file,
        line: lineIn(chunk, /^kind:/m),
        note: note ?? `as rendered by helm template (${version}); the values line is not known`,
      };
    },
  };
}

/** The chart's workload object rendered against the values, read like any manifest. */
function bindToValues(
  input: ChartInput,
  main: Chunk,
  values: ValuesSource,
  names: ChartNames,
  defines: Defines,
): { workload?: Workload; o: KObj; rendered: Rendered; exact?: boolean } | undefined {
  const kind = kindOf(main);
  if (!kind) return undefined;
  const b = bindObject(input, main, values, names, kind, defines);
  if (!b) return undefined;
  const w = workloadOf(b.o, new Map());
  const exact = b.exact ? { exact: true } : {};
  return w
    ? { workload: w, o: b.o, rendered: b.rendered, ...exact }
    : { o: b.o, rendered: b.rendered, ...exact };
}

/** A rendered name or label that still holds a template expression rollbook could not evaluate. */
function unresolved(v: unknown): boolean {
  return typeof v === 'string' && (v.includes('TEMPLATED') || v.includes('{{'));
}

/**
 * The chart's HPA and PDB that belong to its workload: an HPA whose scaleTargetRef names the
 * workload's kind and name, a PDB whose selector matches the workload's pod template labels (with
 * `include "x.selectorLabels"` helpers expanded from _helpers.tpl). Another Deployment's are never
 * attached; a selector or target rollbook could not evaluate is an unknown about this workload.
 */
function attachToWorkload(
  input: ChartInput,
  ctx: {
    main: Chunk | undefined;
    bound: { o: KObj } | undefined;
    hpas: Chunk[];
    pdbs: Chunk[];
    source: ValuesSource;
    names: ChartNames;
    defines: Defines;
    values: Record<string, unknown>;
  },
): {
  hpa?: NonNullable<Workload['autoscaler']>;
  pdb: Workload['disruptionBudget'];
  unknowns: Unknown[];
  missing: string[];
} {
  const { main, bound, source, names, defines, values } = ctx;
  const unknowns: Unknown[] = [];
  const missing: string[] = [];
  const subject = `${main ? (kindOf(main) ?? 'workload').toLowerCase() : 'workload'}/${bound?.o.name ?? names.fullname}`;
  const off = (c: Chunk) =>
    disabledGuard(c.text, Math.max(0, c.text.search(/^kind:/m)), values) !== undefined;
  const mainKind = main ? kindOf(main) : undefined;
  const mainName = bound?.o.name;
  let hpa: NonNullable<Workload['autoscaler']> | undefined;
  const targeting: string[] = [];
  for (const c of ctx.hpas) {
    if (off(c)) continue;
    const b = bindObject(input, c, source, names, 'HorizontalPodAutoscaler', defines);
    if (!b) {
      // the template could not be read as YAML after binding: bounds from values, if it is the only one
      if (ctx.hpas.length === 1 && !hpa) {
        const auto = obj(values.autoscaling);
        hpa = { name: nameOf(c, names), at: { file: c.file, line: lineIn(c, /^kind:/m) } };
        const min = num(auto.minReplicas);
        const max = num(auto.maxReplicas);
        if (min !== undefined) hpa.minReplicas = min;
        if (max !== undefined) hpa.maxReplicas = max;
      }
      continue;
    }
    missing.push(...b.rendered.missing);
    const kind = str(get(b.o.body, 'spec', 'scaleTargetRef', 'kind'));
    const name = str(get(b.o.body, 'spec', 'scaleTargetRef', 'name'));
    const sameKind = !kind || !mainKind || kind === mainKind;
    const sameName =
      name === undefined ||
      mainName === undefined ||
      name === mainName ||
      unresolved(name) ||
      unresolved(mainName);
    if (!sameKind || !sameName) continue;
    targeting.push(b.o.name);
    if (hpa) continue;
    hpa = { name: b.o.name, at: b.o.doc.at(['spec', 'scaleTargetRef']) };
    const min = num(get(b.o.body, 'spec', 'minReplicas'));
    const max = num(get(b.o.body, 'spec', 'maxReplicas'));
    if (min !== undefined) {
      hpa.minReplicas = min;
      hpa.minAt = b.o.doc.at(['spec', 'minReplicas']);
    }
    if (max !== undefined) {
      hpa.maxReplicas = max;
      hpa.maxAt = b.o.doc.at(['spec', 'maxReplicas']);
    }
  }
  if (targeting.length > 1)
    unknowns.push({
      subject,
      reason: `${targeting.length} HPAs of the chart may target it (${targeting.join(', ')}): their scaleTargetRef names could not be told apart; ${targeting[0]} was used`,
      ...(hpa?.at ? { at: hpa.at } : {}),
    });
  const labels = bound ? podLabels(bound.o) : {};
  const labelsKnown = Object.keys(labels).length > 0 && !Object.values(labels).some(unresolved);
  let pdb: Workload['disruptionBudget'] = null;
  const undecided: string[] = [];
  for (const c of ctx.pdbs) {
    if (off(c)) continue;
    const b = bindObject(input, c, source, names, 'PodDisruptionBudget', defines);
    const selector = b ? get(b.o.body, 'spec', 'selector') : undefined;
    const ml = obj(get(selector, 'matchLabels'));
    const known = b !== undefined && Object.keys(ml).length > 0 && !Object.values(ml).some(unresolved);
    if (!known || !labelsKnown) {
      undecided.push(`${b?.o.name ?? nameOf(c, names)} (${c.file})`);
      continue;
    }
    if (!pdb && b && selects(selector, labels))
      pdb = { name: b.o.name, at: { file: c.file, line: lineIn(c, /^kind:/m) } };
  }
  if (!pdb && undecided.length)
    unknowns.push({
      subject,
      reason: `PodDisruptionBudget ${undecided.join(', ')}: its selector or the pod labels hold template expressions rollbook could not evaluate; not attached to this workload: check it selects ${subject}'s pods`,
      ...(main ? { at: { file: main.file, line: lineIn(main, /^kind:/m) } } : {}),
    });
  return { ...(hpa ? { hpa } : {}), pdb, unknowns, missing };
}
