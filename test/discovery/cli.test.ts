import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ROOT, SHOP, tempRepo, ZOO } from './helpers.js';

const BIN = join(ROOT, 'bin/rollbook.js');

function rollbook(args: string[], cwd = ROOT) {
  if (!existsSync(join(ROOT, 'dist/cli/main.js')))
    throw new Error('run "npm run build" first (npm test does)');
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('rollbook discover (built CLI)', () => {
  it('JSON on the shop monorepo: contract keys, relative paths, deterministic; exit 1 on error findings', () => {
    const a = rollbook(['discover', 'fixtures/repos/shop-monorepo', '--format', 'json']);
    const b = rollbook(['discover', SHOP, '--format', 'json']);
    expect(a.code).toBe(1);
    expect(a.stderr).toBe('');
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).not.toContain(ROOT);
    const j = JSON.parse(a.stdout);
    expect(Object.keys(j)).toEqual([
      'inputs',
      'chosen',
      'files',
      'workloads',
      'migrations',
      'excludedMigrations',
      'migrationRuns',
      'migrationTables',
      'flagSources',
      'flagFiles',
      'flags',
      'pipelines',
      'signals',
      'findings',
      'deployFiles',
      'unknowns',
    ]);
    // every flag file is accounted for: the workloads its flags bind to, and why
    expect(j.flagFiles).toEqual([
      {
        file: 'flags/flags.json',
        provider: 'flagd',
        workloads: ['deployment/checkout-api', 'deployment/staging-checkout-api'],
        flags: [
          {
            key: 'checkout-kill-switch',
            killSwitch: true,
            boundTo: [
              {
                workload: 'deployment/checkout-api',
                how: 'its key prefix "checkout-" names checkout-api (no other evidence)',
              },
            ],
          },
          {
            key: 'new-checkout-flow',
            killSwitch: false,
            boundTo: [
              {
                workload: 'deployment/checkout-api',
                how: 'evaluated in services/checkout/src/checkout.ts:6, under services/checkout/base',
              },
              {
                workload: 'deployment/staging-checkout-api',
                how: 'evaluated in services/checkout/src/checkout.ts:6, under services/checkout/base',
              },
            ],
          },
        ],
        unbound: [],
      },
    ]);
    // every deploy file read is accounted for; none chosen, so each feeding file is just "workload"
    expect(
      j.deployFiles.find((f: { file: string }) => f.file === 'services/checkout/base/service.yaml'),
    ).toEqual({
      file: 'services/checkout/base/service.yaml',
      status: 'workload',
      workloads: ['deployment/checkout-api', 'deployment/staging-checkout-api'],
      notes: ['Service/checkout-api'],
    });
    expect(j.workloads[0]).toMatchObject({
      ref: 'shop/deployment/checkout-api',
      kind: 'Deployment',
      name: 'checkout-api',
      namespace: 'shop',
      platform: 'argocd',
      file: 'services/checkout/base/deployment.yaml',
      line: 2,
      images: [
        {
          ref: 'ghcr.io/acme/checkout-api:3f9c2e1a7b5d',
          tag: '3f9c2e1a7b5d',
          file: 'services/checkout/overlays/production/kustomization.yaml',
          line: 9,
        },
      ],
    });
    expect(
      j.findings.map((f: { rule: string; file: string; line: number }) => `${f.rule} ${f.file}:${f.line}`),
    ).toMatchSnapshot();
    expect(a.stdout).toMatchSnapshot();
  });

  it('text on the shop monorepo (snapshot)', () => {
    const r = rollbook(['discover', 'fixtures/repos/shop-monorepo']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatchSnapshot();
  });

  it('--workload narrows workloads and findings; an unknown one is exit 2 with the candidates', () => {
    const r = rollbook([
      'discover',
      'fixtures/repos/shop-monorepo',
      '--format',
      'json',
      '--workload',
      'sts/inventory',
    ]);
    const j = JSON.parse(r.stdout);
    expect(j.workloads.map((w: { ref: string }) => w.ref)).toEqual(['shop/statefulset/inventory']);
    // the flags are checkout's (bound by its code and key prefix): none is inventory's; the one
    // evaluated in shared code (libs/pricing) and defined nowhere may run in any workload
    expect([...new Set(j.findings.map((f: { rule: string }) => f.rule))].sort()).toEqual([
      'flag-missing-from-file',
      // the pipeline that migrates before deploying deploys checkout, not inventory
      'no-pdb',
      'no-rollout-history',
      'statefulset-ordered-ready',
      'unversioned-config',
    ]);
    const bad = rollbook(['discover', 'fixtures/repos/shop-monorepo', '--workload', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /^rollbook: --workload nope: no such workload; found: deployment\/checkout-api, deployment\/staging-checkout-api, /,
    );
  });

  it('usage and input errors exit 2 without a stack trace', () => {
    const fmt = rollbook(['discover', '.', '--format', 'xml']);
    expect(fmt.code).toBe(2);
    expect(fmt.stderr).toBe('rollbook: --format must be one of text, json; got "xml"\n');
    const missing = rollbook(['discover', 'no/such/dir']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      'rollbook: directory not found: no/such/dir\nPass the path of the service repository, e.g. rollbook plan examples/checkout-api\n',
    );
  });

  it('the platform zoo in text form (snapshot)', () => {
    const r = rollbook(['discover', ZOO]);
    expect(r.stdout).toMatchSnapshot();
  });
});

describe('rollbook init (built CLI)', () => {
  it('writes a descriptor with the schema line, what was found and TODOs; refuses to overwrite without --force', () => {
    const dir = tempRepo({});
    cpSync(SHOP, dir, { recursive: true });
    const r = rollbook(['init', dir, '--workload', 'shop/deployment/checkout-api']);
    expect(r.code).toBe(0);
    const text = readFileSync(join(dir, 'rollbook.yaml'), 'utf8');
    expect(text.split('\n')[0]).toBe(
      '# yaml-language-server: $schema=https://unpkg.com/rollbook@0.1.0/schema/rollbook.schema.json',
    );
    expect(text).toMatchSnapshot();
    const doc = parseYaml(text);
    expect(doc).toEqual({
      version: 1,
      service: 'checkout-api',
      owners: [],
      deploy: {
        platform: 'argocd',
        workload: 'deployment/checkout-api',
        namespace: 'shop',
        manifests: ['services/checkout/overlays/production'],
        pipeline: 'github-actions',
        target: { app: 'checkout-production' },
      },
      artifact: { image: 'ghcr.io/acme/checkout-api', versioning: 'git-sha' },
      state: {
        migrations: { tool: 'golang-migrate', path: 'services/checkout/db/migrations', database: 'postgres' },
        // only the keys bound to checkout-api, named by workloads: (the evidence is a comment)
        flags: [
          {
            provider: 'flagd',
            file: 'flags/flags.json',
            keys: ['checkout-kill-switch', 'new-checkout-flow'],
            workloads: ['deployment/checkout-api'],
          },
        ],
      },
    });
    for (const todo of ['TODO roles', 'TODO comms', 'TODO history', 'TODO signals'])
      expect(text).toContain(todo);

    // the result plans without edits (exit 0 or 1, never a usage or input error)
    expect(rollbook(['plan', dir]).code).toBeLessThan(2);
    // an Argo CD-managed Rollout: its application, its one signal with the direction that calls for a rollback
    expect(rollbook(['init', dir, '--workload', 'services/storefront/rollout.yaml', '--force']).code).toBe(0);
    const ro = readFileSync(join(dir, 'rollbook.yaml'), 'utf8');
    expect(parseYaml(ro).deploy).toMatchObject({
      platform: 'argo-rollouts',
      workload: 'rollout/storefront',
      target: { app: 'storefront' },
    });
    expect(parseYaml(ro).signals).toEqual([expect.objectContaining({ threshold: 0.95, op: '<' })]);
    expect(parseYaml(ro).state?.migrations).toBeUndefined(); // checkout's set is not the storefront's

    writeFileSync(join(dir, 'rollbook.yaml'), 'version: 1\nservice: mine\n');
    const again = rollbook(['init', dir]);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe('rollbook: rollbook.yaml already exists\nUse --force to overwrite it.\n');
    expect(readFileSync(join(dir, 'rollbook.yaml'), 'utf8')).toBe('version: 1\nservice: mine\n');

    const forced = rollbook(['init', dir, '--force']);
    expect(forced.code).toBe(0);
    const many = parseYaml(readFileSync(join(dir, 'rollbook.yaml'), 'utf8'));
    expect(many.deploy.workload).toBeUndefined();
    expect(readFileSync(join(dir, 'rollbook.yaml'), 'utf8')).toContain(
      '# TODO: several workloads were found; set deploy.workload',
    );
  });

  it('an empty repository still gets a valid starting descriptor', () => {
    const dir = tempRepo({ 'README.md': '# nothing here' });
    expect(rollbook(['init', dir]).code).toBe(0);
    const doc = parseYaml(readFileSync(join(dir, 'rollbook.yaml'), 'utf8'));
    expect(doc).toMatchObject({ version: 1, owners: [], deploy: { manifests: [] } });
    expect(typeof doc.service).toBe('string');
  });
});
