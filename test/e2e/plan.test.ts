import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planJsonSchema } from '../../src/renderers/plan-schema.js';
import { bin, cleanupExampleRepos, cli, EXAMPLES, exampleRepo, ROOT, tempDir } from '../helpers/cli.js';

const tmp = tempDir();
afterAll(() => {
  tmp.cleanup();
  cleanupExampleRepos();
});

// Each example is planned in a copy with a git history (v1.0.0 → v1.1.0 = HEAD), so the design is
// about a real release window, deterministically (fixed commit dates and authors).
describe.each(EXAMPLES)('rollbook plan examples/%s', (example) => {
  let repo = '';
  beforeAll(async () => {
    repo = await exampleRepo(example);
  });

  it('renders Markdown deterministically, byte for byte, from the real binary', () => {
    const a = bin(['plan', '.'], repo);
    const b = bin(['plan', '.'], repo);
    expect(a.stderr).toBe('');
    expect([0, 1]).toContain(a.code);
    expect(b.stdout).toBe(a.stdout);
    expect(a.stdout).toContain(`# Rollback design: ${example}`);
    expect(a.stdout).toMatch(
      /^\*\*Rolling back [0-9a-f]{7} \(HEAD\) → v1\.0\.0 \([0-9a-f]{7}\): 1 commit, /m,
    );
    expect(a.stdout).not.toContain(ROOT);
    expect(a.stdout).not.toContain(repo);
    expect(a.stdout).toMatchSnapshot();
  });

  it('emits JSON that matches the published schema', async () => {
    const r = await cli(['plan', '.', '--format', 'json'], repo);
    const doc = JSON.parse(r.stdout);
    const parsed = planJsonSchema.safeParse(doc);
    expect(
      parsed.success,
      parsed.success ? '' : JSON.stringify(parsed.error.issues.slice(0, 5), null, 2),
    ).toBe(true);
    expect(Object.keys(doc)).toEqual(
      expect.arrayContaining([
        'service',
        'trigger',
        'hazards',
        'runbook',
        'gates',
        'verification',
        'comms',
        'estimate',
        'risk',
        'unknowns',
      ]),
    );
    expect(doc).toMatchSnapshot();
  });

  it('writes --out atomically and returns the same exit code', async () => {
    const out = join(tmp.dir, `${example}.md`);
    const r = await cli(['plan', '.', '--out', out], repo);
    expect(r.stdout).toBe('');
    const direct = await cli(['plan', '.'], repo);
    expect(r.code).toBe(direct.code);
    expect(readFileSync(out, 'utf8')).toBe(direct.stdout);
  });
});

describe('plan on damaged repositories', () => {
  it('a migration that does not parse becomes a located unknown, not a crash', async () => {
    const dir = join(tmp.dir, 'bad-sql');
    cpSync(join(ROOT, 'examples/checkout-api'), dir, { recursive: true });
    writeFileSync(join(dir, 'db/migrations/000005_bad.up.sql'), 'ALTER TABLE orders DROP COLUMN;\n');
    const r = await cli(['plan', dir, '--format', 'json']);
    expect(r.code).toBe(1);
    const unknown = JSON.parse(r.stdout).unknowns.find(
      (u: { subject: string }) => u.subject === 'migration 000005 (up)',
    );
    expect(unknown).toMatchObject({ at: { file: 'db/migrations/000005_bad.up.sql', line: 1 } });
    expect(unknown.reason).toContain('could not parse');
  });
});

describe('every command names a bad directory the same way', () => {
  const commands = [
    ['plan'],
    ['discover'],
    ['init'],
    ['migrations', 'analyze'],
    ['migrations', 'verify'],
    ['gates'],
  ];
  it.each(commands)('%s %s: missing directory and a file given as directory', async (...cmd) => {
    const extra = cmd[0] === 'gates' ? ['--from', 'HEAD', '--to', 'HEAD'] : [];
    const missing = await cli([...cmd, 'no/such/dir', ...extra]);
    expect([missing.code, missing.stderr.split('\n')[0]]).toEqual([
      2,
      'rollbook: directory not found: no/such/dir',
    ]);
    const file = await cli([...cmd, 'README.md', ...extra]);
    expect([file.code, file.stderr.split('\n')[0]]).toEqual([2, 'rollbook: not a directory: README.md']);
    const two = await cli([...cmd, 'examples/checkout-api', 'examples/catalog-web', ...extra]);
    expect([two.code, two.stderr.split('\n')[0]]).toEqual([
      2,
      'rollbook: expected at most one directory; got 2 arguments',
    ]);
    const help = await cli([...cmd, '--help']);
    expect([help.code, help.stdout.startsWith(`Usage: rollbook ${cmd.join(' ')}`)]).toEqual([0, true]);
  });
});

describe('plan usage errors', () => {
  it('rejects an unknown format with exit 2', async () => {
    const r = await cli(['plan', 'examples/checkout-api', '--format', 'pdf']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--format must be one of');
  });
  it('rejects an unknown option with exit 2', async () => {
    const r = await cli(['plan', 'examples/checkout-api', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Unknown option '--bogus'/);
  });
  it('leaves nothing half-written when --out cannot be written', async () => {
    const r = await cli(['plan', 'examples/checkout-api', '--out', join(tmp.dir, 'no/such/dir/plan.md')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot write');
  });
  it('asks for --workload when a repository holds several, and plans the chosen one', async () => {
    const r = await cli(['plan', 'fixtures/repos/shop-monorepo']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('holds 6 workloads');
    expect(r.stderr).toContain(
      'rollbook plan fixtures/repos/shop-monorepo --workload deployment/checkout-api',
    );
    const ok = await cli([
      'plan',
      'fixtures/repos/shop-monorepo',
      '--workload',
      'shop/deployment/checkout-api',
    ]);
    expect(ok.stdout).toContain('# Rollback design: checkout-api');
    expect(ok.stdout).toContain('argocd app set checkout-production --sync-policy none');
  });
  it('rejects extra arguments with exit 2', async () => {
    const r = await cli(['plan', 'examples/checkout-api', 'examples/catalog-web']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('expected at most one directory; got 2 arguments');
  });
  it('prints help with exit 0 and unknown commands with exit 2', async () => {
    expect((await cli(['--help'])).code).toBe(0);
    expect((await cli(['rollback-now'])).code).toBe(2);
  });
});

describe('what the examples conclude', () => {
  async function json(example: string) {
    return JSON.parse((await cli(['plan', `examples/${example}`, '--format', 'json'])).stdout);
  }
  it('checkout-api: high risk (migrations), schema step before the app, stricter authority', async () => {
    const p = await json('checkout-api');
    expect(p.risk).toBe('high');
    expect(p.trigger.oneCommand).toBe(false);
    expect(p.trigger.authorized).toEqual(['incident-commander', 'database-owner']);
    const ids = p.runbook.map((s: { id: string }) => s.id);
    expect(ids.indexOf('revert-schema-first')).toBeLessThan(ids.indexOf('rollout-undo'));
    expect(p.hazards.map((h: { id: string }) => h.id)).toEqual(
      expect.arrayContaining(['rename-column', 'add-required-column']),
    );
  });
  it('catalog-web: low risk, one command (helm rollback)', async () => {
    const p = await json('catalog-web');
    expect(p.risk).toBe('low');
    expect(p.trigger.oneCommand).toBe(true);
    expect(p.trigger.command).toMatch(/^helm rollback .* -- catalog-web /);
  });
  it('orders-worker: high risk (dual write), queue protection before the rollback, mutable tag fails the artifact gate', async () => {
    const p = await json('orders-worker');
    expect(p.risk).toBe('high');
    expect(p.runbook.map((s: { id: string }) => s.id)).toContain('protect-queues');
    expect(p.gates.find((g: { id: string }) => g.id === 'target-artifact-pullable').status).toBe('fail');
  });
  it('storefront: stateless but not a one-liner (Argo CD automated sync)', async () => {
    const p = await json('storefront');
    expect(p.risk).toBe('low');
    expect(p.trigger.oneCommand).toBe(false);
    expect(
      p.runbook.some((s: { commands: { shell?: string }[] }) =>
        s.commands.some((c) => c.shell?.includes('--sync-policy none')),
      ),
    ).toBe(true);
  });
  it('together they exercise every hazard kind', async () => {
    const kinds = new Set<string>();
    for (const e of EXAMPLES) for (const h of (await json(e)).hazards) kinds.add(h.kind);
    expect([...kinds].sort()).toEqual([
      'artifact',
      'cache',
      'config',
      'data',
      'dependency',
      'external',
      'flag',
      'queue',
      'schema',
    ]);
  });
});
