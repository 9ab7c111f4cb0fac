/**
 * `helm … -n <ns>` always: every helm command the design prints for the Helm fixtures — runbook
 * steps, inputs, checks, abort paths, hazard mitigations, comms — in every format names the release's
 * namespace (a declared input when no file names it) and the kube context when one is declared.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, loadService, plan } from '../../src/index.js';
import { RENDERERS } from '../../src/renderers/index.js';
import { SHAPES } from './helpers.js';

const FIXTURES: [string, string | undefined][] = [
  ['helm-values-app', undefined],
  ['postgres-chart', undefined],
  ['flux-helmrelease', undefined],
  ['shop-monorepo', 'deployment/payments'],
];

/** Each mention of a helm command in the text: `helm <sub>` followed by a flag or a release name. */
function helmCommands(text: string, releases: string[]): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(
    /\bhelm (rollback|history|status|get|upgrade|list|uninstall|install)\b([^\n`<]*)/g,
  )) {
    const rest = m[2] ?? '';
    const next = /^\s+(\S+)/.exec(rest)?.[1] ?? '';
    if (!next.startsWith('-') && !releases.includes(next.replace(/[.,;:)]+$/, ''))) continue; // prose: "helm rollback runs …"
    const end = rest.indexOf(' -- ');
    out.push(`helm ${m[1]}${end < 0 ? rest : rest.slice(0, end + 3)}`);
  }
  return out;
}

async function rendered(name: string, workload: string | undefined, context?: string) {
  const service = await loadService(join(SHAPES, name), workload ? { workload } : {});
  if (context) service.deploy.context = context;
  const p = plan(service, analyze(service));
  const releases = [
    ...new Set(
      service.workloads.flatMap((w) =>
        [w.name, w.helm?.release, w.flux?.helmRelease].filter((x) => x !== undefined),
      ),
    ),
  ];
  return Object.entries(RENDERERS).map(([format, r]) => ({ format, text: r(p), releases }));
}

describe('helm commands of the Helm fixtures', () => {
  for (const context of [undefined, 'prod-eu']) {
    it(`carry -n${context ? ' and --kube-context' : ''} in every format`, async () => {
      const seen: string[] = [];
      for (const [name, workload] of FIXTURES) {
        for (const { format, text, releases } of await rendered(name, workload, context)) {
          for (const c of helmCommands(text, releases)) {
            seen.push(`${name} ${format}: ${c}`);
            if (/^helm list/.test(c)) expect(c, `${name} ${format}`).toMatch(/ (--all-namespaces|-A)\b/);
            else expect(c, `${name} ${format}`).toMatch(/ (-n|--namespace)[ =]\S/);
            if (context) expect(c, `${name} ${format}`).toContain(`--kube-context=${context}`);
          }
        }
      }
      // the scan reads commands: rollback, history and status of every helm-managed fixture
      expect(seen.length).toBeGreaterThan(20);
    });
  }
});
