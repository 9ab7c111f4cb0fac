/** How a check reads its command's output, in words: one sentence per rule. Shared by md and html. */
import type { Arg, Check } from '../model/plan.js';

const arg = (a: Arg) => (typeof a === 'string' ? a : `$${a.var}`);

/**
 * A read-only command check that nothing reads: no output rule, probe, revision, version or line to
 * look for, and an exit code that does not decide (a `get`, `describe` or `log` exits 0 whatever it
 * shows). Unknown is never pass: the guided runbook shows the output and asks the person on call.
 */
export function readByPerson(c: Check): boolean {
  if (!c.command || c.command.argv.length === 0 || !c.command.readOnly) return false;
  if (c.manual || c.exitCodeDecides) return false;
  return !(
    c.probe ||
    c.outcomes?.length ||
    c.expectOutput ||
    c.expectLines?.length ||
    c.listsRevision !== undefined ||
    c.schemaVersion ||
    c.freshFile !== undefined
  );
}

export function checkReading(c: Check): string[] {
  const out: string[] = [];
  if (readByPerson(c))
    out.push(
      'Its exit code proves nothing and rollbook reads nothing in it: read the output and confirm it.',
    );
  if (c.exitCodeDecides) out.push('Exit code 0 passes: the command fails when the condition is not met.');
  if (c.freshFile) out.push(`${arg(c.freshFile)} must have been written during this run and not be empty.`);
  for (const r of c.outcomes ?? [])
    out.push(
      `Output "${r.contains}": ${r.result === 'accept' ? 'passes only when a data owner accepts the loss' : r.result} (${r.note}).`,
    );
  if (c.outcomes?.length) out.push('Any other output is unknown and does not pass (whatever the exit code).');
  if (c.expectOutput) out.push(`The output must contain "${c.expectOutput}".`);
  if (c.expectLines?.length)
    out.push(`The output must have lines matching ${c.expectLines.map((l) => `/${l}/`).join(', ')}.`);
  if (c.probe)
    out.push(
      `Pipe the output to: rollbook probe ${c.probe.id}${c.probe.want !== undefined ? ` --want ${arg(c.probe.want)}` : ''}${c.probe.since ? ' --since <the run start, epoch seconds>' : ''} (it reads the tool's format): PASS passes; FAIL and UNKNOWN stop.`,
    );
  if (c.listsRevision) out.push(`The history must list revision ${arg(c.listsRevision)}.`);
  if (c.schemaVersion)
    out.push(
      `The version read from the ${c.schemaVersion.tool} output must equal ${arg(c.schemaVersion.target)} and not be dirty.`,
    );
  if (c.acceptance)
    out.push(
      `Accepting a loss takes a data owner (${c.acceptance.by.join(', ')}) typing the acceptance, logged with name and time.`,
    );
  return out;
}
