/**
 * Every `kubectl get -o jsonpath=…` check rollbook generates, evaluated by a real kubectl (v1.20.0,
 * test/helpers/helm-bin.ts) on API objects in their real shape: there is no cluster here, but
 * `kubectl label --local -f OBJECT -o jsonpath=…` prints a local object through the same printer
 * `kubectl get` uses (missing keys print nothing, as on a server). The checks are collected from every
 * Kubernetes-family platform on every fixture workload and on the contexts below; a template with no
 * samples here fails the test, so a new jsonpath check cannot ship unverified. Each sample says whether
 * the check must pass, read the way the guided runbook reads it (src/renderers/sh.ts rb_check): output
 * rules first (first match wins, none matching is UNKNOWN), then expectOutput, then the exit code.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Check } from '../../src/model/plan.js';
import type { PlatformId } from '../../src/model/service.js';
import { PLATFORMS } from '../../src/platforms/index.js';
import { serviceEndpointChecks } from '../../src/platforms/k8s.js';
import type { PlatformContext } from '../../src/platforms/types.js';
import { loadService } from '../../src/readers/load-service.js';
import { ROOT } from '../helpers/cli.js';
import { realKubectl } from '../helpers/helm-bin.js';
import { ctxOf } from './helpers.js';

const KUBE: readonly PlatformId[] = ['kubernetes', 'helm', 'argocd', 'flux', 'argo-rollouts'];
const REPOS = join(ROOT, 'fixtures/repos');

/** Every check a platform gives for one context: gates, rollback steps, status, endpoints. */
function checksOf(id: PlatformId, ctx: PlatformContext): Check[] {
  const p = PLATFORMS[id];
  if (!p) return [];
  const rb = p.rollback(ctx);
  const all: (Check | undefined)[] = [
    p.revisionCheck?.(ctx),
    p.deployStateCheck?.(ctx),
    p.doneCheck?.(ctx),
    { command: p.status(ctx), expect: 'status', timeoutSeconds: 30, retries: 0 },
    ...rb.steps.map((s) => s.check),
    ...serviceEndpointChecks(ctx).map((e) => e.check),
  ];
  return all.filter((c): c is Check => c !== undefined);
}

const templateOf = (c: Check): string | undefined =>
  c.command?.argv.find((a): a is string => typeof a === 'string' && a.startsWith('jsonpath='));

/** What the guided runbook concludes from the output (sh.ts rb_check), exit code 0 assumed. */
function verdict(c: Check, out: string): 'pass' | 'fail' | 'unknown' {
  for (const r of c.outcomes ?? [])
    if (out.includes(r.contains)) return r.result === 'fail' ? 'fail' : 'pass';
  if ((c.outcomes?.length ?? 0) > 0) return 'unknown';
  if (c.expectOutput) return out.includes(c.expectOutput) ? 'pass' : 'fail';
  return 'pass';
}

interface Sample {
  name: string;
  /** The object as the API server returns it (YAML). */
  object: string;
  want: 'pass' | 'fail' | 'unknown';
}

const endpoints = (subsets: string) =>
  `apiVersion: v1\nkind: Endpoints\nmetadata: {name: web, namespace: shop}\n${subsets}`;
const deployment = (spec: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  replicas: 3\n${spec}`;
const rollout = (status: string) =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: checkout, namespace: shop}\nspec: {replicas: 3}\nstatus: {${status}}`;

/** The samples of each template; the check itself is passed for templates whose rules it carries. */
const SAMPLES: Record<string, (c: Check) => Sample[]> = {
  'jsonpath={range .subsets[*].addresses[*]}ready-endpoint {.ip}{"\\n"}{end}': () => [
    {
      name: 'two ready pods',
      object: endpoints(
        'subsets:\n- addresses: [{ip: 10.0.0.1}, {ip: 10.0.0.2}]\n  ports: [{port: 8080, protocol: TCP}]',
      ),
      want: 'pass',
    },
    {
      name: 'only a pod that is not ready',
      object: endpoints('subsets:\n- notReadyAddresses: [{ip: 10.0.0.3}]\n  ports: [{port: 8080}]'),
      want: 'fail',
    },
    { name: 'no subsets at all (no pod selected)', object: endpoints(''), want: 'fail' },
  ],
  'jsonpath=paused={.spec.paused};': () => [
    { name: 'still paused', object: deployment('  paused: true'), want: 'fail' },
    { name: 'resumed: the field is gone', object: deployment(''), want: 'pass' },
    { name: 'resumed: false', object: deployment('  paused: false'), want: 'pass' },
  ],
  'jsonpath=phase={.status.phase} step={.status.currentStepIndex} pause={.status.pauseConditions[*].reason};':
    (c) => {
      const inconclusive = {
        name: 'paused by an Inconclusive analysis',
        object: rollout(
          'phase: Paused, currentStepIndex: 2, pauseConditions: [{reason: InconclusiveAnalysisRun, startTime: "2026-01-01T00:00:00Z"}]',
        ),
        want: 'fail' as const,
      };
      const aborted = {
        name: 'aborted',
        object: rollout('phase: Degraded, currentStepIndex: 0, abort: true'),
        want: 'fail' as const,
      };
      const fresh = { name: 'a fresh object with no status', object: rollout(''), want: 'unknown' as const };
      // blueGreen (pausedCheck): paused before promotion, rollout/bluegreen.go BlueGreenPause
      if (c.outcomes?.some((r) => r.contains === 'BlueGreenPause'))
        return [
          {
            name: 'paused before promotion',
            object: rollout(
              'phase: Paused, pauseConditions: [{reason: BlueGreenPause, startTime: "2026-01-01T00:00:00Z"}]',
            ),
            want: 'pass',
          },
          { name: 'healthy (fast-tracked)', object: rollout('phase: Healthy'), want: 'pass' },
          { name: 'still starting the preview', object: rollout('phase: Progressing'), want: 'unknown' },
          inconclusive,
          aborted,
          fresh,
        ];
      // canary (waitAtCheck): at the wait's step index
      const pass = c.outcomes?.find((r) => r.result === 'pass' && /^step=\d+ $/.test(r.contains));
      const index = Number(/\d+/.exec(pass?.contains ?? '')?.[0] ?? Number.NaN);
      return [
        {
          name: `paused at the wait (index ${index})`,
          object: rollout(
            `phase: Paused, currentStepIndex: ${index}, pauseConditions: [{reason: CanaryPauseStep, startTime: "2026-01-01T00:00:00Z"}]`,
          ),
          want: 'pass',
        },
        {
          name: `running the analysis it waits at (index ${index})`,
          object: rollout(`phase: Progressing, currentStepIndex: ${index}`),
          want: 'pass',
        },
        {
          name: 'healthy on the target',
          object: rollout(`phase: Healthy, currentStepIndex: ${index + 3}`),
          want: 'pass',
        },
        {
          name: 'at a step whose index starts with the same digit',
          object: rollout(`phase: Progressing, currentStepIndex: ${index}0`),
          want: 'unknown',
        },
        inconclusive,
        aborted,
        {
          name: 'still before the wait',
          object: rollout(`phase: Progressing, currentStepIndex: ${index + 40}`),
          want: 'unknown',
        },
        fresh,
      ];
    },
};

/** The contexts beyond the fixtures: the shapes whose checks use jsonpath. */
const EXTRA: PlatformContext[] = [
  ctxOf(
    'kubernetes',
    { kind: 'Deployment', name: 'web' },
    { paused: { value: true, at: { file: 'd.yaml', line: 9 } } },
  ),
  ctxOf('kubernetes', {
    kind: 'Deployment',
    name: 'web',
    services: [{ name: 'web', namespace: 'shop', at: { file: 's.yaml', line: 1 } }] as never,
  }),
];

async function collect(): Promise<Map<string, Check[]>> {
  const byTemplate = new Map<string, Check[]>();
  const add = (c: Check) => {
    const t = templateOf(c);
    if (t) byTemplate.set(t, [...(byTemplate.get(t) ?? []), c]);
  };
  for (const repo of readdirSync(REPOS, { withFileTypes: true }).filter((e) => e.isDirectory())) {
    const svc = await loadService(join(REPOS, repo.name), { release: false });
    for (const w of svc.workloads) {
      const id = svc.deploy.platform ?? w.platform;
      if (KUBE.includes(id)) checksOf(id, { service: svc, workload: w }).forEach(add);
    }
  }
  for (const ctx of EXTRA) if (ctx.workload) checksOf(ctx.workload.platform, ctx).forEach(add);
  return byTemplate;
}

const kubectl = realKubectl();
const dir = mkdtempSync(join(tmpdir(), 'rollbook-jsonpath-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!kubectl)('every jsonpath check, evaluated by a real kubectl', () => {
  it('every template rollbook generates has samples here, and each sample reads as it should', async () => {
    const byTemplate = await collect();
    expect(
      [...byTemplate.keys()].filter((t) => !SAMPLES[t]),
      'templates with no samples',
    ).toEqual([]);
    // the contexts above reach every template with samples (a renamed template leaves its samples unused)
    expect([...byTemplate.keys()].sort()).toEqual(Object.keys(SAMPLES).sort());
    const wrong: string[] = [];
    let n = 0;
    for (const [template, checks] of byTemplate) {
      // one check per distinct rule set is enough: the output depends on the template alone
      const distinct = new Map(checks.map((c) => [JSON.stringify([c.outcomes, c.expectOutput]), c]));
      for (const c of distinct.values()) {
        for (const s of SAMPLES[template]?.(c) ?? []) {
          const file = join(dir, `${n++}.yaml`);
          writeFileSync(file, s.object);
          const r = spawnSync(
            kubectl as string,
            ['label', '--local', '-f', file, 'rollbook=1', '-o', template],
            {
              encoding: 'utf8',
            },
          );
          if (r.status !== 0) wrong.push(`${template} on "${s.name}": kubectl exit ${r.status}: ${r.stderr}`);
          else if (verdict(c, r.stdout) !== s.want)
            wrong.push(
              `${template} on "${s.name}": printed ${JSON.stringify(r.stdout)}, read ${verdict(c, r.stdout)}, want ${s.want}`,
            );
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(n).toBeGreaterThan(5);
  });
});
