/**
 * `rollbook decide`: flag off, roll back (app only or with the data step), fix forward or shift
 * traffic, from the incident's facts and the rollback design of the release. Pure and
 * synchronous; read-only by construction (it computes, it runs nothing).
 */
import type { DecisionReport, FactName, FactSource, IncidentFacts, Recommendation } from '../model/decide.js';
import type { Unproven } from '../model/outcome.js';
import type { Plan } from '../model/plan.js';
import type { Service } from '../model/service.js';
import { viewDesign } from './design.js';
import { factEntries } from './facts.js';
import { buildOptions, impactOf } from './options.js';
import { DECISION_TABLE, readTable } from './table.js';

export { FACT_SPECS, type FactSpec, factEntries, parseFacts } from './facts.js';
export { DECISION_TABLE, readTable, type Situation, type TableRow } from './table.js';

export const READ_ONLY =
  'rollbook decide is read-only: it read the repository and git, and ran nothing that changes anything. Every command above is for a person to run.';

export interface DecideInput {
  /** The rollback design of the release (rollbook plan). */
  design: Plan;
  /** The service the design was made from (flags, workload). */
  service: Service;
  facts: IncidentFacts;
  /** How each given fact was given (default: flag). */
  sources?: Partial<Record<FactName, FactSource>>;
}

/** Minutes to watch the signals after a flag flip: the longest trigger window, at least 5. */
function watchMinutes(design: Plan): number {
  const longest = Math.max(0, ...design.trigger.criteria.map((c) => c.forSeconds ?? 0));
  return Math.max(5, Math.ceil(longest / 60));
}

export function decide(input: DecideInput): DecisionReport {
  const { design, service, facts } = input;
  const view = viewDesign(design, service);
  const watch = watchMinutes(design);
  const options = buildOptions(facts, view, watch);
  const impact = impactOf(facts);
  const situation = { facts, impact, options, watchMinutes: watch };
  const { row, reasons } = readTable(situation);
  const entries = factEntries(facts, input.sources);
  const assumptions = entries.flatMap((e) => (e.assumption ? [e.assumption] : []));
  if (facts.behindFlag === undefined && view.killSwitches.length > 0)
    assumptions.push(
      `the design has kill switch${view.killSwitches.length === 1 ? '' : 'es'} (${view.killSwitches.map((k) => k.key).join(', ')}): if the failing change sits behind one, --behind-flag NAME makes turning it off the answer`,
    );
  const couldNotProve: Unproven[] = [];
  if (!design.window.scoped)
    couldNotProve.push({
      id: 'release-window',
      reason: `${design.window.reason ?? 'the release window is unknown'}: the data step and its losses cover the whole migration history`,
      prove: 'name the target with --to REF, or tag releases',
    });
  if (design.service.platform === 'unknown')
    couldNotProve.push({
      id: 'deploy-platform',
      reason: 'how the service is deployed is unknown: the rollback time is a typical pipeline redeploy',
      prove: 'set deploy.platform in rollbook.yaml',
    });
  const order: Recommendation[] = [
    row.recommendation,
    ...DECISION_TABLE.map((r) => r.recommendation).filter((r) => r !== row.recommendation),
  ];
  return {
    service: design.service,
    window: {
      scoped: design.window.scoped,
      summary: design.window.summary,
      ...(design.window.reason ? { reason: design.window.reason } : {}),
    },
    recommendation: row.recommendation,
    row: { id: row.id, when: row.when },
    breakEven: row.breakEven(situation),
    reasons,
    options: [...new Set(order)].map((k) => options[k]),
    facts: entries,
    assumptions,
    impact,
    readOnly: READ_ONLY,
    outcome: couldNotProve.length ? 'unknown' : 'pass',
    couldNotProve,
  };
}
