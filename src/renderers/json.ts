import type { Check, Command, Plan } from '../model/plan.js';
import { renderCommand } from '../util/shell.js';
import { readByPerson } from './check-text.js';

/** JSON form of a command: the exact shell text, plus the argv for tools. */
function command(c: Command) {
  return c.argv.length === 0
    ? { manual: c.manual ?? '', readOnly: c.readOnly }
    : {
        shell: renderCommand(c),
        argv: c.argv,
        readOnly: c.readOnly,
        ...(c.repeatUntilCheck ? { repeatUntilCheck: c.repeatUntilCheck } : {}),
      };
}

function check(c: Check) {
  return {
    ...(c.command ? { command: renderCommand(c.command) } : {}),
    expect: c.expect,
    ...(c.expectOutput !== undefined ? { expectOutput: c.expectOutput } : {}),
    ...(c.outcomes?.length ? { outcomes: c.outcomes } : {}),
    ...(c.expectLines?.length ? { expectLines: c.expectLines } : {}),
    ...(c.probe ? { probe: c.probe } : {}),
    ...(c.listsRevision !== undefined ? { listsRevision: c.listsRevision } : {}),
    ...(c.schemaVersion ? { schemaVersion: c.schemaVersion } : {}),
    ...(c.freshFile !== undefined ? { freshFile: c.freshFile } : {}),
    ...(c.acceptance ? { acceptance: c.acceptance } : {}),
    timeoutSeconds: c.timeoutSeconds,
    ...(c.watchSeconds !== undefined ? { watchSeconds: c.watchSeconds } : {}),
    retries: c.retries,
    manual: (c.manual ?? false) || readByPerson(c),
  };
}

/** The `--format json` document (contract in DESIGN.md; schema in schema/plan.schema.json). */
export function planToJson(plan: Plan) {
  return {
    window: plan.window,
    service: plan.service,
    risk: plan.risk,
    ...(plan.dataPathUnknown ? { dataPathUnknown: plan.dataPathUnknown } : {}),
    trigger: plan.trigger,
    hazards: plan.hazards.map((h) => ({
      id: h.rule,
      kind: h.kind,
      subject: h.subject,
      severity: h.severity,
      message: h.message,
      evidence: h.evidence.map((e) => ({
        file: e.file,
        line: e.line,
        ...(e.col !== undefined ? { col: e.col } : {}),
        ...(e.note ? { note: e.note } : {}),
      })),
      appRollbackSafe: h.appRollbackSafe,
      revertLossless: h.revertLossless,
      touchesData: h.touchesData,
      mitigation: h.mitigation,
      ...(h.migration ? { migration: h.migration } : {}),
      ...(h.unscoped ? { unscoped: true } : {}),
    })),
    runbook: plan.runbook.map((s) => ({
      id: s.id,
      title: s.title,
      commands: s.commands.map(command),
      expectedSeconds: s.expectedSeconds,
      maxSeconds: s.maxSeconds,
      check: check(s.check),
      onFailure: s.onFailure,
      touchesData: s.touchesData,
      requiresGates: s.requiresGates,
      ...(s.durationBasis ? { durationBasis: s.durationBasis } : {}),
      ...(s.conditional ? { conditional: true } : {}),
      ...(s.stopWhenCheckPasses ? { stopWhenCheckPasses: s.stopWhenCheckPasses } : {}),
    })),
    gates: plan.gates.map((g) => ({
      id: g.id,
      title: g.title,
      kind: g.kind,
      check: check(g.check),
      blocking: g.blocking,
      ...(g.prepare && g.prepare.length > 0 ? { prepare: g.prepare.map(command) } : {}),
      ...(g.status ? { status: g.status } : {}),
      ...(g.reason ? { reason: g.reason } : {}),
      ...(g.evidence ? { evidence: g.evidence } : {}),
    })),
    verification: {
      sustainSeconds: plan.verification.sustainSeconds,
      checks: plan.verification.checks.map(check),
      signals: plan.verification.signals,
    },
    comms: plan.comms,
    estimate: plan.estimate,
    unknowns: plan.unknowns,
    inputs: plan.inputs.map((i) => ({
      ...i,
      ...(i.discover ? { discover: renderCommand(i.discover) } : {}),
    })),
  };
}

export function renderJson(plan: Plan): string {
  return `${JSON.stringify(planToJson(plan), null, 2)}\n`;
}
