import { describe, expect, test } from 'vitest';
import { terraform } from '../../src/platforms/terraform.js';
import { ctxOf, renderCommand, rules, runbook, y } from './helpers.js';

const tf = (settings = {}) =>
  ctxOf(
    'terraform',
    { kind: 'Module', name: 'network', at: { file: 'infra/prod/main.tf', line: 1 } },
    settings,
  );

describe('terraform', () => {
  test('no rollback: git revert → plan → review → apply of the reviewed plan', () => {
    const r = terraform.rollback(tf());
    expect(r.oneCommand).toBe(false);
    expect(r.steps.map((s) => s.id)).toEqual([
      'git-revert',
      'terraform-plan',
      'terraform-review',
      'terraform-apply',
    ]);
    expect(r.steps[2]!.check.manual).toBe(true);
    expect(runbook(r)).toMatchInlineSnapshot(`
      "oneCommand=false
      start: git revert --no-edit "\${BAD_COMMIT}"
      input BAD_COMMIT: git log --oneline -n 20 -- infra/prod
      [git-revert] 120s/1800s
        rw $ git revert --no-edit "\${BAD_COMMIT}"
        rw $ Push the revert commit that git revert made and merge it to the branch that the Terraform pipeline for infra/prod deploys from (path infra/prod); then, on that branch in this clone, git pull (the check reads the branch it tracks)
        check $ git log --format=%x1e%H%n%B -n 200 '@{upstream}' -- (timeout 30s, retries 0)
      [terraform-plan] 60s/600s
        rw $ terraform -chdir=infra/prod init -input=false
        rw $ terraform -chdir=infra/prod plan -input=false -out=rollback.tfplan
        check $ terraform -chdir=infra/prod show rollback.tfplan (timeout 120s, retries 0)
      [terraform-review] 300s/1800s
        ro $ terraform -chdir=infra/prod show rollback.tfplan
        check (manual) the reviewer confirms: no data-holding resource is destroyed or replaced, and only the bad change is reversed
      [terraform-apply] 120s/1800s
        rw $ terraform -chdir=infra/prod apply -input=false rollback.tfplan
        check $ terraform -chdir=infra/prod plan -detailed-exitcode -input=false (timeout 600s, retries 0)"
    `);
  });

  test('history is git log of the root module; status is plan -detailed-exitcode', () => {
    expect(renderCommand(terraform.history(tf()))).toBe('git log --oneline -n 20 -- infra/prod');
    expect(renderCommand(terraform.status(tf()))).toBe(
      'terraform -chdir=infra/prod plan -detailed-exitcode -input=false',
    );
    expect(terraform.status(tf()).readOnly).toBe(true);
  });

  test('duration worst case from timeoutSeconds', () => {
    const d = terraform.duration(tf({ timeoutSeconds: y(900) }));
    expect([d.expectedSeconds, d.maxSeconds]).toEqual([120, 900]);
    expect(d.drivers.find((x) => x.name === 'apply worst case')?.source).toBe('descriptor');
  });

  test('hazard: no rollback, data not restored', () => {
    const h = terraform.hazards(tf());
    expect(rules(h)).toEqual(['terraform-no-rollback']);
    expect(h[0]!.revertLossless).toBe(false);
    expect(h[0]!.evidence).toEqual([{ file: 'infra/prod/main.tf', line: 1 }]);
  });
});
