/** A realistic check report (built by hand, as the library returns it) for the renderer tests. */
import { DIRECTIVE_RULES } from '../../src/check/policy.js';
import type { CheckFinding, CheckReport } from '../../src/model/check.js';
import { RULES } from '../../src/rules/index.js';

const metas = [...RULES.map((r) => r.meta), ...DIRECTIVE_RULES].sort((a, b) =>
  a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
);

const dropColumn: CheckFinding = {
  rule: 'drop-column',
  kind: 'schema',
  severity: 'error',
  subject: 'orders.total',
  message:
    'DROP COLUMN orders.total: the previous app version still uses it, and its values are gone for good.',
  evidence: [
    {
      file: 'db/migrations/0043_drop_total.up.sql',
      line: 2,
      col: 1,
      note: 'ALTER TABLE orders DROP COLUMN total',
    },
  ],
  appRollbackSafe: false,
  revertLossless: false,
  mitigation:
    'Contract later: stop reading and writing orders.total in the app, release, wait out the rollback window, then drop it in a later migration.',
  touchesData: true,
  migration: '0043',
  previousVersion: {
    identifier: 'total',
    commit: 'a'.repeat(40),
    uses: [
      {
        file: 'internal/orders/repo.go',
        line: 42,
        note: 'rows.Scan(&o.ID, &o.Total) // SELECT id, total FROM orders',
      },
    ],
    total: 1,
    note: '`total` is read in internal/orders/repo.go:42 at the base: the previous version fails on the new schema.',
    confidence: 'high',
  },
};

const mutableTag: CheckFinding = {
  rule: 'mutable-image-tag',
  kind: 'artifact',
  severity: 'warning',
  subject: 'shop/deployment/checkout-api',
  message:
    'ghcr.io/acme/checkout-api:latest: moving tag :latest; rolling back to this revision may pull the same new image',
  evidence: [{ file: 'deploy/k8s/deployment.yaml', line: 19, col: 18 }],
  appRollbackSafe: false,
  revertLossless: true,
  mitigation:
    'Pin ghcr.io/acme/checkout-api by commit SHA or digest in deploy/k8s/deployment.yaml, written by the pipeline on each deploy.',
  touchesData: false,
};

export function sampleReport(overrides: Partial<CheckReport> = {}): CheckReport {
  return {
    base: {
      ref: 'origin/main',
      how: 'merge-base with origin/HEAD',
      commit: 'b'.repeat(40),
      mergeBase: 'a'.repeat(40),
    },
    head: 'c'.repeat(40),
    pathPrefix: '',
    changes: [
      { file: 'db/migrations/0043_drop_total.up.sql', status: 'added', kind: 'migration' },
      { file: 'deploy/k8s/deployment.yaml', status: 'modified', kind: 'manifest' },
    ],
    findings: [dropColumn, mutableTag],
    ignored: [
      {
        finding: {
          ...dropColumn,
          subject: 'orders.legacy_note',
          evidence: [{ file: 'db/migrations/0043_drop_total.up.sql', line: 5, col: 1 }],
          previousVersion: undefined,
        },
        by: { file: 'db/migrations/0043_drop_total.up.sql', line: 4, col: 1 },
        reason: 'column unused since 2026-09',
      },
    ],
    rules: metas,
    unknowns: [],
    outcome: 'fail',
    summary: { error: 1, warning: 1, info: 0, ignored: 1, files: 2 },
    ...overrides,
  };
}
