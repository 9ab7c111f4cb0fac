import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discover } from '../../src/readers/discover.js';
import { walk } from '../../src/readers/discovery/walk.js';
import { DEPLOYMENT, tempRepo } from './helpers.js';

describe('walk', () => {
  it('honours root and nested .gitignore files and skips .git and node_modules', async () => {
    const dir = tempRepo({
      '.gitignore': 'build/\n*.local.yaml\n',
      'a/.gitignore': 'secret.yaml\n',
      'a/secret.yaml': 'x: 1',
      'a/keep.yaml': 'x: 1',
      'build/out.yaml': 'x: 1',
      'dev.local.yaml': 'x: 1',
      '.git/config': '[core]',
      'node_modules/x/deploy.yaml': 'x: 1',
      'deploy.yaml': 'x: 1',
    });
    const { files } = await walk(dir);
    expect(files.map((f) => f.rel)).toEqual(['.gitignore', 'a/.gitignore', 'a/keep.yaml', 'deploy.yaml']);
  });

  it('reports a symlink loop created at runtime, a link out of the root and a dangling link, and never follows them', async () => {
    const dir = tempRepo({ 'k8s/deploy.yaml': DEPLOYMENT('api') });
    const outside = tempRepo({ 'evil.yaml': DEPLOYMENT('outside') });
    symlinkSync(join(dir, 'k8s'), join(dir, 'k8s', 'loop'));
    symlinkSync(join(dir, 'self-a'), join(dir, 'self-b'));
    symlinkSync(join(dir, 'self-b'), join(dir, 'self-a'));
    symlinkSync(outside, join(dir, 'escape'));
    symlinkSync(join(dir, 'missing.yaml'), join(dir, 'dangling.yaml'));
    symlinkSync(join(dir, 'k8s', 'deploy.yaml'), join(dir, 'alias.yaml'));
    const { files, unknowns } = await walk(dir);
    expect(files.map((f) => f.rel)).toEqual(['k8s/deploy.yaml']);
    expect(unknowns.map((u) => `${u.subject}: ${u.reason}`)).toEqual([
      'dangling.yaml: dangling symlink; skipped',
      'escape: symlink points outside the repository; not followed',
      'k8s/loop: symlink loop (points at one of its own parent directories); not followed',
      'self-a: symlink loop; not followed',
      'self-b: symlink loop; not followed',
    ]);
    const d = await discover(dir);
    expect(d.workloads.map((w) => w.name)).toEqual(['api']);
  });
});

describe('discover never crashes on hostile files', () => {
  it('skips binary, non-UTF-8, huge, invalid and templated YAML with the reason', async () => {
    const dir = tempRepo({
      'ok.yaml': DEPLOYMENT('api'),
      'bin.yaml': Buffer.from([0x00, 0x01, 0x02, 0xff, 0x00]),
      'latin1.yaml': Buffer.from('name: caf\xe9\n', 'latin1'),
      'broken.yaml': 'a: [1, 2\nb: c\n',
      'tpl.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name }}\n',
      'dupe.yaml': 'a: 1\na: 2\n',
      'multi.yaml': `${DEPLOYMENT('first')}---\nkey: [unclosed\n---\n${DEPLOYMENT('third')}`,
    });
    writeFileSync(join(dir, 'huge.yaml'), `# ${'x'.repeat(3 * 1024 * 1024)}\n`);
    mkdirSync(join(dir, 'empty-dir'));
    const d = await discover(dir);
    expect(d.workloads.map((w) => w.name).sort()).toEqual(['api', 'first', 'third']);
    expect(d.unknowns.map((u) => `${u.at?.file}:${u.at?.line} ${u.reason.split(':')[0]}`)).toEqual([
      'bin.yaml:1 binary file (NUL bytes); skipped',
      'broken.yaml:2 invalid YAML at broken.yaml',
      'dupe.yaml:2 invalid YAML at dupe.yaml',
      'huge.yaml:1 file too large to read (3145731 bytes > 2097152); skipped',
      'latin1.yaml:1 not valid UTF-8 text; skipped',
      'multi.yaml:20 invalid YAML at multi.yaml',
      'tpl.yaml:4 templated YAML (contains {{ }} or {% %}); not rendered, skipped',
    ]);
  });

  it('refuses a missing root or a file as root with exit-2 errors', async () => {
    await expect(discover('/nonexistent/rollbook-root')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const dir = tempRepo({ 'f.yaml': 'a: 1' });
    await expect(discover(join(dir, 'f.yaml'))).rejects.toMatchObject({ code: 'NOT_A_DIRECTORY' });
  });
});

describe('parseYaml skips documents nothing reads', () => {
  it('keeps ConfigMap names (for kustomize renames) and Services (Knative and core), drops Ingresses, keeps lines', async () => {
    const { parseYaml } = await import('../../src/readers/discovery/yaml.js');
    const text = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: api
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
data:
  A: "1"
---
apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: run
---
apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  selector: { app: api }
`;
    const r = parseYaml('m.yaml', text);
    expect(r.docs.map((d) => [d.index, d.value, d.line, d.at(['metadata', 'name']).line])).toEqual([
      [1, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' } }, 7, 7],
      [2, { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'run' } }, 14, 17],
      [
        3,
        { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api' }, spec: { selector: { app: 'api' } } },
        19,
        22,
      ],
    ]);
    expect(r.skipped).toEqual(['Ingress']);
  });
});
