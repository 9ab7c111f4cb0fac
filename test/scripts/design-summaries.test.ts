/**
 * scripts/design-summaries.js: the closing note's design summary of each fixture, made by `rollbook plan`
 * on a throw-away git repository per fixture (v1.0.0, then a release change tagged v1.1.0).
 */
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
let blocks: string[] = [];

beforeAll(() => {
  const out = execFileSync(
    process.execPath,
    ['scripts/design-summaries.js', 'go-startup-migrator', 'ecs-service'],
    { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  expect(out).not.toContain(tmpdir());
  blocks = out.trimEnd().split('\n\n');
});

const line = (block: string, prefix: string) => block.split('\n').find((l) => l.startsWith(prefix));

describe('design summaries of the fixtures', () => {
  it('one block per workload, each with every part in order', () => {
    expect(blocks.map((b) => b.split('\n')[0])).toEqual([
      '## go-startup-migrator — deployment/accounts-api',
      '## ecs-service — ecsservice/payments-api',
    ]);
    for (const b of blocks) {
      const heads = b
        .split('\n')
        .filter((l) => !l.startsWith(' '))
        .map((l) => /^(## |[a-z ]+)/.exec(l)?.[1]);
      expect(heads).toEqual([
        '## ',
        'platform',
        'release',
        'risk',
        expect.stringMatching(/^(one|guided) command$/),
        'runbook',
        'estimate',
        'hazards ',
        'unknowns',
      ]);
    }
  });

  it('the release is scoped by the tags it built; the migration it added is crossed and makes the risk high', () => {
    const [go, ecs] = blocks as [string, string];
    expect(line(go, 'release:')).toBe(
      'release: v1.1.0 (HEAD) → v1.0.0; migrations crossed: 000003_last_login',
    );
    expect(line(go, 'risk:')).toMatch(
      /^risk: HIGH — touches data or migrations: .*startup-migration-blocks-rollback/,
    );
    expect(line(go, 'guided command:')).toBe(
      'guided command: rollbook plan . --from v1.1.0 --to v1.0.0 --format sh --out rollback.sh && bash rollback.sh',
    );
    expect(line(ecs, 'release:')).toBe('release: v1.1.0 (HEAD) → v1.0.0; migrations crossed: none');
    expect(line(ecs, 'risk:')).toBe('risk: low — application-only rollback; no hazard touches data');
    expect(line(ecs, 'one command:')).toMatch(
      /^one command: aws ecs update-service --cluster=payments-prod /,
    );
  });

  it('every duration driver is cited from its file:line or says it is a default and where the real value is', () => {
    const drivers = blocks.flatMap((b) => {
      const lines = b.split('\n');
      const from = lines.findIndex((l) => l.startsWith('estimate:'));
      const to = lines.findIndex((l) => l.startsWith('hazards '));
      return lines.slice(from + 1, to);
    });
    expect(drivers.length).toBeGreaterThan(10);
    for (const d of drivers) {
      expect(d).toMatch(/^ {2}\S.* = \S+ {2}\[(\w+)\] (\S+:\d+|default — .+)$/);
    }
    expect(drivers).toContain(
      '  container healthCheck.startPeriod = 30  [manifest] deploy/ecs/task-definition.fargate.json:19',
    );
    expect(drivers).toContain('  replicas = 3  [manifest] deploy/k8s/deployment.yaml:7');
  });

  it('hazards carry severity, id and evidence', () => {
    const go = blocks[0] ?? '';
    expect(go).toContain(
      '  error startup-migration-blocks-rollback — golang-migrate startup — cmd/server/main.go:28',
    );
    expect(line(go, 'unknowns:')).toMatch(/^unknowns: \d+$/);
  });
});
