import type { Finding } from '../model/index.js';
import { createRule } from './create-rule.js';

export default createRule(
  {
    id: 'unversioned-config',
    kind: 'config',
    severity: 'warning',
    description: 'A workload reads a ConfigMap/Secret whose name does not change with its content',
    rationale:
      'A rollback restores the pod template only. A ConfigMap or Secret edited in place keeps its new content, so the old code starts with the new configuration.',
    mitigation:
      'Version config with its content: kustomize configMapGenerator/secretGenerator (hashed names), a checksum/config annotation in Helm, or immutable names (app-config-v7).',
    scope: 'config',
  },
  (service, report) => {
    const out: Finding[] = [];
    for (const w of service.workloads) {
      const subject = `${w.namespace ? `${w.namespace}/` : ''}${w.kind.toLowerCase()}/${w.name}`;
      for (const c of w.config) {
        if (c.versioned) continue;
        const at = c.at ?? w.at ?? { file: service.descriptor ?? 'rollbook.yaml', line: 1 };
        const latest = c.at?.note === 'secret version latest';
        out.push(
          report({
            subject: `${subject} ${c.kind}/${c.name}`,
            message: latest
              ? `${c.kind} ${c.name} is read at version "latest": a rollback keeps the newest secret value`
              : `${c.kind} ${c.name} is not versioned: a rollback keeps its current content`,
            evidence: [at],
            appRollbackSafe: null,
            revertLossless: true,
            touchesData: false,
            mitigation: latest
              ? `Pin ${c.name} to a numbered secret version in ${at.file} so the revision carries its own secret.`
              : `Generate ${c.name} with a content hash (kustomize configMapGenerator / Helm checksum annotation), or restore its previous content from git (kubectl apply -f) before rolling back ${subject}.`,
          }),
        );
      }
    }
    return out;
  },
);
