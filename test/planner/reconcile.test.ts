/**
 * The reconcile step appears only when a finding says the previous version cannot (or may not) read
 * what the new one wrote, names each item with its evidence and has a check; with no such finding the
 * rollback of a stateful workload still takes and verifies the backup before the app step, and has no
 * data step. A database image whose version the release changed: same Postgres major = nothing; a new
 * major, or any new version of a store that upgrades its files on start = said to be unknown.
 */
import { describe, expect, it } from 'vitest';
import { analyze, plan } from '../../src/index.js';
import type { Finding } from '../../src/model/finding.js';
import type { Plan } from '../../src/model/plan.js';
import type { Release, ValueChange } from '../../src/model/release.js';
import type { Service } from '../../src/model/service.js';
import { GATE_IDS } from '../../src/planner/index.js';
import { service, workload } from '../platforms/helpers.js';

function release(valueChanges: ValueChange[]): Release {
  return {
    from: {
      ref: 'HEAD',
      commit: 'c'.repeat(40),
      short: 'ccccccc',
      chosen: 'head',
      how: 'HEAD',
      tag: 'v1.1.0',
    },
    to: { ref: 'v1.0.0', commit: 'a'.repeat(40), short: 'aaaaaaa', chosen: 'previous-tag', how: 'tag' },
    scoped: true,
    changes: [],
    otherFiles: 0,
    uncommitted: [],
    shallow: false,
    targetSchema: [],
    summary: '',
    ...(valueChanges.length ? { valueChanges } : {}),
  };
}

const TAG = { file: 'values.yaml', line: 3 };

/** A database StatefulSet whose image tag is set at values.yaml:3, the release changing it before → after. */
function dbService(engine: string, change?: [string, string], scoped = true): Service {
  const svc = service({
    name: 'db',
    deploy: { platform: 'kubernetes', manifests: [], workload: 'statefulset/db', namespace: 'data' },
    workloads: [
      workload('kubernetes', {
        kind: 'StatefulSet',
        name: 'db',
        namespace: 'data',
        state: [
          { kind: 'volume-claim-template', name: 'data', at: { file: 'templates/sts.yaml', line: 40 } },
          { kind: 'data-image', name: `docker.io/library/${engine}`, engine, at: TAG },
        ],
      }),
    ],
  });
  if (scoped)
    svc.release = release(change ? [{ ...TAG, key: 'tag', before: change[0], after: change[1] }] : []);
  return svc;
}

const ordersService = () =>
  service({
    name: 'orders',
    deploy: { platform: 'kubernetes', manifests: [], workload: 'deployment/orders', namespace: 'shop' },
  });

const step = (p: Plan, id: string) => p.runbook.find((s) => s.id === id);
const texts = (p: Plan, id: string) => step(p, id)?.commands.map((c) => c.manual ?? '') ?? [];
const designOf = (svc: Service, extra: Finding[] = []) => plan(svc, [...analyze(svc), ...extra]);

describe('the reconcile step appears only when a finding calls for it', () => {
  it.each([
    ['postgres, a minor update (16.4 → 16.6): the on-disk format is the same', 'postgres', ['16.4', '16.6']],
    ['postgres, the image unchanged by the release', 'postgres', undefined],
    ['redis with a volume, the image unchanged', 'redis', undefined],
  ] as const)('%s: no data step; the backup is verified before the app step', (_name, engine, change) => {
    const p = designOf(dbService(engine, change as [string, string] | undefined));
    expect(p.risk).toBe('high');
    expect(p.trigger.oneCommand).toBe(false);
    expect(p.runbook.filter((s) => s.touchesData)).toEqual([]);
    expect(step(p, 'take-backup')).toBeDefined();
    const app = p.runbook.find((s) => s.commands.some((c) => c.argv.includes('rollout')));
    expect(app?.requiresGates).toContain(GATE_IDS.backup);
    expect(p.gates.map((g) => g.id)).not.toContain(GATE_IDS.dataVerified);
  });

  it.each([
    [
      'postgres, a new major (15.8 → 16.6)',
      'postgres',
      ['15.8', '16.6'],
      'postgres image docker.io/library/postgres goes back from 16.6 to 15.8 (values.yaml:3): a new PostgreSQL major (15.8 → 16.6) cannot use the older data directory until pg_upgrade runs',
      'cat "$PGDATA/PG_VERSION"',
    ],
    [
      'mysql, a patch update (8.0.36 → 8.0.40): MySQL upgrades its data dictionary on start',
      'mysql',
      ['8.0.36', '8.0.40'],
      'mysql image docker.io/library/mysql goes back from 8.0.40 to 8.0.36 (values.yaml:3): MySQL upgrades its data dictionary',
      'starts on the current data',
    ],
  ] as const)(
    '%s: a data step saying it is unknown, with its evidence and a check',
    (_n, engine, change, action, check) => {
      const p = designOf(dbService(engine, [...change] as [string, string]));
      const s = step(p, 'reconcile-data');
      expect(s?.touchesData).toBe(true);
      expect(s?.title).toMatch(/^Find out whether the previous version can read what the new one wrote: /);
      expect(texts(p, 'reconcile-data').join('\n')).toContain(`UNKNOWN — ${action}`);
      expect(s?.check.expect).toContain(check);
      expect(s?.check.manual).toBe(true);
      expect(s?.requiresGates).toEqual(expect.arrayContaining([GATE_IDS.backup, GATE_IDS.dataVerified]));
      // before the app step
      const app = p.runbook.findIndex((x) => x.commands.some((c) => c.argv.includes('rollout')));
      expect(p.runbook.indexOf(s!)).toBeLessThan(app);
    },
  );

  it('no release window: the format of the data is unknown, and the step says what would tell', () => {
    const p = designOf(dbService('postgres', undefined, false));
    expect(texts(p, 'reconcile-data').join('\n')).toContain(
      'UNKNOWN — postgres image docker.io/library/postgres (values.yaml:3): no release window, so rollbook cannot tell whether the new version changed its version.',
    );
  });

  it('a dual write: the watermark is recorded at the backup step and the reconcile job runs after the app rollback', () => {
    const svc = service({
      name: 'orders',
      deploy: { platform: 'kubernetes', manifests: [], workload: 'deployment/orders', namespace: 'shop' },
      writes: [
        {
          store: 'dynamodb://orders-v2',
          dualWrite: true,
          external: false,
          at: { file: 'rollbook.yaml', line: 12 },
        },
      ],
    });
    const p = designOf(svc);
    expect(step(p, 'reconcile-data')).toBeUndefined();
    expect(texts(p, 'take-backup').join('\n')).toContain(
      'Record the write watermark of dynamodb://orders-v2',
    );
    const after = step(p, 'reconcile-data-after-rollback');
    expect(after?.title).toBe('After the rollback: reconcile dynamodb://orders-v2');
    expect(texts(p, 'reconcile-data-after-rollback')).toEqual([
      'dynamodb://orders-v2 (rollbook.yaml:12) stops receiving the writes the new version dual-wrote once the previous version runs: run the reconcile job from the source of truth into dynamodb://orders-v2 for everything after the watermark recorded at the backup step. [dual-write]',
    ]);
    expect(after?.check.expect).toContain('row counts and per-day checksums of dynamodb://orders-v2');
    const ids = p.runbook.map((s) => s.id);
    expect(ids.indexOf('reconcile-data-after-rollback')).toBeGreaterThan(
      p.runbook.findIndex((s) => s.commands.some((c) => c.argv.includes('rollout'))),
    );
  });

  it('a new enum value the previous version may meet: named with its migration file:line', () => {
    const svc = ordersService();
    const enumAdd: Finding = {
      rule: 'enum-add-value',
      kind: 'schema',
      severity: 'warning',
      subject: 'order_status.refunded',
      message: "ALTER TYPE order_status ADD VALUE 'refunded' is one-way",
      evidence: [{ file: 'db/migrations/0007_refunded.up.sql', line: 1 }],
      appRollbackSafe: null,
      revertLossless: false,
      mitigation: 'treat it as one-way',
      touchesData: true,
      migration: '0007',
    };
    const p = designOf(svc, [enumAdd]);
    expect(texts(p, 'reconcile-data')).toEqual([
      'Rows the new version wrote with enum value order_status.refunded (db/migrations/0007_refunded.up.sql:1): the previous version may not handle a value it does not know. Count them in the columns of that type; map them to a value the previous version knows, or confirm it reads them without failing. [enum-add-value]',
    ]);
    expect(step(p, 'reconcile-data')?.title).toBe(
      "Reconcile what the previous version cannot read of the new one's data: order_status.refunded",
    );
  });

  it('a lossy down makes no reconcile step; a CRD in templates gets a restore check after the rollback', () => {
    const svc = ordersService();
    const lossy: Finding = {
      rule: 'crds-in-templates',
      kind: 'config',
      severity: 'error',
      subject: 'orders CustomResourceDefinition/routes.acme.io',
      message: 'CRD in templates',
      evidence: [{ file: 'chart/templates/crd.yaml', line: 2 }],
      appRollbackSafe: null,
      revertLossless: false,
      mitigation: 'move it to crds/',
      touchesData: true,
    };
    const p = designOf(svc, [
      lossy,
      { ...lossy, rule: 'lossy-down', subject: 'orders.notes', kind: 'schema' },
    ]);
    expect(step(p, 'reconcile-data')).toBeUndefined();
    expect(step(p, 'reconcile-data-after-rollback')?.title).toBe(
      'After the rollback: reconcile orders CustomResourceDefinition/routes.acme.io',
    );
  });
});
