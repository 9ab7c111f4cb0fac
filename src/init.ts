/**
 * `rollbook init` as a library function: a starting rollbook.yaml from what discovery finds (the
 * chosen workload, its Argo CD application, namespace, the production migration set, flag files,
 * signals with the direction that calls for a rollback) with TODOs for what only people know.
 * Writing the file is the caller's (the CLI writes it atomically, never clobbering).
 */
import { basename, join } from 'node:path';
import { Document, isMap, isNode, isPair, isScalar, isSeq, type Pair, type YAMLMap } from 'yaml';
import { KUBE_CONTEXT_PLATFORMS, KUBE_PLATFORMS, type Service, type Workload } from './model/service.js';
import {
  applyDiscovery,
  type Discovery,
  discover,
  migrationSetsFor,
  uniqueRef,
  workloadLabel,
} from './readers/discover.js';
import { lookupText } from './readers/discovery/appset.js';
import { yamlList } from './readers/discovery/flag-binding.js';
import { serviceRoot } from './readers/root.js';
import { emptyService } from './readers/service-base.js';
import { cmp } from './util/order.js';

export interface InitOptions {
  dir?: string;
  cwd?: string;
  /** kind/name, namespace/kind/name, or a manifest / overlay / chart path. */
  workload?: string;
}

export interface InitReport {
  /** Absolute path of the rollbook.yaml to write. */
  target: string;
  /** The descriptor text. */
  text: string;
  chosen?: Workload;
  /** Workloads found (when none was chosen, the TODO lists them). */
  workloads: number;
  signals: number;
  flagFiles: number;
  migrationSets: number;
  excludedMigrationSets: number;
}

export async function initDescriptor(opts: InitOptions = {}): Promise<InitReport> {
  const dir = serviceRoot(opts.dir, opts.cwd);
  const d = await discover(dir, opts.workload ? { workload: opts.workload } : {});
  const service = applyDiscovery(emptyService(dir, basename(dir)), d);
  const chosen = service.workloads.length === 1 ? service.workloads[0] : undefined;
  return {
    target: join(dir, 'rollbook.yaml'),
    text: renderDescriptor(basename(dir), d, service),
    ...(chosen ? { chosen } : {}),
    workloads: service.workloads.length,
    signals: service.signals.length,
    flagFiles: flagDeclarations(d, chosen).entries.length,
    migrationSets: d.migrationDirs.length,
    excludedMigrationSets: d.excludedMigrationDirs.length,
  };
}

export const SCHEMA_URL = 'https://unpkg.com/rollbook@0.1.0/schema/rollbook.schema.json';

/** The descriptor text: DESIGN.md "rollbook.yaml version 1" fields only, with comments. */
function renderDescriptor(dirName: string, d: Discovery, s: Service): string {
  const chosen = s.workloads.length === 1 ? s.workloads[0] : undefined;
  const name = chosen?.helm?.release ?? chosen?.name ?? dirName;
  const deploy: Record<string, unknown> = {};
  if (s.deploy.platform) deploy.platform = s.deploy.platform;
  // the reference that selects it alone (a path when two overlays hold the same kind/name)
  if (chosen) deploy.workload = uniqueRef(chosen, d.workloads);
  if (s.deploy.namespace) deploy.namespace = s.deploy.namespace;
  deploy.manifests = chosen ? s.deploy.manifests : [...new Set(s.deploy.manifests)].sort(cmp);
  // a chart deployed with helm -f: the one production values file beside it (a TODO names the others)
  const values = helmValuesChoice(chosen, d);
  if (values.file) deploy.valuesFiles = [values.file];
  if (s.deploy.pipeline) deploy.pipeline = s.deploy.pipeline;
  // the Argo CD Application that syncs it (an Argo CD-managed Rollout or Deployment keeps its platform)
  const app = chosen?.argocd?.app;
  if (app) deploy.target = { app };
  const doc: Record<string, unknown> = { version: 1, service: name, owners: [] };
  doc.deploy = deploy;
  const artifact: Record<string, unknown> = {};
  if (s.artifact.image) artifact.image = s.artifact.image;
  if (s.artifact.versioning) artifact.versioning = s.artifact.versioning;
  if (Object.keys(artifact).length) doc.artifact = artifact;
  const state: Record<string, unknown> = {};
  const { mine, bound, others, unbound } = migrationSetsFor(d, s);
  if (mine) {
    const tables = [
      ...new Set(d.migrationTables.filter((t) => t.tool === mine.tool).map((t) => t.table.value)),
    ];
    state.migrations = {
      tool: mine.tool,
      path: mine.path,
      database: mine.database,
      ...(tables.length === 1 ? { table: tables[0] } : {}),
    };
  }
  const flagPlan = flagDeclarations(d, chosen);
  if (flagPlan.entries.length) state.flags = flagPlan.entries.map((e) => e.entry);
  if (Object.keys(state).length) doc.state = state;
  const signals = s.signals.map((sg) => {
    const o: Record<string, unknown> = { name: sg.name };
    if (sg.query) o.query = sg.query;
    if (sg.threshold !== undefined) o.threshold = sg.threshold;
    if (sg.op) o.op = sg.op;
    if (sg.for) o.for = sg.for;
    return o;
  });
  if (signals.length) doc.signals = signals;

  const ydoc = new Document(doc);
  ydoc.commentBefore = ` yaml-language-server: $schema=${SCHEMA_URL}\n Written by "rollbook init" from the repository's files. Review it, fill the TODOs, commit it.\n rollbook reads the repository again on every run: keep here what files cannot tell.`;
  const root = ydoc.contents as YAMLMap;
  const pair = (key: string): Pair | undefined =>
    root.items.find((p): p is Pair => isPair(p) && isScalar(p.key) && p.key.value === key);
  const comment = (key: string, text: string) => {
    const p = pair(key);
    // appended: the deploy TODOs and the notes may land on the same key
    if (p && isScalar(p.key))
      p.key.commentBefore = p.key.commentBefore ? `${p.key.commentBefore}\n${text}` : text;
  };
  comment('owners', ' TODO: the team that owns the service and its rollbacks, e.g. [team-payments]');
  const deployTodos: string[] = [];
  if (chosen && !s.deploy.namespace && KUBE_PLATFORMS.has(chosen.platform))
    deployTodos.push(
      ' TODO namespace: no manifest sets one; add deploy.namespace (every kubectl / helm command takes -n)',
    );
  const generated = chosen?.applicationSet;
  if (generated?.unresolved)
    deployTodos.push(
      ` TODO target.app: ${generated.unresolved}; add deploy.target.app (${lookupText(generated)} lists them)`,
    );
  if (chosen && KUBE_CONTEXT_PLATFORMS.has(chosen.platform))
    deployTodos.push(
      ' TODO context: the kube context of the production cluster (kubectl config get-contexts); add deploy.context, else the commands run against the current one',
    );
  if (values.todo) deployTodos.push(values.todo);
  if (deployTodos.length) comment('deploy', deployTodos.join('\n'));
  if (!chosen) {
    const candidates = s.workloads
      .map((w) => `   ${workloadLabel(w)}  (--workload ${uniqueRef(w, d.workloads)})`)
      .join('\n');
    comment(
      'deploy',
      candidates
        ? ` TODO: several workloads were found; set deploy.workload (or run rollbook init --workload NAME):\n${candidates}`
        : ' TODO: no workload was found; set deploy.platform and deploy.workload',
    );
  }
  const notes: string[] = [];
  const list = (sets: typeof others) => sets.map((m) => `${m.path} (${m.tool})`).join(', ');
  if (!mine && bound.length > 1)
    notes.push(
      ` TODO: several migration sets run with this workload; name the one this service's database runs in state.migrations (path, tool, database): ${list(bound)}`,
    );
  if (others.length)
    notes.push(
      ` Migration sets of other workloads (not this one's): ${others.map((m) => `${m.path} (${m.tool}, runs with ${m.binding.workloads.join(', ')})`).join('; ')}`,
    );
  if (unbound.length)
    notes.push(
      ` TODO: nothing in the repository binds ${list(unbound)} to a workload; if this service's database runs it, name it in state.migrations (path, tool, database)`,
    );
  if (d.excludedMigrationDirs.length)
    notes.push(
      ` Not production sets (never replayed): ${d.excludedMigrationDirs.map((m) => `${m.path} (${m.reason.replace(/ \(never.*$/, '')})`).join('; ')}`,
    );
  notes.push(...flagPlan.notes);
  if (notes.length) comment(doc.state ? 'state' : 'deploy', notes.join('\n'));
  if (doc.state) {
    const st = pair('state')?.value;
    if (isMap(st)) {
      const m = st.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === 'migrations');
      if (m && isPair(m) && isScalar(m.key))
        m.key.commentBefore =
          ' TODO: check database and add version (the server major, e.g. 16) for replay checks';
      // each flag declaration with the evidence that binds its keys to the workload
      const fl = st.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === 'flags');
      if (fl && isPair(fl) && isSeq(fl.value))
        for (const [i, item] of fl.value.items.entries()) {
          const why = flagPlan.entries[i]?.why;
          if (why && isNode(item)) item.commentBefore = why;
          if (isMap(item))
            for (const k of ['keys', 'workloads']) {
              const v = item.get(k, true);
              if (isSeq(v)) v.flow = true;
            }
        }
    }
  }
  if (signals.length)
    comment(
      'signals',
      ' From Argo Rollouts AnalysisTemplates: op is the side of the threshold that calls for a rollback (a successCondition negated, a failureCondition as written); check thresholds and windows match your SLOs.',
    );
  const trailer = [
    ...(signals.length
      ? []
      : [
          ' TODO signals: what starts a rollback (SLO queries with thresholds, directions and windows):',
          ' op is the side that calls for a rollback (> or >= when high is bad, < or <= when low is bad)',
          ' signals:',
          '   - { name: error-ratio, query: "<PromQL>", threshold: 0.02, op: ">", for: 5m }',
          '   - { name: latency-p99, query: "<PromQL>", threshold: 0.5, op: ">", for: 5m }',
          '   - { name: success-rate, query: "<PromQL>", threshold: 0.99, op: "<", for: 5m }',
        ]),
    ' TODO roles: who may call a rollback; data-touching rollbacks need the stricter list',
    ' roles:',
    '   rollback: [on-call-primary, incident-commander]',
    '   dataRollback: [incident-commander, database-owner]',
    ' TODO comms: where status updates go',
    ` comms: { channel: "#inc-${name.replace(/[^A-Za-z0-9_.-]/g, '-')}", statusPage: true }`,
    ' TODO state the files cannot tell: caches, queues, writes to other stores, dependencies',
    ' TODO history: how you roll back today and how long past rollbacks took',
    ' history:',
    '   procedure: "revert the PR, wait for CI, redeploy"',
    '   pastRollbacks: [{ date: 2026-01-01, minutes: 30 }]',
  ];
  ydoc.comment = trailer.join('\n');
  return `${ydoc.toString({ lineWidth: 0, flowCollectionPadding: false }).trimEnd()}\n`;
}

/**
 * The values file init writes for a Helm chart no Argo CD / Flux object passes values to: the one
 * named for production beside the chart, else a TODO listing the candidates.
 */
function helmValuesChoice(chosen: Workload | undefined, d: Discovery): { file?: string; todo?: string } {
  const chartPath = chosen?.helm?.chartPath;
  if (chartPath === undefined) return {};
  const entry = d.chartValues.find((c) => (c.chart || '.') === chartPath);
  if (!entry || entry.passedBy || entry.files.length === 0) return {};
  const prod = entry.files.filter((f) => /[-._]prod(uction)?\.ya?ml$/.test(f));
  if (prod.length === 1)
    return {
      file: prod[0] as string,
      todo: ` TODO valuesFiles: check these are the values files the production deploy passes (helm -f), in order; also beside the chart: ${entry.files.filter((f) => f !== prod[0]).join(', ') || 'none'}`,
    };
  return {
    todo: ` TODO valuesFiles: the values files the production deploy passes (helm -f), in order; beside the chart: ${entry.files.join(', ')}`,
  };
}

/**
 * The state.flags entries init writes. One workload (or none found): every flag file, as discovery
 * read it. A workload chosen among several: per flag file, the keys bound to it, named by
 * `workloads:` so that --workload picking another workload does not carry them along, each with the
 * evidence that binds it; a TODO for the flags bound to no workload, a note for other workloads'. None
 * chosen among several: no flags (a declaration naming no workload binds nothing there), a TODO.
 */
function flagDeclarations(
  d: Discovery,
  chosen: Workload | undefined,
): { entries: { entry: Record<string, unknown>; why?: string }[]; notes: string[] } {
  if (d.workloads.length <= 1)
    return {
      entries: d.flagSources.map((f) => ({ entry: { provider: f.provider, file: f.file } })),
      notes: [],
    };
  if (!chosen)
    return {
      entries: [],
      notes: d.flagSources.length
        ? [
            ` TODO flags: ${d.flagSources.map((f) => `${f.file} (${f.provider})`).join(', ')} hold flags of several workloads; once deploy.workload is chosen, run rollbook init --workload NAME to write that workload's flags (keys and workloads)`,
          ]
        : [],
    };
  const ref = uniqueRef(chosen, d.workloads);
  const entries: { entry: Record<string, unknown>; why?: string }[] = [];
  const others: string[] = [];
  const unbound: string[] = [];
  for (const file of d.flagFiles) {
    if (!file.file) continue;
    const mine = file.flags.filter((b) => b.bonds.some((x) => x.workload === chosen));
    if (mine.length)
      entries.push({
        entry: {
          provider: file.provider,
          file: file.file,
          keys: mine.map((b) => b.flag.key),
          workloads: [ref],
        },
        why: mine
          .map((b) => ` ${b.flag.key}: ${b.bonds.find((x) => x.workload === chosen)?.how ?? ''}`)
          .join('\n'),
      });
    const theirs = file.flags.filter((b) => b.bonds.length > 0 && !mine.includes(b));
    if (theirs.length)
      others.push(
        `${file.file}: ${theirs.map((b) => `${b.flag.key} (${[...new Set(b.bonds.map((x) => uniqueRef(x.workload, d.workloads)))].join(', ')})`).join(', ')}`,
      );
    const none = file.flags.filter((b) => b.bonds.length === 0);
    const switches = none.filter((b) => b.flag.killSwitch).map((b) => b.flag.key);
    if (none.length)
      unbound.push(
        `   - { provider: ${file.provider}, file: ${file.file}, keys: ${yamlList(none.map((b) => b.flag.key))}, workloads: ${yamlList([ref])} }${switches.length ? `  # kill switch: ${switches.join(', ')}` : ''}`,
      );
  }
  const notes: string[] = [];
  if (others.length) notes.push(` Flags of other workloads (not written): ${others.join('; ')}`);
  if (unbound.length)
    notes.push(
      ` TODO flags: nothing in the repository binds these flags to a workload (no evaluation in a workload's own code, the file in no workload's directory, no key namespace); if they are ${ref}'s, add under state.flags (or merge the keys into the entry of the same file):`,
      ...unbound,
    );
  return { entries, notes };
}
