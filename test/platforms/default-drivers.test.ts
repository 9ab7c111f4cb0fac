/**
 * Issue 13 item 5: every assumed (default) value of a duration says where the real one would come
 * from. A table over every platform module, run on every workload of the fixture repositories and on
 * the bare contexts a rollbook.yaml alone gives (no manifest located the workload): a default driver
 * without `realFrom` fails here, naming the platform, the workload and the driver.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PLATFORM_IDS, type PlatformId, type Service } from '../../src/model/service.js';
import { PLATFORMS } from '../../src/platforms/index.js';
import type { PlatformContext } from '../../src/platforms/types.js';
import { loadService } from '../../src/readers/load-service.js';
import { ROOT } from '../helpers/cli.js';
import { ctxOf, service } from './helpers.js';

const REPOS = join(ROOT, 'fixtures/repos');

/** `platform workload driver` for each default driver that does not say where its real value is set. */
function missing(id: PlatformId, ctx: PlatformContext): string[] {
  const p = PLATFORMS[id];
  if (!p) throw new Error(`no platform ${id}`);
  const label = ctx.workload ? `${ctx.workload.kind}/${ctx.workload.name}` : '(no workload)';
  return p
    .duration(ctx)
    .drivers.filter((d) => d.source === 'default' && !d.realFrom)
    .map((d) => `${id} ${label}: ${d.name}`);
}

describe('every default duration driver says where the real value comes from', () => {
  it.each(PLATFORM_IDS.map((id) => [id]))('%s: declared only, and a bare workload', (id) => {
    const declared: PlatformContext = { service: service({ deploy: { manifests: [], platform: id } }) };
    expect([...missing(id, declared), ...missing(id, ctxOf(id))]).toEqual([]);
  });

  it.each(['kubernetes', 'helm', 'argocd', 'flux'] as const)(
    '%s: a StatefulSet with volumes, a DaemonSet, an HPA without minReplicas',
    (id) => {
      const volume = { kind: 'volume-claim-template', name: 'data', at: { file: 'sts.yaml', line: 3 } };
      const contexts = [
        ctxOf(id, { kind: 'StatefulSet', state: [volume] as never }),
        ctxOf(id, { kind: 'DaemonSet' }),
        ctxOf(id, { autoscaler: { name: 'web', maxReplicas: 10 } as never }),
      ];
      expect(contexts.flatMap((c) => missing(id, c))).toEqual([]);
    },
  );

  const repos = readdirSync(REPOS, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();

  it.each(repos.map((r) => [r]))('fixtures/repos/%s: every workload on its platform', async (repo) => {
    const svc: Service = await loadService(join(REPOS, repo), { release: false });
    expect(svc.workloads.length, 'the fixture yields workloads').toBeGreaterThan(0);
    const gaps = svc.workloads.flatMap((w) =>
      missing(svc.deploy.platform ?? w.platform, { service: svc, workload: w }),
    );
    expect(gaps).toEqual([]);
  });
});

describe('where to measure an assumed value names the tool of the platform', () => {
  const KUBERNETES: readonly PlatformId[] = ['kubernetes', 'helm', 'argocd', 'flux', 'argo-rollouts'];
  it.each(PLATFORM_IDS.filter((id) => !KUBERNETES.includes(id)).map((id) => [id]))(
    '%s: no kubectl in where a default comes from',
    (id) => {
      const p = PLATFORMS[id];
      if (!p) throw new Error(`no platform ${id}`);
      const wrong = p
        .duration(ctxOf(id))
        .drivers.filter((d) => d.source === 'default' && /kubectl/.test(d.realFrom ?? ''))
        .map((d) => `${d.name}: ${d.realFrom}`);
      expect(wrong).toEqual([]);
    },
  );
});
