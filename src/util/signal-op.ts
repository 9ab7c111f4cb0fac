import type { SignalOp } from '../model/service.js';

const NEGATE: Record<SignalOp, SignalOp> = { '>': '<=', '>=': '<', '<': '>=', '<=': '>' };
const MIRROR: Record<SignalOp, SignalOp> = { '>': '<', '>=': '<=', '<': '>', '<=': '>=' };

/** The opposite comparison: what holds when `value op threshold` does not. */
export function negateOp(op: SignalOp): SignalOp {
  return NEGATE[op];
}

/** The same comparison with its sides swapped: `n < value` is `value > n`. */
export function mirrorOp(op: SignalOp): SignalOp {
  return MIRROR[op];
}
