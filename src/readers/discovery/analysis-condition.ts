/**
 * Argo Rollouts analysis conditions (expr-lang over `result`) read as one comparison of the measured
 * value with a number, so the trigger can state the condition that calls for a rollback:
 * `successCondition: result[0] >= 0.95` fails when `result[0] < 0.95`; a `failureCondition` is that
 * condition already. Guards that only tolerate empty or NaN results (`len(result) == 0 ||`,
 * `isNaN(result) ||`) are set aside; anything else is left as written (no direction is claimed).
 */
import type { SignalOp } from '../../model/service.js';
import { mirrorOp, negateOp } from '../../util/signal-op.js';

export interface Comparison {
  op: SignalOp;
  threshold: number;
}

/** The measured value: result, result[0], result.field, wrapped in default(…, N) / asFloat / asInt. */
const VALUE = String.raw`(?:default\(\s*result(?:\[\d+\]|\.[A-Za-z_][\w.]*)?\s*,\s*-?[\d.]+\s*\)|(?:asFloat|asInt)\(\s*result(?:\[\d+\]|\.[A-Za-z_][\w.]*)?\s*\)|result(?:\[\d+\]|\.[A-Za-z_][\w.]*)?)`;
const NUMBER = String.raw`(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)`;
const OP = '(>=|<=|>|<)';
const VALUE_FIRST = new RegExp(`^${VALUE}\\s*${OP}\\s*${NUMBER}$`);
const NUMBER_FIRST = new RegExp(`^${NUMBER}\\s*${OP}\\s*${VALUE}$`);
/** Tolerance for missing or pathological values, not a statement about the value. */
const GUARD = /^(?:isNaN|isInf)\(\s*result(?:\[\d+\])?\s*\)$|^len\(\s*result\s*\)\s*==\s*0$/;

function comparison(part: string): Comparison | undefined {
  const a = VALUE_FIRST.exec(part);
  if (a) return { op: a[1] as SignalOp, threshold: Number(a[2]) };
  const b = NUMBER_FIRST.exec(part);
  if (b) return { op: mirrorOp(b[2] as SignalOp), threshold: Number(b[1]) };
  return undefined;
}

/**
 * One comparison of the measured value with a number, or undefined when the expression says more
 * than that (two comparisons, string results, arithmetic). Linear: split once on `||` / `&&`.
 */
export function readComparison(expr: string): Comparison | undefined {
  const parts = expr
    .trim()
    .split(/\|\||&&/)
    .map((p) =>
      p
        .trim()
        .replace(/^\((.*)\)$/, '$1')
        .trim(),
    );
  const found = parts.map(comparison);
  const real = found.filter((c): c is Comparison => c !== undefined);
  if (real.length !== 1) return undefined;
  const rest = parts.filter((_, i) => found[i] === undefined);
  return rest.every((p) => GUARD.test(p)) ? real[0] : undefined;
}

/**
 * The comparison that calls for a rollback: the failure condition as written, else the success
 * condition negated. Undefined when neither reads as one comparison.
 */
export function rollbackComparison(success?: string, failure?: string): Comparison | undefined {
  const f = failure ? readComparison(failure) : undefined;
  if (f) return f;
  if (failure) return undefined;
  const s = success ? readComparison(success) : undefined;
  return s ? { op: negateOp(s.op), threshold: s.threshold } : undefined;
}
