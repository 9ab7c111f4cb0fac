/**
 * Hand-built Plan fixtures for the renderers: one low-risk stateless rollback, one high-risk rollback
 * with a data step behind backup and verification gates, and one with hostile values in every string.
 */
import type { Finding } from '../../src/model/finding.js';
import type { Check, Command, Plan } from '../../src/model/plan.js';
import { renderCommand } from '../../src/util/shell.js';

const ro = (...argv: Command['argv']): Command => ({ argv, readOnly: true });
const rw = (...argv: Command['argv']): Command => ({ argv, readOnly: false });
const HELM_ROLLBACK = rw(
  'helm',
  'rollback',
  'catalog-web',
  { var: 'REVISION' },
  '-n',
  'web',
  '--wait',
  '--timeout',
  '5m',
);

/** catalog-web-like: Helm chart, stateless, one command. */
export function lowRiskPlan(): Plan {
  return {
    window: {
      scoped: true,
      summary: 'Rolling back 3f2a1c0 (HEAD) → v1.4.0 (9b8c7d6): 4 commits, 0 migrations, 1 manifest',
      from: { ref: 'HEAD', commit: '3f2a1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b', how: 'HEAD on branch main' },
      to: {
        ref: 'v1.4.0',
        commit: '9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c',
        how: 'newest release tag reachable from HEAD (version-like tags, ordered as versions)',
      },
      commits: 4,
      crossedMigrations: [],
      targetSchema: [],
      changes: [
        {
          kind: 'manifest',
          file: 'chart/values.yaml',
          status: 'modified',
          at: { file: 'chart/values.yaml', line: 3 },
          summary: 'manifest changed: image',
          fields: ['image'],
        },
      ],
      uncommitted: [],
    },
    service: {
      name: 'catalog-web',
      platform: 'helm',
      workload: 'catalog-web',
      namespace: 'web',
      owners: ['team-storefront'],
      descriptor: 'rollbook.yaml',
    },
    risk: 'low',
    trigger: {
      criteria: [
        {
          signal: 'error-ratio',
          condition: 'error ratio > 0.02 for 5m',
          query: 'sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))',
          threshold: 0.02,
          forSeconds: 300,
          withinMinutesOfDeploy: 60,
          source: 'rollbook.yaml',
          at: { file: 'rollbook.yaml', line: 14 },
        },
      ],
      authorized: ['on-call-primary', 'incident-commander'],
      command: renderCommand(HELM_ROLLBACK),
      oneCommand: true,
      why: 'stateless Helm release: the previous revision restores the whole release',
    },
    hazards: [
      {
        rule: 'unversioned-config',
        kind: 'config',
        severity: 'warning',
        subject: 'configmap/catalog-web-config',
        message: 'ConfigMap catalog-web-config is not content-hashed: a rollback keeps the new config.',
        evidence: [{ file: 'chart/templates/deployment.yaml', line: 31 }],
        appRollbackSafe: true,
        revertLossless: true,
        mitigation: 'Add a checksum/config annotation so config rolls with the release.',
        touchesData: false,
      },
    ],
    runbook: [
      {
        id: 'helm-rollback',
        title: 'Roll the release back to the previous revision',
        commands: [
          rw(
            'helm',
            'rollback',
            'catalog-web',
            { var: 'REVISION' },
            '-n',
            'web',
            '--wait',
            '--timeout',
            '5m',
          ),
        ],
        expectedSeconds: 90,
        maxSeconds: 300,
        check: {
          command: ro('helm', 'status', 'catalog-web', '-n', 'web'),
          expect: 'STATUS: deployed',
          expectOutput: 'STATUS: deployed',
          timeoutSeconds: 30,
          retries: 3,
        },
        onFailure: 'Stop. Run `helm history catalog-web -n web` and page the release owner.',
        touchesData: false,
        requiresGates: ['history-retained'],
        durationBasis: '3 replicas, maxSurge 25%, readiness 10s, --timeout 5m',
      },
      {
        id: 'verify-rollout',
        title: 'Wait for the pods to be ready',
        commands: [
          ro('kubectl', 'rollout', 'status', 'deployment/catalog-web', '-n', 'web', '--timeout=300s'),
        ],
        expectedSeconds: 30,
        maxSeconds: 300,
        check: { expect: 'the storefront home page loads', timeoutSeconds: 60, retries: 0, manual: true },
        onFailure: 'Check pod events: `kubectl describe pods -n web -l app=catalog-web`.',
        touchesData: false,
        requiresGates: [],
      },
    ],
    gates: [
      {
        id: 'history-retained',
        title: 'A previous revision exists',
        kind: 'history',
        check: {
          command: ro('helm', 'history', 'catalog-web', '-n', 'web', '--max', '5'),
          expect: 'at least two revisions, the previous one "superseded"',
          expectOutput: 'superseded',
          timeoutSeconds: 20,
          retries: 1,
        },
        blocking: true,
        status: 'unknown',
        reason: 'needs cluster access',
      },
      {
        id: 'target-pullable',
        title: 'The target image can still be pulled',
        kind: 'artifact',
        check: {
          expect: 'the previous image tag exists in the registry',
          timeoutSeconds: 60,
          retries: 0,
          manual: true,
        },
        blocking: false,
        status: 'unknown',
      },
    ],
    verification: {
      sustainSeconds: 600,
      checks: [
        {
          command: ro('kubectl', 'rollout', 'status', 'deployment/catalog-web', '-n', 'web', '--timeout=60s'),
          expect: 'successfully rolled out',
          expectOutput: 'successfully rolled out',
          timeoutSeconds: 70,
          retries: 2,
        },
      ],
      signals: [
        {
          signal: 'error-ratio',
          condition: 'error ratio <= 0.02 for 10m',
          op: '<=',
          threshold: 0.02,
          holdSeconds: 600,
          source: 'rollbook.yaml',
        },
      ],
    },
    comms: {
      channel: '#inc-catalog',
      statusPage: true,
      cadenceMinutes: 30,
      dataLossStatement: 'No data loss: this rollback does not touch stored data.',
      updates: [
        {
          phase: 'identified',
          text: 'We have identified elevated errors on catalog-web after a deploy at [FILL IN: deploy time]. We are rolling back to the previous release. Next update in 30 minutes.',
          chat: 'catalog-web: rolling back the [FILL IN: deploy time] deploy (helm rollback). Next update in 30m.',
        },
        {
          phase: 'monitoring',
          text: 'The rollback of catalog-web is complete and error rates are recovering. We are monitoring for 10 minutes. No data loss: this rollback does not touch stored data.',
          chat: 'catalog-web: rollback done, monitoring 10m. No data loss.',
        },
        {
          phase: 'resolved',
          text: 'catalog-web is operating normally after the rollback. Impact: [FILL IN: customer impact]. No data loss: this rollback does not touch stored data.',
          chat: 'catalog-web: resolved. Impact: [FILL IN: customer impact].',
        },
      ],
    },
    estimate: {
      expectedSeconds: 120,
      maxSeconds: 600,
      drivers: [
        { name: 'replicas', value: '3', source: 'manifest', at: { file: 'chart/values.yaml', line: 4 } },
        { name: 'helm --timeout', value: '5m', source: 'default' },
      ],
      past: [
        { date: '2026-03-02', minutes: 47 },
        { date: '2026-07-19', minutes: 35 },
      ],
      pastMedianMinutes: 41,
      comparison: 'The designed path takes about 2 minutes; past rollbacks took a median of 41 minutes.',
    },
    unknowns: [],
    inputs: [
      {
        name: 'REVISION',
        description: 'Helm revision to roll back to (the last "superseded" one)',
        discover: ro('helm', 'history', 'catalog-web', '-n', 'web', '--max', '5'),
      },
    ],
  };
}

/** checkout-api-like: Kubernetes + Postgres migration that must be reverted; the data rule applies. */
export function highRiskPlan(): Plan {
  const dbCheck: Check = {
    command: ro('psql', { var: 'DATABASE_URL' }, '-Atc', 'select version from schema_migrations'),
    expect: 'schema version 41',
    expectOutput: '41',
    timeoutSeconds: 15,
    retries: 2,
  };
  const dropColumn: Finding = {
    rule: 'drop-column',
    kind: 'schema',
    severity: 'error',
    subject: 'orders.legacy_total',
    message: 'DROP COLUMN orders.legacy_total: the previous version still reads it.',
    evidence: [{ file: 'db/migrations/0042_drop_legacy_total.up.sql', line: 1 }],
    appRollbackSafe: false,
    revertLossless: false,
    mitigation: 'Stop reading the column first; drop it after the rollback window.',
    touchesData: true,
    migration: '0042',
  };
  return {
    window: {
      scoped: true,
      summary: 'Rolling back 5e6f7a8 (HEAD) → v2.14.0 (1a2b3c4): 12 commits, 1 migration, 1 flag change',
      from: { ref: 'HEAD', commit: '5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f', how: 'HEAD on branch main' },
      to: {
        ref: 'v2.14.0',
        commit: '1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b',
        how: 'newest release tag reachable from HEAD (version-like tags, ordered as versions)',
      },
      commits: 12,
      crossedMigrations: [
        {
          set: 'db/migrations',
          version: '0042',
          name: 'drop_legacy_total',
          at: { file: 'db/migrations/0042_drop_legacy_total.up.sql', line: 1 },
        },
      ],
      targetSchema: [
        {
          set: 'db/migrations',
          tool: 'golang-migrate',
          version: '0041',
          name: 'add_total_cents',
          at: { file: 'db/migrations/0041_add_total_cents.up.sql', line: 1 },
        },
      ],
      changes: [
        {
          kind: 'migration',
          file: 'db/migrations/0042_drop_legacy_total.up.sql',
          status: 'added',
          at: { file: 'db/migrations/0042_drop_legacy_total.up.sql', line: 1 },
          summary: 'migration 0042 drop_legacy_total added: the rollback crosses it',
          migration: { set: 'db/migrations', version: '0042' },
        },
        {
          kind: 'flags',
          file: 'flags/flags.json',
          status: 'modified',
          at: { file: 'flags/flags.json', line: 12 },
          summary: 'flags default changed new-checkout',
          flags: { added: [], removed: [], defaultChanged: ['new-checkout'] },
        },
      ],
      uncommitted: [],
    },
    service: {
      name: 'checkout-api',
      platform: 'kubernetes',
      workload: 'deployment/checkout-api',
      namespace: 'shop',
      owners: ['team-payments'],
      descriptor: 'rollbook.yaml',
    },
    risk: 'high',
    trigger: {
      criteria: [
        {
          signal: 'error-ratio',
          condition: 'error ratio > 0.02 for 5m',
          threshold: 0.02,
          forSeconds: 300,
          withinMinutesOfDeploy: 30,
          source: 'rollbook.yaml',
        },
        {
          signal: 'latency-p99',
          condition: 'p99 latency > 0.5s for 5m',
          threshold: 0.5,
          forSeconds: 300,
          withinMinutesOfDeploy: 30,
          source: 'rollbook.yaml',
        },
      ],
      authorized: ['incident-commander', 'database-owner'],
      command: renderCommand(
        rw('kubectl', 'rollout', 'undo', 'deployment/checkout-api', '-n', 'shop', '--to-revision', {
          var: 'REVISION',
        }),
      ),
      oneCommand: false,
      why: 'migration 0042 dropped a column: the schema must be restored from a backup before the app rolls back',
    },
    hazards: [
      dropColumn,
      {
        rule: 'cache-unversioned-keys',
        kind: 'cache',
        severity: 'warning',
        subject: 'sessions',
        message: 'Cache sessions keys are not versioned: the old app may read new-format entries.',
        evidence: [{ file: 'rollbook.yaml', line: 12 }],
        appRollbackSafe: null,
        revertLossless: true,
        mitigation: 'Prefix keys with a schema version, or flush sessions during the rollback.',
        touchesData: false,
      },
    ],
    runbook: [
      {
        id: 'restore-column',
        title: 'Restore orders.legacy_total from the backup',
        commands: [
          rw('psql', { var: 'DATABASE_URL' }, '-v', 'ON_ERROR_STOP=1', '-f', 'db/rollback/0042_restore.sql'),
        ],
        expectedSeconds: 240,
        maxSeconds: 900,
        check: dbCheck,
        onFailure:
          'Do not roll the app back. Restore the snapshot taken by the backup gate, then call the database owner.',
        touchesData: true,
        requiresGates: ['backup-taken', 'backup-verified'],
        durationBasis: 'orders table ~2 GB, measured restore 4 min',
      },
      {
        id: 'rollout-undo',
        title: 'Roll the deployment back',
        commands: [
          rw('kubectl', 'rollout', 'undo', 'deployment/checkout-api', '-n', 'shop', '--to-revision', {
            var: 'REVISION',
          }),
          ro('kubectl', 'rollout', 'status', 'deployment/checkout-api', '-n', 'shop', '--timeout=600s'),
        ],
        expectedSeconds: 150,
        maxSeconds: 630,
        check: {
          command: ro(
            'kubectl',
            'rollout',
            'status',
            'deployment/checkout-api',
            '-n',
            'shop',
            '--timeout=10s',
          ),
          expect: 'deployment "checkout-api" successfully rolled out',
          expectOutput: 'successfully rolled out',
          timeoutSeconds: 20,
          retries: 3,
        },
        onFailure:
          'Run `kubectl rollout history deployment/checkout-api -n shop` and escalate to the incident commander.',
        touchesData: false,
        requiresGates: ['history-retained'],
        durationBasis: '6 replicas, maxSurge 25%, readiness 10s, terminationGracePeriodSeconds 30',
      },
    ],
    gates: [
      {
        id: 'history-retained',
        title: 'Rollout history is retained',
        kind: 'history',
        check: {
          command: ro('kubectl', 'rollout', 'history', 'deployment/checkout-api', '-n', 'shop'),
          expect: 'at least two revisions',
          exitCodeDecides: true,
          timeoutSeconds: 20,
          retries: 1,
        },
        blocking: true,
        status: 'pass',
        reason: 'revisionHistoryLimit 10',
        evidence: [{ file: 'deploy/k8s/deployment.yaml', line: 8 }],
      },
      {
        id: 'no-inflight-migration',
        title: 'No migration is in flight',
        kind: 'migration',
        check: {
          command: ro('psql', { var: 'DATABASE_URL' }, '-Atc', 'select dirty from schema_migrations'),
          expect: 'f',
          expectOutput: 'f',
          timeoutSeconds: 15,
          retries: 1,
        },
        blocking: true,
        status: 'unknown',
      },
      {
        id: 'backup-taken',
        title: 'A backup of orders was taken after the incident started',
        kind: 'backup',
        check: {
          expect: 'a snapshot newer than the incident start exists',
          timeoutSeconds: 600,
          retries: 0,
          manual: true,
        },
        blocking: true,
        status: 'unknown',
      },
      {
        id: 'backup-verified',
        title: 'The backup restores into a scratch database',
        kind: 'verification',
        check: {
          expect: 'row counts of orders match production',
          timeoutSeconds: 900,
          retries: 0,
          manual: true,
        },
        blocking: true,
        status: 'unknown',
      },
    ],
    verification: {
      sustainSeconds: 900,
      checks: [dbCheck],
      signals: [
        {
          signal: 'error-ratio',
          condition: 'error ratio <= 0.02 for 15m',
          op: '<=',
          threshold: 0.02,
          holdSeconds: 900,
          source: 'rollbook.yaml',
        },
      ],
    },
    comms: {
      channel: '#inc-checkout',
      statusPage: true,
      cadenceMinutes: 15,
      dataLossStatement:
        'Orders written between [FILL IN: incident start] and the restore may be missing legacy totals; no orders are lost.',
      updates: [
        {
          phase: 'identified',
          text: 'Checkout is failing for some customers since [FILL IN: incident start]. We are restoring data and rolling back checkout-api. Next update in 15 minutes.',
          chat: 'checkout-api: restoring orders.legacy_total then rolling back. IC: [FILL IN: incident commander]. Next update 15m.',
        },
        {
          phase: 'monitoring',
          text: 'checkout-api has been rolled back and checkout is recovering. We are monitoring for 15 minutes.',
          chat: 'checkout-api: rolled back, monitoring 15m.',
        },
        {
          phase: 'resolved',
          text: 'Checkout is operating normally. Impact: [FILL IN: customer impact]. Orders written between [FILL IN: incident start] and the restore may be missing legacy totals; no orders are lost.',
          chat: 'checkout-api: resolved. Data: see status page.',
        },
      ],
    },
    estimate: {
      expectedSeconds: 390,
      maxSeconds: 1530,
      drivers: [
        {
          name: 'replicas',
          value: '6',
          source: 'manifest',
          at: { file: 'deploy/k8s/deployment.yaml', line: 9 },
        },
        { name: 'maxSurge', value: '25%', source: 'default' },
        { name: 'terminationGracePeriodSeconds', value: '30', source: 'default' },
      ],
      past: [
        { date: '2026-03-02', minutes: 47 },
        { date: '2026-07-19', minutes: 35, note: 'revert PR, wait for CI' },
      ],
      pastMedianMinutes: 41,
      comparison:
        'About 7 minutes along the designed path (worst case 26), against a median of 41 in the past.',
    },
    unknowns: [
      {
        subject: 'backup tooling',
        reason: 'rollbook.yaml names no backup command',
        at: { file: 'rollbook.yaml', line: 1 },
      },
    ],
    inputs: [
      {
        name: 'REVISION',
        description: 'Deployment revision to roll back to',
        discover: ro('kubectl', 'rollout', 'history', 'deployment/checkout-api', '-n', 'shop'),
      },
      { name: 'DATABASE_URL', description: 'Read-write URL of the orders database (primary)' },
    ],
  };
}

/** The hostile payload: command substitution, backticks, quotes, newline, `;`, `$HOME`, backslash, HTML. */
export const EVIL = `$(touch PWNED)\`touch PWNED2\`'"\n; touch PWNED3 $HOME \\ <script>alert(1)</script>&amp;%s%n`;
const e = (tag: string) => `${tag}${EVIL}`;

/**
 * The high-risk plan with a hostile value in every string field (the runtime variable names stay
 * valid: they are checked by renderArg and cannot carry data).
 */
export function hostilePlan(): Plan {
  const p = highRiskPlan();
  const evilCheck = (tag: string, readOnly = true): Check => ({
    command: { argv: ['rbstub', e(`${tag}-arg`), { var: 'REVISION' }], readOnly },
    expect: e(`${tag}-expect`),
    expectOutput: e(`${tag}-out`),
    timeoutSeconds: 5,
    retries: 0,
  });
  return {
    window: {
      scoped: false,
      summary: e('Rolling back working tree → unknown target'),
      from: { ref: e('from-ref'), commit: '', how: e('how') },
      reason: e('reason'),
      crossedMigrations: [],
      targetSchema: [],
      changes: [],
      uncommitted: [e('uncommitted')],
    },
    service: {
      name: e('svc'),
      platform: 'kubernetes',
      workload: e('workload'),
      namespace: e('ns'),
      owners: [e('owner')],
      descriptor: e('descriptor'),
    },
    risk: 'high',
    trigger: {
      criteria: [
        {
          signal: e('signal'),
          condition: e('condition'),
          query: e('query'),
          threshold: 1,
          forSeconds: 60,
          withinMinutesOfDeploy: 30,
          source: e('source'),
          at: { file: e('file'), line: 1, note: e('note') },
        },
      ],
      authorized: [e('authorized')],
      command: e('trigger-command'),
      oneCommand: false,
      why: e('why'),
    },
    hazards: [
      {
        rule: e('rule'),
        kind: 'schema',
        severity: 'error',
        subject: e('subject'),
        message: e('message'),
        evidence: [{ file: e('evidence-file'), line: 3, col: 4, note: e('evidence-note') }],
        appRollbackSafe: false,
        revertLossless: null,
        mitigation: e('mitigation'),
        touchesData: true,
        migration: e('migration'),
      },
    ],
    runbook: [
      {
        id: e('step-stateless'),
        title: e('title-stateless'),
        commands: [
          { argv: ['rbstub', e('argv-1'), { var: 'REVISION' }, e('argv-2')], readOnly: false },
          { argv: [], readOnly: false, manual: e('manual') },
        ],
        expectedSeconds: 1,
        maxSeconds: 2,
        check: { ...evilCheck('check-stateless'), expectOutput: 'rbstub-ok' },
        onFailure: e('onfailure-stateless'),
        touchesData: false,
        requiresGates: [],
        durationBasis: e('basis'),
      },
      {
        id: e('step-data'),
        title: e('title-data'),
        commands: [{ argv: ['rbstub', e('data-argv'), { var: 'DATABASE_URL' }], readOnly: false }],
        expectedSeconds: 1,
        maxSeconds: 2,
        check: { ...evilCheck('check-data'), expectOutput: 'rbstub-ok' },
        onFailure: e('onfailure-data'),
        touchesData: true,
        requiresGates: [e('gate-backup'), e('gate-verify')],
      },
    ],
    gates: [
      {
        id: e('gate-auto'),
        title: e('gate-auto-title'),
        kind: 'history',
        check: { ...evilCheck('gate-auto'), expectOutput: 'rbstub-ok' },
        blocking: true,
        status: 'unknown',
        reason: e('reason'),
        evidence: [{ file: e('gate-file'), line: 2 }],
      },
      {
        id: e('gate-backup'),
        title: e('gate-backup-title'),
        kind: 'backup',
        check: { expect: e('gate-backup-expect'), timeoutSeconds: 5, retries: 0, manual: true },
        blocking: true,
        status: 'unknown',
      },
      {
        id: e('gate-verify'),
        title: e('gate-verify-title'),
        kind: 'verification',
        check: { expect: e('gate-verify-expect'), timeoutSeconds: 5, retries: 0, manual: true },
        blocking: true,
        status: 'unknown',
      },
    ],
    verification: {
      sustainSeconds: 60,
      checks: [{ ...evilCheck('verify'), expectOutput: 'rbstub-ok' }],
      signals: [
        {
          signal: e('vsignal'),
          condition: e('vcondition'),
          holdSeconds: 60,
          source: e('vsource'),
        },
      ],
    },
    comms: {
      channel: e('channel'),
      statusPage: true,
      cadenceMinutes: 15,
      dataLossStatement: e('dataloss'),
      updates: [
        { phase: 'identified', text: e('identified-text [FILL IN: impact]'), chat: e('identified-chat') },
        { phase: 'monitoring', text: e('monitoring-text'), chat: e('monitoring-chat') },
        { phase: 'resolved', text: e('resolved-text'), chat: e('resolved-chat [FILL IN: <b>x</b>]') },
      ],
    },
    estimate: {
      ...p.estimate,
      drivers: [
        { name: e('driver'), value: e('value'), source: 'manifest', at: { file: e('driver-file'), line: 1 } },
      ],
      past: [{ date: e('date'), minutes: 12, note: e('past-note') }],
      comparison: e('comparison'),
    },
    unknowns: [{ subject: e('unknown'), reason: e('unknown-reason') }],
    inputs: [
      {
        name: 'REVISION',
        description: e('input-rev'),
        discover: { argv: ['rbstub', e('discover')], readOnly: true },
      },
      { name: 'DATABASE_URL', description: e('input-db'), default: e('default') },
    ],
  };
}

export const FIXTURES = { 'low-risk': lowRiskPlan, 'high-risk': highRiskPlan, hostile: hostilePlan } as const;
