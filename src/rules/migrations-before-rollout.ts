import type { Finding } from '../model/index.js';
import { createRule } from './create-rule.js';
import { unmatchedTarget } from './support/pipeline.js';

export default createRule(
  {
    id: 'migrations-before-rollout',
    kind: 'schema',
    severity: 'warning',
    description: 'The pipeline runs schema migrations before the rollout',
    rationale:
      'The schema changes before the new code is live and stays changed when the deploy is rolled back: the previous version must run on the new schema, and a failed rollout leaves a migrated database behind.',
    mitigation:
      'Only ship backward-compatible migrations in the same deploy (expand/contract), check them with "rollbook migrations analyze" in the pipeline, and keep contract steps for a later release.',
    scope: 'deploy',
  },
  (service, report) => {
    const out: Finding[] = [];
    for (const p of service.pipelines) {
      if (!p.migratesBeforeDeploy) continue;
      out.push(
        report({
          subject: `${p.provider} ${p.deployJob ?? p.file}`,
          message: `${p.file} migrates the database before job ${p.deployJob ?? '(deploy)'}: a rollback of the app leaves the new schema${unmatchedTarget(p)}`,
          evidence: [p.at ?? { file: p.file, line: 1 }],
          appRollbackSafe: null,
          revertLossless: null,
          touchesData: false,
          mitigation: `Gate ${p.file} on "rollbook migrations analyze" (no errors) before the migration job, and keep every migration in it compatible with the currently deployed version.`,
        }),
      );
    }
    return out;
  },
);
