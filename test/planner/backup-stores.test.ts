/**
 * The backup step for the stores rollbook models besides PostgreSQL (item 3 of issue 12): DynamoDB
 * (on-demand backup, then the backup of this run AVAILABLE), S3 (versioning Enabled) and Redis (BGSAVE,
 * then a save finished during this run). Every format shows the same step: the commands that take it
 * and the check that reads it back. The probes' pass/fail readings are in test/probes/probes.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, plan, render } from '../../src/index.js';
import type { Plan } from '../../src/model/plan.js';
import { runProbe } from '../../src/probes/index.js';
import { renderCommand } from '../../src/util/shell.js';
import { PG_DUMPALL_SH, service, workload } from '../platforms/helpers.js';
import { dynamodbBackups, dynamodbCreated } from '../probes/outputs.js';

function planWith(store: string): Plan {
  const svc = service({
    name: 'orders-worker',
    deploy: {
      platform: 'kubernetes',
      manifests: [],
      workload: 'deployment/orders-worker',
      namespace: 'shop',
    },
    writes: [{ store, dualWrite: true, external: false, description: 'written by the new version' }],
  });
  return plan(svc, analyze(svc));
}

const STORES = [
  {
    store: 'dynamodb://shipments',
    take: `sh -c 'set -e; out="$1"; shift; : > "$out"; for t in "$@"; do aws dynamodb create-backup --table-name "$t" --backup-name "$t-before-rollback" --output json >> "$out"; done' sh "\${DYNAMODB_BACKUP_FILE}" shipments`,
    check: `sh -c 'set -e; cat -- "$1"; shift; for t in "$@"; do aws dynamodb list-backups --table-name "$t" --backup-type USER --output json; done' sh "\${DYNAMODB_BACKUP_FILE}" shipments`,
    probe: 'dynamodb-backup',
  },
  {
    store: 's3://acme-receipts',
    take: 'S3 bucket acme-receipts: objects are protected by versioning only',
    check: 'aws s3api get-bucket-versioning --bucket=acme-receipts',
    probe: 's3-versioning',
  },
  {
    store: 'redis://sessions',
    take: 'redis-cli -u "${REDIS_URL}" BGSAVE',
    check: 'redis-cli -u "${REDIS_URL}" INFO',
    probe: 'redis-bgsave',
  },
];

describe('the backup step for DynamoDB, S3 and Redis', () => {
  for (const s of STORES) {
    it(`${s.store}: a step before the data step, a probe that reads it back, shown the same in md, json, sh and html`, () => {
      const p = planWith(s.store);
      const step = p.runbook.find((st) => st.id === 'take-backup');
      expect(step, 'take-backup step').toBeDefined();
      const shown = step!.commands.map((c) => (c.argv.length ? renderCommand(c) : (c.manual ?? '')));
      expect(shown.join('\n')).toContain(s.take);
      const gate = p.gates.find((g) => g.kind === 'backup');
      expect(gate?.check.probe?.id).toBe(s.probe);
      expect(renderCommand(gate!.check.command!)).toBe(s.check);
      // Redis reads the save's age on the server's clock against the run's length; DynamoDB compares no
      // clock: the ARN create-backup returned, saved to a file written during this run
      expect(gate?.check.probe?.since).toBe(s.probe === 'redis-bgsave' ? true : undefined);
      if (s.probe === 'dynamodb-backup') {
        expect(gate?.check.freshFile).toEqual({ var: 'DYNAMODB_BACKUP_FILE' });
        expect(gate?.check.probe?.want).toBe('shipments');
        expect(p.inputs.map((i) => i.name)).toContain('DYNAMODB_BACKUP_FILE');
      }
      for (const format of ['md', 'json', 'sh', 'html']) {
        const out = render(p, format);
        const text =
          format === 'html'
            ? out
                .replaceAll('&quot;', '"')
                .replaceAll('&#39;', "'")
                .replaceAll('&gt;', '>')
                .replaceAll('&amp;', '&')
            : out;
        // sh quotes each word itself: compare the words
        const words = (cmd: string) =>
          format === 'sh' ? cmd.split(' ')[0]! : format === 'json' ? JSON.stringify(cmd).slice(1, -1) : cmd;
        expect(text, `${format} shows the take command`).toContain(words(s.take.split(':')[0]!));
        expect(text, `${format} shows the check`).toContain(format === 'sh' ? s.probe : words(s.check));
      }
      const sh = render(p, 'sh');
      expect(sh).toContain(`rb_c_probe=${s.probe}`);
      if (s.probe === 'redis-bgsave') expect(sh).toContain('rb_c_probe_since=1');
      else expect(sh).not.toContain('rb_c_probe_since=1');
    });
  }
});

describe('the backup step for state the workload itself holds (rule stateful-data)', () => {
  it('claim templates with no dump: a manual snapshot naming each PVC (template × replicas), -n and --context', () => {
    const svc = service({
      name: 'events',
      deploy: {
        platform: 'kubernetes',
        manifests: [],
        workload: 'statefulset/kafka',
        namespace: 'streams',
        context: 'prod-eu',
      },
      workloads: [
        workload(
          'kubernetes',
          {
            kind: 'StatefulSet',
            name: 'kafka',
            namespace: 'streams',
            state: [
              { kind: 'volume-claim-template', name: 'data' },
              { kind: 'data-image', name: 'bitnami/kafka', engine: 'kafka' },
            ],
          },
          { replicas: { value: 3 } },
        ),
      ],
    });
    const p = plan(svc, analyze(svc));
    const step = p.runbook.find((s) => s.id === 'take-backup');
    expect(step?.title).toBe(
      'Take the backup now: PersistentVolumeClaims data-kafka-0, data-kafka-1, data-kafka-2 in namespace streams',
    );
    expect(step?.commands.map((c) => c.manual)).toEqual([
      "Snapshot PersistentVolumeClaims data-kafka-0, data-kafka-1, data-kafka-2 in namespace streams: a VolumeSnapshot per claim (spec.source.persistentVolumeClaimName, a VolumeSnapshotClass of the cluster's CSI driver) or the storage provider's disk snapshot; wait until readyToUse is true.",
    ]);
    const gate = p.gates.find((g) => g.kind === 'backup');
    expect(gate?.check.manual).toBe(true);
    expect(gate?.status).toBe('unknown');
    expect(p.risk).toBe('high');
  });

  const pgService = (name: string) =>
    service({
      name: 'db',
      deploy: {
        platform: 'kubernetes',
        manifests: [],
        workload: `statefulset/${name}`,
        namespace: 'data',
        context: 'prod',
      },
      workloads: [
        workload('kubernetes', {
          kind: 'StatefulSet',
          name,
          namespace: 'data',
          state: [{ kind: 'data-image', name: 'postgres', engine: 'postgres' }],
        }),
      ],
    });
  const backupCommands = (p: Plan) =>
    p.runbook.find((s) => s.id === 'take-backup')?.commands.map((c) => c.manual ?? renderCommand(c));

  it('a postgres StatefulSet: pg_dumpall through pod NAME-0 with --context and -n; a name kubectl could read as an option gets no command', () => {
    const ok = pgService('pg');
    expect(backupCommands(plan(ok, analyze(ok)))).toEqual([
      `kubectl --context=prod -n data exec pod/pg-0 -- sh -c ${PG_DUMPALL_SH}`,
      `kubectl --context=prod -n data cp pg-0:/tmp/rollbook-dumpall.sql "\${DB_DUMP_FILE}"`,
    ]);
    const bad = pgService('-pg');
    const cmds = backupCommands(plan(bad, analyze(bad))) ?? [];
    expect(cmds.length).toBeGreaterThan(0);
    expect(cmds.join('\n')).not.toContain('kubectl');
  });
});

describe('a chart with CRDs in templates/ and a migration hook (shop-monorepo payments)', () => {
  it('saves the custom resources with kubectl get -o yaml, and names the hook whose database it cannot name', async () => {
    const { design } = await import('../shapes/helpers.js');
    const p = await design('shop-monorepo', 'deployment/payments');
    const step = p.runbook.find((s) => s.id === 'take-backup');
    expect(step?.title).toBe(
      'Take the backup now: the custom resources of CRD paymentroutes.payments.acme.io (all namespaces); the database payments-migrate migrates',
    );
    expect(step?.commands.map((c) => c.manual ?? renderCommand(c))).toEqual([
      `sh -c 'out="$1"; shift; kubectl "$@" > "$out"' sh "\${CR_BACKUP_FILE}" get paymentroutes.payments.acme.io --all-namespaces -o yaml`,
      expect.stringMatching(
        /^Back up the database that Job payments-migrate \(services\/payments\/chart\/templates\/migrate-job\.yaml:6\) migrates .*rollbook cannot name it/,
      ),
    ]);
    const gates = p.gates.filter((g) => g.kind === 'backup');
    expect(gates.map((g) => g.check.command && renderCommand(g.check.command))).toEqual([
      `grep -c -x -- 'kind: List' "\${CR_BACKUP_FILE}"`,
      undefined,
    ]);
    expect(gates[0]?.check.freshFile).toEqual({ var: 'CR_BACKUP_FILE' });
    expect(gates[1]?.check.manual).toBe(true);
    expect(p.inputs.map((i) => i.name)).toContain('CR_BACKUP_FILE');
  });

  it('the save command keeps a hostile output path one word: the file is written under that exact name', async () => {
    const { spawnSync } = await import('node:child_process');
    const { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = await import(
      'node:fs'
    );
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { design } = await import('../shapes/helpers.js');
    const p = await design('shop-monorepo', 'deployment/payments');
    const save = p.runbook.find((s) => s.id === 'take-backup')?.commands[0];
    const dir = mkdtempSync(join(tmpdir(), 'rollbook-crsave-'));
    try {
      writeFileSync(join(dir, 'kubectl'), '#!/bin/sh\nprintf "kind: List\\nargs: %s\\n" "$*"\n');
      chmodSync(join(dir, 'kubectl'), 0o755);
      const hostile = join(dir, 'out $(touch pwned); x.yaml');
      const argv = (save?.argv ?? []).map((a) => (typeof a === 'string' ? a : hostile));
      const r = spawnSync(argv[0] as string, argv.slice(1) as string[], {
        cwd: dir,
        env: { PATH: `${dir}:/usr/bin:/bin` },
        encoding: 'utf8',
      });
      expect(r.status, r.stderr).toBe(0);
      expect(readFileSync(hostile, 'utf8')).toBe(
        'kind: List\nargs: get paymentroutes.payments.acme.io --all-namespaces -o yaml\n',
      );
      expect(existsSync(join(dir, 'pwned'))).toBe(false);
      const script = join(dir, 'save.sh');
      writeFileSync(script, `#!/bin/sh\n${argv[2]}\n`);
      expect(spawnSync('shellcheck', ['-s', 'sh', script], { encoding: 'utf8' }).status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('DynamoDB: the backup step saves what AWS returned, the check finds that backup by its ARN', () => {
  it('the take and check scripts run (a stand-in aws), pass shellcheck, and the probe passes on their output', () => {
    const p = planWith('dynamodb://shipments');
    const take = p.runbook.find((s) => s.id === 'take-backup')?.commands[0];
    const check = p.gates.find((g) => g.kind === 'backup')?.check.command;
    const dir = mkdtempSync(join(tmpdir(), 'rollbook-ddb-'));
    try {
      const bin = join(dir, 'bin');
      mkdirSync(bin);
      // create-backup answers with BackupDetails; list-backups lists an older backup of the same name and this one
      const created = dynamodbCreated('shipments', 1);
      const listed = dynamodbBackups([
        ['shipments-before-rollback', 'AVAILABLE', '2026-11-30T05:20:00+00:00'],
        ['shipments-before-rollback', 'AVAILABLE', '2026-12-01T05:20:00+00:00'],
      ]);
      writeFileSync(join(dir, 'created.json'), created);
      writeFileSync(join(dir, 'listed.json'), listed);
      writeFileSync(
        join(bin, 'aws'),
        `#!/bin/sh\ncase "$2" in create-backup) cat ${join(dir, 'created.json')} ;; list-backups) cat ${join(dir, 'listed.json')} ;; esac\n`,
      );
      chmodSync(join(bin, 'aws'), 0o755);
      const file = join(dir, 'backups.json');
      const argv = (c: typeof take) =>
        (c?.argv ?? []).map((a) =>
          typeof a === 'string' ? a : a.var === 'DYNAMODB_BACKUP_FILE' ? file : '',
        );
      const env = { PATH: `${bin}:/usr/bin:/bin` };
      const [cmd, ...args] = argv(take);
      expect(spawnSync(cmd!, args, { env, encoding: 'utf8' }).status).toBe(0);
      const [ccmd, ...cargs] = argv(check);
      const out = spawnSync(ccmd!, cargs, { env, encoding: 'utf8' });
      expect(out.status).toBe(0);
      const verdict = runProbe('dynamodb-backup', { output: out.stdout, exitCode: 0, want: 'shipments' });
      expect(verdict.outcome, verdict.note).toBe('pass');
      expect(verdict.note).toContain('2026-12-01T05:20:00Z');
      for (const c of [take, check]) {
        const f = join(dir, 'script.sh');
        writeFileSync(f, `#!/bin/sh\n${c?.argv[2] as string}\n`);
        const r = spawnSync('shellcheck', ['-s', 'sh', f], { encoding: 'utf8' });
        expect(r.status, r.stdout).toBe(0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
