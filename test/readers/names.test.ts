import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isRollbookError } from '../../src/errors.js';
import { loadService } from '../../src/readers/load-service.js';
import { NAME_KINDS, type NameKind, nameProblem } from '../../src/readers/names.js';

/** Per kind: valid names, then invalid ones (every kind refuses a leading "-" and control characters). */
const TABLE: Record<NameKind, [ok: string[], bad: string[]]> = {
  'kubernetes-name': [
    ['api', 'a.b-c', '0x'],
    ['API', 'a_b', 'a-', '.a', 'a'.repeat(254)],
  ],
  'kubernetes-namespace': [
    ['shop', 'team-1'],
    ['a.b', 'Shop', 'a'.repeat(64)],
  ],
  'helm-release': [
    ['catalog-web', 'a.b'],
    ['Web', 'a_b', 'a'.repeat(54)],
  ],
  'argocd-app': [
    ['app', 'argocd/app'],
    ['a/b/c', 'App'],
  ],
  'ecs-name': [
    ['Orders_1', 'arn:aws:ecs:eu-west-1:123456789012:cluster/prod'],
    ['a b', 'a.b'],
  ],
  'lambda-function': [
    ['thumbnailer', 'arn:aws:lambda:us-east-1:123456789012:function:f'],
    ['a.b', 'f n'],
  ],
  'lambda-alias': [
    ['live', 'v1'],
    ['123', 'a.b'],
  ],
  'aws-region': [
    ['us-east-1', 'us-gov-west-1'],
    ['us_east_1', 'eu'],
  ],
  'cloud-run-service': [
    ['web', 'web-2'],
    ['2web', 'web-', 'Web'],
  ],
  'gcp-project': [
    ['acme-prod', 'example.com:acme-prod'],
    ['acme', 'Acme-prod'],
  ],
  'gcp-region': [
    ['europe-west1', 'us-central1'],
    ['europe_west1', 'eu'],
  ],
  'nomad-job': [
    ['billing', 'batch/dispatch-1'],
    ['/abs', 'a b'],
  ],
  'nomad-region': [['global'], ['a.b']],
  'systemd-unit': [['shop.service', 'getty@tty1.service'], ['a b.service']],
  'heroku-app': [
    ['acme-checkout', 'x'],
    ['Acme', 'acme_', 'a'.repeat(31)],
  ],
  'compose-service': [
    ['web', 'db_1', 'a.b'],
    ['_a', 'a b'],
  ],
  'dynamodb-table': [
    ['shipments', 'a.b_c'],
    ['ab', 'a b'],
  ],
  's3-bucket': [
    ['acme-receipts', 'a.b.c'],
    ['Acme', 'ab', 'a_b'],
  ],
  'terraform-workspace': [['production', 'prod_1'], ['a b']],
  host: [
    ['app1.internal', 'deploy@10.0.0.1'],
    ['a b', '@host'],
  ],
  path: [['deploy/k8s', '/srv/app/releases', 'a b/c'], [' lead']],
  name: [
    ['checkout-api', 'a:b@c/d+e'],
    ['a b', "x'; rm"],
  ],
};

describe('name kinds (docs/names.md)', () => {
  it('the table covers every kind, and every example is valid', () => {
    expect(Object.keys(TABLE).sort()).toEqual(Object.keys(NAME_KINDS).sort());
    for (const [kind, spec] of Object.entries(NAME_KINDS))
      expect(nameProblem(kind as NameKind, spec.example), kind).toBeUndefined();
  });

  for (const [kind, [ok, bad]] of Object.entries(TABLE) as [NameKind, [string[], string[]]][]) {
    it(kind, () => {
      for (const v of ok) expect(nameProblem(kind, v), v).toBeUndefined();
      for (const v of [
        ...bad,
        '',
        '-x',
        '--kube-apiserver=https://evil.example',
        'a\u0000b',
        'a\u001bb',
        'a\u202eb',
      ])
        expect(nameProblem(kind, v), `${kind}: ${JSON.stringify(v)}`).toBeDefined();
    });
  }
});

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function repo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'rollbook-names-'));
  made.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

async function problems(dir: string): Promise<string[]> {
  try {
    await loadService(dir, { release: false });
  } catch (e) {
    if (isRollbookError(e) && e.code === 'INVALID_NAME')
      return e.problems.map((p) => `${p.at?.file}:${p.at?.line}:${p.at?.col ?? 1} ${p.path}`);
    throw e;
  }
  return [];
}

describe('readers refuse names that would reach a tool as an option (located, exit 2)', () => {
  it('Chart.yaml name, manifest name and namespace', async () => {
    expect(
      await problems(
        repo({
          'chart/Chart.yaml': 'apiVersion: v2\nname: --kube-apiserver=https://evil.example\nversion: 1.0.0\n',
        }),
      ),
    ).toEqual(['chart/Chart.yaml:2:1 HelmChart name', 'chart/Chart.yaml:2:1 release']);
    const k8s = await problems(
      repo({
        'deploy/app.yaml':
          'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: "-api"\n  namespace: "--namespace=kube-system"\nspec:\n  template:\n    spec:\n      containers: [{ name: a, image: "r/a:1" }]\n',
      }),
    );
    expect(k8s.join('\n')).toMatch(
      /^deploy\/app\.yaml:\d+:\d+ Deployment name\ndeploy\/app\.yaml:\d+:\d+ namespace$/,
    );
  });

  it('rollbook.yaml: deploy.workload, deploy.namespace, deploy.target.*, the service name as fallback', async () => {
    const yaml = (deploy: string) => `version: 1\nservice: checkout-api\ndeploy:\n${deploy}`;
    expect(await problems(repo({ 'rollbook.yaml': yaml('  platform: helm\n  workload: "-x"\n') }))).toEqual([
      'rollbook.yaml:5:13 deploy.workload',
    ]);
    expect(
      await problems(
        repo({
          'rollbook.yaml': yaml(
            '  platform: nomad\n  namespace: ok\n  target: { job: "-address=https://evil" }\n',
          ),
        }),
      ),
    ).toEqual(['rollbook.yaml:6:18 deploy.target.job']);
    expect(
      await problems(
        repo({ 'rollbook.yaml': 'version: 1\nservice: "-evil"\ndeploy: { platform: heroku }\n' }),
      ),
    ).toEqual(['rollbook.yaml:2:10 service']);
  });
});

it('docs/names.md documents every kind', () => {
  const doc = readFileSync(new URL('../../docs/names.md', import.meta.url), 'utf8');
  for (const kind of Object.keys(NAME_KINDS)) expect(doc).toContain(`| \`${kind}\` |`);
});
