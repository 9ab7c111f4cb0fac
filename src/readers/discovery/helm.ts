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
  type RangeExpansion,
  type Rendered,
  renderTemplate,
  type ValuesSource,
} from './helm-render.js';
import { parseImage } from './image.js';
import {
  bindServices,
  isKubeService,
  type KObj,
  objAt,
  objectsOf,
  type PodTarget,
  podLabels,
  type ServiceCandidate,
  selects,
  serviceCandidate,
  workloadOf,
} from './k8s.js';
import { templateMigrationCommand } from './migration-runs.js';
import { subchartPrimaryPod } from './subchart-pod.js';
import { lineAt } from './text.js';
import {
  get,
  isObj,
  metadataValue,
  num,
  obj,
  parseYaml,
  parseYamlDocuments,
  str,
  type YamlDoc,
} from './yaml.js';

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
  helm?:
    | {
        version: string;
        docs: { file: string; text: string }[];
        /** The vendored subcharts' rendered documents (what names a database subchart's pod). */
        subchartDocs?: { file: string; text: string }[];
      }
    | { failed: string };

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
  /** One object a `range` loop renders from this chunk: its name as `helm template` rendered it. */
  rendered?: string;
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

/** The chart's templates bound to its values, each file rendered once and each object bound once. */
type Binder = (chunk: Chunk, kind: string) => Bound | undefined;

interface Bound {
  o: KObj;
  rendered: Rendered;
  exact?: boolean;
}

function binder(input: ChartInput, values: ValuesSource, names: ChartNames, defines: Defines): Binder {
  const renders = new Map<string, Rendered>();
  const memo = new Map<string, Bound | undefined>();
  return (chunk, kind) => {
    const key = `${chunk.file}\u0000${chunk.line}\u0000${kind}\u0000${chunk.rendered ?? ''}`;
    if (!memo.has(key)) memo.set(key, bindObject(input, chunk, values, names, kind, defines, renders));
    return memo.get(key);
  };
}

/**
 * A Helm chart read without rendering its Go templates: Chart.yaml and values.yaml as YAML, the
 * templates as text (resource kinds, hook annotations, probes, checksum annotations, CRDs), each
 * workload template bound to the values. A chart with several Deployments / StatefulSets yields one
 * workload each (the one named like the release first), each with its own probes, replicas, HPA,
 * PDB and Services; the release, its hooks and CRDs are the chart's and shared.
 */
export function readChart(input: ChartInput): { workloads: Workload[]; unknowns: Unknown[] } {
  const chart = obj(input.chart.value);
  const name = str(chart.name) ?? input.dir.split('/').pop() ?? 'chart';
  const unknowns: Unknown[] = [];
  if (str(chart.type) === 'library') return { workloads: [], unknowns };
  const names = chartNames(name, input.release, str(chart.version));
  const source = mergeValues([...(input.values ? [input.values] : []), ...(input.extraValues ?? [])]);
  const values = obj(source.value);
  const vat = (path: string[]): Evidence | undefined => source.at(path);
  const all = input.templates.flatMap((t) => chunks(t.file, t.text));
  const hooks: HelmHook[] = [];
  const crds: CrdRef[] = [];
  const workloads: Chunk[] = [];
  const pdbs: Chunk[] = [];
  const hpas: Chunk[] = [];
  const services: Chunk[] = [];
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
      const cmd = h.runsMigration ? templateMigrationCommand(c.text) : undefined;
      if (cmd) {
        h.tool = cmd.tool;
        h.command = cmd.match.trim();
      }
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
    else if (kind === 'Service' && /^apiVersion:[ \t]*["']?v1["']?[ \t]*$/m.test(c.text)) services.push(c);
  }
  for (const d of input.crds) {
    const n = str(get(d.value, 'metadata', 'name'));
    if (n) crds.push({ name: n, inTemplates: false, at: d.at(['kind']) });
  }

  // a workload template inside a `range` loop makes one object per entry: helm template lists them
  // (one unit each); without it rollbook expands the loop itself over the values (one unit per
  // object it renders) and an unknown at the range line says what it approximated
  const defines = parseDefines(input.helpers ?? []);
  const rendered = input.helm && 'docs' in input.helm ? input.helm.docs : undefined;
  const ownRenders = new Map<string, Rendered>();
  const reported = new Set<string>();
  /** A chunk inside a `range` loop: one chunk per object the loop renders (helm's, else rollbook's). */
  const expandLoop = (c: Chunk, isWorkload: boolean): Chunk[] => {
    const text = input.templates.find((t) => t.file === c.file)?.text ?? '';
    const loop = enclosingRange(text, c.line);
    if (!loop) return [c];
    const kind = kindOf(c) ?? '';
    if (rendered) {
      const made = rendered
        .filter((r) => r.file === c.file)
        .flatMap((r) => parseYamlDocuments(c.file, r.text).docs.flatMap((d) => objectsOf(d)))
        .filter((o) => o.kind === kind)
        .map((o) => o.name);
      if (made.length) return [...new Set(made)].sort(cmp).map((n) => ({ ...c, rendered: n }));
      if (isWorkload)
        unknowns.push(loopUnknown(name, c, loop, values, vat, 'helm template rendered none of them'));
      return [c];
    }
    const own = ownRenders.get(c.file) ?? renderTemplate(c.file, text, source, names, defines);
    ownRenders.set(c.file, own);
    const expansion = own.loops.find((l) => l.line <= c.line && l.end >= c.line);
    if (!expansion) {
      const why = own.approximated.filter((a) => a.includes('{{ range')).join('; ');
      if (isWorkload)
        unknowns.push(
          loopUnknown(
            name,
            c,
            loop,
            values,
            vat,
            `without helm template rollbook could not expand the loop over the values (${why || 'not a values map or list'})`,
          ),
        );
      return [c];
    }
    const objects = [
      ...new Set(
        parseYaml(c.file, own.text)
          .docs.flatMap((d) => objectsOf(d))
          .filter((o) => o.kind === kind && !unresolved(o.name))
          .map((o) => o.name),
      ),
    ].sort(cmp);
    const key = `${c.file}\u0000${expansion.line}\u0000${kind}`;
    if (!reported.has(key)) {
      reported.add(key);
      unknowns.push(expandedUnknown(name, kind, loop, expansion, objects, c.file, vat));
    }
    return objects.map((n) => ({ ...c, rendered: n }));
  };
  const looped = workloads.flatMap((c) => expandLoop(c, true));
  for (const list of [hpas, pdbs, services])
    list.splice(0, list.length, ...list.flatMap((c) => expandLoop(c, false)));
  workloads.splice(0, workloads.length, ...looped);

  // the chart's own workload first: the one named like the release (`x.fullname`), else the first
  const main = workloads.find((c) => nameOf(c, names) === names.fullname) ?? workloads[0];
  const units = main ? [main, ...workloads.filter((c) => c !== main)] : [];
  const bind = binder(input, source, names, defines);
  const multi = units.length > 1;

  const images = chartImages(input, chart, values, all, vat);
  const helm: HelmFacts = { chart: name, chartPath: input.dir || '.', release: names.release };
  const version = str(chart.version);
  if (version) helm.chartVersion = version;
  const appVersion = str(chart.appVersion);
  if (appVersion) helm.appVersion = appVersion;
  const sortedHooks = hooks.sort(
    (a, b) => cmp(a.at?.file ?? '', b.at?.file ?? '') || (a.at?.line ?? 0) - (b.at?.line ?? 0),
  );
  const shared = (kind: string, wname: string, at: Evidence): Workload => ({
    kind,
    name: wname,
    platform: 'helm',
    at,
    images: [...images],
    settings: {},
    config: [],
    helm: { ...helm },
    hooks: [...sortedHooks],
    crds: [...crds],
  });

  const missing = new Set<string>();
  const out: Workload[] = [];
  const bounds: (ReturnType<typeof bindToValues> | undefined)[] = [];
  units.forEach((c, i) => {
    const kind = kindOf(c) ?? 'Deployment';
    const bound = bindToValues(c, bind);
    bounds.push(bound);
    const wname = multi ? unitName(c, bound, names, name, i) : name;
    const w = shared(
      kind,
      wname,
      multi ? { file: c.file, line: lineIn(c, /^kind:/m) } : input.chart.at(['name']),
    );
    const own = chunkFacts(c, bound, values, vat, names, c === main);
    w.settings = own.settings;
    w.config = own.config;
    const subject = multi
      ? `${kind.toLowerCase()}/${wname}`
      : `${kind.toLowerCase()}/${bound?.o.name ?? names.fullname}`;
    const scaling = attachToWorkload({
      main: c,
      bound,
      hpas,
      pdbs,
      names,
      values,
      bind,
      subject,
      onlyOne: c === main,
    });
    w.disruptionBudget = scaling.pdb;
    if (scaling.hpa) w.autoscaler = scaling.hpa;
    unknowns.push(...scaling.unknowns);
    for (const m of [...(bound?.rendered.missing ?? []), ...scaling.missing]) missing.add(m);
    const state = chartState(input, c, all, values, images, names, vat);
    if (state.length) w.state = state;
    out.push(w);
  });
  if (units.length === 0) {
    const w = shared('HelmChart', name, input.chart.at(['name']));
    const own = chunkFacts(undefined, undefined, values, vat, names, true);
    w.settings = own.settings;
    const scaling = attachToWorkload({
      main: undefined,
      bound: undefined,
      hpas,
      pdbs,
      names,
      values,
      bind,
      subject: `workload/${names.fullname}`,
      onlyOne: true,
    });
    w.disruptionBudget = scaling.pdb;
    if (scaling.hpa) w.autoscaler = scaling.hpa;
    unknowns.push(...scaling.unknowns);
    for (const m of scaling.missing) missing.add(m);
    const state = chartState(input, undefined, all, values, images, names, vat);
    if (state.length) w.state = state;
    out.push(w);
  }
  const svc = attachServices(units, bounds, out, services, bind, values);
  unknowns.push(...svc.unknowns);
  for (const m of svc.missing) missing.add(m);

  if (input.helm && 'docs' in input.helm) {
    // exact manifests: nothing approximated, but say which helm rendered them
    const helmVersion = input.helm.version;
    units.forEach((c, i) => {
      if (bounds[i]?.exact) return;
      unknowns.push({
        subject: `helm chart ${name}`,
        reason: `helm template (${helmVersion}) rendered no ${kindOf(c)} from ${c.file} with these values; the facts${multi ? ` of ${out[i]?.kind.toLowerCase()}/${out[i]?.name}` : ''} come from rollbook's own binding`,
        at: input.chart.at(['name']),
      });
    });
    if (units.length === 0)
      unknowns.push({
        subject: `helm chart ${name}`,
        reason: `helm template (${helmVersion}) rendered no workload from the templates with these values; the facts come from rollbook's own binding`,
        at: input.chart.at(['name']),
      });
  } else {
    const miss = [...missing];
    unknowns.push({
      subject: `helm chart ${name}`,
      reason: `${input.helm && 'failed' in input.helm ? input.helm.failed : 'helm is not run'}: the workload template${multi ? 's were' : ' was'} bound to ${[...new Set(source.files)].join(' + ') || 'no values file'}${input.valuesBy ? ` (the values of ${input.valuesBy})` : ''} by rollbook (conditions other than a values path are assumed true, helpers other than fullname, name and whole-line includes of _helpers.tpl are placeholders)${miss.length ? `; values the templates read but no values file sets (approximated by template defaults or platform defaults): ${miss.map((m) => `.Values.${m}`).join(', ')}` : ''}; ${input.release ? `the release name ${input.release} comes from ${input.valuesBy ?? 'the deployment'}` : 'the release name is assumed to be the chart name'}`,
      at: input.chart.at(['name']),
    });
  }
  return { workloads: out, unknowns };
}

/** A workload's name in a chart of several: its rendered metadata.name, else the chart's name with the template's. */
function unitName(
  c: Chunk,
  bound: { o: KObj } | undefined,
  names: ChartNames,
  chart: string,
  i: number,
): string {
  const rendered = bound?.o.name ?? nameOf(c, names);
  if (/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(rendered) && rendered.length <= 53) return rendered;
  const base = (c.file.split('/').pop() ?? '')
    .replace(/\.(ya?ml|tpl)$/, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .join('-');
  return `${chart}-${base || String(i + 1)}`.slice(0, 53).replace(/-$/, '');
}

/** The chart's image: values.yaml `image` (repository, tag, registry, digest), the tag defaulting to appVersion. */
function chartImages(
  input: ChartInput,
  chart: Record<string, unknown>,
  values: Record<string, unknown>,
  all: Chunk[],
  vat: (path: string[]) => Evidence | undefined,
): ReturnType<typeof parseImage>[] {
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
  return images;
}

/**
 * One workload template's own facts: from its text (readiness probe, Recreate, history limit,
 * config references), then from its object bound to the values, which cites the values lines. The
 * chart-wide `replicaCount` / `revisionHistoryLimit` of values.yaml are the chart's own workload's.
 */
function chunkFacts(
  c: Chunk | undefined,
  bound: { workload?: Workload } | undefined,
  values: Record<string, unknown>,
  vat: (path: string[]) => Evidence | undefined,
  names: ChartNames,
  isMain: boolean,
): { settings: RolloutSettings; config: ConfigRef[] } {
  const s: RolloutSettings = {};
  if (isMain) {
    const replicas = num(values.replicaCount) ?? num(values.replicas);
    const rk = values.replicaCount !== undefined ? 'replicaCount' : 'replicas';
    if (replicas !== undefined) s.replicas = { value: replicas, at: vat([rk]) as Evidence };
    const rhl = num(values.revisionHistoryLimit);
    if (rhl !== undefined)
      s.revisionHistoryLimit = { value: rhl, at: vat(['revisionHistoryLimit']) as Evidence };
  }
  const config: ConfigRef[] = [];
  if (c) {
    const at = (re: RegExp): Evidence => ({ file: c.file, line: lineIn(c, re) });
    const probe = /readinessProbe/.test(c.text);
    const valuesProbe = values.readinessProbe;
    s.hasReadinessProbe = {
      value:
        probe &&
        (valuesProbe === undefined ||
          (typeof valuesProbe === 'object' && valuesProbe !== null && Object.keys(valuesProbe).length > 0) ||
          /readinessProbe:[ \t]*\r?\n[ \t]+\w/.test(c.text)),
      at: probe ? at(/readinessProbe/) : at(/^kind:/m),
    };
    if (/type:\s*["']?Recreate/.test(c.text))
      s.strategy = { value: 'Recreate', at: at(/type:\s*["']?Recreate/) };
    const lit = /revisionHistoryLimit:\s*(\d+)\s*$/m.exec(c.text);
    if (lit?.[1]) s.revisionHistoryLimit = { value: Number(lit[1]), at: at(/revisionHistoryLimit:/) };
    if (/podManagementPolicy:\s*["']?Parallel/.test(c.text))
      s.podManagementPolicy = { value: 'Parallel', at: at(/podManagementPolicy:/) };
    const checksum = /checksum\/[\w.-]+["']?:/.test(c.text);
    for (const m of c.text.matchAll(
      /(configMap(?:Ref|KeyRef)?|secret(?:Ref|KeyRef)?):[ \t]*\r?\n[ \t]+(?:name|secretName):[ \t]*(\S.*)$/gm,
    )) {
      const kind = (m[1] ?? '').startsWith('secret') ? 'Secret' : 'ConfigMap';
      const n = renderName(m[2] ?? '', names);
      if (config.some((x) => x.kind === kind && x.name === n)) continue;
      config.push({
        kind,
        name: n,
        versioned: checksum,
        at: {
          file: c.file,
          line: c.line + lineAt(c.text, m.index ?? 0) - 1,
          note: checksum ? 'pod template has a checksum/ annotation' : 'templated name',
        },
      });
    }
  }
  if (bound?.workload) {
    // Rendered against the values: every fact cites the values file (or template line) that set it.
    for (const [k, v] of Object.entries(bound.workload.settings)) (s as Record<string, unknown>)[k] = v;
    // the template decides whether replicas is set at all (`if not .Values.autoscaling.enabled`)
    if (!bound.workload.settings.replicas) delete s.replicas;
  }
  return { settings: s, config };
}

/** The value at a dotted `.Values` path (`primary.persistence.enabled`). */
function valueAt(values: unknown, path: string): unknown {
  let v: unknown = values;
  for (const k of path.split('.').filter(Boolean)) v = get(v, k);
  return v;
}

/** The unknown of a loop rollbook expanded itself: over what, which objects, what it approximated. */
function expandedUnknown(
  chart: string,
  kind: string,
  loop: { expr: string; line: number },
  expansion: RangeExpansion,
  objects: string[],
  file: string,
  vat: (path: string[]) => Evidence | undefined,
): Unknown {
  const set = expansion.over ? vat(expansion.over.map(String)) : undefined;
  const over = expansion.over ? `.Values.${expansion.over.join('.')}` : expansion.expr;
  const n = expansion.keys.length;
  const entries = expansion.list
    ? `${n} item${n === 1 ? '' : 's'}`
    : `${n} entr${n === 1 ? 'y' : 'ies'}${n ? ` (${expansion.keys.join(', ')})` : ''}`;
  const order = expansion.list ? 'in list order' : 'map keys in sorted order, as Go templates iterate them';
  const made = objects.length
    ? `${objects.length} ${kind}${objects.length === 1 ? '' : 's'} (${objects.join(', ')}), each ${WORKLOAD.test(kind) ? 'a workload of its own' : 'bound to the workload it targets or selects'}`
    : `no ${kind}`;
  const approx = expansion.approximated;
  const approximated = approx.length
    ? `; approximated inside the loop (placeholders, or conditions assumed true): ${approx.slice(0, 8).join('; ')}${approx.length > 8 ? `; and ${approx.length - 8} more` : ''}`
    : '';
  return {
    subject: `helm chart ${chart}`,
    reason: `helm is not run: rollbook expanded "range ${loop.expr.trim()}" itself over ${over} (${entries}${set ? ` at ${set.file}:${set.line}` : ''}; ${order}): ${made}${approximated}. helm template on PATH renders them exactly.`,
    at: { file, line: expansion.line },
  };
}

/** The unknown of a loop neither helm nor rollbook expanded: the template is read once. */
function loopUnknown(
  chart: string,
  c: Chunk,
  loop: { expr: string; line: number },
  values: Record<string, unknown>,
  vat: (path: string[]) => Evidence | undefined,
  why: string,
): Unknown {
  const kind = kindOf(c) ?? '';
  const over = /^\s*(?:\$[\w]+\s*(?:,\s*\$[\w]+\s*)?:=\s*)?\.Values\.([\w.]+)\s*$/.exec(loop.expr)?.[1];
  const entries = over === undefined ? undefined : valueAt(values, over);
  const set = over === undefined ? undefined : vat(over.split('.'));
  const count = isObj(entries)
    ? `${Object.keys(entries).length} entries (${Object.keys(entries).join(', ')})`
    : Array.isArray(entries)
      ? `${entries.length} items`
      : undefined;
  const listed = count
    ? ` .Values.${over} has ${count}${set ? ` at ${set.file}:${set.line}` : ''}, each a ${kind} unless a condition in the loop skips it.`
    : '';
  return {
    subject: `helm chart ${chart}`,
    reason: `this template emits one ${kind} per entry of "range ${loop.expr.trim()}": ${why}, so rollbook reads it once, as one ${kind} (${c.file}:${lineIn(c, /^kind:/m)}) with the loop variables unresolved; the objects the loop makes (their names, replicas, probes) are not known.${listed} Run with helm on PATH: helm template renders each one, and each becomes a workload of its own.`,
    at: { file: c.file, line: loop.line },
  };
}

/**
 * The innermost `{{ range … }}` block still open at the start of line `line` of a template: its
 * expression and line.
 */
function enclosingRange(text: string, line: number): { expr: string; line: number } | undefined {
  let pos = 0;
  for (let n = 1; n < line && pos >= 0; n++) pos = text.indexOf('\n', pos) + 1;
  if (pos <= 0 && line > 1) return undefined;
  const open: ({ expr: string; line: number } | undefined)[] = [];
  for (const m of text.slice(0, pos).matchAll(/\{\{-?\s*(if|with|range|define|block|end)\b([^}]*)\}\}/g)) {
    if (m[1] === 'end') open.pop();
    else
      open.push(
        m[1] === 'range'
          ? { expr: (m[2] ?? '').replace(/-\s*$/, ''), line: lineAt(text, m.index) }
          : undefined,
      );
  }
  return [...open].reverse().find((o) => o !== undefined);
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
  vat: (path: string[]) => Evidence | undefined,
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
    const at = input.chart.at(
      ['dependencies', i, 'name'],
      `subchart ${depName}${str(get(dep, 'version')) ? ` ${str(get(dep, 'version'))}` : ''}`,
    );
    const repository = str(get(dep, 'repository'));
    const version = str(get(dep, 'version'));
    const pod = subchartPrimaryPod({
      name: depName,
      alias: alias ?? depName,
      ...(repository ? { repository } : {}),
      ...(version ? { version } : {}),
      ...(at ? { at } : {}),
      ...(input.release ? { release: input.release } : {}),
      values,
      valueAt: vat,
      ...(input.helm && 'docs' in input.helm
        ? { rendered: [...input.helm.docs, ...(input.helm.subchartDocs ?? [])] }
        : {}),
      chartDir: input.dir,
    });
    out.push({ kind: 'data-subchart', name: alias ?? depName, engine, at, pod });
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
  renders: Map<string, Rendered>,
): Bound | undefined {
  const text = input.templates.find((t) => t.file === chunk.file)?.text;
  if (text === undefined) return undefined;
  const rendered = renders.get(chunk.file) ?? renderTemplate(chunk.file, text, values, names, defines);
  renders.set(chunk.file, rendered);
  const parsed = parseYaml(chunk.file, rendered.text);
  // the object of this chunk: of its kind, named as the chunk names it (a file may hold several)
  const want = chunk.rendered ?? nameOf(chunk, names);
  const candidates = parsed.docs.flatMap((d) =>
    objectsOf(remap(d, rendered, chunk.file)).filter((o) => o.kind === kind),
  );
  // a loop's object by its rendered name only: another entry's object is not this one
  const approx = candidates.find((o) => o.name === want) ?? (chunk.rendered ? undefined : candidates[0]);
  const helm = input.helm && 'docs' in input.helm ? input.helm : undefined;
  if (!helm) return approx ? { o: approx, rendered } : undefined;
  const name = chunk.rendered ?? approx?.name;
  for (const r of helm.docs.filter((x) => x.file === chunk.file)) {
    for (const d of parseYamlDocuments(chunk.file, r.text).docs) {
      const objs = objectsOf(d).filter((o) => o.kind === kind);
      // a loop's object by its rendered name only: another entry's object is not this one
      const o = objs.find((x) => x.name === name) ?? (chunk.rendered ? undefined : objs[0]);
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

/** A workload template's object rendered against the values, read like any manifest. */
function bindToValues(
  c: Chunk,
  bind: Binder,
): { workload?: Workload; o: KObj; rendered: Rendered; exact?: boolean } | undefined {
  const kind = kindOf(c);
  if (!kind) return undefined;
  const b = bind(c, kind);
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
 * The chart's HPA and PDB that belong to one of its workloads: an HPA whose scaleTargetRef names the
 * workload's kind and name, a PDB whose selector matches the workload's pod template labels (with
 * `include "x.selectorLabels"` helpers expanded from _helpers.tpl). Another Deployment's are never
 * attached; a selector or target rollbook could not evaluate is an unknown about this workload (an
 * unresolved HPA target goes to the chart's own workload only: `onlyOne`).
 */
function attachToWorkload(ctx: {
  main: Chunk | undefined;
  bound: { o: KObj } | undefined;
  hpas: Chunk[];
  pdbs: Chunk[];
  names: ChartNames;
  values: Record<string, unknown>;
  bind: Binder;
  /** kind/name of the workload, as unknowns name it. */
  subject: string;
  /** The chart's own workload: it takes what cannot be told apart. */
  onlyOne: boolean;
}): {
  hpa?: NonNullable<Workload['autoscaler']>;
  pdb: Workload['disruptionBudget'];
  unknowns: Unknown[];
  missing: string[];
} {
  const { main, bound, names, values, bind, subject } = ctx;
  const unknowns: Unknown[] = [];
  const missing: string[] = [];
  const mainKind = main ? kindOf(main) : undefined;
  const mainName = bound?.o.name;
  let hpa: NonNullable<Workload['autoscaler']> | undefined;
  const targeting: string[] = [];
  for (const c of ctx.hpas) {
    if (off(c, values)) continue;
    const b = bind(c, 'HorizontalPodAutoscaler');
    if (!b) {
      // the template could not be read as YAML after binding: bounds from values, if it is the only one
      if (ctx.hpas.length === 1 && !hpa && ctx.onlyOne) {
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
    const undecided =
      name === undefined || mainName === undefined || unresolved(name) || unresolved(mainName);
    const sameName = name === mainName || (undecided && ctx.onlyOne);
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
  const labelsKnown = knownLabels(labels);
  let pdb: Workload['disruptionBudget'] = null;
  const undecided: string[] = [];
  for (const c of ctx.pdbs) {
    if (off(c, values)) continue;
    const b = bind(c, 'PodDisruptionBudget');
    const selector = b ? get(b.o.body, 'spec', 'selector') : undefined;
    const known = b !== undefined && knownLabels(obj(get(selector, 'matchLabels')));
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

/** A template whose `{{ if .Values.x }}` guard is false in the values renders nothing. */
function off(c: Chunk, values: Record<string, unknown>): boolean {
  return disabledGuard(c.text, Math.max(0, c.text.search(/^kind:/m)), values) !== undefined;
}

/** A non-empty label map without template expressions rollbook could not evaluate. */
function knownLabels(labels: Record<string, unknown>): boolean {
  return Object.keys(labels).length > 0 && !Object.values(labels).some(unresolved);
}

/**
 * The chart's Services by selector, as for manifests (k8s.ts bindServices): each workload whose pod
 * labels rollbook could evaluate gets the Services selecting them (none: a worker); a Service whose
 * name or selector it could not evaluate, or a workload whose labels it could not, is an unknown
 * about that workload, and its list stays unknown.
 */
function attachServices(
  units: Chunk[],
  bounds: ({ o: KObj } | undefined)[],
  out: Workload[],
  services: Chunk[],
  bind: Binder,
  values: Record<string, unknown>,
): { unknowns: Unknown[]; missing: string[] } {
  const unknowns: Unknown[] = [];
  const missing: string[] = [];
  const candidates: ServiceCandidate[] = [];
  const undecided: string[] = [];
  for (const c of services) {
    if (off(c, values)) continue;
    const b = bind(c, 'Service');
    if (b) missing.push(...b.rendered.missing);
    const cand = b && isKubeService(b.o) ? serviceCandidate(b.o) : undefined;
    // a selector line a helper rollbook could not expand would have held is not known either
    const dropped = b !== undefined && !b.exact && b.rendered.helpers.length > 0;
    const emptied =
      cand !== undefined && Object.keys(cand.selector).length === 0 && /^[ \t]+selector:/m.test(c.text);
    if (
      !cand ||
      dropped ||
      emptied ||
      unresolved(cand.name) ||
      Object.values(cand.selector).some(unresolved)
    ) {
      undecided.push(`${cand?.name ?? b?.o.name ?? 'Service'} (${c.file})`);
      continue;
    }
    if (Object.keys(cand.selector).length > 0) candidates.push(cand);
  }
  const targets: { w: Workload; t: PodTarget; at: Evidence }[] = [];
  units.forEach((c, i) => {
    const w = out[i];
    const o = bounds[i]?.o;
    const at = { file: c.file, line: lineIn(c, /^kind:/m) };
    if (!w) return;
    if (candidates.length === 0 && undecided.length === 0) {
      // the chart has no Service (a worker chart): none selects it, whatever its labels
      w.services = [];
      return;
    }
    const ref = `${w.kind.toLowerCase()}/${w.name}`;
    const labels = o ? podLabels(o) : {};
    if (!o || !knownLabels(labels)) {
      unknowns.push({
        subject: ref,
        reason: `its pod template labels hold template expressions rollbook could not evaluate: which Services select ${ref}'s pods is not known`,
        at,
      });
      return;
    }
    targets.push({
      w,
      at,
      t: { ref, labels, at: objAt(o, ['spec', 'template', 'metadata', 'labels']) },
    });
  });
  const bound = bindServices(
    candidates,
    targets.map((x) => x.t),
  );
  targets.forEach((x, i) => {
    x.w.services = bound[i] ?? [];
    if (undecided.length)
      unknowns.push({
        subject: x.t.ref,
        reason: `Service ${undecided.join(', ')}: its name or selector holds template expressions rollbook could not evaluate; not attached: check whether it selects ${x.t.ref}'s pods`,
        at: x.at,
      });
  });
  return { unknowns, missing };
}
