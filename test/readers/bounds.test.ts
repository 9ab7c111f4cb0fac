import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RollbookError } from '../../src/errors.js';
import { parseYaml as parseDescriptorYaml } from '../../src/readers/descriptor.js';
import { parseYaml } from '../../src/readers/discovery/yaml.js';
import { planJsonSchema } from '../../src/renderers/plan-schema.js';
import { formatDuration } from '../../src/renderers/text.js';
import { cli } from '../helpers/cli.js';

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function repo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'rollbook-bounds-'));
  made.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

const deployment = (probe: string, replicas = '3') =>
  `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  replicas: ${replicas}
  template:
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:1.2.3
          readinessProbe:
            httpGet: { path: /healthz, port: 8080 }
${probe}
`;

describe('numbers are bounded at read time (exit 2, located); nothing renders Infinity or NaN', () => {
  it('a probe period of 1e308 or of a year is an input error at its line', async () => {
    for (const period of ['1e308', '31536000']) {
      const dir = repo({ 'deploy/api.yaml': deployment(`            periodSeconds: ${period}`) });
      const r = await cli(['plan', dir, '--format', 'json']);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(
        /^rollbook: deploy\/api\.yaml:15:\d+: readinessPeriodSeconds: .* is out of range \(expected a duration in seconds from 0 to 30 days/,
      );
    }
  });

  it('rollbook.yaml: a signal window of a million days is an input error at its line', async () => {
    const dir = repo({
      'rollbook.yaml':
        'version: 1\nservice: api\nsignals:\n  - { name: errors, threshold: 0.02, for: 1000000d }\n',
    });
    const r = await cli(['plan', dir, '--format', 'json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^rollbook: rollbook\.yaml:4:\d+: signals\.for: 86400000000 is out of range/);
  });

  it('at the edge of every range, every format is finite and the JSON matches its schema', async () => {
    const dir = repo({
      'deploy/api.yaml': deployment(
        '            periodSeconds: 2592000\n            failureThreshold: 100000\n            successThreshold: 100000\n            initialDelaySeconds: 2592000',
        '100000',
      ),
    });
    for (const format of ['md', 'json', 'html', 'sh']) {
      const r = await cli(['plan', dir, '--format', format]);
      expect(r.stderr).toBe('');
      expect(r.stdout).not.toMatch(/Infinity|NaN/);
      if (format === 'json') expect(planJsonSchema.safeParse(JSON.parse(r.stdout)).success).toBe(true);
    }
    expect(() => formatDuration(Number.POSITIVE_INFINITY)).toThrow(/non-finite/);
  });
});

/** The error a call throws, as code + first problem (file:line:col message). */
function thrown(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof RollbookError)) throw e;
    const p = e.problems[0];
    return `${e.code} ${p?.at?.file}:${p?.at?.line}:${p?.at?.col} ${p?.message}`;
  }
  return 'no error';
}

// YAML reads .inf, .nan and 1e999 as Infinity/NaN; the readers used to drop them for the default
// (replicas: .inf planned as 1 replica). They are located input errors (exit 2), like -1.
describe('non-finite numbers are input errors where they are written', () => {
  it.each([
    ['spec:\n  replicas: .inf\n', 'INVALID_NUMBER m.yaml:2:13 ".inf" is not a finite number'],
    ['a: [1, -.Inf]\n', 'INVALID_NUMBER m.yaml:1:8 "-.Inf" is not a finite number'],
    ['---\nx: 1\n---\nperiodSeconds: .NaN\n', 'INVALID_NUMBER m.yaml:4:16 ".NaN" is not a finite number'],
    ['{"spec": {"replicas": 1e999}}', 'INVALID_NUMBER m.yaml:1:23 "1e999" is not a finite number'],
    ['a: ".inf"\nb: 1e308\nc: inf\n', 'no error'],
  ])('discovery YAML %j', (text, expected) => {
    const p = parseYaml('m.yaml', text)
      .docs.flatMap((d) => d.nonFinite ?? [])
      .map((x) => `INVALID_NUMBER ${x.at?.file}:${x.at?.line}:${x.at?.col} ${x.message}`);
    expect(p[0] ?? 'no error').toBe(expected);
  });

  it('in a file a workload is read from: exit 2 at its line, not the default', async () => {
    const dir = repo({ 'deploy/api.yaml': deployment('            periodSeconds: 10', '.inf') });
    const r = await cli(['plan', dir, '--format', 'json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^rollbook: deploy\/api\.yaml:7:13: ".inf" is not a finite number/);
  });

  it.each([
    ['version: 1\nservice: s\nx: .nan\n', 'INVALID_NUMBER rollbook.yaml:3:4 ".nan" is not a finite number'],
    ['version: 1e999\nservice: s\n', 'INVALID_NUMBER rollbook.yaml:1:10 "1e999" is not a finite number'],
  ])('rollbook.yaml %j', (text, expected) => {
    expect(thrown(() => parseDescriptorYaml(text, 'rollbook.yaml'))).toBe(expected);
  });
});
