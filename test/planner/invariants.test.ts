import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GATE_IDS, planRollback } from '../../src/planner/index.js';
import { DEFAULT_DATA_ROLLBACK_ROLES } from '../../src/planner/trigger.js';
import { planToJson, renderJson } from '../../src/renderers/json.js';
import { renderMarkdown } from '../../src/renderers/markdown.js';
import { planJsonSchema } from '../../src/renderers/plan-schema.js';
import { serviceArb as anyService } from '../helpers/arbitraries.js';

// A service name that begins with "-" is refused by the planner where the tool takes the name as a
// bare positional with no end-of-options marker (Cloud Run: a located INVALID_NAME input error,
// tested in test/renderers/sh-names.test.ts). These properties are about plans that can be built.
const serviceArb = anyService.filter(({ service }) => !service.name.startsWith('-'));

const runs = { numRuns: 300 };

describe('planner invariants (property-based)', () => {
  it('the data rule: a data-touching rollback is high-risk, never one command, stricter authority, a verified backup before anything changes, backup + verification gates before each data step', () => {
    fc.assert(
      fc.property(serviceArb, ({ service, findings }) => {
        const plan = planRollback(service, findings);
        const dataSteps = plan.runbook.filter((s) => s.touchesData);
        const mustApply =
          service.migrations.some((m) => m.migrations.length > 0 || m.skipped.length > 0) ||
          findings.some((f) => f.touchesData);
        // a data step only where the data rule applies (and one whenever migrations are crossed)
        if (dataSteps.length > 0) expect(mustApply).toBe(true);
        if (service.migrations.some((m) => m.migrations.length > 0))
          expect(dataSteps.length).toBeGreaterThan(0);
        if (!mustApply) {
          expect(plan.risk).toBe('low');
          return;
        }
        expect(plan.risk).toBe('high');
        expect(plan.trigger.oneCommand).toBe(false);
        const stricter =
          service.roles.dataRollback.length > 0 ? service.roles.dataRollback : DEFAULT_DATA_ROLLBACK_ROLES;
        expect(plan.trigger.authorized).toEqual(stricter);
        const backup = plan.gates.find((g) => g.kind === 'backup');
        expect(backup?.blocking).toBe(true);
        const take = plan.runbook.findIndex((s) => s.id === 'take-backup');
        expect(take).toBeGreaterThan(-1);
        // the first step that changes anything after the backup waits for the backup gate
        const next = plan.runbook.slice(take + 1).find((s) => s.touchesData || s.requiresGates.length > 0);
        expect(next?.requiresGates).toContain(GATE_IDS.backup);
        const verify = plan.gates.find((g) => g.kind === 'verification');
        expect(verify !== undefined).toBe(dataSteps.length > 0);
        if (verify) expect(verify.blocking).toBe(true);
        for (const s of dataSteps) {
          expect(s.requiresGates).toContain(GATE_IDS.backup);
          expect(s.requiresGates).toContain(GATE_IDS.dataVerified);
        }
        expect(plan.comms.cadenceMinutes).toBeLessThanOrEqual(20);
      }),
      runs,
    );
  });

  it('every step has a duration, a check and an abort path; every referenced gate exists', () => {
    fc.assert(
      fc.property(serviceArb, ({ service, findings }) => {
        const plan = planRollback(service, findings);
        const gates = new Set(plan.gates.map((g) => g.id));
        expect(plan.runbook.length).toBeGreaterThan(1);
        for (const s of plan.runbook) {
          expect(Number.isInteger(s.expectedSeconds) && s.expectedSeconds > 0).toBe(true);
          expect(s.maxSeconds).toBeGreaterThanOrEqual(s.expectedSeconds);
          expect(s.check.expect.length).toBeGreaterThan(0);
          expect(s.onFailure.length).toBeGreaterThan(0);
          for (const g of s.requiresGates) expect(gates.has(g)).toBe(true);
        }
        const ids = plan.runbook.map((s) => s.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(plan.estimate.maxSeconds).toBeGreaterThanOrEqual(plan.estimate.expectedSeconds);
      }),
      runs,
    );
  });

  it('is deterministic: same input, same bytes, whatever the order of findings', () => {
    fc.assert(
      fc.property(serviceArb, ({ service, findings }) => {
        const a = renderJson(planRollback(service, findings));
        const b = renderJson(planRollback(structuredClone(service), [...findings].reverse()));
        expect(b).toBe(a);
        expect(renderMarkdown(planRollback(service, findings))).toBe(
          renderMarkdown(planRollback(service, findings)),
        );
      }),
      runs,
    );
  });

  it('always produces JSON that matches the published schema', () => {
    fc.assert(
      fc.property(serviceArb, ({ service, findings }) => {
        const r = planJsonSchema.safeParse(planToJson(planRollback(service, findings)));
        if (!r.success) throw new Error(JSON.stringify(r.error.issues.slice(0, 3)));
      }),
      runs,
    );
  });

  it('every runtime variable a command uses is declared as an input', () => {
    fc.assert(
      fc.property(serviceArb, ({ service, findings }) => {
        const plan = planRollback(service, findings);
        const declared = new Set(plan.inputs.map((i) => i.name));
        const commands = [
          ...plan.runbook.flatMap((s) => [...s.commands, ...(s.check.command ? [s.check.command] : [])]),
          ...plan.gates.flatMap((g) => [...(g.prepare ?? []), ...(g.check.command ? [g.check.command] : [])]),
        ];
        for (const c of commands)
          for (const a of c.argv) if (typeof a !== 'string') expect(declared).toContain(a.var);
      }),
      runs,
    );
  });
});
