/**
 * A chart whose worker Deployments come from `range` loops (the shape of self-hosted products'
 * charts): `range $name, $worker := .Values.workers` over a map with `if $worker.enabled`, and
 * `range .Values.consumers` over a list with `.` bound to the item and `$` to the root. Without
 * helm, rollbook expands the loops itself: one workload per object, each with its own name,
 * replicas, probes and strategy cited from the element's values lines, and an unknown at the range
 * line naming what it approximated. With the real helm (npm registry) on PATH, `helm template`
 * must give the very same workloads and values: the no-helm path is checked against it.
 */
import { describe, expect, it } from 'vitest';
import { discoverRepository } from '../../src/discover.js';
import type { Workload } from '../../src/model/service.js';
import { discover } from '../../src/readers/discover.js';
import { discoverText } from '../../src/renderers/discover.js';
import { useRealHelm } from '../helpers/helm-bin.js';
import { design, drivers, SHAPES } from './helpers.js';

const CHART = `${SHAPES}/workers-chart`;
const V = 'charts/helpdesk/values.yaml';
const T = 'charts/helpdesk/templates';

/** What each workload's rollout is made of, as `key=value@file:line`, by `kind/name`. */
function facts(ws: Workload[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const w of ws) {
    const keys = [
      'replicas',
      'strategy',
      'maxSurge',
      'maxUnavailable',
      'readinessPeriodSeconds',
      'readinessFailureThreshold',
      'terminationGracePeriodSeconds',
    ] as const;
    out[`${w.kind.toLowerCase()}/${w.name}`] = keys.flatMap((k) => {
      const s = w.settings[k] as { value: unknown; at?: { file: string; line: number } } | undefined;
      return s ? [`${k}=${String(s.value)}@${s.at?.file}:${s.at?.line}`] : [];
    });
    const a = w.autoscaler;
    if (a)
      out[`${w.kind.toLowerCase()}/${w.name}`]?.push(
        `autoscaler=${a.name} ${a.minReplicas}..${a.maxReplicas}@${a.maxAt?.file}:${a.maxAt?.line}`,
      );
  }
  return out;
}

/** Discovery with helm switched off (ROLLBOOK_HELM=off), whatever the file's environment. */
async function withoutHelm() {
  const saved = process.env.ROLLBOOK_HELM;
  process.env.ROLLBOOK_HELM = 'off';
  try {
    return await discover(CHART);
  } finally {
    if (saved === undefined) delete process.env.ROLLBOOK_HELM;
    else process.env.ROLLBOOK_HELM = saved;
  }
}

const EXPECTED: Record<string, string[]> = {
  'deployment/helpdesk-audit-log': [
    `replicas=1@${V}:42`,
    `maxSurge=1@${T}/consumers.yaml:14`,
    `maxUnavailable=0@${T}/consumers.yaml:15`,
    `readinessPeriodSeconds=30@${V}:52`,
    `readinessFailureThreshold=3@${T}/consumers.yaml:34`,
  ],
  'deployment/helpdesk-billing-events': [
    `replicas=3@${V}:45`,
    `maxSurge=2@${V}:46`,
    `maxUnavailable=0@${T}/consumers.yaml:15`,
    `readinessPeriodSeconds=15@${V}:48`,
    `readinessFailureThreshold=4@${V}:49`,
  ],
  'deployment/helpdesk': [
    `replicas=3@${V}:7`,
    `readinessPeriodSeconds=5@${V}:12`,
    `readinessFailureThreshold=3@${V}:13`,
  ],
  'deployment/helpdesk-worker-indexer': [
    `replicas=1@${V}:30`,
    `strategy=Recreate@${V}:34`,
    `terminationGracePeriodSeconds=300@${V}:32`,
  ],
  'deployment/helpdesk-worker-mailer': [
    `replicas=2@${V}:19`,
    `readinessPeriodSeconds=10@${V}:24`,
    `readinessFailureThreshold=6@${V}:25`,
    `terminationGracePeriodSeconds=60@${T}/workers.yaml:29`,
    `autoscaler=helpdesk-worker-mailer 2..8@${V}:27`,
  ],
};

describe('fixture workers-chart, helm template off (ROLLBOOK_HELM=off)', () => {
  it('each object the loops make is a workload with its own values, cited from its element', async () => {
    const d = await withoutHelm();
    expect(facts(d.workloads)).toEqual(EXPECTED);
    // the disabled worker renders nothing
    expect(d.workloads.some((w) => w.name.includes('exports'))).toBe(false);
  });

  it('an unknown at each range line says rollbook expanded it and names what it approximated', async () => {
    const d = await withoutHelm();
    const loops = d.unknowns.filter(
      (u) => u.reason.includes('rollbook expanded "range') && u.reason.includes(' Deployment'),
    );
    expect(loops.map((u) => `${u.at?.file}:${u.at?.line}`)).toEqual([
      `${T}/consumers.yaml:1`,
      `${T}/workers.yaml:1`,
    ]);
    const [consumers, workers] = loops.map((u) => u.reason);
    expect(consumers).toContain(`over .Values.consumers (2 items at ${V}:43; in list order)`);
    expect(consumers).toContain('2 Deployments (helpdesk-audit-log, helpdesk-billing-events)');
    expect(consumers).not.toContain('approximated');
    expect(workers).toContain(
      `over .Values.workers (3 entries (exports, indexer, mailer) at ${V}:16; map keys in sorted order, as Go templates iterate them)`,
    );
    expect(workers).toContain('2 Deployments (helpdesk-worker-indexer, helpdesk-worker-mailer)');
    // the per-worker HPA loop: an `and` over the element, the indexer has no autoscaling
    const hpa = d.unknowns.find((u) => u.at?.file === `${T}/worker-hpa.yaml`);
    expect(hpa?.reason).toContain(
      '1 HorizontalPodAutoscaler (helpdesk-worker-mailer), each bound to the workload it targets or selects',
    );
    // the checksum only helm computes is named, with its line
    expect(workers).toContain(
      `approximated inside the loop (placeholders, or conditions assumed true): ${T}/workers.yaml:24: {{ include (print $.Template.BasePath "/configmap.yaml") $ | sha256sum }}`,
    );
  });

  it('--workload selects a loop-made workload; its design takes that element’s values', async () => {
    const saved = process.env.ROLLBOOK_HELM;
    process.env.ROLLBOOK_HELM = 'off';
    try {
      const p = await design('workers-chart', 'deployment/helpdesk-worker-mailer');
      const ds = drivers(p);
      expect(ds.find((x) => x.startsWith('replicas='))).toBe(`replicas=2 (manifest@${V}:19)`);
      expect(ds).toContain(`readinessPeriodSeconds=10 (manifest@${V}:24)`);
      expect(ds).toContain(`readinessFailureThreshold=6 (manifest@${V}:25)`);
      const report = await discoverRepository({ cwd: CHART });
      const text = discoverText(report);
      for (const name of Object.keys(EXPECTED)) expect(text).toContain(name);
    } finally {
      if (saved === undefined) delete process.env.ROLLBOOK_HELM;
      else process.env.ROLLBOOK_HELM = saved;
    }
  });
});

describe('fixture workers-chart, with helm on PATH', () => {
  const helm = useRealHelm();

  it('helm template makes the same workloads with the same values and citations as rollbook without helm', async (ctx) => {
    if (!helm()) ctx.skip();
    const d = await discover(CHART);
    expect(facts(d.workloads)).toEqual(EXPECTED);
    expect(facts((await withoutHelm()).workloads)).toEqual(facts(d.workloads));
    expect(d.unknowns.some((u) => u.reason.includes('range $name'))).toBe(false);
  });
});
