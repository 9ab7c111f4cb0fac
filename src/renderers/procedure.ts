/**
 * The order an on-call engineer works in, shared by every format: declare and freeze → kill switch →
 * gates → backup → data step → app rollback → queue and cache steps → verification. The plan lists
 * steps and gates apart. The safety gates (history, artifact, compatibility, in-flight, deploy state)
 * are checked together before the first step that requires any gate, so nothing changes before all of
 * them are known; the backup and verification gates just before the step that requires them (the
 * backup is taken by a step first). Pure.
 */
import type { Gate, Plan, Step } from '../model/plan.js';

export interface NumberedGate {
  gate: Gate;
  /** 1-based position in plan.gates. */
  n: number;
}

export type ProcedureItem =
  | { kind: 'gates'; gates: NumberedGate[] }
  | { kind: 'step'; step: Step /** 1-based position in plan.runbook. */; n: number };

export function procedure(plan: Plan): ProcedureItem[] {
  const index = new Map<string, number>();
  plan.gates.forEach((g, i) => {
    if (!index.has(g.id)) index.set(g.id, i);
  });
  const late = (g: Gate) => g.kind === 'backup' || g.kind === 'verification';
  const claimed = new Set(plan.runbook.flatMap((s) => s.requiresGates.filter((id) => index.has(id))));
  const early = plan.gates
    .map((_, i) => i)
    .filter((i) => !late(plan.gates[i]!) || !claimed.has(plan.gates[i]!.id));
  const done = new Set<number>();
  const batch = (ids: number[]): ProcedureItem | undefined => {
    const fresh = [...new Set(ids)].filter((i) => !done.has(i)).sort((a, b) => a - b);
    for (const i of fresh) done.add(i);
    return fresh.length > 0
      ? { kind: 'gates', gates: fresh.map((i) => ({ gate: plan.gates[i]!, n: i + 1 })) }
      : undefined;
  };
  const items: ProcedureItem[] = [];
  let first = true;
  plan.runbook.forEach((step, i) => {
    const wanted = step.requiresGates.flatMap((id) => (index.has(id) ? [index.get(id)!] : []));
    if (wanted.length > 0) {
      const b = batch(first ? [...early, ...wanted] : wanted);
      first = false;
      if (b) items.push(b);
    }
    items.push({ kind: 'step', step, n: i + 1 });
  });
  const rest = batch(plan.gates.map((_, i) => i));
  if (rest) {
    // No step claimed these: check them before the first step that is not declare/kill switch.
    const at = items.findIndex(
      (it) => it.kind === 'step' && it.step.id !== 'declare-and-freeze' && it.step.id !== 'try-kill-switch',
    );
    items.splice(at < 0 ? items.length : at, 0, rest);
  }
  return items;
}
