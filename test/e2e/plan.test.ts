import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planJsonSchema } from '../../src/renderers/plan-schema.js';
import { bin, cli, EXAMPLES, ROOT, tempDir } from '../helpers/cli.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe.each(EXAMPLES)('rollbook plan examples/%s', (example) => {
  const dir = join('examples', example);

  it('renders Markdown deterministically, byte for byte, from the real binary', () => {
    const a = bin(['plan', dir]);
    const b = bin(['plan', dir]);
    expect(a.stderr).toBe('');
    expect([0, 1]).toContain(a.code);
    expect(b.stdout).toBe(a.stdout);
    expect(a.stdout).toContain(`# Rollback design: ${example}`);
    expect(a.stdout).not.toContain(ROOT);
    expect(a.stdout).toMatchSnapshot();
  });

  it('emits JSON that matches the published schema', async () => {
    const r = await cli(['plan', dir, '--format', 'json']);
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
    const r = await cli(['plan', dir, '--out', out]);
    expect(r.stdout).toBe('');
    const direct = await cli(['plan', dir]);
    expect(r.code).toBe(direct.code);
    expect(readFileSync(out, 'utf8')).toBe(direct.stdout);
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
  it('prints help with exit 0 and unknown commands with exit 2', async () => {
    expect((await cli(['--help'])).code).toBe(0);
    expect((await cli(['rollback-now'])).code).toBe(2);
  });
});
