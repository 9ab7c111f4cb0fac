/**
 * `rollbook check` end to end on a realistic pull request (fixtures/check/checkout-pr): a real git
 * repository with a release tag, a feature branch, and clones made the way CI makes them. Runs the
 * built binary (npm test builds first) exactly as the README's jobs do.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin } from '../helpers/cli.js';
import { sarifValidator } from '../helpers/sarif.js';
import { cleanupRepos, git, githubCheckout, gitlabCheckout, type PrRepo, prRepo } from './repo.js';

/** No CI variables from the machine running the tests. */
const LOCAL = {
  GITHUB_ACTIONS: '',
  GITHUB_BASE_REF: '',
  GITLAB_CI: '',
  CI_MERGE_REQUEST_DIFF_BASE_SHA: '',
  CI_DEFAULT_BRANCH: '',
};

let repo: PrRepo;
beforeAll(() => {
  repo = prRepo('checkout-pr');
});
afterAll(cleanupRepos);

/** Output with the repository's commit ids replaced, for snapshots. */
function stable(text: string): string {
  return text
    .replaceAll(repo.base, '<base>')
    .replaceAll(repo.base.slice(0, 12), '<base12>')
    .replaceAll(repo.base.slice(0, 7), '<base7>')
    .replaceAll(repo.head, '<head>')
    .replaceAll(repo.merge, '<merge>');
}

describe('rollbook check on a pull request', () => {
  it('text (default): every finding at its line, the previous version, the expand/contract fix; exit 1', () => {
    const r = bin(['check'], repo.work, LOCAL);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const heads = r.stdout
      .split('\n')
      .filter((l) => /^\S+:\d+:\d+: (error|warning|info) /.test(l))
      .map((l) => l.split(': ').slice(0, 2).join(': '));
    expect(heads).toEqual([
      'db/migrations/000002_add_status.up.sql:1:1: error migration-edited-after-release',
      'db/migrations/000004_drop_total.up.sql:1:1: error contract-in-same-release',
      'db/migrations/000004_drop_total.up.sql:1:1: error drop-column',
      'deploy/k8s/deployment.yaml:17:11: error mutable-image-tag',
      'db/migrations/000003_add_total_cents.down.sql:1:1: warning lossy-down',
      'db/migrations/000003_add_total_cents.up.sql:2:1: warning data-backfill',
    ]);
    expect(r.stdout).toContain(
      '`total` is used in internal/orders/repo.go:22 (and 1 more place) at the base',
    );
    expect(r.stdout).toContain('release 1 ships migration 000003 add_total_cents');
    expect(r.stdout).toMatch(/ignored/);
    expect(r.stdout).not.toContain('legacy_note: the previous app');
    expect(stable(r.stdout)).toMatchSnapshot();
  });

  it('json: the typed report; base, merge-base and the ignored finding with its reason', () => {
    const r = bin(['check', '--format', 'json'], repo.work, LOCAL);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.base).toMatchObject({ ref: 'origin/HEAD', mergeBase: repo.base });
    expect(report.outcome).toBe('fail');
    expect(
      report.ignored.map((i: { reason: string; finding: { subject: string } }) => [
        i.finding.subject,
        i.reason,
      ]),
    ).toEqual([['orders.legacy_note', 'legacy_note has had no reader or writer since v1.2 (ADR-14)']]);
    const drop = report.findings.find((f: { rule: string }) => f.rule === 'drop-column');
    expect(drop.previousVersion).toMatchObject({ identifier: 'total', confidence: 'medium', total: 2 });
    expect(drop.previousVersion.uses[0]).toMatchObject({ file: 'internal/orders/repo.go', line: 22 });
  });

  it('--base names the base; an unknown base is one message, exit 2', () => {
    expect(bin(['check', '--base', 'main'], repo.work, LOCAL).code).toBe(1);
    const r = bin(['check', '--base', 'no-such-branch'], repo.work, LOCAL);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^rollbook: unknown git ref "no-such-branch"\n/);
  });
});

describe('as the GitHub Actions job runs it (README)', () => {
  const env = {
    ...LOCAL,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_BASE_REF: 'main',
    GITHUB_HEAD_REF: 'feature',
  };

  it('checkout with fetch-depth: 0, no --format: workflow-command annotations, exit 1', () => {
    const dir = githubCheckout(repo, 0);
    const r = bin(['check'], dir, env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const annotations = r.stdout.split('\n').filter((l) => l.startsWith('::'));
    expect(
      annotations.some((l) =>
        l.startsWith('::error file=db/migrations/000004_drop_total.up.sql,line=1,col=1,title=drop-column::'),
      ),
    ).toBe(true);
    expect(
      annotations.some((l) => l.startsWith('::error file=deploy/k8s/deployment.yaml,line=17,col=11,')),
    ).toBe(true);
    expect(stable(r.stdout)).toMatchSnapshot();
  });

  it('--format sarif --out: a schema-valid SARIF 2.1.0 file for upload-sarif', () => {
    const dir = githubCheckout(repo, 0);
    const r = bin(['check', '--format', 'sarif', '--out', 'rollbook.sarif'], dir, env);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const log = JSON.parse(readFileSync(join(dir, 'rollbook.sarif'), 'utf8'));
    const validate = sarifValidator();
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    expect(log.runs[0].results.map((x: { ruleId: string }) => x.ruleId)).toContain(
      'contract-in-same-release',
    );
    expect(git(dir, 'status', '--porcelain')).toBe('?? rollbook.sarif');
  });

  it('the default checkout (fetch-depth 1) has no base: one message saying how to fetch it, exit 2', () => {
    const dir = githubCheckout(repo, 1);
    const r = bin(['check'], dir, env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('(this is a shallow clone)');
    expect(r.stderr).toContain('fetch-depth: 0');
  });

  it('a shallow clone with the base fetched deep enough works', () => {
    const dir = githubCheckout(repo, 1);
    git(dir, 'fetch', '-q', '--deepen=5', 'origin', `+${repo.merge}:refs/remotes/pull/1/merge`);
    git(dir, 'fetch', '-q', '--depth=5', 'origin', '+refs/heads/main:refs/remotes/origin/main');
    const r = bin(['check', '--format', 'text'], dir, env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('error drop-column:');
  });
});

describe('as the GitLab CI job runs it (README)', () => {
  const env = (dir: string) => ({
    ...LOCAL,
    CI: 'true',
    GITLAB_CI: 'true',
    CI_PIPELINE_SOURCE: 'merge_request_event',
    CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main',
    CI_MERGE_REQUEST_DIFF_BASE_SHA: repo.base,
    CI_PROJECT_DIR: dir,
  });

  it('GIT_DEPTH 20: Code Quality report for the merge request, exit 1', () => {
    const dir = gitlabCheckout(repo, 20);
    const r = bin(['check', '--format', 'gitlab', '--out', 'gl-code-quality-report.json'], dir, env(dir));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const issues = JSON.parse(readFileSync(join(dir, 'gl-code-quality-report.json'), 'utf8'));
    expect(issues.map((i: { check_name: string }) => i.check_name)).toContain('drop-column');
    for (const i of issues)
      expect(Object.keys(i).sort()).toEqual([
        'categories',
        'check_name',
        'description',
        'fingerprint',
        'location',
        'severity',
        'type',
      ]);
  });
});

describe('bad input: one message, exit 2, nothing written', () => {
  it('a binary file where check reads a migration', () => {
    const dir = githubCheckout(repo, 0);
    writeFileSync(join(dir, 'db/migrations/000005_blob.up.sql'), Buffer.from([0x41, 0x00, 0x42]));
    const r = bin(['check', '--base', 'origin/main', '--out', 'out.txt'], dir, LOCAL);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^rollbook: db\/migrations\/000005_blob\.up\.sql:1:2: binary file/);
    expect(() => readFileSync(join(dir, 'out.txt'))).toThrow();
  });

  it('an ignore naming an unknown rule, with the closest rule id', () => {
    const dir = githubCheckout(repo, 0);
    appendFileSync(
      join(dir, 'db/migrations/000004_drop_total.up.sql'),
      '-- rollbook-ignore drop-colum: typo\nSELECT 1;\n',
    );
    const r = bin(['check', '--base', 'origin/main'], dir, LOCAL);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(
      'rollbook: db/migrations/000004_drop_total.up.sql:4:20: rollbook-ignore names an unknown rule id "drop-colum"; did you mean "drop-column"?',
    );
  });

  it('an ignore without a reason is an error finding, and an unused one is reported', () => {
    const dir = githubCheckout(repo, 0);
    appendFileSync(
      join(dir, 'db/migrations/000004_drop_total.up.sql'),
      '-- rollbook-ignore truncate\nSELECT 1;\n-- rollbook-ignore drop-table: nothing here\nSELECT 2;\n',
    );
    const r = bin(['check', '--base', 'origin/main'], dir, LOCAL);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('db/migrations/000004_drop_total.up.sql:4:1: error ignore-without-reason:');
    expect(r.stdout).toContain('db/migrations/000004_drop_total.up.sql:6:1: warning unused-ignore:');
  });
});

describe('a change that keeps the next rollback safe', () => {
  it('exits 0 and says so', () => {
    const dir = githubCheckout(repo, 0);
    git(dir, 'checkout', '-q', '-b', 'safe', 'origin/main');
    writeFileSync(
      join(dir, 'db/migrations/000003_add_index.up.sql'),
      'CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);\n',
    );
    writeFileSync(
      join(dir, 'db/migrations/000003_add_index.down.sql'),
      'DROP INDEX CONCURRENTLY orders_status_idx;\n',
    );
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'index');
    const r = bin(['check', '--base', 'origin/main'], dir, LOCAL);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/nothing makes the next rollback unsafe\n$/);
    expect(r.code).toBe(0);
  });
});
