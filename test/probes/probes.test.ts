/**
 * Every gate probe of every platform, as a table: for each probe, realistic output (test/probes/outputs.ts,
 * in the tool's own format) where it passes and where it fails, plus the unknown cases (an error, another
 * format). Pure: the probes are library functions; the generated script only pipes the output to
 * `rollbook probe` (one wiring test at the end runs the built CLI).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../src/model/outcome.js';
import type { Check } from '../../src/model/plan.js';
import type { PlatformId } from '../../src/model/service.js';
import { PLATFORMS } from '../../src/platforms/index.js';
import { PROBES, runProbe } from '../../src/probes/index.js';
import { ctxOf } from '../platforms/helpers.js';
import * as o from './outputs.js';

interface Case {
  name: string;
  output: string;
  exit?: number;
  want?: string;
  since?: number;
  /** This machine's clock when the output is read (default: 60 s after RUN_START). */
  now?: number;
  outcome: Outcome;
  /** Text the note must contain. */
  says?: string;
  /** The question a person is asked (an unknown only a person can settle); absent: none is asked. */
  asks?: string;
}

/** The run started at 2026-12-01T05:00:00Z (what the script passes as --since). */
const RUN_START = Date.parse('2026-12-01T05:00:00Z') / 1000;

const TABLE: Record<string, Case[]> = {
  'flux-suspended': [
    { name: 'suspended', output: o.fluxResource({ suspend: true }), outcome: 'pass', says: 'suspended' },
    {
      name: 'a suspended Kustomization',
      output: o.fluxResource({ kind: 'Kustomization', suspend: true }),
      outcome: 'pass',
    },
    {
      name: 'suspend false',
      output: o.fluxResource({ suspend: false }),
      outcome: 'fail',
      says: 'not suspended',
    },
    { name: 'no spec.suspend', output: o.fluxResource({}), outcome: 'fail', says: 'absent' },
    {
      name: 'not found',
      output: 'Error from server (NotFound): helmreleases.helm.toolkit.fluxcd.io "podinfo" not found',
      exit: 1,
      outcome: 'fail',
    },
    {
      name: 'the flux get table',
      output: 'NAME     REVISION  SUSPENDED  READY\npodinfo  6.5.3     True       True',
      outcome: 'unknown',
    },
  ],
  'flux-reconciled': [
    {
      name: 'HelmRelease resumed, upgraded and ready',
      output: o.fluxResource({
        suspend: false,
        attempted: '6.5.3',
        history: [
          { chartVersion: '6.5.3', status: 'deployed', version: 9 },
          { chartVersion: '6.5.4', status: 'superseded', version: 7 },
        ],
      }),
      outcome: 'pass',
      says: 'at revision 6.5.3',
    },
    {
      name: 'Kustomization applied the revision it attempted',
      output: o.fluxResource({
        kind: 'Kustomization',
        ready: ['True', 'ReconciliationSucceeded', 'Applied revision: main@sha1:4c1f0a9e'],
        attempted: 'main@sha1:4c1f0a9e',
        applied: 'main@sha1:4c1f0a9e',
      }),
      outcome: 'pass',
    },
    {
      name: 'still suspended',
      output: o.fluxResource({ suspend: true }),
      outcome: 'fail',
      says: 'still suspended',
    },
    {
      name: 'resumed but not reconciled yet (observed generation behind)',
      output: o.fluxResource({ generation: 8, observed: 7 }),
      outcome: 'fail',
      says: 'observed generation 7 < metadata.generation 8',
    },
    {
      name: 'reconciling',
      output: o.fluxResource({ ready: ['Unknown', 'Progressing', 'Running upgrade'], reconciling: true }),
      outcome: 'fail',
      says: 'progressing',
    },
    {
      name: 'Ready=False: the upgrade failed',
      output: o.fluxResource({ ready: ['False', 'UpgradeFailed', 'Helm upgrade failed: timed out'] }),
      outcome: 'fail',
      says: 'UpgradeFailed',
    },
    {
      name: 'Kustomization: the newest revision did not apply',
      output: o.fluxResource({
        kind: 'Kustomization',
        attempted: 'main@sha1:9d8e7f6a',
        applied: 'main@sha1:4c1f0a9e',
      }),
      outcome: 'fail',
      says: 'did not apply',
    },
    {
      name: 'HelmRelease: the newest release failed',
      output: o.fluxResource({
        attempted: '6.5.4',
        history: [{ chartVersion: '6.5.4', status: 'failed', version: 10 }],
      }),
      outcome: 'fail',
      says: 'not deployed',
    },
    {
      name: 'no Ready condition',
      output: '{"kind":"HelmRelease","metadata":{"generation":1},"status":{}}',
      outcome: 'unknown',
    },
  ],
  'helm-rolled-back': [
    {
      name: "revision 5 is the rollback to 3, deployed, with 3's chart",
      output: o.helmHistoryCharts([
        [3, 'superseded', 'Upgrade complete', 3],
        [4, 'superseded', 'Upgrade complete', 4],
        [5, 'deployed', 'Rollback to 3', 3],
      ]),
      want: '3',
      outcome: 'pass',
      says: "revision 3's chart",
    },
    {
      name: 'still pending-rollback',
      output: o.helmHistoryCharts([
        [3, 'superseded', 'Upgrade complete', 3],
        [4, 'superseded', 'Upgrade complete', 4],
        [5, 'pending-rollback', 'Rollback to 3', 3],
      ]),
      want: '3',
      outcome: 'fail',
      says: 'progressing',
    },
    {
      name: 'the rollback failed (helm replaces the description)',
      output: o.helmHistoryCharts([
        [3, 'superseded', 'Upgrade complete', 3],
        [4, 'deployed', 'Upgrade complete', 4],
        [5, 'failed', 'Rollback "catalog-web" failed: timed out waiting for the condition', 3],
      ]),
      want: '3',
      outcome: 'fail',
      says: 'the rollback failed',
    },
    {
      name: 'the newest revision is a rollback to another revision',
      output: o.helmHistoryCharts([
        [2, 'superseded', 'Upgrade complete', 2],
        [3, 'superseded', 'Upgrade complete', 3],
        [4, 'deployed', 'Rollback to 2', 2],
      ]),
      want: '3',
      outcome: 'fail',
      says: 'not the rollback to revision 3',
    },
    {
      name: 'nothing rolled back: the bad upgrade is still the newest',
      output: o.helmHistoryCharts([
        [3, 'superseded', 'Upgrade complete', 3],
        [4, 'deployed', 'Upgrade complete', 4],
      ]),
      want: '3',
      outcome: 'fail',
    },
    {
      name: "deployed but with another chart than revision 3's",
      output: o.helmHistoryCharts([
        [3, 'superseded', 'Upgrade complete', 3],
        [4, 'superseded', 'Upgrade complete', 4],
        [5, 'deployed', 'Rollback to 3', 4],
      ]),
      want: '3',
      outcome: 'fail',
      says: 'does not carry',
    },
    {
      name: 'the target pruned from the history: nothing to compare with',
      output: o.helmHistoryCharts([
        [4, 'superseded', 'Upgrade complete', 4],
        [5, 'deployed', 'Rollback to 3', 3],
      ]),
      want: '3',
      outcome: 'unknown',
    },
    { name: 'release not found', output: 'Error: release: not found', exit: 1, want: '3', outcome: 'fail' },
  ],
  'lambda-alias-at': [
    { name: 'all traffic on the chosen version', output: o.lambdaAlias('41'), want: '41', outcome: 'pass' },
    {
      name: 'another version',
      output: o.lambdaAlias('42'),
      want: '41',
      outcome: 'fail',
      says: 'points at version 42, not 41',
    },
    {
      name: 'the chosen version but a weighted shift left',
      output: o.lambdaAlias('41', { '42': 0.1 }),
      want: '41',
      outcome: 'fail',
      says: '10% to version 42',
    },
    { name: 'empty weights: all traffic', output: o.lambdaAlias('41', {}), want: '41', outcome: 'pass' },
    { name: '$LATEST is no target', output: o.lambdaAlias('41'), want: '$LATEST', outcome: 'unknown' },
    {
      name: 'the text output',
      output: 'arn:aws:lambda:eu-west-1:123456789012:function:thumbnailer:live\t\t41\tlive\t1c7f',
      want: '41',
      outcome: 'unknown',
    },
  ],
  'heroku-rolled-back': [
    {
      name: 'the rollback release is current and succeeded',
      output: o.herokuReleasesDescribed([
        [53, 'succeeded', true, 'Rollback to v51'],
        [52, 'succeeded', false, 'Deploy 9f8e7d6'],
      ]),
      want: 'v51',
      outcome: 'pass',
    },
    {
      name: 'its release phase is still running',
      output: o.herokuReleasesDescribed([
        [53, 'pending', false, 'Rollback to v51'],
        [52, 'succeeded', true, 'Deploy 9f8e7d6'],
      ]),
      want: 'v51',
      outcome: 'fail',
      says: 'progressing',
    },
    {
      name: 'its release phase failed',
      output: o.herokuReleasesDescribed([
        [53, 'failed', false, 'Rollback to v51'],
        [52, 'succeeded', true, 'Deploy 9f8e7d6'],
      ]),
      want: 'v51',
      outcome: 'fail',
      says: 'did not succeed',
    },
    {
      name: 'a rollback to another release',
      output: o.herokuReleasesDescribed([[53, 'succeeded', true, 'Rollback to v50']]),
      want: 'v51',
      outcome: 'fail',
      says: 'not the rollback to v51',
    },
    {
      name: 'a later deploy came after the rollback',
      output: o.herokuReleasesDescribed([
        [54, 'succeeded', true, 'Deploy 1a2b3c4'],
        [53, 'succeeded', false, 'Rollback to v51'],
      ]),
      want: 'v51',
      outcome: 'fail',
    },
    {
      name: 'the table',
      output: '=== shop Releases\nv53  Rollback to v51  oncall@acme.example  1m',
      want: 'v51',
      outcome: 'unknown',
    },
  ],
  'cloud-run-traffic': [
    {
      name: '100% on the chosen revision',
      output: o.cloudRunTraffic([{ revisionName: 'hello-00011-k2d', percent: 100 }]),
      want: 'hello-00011-k2d=100',
      outcome: 'pass',
    },
    {
      name: '100% on it, plus a tag-only route',
      output: o.cloudRunTraffic([
        { revisionName: 'hello-00011-k2d', percent: 100 },
        { revisionName: 'hello-00012-xaz', tag: 'canary' },
      ]),
      want: 'hello-00011-k2d=100',
      outcome: 'pass',
    },
    {
      name: 'a split',
      output: o.cloudRunTraffic([
        { revisionName: 'hello-00011-k2d', percent: 90 },
        { revisionName: 'hello-00012-xaz', percent: 10 },
      ]),
      want: 'hello-00011-k2d=100',
      outcome: 'fail',
      says: 'hello-00012-xaz 10%',
    },
    {
      name: 'still on the latest (bad) revision',
      output: o.cloudRunTraffic([{ revisionName: 'hello-00012-xaz', percent: 100, latestRevision: true }]),
      want: 'hello-00011-k2d=100',
      outcome: 'fail',
    },
    {
      name: 'the traffic change not observed yet',
      output: o.cloudRunTraffic([{ revisionName: 'hello-00012-xaz', percent: 100 }], 'Unknown', 12),
      want: 'hello-00011-k2d=100',
      outcome: 'fail',
      says: 'progressing',
    },
    {
      name: '100% on it but Ready False',
      output: o.cloudRunTraffic([{ revisionName: 'hello-00011-k2d', percent: 100 }], 'False'),
      want: 'hello-00011-k2d=100',
      outcome: 'fail',
      says: 'not ready',
    },
    {
      name: 'the YAML format',
      output: 'status:\n  traffic:\n  - percent: 100\n    revisionName: hello-00011-k2d',
      want: 'hello-00011-k2d=100',
      outcome: 'unknown',
    },
  ],
  'compose-images': [
    {
      name: 'the app pinned, its database listed too',
      output: 'ghcr.io/acme/web:1.4.2\npostgres:16\n',
      want: 'ghcr.io/acme/web:1.4.2',
      outcome: 'pass',
    },
    {
      name: 'docker hub names written two ways',
      output: 'acme/web:1.4.2\n',
      want: 'docker.io/acme/web:1.4.2',
      outcome: 'pass',
    },
    {
      name: 'still the bad tag',
      output: 'ghcr.io/acme/web:1.5.0\npostgres:16\n',
      want: 'ghcr.io/acme/web:1.4.2',
      outcome: 'fail',
      says: 'not pinned',
    },
    {
      name: 'two services, one not pinned',
      output: 'ghcr.io/acme/web:1.4.2\nghcr.io/acme/web:1.5.0\n',
      want: 'ghcr.io/acme/web:1.4.2',
      outcome: 'fail',
    },
    {
      name: 'a digest pin',
      output: 'ghcr.io/acme/web@sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b\n',
      want: 'ghcr.io/acme/web@sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b',
      outcome: 'pass',
    },
    {
      name: 'the target repository absent',
      output: 'shop-web\npostgres:16\n',
      want: 'ghcr.io/acme/web:1.4.2',
      outcome: 'fail',
      says: 'no service resolves',
    },
    {
      name: 'a target without tag or digest',
      output: 'ghcr.io/acme/web\n',
      want: 'ghcr.io/acme/web',
      outcome: 'unknown',
    },
    {
      name: 'compose refuses the file',
      output: 'service "web" refers to undefined volume data: invalid compose project',
      exit: 15,
      want: 'ghcr.io/acme/web:1.4.2',
      outcome: 'unknown',
    },
  ],
  'current-link': [
    {
      name: 'current points at the chosen release',
      output: 'releases/20261128093000\n',
      want: 'releases/20261128093000',
      outcome: 'pass',
    },
    {
      name: 'still the bad release',
      output: 'releases/20261201050000\n',
      want: 'releases/20261128093000',
      outcome: 'fail',
      says: 'not releases/20261128093000',
    },
    {
      name: 'current is not a symlink',
      output: '',
      exit: 1,
      want: 'releases/20261128093000',
      outcome: 'fail',
    },
    {
      name: 'a trailing slash typed',
      output: 'releases/20261128093000\n',
      want: 'releases/20261128093000/',
      outcome: 'pass',
    },
  ],
  'git-reverted': [
    {
      name: 'the revert is on the upstream branch',
      output: o.gitLog([
        [
          '9c1b2a3d4e5f60718293a4b5c6d7e8f901234567',
          'Revert "web: raise pool size"',
          'This reverts commit 4f5e6d7c8b9a0f1e2d3c4b5a69788796a5b4c3d2.',
        ],
        ['4f5e6d7c8b9a0f1e2d3c4b5a69788796a5b4c3d2', 'web: raise pool size'],
      ]),
      want: '4f5e6d7',
      outcome: 'pass',
      says: 'reverts 4f5e6d7',
    },
    {
      name: 'squash-merged: the line in the squash message body',
      output: o.gitLog([
        [
          '1111111111111111111111111111111111111111',
          'Revert "web: raise pool size" (#412)',
          '* Revert "web: raise pool size"\n\nThis reverts commit 4f5e6d7c8b9a0f1e2d3c4b5a69788796a5b4c3d2.',
        ],
      ]),
      want: '4f5e6d7c8b9a',
      outcome: 'pass',
    },
    {
      name: 'not merged yet: the bad commit is the newest',
      output: o.gitLog([['4f5e6d7c8b9a0f1e2d3c4b5a69788796a5b4c3d2', 'web: raise pool size']]),
      want: '4f5e6d7',
      outcome: 'fail',
      says: 'the bad commit is on it',
    },
    {
      name: 'the revert was reverted',
      output: o.gitLog([
        [
          '2222222222222222222222222222222222222222',
          'Revert "Revert "web: raise pool size""',
          'This reverts commit 9c1b2a3d4e5f60718293a4b5c6d7e8f901234567.',
        ],
        [
          '9c1b2a3d4e5f60718293a4b5c6d7e8f901234567',
          'Revert "web: raise pool size"',
          'This reverts commit 4f5e6d7c8b9a0f1e2d3c4b5a69788796a5b4c3d2.',
        ],
      ]),
      want: '4f5e6d7',
      outcome: 'fail',
      says: 'itself reverted',
    },
    {
      name: 'no upstream',
      output: "fatal: no upstream configured for branch 'hotfix'",
      exit: 128,
      want: '4f5e6d7',
      outcome: 'unknown',
      says: 'tracks no upstream',
    },
    { name: 'a tag name, not an id', output: o.gitLog([]), want: 'v1.2.0', outcome: 'unknown' },
  ],
  'argocd-manual-sync': [
    { name: 'no syncPolicy at all', output: o.argocdAppPolicy(undefined), outcome: 'pass', says: 'off' },
    {
      name: 'sync options kept, automated gone',
      output: o.argocdAppPolicy({ syncOptions: ['CreateNamespace=true'] }),
      outcome: 'pass',
    },
    {
      name: 'automated back (a parent app-of-apps re-applied it)',
      output: o.argocdAppPolicy({ automated: { prune: true, selfHeal: true } }),
      outcome: 'fail',
      says: 'still on',
    },
    {
      name: 'automated with defaults ({})',
      output: o.argocdAppPolicy({ automated: {} }),
      outcome: 'fail',
    },
    {
      name: 'the table, not JSON',
      output: 'Name:               argocd/storefront\nSync Policy:        <none>',
      outcome: 'unknown',
    },
  ],
  'kubectl-statefulset-updating': [
    {
      name: 'every pod on the update revision and ready',
      output: o.statefulset({ desired: 3, updated: 3, ready: 3 }),
      outcome: 'pass',
      says: 'complete: 3 of 3 pods',
    },
    {
      name: 'every pod updated, one not ready (stalled)',
      output: o.statefulset({ desired: 3, updated: 3, ready: 2 }),
      outcome: 'pass',
      says: 'stalled',
    },
    {
      name: 'one pod of three deleted so far (an OnDelete update half done)',
      output: o.statefulset({ desired: 3, updated: 1, ready: 3 }),
      outcome: 'fail',
      says: 'an update is in progress: 1 of 3',
    },
    {
      name: 'the controller has not read the new spec',
      output: o.statefulset({ desired: 3, updated: 3, ready: 3 }, 5, 4),
      outcome: 'fail',
      says: 'observedGeneration 4 < metadata.generation 5',
    },
    {
      name: 'not found',
      output: 'Error from server (NotFound): statefulsets.apps "postgres" not found',
      exit: 1,
      outcome: 'unknown',
    },
    { name: 'a Deployment instead', output: '{"kind":"Deployment","status":{}}', outcome: 'unknown' },
  ],
  'kubectl-statefulset-updated': [
    {
      name: 'every pod on the update revision and ready',
      output: o.statefulset({ desired: 3, updated: 3, ready: 3 }),
      outcome: 'pass',
      says: '3 of 3 pods on revision postgres-5b6c7d8e9, 3 ready',
    },
    {
      name: 'no pod updated yet: updatedReplicas is absent, not 3/3',
      output: o.statefulset({ desired: 3, updated: 0, ready: 3 }),
      outcome: 'fail',
      says: '0 of 3',
    },
    {
      name: 'updated, one pod not ready',
      output: o.statefulset({ desired: 3, updated: 3, ready: 2 }),
      outcome: 'fail',
    },
    {
      name: 'a recreated pod does not exist yet',
      output: o.statefulset({ desired: 3, updated: 2, ready: 2, exist: 2 }),
      outcome: 'fail',
    },
    { name: 'no output', output: '', exit: 1, outcome: 'unknown' },
  ],
  // the saved create-backup response(s), then list-backups: matched by the ARN AWS issued, no clock compared
  'dynamodb-backup': [
    {
      name: 'the backup this run created is AVAILABLE (AWS CLI v2 dates)',
      output: `${o.dynamodbCreated('shipments', 1)}\n${o.dynamodbBackups([
        ['shipments-before-rollback', 'AVAILABLE', '2026-11-30T05:20:00+00:00'],
        ['shipments-before-rollback', 'AVAILABLE', '2026-12-01T05:20:00.000000+00:00'],
      ])}`,
      want: 'shipments',
      outcome: 'pass',
      says: 'AVAILABLE',
    },
    {
      name: "this machine's clock an hour ahead of AWS's: this run's backup still passes",
      output: `${o.dynamodbCreated('shipments', 0, '2026-12-01T04:10:00+00:00')}\n${o.dynamodbBackups([
        ['shipments-before-rollback', 'AVAILABLE', '2026-12-01T04:10:00+00:00'],
      ])}`,
      want: 'shipments',
      since: RUN_START,
      outcome: 'pass',
    },
    {
      name: "this machine's clock behind AWS's: an older backup of the same name, no backup of this run, fails",
      output: `\n${o.dynamodbBackups([['shipments-before-rollback', 'AVAILABLE', RUN_START + 600]])}`,
      want: 'shipments',
      since: RUN_START,
      outcome: 'fail',
      says: 'this run created no backup of shipments',
    },
    {
      name: 'epoch dates (AWS CLI v1)',
      output: `${o.dynamodbCreated('shipments', 0, RUN_START + 60)}${o.dynamodbBackups([
        ['shipments-before-rollback', 'AVAILABLE', RUN_START + 60],
      ])}`,
      want: 'shipments',
      outcome: 'pass',
    },
    {
      name: 'still CREATING',
      output: `${o.dynamodbCreated('shipments', 0)}\n${o.dynamodbBackups([
        ['shipments-before-rollback', 'CREATING', '2026-12-01T05:20:00+00:00'],
      ])}`,
      want: 'shipments',
      outcome: 'fail',
      says: 'CREATING',
    },
    {
      name: "this run's backup is not listed (deleted)",
      output: `${o.dynamodbCreated('shipments', 3)}\n${o.dynamodbBackups([
        ['shipments-before-rollback', 'AVAILABLE', '2026-12-01T05:20:00+00:00'],
      ])}`,
      want: 'shipments',
      outcome: 'fail',
      says: 'not in its list-backups output',
    },
    {
      name: 'two tables, both backed up in this run',
      output: [
        o.dynamodbCreated('shipments', 0),
        o.dynamodbCreated('orders', 0),
        o.dynamodbBackups([['shipments-before-rollback', 'AVAILABLE', '2026-12-01T05:20:00+00:00']]),
        o.dynamodbBackups([['orders-before-rollback', 'AVAILABLE', '2026-12-01T05:20:01+00:00']], 'orders'),
      ].join('\n'),
      want: 'shipments,orders',
      outcome: 'pass',
      says: 'of orders',
    },
    {
      name: 'two tables, the second one not backed up (the step stopped)',
      output: [
        o.dynamodbCreated('shipments', 0),
        o.dynamodbBackups([['shipments-before-rollback', 'AVAILABLE', '2026-12-01T05:20:00+00:00']]),
        o.dynamodbBackups([['orders-before-rollback', 'AVAILABLE', '2026-11-01T05:20:01+00:00']], 'orders'),
      ].join('\n'),
      want: 'shipments,orders',
      outcome: 'fail',
      says: 'no backup of orders',
    },
    {
      name: 'not JSON values',
      output: `${o.dynamodbCreated('shipments', 0)}\nsome text\n`,
      want: 'shipments',
      outcome: 'unknown',
    },
    {
      name: 'access denied',
      output:
        '\nAn error occurred (AccessDeniedException) when calling the ListBackups operation: User is not authorized to perform: dynamodb:ListBackups\n',
      exit: 254,
      want: 'shipments',
      outcome: 'unknown',
    },
  ],
  's3-versioning': [
    { name: 'Enabled', output: o.s3Versioning('Enabled'), outcome: 'pass' },
    { name: 'Suspended', output: o.s3Versioning('Suspended'), outcome: 'fail', says: 'Suspended' },
    { name: 'never enabled (no output)', output: '', outcome: 'fail', says: 'never enabled' },
    {
      name: 'no such bucket',
      output:
        '\nAn error occurred (NoSuchBucket) when calling the GetBucketVersioning operation: The specified bucket does not exist\n',
      exit: 254,
      outcome: 'fail',
    },
  ],
  'redis-bgsave': [
    {
      name: 'saved during this run',
      output: o.redisPersistence(0, 'ok', RUN_START + 30),
      since: RUN_START,
      now: RUN_START + 40,
      outcome: 'pass',
    },
    {
      name: "saved during this run, the server's clock an hour behind this machine's",
      output: o.redisPersistence(0, 'ok', RUN_START - 3600 + 30, RUN_START - 3600 + 35),
      since: RUN_START,
      now: RUN_START + 40,
      outcome: 'pass',
      says: "5 s ago on the server's clock",
    },
    {
      name: "an old dump, the server's clock an hour ahead of this machine's",
      output: o.redisPersistence(0, 'ok', RUN_START + 3600 - 1800, RUN_START + 3600 + 40),
      since: RUN_START,
      now: RUN_START + 40,
      outcome: 'fail',
      says: 'older than this run',
    },
    {
      name: 'still saving',
      output: o.redisPersistence(1, 'ok', RUN_START - 3600),
      since: RUN_START,
      outcome: 'fail',
      says: 'in progress',
    },
    {
      name: 'the save failed',
      output: o.redisPersistence(0, 'err', RUN_START + 30),
      since: RUN_START,
      outcome: 'fail',
      says: 'failed',
    },
    {
      name: 'the last save is from before the run',
      output: o.redisPersistence(0, 'ok', RUN_START - 86400, RUN_START + 60),
      since: RUN_START,
      outcome: 'fail',
      says: 'older than this run',
    },
    {
      name: "no server_time_usec (an old Redis): the server's clock is unknown",
      output: o.redisPersistence(0, 'ok', RUN_START + 30, null),
      since: RUN_START,
      outcome: 'unknown',
      says: 'server_time_usec',
    },
    { name: 'NOAUTH', output: 'NOAUTH Authentication required.', outcome: 'unknown' },
  ],
  'helm-history': [
    {
      name: 'an earlier superseded revision',
      output: o.helmHistory([
        [1, 'superseded', 'Install complete'],
        [2, 'superseded', 'Upgrade complete'],
        [3, 'deployed', 'Upgrade complete'],
      ]),
      want: '2',
      outcome: 'pass',
      says: 'revision 2',
    },
    {
      name: 'the last good revision still marked deployed after a failed upgrade',
      output: o.helmHistory([
        [4, 'deployed', 'Upgrade complete'],
        [5, 'failed', 'Upgrade "catalog-web" failed: context deadline exceeded'],
      ]),
      want: '4',
      outcome: 'pass',
    },
    {
      name: 'pruned by --history-max',
      output: o.helmHistory([
        [12, 'superseded', 'Upgrade complete'],
        [13, 'deployed', 'Upgrade complete'],
      ]),
      want: '2',
      outcome: 'fail',
      says: 'not in the history (it lists 12..13)',
    },
    {
      name: 'a failed revision',
      output: o.helmHistory([
        [4, 'superseded', 'Upgrade complete'],
        [5, 'failed', 'Upgrade failed'],
        [6, 'deployed', 'Upgrade complete'],
      ]),
      want: '5',
      outcome: 'fail',
      says: 'never became a working release',
    },
    {
      name: 'a revision in a status helm calls unknown',
      output: o.helmHistory([
        [2, 'unknown', ''],
        [3, 'deployed', 'Upgrade complete'],
      ]),
      want: '2',
      outcome: 'unknown',
      says: 'status unknown',
    },
    {
      name: 'an uninstalled revision',
      output: o.helmHistory([
        [2, 'uninstalled', 'Uninstallation complete'],
        [3, 'deployed', 'Install complete'],
      ]),
      want: '2',
      outcome: 'fail',
      says: 'uninstalled',
    },
    {
      name: 'the newest revision, running now',
      output: o.helmHistory([
        [2, 'superseded', 'Install complete'],
        [3, 'deployed', 'Upgrade complete'],
      ]),
      want: '3',
      outcome: 'fail',
      says: 'running now',
    },
    {
      name: 'the release does not exist',
      output: 'Error: release: not found',
      exit: 1,
      want: '2',
      outcome: 'fail',
    },
    {
      name: 'the table format (no -o json)',
      output: 'REVISION\tUPDATED\tSTATUS\n1\tMon Oct 3 10:15:13 2016\tsuperseded',
      want: '1',
      outcome: 'unknown',
    },
    {
      name: 'the cluster is unreachable',
      output:
        'Error: Kubernetes cluster unreachable: Get "https://10.0.0.1:6443/version": dial tcp 10.0.0.1:6443: i/o timeout',
      exit: 1,
      want: '2',
      outcome: 'unknown',
    },
  ],
  'helm-status': [
    {
      name: 'deployed',
      output: o.helmStatus('deployed', 7, 'Upgrade complete'),
      outcome: 'pass',
      says: 'complete',
    },
    {
      name: 'failed: stalled, passes with a note',
      output: o.helmStatus('failed', 8, 'Upgrade "catalog-web" failed: timed out waiting for the condition'),
      outcome: 'pass',
      says: 'stalled',
    },
    {
      name: 'pending-upgrade',
      output: o.helmStatus('pending-upgrade', 8, 'Preparing upgrade'),
      outcome: 'fail',
      says: 'progressing',
    },
    {
      name: 'pending-rollback',
      output: o.helmStatus('pending-rollback', 9, 'Rollback to 6'),
      outcome: 'fail',
      says: 'progressing',
    },
    {
      name: 'uninstalled',
      output: o.helmStatus('uninstalled', 8, 'Uninstallation complete'),
      outcome: 'fail',
    },
    {
      name: 'a status rollbook does not know',
      output: o.helmStatus('superseded', 8, ''),
      outcome: 'unknown',
    },
    {
      name: 'the text format',
      output: 'NAME: catalog-web\nSTATUS: deployed\nREVISION: 7',
      outcome: 'unknown',
    },
  ],
  'argocd-history': [
    {
      name: 'an earlier history ID: a sync that succeeded, no health recorded',
      output: o.argocdHistory,
      want: '4',
      outcome: 'unknown',
      says: "history ID 4 (2026-11-30 16:03:11 +0000 UTC, main (a93f0d2)) is a sync that succeeded, but Argo CD's history records no health",
      asks: 'Did main (a93f0d2) (history ID 4) run healthy from 2026-11-30 16:03:11 +0000 UTC until',
    },
    {
      name: 'the note gives the window the entry ran in (until the next sync)',
      output: o.argocdHistory,
      want: '3',
      outcome: 'unknown',
      says: 'It ran from 2026-11-28 09:12:40 +0000 UTC until the sync of ID 4 (2026-11-30 16:03:11 +0000 UTC)',
      asks: 'run healthy from 2026-11-28 09:12:40 +0000 UTC until 2026-11-30 16:03:11 +0000 UTC, by your dashboards?',
    },
    {
      name: 'with the SOURCE line of newer CLIs',
      output: `SOURCE  https://github.com/acme/deploy.git\n${o.argocdHistory}`,
      want: '3',
      outcome: 'unknown',
      says: 'records no health',
      asks: 'by your dashboards?',
    },
    {
      name: 'an earlier entry that deploys the commit running now (a rollback redeployed it)',
      output: `${o.argocdHistory}6   2026-12-01 06:10:00 +0000 UTC  main (a93f0d2)\n`,
      want: '4',
      outcome: 'fail',
      says: 'deploys commit a93f0d2, the commit of the newest sync (ID 6)',
    },
    {
      name: 'an ID beyond revisionHistoryLimit',
      output: o.argocdHistory,
      want: '1',
      outcome: 'fail',
      says: 'not in the history (it lists 3, 4, 5)',
    },
    { name: 'the newest entry', output: o.argocdHistory, want: '5', outcome: 'fail', says: 'deployed now' },
    {
      name: 'the app does not exist',
      output: 'FATA[0000] rpc error: code = NotFound desc = applications.argoproj.io "storefront" not found',
      exit: 20,
      want: '4',
      outcome: 'fail',
    },
    {
      name: 'not logged in',
      output:
        'FATA[0000] rpc error: code = Unauthenticated desc = invalid session: token has invalid claims: token is expired',
      exit: 20,
      want: '4',
      outcome: 'unknown',
    },
  ],
  'argocd-app': [
    {
      name: 'Healthy, last sync Succeeded',
      output: o.argocdApp('Healthy', 'Succeeded'),
      outcome: 'pass',
      says: 'complete',
    },
    {
      name: 'Degraded: stalled, passes',
      output: o.argocdApp('Degraded', 'Succeeded', 'Deployment "storefront" exceeded its progress deadline'),
      outcome: 'pass',
      says: 'stalled',
    },
    {
      name: 'a sync is Running',
      output: o.argocdApp('Progressing', 'Running'),
      outcome: 'fail',
      says: 'progressing',
    },
    {
      name: 'Progressing without an operation',
      output: o.argocdApp(
        'Progressing',
        'Succeeded',
        'Waiting for rollout to finish: 1 out of 3 new replicas have been updated...',
      ),
      outcome: 'fail',
      says: 'progressing',
    },
    { name: 'health Unknown', output: o.argocdApp('Unknown', 'Succeeded'), outcome: 'unknown' },
    {
      name: 'the table output (no -o json)',
      output: 'Name:               argocd/storefront\nHealth Status:      Healthy',
      outcome: 'unknown',
    },
  ],
  'argo-rollouts-history': [
    {
      name: 'the stable revision, kept (the canary of revision 5 was aborted)',
      output: o.rolloutTree,
      want: '4',
      outcome: 'pass',
      says: 'revision 4 is kept and is the stable revision (ReplicaSet storefront-687d76d795 Healthy, tagged stable',
    },
    {
      name: 'the stable revision, in colour (the plugin colours unless --no-color)',
      output: o.rolloutTree.replace(/ stable\n/, ' \u001b[32mstable\u001b[0m\n'),
      want: '4',
      outcome: 'pass',
      says: 'tagged stable',
    },
    {
      name: 'a kept, scaled-down revision that is not the stable one proves nothing',
      output: o.rolloutTree,
      want: '3',
      outcome: 'unknown',
      says: 'revision 3 is kept (storefront-5f9b8c7d6e ScaledDown) but is not the stable revision (revision 4 is)',
    },
    {
      name: 'a kept revision whose analysis failed',
      output: o.rolloutTreeWithAnalysis,
      want: '3',
      outcome: 'fail',
      says: 'revision 3 did not pass its analysis (storefront-5f9b8c7d6e-3-2 Failed)',
    },
    { name: 'a pruned revision', output: o.rolloutTree, want: '1', outcome: 'fail', says: 'keeps 5, 4, 3' },
    {
      name: 'the revision being rolled out',
      output: o.rolloutTree,
      want: '5',
      outcome: 'fail',
      says: 'newest',
    },
    {
      name: 'the rollout does not exist',
      output: 'Error: rollouts.argoproj.io "storefront" not found',
      exit: 1,
      want: '4',
      outcome: 'fail',
    },
    {
      name: 'the plugin is not installed',
      output: 'error: unknown command "argo" for "kubectl"',
      exit: 1,
      want: '4',
      outcome: 'unknown',
    },
  ],
  'argo-rollouts-phase': [
    { name: 'Healthy', output: o.rolloutJson('Healthy', ''), outcome: 'pass', says: 'complete' },
    {
      name: 'Degraded after an abort: passes',
      output: o.rolloutJson('Degraded', 'RolloutAborted: Rollout aborted update to revision 5', true),
      outcome: 'pass',
      says: 'stalled',
    },
    {
      name: 'Paused at a canary step: passes with a note',
      output: o.rolloutJson('Paused', 'CanaryPauseStep'),
      outcome: 'pass',
      says: 'abort the rollout',
    },
    {
      name: 'Progressing',
      output: o.rolloutJson('Progressing', 'more replicas need to be updated'),
      outcome: 'fail',
      says: 'progressing',
    },
    { name: 'no status yet', output: JSON.stringify({ kind: 'Rollout', status: {} }), outcome: 'unknown' },
  ],
  'argo-rollouts-aborted': [
    {
      name: 'aborted and Degraded, no weights (basic canary)',
      output: o.rolloutJson('Degraded', 'RolloutAborted: Rollout aborted update to revision 5', true),
      outcome: 'pass',
      says: 'aborted: phase Degraded',
    },
    {
      name: 'aborted, canary weight back to 0',
      output: o.rolloutWith('Degraded', {
        abort: true,
        canary: { weights: { canary: { weight: 0 }, stable: { weight: 100 } } },
      }),
      outcome: 'pass',
      says: 'canary weight 0',
    },
    {
      name: 'aborted but 20% still on the canary',
      output: o.rolloutWith('Degraded', {
        abort: true,
        canary: { weights: { canary: { weight: 20 }, stable: { weight: 80 } } },
      }),
      outcome: 'fail',
      says: '20% of traffic',
    },
    {
      name: 'blueGreen: the active selector is still the new ReplicaSet',
      output: o.rolloutWith('Degraded', { abort: true, blueGreen: { activeSelector: '6cf78c66c5' } }),
      outcome: 'fail',
      says: 'not the stable ReplicaSet 687d76d795',
    },
    {
      name: 'blueGreen: back on stable',
      output: o.rolloutWith('Degraded', { abort: true, blueGreen: { activeSelector: '687d76d795' } }),
      outcome: 'pass',
      says: '= stable',
    },
    {
      name: 'abort set, the controller not there yet',
      output: o.rolloutJson('Progressing', 'more replicas need to be updated', true),
      outcome: 'fail',
      says: 'has not acted yet',
    },
    {
      name: 'Healthy: completed, nothing aborted',
      output: o.rolloutJson('Healthy', ''),
      outcome: 'fail',
      says: 'go on with the undo',
    },
    { name: 'no status yet', output: JSON.stringify({ kind: 'Rollout', status: {} }), outcome: 'unknown' },
  ],
  'flux-ready': [
    {
      name: 'Ready=True',
      output: o.fluxObject([
        {
          type: 'Ready',
          status: 'True',
          reason: 'UpgradeSucceeded',
          message: 'Helm upgrade succeeded for release apps/podinfo.v4 with chart podinfo@6.5.4',
        },
      ]),
      outcome: 'pass',
      says: 'complete',
    },
    {
      name: 'Stalled=True: passes',
      output: o.fluxObject([
        {
          type: 'Ready',
          status: 'False',
          reason: 'UpgradeFailed',
          message: 'Helm upgrade failed: context deadline exceeded',
        },
        {
          type: 'Stalled',
          status: 'True',
          reason: 'RetriesExceeded',
          message: 'Failed to upgrade after 3 attempt(s)',
        },
      ]),
      outcome: 'pass',
      says: 'stalled',
    },
    {
      name: 'Ready=False (last attempt failed): passes',
      output: o.fluxObject([
        { type: 'Ready', status: 'False', reason: 'InstallFailed', message: 'install retries exhausted' },
      ]),
      outcome: 'pass',
      says: 'stalled',
    },
    {
      name: 'Reconciling=True',
      output: o.fluxObject([
        { type: 'Ready', status: 'Unknown', reason: 'Progressing', message: 'Reconciliation in progress' },
        {
          type: 'Reconciling',
          status: 'True',
          reason: 'Progressing',
          message: 'Running upgrade action for release apps/podinfo',
        },
      ]),
      outcome: 'fail',
      says: 'progressing',
    },
    {
      name: 'no conditions',
      output: JSON.stringify({ kind: 'HelmRelease', status: {} }),
      outcome: 'unknown',
    },
    {
      name: 'not found',
      output: 'Error from server (NotFound): helmreleases.helm.toolkit.fluxcd.io "podinfo" not found',
      exit: 1,
      outcome: 'fail',
    },
  ],
  'ecs-task-definition': [
    {
      name: 'ACTIVE',
      output: o.ecsTaskDefinition(41, 'ACTIVE'),
      want: 'orders-worker:41',
      outcome: 'pass',
      says: 'orders-worker:41 is ACTIVE',
    },
    {
      name: 'given as an ARN',
      output: o.ecsTaskDefinition(41, 'ACTIVE'),
      want: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/orders-worker:41',
      outcome: 'pass',
    },
    {
      name: 'deregistered',
      output: o.ecsTaskDefinition(41, 'INACTIVE'),
      want: 'orders-worker:41',
      outcome: 'fail',
      says: 'INACTIVE',
    },
    {
      name: 'never registered',
      output: o.ecsNoTaskDefinition,
      exit: 254,
      want: 'orders-worker:99',
      outcome: 'fail',
      says: 'does not exist',
    },
    {
      name: 'no credentials',
      output: '\nUnable to locate credentials. You can configure credentials by running "aws configure".\n',
      exit: 253,
      want: 'orders-worker:41',
      outcome: 'unknown',
    },
    {
      name: 'not FAMILY:REVISION',
      output: o.ecsTaskDefinition(41, 'ACTIVE'),
      want: 'orders-worker',
      outcome: 'unknown',
    },
  ],
  'ecs-deployments': [
    {
      name: 'COMPLETED',
      output: o.ecsServices([
        {
          status: 'PRIMARY',
          rolloutState: 'COMPLETED',
          reason: 'ECS deployment ecs-svc/9000000000000000000 completed.',
          td: 42,
          running: 4,
        },
      ]),
      outcome: 'pass',
      says: 'complete',
    },
    {
      name: 'FAILED (circuit breaker): passes',
      output: o.ecsServices([
        {
          status: 'PRIMARY',
          rolloutState: 'FAILED',
          reason: 'ECS deployment circuit breaker: tasks failed to start.',
          td: 42,
          running: 0,
        },
        { status: 'ACTIVE', rolloutState: 'COMPLETED', td: 41, running: 4 },
      ]),
      outcome: 'pass',
      says: 'stalled',
    },
    {
      name: 'IN_PROGRESS',
      output: o.ecsServices([
        {
          status: 'PRIMARY',
          rolloutState: 'IN_PROGRESS',
          reason: 'ECS deployment ecs-svc/9000000000000000000 in progress.',
          td: 42,
          running: 2,
        },
        { status: 'ACTIVE', rolloutState: 'COMPLETED', td: 41, running: 2 },
      ]),
      outcome: 'fail',
      says: 'progressing',
    },
    {
      name: 'CODE_DEPLOY controller, two deployments, no rolloutState',
      output: o.ecsServices([
        { status: 'PRIMARY', td: 42, running: 2 },
        { status: 'ACTIVE', td: 41, running: 4 },
      ]),
      outcome: 'fail',
      says: 'progressing',
    },
    { name: 'the service is MISSING', output: o.ecsMissing, outcome: 'fail', says: 'MISSING' },
    {
      name: 'throttled',
      output:
        '\nAn error occurred (ThrottlingException) when calling the DescribeServices operation (reached max retries: 2): Rate exceeded\n',
      exit: 254,
      outcome: 'unknown',
    },
  ],
  'nomad-history': [
    {
      name: 'a tracked stable version',
      output: o.nomadHistory([
        [7, false],
        [6, true],
        [5, true],
      ]),
      want: '6',
      outcome: 'pass',
      says: 'Stable = true: Nomad marks a version stable only when its deployment succeeded',
    },
    {
      name: 'a tracked version never marked stable proves nothing',
      output: o.nomadHistory([
        [7, true],
        [6, false],
        [5, true],
      ]),
      want: '6',
      outcome: 'unknown',
      says: 'never marked stable (Stable = false): its deployment failed, was cancelled or never ran, so nothing proves it worked; the tracked stable versions are 5',
    },
    {
      name: 'an untracked version',
      output: o.nomadHistory([
        [7, false],
        [6, true],
        [5, true],
      ]),
      want: '2',
      outcome: 'fail',
      says: 'not tracked',
    },
    {
      name: 'the version running now',
      output: o.nomadHistory([
        [7, false],
        [6, true],
      ]),
      want: '7',
      outcome: 'fail',
      says: 'newest',
    },
    {
      name: 'the job does not exist',
      output: 'No job(s) with prefix or id "payments" found',
      exit: 1,
      want: '6',
      outcome: 'fail',
    },
    {
      name: 'the text format (no -json)',
      output:
        'Version     = 7\nStable      = false\nSubmit Date = 2026-12-01T05:00:00Z\n\nVersion     = 6\nStable      = true',
      want: '6',
      outcome: 'unknown',
    },
  ],
  'nomad-deployment': [
    {
      name: 'successful',
      output: o.nomadDeployment('successful', 'Deployment completed successfully'),
      outcome: 'pass',
      says: 'complete',
    },
    {
      name: 'failed: passes',
      output: o.nomadDeployment('failed', 'Failed due to unhealthy allocations', 2),
      outcome: 'pass',
      says: '2 unhealthy',
    },
    {
      name: 'running',
      output: o.nomadDeployment('running', 'Deployment is running'),
      outcome: 'fail',
      says: 'progressing',
    },
    {
      name: 'blocked',
      output: o.nomadDeployment('blocked', 'Deployment is blocked waiting on other regions'),
      outcome: 'fail',
    },
    { name: 'no deployment', output: 'No deployment found', outcome: 'unknown' },
  ],
  'lambda-versions': [
    {
      name: 'a published version',
      output: o.lambdaVersions(['$LATEST', '11', '12', '13']),
      want: '12',
      outcome: 'pass',
    },
    {
      name: 'a version that was never published',
      output: o.lambdaVersions(['$LATEST', '11', '12', '13']),
      want: '9',
      outcome: 'fail',
      says: 'not published',
    },
    {
      name: '$LATEST is not a version to return to',
      output: o.lambdaVersions(['$LATEST', '11']),
      want: '$LATEST',
      outcome: 'unknown',
    },
    {
      name: 'the function does not exist',
      output:
        '\nAn error occurred (ResourceNotFoundException) when calling the ListVersionsByFunction operation: Function not found: arn:aws:lambda:eu-west-1:123456789012:function:thumbnailer\n',
      exit: 254,
      want: '12',
      outcome: 'fail',
    },
  ],
  'lambda-alias': [
    {
      name: 'all traffic on one version',
      output: o.lambdaAlias('13'),
      outcome: 'pass',
      says: 'all traffic to version 13',
    },
    {
      name: 'a canary shift under way',
      output: o.lambdaAlias('12', { '13': 0.1 }),
      outcome: 'fail',
      says: '10% to version 13',
    },
    {
      name: 'the alias does not exist',
      output:
        '\nAn error occurred (ResourceNotFoundException) when calling the GetAlias operation: Alias not found: arn:aws:lambda:eu-west-1:123456789012:function:thumbnailer:live\n',
      exit: 254,
      outcome: 'fail',
    },
  ],
  'cloud-run-revisions': [
    {
      name: 'the target revision is Ready',
      output: o.cloudRunRevisions([
        ['hello-00012-xaz', 'True'],
        ['hello-00011-k2d', 'True'],
      ]),
      want: 'hello-00011-k2d=100',
      outcome: 'pass',
    },
    {
      name: 'the target revision is not listed',
      output: o.cloudRunRevisions([['hello-00012-xaz', 'True']]),
      want: 'hello-00009-abc=100',
      outcome: 'fail',
      says: 'not listed',
    },
    {
      name: 'the target revision never became Ready',
      output: o.cloudRunRevisions([
        ['hello-00012-xaz', 'True'],
        ['hello-00011-k2d', 'False'],
      ]),
      want: 'hello-00011-k2d=100',
      outcome: 'fail',
      says: 'not ready',
    },
    {
      name: 'the yaml format',
      output: '---\napiVersion: serving.knative.dev/v1\nkind: Revision',
      want: 'hello-00011-k2d',
      outcome: 'unknown',
    },
  ],
  'cloud-run-service': [
    { name: 'Ready=True', output: o.cloudRunService('True'), outcome: 'pass', says: 'complete' },
    {
      name: 'Ready=False: the latest revision failed, passes',
      output: o.cloudRunService(
        'False',
        'HealthCheckContainerError',
        'Revision hello-00012-xaz is not ready',
      ),
      outcome: 'pass',
      says: 'stalled',
    },
    {
      name: 'Ready=Unknown: a deploy is under way',
      output: o.cloudRunService('Unknown', 'Deploying', 'Creating Revision.'),
      outcome: 'fail',
      says: 'progressing',
    },
    {
      name: 'the service does not exist',
      output: 'ERROR: (gcloud.run.services.describe) Cannot find service [hello]',
      exit: 1,
      outcome: 'fail',
    },
  ],
  // (a gcloud error that is not "not found": unknown)
  'docker-manifest': [
    { name: 'the registry has the image', output: o.dockerManifest, outcome: 'pass' },
    {
      name: 'deleted by a retention policy',
      output: 'no such manifest: ghcr.io/acme/web:1d2e3f4',
      exit: 1,
      outcome: 'fail',
    },
    { name: 'not logged in', output: 'unauthorized: authentication required', exit: 1, outcome: 'unknown' },
  ],
  'compose-up': [
    {
      name: 'two replicas running and healthy',
      output: o.composePs([
        ['ledger-web-1', 'running', 'healthy'],
        ['ledger-web-2', 'running', 'healthy'],
      ]),
      want: 'healthy',
      outcome: 'pass',
      says: 'running and healthy',
    },
    {
      name: 'one replica unhealthy (the table would show "(unhealthy)", which contains "healthy")',
      output: o.composePs([
        ['ledger-web-1', 'running', 'healthy'],
        ['ledger-web-2', 'running', 'unhealthy'],
      ]),
      want: 'healthy',
      outcome: 'fail',
      says: 'ledger-web-2-1 running/unhealthy',
    },
    {
      name: 'still starting',
      output: o.composePs([['ledger-web-1', 'running', 'starting']]),
      want: 'healthy',
      outcome: 'fail',
    },
    {
      name: 'exited after the recreate',
      output: o.composePs([['ledger-web-1', 'exited', '']]),
      outcome: 'fail',
      says: 'exited',
    },
    {
      name: 'no healthcheck: running is all it can say',
      output: o.composePs([['ledger-worker-1', 'running', '']]),
      outcome: 'pass',
      says: 'check the service by hand',
    },
    { name: 'no container', output: '', outcome: 'fail' },
    {
      name: 'not compose output',
      output: 'no configuration file provided: not found',
      exit: 1,
      outcome: 'unknown',
    },
  ],
  'compose-ps': [
    {
      name: 'running and healthy',
      output: o.composePs([
        ['web', 'running', 'healthy'],
        ['worker', 'running', ''],
      ]),
      outcome: 'pass',
      says: 'complete',
    },
    {
      name: 'unhealthy: stalled, passes',
      output: o.composePs([['web', 'running', 'unhealthy']]),
      outcome: 'pass',
      says: 'stalled',
    },
    {
      name: 'crash-looping (restarting): passes',
      output: o.composePs([['web', 'restarting', '']]),
      outcome: 'pass',
      says: 'stalled',
    },
    {
      name: 'still starting',
      output: o.composePs([['web', 'running', 'starting']]),
      outcome: 'fail',
      says: 'progressing',
    },
    {
      name: 'the older array format',
      output: `[${o.composePs([['web', 'running', 'starting']])}]`,
      outcome: 'fail',
    },
    {
      name: 'the table format',
      output: 'NAME          IMAGE   COMMAND   SERVICE   CREATED   STATUS',
      outcome: 'unknown',
    },
  ],
  'release-dirs': [
    {
      name: 'an earlier release',
      output: '20261201050000\n20261128093000\n20261120120000\n',
      want: '20261128093000',
      outcome: 'pass',
    },
    {
      name: 'a release that was cleaned up',
      output: '20261201050000\n20261128093000\n',
      want: '20261101080000',
      outcome: 'fail',
      says: 'not in the releases directory',
    },
    {
      name: 'the newest release',
      output: '20261201050000\n20261128093000\n',
      want: '20261201050000',
      outcome: 'fail',
      says: 'newest',
    },
    {
      name: 'no such directory',
      output: "ls: cannot access 'releases': No such file or directory",
      exit: 2,
      want: '20261128093000',
      outcome: 'unknown',
    },
  ],
  'systemd-state': [
    {
      name: 'active (running)',
      output: o.systemctlShow('active', 'running'),
      outcome: 'pass',
      says: 'complete',
    },
    { name: 'failed: passes', output: o.systemctlShow('failed', 'failed'), outcome: 'pass', says: 'stalled' },
    {
      name: 'crash-looping (activating, auto-restart): passes',
      output: o.systemctlShow('activating', 'auto-restart'),
      outcome: 'pass',
      says: 'crash-loops',
    },
    {
      name: 'activating (start)',
      output: o.systemctlShow('activating', 'start'),
      outcome: 'fail',
      says: 'progressing',
    },
    { name: 'reloading', output: o.systemctlShow('reloading', 'reload'), outcome: 'fail' },
    {
      name: 'no such property output',
      output: 'Failed to connect to bus: No such file or directory',
      exit: 1,
      outcome: 'unknown',
    },
  ],
  'heroku-releases': [
    {
      name: 'an earlier succeeded release',
      output: o.herokuReleases([
        [43, 'succeeded', true],
        [42, 'succeeded', false],
        [41, 'succeeded', false],
      ]),
      want: 'v42',
      outcome: 'pass',
    },
    {
      name: 'the current release',
      output: o.herokuReleases([
        [43, 'succeeded', true],
        [42, 'succeeded', false],
      ]),
      want: 'v43',
      outcome: 'fail',
      says: 'current',
    },
    {
      name: 'a release whose release phase failed',
      output: o.herokuReleases([
        [43, 'succeeded', true],
        [42, 'failed', false],
      ]),
      want: 'v42',
      outcome: 'fail',
      says: 'failed',
    },
    {
      name: 'not listed',
      output: o.herokuReleases([[43, 'succeeded', true]]),
      want: 'v12',
      outcome: 'fail',
      says: 'not listed',
    },
    {
      name: 'the app does not exist',
      output: " ›   Error: Couldn't find that app.\n ›   Error ID: not_found",
      exit: 1,
      want: 'v42',
      outcome: 'fail',
    },
  ],
  'heroku-latest-release': [
    {
      name: 'succeeded',
      output: o.herokuReleases([[43, 'succeeded', true]]),
      outcome: 'pass',
      says: 'complete',
    },
    {
      name: 'failed release phase: passes',
      output: o.herokuReleases([
        [44, 'failed', false],
        [43, 'succeeded', true],
      ]),
      outcome: 'pass',
      says: 'stalled',
    },
    {
      name: 'the release phase is running',
      output: o.herokuReleases([
        [44, 'pending', false],
        [43, 'succeeded', true],
      ]),
      outcome: 'fail',
      says: 'progressing',
    },
    { name: 'not JSON', output: '=== shop Releases - Current: v43', outcome: 'unknown' },
  ],
  'git-commit': [
    {
      name: 'the commit exists',
      output: 'd956073a1b2c3d4e5f60718293a4b5c6d7e8f901\n',
      want: 'd956073',
      outcome: 'pass',
    },
    {
      name: 'not in this clone',
      output: 'fatal: Needed a single revision',
      exit: 128,
      want: 'deadbeef',
      outcome: 'fail',
      says: 'not in this clone',
    },
    {
      name: 'a tree or blob: rev-list prints nothing',
      output: '',
      want: '4b825dc642cb6eb9a060e54bf8d69288fbee4904',
      outcome: 'fail',
      says: 'not a commit',
    },
    {
      name: 'something else printed',
      output: 'warning: refname is ambiguous',
      want: 'd956073',
      outcome: 'unknown',
    },
  ],
  'terraform-lock': [
    {
      name: 'no changes',
      output: 'No changes. Your infrastructure matches the configuration.',
      outcome: 'pass',
      says: 'complete',
    },
    {
      name: 'changes pending (exit 2)',
      output: 'Plan: 0 to add, 1 to change, 0 to destroy.',
      exit: 2,
      outcome: 'pass',
      says: 'pending changes',
    },
    {
      name: 'an apply holds the lock',
      output:
        '╷\n│ Error: Error acquiring the state lock\n│ \n│ Error message: ConditionalCheckFailedException: The conditional request failed\n│ Lock Info:\n│   ID:        4f1e0c2a-1b2c-3d4e-5f60-718293a4b5c6\n│   Operation: OperationTypeApply\n╵',
      exit: 1,
      outcome: 'fail',
      says: 'progressing',
    },
    {
      name: 'another error',
      output: '╷\n│ Error: No valid credential sources found\n╵',
      exit: 1,
      outcome: 'unknown',
    },
  ],
};

describe('every probe reads the real output format', () => {
  it('every probe has a case where it passes and one where it fails, and no table names an unknown probe', () => {
    expect(Object.keys(TABLE).sort()).toEqual(PROBES.map((p) => p.id).sort());
    for (const p of PROBES) {
      const outcomes = (TABLE[p.id] ?? []).map((c) => c.outcome);
      // a probe whose output can never prove a pass says why, and its table has no pass
      if (p.neverPasses) expect(outcomes, p.id).not.toContain('pass');
      else expect(outcomes, p.id).toContain('pass');
      expect(outcomes, p.id).toContain('fail');
    }
  });

  for (const [id, cases] of Object.entries(TABLE)) {
    for (const c of cases) {
      it(`${id}: ${c.name} → ${c.outcome}`, () => {
        const r = runProbe(id, {
          output: c.output,
          exitCode: c.exit ?? 0,
          ...(c.want !== undefined ? { want: c.want } : {}),
          ...(c.since !== undefined ? { since: c.since, now: c.now ?? c.since + 60 } : {}),
        });
        expect(r.outcome, r.note).toBe(c.outcome);
        if (c.says) expect(r.note).toContain(c.says);
        // only the cases that name a question ask one: a FAIL or a plain UNKNOWN never asks a person
        if (c.asks) expect(r.confirm).toContain(c.asks);
        else expect(r.confirm).toBeUndefined();
      });
    }
  }

  it('a probe that wants a value and gets none is unknown', () => {
    expect(
      runProbe('helm-history', { output: o.helmHistory([[1, 'superseded', 'x']]), exitCode: 0 }).outcome,
    ).toBe('unknown');
  });
});

/** A context each platform module can plan with: named resources, known namespace and region. */
const CTX: Record<PlatformId, Parameters<typeof ctxOf>> = {
  kubernetes: ['kubernetes'],
  helm: [
    'helm',
    { kind: 'HelmRelease', name: 'catalog-web', helm: { release: 'catalog-web', chart: 'catalog-web' } },
  ],
  'argo-rollouts': ['argo-rollouts', { kind: 'Rollout', name: 'storefront' }],
  argocd: ['argocd', { kind: 'Application', name: 'storefront' }],
  flux: ['flux', { kind: 'HelmRelease', name: 'podinfo', flux: { helmRelease: 'podinfo' } }],
  ecs: [
    'ecs',
    { kind: 'Service', name: 'orders-worker', ecs: { cluster: 'prod' } },
    {},
    { deploy: { manifests: [], target: { region: 'eu-west-1' } } },
  ],
  lambda: [
    'lambda',
    { kind: 'Function', name: 'thumbnailer', lambda: { function: 'thumbnailer', alias: 'live' } },
  ],
  'cloud-run': [
    'cloud-run',
    { kind: 'Service', name: 'hello', cloudRun: { service: 'hello', region: 'europe-west1' } },
  ],
  nomad: ['nomad', { kind: 'Job', name: 'payments' }],
  heroku: ['heroku', { kind: 'App', name: 'shop' }],
  vm: [
    'vm',
    { kind: 'Service', name: 'shop', vm: { unit: 'shop.service' } },
    {},
    { deploy: { manifests: [], target: { deployTo: '/srv/shop' } } },
  ],
  terraform: ['terraform', { kind: 'Root', name: 'infra' }],
  compose: ['compose', { kind: 'Service', name: 'web' }],
};

const varsOf = (argv: unknown[]) =>
  argv.flatMap((a) =>
    typeof a === 'object' && a !== null && 'var' in a ? [(a as { var: string }).var] : [],
  );

describe('every platform gates the rollback with a read-only probe', () => {
  for (const [id, platform] of Object.entries(PLATFORMS)) {
    it(`${id}: the target-revision and deploy-state checks read the output, and look for the revision the rollback uses`, () => {
      const ctx = ctxOf(...CTX[id as PlatformId]);
      const rev = platform.revisionCheck?.(ctx) as Check;
      const state = platform.deployStateCheck?.(ctx) as Check;
      for (const c of [rev, state]) {
        expect(c?.command?.readOnly, id).toBe(true);
        // parsed: a probe, or the kubectl readings (history first column, status output rules)
        expect(!!c.probe || !!c.listsRevision || (c.outcomes?.length ?? 0) > 0, id).toBe(true);
      }
      const wanted = rev.probe?.want ?? rev.listsRevision;
      const rb = platform.rollback(ctx);
      const used = new Set([
        ...rb.steps.flatMap((s) => s.commands.flatMap((cmd) => varsOf(cmd.argv))),
        ...rb.inputs.map((i) => i.name),
      ]);
      if (wanted !== undefined && typeof wanted !== 'string') expect([...used], id).toContain(wanted.var);
    });
  }
});

describe('the runbook pipes the output to the built CLI', () => {
  const bin = 'bin/rollbook.js';
  it.runIf(existsSync('dist/cli/main.js'))('rollbook probe prints the verdict line and exits 0 / 1', () => {
    const run = (args: string[], input: string) =>
      spawnSync(process.execPath, [bin, 'probe', ...args], { input, encoding: 'utf8' });
    const ok = run(
      ['ecs-deployments'],
      o.ecsServices([{ status: 'PRIMARY', rolloutState: 'FAILED', td: 42, running: 0 }]),
    );
    expect(ok.stdout).toMatch(/^PASS stalled: /);
    expect(ok.status).toBe(0);
    const absent = run(
      ['nomad-history', '--want=2', '--exit-code=0'],
      o.nomadHistory([
        [7, false],
        [6, true],
      ]),
    );
    expect(absent.stdout).toMatch(/^FAIL version 2 is not tracked/);
    expect(absent.status).toBe(1);
    const error = run(['helm-status', '--exit-code=1'], 'Error: Kubernetes cluster unreachable');
    expect(error.stdout).toMatch(/^UNKNOWN could not prove: /);
    expect(error.status).toBe(1);
    expect(run(['no-such-probe'], '').status).toBe(2);
    // --since is this machine's clock; the save's age is read on the server's: a server an hour behind,
    // saved 5 s ago in a run that started 20 s ago, passes (compared with --since, it failed)
    const local = Math.floor(Date.now() / 1000);
    const skewed = run(
      ['redis-bgsave', `--since=${local - 20}`],
      o.redisPersistence(0, 'ok', local - 3600 - 5, local - 3600),
    );
    expect(skewed.stdout).toMatch(/^PASS the background save of /);
    expect(skewed.status).toBe(0);
  });
});
