/**
 * A chart whose worker Deployments come from a `range $name, $worker := .Values.workers` loop in one
 * template (the shape of self-hosted products' charts): only helm template knows how many objects
 * the loop makes and their names. With helm, one workload per rendered Deployment (a disabled entry
 * renders none); without it, the template is read once and an unknown at the range line says so,
 * listing the entries of the values map — never silently one workload.
 */
import { describe, expect, it } from 'vitest';
import { discover } from '../../src/readers/discover.js';
import { useRealHelm } from '../helpers/helm-bin.js';
import { SHAPES } from './helpers.js';

const CHART = `${SHAPES}/workers-chart`;
const refs = (ws: { kind: string; name: string; at?: { file: string; line: number } }[]) =>
  ws.map((w) => `${w.kind.toLowerCase()}/${w.name} @${w.at?.file}:${w.at?.line}`);

describe('fixture workers-chart, helm template off (ROLLBOOK_HELM=off)', () => {
  it('the looped template is one workload, and an unknown at the range line says helm template would list them', async () => {
    const d = await discover(CHART);
    expect(refs(d.workloads)).toEqual([
      'deployment/helpdesk @charts/helpdesk/templates/web-deployment.yaml:2',
      'deployment/helpdesk-workers @charts/helpdesk/templates/workers.yaml:5',
    ]);
    const loop = d.unknowns.filter((u) => u.reason.includes('range $name, $worker := .Values.workers'));
    expect(loop.map((u) => `${u.at?.file}:${u.at?.line}`)).toEqual([
      'charts/helpdesk/templates/workers.yaml:1',
    ]);
    expect(loop[0]?.reason).toContain('helm template renders each one');
    expect(loop[0]?.reason).toContain(
      '.Values.workers has 3 entries (mailer, indexer, exports) at charts/helpdesk/values.yaml:16',
    );
  });
});

describe('fixture workers-chart, with helm on PATH', () => {
  const helm = useRealHelm();

  it('one workload per Deployment the loop renders, each with its own replicas and grace period', async (ctx) => {
    if (!helm()) ctx.skip();
    const d = await discover(CHART);
    expect(refs(d.workloads)).toEqual([
      'deployment/helpdesk @charts/helpdesk/templates/web-deployment.yaml:2',
      'deployment/helpdesk-worker-indexer @charts/helpdesk/templates/workers.yaml:5',
      'deployment/helpdesk-worker-mailer @charts/helpdesk/templates/workers.yaml:5',
    ]);
    const s = (name: string) => {
      const w = d.workloads.find((x) => x.name === name);
      return [w?.settings.replicas?.value, w?.settings.terminationGracePeriodSeconds?.value];
    };
    expect(s('helpdesk-worker-mailer')).toEqual([2, 60]);
    expect(s('helpdesk-worker-indexer')).toEqual([1, 300]);
    expect(d.unknowns.some((u) => u.reason.includes('range $name'))).toBe(false);
  });
});
