import type { Finding } from '../model/index.js';
import { createRule } from './create-rule.js';

export default createRule(
  {
    id: 'crds-in-templates',
    kind: 'config',
    severity: 'error',
    description: 'A chart ships a CustomResourceDefinition in templates/ (versioned with the release)',
    rationale:
      'A CRD in templates/ is upgraded and rolled back with the release: rolling back to a revision without it deletes the CRD and every custom resource of that kind; an older schema can make stored objects invalid.',
    mitigation:
      'Move CRDs to crds/ or a separate CRDs chart, or annotate them helm.sh/resource-policy: keep; back up the custom resources before a rollback.',
    scope: 'deploy',
  },
  (service, report) => {
    const out: Finding[] = [];
    for (const w of service.workloads) {
      for (const c of w.crds ?? []) {
        if (!c.inTemplates) continue;
        const release = w.helm?.release ?? w.name;
        out.push(
          report({
            subject: `${w.helm?.chart ?? w.name} CustomResourceDefinition/${c.name}`,
            message: `CRD ${c.name} is in templates/: a helm rollback of ${release} can delete or downgrade it with all its custom resources`,
            evidence: [c.at ?? w.at ?? { file: service.descriptor ?? 'rollbook.yaml', line: 1 }],
            appRollbackSafe: null,
            revertLossless: false,
            touchesData: true,
            mitigation: `Move ${c.name} to the chart's crds/ directory (or add the annotation helm.sh/resource-policy: keep); before rolling back ${release}, back up its objects: kubectl get ${c.name} -A -o yaml.`,
          }),
        );
      }
    }
    return out;
  },
);
