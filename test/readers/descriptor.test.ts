import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/readers/descriptor.js';
import { loadService } from '../../src/readers/load-service.js';
import { cli, ROOT, tempDir } from '../helpers/cli.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

let n = 0;
/** A service directory holding one rollbook.yaml with the given bytes. */
function repo(content: string | Buffer): string {
  const dir = join(tmp.dir, `svc${n++}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'rollbook.yaml'), content);
  return dir;
}

async function planErr(dir: string) {
  const r = await cli(['plan', dir]);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  return r.stderr;
}

describe('rollbook.yaml reader', () => {
  it('reads the checkout-api example with evidence for every object', async () => {
    const s = await loadService(join(ROOT, 'examples/checkout-api'));
    expect(s.name).toBe('checkout-api');
    expect(s.deploy).toMatchObject({
      platform: 'kubernetes',
      workload: 'deployment/checkout-api',
      namespace: 'shop',
    });
    expect(s.caches.map((c) => [c.name, c.keyVersioned, c.ttlSeconds, c.at?.line])).toEqual([
      ['sessions', false, 3600, 19],
      ['price-quotes', true, 600, 20],
    ]);
    expect(s.queues[0]).toMatchObject({
      name: 'orders',
      compatibility: 'BACKWARD',
      role: 'producer',
      at: { file: 'rollbook.yaml', line: 22 },
    });
    expect(s.flags.filter((f) => f.at?.file === 'rollbook.yaml')).toEqual([
      {
        key: 'new-checkout-flow',
        provider: 'flagd',
        killSwitch: true,
        at: { file: 'rollbook.yaml', line: 17, col: 65 },
      },
    ]);
    expect(s.signals.map((x) => [x.name, x.threshold, x.forSeconds])).toEqual([
      ['error-ratio', 0.02, 300],
      ['latency-p99', 0.5, 300],
    ]);
    expect(s.history.pastRollbacks.map((p) => p.minutes)).toEqual([47, 35]);
  });

  it('parses durations', () => {
    expect(parseDuration('5m')).toBe(300);
    expect(parseDuration('1h30m')).toBe(5400);
    expect(parseDuration('250ms')).toBe(0);
    expect(parseDuration('5 minutes')).toBeUndefined();
    expect(parseDuration(undefined)).toBeUndefined();
  });

  it('reports malformed YAML with file:line:col', async () => {
    const err = await planErr(repo('version: 1\nservice: x\ndeploy:\n  platform: [kubernetes\n'));
    expect(err).toMatch(/^rollbook: rollbook\.yaml:\d+:\d+: /m);
    expect(err).toMatchSnapshot();
  });

  it('reports every schema problem at once, with path and what was expected', async () => {
    const err = await planErr(
      repo(
        [
          'version: 1',
          'service: checkout',
          'deploy:',
          '  platform: kubernetess',
          'state:',
          '  caches:',
          '    - { name: s, store: redis, keyVersioned: "no" }',
          'signals:',
          '  - { name: e, threshold: high, for: 5 minutes }',
          'rollbakc: {}',
        ].join('\n'),
      ),
    );
    const lines = err.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('rollbook: rollbook.yaml:'))).toHaveLength(5);
    expect(err).toContain('rollbook.yaml:4:13: deploy.platform: ');
    expect(err).toContain('expected one of "kubernetes"|"helm"');
    expect(err).toContain('rollbook.yaml:7:46: state.caches[0].keyVersioned:');
    expect(err).toContain('rollbook.yaml:9:27: signals[0].threshold:');
    expect(err).toContain('rollbook.yaml:9:38: signals[0].for:');
    expect(err).toContain('rollbook.yaml:10:1: rollbakc: unknown field "rollbakc"');
    expect(err).toMatchSnapshot();
  });

  it('reports missing required fields at the document', async () => {
    const err = await planErr(repo('owners: [a]\n'));
    expect(err).toContain('rollbook.yaml:1:1: version: required field is missing');
    expect(err).toContain('rollbook.yaml:1:1: service: required field is missing');
  });

  it('rejects a document that is not a mapping', async () => {
    expect(await planErr(repo('- just\n- a list\n'))).toContain('expected a mapping');
    expect(await planErr(repo(''))).toContain('expected a mapping');
  });

  it('stops a YAML alias bomb quickly', async () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      lines.push(
        `${cur}: &${cur} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]`,
      );
    }
    const t0 = performance.now();
    const err = await planErr(repo(`version: 1\nservice: bomb\n${lines.join('\n')}\n`));
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(err).toMatch(/alias/i);
  });

  it('rejects duplicate keys', async () => {
    expect(await planErr(repo('version: 1\nservice: a\nservice: b\n'))).toMatch(
      /rollbook\.yaml:3:1: .*unique/i,
    );
  });

  it('rejects a binary file', async () => {
    expect(await planErr(repo(Buffer.from([0x76, 0x3a, 0x20, 0x31, 0x0a, 0x00, 0x01, 0x02])))).toContain(
      'rollbook.yaml:2:1: binary file',
    );
  });

  it('rejects a file that is not UTF-8, pointing at the bad byte', async () => {
    const latin1 = Buffer.concat([
      Buffer.from('version: 1\nservice: caf'),
      Buffer.from([0xe9]),
      Buffer.from('\n'),
    ]);
    expect(await planErr(repo(latin1))).toContain('rollbook.yaml:2:13: file is not valid UTF-8');
  });

  it('rejects a missing directory and a file given as directory', async () => {
    expect(await planErr(join(tmp.dir, 'does-not-exist'))).toContain('directory not found');
    const f = join(tmp.dir, 'plain-file');
    writeFileSync(f, 'x');
    expect(await planErr(f)).toContain('not a directory');
  });

  it('rejects a rollbook.yaml that is a directory or a dangling symlink', async () => {
    const d = join(tmp.dir, 'dir-descriptor');
    mkdirSync(join(d, 'rollbook.yaml'), { recursive: true });
    expect(await planErr(d)).toContain('is a directory');
    const l = join(tmp.dir, 'dangling');
    mkdirSync(l);
    symlinkSync(join(tmp.dir, 'nowhere.yaml'), join(l, 'rollbook.yaml'));
    expect(await planErr(l)).toContain('rollbook.yaml');
  });

  it('shows the stack only with --debug', async () => {
    const dir = repo('version: 2\nservice: x\n');
    const plain = await cli(['plan', dir]);
    const debug = await cli(['plan', dir, '--debug']);
    expect(plain.stderr).not.toContain('RollbookError');
    expect(debug.stderr).toContain('RollbookError');
    expect(debug.code).toBe(2);
  });

  it('rejects hostile service names that are not text, but keeps odd names as data', async () => {
    const s = await loadService(repo('version: 1\nservice: "x\'; rm -rf / #$(touch PWNED)"\n'));
    expect(s.name).toBe("x'; rm -rf / #$(touch PWNED)");
  });
});
