/**
 * `rollbook discover` renderers: the report as text (for a person) and JSON (contract: workloads,
 * migrations, flags, pipelines, signals, findings, deploy files, unknowns).
 */
import type { DiscoverReport } from '../discover.js';
import { type Evidence, factAttributes, type Setting, type Workload } from '../model/index.js';
import { cmp } from '../util/order.js';

const STATUS_LABEL: Record<DiscoverReport['deployFiles'][number]['status'], string> = {
  chosen: 'chosen workload',
  'other-workload': 'other workload',
  workload: 'workload',
  supporting: 'read, no workload',
  ignored: 'IGNORED',
  unknown: 'UNKNOWN',
};

interface Loc {
  file?: string;
  line?: number;
}

function loc(at: Evidence | undefined): Loc {
  return at ? { file: at.file, line: at.line } : {};
}

function where(at: Evidence | undefined): string {
  return at ? `${at.file}:${at.line}` : '-';
}

/** The JSON shape of `rollbook discover --format json` (contract: workloads, migrations, flags, pipelines, findings, unknowns). */
export function discoverJson(r: DiscoverReport): string {
  const d = r.discovery;
  const findings = r.findings;
  const json = {
    inputs: {
      descriptor: r.inputs.descriptor ?? null,
      declared: r.inputs.declared.map((i) => ({
        key: i.key,
        value: i.value,
        ...loc(i.at),
        found: i.found ?? null,
      })),
    },
    chosen: r.workloads.find((x) => x.workload === r.chosen)?.ref ?? null,
    files: d.files,
    workloads: r.workloads.map(({ workload: w, ref, select }) => ({
      ref,
      select,
      kind: w.kind,
      name: w.name,
      namespace: w.namespace ?? null,
      platform: w.platform,
      ...loc(w.at),
      images: w.images.map((i) => ({
        ref: i.ref,
        repository: i.repository,
        tag: i.tag ?? null,
        digest: i.digest ?? null,
        ...loc(i.at),
      })),
      settings: Object.fromEntries(
        Object.entries(w.settings)
          .sort(([a], [b]) => cmp(a, b))
          .map(([k, s]) => [k, { value: (s as Setting).value, ...loc((s as Setting).at) }]),
      ),
      config: w.config.map((c) => ({ kind: c.kind, name: c.name, versioned: c.versioned, ...loc(c.at) })),
      attributes: Object.fromEntries(factAttributes(w).sort(([a], [b]) => cmp(a, b))),
      hooks: (w.hooks ?? []).map((h) => ({
        kind: h.kind,
        name: h.name,
        events: h.events,
        runsMigration: h.runsMigration,
        ...loc(h.at),
      })),
      crds: (w.crds ?? []).map((c) => ({ name: c.name, inTemplates: c.inTemplates, ...loc(c.at) })),
      autoscaler: w.autoscaler
        ? {
            name: w.autoscaler.name,
            min: w.autoscaler.minReplicas ?? null,
            max: w.autoscaler.maxReplicas ?? null,
            ...loc(w.autoscaler.at),
          }
        : null,
      disruptionBudget: w.disruptionBudget
        ? { name: w.disruptionBudget.name, ...loc(w.disruptionBudget.at) }
        : null,
      services:
        w.services?.map((sv) => ({
          name: sv.name,
          selector: sv.selector,
          alsoSelects: (sv.alsoSelects ?? []).map((o) => o.workload),
          ...loc(sv.at),
        })) ?? null,
    })),
    migrations: d.migrationDirs.map((m) => ({
      tool: m.tool,
      path: m.path,
      database: m.database,
      ...loc(m.at),
      // which workloads run it, and why (none: nothing in the repository binds it)
      workloads: m.binding.workloads,
      boundBy: m.binding.by ?? null,
      evidence: m.binding.evidence.map((e) => ({ detail: e.detail, ...loc(e.at) })),
      checked: m.binding.checked,
    })),
    excludedMigrations: d.excludedMigrationDirs.map((m) => ({
      tool: m.tool,
      path: m.path,
      reason: m.reason,
      files: m.files,
    })),
    migrationRuns: d.migrationRuns.map((r) => ({
      mode: r.mode,
      tool: r.tool ?? null,
      detail: r.detail,
      refusesNewerDatabase: r.refusesNewerDatabase ?? false,
      ...loc(r.at),
    })),
    migrationTables: d.migrationTables.map((t) => ({
      tool: t.tool,
      table: t.table.value,
      ...loc(t.table.at),
    })),
    flagSources: d.flagSources.map((s) => ({ provider: s.provider, file: s.file ?? null })),
    flagFiles: r.flagFiles,
    flags: d.flags.map((f) => ({
      key: f.key,
      provider: f.provider,
      killSwitch: f.killSwitch,
      state: f.state ?? null,
      defaultVariant: f.defaultVariant ?? null,
      strategies: f.strategies ?? [],
      ...loc(f.at),
    })),
    pipelines: d.pipelines.map((p) => ({
      provider: p.provider,
      file: p.file,
      line: p.at?.line ?? 1,
      deployJob: p.deployJob ?? null,
      deploys: p.deploys ?? [],
      migratesBeforeDeploy: p.migratesBeforeDeploy ?? null,
      immutableTag: p.immutableTag ?? null,
    })),
    signals: d.signals.map((s) => ({
      name: s.name,
      source: s.source ?? null,
      query: s.query ?? null,
      condition: s.condition ?? null,
      threshold: s.threshold ?? null,
      for: s.for ?? null,
      ...loc(s.at),
    })),
    findings: findings.map((f) => ({
      rule: f.rule,
      severity: f.severity,
      kind: f.kind,
      subject: f.subject,
      ...loc(f.evidence[0]),
      message: f.message,
      mitigation: f.mitigation,
    })),
    deployFiles: r.deployFiles.map((f) => ({
      file: f.file,
      status: f.status,
      workloads: f.workloads,
      notes: f.notes,
    })),
    unknowns: d.unknowns.map((u) => ({ subject: u.subject, reason: u.reason, ...loc(u.at) })),
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}

function describeSettings(w: Workload): string {
  const s = w.settings;
  const parts: string[] = [];
  const add = (label: string, v: Setting | undefined, fmt = (x: unknown) => String(x)) => {
    if (v) parts.push(`${label} ${fmt(v.value)}`);
  };
  add('replicas', s.replicas);
  add('strategy', s.strategy);
  add('maxSurge', s.maxSurge);
  add('maxUnavailable', s.maxUnavailable);
  add('readiness', s.hasReadinessProbe, (x) => (x ? 'yes' : 'NO'));
  add('history', s.revisionHistoryLimit);
  add('historyMax', s.historyMax);
  add('minReady', s.minReadySeconds, (x) => `${x}s`);
  add('grace', s.terminationGracePeriodSeconds, (x) => `${x}s`);
  add('preStop', s.preStopSeconds, (x) => `${x}s`);
  add('podManagement', s.podManagementPolicy);
  add('partition', s.partition);
  add('paused', s.paused);
  add('autoSync', s.autoSync);
  add('selfHeal', s.selfHeal);
  add('prune', s.prune);
  add('remediation', s.remediation);
  add('circuitBreaker', s.circuitBreaker);
  add('deregistration', s.deregistrationDelaySeconds, (x) => `${x}s`);
  add('maxParallel', s.maxParallel);
  add('autoRevert', s.autoRevert);
  add('canary', s.canary);
  add('rollbackWindow', s.rollbackWindowRevisions);
  add('scaleDownDelay', s.scaleDownDelaySeconds, (x) => `${x}s`);
  add('releasePhase', s.releasePhase);
  return parts.join(' · ');
}

export function discoverText(r: DiscoverReport): string {
  const { name, discovery: d, findings } = r;
  const out: string[] = [`rollbook discover: ${name} (${d.files} files)`, ''];
  if (r.inputs.descriptor) {
    out.push(
      `Read with ${r.inputs.descriptor}${r.inputs.declared.length ? ': what it declares wins over what the files say' : ': it declares nothing that changes the design'}`,
    );
    for (const i of r.inputs.declared) {
      out.push(`  ${i.key} ${i.value}  (declared in ${where(i.at)})`);
      if (i.found) out.push(`    overrides what discovery found: ${i.found}`);
    }
    out.push('');
  }
  out.push(`Workloads (${r.workloads.length})${r.chosen ? ': the chosen one' : ''}`);
  if (!r.workloads.length) out.push('  none found');
  for (const { workload: w, ref, select } of r.workloads) {
    out.push(
      `  ${ref}  [${w.platform}]  ${where(w.at)}${w.kustomize?.overlay ? `  overlay ${w.kustomize.overlay}` : ''}${r.chosen ? '' : `  (--workload ${select})`}`,
    );
    for (const i of w.images) out.push(`    image ${i.ref}  (${where(i.at)})`);
    const s = describeSettings(w);
    if (s) out.push(`    ${s}`);
    if (w.config.length)
      out.push(
        `    config ${w.config.map((c) => `${c.kind}/${c.name}${c.versioned ? ' (versioned)' : ' (not versioned)'}`).join(', ')}`,
      );
    if (w.autoscaler)
      out.push(
        `    hpa ${w.autoscaler.name} ${w.autoscaler.minReplicas ?? '?'}-${w.autoscaler.maxReplicas ?? '?'}`,
      );
    if (w.disruptionBudget) out.push(`    pdb ${w.disruptionBudget.name}`);
    for (const sv of w.services ?? [])
      out.push(
        `    service ${sv.name}${sv.alsoSelects?.length ? ` (also selects ${sv.alsoSelects.map((o) => o.workload).join(', ')})` : ''}  (${where(sv.at)})`,
      );
    for (const h of w.hooks ?? [])
      out.push(
        `    hook ${h.kind}/${h.name} ${h.events.join(',')}${h.runsMigration ? ' (runs migrations)' : ''}  (${where(h.at)})`,
      );
    for (const c of w.crds ?? [])
      out.push(`    crd ${c.name} in ${c.inTemplates ? 'templates/' : 'crds/'}  (${where(c.at)})`);
    const attrs = factAttributes(w)
      .filter(([k]) => k !== 'overlay')
      .sort(([a], [b]) => cmp(a, b));
    if (attrs.length) out.push(`    ${attrs.map(([k, v]) => `${k}=${v}`).join(' ')}`);
  }
  out.push('', `Migrations (${d.migrationDirs.length})`);
  for (const m of d.migrationDirs) {
    out.push(`  ${m.tool}  ${m.path}  (${m.database})`);
    const b = m.binding;
    if (b.workloads.length) {
      out.push(`    runs with ${b.workloads.join(', ')}`);
      for (const e of b.evidence) out.push(`      ${e.detail}${e.at ? `  (${where(e.at)})` : ''}`);
    } else
      out.push(
        `    bound to no workload: ${b.checked.join('; ')}; declare it in rollbook.yaml state.migrations if a service's database runs it`,
      );
  }
  if (d.excludedMigrationDirs.length) {
    out.push('', `Migration folders excluded (${d.excludedMigrationDirs.length}): not production sets`);
    for (const m of d.excludedMigrationDirs)
      out.push(`  ${m.tool}  ${m.path}  ${m.files.length} file(s): ${m.reason}`);
  }
  out.push('', `How migrations run (${d.migrationRuns.length})`);
  if (!d.migrationRuns.length)
    out.push('  not found (pipeline step, Helm/Argo CD hook, init container, compose service, startup)');
  for (const r of d.migrationRuns)
    out.push(
      `  ${r.mode}${r.tool ? ` ${r.tool}` : ''}  ${where(r.at)}  ${r.detail}${r.refusesNewerDatabase ? '  (refuses a database newer than its files)' : ''}`,
    );
  for (const t of d.migrationTables)
    out.push(`  history table ${t.table.value} (${t.tool})  ${where(t.table.at)}`);
  out.push(
    '',
    `Flags (${d.flags.length})${d.flagSources.length ? ` from ${d.flagSources.map((s) => `${s.file}${s.in ? ` ${s.in.kind} ${s.in.name}${s.in.key ? ` key ${s.in.key}` : ''}` : ''} (${s.provider})`).join(', ')}` : ''}`,
  );
  for (const f of d.flags)
    out.push(
      `  ${f.key}${f.killSwitch ? '  kill switch' : ''}${f.state ? `  ${f.state}` : ''}${f.strategies?.length ? `  [${f.strategies.join('; ')}]` : ''}  (${where(f.at)})`,
    );
  if (r.flagFiles.length)
    out.push('', `Flag files (${r.flagFiles.length}): which workload each flag belongs to`);
  for (const f of r.flagFiles) {
    out.push(
      `  ${f.file || '(no file)'} (${f.provider}): ${f.workloads.length ? `binds to ${f.workloads.join(', ')}` : 'binds to no workload'}${f.unbound.length ? `; bound to none: ${f.unbound.join(', ')}` : ''}`,
    );
    for (const x of f.flags) for (const b of x.boundTo) out.push(`    ${x.key} → ${b.workload}: ${b.how}`);
  }
  out.push('', `Pipelines (${d.pipelines.length})`);
  for (const p of d.pipelines) {
    const tag =
      p.immutableTag === true ? 'commit SHA' : p.immutableTag === false ? 'MUTABLE (latest)' : 'unknown';
    out.push(
      `  ${p.provider}  ${p.file}:${p.at?.line ?? 1}  deploy job ${p.deployJob ?? '?'}; migrations before deploy: ${p.migratesBeforeDeploy ? 'yes' : 'no'}; image tag: ${tag}`,
    );
    if (p.deploys)
      out.push(
        p.deploys.length
          ? `    deploys ${p.deploys.join(', ')}`
          : `    deploys no workload found (${p.deployCommand ?? 'no deploy command read'}): its findings concern every workload`,
      );
  }
  out.push('', `Signals (${d.signals.length})`);
  for (const s of d.signals) out.push(`  ${s.name}: ${s.condition ?? ''}  (${where(s.at)})`);
  out.push('', `Findings (${findings.length})`);
  for (const f of findings)
    out.push(`  ${f.severity.padEnd(7)} ${f.rule}  ${where(f.evidence[0])}  ${f.subject}: ${f.message}`);
  out.push('', `Deploy files (${r.deployFiles.length}): what became of each`);
  for (const f of r.deployFiles)
    out.push(
      `  ${f.file}  ${STATUS_LABEL[f.status]}${f.workloads.length ? ` ${f.workloads.join(', ')}` : ''}${f.notes.length ? `: ${f.notes.join('; ')}` : ''}`,
    );
  out.push('', `Unknowns (${d.unknowns.length})`);
  for (const u of d.unknowns) out.push(`  ${u.at ? `${where(u.at)}  ` : ''}${u.subject}: ${u.reason}`);
  return `${out.join('\n')}\n`;
}
