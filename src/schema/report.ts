/**
 * Text and JSON forms of the verify and gates reports. Deterministic: no timestamps, no absolute
 * paths, no cache statistics (those differ between a cold and a warm run).
 */
import type { Outcome } from '../model/outcome.js';
import { VERIFY_LOSS_ONLY, VERIFY_PASSED } from '../model/plan.js';
import type { Evidence } from '../model/service.js';
import { describeDifference } from './catalog.js';
import type { GatesReport, GatesScope } from './gates.js';
import type { VerifyReport } from './verify.js';

const loc = (at: Evidence) => `${at.file}:${at.line}:${at.col ?? 1}`;

export function verifyJson(report: VerifyReport): string {
  const { cache: _cache, ...rest } = report;
  return `${JSON.stringify(rest, null, 2)}\n`;
}

/**
 * The versions whose downs only lose data, when that is the only kind of failure (every down runs
 * and restores the schema, nothing unknown): the one outcome a data owner may accept. Else undefined.
 */
export function lossOnly(report: VerifyReport): string[] | undefined {
  const all = report.sets.flatMap((s) => s.migrations);
  if (report.summary.fail === 0 || report.summary.unknown > 0) return undefined;
  const failed = all.filter((m) => m.status === 'fail');
  const onlyLoss = failed.every(
    (m) => !m.problem && m.schemaDifferences.length === 0 && m.dataLoss.length > 0,
  );
  return onlyLoss ? failed.map((m) => `${m.version} ${m.name}`) : undefined;
}

/** The text report; with `outcome` pass, a closing `verified:` line the runbook's data-step gate reads. */
export function verifyText(report: VerifyReport, outcome?: Outcome): string {
  const lines: string[] = [`migrations verify: replayed on ${report.engine}`, ...scopeLines(report.workload)];
  const scope = report.scope;
  if (scope)
    lines.push(
      `rollback ${scope.from} → ${scope.to}: checks the downs of the ${scope.crossed} migration(s) it crosses; ${scope.replayedOnly} older migration(s) replayed to build the schema, their downs not checked`,
    );
  if (report.sets.length === 0) lines.push('', 'no migration set found (see `rollbook migrations analyze`)');
  for (const set of report.sets) {
    lines.push('');
    lines.push(
      `${set.path} (${set.tool}${set.targetVersion !== undefined ? `, target PostgreSQL ${set.targetVersion}` : ''})`,
    );
    if (set.migrations.length === 0) lines.push(scope ? '  no migration crossed' : '  no migrations');
    for (const m of set.migrations) {
      lines.push(`  ${m.status.toUpperCase().padEnd(7)} ${m.version} ${m.name}: ${m.reason}`);
      for (const d of m.schemaDifferences) lines.push(`          - ${describeDifference(d)}`);
      for (const d of m.dataLoss)
        lines.push(
          `          - data: ${d.table} ${d.after === null ? `dropped with ${d.before} row(s)` : `${d.after}/${d.before} row(s) kept`}${d.columns.length ? `, column(s) ${d.columns.join(', ')} dropped` : ''}${d.createdByUp ? ' (created by this migration: data written since is lost)' : ''}`,
        );
      for (const s of m.seedProblems) lines.push(`          - not seeded: ${s.table}: ${s.reason}`);
      for (const s of m.newerSyntax)
        lines.push(`          - ${loc(s.at)}: ${s.feature} needs PostgreSQL ${s.major}+`);
      for (const n of m.notes) lines.push(`          - ${loc(n.at)}: ${n.note}`);
    }
  }
  const s = report.summary;
  lines.push('');
  const lossy = lossOnly(report);
  if (lossy !== undefined)
    lines.push(
      `${VERIFY_LOSS_ONLY} every failing down restores the schema; ${lossy.length} lose(s) data: ${lossy.join(', ')}. A data owner may accept these losses; nothing else failed.`,
    );
  lines.push(`${s.pass} pass, ${s.fail} fail, ${s.unknown} unknown, ${s.skipped} skipped`);
  if (outcome === 'pass')
    lines.push(
      `${VERIFY_PASSED} ${report.scope?.crossed === 0 ? 'the rollback crosses no migration: no down to run' : 'every down checked restores the schema and keeps the seeded rows'}`,
    );
  return `${lines.join('\n')}\n`;
}

export function gatesJson(report: GatesReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** The workload the gates are about and what became of each migration set. */
function scopeLines(sc: GatesScope | undefined): string[] {
  if (!sc) return [];
  if (sc.declared)
    return [`workload ${sc.workload}: the migration sets are declared (--migrations or state.migrations)`];
  const lines = [`workload ${sc.workload}:`];
  for (const m of sc.checked) lines.push(`  checked      ${m.path} (${m.tool}): ${m.boundBy.join('; ')}`);
  for (const m of sc.notChecked) lines.push(`  not checked  ${m.path} (${m.tool}): bound to no workload`);
  for (const m of sc.others)
    lines.push(`  not its own  ${m.path} (${m.tool}): runs with ${m.workloads.join(', ')}`);
  if (lines.length === 1) lines.push('  no migration set found');
  return lines;
}

export function gatesText(report: GatesReport): string {
  const lines: string[] = [
    `gates: can ${report.to} (target) run on the state of ${report.from} (current)?`,
    `schemas replayed on ${report.engine}${report.live ? `; live history read (read only) on ${report.live}` : ''}`,
    ...scopeLines(report.scope),
    '',
  ];
  for (const g of report.gates) {
    const status = (g.status ?? 'unknown').toUpperCase();
    lines.push(`${status.padEnd(7)} ${g.id}${g.blocking ? '' : ' (not blocking)'}: ${g.title}`);
    if (g.reason) lines.push(`        ${g.reason}`);
  }
  if (report.migrations.onlyInTarget.length > 0)
    lines.push(
      '',
      `note: ${report.to} has migration(s) ${report.from} lacks: ${report.migrations.onlyInTarget.map((m) => `${m.version} (${m.at.file})`).join(', ')}`,
    );
  if (report.compatibility.length > 0) {
    lines.push('', 'compatibility:');
    for (const i of report.compatibility) lines.push(`  ${i.severity.padEnd(5)} ${i.message}`);
  }
  if (report.queries.length > 0) {
    lines.push('', 'queries:');
    for (const q of report.queries) {
      const dry = q.dryRun ? `, dry run ${q.dryRun.status}` : '';
      const why = q.dryRun?.status === 'fail' ? q.dryRun.message : q.prepare.message;
      lines.push(`  ${loc(q.at)} prepare ${q.prepare.status}${dry}${why ? `: ${why}` : ''}`);
    }
  }
  if (report.newerSyntax.length > 0) {
    lines.push('', 'syntax newer than the target server:');
    for (const r of report.newerSyntax)
      lines.push(`  ${loc(r.at)}: ${r.feature} needs PostgreSQL ${r.major}+`);
  }
  const blocking = report.gates.filter((g) => g.blocking && g.status === 'fail').length;
  lines.push('');
  if (blocking > 0) lines.push(`${blocking} blocking gate(s) failed`);
  for (const u of report.couldNotProve)
    lines.push(`could not prove: ${u.id}: ${u.reason}`, `  what would prove it: ${u.prove}`);
  if (report.outcome === 'pass') lines.push('every blocking gate passed');
  return `${lines.join('\n')}\n`;
}
