import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { HAZARD_KINDS } from '../../src/model/finding.js';
import type { Command } from '../../src/model/plan.js';
import { PLATFORM_IDS, type PlatformId, type RolloutSettings } from '../../src/model/service.js';
import { PLATFORMS } from '../../src/platforms/index.js';
import type { Platform, PlatformContext } from '../../src/platforms/types.js';
import { isValidVarName, renderCommand } from '../../src/util/shell.js';
import { allCommands, ctxOf, DESCRIPTOR, everyFact, everyTargetName, service, varsOf } from './helpers.js';

const KEBAB = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Rule id prefixes each platform may report (its own, and the mechanisms it drives). */
const PREFIXES: Record<PlatformId, string[]> = {
  kubernetes: ['kubernetes-', 'statefulset-'],
  helm: ['helm-'],
  'argo-rollouts': ['argo-rollouts-', 'argocd-'],
  argocd: ['argocd-', 'autosync-blocks-rollback'],
  flux: ['flux-', 'helm-', 'kubernetes-', 'statefulset-'],
  ecs: ['ecs-'],
  lambda: ['lambda-'],
  'cloud-run': ['cloud-run-'],
  nomad: ['nomad-'],
  heroku: ['heroku-'],
  vm: ['vm-'],
  terraform: ['terraform-'],
  compose: ['compose-'],
};

const ONE_COMMAND: Record<PlatformId, boolean> = {
  kubernetes: true,
  helm: true,
  'argo-rollouts': true,
  argocd: false,
  flux: false,
  ecs: true,
  lambda: true,
  'cloud-run': true,
  nomad: true,
  heroku: true,
  vm: false,
  terraform: false,
  compose: false,
};

function platform(id: PlatformId): Platform {
  const p = PLATFORMS[id];
  if (!p) throw new Error(`platform ${id} missing`);
  return p;
}

function contexts(id: PlatformId, value: string): PlatformContext {
  const facts = everyFact(value);
  const releasesDir = `/srv/${value}/releases`;
  return ctxOf(
    id,
    {
      name: value,
      namespace: value,
      ...facts,
      vm: { ...facts.vm, releasesDir },
      config: [{ kind: 'ConfigMap', name: value, versioned: false }],
    },
    { revisionHistoryLimit: { value: 5 } },
    { deploy: { manifests: [], target: { ...everyTargetName(value), releasesDir } } },
  );
}

describe.each(PLATFORM_IDS.map((id) => [id]))('%s', (id) => {
  const p = platform(id);
  const ctx = ctxOf(id);

  test('registered under its id', () => {
    expect(p.id).toBe(id);
    expect(p.title.length).toBeGreaterThan(2);
  });

  test('history and status are read-only commands', () => {
    for (const c of [p.history(ctx), p.status(ctx)]) {
      expect(c.readOnly).toBe(true);
      expect(c.argv.length).toBeGreaterThan(1);
    }
  });

  test('rollback: steps, checks, durations, abort paths, declared inputs', () => {
    const r = p.rollback(ctx);
    expect(r.oneCommand).toBe(ONE_COMMAND[id]);
    expect(r.why.length).toBeGreaterThan(20);
    expect(r.steps.length).toBeGreaterThan(0);
    expect(r.steps.flatMap((s) => s.commands)).toContain(r.command);
    expect(r.command.readOnly).toBe(false);
    const ids = r.steps.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const s of r.steps) {
      expect(s.id).toMatch(KEBAB);
      expect(s.title.length).toBeGreaterThan(5);
      expect(s.commands.length).toBeGreaterThan(0);
      expect(Number.isInteger(s.expectedSeconds) && s.expectedSeconds > 0).toBe(true);
      expect(Number.isInteger(s.maxSeconds) && s.maxSeconds >= s.expectedSeconds).toBe(true);
      expect(s.durationBasis?.length ?? 0).toBeGreaterThan(5);
      expect(Number.isInteger(s.check.timeoutSeconds) && s.check.timeoutSeconds > 0).toBe(true);
      expect(Number.isInteger(s.check.retries) && s.check.retries >= 0).toBe(true);
      expect(s.check.command !== undefined || s.check.manual === true).toBe(true);
      if (s.check.command) expect(s.check.command.readOnly).toBe(true);
      expect(s.check.expect.length).toBeGreaterThan(5);
      expect(s.onFailure.length).toBeGreaterThan(20);
      for (const c of s.commands) expect(c.argv.length > 0 || (c.manual?.length ?? 0) > 0).toBe(true);
    }
    const declared = r.inputs.map((i) => i.name);
    expect(new Set(declared).size).toBe(declared.length);
    const used = varsOf(allCommands(p.history(ctx), p.status(ctx), r));
    expect(used.filter((v) => !declared.includes(v))).toEqual([]);
    expect(declared.filter((v) => !used.includes(v))).toEqual([]);
    r.inputs.forEach((input, i) => {
      expect(isValidVarName(input.name)).toBe(true);
      expect(input.discover?.readOnly).toBe(true);
      // a discover command may only use inputs asked before it
      const needs = varsOf(input.discover ? [input.discover] : []);
      expect(needs.filter((v) => !declared.slice(0, i).includes(v))).toEqual([]);
    });
  });

  test('duration: integers, max >= expected > 0, drivers with a source', () => {
    const d = p.duration(ctx);
    expect(Number.isInteger(d.expectedSeconds) && d.expectedSeconds > 0).toBe(true);
    expect(Number.isInteger(d.maxSeconds) && d.maxSeconds >= d.expectedSeconds).toBe(true);
    expect(d.basis.length).toBeGreaterThan(10);
    expect(d.drivers.length).toBeGreaterThan(0);
    for (const driver of d.drivers) {
      expect(['manifest', 'descriptor', 'default']).toContain(driver.source);
      expect(typeof driver.value).toBe('string');
    }
  });

  test('hazards: prefixed rule ids, evidence, mitigation', () => {
    const hazards = p.hazards(ctx);
    expect(hazards.length).toBeGreaterThan(0);
    for (const h of hazards) {
      expect(h.rule).toMatch(KEBAB);
      expect(PREFIXES[id].some((prefix) => h.rule.startsWith(prefix))).toBe(true);
      expect(HAZARD_KINDS).toContain(h.kind);
      expect(['error', 'warning', 'info']).toContain(h.severity);
      expect(h.evidence.length).toBeGreaterThan(0);
      for (const e of h.evidence) {
        expect(e.file.length).toBeGreaterThan(0);
        expect(e.line).toBeGreaterThanOrEqual(1);
      }
      expect(h.message.length).toBeGreaterThan(20);
      expect(h.mitigation.length).toBeGreaterThan(20);
      expect(typeof h.touchesData).toBe('boolean');
    }
  });

  test('without a workload or deploy location, evidence points at the descriptor line 1', () => {
    const bare: PlatformContext = { service: service() };
    for (const h of p.hazards(bare)) expect(h.evidence[0]).toMatchObject({ file: DESCRIPTOR, line: 1 });
  });

  test('deterministic', () => {
    const once = JSON.stringify([
      p.history(ctx),
      p.status(ctx),
      p.rollback(ctx),
      p.duration(ctx),
      p.hazards(ctx),
    ]);
    const again = JSON.stringify([
      p.history(ctx),
      p.status(ctx),
      p.rollback(ctx),
      p.duration(ctx),
      p.hazards(ctx),
    ]);
    expect(again).toBe(once);
  });
});

describe('hostile names survive as single argv elements', () => {
  const HOSTILE = `it's "$(touch PWNED)" \`touch PWNED2\`;\nrm -rf x $HOME \\ end`;
  const dir = mkdtempSync(join(tmpdir(), 'rollbook-platforms-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const RS = '\x1e';

  /** Run `printf '%s\0'` with each command's rendered arguments through one bash, and read them back. */
  function roundTrip(cmds: Command[], env: Record<string, string>): string[][] {
    const script = cmds.map((c) => `printf '%s\\0' ${renderCommand(c)}; printf '\\036\\0'`).join('\n');
    const res = spawnSync('bash', ['-c', script], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    expect(res.status).toBe(0);
    const out: string[][] = [[]];
    for (const field of res.stdout.toString('utf8').split('\0').slice(0, -1)) {
      if (field === RS) out.push([]);
      else out[out.length - 1]!.push(field);
    }
    return out.slice(0, -1);
  }

  const cases = PLATFORM_IDS.map((id) => {
    const p = platform(id);
    const ctx = contexts(id, HOSTILE);
    const cmds = allCommands(p.history(ctx), p.status(ctx), p.rollback(ctx)).filter((c) => c.argv.length > 0);
    return { id, cmds };
  });
  const env = Object.fromEntries(varsOf(cases.flatMap((c) => c.cmds)).map((v) => [v, `${HOSTILE}-${v}`]));
  // one bash for every command of every platform (spawning is the slow part)
  const echoed = roundTrip(
    cases.flatMap((c) => c.cmds),
    env,
  );

  test.each(cases.map((c, i) => [c.id, i]))('%s', (_id, i) => {
    const { cmds } = cases[i as number]!;
    const offset = cases.slice(0, i as number).reduce((n, c) => n + c.cmds.length, 0);
    const expected = cmds.map((c) => c.argv.map((a) => (typeof a === 'string' ? a : (env[a.var] ?? ''))));
    expect(echoed.slice(offset, offset + cmds.length)).toEqual(expected);
    let sawHostile = false;
    for (const c of cmds) {
      for (const a of c.argv) {
        if (typeof a !== 'string') continue;
        if (a.includes(HOSTILE)) sawHostile = true;
        // a fragment of the hostile value never stands alone: names are never split
        else expect(a.includes('touch PWNED') || a.includes('$HOME')).toBe(false);
      }
    }
    expect(sawHostile).toBe(true);
    expect(existsSync(join(dir, 'PWNED'))).toBe(false);
    expect(existsSync(join(dir, 'PWNED2'))).toBe(false);
  });
});

describe('properties over random rollout settings', () => {
  const percent = fc.integer({ min: 0, max: 100 }).map((n) => `${n}%`);
  const settings = fc.record(
    {
      replicas: fc.integer({ min: 0, max: 500 }),
      maxSurge: fc.oneof(fc.integer({ min: 0, max: 20 }), percent),
      maxUnavailable: fc.oneof(fc.integer({ min: 0, max: 20 }), percent),
      readinessPeriodSeconds: fc.integer({ min: 1, max: 60 }),
      readinessInitialDelaySeconds: fc.integer({ min: 0, max: 300 }),
      readinessFailureThreshold: fc.integer({ min: 1, max: 10 }),
      minReadySeconds: fc.integer({ min: 0, max: 120 }),
      terminationGracePeriodSeconds: fc.integer({ min: 0, max: 600 }),
      preStopSeconds: fc.integer({ min: 0, max: 120 }),
      progressDeadlineSeconds: fc.integer({ min: 1, max: 1200 }),
      partition: fc.integer({ min: 0, max: 50 }),
      maximumPercent: fc.integer({ min: 100, max: 200 }),
      minimumHealthyPercent: fc.integer({ min: 0, max: 100 }),
      deregistrationDelaySeconds: fc.integer({ min: 0, max: 3600 }),
      maxParallel: fc.integer({ min: 0, max: 10 }),
      timeoutSeconds: fc.integer({ min: 1, max: 3600 }),
      strategy: fc.constantFrom('RollingUpdate', 'Recreate', 'OnDelete', 'canary', 'blueGreen'),
      autoSync: fc.boolean(),
      selfHeal: fc.boolean(),
      paused: fc.boolean(),
      revisionHistoryLimit: fc.integer({ min: 0, max: 3 }),
      hasReadinessProbe: fc.boolean(),
    },
    { requiredKeys: [] },
  );
  const kinds = fc.constantFrom('Deployment', 'StatefulSet', 'DaemonSet', 'Rollout', 'HelmRelease');

  test('every platform: integer durations, max >= expected > 0, steps consistent, inputs declared', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PLATFORM_IDS), kinds, settings, (id, kind, raw) => {
        const s: RolloutSettings = Object.fromEntries(
          Object.entries(raw).map(([k, v]) => [k, { value: v, at: { file: 'm.yaml', line: 3 } }]),
        );
        const p = platform(id);
        const c = ctxOf(id, { kind }, s);
        const d = p.duration(c);
        expect(Number.isInteger(d.expectedSeconds) && d.expectedSeconds > 0).toBe(true);
        expect(d.maxSeconds).toBeGreaterThanOrEqual(d.expectedSeconds);
        const r = p.rollback(c);
        for (const step of r.steps) {
          expect(step.maxSeconds).toBeGreaterThanOrEqual(step.expectedSeconds);
          expect(step.expectedSeconds).toBeGreaterThan(0);
        }
        const declared = r.inputs.map((i) => i.name);
        expect(
          varsOf(allCommands(p.history(c), p.status(c), r)).filter((v) => !declared.includes(v)),
        ).toEqual([]);
        expect(r.command.readOnly).toBe(false);
        for (const h of p.hazards(c)) expect(h.evidence.length).toBeGreaterThan(0);
      }),
      { numRuns: 300, seed: 20261126 },
    );
  });
});
