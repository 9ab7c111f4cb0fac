import { describe, expect, test } from 'vitest';
import { cloudRun } from '../../src/platforms/cloud-run.js';
import { byRule, ctxOf, m, renderCommand, rules, runbook } from './helpers.js';

const run = (
  facts: { region?: string; project?: string } = { region: 'europe-west1', project: 'acme-prod' },
  config = [] as never[],
) =>
  ctxOf(
    'cloud-run',
    {
      kind: 'Service',
      name: 'web',
      cloudRun: { service: 'web', ...(facts.region ? { region: facts.region } : {}) },
      config,
    },
    {},
    { deploy: { manifests: [], target: facts.project ? { project: facts.project } : {} } },
  );

describe('cloud-run', () => {
  test('commands and flags', () => {
    const ctx = run();
    expect(renderCommand(cloudRun.history(ctx))).toBe(
      'gcloud run revisions list --service=web --region=europe-west1 --project=acme-prod',
    );
    const r = cloudRun.rollback(ctx);
    expect(r.oneCommand).toBe(true);
    expect(runbook(r)).toMatchInlineSnapshot(`
      "oneCommand=true
      start: gcloud run services update-traffic web --to-revisions "\${TARGET_REVISION_TRAFFIC}" --region=europe-west1 --project=acme-prod
      input TARGET_REVISION_TRAFFIC: gcloud run revisions list --service=web --region=europe-west1 --project=acme-prod
      [cloud-run-update-traffic] 25s/300s
        rw $ gcloud run services update-traffic web --to-revisions "\${TARGET_REVISION_TRAFFIC}" --region=europe-west1 --project=acme-prod
        check $ gcloud run services describe web --region=europe-west1 --project=acme-prod --format=json (timeout 60s, retries 2)"
    `);
  });

  test('unknown region is an input (gcloud would prompt)', () => {
    const r = cloudRun.rollback(run({}));
    expect(r.inputs.map((i) => i.name)).toEqual(['CLOUD_RUN_REGION', 'TARGET_REVISION_TRAFFIC']);
    expect(renderCommand(r.command)).toBe(
      `gcloud run services update-traffic web --to-revisions "\${TARGET_REVISION_TRAFFIC}" --region "\${CLOUD_RUN_REGION}"`,
    );
  });

  test('duration from the startupProbe: one period expected, period × failureThreshold worst', () => {
    const ctx = ctxOf(
      'cloud-run',
      { name: 'web' },
      { startupExpectedSeconds: m(5, 14), startupSeconds: m(20, 15) },
    );
    const d = cloudRun.duration(ctx);
    expect([d.expectedSeconds, d.maxSeconds]).toEqual([20, 80]);
    expect(
      d.drivers.filter((x) => x.name.startsWith('cold start')).map((x) => [x.name, x.source, x.at?.line]),
    ).toEqual([
      ['cold start (expected)', 'manifest', 14],
      ['cold start (worst)', 'manifest', 15],
    ]);
  });

  test("without a startupProbe the worst case is Cloud Run's default probe limit (240s)", () => {
    const d = cloudRun.duration(ctxOf('cloud-run', { name: 'web' }));
    expect([d.expectedSeconds, d.maxSeconds]).toEqual([25, 300]);
  });

  test('hazards: traffic pinned always; latest secrets per secret ref', () => {
    const ctx = ctxOf('cloud-run', {
      name: 'web',
      config: [
        {
          kind: 'Secret',
          name: 'db-password:latest',
          versioned: false,
          at: { file: 'service.yaml', line: 31 },
        },
        { kind: 'Secret', name: 'api-key:3', versioned: true },
      ],
    });
    const h = cloudRun.hazards(ctx);
    expect(rules(h)).toEqual(['cloud-run-latest-secrets', 'cloud-run-traffic-pinned']);
    expect(byRule(h, 'cloud-run-latest-secrets').evidence).toEqual([{ file: 'service.yaml', line: 31 }]);
    expect(byRule(h, 'cloud-run-traffic-pinned').mitigation).toBe(
      'Once the fix is deployed and verified, run gcloud run services update-traffic web --to-latest (and say so in the incident follow-up).',
    );
  });
});
