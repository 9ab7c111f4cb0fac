import fc from 'fast-check';
import { type Finding, HAZARD_KINDS } from '../../src/model/finding.js';
import { type MigrationSet, PLATFORM_IDS, type Service, type Workload } from '../../src/model/service.js';
import { emptyService } from '../../src/readers/service-base.js';

const word = fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/);
/** Any text, including what an attacker would put into a YAML value. */
const text = fc.oneof(
  word,
  fc.string({ maxLength: 30 }),
  fc.constantFrom('$(touch PWNED)', '`id`', 'a\'b"c', 'x\ny', '; rm -rf /'),
);
const at = fc.record({
  file: fc.constantFrom('rollbook.yaml', 'deploy/k8s/app.yaml', 'db/migrations/1.up.sql'),
  line: fc.integer({ min: 1, max: 500 }),
});

const migrationSet: fc.Arbitrary<MigrationSet> = fc.record({
  tool: fc.constantFrom(
    'golang-migrate',
    'dbmate',
    'goose',
    'flyway',
    'sqitch',
    'prisma',
    'diesel',
    'liquibase',
    'plain',
    'unknown',
  ),
  path: fc.constantFrom('db/migrations', 'migrations', ''),
  database: fc.constantFrom('postgres', 'mysql', ''),
  migrations: fc.array(
    fc.record({
      version: fc.integer({ min: 1, max: 999 }).map(String),
      name: word,
      at: at.map((a) => ({ ...a })),
    }),
    { maxLength: 4 },
  ),
  skipped: fc.constant([]),
});

const finding: fc.Arbitrary<Finding> = fc.record({
  rule: word,
  kind: fc.constantFrom(...HAZARD_KINDS),
  severity: fc.constantFrom('error', 'warning', 'info'),
  subject: text,
  message: text,
  evidence: fc.array(at, { minLength: 1, maxLength: 2 }),
  appRollbackSafe: fc.constantFrom(true, false, null),
  revertLossless: fc.constantFrom(true, false, null),
  mitigation: text.filter((s) => s.length > 0),
  touchesData: fc.boolean(),
});

function workloadFor(
  platform: (typeof PLATFORM_IDS)[number],
  name: string,
  replicas: number | undefined,
  history: number | undefined,
): Workload {
  const kind =
    platform === 'argo-rollouts' ? 'Rollout' : platform === 'kubernetes' ? 'Deployment' : 'Service';
  return {
    kind,
    name,
    platform,
    images: [{ ref: `ghcr.io/acme/${name}:1.0.0`, repository: `ghcr.io/acme/${name}`, tag: '1.0.0' }],
    settings: {
      ...(replicas !== undefined ? { replicas: { value: replicas } } : {}),
      ...(history !== undefined ? { revisionHistoryLimit: { value: history } } : {}),
    },
    config: [],
  };
}

export const serviceArb: fc.Arbitrary<{ service: Service; findings: Finding[] }> = fc
  .record({
    name: text.filter((s) => s.length > 0),
    platform: fc.option(fc.constantFrom(...PLATFORM_IDS), { nil: undefined }),
    withWorkload: fc.boolean(),
    replicas: fc.option(fc.integer({ min: 0, max: 200 }), { nil: undefined }),
    history: fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }),
    migrations: fc.array(migrationSet, { maxLength: 2 }),
    caches: fc.array(fc.record({ name: word, store: word, keyVersioned: fc.boolean() }), { maxLength: 2 }),
    writes: fc.array(fc.record({ store: word, dualWrite: fc.boolean(), external: fc.boolean() }), {
      maxLength: 2,
    }),
    killSwitches: fc.array(word, { maxLength: 2 }),
    signals: fc.array(
      fc.record({
        name: word,
        threshold: fc.double({ min: 0, max: 10, noNaN: true }),
        forSeconds: fc.integer({ min: 0, max: 3600 }),
      }),
      { maxLength: 3 },
    ),
    rollbackRoles: fc.array(word, { maxLength: 2 }),
    dataRoles: fc.array(word, { maxLength: 2 }),
    past: fc.array(
      fc.record({
        date: fc.constantFrom('2026-01-02', '2026-05-06'),
        minutes: fc.integer({ min: 1, max: 300 }),
      }),
      { maxLength: 3 },
    ),
    findings: fc.array(finding, { maxLength: 6 }),
  })
  .map((r) => {
    const s = emptyService('/repo', r.name);
    if (r.platform) {
      s.deploy.platform = r.platform;
      if (r.withWorkload) s.workloads = [workloadFor(r.platform, 'app', r.replicas, r.history)];
    }
    s.migrations = r.migrations;
    s.caches = r.caches;
    s.writes = r.writes;
    s.flags = r.killSwitches.map((key) => ({ key, provider: 'flagd', killSwitch: true }));
    s.signals = r.signals;
    s.roles = { rollback: r.rollbackRoles, dataRollback: r.dataRoles };
    s.history = { pastRollbacks: r.past };
    return { service: s, findings: r.findings };
  });
