/**
 * The tri-state outcome of each command's report (pass / fail / unknown). The CLI maps it to an
 * exit code with one function (cli/io.ts exitCode), so no command can turn "unknown" into 0.
 */
import type { MigrationsReport } from './analyze-migrations.js';
import type { Outcome, Unproven } from './model/outcome.js';
import type { Plan } from './model/plan.js';
import { setsNotChecked } from './schema/gates.js';
import type { VerifyReport } from './schema/verify.js';

export interface OutcomeReport {
  outcome: Outcome;
  couldNotProve: Unproven[];
}

/**
 * A design: fail when a hazard is an error or a gate already fails (gates run at rollback time stay
 * open); unknown when a blocking gate is one nothing in the design can check (it names what would),
 * or when a migration set the release crosses is bound to no workload (its data path is unknown).
 */
export function planOutcome(plan: Plan): OutcomeReport {
  const failed =
    plan.hazards.some((h) => h.severity === 'error') ||
    plan.gates.some((g) => g.blocking && g.status === 'fail');
  const couldNotProve = plan.gates
    .filter((g) => g.blocking && g.prove !== undefined && (g.status ?? 'unknown') === 'unknown')
    .map((g) => {
      const prove = g.prove ?? '';
      // the gate's reason ends with what would check it (for the renderers): said once here
      const reason = (g.reason ?? 'not checked').replace(`; what would check it: ${prove}`, '');
      return { id: g.id, reason: `${g.title}: ${reason}`, prove };
    });
  for (const line of plan.dataPathUnknown ?? [])
    couldNotProve.push({
      id: 'migration-set-bound',
      reason: `which database ${line.split(':')[0]} runs against (${line}): whether this rollback touches it is unknown`,
      prove:
        'declare the set in rollbook.yaml state.migrations (path, tool, database) if this service runs it (see the unknowns)',
    });
  return { outcome: failed ? 'fail' : couldNotProve.length > 0 ? 'unknown' : 'pass', couldNotProve };
}

const NAME_IT =
  'name the migration folder and tool in rollbook.yaml (state.migrations: path, tool) so rollbook can read them';

/** `migrations verify`: fail on a failed pair; unknown when SQL files exist but no pair could be checked. */
export function verifyOutcome(report: VerifyReport, sqlFiles: string[]): OutcomeReport {
  const s = report.summary;
  if (s.fail > 0) return { outcome: 'fail', couldNotProve: [] };
  // --workload: a set bound to no workload is not verified (as gates says), never pass
  const unbound = report.workload ? setsNotChecked(report.workload) : undefined;
  if (unbound)
    return {
      outcome: 'unknown',
      couldNotProve: [
        { id: 'migration-sets-bound', reason: `${unbound.title}: ${unbound.reason}`, prove: unbound.prove },
      ],
    };
  // the workload's own sets were all verified (or it has none): SQL files of other workloads' sets do not count
  if (report.workload && !report.workload.declared && s.unknown + s.skipped === 0)
    return { outcome: 'pass', couldNotProve: [] };
  // a rollback that crosses no migration has no down to run
  if (report.scope?.crossed === 0) return { outcome: 'pass', couldNotProve: [] };
  if (s.pass > 0 || (s.unknown + s.skipped === 0 && sqlFiles.length === 0))
    return { outcome: 'pass', couldNotProve: [] };
  return {
    outcome: 'unknown',
    couldNotProve: [
      {
        id: 'migrations-verify',
        reason:
          s.unknown + s.skipped > 0
            ? `no migration could be checked: ${s.unknown} unknown, ${s.skipped} skipped`
            : `no migration was recognised, but SQL files exist (${sqlFiles.slice(0, 3).join(', ')}${sqlFiles.length > 3 ? ', …' : ''})`,
        prove:
          s.unknown > 0
            ? 'fix the first failing up (see above) or replay on a server with the needed extensions (--scratch-url URL of a scratch server)'
            : NAME_IT,
      },
    ],
  };
}

/** `migrations analyze`: fail on an error finding; unknown when SQL files exist but no migration could be read. */
export function analyzeOutcome(report: MigrationsReport, sqlFiles: string[]): OutcomeReport {
  if (report.entries.some((e) => e.severity === 'error')) return { outcome: 'fail', couldNotProve: [] };
  const readable = report.sets.some((s) => s.migrations.some((m) => m.statements > 0));
  if (
    readable ||
    (sqlFiles.length === 0 && report.summary.skippedFiles === 0 && report.summary.migrations === 0)
  )
    return { outcome: 'pass', couldNotProve: [] };
  return {
    outcome: 'unknown',
    couldNotProve: [
      {
        id: 'migrations-analyze',
        reason:
          report.summary.migrations > 0
            ? `no migration could be analysed: ${report.summary.parseErrors} parse error(s), no statement read`
            : `no migration was recognised, but SQL files exist (${sqlFiles.slice(0, 3).join(', ')}${sqlFiles.length > 3 ? ', …' : ''})`,
        prove: report.summary.migrations > 0 ? 'fix the SQL at the locations above' : NAME_IT,
      },
    ],
  };
}

/** "could not prove: …" lines for a text report. */
export function unprovenText(list: Unproven[]): string {
  return list.map((u) => `could not prove: ${u.reason}\n  what would prove it: ${u.prove}\n`).join('');
}
