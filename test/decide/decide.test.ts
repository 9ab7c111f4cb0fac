/**
 * `rollbook decide` on a real git history built here: v1 → v2 changes only code (an image), v2 →
 * v3 adds a migration the previous version cannot run on (a rename) and a one-way enum value. The
 * design is read from git as `rollbook plan` reads it; the CLI runs in-process, and once as the
 * built binary without a terminal (stdin is a pipe: nothing is asked, the facts become assumptions).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDesign } from '../../src/cli/design.js';
import { decide } from '../../src/decide/index.js';
import type { DecisionReport } from '../../src/model/decide.js';
import { decisionJsonSchema } from '../../src/renderers/decide/schema.js';
import { bin, cli } from '../helpers/cli.js';
import { commit, deployment as orders, tempRepo, write } from '../helpers/git-repo.js';

const deployment = (tag: string) => orders(`ghcr.io/acme/orders:${tag}`, 4);

const DESCRIPTOR = `version: 1
service: orders
deploy: { platform: kubernetes, workload: deployment/orders, namespace: shop, manifests: [k8s] }
state:
  migrations: { tool: golang-migrate, path: db/migrations }
  flags:
    - { provider: flagd, file: flags/flags.json, killSwitches: [new-checkout] }
roles:
  rollback: [on-call-primary]
  dataRollback: [incident-commander, database-owner]
`;

const FLAGS = `${JSON.stringify({
  flags: { 'new-checkout': { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on' } },
})}\n`;

let repo: { root: string; cleanup: () => void };
beforeAll(() => {
  repo = tempRepo('rollbook-decide-');
  const { root } = repo;
  write(root, {
    'rollbook.yaml': DESCRIPTOR,
    'flags/flags.json': FLAGS,
    'k8s/deployment.yaml': deployment('1.0.0'),
    'db/migrations/000001_orders.up.sql':
      "CREATE TYPE order_status AS ENUM ('open', 'paid');\nCREATE TABLE orders (id bigint PRIMARY KEY, note text, status order_status NOT NULL);\n",
    'db/migrations/000001_orders.down.sql': 'DROP TABLE orders;\nDROP TYPE order_status;\n',
    'src/app.txt': 'v1\n',
  });
  commit(root, 'v1', 'v1');
  write(root, { 'k8s/deployment.yaml': deployment('2.0.0'), 'src/app.txt': 'v2\n' });
  commit(root, 'v2: code only', 'v2');
  write(root, {
    'k8s/deployment.yaml': deployment('3.0.0'),
    'db/migrations/000002_memo.up.sql':
      "ALTER TABLE orders RENAME COLUMN note TO memo;\nALTER TYPE order_status ADD VALUE 'refunded';\n",
    'db/migrations/000002_memo.down.sql': 'ALTER TABLE orders RENAME COLUMN memo TO note;\n',
  });
  commit(root, 'v3: rename a column, add an enum value', 'v3');
});
afterAll(() => repo.cleanup());

const io = () => ({ stdout: () => {}, stderr: () => {}, cwd: repo.root });

describe('rollbook decide on a code-only release (v2 → v1)', () => {
  let design: Awaited<ReturnType<typeof loadDesign>>;
  beforeAll(async () => {
    design = await loadDesign(repo.root, io(), { from: 'v2', to: 'v1' }, 'decide');
  });

  it('rolls back the app: nothing is lost, a slower fix loses the break-even', () => {
    const r = decide({ ...design, facts: { fixReadyMinutes: 35, failingPercent: 8 } });
    expect(r.recommendation).toBe('rollback');
    expect(r.row.id).toBe('app-rollback');
    const app = r.options[0];
    expect(app?.kind).toBe('rollback');
    expect(app?.losses).toEqual([]);
    expect(r.breakEven).toMatch(
      /^the fix needs 35 min to ship; rolling back takes ~\d+ min and loses nothing: roll back\.$/,
    );
    expect(app?.minutesToMitigate).toBeLessThan(35);
    expect(r.options.find((o) => o.kind === 'rollback-with-data-step')?.available).toBe(false);
    expect(r.outcome).toBe('pass');
  });

  it('a suspect behind the kill switch: flag off wins, with the flip from the design', () => {
    const r = decide({ ...design, facts: { behindFlag: 'new-checkout' } });
    expect(r.recommendation).toBe('flag-off');
    expect(r.options[0]?.action).toMatch(/`new-checkout`.*flags\/flags\.json/);
    expect(r.options[0]?.risks.join('\n')).not.toMatch(/not in the repository/);
    const unknownFlag = decide({ ...design, facts: { behindFlag: 'other-flag' } });
    expect(unknownFlag.options[0]?.risks.join('\n')).toMatch(
      /other-flag is not in the repository's flag files/,
    );
  });
});

describe('rollbook decide on a release with a migration (v3 → v2)', () => {
  let design: Awaited<ReturnType<typeof loadDesign>>;
  beforeAll(async () => {
    design = await loadDesign(repo.root, io(), { from: 'v3', to: 'v2' }, 'decide');
  });

  it('needs the data step: the rename blocks the app-only rollback; the enum value is lost', () => {
    const r = decide({ ...design, facts: { minutesSinceDeploy: 20, failingPercent: 30 } });
    expect(r.recommendation).toBe('rollback-with-data-step');
    expect(r.impact).toBe('critical');
    const data = r.options[0];
    expect(data?.losses.join('\n')).toMatch(/order_status\.refunded \(enum-add-value\)/);
    expect(data?.losses.at(-1)).toBe('at stake: the writes of the 20 min since the deploy');
    expect(data?.risks[0]).toMatch(
      /verified backup first and the data authority \(incident-commander, database-owner\)/,
    );
    const app = r.options.find((o) => o.kind === 'rollback');
    expect(app?.available).toBe(false);
    expect(app?.reasons[0]).toMatch(/requires the data step first/);
    expect((data?.minutesToMitigate ?? 0) > 5).toBe(true);
  });

  it('low impact and a lossy data step: fix forward; a known fix at significant impact too', () => {
    expect(decide({ ...design, facts: { failingPercent: 0.4, dataAffected: false } }).row.id).toBe(
      'lossy-data-step-low-impact',
    );
    expect(decide({ ...design, facts: { failingPercent: 5, fixReadyMinutes: 90 } }).row.id).toBe(
      'lossy-data-step-fix-known',
    );
  });
});

describe('rollbook decide, the command', () => {
  it('--format json matches its schema and names the options with their times', async () => {
    const r = await cli([
      'decide',
      repo.root,
      '--from',
      'v3',
      '--to',
      'v2',
      '--format',
      'json',
      '--failing',
      '12%',
      '--data-affected',
      'yes',
      '--fix-ready-minutes',
      '45',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as DecisionReport;
    const parsed = decisionJsonSchema.safeParse(doc);
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(doc.recommendation).toBe('rollback-with-data-step');
    expect(doc.options.map((o) => o.kind).sort()).toEqual(
      ['fix-forward', 'flag-off', 'partial', 'rollback', 'rollback-with-data-step'].sort(),
    );
    expect(doc.options.find((o) => o.kind === 'fix-forward')?.minutesToMitigate).toBe(45);
    expect(doc.facts.filter((f) => f.source === 'flag').map((f) => f.flag)).toEqual([
      '--failing',
      '--data-affected',
      '--fix-ready-minutes',
    ]);
    expect(doc.readOnly).toMatch(/read-only.*ran nothing that changes anything/);
  });

  it.each([
    [['--failing', '120'], /--failing must be from 0 to 100 percent; got 120/],
    [['--failing', 'lots'], /--failing must be a number of percent/],
    [['--minutes-since-deploy=-5'], /--minutes-since-deploy must be a number of minutes/],
    [['--data-affected', 'maybe'], /--data-affected must be yes or no; got "maybe"/],
    [['--behind-flag', 'two words'], /--behind-flag must be yes, no or a flag name/],
    [['--burn-rate', '1e9'], /--burn-rate must be a number/],
    [['--format', 'html'], /--format must be one of json, md, text/],
  ])('bad facts are usage errors (exit 2): %j', async (args, message) => {
    const r = await cli(['decide', repo.root, ...args]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('without a release window it decides, and exits 1 saying what it could not prove', async () => {
    const r = await cli(['decide', repo.root, '--from', 'v1', '--format', 'json', '--failing', '3']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as DecisionReport;
    expect(doc.outcome).toBe('unknown');
    expect(doc.couldNotProve.map((u) => u.id)).toEqual(['release-window']);
  });

  it('without a terminal it asks nothing and lists the missing facts as assumptions (built binary)', () => {
    const r = bin(
      ['decide', repo.root, '--from', 'v2', '--to', 'v1', '--format', 'text', '--failing', '8'],
      repo.root,
      {
        CI: 'true',
      },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^orders: ROLL BACK \(APP ONLY\) \(rollback\)$/m);
    const assumptions = r.stdout.slice(r.stdout.indexOf('\nAssumptions:\n'));
    for (const line of [
      '  - time since the deploy unknown',
      '  - assumed no money or data is being written wrongly',
      '  - error-budget burn rate unknown: not weighed',
      '  - assumed the failing change is not behind a flag',
      '  - no fix known (no --fix-ready-minutes)',
      '  - the design has kill switch (new-checkout)',
    ])
      expect(assumptions).toContain(line);
    expect(assumptions).not.toContain('share of failing requests unknown');
    expect(r.stdout).toMatch(/rollbook decide is read-only/);
  });
});
