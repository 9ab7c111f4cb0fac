/**
 * Every gate of a real plan (examples/ledger-api: Kubernetes + dbmate on PostgreSQL) checks what its
 * title says with its own read-only probe: for each, the generated script reads realistic tool output
 * where the probe passes and where it fails. The probe is replaced by a stub that prints that output
 * with that exit code; the reading is the script's.
 */
import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Check, Gate, Plan } from '../../src/model/plan.js';
import { GATE_IDS } from '../../src/planner/index.js';
import { renderSh } from '../../src/renderers/sh.js';
import { examplePlans } from './examples.js';
import { lowRiskPlan } from './plans.js';
import { runScript, sandbox } from './sh-harness.js';

let ledger: Plan;
beforeAll(async () => {
  ledger = (await examplePlans())['ledger-api']!;
});

const gate = (id: string): Gate => {
  const g = ledger.gates.find((x) => x.id === id);
  if (!g) throw new Error(`no gate ${id} in the ledger-api plan`);
  return g;
};

/** A plan with this gate, one step that requires it, nothing else that runs a command. */
function onlyGate(g: Gate): Plan {
  const p = lowRiskPlan();
  p.gates = [g];
  p.inputs = ledger.inputs
    .filter((i) => i.name !== 'TARGET_SCHEMA_VERSION')
    .map(({ discover: _d, ...i }) => i);
  p.runbook = [
    {
      id: 'after-the-gate',
      title: 'The step after the gate',
      commands: [],
      expectedSeconds: 1,
      maxSeconds: 1,
      check: { expect: 'done', timeoutSeconds: 1, retries: 0, manual: true },
      onFailure: 'stop',
      touchesData: false,
      requiresGates: [g.id],
    },
  ];
  p.verification.checks = [];
  return p;
}

/** A plan whose only step has this check and no command: the check alone decides. */
function onlyCheck(check: Check): Plan {
  const p = onlyGate(gate(GATE_IDS.noDeploy));
  p.gates = [];
  p.runbook[0] = { ...p.runbook[0]!, requiresGates: [], check };
  return p;
}

interface Case {
  name: string;
  stdout: string;
  exit?: number;
  /** Answers after the inputs (e.g. the data owner's acceptance). */
  answers?: string[];
  pass: boolean;
  shows?: string;
  prepare?: (cwd: string) => void;
}

function runGate(plan: Plan, inputs: Record<string, string>, c: Case) {
  const sb = sandbox(plan, renderSh(plan));
  c.prepare?.(sb.cwd);
  const asked = plan.inputs.filter((i) => inputs[i.name] !== undefined).map((i) => inputs[i.name]!);
  return runScript(sb, ['--yes'], [...asked, ...(c.answers ?? []), 'y'], {
    RBSTUB_STDOUT: c.stdout,
    RBSTUB_EXIT: String(c.exit ?? 0),
  });
}

/** A dump file in the run's directory, written `offsetMs` from now (later than the run start, or earlier). */
const dump = (content: string, offsetMs: number) => (cwd: string) => {
  writeFileSync(join(cwd, 'ledger.dump'), content);
  const when = new Date(Date.now() + offsetMs);
  utimesSync(join(cwd, 'ledger.dump'), when, when);
};

const HISTORY = `deployment.apps/ledger-api
REVISION  CHANGE-CAUSE
1         <none>
2         <none>
3         <none>
`;

const GATES: Record<string, { inputs: Record<string, string>; cases: Case[] }> = {
  [GATE_IDS.targetExists]: {
    inputs: { TARGET_REVISION: '2' },
    cases: [
      {
        name: 'the history lists revision 2',
        stdout: HISTORY,
        pass: true,
        shows: 'revision 2 is in the history',
      },
      {
        name: 'revision 2 was pruned (only 12 and 13 are left)',
        stdout: 'deployment.apps/ledger-api\nREVISION  CHANGE-CAUSE\n12        <none>\n13        <none>\n',
        pass: false,
        shows: 'revision 2 is not in the history',
      },
      {
        name: 'the deployment does not exist',
        stdout: 'Error from server (NotFound): deployments.apps "ledger-api" not found',
        exit: 1,
        pass: false,
      },
    ],
  },
  [GATE_IDS.artifact]: {
    inputs: { TARGET_IMAGE: 'ghcr.io/acme/ledger-api:1d2e3f4' },
    cases: [
      {
        name: 'the manifest is returned',
        stdout: '{\n  "schemaVersion": 2,\n  "mediaType": "application/vnd.oci.image.index.v1+json"\n}',
        pass: true,
      },
      {
        name: 'the tag was deleted by a retention policy',
        stdout: 'no such manifest: ghcr.io/acme/ledger-api:1d2e3f4',
        exit: 1,
        pass: false,
      },
    ],
  },
  [GATE_IDS.inFlight]: {
    inputs: { DATABASE_URL: 'postgres://rb:pw@db.internal:5432/ledger' },
    cases: [
      {
        name: 'nothing dirty, failed or running',
        stdout:
          'migrations status: postgres://rb:***@db.internal:5432/ledger (PostgreSQL 15.18, read-only session)\n  schema_migrations (dbmate): version 20261110080000\nPASS no migration is dirty, failed or running',
        pass: true,
      },
      {
        name: 'a dirty golang-migrate version',
        stdout:
          'migrations status: postgres://rb:***@db.internal:5432/ledger (PostgreSQL 15.18, read-only session)\n  schema_migrations (golang-migrate): version 4\n  DIRTY 4: version 4 is dirty: a migration failed half-way\nFAIL 1 migration(s) dirty, failed or running: the schema is in an unknown state',
        exit: 1,
        pass: false,
      },
      {
        name: 'no history table: could not prove',
        stdout: 'UNKNOWN could not prove: no migration history table was found',
        exit: 1,
        pass: false,
      },
    ],
  },
  [GATE_IDS.noDeploy]: {
    inputs: {},
    cases: [
      {
        name: 'complete',
        stdout: 'deployment "ledger-api" successfully rolled out',
        pass: true,
        shows: 'complete: no rollout in progress',
      },
      {
        name: 'stalled: passes with a note',
        stdout: 'error: deployment "ledger-api" exceeded its progress deadline',
        exit: 1,
        pass: true,
        shows: 'stalled: the rollout exceeded its progress deadline',
      },
      {
        name: 'exit 0 with output no rule knows (e.g. a wrapper printing nothing)',
        stdout:
          'Unable to connect to the server: dial tcp 10.0.0.1:443: i/o timeout (retried by a wrapper that exits 0)',
        pass: false,
        shows: 'matches none of the outcomes',
      },
      {
        name: 'progressing',
        stdout:
          'Waiting for deployment "ledger-api" rollout to finish: 1 out of 3 new replicas have been updated...',
        pass: false,
        shows: 'progressing: a rollout is still under way',
      },
    ],
  },
  [GATE_IDS.backup]: {
    inputs: { BACKUP_FILE: 'ledger.dump' },
    cases: [
      {
        name: 'written in this run, lists the tables',
        stdout:
          ';\n; Archive created at 2026-12-01 01:00:00 UTC\n;\n215; 1259 16386 TABLE public entries postgres\n217; 1259 16399 TABLE public reversals postgres\n219; 1259 16410 TABLE public schema_migrations postgres',
        prepare: dump('PGDMP', 60_000),
        pass: true,
        shows: 'was written during this run and is not empty',
      },
      {
        name: "yesterday's dump",
        stdout:
          '215; 1259 16386 TABLE public entries postgres\n217; 1259 16399 TABLE public reversals postgres',
        prepare: dump('PGDMP', -86_400_000),
        pass: false,
        shows: 'was not written during this run',
      },
      {
        name: 'an empty file',
        stdout: '',
        prepare: dump('', 60_000),
        pass: false,
        shows: 'does not exist or is empty',
      },
      {
        name: 'a dump of another database (the tables are missing)',
        stdout: '215; 1259 16386 TABLE public users postgres',
        prepare: dump('PGDMP', 60_000),
        pass: false,
        shows: 'no line of the output matches',
      },
    ],
  },
  [GATE_IDS.dataVerified]: {
    inputs: { CURRENT_REF: 'HEAD', TARGET_REF: 'v1' },
    cases: [
      {
        name: 'every down restores the schema without loss',
        stdout:
          '3 pass, 0 fail, 0 unknown, 0 skipped\nverified: every down checked restores the schema and keeps the seeded rows',
        pass: true,
      },
      {
        name: 'exit 0 but no verdict line (an older rollbook, or a wrapper that swallowed the exit code)',
        stdout: '0 pass, 0 fail, 0 unknown, 3 skipped',
        pass: false,
        shows: 'matches none of the outcomes',
      },
      {
        name: 'losses only, accepted by the data owner',
        stdout:
          '  FAIL    20261020120000 entry_memo: down loses data in public.entries (column(s) memo)\n\ndata loss only: every failing down restores the schema; 1 lose(s) data: 20261020120000 entry_memo. A data owner may accept these losses; nothing else failed.\n0 pass, 1 fail, 0 unknown, 0 skipped',
        exit: 1,
        answers: ['Dana Owner', 'I accept the data loss'],
        pass: true,
        shows: 'OK: data loss accepted by Dana Owner',
      },
      {
        name: 'losses only, not accepted (the phrase was not typed)',
        stdout:
          'data loss only: every failing down restores the schema; 1 lose(s) data\n0 pass, 1 fail, 0 unknown, 0 skipped',
        exit: 1,
        answers: ['Dana Owner', 'yes'],
        pass: false,
      },
      {
        name: 'a down that fails: nothing can accept it',
        stdout:
          '  FAIL    20261110080000 create_reversals: down fails at db/migrations/20261110080000_create_reversals.sql:9:1: table "reversals" does not exist (42P01)\n0 pass, 1 fail, 0 unknown, 0 skipped',
        exit: 1,
        pass: false,
      },
    ],
  },
};

describe('every gate reads its own probe (ledger-api)', () => {
  it('the plan has each gate this test covers', () => {
    expect(
      ledger.gates
        .map((g) => g.id)
        .filter((id) => id !== GATE_IDS.compatibility)
        .sort(),
    ).toEqual(Object.keys(GATES).sort());
  });

  for (const [id, { inputs, cases }] of Object.entries(GATES)) {
    for (const c of cases) {
      it(`${id}: ${c.name} → ${c.pass ? 'passes' : 'fails'}`, () => {
        const r = runGate(onlyGate(gate(id)), inputs, c);
        if (c.shows) expect(r.stdout).toContain(c.shows);
        if (c.pass) {
          expect(r.stdout).toContain('OK: gate 1:');
          expect(r.status).toBe(0);
        } else {
          expect(r.stdout).toContain('blocking gate 1 failed');
          expect(r.status).toBe(1);
          expect(r.stdout).not.toContain('Step 1/1');
        }
      });
    }
  }
});

describe('the data step check reads the schema version from the tool', () => {
  const dbmateStatus = (applied: number) =>
    [
      '20260301090000_create_entries.sql',
      '20261020120000_entry_memo.sql',
      '20261110080000_create_reversals.sql',
    ]
      .map((f, i) => `[${i < applied ? 'X' : ' '}] ${f}`)
      .concat('', `Applied: ${applied}`, `Pending: ${3 - applied}`)
      .join('\n');

  const cases: (Case & { tool: string; target: string })[] = [
    {
      name: 'dbmate at the target',
      tool: 'dbmate',
      target: '20260301090000',
      stdout: dbmateStatus(1),
      pass: true,
    },
    {
      name: 'dbmate one migration short',
      tool: 'dbmate',
      target: '20260301090000',
      stdout: dbmateStatus(2),
      pass: false,
    },
    { name: 'golang-migrate at the target', tool: 'golang-migrate', target: '2', stdout: '2', pass: true },
    {
      name: 'golang-migrate dirty after `migrate goto 2`',
      tool: 'golang-migrate',
      target: '4',
      stdout: '4 (dirty)',
      pass: false,
      shows: 'a migration failed half-way',
    },
    {
      name: 'goose at the target',
      tool: 'goose',
      target: '3',
      stdout: '2026/12/01 01:00:00 goose: version 3',
      pass: true,
    },
    { name: 'output not understood', tool: 'goose', target: '3', stdout: 'connection refused', pass: false },
  ];
  for (const c of cases) {
    it(`${c.name} → ${c.pass ? 'passes' : 'fails'}`, () => {
      const check: Check = {
        command: { argv: ['rbstub', 'status'], readOnly: true },
        expect: 'the target version, not dirty',
        schemaVersion: { tool: c.tool, target: { var: 'TARGET_SCHEMA_VERSION' } },
        timeoutSeconds: 5,
        retries: 0,
      };
      const plan = onlyCheck(check);
      plan.inputs = [{ name: 'TARGET_SCHEMA_VERSION', description: 'target' }];
      const sb = sandbox(plan, renderSh(plan));
      const r = runScript(sb, ['--yes'], [c.target], { RBSTUB_STDOUT: c.stdout });
      if (c.shows) expect(r.stdout).toContain(c.shows);
      expect(r.status).toBe(c.pass ? 0 : 1);
      if (!c.pass) expect(r.stdout).toContain('step 1 FAILED');
    });
  }
});
